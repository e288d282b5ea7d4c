"""fuse_series with ESTARFM's per-reference-set plan (series.tiles.run_plan_tile) against the per-date kernel
(precompute=False) on real data: the ubESTARFM sample and the raw Ranchi exports, ../shared read in place."""
import glob
import os

import numpy as np
import pytest

from lst_fusion.core.data.io import read_raster, write_raster
from lst_fusion.core.fusion.kernels import numba_available
from lst_fusion.core.platform.errors import Cancelled
from lst_fusion.series import cancelled_cleanly, fuse_series

from .conftest import SHARED
from .test_series import RUN, coarse_season  # noqa: F401 (a fixture)

UB = os.path.join(SHARED, "data", "ubestarfm")
RANCHI = os.path.join(SHARED, "data", "ranchi")
ENGINE = "numba" if numba_available() else "numpy"
TOL = 1e-4  # K


def needs(path):
    return pytest.mark.skipif(not os.path.exists(path), reason=f"{os.path.relpath(path, os.path.dirname(SHARED))} "
                              "is not present (the real data live in ../shared beside the repository)")


def vrt(dst, src, window=None):
    """A VRT of ``src`` (optionally the pixel window x, y, w, h) named ``dst``: the file is read in place."""
    from osgeo import gdal

    gdal.Translate(str(dst), src, format="VRT", **({"srcWin": list(window)} if window else {}))
    return str(dst)


def outputs(folder):
    return {os.path.basename(p)[-12:]: read_raster(p).data for p in sorted(glob.glob(os.path.join(folder, "LST_*.tif")))}


def compare(tmp_path, tol=TOL, **run):
    """The plan's series against the per-date series: same dates, same NaN pattern, within ``tol``."""
    logs = {}
    res = {}
    for pre in (True, False):
        logs[pre] = []
        res[pre] = fuse_series(str(tmp_path / f"pre{pre}"), precompute=pre, scheduler="sequential", engine=ENGINE,
                               log=logs[pre].append, **run)
    got, ref = outputs(res[True].folder), outputs(res[False].folder)
    assert sorted(got) == sorted(ref) and len(got) == len(res[True].outputs) >= 3
    worst = 0.0
    for name in ref:
        assert np.array_equal(np.isnan(got[name]), np.isnan(ref[name])), name
        assert np.isfinite(ref[name]).mean() > 0.5
        worst = max(worst, float(np.nanmax(np.abs(got[name].astype(np.float64) - ref[name]))))
    assert worst < tol
    assert any("share their reference set's per-pair plan" in s for s in logs[True])
    assert not any("per-pair plan" in s for s in logs[False])
    return res, worst


def ubestarfm_series(tmp_path, off=150, n=100):
    """Folders fine/ and modis/ under ``tmp_path``: n x n px of the sample from row and column ``off``, its MODIS
    on the real 0.01 deg grid (the files are 10 x 10 nearest blocks), and a cloudy MODIS day 2016-02-19 (two
    QC-masked pixels inside the crop); returns (fine, modis)."""
    fine, modis = tmp_path / "fine", tmp_path / "modis"
    fine.mkdir()
    modis.mkdir()
    for d in ("20160205", "20160308"):
        r = read_raster(os.path.join(UB, f"Landsat_LST_cloudrm_{d}.tif"))
        write_raster(str(fine / f"L_{d}.tif"), r.data[off:off + n, off:off + n], _crop(r.grid, off, n))
    for d in ("20160205", "20160218", "20160308"):
        r = read_raster(os.path.join(UB, f"MOD11A1_LST_cloudrm_{d}.tif"))
        write_raster(str(modis / f"M_{d}.tif"), r.data[::10, ::10], _coarse(r.grid))
        if d == "20160218":
            cloudy = r.data[::10, ::10].copy()
            cloudy[19, 20] = cloudy[22, 17] = np.nan
            write_raster(str(modis / "M_20160219.tif"), cloudy, _coarse(r.grid))
    return fine, modis


