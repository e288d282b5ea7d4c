"""The ESTARFM plan (core.fusion.estarfm_plan) against per-date estarfm() on real data, ../shared read in place."""
import os

import numpy as np
import pytest
from rasterio.transform import Affine

from lst_fusion.core.data.io import Grid, read_raster
from lst_fusion.core.data.linear_resampling import LinearResampling
from lst_fusion.core.data.resample import resample_to_grid
from lst_fusion.core.fusion.estarfm import estarfm
from lst_fusion.core.fusion.estarfm_plan import EstarfmPlan
from lst_fusion.core.fusion.kernels import numba_available
from lst_fusion.core.platform.errors import LstFusionError

from .conftest import SHARED

UB = os.path.join(SHARED, "data", "ubestarfm")
RANCHI = os.path.join(SHARED, "data", "ranchi")
ENGINE = "numba" if numba_available() else "numpy"
TOL = 1e-4  # K


def needs(path):
    return pytest.mark.skipif(not os.path.exists(path), reason=f"{os.path.relpath(path, os.path.dirname(SHARED))} "
                              "is not present (the real data live in ../shared beside the repository)")


def _ub(name):
    r = read_raster(os.path.join(UB, name))
    return r.data.astype(np.float64), r.grid


def ubestarfm(n=100, off=150):
    """The ubESTARFM sample cropped to n x n fine px from row and column ``off``, and its MODIS on the real
    0.01 deg MODIS grid (all 40 x 40 px): the files hold MODIS already resampled by nearest onto 0.001 deg
    (10 x 10 blocks), so each block is one MODIS pixel."""
    F1, grid = _ub("Landsat_LST_cloudrm_20160205.tif")
    F2, _ = _ub("Landsat_LST_cloudrm_20160308.tif")
    modis = []
    for d in ("20160205", "20160218", "20160308"):
        a, _ = _ub(f"MOD11A1_LST_cloudrm_{d}.tif")
        blocks = a.reshape(40, 10, 40, 10)
        assert np.array_equal(blocks, np.broadcast_to(blocks[:, :1, :, :1], blocks.shape))  # one value per block
        modis.append(a[::10, ::10])
    fine = Grid(grid.crs, grid.transform * Affine.translation(off, off), n, n)
    coarse = Grid(grid.crs, grid.transform * Affine.scale(10), 40, 40)
    crop = (slice(off, off + n), slice(off, off + n))
    return F1[crop], F2[crop], modis, coarse, fine


def compare(F1, F2, modis, coarse, fine, method, dates, window=31, mode="published", engine=ENGINE):
    """Max |plan - estarfm| over ``dates`` (indices into modis or arrays), references modis[0] and modis[2]."""
    R = LinearResampling.from_grids(coarse, fine, method)
    res = lambda m: resample_to_grid(m, coarse, fine, method).astype(np.float64)  # noqa: E731
    C1, C2 = res(modis[0]), res(modis[2])
    plan = EstarfmPlan(F1, C1, F2, C2, R, res, window=window, engine=engine, mode=mode, tile=64)
    worst = 0.0
    for M in dates:
        got = plan.predict(M)
        ref = estarfm(F1, C1, F2, C2, res(M), window=window, engine=engine, mode=mode, tile=64)
        assert np.array_equal(np.isnan(got), np.isnan(ref))
        assert np.isfinite(ref).mean() > 0.5
        worst = max(worst, float(np.nanmax(np.abs(got - ref))))
    return worst, plan


@needs(UB)
def test_the_nearest_resampling_reproduces_the_sample_files():
    # the round trip that makes the MODIS grid real: nearest from 0.01 deg gives the 0.001 deg files bit for bit
    F1, F2, modis, coarse, fine = ubestarfm(100)
    given, _ = _ub("MOD11A1_LST_cloudrm_20160218.tif")
    assert np.array_equal(resample_to_grid(modis[1], coarse, fine, "nearest"), given[150:250, 150:250])
    R = LinearResampling.from_grids(coarse, fine, "nearest")
    assert R.idx.shape == (100, 100, 1) and np.array_equal(R.wt, np.ones((100, 100, 1)))
    assert np.array_equal(R.apply(modis[1]), given[150:250, 150:250])


