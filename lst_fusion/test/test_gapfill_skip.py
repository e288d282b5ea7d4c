"""Older defects (issue 37, class 10), through processing.run: gapfill skips a fully cloudy other date and INPUT
given among its own other dates, each with a note; a subregion that covers no pixel of the rasters is treated as an
empty layer is (refused when no polygon covers one, else left out with one warning naming SUBREGIONS)."""
import csv
import os

import numpy as np

from .test_bad_inputs import Env, run_bad, subregions
from .test_processing_run import ErrorCollectingFeedback


def gappy(e):
    """FINE_REF2's date (2020-02-02) with a cloud over the top third, and clear dates either side."""
    a = np.array(e.arrays["FINE_REF2"], dtype=np.float32)
    a[:8] = np.nan
    return (e.tif("L_20200202.tif", a), e.tif("L_20200117.tif", e.arrays["FINE_REF2"] - 1.0),
            e.tif("L_20200218.tif", e.arrays["FINE_REF2"] + 1.0))


def run_gapfill(e, others, out):
    import processing

    fb = ErrorCollectingFeedback()
    target = gappy(e)[0]
    res = processing.run("lstfusion:gapfill", {"INPUT": target, "OTHER_DATES": others, "OUTPUT": e.o(out)},
                         feedback=fb)
    return res, fb


def test_a_fully_cloudy_other_date_is_skipped_with_a_note(provider, tmp_path):
    """Was: 'OTHER_DATES (L_20200210): the raster has no valid pixel (all nodata)' and no output at all."""
    from lst_fusion.core.data.io import read_raster

    e = Env(tmp_path)
    target, before, after = gappy(e)
    cloudy = e.tif("L_20200210.tif", np.full((24, 24), np.nan))
    files = e.files()
    res, fb = run_gapfill(e, [before, cloudy, after], "g.tif")
    assert ("OTHER_DATES (L_20200210): L_20200210.tif has no clear pixel (all nodata, a fully cloudy date): left out"
            in fb.infos), fb.infos
    assert res["FILLED_TEMPORAL"] == 8 * 24 and res["FILLED_SPATIAL"] == 0
    # 2020-02-02 between 2020-01-17 (-1 K) and 2020-02-18 (+1 K), 16 days either side: FINE_REF2 itself
    np.testing.assert_allclose(read_raster(res["OUTPUT"]).data[:8], e.arrays["FINE_REF2"][:8], atol=1e-3)
    assert {p: h for p, h in e.files().items() if p in files} == files


def test_input_among_its_own_other_dates_is_left_out_with_a_note(provider, tmp_path):
    """Was: accepted silently. Left out (not refused): the batch dialog passes one OTHER_DATES list for every date."""
    from lst_fusion.core.data.io import read_raster

    e = Env(tmp_path)
    target, before, after = gappy(e)
    with_input, fb = run_gapfill(e, [before, target, after], "with.tif")
    without, _ = run_gapfill(e, [before, after], "without.tif")
    assert ("OTHER_DATES (L_20200202): L_20200202.tif is INPUT itself: left out (the temporal step fills INPUT from "
            "other dates)") in fb.infos, fb.infos
    np.testing.assert_array_equal(read_raster(with_input["OUTPUT"]).data, read_raster(without["OUTPUT"]).data)


def outside_zones(e, inside=False):
    """A GeoJSON layer with a polygon 10 km east of the 24 x 24 px rasters (and one over them with ``inside``)."""
    far = ('{"type":"Feature","properties":{"zone":"far"},"geometry":{"type":"Polygon","coordinates":'
           '[[[510000,5300000],[510720,5300000],[510720,5299640],[510000,5299640],[510000,5300000]]]}}')
    near = ('{"type":"Feature","properties":{"zone":"north"},"geometry":{"type":"Polygon","coordinates":'
            '[[[500000,5300000],[500720,5300000],[500720,5299640],[500000,5299640],[500000,5300000]]]}}')
    p = os.path.join(e.d, "zones_out.geojson")
    with open(p, "w") as fh:
        fh.write('{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32631"}},"features":['
                 + ",".join([near, far] if inside else [far]) + "]}")
    return p


def test_a_layer_whose_polygons_all_lie_outside_is_refused_as_an_empty_one(provider, tmp_path):
    """Was: an N = 0 row without a warning (while an empty layer is refused)."""
    e = Env(tmp_path)
    params = {**subregions(e, "zone"), "SUBREGIONS": outside_zones(e)}
    files = e.files()
    message = run_bad("evaluate", params)
    assert message == ("SUBREGIONS: no polygon of the layer covers a pixel of the rasters ('far': outside them, or "
                       "between pixel centres): give polygons over the rasters, or leave SUBREGIONS empty to score "
                       "the whole image"), message
    assert e.files() == files
    message = run_bad("compare_methods", {"PREDICTIONS": [e.roles["FINE_REF2"]], "REFERENCE": e.roles["FINE_REF1"],
                                          "SUBREGIONS": outside_zones(e), "NAME_FIELD": "zone",
                                          "OUTPUT_TABLE": e.o("c.csv")})
    assert message.startswith("SUBREGIONS: no polygon of the layer covers a pixel of the rasters ('far'"), message


def test_a_polygon_outside_beside_others_is_left_out_with_a_warning(provider, tmp_path):
    import processing

    e = Env(tmp_path)
    fb = ErrorCollectingFeedback()
    res = processing.run("lstfusion:evaluate", {**subregions(e, "zone"), "SUBREGIONS": outside_zones(e, inside=True)},
                         feedback=fb)
    assert fb.warnings == ["SUBREGIONS: 1 polygon(s) cover no pixel of the rasters ('far': outside them, or between "
                           "pixel centres): left out of the table"], (fb.warnings, fb.infos)
    with open(res["OUTPUT_TABLE"], newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["region"], r["N"]) for r in rows] == [("whole image", "576"), ("north", "288")]
