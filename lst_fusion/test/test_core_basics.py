import datetime as dt
import os

import numpy as np
import pytest

from lst_fusion.core.data import gapfill
from lst_fusion.core.data.dates import parse_date, require_date
from lst_fusion.core.data.io import check_same_grid, read_raster, write_raster
from lst_fusion.core.platform.errors import LstFusionError
from lst_fusion.deep import patches


@pytest.mark.parametrize("name,expected", [
    ("LC08_L2SP_199027_20190704_20200827_02_T1_ST_B10.TIF", dt.date(2019, 7, 4)),
    ("MOD11A1.A2019305.h14v09.006.2019306084028.hdf", dt.date(2019, 11, 1)),
    ("lst_2020-06-30.tif", dt.date(2020, 6, 30)),
    ("Landsat_LST_cloudrm_20160205.tif", dt.date(2016, 2, 5)),
    ("MOD11A1_LST_cloudrm_20160218.tif", dt.date(2016, 2, 18)),
    ("no_date_here.tif", None),
    ("code_99999999.tif", None),
    # Earth Engine exports and other forms users have
    ("2017_01_19.tif", dt.date(2017, 1, 19)),
    ("lst.2017.01.19.tif", dt.date(2017, 1, 19)),
    ("2020068_191-28_kranj.tif", dt.date(2020, 3, 8)),
    ("2020100_191-28.tif_filled_kranj.tif", dt.date(2020, 4, 9)),
    ("2020366_x.tif", dt.date(2020, 12, 31)),  # leap year
    ("2021366_x.tif", None),
    ("2100366_x.tif", None),  # 2100 is not a leap year (divisible by 100, not by 400)
    ("LC08_140044_20230107.tif", dt.date(2023, 1, 7)),
    ("LC09_L2SP_140044_20230616_20230618_02_T1_ST_B10.TIF", dt.date(2023, 6, 16)),  # not the processing date
    ("MOD11A1.A2021227.h11v05.061.2021228105320.hdf", dt.date(2021, 8, 15)),
    ("MYD11A1.A2020001.h18v04.061.tif", dt.date(2020, 1, 1)),
])
def test_parse_date(name, expected):
    assert parse_date(name) == expected


@pytest.mark.parametrize("name", ["lst_20200101_to_20200301.tif", "2019-05-01_2019-05-17_mosaic.tif",
                                  "2020068_20200309.tif"])
def test_ambiguous_name_lists_the_candidates(name):
    with pytest.raises(LstFusionError) as err:
        parse_date(name, "MODIS")
    msg = str(err.value)
    assert msg.startswith("MODIS: the name") and "several dates" and "explicitly" in msg
    assert msg.count("20") >= 3  # both candidate dates are listed
    # an explicit date always wins over the name
    assert require_date(name, "2020-01-05") == dt.date(2020, 1, 5)


def test_require_date_explains():
    with pytest.raises(LstFusionError, match="DATE: no acquisition date"):
        require_date("scene.tif")
    assert require_date("scene.tif", "2021-03-04") == dt.date(2021, 3, 4)
    with pytest.raises(LstFusionError, match="not a date"):
        require_date("scene.tif", "yesterday")


def test_raster_round_trip_and_nodata(tif, tmp_path):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    a[1, 2] = -9999
    r = read_raster(tif("a.tif", a, nodata=-9999))
    assert np.isnan(r.data[1, 2]) and r.data[2, 3] == 11
    out = write_raster(tmp_path / "b.tif", r.data, r.grid)
    back = read_raster(out)
    np.testing.assert_array_equal(np.isnan(back.data), np.isnan(r.data))
    assert back.grid.same_as(r.grid)
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".tmp_")]
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(out).st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


def test_atomic_write_keeps_old_file_on_failure(tif, tmp_path):
    r = read_raster(tif("a.tif", np.ones((3, 3), np.float32)))
    path = write_raster(tmp_path / "out.tif", r.data, r.grid)
    with pytest.raises(ValueError):
        write_raster(path, np.zeros((2, 2)), r.grid)  # wrong shape: nothing written
    np.testing.assert_array_equal(read_raster(path).data, 1)
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".tmp_")]


def test_grid_mismatch_names_the_parameter(tif):
    a = read_raster(tif("a.tif", np.ones((4, 4), np.float32)))
    b = read_raster(tif("b.tif", np.ones((4, 4), np.float32), x0=500030.0))
    c = read_raster(tif("c.tif", np.ones((4, 4), np.float32), crs="EPSG:32632"))
    with pytest.raises(LstFusionError, match="^FINE_REF1: grid differs from COARSE_TARGET"):
        check_same_grid({"COARSE_TARGET": a, "FINE_REF1": b})
    with pytest.raises(LstFusionError, match="^COARSE_REF1: grid differs"):
        check_same_grid({"COARSE_TARGET": a, "COARSE_REF1": c})


