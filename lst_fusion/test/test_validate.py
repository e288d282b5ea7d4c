"""validate_methods: the engine (validation.validate), its two analyses with known answers, and the algorithm."""
import csv
import datetime as dt

import numpy as np
import pytest

from lst_fusion.core.data.pairing import align_pairs
from lst_fusion.core.evaluation import protocol, validation
from lst_fusion.core.platform.errors import Cancelled
from lst_fusion.validation import validate

from .conftest import synthetic_scene, write_series_folders

D = [dt.date(2020, 1, 1) + dt.timedelta(days=16 * i) for i in range(5)]
SHIFT = [0.0, 1.0, 9.0, 10.0, 11.0]  # MODIS scene change per date: D2 is 8 degrees from its nearest pair D1
ANOMALY = [0.0, 4.0, 0.0, 4.0, 0.0]  # Landsat-only anomaly in class 2 on D1 and D3 (MODIS does not see it)


def constructed(n=32):
    """Pairs on which 'Landsat ref + MODIS change' is exact in class 1 and off by exactly 4 in class 2."""
    base = synthetic_scene(n)
    y, x = np.mgrid[0:n, 0:n]
    classes = np.where(x < n // 2, 1, 2).astype(np.int32)
    pairs = {d: (base + s + a * (classes == 2), 0.3 * base + 17 + s) for d, s, a in zip(D, SHIFT, ANOMALY)}
    return pairs, classes


def test_quantile_classes_have_equal_counts():
    c = validation.quantile_classes(np.append(np.arange(9.0), np.nan))
    assert c.tolist() == [1, 1, 1, 2, 2, 2, 3, 3, 3, 0]


def test_class_errors_known_answer():
    truth = synthetic_scene(16)
    classes = np.repeat([[1] * 8 + [2] * 8], 16, axis=0)
    rows = validation.class_errors({"m": truth + np.where(classes == 1, 1.0, -3.0)}, truth, classes, D[0])
    assert [(r["class"], r["N"], round(r["RMSE"], 9), round(r["BIAS"], 9)) for r in rows] == [
        ("1", 128, 1.0, 1.0), ("2", 128, 3.0, -3.0)]


def test_variability_known_answer():
    c_ref = np.zeros((4, 4))
    c0 = np.array([[1.0, 3.0] * 2] * 4)  # change 1 or 3: mean |d| 2, std 1
    fine = np.array([[0.0, 2.0] * 2] * 4)  # std 1
    assert validation.variability(c0, c_ref, fine) == {"mean |dMODIS|": 2.0, "std dMODIS": 1.0, "Landsat std": 1.0}


def test_engine_on_a_constructed_series(tmp_path):
    pairs, classes = constructed()
    progress = []
    res = validate.run(pairs, ["STARFM", "ESTARFM"], str(tmp_path / "v.csv"), str(tmp_path / "v.html"), block=8,
                       classes=classes, class_source="the test's classes", progress=lambda p, m=None: progress.append(p),
                       log=lambda s: None)
    assert [c.date for c in res["cases"]] == D[1:4] and progress[-1] == pytest.approx(100.0)
    # errors per class, by construction: the change baseline is exact in class 1 and 4 off in class 2
    base = {(r["date"], r["class"]): r for r in res["classes"] if r["method"] == protocol.BASELINE_CHANGE}
    for d in D[1:4]:
        assert base[(str(d), "1")]["RMSE"] == pytest.approx(0.0, abs=1e-9)
        assert base[(str(d), "2")]["RMSE"] == pytest.approx(4.0)
    # temporal variability: mean |dMODIS| from the nearest pair is 1, 8, 1; only D2 is strong
    var = {r["date"]: r for r in res["variability"]}
    assert [var[str(d)]["mean |dMODIS|"] for d in D[1:4]] == pytest.approx([1.0, 8.0, 1.0])
    assert [var[str(d)]["std dMODIS"] for d in D[1:4]] == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)
    assert [d for d, r in var.items() if r["strong"]] == [str(D[2])]
    assert var[str(D[2])]["Landsat std"] == pytest.approx(float(np.std(pairs[D[2]][0])))
    # the CSV: every method, both baselines, the variants and auto with what it chose
    rows = list(csv.DictReader(open(tmp_path / "v.csv")))
    # STARFM can run with one or two pairs: two candidates, each as the series would run it (issue 44)
    starfm = ("STARFM (1 pair)", "STARFM (2 pairs)")
    assert {r["method"] for r in rows} == {*starfm, "ESTARFM", "auto", *protocol.BASELINES}
    assert {r["variant"] for r in rows if r["method"] == starfm[0]} == {"as is", "+SM", "+RC"}
    assert all(r["chose"] for r in rows if r["method"] == "auto")
    rec = res["recommendation"]
    assert (rec["method"], rec["variant"]) in {(m, v) for m in (*starfm, "ESTARFM") for v in protocol.VARIANT_ORDER}
    # the recommendation is auto's rule on every test date: the lowest mean RMSE of a single method
    means = [m for m in res["means"] if m["method"] in (*starfm, "ESTARFM")]
    assert min(means, key=lambda m: m["RMSE"])["RMSE"] == pytest.approx(
        [m for m in means if (m["method"], m["variant"]) == (rec["method"], rec["variant"])][0]["RMSE"])
    text = (tmp_path / "v.html").read_text()
    assert "Errors per land-cover class" in text and f"Strong variability (mean |ΔMODIS| ≥ 5): <span class='nw'>{D[2]}</span>" in text


