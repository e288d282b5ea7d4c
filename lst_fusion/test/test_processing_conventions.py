"""Processing conventions: per-parameter help, tags, help URL, canExecute, output formats, provenance of
fused rasters, and the style/name given by the layer post-processor."""
import html
import os
import re

import numpy as np
import pytest
import rasterio
from qgis.core import (
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsRasterLayer,
    QgsSingleBandPseudoColorRenderer,
)

from lst_fusion.algorithms import conventions
from lst_fusion.core.data.provenance import sha256_of
from lst_fusion.core.platform import backends

from .conftest import REPO, synthetic_scene


@pytest.fixture(scope="module")
def algs(qgis_app, qgis_processing):
    from lst_fusion.algorithms.provider import LstFusionProvider

    reg = QgsApplication.processingRegistry()
    provider = LstFusionProvider()
    assert reg.addProvider(provider)
    yield {a.name(): a for a in provider.algorithms()}
    reg.removeProvider(provider)


def github_anchor(heading):
    """GitHub's anchor of a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_parameter_has_help_and_the_help_string_is_built_from_it(algs):
    from .test_provider import EXPECTED

    assert len(algs) == len(EXPECTED)  # the processing algorithms + train/predict per model
    for name, alg in algs.items():
        text = alg.shortHelpString()
        assert text.startswith(alg.HELP)
        for p in alg.parameterDefinitions():
            assert p.help() and p.help().endswith("."), f"{name}: {p.name()} has no help sentence"
            assert f"<b>{p.name()}</b>" in text and html.escape(p.help(), False) in text, f"{name}: {p.name()} missing in shortHelpString"


def test_short_description_tags_and_help_url(algs):
    for name, alg in algs.items():
        short = alg.shortDescription()
        assert short.endswith(".") and "<" not in short and len(short) < len(re.sub("<[^>]+>", "", alg.HELP)), name
        assert alg.helpUrl() == "https://github.com/lst-fusion/lst-fusion#the-algorithms-provider-lstfusion"
    assert algs["estarfm"].shortDescription().startswith("Enhanced STARFM (Zhu et al. 2010): two reference pairs")
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as fh:
        anchors = {github_anchor(line.lstrip("#")) for line in fh if line.startswith("#")}
    assert conventions.README_ANCHOR in anchors
    # what people type in the Toolbox search finds the algorithms
    for word in ("land surface temperature", "LST", "temperature", "downscaling", "fusion", "MODIS", "Landsat"):
        assert word in algs["estarfm"].tags() and word in algs["predict_edcstfn"].tags()
    assert {"RMSE", "SSIM", "ERGAS", "temperature"} <= set(algs["evaluate"].tags())
    assert "deep learning" in algs["train_swinstfm"].tags() and "SwinSTFM" in algs["train_swinstfm"].tags()
    assert "deep learning" not in algs["starfm"].tags()


def test_can_execute_says_how_to_install_torch(algs, monkeypatch):
    from lst_fusion.models import registry

    assert algs["predict_edcstfn"].canExecute() == (registry.torch_available(), "" if registry.torch_available()
                                                    else registry.TORCH_HINT)
    monkeypatch.setattr(backends, "torch_available", lambda: False)
    for name, alg in algs.items():
        ok, msg = alg.canExecute()
        if name.startswith(("train_", "predict_")):
            assert not ok and msg == registry.TORCH_HINT and "OSGeo4W Shell" in msg
        else:
            assert ok and msg == ""


def test_checkpoint_default_is_empty_so_a_model_carries_no_path(algs):
    for name, alg in algs.items():
        if name.startswith("predict_"):
            p = alg.parameterDefinition("CHECKPOINT")
            assert p.defaultValue() is None and "bundled" in p.help()
            assert "/" not in str(p.toVariantMap().get("default") or "")


@pytest.fixture
def scene(tif):
    f1 = synthetic_scene(40)
    rng = np.random.default_rng(0)
    c1 = 0.3 * f1 + 17 + rng.normal(0, 0.1, f1.shape)
    arrays = {"FINE_REF1": (f1, "20200101"), "COARSE_REF1": (c1, "20200101"), "COARSE_TARGET": (c1 + 1.5, "20200117"),
              "FINE_REF2": (f1 + 4, "20200202"), "COARSE_REF2": (c1 + 4, "20200202")}
    return {k: tif(f"{k}_{d}.tif", a.astype(np.float32)) for k, (a, d) in arrays.items()}


def run(alg, params, context=None):
    context = context or QgsProcessingContext()
    feedback = QgsProcessingFeedback()
    ok, msg = alg.checkParameterValues(params, context)
    if not ok:
        return None, msg
    res, ok = alg.run(params, context, feedback)
    assert ok
    return res, context


@pytest.mark.parametrize("ext, driver", [(".tif", "GTiff"), (".tiff", "GTiff"), (".img", "HFA"), (".nc", "netCDF"),
                                         (".gpkg", "GPKG")])
def test_output_format_follows_the_extension_and_carries_provenance(algs, scene, tmp_path, ext, driver):
    out = str(tmp_path / f"fused{ext}")
    res, _ = run(algs["estarfm"], {**scene, "WINDOW": 7, "CLASSES": 3, "ENGINE": 1, "OUTPUT": out})
    assert res["OUTPUT"] == out
    with rasterio.open(out) as ds:
        assert ds.driver == driver and ds.units == ("degC",)
        tags = {k.replace("NC_GLOBAL#GDAL_", ""): v for k, v in ds.tags().items()}
        data = ds.read(1)
    assert tags["METHOD"] == "ESTARFM" and tags["ACQUISITION_DATE"] == "2020-01-17" and tags["LST_UNIT"] == "celsius"
    assert (tags["WINDOW"], tags["CLASSES"], tags["ENGINE"]) == ("7", "3", "numpy")
    assert float(tags["CHANGE_THRESHOLD"]) == 1.0  # netCDF stores it as the number 1
    assert tags["INPUT_COARSE_TARGET"] == "COARSE_TARGET_20200117.tif"
    assert tags["SOFTWARE"].startswith("LST Fusion ") and tags["SOFTWARE"].endswith("(lstfusion:estarfm)")
    assert np.isfinite(data).all() and 15 < float(np.mean(data)) < 40
    if driver in ("GTiff", "HFA"):
        with rasterio.open(out) as ds:
            assert ds.descriptions == ("land surface temperature (ESTARFM, 2020-01-17)",)
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".tmp_")]


@pytest.mark.parametrize("name, message", [
    ("fused.vrt", "OUTPUT: a VRT only references other rasters and cannot hold the computed pixels"),
    ("fused.png", "OUTPUT: cannot write a raster with the extension '.png'"),
])
def test_unwritable_output_formats_are_refused_before_the_run(algs, scene, tmp_path, name, message):
    res, msg = run(algs["starfm"], {"COARSE_TARGET": scene["COARSE_TARGET"], "FINE_REF1": scene["FINE_REF1"],
                                    "COARSE_REF1": scene["COARSE_REF1"], "OUTPUT": str(tmp_path / name)})
    assert res is None and msg.startswith(message)
    assert not [f for f in os.listdir(tmp_path) if f.startswith(("fused", ".tmp_"))]


def test_loaded_output_gets_a_temperature_style_and_a_name_with_method_and_date(algs, scene, tmp_path):
    out = str(tmp_path / "starfm.tif")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    params = {"COARSE_TARGET": scene["COARSE_TARGET"], "FINE_REF1": scene["FINE_REF1"],
              "COARSE_REF1": scene["COARSE_REF1"], "WINDOW": 7,
              "OUTPUT": QgsProcessingOutputLayerDefinition(out, QgsProject.instance())}
    res, context = run(algs["starfm"], params, context)
    assert context.willLoadLayerOnCompletion(out)
    details = context.layerToLoadOnCompletionDetails(out)
    assert details.name == "STARFM 2020-01-17"
    post = details.postProcessor()
    assert post is not None
    layer = QgsRasterLayer(out, "whatever")
    post.postProcessLayer(layer, context, QgsProcessingFeedback())
    assert layer.name() == "STARFM 2020-01-17"
    renderer = layer.renderer()
    assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
    with rasterio.open(out) as ds:
        valid = ds.read(1)[np.isfinite(ds.read(1))]
        unit = {"celsius": "°C", "kelvin": "K"}[ds.tags()["LST_UNIT"]]
    lo, hi = np.percentile(valid, [2, 98])
    assert renderer.classificationMin() == pytest.approx(lo, abs=1e-5)
    assert renderer.classificationMax() == pytest.approx(hi, abs=1e-5)
    assert lo > valid.min() and hi < valid.max()  # a 2-98 % stretch, not min-max
    items = renderer.shader().rasterShaderFunction().colorRampItemList()
    assert items[0].value == pytest.approx(lo, abs=1e-5) and items[-1].value == pytest.approx(hi, abs=1e-5)
    # the Inferno thermal ramp (dark cold, bright hot), the legend in the unit the raster declares
    assert items[0].color.lightness() < 40 and items[-1].color.lightness() > 180
    assert items[0].label.endswith(f" {unit}") and renderer.shader().rasterShaderFunction().legendSettings().suffix() == f" {unit}"


def test_without_a_project_nothing_is_scheduled_to_load(algs, scene, tmp_path):
    out = str(tmp_path / "starfm.tif")
    _, context = run(algs["starfm"], {"COARSE_TARGET": scene["COARSE_TARGET"], "FINE_REF1": scene["FINE_REF1"],
                                      "COARSE_REF1": scene["COARSE_REF1"], "WINDOW": 7, "OUTPUT": out})
    assert not context.willLoadLayerOnCompletion(out) and os.path.exists(out)


def test_deep_prediction_records_the_checkpoint_and_its_sha256(algs, scene, tmp_path):
    pytest.importorskip("torch")
    from lst_fusion.algorithms.predict_model import bundled_checkpoint

    out = str(tmp_path / "edcstfn.tif")
    res, _ = run(algs["predict_edcstfn"], {"COARSE_TARGET": scene["COARSE_TARGET"], "FINE_REF1": scene["FINE_REF1"],
                                           "COARSE_REF1": scene["COARSE_REF1"], "DEVICE": 1, "TILE_SIZE": 64,
                                           "OUTPUT": out})
    with rasterio.open(out) as ds:
        tags, units = ds.tags(), ds.units
    assert units == ("degC",) and tags["METHOD"] == "EDCSTFN" and tags["ACQUISITION_DATE"] == "2020-01-17"
    assert tags["CHECKPOINT"] == "edcstfn.pt (bundled)"
    assert tags["CHECKPOINT_SHA256"] == sha256_of(bundled_checkpoint("edcstfn"))
    assert len(tags["CHECKPOINT_SHA256"]) == 64 and tags["DEVICE"] == "cpu" and tags["TILE_SIZE"] == "64"
    assert tags["TRAIN_DATES"]


def test_evaluate_and_compare_reports_name_method_date_and_draw_a_panel_per_method(algs, scene, tmp_path):
    fused = str(tmp_path / "fused.tif")
    run(algs["estarfm"], {**scene, "WINDOW": 7, "OUTPUT": fused})
    star = str(tmp_path / "star.tif")
    run(algs["starfm"], {k: scene[k] for k in ("COARSE_TARGET", "FINE_REF1", "COARSE_REF1")} | {"WINDOW": 7, "OUTPUT": star})
    html_path = str(tmp_path / "eval.html")
    res, _ = run(algs["evaluate"], {"PREDICTION": fused, "REFERENCE": scene["FINE_REF2"], "RESOLUTION_RATIO": 0.03,
                                    "OUTPUT_TABLE": str(tmp_path / "t.csv"), "OUTPUT_HTML": html_path})
    head = open(html_path, encoding="utf-8").read().split("<table class='header'>")[1].split("</table>")[0]
    assert "<td>ESTARFM</td>" in head and "<td>2020-01-17</td>" in head and "<td>°C</td>" in head
    assert "<td>fused.tif</td>" in head and "<td>FINE_REF2_20200202.tif</td>" in head
    cmp_path = str(tmp_path / "cmp.html")
    run(algs["compare_methods"], {"PREDICTIONS": [fused, star], "REFERENCE": scene["FINE_REF2"], "RESOLUTION_RATIO": 0.03,
                                  "OUTPUT_TABLE": str(tmp_path / "c.csv"), "OUTPUT_HTML": cmp_path})
    text = open(cmp_path, encoding="utf-8").read()
    assert [p.split("</h2>")[0] for p in text.split("<h2 class='method'>")[1:]] == ["fused", "star"]
    assert text.count("data:image/png;base64,") == 4 and "<td>2020-01-17</td>" in text