def test_missing_file_is_a_clear_error():
    with pytest.raises(LstFusionError, match="INPUT: file .* does not exist"):
        read_raster("/nonexistent/x.tif")


# ------------------------------------------------------------------ gap filling
def test_temporal_fill_exact_on_linear_ramp():
    d0 = dt.date(2020, 1, 10)
    truth = lambda d: 10.0 + 0.25 * (d - d0).days + np.arange(20).reshape(4, 5)  # noqa: E731
    target = truth(d0).astype(np.float32)
    target[1, 1:4] = np.nan
    others = [(d0 - dt.timedelta(days=6), truth(d0 - dt.timedelta(days=6))),
              (d0 - dt.timedelta(days=12), truth(d0 - dt.timedelta(days=12)) + 100),  # farther: ignored
              (d0 + dt.timedelta(days=10), truth(d0 + dt.timedelta(days=10)))]
    filled, n = gapfill.temporal_fill(target, d0, others, window_days=32)
    assert n == 3
    np.testing.assert_allclose(filled, truth(d0), atol=1e-5)


def test_temporal_fill_respects_window_and_needs_both_sides():
    d0 = dt.date(2020, 1, 10)
    t = np.array([[np.nan, 1.0]], np.float32)
    filled, n = gapfill.temporal_fill(t, d0, [(dt.date(2020, 1, 1), np.array([[5.0, 5.0]]))], 32)
    assert n == 0 and np.isnan(filled[0, 0])
    filled, n = gapfill.temporal_fill(t, d0, [(dt.date(2019, 11, 1), np.array([[5.0, 5.0]])),
                                              (dt.date(2020, 1, 12), np.array([[7.0, 7.0]]))], 32)
    assert n == 0  # the earlier one is 70 days away


def test_spatial_fill_preserves_clear_pixels_exactly():
    rng = np.random.default_rng(1)
    a = rng.normal(25, 3, (30, 30)).astype(np.float32)
    holes = rng.random((30, 30)) < 0.3
    holes[5:15, 5:15] = True
    b = a.copy()
    b[holes] = np.nan
    filled, n = gapfill.spatial_fill(b)
    assert n == holes.sum() and np.isfinite(filled).all()
    np.testing.assert_array_equal(filled[~holes], a[~holes])
    assert filled[holes].min() >= a[~holes].min() - 1e-4 and filled[holes].max() <= a[~holes].max() + 1e-4


def test_spatial_fill_3x3_mean_by_hand():
    a = np.array([[1, 2, 3], [4, np.nan, 6], [7, 8, 9]], np.float32)
    filled, n = gapfill.spatial_fill(a)
    assert n == 1 and filled[1, 1] == pytest.approx(5.0)


def test_gapfill_reports_and_rejects_all_nodata():
    a = np.full((4, 4), np.nan, np.float32)
    with pytest.raises(LstFusionError, match="INPUT: .*no valid pixel"):
        gapfill.gapfill(a)
    a[0, 0] = 3
    out, rep = gapfill.gapfill(a, "spatial")
    assert rep == {"gaps_before": 15, "filled_temporal": 0, "filled_spatial": 15, "gaps_after": 0}
    np.testing.assert_array_equal(out, 3)


# ------------------------------------------------------------------ patches
def test_patch_origins_cover_the_image():
    origins = patches.patch_origins((100, 130), 95, 20)
    assert origins == [(0, 0), (0, 20), (0, 35), (5, 0), (5, 20), (5, 35)]


def test_patches_skip_nodata_and_reject_small_images():
    a = np.ones((40, 40), np.float32)
    a[0, 0] = np.nan
    p, origins = patches.extract_patches([a, a * 2], size=20, stride=20)
    assert p.shape == (3, 2, 20, 20) and (0, 0) not in origins
    np.testing.assert_array_equal(p[:, 1], 2)
    with pytest.raises(LstFusionError, match="PATCH_SIZE: the image \\(40x40 px\\) is smaller than one patch \\(95 px\\)"):
        patches.extract_patches([a], size=95)


def test_missing_package_message_names_the_package_and_the_install():
    pytest.importorskip("qgis")
    from lst_fusion.algorithms.base import missing_package_message

    msg = missing_package_message(ModuleNotFoundError("No module named 'scipy'", name="scipy"))
    assert msg.startswith("The Python package 'scipy' is not installed") and "apt install python3-scipy" in msg
    assert "PyTorch is not installed" in missing_package_message(ModuleNotFoundError("x", name="torch"))
