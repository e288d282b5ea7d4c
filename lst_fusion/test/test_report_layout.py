"""The reports' layout rules (issue 43): dates never wrap, a wide table scrolls instead of being cut, no row
for an absent section, one sentence where a plot would be empty, the unit on every figure's value axes, the
fused mean visible over MODIS's, and a "how to read this" paragraph at the top of every report."""
import datetime as dt
import html
import re
from types import SimpleNamespace

import numpy as np

from lst_fusion.core.evaluation import report
from lst_fusion.series import season
from lst_fusion.validation import validate

from .conftest import synthetic_scene
from .test_validate import constructed

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def css_rule(selector):
    return re.search(re.escape(selector) + r"\{([^}]*)\}", report.HTML_STYLE).group(1)


def dates_kept_whole(text):
    """Every ISO date shown in a page's body is in a <td> that does not wrap (no class 'long'), a nowrap span or a
    heading; the dates that break this, with what precedes them."""
    body = text.split("<body>", 1)[1]
    bad = []
    for m in DATE.finditer(body):
        before = body[:m.start()]
        in_span = before.endswith("<span class='nw'>")
        cell = before[before.rfind("<td"):]
        in_short_cell = cell.startswith("<td") and "</td>" not in cell and "class='long'" not in cell.split(">")[0]
        in_heading = before.rfind("<h") > max(before.rfind("</h"), before.rfind("<p"), before.rfind("<td"))
        in_tag = before.rfind("<") > before.rfind(">")  # an attribute (an image's alt text)
        if not (in_span or in_short_cell or in_heading or in_tag):
            bad.append(body[max(0, m.start() - 60):m.end()])
    return bad


def test_cells_never_wrap_dates_and_wide_tables_scroll():
    assert "white-space:nowrap" in css_rule("td,th") and "white-space:normal" in css_rule("td.long")
    assert "white-space:nowrap" in css_rule("span.nw") and "overflow-x:auto" in css_rule("div.scroll")
    long_text = "STARFM (1 pair) 0.0255; STARFM (2 pairs) 0.0255; chosen on 2020-03-17 from 2020-03-08"
    html = report.table_html([{"date": "2020-03-17", "why": long_text, "RMSE": 0.5}], ["date", "why", "RMSE"])
    assert html.startswith("<div class='scroll'><table>")
    assert "<td>2020-03-17</td>" in html and "<td class='num'>0.5" in html
    assert "<td class='long'>" in html and "<span class='nw'>2020-03-08</span>" in html
    head = report.header_html({"Prediction (STARFM 2016-03-08)": "x.tif", "deep models": None, "Unit": "K"})
    assert "<span class='nw'>2016-03-08</span>" in head and "deep models" not in head


def test_validation_report_rules(tmp_path):
    """Classical methods only: no 'deep models' row; three test dates: the variability scatter is drawn; the
    unit on the strong-change sentence; every date kept whole; the how-to paragraph first."""
    pairs, classes = constructed()
    html_path = tmp_path / "v.html"
    validate.run(pairs, ["STARFM"], str(tmp_path / "v.csv"), str(html_path), block=8, classes=classes,
                 unit="°C", log=lambda s: None)
    text = html_path.read_text(encoding="utf-8")
    assert "<th>deep models</th>" not in text and "<th>unit</th><td>°C</td>" in text
    assert text.index("How to read this") < text.index("<table")
    assert "alt='variability scatter'" in text and "No scatter" not in text
    assert "≥ 5 °C" in text
    assert dates_kept_whole(text) == []


def test_validation_report_with_one_test_date_says_why_there_is_no_scatter(tmp_path):
    pairs, classes = constructed()
    three = dict(list(pairs.items())[:3])  # one test date
    validate.run(three, ["STARFM"], str(tmp_path / "v.csv"), str(tmp_path / "v.html"), block=8, classes=classes,
                 unit="K", log=lambda s: None)
    text = html.unescape((tmp_path / "v.html").read_text(encoding="utf-8"))
    assert "alt='variability scatter'" not in text
    assert "<p class='empty'>No scatter: it plots each test date's RMSE against its MODIS change, and this " \
           "validation has 1 test date(s); it needs at least two" in text


