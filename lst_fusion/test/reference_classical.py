"""Deliberately simple per-pixel transcriptions of ESTARFM and STARFM.

Oracle only (tests and benchmarks/bench_classical.py): loops over pixels the way
Zhu's and Gao's reference code does, with scipy.stats.linregress for the
regression.  Slow by design; never used by the plugin.
"""
import numpy as np
from scipy import stats

from lst_fusion.core.data.units import KELVIN_OFFSET, is_celsius
from lst_fusion.core.fusion.estarfm import physical_range


def estarfm_reference(F1, C1, F2, C2, C0, window=51, classes=4, change_threshold=1.0, min_similar=5):
    F1, C1, F2, C2, C0 = (np.asarray(a, dtype=np.float64) for a in (F1, C1, F2, C2, C0))
    h, wd = F1.shape
    w = window // 2
    valid = np.isfinite(F1) & np.isfinite(C1) & np.isfinite(F2) & np.isfinite(C2) & np.isfinite(C0)
    # Zhu's IDL: the sample standard deviation (n - 1) of each fine image
    f1v, f2v = F1[np.isfinite(F1)], F2[np.isfinite(F2)]
    th1 = np.sqrt(np.sum((f1v - f1v.mean()) ** 2) / (f1v.size - 1)) * 2.0 / classes
    th2 = np.sqrt(np.sum((f2v - f2v.mean()) ** 2) / (f2v.size - 1)) * 2.0 / classes
    celsius = is_celsius(F1)
    koff = KELVIN_OFFSET if celsius else 0.0
    lo, hi = physical_range(celsius)
    out = np.full((h, wd), np.nan)
    for i in range(h):
        for j in range(wd):
            if not valid[i, j]:
                continue
            ai, bi = max(0, i - w), min(h, i + w + 1)
            aj, bj = max(0, j - w), min(wd, j + w + 1)
            win_valid = valid[ai:bi, aj:bj]
            rows, cols = np.mgrid[ai:bi, aj:bj]
            cand = (win_valid
                    & (np.abs(np.where(win_valid, F1[ai:bi, aj:bj], 0) - F1[i, j]) < th1)
                    & (np.abs(np.where(win_valid, F2[ai:bi, aj:bj], 0) - F2[i, j]) < th2))
            # temporal weights from window means of the coarse images
            m0 = C0[ai:bi, aj:bj][win_valid].mean()
            d1 = abs(m0 - C1[ai:bi, aj:bj][win_valid].mean()) + 1e-10
            d2 = abs(m0 - C2[ai:bi, aj:bj][win_valid].mean()) + 1e-10
            t1 = (1 / d1) / (1 / d1 + 1 / d2)
            t2 = 1 - t1
            r, c = rows[cand], cols[cand]
            if len(r) > min_similar:
                f1, c1, f2, c2, c0 = F1[r, c], C1[r, c], F2[r, c], C2[r, c], C0[r, c]
                with np.errstate(divide="ignore", invalid="ignore"):
                    s = 1.0 - 0.5 * (np.abs((f1 - c1) / (f1 + c1 + 2 * koff)) + np.abs((f2 - c2) / (f2 + c2 + 2 * koff)))
                s[~np.isfinite(s)] = 0.5
                dist = 1.0 + np.sqrt((r - i) ** 2 + (c - j) ** 2) / w
                cd = (1.0 - s) * dist + 1e-7
                weight = (1.0 / cd) / np.sum(1.0 / cd)
                V = 1.0
                if abs(c1.mean() - c2.mean()) >= change_threshold:
                    x = np.concatenate([c1, c2])
                    y = np.concatenate([f1, f2])
                    if np.ptp(x) > 0:
                        res = stats.linregress(x, y)
                        pval = res.pvalue if np.isfinite(res.pvalue) else 1.0
                        if 1.0 - pval >= 0.95 and 0 < res.slope <= 5:
                            V = res.slope
                p1 = F1[i, j] + np.sum(weight * V * (c0 - c1))
                p2 = F2[i, j] + np.sum(weight * V * (c0 - c2))
                val = t1 * p1 + t2 * p2
                if val <= lo or val >= hi:
                    val = t1 * np.sum(weight * f1) + t2 * np.sum(weight * f2)
            else:
                # Zhu's code, too few similar pixels: each fine reference plus the change of the
                # coarse images' window means, blended in time; no outlier revision here
                mean0 = C0[ai:bi, aj:bj][win_valid].mean()
                val = (t1 * (F1[i, j] + mean0 - C1[ai:bi, aj:bj][win_valid].mean())
                       + t2 * (F2[i, j] + mean0 - C2[ai:bi, aj:bj][win_valid].mean()))
            out[i, j] = val
    return out


def starfm_reference(F1, C1, C0, F2=None, C2=None, window=31, classes=4, spatial_factor=150.0, uncertainty=0.5):
    pairs = [(np.asarray(F1, float), np.asarray(C1, float))]
    if F2 is not None:
        pairs.append((np.asarray(F2, float), np.asarray(C2, float)))
    C0 = np.asarray(C0, float)
    h, wd = C0.shape
    w = window // 2
    valid = np.isfinite(C0)
    for F, C in pairs:
        valid &= np.isfinite(F) & np.isfinite(C)
    ths = [np.nanstd(F) * 2.0 / classes for F, _ in pairs]
    s2 = np.sqrt(2.0) * uncertainty
    out = np.full((h, wd), np.nan)
    for i in range(h):
        for j in range(wd):
            if not valid[i, j]:
                continue
            t_zero = [k for k, (F, C) in enumerate(pairs) if abs(C[i, j] - C0[i, j]) == 0]
            if t_zero:
                out[i, j] = pairs[t_zero[0]][0][i, j]
                continue
            s_zero = [k for k, (F, C) in enumerate(pairs) if abs(F[i, j] - C[i, j]) == 0]
            if s_zero:
                out[i, j] = C0[i, j]
                continue
            smax = max(abs(F[i, j] - C[i, j]) for F, C in pairs) + s2
            tmax = max(abs(C[i, j] - C0[i, j]) for F, C in pairs) + s2
            sw = sp = 0.0
            ai, bi, aj, bj = max(0, i - w), min(h, i + w + 1), max(0, j - w), min(wd, j + w + 1)
            rows, cols = np.mgrid[ai:bi, aj:bj]
            D = 1.0 + np.sqrt((rows - i) ** 2 + (cols - j) ** 2) / spatial_factor
            v = valid[ai:bi, aj:bj]
            c0 = C0[ai:bi, aj:bj]
            for k, (F, C) in enumerate(pairs):
                f, c = F[ai:bi, aj:bj], C[ai:bi, aj:bj]
                S = np.abs(f - c)
                T = np.abs(c - c0)
                cand = v & (np.abs(f - F[i, j]) <= ths[k]) & (S < smax) & (T < tmax)
                wgt = 1.0 / ((S[cand] + uncertainty) * (T[cand] + uncertainty) * D[cand])
                sw += wgt.sum()
                sp += (wgt * (f[cand] + c0[cand] - c[cand])).sum()
            out[i, j] = sp / sw
    return out
