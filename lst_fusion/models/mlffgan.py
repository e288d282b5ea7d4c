"""MLFF-GAN - Multilevel Feature Fusion GAN for spatiotemporal fusion.

Song, B., Liu, P., Li, J., Wang, L., Zhang, L., He, G., Chen, L., Liu, J. (2022).
MLFF-GAN: A Multilevel Feature Fusion With GAN for Spatiotemporal Remote
Sensing Images. IEEE TGRS 60, 4410816.

Structure as published: the generator builds five-level feature pyramids of
the fine reference and of the coarse reference/target; at each level the fine
features are re-styled to the coarse-target statistics by AdaIN, and a
learned change mask (from the coarse change) blends re-styled and original
fine features; a U-Net decoder fuses the levels.  A conditional PatchGAN
discriminates.  Loss: 0.01 GAN + L1 + (1 - MS-SSIM) + (1 - cosine); lr 2e-4.

Sizes (``registry.build("mlffgan", size=...)``):
* ``paper`` (:class:`MLFFGANPaper`) follows the reference code
  (songbingze/MLFF-GAN): two feature extractors (one shared by both coarse
  images, one for the fine reference) of five levels 16-32-64-128-256 (a 7x7
  conv, then strided 3x3 convs, each followed by a residual block with
  reflection padding and dropout 0.5); at each level the fine features are
  re-styled to the coarse-target statistics by AdaIN and blended with the
  coarse-target features through an attention mask computed from the
  difference of 1x1-projected (batch-normalised) coarse-target and
  coarse-reference features; a decoder of transposed 4x4 convs with residual
  blocks.  5,917,360 parameters at one band, as the reference.  Discriminator:
  pix2pixHD's NLayer PatchGAN (64 filters, 3 layers, batch norm; 2,765,505).
  Loss: 0.01 LSGAN + L1 + (1 - MS-SSIM) + (1 - cosine); Adam 2e-4.
* ``small`` (:class:`MLFFGAN`): a lighter pyramid of plain convs, widths
  16..128, a mask from the coarse change and the fine features, a bilinear
  U-Net decoder.

Both add the output to the fine reference (no parameters; faster convergence).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import conv, pad_to_multiple


def adain(content, style, eps=1e-5):
    """Adaptive instance normalisation: content features re-styled to the style's mean/std per channel.
    The sample std of a 1x1 map is undefined (NaN); there the population std (0) is used."""
    correction = 1 if content.shape[-1] * content.shape[-2] > 1 else 0
    cm, cs = content.mean((2, 3), keepdim=True), content.std((2, 3), keepdim=True, correction=correction) + eps
    sm, ss = style.mean((2, 3), keepdim=True), style.std((2, 3), keepdim=True, correction=correction) + eps
    return ss * (content - cm) / cs + sm


class _Pyramid(nn.Module):
    def __init__(self, in_ch, widths):
        super().__init__()
        self.stages = nn.ModuleList()
        prev = in_ch
        for i, w in enumerate(widths):
            stride = 1 if i == 0 else 2
            self.stages.append(nn.Sequential(conv(prev, w, stride=stride), conv(w, w)))
            prev = w

    def forward(self, x):
        feats = []
        for s in self.stages:
            x = s(x)
            feats.append(x)
        return feats


class MLFFGAN(nn.Module):
    def __init__(self, base=16, levels=5):
        super().__init__()
        widths = [min(base * 2 ** i, 128) for i in range(levels)]
        self.levels = levels
        self.fine = _Pyramid(1, widths)
        self.coarse = _Pyramid(1, widths)
        self.masks = nn.ModuleList(nn.Sequential(conv(2 * w, w), nn.Conv2d(w, w, 3, padding=1), nn.Sigmoid())
                                   for w in widths)
        self.up = nn.ModuleList(conv(widths[i + 1] + widths[i], widths[i]) for i in range(levels - 1))
        self.head = nn.Conv2d(widths[0], 1, 3, padding=1)

    def forward(self, x):
        f1 = x["fine_ref1"]
        inp = torch.cat([f1, x["coarse_ref1"], x["coarse_target"]], 1)
        inp, (h, w) = pad_to_multiple(inp, 2 ** (self.levels - 1))
        ff = self.fine(inp[:, :1])
        cr = self.coarse(inp[:, 1:2])
        ct = self.coarse(inp[:, 2:3])
        fused = []
        for fl, rl, tl, mask in zip(ff, cr, ct, self.masks):
            m = mask(torch.cat([(tl - rl).abs(), fl], 1))
            fused.append(m * adain(fl, tl) + (1 - m) * fl)
        y = fused[-1]
        for i in reversed(range(self.levels - 1)):
            y = F.interpolate(y, size=fused[i].shape[-2:], mode="bilinear", align_corners=False)
            y = self.up[i](torch.cat([y, fused[i]], 1))
        return f1 + self.head(y)[..., :h, :w]


# ------------------------------------------------------------------ paper size
class _ResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), nn.Dropout(0.5), nn.LeakyReLU(0.01, True),
                                  nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), nn.Dropout(0.5))

    def forward(self, x):
        return x + self.body(x)


class _Extractor(nn.Module):
    def __init__(self, widths, bands=1):
        super().__init__()
        self.levels = nn.ModuleList([nn.Sequential(nn.Conv2d(bands, widths[0], 7, 1, 3), _ResBlock(widths[0]))])
        for i in range(1, len(widths)):
            self.levels.append(nn.Sequential(nn.Conv2d(widths[i - 1], widths[i], 3, 2, 1), _ResBlock(widths[i])))

    def forward(self, x):
        feats = []
        for level in self.levels:
            x = level(x)
            feats.append(x)
        return feats


class _Attention(nn.Module):
    """Mask M from the projected coarse-target minus coarse-reference features; output M*target + (1-M)*restyled."""

    def __init__(self, c):
        super().__init__()
        self.p_target = nn.Sequential(nn.Conv2d(c, c, 1), nn.BatchNorm2d(c))
        self.p_ref = nn.Sequential(nn.Conv2d(c, c, 1), nn.BatchNorm2d(c))
        self.mask = nn.Sequential(nn.Conv2d(c, 1, 1), nn.BatchNorm2d(1), nn.Sigmoid())

    def forward(self, target, ref, restyled):
        m = self.mask(self.p_target(target) - self.p_ref(ref))
        return m * target + (1 - m) * restyled


class MLFFGANPaper(nn.Module):
    def __init__(self, widths=(16, 32, 64, 128, 256), bands=1):
        super().__init__()
        self.levels = len(widths)
        self.coarse = _Extractor(widths, bands)
        self.fine = _Extractor(widths, bands)
        self.attention = nn.ModuleList(_Attention(w) for w in widths)

        def up(cin, cout):
            return nn.Sequential(nn.ConvTranspose2d(cin, cout, 4, 2, 1), nn.LeakyReLU(0.01, True), _ResBlock(cout))

        self.up = nn.ModuleList(up(2 * widths[i + 1], widths[i]) for i in reversed(range(self.levels - 1)))
        w0 = widths[0]
        self.head = nn.Sequential(_ResBlock(2 * w0), nn.Conv2d(2 * w0, w0, 1), _ResBlock(w0), nn.Conv2d(w0, bands, 1))

    def forward(self, x):
        f1 = x["fine_ref1"]
        inp = torch.cat([f1, x["coarse_ref1"], x["coarse_target"]], 1)
        inp, (h, w) = pad_to_multiple(inp, 2 ** (self.levels - 1))
        ff = self.fine(inp[:, :1])
        cr = self.coarse(inp[:, 1:2])
        ct = self.coarse(inp[:, 2:3])
        fused = [att(t, r, adain(f, t)) for att, f, r, t in zip(self.attention, ff, cr, ct)]
        y = torch.cat([fused[-1], ct[-1]], 1)
        for k, up in enumerate(self.up):
            y = up(y)
            y = torch.cat([fused[-2 - k], y], 1)
        return f1 + self.head(y)[..., :h, :w]


class PaperDiscriminator(nn.Module):
    """pix2pixHD's NLayer PatchGAN as the reference uses it: 4x4 convs, 64 filters doubling to 512, three strided
    layers, batch norm, LeakyReLU 0.2; conditioned on the coarse target."""

    def __init__(self, in_ch=2, base=64, n_layers=3):
        super().__init__()
        layers = [nn.Conv2d(in_ch, base, 4, 2, 2), nn.LeakyReLU(0.2, True)]
        ch = base
        for i in range(1, n_layers + 1):
            nxt = min(ch * 2, 512)
            layers += [nn.Conv2d(ch, nxt, 4, 2 if i < n_layers else 1, 2), nn.BatchNorm2d(nxt), nn.LeakyReLU(0.2, True)]
            ch = nxt
        layers.append(nn.Conv2d(ch, 1, 4, 1, 2))
        self.net = nn.Sequential(*layers)

    def forward(self, fine, x):
        return [self.net(torch.cat([fine, x["coarse_target"]], 1))]
