"""Spectral indices from Landsat Collection 2 Level-2 surface reflectance (issue 38, item 2): core/data/reflectance.py
and thermal sharpening's REFLECTANCE input.

Known answers: NDVI, NDWI (McFeeters) and NDBI of a few pixels computed by hand from C2 L2 DN (x 0.0000275 - 0.2),
fill and QA_PIXEL cloud masked; then the sharpening known answer of test_sharpen with its indices computed from
a 5-band DN raster through processing.run, equal to the core run with those indices.
"""
import os

import numpy as np
import pytest

from lst_fusion.core.data import reflectance as R
from lst_fusion.core.platform.errors import LstFusionError

CLEAR, CLOUD = 21824, 21824 | (1 << 3)  # QA_PIXEL: clear with low confidences; the same with the cloud bit


def hand():
    """Five pixels as DN (green, red, NIR, SWIR1) and QA_PIXEL, and their indices worked out by hand.

    DN 8000 -> 0.02, 10000 -> 0.075, 12000 -> 0.13, 16000 -> 0.24, 18000 -> 0.295, 20000 -> 0.35, 24000 -> 0.46.
    a: NDVI (0.35 - 0.02) / 0.37, NDWI (0.075 - 0.35) / 0.425, NDBI (0.13 - 0.35) / 0.48
    b: NDVI (0.295 - 0.24) / 0.535, NDWI (0.13 - 0.295) / 0.425, NDBI (0.46 - 0.295) / 0.755
    c: a with red fill (DN 0): NDVI NaN, NDWI and NDBI as a
    d: a under a cloud (QA bit 3): all NaN
    e: b with the fill bit of QA_PIXEL set: all NaN"""
    dn = np.array([[10000, 12000, 10000, 10000, 12000],   # green
                   [8000, 16000, 0, 8000, 16000],          # red
                   [20000, 18000, 20000, 20000, 18000],    # NIR
                   [12000, 24000, 12000, 12000, 24000]],   # SWIR1
                  dtype=np.uint16)
    qa = np.array([CLEAR, CLEAR, CLEAR, CLOUD, 1])
    a = (0.33 / 0.37, -0.275 / 0.425, -0.22 / 0.48)
    b = (0.055 / 0.535, -0.165 / 0.425, 0.165 / 0.755)
    nan = float("nan")
    want = np.array([a, b, (nan, a[1], a[2]), (nan, nan, nan), (nan, nan, nan)]).T  # (index, pixel)
    return dn, qa, want


def test_hand_computed_indices_with_scale_fill_and_qa():
    dn, qa, want = hand()
    bands = [R.to_reflectance(b[None, :], "REFLECTANCE", "band") for b in dn]
    np.testing.assert_allclose(bands[0][0], [0.075, 0.13, 0.075, 0.075, 0.13], atol=1e-12)
    got = np.array([g[0] for g in R.spectral_indices(*bands, qa=qa[None, :])])
    np.testing.assert_allclose(got, want, atol=1e-9)  # NaN where expected (assert_allclose checks NaN positions)
    # without QA_PIXEL only the fill is masked
    free = np.array([g[0] for g in R.spectral_indices(*bands)])
    np.testing.assert_allclose(free[:, 3], want[:, 0], atol=1e-9)
    # reflectance already scaled is taken as it is (values at most 1.6)
    np.testing.assert_array_equal(R.to_reflectance(bands[2], "REFLECTANCE", "band"), bands[2])


def test_bands_of_each_landsat():
    assert R.sensor_bands("LC09") == {"green": "SR_B3", "red": "SR_B4", "nir": "SR_B5", "swir1": "SR_B6"}
    assert R.sensor_bands("LT05_L2SP_x") == {"green": "SR_B2", "red": "SR_B3", "nir": "SR_B4", "swir1": "SR_B5"}
    assert R.sensor_bands("LE07") == R.sensor_bands("LT05")
    with pytest.raises(LstFusionError, match="^REFLECTANCE: 'S2A' is not a Landsat 4-9 product"):
        R.sensor_bands("S2A")
    # by descriptions: a whole Landsat 7 SR stack (SR_B1-SR_B5, SR_B7) named SR_Bn takes bands 2-5
    assert R.band_roles(["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B7"], 6, "LE07_stack.tif", "P") == \
        {"green": 2, "red": 3, "nir": 4, "swir1": 5}
    assert R.band_roles(["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B6", "SR_B7", "QA_PIXEL"], 8,
                        "LC08_stack.tif", "P") == {"green": 3, "red": 4, "nir": 5, "swir1": 6, "qa_pixel": 8}
    assert R.band_roles(["qa_pixel", "swir1", "nir", "red", "green"], 5, "x.tif", "P") == \
        {"green": 5, "red": 4, "nir": 3, "swir1": 2, "qa_pixel": 1}
    assert R.band_roles([None] * 5, 5, "x.tif", "P") == {"green": 1, "red": 2, "nir": 3, "swir1": 4, "qa_pixel": 5}


