"""EDCSTFN - Enhanced Deep Convolutional Spatiotemporal Fusion Network.

Tan, Z., Di, L., Zhang, M., Guo, L., Gao, M. (2019). An Enhanced Deep
Convolutional Model for Spatiotemporal Image Fusion. Remote Sensing 11, 2898.

Structure as published: a fine-feature encoder on the fine reference, a
residual (change) encoder on the concatenated coarse reference, fine reference
and coarse target, features added, and a decoder.  Loss: MSE + 0.8 (1 - MS-SSIM).

Simplified, and why:
* The paper's feature loss needs an autoencoder pre-trained on the same
  sensor; nothing may be downloaded here, so it is left out.
* The decoder's output is added to the fine reference (the network learns the
  change); this converges in far fewer steps on the small areas users train on.
"""
import torch
import torch.nn as nn

from .common import conv


class EDCSTFN(nn.Module):
    def __init__(self, channels=(32, 64, 128)):
        super().__init__()
        c1, c2, c3 = channels
        self.fine_encoder = nn.Sequential(conv(1, c1), conv(c1, c2), conv(c2, c3, act=False))
        self.residual_encoder = nn.Sequential(conv(3, c1), conv(c1, c2), conv(c2, c3, act=False))
        self.decoder = nn.Sequential(nn.ReLU(), conv(c3, c2), conv(c2, c1), conv(c1, 1, act=False))

    def forward(self, x):
        f1 = x["fine_ref1"]
        change = self.residual_encoder(torch.cat([x["coarse_ref1"], f1, x["coarse_target"]], 1))
        return f1 + self.decoder(self.fine_encoder(f1) + change)
