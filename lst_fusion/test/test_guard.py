"""The plausibility guard (issue 37, class 5): core.fusion.guard's rule, and every fusion output passing through it -
the one-date algorithms (algorithms/outputs.write_fused_output) and each date of fuse_series (series/run.py).

Rule: plausible = [min(inputs) + min(0, min change) - margin, max(inputs) + max(0, max change) + margin], change =
coarse target - each coarse reference, margin 10 K for LST (0.05 for reflectance), LST cut to 150-400 K; pixels
outside are nodata, counted in the log and in the tags IMPLAUSIBLE_PIXELS, PLAUSIBLE_MIN, PLAUSIBLE_MAX.
"""
import glob
import os

import numpy as np
import pytest

from lst_fusion.core.fusion import guard

from .conftest import SAMPLE, synthetic_scene, write_tif
from .test_processing_run import ErrorCollectingFeedback

# ---------------------------------------------------------------- the rule, on arrays

def test_bounds_are_the_inputs_range_widened_by_the_change_and_the_margin():
    F1 = np.array([[290.0, 300.0], [310.0, np.nan]])
    C1 = np.array([[295.0, 296.0], [297.0, 298.0]])
    C0 = np.array([[294.0, 299.0], [300.0, np.nan]])  # change -1 .. +3 where both are valid
    b = guard.plausible_bounds([F1, C1, C0], C0, [C1])
    assert (b.lo, b.hi, b.unit) == (290.0 - 1.0 - 10.0, 310.0 + 3.0 + 10.0, "K")
    fused = np.array([[278.99, 279.0], [np.inf, np.nan]], dtype=np.float32)
    out, n, bounds = guard.guard(fused, [F1, C1, C0], C0, [C1])
    assert n == 2 and bounds == b  # 278.99 and +inf; NaN stays NaN and is not counted
    np.testing.assert_array_equal(out, np.array([[np.nan, 279.0], [np.nan, np.nan]], dtype=np.float32))
    assert b.tags(n) == {"IMPLAUSIBLE_PIXELS": 2, "PLAUSIBLE_MIN": "279", "PLAUSIBLE_MAX": "323"}
    assert guard.message(n, b).startswith("plausibility guard: 2 pixel(s) of the fused raster outside the "
                                          "plausible range 279 to 323 K")
    assert guard.message(0, b) == ""


def test_a_change_inside_the_inputs_range_does_not_narrow_it_and_lst_stops_at_the_physical_limits():
    C1 = np.full((3, 3), 20.0)
    C0 = np.full((3, 3), 22.0)  # a warming only: the low end is not widened
    b = guard.plausible_bounds([C1, C0], C0, [C1])
    assert (b.lo, b.hi, b.unit) == (10.0, 34.0, "degC")  # Celsius from the values, margin 10
    hot = guard.plausible_bounds([np.array([395.0])], np.array([395.0]), [np.array([380.0])])
    assert (hot.lo, hot.hi) == (385.0, 400.0)  # 395 + 15 + 10 cut to 400 K
    none = guard.plausible_bounds([np.full(2, np.nan)], np.full(2, np.nan), [], celsius=False)
    assert (none.lo, none.hi) == (150.0, 400.0)


def test_reflectance_has_its_own_margin_and_no_lst_limits():
    F = np.array([0.02, 0.45])
    b = guard.plausible_bounds([F, F, F + 0.1], F + 0.1, [F], quantity="reflectance")
    assert (b.lo, b.hi) == pytest.approx((0.02 - 0.05, 0.55 + 0.1 + 0.05)) and b.unit == ""  # no 150 K floor


def test_strips_give_the_bounds_of_the_whole_arrays():
    rng = np.random.default_rng(3)
    F1, C1, C0 = (300 + rng.normal(0, 5, (30, 20)) for _ in range(3))
    C0[4:9, 2:5] = np.nan
    acc = guard.RangeAccumulator()
    for r0 in range(0, 30, 7):
        acc.add_inputs(F1[r0:r0 + 7], C1[r0:r0 + 7], C0[r0:r0 + 7]).add_change(C0[r0:r0 + 7], C1[r0:r0 + 7])
    assert acc.bounds() == guard.plausible_bounds([F1, C1, C0], C0, [C1])


# ---------------------------------------------------------------- one-date algorithms (processing.run)

def read(path):
    import rasterio

    with rasterio.open(path) as ds:
        return ds.read(1, masked=True).filled(np.nan), ds.tags()


