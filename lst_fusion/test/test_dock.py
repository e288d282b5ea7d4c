"""The dock panel under pytest-qgis with the stub qgis_iface."""
import os
import time

import numpy as np
import pytest
from qgis.core import QgsApplication, QgsProject, QgsRasterLayer, QgsRectangle, QgsVectorLayer

from lst_fusion.core import metrics
from lst_fusion.core.estarfm import estarfm
from lst_fusion.core.io import read_grid

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
    combo = dock.combos["COARSE_TARGET"]
    names = {combo.layer(i).name() for i in range(combo.count()) if combo.layer(i) is not None}
    assert names == {"L_20200101", "M_20200101", "L_20200301", "M_20200301", "M_20200201"}
    assert dock.regions.layer(1) is vec or vec in [dock.regions.layer(i) for i in range(dock.regions.count())]


def set_inputs(dock, lyrs):
    dock.method.setCurrentIndex(dock.method.findText("ESTARFM"))
    for k, lyr in lyrs.items():
        dock.combos[k].setLayer(lyr)


def test_dates_and_warnings(plugin, layers, tif):
    dock = open_dock(plugin)
    lyrs, arrays = layers
    set_inputs(dock, lyrs)
    assert dock.dates["COARSE_TARGET"].text() == "2020-02-01"
    assert dock.validate() == []
    odd = QgsRasterLayer(tif("M_20200215.tif", np.ones((30, 30), np.float32)), "M_20200215")
    QgsProject.instance().addMapLayer(odd)
    dock.combos["COARSE_REF2"].setLayer(odd)
    problems = dock.validate()
    assert any("COARSE_REF2: grid differs" in p for p in problems)
    assert any("FINE_REF2 and COARSE_REF2 are not the same day" in p for p in problems)
    assert dock.run() is None and "Fix the inputs" in dock.status.text()


def test_full_estarfm_run_through_the_task_adds_a_layer(plugin, layers, tmp_path):
    dock = open_dock(plugin)
    lyrs, arrays = layers
    set_inputs(dock, lyrs)
    dock.output.setFilePath(str(tmp_path / "estarfm.tif"))
    before = len(QgsProject.instance().mapLayers())
    assert dock.run() is not None
    wait_for(dock)
    assert len(QgsProject.instance().mapLayers()) == before + 1
    added = QgsProject.instance().mapLayersByName("ESTARFM 2020-02-01")  # method and date, from the raster's tags
    assert added and added[0].renderer().type() == "singlebandpseudocolor"
    from lst_fusion.core.io import read_raster

    data = read_raster(tmp_path / "estarfm.tif").data
    assert added[0].renderer().classificationMin() == pytest.approx(np.nanpercentile(data, 2), abs=1e-4)  # 2-98 %

    expected = estarfm(*(arrays[k] for k in ("FINE_REF1", "COARSE_REF1", "FINE_REF2", "COARSE_REF2", "COARSE_TARGET")))
    np.testing.assert_allclose(read_raster(tmp_path / "estarfm.tif").data, expected, atol=1e-5)
    assert dock.prediction.currentLayer() is added[0]


def test_cancel_stops_a_running_task(plugin, tif, tmp_path, qgis_new_project):
    dock = open_dock(plugin)
    rng = np.random.default_rng(1)
    # 1500 x 1500: the full run takes ~4 s with numba (minutes with NumPy), so the cancel at 0.3 s lands mid-run
    big = {k: rng.normal(25, 3, (1500, 1500)).astype(np.float32) for k in dock.combos}
    for k, v in big.items():
        lyr = QgsRasterLayer(tif(f"{k}_big.tif", v), k)
        QgsProject.instance().addMapLayer(lyr)
        dock.combos[k].setLayer(lyr)
    dock.method.setCurrentIndex(dock.method.findText("ESTARFM"))
    dock.output.setFilePath(str(tmp_path / "cancelled.tif"))
    t0 = time.time()
    assert dock.run() is not None
    QgsApplication.processEvents()
    time.sleep(0.3)
    dock.cancel()
    wait_for(dock)
    assert time.time() - t0 < 20  # cancel stops within a tile
    assert "Cancelled" in dock.status.text()
    assert not os.path.exists(tmp_path / "cancelled.tif")
    assert not QgsProject.instance().mapLayersByName("ESTARFM LST")


