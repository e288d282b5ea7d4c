"""lst_fusion/series: the plan, the per-date files, resume, atomicity, schedulers, and the real Kranj proof."""
import datetime as dt
import glob
import hashlib
import os
import sys
import threading

import numpy as np
import pytest

from lst_fusion import series
from lst_fusion.core.data.io import read_raster
from lst_fusion.core.evaluation.metrics import rmse
from lst_fusion.core.fusion.estarfm import estarfm
from lst_fusion.core.platform.errors import Cancelled, LstFusionError
from lst_fusion.series import choose_refs, fuse_series, read_series_csv

from .conftest import SHARED, synthetic_scene, write_tif

D = dt.date
KRANJ = os.path.join(SHARED, "data", "kranj")


def test_choose_refs_known_answers():
    pairs = [D(2020, 3, 8), D(2020, 4, 2)]  # Kranj's 068 and 093 pairs
    assert choose_refs(D(2020, 3, 17), pairs, "two") == (D(2020, 3, 8), D(2020, 4, 2), "")
    # on a pair date: that pair and the next; on the last pair: the previous one and itself
    assert choose_refs(D(2020, 3, 8), pairs, "two") == (D(2020, 3, 8), D(2020, 4, 2), "")
    assert choose_refs(D(2020, 4, 2), pairs, "two") == (D(2020, 3, 8), D(2020, 4, 2), "")
    assert choose_refs(D(2020, 4, 9), pairs, "two") == (None, None, "no Landsat pair after 2020-04-09 within 48 days")
    assert choose_refs(D(2020, 3, 1), pairs, "two")[2] == "no Landsat pair on or before 2020-03-01 within 48 days"
    # one pair: the nearest (9 days before beats 16 after; 17 before loses to 8 after), the earlier on a tie
    assert choose_refs(D(2020, 3, 17), pairs, "one")[0] == D(2020, 3, 8)
    assert choose_refs(D(2020, 3, 25), pairs, "one")[0] == D(2020, 4, 2)
    assert choose_refs(D(2020, 3, 21), [D(2020, 3, 11), D(2020, 3, 31)], "one")[0] == D(2020, 3, 11)
    # the gap limit: a pair 20 days away is not used with MAX_GAP_DAYS 10
    assert choose_refs(D(2020, 3, 17), pairs, "two", 10)[2] == "no Landsat pair after 2020-03-17 within 10 days"
    assert choose_refs(D(2020, 3, 30), pairs, "one", 2) == (None, None, "no Landsat pair within 2 days")
    # STARFM: two pairs when there are two, else the nearest one
    assert choose_refs(D(2020, 4, 9), pairs, "two_or_one") == (D(2020, 4, 2), None, "")
    # the nearest before and after, not any pair in range
    many = [D(2020, 1, 1), D(2020, 1, 17), D(2020, 2, 2), D(2020, 2, 18)]
    assert choose_refs(D(2020, 1, 25), many, "two")[:2] == (D(2020, 1, 17), D(2020, 2, 2))


def test_pair_modes():
    assert series.pair_mode("estarfm") == "two" and series.pair_mode("starfm") == "two_or_one"
    assert series.pair_mode("sttfn") == "two" and series.pair_mode("edcstfn") == "one"
    assert series.pair_mode("ganstfm") == "one" and series.pair_mode("swinstfm") == "one"


@pytest.fixture
def season(tmp_path):
    """40x40 px: Landsat pairs on Jan 1 and Jan 17; MODIS daily Jan 1-20 (Jan 5 half cloudy, Jan 20 past the
    last pair)."""
    lan_dir, mod_dir = tmp_path / "landsat", tmp_path / "modis"
    lan_dir.mkdir()
    mod_dir.mkdir()
    base = synthetic_scene(40)
    rng = np.random.default_rng(1)
    for k, day in enumerate((1, 17)):
        write_tif(lan_dir / f"LC_202001{day:02d}.tif", (base + 3 * k + rng.normal(0, 0.2, base.shape)).astype(np.float32))
    for day in range(1, 21):
        m = (0.4 * base + 15 + 3 * (day - 1) / 16 + rng.normal(0, 0.1, base.shape)).astype(np.float32)
        if day == 5:
            m[:20] = np.nan
        write_tif(mod_dir / f"MOD_202001{day:02d}.tif", m, nodata=np.nan)
    return str(lan_dir), str(mod_dir)


