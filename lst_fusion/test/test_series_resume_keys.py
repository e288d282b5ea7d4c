"""fuse_series keeps a date only when everything it depends on is the same (issue #37, class 6), and a MODIS
date that covers part of the grid is fused where it has data (class 7)."""
import glob
import os
import shutil

import numpy as np
import pytest

from lst_fusion.core.data.io import read_raster
from lst_fusion.series import fuse_series
from lst_fusion.test.conftest import synthetic_scene, write_tif

RUN = dict(method="starfm", window=5, tile=16, max_gap_days=20, scheduler="sequential")


def write_area(folder, offset=0.0, x0=500000.0, days=(1, 5, 9), pair_days=(1, 9), seed=1):
    """Landsat (pair days) and MODIS (every day) of one small area, both on the 30 m grid, dated by name."""
    lan, mod = folder / "landsat", folder / "modis"
    lan.mkdir(parents=True, exist_ok=True)
    mod.mkdir(parents=True, exist_ok=True)
    base = synthetic_scene(24, seed=seed) + offset
    for k, day in enumerate(pair_days):
        write_tif(lan / f"L_202001{day:02d}.tif", (base + 2 * k).astype(np.float32), x0=x0)
    for day in days:
        write_tif(mod / f"M_202001{day:02d}.tif", (0.5 * base + 12 + 0.2 * day).astype(np.float32), x0=x0)
    return str(lan), str(mod)


def statuses(res):
    return {r["date"]: r["status"] for r in res.rows}


def test_same_names_over_another_area_are_computed_again(tmp_path):
    out = str(tmp_path / "out")
    lan, mod = write_area(tmp_path / "a")
    first = fuse_series(out, modis=mod, landsat=lan, **RUN)
    assert set(statuses(first).values()) == {"fused"}
    before = read_raster(os.path.join(out, "LST_STARFM_20200105.tif")).data
    # the same L_/M_ names, another area (other values, another grid origin): nothing may be kept
    shutil.rmtree(tmp_path / "a")
    lan, mod = write_area(tmp_path / "a", offset=7.0, x0=600000.0, seed=4)
    log = []
    again = fuse_series(out, modis=mod, landsat=lan, log=log.append, **RUN)
    assert set(statuses(again).values()) == {"fused"}, statuses(again)
    after = read_raster(os.path.join(out, "LST_STARFM_20200105.tif"))
    assert after.grid.transform.c == 600000.0 and not np.allclose(after.data, before)
    assert any("made with other inputs or parameters" in s for s in log)


def test_an_input_reprocessed_under_its_name_recomputes_the_dates_it_serves(tmp_path):
    out = str(tmp_path / "out")
    lan, mod = write_area(tmp_path)
    fuse_series(out, modis=mod, landsat=lan, **RUN)
    target = os.path.join(mod, "M_20200105.tif")
    arr = read_raster(target).data + 1.5
    os.remove(target)
    write_tif(target, arr.astype(np.float32))
    st = os.stat(target)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10 ** 9))  # a later modification time
    res = fuse_series(out, modis=mod, landsat=lan, **RUN)
    assert statuses(res) == {"2020-01-01": "kept", "2020-01-05": "fused", "2020-01-09": "kept"}
    # a reference pair's MODIS reprocessed: every date it serves is computed again
    ref = os.path.join(mod, "M_20200101.tif")
    os.utime(ref, ns=(os.stat(ref).st_atime_ns, os.stat(ref).st_mtime_ns + 10 ** 9))
    res = fuse_series(out, modis=mod, landsat=lan, **RUN)
    assert set(statuses(res).values()) == {"fused"}
    # nothing changed: everything kept
    res = fuse_series(out, modis=mod, landsat=lan, **RUN)
    assert set(statuses(res).values()) == {"kept"}


