"""The dock panel under pytest-qgis with the stub qgis_iface."""
import os
import time

import numpy as np
import pytest
from qgis.core import Qgis, QgsApplication, QgsLayerTree, QgsProject, QgsRasterLayer, QgsRectangle, QgsVectorLayer

from lst_fusion.core.data.io import read_grid
from lst_fusion.core.evaluation import metrics
from lst_fusion.core.fusion.estarfm import estarfm
from lst_fusion.ui.widgets import date_text, set_date

from .conftest import synthetic_scene


@pytest.fixture(scope="module")
def plugin(qgis_app, qgis_iface, qgis_processing):
    import lst_fusion

    p = lst_fusion.classFactory(qgis_iface)
    p.initGui()
    yield p
    p.unload()


@pytest.fixture
def layers(tif, qgis_new_project):
    F1 = synthetic_scene(60)
    rng = np.random.default_rng(0)
    C1 = 0.3 * F1 + 17 + rng.normal(0, 0.1, F1.shape)
    arrays = {"FINE_REF1": F1, "COARSE_REF1": C1, "FINE_REF2": F1 + 4, "COARSE_REF2": C1 + 4, "COARSE_TARGET": C1 + 1.5}
    names = {"FINE_REF1": "L_20200101", "COARSE_REF1": "M_20200101", "FINE_REF2": "L_20200301", "COARSE_REF2": "M_20200301",
             "COARSE_TARGET": "M_20200201"}
    out = {}
    for k, v in arrays.items():
        lyr = QgsRasterLayer(tif(f"{names[k]}.tif", v.astype(np.float32)), names[k])
        assert lyr.isValid()
        QgsProject.instance().addMapLayer(lyr)
        out[k] = lyr
    return out, arrays


def wait_for(dock, timeout=120):
    t0 = time.time()
    while dock.task is not None and time.time() - t0 < timeout:
        QgsApplication.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        QgsApplication.processEvents()
    assert dock.task is None, "task did not finish"


def open_dock(plugin):
    plugin.action.setChecked(True)
    assert plugin.dock is not None and plugin.dock.isVisible()
    return plugin.dock


def test_dock_opens_and_closes_from_the_plugin(plugin):
    dock = open_dock(plugin)
    plugin.action.setChecked(False)
    assert not dock.isVisible()
    plugin.action.setChecked(True)
    assert dock.isVisible()


def test_combos_list_only_rasters(plugin, layers):
    dock = open_dock(plugin)
    vec = QgsVectorLayer("Polygon?crs=EPSG:32631", "zones", "memory")
    QgsProject.instance().addMapLayer(vec)
    combo = dock.fusion.combos["COARSE_TARGET"]
    names = {combo.layer(i).name() for i in range(combo.count()) if combo.layer(i) is not None}
    assert names == {"L_20200101", "M_20200101", "L_20200301", "M_20200301", "M_20200201"}
    regions = dock.evaluation.regions
    assert vec in [regions.layer(i) for i in range(regions.count())]


def set_inputs(dock, lyrs):
    dock.fusion.method.setCurrentIndex(dock.fusion.method.findText("ESTARFM"))
    for k, lyr in lyrs.items():
        dock.fusion.combos[k].setLayer(lyr)


def test_dates_and_warnings(plugin, layers, tif):
    dock = open_dock(plugin)
    lyrs, arrays = layers
    set_inputs(dock, lyrs)
    assert date_text(dock.fusion.dates["COARSE_TARGET"]) == "2020-02-01"
    assert dock.fusion.validate() == [] and dock.fusion.advice == []
    # ESTARFM needs both pairs: a target after pair 2 is advice (shown, not blocking); STARFM (one pair) has none
    set_date(dock.fusion.dates["COARSE_TARGET"], "2020-04-01")
    assert dock.fusion.validate() == []
    assert dock.fusion.advice == ["ESTARFM expects pair 1 before and pair 2 after the target date (COARSE_REF1 "
                                  "2020-01-01, COARSE_TARGET 2020-04-01, COARSE_REF2 2020-03-01); it runs anyway"]
    assert dock.fusion.advice[0] in dock.fusion.warning.text()
    dock.fusion.method.setCurrentIndex(dock.fusion.method.findText("STARFM"))
    assert dock.fusion.validate() == [] and dock.fusion.advice == []
    set_inputs(dock, lyrs)
    set_date(dock.fusion.dates["COARSE_TARGET"], "2020-02-01")
    odd = QgsRasterLayer(tif("M_20200215.tif", np.ones((30, 30), np.float32)), "M_20200215")
    QgsProject.instance().addMapLayer(odd)
    dock.fusion.combos["COARSE_REF2"].setLayer(odd)
    problems = dock.fusion.validate()
    assert any("COARSE_REF2: grid differs" in p for p in problems)
    assert any("FINE_REF2 and COARSE_REF2 are not the same day" in p for p in problems)
    assert dock.fusion.run() is None and "Fix the inputs" in dock.fusion.status.text()