@pytest.fixture
def coarse_season(tmp_path):
    """:func:`season` with MODIS on its own 150 m grid (8 x 8 px of 5 x 5 fine px, the fine pixels' means), so
    that the series reads it resampled per window and ESTARFM shares its per-pair plan over the 17 dates."""
    lan_dir, mod_dir = tmp_path / "landsat", tmp_path / "modis"
    lan_dir.mkdir()
    mod_dir.mkdir()
    base = synthetic_scene(40)
    rng = np.random.default_rng(1)
    for k, day in enumerate((1, 17)):
        write_tif(lan_dir / f"LC_202001{day:02d}.tif", (base + 3 * k + rng.normal(0, 0.2, base.shape)).astype(np.float32))
    for day in range(1, 21):
        m = (0.4 * base + 15 + 3 * (day - 1) / 16).reshape(8, 5, 8, 5).mean((1, 3)).astype(np.float32)
        if day == 5:
            m[:4] = np.nan
        write_tif(mod_dir / f"MOD_202001{day:02d}.tif", m, res=150.0, nodata=np.nan)
    return str(lan_dir), str(mod_dir)


RUN = dict(method="estarfm", window=7, tile=16, max_gap_days=20)


def arrays_of(folder):
    return {os.path.basename(p): read_raster(p).data for p in sorted(glob.glob(os.path.join(folder, "LST_*.tif")))}


def test_series_outputs_plan_and_equality_with_estarfm(season, tmp_path):
    lan, mod = season
    log = []
    out = str(tmp_path / "out")
    res = fuse_series(out, modis=mod, landsat=lan, min_clear=80, scheduler="sequential", log=log.append, **RUN)
    rows = read_series_csv(res.csv)
    assert [r["date"] for r in rows] == [f"2020-01-{d:02d}" for d in range(1, 21)]
    assert list(rows[0]) == ["date", "status", "ref1", "ref2", "modis_clear", "output", "uncertainty",
                             "coarse_source", "method", "choice"]
    # what ran and why on each fused date (issue 43); a skipped date names none
    assert {(r["method"], r["choice"]) for r in rows if r["output"]} == {("ESTARFM", "METHOD=estarfm as given")}
    assert all(r["method"] == "" for r in rows if not r["output"])
    by = {r["date"]: r for r in rows}
    assert by["2020-01-10"]["status"] == "fused" and (by["2020-01-10"]["ref1"], by["2020-01-10"]["ref2"]) == (
        "2020-01-01", "2020-01-17")
    assert by["2020-01-05"]["status"] == "fused_gapfilled" and by["2020-01-05"]["modis_clear"] == "50.00"
    assert os.path.exists(os.path.join(out, "modis_filled", "M_20200105.tif"))
    assert by["2020-01-20"]["status"] == "skipped: no Landsat pair after 2020-01-20 within 20 days"
    assert by["2020-01-20"]["output"] == ""
    assert any("2020-01-20: skipped" in s for s in log)
    assert len(res.outputs) == 17 and by["2020-01-10"]["output"] == "LST_ESTARFM_20200110.tif"
    # every tile of the series equals ESTARFM on the whole arrays, bit for bit
    g = lambda folder, day: read_raster(glob.glob(os.path.join(folder, f"*202001{day:02d}.tif"))[0]).data  # noqa: E731
    want = estarfm(g(lan, 1), g(mod, 1), g(lan, 17), g(mod, 17), g(mod, 10), window=7, tile=40)
    got = read_raster(os.path.join(out, "LST_ESTARFM_20200110.tif"))
    assert np.array_equal(got.data, want, equal_nan=True)
    t = got.tags
    assert (t["METHOD"], t["ACQUISITION_DATE"], t["REF1_DATE"], t["REF2_DATE"], t["LST_UNIT"], t["WINDOW"]) == (
        "ESTARFM", "2020-01-10", "2020-01-01", "2020-01-17", "celsius", "7")
    from osgeo import gdal

    ds = gdal.Open(os.path.join(out, "LST_ESTARFM_20200110.tif"))
    assert ds.GetRasterBand(1).GetUnitType() == "degC"
    assert ds.GetRasterBand(1).GetDescription() == "land surface temperature (ESTARFM, 2020-01-10)"
    vrt = gdal.Open(res.vrt)
    assert vrt.RasterCount == 17
    assert [vrt.GetRasterBand(i).GetDescription() for i in (1, 2, 17)] == ["2020-01-01", "2020-01-02", "2020-01-17"]
    assert np.array_equal(vrt.GetRasterBand(10).ReadAsArray(), got.data, equal_nan=True)
    assert 'relativeToVRT="1"' in open(res.vrt, encoding="utf-8").read()