@needs(UB)
@pytest.mark.parametrize("method", ["bicubic", "nearest"])
def test_plan_equals_estarfm_per_date_on_ubestarfm(method):
    F1, F2, modis, coarse, fine = ubestarfm(100)
    # 2016-02-18 is the extra date; the reference dates themselves are dates of the series too
    worst, plan = compare(F1, F2, modis, coarse, fine, method, [modis[1], modis[0], modis[2]])
    assert worst < TOL
    assert sum(t.last_exact for t in plan.tiles) == 0  # no MODIS nodata: every centre by the aggregated weights
    t = plan.tiles[0]
    # bicubic over 10 px MODIS pixels: a 31 px window reads at most 4 + 3 MODIS pixels a side, not 31
    assert (t.kr, t.kc) == ((7, 7) if method == "bicubic" else (4, 4))
    # north-up in one CRS: the row x column aggregation (numba; the NumPy path has the general one only)
    assert all(t.separable for t in plan.tiles) == (ENGINE == "numba")


@needs(UB)
def test_plan_equals_estarfm_lst_robust():
    F1, F2, modis, coarse, fine = ubestarfm(100)
    worst, _ = compare(F1, F2, modis, coarse, fine, "bicubic", [modis[1]], mode="lst-robust")
    assert worst < TOL


@needs(UB)
def test_modis_nodata_falls_back_to_the_exact_per_date_kernel():
    F1, F2, modis, coarse, fine = ubestarfm(100)
    M = modis[1].copy()
    M[23, 23] = np.nan  # a cloudy MODIS pixel: NaN under it, renormalised cubic around it
    worst, plan = compare(F1, F2, modis, coarse, fine, "bicubic", [M])
    assert worst < TOL
    exact = sum(t.last_exact for t in plan.tiles)  # centres whose window reads a pixel that is not R M
    assert 0 < exact < 0.5 * 100 * 100
    # the aggregated weights alone would be wrong there (NaN MODIS read as 0, renormalised cubic): well off
    from lst_fusion.core.fusion.tiling import halo_block

    C0 = resample_to_grid(M, coarse, fine, "bicubic").astype(np.float64)
    t = plan.tiles[3]  # rows and columns 64-100
    exact = t.predict(M, halo_block(C0, 64, 100, 64, 100, 15))
    linear = t.predict(M, halo_block(C0, 64, 100, 64, 100, 15), fallback=False)
    assert np.nanmax(np.abs(linear - exact)) > 1.0


@needs(UB)
def test_numpy_aggregation_equals_numba():
    F1, F2, modis, coarse, fine = ubestarfm(40)
    worst, _ = compare(F1, F2, modis, coarse, fine, "bilinear", [modis[1]], window=11, engine="numpy")
    assert worst < TOL


@needs(RANCHI)
def test_plan_equals_estarfm_on_ranchi_through_the_align_pairs_resampling():
    # raw Earth Engine exports: MODIS 1 km on the MODIS sphere (read_raster), Landsat 30 m in degC, nodata in both
    L = [read_raster(os.path.join(RANCHI, "landsat8", f"LC08_140044_{d}.tif")) for d in ("20230107", "20230616")]
    M = [read_raster(os.path.join(RANCHI, "modis", f"{d}.tif")) for d in ("2023_01_07", "2024_05_01", "2023_06_16")]
    g = L[0].grid
    fine, coarse = Grid(g.crs, g.transform, 240, 160), M[0].grid  # the west 240 x 160 px, to stay quick
    R = LinearResampling.from_grids(coarse, fine, "bicubic")
    res = lambda m: resample_to_grid(m, coarse, fine, "bicubic").astype(np.float64)  # noqa: E731
    F1, F2 = (x.data[:160, :240].astype(np.float64) for x in L)
    C1, C0, C2 = (res(m.data) for m in M)
    assert np.isnan(F1).any()  # Landsat nodata
    plan = EstarfmPlan(F1, C1, F2, C2, R, res, window=31, engine=ENGINE, tile=128)
    cloudy = M[1].data.copy()
    cloudy[4, 3] = np.nan  # and a QC-masked MODIS pixel on another day
    for day, fine0 in ((M[1].data, C0), (cloudy, res(cloudy))):
        got = plan.predict(day)
        ref = estarfm(F1, C1, F2, C2, fine0, window=31, engine=ENGINE, tile=128)
        assert np.array_equal(np.isnan(got), np.isnan(ref)) and np.isfinite(ref).mean() > 0.5
        assert float(np.nanmax(np.abs(got - ref))) < TOL
    assert sum(t.last_exact for t in plan.tiles) > 0
    assert not any(t.separable for t in plan.tiles)  # sinusoidal -> UTM: the general aggregation


