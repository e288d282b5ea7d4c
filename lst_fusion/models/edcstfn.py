"""EDCSTFN - Enhanced Deep Convolutional Spatiotemporal Fusion Network.

Tan, Z., Di, L., Zhang, M., Guo, L., Gao, M. (2019). An Enhanced Deep
Convolutional Model for Spatiotemporal Image Fusion. Remote Sensing 11, 2898.

Structure as published: a fine-feature encoder on the fine reference, a
residual (change) encoder on the concatenated coarse reference, fine reference
and coarse target, features added, and a decoder.  Loss: MSE + 0.8 (1 - MS-SSIM).

Sizes (``registry.build("edcstfn", size=...)``):
* ``paper`` follows the reference code (theonegis/edcstfn): widths 32-64-128,
  replication padding, a ReLU closing the fine encoder, none opening the
  decoder, a 1x1 output conv
  (278,209 parameters at one band, as the reference).  With both pairs given
  (``fine_ref2``/``coarse_ref2``) and ``two_pairs=True`` the prediction is the
  reference's two-pair one: the fused features of each pair are blended with
  per-feature weights inversely proportional to the size of that pair's change
  features, then decoded.
* ``small`` is the earlier configuration (zero padding, 3x3 output conv).

Deviations, and why:
* The paper's feature loss needs an encoder pre-trained on the same sensor;
  nothing is downloaded: for ``paper`` the trainer pretrains it on the
  training patches (``registry.loss_edcstfn_paper``,
  ``common.edcstfn_autoencoder``); ``small`` has no feature term.
* With two pairs the blend is trained end to end (the reference trains each
  pair's prediction and blends only at inference).
* The decoder's output is added to the fine reference (the network learns the
  change); this has no parameters and converges in far fewer steps on the
  small areas users train on.
"""
import torch
import torch.nn as nn

from .common import conv


def _conv(cin, cout, k, pad_mode, act):
    if pad_mode == "zeros" or k == 1:
        return conv(cin, cout, k, act=act)
    layers = [nn.ReplicationPad2d(k // 2), nn.Conv2d(cin, cout, k)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class EDCSTFN(nn.Module):
    def __init__(self, channels=(32, 64, 128), pad_mode="zeros", encoder_relu=False, out_kernel=3,
                 decoder_relu=True, two_pairs=False):
        super().__init__()
        c1, c2, c3 = channels
        self.two_pairs = two_pairs
        self.fine_encoder = nn.Sequential(_conv(1, c1, 3, pad_mode, True), _conv(c1, c2, 3, pad_mode, True),
                                          _conv(c2, c3, 3, pad_mode, encoder_relu))
        self.residual_encoder = nn.Sequential(_conv(3, c1, 3, pad_mode, True), _conv(c1, c2, 3, pad_mode, True),
                                              _conv(c2, c3, 3, pad_mode, False))
        self.decoder = nn.Sequential(nn.ReLU() if decoder_relu else nn.Identity(), _conv(c3, c2, 3, pad_mode, True),
                                     _conv(c2, c1, 3, pad_mode, True), _conv(c1, 1, out_kernel, pad_mode, False))

    # the fine references the fine encoder reads: all that encode_references sees (deep.predict.predict_dates
    # checks that the network's view of these roles is the same on every date before it reuses an encoding)
    reference_roles = ("fine_ref1", "fine_ref2")

    def _fused(self, fine, coarse, coarse_target, fine_features=None):
        change = self.residual_encoder(torch.cat([coarse, fine, coarse_target], 1))
        features = self.fine_encoder(fine) if fine_features is None else fine_features
        return features + change, change

    def forward(self, x):
        return self.predict_from_encoding(None, x)

    def encode_references(self, x):
        """The sub-network that reads only the fine references: the fine encoder's features of each
        (anchored checkpoints: of F_k - C_k; absolute ones: of F_k).  Computed once per reference set and
        tile, reused for every date (:meth:`predict_from_encoding`); the target's MODIS is not read."""
        enc = {"fine_ref1": self.fine_encoder(x["fine_ref1"])}
        if self.two_pairs and x.get("fine_ref2") is not None:
            enc["fine_ref2"] = self.fine_encoder(x["fine_ref2"])
        return enc

    def predict_from_encoding(self, enc, x):
        """The prediction of one date from :meth:`encode_references`'s output (None: encode here, which is
        ``forward``): the residual (change) encoder, the two-pair weighting and the decoder."""
        enc = enc or {}
        f1 = x["fine_ref1"]
        fused1, change1 = self._fused(f1, x["coarse_ref1"], x["coarse_target"], enc.get("fine_ref1"))
        if not (self.two_pairs and x.get("fine_ref2") is not None):
            return f1 + self.decoder(fused1)
        f2 = x["fine_ref2"]
        fused2, change2 = self._fused(f2, x["coarse_ref2"], x["coarse_target"], enc.get("fine_ref2"))
        # the reference's weighting: inverse size of each pair's change features, per feature
        inv1, inv2 = 1.0 / (change1.abs() + 1e-8), 1.0 / (change2.abs() + 1e-8)
        w1 = (inv1 / (inv1 + inv2)).clamp(0.0, 1.0)
        w1_pixel = w1.mean(1, keepdim=True)  # the same weighting for the fine references the change is added to
        base = w1_pixel * f1 + (1 - w1_pixel) * f2
        return base + self.decoder(w1 * fused1 + (1 - w1) * fused2)
