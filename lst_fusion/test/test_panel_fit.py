"""The panel at its default width (issue 43, "Cut and overlapping"): no message cut, no table cut after its
third column, Search off at once when pystac-client is missing."""
import pytest


@pytest.fixture
def narrow_dock(qgis_app, qgis_processing, qgis_new_project):
    """The dock as QGIS first shows it: at its minimum width (what the sections need), 900 px tall."""
    from lst_fusion.ui.dock import LstFusionDock

    def make():
        dock = LstFusionDock()
        dock.resize(dock.minimumSizeHint().width(), 900)
        dock.show()
        settle()
        return dock

    docks = []
    yield lambda: docks.append(make()) or docks[-1]
    for d in docks:
        d.shutdown()
        d.close()
        d.deleteLater()


def settle():
    from qgis.core import QgsApplication

    for _ in range(5):
        QgsApplication.processEvents()


def not_cut(text_widget):
    """The whole text of a widgets.MessageText is inside it: no line below its bottom, none wider than it."""
    doc = text_widget.document()
    return (doc.size().height() <= text_widget.viewport().height() + 1
            and doc.idealWidth() <= text_widget.viewport().width() + 1)


def test_a_missing_pystac_client_switches_search_off_at_once_and_its_message_is_whole(narrow_dock, monkeypatch):
    from lst_fusion.core.platform import backends

    real = backends.available
    monkeypatch.setattr(backends, "available", lambda module: module != "pystac_client" and real(module))
    dock = narrow_dock()
    section = dock.download
    assert not section.search_button.isEnabled() and not section.download_button.isEnabled()  # before any click
    text = section.warning.text()
    assert text.startswith("The Python package 'pystac-client' is not installed") and text.endswith("restart QGIS")
    assert section.warning.height() > 5 * section.warning.fontMetrics().lineSpacing()  # more than five lines shown
    assert not_cut(section.warning)
    section.status.setText("Failed: " + text)  # the status line too (a message from the run)
    settle()
    assert not_cut(section.status)


def test_search_is_on_when_pystac_client_is_there(narrow_dock, monkeypatch):
    from lst_fusion.core.platform import backends

    monkeypatch.setattr(backends, "available", lambda module: True)
    dock = narrow_dock()
    assert dock.download.unavailable == ""
    assert not any("pystac" in p for p in dock.download.problems())


def test_the_evaluation_table_shows_every_metric_and_region_at_the_default_width(narrow_dock):
    from lst_fusion.core.evaluation.metrics import METRICS

    dock = narrow_dock()
    section = dock.evaluation
    rows = [dict(region=name, N="159999", **{m: "-12.3456" for m in METRICS})
            for name in ("whole image", "north half (deep-model training area)", "south half (held out)")]
    section.fill_table(rows)
    settle()
    table = section.table
    shown = sum(table.columnWidth(j) for j in range(table.columnCount())) + table.verticalHeader().width()
    assert shown <= table.viewport().width() + table.verticalHeader().width()  # no column behind a scroll bar
    assert table.rowCount() == 1 + len(METRICS)  # N and every metric, not cut at RMSE
    assert table.rowViewportPosition(table.rowCount() - 1) + table.rowHeight(table.rowCount() - 1) \
        <= table.viewport().height()  # every metric's row visible without scrolling
    assert table.horizontalHeaderItem(1).toolTip() == "north half (deep-model training area)"
    from lst_fusion.ui.evaluation import REGION_COLUMN_WIDTH

    fm = table.horizontalHeader().fontMetrics()
    for j in range(3):  # each header line inside its column (broken at spaces, elided beyond three lines' worth)
        lines = table.horizontalHeaderItem(j).text().split("\n")
        assert 1 <= len(lines) <= 3 and all(fm.horizontalAdvance(line) <= REGION_COLUMN_WIDTH - 12 for line in lines)
    assert table.horizontalHeaderItem(1).text().startswith("north half\n")
    assert float(table.item(1 + list(METRICS).index("RMSE"), 2).text()) == -12.3456


def test_the_stac_address_shows_its_host_and_is_whole_in_the_tooltip(narrow_dock):
    dock = narrow_dock()
    url = "https://planetarycomputer.microsoft.com/api/stac/v1/search?collections=modis-11A1-061"
    dock.download.stac_url.setText(url)
    assert dock.download.stac_url.cursorPosition() == 0
    assert dock.download.stac_url.toolTip().endswith(url)


def test_a_fusion_layer_combo_names_its_layer_whole_in_its_tooltip(narrow_dock, tif):
    import numpy as np
    from qgis.core import QgsProject, QgsRasterLayer

    dock = narrow_dock()
    name = "MOD11A1_LST_cloudrm_20160308_a_long_layer_name"
    layer = QgsRasterLayer(tif("m.tif", np.ones((4, 4), np.float32)), name)
    QgsProject.instance().addMapLayer(layer)
    combo = dock.fusion.combos["COARSE_TARGET"]
    combo.setLayer(layer)
    assert combo.toolTip().endswith("(COARSE_TARGET)\n" + name)


def test_method_lists_drop_down_wide_enough_for_every_name(narrow_dock):
    dock = narrow_dock()
    for box in (dock.fusion.method, dock.series.method):
        view = box.view()
        assert view.minimumWidth() >= view.sizeHintForColumn(0)


def test_a_long_method_name_is_elided_in_the_validate_table_and_whole_in_its_tooltip(narrow_dock):
    from lst_fusion.ui.validate import MEAN_COLUMNS

    dock = narrow_dock()
    section = dock.validation
    name = "All-pairs regression with a very long appended variant name"
    row = {col: 1.25 for col, _, _ in MEAN_COLUMNS}
    row.update(method=name, variant="+SM", dates=3, **{"beats MODIS resampled": "3/3"})
    section.fill_table([row])
    settle()
    assert section.table.columnWidth(0) <= 150 < section.table.fontMetrics().horizontalAdvance(name)
    assert section.table.item(0, 0).toolTip() == name and section.table.item(0, 0).text() == name
