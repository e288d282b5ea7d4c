"""A deliberately simple transcription of Zhu's FSDAF IDL code (version 02/2019), loop by loop.

Oracle only (tests and benchmarks/bench_classical.py): coarse pixels, fractions, the homogeneity index,
the residual distribution and the final filter are loops over pixels as in the IDL; the thin plate
spline is solved here from its linear system; the bounded least squares use a different scipy solver
(trust-region reflective) from the plugin's (BVLS).  Slow by design; never used by the plugin.
Facts and deviations: docs/fitfc_fsdaf.md.
"""
import math

import numpy as np
from scipy.optimize import lsq_linear

from lst_fusion.core.data.units import KELVIN_OFFSET, is_celsius
from lst_fusion.core.fusion.estarfm import physical_range


def value_locate_fraction(n, p):
    """IDL: Value_Locate(findgen(n+1)/n, p): the last i with i/n <= p."""
    i = 0
    for k in range(n + 1):
        if k / n <= p:
            i = k
    return min(i, n - 1)


def kmeans_1d(F, valid, classes, iterations=100):
    v = F[valid]
    centres = np.unique(np.quantile(v, (2 * np.arange(classes) + 1) / (2.0 * classes)))
    labels = None
    for _ in range(iterations):
        lab = np.argmin(np.abs(v[:, None] - centres[None, :]), axis=1)
        if labels is not None and np.array_equal(lab, labels):
            break
        labels = lab
        centres = np.array([v[lab == c].mean() for c in range(centres.size) if (lab == c).any()])
    L = np.zeros(F.shape, dtype=int)
    L[valid] = labels + 1
    return L


def tps_surface(pr, pc, values, rows, cols):
    n = values.size
    if n < 3 or np.linalg.matrix_rank(np.column_stack([np.ones(n), pr, pc])) < 3:  # collinear: no plane
        return np.full(rows.shape, values.mean())

    def phi(r2):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(r2 > 0, 0.5 * r2 * np.log(r2), 0.0)  # r^2 log r

    A = np.zeros((n + 3, n + 3))
    A[:n, :n] = phi((pr[:, None] - pr[None, :]) ** 2 + (pc[:, None] - pc[None, :]) ** 2)
    P = np.column_stack([np.ones(n), pr, pc])
    A[:n, n:], A[n:, :n] = P, P.T
    coef = np.linalg.solve(A, np.concatenate([values, np.zeros(3)]))
    out = np.empty(rows.shape)
    for k in range(rows.size):
        r2 = (pr - rows[k]) ** 2 + (pc - cols[k]) ** 2
        out[k] = phi(r2) @ coef[:n] + coef[n] + coef[n + 1] * rows[k] + coef[n + 2] * cols[k]
    return out


