"""fuse_series' tail: each date's residual correction, shrink and uncertainty map (series.run.write_dates' finish)
run on threads, reading the date's MODIS and fused raster once; the same rasters as one after another and as the
path that read them back for every step (real data: the ubESTARFM sample, ../shared read in place)."""
import datetime as dt
import glob
import os
import threading
import time

import numpy as np
import pytest

from lst_fusion.core.data.io import read_raster
from lst_fusion.core.evaluation import uncertainty as core_unc
from lst_fusion.core.evaluation.protocol import shrunk
from lst_fusion.core.fusion import residual
from lst_fusion.core.platform.errors import Cancelled
from lst_fusion.series import cancelled_cleanly, fuse_series, run
from lst_fusion.series import uncertainty as series_uncertainty
from lst_fusion.series.tiles import read_block

from .test_series_precompute import UB, needs, ubestarfm_series

RUN = dict(method="starfm", window=15, tile=32, coarse_pixel=1110.0, engine="numpy")


def rasters(folder, prefix):
    return {os.path.basename(p)[len(prefix):]: read_raster(p)
            for p in sorted(glob.glob(os.path.join(folder, f"{prefix}*.tif")))}


def series(tmp_path, name, workers, monkeypatch, **more):
    monkeypatch.setattr(run, "tail_workers", lambda sched, grid: workers)
    return fuse_series(str(tmp_path / name), **dict(RUN, **more))


def test_tail_threads_are_the_schedulers_within_half_the_free_memory(monkeypatch):
    from lst_fusion.core.data.io import Grid
    from lst_fusion.core.fusion import tiling
    from lst_fusion.series.schedulers import Sequential, Threads

    grid = Grid("EPSG:32633", None, 1000, 1000)  # 64 MB of finishing work per date
    monkeypatch.setattr(tiling, "available_memory", lambda: 10 ** 12)
    assert run.tail_workers(Threads(workers=6), grid) == 6 and run.tail_workers(Sequential(), grid) == 1
    monkeypatch.setattr(tiling, "available_memory", lambda: 3 * 2 * run.TAIL_BYTES_PER_PIXEL * 10 ** 6 + 5)
    assert run.tail_workers(Threads(workers=6), grid) == 3
    monkeypatch.setattr(tiling, "available_memory", lambda: 10 ** 6)
    assert run.tail_workers(Threads(workers=6), grid) == 1
    monkeypatch.setattr(tiling, "available_memory", lambda: None)
    assert run.tail_workers(Threads(workers=6), grid) == 6


def old_half_width(cal, classes, change):
    """Calibration.half_width as it was: a boolean mask per class x change bin, each given lookup's value."""
    classes = np.where(classes > 0, classes, core_unc.ANY)
    bins = cal.change_bin(change)
    out = np.empty(classes.shape, dtype=np.float64)
    for cls in np.unique(classes):
        for b in np.unique(bins[classes == cls]):
            out[(classes == cls) & (bins == b)] = cal.lookup(int(cls), int(b))
    return out