def test_a_one_date_algorithm_writes_implausible_pixels_as_nodata_with_a_count(provider, tmp_path, monkeypatch):
    """Fit-FC's core made to return 900 K and -50 K at two pixels: the output holds nodata there, the rest as
    the core gave it, the tags count 2 and state the bounds, and the log says so."""
    import processing

    from lst_fusion.core.fusion import fitfc

    real = fitfc.fitfc

    def wild(*a, **k):
        out = real(*a, **k)
        out[3, 4], out[10, 2] = 900.0, -50.0
        return out

    monkeypatch.setattr(fitfc, "fitfc", wild)
    F1 = synthetic_scene(24, 2, celsius=False)
    C1 = np.kron(fitfc.block_mean(F1, 4), np.ones((4, 4)))
    C0 = C1 + 1.5
    paths = {"FINE_REF1": write_tif(tmp_path / "F_20200101.tif", F1.astype(np.float32)),
             "COARSE_REF1": write_tif(tmp_path / "C_20200101.tif", C1.astype(np.float32)),
             "COARSE_TARGET": write_tif(tmp_path / "C_20200117.tif", C0.astype(np.float32))}
    feedback = ErrorCollectingFeedback()
    out = str(tmp_path / "fused.tif")
    processing.run("lstfusion:fitfc", {**paths, "WINDOW": 5, "COARSE_PIXEL": 120.0, "OUTPUT": out}, feedback=feedback)
    data, tags = read(out)
    expected = real(F1, C1, C0, 4, window=5)
    assert np.isnan(data[3, 4]) and np.isnan(data[10, 2])
    keep = np.ones(data.shape, bool)
    keep[3, 4] = keep[10, 2] = False
    np.testing.assert_allclose(data[keep], expected[keep], atol=1e-5)
    b = guard.plausible_bounds([F1, C1, C0], C0, [C1])
    assert tags["IMPLAUSIBLE_PIXELS"] == "2"
    assert (float(tags["PLAUSIBLE_MIN"]), float(tags["PLAUSIBLE_MAX"])) == pytest.approx((b.lo, b.hi), abs=1e-3)
    assert any(w.startswith("plausibility guard: 2 pixel(s) of the Fit-FC prediction outside the plausible range")
               for w in feedback.warnings), feedback.warnings


def sample_params(tmp_path, **over):
    lan = os.path.join(SAMPLE, "landsat", "Landsat_LST_cloudrm_{}.tif")
    mod = os.path.join(SAMPLE, "modis", "MOD11A1_LST_cloudrm_{}.tif")
    return {"FINE_REF1": lan.format("20160205"), "COARSE_REF1": mod.format("20160205"),
            "FINE_REF2": lan.format("20160308"), "COARSE_REF2": mod.format("20160308"),
            "COARSE_TARGET": mod.format("20160218"), "COARSE_PIXEL": 1000.0, "OUTPUT": str(tmp_path / "out.tif"),
            **over}


@pytest.mark.parametrize("alg, over", [("estarfm", {}), ("starfm", {}), ("fitfc", {}), ("fitfc", {"WINDOW": 5}),
                                       ("fsdaf", {})], ids=["ESTARFM", "STARFM", "Fit-FC", "Fit-FC WINDOW 5", "FSDAF"])
def test_every_classical_method_on_the_bundled_sample_is_plausible_and_says_so(provider, tmp_path, alg, over):
    """The issue's run (COARSE_TARGET 2016-02-18; Fit-FC WINDOW 5 wrote -131..846 K) and the defaults: no pixel
    outside the guard's range, and the tags say the guard ran (IMPLAUSIBLE_PIXELS 0, the bounds)."""
    import processing

    params = sample_params(tmp_path, **over)
    if alg in ("fitfc", "fsdaf"):
        del params["FINE_REF2"], params["COARSE_REF2"]
    processing.run(f"lstfusion:{alg}", params)
    data, tags = read(params["OUTPUT"])
    assert tags["IMPLAUSIBLE_PIXELS"] == "0"
    lo, hi = float(tags["PLAUSIBLE_MIN"]), float(tags["PLAUSIBLE_MAX"])
    assert lo <= np.nanmin(data) and np.nanmax(data) <= hi
    assert 275 < lo < 290 and 325 < hi < 345  # the sample: 295.8-318.1 K, MODIS change -2.1..+7.4 K (ESTARFM more)


# ---------------------------------------------------------------- fuse_series