@needs(UB)
def test_plan_series_equals_per_date_series_on_ubestarfm(tmp_path):
    # 100 x 100 px of the sample; MODIS on its real 0.01 deg grid, a cloudy day
    fine, modis = ubestarfm_series(tmp_path)
    res, _ = compare(tmp_path, modis=str(modis), landsat=str(fine), window=31, tile=64)
    assert [r["status"] for r in res[True].rows] == ["fused"] * 4
    assert tags_of(res[True].outputs[1])["PRECOMPUTED"] == "estarfm reference-set plan"
    assert "PRECOMPUTED" not in tags_of(res[False].outputs[1])


@needs(RANCHI)
def test_plan_series_equals_per_date_series_on_ranchi(tmp_path):
    # raw Earth Engine exports: MODIS 1 km sinusoidal (sphere), Landsat 30 m UTM in degC with nodata; the west
    # 240 x 160 px through VRTs (read in place); a MODIS day between the pairs, clear and with a masked pixel
    lan = [vrt(tmp_path / f"L_{d}.vrt", os.path.join(RANCHI, "landsat8", f"LC08_140044_{d}.tif"), (0, 0, 240, 160))
           for d in ("20230107", "20230616")]
    mod = [vrt(tmp_path / f"M_{d}.vrt", os.path.join(RANCHI, "modis", f"{src}.tif"))
           for d, src in (("20230107", "2023_01_07"), ("20230616", "2023_06_16"), ("20230301", "2024_05_01"))]
    day = read_raster(mod[2])
    cloudy = day.data.copy()
    cloudy[4, 3] = np.nan
    mod.append(str(tmp_path / "M_20230302.tif"))
    write_raster(mod[-1], cloudy, day.grid)
    res, _ = compare(tmp_path, modis=mod, landsat=lan, window=31, tile=256, max_gap_days=200)
    assert np.isnan(read_raster(lan[0]).data).any()  # Landsat nodata
    assert [r["status"] for r in res[True].rows] == ["fused"] * 4


def tags_of(path):
    import rasterio

    with rasterio.open(path) as ds:
        return ds.tags()


def _crop(grid, off, n):
    from rasterio.transform import Affine

    from lst_fusion.core.data.io import Grid

    return Grid(grid.crs, grid.transform * Affine.translation(off, off), n, n)


