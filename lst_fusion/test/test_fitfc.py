"""Fit-FC (core.fusion.fitfc): the fast engines against the per-pixel oracle on real LST, known answers."""
import os

import numpy as np
import pytest

from lst_fusion.core.fusion import fitfc as core
from lst_fusion.core.fusion import kernels
from lst_fusion.core.platform.errors import Cancelled, LstFusionError

from .conftest import SHARED, synthetic_scene
from .reference_fitfc import fitfc_reference

UB = os.path.join(SHARED, "data", "ubestarfm")
ENGINES = pytest.mark.parametrize("engine", [
    "numpy",
    pytest.param("numba", marks=pytest.mark.skipif(not kernels.numba_available(), reason="numba not installed"))])
needs_ub = pytest.mark.skipif(not os.path.isdir(UB), reason="../shared/data/ubestarfm is not present (the real "
                              "sample lives in ../shared beside the repository)")


def ubestarfm_crop(n=60, r0=100, c0=200):
    """Landsat and MODIS (Kelvin, MODIS 1 km on the 100 m grid: factor 10) of 2016-02-05 and 2016-03-08, cropped."""
    import rasterio

    def read(name):
        with rasterio.open(os.path.join(UB, name + ".tif")) as ds:
            a = ds.read(1, window=((r0, r0 + n), (c0, c0 + n))).astype(np.float64)
            return np.where(a == ds.nodata, np.nan, a)

    return {k: read(v) for k, v in {"F1": "Landsat_LST_cloudrm_20160205", "C1": "MOD11A1_LST_cloudrm_20160205",
                                    "C0": "MOD11A1_LST_cloudrm_20160308", "F0": "Landsat_LST_cloudrm_20160308"}.items()}


def share_within(a, b, tol=0.01):
    both = np.isfinite(a) & np.isfinite(b)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    return float(np.mean(np.abs(a[both] - b[both]) < tol))


@pytest.fixture(scope="module")
def real():
    d = ubestarfm_crop()
    d["ref"] = fitfc_reference(d["F1"], d["C1"], d["C0"], 10, window=31)
    return d


@needs_ub
@ENGINES
def test_engines_equal_the_oracle_on_real_lst(real, engine):
    out = core.fitfc(real["F1"], real["C1"], real["C0"], 10, window=31, engine=engine, tile=32)
    assert share_within(out, real["ref"]) >= 0.999
    assert np.nanmax(np.abs(out - real["ref"])) < 1e-3  # float32 output of ~300 K values
    # and it is a prediction: closer to the real Landsat of 2016-03-08 than MODIS resampled
    rmse = lambda p: np.sqrt(np.nanmean((p - real["F0"]) ** 2))  # noqa: E731
    assert rmse(out) < rmse(real["C0"])


@ENGINES
def test_oracle_agreement_with_nodata_and_partial_coarse_pixels(engine):
    rng = np.random.default_rng(4)
    n = 30  # 30 = 7 coarse pixels of 4 and a partial one
    F1 = synthetic_scene(n, 2, celsius=False)
    C1 = np.kron(core.block_mean(F1, 4), np.ones((4, 4)))[:n, :n] + rng.normal(0, 0.2, (n, n))
    C0 = 1.05 * C1 - 12 + rng.normal(0, 0.3, (n, n))
    F1[3:6, 10:14] = np.nan
    C0[20, 5] = np.nan
    out = core.fitfc(F1, C1, C0, 4, window=9, similar=6, engine=engine, tile=11)
    ref = fitfc_reference(F1, C1, C0, 4, window=9, similar=6)
    assert share_within(out, ref) == 1.0 and np.isnan(out[4, 11]) and np.isnan(out[20, 5])


@pytest.mark.skipif(not kernels.numba_available(), reason="numba not installed")
def test_numba_and_numpy_filters_are_bit_identical():
    from lst_fusion.core.fusion import fsdaf

    rng = np.random.default_rng(9)
    F1 = np.round(synthetic_scene(26, 3), 1)  # rounded: many equal differences, so the tie rule matters
    C1 = np.kron(core.block_mean(F1, 4), np.ones((4, 4)))[:26, :26] + 0.02 * np.arange(26)
    C0 = C1 + 2 + rng.normal(0, 0.2, C1.shape)
    F1[5, 5:9] = np.nan
    for fn in (core.fitfc, fsdaf.fsdaf):
        a, b = (fn(F1, C1, C0, 4, window=7, similar=6, engine=e) for e in ("numpy", "numba"))
        np.testing.assert_array_equal(a, b)