def test_engine_stops_on_cancel(tmp_path):
    pairs, _ = constructed(16)
    with pytest.raises(Cancelled):
        validate.run(pairs, ["STARFM"], str(tmp_path / "v.csv"), cancel=lambda: True, log=lambda s: None)
    assert not (tmp_path / "v.csv").exists()


@pytest.fixture
def dataset(tmp_path, tif):
    pairs, _ = constructed()
    write_series_folders(tmp_path, tif, pairs)
    return tmp_path


def test_algorithm_runs_and_recommends(provider, dataset):
    import processing

    res = processing.run("lstfusion:validate_methods", {
        "DATASET": str(dataset / "ds"), "METHODS": [0, 1], "OUTPUT_CSV": str(dataset / "o.csv"),
        "OUTPUT_HTML": str(dataset / "o.html")})
    assert res["N_FOLDS"] == 3 and res["RECOMMENDED_METHOD"] in ("STARFM (1 pair)", "STARFM (2 pairs)", "ESTARFM")
    assert res["RECOMMENDED_VARIANT"] in protocol.VARIANT_ORDER
    assert (dataset / "o.csv").exists() and (dataset / "o.html").exists()


def test_algorithm_with_two_pairs_says_so_in_one_sentence(provider, dataset):
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    class Errors(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.errors = []

        def reportError(self, error, fatalError=False):  # noqa: N802, N803
            self.errors.append(error)

    for d in D[2:]:
        (dataset / f"l/L_{d:%Y%m%d}.tif").unlink()
    align_pairs(str(dataset / "m"), str(dataset / "l"), str(dataset / "ds2"))
    fb = Errors()
    with pytest.raises(QgsProcessingException) as exc:
        processing.run("lstfusion:validate_methods", {"DATASET": str(dataset / "ds2"), "METHODS": [0],
                                                      "OUTPUT_CSV": str(dataset / "o.csv"),
                                                      "OUTPUT_HTML": str(dataset / "o.html")}, feedback=fb)
    text = " | ".join(fb.errors) + str(exc.value)
    assert "DATASET: not enough pairs for an accuracy test" in text and "got 2" in text
    assert not (dataset / "o.csv").exists()


def test_validate_methods_options_only_ever_append():
    """METHODS' indices (saved in models) keep meaning: STARFM, ESTARFM, today's deep models, then the table's
    newer entries in its order; values are what validation.validate.run expects (labels, model ids)."""
    from lst_fusion.algorithms.validate_methods import method_options
    from lst_fusion.core.fusion import methods

    opts = method_options()
    assert opts[:7] == [("STARFM", "STARFM"), ("ESTARFM", "ESTARFM"), ("EDCSTFN", "edcstfn"), ("STTFN", "sttfn"),
                        ("MLFF-GAN", "mlffgan"), ("GAN-STFM", "ganstfm"), ("SwinSTFM", "swinstfm")]
    # the table's fusion methods; MODIS resampled is the baseline row of every table, not a method to choose
    assert [label for label, _ in opts[7:]] == [m.label for m in methods.METHODS[7:] if m.fusion]
    assert sorted(label for label, _ in opts) == sorted(m.label for m in methods.METHODS if m.fusion)
