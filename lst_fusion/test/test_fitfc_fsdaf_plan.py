"""The Fit-FC and FSDAF series plans (core.fusion.fitfc_plan, fsdaf_plan) against their per-date kernels on real
data, ../shared read in place: tile by tile, and through fuse_series (precompute True against False)."""
import numpy as np
import pytest

from lst_fusion.core.fusion import fitfc, fitfc_plan, fsdaf, fsdaf_plan
from lst_fusion.core.fusion.kernels import numba_available
from lst_fusion.core.fusion.tiling import halo_block, tiles

from .test_estarfm_plan import RANCHI, UB, needs, ubestarfm
from .test_series_precompute import test_plan_series_equals_per_date_series_on_ranchi as series_on_ranchi
from .test_series_precompute import test_plan_series_equals_per_date_series_on_ubestarfm as series_on_ubestarfm

TOL = 1e-4  # K
pytestmark = pytest.mark.skipif(not numba_available(), reason="the plans run on numba (their ReferenceSetPlan engines)")


def resampled_dates(n=120, off=140):
    """ubESTARFM cropped to n x n px, its three MODIS dates bicubic from their real 0.01 deg grid onto it."""
    from lst_fusion.core.data.resample import resample_to_grid

    F1, _, modis, coarse, fine = ubestarfm(n, off)
    return F1, modis, lambda m: resample_to_grid(m, coarse, fine, "bicubic").astype(np.float64)


def tile_by_tile(make_plan, oracle, F1, C1, days, halo, tile):
    """Max |plan - oracle| over the tiles and days; (worst, exact centres used, oracle's NaN pattern kept)."""
    worst, exact = 0.0, 0
    for r0, r1, c0, c1 in tiles(F1.shape, tile):
        refs = [halo_block(a, r0, r1, c0, c1, halo) for a in (F1, C1)]
        plan = make_plan(refs, halo)
        for C0 in days:
            b0 = halo_block(C0, r0, r1, c0, c1, halo)
            got = plan.predict(None, b0)
            ref = oracle(refs + [b0], halo)
            assert np.array_equal(np.isnan(got), np.isnan(ref))
            assert np.isfinite(ref).mean() > 0.5
            worst = max(worst, float(np.nanmax(np.abs(got - ref))))
            exact += plan.last_exact
    return worst, exact


@needs(UB)
def test_fitfc_plan_equals_the_per_date_tile_on_ubestarfm():
    F1, modis, res = resampled_dates()
    cloudy = modis[1].copy()
    cloudy[20, 21] = np.nan  # a QC-masked MODIS pixel inside the crop: NaN under it on the fine grid
    days = [res(m) for m in (modis[1], modis[2], cloudy)]
    assert np.isnan(days[2]).any()
    params = dict(WINDOW=31, SIMILAR_PIXELS=10, FACTOR=10, ENGINE="numba")
    halo = fitfc.tile_halo(31, 10)
    worst, exact = tile_by_tile(lambda refs, h: fitfc_plan.FitfcTilePlan(refs, h, params),
                                lambda blocks, h: fitfc.fuse_tile(blocks, h, params), F1, res(modis[0]), days, halo, 60)
    assert worst < TOL
    assert exact > 0  # the cloudy day's centres near the masked pixel: the kernel's own filter


