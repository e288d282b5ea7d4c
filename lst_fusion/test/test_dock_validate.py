"""The dock's Validate section (validate_methods in the background, its mean table, the recommendation handed to
the Series section) and every section's settings saved and restored under its own key."""
import csv

import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProject, QgsSettings, QgsVectorLayer

from lst_fusion.core.data.io import read_raster
from lst_fusion.core.data.pairing import read_index
from lst_fusion.ui.methods import series_choices_auto_index
from lst_fusion.ui.validate import MEAN_COLUMNS, mean_table
from lst_fusion.ui.widgets import date_text, set_date
from lst_fusion.validation import validate
from lst_fusion.validation.auto import RESIDUAL_OF_VARIANT

from .conftest import write_series_folders
from .test_dock import open_dock, plugin, wait_for  # noqa: F401  (the plugin fixture)
from .test_validate import constructed


@pytest.fixture
def series_folders(tmp_path, tif):
    """Five same-day pairs (32 x 32, test_validate.constructed) as m/M_*.tif and l/L_*.tif, and their dataset ds/."""
    pairs, _ = constructed()
    write_series_folders(tmp_path, tif, pairs)
    return tmp_path


def test_mean_table_of_a_csv_known_answer(tmp_path):
    path = tmp_path / "v.csv"
    cols = ["method", "variant", "date", "region", *validate.COLUMNS]
    rows = [("MODIS resampled", "as is", "2020-01-01", 2.0), ("MODIS resampled", "as is", "2020-02-01", 4.0),
            ("STARFM", "+SM", "2020-01-01", 1.0), ("STARFM", "+SM", "2020-02-01", 3.0)]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for m, v, d, rmse in rows:
            w.writerow([m, v, d, "whole image", rmse] + [0.5] * (len(validate.COLUMNS) - 1))
    table = mean_table(path)
    assert [(r["method"], r["variant"], r["dates"], r["RMSE"]) for r in table] == [
        ("STARFM", "+SM", 2, 2.0), ("MODIS resampled", "as is", 2, 3.0)]
    assert table[0]["beats MODIS resampled"] == "2/2"
    assert table[0]["vs MODIS resampled"] == "+33.3 %"  # (3 - 2) / 3


