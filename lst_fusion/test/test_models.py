import datetime as dt

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed")

from lst_fusion.core.platform import backends  # noqa: E402
from lst_fusion.core.platform.errors import Cancelled, LstFusionError  # noqa: E402
from lst_fusion.deep import training  # noqa: E402
from lst_fusion.deep.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from lst_fusion.deep.predict import predict_array  # noqa: E402
from lst_fusion.models import registry  # noqa: E402

# EDCSTFN by hand: encoders conv(1|3->32) + conv(32->64) + conv(64->128), decoder 128->64->32->1, 3x3 + bias:
# fine 320 + 18496 + 73856, residual 896 + 18496 + 73856, decoder 73792 + 18464 + 289 = 278465
PARAMS = {"edcstfn": 278465, "sttfn": 102785, "mlffgan": 2647873, "ganstfm": 131209, "swinstfm": 557901}
# trainable generator parameters of the public reference code at one band (../shared/REFERENCES.md); STTFN has no
# public code: one branch shared by both directions, 64 filters (stated in the README)
REFERENCE = {"edcstfn": 278209, "ganstfm": 577225, "mlffgan": 5917360, "swinstfm": 37529845}
PAPER = {**REFERENCE, "sttfn": 408321}
PAPER_DISCRIMINATOR = {"ganstfm": 3660109, "mlffgan": 2765505}
CASES = [(m, s) for m in registry.model_ids() for s in registry.SIZES]


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
    from lst_fusion.deep.checkpoint import make_checkpoint

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
    monkeypatch.setattr(backends, "torch_available", lambda: False)
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


# ------------------------------------------------------------------ sizes
@pytest.mark.parametrize("mid", list(REFERENCE))
def test_paper_parameter_counts_match_the_reference_code(mid):
    gen, disc = registry.build(mid, size="paper")
    n = registry.count_parameters(gen)
    assert abs(n - REFERENCE[mid]) <= 0.02 * REFERENCE[mid], (n, REFERENCE[mid])
    assert n == PAPER[mid]  # in fact exactly, layer for layer
    assert registry.info(mid).reference_params == REFERENCE[mid]
    if mid in PAPER_DISCRIMINATOR:
        assert registry.count_parameters(disc) == PAPER_DISCRIMINATOR[mid]


def test_sttfn_paper_count_and_small_counts():
    assert registry.count_parameters(registry.build("sttfn", size="paper")[0]) == PAPER["sttfn"]
    for mid, n in PARAMS.items():
        assert registry.count_parameters(registry.build(mid, size="small")[0]) == n


@pytest.mark.parametrize("mid,size", CASES)
def test_forward_and_backward_every_model_and_size(mid, size):
    """One training-mode pass on a small patch: right shape, finite, and every trainable weight gets a gradient."""
    torch.manual_seed(0)
    gen, disc = registry.build(mid, size=size)
    side = 64 if (mid, size) == ("swinstfm", "paper") else 32  # paper SwinSTFM once, on 64 px
    x = batch(registry.info(mid), 1 if side == 64 else 2, side, side)
    gen.train()
    pred = gen(x)
    assert pred.shape == (len(x["fine_ref1"]), 1, side, side) and torch.isfinite(pred).all()
    loss = registry.content_loss(mid, pred, x["fine_ref1"] + 0.1, size=size)
    if disc is not None:
        from lst_fusion.models.common import lsgan_loss

        loss = loss + registry.config(mid, size).gan_weight * lsgan_loss(disc(pred, x), True)
    loss.backward()
    missing = [n for n, p in gen.named_parameters() if p.requires_grad and (p.grad is None or not torch.isfinite(p.grad).all())]
    assert not missing, missing[:5]


def test_size_configs_are_data_with_the_papers_training_settings():
    assert registry.config("swinstfm", "paper").lr == 1e-4
    assert registry.config("mlffgan", "paper").gan_weight == 0.01 and registry.config("mlffgan", "paper").lr == 2e-4
    assert registry.config("ganstfm", "paper").gan_weight == 1e-3 and registry.config("ganstfm", "paper").lr == 1e-3
    assert registry.config("edcstfn", "paper").weight_decay == 1e-6
    for mid in registry.model_ids():
        assert set(registry.info(mid).sizes) == set(registry.SIZES)
        assert all(callable(c.builder) and callable(c.loss) for c in registry.info(mid).sizes.values())


