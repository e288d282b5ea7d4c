"""GAN-STFM - a reference-insensitive GAN for spatiotemporal fusion.

Tan, Z., Gao, M., Li, X., Jiang, L. (2022). A Flexible Reference-Insensitive
Spatiotemporal Fusion Model for Remote Sensing Images Using Conditional
Generative Adversarial Network. IEEE TGRS 60, 5601413.

Structure as published: the generator takes only the coarse image of the
target date and a fine image of *any* date; two residual encoders with
switchable normalisation (a learned mix of instance, layer and batch
statistics) feed a residual decoder; a multiscale PatchGAN discriminator.
Loss: LSGAN + L1 + (1 - MS-SSIM); lr 2e-4.

Sizes (``registry.build("ganstfm", size=...)``):
* ``paper`` (:class:`GANSTFMPaper`) follows the reference code
  (theonegis/ganstfm): a dual-stream encoder of four residual blocks
  16-32-64-128 - a trunk on the fine reference with switchable normalisation
  and LeakyReLU, a lateral stream on the coarse target added to it at every
  block - then four plain residual blocks 256-128-64-32-16 on both streams
  concatenated, and a 1x1 output conv; replication padding.  577,225
  parameters at one band, as the reference.  Discriminator: three residual
  spectral-norm discriminators at full, half and quarter resolution.  Loss
  (``registry.loss_ganstfm_paper``) as published: feature MSE and cosine of
  an autoencoder's encoder (pretrained by the trainer on the training
  patches, ``common.ganstfm_autoencoder``) + (1 - MS-SSIM) + 1e-3 LSGAN, no
  pixel term; Adam 1e-3.
* ``small`` (:class:`GANSTFM`): two residual blocks per part at width 32;
  L1 + (1 - MS-SSIM) + 0.01 LSGAN, Adam 2e-4.

Both add the output to the fine reference (no parameters; faster convergence).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SwitchNorm2d(nn.Module):
    """Switchable normalisation (Luo et al. 2019): softmax-weighted mix of IN, LN and BN."""

    def __init__(self, c, momentum=0.1, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1, c, 1, 1))
        self.bias = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.mean_w = nn.Parameter(torch.ones(3))
        self.var_w = nn.Parameter(torch.ones(3))
        self.register_buffer("running_mean", torch.zeros(1, c, 1))
        self.register_buffer("running_var", torch.ones(1, c, 1))
        self.momentum, self.eps = momentum, eps

    def forward(self, x):
        b, c, h, w = x.shape
        x = x.reshape(b, c, -1)
        mean_in = x.mean(-1, keepdim=True)
        var_in = x.var(-1, keepdim=True, unbiased=False)
        mean_ln = mean_in.mean(1, keepdim=True)
        var_ln = (var_in + mean_in ** 2).mean(1, keepdim=True) - mean_ln ** 2
        if self.training:
            mean_bn = mean_in.mean(0, keepdim=True)
            var_bn = (var_in + mean_in ** 2).mean(0, keepdim=True) - mean_bn ** 2
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean_bn.squeeze(0))
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var_bn.squeeze(0))
        else:
            mean_bn, var_bn = self.running_mean.unsqueeze(0), self.running_var.unsqueeze(0)
        mw, vw = torch.softmax(self.mean_w, 0), torch.softmax(self.var_w, 0)
        mean = mw[0] * mean_in + mw[1] * mean_ln + mw[2] * mean_bn
        var = vw[0] * var_in + vw[1] * var_ln + vw[2] * var_bn
        x = (x - mean) / torch.sqrt(var + self.eps)
        return x.reshape(b, c, h, w) * self.weight + self.bias


class ResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, padding=1), SwitchNorm2d(c), nn.ReLU(True),
                                  nn.Conv2d(c, c, 3, padding=1), SwitchNorm2d(c))

    def forward(self, x):
        return torch.relu(x + self.body(x))


class GANSTFM(nn.Module):
    def __init__(self, width=32, blocks=2):
        super().__init__()

        def encoder():
            return nn.Sequential(nn.Conv2d(1, width, 3, padding=1), nn.ReLU(True),
                                 *[ResBlock(width) for _ in range(blocks)])

        self.fine_encoder = encoder()
        self.coarse_encoder = encoder()
        self.decoder = nn.Sequential(nn.Conv2d(2 * width, width, 3, padding=1), nn.ReLU(True),
                                     *[ResBlock(width) for _ in range(blocks)],
                                     nn.Conv2d(width, 1, 3, padding=1))

    def forward(self, x):
        f = x["fine_ref1"]
        h = torch.cat([self.fine_encoder(f), self.coarse_encoder(x["coarse_target"])], 1)
        return f + self.decoder(h)


# ------------------------------------------------------------------ paper size
def _conv3(cin, cout, stride=1):
    return nn.Sequential(nn.ReplicationPad2d(1), nn.Conv2d(cin, cout, 3, stride))


class DualResBlock(nn.Module):
    """One encoder step: the fine trunk (SwitchNorm, LeakyReLU, 3x3, SwitchNorm, LeakyReLU, 1x1) plus the
    coarse lateral stream (3x3, 1x1, LeakyReLU); returns (lateral, trunk + lateral)."""

    def __init__(self, cin, cout):
        super().__init__()
        mid = min(cin, cout)
        self.trunk = nn.Sequential(SwitchNorm2d(cin), nn.LeakyReLU(0.01, True), _conv3(cin, mid), SwitchNorm2d(mid),
                                   nn.LeakyReLU(0.01, True), nn.Conv2d(mid, cout, 1))
        self.lateral = nn.Sequential(_conv3(cin, mid), nn.Conv2d(mid, cout, 1), nn.LeakyReLU(0.01, True))

    def forward(self, pair):
        coarse, fine = pair
        lateral = self.lateral(coarse)
        return lateral, self.trunk(fine) + lateral


class PlainResBlock(nn.Module):
    """Decoder step: 3x3 + LeakyReLU + 1x1 on the trunk, a 1x1 projection on the shortcut."""

    def __init__(self, cin, cout):
        super().__init__()
        mid = min(cin, cout)
        self.trunk = nn.Sequential(_conv3(cin, mid), nn.LeakyReLU(0.01, True), nn.Conv2d(mid, cout, 1))
        self.shortcut = nn.Conv2d(cin, cout, 1)

    def forward(self, x):
        return self.trunk(x) + self.shortcut(x)


class GANSTFMPaper(nn.Module):
    def __init__(self, widths=(16, 32, 64, 128), bands=1):
        super().__init__()
        chans = (bands,) + tuple(widths)
        self.encoder = nn.Sequential(*[DualResBlock(chans[i], chans[i + 1]) for i in range(len(widths))])
        dec = (2 * widths[-1],) + tuple(reversed(widths))
        self.decoder = nn.Sequential(*[PlainResBlock(dec[i], dec[i + 1]) for i in range(len(widths))],
                                     nn.Conv2d(widths[0], bands, 1))

    def forward(self, x):
        f = x["fine_ref1"]
        lateral, trunk = self.encoder((x["coarse_target"], f))
        return f + self.decoder(torch.cat([lateral, trunk], 1))


class _SNResBlock(nn.Module):
    """Discriminator step (halves the resolution): BN, LeakyReLU, strided 3x3, BN, LeakyReLU, 1x1 - all
    convolutions spectrally normalised - plus a strided 1x1 shortcut."""

    def __init__(self, cin, cout):
        super().__init__()
        sn = nn.utils.parametrizations.spectral_norm
        self.trunk = nn.Sequential(nn.BatchNorm2d(cin), nn.LeakyReLU(0.01, True), sn(nn.Conv2d(cin, cin, 3, 2, 1)),
                                   nn.BatchNorm2d(cin), nn.LeakyReLU(0.01, True), sn(nn.Conv2d(cin, cout, 1)))
        self.shortcut = sn(nn.Conv2d(cin, cout, 1, 2))

    def forward(self, x):
        return self.trunk(x) + self.shortcut(x)


class PaperDiscriminator(nn.Module):
    """Three residual spectral-norm discriminators at 1, 1/2 and 1/4 resolution, conditioned on the coarse target."""

    WIDTHS = ((32, 32, 64, 64, 128, 128, 256, 256), (32, 64, 64, 128, 128, 256, 256), (32, 64, 128, 128, 256, 256))

    def __init__(self, in_ch=2):
        super().__init__()
        sn = nn.utils.parametrizations.spectral_norm
        self.ds = nn.ModuleList()
        for widths in self.WIDTHS:
            chans = (in_ch,) + widths
            self.ds.append(nn.Sequential(*[_SNResBlock(chans[i], chans[i + 1]) for i in range(len(widths))],
                                         sn(nn.Conv2d(widths[-1], 1, 1))))

    def forward(self, fine, x):
        inp = torch.cat([fine, x["coarse_target"]], 1)
        return [d(F.interpolate(inp, scale_factor=0.5 ** i) if i else inp) for i, d in enumerate(self.ds)]