@pytest.fixture
def small_series(tmp_path):
    """24 x 24 px, Kelvin: Landsat pairs on Jan 1 and Jan 17, MODIS on Jan 1, 9 and 17 (same grid)."""
    lan_dir, mod_dir = tmp_path / "landsat", tmp_path / "modis"
    lan_dir.mkdir()
    mod_dir.mkdir()
    base = synthetic_scene(24, 5, celsius=False)
    for day, warm in ((1, 0.0), (17, 3.0)):
        write_tif(lan_dir / f"L_202001{day:02d}.tif", (base + warm).astype(np.float32))
    for day in (1, 9, 17):
        write_tif(mod_dir / f"M_202001{day:02d}.tif", (0.5 * base + 150 + 3.0 * (day - 1) / 16).astype(np.float32))
    return str(lan_dir), str(mod_dir)


def hot_tiles(monkeypatch, day):
    """Every tile of date ``day`` gets +1000 K at its first pixel (a method gone wild)."""
    from lst_fusion.series import tiles

    real, real_plan = tiles.run_tile, tiles.run_plan_tile
    hot = f"M_202001{day:02d}.tif"

    def wild(job):
        out = real(job)
        if os.path.basename(job.sources[-1].path) == hot:
            out[0, 0] += 1000.0
        return out

    def wild_plan(job):  # a series whose method has a per-reference-set plan (STARFM's from two dates on)
        out = real_plan(job)
        for src, tile in zip(job.targets, out):
            if os.path.basename(src.path) == hot:
                tile[0, 0] += 1000.0
        return out

    monkeypatch.setattr(tiles, "run_tile", wild)
    monkeypatch.setattr(tiles, "run_plan_tile", wild_plan)


@pytest.mark.parametrize("correction", ["none", "scene mean"])
def test_fuse_series_writes_implausible_pixels_as_nodata_counted_per_date(small_series, tmp_path, monkeypatch,
                                                                         correction):
    from lst_fusion.core.data.io import read_raster
    from lst_fusion.series.run import fuse_series

    lan, mod = small_series
    run = dict(modis=mod, landsat=lan, method="starfm", window=5, tile=16, scheduler="sequential",
               residual_correction=correction, coarse_pixel=60.0)
    plain = fuse_series(str(tmp_path / "plain"), **run)
    hot_tiles(monkeypatch, 9)
    log = []
    res = fuse_series(str(tmp_path / "hot"), log=log.append, **run)
    name = "LST_STARFM_20200109.tif"
    got, want = read_raster(os.path.join(res.folder, name)), read_raster(os.path.join(plain.folder, name))
    tile_origins = [(0, 0), (0, 16), (16, 0), (16, 16)]  # 24 px in tiles of 16
    for r, c in tile_origins:
        assert np.isnan(got.data[r, c]), (r, c)
    mask = np.ones(got.data.shape, bool)
    mask[tuple(np.array(tile_origins).T)] = False
    if correction == "none":
        np.testing.assert_array_equal(got.data[mask], want.data[mask])
    assert got.tags["IMPLAUSIBLE_PIXELS"] == "4"
    g = lambda folder, day: read_raster(glob.glob(os.path.join(folder, f"*202001{day:02d}.tif"))[0]).data  # noqa: E731
    b = guard.plausible_bounds([g(lan, 1), g(mod, 1), g(lan, 17), g(mod, 17), g(mod, 9)], g(mod, 9),
                               [g(mod, 1), g(mod, 17)])
    assert (float(got.tags["PLAUSIBLE_MIN"]), float(got.tags["PLAUSIBLE_MAX"])) == pytest.approx((b.lo, b.hi), abs=1e-3)
    assert [s for s in log if "plausibility guard" in s] == [
        f"2020-01-09: plausibility guard: 4 pixel(s) of {name} outside the plausible range {b.describe()} (the inputs' "
        "range widened by the day's MODIS change and the margin) set to nodata; tag IMPLAUSIBLE_PIXELS"]
    other = read_raster(os.path.join(res.folder, "LST_STARFM_20200101.tif")).tags
    assert other["IMPLAUSIBLE_PIXELS"] == "0" and "PLAUSIBLE_MIN" in other


