"""import_slstr on an SL_2_LST product written to its documented structure (test/slstr_data.py).

Known pattern: each swath pixel's LST is its identity, so a cell's value says which swath pixels it holds. Every
cell holding swath centres is the mean of exactly the clear pixels whose geodetic centre lies inside it (within half
a cell of its centre, counted here by brute force on the projected positions); every other filled cell is the
nearest swath pixel within 0.75 of its spacing; flagged pixels appear nowhere."""
import os

import numpy as np
import pytest

from lst_fusion.core.data import slstr
from lst_fusion.core.data.io import Grid, read_raster
from lst_fusion.core.platform.errors import LstFusionError
from lst_fusion.test import slstr_data as sd

from .test_processing_run import run  # noqa: F401 - the processing.run fixture


def _cloud(rows=60, cols=50):
    m = np.zeros((rows, cols), dtype=bool)
    m[20:30, 15:28] = True
    return m


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    return sd.write_product(tmp_path_factory.mktemp("slstr"), cloud=_cloud())


def _positions(grid):
    from rasterio.warp import transform

    lat, lon, k = sd.swath()
    lat, lon = (np.round(v * 1e6).astype(np.int32) * 1e-6 for v in (lat, lon))  # as stored: int32, scale 1e-6
    x, y = transform("EPSG:4326", grid.crs, lon.ravel().tolist(), lat.ravel().tolist())
    return np.array(x), np.array(y), k.ravel()


def _check_known_pattern(out, grid):
    """Each filled cell against the swath pixels whose centre is inside it (brute force) or the nearest one."""
    x, y, k = _positions(grid)
    clear = ~_cloud().ravel()
    clear[(k % 50) == 0] = False  # column 0: unfilled
    half_x, half_y = abs(grid.transform.a) / 2, abs(grid.transform.e) / 2
    n_inside = n_hole = 0
    for r, c in zip(*np.nonzero(np.isfinite(out))):
        cx, cy = grid.transform * (c + 0.5, r + 0.5)
        inside = (np.abs(x - cx) < half_x) & (np.abs(y - cy) < half_y)  # centre within half a cell
        if inside.any():
            assert out[r, c] == pytest.approx(sd.lst_of(k[inside & clear]).mean(), abs=2e-4), (r, c)
            n_inside += 1
        else:
            j = np.argmin(np.hypot(x - cx, y - cy))
            assert clear[j] and out[r, c] == pytest.approx(sd.lst_of(k[j]), abs=2e-4), (r, c)
            n_hole += 1
    # no flagged pixel's identity anywhere: the cloud block and the unfilled column are gone
    ids = np.round((out[np.isfinite(out)] - 280.0) / 0.002).astype(int)
    single = ids[np.isin(ids, k)]
    assert not np.isin(single, k[~clear]).any()
    return n_inside, n_hole


def test_swath_pixels_land_within_half_a_cell_of_their_geodetic_position(product, tmp_path):
    res = slstr.import_slstr(product, str(tmp_path / "s.tif"), unit="kelvin")
    r = read_raster(res["OUTPUT"])
    assert r.grid.crs.to_dict()["proj"] == "sinu" and abs(r.grid.transform.a - 926.625433) < 1e-6
    # aligned with the MODLAND tiles: the origin is a whole number of pixels from the grid's corner
    fx = (r.grid.transform.c + 20015109.354) / r.grid.transform.a
    assert abs(fx - round(fx)) < 1e-6
    n_inside, n_hole = _check_known_pattern(r.data, r.grid)
    assert n_inside > 2000 and n_hole > 50  # both rules were exercised
    assert res["DATE"] == "2024-08-04" and 10.0 < res["VIEW_TIME"] < 10.5  # 04:35 UTC at 85.3 E
    tags = r.tags
    assert (tags["PLATFORM"], tags["PRODUCT"], tags["OVERPASS"]) == ("sentinel-3a", "SL_2_LST", "10:00")
    assert np.isnan(r.data).any()  # the cloud block and the area beside the rotated swath