@needs(UB)
def test_fsdaf_plan_equals_the_per_date_tile_on_ubestarfm():
    # FSDAF's tile is the whole image with a halo of w (tiling WHOLE); 135 px: a partial MODIS pixel at the edge
    F1, modis, res = resampled_dates(135)
    cloudy = modis[1].copy()
    cloudy[20, 21] = np.nan
    days = [res(m) for m in (cloudy, modis[1], modis[2])]  # a cloudy day first: the plan is built on the next
    params = dict(WINDOW=21, CLASSES=4, SIMILAR_PIXELS=20, PURE_PIXELS=100, FACTOR=10, ENGINE="numba")
    plan = fsdaf_plan.FsdafTilePlan([halo_block(a, 0, 135, 0, 135, 10) for a in (F1, res(modis[0]))], 10, params)
    plan.predict(None, halo_block(days[0], 0, 135, 0, 135, 10))
    assert not plan.built and plan.last_exact > 0  # the kernel ran; the pair part waits for a clear day
    plan.predict(None, halo_block(days[1], 0, 135, 0, 135, 10))
    assert plan.built and plan.last_exact == 0
    worst, exact = tile_by_tile(lambda refs, h: fsdaf_plan.FsdafTilePlan(refs, h, params),
                                lambda blocks, h: fsdaf.fuse_tile(blocks, h, params), F1, res(modis[0]), days, 10, 135)
    assert worst < TOL
    assert exact > 0  # the cloudy day: the per-date kernel


@needs(UB)
def test_the_lattice_spline_equals_scipys_thin_plate_spline():
    # a block whose last MODIS row and column are partial (centres off the lattice: evaluated directly)
    F1, modis, res = resampled_dates(135)
    C0 = res(modis[1])
    valid = np.isfinite(F1)
    b = fsdaf.block_pair(F1, res(modis[0]), valid, fsdaf.classify(F1, valid, 4), 4, 10, 10, 150.0, 400.0)
    values = fsdaf.block_mean(C0, 10, valid)[b.cvalid]
    op = fsdaf_plan.LatticeTps(b.points, b.at, F1.shape, 10)
    assert op.on.sum() == 169 and (~op.on).sum() == 27  # 13 x 13 full MODIS pixels, 27 partial ones
    assert np.abs(op(values) - fsdaf.tps(b.points, values, *b.at)).max() < 1e-8


@needs(UB)
def test_fitfc_series_equals_per_date_series_on_ubestarfm(tmp_path, monkeypatch):
    _as_method(monkeypatch, "fitfc", "fitfc pair plan")
    series_on_ubestarfm(tmp_path)


@needs(RANCHI)
def test_fitfc_series_equals_per_date_series_on_ranchi(tmp_path, monkeypatch):
    _as_method(monkeypatch, "fitfc", None)
    series_on_ranchi(tmp_path)


def _as_method(monkeypatch, method, tag):
    """Run test_series_precompute's real-data series with ``method`` instead of ESTARFM (its PRECOMPUTED tag
    ``tag``)."""
    from . import test_series_precompute as t

    run = t.compare

    def compare(tmp_path, tol=TOL, **kw):
        return run(tmp_path, tol, method=method, **kw)

    monkeypatch.setattr(t, "compare", compare)
    if tag:
        real = t.tags_of
        monkeypatch.setattr(t, "tags_of", lambda p: {k: (v.replace(tag, "estarfm reference-set plan")
                                                         if k == "PRECOMPUTED" else v) for k, v in real(p).items()})


@needs(UB)
def test_fsdaf_series_equals_per_date_series_on_ubestarfm(tmp_path, monkeypatch):
    _as_method(monkeypatch, "fsdaf", "fsdaf pair plan")
    series_on_ubestarfm(tmp_path)


@needs(RANCHI)
def test_fsdaf_series_equals_per_date_series_on_ranchi(tmp_path, monkeypatch):
    _as_method(monkeypatch, "fsdaf", None)
    series_on_ranchi(tmp_path)


@needs(UB)
@pytest.mark.parametrize("method", ["fitfc", "fsdaf"])
def test_the_plan_serves_modis_already_on_the_fine_grid(tmp_path, method):
    # the sample's MODIS files as given: on the Landsat grid (10 x 10 nearest blocks), so read_block reads them
    # as they are; Fit-FC's and FSDAF's plans need no resampling operator and take these dates too
    from lst_fusion.core.data.io import read_raster, write_raster

    from .test_series_precompute import _crop, compare

    fine, modis = tmp_path / "fine", tmp_path / "modis"
    fine.mkdir()
    modis.mkdir()
    off, n = 150, 100
    for kind, folder, dates in (("Landsat", fine, ("20160205", "20160308")),
                                ("MOD11A1", modis, ("20160205", "20160218", "20160308"))):
        for d in dates:
            r = read_raster(f"{UB}/{kind}_LST_cloudrm_{d}.tif")
            write_raster(str(folder / f"{kind[0]}_{d}.tif"), r.data[off:off + n, off:off + n], _crop(r.grid, off, n))
    res, worst = compare(tmp_path, modis=str(modis), landsat=str(fine), window=31, tile=64, method=method)
    assert worst < TOL


