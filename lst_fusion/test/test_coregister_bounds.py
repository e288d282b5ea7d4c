"""coregister's inputs (issue 37, class 9), through processing.run: MAX_SHIFT bounded in one sentence, flat images
refused for their true reason (no texture), and the shift in metres on a grid in degrees."""
import glob
import hashlib
import os
import time

import numpy as np
import pytest

from .conftest import SHARED, write_tif
from .test_bad_inputs import run_bad
from .test_coregister import X0, Y0, field, series
from .test_processing_run import ErrorCollectingFeedback

RANCHI = os.path.join(SHARED, "data", "ranchi")


def hashes(folder):
    out = {}
    for root, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(root, n)
            out[p] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    return out


def lists(modis_dir, landsat_dir):
    return sorted(glob.glob(os.path.join(modis_dir, "*.tif"))), sorted(glob.glob(os.path.join(landsat_dir, "*.tif")))


@pytest.mark.parametrize("max_shift, expect", [
    (60, "MAX_SHIFT: 60 MODIS pixels is beyond the largest search radius, 5: MODIS and Landsat that far apart are not "
         "misregistered but on a wrong CRS or grid, to be fixed first"),
    # 240 px of 30 m across, 33 px per MODIS pixel: 7.27 MODIS pixels, a third of it 2.42
    (3, "MAX_SHIFT: 3 MODIS pixels is more than this image allows: at most 2.42, a third of the Landsat image's "
        "shorter side (7.27 MODIS pixels), so that MODIS shifted that far still overlaps two thirds of it"),
])
def test_max_shift_is_bounded_in_one_sentence(provider, tmp_path, max_shift, expect):
    """Was: no upper bound (60 MODIS pixels on Ranchi ran past 150 s)."""
    mod, lan = lists(*series(tmp_path, 800.0, -150.0))
    before = hashes(tmp_path / "src")
    t0 = time.monotonic()
    message = run_bad("coregister", {"MODIS": mod, "LANDSAT": lan, "MAX_SHIFT": max_shift,
                                     "OUTPUT": str(tmp_path / "out")})
    assert message.startswith(expect), message
    assert time.monotonic() - t0 < 30
    assert hashes(tmp_path / "src") == before
    assert not glob.glob(str(tmp_path / "out" / "*.tif"))


def test_the_largest_radius_this_image_allows_still_runs(provider, tmp_path):
    import processing

    mod, lan = lists(*series(tmp_path, 800.0, -150.0))
    res = processing.run("lstfusion:coregister", {"MODIS": mod, "LANDSAT": lan, "MAX_SHIFT": 2.4,
                                                  "OUTPUT": str(tmp_path / "out")})
    assert res["APPLIED"] and abs(res["SHIFT_X"] - 800.0) < 50 and abs(res["SHIFT_Y"] + 150.0) < 50


@pytest.mark.skipif(not os.path.isdir(RANCHI), reason="the Ranchi series is not in ../shared")
def test_ranchi_max_shift_60_is_refused_at_once(provider, tmp_path):
    mod, lan = lists(os.path.join(RANCHI, "modis"), os.path.join(RANCHI, "landsat8"))
    t0 = time.monotonic()
    message = run_bad("coregister", {"MODIS": mod, "LANDSAT": lan, "MAX_SHIFT": 60, "OUTPUT": str(tmp_path / "out")})
    assert message.startswith("MAX_SHIFT: 60 MODIS pixels is beyond the largest search radius, 5"), message
    assert time.monotonic() - t0 < 30


def flat_series(tmp_path, textured=()):
    src = tmp_path / "flat"
    os.makedirs(src / "landsat")
    os.makedirs(src / "modis")
    yy, xx = np.mgrid[0:240, 0:300]
    for k, date in enumerate(("20200101", "20200301", "20200501")):
        land = np.full((240, 300), 300.0 + k)
        modis = np.full((13, 15), 300.0 + k)
        if k in textured:  # a real pattern, MODIS its 1 km means (no shift)
            t = field(k)
            land = t(X0 + (xx + 0.5) * 30, Y0 - (yy + 0.5) * 30)
            cy, cx = np.mgrid[0:13, 0:15]
            sub = (np.arange(10) + 0.5) * 100.0
            modis = sum(t(X0 - 3000 + cx * 1000 + ox, Y0 + 3000 - cy * 1000 - oy) for oy in sub for ox in sub) / 100
        write_tif(src / "landsat" / f"L_{date}.tif", land.astype(np.float32))
        write_tif(src / "modis" / f"M_{date}.tif", modis.astype(np.float32), x0=X0 - 3000, y0=Y0 + 3000, res=1000.0)
    return lists(src / "modis", src / "landsat")