def test_full_estarfm_run_through_the_task_adds_a_layer(plugin, layers, tmp_path):
    dock = open_dock(plugin)
    lyrs, arrays = layers
    set_inputs(dock, lyrs)
    dock.fusion.output.setFilePath(str(tmp_path / "estarfm.tif"))
    before = len(QgsProject.instance().mapLayers())
    assert dock.fusion.run() is not None
    wait_for(dock)
    assert len(QgsProject.instance().mapLayers()) == before + 1
    added = QgsProject.instance().mapLayersByName("ESTARFM 2020-02-01")  # method and date, from the raster's tags
    assert added and added[0].renderer().type() == "singlebandpseudocolor"
    from lst_fusion.core.data.io import read_raster

    data = read_raster(tmp_path / "estarfm.tif").data
    assert added[0].renderer().classificationMin() == pytest.approx(np.nanpercentile(data, 2), abs=1e-4)  # 2-98 %

    expected = estarfm(*(arrays[k] for k in ("FINE_REF1", "COARSE_REF1", "FINE_REF2", "COARSE_REF2", "COARSE_TARGET")))
    np.testing.assert_allclose(read_raster(tmp_path / "estarfm.tif").data, expected, atol=1e-5)
    assert dock.evaluation.prediction.currentLayer() is added[0]


def test_cancel_stops_a_running_task(plugin, tif, tmp_path, qgis_new_project):
    dock = open_dock(plugin)
    rng = np.random.default_rng(1)
    # 1500 x 1500: the full run takes ~4 s with numba (minutes with NumPy), so the cancel at 0.3 s lands mid-run
    big = {k: rng.normal(25, 3, (1500, 1500)).astype(np.float32) for k in dock.fusion.combos}
    for k, v in big.items():
        lyr = QgsRasterLayer(tif(f"{k}_big.tif", v), k)
        QgsProject.instance().addMapLayer(lyr)
        dock.fusion.combos[k].setLayer(lyr)
    dock.fusion.method.setCurrentIndex(dock.fusion.method.findText("ESTARFM"))
    dock.fusion.output.setFilePath(str(tmp_path / "cancelled.tif"))
    t0 = time.time()
    assert dock.fusion.run() is not None
    QgsApplication.processEvents()
    time.sleep(0.3)
    dock.fusion.cancel()
    wait_for(dock)
    assert time.time() - t0 < 20  # cancel stops within a tile
    assert "Cancelled" in dock.fusion.status.text()
    assert not os.path.exists(tmp_path / "cancelled.tif")
    assert not QgsProject.instance().mapLayersByName("ESTARFM LST")