def test_resume_keeps_complete_dates_and_recomputes_changed_ones(season, tmp_path):
    lan, mod = season
    out = str(tmp_path / "out")
    fuse_series(out, modis=mod, landsat=lan, scheduler="sequential", **RUN)
    files = sorted(glob.glob(os.path.join(out, "LST_*.tif")))
    mtimes = {p: os.stat(p).st_mtime_ns for p in files}
    log = []
    res = fuse_series(out, modis=mod, landsat=lan, scheduler="sequential", log=log.append, **RUN)
    assert {r["status"] for r in res.rows if r["output"]} == {"kept"}
    assert {p: os.stat(p).st_mtime_ns for p in files} == mtimes
    assert "17 date(s) already complete with the same inputs and parameters: kept" in log
    # another window is another result: computed again, not kept
    res = fuse_series(out, modis=mod, landsat=lan, scheduler="sequential", **dict(RUN, window=9))
    assert {r["status"] for r in res.rows if r["output"]} == {"fused"}


def test_cancel_mid_date_keeps_no_half_written_file(season, tmp_path):
    lan, mod = season
    out = str(tmp_path / "out")
    tiles = []

    def cancel():  # 9 tiles per date (40 px in 16 px tiles): stop inside the third date
        return len(tiles) >= 2 * 9 + 4

    with pytest.raises(Cancelled):
        fuse_series(out, modis=mod, landsat=lan, scheduler="sequential", cancel=cancel,
                    progress=lambda pct, msg: tiles.append(pct), **RUN)
    assert len(tiles) == 2 * 9 + 4  # stopped within one tile of the request
    names = sorted(os.listdir(out))
    assert [n for n in names if n.startswith("LST_")] == ["LST_ESTARFM_20200101.tif", "LST_ESTARFM_20200102.tif"]
    assert not [n for n in names if n.startswith(".tmp_")]
    # a killed run leaves its temporary file: the next run removes it and completes the series
    open(os.path.join(out, ".tmp_abc.tif"), "wb").write(b"half")
    log = []
    res = fuse_series(out, modis=mod, landsat=lan, scheduler="sequential", log=log.append, **RUN)
    assert any("removed .tmp_abc.tif" in s for s in log) and series.cancelled_cleanly(out)
    statuses = [r["status"] for r in res.rows]
    assert statuses[:2] == ["kept", "kept"] and statuses[2] == "fused" and len(res.outputs) == 17


@pytest.mark.parametrize("inputs", ["season", "coarse_season"])  # per-date kernel; ESTARFM's per-pair plan
def test_threads_equal_sequential_without_dask(inputs, request, tmp_path, monkeypatch):
    lan, mod = request.getfixturevalue(inputs)
    a = fuse_series(str(tmp_path / "a"), modis=mod, landsat=lan, scheduler="sequential", end="2020-01-04",
                    precompute=True, **RUN)
    monkeypatch.setitem(sys.modules, "dask", None)  # the in-process threads need no dask
    b = fuse_series(str(tmp_path / "b"), modis=mod, landsat=lan, scheduler="", end="2020-01-04", precompute=True,
                    **RUN)
    assert b.scheduler == "in-process threads"
    A, B = arrays_of(a.folder), arrays_of(b.folder)
    assert list(A) == list(B) and all(np.array_equal(A[k], B[k], equal_nan=True) for k in A)