def test_validate_section_runs_fills_the_mean_table_and_sets_the_series_method(plugin, series_folders):  # noqa: F811
    out = series_folders / "out"
    from lst_fusion.ui.dock import LstFusionDock

    QgsSettings().remove("lstfusion/dock/validate")  # nothing saved: the defaults
    fresh = LstFusionDock(None)
    checks = fresh.validation.method_checks
    from lst_fusion.core.fusion import methods as fusion_methods

    classical = {m.label for m in fusion_methods.METHODS if m.classical and m.fusion}
    assert classical >= {"STARFM", "ESTARFM", "Fit-FC", "FSDAF"}
    assert {key for key, (check, m) in checks.items() if check.isChecked()} == classical  # the classical ones
    # every fusion method; MODIS resampled is the baseline row of every validation, not a method to tick
    assert len(checks) == len([m for m in fusion_methods.METHODS if m.fusion]) and fresh.validation.epochs.value() == 5
    fresh.deleteLater()
    dock = open_dock(plugin)
    section = dock.validation
    for key, (check, m) in section.method_checks.items():
        check.setChecked(key in ("ESTARFM", "STARFM"))
    section.use_series.setChecked(False)
    section.dataset.setFilePath(str(series_folders / "ds"))
    section.output.setFilePath(str(out))
    alg_id, params = section.parameters()
    assert alg_id == "lstfusion:validate_methods"
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    assert sorted(alg.parameterDefinition("METHODS").options()[i] for i in params["METHODS"]) == ["ESTARFM", "STARFM"]
    assert params["DATASET"] == str(series_folders / "ds") and params["EPOCHS"] == 5
    assert alg.checkParameterValues(params, QgsProcessingContext())[0]

    assert section.run() is not None
    assert section.cancel_button.isEnabled() and not dock.series.run_button.isEnabled()
    wait_for(dock)
    assert section.progress.value() == 100
    # the reference: the engine itself on the dataset's pairs
    pairs = {r["date"]: (read_raster(r["landsat"]).data, read_raster(r["modis"]).data)
             for r in read_index(series_folders / "ds") if r["status"] == "pair"}
    want = validate.run(pairs, ["STARFM", "ESTARFM"], str(series_folders / "ref.csv"), log=lambda *_: None)
    table = section.table
    headers = [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]
    assert headers[:4] == ["Method", "Variant", "Dates", "RMSE"] and len(headers) == len(MEAN_COLUMNS)
    # both baselines, 3 candidates (STARFM with 1 and with 2 pairs, ESTARFM) x 3 variants, auto
    assert table.rowCount() == len(want["means"]) == 2 + 3 * 3 + 1
    keys = [key for key, _, _ in MEAN_COLUMNS]
    shown = {(table.item(i, 0).text(), table.item(i, 1).text()): {k: table.item(i, j).text() for j, k in
                                                                 enumerate(keys)} for i in range(table.rowCount())}
    assert set(shown) == {(m["method"], m["variant"]) for m in want["means"]}
    for m in want["means"]:  # rounded in the CSV and to 3 decimals shown: near-ties may swap places
        row = shown[(m["method"], m["variant"])]
        for c in validate.COLUMNS:
            assert float(row[c]) == pytest.approx(m[c], abs=1e-3), (m["method"], m["variant"], c)
        assert row["beats MODIS resampled"] == m["beats MODIS resampled"] and row["dates"] == "3"
    rmse = [float(table.item(i, keys.index("RMSE")).text()) for i in range(table.rowCount())]
    assert rmse == sorted(rmse)  # lowest mean RMSE first
    rec = want["recommendation"]
    assert section.recommendation == (rec["method"], rec["variant"])
    assert section.status.text().startswith(f"Validated on 3 test date(s): recommended {rec['method']} "
                                            f"{rec['variant']}"), section.status.text()
    bold = [i for i in range(table.rowCount()) if table.item(i, 0).font().bold()]
    assert [(table.item(i, 0).text(), table.item(i, 1).text()) for i in bold] == [(rec["method"], rec["variant"])]
    assert section.report_button.isEnabled() and (out / "validation.html").exists()

    # "Use recommendation": the Series method and its correction (the variant)
    dock.series.method.setCurrentIndex(dock.series.method.findData(series_choices_auto_index()))  # auto
    dock.series.correction.setCurrentIndex(0)
    assert section.use_button.isEnabled()
    section.use_button.click()
    from lst_fusion.algorithms.fuse_series import PAIR_OPTIONS
    from lst_fusion.core.fusion.methods import get, parse_candidate

    mid, rule = parse_candidate(rec["method"])
    assert dock.series.method.currentText() == get(mid).label
    assert dock.series.correction.currentText() == RESIDUAL_OF_VARIANT[rec["variant"]]
    params = dock.series.parameters()[1]
    assert params["METHOD"] == ["estarfm", "starfm"].index(mid)
    assert PAIR_OPTIONS[params["PAIRS"]][1] == (rule if mid == "starfm" else None)  # the candidate that was scored
    for candidate, index in (("STARFM (1 pair)", 1), ("STARFM (2 pairs)", 2), ("STARFM", 0)):
        section.recommendation = (candidate, "+SM")
        assert section.use_recommendation() and dock.series.parameters()[1]["PAIRS"] == index
    series_alg = QgsApplication.processingRegistry().algorithmById("lstfusion:fuse_series")
    assert series_alg.parameterDefinition("METHOD").defaultValue() == series_choices_auto_index() == 7  # auto
    for variant, mode in (("as is", "none"), ("+SM", "scene mean"), ("+RC", "MODIS footprint")):
        section.recommendation = ("ESTARFM", variant)
        assert section.use_recommendation()
        assert (dock.series.method.currentText(), dock.series.correction.currentText()) == ("ESTARFM", mode)
    section.recommendation = ("no such method", "as is")
    assert not section.use_recommendation() and "not a method of the Series section" in section.status.text()