def test_a_reflectance_series_is_guarded_with_its_own_margin(tmp_path, monkeypatch):
    """QUANTITY reflectance (ESTARFM): the same rule with the 0.05 margin and no LST limits; no LST_UNIT."""
    from lst_fusion.core.data.io import read_raster
    from lst_fusion.series.run import fuse_series

    lan_dir, mod_dir = tmp_path / "landsat", tmp_path / "modis"
    lan_dir.mkdir()
    mod_dir.mkdir()
    base = 0.05 + 0.4 * (synthetic_scene(24, 7) - 10.0) / 30.0  # 0.04-0.45
    for day, shift in ((1, 0.0), (17, 0.03)):
        write_tif(lan_dir / f"L_202001{day:02d}.tif", (base + shift).astype(np.float32))
    for day in (1, 9, 17):
        write_tif(mod_dir / f"M_202001{day:02d}.tif", (0.9 * base + 0.02 + 0.03 * (day - 1) / 16).astype(np.float32))
    hot_tiles(monkeypatch, 9)
    log = []
    res = fuse_series(str(tmp_path / "out"), modis=str(mod_dir), landsat=str(lan_dir), method="estarfm", window=5,
                      tile=16, scheduler="sequential", quantity="reflectance", log=log.append)
    got = read_raster(os.path.join(res.folder, "LST_ESTARFM_20200109.tif"))
    g = lambda folder, day: read_raster(str(folder / f"{folder.name[0].upper()}_202001{day:02d}.tif")).data  # noqa: E731
    b = guard.plausible_bounds([g(lan_dir, 1), g(mod_dir, 1), g(lan_dir, 17), g(mod_dir, 17), g(mod_dir, 9)],
                               g(mod_dir, 9), [g(mod_dir, 1), g(mod_dir, 17)], quantity="reflectance")
    assert b.hi < 0.6 and b.unit == ""  # max(inputs) + 0.015 + 0.05: no 150 K floor, no 400 K ceiling
    assert (float(got.tags["PLAUSIBLE_MIN"]), float(got.tags["PLAUSIBLE_MAX"])) == pytest.approx((b.lo, b.hi), abs=1e-6)
    assert got.tags["IMPLAUSIBLE_PIXELS"] == "4" and "LST_UNIT" not in got.tags
    finite = got.data[np.isfinite(got.data)]
    assert b.lo <= finite.min() and finite.max() <= b.hi
    assert any(s.startswith("2020-01-09: plausibility guard: 4 pixel(s)") for s in log)


def test_a_series_reads_modis_on_its_own_grid_where_it_covers_the_fine_grid(tmp_path):
    """MODIS on its own 120 m grid, 10 MODIS pixels wider than the 30 m grid on each side, with 390 K far
    outside the fine grid's footprint: that pixel widens nothing, and the bounds (read on MODIS's own grid, no
    resampling) are those of the resampled whole arrays within the bicubic's overshoot."""
    import datetime as dt

    from lst_fusion.core.data.io import read_grid
    from lst_fusion.series.guard import date_bounds
    from lst_fusion.series.plan import DatePlan
    from lst_fusion.series.tiles import Source, read_block

    rng = np.random.default_rng(5)
    fine = synthetic_scene(40, 2, celsius=False)
    write_tif(tmp_path / "L.tif", fine.astype(np.float32))
    coarse = {}
    for k, day in enumerate((1, 9, 17)):
        c = 300.0 + 2.0 * k + rng.normal(0, 1.0, (30, 30))
        c[0, 0] = 390.0  # 10 MODIS pixels = 1200 m west and north of the fine grid
        coarse[dt.date(2020, 1, day)] = Source(write_tif(tmp_path / f"M{day}.tif", c.astype(np.float32),
                                                         x0=500000.0 - 1200, y0=5300000.0 + 1200, res=120.0))
    coarse = {d: Source(s.path, 1, 1.0, False, "MODIS") for d, s in coarse.items()}
    grid = read_grid(str(tmp_path / "L.tif"), "LANDSAT")
    land = {d: Source(str(tmp_path / "L.tif"), 1, 1.0, True, "LANDSAT") for d in (dt.date(2020, 1, 1), dt.date(2020, 1, 17))}
    p = DatePlan(dt.date(2020, 1, 9), coarse[dt.date(2020, 1, 9)], dt.date(2020, 1, 1), dt.date(2020, 1, 17))
    b = date_bounds("estarfm", p, land, coarse, grid)
    assert b.hi < 340  # 390 K is not on the fine grid
    whole = {d: read_block(s, grid, 0, grid.height, 0, grid.width) for d, s in coarse.items()}
    c1, c0, c2 = (whole[dt.date(2020, 1, d)] for d in (1, 9, 17))
    exact = guard.plausible_bounds([fine, c1, fine, c2, c0], c0, [c1, c2])
    assert abs(b.lo - exact.lo) < 0.5 and abs(b.hi - exact.hi) < 0.5, (b, exact)