def test_series_tile_with_its_halo_equals_the_whole_image():
    from lst_fusion.core.fusion.tiling import halo_block

    rng = np.random.default_rng(2)
    F1 = synthetic_scene(40, 9)
    C1 = np.kron(core.block_mean(F1, 4), np.ones((4, 4))) + rng.normal(0, 0.1, (40, 40))
    C0 = 0.8 * C1 + 7 + rng.normal(0, 0.2, (40, 40))
    F1[30:34, 2:9] = np.nan  # a whole empty coarse pixel: filled from its neighbour in both runs
    whole = core.fitfc(F1, C1, C0, 4, window=7, similar=5, engine="numpy")
    halo = core.tile_halo(7, 4)
    assert halo % 4 == 0 and halo >= 6 + 12
    params = {"WINDOW": 7, "SIMILAR_PIXELS": 5, "FACTOR": 4, "ENGINE": "numpy"}
    tiled = np.full_like(whole, np.nan)
    for r0 in (0, 20):
        for c0 in (0, 20):
            blocks = [halo_block(a, r0, r0 + 20, c0, c0 + 20, halo) for a in (F1, C1, C0)]
            tiled[r0:r0 + 20, c0:c0 + 20] = core.fuse_tile(blocks, halo, params)
    np.testing.assert_allclose(tiled, whole, atol=1e-4)
    np.testing.assert_array_equal(np.isnan(tiled), np.isnan(whole))