def _coarse(grid):
    from rasterio.transform import Affine

    from lst_fusion.core.data.io import Grid

    return Grid(grid.crs, grid.transform * Affine.scale(10), grid.width // 10, grid.height // 10)


def test_plan_series_resumes_cancels_and_chooses(coarse_season, tmp_path):  # noqa: F811
    lan, mod = coarse_season
    run = dict(RUN, tile=20)
    whole = fuse_series(str(tmp_path / "whole"), modis=mod, landsat=lan, scheduler="sequential", precompute=True,
                        **run)
    ref = outputs(whole.folder)
    assert len(ref) == 17
    # cancelled inside the plan's tasks (17 dates x 4 tiles; each task writes a tile of every date): nothing left
    out, written = str(tmp_path / "out"), []
    with pytest.raises(Cancelled):
        fuse_series(out, modis=mod, landsat=lan, scheduler="sequential", precompute=True,
                    cancel=lambda: len(written) >= 17 * 2 + 5, progress=lambda pct, msg: written.append(pct), **run)
    assert cancelled_cleanly(out) and not glob.glob(os.path.join(out, "LST_*.tif"))
    # resumed: two dates removed are computed again (a plan of two dates), the other 15 kept, the same bits
    fuse_series(out, modis=mod, landsat=lan, scheduler="sequential", precompute=True, **run)
    for name in ("20200103.tif", "20200110.tif"):
        os.remove(os.path.join(out, f"LST_ESTARFM_{name}"))
    log = []
    res = fuse_series(out, modis=mod, landsat=lan, scheduler="sequential", precompute=True, log=log.append, **run)
    assert sorted(r["date"] for r in res.rows if r["status"] == "fused") == ["2020-01-03", "2020-01-10"]
    assert "15 date(s) already complete with the same inputs and parameters: kept" in log
    assert any("2 date(s) share their reference set's per-pair plan" in s for s in log)
    got = outputs(out)
    assert list(got) == list(ref) and all(np.array_equal(got[k], ref[k], equal_nan=True) for k in ref)
    # the default: the plan for a reference set of PLAN_MIN_DATES dates or more on numba, else the per-date kernel
    for end, n in (("2020-01-20", 17), ("2020-01-04", 0)):
        log = []
        fuse_series(str(tmp_path / end), modis=mod, landsat=lan, scheduler="sequential", end=end, log=log.append,
                    **run)
        uses = any(f"{n} date(s) share their reference set's per-pair plan" in s for s in log)
        assert uses == (n > 0 and ENGINE == "numba"), log


def test_clear_percent_of_a_modis_without_nodata_is_counted_once_per_pair_of_grids(tmp_path):
    # a coarse raster covering part of the fine grid: its clear % is the covered share; a second date on the same
    # grid without nodata gets the cached count (the same number GDAL gives it), one with nodata is counted itself
    from rasterio.transform import Affine

    from lst_fusion.core.data.io import Grid, write_raster
    from lst_fusion.series import tiles

    fine = Grid("EPSG:32633", Affine(30, 0, 500000, 0, -30, 5000000), 200, 150)
    coarse = Grid("EPSG:32633", Affine(1000, 0, 502000, 0, -1000, 5001000), 5, 6)  # east part only
    rng = np.random.default_rng(1)
    paths = []
    for k, hole in enumerate((False, False, True)):
        a = (290 + 10 * rng.random(coarse.shape)).astype(np.float32)
        if hole:
            a[2, 2] = np.nan
        paths.append(str(tmp_path / f"M_{k}.tif"))
        write_raster(paths[-1], a, coarse)
    src = [tiles.Source(p, same_grid=False) for p in paths]
    direct = [tiles._count_clear(s, fine) for s in src]
    assert 0 < direct[0] < 100 and direct[0] == direct[1] and direct[2] < direct[0]
    tiles._COVER_CACHE.clear()
    got = [tiles.clear_percent(s, fine) for s in src]
    assert got == direct and len(tiles._COVER_CACHE) == 1


@needs(UB)
def test_season_modis_on_the_fine_grid_is_r_m_within_the_tolerance_and_gdal_elsewhere(tmp_path):
    # the season report's MODIS per date: R M (the factored bicubic) where it factors and the MODIS has no nodata,
    # within 1e-4 K of the GDAL warp read_block does; GDAL itself at the MODIS raster's edge and for a nodata pixel
    from rasterio.transform import Affine

    from lst_fusion.core.data.io import Grid
    from lst_fusion.series import season, tiles

    r = read_raster(os.path.join(UB, "MOD11A1_LST_cloudrm_20160218.tif"))
    coarse = Grid(r.grid.crs, r.grid.transform * Affine.scale(10), 40, 40)  # the real 0.01 deg MODIS pixels
    M = r.data[::10, ::10].astype(np.float32)
    holed = M.copy()
    holed[20, 20] = np.nan
    src = []
    for name, a in (("M.tif", M), ("holed.tif", holed)):
        write_raster(str(tmp_path / name), a, coarse)
        src.append(tiles.Source(str(tmp_path / name), same_grid=False))
    inner = Grid(r.grid.crs, r.grid.transform * Affine.translation(100, 100), 200, 200)
    for grid, factored in ((inner, True), (r.grid, False)):  # r.grid: the whole sample, to the MODIS edge
        read = season.fine_modis(grid)
        for s, exact in ((src[0], not factored), (src[1], True)):
            got, want = read(s), tiles.read_block(s, grid, 0, grid.height, 0, grid.width)
            assert np.array_equal(np.isnan(got), np.isnan(want)) and np.isfinite(want).mean() > 0.99
            diff = float(np.nanmax(np.abs(got - want)))
            assert diff == 0.0 if exact else 0.0 < diff < TOL, (grid.width, s.path, diff)
