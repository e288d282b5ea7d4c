"""benchmarks/site_tables.py: the bias decomposition, the training-pair predictors of the day's offset, the
level shift and the error map, on hand-computed data."""
import datetime as dt
import importlib.util
import os
import sys

import numpy as np
import pytest

from .conftest import REPO

D = [dt.date(2020, 1, 1), dt.date(2020, 2, 1), dt.date(2020, 3, 1)]


@pytest.fixture(scope="module")
def st():
    sys.path.insert(0, os.path.join(REPO, "benchmarks"))  # site_tables imports experiment beside it
    spec = importlib.util.spec_from_file_location("site_tables", os.path.join(REPO, "benchmarks", "site_tables.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_scores_split_rmse_into_bias_and_ubrmse(st):
    truth = np.array([[0.0, 0.0], [0.0, np.nan]])
    s = st.scores(np.array([[1.0, 5.0], [3.0, 7.0]]), truth)  # errors 1, 5, 3 (the NaN pixel left out)
    assert s["BIAS"] == pytest.approx(3.0)
    assert s["RMSE"] == pytest.approx(np.sqrt(35.0 / 3.0))
    assert s["ubRMSE"] == pytest.approx(np.sqrt(8.0 / 3.0))  # sqrt(mean((e - 3)^2)) = sqrt((4 + 4 + 0) / 3)


def pairs_on_a_line(a, b, levels):
    """4 x 4 MODIS images (2 x 2 footprints of 2 px) with Landsat = a + b * MODIS exactly."""
    grad = np.arange(16, dtype=np.float64).reshape(4, 4)
    return {d: (a + b * (lv + grad), lv + grad) for d, lv in zip(D, levels)}


def test_predictors_use_the_training_pairs_only(st):
    pairs = pairs_on_a_line(2.0, 1.5, (10.0, 20.0, 30.0))
    # offsets Landsat - MODIS = 2 + 0.5 * MODIS; mean MODIS of a pair = level + 7.5
    off = {d: 2.0 + 0.5 * (lv + 7.5) for d, lv in zip(D, (10.0, 20.0, 30.0))}
    lv = st.predicted_levels(pairs, D[1], block=2)
    mean_offset, ols, theil_sen = (lv[p] for p in st.PREDICTORS)
    assert mean_offset == pytest.approx((off[D[0]] + off[D[2]]) / 2)  # D[1]'s own offset in no role
    assert ols == pytest.approx(off[D[1]])  # an exact line: both fits find it and predict the day's offset
    assert theil_sen == pytest.approx(off[D[1]])
    pairs[D[1]] = (pairs[D[1]][0] + 100.0, pairs[D[1]][1])  # the test date's Landsat changes nothing
    assert st.predicted_levels(pairs, D[1], block=2) == lv


def test_with_level_sets_modis_level_plus_the_offset(st):
    pred = np.array([[1.0, 2.0], [3.0, np.nan]])
    coarse = np.array([[10.0, 10.0], [13.0, 50.0]])  # the pixel where pred is NaN does not count
    out = st.with_level(pred, coarse, -1.0)
    assert np.nanmean(out) == pytest.approx(11.0 - 1.0)
    np.testing.assert_allclose(out[:1], [[9.0, 10.0]])  # the pattern kept, shifted by 11 - 1 - 2


def test_error_map_is_a_small_png(st, tmp_path):
    pytest.importorskip("matplotlib")
    rng = np.random.default_rng(0)
    truth = rng.normal(30.0, 2.0, (40, 70))
    path = str(tmp_path / "e.png")
    st.error_map(path, "t", truth, {"a": truth + 3.0, "b": truth - 1.0 + rng.normal(0, 1, truth.shape)}, "°C")
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert 0 < os.path.getsize(path) < 200_000
    assert not os.path.exists(path + ".part.png")