def test_onto_a_reference_grid_in_another_crs(product, tmp_path):
    """A UTM 45N grid of 500 m: finer than the swath, so most cells are filled by the nearest swath pixel."""
    from affine import Affine
    from rasterio.crs import CRS

    from lst_fusion.core.data.io import write_raster

    ref = Grid(CRS.from_epsg(32645), Affine(500.0, 0, 300000.0, 0, -500.0, 2610000.0), 80, 80)
    ref_path = str(tmp_path / "ref.tif")
    write_raster(ref_path, np.zeros(ref.shape, np.float32), ref)
    res = slstr.import_slstr(product, str(tmp_path / "u.tif"), reference_grid=ref, unit="kelvin")
    r = read_raster(res["OUTPUT"])
    assert r.grid.crs == ref.crs and r.grid.transform == ref.transform and r.grid.shape == ref.shape
    n_inside, n_hole = _check_known_pattern(r.data, r.grid)
    assert n_hole > n_inside > 100


def test_processing_run_and_one_sentence_errors(run, product, tmp_path):  # noqa: F811
    from qgis.core import QgsProcessingException

    out = run("import_slstr", {"INPUT": os.path.join(product, "LST_in.nc"), "UNIT": 1,
                               "OUTPUT": str(tmp_path / "p.tif")})
    assert out["DATE"] == "2024-08-04" and out["CLEAR_PERCENT"] > 20
    broken = sd.write_product(tmp_path, name="S3B_SL_2_LST____20240805T043512_x.SEN3")
    os.remove(os.path.join(broken, "geodetic_in.nc"))
    with pytest.raises(QgsProcessingException, match="INPUT: S3B_SL_2_LST____20240805T043512_x.SEN3 has no "
                                                     "geodetic_in.nc"):
        run("import_slstr", {"INPUT": broken, "OUTPUT": str(tmp_path / "b.tif")})
    assert not os.path.exists(tmp_path / "b.tif")


def test_flags_are_found_by_their_names():
    tags = {"confidence_in#flag_masks": "{1,2,4,8,16,32,64,128,256,512,1024,2048,4096,8192,16384,32768}",
            "confidence_in#flag_meanings": sd.FLAG_MEANINGS}
    assert slstr.flag_bits(tags) == 32 | 16384 | 32768
    shuffled = {"flag_masks": "4, 1, 2", "flag_meanings": "summary_cloud unfilled summary_pointing"}
    assert slstr.flag_bits(shuffled) == 7
    with pytest.raises(LstFusionError, match="names no summary_pointing flag"):
        slstr.flag_bits({"flag_masks": "1 2", "flag_meanings": "summary_cloud unfilled"})


def test_import_slstr_in_qgis_process_with_qgis_s_own_python(product, tmp_path):
    """The NetCDF files read inside a real QGIS process (qgis_process.bin) with QGIS's own Python: GDAL's
    netCDF driver (multidimensional API) and scipy from Debian, no new package."""
    from .test_qgis_process import QP, qgis_process

    if QP is None:
        pytest.skip("qgis_process is not installed")
    enable = qgis_process(tmp_path, "plugins", "enable", "lst_fusion", venv=False)
    assert enable.returncode == 0 or "already enabled" in enable.stderr, enable.stdout + enable.stderr
    out = qgis_process(tmp_path, "run", "lstfusion:import_slstr", "--", f"INPUT={product}", "UNIT=1",
                       f"OUTPUT={tmp_path / 'q.tif'}", venv=False)
    assert out.returncode == 0, out.stdout + out.stderr
    here = slstr.import_slstr(product, str(tmp_path / "here.tif"), unit="kelvin")
    np.testing.assert_array_equal(read_raster(tmp_path / "q.tif").data, read_raster(here["OUTPUT"]).data)
