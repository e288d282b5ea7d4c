"""benchmarks/deep_transfer.py: deep models trained on one series and scored on another that shares no date."""
import csv
import datetime as dt
import importlib.util
import os
import sys

import numpy as np
import pytest

from .conftest import REPO, synthetic_scene, write_series_folders


@pytest.fixture(scope="module")
def dt_mod():
    sys.path.insert(0, os.path.join(REPO, "benchmarks"))  # it imports experiment and site_tables beside it
    spec = importlib.util.spec_from_file_location("deep_transfer", os.path.join(REPO, "benchmarks", "deep_transfer.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_each_date_is_predicted_from_the_nearest_other_pair(dt_mod):
    d = [dt.date(2020, 1, 1), dt.date(2020, 1, 11), dt.date(2020, 1, 31)]
    cases = dt_mod.transfer_cases(d)
    assert [(c.date, c.nearest, c.before, c.after, c.train_dates) for c in cases] == [
        (d[0], d[1], d[1], d[1], (d[1],)), (d[1], d[0], d[0], d[0], (d[0],)), (d[2], d[1], d[1], d[1], (d[1],))]
    tie = dt_mod.transfer_cases([dt.date(2020, 1, 1), dt.date(2020, 1, 11), dt.date(2020, 1, 21)])
    assert tie[1].nearest == dt.date(2020, 1, 1)  # 10 days either side: the earlier pair


def series(folder, tif, dates, shift):
    base = synthetic_scene(32)
    return write_series_folders(folder, tif, {d: (base + shift + 3.0 * k, 0.5 * base + 12 + shift + 2.0 * k)
                                              for k, d in enumerate(dates)})


def test_a_date_in_both_series_is_refused(dt_mod, tif, tmp_path):
    d = [dt.date(2020, 1, 1), dt.date(2020, 2, 1)]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    series(tmp_path / "a", lambda n, a: tif("a/" + n, a), d, 0.0)
    series(tmp_path / "b", lambda n, a: tif("b/" + n, a), [d[1], dt.date(2020, 3, 1)], 1.0)
    with pytest.raises(SystemExit, match="share dates"):
        dt_mod.main([str(tmp_path / "out"), "--train-dataset", str(tmp_path / "a" / "ds"), "--test-dataset",
                     str(tmp_path / "b" / "ds"), "--models", "edcstfn"])


def test_transfer_scores_every_model_variant_and_both_baselines(dt_mod, tif, tmp_path):
    pytest.importorskip("torch", reason="PyTorch is not installed")
    train = [dt.date(2020, 1, 1), dt.date(2020, 1, 17), dt.date(2020, 2, 2)]
    test = [dt.date(2021, 5, 1), dt.date(2021, 6, 2)]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    series(tmp_path / "a", lambda n, a: tif("a/" + n, a), train, 0.0)
    series(tmp_path / "b", lambda n, a: tif("b/" + n, a), test, 3.0)
    out = tmp_path / "out"
    dt_mod.main([str(out), "--train-dataset", str(tmp_path / "a" / "ds"), "--test-dataset", str(tmp_path / "b" / "ds"),
                 "--models", "edcstfn", "sttfn", "--epochs", "1", "--patch-size", "16", "--stride", "8",
                 "--coarse-pixel", "240"])
    rows = list(csv.DictReader(open(out / "transfer.csv", encoding="utf-8")))
    keys = {(r["method"], r["variant"], r["date"]) for r in rows}
    assert keys == {(m, v, d.isoformat()) for d in test for m, v in
                    [("MODIS resampled", "as is"), ("Landsat ref + MODIS change", "as is")]
                    + [(m, v) for m in ("EDCSTFN", "STTFN") for v in ("as is", "+SM", "+RC")]}
    # the baselines by hand: MODIS of the day, and the other date's Landsat plus MODIS's change
    base = synthetic_scene(32)
    f = {d: base + 3.0 + 3.0 * k for k, d in enumerate(test)}
    c = {d: 0.5 * base + 15.0 + 2.0 * k for k, d in enumerate(test)}
    got = {(r["method"], r["date"]): float(r["RMSE"]) for r in rows}
    for t, ref in zip(test, reversed(test)):
        assert got[("MODIS resampled", t.isoformat())] == pytest.approx(np.sqrt(np.mean((c[t] - f[t]) ** 2)), abs=1e-3)
        change = f[ref] + c[t] - c[ref]
        assert got[("Landsat ref + MODIS change", t.isoformat())] == pytest.approx(
            np.sqrt(np.mean((change - f[t]) ** 2)), abs=1e-3)
    md = (out / "transfer.md").read_text(encoding="utf-8")
    assert "models trained on 2020-01-01, 2020-01-17, 2020-02-02" in md and "| **MODIS resampled** | as is |" in md


def test_the_target_dates_landsat_is_in_no_role(dt_mod):
    pytest.importorskip("torch", reason="PyTorch is not installed")
    from lst_fusion.deep import fold

    base = synthetic_scene(32)
    train = {d: (base + 1.5 * k, 0.5 * base + 12 + 1.5 * k)
             for k, d in enumerate([dt.date(2020, 1, 1), dt.date(2020, 1, 17), dt.date(2020, 2, 2)])}
    d0, d1 = dt.date(2021, 5, 1), dt.date(2021, 6, 2)
    test = {d0: (base + 3.0, 0.5 * base + 15.0), d1: (base + 6.0, 0.5 * base + 17.0)}
    case = dt_mod.transfer_cases([d0, d1])[1]  # d1 predicted from d0
    for mid in ("edcstfn", "sttfn"):  # one pair, and two pairs given one in both roles
        ckpt, model, _ = fold.train_for_case(mid, train, case, 1, "cpu", "small", 16, 8, log=lambda s: None)
        pred = dt_mod.predict_case(mid, ckpt, model, case, test)
        poisoned = {**test, d1: (np.full((32, 32), 1e4), test[d1][1])}
        np.testing.assert_array_equal(dt_mod.predict_case(mid, ckpt, model, case, poisoned), pred)
        moved = {**test, d0: (test[d0][0] + 2.0, test[d0][1])}  # the reference's Landsat is read
        assert not np.array_equal(dt_mod.predict_case(mid, ckpt, model, case, moved), pred)