def test_subregion_table_fills_with_the_right_numbers(plugin, layers, tif, tmp_path):
    dock = open_dock(plugin)
    lyrs, arrays = layers
    truth = arrays["FINE_REF1"]
    pred = truth + np.where(np.arange(60)[:, None] < 30, 2.0, 0.5)
    pl = QgsRasterLayer(tif("pred.tif", pred.astype(np.float32)), "prediction")
    QgsProject.instance().addMapLayer(pl)
    dock.prediction.setLayer(pl)
    dock.reference.setLayer(lyrs["FINE_REF1"])
    dock.clear_rectangles()
    crs = lyrs["FINE_REF1"].crs()
    # northern 30 rows and southern 30 rows of the 60 x 60 grid (x0 500000, y0 5300000, 30 m)
    dock.add_rectangle(QgsRectangle(500000, 5299100, 501800, 5300000), crs)
    dock.add_rectangle(QgsRectangle(500000, 5298200, 501800, 5299100), crs)
    assert dock.evaluate() is not None
    wait_for(dock)
    assert dock.table.rowCount() == 3
    grid = read_grid(lyrs["FINE_REF1"].source())
    masks = metrics.region_masks(grid, extents=[("rectangle 1", (500000, 5299100, 501800, 5300000)),
                                               ("rectangle 2", (500000, 5298200, 501800, 5299100))])
    rows = metrics.evaluate_regions(pred, truth, masks)
    for i, r in enumerate(rows):
        assert dock.table.item(i, 0).text() == r["region"]
        assert float(dock.table.item(i, 2).text()) == pytest.approx(r["RMSE"], abs=1e-4)
    assert float(dock.table.item(1, 2).text()) == pytest.approx(2.0, abs=1e-4)
    assert float(dock.table.item(2, 2).text()) == pytest.approx(0.5, abs=1e-4)
    assert dock.report_button.isEnabled() and os.path.exists(dock.last_report)


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
    dock.method.setCurrentIndex(dock.method.findText("STARFM"))
    for k in ("COARSE_TARGET", "FINE_REF1", "COARSE_REF1"):
        dock.combos[k].setLayer(lyrs[k])
    dock._save()
    fresh = LstFusionDock(None)
    assert fresh.method.currentText() == "STARFM"
    assert fresh.combos["FINE_REF1"].currentLayer() is lyrs["FINE_REF1"]
    assert fresh.combos["COARSE_TARGET"].currentLayer() is lyrs["COARSE_TARGET"]
    fresh.deleteLater()


def test_series_section_builds_fuse_series_parameters_and_loads_a_dated_group(plugin, tif, tmp_path, qgis_new_project):
    from qgis.core import QgsRasterLayerTemporalProperties

    from lst_fusion.algorithms.fuse_series import method_options

    dock = open_dock(plugin)
    (tmp_path / "modis").mkdir()
    (tmp_path / "landsat").mkdir()
    F1 = synthetic_scene(24).astype(np.float32)
    for day, off in (("20200101", 0.0), ("20200102", 0.5), ("20200103", 1.0), ("20200104", 1.5)):
        tif(f"modis/M_{day}.tif", 0.3 * F1 + 17 + off)
    for day, off in (("20200101", 0.0), ("20200104", 1.5)):
        tif(f"landsat/L_{day}.tif", F1 + off)
    dock.series_modis.setFilePath(str(tmp_path / "modis"))
    dock.series_landsat.setFilePath(str(tmp_path / "landsat"))
    assert [dock.series_method.itemText(i) for i in range(dock.series_method.count())] == method_options()
    dock.series_method.setCurrentIndex(dock.series_method.findText("STARFM"))
    dock.series_start.setText("2020-01-02")
    dock.series_end.setText("2020-01-03")
    dock.series_output.setFilePath(str(tmp_path / "series"))
    alg_id, params = dock.series_parameters()
    assert alg_id == "lstfusion:fuse_series"
    assert params == {"MODIS": [str(tmp_path / "modis" / f"M_2020010{d}.tif") for d in (1, 2, 3, 4)],
                      "LANDSAT": [str(tmp_path / "landsat" / "L_20200101.tif"), str(tmp_path / "landsat" / "L_20200104.tif")],
                      "METHOD": 1, "START": "2020-01-02", "END": "2020-01-03", "OUTPUT": str(tmp_path / "series")}
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    assert alg.checkParameterValues(params, __import__("qgis.core").core.QgsProcessingContext())[0]
    dock.series_start.setText("not a date")
    assert dock.run_series() is None and "not a date" in dock.status.text()
    dock.series_start.setText("2020-01-02")
    assert dock.run_series() is not None
    wait_for(dock)
    assert dock.status.text().startswith("Series done: 2 dated layers"), dock.status.text()
    group = QgsProject.instance().layerTreeRoot().findGroup("LST STARFM series 2020-01-02 to 2020-01-03")
    assert group is not None
    names = [c.layer().name() for c in group.findLayers()]
    assert names == ["STARFM 2020-01-02", "STARFM 2020-01-03"]
    props = group.findLayers()[0].layer().temporalProperties()
    assert props.isActive() and props.mode() == QgsRasterLayerTemporalProperties.ModeFixedTemporalRange
    assert props.fixedTemporalRange().begin().date().toString("yyyy-MM-dd") == "2020-01-02"
