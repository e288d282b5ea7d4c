"""A series across the change of sensor: MODIS Terra until its last date, VIIRS after, both on some days.

Fixture area: a synthetic 48 x 48 px Landsat scene (30 m) and coarse 240 m images of the same days, Terra's
at the truth's level and VIIRS's 1.5 K warmer (a known step, as an afternoon pass would be). Known answers: one
fused raster per coarse day; series.csv says Terra until 2025-12-25 (the overlap days follow the default order,
Terra before VIIRS) and VIIRS after, or VIIRS on the overlap with SOURCE_ORDER; the step VIIRS - Terra reported
on the two overlap days is +1.5 K."""
import csv
import datetime as dt
import os

import numpy as np
import pytest

from lst_fusion.core.data import pairing, sources
from lst_fusion.core.data.io import read_raster
from lst_fusion.core.platform.errors import LstFusionError
from lst_fusion.series import fuse_series

from .conftest import synthetic_scene, write_tif

LANDSAT_DAYS = [dt.date(2025, 11, 1), dt.date(2025, 12, 15), dt.date(2026, 1, 20)]
TERRA_DAYS = [dt.date(2025, 11, 1) + dt.timedelta(days=10 * i) for i in range(6)]  # to 2025-12-21
VIIRS_DAYS = [dt.date(2025, 12, 11) + dt.timedelta(days=10 * i) for i in range(6)]  # from 2025-12-11
STEP = 1.5


def _truth(d):
    return synthetic_scene(48) + 5 * np.sin((d - dt.date(2025, 11, 1)).days / 30.0)


def _coarse(fine, f=8):
    n = fine.shape[0] // f
    return fine.reshape(n, f, n, f).mean(axis=(1, 3))


@pytest.fixture()
def area(tmp_path):
    import rasterio

    folders = {k: tmp_path / k for k in ("landsat", "MOD11A1", "VNP21A1D")}
    for f in folders.values():
        f.mkdir()
    for d in LANDSAT_DAYS:
        write_tif(folders["landsat"] / f"LC08_{d:%Y%m%d}.tif", _truth(d).astype(np.float32))
    files = []
    for name, days, prefix, step, sensor in (("MOD11A1", TERRA_DAYS, "MOD11A1", 0.0, "MODIS Terra"),
                                             ("VNP21A1D", VIIRS_DAYS, "VNP21A1D", STEP, "VIIRS SNPP")):
        for d in days:
            p = folders[name] / f"{prefix}_{d:%Y%m%d}.tif"
            write_tif(p, (_coarse(_truth(d)) + step).astype(np.float32), res=240.0)
            with rasterio.open(p, "r+") as ds:
                ds.update_tags(SENSOR=sensor)
            files.append(str(p))
    return tmp_path, files, sorted(str(p) for p in folders["landsat"].iterdir())


def test_sources_are_told_by_tag_or_name(tmp_path):
    p = write_tif(tmp_path / "x_20250101.tif", np.zeros((4, 4), np.float32))
    assert sources.source_of(p) == ""
    for name, want in (("MOD11A1.A2025001.h25v06.tif", "MODIS Terra"), ("MYD11A1_20250101.tif", "MODIS Aqua"),
                       ("VJ121A1D_20250101.tif", "VIIRS NOAA-20"), ("SL_2_LST_20250101.tif", "Sentinel-3 SLSTR"),
                       ("S3B_SL_2_LST____20250101T043512_x.tif", "Sentinel-3 SLSTR")):
        assert sources.source_of(write_tif(tmp_path / name, np.zeros((4, 4), np.float32))) == want, name
    assert sources.parse_order("viirs snpp, MODIS Terra") == ("VIIRS SNPP", "MODIS Terra")
    with pytest.raises(LstFusionError, match="^SOURCE_ORDER: 'Landsat 8' is not a daily source"):
        sources.parse_order("Landsat 8")


