import datetime as dt

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed")

from lst_fusion.core import training  # noqa: E402
from lst_fusion.core.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from lst_fusion.core.errors import Cancelled, LstFusionError  # noqa: E402
from lst_fusion.core.predict import predict_array  # noqa: E402
from lst_fusion.models import registry  # noqa: E402

# EDCSTFN by hand: encoders conv(1|3->32) + conv(32->64) + conv(64->128), decoder 128->64->32->1, 3x3 + bias:
# fine 320 + 18496 + 73856, residual 896 + 18496 + 73856, decoder 73792 + 18464 + 289 = 278465
PARAMS = {"edcstfn": 278465, "sttfn": 102785, "mlffgan": 2647873, "ganstfm": 131209, "swinstfm": 557901}


def batch(spec, b=2, h=37, w=45, seed=0):
    g = torch.Generator().manual_seed(seed)
    return {r: torch.randn(b, 1, h, w, generator=g) for r in spec.inputs}


@pytest.mark.parametrize("mid", registry.model_ids())
def test_shapes_and_parameter_counts(mid):
    torch.manual_seed(0)
    gen, disc = registry.build(mid)
    spec = registry.info(mid)
    x = batch(spec)
    y = gen(x)
    assert y.shape == (2, 1, 37, 45)
    assert sum(p.numel() for p in gen.parameters()) == PARAMS[mid]
    assert (disc is not None) == spec.gan
    if disc is not None:
        assert all(o.shape[0] == 2 and o.shape[1] == 1 for o in disc(y, x))


@pytest.mark.parametrize("mid", registry.model_ids())
def test_small_inputs_give_finite_outputs(mid):
    torch.manual_seed(0)
    gen, _ = registry.build(mid)
    gen.eval()
    with torch.no_grad():
        y = gen(batch(registry.info(mid), 1, 16, 16))
    assert torch.isfinite(y).all()  # MLFF-GAN's deepest level is 1x1 here


@pytest.mark.parametrize("mid", registry.model_ids())
def test_one_optimisation_step_lowers_the_loss(mid):
    torch.manual_seed(0)
    gen, _ = registry.build(mid)
    spec = registry.info(mid)
    x = batch(spec, 4, 32, 32)
    target = x["fine_ref1"] + 0.5 * (x["coarse_target"] - x.get("coarse_ref1", x["coarse_target"]))
    gen.train()
    # a small step: the test checks that the gradients point downhill (the paper's rate
    # is for many steps; a first Adam step of 1e-3 on every weight can overshoot)
    opt = torch.optim.Adam(gen.parameters(), lr=1e-5)
    loss0 = registry.content_loss(mid, gen(x), target)
    opt.zero_grad()
    loss0.backward()
    opt.step()
    with torch.no_grad():
        loss1 = registry.content_loss(mid, gen(x), target)
    assert loss1.item() < loss0.item()


