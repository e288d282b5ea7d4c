"""FSDAF (core.fusion.fsdaf): the fast engines against the loop-by-loop oracle on real LST, known answers."""
import os

import numpy as np
import pytest

from lst_fusion.core.fusion import fsdaf as core
from lst_fusion.core.platform.errors import Cancelled, LstFusionError

from .conftest import synthetic_scene
from .reference_fsdaf import fsdaf_reference, kmeans_1d, tps_surface
from .test_fitfc import ENGINES, UB, needs_ub, share_within, ubestarfm_crop


@pytest.fixture(scope="module")
def real():
    d = ubestarfm_crop()
    d["ref"] = fsdaf_reference(d["F1"], d["C1"], d["C0"], 10)  # Zhu's defaults: w 20, 20 similar pixels, 1 block
    d["ref_blocks"] = fsdaf_reference(d["F1"], d["C1"], d["C0"], 10, window=11, block=2)  # 3 x 3 blocks
    return d


@needs_ub
@ENGINES
def test_engines_equal_the_oracle_on_real_lst(real, engine):
    out = core.fsdaf(real["F1"], real["C1"], real["C0"], 10, engine=engine, tile=32)
    assert share_within(out, real["ref"]) >= 0.999
    rmse = lambda p: np.sqrt(np.nanmean((p - real["F0"]) ** 2))  # noqa: E731
    assert rmse(out) < rmse(real["C0"])  # closer to the real Landsat of 2016-03-08 than MODIS resampled
    blocks = core.fsdaf(real["F1"], real["C1"], real["C0"], 10, window=11, block=2, engine=engine)
    assert share_within(blocks, real["ref_blocks"]) >= 0.999


@ENGINES
def test_oracle_agreement_with_nodata(engine):
    rng = np.random.default_rng(8)
    n = 30
    F1 = synthetic_scene(n, 4, celsius=False)
    C1 = np.kron(core.block_mean(F1, 5), np.ones((5, 5))) + rng.normal(0, 0.2, (n, n))
    C0 = C1 + 3 + 2 * (F1 > 300) + rng.normal(0, 0.3, (n, n))
    F1[3:6, 10:14] = np.nan
    C0[20, 5] = np.nan
    kw = dict(window=9, similar=8, pure=10)
    out = core.fsdaf(F1, C1, C0, 5, engine=engine, tile=11, **kw)
    ref = fsdaf_reference(F1, C1, C0, 5, **kw)
    assert share_within(out, ref) == 1.0 and np.isnan(out[4, 11]) and np.isnan(out[20, 5])


@pytest.mark.parametrize("delta", [0.0, 3.5, -6.0])
def test_uniform_change_adds_it_to_fine_t1(delta):
    """A constant coarse change is every class's change (its bounds are [delta, delta]), the residual is 0."""
    F1 = synthetic_scene(40, 7)
    C1 = np.kron(core.block_mean(F1, 5), np.ones((5, 5)))
    out = core.fsdaf(F1, C1, C1 + delta, 5, window=11)
    np.testing.assert_allclose(out, F1 + delta, atol=1e-4)


def test_series_tile_covering_the_image_equals_the_whole_image():
    from lst_fusion.core.fusion.tiling import halo_block

    F1 = synthetic_scene(30, 2)
    C1 = np.kron(core.block_mean(F1, 5), np.ones((5, 5)))
    C0 = C1 + 2 + 0.1 * np.arange(30)
    F1[10:13, 4:8] = np.nan
    whole = core.fsdaf(F1, C1, C0, 5, window=9, engine="numpy")
    params = {"WINDOW": 9, "CLASSES": 4, "SIMILAR_PIXELS": 20, "PURE_PIXELS": 100, "FACTOR": 5, "ENGINE": "numpy"}
    tile = core.fuse_tile([halo_block(a, 0, 30, 0, 30, 10) for a in (F1, C1, C0)], 10, params)
    np.testing.assert_allclose(tile, whole, atol=1e-4)
    np.testing.assert_array_equal(np.isnan(tile), np.isnan(whole))


def test_classes_are_deterministic_1d_kmeans():
    v = np.array([[1.0, 1.2, 0.8, 10.0], [10.3, 9.7, 20.0, 21.0], [19.0, np.nan, 1.1, 20.5]])
    valid = np.isfinite(v)
    L = core.classify(v, valid, 3)
    np.testing.assert_array_equal(L, [[1, 1, 1, 2], [2, 2, 3, 3], [3, 0, 1, 3]])
    np.testing.assert_array_equal(L, kmeans_1d(v, valid, 3))
    perm = np.random.default_rng(0).permutation(12)  # the labels do not depend on the pixel order
    np.testing.assert_array_equal(core.classify(v.ravel()[perm], valid.ravel()[perm], 3), L.ravel()[perm])


def classify_per_pixel_search(fine, valid, classes):
    """classify as it was before issue 41: each iteration a binary search of every pixel among the midpoints."""
    v = np.asarray(fine, dtype=np.float64)[valid]
    centres = np.unique(np.quantile(v, (2 * np.arange(classes) + 1) / (2.0 * classes)))
    labels = None
    for _ in range(core.KMEANS_ITERATIONS):
        lab = np.searchsorted(0.5 * (centres[1:] + centres[:-1]), v, side="left")
        if labels is not None and np.array_equal(lab, labels):
            break
        labels = lab
        counts = np.bincount(lab, minlength=centres.size)
        centres = (np.bincount(lab, weights=v, minlength=centres.size)[counts > 0] / counts[counts > 0])
    out = np.zeros(np.shape(fine), dtype=np.int32)
    out[valid] = labels + 1
    return out