@needs(UB)
@pytest.mark.parametrize("method", ["fitfc", "fsdaf"])
def test_a_one_date_run_through_the_plan_equals_the_kernel(method):
    """fuse_image(plan=True), what the uncertainty calibration's folds run (core.evaluation.uncertainty
    .predict_date), equals the per-date kernel within TOL with its NaN pattern, on a clear and a cloudy day."""
    from lst_fusion.core.evaluation.uncertainty import predict_date
    from lst_fusion.core.fusion import methods

    F1, modis, res = resampled_dates()
    assert methods.one_date_plan(methods.get(method), False, "numba")
    assert not methods.one_date_plan(methods.get("estarfm"), True, "numba")  # built on the resampling operator
    cloudy = modis[1].copy()
    cloudy[20, 21] = np.nan
    for day in (modis[1], cloudy):
        images = dict(fine_ref1=F1, coarse_ref1=res(modis[0]), coarse_target=res(day))
        got = methods.fuse_image(method, images, factor=10, tile=40, plan=True, WINDOW=21)
        want = methods.fuse_image(method, images, factor=10, tile=40, WINDOW=21)
        assert np.array_equal(np.isnan(got), np.isnan(want)) and np.isfinite(want).mean() > 0.5
        assert float(np.nanmax(np.abs(got - want))) < TOL
    import datetime as dt

    d1, d2 = dt.date(2016, 2, 5), dt.date(2016, 3, 8)
    pairs = {d1: (F1, res(modis[0])), d2: (F1 + 1.0, res(modis[2]))}
    pred, ref = predict_date(d2, pairs, method, block=10, params=dict(WINDOW=21))
    want = methods.fuse_image(method, dict(fine_ref1=F1, coarse_ref1=res(modis[0]), coarse_target=res(modis[2])),
                              factor=10, WINDOW=21)
    assert ref == d1 and float(np.nanmax(np.abs(pred - want))) < TOL


