"""The algorithms chain in the graphical modeler (train -> predict -> evaluate) and run in batches."""
import csv

import numpy as np
import pytest
from qgis.core import (
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
)

from .conftest import synthetic_scene

torch = pytest.importorskip("torch", reason="PyTorch is not installed")


def child(alg_id, child_id, **static):
    """A model child with the given static values and, as the modeler dialog does, every other default."""
    c = QgsProcessingModelChildAlgorithm(alg_id)
    c.setChildId(child_id)
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    for p in alg.parameterDefinitions():
        if p.isDestination():
            continue
        value = static.get(p.name(), p.defaultValue())
        if value is not None:
            c.addParameterSources(p.name(), [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    return c


def test_train_predict_evaluate_model(provider, three_dates, tmp_path):
    lan, mod = three_dates
    model = QgsProcessingModelAlgorithm("lst chain", "tests")
    train = child("lstfusion:train_edcstfn", "train", LANDSAT=lan, MODIS=mod, EPOCHS=1, BATCH_SIZE=4, PATCH_SIZE=16,
                  STRIDE=8, DEVICE=1)
    model.addChildAlgorithm(train)
    pred = child("lstfusion:predict_edcstfn", "predict", FINE_REF1=lan[0], COARSE_REF1=mod[0], COARSE_TARGET=mod[2])
    pred.addParameterSources("CHECKPOINT", [QgsProcessingModelChildParameterSource.fromChildOutput("train", "OUTPUT")])
    pred.setDependencies([])
    model.addChildAlgorithm(pred)
    ev = child("lstfusion:evaluate", "evaluate", REFERENCE=lan[2])
    ev.addParameterSources("PREDICTION", [QgsProcessingModelChildParameterSource.fromChildOutput("predict", "OUTPUT")])
    out = QgsProcessingModelOutput("metrics", "Metrics table")
    out.setChildId("evaluate")
    out.setChildOutputName("OUTPUT_TABLE")
    ev.setModelOutputs({"metrics": out})
    model.addChildAlgorithm(ev)
    assert model.childAlgorithm("predict").dependencies() == []
    ok, errors = model.validate()
    assert ok, errors
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    table = str(tmp_path / "metrics.csv")
    results, ok = model.run({"evaluate:metrics": table}, context, feedback)
    assert ok
    rows = list(csv.DictReader(open(table)))
    assert rows[0]["region"] == "whole image" and float(rows[0]["RMSE"]) > 0


def test_batch_of_starfm_runs(provider, tif, tmp_path):
    """What the batch dialog does: the same algorithm, one parameter set per row."""
    import processing

    base = synthetic_scene(24).astype(np.float32)
    f1, c1 = tif("F1.tif", base), tif("C1.tif", 0.3 * base + 17)
    outs = []
    for k, delta in enumerate((1.0, 2.0, 3.0)):
        c0 = tif(f"C0_{k}.tif", 0.3 * base + 17 + delta)
        res = processing.run("lstfusion:starfm", {"FINE_REF1": f1, "COARSE_REF1": c1, "COARSE_TARGET": c0, "WINDOW": 5,
                                                  "OUTPUT": str(tmp_path / f"out_{k}.tif")})
        outs.append(res["OUTPUT"])
    from lst_fusion.core.data.io import read_raster

    first = read_raster(outs[0]).data
    for k, o in enumerate(outs):  # a uniform coarse change shifts the prediction by exactly that change
        np.testing.assert_allclose(read_raster(o).data - first, float(k), atol=1e-4)