def test_a_non_linear_resampler_is_refused():
    grid = np.zeros((6, 6), np.float32)
    with pytest.raises(LstFusionError, match="^METHOD: the resampling is not linear"):
        LinearResampling.from_function(lambda m: np.kron(m, np.ones((3, 3), np.float32)) ** 2, grid.shape)
    # a linear one is accepted and reproduces itself
    R = LinearResampling.from_function(lambda m: np.kron(m, np.ones((3, 3), np.float32)) * 0.5, grid.shape)
    m = np.arange(36, dtype=np.float32).reshape(6, 6)
    assert np.array_equal(R.apply(m), np.kron(m, np.ones((3, 3))) * 0.5)


@needs(UB)
def test_an_edge_tile_reached_by_the_modis_margin_builds_in_bounded_memory():
    # fuse_series' corner tile: the references' NaN halo beyond the fine grid, the MODIS raster (wider than the
    # fine grid, as a MODIS tile or a clip with a margin) still reaching it, so R has entries where nothing is valid
    import tracemalloc

    from lst_fusion.core.data.units import is_celsius
    from lst_fusion.core.fusion.estarfm import DEFAULT_CLASSES, similarity_threshold
    from lst_fusion.core.fusion.estarfm_plan import EstarfmTilePlan
    from lst_fusion.core.fusion.tiling import halo_block

    F1, F2, modis, coarse, fine = ubestarfm(100)
    w, (r0, r1, c0, c1) = 15, (0, 64, 0, 64)
    win = Grid(fine.crs, fine.transform * Affine.translation(c0 - w, r0 - w), c1 - c0 + 2 * w, r1 - r0 + 2 * w)
    R = LinearResampling.from_grids(coarse, win, "bicubic")
    assert (R.idx[:w, :, 0] >= 0).all() and (R.idx[:, :w, 0] >= 0).all()  # the MODIS reaches the halo
    outside = np.ones(R.idx.shape[:2], bool)
    outside[w:, w:] = False  # rows and columns -15..-1 of the fine grid
    res = lambda m: np.where(outside, np.nan, resample_to_grid(m, coarse, win, "bicubic").astype(np.float64))  # noqa: E731
    C1, C0, C2 = (res(m) for m in modis)
    blocks = [halo_block(F1, r0, r1, c0, c1, w), C1, halo_block(F2, r0, r1, c0, c1, w), C2]
    def build():
        return EstarfmTilePlan(blocks, R, w, similarity_threshold(F1, DEFAULT_CLASSES),
                               similarity_threshold(F2, DEFAULT_CLASSES), is_celsius(F1), float(np.nanmean(C1)),
                               engine=ENGINE)

    build()  # numba's compilation or cache load first, outside the measure
    tracemalloc.start()
    plan = build()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert plan.separable == (ENGINE == "numba")
    # the tile's own arrays (94 x 94 px, A: 64 x 64 x 7 x 7) take a few MiB: 12.6 MiB measured at the peak; with the
    # halo's rows and columns counted in the separable factors, each factor box spanned the MODIS raster from its
    # row and column 0 (about 25 x 25 coarse px, not 4 x 4) and the build peaked at 87 MiB for this tile (the whole
    # process at 21 GiB for 1000 x 1000 px in tiles of 256, docs/series_precompute.md)
    assert peak < 24 * 2 ** 20, f"{peak / 2 ** 20:.0f} MiB"
    got = plan.predict(modis[1], C0)
    ref = plan.kernel(blocks + [C0])  # the per-date kernel of estarfm() on the same blocks
    assert np.array_equal(np.isnan(got), np.isnan(ref)) and np.isfinite(ref).mean() > 0.9
    assert float(np.nanmax(np.abs(got - ref))) < TOL


