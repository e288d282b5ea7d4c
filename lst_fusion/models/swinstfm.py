"""SwinSTFM - Swin Transformer for spatiotemporal fusion.

Chen, G., Jiao, P., Hu, Q., Xiao, L., Ye, Z. (2022). SwinSTFM: Remote Sensing
Spatiotemporal Fusion Using Swin Transformer. IEEE TGRS 60, 5410618.

Structure as published: patch embedding (patch 2, embed 64) of the fine
reference with the coarse pair, Swin Transformer blocks with (shifted) window
self-attention (window 8) and relative position bias, patch merging to a
coarser stage and patch expanding back with a skip connection, a
reconstruction head.  Loss: Charbonnier + (1 - MS-SSIM); Adam 1e-4.

Sizes (``registry.build("swinstfm", size=...)``):
* ``paper`` (:class:`SwinSTFMPaper`) follows the authors' code
  (LouisChen0104/swinstfm): two Swin encoders (one shared by both coarse
  images, one for the fine reference) with patch embedding (patch 2, embed
  64, LayerNorm), stages of depths (2, 2, 6, 2) at dims 64-128-256-512 with
  32-channel heads, window 8, MLP ratio 1, patch merging to 128-256-512-512;
  a fusion decoder over the 5 levels in which cross-attention windows
  transfer the coarse change to the fine features (two attention maps, coarse
  reference x fine reference and coarse reference x coarse target,
  multiplied), pixel-shuffle up-sampling, a projection of the three streams
  and Swin stages of the encoder depths in reverse; a pixel-shuffle
  reconstruction head.  37,529,845 parameters at one band, as the
  reference.  Loss: Charbonnier + (1 - MS-SSIM); Adam 1e-4.  Deviations: the
  reference's final Tanh is left out (inputs here are standardised, not
  scaled to [-1, 1]); any input size works (padded by reflection to the
  smallest size whose levels fit the windows; a level smaller than the
  window uses one window of its size, with the same relative-position table,
  as the reference does at its deepest level).
* ``small`` (:class:`SwinSTFM`): one encoder on the three images stacked,
  two stages with depths (2, 2), an MLP ratio of 2 and a U-Net-like
  patch-expanding decoder.

Both add the output to the fine reference (no parameters; faster convergence).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..core.platform.errors import LstFusionError
from .common import pad_to_multiple


def _windows(x, ws):
    b, h, w, c = x.shape
    x = x.view(b, h // ws, ws, w // ws, ws, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(-1, ws * ws, c)


def _unwindows(x, ws, b, h, w):
    c = x.shape[-1]
    x = x.view(b, h // ws, w // ws, ws, ws, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(b, h, w, c)


class WindowAttention(nn.Module):
    def __init__(self, dim, heads, ws):
        super().__init__()
        self.heads, self.ws = heads, ws
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.bias_table = nn.Parameter(torch.zeros((2 * ws - 1) ** 2, heads))
        nn.init.trunc_normal_(self.bias_table, std=0.02)
        coords = torch.stack(torch.meshgrid(torch.arange(ws), torch.arange(ws), indexing="ij")).flatten(1)
        rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + (ws - 1)
        self.register_buffer("rel_index", rel[..., 0] * (2 * ws - 1) + rel[..., 1], persistent=False)

    def forward(self, x, mask=None):
        bw, n, c = x.shape
        qkv = self.qkv(x).reshape(bw, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * self.scale) @ k.transpose(-2, -1)
        attn = attn + self.bias_table[self.rel_index.reshape(-1)].reshape(n, n, -1).permute(2, 0, 1)
        if mask is not None:
            nw = mask.shape[0]
            attn = attn.view(bw // nw, nw, self.heads, n, n) + mask[None, :, None]
            attn = attn.view(-1, self.heads, n, n)
        attn = attn.softmax(-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(bw, n, c))


class SwinBlock(nn.Module):
    def __init__(self, dim, heads, ws, shift):
        super().__init__()
        self.ws, self.shift = ws, shift
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, heads, ws)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def _mask(self, h, w, device):
        img = torch.zeros(1, h, w, 1, device=device)
        cnt = 0
        for hs in (slice(0, -self.ws), slice(-self.ws, -self.shift), slice(-self.shift, None)):
            for wsl in (slice(0, -self.ws), slice(-self.ws, -self.shift), slice(-self.shift, None)):
                img[:, hs, wsl, :] = cnt
                cnt += 1
        mw = _windows(img, self.ws).squeeze(-1)
        m = mw[:, None, :] - mw[:, :, None]
        return m.masked_fill(m != 0, -100.0).masked_fill(m == 0, 0.0)

    def forward(self, x):
        b, h, w, c = x.shape
        y = self.norm1(x)
        if self.shift:
            y = torch.roll(y, (-self.shift, -self.shift), (1, 2))
        mask = self._mask(h, w, x.device) if self.shift else None
        y = _unwindows(self.attn(_windows(y, self.ws), mask), self.ws, b, h, w)
        if self.shift:
            y = torch.roll(y, (self.shift, self.shift), (1, 2))
        x = x + y
        return x + self.mlp(self.norm2(x))


class SwinSTFM(nn.Module):
    def __init__(self, embed=64, depths=(2, 2), heads=(2, 4), window=8, patch=2):
        super().__init__()
        _check_stages(embed, depths, heads, window, patch)
        self.window, self.patch, self.nstages = window, patch, len(depths)
        self.embed = nn.Conv2d(3, embed, patch, patch)
        self.stages, self.merges, self.expands, self.fuse = (nn.ModuleList() for _ in range(4))
        dims = [embed * 2 ** i for i in range(len(depths))]
        for i, (d, nh) in enumerate(zip(depths, heads)):
            self.stages.append(nn.ModuleList(SwinBlock(dims[i], nh, window, 0 if j % 2 == 0 else window // 2)
                                             for j in range(d)))
            if i < len(depths) - 1:
                self.merges.append(nn.Linear(4 * dims[i], dims[i + 1]))
                self.expands.append(nn.Linear(dims[i + 1], 4 * dims[i]))
                self.fuse.append(nn.Linear(2 * dims[i], dims[i]))
        self.head = nn.Sequential(nn.Conv2d(embed, embed * patch * patch, 3, padding=1), nn.PixelShuffle(patch),
                                  nn.Conv2d(embed, 1, 3, padding=1))

    def forward(self, x):
        f1 = x["fine_ref1"]
        inp = torch.cat([f1, x["coarse_ref1"], x["coarse_target"]], 1)
        inp, (h, w) = pad_to_multiple(inp, self.patch * self.window * 2 ** (self.nstages - 1))
        y = self.embed(inp).permute(0, 2, 3, 1)  # B H W C
        skips = []
        for i, blocks in enumerate(self.stages):
            for blk in blocks:
                y = blk(y)
            if i < self.nstages - 1:
                skips.append(y)
                b, hh, ww, c = y.shape
                y = y.view(b, hh // 2, 2, ww // 2, 2, c).permute(0, 1, 3, 4, 2, 5).reshape(b, hh // 2, ww // 2, 4 * c)
                y = self.merges[i](y)
        for i in reversed(range(self.nstages - 1)):
            b, hh, ww, _ = y.shape
            y = self.expands[i](y)
            c = y.shape[-1] // 4
            y = y.view(b, hh, ww, 2, 2, c).permute(0, 1, 3, 2, 4, 5).reshape(b, 2 * hh, 2 * ww, c)
            y = self.fuse[i](torch.cat([y, skips[i]], -1))
        y = self.head(y.permute(0, 3, 1, 2))
        return f1 + y[..., :h, :w]


def _check_stages(embed, depths, heads, window, patch):
    """A configuration that cannot run is refused here, naming the field (not an IndexError in forward)."""
    if len(depths) < 1 or any(int(d) < 1 for d in depths):
        raise LstFusionError("depths", f"needs at least one stage and at least one block per stage, not {depths}")
    if len(heads) != len(depths):
        raise LstFusionError("heads", f"has {len(heads)} entries but depths has {len(depths)} stages; "
                             "give one head count per stage")
    for i, nh in enumerate(heads):
        dim = embed * 2 ** i
        if nh < 1 or dim % nh:
            raise LstFusionError("heads", f"stage {i + 1} has {dim} channels, which {nh} heads do not divide")
    if window < 1 or patch < 1:
        raise LstFusionError("window", "window and patch must be at least 1")


# ------------------------------------------------------------------ paper size
def fit_size(n, base, window, levels):
    """Smallest size >= n whose level sizes (n / base / 2**l) are whole and either multiples of ``window``
    or divisors of it, so every level tiles into windows."""
    size = base * 2 ** (levels - 1) * max(1, math.ceil(n / (base * 2 ** (levels - 1))))
    while True:
        ok = True
        for level in range(levels):
            s = size // (base * 2 ** level)
            if not (s % window == 0 or (s < window and window % s == 0)):
                ok = False
        if ok:
            return size
        size += base * 2 ** (levels - 1)


class _Attention(nn.Module):
    """Window attention with a relative-position bias table of the configured window; a smaller window (a level
    smaller than the window) reads the centre of the same table.  ``cross``: two query/key pairs whose
    softmax maps are multiplied and renormalised (the SwinSTFM fusion attention)."""

    def __init__(self, dim, heads, window, cross=False):
        super().__init__()
        self.heads, self.window, self.cross = heads, window, cross
        self.scale = (dim // heads) ** -0.5
        self.bias_table = nn.Parameter(torch.zeros((2 * window - 1) ** 2, heads))
        nn.init.trunc_normal_(self.bias_table, std=0.02)
        if cross:
            self.q, self.k, self.q2, self.k2, self.v = (nn.Linear(dim, dim) for _ in range(5))
        else:
            self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self._index = {}

    def _bias(self, ws, device):
        if ws not in self._index:
            c = torch.stack(torch.meshgrid(torch.arange(ws), torch.arange(ws), indexing="ij")).flatten(1)
            rel = (c[:, :, None] - c[:, None, :]) + (self.window - 1)
            self._index[ws] = (rel[0] * (2 * self.window - 1) + rel[1]).reshape(-1)
        n = ws * ws
        return self.bias_table[self._index[ws].to(device)].reshape(n, n, -1).permute(2, 0, 1)

    def _split(self, t, bw, n):
        return t.reshape(bw, n, self.heads, -1).transpose(1, 2)

    def _softmax(self, q, k, bias, mask):
        attn = (q * self.scale) @ k.transpose(-2, -1) + bias
        if mask is not None:
            nw = mask.shape[0]
            attn = (attn.view(-1, nw, self.heads, *attn.shape[-2:]) + mask[None, :, None]).view(attn.shape)
        return attn.softmax(-1)

    def forward(self, ws, mask, x, hr=None, lr=None, c=None):
        bw, n, dim = x.shape
        bias = self._bias(ws, x.device)
        if self.cross:
            a = self._softmax(self._split(self.q(lr), bw, n), self._split(self.k(hr), bw, n), bias, mask)
            a2 = self._softmax(self._split(self.q2(lr), bw, n), self._split(self.k2(c), bw, n), bias, mask)
            attn = a * a2 + 1e-6
            attn = attn / attn.sum(-1, keepdim=True)
            v = self._split(self.v(x), bw, n)
        else:
            q, k, v = (self._split(t, bw, n) for t in self.qkv(x).chunk(3, -1))
            attn = self._softmax(q, k, bias, mask)
        return self.proj((attn @ v).transpose(1, 2).reshape(bw, n, dim))


def _shift_mask(h, w, ws, shift, device):
    img = torch.zeros(1, h, w, 1, device=device)
    cnt = 0
    for hs in (slice(0, -ws), slice(-ws, -shift), slice(-shift, None)):
        for wsl in (slice(0, -ws), slice(-ws, -shift), slice(-shift, None)):
            img[:, hs, wsl, :] = cnt
            cnt += 1
    mw = _windows(img, ws).squeeze(-1)
    m = mw[:, None, :] - mw[:, :, None]
    return m.masked_fill(m != 0, -100.0).masked_fill(m == 0, 0.0)


class _Block(nn.Module):
    """A (shifted-)window Swin block on (B, H, W, C) maps; ``cross``: the fusion block, attending over the
    change with queries/keys from the references and the coarse target (each normalised by the caller)."""

    def __init__(self, dim, heads, window, odd, cross=False, mlp_ratio=1):
        super().__init__()
        self.window, self.odd, self.cross = window, odd, cross
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = _Attention(dim, heads, window, cross)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_ratio * dim), nn.GELU(), nn.Linear(mlp_ratio * dim, dim))

    def forward(self, x, *context):
        b, h, w, c = x.shape
        ws = min(self.window, h, w)
        shift = ws // 2 if (self.odd and min(h, w) > self.window) else 0
        streams = [self.norm1(x)] + list(context)
        if shift:
            streams = [torch.roll(t, (-shift, -shift), (1, 2)) for t in streams]
        mask = _shift_mask(h, w, ws, shift, x.device) if shift else None
        wins = [_windows(t, ws) for t in streams]
        y = _unwindows(self.attn(ws, mask, *wins), ws, b, h, w)
        if shift:
            y = torch.roll(y, (shift, shift), (1, 2))
        x = x + y
        return x + self.mlp(self.norm2(x))


class _Stage(nn.Module):
    def __init__(self, dim, depth, heads, window, cross=False):
        super().__init__()
        self.cross = cross
        self.blocks = nn.ModuleList(_Block(dim, heads, window, j % 2 == 1, cross) for j in range(depth))
        if cross:  # the context streams are normalised once per stage
            self.norm_lr, self.norm_hr, self.norm_c = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)

    def forward(self, x, lr=None, hr=None, c=None):
        context = (self.norm_hr(hr), self.norm_lr(lr), self.norm_c(c)) if self.cross else ()
        for blk in self.blocks:
            x = blk(x, *context)
        return x


class _Merge(nn.Module):
    def __init__(self, dim, out):
        super().__init__()
        self.norm = nn.LayerNorm(4 * dim)
        self.reduction = nn.Linear(4 * dim, out, bias=False)

    def forward(self, x):
        x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], -1)
        return self.reduction(self.norm(x))


class _Encoder(nn.Module):
    """Patch embedding, then per stage: Swin blocks and patch merging; returns the five levels."""

    def __init__(self, bands, embed, depths, head_dim, window, patch):
        super().__init__()
        dims = [embed * 2 ** i for i in range(len(depths))]
        outs = dims[1:] + [dims[-1]]
        self.embed = nn.Conv2d(bands, embed, patch, patch)
        self.embed_norm = nn.LayerNorm(embed)
        self.stages = nn.ModuleList(_Stage(d, n, d // head_dim, window) for d, n in zip(dims, depths))
        self.merges = nn.ModuleList(_Merge(d, o) for d, o in zip(dims, outs))

    def forward(self, x):
        y = self.embed_norm(self.embed(x).permute(0, 2, 3, 1))
        feats = [y]
        for stage, merge in zip(self.stages, self.merges):
            y = merge(stage(y))
            feats.append(y)
        return feats


def _shuffle_up(dim):
    return nn.Sequential(nn.Conv2d(dim, 4 * dim, 3, padding=1), nn.PixelShuffle(2))


class _UpBlock(nn.Module):
    """One decoder level: up-sample the coarser fused features, transfer the change to this level's fine
    features by cross-attention, project [coarse target, fused fine, up-sampled] and refine with Swin blocks."""

    def __init__(self, dim, out, depth, head_dim, window, cross_depth=2):
        super().__init__()
        self.up = _shuffle_up(dim)
        self.fusion = _Stage(dim, cross_depth, dim // head_dim, window, cross=True)
        self.proj = nn.Linear(3 * dim, out)
        self.refine = _Stage(out, depth, out // head_dim, window)

    def forward(self, fine, ref, target, change, below):
        below = self.up(below.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
        fused = self.fusion(change, lr=ref, hr=fine, c=target) + fine
        return self.refine(self.proj(torch.cat([target, fused, below], -1)))


class SwinSTFMPaper(nn.Module):
    def __init__(self, embed=64, depths=(2, 2, 6, 2), head_dim=32, window=8, patch=2, bands=1):
        super().__init__()
        if len(depths) < 1 or any(int(d) < 1 for d in depths):
            raise LstFusionError("depths", f"needs at least one stage and at least one block per stage, not {depths}")
        if head_dim < 1 or embed % head_dim:
            raise LstFusionError("head_dim", f"{head_dim}-channel heads do not divide the embedding of {embed}")
        if window < 1 or patch < 1:
            raise LstFusionError("window", "window and patch must be at least 1")
        n = len(depths)
        self.window, self.patch, self.levels = window, patch, n + 1
        dims = [embed * 2 ** i for i in range(n)]
        self.coarse = _Encoder(bands, embed, depths, head_dim, window, patch)
        self.fine = _Encoder(bands, embed, depths, head_dim, window, patch)
        self.bottom = _Stage(dims[-1], 1, dims[-1] // head_dim, window, cross=True)
        # deepest first: decoder step i works at encoder level i's width and outputs level i-1's width
        self.ups = nn.ModuleList(_UpBlock(dims[i], dims[i - 1] if i else embed, depths[i], head_dim, window)
                                 for i in reversed(range(n)))
        self.head = nn.Sequential(nn.Conv2d(embed, embed * patch * patch, 3, padding=1), nn.PixelShuffle(patch),
                                  nn.Conv2d(embed, bands, 3, padding=1))

    def forward(self, x):
        f1 = x["fine_ref1"]
        inp = torch.cat([f1, x["coarse_ref1"], x["coarse_target"]], 1)
        h, w = inp.shape[-2:]
        ph = fit_size(h, self.patch, self.window, self.levels) - h
        pw = fit_size(w, self.patch, self.window, self.levels) - w
        if ph or pw:
            inp = F.pad(inp, (0, pw, 0, ph), mode="reflect" if (ph < h and pw < w) else "replicate")
        ff = self.fine(inp[:, :1])
        cr = self.coarse(inp[:, 1:2])
        ct = self.coarse(inp[:, 2:3])
        change = [t - r for t, r in zip(ct, cr)]
        y = self.bottom(change[-1], lr=cr[-1], hr=ff[-1], c=ct[-1]) + ff[-1]
        n = len(self.ups)
        for k, up in enumerate(self.ups):
            i = n - 1 - k
            y = up(ff[i], cr[i], ct[i], change[i], y)
        y = self.head(y.permute(0, 3, 1, 2))
        return f1 + y[..., :h, :w]
