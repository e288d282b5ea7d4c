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

Two engines give identical sums (same float64 operations in the same order):
``numpy`` (a loop over the window offsets in that order, each step a
whole-tile insertion into a k-slot sorted buffer) and ``numba`` (the same
insertion per pixel, compiled; cancel checked between strips of rows).  Any
other engine name (``torch``) runs the NumPy loop.
"""
import threading

import numpy as np

from .kernels import STRIP_WORK
from .tiling import check_tile_cancel

_compiled = {}
_lock = threading.Lock()  # the tile threads share one dispatcher


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
    G = np.ascontiguousarray(G, dtype=np.float64)
    V = np.ascontiguousarray(V, dtype=np.float64)
    rel = np.ascontiguousarray(rel, dtype=np.float64)
    oy, ox = offsets_in_tie_order(w)
    d = np.hypot(oy, ox)
    dr = np.ascontiguousarray(rank_dist(d), dtype=np.float64)
    dw = np.ascontiguousarray(weight_dist(d), dtype=np.float64)
    args = (float(threshold), int(k), int(w), oy, ox, dr, float(eps), dw, bool(weight_rel))
    if engine == "numba":
        loop = _jit_loop()
        th, tw = rel.shape
        sw = np.zeros((th, tw))
        sv = np.zeros((th, tw))
        rows = max(1, int(STRIP_WORK // max(1, tw * oy.size * 2)))
        for a in range(0, th, rows):
            b = min(th, a + rows)
            check_tile_cancel()
            loop(G[a:b + 2 * w], V[a:b + 2 * w], rel[a:b], *args, sw[a:b], sv[a:b])
        return sw, sv
    return _offsets(G, V, rel, *args)


def _offsets(G, V, rel, threshold, k, w, oy, ox, dr, eps, dw, weight_rel):
    hh, ww = G.shape
    th, tw = hh - 2 * w, ww - 2 * w
    cG = G[w:w + th, w:w + tw]
    K = np.full((k, th, tw), np.inf)  # sorted rank keys of the kept neighbours
    S = np.zeros((k, th, tw))  # their spectral differences
    D = np.ones((k, th, tw))  # their distance terms of the weight
    X = np.zeros((k, th, tw))  # their values
    for n in range(oy.size):
        if n % (2 * w + 1) == 0:
            check_tile_cancel()
        sl = (slice(w + oy[n], w + oy[n] + th), slice(w + ox[n], w + ox[n] + tw))
        s = np.abs(G[sl] - cG)
        cand = s < threshold  # NaN (invalid) compares False: never a candidate
        key = np.where(cand, (s * rel + eps) * dr[n], np.inf)
        take = key < K[k - 1]
        if not take.any():
            continue
        pos = (K <= key).sum(axis=0)  # insertion slot: after the kept ones with a key <= this one (met earlier)
        v = V[sl]
        for j in range(k - 1, -1, -1):
            here = take & (pos == j)
            if j > 0:
                shift = take & (pos < j)
                for B in (K, S, D, X):
                    B[j] = np.where(shift, B[j - 1], B[j])
            K[j] = np.where(here, key, K[j])
            S[j] = np.where(here, s, S[j])
            D[j] = np.where(here, dw[n], D[j])
            X[j] = np.where(here, v, X[j])
    kept = np.isfinite(K)
    with np.errstate(invalid="ignore"):
        den = D * (1.0 + rel * S) if weight_rel else D
        wgt = np.where(kept, 1.0 / den, 0.0)
    sw = np.zeros((th, tw))
    sv = np.zeros((th, tw))
    for j in range(k):  # summed in slot order, as the numba loop does
        sw += wgt[j]
        sv += wgt[j] * X[j]
    return sw, sv


def _loop(G, V, rel, threshold, k, w, oy, ox, dr, eps, dw, weight_rel, sw, sv):
    th, tw = rel.shape
    K = np.empty(k)
    S = np.empty(k)
    D = np.empty(k)
    X = np.empty(k)
    for i in range(th):
        for j in range(tw):
            c = G[i + w, j + w]
            q = rel[i, j]
            for m in range(k):
                K[m] = np.inf
                S[m] = 0.0
                D[m] = 1.0
                X[m] = 0.0
            for n in range(oy.size):
                r = i + w + oy[n]
                cc = j + w + ox[n]
                s = abs(G[r, cc] - c)
                if not s < threshold:
                    continue
                key = (s * q + eps) * dr[n]
                if not key < K[k - 1]:
                    continue
                p = k - 1
                while p > 0 and K[p - 1] > key:  # equal keys: the one met first stays first
                    K[p] = K[p - 1]
                    S[p] = S[p - 1]
                    D[p] = D[p - 1]
                    X[p] = X[p - 1]
                    p -= 1
                K[p] = key
                S[p] = s
                D[p] = dw[n]
                X[p] = V[r, cc]
            a = 0.0
            b = 0.0
            for m in range(k):
                if K[m] < np.inf:
                    wg = 1.0 / (D[m] * (1.0 + q * S[m])) if weight_rel else 1.0 / D[m]
                    a += wg
                    b += wg * X[m]
            sw[i, j] = a
            sv[i, j] = b


def _jit_loop():
    with _lock:
        if "loop" not in _compiled:
            import numba

            _compiled["loop"] = numba.njit(nogil=True, cache=True)(_loop)
        return _compiled["loop"]