@needs(UB)
def test_row_and_column_factors_equal_the_pixel_by_pixel_operator():
    # north-up in one CRS: R measured from 17 GDAL calls as U(row) x V(column), against the 33-call pixel-by-pixel R,
    # on the real MODIS grid; inside a mask only (the fine grid within a halo'd block), and where GDAL's bicubic
    # turns bilinear near the MODIS raster's edge the factors are refused (pixel-by-pixel R instead)
    from lst_fusion.core.data.linear_resampling import Factors

    F1, F2, modis, coarse, fine = ubestarfm(100)
    res = lambda m, g=fine: resample_to_grid(m, coarse, g, "bicubic")  # noqa: E731
    R = LinearResampling.from_grids(coarse, fine, "bicubic")
    assert isinstance(R.factors, Factors) and R.packed_nbytes == 0  # the slots are made only when asked for
    P = LinearResampling.from_function(res, coarse.shape)
    assert np.array_equal(R.reads(), P.reads()) and R.shape == P.shape  # read from the factors, from the slots
    assert np.array_equal(R.idx[..., 0] >= 0, P.idx[..., 0] >= 0)
    for M in modis:
        assert np.nanmax(np.abs(R.apply(M) - P.apply(M))) < 1e-4
        assert np.nanmax(np.abs(R.apply(M) - res(M))) < 1e-4
    # the same sparse slots (the plan's aggregation reads them): per pixel the same coarse pixels and weights
    for r, c in ((0, 0), (37, 81), (99, 99)):
        a = {int(i): w for i, w in zip(R.idx[r, c], R.wt[r, c]) if i >= 0}
        b = {int(i): w for i, w in zip(P.idx[r, c], P.wt[r, c]) if i >= 0}
        assert a.keys() == b.keys() and all(abs(a[k] - b[k]) < 1e-6 for k in a)
    # a window over the MODIS raster's first 2 pixels: not separable there (bilinear edge zone), unless masked out
    t = fine.transform
    edge = Grid(fine.crs, Affine(t.a, 0, coarse.transform.c, 0, t.e, coarse.transform.f), 60, 60)  # 6 x 6 MODIS px
    assert LinearResampling.from_grids(coarse, edge, "bicubic").factors is None
    inside = np.zeros((60, 60), bool)
    inside[25:, 25:] = True
    masked = LinearResampling.from_grids(coarse, edge, "bicubic", inside=inside)
    assert masked.factors is not None and np.array_equal(masked.idx[..., 0] >= 0, inside)
    unpacked = LinearResampling(None, None, coarse.shape, masked.factors)
    want_reads = np.zeros(coarse.shape, bool)
    want_reads.flat[masked.idx[masked.idx >= 0]] = True
    assert np.array_equal(unpacked.reads(), want_reads)
    got, want = masked.apply(modis[1]), res(modis[1], edge)
    assert np.isnan(got[~inside]).all() and np.nanmax(np.abs(got[inside] - want[inside])) < 1e-4


def test_window_sum_compiled_is_the_numpy_sum_bit_for_bit():
    # tiling.window_sum runs compiled (numba, no fast-math) on float64: the same additions in the same order as its
    # NumPy form, so tiled and untiled ESTARFM, the plan and estarfm() keep equal window means bit for bit
    from lst_fusion.core.fusion.tiling import window_sum

    rng = np.random.default_rng(0)
    x = rng.random((90, 70)) * 300
    x[rng.random(x.shape) < 0.2] = 0.0
    for h in (0, 3, 12):
        th, tw = 90 - 2 * h, 70 - 2 * h
        rows = np.zeros((90, tw))
        for dx in range(2 * h + 1):
            rows += x[:, dx:dx + tw]
        want = np.zeros((th, tw))
        for dy in range(2 * h + 1):
            want += rows[dy:dy + th]
        got = window_sum(x, h)
        assert got.dtype == np.float64 and np.array_equal(got, want)
        assert np.isclose(got[th // 2, tw // 2], x[th // 2:th // 2 + 2 * h + 1, tw // 2:tw // 2 + 2 * h + 1].sum())