def block_change_reference(F1, C1, C0, valid, L, ncls, s, w, pure, lo, hi):
    nl, ns = F1.shape
    out = np.zeros((nl, ns))
    # correct extreme noise
    v = np.sort(F1[valid])
    low, high = v[value_locate_fraction(v.size, 0.0001)], v[value_locate_fraction(v.size, 0.9999)]
    fine1 = F1.copy()
    inner_lo = [x for x in F1[valid] if x > low and x >= lo]
    inner_hi = [x for x in F1[valid] if x < high and x <= hi]
    for i in range(nl):
        for j in range(ns):
            if valid[i, j] and (F1[i, j] <= low or F1[i, j] < lo) and inner_lo:
                fine1[i, j] = min(inner_lo)
            if valid[i, j] and (F1[i, j] >= high or F1[i, j] > hi) and inner_hi:
                fine1[i, j] = max(inner_hi)
    nlc, nsc = math.ceil(nl / s), math.ceil(ns / s)
    cells = [(a, b) for a in range(nlc) for b in range(nsc)]
    fc1, cc1, cc2, rowc, colc, ok = {}, {}, {}, {}, {}, {}
    frac = np.zeros((ncls, len(cells)))
    for k, (a, b) in enumerate(cells):
        idx = [(i, j) for i in range(a * s, min((a + 1) * s, nl)) for j in range(b * s, min((b + 1) * s, ns))]
        vi = [(i, j) for i, j in idx if valid[i, j]]
        rowc[k] = np.mean([i for i, _ in idx])
        colc[k] = np.mean([j for _, j in idx])
        ok[k] = bool(vi)
        if vi:
            fc1[k] = np.mean([fine1[p] for p in vi])
            cc1[k] = np.mean([C1[p] for p in vi])
            cc2[k] = np.mean([C0[p] for p in vi])
        for c in range(ncls):
            frac[c, k] = sum(1 for p in idx if L[p] == c + 1) / len(idx)
        if frac[:, k].sum() <= 0.999:
            frac[:, k] = 0
    ks = [k for k in range(len(cells)) if ok[k]]
    dC = np.array([cc2[k] - cc1[k] for k in ks])
    sd = np.std(dC, ddof=1) if dC.size > 1 else 0.0
    lo_c, hi_c = dC.min() - sd, dC.max() + sd
    # class change from the purest unchanged coarse pixels
    F = frac[:, ks]
    rows_x, rows_y = [], []
    for c in range(ncls):
        order = np.argsort(F[c], kind="stable")[::-1]
        n1 = min(int((F[c] > 0.01).sum()), pure)
        if n1 == 0:
            continue
        ch = dC[order[:n1]]
        srt = np.sort(ch)
        a, b = srt[value_locate_fraction(n1, 0.1)], srt[value_locate_fraction(n1, 0.9)]
        for m in range(n1):
            if a <= ch[m] <= b:
                rows_y.append(ch[m])
                rows_x.append(F[:, order[m]])
    rate = np.full(ncls, float(np.clip(np.mean(dC), lo_c, hi_c)))
    if rows_y and hi_c - lo_c > 1e-12:
        X, y = np.array(rows_x), np.array(rows_y)
        used = X.any(axis=0)
        rate[used] = lsq_linear(X[:, used], y, bounds=(lo_c, hi_c), method="trf", tol=1e-14, max_iter=10000).x
    L2_1 = fine1.copy()
    for i in range(nl):
        for j in range(ns):
            if valid[i, j]:
                L2_1[i, j] = fine1[i, j] + rate[L[i, j] - 1]
    # homogeneity index
    het = np.zeros((nl, ns))
    for i in range(nl):
        for j in range(ns):
            ai, bi, aj, bj = max(0, i - w), min(nl - 1, i + w), max(0, j - w), min(ns - 1, j + w)
            if valid[i, j]:  # the share among the valid pixels of the window
                v = valid[ai:bi + 1, aj:bj + 1]
                het[i, j] = np.sum(v & (L[ai:bi + 1, aj:bj + 1] == L[i, j])) / np.sum(v)
    vi = np.argwhere(valid)
    L2_tps = np.zeros((nl, ns))
    L2_tps[valid] = tps_surface(np.array([rowc[k] for k in ks]), np.array([colc[k] for k in ks]),
                                np.array([cc2[k] for k in ks]), vi[:, 0].astype(float), vi[:, 1].astype(float))
    fine2 = np.zeros((nl, ns))
    for k, (a, b) in enumerate(cells):
        if not ok[k]:
            continue
        idx = [(i, j) for i in range(a * s, min((a + 1) * s, nl)) for j in range(b * s, min((b + 1) * s, ns))
               if valid[i, j]]
        diff = (cc2[k] - cc1[k]) - (np.mean([L2_1[p] for p in idx]) - fc1[k])
        wt = np.array([L2_tps[p] - L2_1[p] for p in idx])
        if diff <= 0:
            wt[wt > 0] = 0
        else:
            wt[wt < 0] = 0
        wt = np.abs(wt)
        h = np.array([het[p] for p in idx])
        wc = wt * h + abs(diff) * (1.0 - h) + 0.000001
        wc = wc / np.mean(wc)
        wc[wc > 10] = np.mean(wc)
        wc = wc / np.mean(wc)
        for m, p in enumerate(idx):
            fine2[p] = L2_1[p] + wc[m] * diff
    amin = max(min(C0[valid].min(), L2_1[valid].min()), lo)
    amax = min(max(C0[valid].max(), L2_1[valid].max()), hi)
    for i in range(nl):
        for j in range(ns):
            if valid[i, j]:
                out[i, j] = min(max(fine2[i, j], amin), amax) - fine1[i, j]
    return out


def fsdaf_reference(F1, C1, C0, factor, window=41, classes=4, similar=20, pure=100, block=30):
    F1, C1, C0 = (np.asarray(a, dtype=np.float64) for a in (F1, C1, C0))
    nl, ns = F1.shape
    w = window // 2
    valid = np.isfinite(F1) & np.isfinite(C1) & np.isfinite(C0)
    celsius = is_celsius(F1)
    lo, hi = physical_range(celsius)
    koff = KELVIN_OFFSET if celsius else 0.0
    L = kmeans_1d(F1, valid, classes)
    ncls = L.max()
    change = np.zeros((nl, ns))
    step = block * factor
    for r0 in range(0, nl, step):
        for c0 in range(0, ns, step):
            r1, c1 = min(r0 + step, nl), min(c0 + step, ns)
            er0, ec0, er1, ec1 = max(0, r0 - factor), max(0, c0 - factor), min(nl, r1 + factor), min(ns, c1 + factor)
            e = (slice(er0, er1), slice(ec0, ec1))
            ch = block_change_reference(F1[e], C1[e], C0[e], valid[e], L[e], ncls, factor, w, pure, lo, hi)
            change[r0:r1, c0:c1] = ch[r0 - er0:r1 - er0, c0 - ec0:c1 - ec0]
    th = np.std(F1[valid], ddof=1) * 2.0 / ncls
    out = np.full((nl, ns), np.nan)
    for i in range(nl):
        for j in range(ns):
            if not valid[i, j]:
                continue
            r0, c0 = max(0, i - w), max(0, j - w)
            rr, cc = np.nonzero(valid[r0:i + w + 1, c0:j + w + 1])
            rr, cc = rr + r0, cc + c0
            S = np.abs(F1[rr, cc] - F1[i, j])
            keep = (S < th) | (S == 0)  # equal to the centre: similar, also when th is 0 (F1 constant)
            rr, cc, S = rr[keep], cc[keep], S[keep]
            rel = S / (F1[i, j] + koff + 0.00000001)
            d2 = (rr - i) ** 2 + (cc - j) ** 2
            d = np.sqrt(d2)
            key = (rel + 0.00001) * (10.0 + d / w)
            raster = (rr - i + w) * (2 * w + 1) + (cc - j + w)
            best = np.lexsort((raster, d2, key))[:similar]
            wgt = 1.0 / ((1.0 + d[best] / w) * (rel[best] + 1.0))
            val = F1[i, j] + np.sum(wgt * change[rr[best], cc[best]]) / np.sum(wgt)
            if val < lo or val > hi:
                val = min(max(F1[i, j] + (C0[i, j] - C1[i, j]), lo), hi)
            out[i, j] = val
    return out