def test_flat_images_are_refused_for_their_true_reason(provider, tmp_path):
    """Was: 'MODIS: no overlap of valid MODIS and Landsat pixels to co-register on' (false: they overlap)."""
    mod, lan = flat_series(tmp_path)
    message = run_bad("coregister", {"MODIS": mod, "LANDSAT": lan, "OUTPUT": str(tmp_path / "out")})
    assert message == ("LANDSAT: no texture to register on: the Landsat LST is uniform (on every pair: 2020-01-01: "
                       "300, 2020-03-01: 301, 2020-05-01: 302), and co-registration matches the spatial pattern of "
                       "MODIS with Landsat's"), message
    assert "overlap" not in message


def test_one_flat_pair_is_left_out_with_its_reason(provider, tmp_path):
    import processing

    mod, lan = flat_series(tmp_path, textured=(0, 2))
    fb = ErrorCollectingFeedback()
    processing.run("lstfusion:coregister", {"MODIS": mod, "LANDSAT": lan, "OUTPUT": str(tmp_path / "out")},
                   feedback=fb)
    assert ("co-registration 2020-03-01: not used for the joint shift: no texture to register on: the Landsat LST "
            "is uniform (301 everywhere), and co-registration matches the spatial pattern of MODIS with Landsat's"
            in fb.infos), fb.infos
    assert any(i.startswith("co-registration, joint over 2 pair(s)") for i in fb.infos)


LON0, LAT0, DEG = 10.0, 45.0, 0.0004  # a Landsat-like grid in EPSG:4326: 0.0004 deg = 31.5 m east, 44.5 m north
MX, MY = 111320.0 * np.cos(np.radians(LAT0 - 0.048)), 111320.0  # metres per degree at the grid's centre


def geographic_series(tmp_path, sx, sy):
    """test_coregister's fields on a grid in degrees, MODIS (0.01 deg) shifted by (sx, sy) metres."""
    src = tmp_path / "geo"
    os.makedirs(src / "landsat")
    os.makedirs(src / "modis")
    yy, xx = np.mgrid[0:240, 0:300]
    for k, date in enumerate(("20200101", "20200301", "20200501")):
        t = field(k)

        def at(lon, lat, t=t):
            return t(X0 + (lon - LON0) * MX, Y0 + (lat - LAT0) * MY)

        land = at(LON0 + (xx + 0.5) * DEG, LAT0 - (yy + 0.5) * DEG)
        write_tif(src / "landsat" / f"L_{date}.tif", land.astype(np.float32), crs="EPSG:4326", x0=LON0, y0=LAT0,
                  res=DEG)
        m0x, m0y = LON0 - 0.03, LAT0 + 0.03
        cy, cx = np.mgrid[0:16, 0:18]
        sub = (np.arange(10) + 0.5) * 0.001
        acc = sum(at(m0x + cx * 0.01 + ox - sx / MX, m0y - cy * 0.01 - oy - sy / MY) for oy in sub for ox in sub)
        write_tif(src / "modis" / f"M_{date}.tif", (acc / 100).astype(np.float32), crs="EPSG:4326", x0=m0x, y0=m0y,
                  res=0.01)
    return lists(src / "modis", src / "landsat")


def test_shift_in_metres_on_a_grid_in_degrees(provider, tmp_path):
    """Was: the shift 'in metres' was in degrees (8.49 px reported as 0.0000 m east)."""
    import csv

    import processing

    mod, lan = geographic_series(tmp_path, 800.0, -150.0)
    fb = ErrorCollectingFeedback()
    res = processing.run("lstfusion:coregister", {"MODIS": mod, "LANDSAT": lan, "OUTPUT": str(tmp_path / "out")},
                         feedback=fb)
    assert abs(res["SHIFT_X"] - 800.0) < 60 and abs(res["SHIFT_Y"] + 150.0) < 60, res
    with open(res["COREGISTRATION"], newline="") as fh:
        joint = [r for r in csv.DictReader(fh) if r["pair"] == "joint"][0]
    assert float(joint["shift_east_m"]) == pytest.approx(float(joint["dx_px"]) * DEG * MX, rel=0.01)
    assert float(joint["shift_north_m"]) == pytest.approx(-float(joint["dy_px"]) * DEG * MY, rel=0.01)
    assert any(i.startswith("co-registration: the Landsat grid is in degrees; shifts in metres are converted at its "
                            "centre latitude 44.9520") for i in fb.infos), fb.infos
