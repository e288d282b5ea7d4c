"""The leave-one-date-out protocol (core.evaluation.protocol) and benchmarks/experiment.py on tiny data."""
import csv
import datetime as dt
import importlib.util
import os

import numpy as np
import pytest

from lst_fusion.core.data.pairing import align_pairs
from lst_fusion.core.evaluation import protocol
from lst_fusion.core.platform.errors import LstFusionError
from lst_fusion.deep import training
from lst_fusion.models import registry

from .conftest import REPO, synthetic_scene

D = [dt.date(2020, 1, 1), dt.date(2020, 1, 17), dt.date(2020, 2, 2), dt.date(2020, 2, 18), dt.date(2020, 3, 5)]


def load_experiment():
    spec = importlib.util.spec_from_file_location("experiment", os.path.join(REPO, "benchmarks", "experiment.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_plan_takes_inner_dates_with_nearest_pairs():
    cases = protocol.plan([D[4], D[0], D[1], D[3]])
    assert [c.date for c in cases] == [D[1], D[3]]
    assert (cases[0].before, cases[0].after, cases[0].nearest) == (D[0], D[3], D[0])
    assert (cases[1].before, cases[1].after, cases[1].nearest) == (D[1], D[4], D[4])  # 16 days after, 32 before
    assert D[1] not in cases[0].train_dates and len(cases[0].train_dates) == 3
    with pytest.raises(LstFusionError, match="^TEST_DATES: 2020-01-01 is not a same-day pair with a pair before"):
        protocol.plan(D[:3], [D[0]])


def test_fewer_than_three_pairs_is_not_an_accuracy_test():
    with pytest.raises(LstFusionError, match="not enough pairs for an accuracy test"):
        protocol.plan(D[:2])


@pytest.mark.parametrize("model_id", registry.model_ids())
def test_training_samples_never_contain_the_test_date(model_id):
    pairs = {d: (np.full((4, 4), float(i)), np.full((4, 4), float(i))) for i, d in enumerate(D)}
    for case in protocol.plan(pairs):
        samples = training.pair_samples(protocol.training_pairs(pairs, case), model_id)
        assert samples and all(case.date not in protocol.sample_dates(s) for s in samples)
        assert protocol.check_unseen(samples, case.date) is samples
        # and the test date's Landsat image is in no array of any sample
        truth = pairs[case.date][0]
        assert not any(np.array_equal(v, truth) for s in samples for k, v in s.items() if k.startswith("fine"))
    # a sample that holds the test date in a reference role is refused
    leaked = training.pair_samples(pairs, model_id)
    with pytest.raises(LstFusionError, match="is in .* training sample"):
        protocol.check_unseen(leaked, D[2])


def test_baselines_are_modis_and_reference_plus_change():
    f1, c1, c0 = np.array([[10.0, 12.0]]), np.array([[11.0, 11.0]]), np.array([[14.0, 15.0]])
    b = protocol.baselines(f1, c1, c0)
    np.testing.assert_array_equal(b["MODIS resampled"], c0)
    np.testing.assert_array_equal(b["Landsat ref + MODIS change"], [[13.0, 16.0]])


def test_experiment_on_a_tiny_series(tif, tmp_path):
    pytest.importorskip("torch", reason="PyTorch is not installed")
    (tmp_path / "m").mkdir()
    (tmp_path / "l").mkdir()
    base = synthetic_scene(40)
    for k, d in enumerate(("20200101", "20200117", "20200202", "20200218", "20200305")):  # 4 left: 2 inner dates
        tif(f"l/L_{d}.tif", (base + 1.5 * k).astype(np.float32))
        tif(f"m/M_{d}.tif", (0.3 * base + 17 + 1.5 * k).astype(np.float32))
    align_pairs(str(tmp_path / "m"), str(tmp_path / "l"), str(tmp_path / "ds"))
    out = tmp_path / "out"
    load_experiment().main([str(out), "--dataset", str(tmp_path / "ds"), "--test-dates", "2020-02-02",
                            "--models", "edcstfn", "--epochs", "1", "--patch-size", "16", "--stride", "8",
                            "--device", "cpu", "--block", "8", "--size", "paper"])
    rows = list(csv.DictReader(open(out / "results.csv")))
    from lst_fusion.core.evaluation import validation

    assert set(validation.CLASSICAL) >= {"STARFM", "ESTARFM", "Fit-FC", "FSDAF"}  # every classical table entry
    assert {r["method"] for r in rows} == set(validation.CANDIDATES) | {
        "EDCSTFN", "MODIS resampled", "Landsat ref + MODIS change", "auto", "auto mean of 3 best"}
    auto = [r for r in rows if r["method"] == "auto" and r["region"] == "whole image"][0]
    assert auto["variant"] == "as is" and auto["chose"]  # what it chose for this date
    assert {r["variant"] for r in rows} == {"as is", "+SM", "+RC", "+XN+RC", "+XN"}
    assert {r["date"] for r in rows} == {"2020-02-02"}
    est = [r for r in rows if r["method"] == "ESTARFM" and r["variant"] == "as is"][0]
    assert float(est["RMSE"]) < 0.05  # a uniform change: ESTARFM is exact up to float32
    text = (out / "results.md").read_text()
    assert "Mean over test dates" in text and "| baseline |" in text
    # with a uniform change the reference-plus-change baseline is exact: the deep model is shown losing to it
    assert "| EDCSTFN | as is |" in text and "LOSES to Landsat ref + MODIS change" in text
    train = list(csv.DictReader(open(out / "training.csv")))
    assert train[0]["test_date"] == "2020-02-02" and "2020-02-02" not in train[0]["train_dates"]
    assert train[0]["size"] == "paper" and "(edcstfn): size paper," in text
    report = (out / "report_20200202.html").read_text()
    assert report.count("class='method'") == len({(r["method"], r["variant"]) for r in rows if r["variant"] in ("as is", "+SM", "+RC")})


def test_experiment_on_two_pairs_says_not_enough(tmp_path):
    load_experiment().main([str(tmp_path / "out"), "--site", "sample", "--models"])
    text = (tmp_path / "out" / "results.md").read_text()
    assert "not enough pairs for an accuracy test" in text
    assert not (tmp_path / "out" / "results.csv").exists()


def test_verdicts_against_the_baselines():
    rows = [{"region": "a", "method": "MODIS resampled", "RMSE": 2.0},
            {"region": "a", "method": "Landsat ref + MODIS change", "RMSE": 3.0},
            {"region": "a", "method": "X", "RMSE": 1.0}, {"region": "a", "method": "Y", "RMSE": 2.5},
            {"region": "b", "method": "MODIS resampled", "RMSE": 2.0}, {"region": "b", "method": "X", "RMSE": 2.0}]
    v = [r["verdict"] for r in protocol.mark_verdicts(rows)]
    assert v == ["baseline", "baseline", "beats both", "LOSES to MODIS resampled", "baseline",
                 "LOSES to MODIS resampled"]  # a tie is not a win


def test_mean_over_dates_against_modis_resampled():
    rows = [{"date": d, "method": m, "variant": "as is", "RMSE": v}
            for d, m, v in (("a", "MODIS resampled", 2.0), ("b", "MODIS resampled", 4.0), ("a", "X", 1.0),
                            ("b", "X", 5.0))]
    means = {m["method"]: m for m in protocol.mean_over_dates(rows, ["RMSE"])}
    assert means["X"]["RMSE"] == 3.0 and means["X"]["dates"] == 2
    assert means["X"]["beats MODIS resampled"] == "1/2" and means["X"]["vs MODIS resampled"] == "+0.0 %"


def test_experiment_coregister_flag_uses_co_registered_modis_for_every_method(tmp_path):
    """MODIS shifted 800 m east: with --coregister every method and baseline reads the co-registered MODIS,
    so MODIS resampled itself gets closer to the held-out Landsat."""
    from .test_coregister import series

    modis, landsat = series(tmp_path, 800.0, -150.0)
    exp = load_experiment()
    rmse = {}
    for flag in ([], ["--coregister"]):
        out = tmp_path / ("co" if flag else "plain")
        exp.main([str(out), "--modis", modis, "--landsat", landsat, "--models", *flag])
        rows = list(csv.DictReader(open(out / "results.csv")))
        rmse[bool(flag)] = {r["method"]: float(r["RMSE"]) for r in rows
                            if r["variant"] == "as is" and r["region"] == "whole image"}
    text = (tmp_path / "co" / "results.md").read_text()
    assert "co-registration, joint over 3 pair(s)" in text and "applied to every MODIS raster" in text
    assert "co-registration" not in (tmp_path / "plain" / "results.md").read_text()
    assert rmse[True]["MODIS resampled"] < 0.8 * rmse[False]["MODIS resampled"]
    assert rmse[True]["Landsat ref + MODIS change"] <= rmse[False]["Landsat ref + MODIS change"] + 1e-6
    with pytest.raises(SystemExit, match="--coregister: works on raw folders"):
        exp.main([str(tmp_path / "x"), "--dataset", str(tmp_path / "co" / "dataset"), "--coregister"])