def test_every_figure_has_its_unit_on_its_value_axes():
    ref = synthetic_scene(40)
    maps = report.maps_figure(ref + 1, ref, "°C")
    assert [ax.get_ylabel() for ax in maps.axes[3:]] == ["LST (°C)", "error (°C)"]  # the colour bars
    refl = report.maps_figure(ref + 1, ref, "reflectance 0-1", quantity="reflectance")
    assert [ax.get_ylabel() for ax in refl.axes[3:]] == ["reflectance 0-1", "error (reflectance 0-1)"]
    scatter = report.scatter_figure(ref + 1, ref, "°C")
    assert scatter.axes[0].get_legend() is None and [t.get_text() for t in scatter.axes[0].texts] == ["1:1"]  # no box
    assert [scatter.axes[0].get_xlabel(), scatter.axes[0].get_ylabel(), scatter.axes[1].get_xlabel()] == [
        "reference (°C)", "prediction (°C)", "error (°C)"]
    rows = [{"method": m, "class": c, "RMSE": 1.0} for m in ("a", "b") for c in ("1", "2")]
    assert validate.class_figure(rows, "K").axes[0].get_ylabel() == "RMSE (K)"
    var = [{"mean |dMODIS|": x, "RMSE a": x / 2} for x in (1.0, 3.0)]
    ax = validate.variability_figure(var, ["RMSE a"], "K").axes[0]
    assert ax.get_ylabel() == "RMSE (K)" and ax.get_xlabel().endswith("(K)")
    assert validate.class_figure([], "K") is None and validate.variability_figure(var[:1], ["RMSE a"], "K") is None
    assert report.axis_label("RMSE", "") == "RMSE (unit not recorded)"


def season_rows(values=(20.0, 22.0, 21.0)):
    days = ["2020-03-08", "2020-03-17", "2020-04-02"]
    return [{"date": d, "region": "whole image", "source": s, "mean": v + (0 if s == "fused" else 0.0), "p10": v - 1,
             "p90": v + 1, "valid": 10} for d, v in zip(days, values) for s in ("fused", "MODIS")]


def test_season_figure_fused_mean_stays_visible_legend_outside_unit_on_axis():
    fig = season.season_figure(season_rows(), "whole image", ["2020-03-08"], "°C")
    ax = fig.axes[0]
    fused, modis = (next(line for line in ax.lines if line.get_label().startswith(s)) for s in ("fused", "MODIS"))
    # where they coincide (here exactly), the fused line is wider and drawn under MODIS's dashed one
    assert fused.get_linewidth() > 1.8 * modis.get_linewidth() and fused.get_zorder() < modis.get_zorder()
    assert modis.get_linestyle() == "--"
    legend = ax.get_legend()
    assert legend is not None and legend.get_bbox_to_anchor().bounds[0] > ax.bbox.bounds[0] + ax.bbox.bounds[2] - 1
    assert ax.get_ylabel() == "LST (°C)"
    assert season.season_figure(season_rows((np.nan,) * 3), "whole image", [], "°C") is None


def test_season_report_says_why_a_plot_is_missing_and_opens_with_how_to_read_it(tmp_path):
    rows = season_rows() + [{**r, "region": "park", "mean": np.nan, "p10": np.nan, "p90": np.nan, "valid": 0}
                            for r in season_rows()]
    result = SimpleNamespace(method="ESTARFM", rows=[{"date": "2020-03-08"}, {"date": "2020-04-02"}], outputs=[1, 2, 3],
                             pairs=["2020-03-08", "2020-04-02"], uncertainty=None, source_steps=[])
    text = open(season.write_season_html(str(tmp_path / "s.html"), result, rows, "celsius"), encoding="utf-8").read()
    assert text.count("<img") == 1
    assert "<p class='empty'>No plot for park: no fused or MODIS pixel of it is valid on any date.</p>" in text
    assert text.index("How to read this") < text.index("<table") and "<th>Unit</th><td>°C</td>" in text
    assert dates_kept_whole(text) == []


def test_evaluation_and_comparison_reports_open_with_how_to_read_them(tmp_path):
    ref = synthetic_scene(30)
    header = report.report_header("STARFM", "2016-03-08", {"Reference": "L_20160308.tif"}, "°C")
    rows = [{"region": "whole image", "N": 900, "RMSE": 1.0}]
    for text in (open(report.write_html(str(tmp_path / "e.html"), "t", rows, ref + 1, ref, header=header),
                      encoding="utf-8").read(),
                 open(report.write_comparison_html(str(tmp_path / "c.html"), "t", rows, ref, {"STARFM 2016-03-08": ref + 1},
                                                   header=header), encoding="utf-8").read()):
        assert text.index("How to read this") < text.index("<table") and dates_kept_whole(text) == []
    assert dt.date.fromisoformat("2016-03-08")
