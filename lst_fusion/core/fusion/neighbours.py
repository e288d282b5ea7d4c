"""The k most similar pixels of a window, weighted: the filter step of Fit-FC and of FSDAF.

For every centre pixel of a halo'd block (halo w) and its (2w+1)^2 window:

* candidates: the neighbours whose fine value ``G`` is finite and differs from
  the centre's by ``s = |G - G_centre| < threshold`` (``inf``: every valid neighbour);
* the ``k`` candidates with the smallest rank key ``(s * rel + eps) * rank_dist[offset]``
  are kept; equal keys go to the neighbour met first in the offset order (nearer
  first, then raster order of the window), a total order, so that every engine
  keeps the same pixels;
* each kept neighbour weighs ``1 / (weight_dist[offset] * (1 + s * rel))`` when
  ``weight_rel``, else ``1 / weight_dist[offset]``;
* returned: the sum of the weights and the weighted sum of ``V``.

Fit-FC: rel 1, eps 0, rank_dist 1 (the smallest difference, ties to the nearer),
weight_dist ``1 + 2 d / window``.  FSDAF (Zhu's 2019 IDL): rel ``1 / G_centre``
(relative difference, in Kelvin for LST), eps 1e-5, rank_dist ``10 + d / w``,
weight_dist ``1 + d / w`` with the relative difference in the weight.

Two engines keep the same pixels and give the same sums (the same float64
operations, added in offset order): ``numpy`` (per strip of rows the keys of
all window offsets stacked, the k smallest by ``np.partition``, equal keys
resolved in offset order by a cumulative count) and ``numba`` (per pixel an
insertion into a k-slot sorted buffer, along a row of centres one window offset at a time with a vectorised test
of which centres insert, compiled; cancel checked between strips
of rows; the kept pixels and weights are stored per centre by :func:`similar_lists`
and summed by :func:`apply_lists`, so a series whose ``G`` is the same for every
date selects once and then costs k products per pixel and date).  Any other engine name (``torch``) runs the NumPy code.
"""

import numpy as np

from .kernels import STRIP_WORK, _jit
from .tiling import check_tile_cancel


def offsets_in_tie_order(w):
    """Window offsets (dy, dx) sorted by squared distance, then raster order of the window."""
    dy, dx = np.mgrid[-w:w + 1, -w:w + 1]
    dy, dx = dy.ravel(), dx.ravel()
    order = np.lexsort((np.arange(dy.size), dy * dy + dx * dx))
    return dy[order], dx[order]


def similar_sums(engine, G, V, rel, threshold, k, w, rank_dist, eps, weight_dist, weight_rel):
    """(sum of weights, weighted sum of V) over the k most similar pixels of each window.

    G, V: halo'd blocks (float64; G NaN where invalid); rel: per-centre factor of the spectral term (tile
    shape); rank_dist, weight_dist: functions of the distance in pixels (numpy arrays in, arrays out);
    returns two arrays of the tile's shape (0 where the centre has no candidate).
    """
    if engine == "numba":  # no fast-math, as before: the kept neighbours, then their sums in offset order
        return apply_lists(V, *similar_lists(G, rel, threshold, k, w, rank_dist, eps, weight_dist, weight_rel))
    G = np.ascontiguousarray(G, dtype=np.float64)
    V = np.ascontiguousarray(V, dtype=np.float64)
    rel = np.ascontiguousarray(rel, dtype=np.float64)
    oy, ox, dr, dw = distance_terms(w, rank_dist, weight_dist)
    args = (float(threshold), int(k), int(w), oy, ox, dr, float(eps), dw, bool(weight_rel))
    return _offsets(G, V, rel, *args)


STACK_ELEMENTS = 2_000_000  # NumPy engine: window offsets x pixels per strip (a few 16 MB arrays)


