"""core.fusion.neighbours.similar_lists (the row-wise selection of issue 41) against the per-centre loop it
replaced (reference_neighbours): the same kept neighbours in the same order with the same weights, bit for bit,
on real LST with Fit-FC's and FSDAF's parameters and on random blocks full of ties and NaN."""
import os

import numpy as np
import pytest

from lst_fusion.core.fusion import kernels, neighbours
from lst_fusion.core.fusion.fsdaf import filter_selection, scene

from .conftest import SHARED
from .reference_neighbours import similar_lists_per_centre

pytestmark = pytest.mark.skipif(not kernels.numba_available(), reason="similar_lists runs on numba")
UB = os.path.join(SHARED, "data", "ubestarfm")


def assert_same_lists(G, rel, threshold, k, w, **kw):
    new = neighbours.similar_lists(G, rel, threshold, k, w, **kw)
    old = similar_lists_per_centre(G, rel, threshold, k, w, **kw)
    assert new[0].dtype == old[0].dtype and new[1].dtype == old[1].dtype
    np.testing.assert_array_equal(new[0], old[0])
    np.testing.assert_array_equal(new[1], old[1])
    return new


def fitfc_args(window):
    return dict(rank_dist=np.ones_like, eps=0.0, weight_dist=lambda d: 1.0 + d * 2.0 / window, weight_rel=False)


@pytest.mark.skipif(not os.path.isdir(UB), reason="../shared/data/ubestarfm is not present (the real sample lives "
                    "in ../shared beside the repository)")
def test_real_lst_fitfc_and_fsdaf_selections_equal_the_per_centre_loop():
    """A strip of 340 centres per row (two runs of SELECT_RUN, the second partial) of the real Landsat LST with its
    nodata, Fit-FC's window 51 and 10 similar pixels, FSDAF's window 41, 20 similar pixels, threshold and
    relative key (compact lists, as its plan keeps them)."""
    import rasterio

    with rasterio.open(os.path.join(UB, "Landsat_LST_cloudrm_20160205.tif")) as ds:
        a = ds.read(1).astype(np.float64)
        F = np.where(a == ds.nodata, np.nan, a)
    assert neighbours.SELECT_RUN < 340 < 2 * neighbours.SELECT_RUN
    G = F[150:150 + 24 + 50, 5:5 + 340 + 50]
    NI, NW = assert_same_lists(G, np.ones((24, 340)), np.inf, 10, 25, **fitfc_args(51))
    assert (NI[..., -1] >= 0).mean() > 0.9  # most centres keep their 10 pixels: the lists are not trivially empty
    w = 20
    G = F[150:150 + 24 + 2 * w, 5:5 + 340 + 2 * w]
    valid = np.isfinite(G)
    _, _, threshold, _, _, _, koff = scene(G, valid, 4)
    sel = filter_selection(G[w:-w, w:-w], w, threshold, koff)
    NI, NW = assert_same_lists(G, sel.pop("rel"), sel.pop("threshold"), 20, sel.pop("w"), compact=True, **sel)
    assert NI.dtype == np.int32 and (NI[..., 0] >= 0).mean() > 0.9