def test_subregion_table_fills_with_the_right_numbers(plugin, layers, tif, tmp_path):
    dock = open_dock(plugin)
    lyrs, arrays = layers
    truth = arrays["FINE_REF1"]
    pred = truth + np.where(np.arange(60)[:, None] < 30, 2.0, 0.5)
    pl = QgsRasterLayer(tif("pred.tif", pred.astype(np.float32)), "prediction")
    QgsProject.instance().addMapLayer(pl)
    dock.evaluation.prediction.setLayer(pl)
    dock.evaluation.reference.setLayer(lyrs["FINE_REF1"])
    dock.evaluation.clear_rectangles()
    crs = lyrs["FINE_REF1"].crs()
    # northern 30 rows and southern 30 rows of the 60 x 60 grid (x0 500000, y0 5300000, 30 m)
    dock.evaluation.add_rectangle(QgsRectangle(500000, 5299100, 501800, 5300000), crs)
    dock.evaluation.add_rectangle(QgsRectangle(500000, 5298200, 501800, 5299100), crs)
    assert dock.evaluation.evaluate() is not None
    wait_for(dock)
    table = dock.evaluation.table  # one column per region, one row per metric
    assert table.columnCount() == 3
    assert [table.verticalHeaderItem(i).text() for i in range(table.rowCount())] == ["N", *metrics.METRICS]
    rmse = 1 + list(metrics.METRICS).index("RMSE")
    grid = read_grid(lyrs["FINE_REF1"].source())
    masks = metrics.region_masks(grid, extents=[("rectangle 1", (500000, 5299100, 501800, 5300000)),
                                               ("rectangle 2", (500000, 5298200, 501800, 5299100))])
    rows = metrics.evaluate_regions(pred, truth, masks)
    for j, r in enumerate(rows):
        assert table.horizontalHeaderItem(j).toolTip() == r["region"]
        assert float(table.item(rmse, j).text()) == pytest.approx(r["RMSE"], abs=1e-4)
    assert float(table.item(rmse, 1).text()) == pytest.approx(2.0, abs=1e-4)
    assert float(table.item(rmse, 2).text()) == pytest.approx(0.5, abs=1e-4)
    assert dock.evaluation.report_button.isEnabled() and os.path.exists(dock.evaluation.last_report)


def test_screenshot_is_not_blank(plugin, layers, tmp_path):
    dock = open_dock(plugin)
    dock.resize(420, 900)
    pix = dock.grab()
    path = str(tmp_path / "dock.png")
    assert pix.save(path)
    img = pix.toImage()
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert img.width() > 200 and len(colours) > 5


def test_last_parameters_are_remembered(plugin, layers, tmp_path):
    from lst_fusion.ui.dock import LstFusionDock

    dock = open_dock(plugin)
    lyrs, _ = layers
    dock.fusion.method.setCurrentIndex(dock.fusion.method.findText("STARFM"))
    for k in ("COARSE_TARGET", "FINE_REF1", "COARSE_REF1"):
        dock.fusion.combos[k].setLayer(lyrs[k])
    dock.save()
    fresh = LstFusionDock(None)
    assert fresh.fusion.method.currentText() == "STARFM"
    assert fresh.fusion.combos["FINE_REF1"].currentLayer() is lyrs["FINE_REF1"]
    assert fresh.fusion.combos["COARSE_TARGET"].currentLayer() is lyrs["COARSE_TARGET"]
    fresh.deleteLater()