def test_threads_yield_in_task_order_while_later_tasks_run():
    fourth_ran, waited = threading.Event(), []

    def task(k):
        if k == 1:  # finishes only once task 3, beyond the first window of 3, has run: no batch waits for its slowest
            waited.append(fourth_ran.wait(timeout=10))
        if k == 3:
            fourth_ran.set()
        return k

    order = list(series.Threads(in_flight=3, workers=2).map(task, range(7)))
    assert order == list(range(7)) and waited == [True]


def test_threads_stop_submitting_when_the_caller_stops():
    started = []
    sched = series.Threads(in_flight=2, workers=1)
    results = sched.map(lambda k: started.append(k) or k, range(100))
    assert next(results) == 0
    results.close()  # as write_dates does on cancel or a failed write
    assert len(started) <= 3


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.mark.parametrize("inputs", ["season", "coarse_season"])
def test_dask_local_cluster_two_processes_bit_identical(inputs, request, tmp_path):
    pytest.importorskip("dask", reason="dask is not installed")
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    lan, mod = request.getfixturevalue(inputs)
    seq = fuse_series(str(tmp_path / "seq"), modis=mod, landsat=lan, scheduler="sequential", **RUN)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        log = []
        dis = fuse_series(str(tmp_path / "dask"), modis=mod, landsat=lan, scheduler=cluster.scheduler_address,
                          log=log.append, **RUN)
        pids = distributed.Client(cluster).run(os.getpid)
    assert dis.scheduler.startswith("dask.distributed at tcp://") and "(2 workers, 2 threads)" in dis.scheduler
    assert len(set(pids.values()) | {os.getpid()}) == 3  # two worker processes besides this one
    A, B = arrays_of(seq.folder), arrays_of(dis.folder)
    assert len(A) == 17 and list(A) == list(B)
    assert all(np.array_equal(A[k], B[k], equal_nan=True) for k in A)
    # written in the same order with the same tags: the files are identical byte for byte
    assert all(sha(os.path.join(seq.folder, k)) == sha(os.path.join(dis.folder, k)) for k in A)
    assert [r["status"] for r in seq.rows] == [r["status"] for r in dis.rows]
    assert any("share their reference set's per-pair plan" in s for s in log) == (inputs == "coarse_season")