def _offsets(G, V, rel, threshold, k, w, oy, ox, dr, eps, dw, weight_rel):
    """NumPy engine: per strip of rows, the keys of every window offset stacked; the k smallest by a partition,
    equal keys resolved in offset order by a cumulative count; sums in offset order (as the numba loop)."""
    hh, ww = G.shape
    th, tw = hh - 2 * w, ww - 2 * w
    N = oy.size
    kk = min(k, N)
    sw = np.zeros((th, tw))
    sv = np.zeros((th, tw))
    rows = max(1, int(STACK_ELEMENTS // (N * tw)))
    for a in range(0, th, rows):
        b = min(th, a + rows)
        check_tile_cancel()
        cG = G[w + a:w + b, w:w + tw]
        q = rel[a:b]
        S = np.empty((N, b - a, tw))
        X = np.empty((N, b - a, tw))
        for n in range(N):
            sl = (slice(w + a + oy[n], w + b + oy[n]), slice(w + ox[n], w + ox[n] + tw))
            np.subtract(G[sl], cG, out=S[n])
            X[n] = V[sl]
        np.abs(S, out=S)
        with np.errstate(invalid="ignore"):
            K = np.where(S < threshold, (S * q + eps) * dr[:, None, None], np.inf)  # NaN: never a candidate
        kth = np.partition(K, kk - 1, axis=0)[kk - 1]
        sel = K < kth
        eq = (K == kth) & np.isfinite(K)
        need = kk - sel.sum(axis=0)
        tied = eq.sum(axis=0) > need  # more equal keys than free slots: the first ones in offset order
        sel |= eq & ~tied
        if tied.any():
            sub = eq[:, tied]
            sel[:, tied] |= sub & (np.cumsum(sub, axis=0) <= need[tied])
        with np.errstate(invalid="ignore", divide="ignore"):
            den = dw[:, None, None] * (1.0 + q * S) if weight_rel else np.broadcast_to(dw[:, None, None], S.shape)
            wgt = np.where(sel, 1.0 / den, 0.0)
        # reductions over the first axis add the offsets one after the other, as the numba loop adds its pixels
        sw[a:b] = wgt.sum(axis=0)
        sv[a:b] = (wgt * X).sum(axis=0)
    return sw, sv


SELECT_RUN = 256  # centres of a row per pass of the selection: its buffers and rows stay in the first caches
BYTE_INDEX = np.uint64(0x0001020304050607)  # (lowest set bit 8 b of a little-endian word) * BYTE_INDEX >> 56 = b


GUESS = 4.0  # a centre's ceiling: this times the largest kept key of the centre above (selection speed only)


def _select_loop(G, rel, threshold, k, w, oy, ox, dr, eps, dw, weight_rel, NI, NW, above):
    """Per centre the kept neighbours in offset order: ``NI`` their flat index in the halo'd block (-1: none),
    ``NW`` their weights; ``above``: per column the largest kept key of the row above (inf: none), updated.

    What is kept: the k smallest (key, offset index) among the candidates, as a centre that meets its window's
    offsets one after the other in offset order and inserts a neighbour into its k-slot buffer of the smallest
    keys when the key is below the buffer's largest (equal keys: the one met first stays first).  The loop runs
    along a run of up to ``SELECT_RUN`` centres of a row for one offset at a time: whether each centre's key
    beats its buffer's largest is computed branch-free over contiguous memory (vectorised), and only those that
    do take the scalar insertion, the key recomputed by the same operations.  Most insertions replace a kept
    pixel by a better one found later; to skip most of them a centre starts with a ceiling, ``GUESS`` times the
    largest kept key of the centre above, and inserts only keys at or below it: when at least k are, those k
    are the k smallest of the window (every key above the ceiling is larger), else the centre is selected again
    without a ceiling (a loop over its offsets, ~5% of the centres).  Every centre thus keeps the same
    neighbours with the same weights as a loop per centre.  Where ``eps`` is 0 and ``rel`` and ``dr`` are 1
    (Fit-FC) the key is the difference itself, so the test skips the product."""
    th, tw = rel.shape
    ww = G.shape[1]
    N = oy.size
    CH = SELECT_RUN
    plain = eps == 0.0
    for n in range(N):
        plain = plain and dr[n] == 1.0
    K = np.empty((CH, k))
    I = np.empty((CH, k), np.int64)  # noqa: E741 - offset index of each kept pixel
    kth = np.empty(CH)  # each centre's bar: its largest kept key, or its ceiling while fewer than k are kept
    lim = np.empty(CH)  # each centre's ceiling (just above GUESS x the centre above's largest kept key)
    hit = np.zeros(CH, np.uint8)  # 1 where the centre inserts the current offset's pixel, read as 8-byte words
    words = hit.view(np.uint64)
    for i in range(th):
        q = rel[i]
        pl = plain
        if pl:
            for j in range(tw):
                pl = pl and q[j] == 1.0
        for j0 in range(0, tw, CH):
            cw = min(CH, tw - j0)
            nw = (cw + 7) // 8
            c = G[i + w, w + j0:w + j0 + cw]
            qc = q[j0:j0 + cw]
            for j in range(cw):
                g = above[j0 + j] * GUESS
                lim[j] = np.nextafter(g, np.inf) if g < np.inf else np.inf  # keys < lim: keys <= g
                kth[j] = lim[j]
                for m in range(k):
                    K[j, m] = np.inf
                    I[j, m] = -1
            for j in range(cw, 8 * nw):
                hit[j] = 0
            for n in range(N):
                row = G[i + w + oy[n], w + j0 + ox[n]:w + j0 + ox[n] + cw]
                d = dr[n]
                if pl:
                    for j in range(cw):
                        s = abs(row[j] - c[j])
                        hit[j] = (s < threshold) & (s < kth[j])
                else:
                    for j in range(cw):
                        s = abs(row[j] - c[j])
                        hit[j] = (s < threshold) & ((s * qc[j] + eps) * d < kth[j])
                for u in range(nw):  # the centres that insert: the set bytes of each word, lowest first
                    x = words[u]
                    while x != 0:
                        low = x & (~x + np.uint64(1))
                        x ^= low
                        j = 8 * u + int((low * BYTE_INDEX) >> np.uint64(56))
                        kj = (abs(row[j] - c[j]) * qc[j] + eps) * d
                        p = k - 1
                        while p > 0 and K[j, p - 1] > kj:  # equal keys: the one met first stays first
                            K[j, p] = K[j, p - 1]
                            I[j, p] = I[j, p - 1]
                            p -= 1
                        K[j, p] = kj
                        I[j, p] = n
                        kth[j] = min(K[j, k - 1], lim[j])
            for j in range(cw):
                if I[j, k - 1] < 0 and lim[j] < np.inf:  # fewer than k under the ceiling: again, without one
                    cj = c[j]
                    qj = qc[j]
                    for m in range(k):
                        K[j, m] = np.inf
                        I[j, m] = -1
                    for n in range(N):  # as above, one centre: every offset in offset order
                        s = abs(G[i + w + oy[n], j0 + j + w + ox[n]] - cj)
                        if not s < threshold:
                            continue
                        kj = (s * qj + eps) * dr[n]
                        if not kj < K[j, k - 1]:
                            continue
                        p = k - 1
                        while p > 0 and K[j, p - 1] > kj:
                            K[j, p] = K[j, p - 1]
                            I[j, p] = I[j, p - 1]
                            p -= 1
                        K[j, p] = kj
                        I[j, p] = n
                above[j0 + j] = K[j, k - 1]
            for j in range(cw):
                qj = qc[j]
                cj = c[j]
                for m in range(k):
                    NI[i, j0 + j, m] = -1
                    NW[i, j0 + j, m] = 0.0
                last = -1
                for t in range(k):  # the kept pixels in offset order
                    best = -1
                    for m in range(k):
                        if I[j, m] > last and (best < 0 or I[j, m] < I[j, best]):
                            best = m
                    if best < 0:
                        break
                    n = I[j, best]
                    last = n
                    NI[i, j0 + j, t] = (i + w + oy[n]) * ww + j0 + j + w + ox[n]
                    s = abs(G[i + w + oy[n], j0 + j + w + ox[n]] - cj)  # its difference, as when it was kept
                    NW[i, j0 + j, t] = 1.0 / (dw[n] * (1.0 + qj * s)) if weight_rel else 1.0 / dw[n]


def _apply_loop(V, NI, NW, sw, sv):
    """sw, sv: the sums of the weights and of the weighted ``V`` (flat) over each centre's kept neighbours, in
    their order."""
    th, tw, k = NI.shape
    for i in range(th):
        for j in range(tw):
            a = 0.0
            b = 0.0
            for t in range(k):
                n = NI[i, j, t]
                if n < 0:
                    break
                wg = NW[i, j, t]
                a += wg
                b += wg * V[n]
            sw[i, j] = a
            sv[i, j] = b


def distance_terms(w, rank_dist, weight_dist):
    """(oy, ox, dr, dw): the window's offsets in tie order and the two functions of their distance in pixels (the
    rank and the weight term, float64), as both engines of :func:`similar_sums` and :func:`similar_lists` use."""
    oy, ox = offsets_in_tie_order(w)
    d = np.hypot(oy, ox)
    return (oy, ox, np.ascontiguousarray(rank_dist(d), dtype=np.float64),
            np.ascontiguousarray(weight_dist(d), dtype=np.float64))


def selection_arrays(G, rel, k, w, rank_dist, weight_dist, compact):
    """:func:`similar_lists`' inputs and outputs: (G and rel as contiguous float64, :func:`distance_terms`, NI and
    NW allocated for min(k, window) kept neighbours per centre, int32 + float32 when ``compact``)."""
    G = np.ascontiguousarray(G, dtype=np.float64)
    rel = np.ascontiguousarray(rel, dtype=np.float64)
    terms = distance_terms(w, rank_dist, weight_dist)
    th, tw = rel.shape
    kk = int(min(k, terms[0].size))
    NI = np.empty((th, tw, kk), np.int32 if compact else np.int64)
    NW = np.empty((th, tw, kk), np.float32 if compact else np.float64)
    return G, rel, terms, NI, NW


def similar_lists(G, rel, threshold, k, w, rank_dist, eps, weight_dist, weight_rel, compact=False, workers=1):
    """The numba engine's selection of :func:`similar_sums` kept: (NI, NW), per centre of the halo'd block ``G``
    its ``k`` kept neighbours in offset order as flat indices into the block (-1: no more) and their weights.
    :func:`apply_lists` then gives ``similar_sums``' two sums for any ``V`` of the block's shape, bit for bit
    (the same weights added in the same order): the filter of a fixed ``G`` costs k products per pixel.
    ``compact``: int32 indices and float32 weights (8 bytes per kept pixel instead of 16; the sums then differ
    by the weights' float32 rounding, ~1e-7 of the spread of V).  ``workers``: threads that select strips of
    rows side by side (each strip's lists are its own: the same result for any number), for a caller that is
    the only tile (FSDAF's whole image); cancel is checked between rounds of strips."""
    G, rel, (oy, ox, dr, dw), NI, NW = selection_arrays(G, rel, k, w, rank_dist, weight_dist, compact)
    th, tw, kk = NI.shape
    loop = _jit(_select_loop, exact=True)
    rows = max(1, int(STRIP_WORK // max(1, tw * oy.size // 2)))  # ~0.5 steps per centre and offset (vectorised)
    strips = [(a, min(th, a + rows)) for a in range(0, th, rows)]

    def select(strip, above=None):
        a, b = strip
        above = np.full(tw, np.inf) if above is None else above
        loop(G[a:b + 2 * w], rel[a:b], float(threshold), kk, int(w), oy, ox, dr, float(eps), dw, bool(weight_rel),
             NI[a:b], NW[a:b], above)
        NI[a:b][NI[a:b] >= 0] += a * G.shape[1]  # strip-local rows to the block's

    workers = max(1, min(int(workers), len(strips)))
    if workers == 1:
        above = np.full(tw, np.inf)  # the last row's largest kept keys, from strip to strip
        for strip in strips:
            check_tile_cancel()
            select(strip, above)
        return NI, NW
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:  # the numba loop releases the GIL
        for r in range(0, len(strips), workers):
            check_tile_cancel()
            list(pool.map(select, strips[r:r + workers]))
    return NI, NW


def apply_lists(V, NI, NW):
    """(sum of weights, weighted sum of V) of :func:`similar_lists`' neighbours (V: the halo'd block)."""
    th, tw, _ = NI.shape
    sw = np.zeros((th, tw))
    sv = np.zeros((th, tw))
    _jit(_apply_loop, exact=True)(np.ascontiguousarray(V, dtype=np.float64).ravel(), NI, NW, sw, sv)
    return sw, sv