def tiny_problem(n=48, seed=0):
    """Fine change = coarse change x a gain that depends on the land cover (hot blocks heat 2x)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n]
    urban = ((x // 6 + y // 6) % 2 == 0)
    samples = []
    for k in range(4):
        f1 = 20 + 6 * urban + rng.normal(0, 0.5, (n, n))
        c1 = np.full((n, n), f1.mean()) + rng.normal(0, 0.1, (n, n))
        dc = rng.uniform(-4, 4)
        gain = np.where(urban, 1.5, 0.5)
        f0 = f1 + gain * dc
        c0 = c1 + dc
        samples.append({"date": dt.date(2020, 1, 1 + k), "fine_target": f0, "coarse_target": c0,
                        "fine_ref1": f1, "coarse_ref1": c1})
    return samples


def test_training_fits_a_tiny_fusion_problem_well_below_identity():
    samples = tiny_problem()
    ckpt, rows = training.train("edcstfn", samples[:3], epochs=60, batch_size=8, patch_size=16, stride=8,
                                device="cpu", seed=0, val_dates=set(), patience=100,
                                hparams={"channels": (16, 16, 32)})
    assert len(rows) == 60 and rows[-1]["train_loss"] < rows[0]["train_loss"]
    _, model = load_checkpoint_from(ckpt)
    test = samples[3]
    pred = predict_array(ckpt, model, test, tile=64)
    rmse = float(np.sqrt(np.mean((pred - test["fine_target"]) ** 2)))
    identity = float(np.sqrt(np.mean((test["fine_ref1"] - test["fine_target"]) ** 2)))
    assert rmse < 0.35 * identity, (rmse, identity)


def load_checkpoint_from(ckpt, tmp=None):
    import os
    import tempfile

    d = tmp or tempfile.mkdtemp()
    path = save_checkpoint(ckpt, os.path.join(d, "m.pt"))
    return load_checkpoint(path)


@pytest.mark.parametrize("mid", registry.model_ids())
def test_checkpoint_round_trip_is_bit_identical(mid, tmp_path):
    samples = tiny_problem(24)
    if "fine_ref2" in registry.info(mid).inputs:
        for s in samples:
            s.update(fine_ref2=s["fine_ref1"] + 1, coarse_ref2=s["coarse_ref1"] + 1)
    ckpt, _ = training.train(mid, samples[:2], epochs=1, batch_size=4, patch_size=16, stride=8, device="cpu",
                             val_dates=set())
    model, _ = registry.build(mid, **ckpt["hparams"])
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    before = predict_array(ckpt, model, samples[3], tile=24)
    path = save_checkpoint(ckpt, tmp_path / f"{mid}.pt")
    ck2, m2 = load_checkpoint(path, mid)
    after = predict_array(ck2, m2, samples[3], tile=24)
    np.testing.assert_array_equal(before, after)
    assert ck2["model_id"] == mid and ck2["norm"] == ckpt["norm"] and ck2["train_dates"] == ["2020-01-01", "2020-01-02"]
    other = "sttfn" if mid != "sttfn" else "edcstfn"
    with pytest.raises(LstFusionError, match=f"^CHECKPOINT: checkpoint was trained for .*predict_{mid}"):
        load_checkpoint(path, other)


def test_checkpoint_checks(tmp_path):
    torch.save({"hello": 1}, tmp_path / "x.pt")
    with pytest.raises(LstFusionError, match="not an LST Fusion checkpoint"):
        load_checkpoint(tmp_path / "x.pt")
    (tmp_path / "y.pt").write_text("garbage")
    with pytest.raises(LstFusionError, match="not a readable checkpoint"):
        load_checkpoint(tmp_path / "y.pt")
    gen, _ = registry.build("edcstfn")
    from lst_fusion.core.checkpoint import make_checkpoint

    ck = make_checkpoint("edcstfn", gen, {"mean": 0.0, "std": 1.0, "unit": "celsius"}, [], {})
    ck["hparams"] = {"channels": (8, 8, 8)}
    save_checkpoint(ck, tmp_path / "z.pt")
    with pytest.raises(LstFusionError, match="weights do not fit EDCSTFN"):
        load_checkpoint(tmp_path / "z.pt")
    ck["hparams"] = {}
    ck["format_version"] = 99
    save_checkpoint(ck, tmp_path / "v.pt")
    with pytest.raises(LstFusionError, match="format 99 is not supported"):
        load_checkpoint(tmp_path / "v.pt")


@pytest.mark.parametrize("mid", [m for m in registry.model_ids() if registry.info(m).receptive_radius])
def test_tiled_equals_untiled(mid):
    torch.manual_seed(1)
    model, _ = registry.build(mid)
    model.eval()
    spec = registry.info(mid)
    rng = np.random.default_rng(0)
    inputs = {r: 25 + 3 * rng.standard_normal((150, 170)).astype(np.float32) for r in spec.inputs}
    ck = {"model_id": mid, "norm": {"mean": 25.0, "std": 3.0}}
    whole = predict_array(ck, model, inputs, tile=512)
    tiled = predict_array(ck, model, inputs, tile=64, overlap=48, batch_size=3)
    assert np.abs(whole - tiled).max() < 1e-4


@pytest.mark.parametrize("mid", registry.model_ids())
def test_nodata_propagates_and_blending_is_seamless(mid):
    torch.manual_seed(1)
    model, _ = registry.build(mid)
    model.eval()
    spec = registry.info(mid)
    inputs = {r: np.full((80, 90), 25.0, np.float32) for r in spec.inputs}
    inputs["coarse_target"][5, 7] = np.nan
    ck = {"model_id": mid, "norm": {"mean": 25.0, "std": 3.0}}
    out = predict_array(ck, model, inputs, tile=48, overlap=24)
    assert np.isnan(out[5, 7]) and np.isfinite(out).sum() == 80 * 90 - 1


def test_prediction_converts_kelvin_inputs_for_a_celsius_checkpoint():
    torch.manual_seed(0)
    model, _ = registry.build("edcstfn")
    model.eval()
    rng = np.random.default_rng(0)
    inputs = {r: (25 + 3 * rng.standard_normal((40, 40))).astype(np.float32) for r in registry.info("edcstfn").inputs}
    ck = {"model_id": "edcstfn", "norm": {"mean": 25.0, "std": 3.0, "unit": "celsius"}}
    celsius = predict_array(ck, model, inputs)
    kelvin = predict_array(ck, model, {k: v + 273.15 for k, v in inputs.items()})
    np.testing.assert_allclose(kelvin, celsius + 273.15, atol=1e-3)


def test_progress_and_cancel_in_training():
    samples = tiny_problem(24)
    seen = []
    training.train("edcstfn", samples[:2], epochs=2, batch_size=4, patch_size=16, stride=8, device="cpu",
                   val_dates=set(), progress=lambda p, m=None: seen.append(p), hparams={"channels": (4, 4, 4)})
    assert seen[-1] == pytest.approx(100.0)
    with pytest.raises(Cancelled):
        training.train("edcstfn", samples[:2], epochs=5, batch_size=4, patch_size=16, stride=8, device="cpu",
                       val_dates=set(), cancel=lambda: len(seen) > 0, hparams={"channels": (4, 4, 4)})


def test_training_input_errors():
    samples = tiny_problem(24)
    with pytest.raises(LstFusionError, match="PATCH_SIZE: the image \\(24x24 px\\) is smaller"):
        training.train("edcstfn", samples[:2], epochs=1, patch_size=95, device="cpu")
    with pytest.raises(LstFusionError, match="STTFN needs at least three same-day pairs"):
        training.pair_samples({dt.date(2020, 1, 1): (1, 2), dt.date(2020, 1, 5): (1, 2)}, "sttfn")
    if not torch.cuda.is_available():
        with pytest.raises(LstFusionError, match="^DEVICE: CUDA was asked for"):
            training.resolve_device("cuda")


def test_missing_torch_gives_one_clear_sentence(monkeypatch):
    monkeypatch.setattr(registry, "torch_available", lambda: False)
    with pytest.raises(LstFusionError, match="PyTorch is not installed .* pip install --user torch"):
        registry.build("edcstfn")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU visible to PyTorch on this machine")
@pytest.mark.parametrize("mid", registry.model_ids())
def test_cuda_train_and_predict(mid):
    samples = tiny_problem(32)
    if "fine_ref2" in registry.info(mid).inputs:
        for s in samples:
            s.update(fine_ref2=s["fine_ref1"], coarse_ref2=s["coarse_ref1"])
    ckpt, _ = training.train(mid, samples[:2], epochs=2, batch_size=4, patch_size=16, stride=8, device="cuda",
                             val_dates=set())
    model, _ = registry.build(mid, **ckpt["hparams"])
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    gpu = predict_array(ckpt, model, samples[3], device="cuda")
    cpu = predict_array(ckpt, model, samples[3], device="cpu")
    assert np.abs(gpu - cpu).max() < 1e-3