@pytest.mark.parametrize("seed", range(4))
def test_random_blocks_with_ties_and_nan_equal_the_per_centre_loop(seed):
    """Values on 6 levels (equal keys everywhere: the first met in offset order must win), NaN holes, rows of 261
    centres (a partial run and a partial 8-centre word); the Fit-FC key (the difference itself), a relative key
    with eps and a rank distance, a finite threshold that leaves fewer candidates than k, and k beyond the
    window."""
    rng = np.random.default_rng(seed)
    w, th, tw = 3, 5, 261
    G = np.round(rng.random((th + 2 * w, tw + 2 * w)) * 5) + 280.0
    G[rng.random(G.shape) < 0.1] = np.nan
    ones = np.ones((th, tw))
    assert_same_lists(G, ones, np.inf, 6, w, **fitfc_args(2 * w + 1))
    rel = 1.0 / G[w:-w, w:-w]
    rel = np.where(np.isfinite(rel), rel, 0.0)
    kw = dict(rank_dist=lambda d: 10.0 + d / w, eps=1e-5, weight_dist=lambda d: 1.0 + d / w, weight_rel=True)
    NI, _ = assert_same_lists(G, rel, 1.5, 12, w, **kw)
    assert ((NI >= 0).sum(axis=2) < 12).any()  # the threshold leaves some centres fewer than k
    assert_same_lists(G, ones, np.inf, 60, w, **fitfc_args(2 * w + 1))  # k > (2w+1)^2: every valid neighbour
    assert_same_lists(G, ones, 2.0, 4, w, rank_dist=np.ones_like, eps=1e-3, weight_dist=np.ones_like,
                      weight_rel=True)  # rel 1 with eps: not the plain key
    assert_same_lists(G, rel, np.inf, 5, 1, compact=True, **kw)
    signed = rel * np.where(rng.random(rel.shape) < 0.5, -1.0, 1.0)  # negative keys: a ceiling below zero
    assert_same_lists(G, signed, 3.0, 8, w, **kw)


def test_a_constant_block_keeps_the_nearest_in_offset_order():
    """Every key equal: the k kept are the first k offsets (nearest, then raster order), the centre first."""
    w, k = 2, 6
    G = np.full((1 + 2 * w, 1 + 2 * w), 300.0)
    NI, NW = neighbours.similar_lists(G, np.ones((1, 1)), np.inf, k, w, **fitfc_args(5))
    oy, ox = neighbours.offsets_in_tie_order(w)
    expected = sorted((w + oy[:k]) * G.shape[1] + w + ox[:k], key=lambda n: list((w + oy) * G.shape[1] + w + ox).index(n))
    assert list(NI[0, 0]) == expected
    assert NI[0, 0, 0] == w * G.shape[1] + w
    np.testing.assert_array_equal(NW[0, 0], 1.0 / (1.0 + np.hypot(oy[:k], ox[:k]) * 2.0 / 5))


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_strips_selected_side_by_side_equal_one_thread(monkeypatch, workers):
    """One row per strip (STRIP_WORK 1; one thread: each strip starts from the ceilings of the last one), strips
    selected by one or several threads: the lists of the per-centre loop."""
    rng = np.random.default_rng(7)
    w, th, tw = 4, 11, 37
    G = np.round(rng.random((th + 2 * w, tw + 2 * w)) * 8) + 290.0
    G[rng.random(G.shape) < 0.05] = np.nan
    monkeypatch.setattr(neighbours, "STRIP_WORK", 1)
    kw = fitfc_args(2 * w + 1)
    new = neighbours.similar_lists(G, np.ones((th, tw)), np.inf, 7, w, workers=workers, **kw)
    old = similar_lists_per_centre(G, np.ones((th, tw)), np.inf, 7, w, **kw)
    np.testing.assert_array_equal(new[0], old[0])
    np.testing.assert_array_equal(new[1], old[1])


def test_cancel_between_rounds_of_strips(monkeypatch):
    """A cancelled run stops at the next round of strips (Cancelled, not a partial result)."""
    from lst_fusion.core.platform.errors import Cancelled

    calls = []

    def cancel():
        calls.append(1)
        if len(calls) > 2:
            raise Cancelled()

    monkeypatch.setattr(neighbours, "STRIP_WORK", 1)
    monkeypatch.setattr(neighbours, "check_tile_cancel", cancel)
    G = np.random.default_rng(3).random((20, 20))
    with pytest.raises(Cancelled):
        neighbours.similar_lists(G, np.ones((16, 16)), np.inf, 3, 2, workers=2, **fitfc_args(5))
    assert len(calls) == 3  # the third round raised: 16 rows, 2 per round, not all selected