def test_series_section_builds_fuse_series_parameters_and_loads_a_dated_group(plugin, tif, tmp_path, qgis_new_project):

    from lst_fusion.algorithms.fuse_series import method_options

    dock = open_dock(plugin)
    (tmp_path / "modis").mkdir()
    (tmp_path / "landsat").mkdir()
    F1 = synthetic_scene(24).astype(np.float32)
    for day, off in (("20200101", 0.0), ("20200102", 0.5), ("20200103", 1.0), ("20200104", 1.5)):
        tif(f"modis/M_{day}.tif", 0.3 * F1 + 17 + off)
    for day, off in (("20200101", 0.0), ("20200104", 1.5)):
        tif(f"landsat/L_{day}.tif", F1 + off)
    dock.series.modis.setFilePath(str(tmp_path / "modis"))
    dock.series.landsat.setFilePath(str(tmp_path / "landsat"))
    # each method's name as shown (the name before its parenthesis: 'auto'), its whole option label on hover
    from qgis.PyQt.QtCore import Qt

    box = dock.series.method
    assert [box.itemText(i) for i in range(box.count())] == [o.split(" (")[0] for o in method_options()]
    assert [box.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in range(box.count())] == method_options()
    dock.series.method.setCurrentIndex(dock.series.method.findText("STARFM"))
    dock.series.correction.setCurrentIndex(0)  # none
    set_date(dock.series.start_date, "2020-01-02")
    set_date(dock.series.end_date, "2020-01-03")
    dock.series.output.setFilePath(str(tmp_path / "series"))
    alg_id, params = dock.series.parameters()
    assert alg_id == "lstfusion:fuse_series"
    assert params == {"MODIS": [str(tmp_path / "modis" / f"M_2020010{d}.tif") for d in (1, 2, 3, 4)],
                      "LANDSAT": [str(tmp_path / "landsat" / "L_20200101.tif"), str(tmp_path / "landsat" / "L_20200104.tif")],
                      "METHOD": 1, "RESIDUAL_CORRECTION": 0, "PAIRS": 0, "START": "2020-01-02", "END": "2020-01-03",
                      "OUTPUT": str(tmp_path / "series")}
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    assert alg.checkParameterValues(params, __import__("qgis.core").core.QgsProcessingContext())[0]
    set_date(dock.series.start_date, "2020-01-04")
    assert dock.series.run_series() is None
    assert dock.series.status.text() == "START 2020-01-04 is after END 2020-01-03: choose an earlier start"
    set_date(dock.series.start_date, "2020-01-02")
    assert dock.series.run_series() is not None
    assert dock.series.cancel_button.isEnabled() and not dock.fusion.cancel_button.isEnabled()
    assert not dock.fusion.run_button.isEnabled() and not dock.validation.run_button.isEnabled()
    wait_for(dock)
    # two dated LST layers and, beside them, their two uncertainty maps (issue 38), counted apart
    assert dock.series.status.text().startswith("Series done: 2 dated layers and 2 uncertainty maps from "), \
        dock.series.status.text()
    assert dock.series.progress.value() == 100 and dock.fusion.run_button.isEnabled()
    # what ran, as validation names it, and why (issue 43)
    assert dock.series.status.text().endswith(". Applied: STARFM (2 pairs). Why: METHOD=starfm as given"), \
        dock.series.status.text()
    group = QgsProject.instance().layerTreeRoot().findGroup("LST STARFM (2 pairs) series 2020-01-02 to 2020-01-03")
    assert group is not None
    names = [c.layer().name() for c in group.children() if QgsLayerTree.isLayer(c)]
    assert names == ["STARFM 2020-01-02", "STARFM 2020-01-03"]
    unc = group.findGroup("Uncertainty (90% half-width)")  # the maps in a subgroup of the series, unchecked
    assert [c.layer().name() for c in unc.findLayers()] == [f"{n} uncertainty (90% half-width)" for n in names]
    assert not unc.itemVisibilityChecked()
    props = group.findLayers()[0].layer().temporalProperties()
    assert props.isActive() and props.mode() == Qgis.RasterTemporalMode.FixedTemporalRange
    assert props.fixedTemporalRange().begin().date().toString("yyyy-MM-dd") == "2020-01-02"


# ------------------------------------------------------------ Download section