def test_validate_section_takes_the_series_folders_and_says_what_is_missing(plugin, series_folders):  # noqa: F811
    dock = open_dock(plugin)
    section = dock.validation
    dock.series.modis.setFilePath("")
    section.use_series.setChecked(True)
    assert not section.dataset.isEnabled()
    assert section.run() is None
    assert section.status.text() == ("MODIS/LANDSAT: choose the Series section's MODIS and Landsat folders (with "
                                     "rasters) first")
    dock.series.modis.setFilePath(str(series_folders / "m"))
    dock.series.landsat.setFilePath(str(series_folders / "l"))
    for check, _ in section.method_checks.values():
        check.setChecked(False)
    assert section.run() is None and section.status.text() == "METHODS: choose at least one method"
    section.method_checks["STARFM"][0].setChecked(True)
    section.output.setFilePath(str(series_folders / "out2"))
    _, params = section.parameters()
    assert params["MODIS"] == [str(series_folders / "m" / f) for f in sorted(p.name for p in (series_folders / "m").iterdir())]
    assert len(params["LANDSAT"]) == 5 and "DATASET" not in params
    # two pairs only: the algorithm's one sentence, in the section's status line
    for p in sorted((series_folders / "l").iterdir())[2:]:
        p.unlink()
    assert section.run() is not None
    wait_for(dock)
    assert section.status.text().startswith("Failed: DATASET: not enough pairs for an accuracy test"), \
        section.status.text()
    assert "got 2" in section.status.text() and not section.use_button.isEnabled()
    section.use_series.setChecked(False)
    section.method_checks["ESTARFM"][0].setChecked(True)


def test_validate_section_cancels(plugin, series_folders):  # noqa: F811
    dock = open_dock(plugin)
    section = dock.validation
    section.use_series.setChecked(False)
    section.dataset.setFilePath(str(series_folders / "ds"))
    section.output.setFilePath(str(series_folders / "cancelled"))
    assert section.run() is not None
    section.cancel_button.click()
    wait_for(dock)
    assert section.status.text() == "Cancelled; no output was written."
    assert not (series_folders / "cancelled" / "validation.csv").exists() and not section.use_button.isEnabled()
    assert section.run_button.isEnabled() and not section.cancel_button.isEnabled()


def test_every_section_saves_and_restores_its_settings(plugin, series_folders, qgis_new_project):  # noqa: F811
    from lst_fusion.ui.dock import LstFusionDock

    dock = open_dock(plugin)
    zones = QgsVectorLayer("Polygon?crs=EPSG:32631&field=name:string", "zones", "memory")
    QgsProject.instance().addMapLayer(zones)
    dock.fusion.method.setCurrentIndex(dock.fusion.method.findText("STARFM"))
    dock.evaluation.regions.setLayer(zones)
    dock.evaluation.name_field.setField("name")
    dock.download.max_cloud.setValue(42)
    dock.series.modis.setFilePath(str(series_folders / "m"))
    dock.series.landsat.setFilePath(str(series_folders / "l"))
    dock.series.set_method("ESTARFM", "scene mean")
    set_date(dock.series.start_date, "2020-01-17")
    set_date(dock.series.end_date, None)  # no end date: the last MODIS date
    dock.series.output.setFilePath(str(series_folders / "series"))
    dock.validation.dataset.setFilePath(str(series_folders / "ds"))
    dock.validation.use_series.setChecked(True)
    dock.validation.epochs.setValue(7)
    dock.validation.method_checks["STARFM"][0].setChecked(False)
    dock.validation.method_checks["ESTARFM"][0].setChecked(True)
    dock.validation.output.setFilePath(str(series_folders / "val"))
    dock.save()
    s = QgsSettings()
    assert s.value("lstfusion/dock/series/method") == "ESTARFM"
    assert s.value("lstfusion/dock/series/start") == "2020-01-17" and s.value("lstfusion/dock/series/end") == ""
    assert int(s.value("lstfusion/dock/validate/epochs")) == 7
    assert s.value("lstfusion/dock/evaluation/subregions") == zones.source()

    fresh = LstFusionDock(None)
    assert fresh.fusion.method.currentText() == "STARFM"
    assert fresh.evaluation.regions.currentLayer() is zones and fresh.evaluation.name_field.currentField() == "name"
    assert fresh.download.max_cloud.value() == 42
    assert fresh.series.parameters() == dock.series.parameters()
    assert date_text(fresh.series.start_date) == "2020-01-17" and date_text(fresh.series.end_date) == ""
    assert fresh.series.correction.currentText() == "scene mean"
    assert fresh.validation.parameters() == dock.validation.parameters()
    assert fresh.validation.use_series.isChecked() and not fresh.validation.dataset.isEnabled()
    assert [m.key for m in fresh.validation.chosen()] == ["ESTARFM"]
    fresh.deleteLater()
    dock.validation.use_series.setChecked(False)
    dock.validation.method_checks["STARFM"][0].setChecked(True)


