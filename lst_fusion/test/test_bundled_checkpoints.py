"""The checkpoints shipped in lst_fusion/resources/checkpoints (scripts/train_bundled.py).

Each loads through the real loader, is anchored, is stored as float16 and widened to float32, and
predicts the southern half of the bundled sample (rows 200-399, never seen in training) for the
MODIS-only date 2016-02-18 finitely, moving with that day's MODIS level.  float16 storage changes a
prediction by less than 0.02 K (HALF_BOUND_K).  The loader still refuses damaged or non-finite weights.
"""
import datetime as dt
import glob
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed")

from lst_fusion.core.data.io import read_raster  # noqa: E402
from lst_fusion.core.platform.errors import LstFusionError  # noqa: E402
from lst_fusion.deep import training  # noqa: E402
from lst_fusion.deep.checkpoint import bundled_checkpoint, checkpoint_size, load_checkpoint, make_checkpoint, save_checkpoint  # noqa: E402
from lst_fusion.deep.predict import predict_array  # noqa: E402
from lst_fusion.models import registry  # noqa: E402

SAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources", "sample")
HALF_BOUND_K = 0.02  # K; measured: at most 0.015 (GAN-STFM, below), 1e-4 to 1.3e-3 for the others


def dated(rows=slice(200, 400), cols=slice(None)):
    from lst_fusion.core.data.dates import parse_date

    out = {}
    for key, sub in (("L", "landsat"), ("M", "modis")):
        for p in sorted(glob.glob(os.path.join(SAMPLE, sub, "*.tif"))):
            out[key, parse_date(p).isoformat()] = read_raster(p).data[rows, cols] - 273.15
    return out


def inputs_for(mid, r, target="2016-02-18"):
    x = {"fine_ref1": r["L", "2016-02-05"], "coarse_ref1": r["M", "2016-02-05"], "coarse_target": r["M", target]}
    if "fine_ref2" in registry.info(mid).inputs:
        x.update(fine_ref2=r["L", "2016-03-08"], coarse_ref2=r["M", "2016-03-08"])
    return x


@pytest.mark.parametrize("mid", registry.model_ids())
def test_bundled_checkpoint_is_anchored_half_and_predicts_the_unseen_south(mid):
    path = bundled_checkpoint(mid)
    assert os.path.exists(path), f"{path} is shipped with the plugin"
    stored = torch.load(path, map_location="cpu", weights_only=True)["state_dict"]
    assert {t.dtype for t in stored.values() if t.is_floating_point()} == {torch.float16}
    ck, model = load_checkpoint(path, mid)
    assert ck["norm"]["anchor"] == training.ANCHOR and checkpoint_size(ck) == "small"
    assert {p.dtype for p in model.parameters()} == {torch.float32}
    assert "northern half" in ck["summary"]["trained_on"]
    assert 0 <= ck["summary"]["float16_max_change_K"] < HALF_BOUND_K  # measured by train_bundled.py when it saved
    r = dated()
    x = inputs_for(mid, r)
    pred = predict_array(ck, model, x, tile=256, device="cpu")
    valid = np.all([np.isfinite(a) for a in x.values()], axis=0)
    assert np.isfinite(pred[valid]).all() and valid.sum() > 0.99 * valid.size
    lo, hi = min(np.nanmin(a) for a in x.values()), max(np.nanmax(a) for a in x.values())
    assert lo - 10 < np.nanmin(pred) and np.nanmax(pred) < hi + 10  # within 10 K of every input's range
    # anchored: the day's MODIS 3 K warmer everywhere -> the prediction 3 K warmer everywhere, exactly (an
    # absolute-mode checkpoint does not do this); the offset learned from the training dates stays (docs/sample.md)
    warmer = predict_array(ck, model, dict(x, coarse_target=x["coarse_target"] + 3.0), tile=256, device="cpu")
    np.testing.assert_allclose((warmer - pred)[valid], 3.0, atol=1e-3)


