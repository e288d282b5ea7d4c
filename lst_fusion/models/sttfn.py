"""STTFN - Spatio-Temporal Temperature Fusion Network.

Yin, Z., Wu, P., Foody, G. M., Wu, Y., Liu, Z., Du, Y., Ling, F. (2021).
Spatiotemporal Fusion of Land Surface Temperature Based on a Convolutional
Neural Network. IEEE TGRS 59(2), 1808-1822.

Structure as published: one multiscale CNN applied forward (pair t1 -> t0) and
backward (pair t2 -> t0).  Each branch has a super-resolution part (on the
coarse reference and coarse target), an extraction part (on the fine
reference) and an integration part with parallel dilated (multiscale)
convolutions that outputs the fine change.  The two predictions are merged by
a spatio-temporal consistency weight: inversely proportional to the local mean
absolute coarse difference between each reference and the target.  Loss: MSE.

Sizes (``registry.build("sttfn", size=...)``): no public code exists, so
both follow the paper's description; ``paper`` uses 64 filters per layer (the
width of the SRCNN family the super-resolution part comes from; the paper's
exact widths could not be checked against code), ``small`` 32.  The change is
added to the fine reference in each branch (no parameters).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import conv


class _Branch(nn.Module):
    def __init__(self, ch=32):
        super().__init__()
        self.super_resolution = nn.Sequential(conv(2, ch), conv(ch, ch))
        self.extraction = nn.Sequential(conv(1, ch), conv(ch, ch))
        self.scales = nn.ModuleList(conv(2 * ch, ch, dilation=d) for d in (1, 2, 3))
        self.integration = nn.Sequential(conv(3 * ch, ch), conv(ch, 1, act=False))

    def forward(self, fine, coarse, coarse_target):
        a = self.super_resolution(torch.cat([coarse, coarse_target], 1))
        b = self.extraction(fine)
        h = torch.cat([a, b], 1)
        h = torch.cat([s(h) for s in self.scales], 1)
        return fine + self.integration(h)


class STTFN(nn.Module):
    def __init__(self, channels=32, consistency_window=9):
        super().__init__()
        self.branch = _Branch(channels)
        self.k = consistency_window

    def forward(self, x):
        c0 = x["coarse_target"]
        p1 = self.branch(x["fine_ref1"], x["coarse_ref1"], c0)
        p2 = self.branch(x["fine_ref2"], x["coarse_ref2"], c0)
        pad = self.k // 2

        def local_diff(c):
            d = F.pad((c0 - c).abs(), (pad,) * 4, mode="replicate")
            return F.avg_pool2d(d, self.k, 1) + 1e-3

        w1, w2 = 1.0 / local_diff(x["coarse_ref1"]), 1.0 / local_diff(x["coarse_ref2"])
        return (w1 * p1 + w2 * p2) / (w1 + w2)