def test_download_section_builds_search_download_parameters(plugin, tmp_path, qgis_new_project):
    from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsGeometry, QgsProcessingContext
    from qgis.PyQt.QtCore import QDate

    from lst_fusion.core.data import stac

    dock = open_dock(plugin)
    assert [c.text() for c in dock.download.sensor_checks.values()] == stac.SENSOR_NAMES
    dock.download.aoi_layer.setLayer(None)
    dock.download.set_download_extent(None, None)
    dock.download.folder.setFilePath("")
    for name, check in dock.download.sensor_checks.items():
        check.setChecked(name in ("MODIS Terra", "Landsat 8", "Landsat 9"))
    assert not dock.download.search_button.isEnabled() and not dock.download.download_button.isEnabled()
    assert dock.download.validate() == ["AOI: choose a polygon layer or draw an extent", "OUTPUT: choose an output folder"]
    dock.download.set_download_extent(QgsRectangle(85.25, 23.3, 85.375, 23.4), QgsCoordinateReferenceSystem("EPSG:4326"))
    dock.download.start_date.setDate(QDate(2023, 1, 1))
    dock.download.end_date.setDate(QDate(2023, 12, 31))
    dock.download.max_cloud.setValue(60)
    dock.download.min_clear.setValue(10)
    dock.download.stac_url.setText(" http://127.0.0.1:9/stac ")
    dock.download.token_url.setText("")
    dock.download.folder.setFilePath(str(tmp_path / "dl"))
    assert dock.download.validate() == [] and dock.download.search_button.isEnabled() and dock.download.download_button.isEnabled()
    assert dock.download.extent_label.text() == "x 85.2500 to 85.3750\ny 23.3000 to 23.4000\nEPSG:4326"
    alg_id, params = dock.download.parameters(list_only=True)
    assert alg_id == "lstfusion:search_download"
    assert params == {"AOI": "85.25,85.375,23.3,23.4 [EPSG:4326]", "START": "2023-01-01", "END": "2023-12-31",
                      "SENSORS": [0, 2, 3], "MAX_CLOUD": 60.0, "MIN_CLEAR": 10.0, "STAC_URL": "http://127.0.0.1:9/stac",
                      "LIST_ONLY": True, "OUTPUT": str(tmp_path / "dl")}
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    assert alg.checkParameterValues(params, QgsProcessingContext())[0]

    # a polygon layer wins over the extent and is passed as its source; a token endpoint when given
    (tmp_path / "city.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": '
        '"Polygon", "coordinates": [[[85.3, 23.3], [85.4, 23.3], [85.4, 23.4], [85.3, 23.3]]]}}]}')
    city = QgsVectorLayer(str(tmp_path / "city.geojson"), "city", "ogr")
    assert city.isValid()
    QgsProject.instance().addMapLayer(city)
    dock.download.aoi_layer.setLayer(city)
    dock.download.sensor_checks["MODIS Aqua"].setChecked(True)
    dock.download.sensor_checks["Landsat 9"].setChecked(False)
    dock.download.token_url.setText("http://127.0.0.1:9/token")
    _, params = dock.download.parameters()
    assert params == {"AOI": city.source(), "START": "2023-01-01", "END": "2023-12-31", "SENSORS": [0, 1, 2],
                      "MAX_CLOUD": 60.0, "MIN_CLEAR": 10.0, "STAC_URL": "http://127.0.0.1:9/stac",
                      "TOKEN_URL": "http://127.0.0.1:9/token", "LIST_ONLY": False, "OUTPUT": str(tmp_path / "dl")}
    assert "city" in dock.download.extent_label.text()
    # a scratch (memory) layer has no file for the worker: the dock writes its polygons to a GeoPackage first
    scratch = QgsVectorLayer("Polygon?crs=EPSG:32645", "scratch", "memory")
    f = QgsFeature(scratch.fields())
    f.setGeometry(QgsGeometry.fromRect(QgsRectangle(330000, 2575000, 345000, 2590000)))
    scratch.dataProvider().addFeatures([f])
    QgsProject.instance().addMapLayer(scratch)
    dock.download.aoi_layer.setLayer(scratch)
    aoi = dock.download.parameters()[1]["AOI"]
    assert aoi.endswith("aoi.gpkg") and os.path.exists(aoi)
    written = QgsVectorLayer(aoi, "written", "ogr")
    assert written.featureCount() == 1 and written.crs().authid() == "EPSG:32645"
    assert written.extent() == QgsRectangle(330000, 2575000, 345000, 2590000)
    dock.download.aoi_layer.setLayer(city)

    # what keeps Search and Download off
    dock.download.start_date.setDate(QDate(2024, 1, 1))
    assert dock.download.validate() == ["START 2024-01-01 is after END 2023-12-31"]
    assert not dock.download.search_button.isEnabled() and not dock.download.download_button.isEnabled()
    dock.download.start_date.setDate(QDate(2023, 1, 1))
    for check in dock.download.sensor_checks.values():
        check.setChecked(False)
    assert dock.download.validate() == ["SENSORS: choose at least one sensor"]
    assert dock.download.search() is None and "Fix the Download section first: SENSORS" in dock.download.status.text()
    dock.download.sensor_checks["Landsat 8"].setChecked(True)
    assert dock.download.search_button.isEnabled()
    dock.download.aoi_layer.setLayer(None)  # back to the drawn extent
    assert dock.download.parameters()[1]["AOI"] == "85.25,85.375,23.3,23.4 [EPSG:4326]"