@pytest.mark.parametrize("values,message", [
    (np.arange(300, 6300, 10.0), r"^REFLECTANCE: b runs from -0.19.* to -0.028.* as reflectance .*x 10000 of Collection 1"),
    (np.linspace(2.0, 40.0, 100), r"^REFLECTANCE: b holds values up to 39.* neither reflectance"),
    (np.linspace(-0.9, 0.5, 100), r"^REFLECTANCE: b runs from -0.88.* as reflectance"),
])
def test_values_that_are_not_reflectance_are_one_sentence(values, message):
    with pytest.raises(LstFusionError, match=message):
        R.to_reflectance(values, "REFLECTANCE", "b")


def test_wrong_band_count_is_one_sentence():
    with pytest.raises(LstFusionError, match=r"^REFLECTANCE: x.tif has 3 band\(s\): a surface reflectance raster "
                                             r"holds 4 bands"):
        R.band_roles([None] * 3, 3, "x.tif", "REFLECTANCE")
    with pytest.raises(LstFusionError, match="^REFLECTANCE: x.tif names its bands SR_Bn but not its Landsat"):
        R.band_roles(["SR_B3", "SR_B4", "SR_B5", "SR_B6"], 4, "x.tif", "REFLECTANCE")
    with pytest.raises(LstFusionError, match="^REFLECTANCE: LC08_x.tif has no band SR_B6"):
        R.band_roles(["SR_B3", "SR_B4", "SR_B5", "SR_B7"], 4, "LC08_x.tif", "REFLECTANCE")


# --- through processing.run: lstfusion:sharpen's REFLECTANCE ------------------------------------------------------


def sr_scene(seed=5):
    """C2 L2 DN (green, red, NIR, SWIR1) whose NDVI and NDBI are test_sharpen's ``indices()`` (to DN rounding),
    NIR varying per footprint (so NDWI is a predictor of its own), a 6 x 6 px fill hole in red and a 6 x 6 px cloud."""
    from .test_sharpen import FACTOR, N, indices

    ndvi, ndbi = indices()
    rng = np.random.default_rng(seed)
    nb = N // FACTOR
    nir = np.kron(rng.uniform(0.25, 0.4, (nb, nb)), np.ones((FACTOR, FACTOR)))
    green = np.full((N, N), 0.08)
    red = nir * (1 - ndvi) / (1 + ndvi)
    swir1 = nir * (1 + ndbi) / (1 - ndbi)
    dn = np.stack([np.round((b - R.SR_OFFSET) / R.SR_SCALE) for b in (green, red, nir, swir1)])
    dn[1, 12:18, 12:18] = 0
    qa = np.full((N, N), CLEAR)
    qa[60:66, 30:36] = CLOUD
    return np.concatenate([dn, qa[None]]).astype(np.uint16)


def write_stack(path, stack, descriptions=None):
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(str(path), "w", driver="GTiff", width=stack.shape[2], height=stack.shape[1],
                       count=stack.shape[0], dtype=stack.dtype, crs="EPSG:32631",
                       transform=from_origin(500000.0, 5300000.0, 30.0, 30.0)) as ds:
        ds.write(stack)
        for k, d in enumerate(descriptions or (), start=1):
            ds.set_band_description(k, d)
    return str(path)


