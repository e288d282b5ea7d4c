"""align_pairs' MIN_CLEAR_TRAINING: partly cloudy pairs for training only (issue 26, item 4)."""
import numpy as np
import pytest

from lst_fusion.core.data import checks, pairing
from lst_fusion.core.platform.errors import LstFusionError

CLEAR = {"20200105": 100, "20200121": 75, "20200206": 25}  # % clear Landsat of three same-day dates


def folders(tmp_path, tif):
    (tmp_path / "m").mkdir()
    (tmp_path / "l").mkdir()
    rng = np.random.default_rng(0)
    for d, clear in CLEAR.items():
        tif(f"m/MOD_{d}.tif", np.full((4, 4), 20.0, np.float32), res=120.0)
        a = (25.0 + rng.normal(0, 1, (16, 16))).astype(np.float32)
        a[:16 - 16 * clear // 100] = np.nan  # the top rows under a cloud
        tif(f"l/LST_{d}.tif", a)
    return str(tmp_path / "m"), str(tmp_path / "l")


def test_a_pair_between_the_thresholds_is_a_training_pair_not_a_test_date(tmp_path, tif):
    m, l_ = folders(tmp_path, tif)
    rows = pairing.align_pairs(m, l_, str(tmp_path / "ds"), min_clear=80, min_clear_training=50)
    status = {r["date"]: r["status"] for r in rows}
    assert status == {"2020-01-05": "pair", "2020-01-21": "training_pair", "2020-02-06": "rejected:clear<50%"}
    assert (tmp_path / "ds" / "L_20200121.tif").exists()
    # test truth and references (validate_methods, the experiment, the series) read the pairs only
    truth = checks.read_dataset_pairs(str(tmp_path / "ds"))
    assert [d.isoformat() for d in truth] == ["2020-01-05"]
    # training reads both
    rows = pairing.read_index(str(tmp_path / "ds"))
    assert [r["date"].isoformat() for r in rows if r["status"] in checks.TRAINING_STATUSES] == ["2020-01-05",
                                                                                                   "2020-01-21"]


def test_without_min_clear_training_nothing_changes(tmp_path, tif):
    m, l_ = folders(tmp_path, tif)
    for mct in (None, 80, 100):  # the default, at MIN_CLEAR and above it: no training-only pair
        rows = pairing.align_pairs(m, l_, str(tmp_path / f"ds{mct}"), min_clear=80, min_clear_training=mct)
        assert [r["status"] for r in rows] == ["pair", "rejected:clear<80%", "rejected:clear<80%"]


def test_min_clear_training_is_a_percentage(tmp_path, tif):
    m, l_ = folders(tmp_path, tif)
    with pytest.raises(LstFusionError, match="^MIN_CLEAR_TRAINING: 120 % is not a percentage"):
        pairing.align_pairs(m, l_, str(tmp_path / "ds"), min_clear=80, min_clear_training=120)


def test_training_reads_the_training_pairs(tmp_path, tif):
    pytest.importorskip("torch", reason="PyTorch is not installed")
    from lst_fusion.deep import training

    m, l_ = folders(tmp_path, tif)
    pairing.align_pairs(m, l_, str(tmp_path / "ds"), min_clear=80, min_clear_training=50)
    samples = training.samples_from_dataset(str(tmp_path / "ds"), "edcstfn")
    assert sorted(s["date"].isoformat() for s in samples) == ["2020-01-05", "2020-01-21"]
    cloudy = next(s for s in samples if s["date"].isoformat() == "2020-01-21")
    assert np.isnan(cloudy["fine_target"][:4]).all() and np.isfinite(cloudy["fine_target"][4:]).all()