def test_a_gap_filled_modis_is_filled_again_when_its_inputs_change(tmp_path):
    out = str(tmp_path / "out")
    lan, mod = write_area(tmp_path, days=(1, 3, 5, 7, 9))
    cloudy = os.path.join(mod, "M_20200105.tif")
    a = read_raster(cloudy).data
    a[:12] = np.nan
    os.remove(cloudy)
    write_tif(cloudy, a.astype(np.float32), nodata=np.nan)
    res = fuse_series(out, modis=mod, landsat=lan, min_clear=80, **RUN)
    assert statuses(res)["2020-01-05"] == "fused_gapfilled"
    filled = os.path.join(out, "modis_filled", "M_20200105.tif")
    first = read_raster(filled).data
    # a neighbour the fill used is reprocessed (warmer): the fill is made again from it, not reused
    neighbour = os.path.join(mod, "M_20200103.tif")
    b = read_raster(neighbour).data + 4.0
    os.remove(neighbour)
    write_tif(neighbour, b.astype(np.float32))
    os.utime(neighbour, ns=(os.stat(neighbour).st_atime_ns, os.stat(neighbour).st_mtime_ns + 10 ** 9))
    res = fuse_series(out, modis=mod, landsat=lan, min_clear=80, **RUN)
    assert statuses(res)["2020-01-05"] == "fused_gapfilled"
    second = read_raster(filled).data
    assert np.nanmean(second[:12]) > np.nanmean(first[:12]) + 0.5
    assert np.array_equal(second[12:], first[12:])  # the clear half is the date's own MODIS both times


@pytest.mark.parametrize("method,tile,extra", [("starfm", 16, {}), ("starfm", 256, {}),
                                               ("estarfm", 16, {"precompute": True}), ("estarfm", 256, {}),
                                               ("fitfc", 16, {}), ("fsdaf", 256, {})])
def test_a_modis_date_covering_half_the_grid_is_fused_where_it_has_data(tmp_path, method, tile, extra):
    """MODIS on its own 90 m grid; one date covers only the western half of the fine grid."""
    lan_dir, mod_dir = tmp_path / "landsat", tmp_path / "modis"
    lan_dir.mkdir()
    mod_dir.mkdir()
    base = synthetic_scene(48)
    for k, day in enumerate((1, 9)):
        write_tif(lan_dir / f"L_202001{day:02d}.tif", (base + 2 * k).astype(np.float32))
    coarse = (0.5 * base + 12).reshape(16, 3, 16, 3).mean((1, 3)).astype(np.float32)
    for day in (1, 5, 9):
        write_tif(mod_dir / f"M_202001{day:02d}.tif", coarse + 0.2 * day, res=90.0)
    # 2020-01-05: a MODIS raster of the western 8 columns only (720 m of the 1440 m)
    os.remove(mod_dir / "M_20200105.tif")
    write_tif(mod_dir / "M_20200105.tif", (coarse + 1.0)[:, :8].copy(), res=90.0)
    out = str(tmp_path / "out")
    res = fuse_series(out, modis=str(mod_dir), landsat=str(lan_dir), **dict(RUN, method=method, tile=tile, **extra))
    by = {r["date"]: r for r in res.rows}
    assert by["2020-01-05"]["status"] == "fused"
    assert float(by["2020-01-05"]["modis_clear"]) == pytest.approx(50.0, abs=5.0)
    got = read_raster(res.outputs[1]).data
    assert os.path.basename(res.outputs[1]).endswith("_20200105.tif")
    assert np.isnan(got[:, 27:]).all()  # east of the footprint (and its bicubic edge): no data, not invented
    assert np.isfinite(got[:, :18]).mean() > 0.9
    assert len(glob.glob(os.path.join(out, "LST_*.tif"))) == 3
    from lst_fusion.series import season

    stats = season.season_report(res)
    assert os.path.exists(stats.html) and os.path.exists(stats.csv)


def test_a_modis_date_beside_the_grid_is_skipped_with_its_reason(tmp_path):
    lan, mod = write_area(tmp_path)
    target = os.path.join(mod, "M_20200105.tif")
    arr = read_raster(target).data
    os.remove(target)
    write_tif(target, arr, x0=900000.0)  # 400 km east: no pixel on the grid
    res = fuse_series(str(tmp_path / "out"), modis=mod, landsat=lan, **RUN)
    by = {r["date"]: r for r in res.rows}
    assert by["2020-01-05"]["status"].startswith("skipped: MODIS has no clear pixel on the grid")
    assert by["2020-01-05"]["modis_clear"] == "0.00" and by["2020-01-05"]["output"] == ""
    assert statuses(res)["2020-01-09"] == "fused"