def test_sharpen_computes_the_indices_from_surface_reflectance(provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    from lst_fusion.core.data.io import read_raster
    from lst_fusion.core.fusion import sharpen as S

    from .conftest import write_tif
    from .test_sharpen import FACTOR, continuous_lst, footprint_error, modis_of, with_indices

    stack = sr_scene()
    bands = [R.to_reflectance(b, "REFLECTANCE", "b") for b in stack[:4]]
    ndvi, ndwi, ndbi = R.spectral_indices(*bands, qa=stack[4])
    F1 = continuous_lst()
    T = with_indices(F1, np.nan_to_num(ndvi), np.nan_to_num(ndbi))  # the day; the masked pixels are nodata
    C0 = modis_of(T)
    lst = write_tif(tmp_path / "L1_20200101.tif", F1.astype(np.float32))
    base = {"COARSE_REF1": write_tif(tmp_path / "C1_20200101.tif", modis_of(F1).astype(np.float32)),
            "COARSE_TARGET": write_tif(tmp_path / "C0_20200105.tif", C0.astype(np.float32)), "COARSE_PIXEL": 180.0,
            "PREDICTORS": S.PREDICTOR_OPTIONS.index(S.WITH_INDICES), "FINE_REF1": lst}
    sr = write_stack(tmp_path / "LC08_SR_20200101.tif", stack)
    got = read_raster(processing.run("lstfusion:sharpen", dict(base, REFLECTANCE=sr,
                                                               OUTPUT=str(tmp_path / "a.tif")))["OUTPUT"]).data
    masked = np.isnan(ndvi) | np.isnan(ndbi)
    assert masked.sum() == 72 and np.isnan(got[masked]).all()  # the fill hole and the cloud are nodata
    ok = ~masked
    assert np.abs(got[ok] - T[ok]).max() < 0.05  # the bar
    assert footprint_error(np.where(ok, got, np.nan), np.where(ok, C0, np.nan)) < 1e-4  # each footprint: MODIS
    core = S.sharpen(F1, F1, C0, FACTOR, indices=(ndvi, ndwi, ndbi))
    np.testing.assert_allclose(got, core, atol=1e-4, equal_nan=True)  # the algorithm runs the core with them
    # bad input: one sentence naming the parameter, nothing written
    cases = [(dict(REFLECTANCE=write_stack(tmp_path / "three.tif", stack[:3])),
              "REFLECTANCE: three.tif has 3 band(s): a surface reflectance raster holds 4 bands"),
             (dict(REFLECTANCE=write_stack(tmp_path / "x10000.tif", (stack[:4] // 4).astype(np.uint16))),
              "REFLECTANCE: x10000.tif band 1 (green) runs from"),
             (dict(REFLECTANCE=sr, INDICES=sr), "REFLECTANCE: INDICES is given too"),
             (dict(REFLECTANCE=sr, PREDICTORS=0), "REFLECTANCE: a surface reflectance raster is given but PREDICTORS "
                                                  "is 'LST only'")]
    for k, (change, start) in enumerate(cases):
        out = tmp_path / f"bad{k}.tif"
        with pytest.raises(QgsProcessingException) as exc:
            processing.run("lstfusion:sharpen", dict(base, OUTPUT=str(out), **change))
        text = str(exc.value).replace("Unable to execute algorithm\n", "", 1)
        assert text.startswith(start), text
        assert "Traceback" not in text and not os.path.exists(out)


def test_reflectance_is_appended_last(provider):
    from lst_fusion.algorithms.fusion import fusion_class

    alg = fusion_class("sharpen")()
    alg.initAlgorithm()
    names = [p.name() for p in alg.parameterDefinitions()]
    assert names[-1] == "REFLECTANCE" and names.index("OUTPUT_UNCERTAINTY") == len(names) - 2
    from lst_fusion.algorithms import qgis_enums

    assert alg.parameterDefinition("REFLECTANCE").flags() & qgis_enums.PARAMETER_OPTIONAL


def test_a_file_is_read_alike_as_dn_with_gdal_scale_or_as_reflectance(tmp_path):
    """The same bands as C2 DN, as DN with the GDAL band scale/offset set (the file's own tags say reflectance), and
    as float reflectance whose bands are named in another order: the same indices, off the grid one sentence."""
    import rasterio

    from lst_fusion.core.data.io import read_grid

    stack = sr_scene()
    dn = write_stack(tmp_path / "dn.tif", stack)
    grid = read_grid(dn)
    want = R.read_indices(dn, grid)
    tagged = write_stack(tmp_path / "tagged.tif", stack)
    with rasterio.open(tagged, "r+") as ds:
        ds.scales = [R.SR_SCALE] * 4 + [1.0]
        ds.offsets = [R.SR_OFFSET] * 4 + [0.0]
    refl = np.stack([R.to_reflectance(b, "R", "b") for b in stack[:4]] + [stack[4].astype(np.float64)])
    order = [4, 3, 2, 1, 0]  # qa_pixel, swir1, nir, red, green
    named = write_stack(tmp_path / "named.tif", refl[order].astype(np.float32),
                        [("green", "red", "nir", "swir1", "qa_pixel")[k] for k in order])
    for path in (tagged, named):
        for got, w in zip(R.read_indices(path, grid), want):
            np.testing.assert_allclose(got, w, atol=2e-6, equal_nan=True)  # float32 reflectance
    assert np.isfinite(want[0]).sum() == stack.shape[1] * stack.shape[2] - 72
    other = write_stack(tmp_path / "other.tif", stack[:, :60])
    with pytest.raises(LstFusionError, match="^REFLECTANCE: other.tif is not on the fine reference's grid"):
        R.read_indices(other, grid)