def test_bad_inputs_name_their_parameter(season, tmp_path):
    lan, mod = season
    out = str(tmp_path / "out")
    cases = [(dict(scheduler="somewhere"), "DASK_SCHEDULER: 'somewhere' is not a Dask scheduler address"),
             (dict(max_gap_days=0), "MAX_GAP_DAYS: must be at least 1 day"),
             (dict(min_clear=120), "MIN_CLEAR: must be a percentage"),
             (dict(start="2021-01-01", end="2021-02-01"), "START: no MODIS date between 2021-01-01 and 2021-02-01"),
             (dict(start="2020-01-10", end="2020-01-02"), "END: 2020-01-02 is before START 2020-01-10"),
             (dict(method="nope"), "METHOD: unknown method 'nope'")]
    for extra, msg in cases:
        with pytest.raises(LstFusionError, match=msg):
            fuse_series(out, modis=mod, landsat=lan, **dict(RUN, **extra))
    with pytest.raises(LstFusionError, match="DASK_SCHEDULER: cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        pytest.importorskip("distributed", reason="dask.distributed is not installed")
        series.DaskDistributed("tcp://127.0.0.1:9", timeout=2)


def test_unfillable_date_is_skipped_with_reason(tmp_path):
    base = synthetic_scene(20)
    for d in ("20200101", "20200316"):
        write_tif(tmp_path / f"L_{d}.tif", base.astype(np.float32))
        write_tif(tmp_path / f"M_{d}.tif", (base * 0.5 + 10).astype(np.float32))
    write_tif(tmp_path / "M_20200131.tif", np.full((20, 20), np.nan, np.float32), nodata=np.nan)
    lan = [str(tmp_path / "L_20200101.tif"), str(tmp_path / "L_20200316.tif")]
    mod = [str(tmp_path / f"M_{d}.tif") for d in ("20200101", "20200131", "20200316")]
    res = fuse_series(str(tmp_path / "out"), modis=mod, landsat=lan, min_clear=50, window=5, scheduler="sequential")
    row = next(r for r in res.rows if r["date"] == "2020-01-31")
    assert row["status"] == ("skipped: MODIS 0.0 % clear (MIN_CLEAR 50 %) and not fillable (no valid pixel, nor "
                             "clear MODIS on both sides within 32 days)") and row["output"] == ""


def kranj_files():
    lan = sorted(glob.glob(os.path.join(KRANJ, "landsat", "filled", "*.tif")))
    mod = sorted(glob.glob(os.path.join(KRANJ, "modis", "filled", "*.tif")))
    return lan, mod


@pytest.mark.skipif(not os.path.isdir(KRANJ), reason="../shared/data/kranj is not present (real Kranj reflectance)")
def test_kranj_daily_series_077_beats_resampled_modis(tmp_path):
    """Real data: the series 068-093 from the 068 and 093 pairs (077 Landsat left out) scored on the real 077."""
    lan, mod = kranj_files()
    refs = [p for p in lan if os.path.basename(p).startswith(("2020068", "2020093"))]
    res = fuse_series(str(tmp_path / "kranj"), modis=mod, landsat=refs, modis_band=4, landsat_band=4,
                      scales=(1e-4, 1.0), quantity="reflectance", scheduler="sequential")
    assert len(res.outputs) == 26 and {r["status"] for r in res.rows} == {"fused"}
    truth = read_raster(next(p for p in lan if "2020077" in p), band=4).data * np.float32(1e-4)
    fused = read_raster(os.path.join(res.folder, "LST_ESTARFM_20200317.tif")).data
    modis = read_raster(next(p for p in mod if "2020077" in p), band=4).data
    r_fused, r_modis = rmse(fused, truth), rmse(modis, truth)
    assert r_fused == pytest.approx(0.0230, abs=5e-4) and r_modis == pytest.approx(0.0659, abs=5e-4)
    assert r_fused < r_modis


@pytest.mark.parametrize("mode", ["scene mean", "MODIS footprint"])
def test_residual_correction_in_the_series(season, tmp_path, mode):
    """Each corrected date is the uncorrected one corrected against that day's MODIS, and a re-run keeps it;
    an interrupted correction pass leaves no resume key, so the date is computed again."""
    from lst_fusion.core.fusion import residual

    lan, mod = season
    plain = fuse_series(str(tmp_path / "plain"), modis=mod, landsat=lan, scheduler="sequential", **RUN)
    out = str(tmp_path / "rc")
    res = fuse_series(out, modis=mod, landsat=lan, scheduler="sequential", residual_correction=mode,
                      coarse_pixel=300, **RUN)
    name = "LST_ESTARFM_20200110.tif"
    got = read_raster(os.path.join(out, name))
    base = read_raster(os.path.join(plain.folder, name)).data
    c0 = read_raster(glob.glob(os.path.join(mod, "*20200110.tif"))[0]).data
    np.testing.assert_allclose(got.data, residual.correct(base, c0, mode, 10), atol=1e-5)  # 30 m grid, 300 m
    assert got.tags["RESIDUAL_CORRECTION"] == mode and got.tags["SERIES_KEY"] != "pending residual correction"
    again = fuse_series(out, modis=mod, landsat=lan, scheduler="sequential", residual_correction=mode,
                        coarse_pixel=300, **RUN)
    assert {r["status"] for r in again.rows if r["output"]} == {"kept"}
    assert len(res.outputs) == 17
    with pytest.raises(LstFusionError, match="^RESIDUAL_CORRECTION: must be one of"):
        fuse_series(out, modis=mod, landsat=lan, residual_correction="smooth", **RUN)


def test_no_series_function_has_over_12_parameters():
    """issue 25: fuse_series' options are a dataclass; no function of lst_fusion/series/ takes over 12."""
    import ast

    from .conftest import REPO

    counts = {}
    for f in sorted(glob.glob(os.path.join(REPO, "lst_fusion", "series", "*.py"))):
        for n in ast.walk(ast.parse(open(f, encoding="utf-8").read())):
            if isinstance(n, ast.FunctionDef):
                a = n.args
                counts[n.name] = (len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs) + bool(a.vararg)
                                  + bool(a.kwarg))
    assert counts["fuse_series"] == 6 and counts["plan_series"] == 12
    assert max(counts.values()) <= 12, {k: v for k, v in counts.items() if v > 12}
