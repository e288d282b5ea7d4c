"""The similar-pixel selection of core.fusion.neighbours as it was before its row-wise loop (issue 41): one centre
at a time, its window's offsets in offset order into a k-slot sorted buffer.

Oracle only (test_neighbours_select.py, the micro-timing in docs/series_precompute.md): the plugin's
:func:`core.fusion.neighbours.similar_lists` must keep the same neighbours with the same weights, bit for bit.
"""
import numpy as np

from lst_fusion.core.fusion.neighbours import selection_arrays
from lst_fusion.core.platform.jit import compiled


def _select_per_centre(G, rel, threshold, k, w, oy, ox, dr, eps, dw, weight_rel, NI, NW):
    th, tw = rel.shape
    ww = G.shape[1]
    K = np.empty(k)
    S = np.empty(k)
    I = np.empty(k, np.int64)  # noqa: E741
    for i in range(th):
        for j in range(tw):
            c = G[i + w, j + w]
            q = rel[i, j]
            for m in range(k):
                K[m] = np.inf
                S[m] = 0.0
                I[m] = -1
                NI[i, j, m] = -1
                NW[i, j, m] = 0.0
            for n in range(oy.size):
                s = abs(G[i + w + oy[n], j + w + ox[n]] - c)
                if not s < threshold:
                    continue
                key = (s * q + eps) * dr[n]
                if not key < K[k - 1]:
                    continue
                p = k - 1
                while p > 0 and K[p - 1] > key:
                    K[p] = K[p - 1]
                    S[p] = S[p - 1]
                    I[p] = I[p - 1]
                    p -= 1
                K[p] = key
                S[p] = s
                I[p] = n
            last = -1
            for t in range(k):
                best = -1
                for m in range(k):
                    if I[m] > last and (best < 0 or I[m] < I[best]):
                        best = m
                if best < 0:
                    break
                n = I[best]
                last = n
                NI[i, j, t] = (i + w + oy[n]) * ww + j + w + ox[n]
                NW[i, j, t] = 1.0 / (dw[n] * (1.0 + q * S[best])) if weight_rel else 1.0 / dw[n]


def similar_lists_per_centre(G, rel, threshold, k, w, rank_dist, eps, weight_dist, weight_rel, compact=False, workers=1):
    """:func:`core.fusion.neighbours.similar_lists`' (NI, NW) by the per-centre loop, in one call on one thread
    (``workers`` is accepted and not used)."""
    G, rel, (oy, ox, dr, dw), NI, NW = selection_arrays(G, rel, k, w, rank_dist, weight_dist, compact)
    kk = NI.shape[2]
    compiled(_select_per_centre, exact=True)(G, rel, float(threshold), kk, int(w), oy, ox, dr, float(eps), dw,
                                             bool(weight_rel), NI, NW)
    return NI, NW
