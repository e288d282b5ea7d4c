"""The k most similar pixels of a window, weighted: the filter step of Fit-FC and of FSDAF.

For every centre pixel of a halo'd block (halo w) and its (2w+1)^2 window:

* candidates: the neighbours whose fine value ``G`` is finite and differs from
  the centre's by less than ``threshold`` (``inf``: every valid neighbour);
* the ``k`` candidates with the smallest ``|G - G_centre|`` are kept; ties go to
  the nearer neighbour, then to the first in raster order of the window (a
  total order, so that every engine keeps the same pixels);
* each kept neighbour weighs ``1 / ((1 + d / scale) * (1 + rel * |G - G_centre|))``
  (d: distance to the centre in pixels; ``rel``: per centre, 0 for Fit-FC,
  ``1 / G_centre`` in Kelvin for FSDAF's relative spectral difference);
* returned: the sum of the weights and the weighted sum of ``V``.

Two engines give identical sums (same float64 operations in the same order):
``numpy`` (a loop over the window offsets in the tie order, each step a
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


def similar_sums(engine, G, V, rel, threshold, k, w, scale):
    """(sum of weights, weighted sum of V) over the k most similar pixels of each window.

    G, V: halo'd blocks (float64; G NaN where invalid); rel: per-centre factor of the spectral term (tile
    shape); returns two arrays of the tile's shape (0 where the centre has no candidate).
    """
    G = np.ascontiguousarray(G, dtype=np.float64)
    V = np.ascontiguousarray(V, dtype=np.float64)
    rel = np.ascontiguousarray(rel, dtype=np.float64)
    oy, ox = offsets_in_tie_order(w)
    dw = 1.0 + np.hypot(oy, ox) / scale
    if engine == "numba":
        loop = _jit_loop()
        th, tw = rel.shape
        sw = np.zeros((th, tw))
        sv = np.zeros((th, tw))
        rows = max(1, int(STRIP_WORK // max(1, tw * oy.size * 2)))
        for a in range(0, th, rows):
            b = min(th, a + rows)
            check_tile_cancel()
            loop(G[a:b + 2 * w], V[a:b + 2 * w], rel[a:b], float(threshold), int(k), int(w), oy, ox, dw,
                 sw[a:b], sv[a:b])
        return sw, sv
    return _offsets(G, V, rel, float(threshold), int(k), w, oy, ox, dw)


def _offsets(G, V, rel, threshold, k, w, oy, ox, dw):
    hh, ww = G.shape
    th, tw = hh - 2 * w, ww - 2 * w
    cG = G[w:w + th, w:w + tw]
    S = np.full((k, th, tw), np.inf)  # sorted scores of the kept neighbours
    D = np.ones((k, th, tw))  # their distance terms
    X = np.zeros((k, th, tw))  # their values
    for n in range(oy.size):
        if n % (2 * w + 1) == 0:
            check_tile_cancel()
        sl = (slice(w + oy[n], w + oy[n] + th), slice(w + ox[n], w + ox[n] + tw))
        s = np.abs(G[sl] - cG)
        s = np.where(s < threshold, s, np.inf)  # NaN (invalid) compares False: never a candidate
        take = s < S[k - 1]
        if not take.any():
            continue
        pos = (S <= s).sum(axis=0)  # insertion slot: after the kept ones with a score <= s (earlier in tie order)
        v = V[sl]
        for j in range(k - 1, -1, -1):
            here = take & (pos == j)
            if j > 0:
                shift = take & (pos < j)
                S[j] = np.where(shift, S[j - 1], S[j])
                D[j] = np.where(shift, D[j - 1], D[j])
                X[j] = np.where(shift, X[j - 1], X[j])
            S[j] = np.where(here, s, S[j])
            D[j] = np.where(here, dw[n], D[j])
            X[j] = np.where(here, v, X[j])
    kept = np.isfinite(S)
    with np.errstate(invalid="ignore"):
        wgt = np.where(kept, 1.0 / (D * (1.0 + rel * np.where(kept, S, 0.0))), 0.0)
    sw = np.zeros((th, tw))
    sv = np.zeros((th, tw))
    for j in range(k):  # summed in slot order, as the numba loop does
        sw += wgt[j]
        sv += wgt[j] * X[j]
    return sw, sv


def _loop(G, V, rel, threshold, k, w, oy, ox, dw, sw, sv):
    th, tw = rel.shape
    S = np.empty(k)
    D = np.empty(k)
    X = np.empty(k)
    for i in range(th):
        for j in range(tw):
            c = G[i + w, j + w]
            for q in range(k):
                S[q] = np.inf
                D[q] = 1.0
                X[q] = 0.0
            for n in range(oy.size):
                r = i + w + oy[n]
                cc = j + w + ox[n]
                s = abs(G[r, cc] - c)
                if not s < threshold:
                    continue
                if not s < S[k - 1]:
                    continue
                p = k - 1
                while p > 0 and S[p - 1] > s:  # keep the earlier one first on equal scores
                    S[p] = S[p - 1]
                    D[p] = D[p - 1]
                    X[p] = X[p - 1]
                    p -= 1
                S[p] = s
                D[p] = dw[n]
                X[p] = V[r, cc]
            a = 0.0
            b = 0.0
            for q in range(k):
                if S[q] < np.inf:
                    wg = 1.0 / (D[q] * (1.0 + rel[i, j] * S[q]))
                    a += wg
                    b += wg * X[q]
            sw[i, j] = a
            sv[i, j] = b


def _jit_loop():
    with _lock:
        if "loop" not in _compiled:
            import numba

            _compiled["loop"] = numba.njit(nogil=True, cache=True)(_loop)
        return _compiled["loop"]