def test_an_auto_series_says_what_it_applied_and_why(plugin, series_folders, qgis_new_project):  # noqa: F811
    """Issue 43: after a Series run with auto, the status line, the group's name, each layer's abstract, series.csv
    and the season report say which method and variant ran and why; the Correction box shows what was applied."""
    from lst_fusion.core.fusion.residual import MODES as CORRECTIONS
    from lst_fusion.series import read_series_csv

    dock = open_dock(plugin)
    dock.series.modis.setFilePath(str(series_folders / "m"))
    dock.series.landsat.setFilePath(str(series_folders / "l"))
    dock.series.method.setCurrentIndex(dock.series.method.findData(series_choices_auto_index()))
    dock.series.correction.setCurrentIndex(list(CORRECTIONS).index("none"))
    set_date(dock.series.start_date, "2020-01-17")
    set_date(dock.series.end_date, "2020-02-02")
    dock.series.output.setFilePath(str(series_folders / "series"))
    assert dock.series.run_series() is not None
    wait_for(dock, timeout=300)
    status = dock.series.status.text()
    # five pairs: auto's leave-one-date-out chose; the status names it and its inner scores
    assert "Applied: " in status and "Why: METHOD=auto: " in status and "RMSE over 5 date(s)" in status, status
    applied = status.split("Applied: ")[1].split(". Why: ")[0]
    rows = read_series_csv(str(series_folders / "series" / "series.csv"))
    fused = [r for r in rows if r["output"]]
    assert fused and {r["method"] for r in fused} == {applied}
    assert all(r["choice"].startswith("METHOD=auto: ") and "RMSE over 5 date(s)" in r["choice"] for r in fused)
    variant = next((v for v in ("+SM", "+RC") if f" {v}" in applied), "as is")
    assert dock.series.correction.currentText() == RESIDUAL_OF_VARIANT[variant]  # what was applied, not "none"
    group = next(g for g in QgsProject.instance().layerTreeRoot().findGroups() if g.name().startswith("LST auto: "))
    assert group.name() == f"LST auto: {applied} series 2020-01-17 to 2020-02-02"
    layer = group.findLayers()[0].layer()
    abstract = layer.metadata().abstract()
    assert abstract.startswith(f"{applied} on 2020-01-17") and "Why: METHOD=auto: " in abstract, abstract
    assert "Unit: °C (guessed from the values)." in abstract
    report = (series_folders / "series" / "series_report.html").read_text(encoding="utf-8")
    from lst_fusion.core.evaluation.report import cell_html

    assert cell_html(applied) in report and "RMSE over 5 date(s)" in report
