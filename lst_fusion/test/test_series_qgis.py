"""fuse_series in QGIS: processing.run and qgis_process on the real Kranj series, and the layer group."""
import csv
import glob
import os

import numpy as np
import pytest
from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import QDateTime

from .conftest import SHARED
from .test_qgis_process import QP, qgis_process
from .test_series import kranj_files

KRANJ = os.path.join(SHARED, "data", "kranj")
needs_kranj = pytest.mark.skipif(not os.path.isdir(KRANJ), reason="../shared/data/kranj is not present")


def kranj_params(out):
    lan, mod = kranj_files()
    refs = [p for p in lan if os.path.basename(p).startswith(("2020068", "2020093"))]  # 077 left out
    return {"MODIS": mod, "LANDSAT": refs, "METHOD": 0, "LANDSAT_BAND": 4, "MODIS_BAND": 4,
            "LANDSAT_SCALE": 1e-4, "QUANTITY": 1, "OUTPUT": str(out)}


@needs_kranj
def test_processing_run_fuse_series_on_kranj(qgis_app, qgis_processing, tmp_path):
    import processing

    from lst_fusion.algorithms.provider import LstFusionProvider

    reg = QgsApplication.processingRegistry()
    provider = LstFusionProvider()
    assert reg.addProvider(provider)
    try:
        res = processing.run("lstfusion:fuse_series", kranj_params(tmp_path / "s"))
    finally:
        reg.removeProvider(provider)
    assert res["N_DATES"] == 26
    files = sorted(glob.glob(str(tmp_path / "s" / "LST_ESTARFM_*.tif")))
    assert len(files) == 26 and os.path.basename(files[9]) == "LST_ESTARFM_20200317.tif"
    rows = list(csv.DictReader(open(res["SERIES_CSV"], encoding="utf-8")))
    assert len(rows) == 26 and rows[9]["ref1"] == "2020-03-08" and rows[9]["ref2"] == "2020-04-02"
    stats = list(csv.DictReader(open(tmp_path / "s" / "series_stats.csv", encoding="utf-8")))
    assert len(stats) == 26 * 2 and {r["source"] for r in stats} == {"fused", "MODIS"}
    assert stats[0]["region"] == "whole image" and int(stats[0]["valid"]) == 44 * 45
    html = open(res["OUTPUT_HTML"], encoding="utf-8").read()
    assert "Landsat reference dates" in html and "2020-03-08, 2020-04-02" in html and html.count("<img") == 1


def test_series_layers_get_day_range_shared_style_and_group(qgis_app, tmp_path):
    from rasterio.transform import from_origin

    from lst_fusion.algorithms.series_layers import style_series_layer
    from lst_fusion.core.data.io import Grid, write_raster

    grid = Grid("EPSG:32633", from_origin(0, 100, 10, 10), 10, 10)
    project = QgsProject()
    layers = []
    for day, offset in (("2020-03-10", 5.0), ("2020-03-09", 0.0)):  # loaded out of order
        path = write_raster(tmp_path / f"LST_ESTARFM_{day.replace('-', '')}.tif",
                            np.arange(100, dtype=np.float32).reshape(10, 10) + offset, grid)
        layer = QgsRasterLayer(path, "x")
        project.addMapLayer(layer)
        style_series_layer(layer, project, "LST series", day, f"ESTARFM {day}", (12.5, 80.0))
        layers.append(layer)
    group = project.layerTreeRoot().findGroup("LST series")
    assert [c.name() for c in group.children()] == ["ESTARFM 2020-03-09", "ESTARFM 2020-03-10"]
    assert len(project.layerTreeRoot().children()) == 1  # moved, not copied
    for layer, day in zip(layers, ("2020-03-10", "2020-03-09")):
        r = layer.renderer()
        assert (r.classificationMin(), r.classificationMax()) == (12.5, 80.0)  # one legend for all dates
        props = layer.temporalProperties()
        assert props.isActive() and props.mode() == props.ModeFixedTemporalRange
        rng = props.fixedTemporalRange()
        assert rng.begin().toString("yyyy-MM-ddTHH:mm") == f"{day}T00:00" and rng.includeBeginning()
        assert rng.end().date().toString("yyyy-MM-dd") > day and not rng.includeEnd()
        inside = QDateTime.fromString(f"{day}T12:00:00", "yyyy-MM-ddTHH:mm:ss")
        assert rng.contains(inside)


