"""Building blocks and losses shared by the fusion networks (torch only).

Conventions for every model: ``forward(x)`` takes a dict of (B, 1, H, W)
tensors named by role - ``fine_ref1``, ``coarse_ref1``, ``coarse_target``,
``fine_ref2``, ``coarse_ref2`` - already normalised with the dataset's mean
and standard deviation, and returns the fine prediction (B, 1, H, W) in the
same normalisation.  Any H and W work (models that down-sample pad internally
by reflection and crop back).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(cin, cout, k=3, stride=1, dilation=1, act=True, bias=True):
    layers = [nn.Conv2d(cin, cout, k, stride, padding=dilation * (k // 2), dilation=dilation, bias=bias)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


def pad_to_multiple(x, m):
    h, w = x.shape[-2:]
    ph, pw = (-h) % m, (-w) % m
    if ph or pw:
        mode = "reflect" if (ph < h and pw < w) else "replicate"
        x = F.pad(x, (0, pw, 0, ph), mode=mode)
    return x, (h, w)


# ---------------------------------------------------------------- losses
def _ssim_parts(x, y, data_range, win=7):
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_x = F.avg_pool2d(x, win, 1)
    mu_y = F.avg_pool2d(y, win, 1)
    sxx = F.avg_pool2d(x * x, win, 1) - mu_x ** 2
    syy = F.avg_pool2d(y * y, win, 1) - mu_y ** 2
    sxy = F.avg_pool2d(x * y, win, 1) - mu_x * mu_y
    cs = (2 * sxy + c2) / (sxx + syy + c2)
    lum = (2 * mu_x * mu_y + c1) / (mu_x ** 2 + mu_y ** 2 + c1)
    return lum.mean(dim=(1, 2, 3)), cs.mean(dim=(1, 2, 3))


MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ms_ssim(x, y, data_range=4.0, win=7):
    """Multi-scale SSIM (Wang et al. 2003) with as many of the 5 scales as the
    patch size allows (a 95 px patch gets 4); contrast terms clamped at 0."""
    levels = 1
    size = min(x.shape[-2:])
    while levels < 5 and size // (2 ** levels) >= win:
        levels += 1
    w = torch.tensor(MS_SSIM_WEIGHTS[:levels], device=x.device, dtype=x.dtype)
    w = w / w.sum()
    vals = []
    for i in range(levels):
        lum, cs = _ssim_parts(x, y, data_range, win)
        vals.append(torch.relu(cs) if i < levels - 1 else torch.relu(lum * cs))
        if i < levels - 1:
            x, y = F.avg_pool2d(x, 2), F.avg_pool2d(y, 2)
    stack = torch.stack(vals, dim=1)
    return torch.prod(stack ** w, dim=1).mean()


def charbonnier(x, y, eps=1e-3):
    return torch.sqrt((x - y) ** 2 + eps * eps).mean()


def cosine_loss(x, y):
    return 1.0 - F.cosine_similarity(x.flatten(1), y.flatten(1), dim=1).mean()


class PatchDiscriminator(nn.Module):
    """PatchGAN (Isola et al. 2017) conditioned on the coarse target."""

    def __init__(self, in_ch=2, base=32, n_layers=3):
        super().__init__()
        layers = [nn.Conv2d(in_ch, base, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        ch = base
        for i in range(1, n_layers):
            nxt = min(base * 2 ** i, 256)
            stride = 2 if i < n_layers - 1 else 1
            layers += [nn.Conv2d(ch, nxt, 4, stride, 1), nn.InstanceNorm2d(nxt), nn.LeakyReLU(0.2, True)]
            ch = nxt
        layers += [nn.Conv2d(ch, 1, 4, 1, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, fine, x):
        return [self.net(torch.cat([fine, x["coarse_target"]], 1))]


class MultiscaleDiscriminator(nn.Module):
    """Two PatchGANs, at full and half resolution (Wang et al. 2018), as in GAN-STFM."""

    def __init__(self, in_ch=2, base=32, scales=2):
        super().__init__()
        self.ds = nn.ModuleList(PatchDiscriminator(in_ch, base) for _ in range(scales))

    def forward(self, fine, x):
        inp = torch.cat([fine, x["coarse_target"]], 1)
        outs = []
        for i, d in enumerate(self.ds):
            if i > 0 and min(inp.shape[-2:]) < 16:
                break  # too small for a PatchGAN at this scale (tiny training patches)
            outs.append(d.net(inp))
            if i < len(self.ds) - 1:
                inp = F.avg_pool2d(inp, 3, 2, 1, count_include_pad=False)
        return outs


def lsgan_loss(outputs, real):
    target = 1.0 if real else 0.0
    return sum(F.mse_loss(o, torch.full_like(o, target)) for o in outputs) / len(outputs)


class FeatureAutoencoder(nn.Module):
    """The pretrained feature extractor a paper's feature loss needs (EDCSTFN, GAN-STFM), trained by the trainer
    on the fine images of the training patches (reconstruction, MSE) and then frozen.

    Encoder: 3x3 convs of ``widths`` with ``strides`` (replication padding) and ``act``; decoder: the mirror
    with nearest-neighbour up-sampling.  ``encode`` pads to the total stride and returns the features."""

    def __init__(self, widths=(16, 32, 64, 128), strides=(1, 2, 2, 2), act="leaky", bands=1):
        super().__init__()

        def activation():
            return nn.LeakyReLU(0.01, True) if act == "leaky" else nn.ReLU(True)

        enc, prev = [], bands
        for w, s in zip(widths, strides):
            enc += [nn.ReplicationPad2d(1), nn.Conv2d(prev, w, 3, s), activation()]
            prev = w
        dec = []
        outs = list(reversed(widths[:-1])) + [bands]
        for i, (w, s) in enumerate(zip(outs, reversed(strides))):
            if s > 1:
                dec.append(nn.Upsample(scale_factor=s))
            dec += [nn.ReplicationPad2d(1), nn.Conv2d(prev, w, 3)]
            if i < len(outs) - 1:  # no activation on the reconstruction
                dec.append(activation())
            prev = w
        self.encoder, self.decoder = nn.Sequential(*enc), nn.Sequential(*dec)
        self.stride = 1
        for s in strides:
            self.stride *= s

    def encode(self, x):
        x, _ = pad_to_multiple(x, self.stride)
        return self.encoder(x)

    def forward(self, x):
        h, w = x.shape[-2:]
        return self.decoder(self.encode(x))[..., :h, :w]


def edcstfn_autoencoder():
    """EDCSTFN's pretrained encoder as in the reference: 32-64-128-128, the third conv strided, ReLU
    (240,256 encoder parameters at one band)."""
    return FeatureAutoencoder((32, 64, 128, 128), (1, 1, 2, 1), act="relu")


def ganstfm_autoencoder():
    """GAN-STFM's autoencoder encoder as in the reference: 16-32-64-128, three strided convs, LeakyReLU."""
    return FeatureAutoencoder((16, 32, 64, 128), (1, 2, 2, 2), act="leaky")
