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

Simplified: base width 16 (the paper's is larger) so it trains on a CPU;
the output is added to the fine reference.
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
