"""STARFM's per-reference-set plan (core.fusion.starfm_plan) against its per-date kernel (starfm.make_kernel, the
oracle) on real data, tile by tile and through fuse_series; ../shared read in place."""
import os

import numpy as np
import pytest

from lst_fusion.core.data.io import read_raster
from lst_fusion.core.fusion import methods
from lst_fusion.core.fusion.estarfm import class_threshold
from lst_fusion.core.fusion.kernels import numba_available
from lst_fusion.core.fusion.starfm import make_kernel
from lst_fusion.core.fusion.starfm_plan import PLAN_TAG, StarfmTilePlan

from .test_series_precompute import RANCHI, TOL, UB, compare, needs, tags_of, ubestarfm_series, vrt

pytestmark = pytest.mark.skipif(not numba_available(), reason="the STARFM plan runs on numba, not installed")


def _ub(name):
    return read_raster(os.path.join(UB, name)).data.astype(np.float64)


def _check_tile(refs, C0s, w):
    """Max |plan - kernel| over the dates ``C0s`` (halo'd blocks) for one pair and for two."""
    worst = 0.0
    for npairs in (1, 2):
        r = refs[:2 * npairs]
        ths = [class_threshold(np.nanstd(r[2 * k]), 4) for k in range(npairs)]
        oracle = make_kernel(w, ths, npairs=npairs, engine="numba")
        plan = StarfmTilePlan(r, w, ths)
        for C0 in C0s:
            got, ref = plan.predict(None, C0), oracle(r + [C0])
            assert np.array_equal(np.isnan(got), np.isnan(ref))
            assert np.isfinite(ref).mean() > 0.5
            worst = max(worst, float(np.nanmax(np.abs(got - ref))))
    return worst


@needs(UB)
def test_the_plan_equals_the_per_date_kernel_on_ubestarfm():
    # the whole 400 x 400 px sample as one halo'd block (window 31), the middle MODIS date clear and with a
    # cloud of NaN, and both reference dates as targets (Gao's special cases T = 0 everywhere)
    F1, F2 = _ub("Landsat_LST_cloudrm_20160205.tif"), _ub("Landsat_LST_cloudrm_20160308.tif")
    M = [_ub(f"MOD11A1_LST_cloudrm_{d}.tif") for d in ("20160205", "20160218", "20160308")]
    cloudy = M[1].copy()
    cloudy[100:130, 200:215] = np.nan
    worst = _check_tile([F1, M[0], F2, M[2]], [M[1], cloudy, M[0], M[2]], 15)
    assert worst < TOL, worst


@needs(RANCHI)
def test_the_plan_equals_the_per_date_kernel_on_ranchi():
    # raw exports, Landsat in degC with nodata, MODIS sinusoidal resampled (bicubic) onto the Landsat grid
    from lst_fusion.core.data.resample import resample_to_grid

    L = [read_raster(os.path.join(RANCHI, "landsat8", f"LC08_140044_{d}.tif")) for d in ("20230107", "20230616")]
    win = (slice(0, 200), slice(0, 260))
    grid = L[0].grid
    modis = []
    for src in ("2023_01_07", "2023_06_16", "2024_05_01"):
        m = read_raster(os.path.join(RANCHI, "modis", f"{src}.tif"))
        modis.append(resample_to_grid(m.data, m.grid, grid, "bicubic").astype(np.float64)[win])
    F1, F2 = (x.data.astype(np.float64)[win] for x in L)
    assert np.isnan(F1).any()
    worst = _check_tile([F1, modis[0], F2, modis[1]], [modis[2]], 15)
    assert worst < TOL, worst


@needs(UB)
def test_a_starfm_series_with_the_plan_equals_the_per_date_series(tmp_path):
    # fuse_series, method STARFM: precompute=True (the plan) against False (the per-date kernel), both reading C0
    # by GDAL per window; 100 x 100 px of the sample, MODIS on its real 0.01 deg grid, a cloudy day included
    fine, modis = ubestarfm_series(tmp_path)
    res, _ = compare(tmp_path, modis=str(modis), landsat=str(fine), method="starfm", window=31, tile=64)
    assert [r["status"] for r in res[True].rows] == ["fused"] * 4
    assert tags_of(res[True].outputs[1])["PRECOMPUTED"] == PLAN_TAG


@needs(RANCHI)
def test_a_starfm_series_with_the_plan_equals_the_per_date_series_on_ranchi(tmp_path):
    lan = [vrt(tmp_path / f"L_{d}.vrt", os.path.join(RANCHI, "landsat8", f"LC08_140044_{d}.tif"), (0, 0, 240, 160))
           for d in ("20230107", "20230616")]
    mod = [vrt(tmp_path / f"M_{d}.vrt", os.path.join(RANCHI, "modis", f"{src}.tif"))
           for d, src in (("20230107", "2023_01_07"), ("20230616", "2023_06_16"), ("20230301", "2024_05_01"))]
    res, _ = compare(tmp_path, modis=mod, landsat=lan, method="starfm", window=31, tile=128, max_gap_days=200)
    assert [r["status"] for r in res[True].rows] == ["fused"] * 3


def test_starfm_names_its_plan_in_the_method_table():
    plan = methods.get("starfm").plan
    # one pair or two; MODIS resampled per window or already on the fine grid (the plan reads C0 as the kernel)
    assert plan.tag == PLAN_TAG and not plan.two_pairs and not plan.resampling
    assert plan.applies(False, True, "numba") and plan.applies(True, False, "numba")
    assert not plan.applies(False, True, "numpy")