def test_draw_extent_arms_a_map_tool_and_takes_the_canvas_crs(plugin, qgis_iface, qgis_new_project):
    from qgis.core import QgsCoordinateReferenceSystem
    from qgis.gui import QgsMapToolExtent

    dock = open_dock(plugin)
    canvas = qgis_iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32645"))
    dock.download.start_extent_drawing()
    assert isinstance(canvas.mapTool(), QgsMapToolExtent)
    canvas.mapTool().extentChanged.emit(QgsRectangle(330000, 2575000, 345000, 2590000))
    assert not isinstance(canvas.mapTool(), QgsMapToolExtent)  # one extent, then the tool is released
    assert dock.download.download_extent[1].authid() == "EPSG:32645"
    assert dock.download.extent_label.text() == "x 330000 to 345000\ny 2575000 to 2590000\nEPSG:32645"
    assert dock.download.parameters()[1]["AOI"] == "330000.0,345000.0,2575000.0,2590000.0 [EPSG:32645]"


def test_download_settings_are_remembered(plugin, tmp_path):
    from qgis.core import QgsCoordinateReferenceSystem
    from qgis.PyQt.QtCore import QDate

    from lst_fusion.ui.dock import LstFusionDock

    dock = open_dock(plugin)
    dock.download.aoi_layer.setLayer(None)
    dock.download.set_download_extent(QgsRectangle(85.25, 23.3, 85.375, 23.4), QgsCoordinateReferenceSystem("EPSG:4326"))
    dock.download.start_date.setDate(QDate(2023, 2, 3))
    dock.download.end_date.setDate(QDate(2023, 4, 5))
    for name, check in dock.download.sensor_checks.items():
        check.setChecked(name == "MODIS Aqua")
    dock.download.max_cloud.setValue(33)
    dock.download.min_clear.setValue(44)
    dock.download.stac_url.setText("http://127.0.0.1:9/stac")
    dock.download.token_url.setText("http://127.0.0.1:9/token")
    dock.download.folder.setFilePath(str(tmp_path / "dl"))
    want = dock.download.parameters()[1]
    dock.save()
    fresh = LstFusionDock(None)
    assert fresh.download.parameters()[1] == want
    fresh.deleteLater()


def test_a_failed_search_says_why_in_the_section(plugin, tmp_path):
    pytest.importorskip("pystac_client", reason="pystac-client is not installed (make test installs it)")
    import socket

    from qgis.core import QgsCoordinateReferenceSystem

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dock = open_dock(plugin)
    dock.download.aoi_layer.setLayer(None)
    dock.download.set_download_extent(QgsRectangle(85.25, 23.3, 85.375, 23.4), QgsCoordinateReferenceSystem("EPSG:4326"))
    dock.download.stac_url.setText(f"http://127.0.0.1:{port}")
    dock.download.token_url.setText("")
    dock.download.folder.setFilePath(str(tmp_path / "dl"))
    assert dock.download.search() is not None
    wait_for(dock)
    assert dock.download.status.text() == (f"Failed: STAC_URL: cannot reach http://127.0.0.1:{port} (offline, or a "
                                           "wrong address?); check the address and the network connection")
    assert dock.download.search_button.isEnabled() and dock.fusion.run_button.isEnabled() and not dock.download.cancel_button.isEnabled()


@pytest.fixture(scope="module")
def ranchi_stac(tmp_path_factory):
    """The local STAC API (test/stac_server.py) with the four Ranchi dates as MOD11A1 + Landsat 8 COGs, signed URLs."""
    pytest.importorskip("pystac_client", reason="pystac-client is not installed (make test installs it)")
    from lst_fusion.test import stac_data

    if not stac_data.have_ranchi():
        pytest.skip("../shared/data/ranchi is absent")
    s = stac_data.start_ranchi_server(str(tmp_path_factory.mktemp("ranchi_cogs")))
    yield s
    s.stop()


def _table(dock):
    t = dock.download.table
    headers = [t.horizontalHeaderItem(j).text() for j in range(t.columnCount())]
    return [dict(zip(headers, (t.item(i, j).text() for j in range(t.columnCount())))) for i in range(t.rowCount())]


def _rasters(folder):
    return sorted(os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder) for f in fs
                  if f.endswith(".tif"))