@pytest.mark.parametrize("delta", [2.5, -4.0])
def test_uniform_change_adds_it_to_fine_t1(delta):
    F1 = synthetic_scene(40, 1)
    C1 = np.kron(core.block_mean(F1, 5), np.ones((5, 5)))
    # one similar pixel: the centre itself, whatever the texture
    out = core.fitfc(F1, C1, C1 + delta, 5, window=15, similar=1)
    np.testing.assert_allclose(out, F1 + delta, atol=1e-4)
    # piecewise-constant cover: the similar pixels are the centre's class, the default count
    y, x = np.mgrid[0:40, 0:40]
    F = np.array([15.0, 22.0, 29.0, 36.0])[(x // 10 + 2 * (y // 20)) % 4]
    out = core.fitfc(F, F * 0.5 + 12, F * 0.5 + 12 + delta, 5, window=21)  # every window sees two classes
    np.testing.assert_allclose(out, F + delta, atol=1e-4)


def test_no_change_gives_fine_t1_and_a_linear_change_maps_it():
    F1 = synthetic_scene(36, 3)
    C1 = np.kron(core.block_mean(F1, 6), np.ones((6, 6))) + 0.01 * np.arange(36)  # varies inside each window
    np.testing.assert_allclose(core.fitfc(F1, C1, C1.copy(), 6, window=13, similar=1), F1, atol=1e-4)
    # C2 = 1.2 C1 - 3 everywhere: every local line is that line, residuals 0, FRM = 1.2 F1 - 3
    np.testing.assert_allclose(core.fitfc(F1, C1, 1.2 * C1 - 3, 6, window=13, similar=1), 1.2 * F1 - 3, atol=1e-4)


def test_bicubic_residual_keeps_constants_and_passes_through_the_coarse_values():
    M = core.cubic_matrix(40, 5, 8)
    np.testing.assert_allclose(M.sum(axis=1), 1.0)  # a constant residual stays that constant
    # odd factor: the fine pixel 5k + 2 sits on the centre of coarse pixel k, where the cubic takes its value
    rc = np.array([[1.0, -2.0, 0.5, 3.0], [0.0, 4.0, -1.0, 2.0], [2.5, 1.0, 1.0, -3.0]])
    fine = core.residual_to_fine(np.kron(rc, np.ones((5, 5))), 5)
    np.testing.assert_allclose(fine[2::5, 2::5], rc, atol=1e-12)


@ENGINES
def test_tiled_equals_untiled_exactly(engine):
    F1 = synthetic_scene(28, 5)
    C1 = np.kron(core.block_mean(F1, 4), np.ones((4, 4))) + 0.05 * np.arange(28)
    C0 = C1 * 0.9 + 4
    full = core.fitfc(F1, C1, C0, 4, window=9, tile=1000, workers=1, engine=engine)
    np.testing.assert_array_equal(core.fitfc(F1, C1, C0, 4, window=9, tile=9, engine=engine), full)


def test_auto_on_a_cuda_machine_runs_the_filter_on_numba(monkeypatch):
    """auto picks torch where PyTorch sees a GPU; the k-selection has no torch engine, so numba (else NumPy) runs."""
    monkeypatch.setattr(kernels, "cuda_available", lambda: True)
    assert kernels.resolve_engine("auto") == "torch"
    assert core.filter_engine("auto") == ("numba" if kernels.numba_available() else "numpy")
    monkeypatch.setattr(kernels, "numba_available", lambda: False)
    assert core.filter_engine("auto") == "numpy"


def test_progress_cancel_and_bad_inputs():
    F1 = synthetic_scene(32, 6)
    C1, C0 = F1 * 0.4 + 14, F1 * 0.4 + 16
    seen = []
    core.fitfc(F1, C1, C0, 4, window=5, tile=8, workers=1, progress=seen.append)
    assert len(seen) == 16 and seen[-1] == pytest.approx(100.0)
    with pytest.raises(Cancelled):
        core.fitfc(F1, C1, C0, 4, window=5, tile=8, workers=1, cancel=lambda: True)
    with pytest.raises(LstFusionError, match="^COARSE_PIXEL: the MODIS pixel must be a whole number"):
        core.fitfc(F1, C1, C0, 0)
    with pytest.raises(LstFusionError, match="^SIMILAR_PIXELS: the number of similar pixels"):
        core.fitfc(F1, C1, C0, 4, window=5, similar=0)
    with pytest.raises(LstFusionError, match="^WINDOW: window must be an odd"):
        core.fitfc(F1, C1, C0, 4, window=6)
    with pytest.raises(LstFusionError, match="^COARSE_TARGET: size 31x32"):
        core.fitfc(F1, C1, C0[:, :31], 4)


@pytest.mark.parametrize("alg_id, method", [("fitfc", "Fit-FC"), ("fsdaf", "FSDAF")])
def test_algorithm_translates_parameters_writes_provenance_and_keeps_nodata(qgis_app, qgis_processing, tif, tmp_path,
                                                                            alg_id, method):
    import rasterio
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback

    from lst_fusion.algorithms.provider import LstFusionProvider
    from lst_fusion.core.fusion import fsdaf

    F1 = synthetic_scene(40, 8)
    C1 = np.kron(core.block_mean(F1, 4), np.ones((4, 4)))  # 30 m grid, COARSE_PIXEL 120 m: 4 x 4 fine pixels
    C0 = C1 * 0.9 + 5
    F1[2, 3] = -9999.0
    paths = {"FINE_REF1": tif("FINE_REF1_20200101.tif", F1.astype(np.float32), nodata=-9999.0),
             "COARSE_REF1": tif("COARSE_REF1_20200101.tif", C1.astype(np.float32)),
             "COARSE_TARGET": tif("COARSE_TARGET_20200117.tif", C0.astype(np.float32))}
    provider = LstFusionProvider()
    assert QgsApplication.processingRegistry().addProvider(provider)
    try:
        alg = QgsApplication.processingRegistry().algorithmById(f"lstfusion:{alg_id}").create()
        out = str(tmp_path / "fused.tif")
        params = {**paths, "WINDOW": 9, "SIMILAR_PIXELS": 5, "ENGINE": 1, "COARSE_PIXEL": 120.0, "OUTPUT": out}
        res, ok = alg.run(params, QgsProcessingContext(), QgsProcessingFeedback())
        assert ok and res["OUTPUT"] == out
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)
    with rasterio.open(out) as ds:
        tags, data = ds.tags(), ds.read(1, masked=True).filled(np.nan)
    assert tags["METHOD"] == method and tags["ACQUISITION_DATE"] == "2020-01-17" and tags["LST_UNIT"] == "celsius"
    assert (tags["WINDOW"], tags["SIMILAR_PIXELS"], tags["ENGINE"]) == ("9", "5", "numpy")
    assert float(tags["COARSE_PIXEL"]) == 120.0 and tags["RESIDUAL_CORRECTION"] == "none"
    assert tags["SOFTWARE"].endswith(f"(lstfusion:{alg_id})")
    F1[2, 3] = np.nan
    fn = core.fitfc if alg_id == "fitfc" else fsdaf.fsdaf
    expected = fn(F1, C1, C0, 4, window=9, similar=5, engine="numpy")
    np.testing.assert_allclose(data, expected, atol=1e-5)  # the core call, nothing else
    assert np.isnan(data[2, 3]) and np.isfinite(np.delete(data.ravel(), 2 * 40 + 3)).all()