def test_align_pairs_picks_one_source_per_day_and_reports_the_step(area):
    tmp, coarse, landsat = area
    report = {}
    rows = pairing.align_pairs(coarse, landsat, str(tmp / "ds"), report=report)
    by_date = {r["date"]: r for r in rows}
    assert by_date["2025-12-11"]["coarse_source"] == "MODIS Terra"  # both: Terra first by default
    assert by_date["2025-12-21"]["coarse_source"] == "MODIS Terra"
    assert by_date["2025-12-31"]["coarse_source"] == "VIIRS SNPP"
    assert by_date["2025-12-15"]["status"] == "rejected:no_modis"  # a Landsat day no coarse source saw
    steps = list(csv.DictReader(open(tmp / "ds" / "source_steps.csv", encoding="utf-8")))
    assert [(s["date"], s["chosen"], s["other"]) for s in steps] == [
        ("2025-12-11", "MODIS Terra", "VIIRS SNPP"), ("2025-12-21", "MODIS Terra", "VIIRS SNPP")]
    for s in steps:  # resampled both the same way: the step is the known 1.5 K over the area
        assert float(s["mean_other_minus_chosen_K"]) == pytest.approx(STEP, abs=1e-3) and int(s["n_pixels"]) > 2000
    assert read_raster(tmp / "ds" / "M_20251231.tif").tags["SENSOR"] == "VIIRS SNPP"
    assert len(report["source_steps"]) == 2
    # fuse_series from the dataset: the source of each date and the steps come with it
    res = fuse_series(str(tmp / "from_ds"), dataset=str(tmp / "ds"), method="starfm", max_gap_days=400)
    series = {r["date"]: r["coarse_source"] for r in csv.DictReader(open(res.csv, encoding="utf-8"))}
    assert series["2025-12-21"] == "MODIS Terra" and series["2026-01-30"] == "VIIRS SNPP"
    assert len(res.source_steps) == 2 and os.path.exists(tmp / "from_ds" / "source_steps.csv")


def test_a_series_across_the_change_of_sensor(area):
    tmp, coarse, landsat = area
    res = fuse_series(str(tmp / "series"), modis=coarse, landsat=landsat, method="starfm", max_gap_days=400)
    rows = {r["date"]: r for r in csv.DictReader(open(res.csv, encoding="utf-8"))}
    days = sorted(set(TERRA_DAYS) | set(VIIRS_DAYS))
    assert sorted(rows) == [d.isoformat() for d in days]  # one date per coarse day, whatever its source
    assert all(r["status"] == "fused" and os.path.exists(tmp / "series" / r["output"]) for r in rows.values())
    want = {d.isoformat(): "MODIS Terra" if d in TERRA_DAYS else "VIIRS SNPP" for d in days}
    assert {d: r["coarse_source"] for d, r in rows.items()} == want
    # the level step on the days both observed, on the series' fine grid, in the folder and the season report
    steps = list(csv.DictReader(open(tmp / "series" / "source_steps.csv", encoding="utf-8")))
    assert [s["date"] for s in steps] == ["2025-12-11", "2025-12-21"]
    assert all(float(s["mean_other_minus_chosen_K"]) == pytest.approx(STEP, abs=1e-3) for s in steps)
    from lst_fusion.series import season

    html = open(season.season_report(res).html, encoding="utf-8").read()
    assert "<h2>Daily sources</h2>" in html and "level step VIIRS SNPP - MODIS Terra: +1.50 K" in html
    # the other order: the overlap days use VIIRS
    res2 = fuse_series(str(tmp / "series2"), modis=coarse, landsat=landsat, method="starfm", max_gap_days=400,
                       source_order="VIIRS SNPP, MODIS Terra")
    rows2 = {r["date"]: r["coarse_source"] for r in csv.DictReader(open(res2.csv, encoding="utf-8"))}
    assert rows2["2025-12-11"] == rows2["2025-12-21"] == "VIIRS SNPP" and rows2["2025-12-01"] == "MODIS Terra"
