"""SwinSTFM - Swin Transformer for spatiotemporal fusion.

Chen, G., Jiao, P., Hu, Q., Xiao, L., Ye, Z. (2022). SwinSTFM: Remote Sensing
Spatiotemporal Fusion Using Swin Transformer. IEEE TGRS 60, 5410618.

Structure as published: patch embedding (patch 2, embed 64) of the fine
reference with the coarse pair, Swin Transformer blocks with (shifted) window
self-attention (window 8) and relative position bias, patch merging to a
coarser stage and patch expanding back with a skip connection, a
reconstruction head.  Loss: Charbonnier + (1 - MS-SSIM); Adam 1e-4.

Simplified: two stages with depths (2, 2) by default instead of (2, 2, 6, 2),
so it trains on a CPU; ``depths`` takes the paper's values for a GPU run.  The
output is added to the fine reference.
"""
import torch
import torch.nn as nn

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
