"""A deliberately simple per-pixel transcription of Fit-FC as the imagefusion C++ library computes it.

Oracle only (tests and benchmarks/bench_classical.py): every pixel's regression is fitted on its own
clipped window with two-pass sums, every coarse mean and every bicubic tap is a loop, and the similar
pixels are found by sorting the whole window.  Slow by design; never used by the plugin.  Facts:
docs/fitfc_fsdaf.md (ImageFusion's src/src/fitfc.cpp); the bounded slope (MIN_SPREAD, [SLOPE_MIN, SLOPE_MAX]) is
LST Fusion's, written here the plain way.
"""
import math

import numpy as np


def keys(x, a=-0.75):
    x = abs(x)
    if x <= 1:
        return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1
    if x < 2:
        return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a
    return 0.0


def fitfc_reference(F1, C1, C2, factor, window=51, similar=10):
    F1, C1, C2 = (np.asarray(a, dtype=np.float64) for a in (F1, C1, C2))
    h, wd = F1.shape
    w = window // 2
    valid = np.isfinite(F1) & np.isfinite(C1) & np.isfinite(C2)
    frm = np.full((h, wd), np.nan)
    res = np.full((h, wd), np.nan)
    for i in range(h):  # 1. regression model, one window at a time
        for j in range(wd):
            if not valid[i, j]:
                continue
            win = (slice(max(0, i - w), i + w + 1), slice(max(0, j - w), j + w + 1))
            v = valid[win]
            x, y = C1[win][v], C2[win][v]
            if x.size >= 2 and np.std(x) >= 0.5:  # MIN_SPREAD: C1 varies beyond the MODIS noise
                a = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
                a = min(max(a, 0.0), 2.0)  # [SLOPE_MIN, SLOPE_MAX]
                b = y.mean() - a * x.mean()
                frm[i, j] = a * F1[i, j] + b
                res[i, j] = C2[i, j] - (a * C1[i, j] + b)
            else:
                frm[i, j] = F1[i, j]
                res[i, j] = C2[i, j] - C1[i, j]
    if factor > 1:  # 2. coarse means of the residual, bicubic back to the fine grid
        nh, nw = math.ceil(h / factor), math.ceil(wd / factor)
        rc = np.zeros((nh, nw))
        for bi in range(nh):
            for bj in range(nw):
                blk = res[bi * factor:(bi + 1) * factor, bj * factor:(bj + 1) * factor]
                ok = np.isfinite(blk)
                rc[bi, bj] = blk[ok].mean() if ok.any() else np.nan
        empty = [(a, b) for a in range(nh) for b in range(nw) if np.isnan(rc[a, b])]
        full = [(a, b) for a in range(nh) for b in range(nw) if not np.isnan(rc[a, b])]
        for a, b in empty:  # the nearest coarse pixel with a value (the first in raster order on a tie)
            src = min(full, key=lambda p: (p[0] - a) ** 2 + (p[1] - b) ** 2)
            rc[a, b] = rc[src]
        fine_r = np.zeros((h, wd))
        for i in range(h):
            u = (i + 0.5) / factor - 0.5
            iu = math.floor(u)
            for j in range(wd):
                v = (j + 0.5) / factor - 0.5
                jv = math.floor(v)
                acc = 0.0
                for p in range(-1, 3):
                    for q in range(-1, 3):
                        acc += (keys(u - (iu + p)) * keys(v - (jv + q))
                                * rc[min(max(iu + p, 0), nh - 1), min(max(jv + q, 0), nw - 1)])
                fine_r[i, j] = acc
    else:
        fine_r = np.where(np.isfinite(res), res, 0.0)
    pred = frm + fine_r
    out = np.full((h, wd), np.nan)
    for i in range(h):  # 3. the most similar pixels of the window, weighted by distance
        for j in range(wd):
            if not valid[i, j]:
                continue
            r0, c0 = max(0, i - w), max(0, j - w)
            win = (slice(r0, i + w + 1), slice(c0, j + w + 1))
            rr, cc = np.nonzero(valid[win])
            rr, cc = rr + r0, cc + c0
            diff = (F1[rr, cc] - F1[i, j]) ** 2
            d2 = (rr - i) ** 2 + (cc - j) ** 2
            raster = (rr - i + w) * (2 * w + 1) + (cc - j + w)
            best = np.lexsort((raster, d2, diff))[:similar]
            wgt = 1.0 / (1.0 + np.sqrt(d2[best]) * 2.0 / window)
            out[i, j] = np.sum(wgt * pred[rr[best], cc[best]]) / np.sum(wgt)
    return out