@needs(UB)
def test_a_plan_without_the_operator_reads_its_dates_as_r_m(tmp_path, monkeypatch):
    # Fit-FC's plan (date_as_rm) takes each date's window as R M, the window's operator measured once per tile,
    # instead of GDAL per date: within float rounding of read_block (what the per-date kernel reads), GDAL
    # called for no date (the operator holds), and read_block again where a MODIS pixel under the window is NaN
    from affine import Affine

    from lst_fusion.core.data.io import Grid, write_raster
    from lst_fusion.core.fusion import methods
    from lst_fusion.series import tiles

    assert methods.get("fitfc").plan.date_as_rm and not methods.get("fsdaf").plan.date_as_rm
    assert not methods.get("starfm").plan.date_as_rm  # T = 0 would flip by kelvins
    _, _, modis, coarse, fine = ubestarfm(120, 140)
    cloudy = modis[1].copy()
    cloudy[20, 20] = np.nan  # fine rows/cols 200-209 of the sample: 60-69 of the crop
    srcs = []
    for i, m in enumerate(modis + [cloudy]):
        path = str(tmp_path / f"m{i}.tif")
        write_raster(path, m, coarse)
        srcs.append(tiles.Source(path, same_grid=False))
    window, halo = (0, 64, 56, 120), 20
    job = tiles.PlanJob("fitfc", (), (), tuple(srcs), fine, window, halo, (0, 1, 2, 3))
    read = tiles.date_reader(job)
    assert read is not None
    gdal = [tiles.read_block(s, fine, *window, halo) for s in srcs]
    calls = []
    real = tiles.read_block
    monkeypatch.setattr(tiles, "read_block", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    got = [read(s) for s in srcs]
    assert calls == [srcs[3]]  # only the cloudy date goes back to GDAL
    for g, r in zip(got, gdal):
        assert np.array_equal(np.isnan(g), np.isnan(r)) and np.isnan(r).any()  # the halo beyond the grid
        assert np.nanmax(np.abs(g - r)) < 1e-4
    # MODIS already on the fine grid: no operator to measure
    path = str(tmp_path / "fine.tif")
    write_raster(path, gdal[0][halo:-halo, halo:-halo], Grid(fine.crs, fine.transform * Affine.translation(56, 0),
                                                              64, 64))
    assert tiles.date_reader(tiles.PlanJob("fitfc", (), (), (tiles.Source(path),), fine, window, halo, (0,))) is None


def test_the_only_tile_of_its_image_predicts_its_dates_on_two_threads(monkeypatch):
    # FSDAF's whole-image task: its dates after the first on min(2, cores) threads, in date order; a tile among
    # others one date after another in its own thread
    import threading

    from lst_fusion.core.data.io import Grid
    from lst_fusion.series import tiles

    grid = Grid("EPSG:32645", None, 50, 40)
    seen = []

    def one(src):
        seen.append(threading.current_thread().name)
        return src * 10

    monkeypatch.setattr(tiles.os, "cpu_count", lambda: 8)
    whole = tiles.PlanJob("fsdaf", (), (), (1, 2, 3, 4, 5), grid, (0, 40, 0, 50), 0, (0, 1, 2, 3, 4))
    assert tiles.dates_of(one, whole) == [10, 20, 30, 40, 50]
    assert seen[0] == threading.current_thread().name
    assert {n.startswith("lstfusion-date") for n in seen[1:]} == {True}
    seen.clear()
    part = tiles.PlanJob("fsdaf", (), (), (1, 2, 3), grid, (0, 20, 0, 50), 0, (0, 1, 2))
    assert tiles.dates_of(one, part) == [10, 20, 30]
    assert set(seen) == {threading.current_thread().name}
    seen.clear()
    monkeypatch.setattr(tiles.os, "cpu_count", lambda: 1)
    assert tiles.dates_of(one, whole) == [10, 20, 30, 40, 50] and set(seen) == {threading.current_thread().name}


@needs(UB)
def test_fsdafs_whole_image_task_gives_the_same_dates_on_two_threads(tmp_path, monkeypatch):
    from lst_fusion.core.data.io import write_raster
    from lst_fusion.series import tiles

    F1, _, modis, coarse, fine = ubestarfm(100, 150)
    paths = {}
    for name, a, g in (("F1", F1, fine), ("C1", modis[0], coarse), ("m1", modis[1], coarse), ("m2", modis[2], coarse)):
        paths[name] = str(tmp_path / f"{name}.tif")
        write_raster(paths[name], a, g)
    refs = (tiles.Source(paths["F1"], parameter="LANDSAT"), tiles.Source(paths["C1"], same_grid=False))
    targets = tuple(tiles.Source(paths[k], same_grid=False) for k in ("m1", "m2", "m1", "C1"))
    from lst_fusion.core.fusion import methods

    params = tuple(sorted({**{q.name: q.default for q in methods.get("fsdaf").params}, "FACTOR": 10}.items()))
    job = tiles.PlanJob("fsdaf", params, refs, targets, fine, (0, 100, 0, 100), 20, (0, 1, 2, 3))
    monkeypatch.setattr(tiles.os, "cpu_count", lambda: 2)
    two = tiles.run_plan_tile(job)
    monkeypatch.setattr(tiles.os, "cpu_count", lambda: 1)
    one = tiles.run_plan_tile(job)
    assert len(two) == 4 and np.isfinite(two[0]).mean() > 0.9
    for a, b in zip(two, one):
        assert np.array_equal(a, b, equal_nan=True)
    assert np.array_equal(two[0], two[2], equal_nan=True) and not np.allclose(two[0], two[1])