@needs_kranj
@pytest.mark.skipif(QP is None, reason="qgis_process is not installed")
def test_qgis_process_fuse_series_on_kranj_with_a_dask_cluster(tmp_path):
    """A real QGIS process imports dask.distributed from the venv and runs the Kranj series on a LocalCluster
    of 2 worker processes: 26 dated outputs, series.csv and series.vrt, equal to the in-process run."""
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    from lst_fusion.core.data.io import read_raster

    p = kranj_params(tmp_path / "qp")
    args = [f"--MODIS={m}" for m in p.pop("MODIS")] + [f"--LANDSAT={x}" for x in p.pop("LANDSAT")]
    args += [f"--{k}={v}" for k, v in p.items()]
    out = qgis_process(tmp_path, "plugins", "enable", "lst_fusion")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        out = qgis_process(tmp_path, "run", "lstfusion:fuse_series", *args, f"--DASK_SCHEDULER={c.scheduler_address}")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    log = out.stdout + out.stderr
    assert "26 date(s) x 1 tile(s) of 256 px = 26 tasks on dask.distributed at tcp://" in log
    folder = tmp_path / "qp"
    assert len(glob.glob(str(folder / "LST_ESTARFM_2020*.tif"))) == 26
    assert (folder / "series.csv").exists() and (folder / "series.vrt").exists()
    from osgeo import gdal

    assert gdal.Open(str(folder / "series.vrt")).RasterCount == 26
    truth = read_raster(next(x for x in kranj_files()[0] if "2020077" in x), band=4).data * np.float32(1e-4)
    from lst_fusion.core.evaluation.metrics import rmse

    assert rmse(read_raster(str(folder / "LST_ESTARFM_20200317.tif")).data, truth) == pytest.approx(0.0230, abs=5e-4)


def test_series_and_uncertainty_layers_share_a_thermal_stretch_with_the_unit_in_the_legend(qgis_app, tmp_path):
    """Every date of a series on one Inferno stretch, its legend in the raster's unit (°C here, read from the
    band, not guessed); each date's UNC_* map in a subgroup of the series' group, unchecked, on its own legend."""
    from rasterio.transform import from_origin

    from lst_fusion.algorithms import outputs
    from lst_fusion.algorithms.series_layers import UNC_GROUP, style_series_layer
    from lst_fusion.core.data.io import Grid, write_raster

    grid = Grid("EPSG:32633", from_origin(0, 100, 10, 10), 10, 10)
    project = QgsProject()
    lst, unc = [], []
    for day, offset in (("2020-03-09", 0.0), ("2020-03-10", 7.0)):
        stamp = day.replace("-", "")
        ramp = np.arange(100, dtype=np.float32).reshape(10, 10) / 4
        for kind, data, store in (("LST", ramp + offset, lst), ("UNC", ramp / 20, unc)):
            path = write_raster(tmp_path / f"{kind}_STARFM_{stamp}.tif", data, grid, tags={"LST_UNIT": "celsius"})
            layer = QgsRasterLayer(path, "x")
            project.addMapLayer(layer)
            if kind == "LST":
                style_series_layer(layer, project, "LST STARFM series", day, f"STARFM {day}", (3.0, 30.0))
            else:
                style_series_layer(layer, project, ("LST STARFM series", UNC_GROUP), day, f"STARFM {day} uncertainty",
                                   (0.0, 1.2), outputs.apply_uncertainty_style)
            store.append(layer)
    for layers, limits in ((lst, (3.0, 30.0)), (unc, (0.0, 1.2))):
        assert {(lyr.renderer().classificationMin(), lyr.renderer().classificationMax()) for lyr in layers} == {limits}
        for lyr in layers:
            fn = lyr.renderer().shader().rasterShaderFunction()
            assert fn.legendSettings().suffix() == " °C"
            labels = [label for label, _ in lyr.renderer().legendSymbologyItems()]
            assert labels[0] == f"{limits[0]:.4g} °C" and labels[-1] == f"{limits[1]:.4g} °C"
    first = lst[0].renderer().shader().rasterShaderFunction().colorRampItemList()
    assert first[0].color.lightness() < 40 and first[-1].color.lightness() > 180  # Inferno: dark cold, bright hot
    group = project.layerTreeRoot().findGroup("LST STARFM series")
    names = [c.name() for c in group.children()]
    assert names == ["STARFM 2020-03-09", "STARFM 2020-03-10", UNC_GROUP]
    sub = group.children()[-1]
    assert [c.name() for c in sub.children()] == ["STARFM 2020-03-09 uncertainty", "STARFM 2020-03-10 uncertainty"]
    assert not sub.itemVisibilityChecked() and group.itemVisibilityChecked()
    assert unc[0].temporalProperties().isActive()


def test_a_raster_without_a_declared_unit_gets_no_unit_in_its_legend(qgis_app, tmp_path):
    from rasterio.transform import from_origin

    from lst_fusion.algorithms import outputs
    from lst_fusion.core.data.io import Grid, write_raster

    path = write_raster(tmp_path / "x.tif", np.arange(100, dtype=np.float32).reshape(10, 10),
                        Grid("EPSG:32633", from_origin(0, 100, 10, 10), 10, 10))
    layer = QgsRasterLayer(path, "x")
    assert outputs.layer_unit(path) == "" and outputs.apply_temperature_style(layer)
    assert all(label.replace(".", "").isdigit() for label, _ in layer.renderer().legendSymbologyItems())
