"""The HTML reports: header, subregion outlines, equal-aspect scatter with a 1:1 line, 2-98 % stretch,
one panel per method in the comparison."""
import numpy as np
import pytest
from rasterio.transform import from_origin

from lst_fusion.core.evaluation import report

from .conftest import synthetic_scene

T = from_origin(0, 600, 10, 10)  # 60 x 60 px of 10 m
SQUARE = {"type": "Polygon", "coordinates": [[(100, 500), (200, 500), (200, 400), (100, 400), (100, 500)]]}


def test_temperature_stretch_is_2_to_98_percent_of_valid_pixels():
    a = np.arange(101, dtype=np.float32)
    assert report.temperature_stretch(a) == (2.0, 98.0)
    b = np.concatenate([a, [np.nan, np.inf]])
    assert report.temperature_stretch(b) == (2.0, 98.0)
    assert report.STRETCH_PERCENT == (2, 98)


def test_outlines_land_on_the_pixels_they_cover():
    (name, rings), = report.outline_paths([("park", SQUARE)], T)
    cols, rows = rings[0]
    # x 100..200 m = columns 10..20 (edges), shown at pixel-centre coordinates - 0.5
    assert name == "park"
    np.testing.assert_allclose(cols, [9.5, 19.5, 19.5, 9.5, 9.5])
    np.testing.assert_allclose(rows, [9.5, 9.5, 19.5, 19.5, 9.5])
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], [[(0, 600), (50, 600), (50, 550), (0, 600)]]]}
    (_, rings), = report.outline_paths([("two", multi)], T)
    assert len(rings) == 2 and rings[1][0][1] == pytest.approx(4.5)


def test_maps_share_a_2_98_stretch_and_show_the_outlines():
    ref = synthetic_scene(60)
    pred = ref + 1.0
    outlines = report.outline_paths([("park", SQUARE)], T)
    fig = report.maps_figure(pred, ref, "°C", outlines)
    ax_ref, ax_pred, ax_err = fig.axes[:3]
    lo, hi = np.percentile(np.concatenate([ref.ravel(), pred.ravel()]), [2, 98])
    for ax in (ax_ref, ax_pred):
        assert ax.images[0].get_clim() == pytest.approx((lo, hi))
    for ax in (ax_ref, ax_pred, ax_err):
        drawn = [line for line in ax.lines if np.allclose(line.get_xdata(), [9.5, 19.5, 19.5, 9.5, 9.5])]
        assert len(drawn) == 2  # white halo + black line
        assert [t.get_text() for t in ax.texts] == ["park"]
    assert ax_err.images[0].get_clim() == pytest.approx((-1.0, 1.0))


def test_scatter_has_equal_axes_and_a_1_to_1_line():
    rng = np.random.default_rng(0)
    ref = synthetic_scene(60)
    pred = 0.5 * ref + 15 + rng.normal(0, 0.5, ref.shape)  # a slope-0.5 prediction must look like one
    fig = report.scatter_figure(pred, ref, "°C")
    ax = fig.axes[0]
    assert ax.get_aspect() == 1.0
    assert ax.get_xlim() == ax.get_ylim()
    one = [line for line in ax.lines if line.get_label() == "1:1"][0]
    assert list(one.get_xdata()) == list(one.get_ydata()) == list(ax.get_xlim())
    lo, hi = ax.get_xlim()
    assert lo <= min(ref.min(), pred.min()) and hi >= max(ref.max(), pred.max())


def test_report_header_names_method_date_inputs_unit_and_regions(tmp_path):
    ref = synthetic_scene(60)
    pred = ref + 0.5
    header = report.report_header("ESTARFM", "2016-02-18", {"Prediction": "/x/ESTARFM_20160218.tif",
                                                            "Reference": "/y/L_20160218.tif"}, "°C", [("park", SQUARE)])
    assert list(header) == ["Method", "Date", "Prediction", "Reference", "Unit", "Subregions"]
    rows = [{"region": "whole image", "N": 3600, "RMSE": 0.5}]
    text = open(report.write_html(str(tmp_path / "r.html"), "t", rows, pred, ref, header=header,
                                  regions=[("park", SQUARE)], transform=T), encoding="utf-8").read()
    head = text.split("<table class='header'>")[1].split("</table>")[0]
    for expected in ("<th>Method</th><td>ESTARFM</td>", "<th>Date</th><td>2016-02-18</td>",
                     "<td>ESTARFM_20160218.tif</td>", "<td>L_20160218.tif</td>", "<th>Unit</th><td>°C</td>",
                     "<th>Subregions</th><td>park</td>"):
        assert expected in head
    assert text.count("data:image/png;base64,") == 2


def test_comparison_report_has_a_maps_and_error_panel_per_method(tmp_path):
    ref = synthetic_scene(40)
    preds = {"ESTARFM": ref + 0.3, "STARFM": ref - 1.0, "EDCSTFN": ref * 1.06}  # RMSE 0.3, 1.0, about 1.5
    ranked = report.rank_methods([{"method": m, "region": "whole image", "RMSE": float(np.sqrt(np.mean((p - ref) ** 2)))}
                                  for m, p in preds.items()])
    path = report.write_comparison_html(str(tmp_path / "c.html"), "cmp", ranked, ref, preds,
                                        header=report.report_header("comparison", "2020-01-17", unit="°C"))
    text = open(path, encoding="utf-8").read()
    panels = text.split("<h2 class='method'>")[1:]
    assert [p.split("</h2>")[0] for p in panels] == ["ESTARFM", "STARFM", "EDCSTFN"]
    for p in panels:
        assert p.count("data:image/png;base64,") == 2
    ranking = text.split("<h2>Ranking</h2>")[1].split("</table>")[0]
    assert ranking.index("<td>ESTARFM</td>") < ranking.index("<td>STARFM</td>") < ranking.index("<td>EDCSTFN</td>")