@needs(UB)
@pytest.mark.parametrize("correction, w", [("scene mean", 0.6), ("MODIS footprint", None), ("none", None)])
def test_parallel_tail_writes_what_the_sequential_tail_and_the_old_path_wrote(tmp_path, monkeypatch, correction, w):
    fine, modis = ubestarfm_series(tmp_path)
    inputs = dict(modis=str(modis), landsat=str(fine), residual_correction=correction, shrink=w)
    seen = set()
    write_map = series_uncertainty.write_map

    def spy(su, p, *args):
        seen.add(threading.current_thread().name.split("_")[0])
        return write_map(su, p, *args)

    monkeypatch.setattr(series_uncertainty, "write_map", spy)
    par = series(tmp_path, "parallel", 3, monkeypatch, **inputs)
    assert seen == {"lstfusion-date"}  # every date's map on the tail's threads
    seq = series(tmp_path, "sequential", 1, monkeypatch, scheduler="sequential", **inputs)
    assert [r["status"] for r in par.rows] == ["fused"] * 4 and par.uncertainty.calibration is not None
    for prefix in ("LST_", "UNC_"):
        a, b = rasters(par.folder, prefix), rasters(seq.folder, prefix)
        assert sorted(a) == sorted(b) and len(a) == 4
        for k in a:
            assert np.array_equal(a[k].data, b[k].data, equal_nan=True), (prefix, k)
            assert a[k].tags == b[k].tags
    # the old path: the fused date read back, its MODIS warped again, corrected; the map from the file written,
    # the MODIS warped once more, the reference's quantile classes computed for the date, a mask per bin
    plain = rasters(series(tmp_path, "plain", 1, monkeypatch, scheduler="sequential", modis=str(modis),
                           landsat=str(fine), uncertainty=False).folder, "LST_")
    got, maps, cal = rasters(par.folder, "LST_"), rasters(par.folder, "UNC_"), par.uncertainty.calibration
    footprint = residual.footprint_pixels(par.grid, RUN["coarse_pixel"])
    for row in par.rows:
        name = os.path.basename(row["output"])[len("LST_"):]
        coarse = read_block(par.modis[row["date"]], par.grid, 0, par.grid.height, 0, par.grid.width)
        want = residual.correct(plain[name].data, coarse, correction, footprint)
        want = np.asarray(want if w is None else shrunk(want, coarse, w), dtype=np.float32)
        assert np.array_equal(got[name].data, want, equal_nan=True), name
        ref = dt.date.fromisoformat(maps[name].tags["UNCERTAINTY_REFERENCE"])
        fine_ref, coarse_ref = par.uncertainty.pairs[ref]
        hw = old_half_width(cal, core_unc.pixel_classes(fine_ref), core_unc.day_change(coarse, coarse_ref))
        hw[~np.isfinite(got[name].data)] = np.nan
        assert np.array_equal(maps[name].data, hw.astype(np.float32), equal_nan=True), name
        assert maps[name].tags["LST_FILE"] == os.path.basename(row["output"])


@needs(UB)
def test_a_failed_date_stops_the_run_and_a_cancel_in_the_tail_leaves_no_temporary_file(tmp_path, monkeypatch):
    fine, modis = ubestarfm_series(tmp_path)
    inputs = dict(modis=str(modis), landsat=str(fine), residual_correction="scene mean")
    write_map = series_uncertainty.write_map

    def failing(su, p, *args):
        if p.date.day == 18:
            raise OSError("the disk went away")
        return write_map(su, p, *args)

    monkeypatch.setattr(series_uncertainty, "write_map", failing)
    with pytest.raises(OSError, match="the disk went away"):
        series(tmp_path, "failed", 3, monkeypatch, **inputs)
    assert cancelled_cleanly(str(tmp_path / "failed"))
    # cancelled once the first map is written: the dates not started are not finished, nothing half-written
    maps = []

    def counting(su, p, *args):
        maps.append(p.date)
        if len(maps) > 1:
            time.sleep(0.5)  # the later dates are still running or waiting when the cancel is seen
        return write_map(su, p, *args)

    monkeypatch.setattr(series_uncertainty, "write_map", counting)
    out = str(tmp_path / "cancelled")
    with pytest.raises(Cancelled):
        series(tmp_path, "cancelled", 2, monkeypatch, cancel=lambda: bool(maps), **inputs)
    assert cancelled_cleanly(out) and 1 <= len(maps) < 4
    # resumed: every date ends corrected, with its map, as one uninterrupted run
    monkeypatch.setattr(series_uncertainty, "write_map", write_map)
    res = series(tmp_path, "cancelled", 2, monkeypatch, **inputs)
    whole = series(tmp_path, "whole", 2, monkeypatch, **inputs)
    for prefix in ("LST_", "UNC_"):
        a, b = rasters(res.folder, prefix), rasters(whole.folder, prefix)
        assert sorted(a) == sorted(b) and len(a) == 4
        assert all(np.array_equal(a[k].data, b[k].data, equal_nan=True) for k in a)
