"""benchmarks/experiment.py on a tiny dataset: the protocol runs and writes its tables."""
import csv
import importlib.util
import os

import numpy as np
import pytest

from lst_fusion.core.pairing import align_pairs

from .conftest import REPO, synthetic_scene

pytest.importorskip("torch", reason="PyTorch is not installed")


def load_experiment():
    spec = importlib.util.spec_from_file_location("experiment", os.path.join(REPO, "benchmarks", "experiment.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_protocol_on_a_tiny_dataset(tif, tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "l").mkdir()
    base = synthetic_scene(40)
    for k, d in enumerate(("20200101", "20200117", "20200202", "20200218")):
        tif(f"l/L_{d}.tif", (base + 1.5 * k).astype(np.float32))
        tif(f"m/M_{d}.tif", (0.3 * base + 17 + 1.5 * k).astype(np.float32))
    align_pairs(str(tmp_path / "m"), str(tmp_path / "l"), str(tmp_path / "ds"))
    out = tmp_path / "out"
    load_experiment().main([str(tmp_path / "ds"), str(out), "--test-dates", "2020-02-02", "--models", "edcstfn",
                            "--epochs", "1", "--patch-size", "16", "--stride", "8", "--device", "cpu"])
    rows = list(csv.DictReader(open(out / "results.csv")))
    assert {r["method"] for r in rows} == {"STARFM", "ESTARFM", "EDCSTFN"}
    assert {r["date"] for r in rows} == {"2020-02-02"}
    est = [r for r in rows if r["method"] == "ESTARFM"][0]
    assert float(est["RMSE"]) < 0.05  # a uniform change: ESTARFM is exact up to float32
    text = (out / "results.md").read_text()
    assert "Mean over test dates" in text and "hold-out: none" in text
    assert os.path.exists(out / "report_ESTARFM_20200202.html")