def test_build_errors_name_the_field():
    with pytest.raises(LstFusionError, match="^MODEL: unknown model 'unet'"):
        registry.build("unet")
    with pytest.raises(LstFusionError, match="^SIZE: must be one of auto, small, paper, not 'huge'"):
        registry.build("edcstfn", size="huge")
    # the paper's depths with the small size's two head counts: refused when built, not an IndexError later
    with pytest.raises(LstFusionError, match="^heads: has 2 entries but depths has 4 stages"):
        registry.build("swinstfm", depths=(2, 2, 6, 2))
    with pytest.raises(LstFusionError, match="^heads: stage 2 has 128 channels, which 3 heads do not divide"):
        registry.build("swinstfm", heads=(2, 3))
    with pytest.raises(LstFusionError, match="^head_dim: 48-channel heads do not divide the embedding of 64"):
        registry.build("swinstfm", size="paper", head_dim=48)
    with pytest.raises(LstFusionError, match="^heads: is not a setting of SwinSTFM \\(paper\\)"):
        registry.build("swinstfm", size="paper", heads=(2, 4, 8, 16))
    gen, _ = registry.build("swinstfm", depths=(2, 2, 6, 2), heads=(2, 4, 8, 16))
    assert gen(batch(registry.info("swinstfm"), 1, 40, 40)).shape == (1, 1, 40, 40)


def test_auto_size_is_paper_on_cuda_and_small_on_cpu():
    assert registry.resolve_size("auto", torch.device("cpu")) == "small"
    assert registry.resolve_size("auto", "cuda") == "paper"
    assert registry.resolve_size("paper", "cpu") == "paper"
    samples = tiny_problem(24)
    ckpt, _ = training.train("edcstfn", samples[:2], epochs=1, batch_size=4, patch_size=16, stride=8, device="cpu",
                             val_dates=set())
    assert ckpt["hparams"] == {"size": "small"}


def test_swinstfm_paper_pads_to_sizes_whose_levels_fit_the_windows():
    from lst_fusion.models.swinstfm import fit_size

    # levels of 2 px patches halve 4 times; each level must tile into 8-token windows (or be one smaller window)
    assert [fit_size(n, 2, 8, 5) for n in (20, 64, 95, 96, 128, 256, 300)] == [32, 64, 128, 128, 128, 256, 512]


@pytest.mark.parametrize("mid", ["edcstfn", "ganstfm", "mlffgan", "sttfn"])
def test_paper_checkpoint_round_trip(mid, tmp_path):
    from lst_fusion.deep.checkpoint import checkpoint_size, make_checkpoint

    torch.manual_seed(3)
    gen, _ = registry.build(mid, size="paper")
    ck = make_checkpoint(mid, gen, {"mean": 25.0, "std": 3.0, "unit": "celsius"}, ["2020-01-01"], {},
                         hparams={"size": "paper"})
    path = save_checkpoint(ck, tmp_path / f"{mid}.pt")
    ck2, model = load_checkpoint(path, mid)
    assert checkpoint_size(ck2) == "paper" and type(model) is type(gen)
    assert registry.count_parameters(model) == PAPER[mid]
    rng = np.random.default_rng(0)
    inputs = {r: 25 + 3 * rng.standard_normal((40, 48)).astype(np.float32) for r in registry.info(mid).inputs}
    gen.eval()
    np.testing.assert_array_equal(predict_array(ck, gen, inputs, tile=32, overlap=8),
                                  predict_array(ck2, model, inputs, tile=32, overlap=8))


def test_bundled_checkpoints_are_small():
    import os

    from lst_fusion.algorithms.predict_model import bundled_checkpoint
    from lst_fusion.deep.checkpoint import checkpoint_size

    for mid in registry.model_ids():
        path = bundled_checkpoint(mid)
        if not os.path.exists(path):
            continue
        ck, model = load_checkpoint(path, mid)
        assert checkpoint_size(ck) == "small" and registry.count_parameters(model) == PARAMS[mid]


def test_checkpoint_without_a_size_loads_as_small(tmp_path):
    from lst_fusion.deep.checkpoint import checkpoint_size, make_checkpoint

    gen, _ = registry.build("sttfn")
    ck = make_checkpoint("sttfn", gen, {"mean": 0.0, "std": 1.0, "unit": "celsius"}, [], {})
    assert "size" not in ck["hparams"]
    ck2, model = load_checkpoint(save_checkpoint(ck, tmp_path / "old.pt"), "sttfn")
    assert checkpoint_size(ck2) == "small" and registry.count_parameters(model) == PARAMS["sttfn"]


@pytest.mark.parametrize("mid", [m for m in registry.model_ids() if registry.config(m, "paper").receptive_radius])
def test_paper_tiled_equals_untiled(mid):
    torch.manual_seed(1)
    model, _ = registry.build(mid, size="paper")
    model.eval()
    rng = np.random.default_rng(0)
    inputs = {r: 25 + 3 * rng.standard_normal((100, 120)).astype(np.float32) for r in registry.info(mid).inputs}
    ck = {"model_id": mid, "norm": {"mean": 25.0, "std": 3.0}, "hparams": {"size": "paper"}}
    whole = predict_array(ck, model, inputs, tile=512)
    tiled = predict_array(ck, model, inputs, tile=48, overlap=32, batch_size=3)
    assert np.abs(whole - tiled).max() < 1e-4