@pytest.mark.parametrize("seed", range(3))
def test_classes_by_sorted_runs_equal_the_per_pixel_search(seed):
    """Values on few levels (ties on the midpoints' sides), NaN, 2 to 6 classes, classes that empty out (a level
    far from the rest), and one class: the labels of the per-pixel search, bit for bit."""
    rng = np.random.default_rng(seed)
    v = np.round(rng.normal(300.0, 4.0, (60, 70)) * 2) / 2
    v[rng.random(v.shape) < 0.05] = np.nan
    v[0, :3] = 400.0
    valid = np.isfinite(v)
    for classes in (1, 2, 4, 6):
        np.testing.assert_array_equal(core.classify(v, valid, classes), classify_per_pixel_search(v, valid, classes))


@needs_ub
def test_classes_of_the_real_landsat_equal_the_per_pixel_search():
    import rasterio

    with rasterio.open(os.path.join(UB, "Landsat_LST_cloudrm_20160205.tif")) as ds:
        a = ds.read(1).astype(np.float64)
        F = np.where(a == ds.nodata, np.nan, a)
    valid = np.isfinite(F)
    for classes in (4, 5):
        L = core.classify(F, valid, classes)
        np.testing.assert_array_equal(L, classify_per_pixel_search(F, valid, classes))
        assert len(np.unique(L[valid])) == classes


def test_class_change_solves_the_mixture_and_respects_the_bounds():
    f1 = np.array([1.0, 0.9, 0.8, 0.5, 0.3, 0.1, 0.0, 0.6])
    frac = np.stack([f1, 1 - f1])
    change = 2.0 * frac[0] + 5.0 * frac[1]
    np.testing.assert_allclose(core.class_change(frac, change, 100, (-10, 10)), [2.0, 5.0], atol=1e-9)
    np.testing.assert_allclose(core.class_change(frac, change, 100, (0.0, 4.0))[1], 4.0, atol=1e-9)


def test_tps_passes_through_its_nodes_and_keeps_planes():
    rng = np.random.default_rng(1)
    pts = rng.uniform(0, 50, (12, 2))
    vals = rng.normal(300, 3, 12)
    np.testing.assert_allclose(core.tps(pts, vals, pts[:, 0], pts[:, 1]), vals, atol=1e-6)
    q = rng.uniform(0, 50, (30, 2))
    plane = lambda p: 2.0 + 0.3 * p[:, 0] - 0.1 * p[:, 1]  # noqa: E731
    np.testing.assert_allclose(core.tps(pts, plane(pts), q[:, 0], q[:, 1]), plane(q), atol=1e-6)
    np.testing.assert_allclose(core.tps(pts, vals, q[:, 0], q[:, 1]), tps_surface(pts[:, 0], pts[:, 1], vals, q[:, 0],
                                                                                  q[:, 1]), atol=1e-6)


def test_progress_cancel_and_bad_inputs():
    F1 = synthetic_scene(32, 6)
    C1, C0 = F1 * 0.4 + 14, F1 * 0.4 + 16
    seen = []
    core.fsdaf(F1, C1, C0, 4, window=5, tile=8, workers=1, progress=seen.append)
    assert seen[0] == pytest.approx(20.0) and seen[-1] == pytest.approx(100.0) and seen == sorted(seen)
    with pytest.raises(Cancelled):
        core.fsdaf(F1, C1, C0, 4, window=5, cancel=lambda: True)
    with pytest.raises(LstFusionError, match="^COARSE_PIXEL: the MODIS pixel must be a whole number"):
        core.fsdaf(F1, C1, C0, 2.5)
    with pytest.raises(LstFusionError, match="^PURE_PIXELS: the number of pure coarse pixels"):
        core.fsdaf(F1, C1, C0, 4, window=5, pure=0)
    with pytest.raises(LstFusionError, match="^CLASSES: the number of classes"):
        core.fsdaf(F1, C1, C0, 4, window=5, classes=0)
    with pytest.raises(LstFusionError, match="^FINE_REF1: the raster has no valid pixel"):
        core.fsdaf(np.full_like(F1, np.nan), C1, C0, 4)


@pytest.mark.parametrize("method", ["fitfc", "fsdaf"])
@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_cancel_is_honoured_inside_one_long_tile(method, engine):
    """One tile, a huge window: the filter asks for cancel between strips of rows, so a cancel that turns True
    at the third question stops the run inside that tile, whatever the machine's speed."""
    import time

    from lst_fusion.core.fusion import fitfc, kernels

    if engine == "numba" and not kernels.numba_available():
        pytest.skip("numba is not installed")
    F1 = synthetic_scene(128)
    C1 = np.kron(core.block_mean(F1, 8), np.ones((8, 8)))
    asked = []

    def cancel():
        asked.append(1)
        return len(asked) >= 3

    fn = fitfc.fitfc if method == "fitfc" else core.fsdaf
    t0 = time.perf_counter()
    with pytest.raises(Cancelled):
        fn(F1, C1, C1 + 1, 8, window=201, tile=128, engine=engine, cancel=cancel)
    assert len(asked) == 3
    assert time.perf_counter() - t0 < 6.0