def tiny_sample_problem(mid):
    """Both directions on a 48 x 64 crop of the north half (training) and the same crop of the south."""
    north, south = dated(slice(0, 48), slice(0, 64)), dated(slice(200, 248), slice(0, 64))

    def samples(r):
        out = []
        for tgt, ref in (("2016-03-08", "2016-02-05"), ("2016-02-05", "2016-03-08")):
            s = {"date": dt.date.fromisoformat(tgt), "fine_target": r["L", tgt], "coarse_target": r["M", tgt],
                 "fine_ref1": r["L", ref], "coarse_ref1": r["M", ref]}
            if "fine_ref2" in registry.info(mid).inputs:
                s.update(fine_ref2=r["L", ref], coarse_ref2=r["M", ref])
            out.append(s)
        return out

    return samples(north), samples(south)


@pytest.mark.parametrize("mid", registry.model_ids())
def test_float16_storage_changes_predictions_by_less_than_two_hundredths_kelvin(mid, tmp_path):
    train, test = tiny_sample_problem(mid)
    ckpt, _ = training.train(mid, train, epochs=1, batch_size=8, patch_size=16, stride=8, device="cpu",
                             val_dates=set(), size="small")
    assert ckpt["norm"]["anchor"] == training.ANCHOR
    full = save_checkpoint(ckpt, tmp_path / "full.pt")
    half = save_checkpoint(ckpt, tmp_path / "half.pt", half=True)
    assert os.path.getsize(half) < 0.6 * os.path.getsize(full)
    (ck32, m32), (ck16, m16) = load_checkpoint(full, mid), load_checkpoint(half, mid)
    assert ck16["weights_sha256"] != ck32["weights_sha256"]  # each covers the weights as stored
    for name, t in m16.state_dict().items():  # widened exactly: float16 -> float32 is lossless
        ref = m32.state_dict()[name]
        assert t.dtype == ref.dtype
        if t.is_floating_point():
            np.testing.assert_array_equal(t.numpy(), ref.to(torch.float16).float().numpy())
    worst = 0.0
    for s in test:
        a, b = predict_array(ck32, m32, s, tile=64, device="cpu"), predict_array(ck16, m16, s, tile=64, device="cpu")
        assert np.array_equal(np.isnan(a), np.isnan(b))
        worst = max(worst, float(np.nanmax(np.abs(a - b))))
    assert 0 < worst < HALF_BOUND_K, worst  # 0 would mean the weights were not rounded at all


def test_damaged_or_non_finite_weights_are_refused(tmp_path):
    torch.manual_seed(0)
    gen, _ = registry.build("edcstfn")
    ck = make_checkpoint("edcstfn", gen, {"mean": 0.0, "std": 1.0, "unit": "celsius"}, [], {})
    path = save_checkpoint(ck, tmp_path / "h.pt", half=True)
    raw = torch.load(path, map_location="cpu", weights_only=True)
    name = sorted(k for k, t in raw["state_dict"].items() if t.is_floating_point())[0]
    raw["state_dict"][name].view(-1)[0] += 1  # one float16 weight changed after its checksum was taken
    torch.save(raw, tmp_path / "damaged.pt")
    with pytest.raises(LstFusionError, match=r"^CHECKPOINT: damaged.pt is damaged: its weights do not match"):
        load_checkpoint(tmp_path / "damaged.pt")
    state = dict(ck["state_dict"])
    state[name] = state[name].clone()
    state[name].view(-1)[0] = float("nan")
    save_checkpoint(dict(ck, state_dict=state), tmp_path / "nan.pt")  # a checksum that fits: integrity is not enough
    with pytest.raises(LstFusionError, match=r"^CHECKPOINT: nan.pt holds weights that are not finite \(" + name):
        load_checkpoint(tmp_path / "nan.pt")
    state[name].view(-1)[0] = 1e6  # beyond float16's 65504
    with pytest.raises(LstFusionError, match=f"^OUTPUT: weight {name} exceeds float16's range"):
        save_checkpoint(dict(ck, state_dict=state), tmp_path / "big.pt", half=True)
    assert not os.path.exists(tmp_path / "big.pt")