def test_edcstfn_two_pairs_reduces_to_one_pair_when_the_pairs_agree():
    """The reference's two-pair weighting: with the same pair twice both weights are 1/2 and the prediction is the
    one-pair prediction; with a second pair whose coarse image is the target (no change) the weights move to it."""
    torch.manual_seed(0)
    model, _ = registry.build("edcstfn", size="paper", two_pairs=True)
    model.eval()
    x = batch(registry.info("edcstfn"), 1, 24, 24)
    with torch.no_grad():
        one = model(x)
        same = model(dict(x, fine_ref2=x["fine_ref1"], coarse_ref2=x["coarse_ref1"]))
        assert torch.allclose(one, same, atol=1e-5)
    assert registry.inputs("edcstfn", {"two_pairs": True}) == registry.TWO_PAIRS
    samples = tiny_problem(24)
    for s in samples:
        s.update(fine_ref2=s["fine_ref1"] + 1, coarse_ref2=s["coarse_ref1"] + 1)
    ckpt, _ = training.train("edcstfn", samples[:3], epochs=1, batch_size=4, patch_size=16, stride=8, device="cpu",
                             val_dates=set(), hparams={"size": "paper", "two_pairs": True})
    ck2, m2 = load_checkpoint_from(ckpt)
    assert m2.two_pairs and np.isfinite(predict_array(ck2, m2, samples[3], tile=24)).all()
    with pytest.raises(LstFusionError, match="^FINE_REF2: EDCSTFN needs this input"):
        predict_array(ck2, m2, {k: v for k, v in samples[3].items() if k != "fine_ref2"})


def test_training_runs_paper_gan_sizes_on_cpu():
    samples = tiny_problem(16)
    logs = []
    ckpt, rows = training.train("ganstfm", samples[:2], epochs=1, batch_size=4, patch_size=16, stride=16,
                                device="cpu", val_dates=set(), size="paper", log=logs.append)
    assert ckpt["hparams"] == {"size": "paper"} and np.isfinite(rows[0]["train_loss"])
    # the published feature loss: its autoencoder is pretrained on the training patches first
    assert ckpt["summary"]["feature_autoencoder_epochs"] == 1 and np.isfinite(ckpt["summary"]["feature_autoencoder_rmse"])
    assert [m for m in logs if m.startswith("feature autoencoder for the loss")][0].startswith(
        "feature autoencoder for the loss: 1 epochs on 2 patches")
    assert logs.count("2 pairs: no date left for validation; early stopping is off") == 1  # val_dates=set()


@pytest.mark.parametrize("mid", ["edcstfn", "ganstfm"])
def test_paper_feature_losses(mid):
    from lst_fusion.models.common import edcstfn_autoencoder, ganstfm_autoencoder

    torch.manual_seed(0)
    ae = (edcstfn_autoencoder if mid == "edcstfn" else ganstfm_autoencoder)().eval()
    # the reference encoders' sizes (REFERENCES.md: EDCSTFN's 240,256; GAN-STFM's conv1-4)
    assert registry.count_parameters(ae.encoder) == {"edcstfn": 240256, "ganstfm": 97152}[mid]
    assert registry.config(mid, "paper").feature_autoencoder is not None
    t = torch.randn(2, 1, 32, 32)
    assert registry.content_loss(mid, t, t, "paper", ae.encode).item() == pytest.approx(0.0, abs=1e-5)
    worse = registry.content_loss(mid, t + 0.5 * torch.randn_like(t), t, "paper", ae.encode)
    plain = registry.content_loss(mid, t + 0.5 * torch.randn_like(t), t, "paper")
    assert worse.item() > 0.01 and plain.item() > 0.01


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU visible to PyTorch on this machine")
@pytest.mark.parametrize("mid", registry.model_ids())
def test_cuda_paper_size_with_mixed_precision(mid):
    samples = tiny_problem(64)
    if "fine_ref2" in registry.info(mid).inputs:
        for s in samples:
            s.update(fine_ref2=s["fine_ref1"], coarse_ref2=s["coarse_ref1"])
    ckpt, rows = training.train(mid, samples[:2], epochs=1, batch_size=4, patch_size=32, stride=16, device="cuda",
                                val_dates=set(), size="auto")
    assert ckpt["hparams"]["size"] == "paper" and np.isfinite(rows[0]["train_loss"])
    _, model = load_checkpoint_from(ckpt)
    gpu = predict_array(ckpt, model, samples[3], device="cuda", tile=64)
    cpu = predict_array(ckpt, model, samples[3], device="cpu", tile=64)
    assert np.nanmax(np.abs(gpu - cpu)) < 0.05 * np.nanstd(cpu) + 0.05  # bf16 rounding, not a different answer
