"""GAN-STFM - a reference-insensitive GAN for spatiotemporal fusion.

Tan, Z., Gao, M., Li, X., Jiang, L. (2022). A Flexible Reference-Insensitive
Spatiotemporal Fusion Model for Remote Sensing Images Using Conditional
Generative Adversarial Network. IEEE TGRS 60, 5601413.

Structure as published: the generator takes only the coarse image of the
target date and a fine image of *any* date; two residual encoders with
switchable normalisation (a learned mix of instance, layer and batch
statistics) feed a residual decoder; a multiscale PatchGAN discriminator.
Loss: LSGAN + L1 + (1 - MS-SSIM); lr 2e-4.

Simplified: two residual blocks per part and width 32 so it trains on a CPU;
the output is added to the fine reference.
"""
import torch
import torch.nn as nn


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