def test_search_then_download_against_a_local_stac_api(plugin, ranchi_stac, tmp_path, qgis_new_project):
    import csv

    from qgis.core import QgsCoordinateReferenceSystem
    from qgis.PyQt.QtCore import QDate

    from lst_fusion.test import stac_data

    dock = open_dock(plugin)
    x0, y0, x1, y1 = stac_data.inner_box(ranchi_stac.landsat_bbox)
    dock.download.aoi_layer.setLayer(None)
    dock.download.set_download_extent(QgsRectangle(x0, y0, x1, y1), QgsCoordinateReferenceSystem("EPSG:4326"))
    dock.download.start_date.setDate(QDate(2023, 1, 1))
    dock.download.end_date.setDate(QDate(2023, 12, 31))
    for name, check in dock.download.sensor_checks.items():
        check.setChecked(name in ("MODIS Terra", "Landsat 8", "Landsat 9"))
    dock.download.max_cloud.setValue(80)
    dock.download.min_clear.setValue(10)
    dock.download.stac_url.setText(ranchi_stac.url)
    dock.download.token_url.setText(ranchi_stac.url + "/token")
    out = tmp_path / "dl"
    dock.download.folder.setFilePath(str(out))
    dock.series.modis.setFilePath("")
    dock.series.landsat.setFilePath("")

    # Search: the items of 2023 with their clear % in the AOI, no raster
    dock.download.search_button.click()
    assert dock.task is not None and not dock.download.search_button.isEnabled() and dock.download.cancel_button.isEnabled()
    wait_for(dock)
    assert dock.download.progress.value() == 100
    rows = list(csv.DictReader(open(out / "downloads.csv", encoding="utf-8")))
    table = _table(dock)
    assert [(r["Date"], r["Sensor"], r["Item"], r["Status"]) for r in table] == [
        ("2023-01-07", "Landsat 8", "LC08_L2SP_140044_20230107_02_T1", "found"),
        ("2023-01-07", "MODIS Terra", "MOD11A1.A2023007.h25v06.061", "found"),
        ("2023-06-16", "Landsat 8", "LC08_L2SP_140044_20230616_02_T1", "found"),
        ("2023-06-16", "MODIS Terra", "MOD11A1.A2023167.h25v06.061", "found")]  # downloads.csv's order
    by_id = {r["item_id"]: r for r in rows}
    for r in table:
        assert float(r["Clear %"]) == pytest.approx(float(by_id[r["Item"]]["clear_percent"]), abs=0.05)
        assert 10 < float(r["Clear %"]) <= 100
        assert r["Cloud %"] == ("5.0" if r["Sensor"] == "Landsat 8" else "")
    assert dock.download.status.text().startswith("Search: 4 item(s) found (2 MODIS, 2 Landsat)"), \
        dock.download.status.text()
    assert _rasters(out) == []  # the search wrote no raster
    t = dock.download.table  # tall enough for its rows: the items are seen at once
    assert t.minimumHeight() >= t.horizontalHeader().sizeHint().height() + 4 * t.verticalHeader().defaultSectionSize()
    assert [t.item(i, 6).text() for i in range(4)] == [""] * 4  # "found" says it all; the reason is in the tooltip
    assert t.item(0, 6).toolTip() == "listed; not downloaded (LIST_ONLY)"
    assert dock.series.modis.filePath() == "" and dock.series.landsat.filePath() == ""

    # Download: the dated files, the table refreshed, the Series folders set
    dock.download.download_button.click()
    wait_for(dock)
    assert _rasters(out) == ["MOD11A1/MOD11A1_20230107.tif", "MOD11A1/MOD11A1_20230616.tif",
                             "landsat/LC08_20230107.tif", "landsat/LC08_20230616.tif"]
    assert [r["Status"] for r in _table(dock)] == ["downloaded"] * 4
    assert [r["Clear %"] for r in _table(dock)] == [r["Clear %"] for r in table]
    assert dock.download.status.text().startswith(f"Downloaded: 2 MODIS and 2 Landsat date(s) in {out}"), \
        dock.download.status.text()
    assert dock.series.modis.filePath() == str(out / "MOD11A1")
    assert dock.series.landsat.filePath() == str(out / "landsat")
    _, series = dock.series.parameters()
    assert [os.path.basename(p) for p in series["MODIS"]] == ["MOD11A1_20230107.tif", "MOD11A1_20230616.tif"]
    assert [os.path.basename(p) for p in series["LANDSAT"]] == ["LC08_20230107.tif", "LC08_20230616.tif"]
    assert dock.download.search_button.isEnabled() and not dock.download.cancel_button.isEnabled()
