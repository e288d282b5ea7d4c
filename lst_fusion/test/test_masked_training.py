"""Training on partly cloudy pairs: the masked loss (issue 26, item 4)."""
import datetime as dt

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed")

from lst_fusion.core.platform.errors import LstFusionError  # noqa: E402
from lst_fusion.deep import training  # noqa: E402
from lst_fusion.models import registry  # noqa: E402

from .conftest import synthetic_scene  # noqa: E402

LOSSES = [registry.loss_mse, registry.loss_mse_msssim, registry.loss_l1_msssim, registry.loss_l1_msssim_cosine,
          registry.loss_charbonnier_msssim]


def cloud(shape, centre, radius):
    y, x = np.mgrid[0:shape[0], 0:shape[1]]
    return np.hypot(y - centre[0], x - centre[1]) < radius


def loss_and_grad(loss, pred0, target, mask):
    pred = pred0.clone().requires_grad_(True)
    value = training.masked_loss(loss, pred, target, mask)
    value.backward()
    return float(value.detach()), pred.grad.clone()


@pytest.mark.parametrize("loss", LOSSES, ids=lambda f: f.__name__)
def test_a_poisoned_invalid_target_pixel_changes_neither_loss_nor_gradient(loss):
    g = torch.Generator().manual_seed(0)
    pred = torch.randn(2, 1, 40, 40, generator=g)
    target = torch.randn(2, 1, 40, 40, generator=g)
    mask = torch.ones(2, 1, 40, 40)
    mask[0, 0, 10:20, 5:25] = 0  # a cloud
    mask[1, 0, 30, 30] = 0  # one pixel
    clean, g_clean = loss_and_grad(loss, pred, target, mask)
    poisoned = target.clone()
    poisoned[mask == 0] = 1e4  # 1e4 K where the target is invalid
    bad, g_bad = loss_and_grad(loss, pred, poisoned, mask)
    assert bad == clean and torch.equal(g_bad, g_clean)
    # and the valid pixels do count: the same poison on a valid pixel moves the loss
    poisoned[0, 0, 0, 0] = 1e4
    assert loss_and_grad(loss, pred, poisoned, mask)[0] > clean + 1.0


def test_masked_mse_is_the_mean_over_the_valid_pixels():
    pred = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    target = torch.tensor([[[[2.0, 2.0], [1e4, 1.0]]]])
    mask = torch.tensor([[[[1.0, 1.0], [0.0, 1.0]]]])
    value, grad = loss_and_grad(registry.loss_mse, pred, target, mask)
    assert value == pytest.approx((1.0 + 0.0 + 9.0) / 3)  # (1-2)^2, (2-2)^2, (4-1)^2 over 3 valid pixels
    # d/dpred of sum(m (p - t)^2) / 3: 2 (p - t) / 3 at the valid pixels, 0 at the invalid one
    np.testing.assert_allclose(grad.numpy().ravel(), [2 * -1 / 3, 0.0, 0.0, 2 * 3 / 3], rtol=1e-6)
    assert float(training.masked_loss(registry.loss_mse, pred, target, torch.zeros_like(mask))) == 0.0


def cloudy_pairs(n=48, seed=0):
    """Four same-day pairs of a structured scene; the target Landsat of two dates under a cloud (NaN)."""
    rng = np.random.default_rng(seed)
    base = synthetic_scene(n, seed)
    pairs = {}
    for k in range(4):
        f = (base + 1.5 * k + rng.normal(0, 0.2, base.shape)).astype(np.float32)
        c = (0.4 * base + 15 + 1.5 * k).astype(np.float32)
        pairs[dt.date(2020, 1, 1) + dt.timedelta(days=16 * k)] = (f, c)
    clouds = {dt.date(2020, 1, 17): cloud((n, n), (20, 30), 9), dt.date(2020, 2, 2): cloud((n, n), (35, 12), 7)}
    return pairs, clouds


def run(samples, model="edcstfn", **kw):
    hp = {"channels": (8, 8, 16)} if model == "edcstfn" else None
    ckpt, rows = training.train(model, samples, epochs=1, batch_size=4, patch_size=16, stride=8, device="cpu",
                                seed=0, val_dates=set(), hparams=hp, size="small", **kw)
    return ckpt


def with_clouds(pairs, clouds, value, model="edcstfn"):
    """Samples whose cloudy Landsat pixels hold ``value`` (NaN: missing; a number: gap-filled, marked so)."""
    samples = training.pair_samples(pairs, model)
    for s in samples:
        c = clouds.get(s["date"])
        if c is not None:
            s["fine_target"] = np.where(c, np.float32(value), s["fine_target"])
            if np.isfinite(value):
                s[training.OBSERVED] = {training.TARGET: ~c}
    return samples


@pytest.mark.parametrize("model", ["edcstfn", "ganstfm"])  # a content loss with MS-SSIM; one with a GAN term
def test_training_on_cloudy_pairs_never_reads_the_cloudy_pixels(model):
    pairs, clouds = cloudy_pairs()
    missing = run(with_clouds(pairs, clouds, np.nan, model), model, min_valid_patch=0.5)
    poisoned = run(with_clouds(pairs, clouds, 1e4, model), model, min_valid_patch=0.5)  # gap-filled, marked
    assert missing["norm"] == poisoned["norm"]
    for k, v in missing["state_dict"].items():
        assert torch.equal(v, poisoned["state_dict"][k]), k
    # the partly cloudy patches are used (min_valid_patch 0.5), and they are all that changed
    strict = run(with_clouds(pairs, clouds, np.nan, model), model)
    assert missing["summary"]["n_train_patches"] > strict["summary"]["n_train_patches"]
    assert strict["summary"]["train_valid_fraction"] == 1.0 > missing["summary"]["train_valid_fraction"] >= 0.5


def test_an_unmarked_gap_fill_is_read_as_truth():
    """The control of the test above: the same 1e4 K without the OBSERVED mask does change the weights."""
    pairs, clouds = cloudy_pairs()
    marked = run(with_clouds(pairs, clouds, 1e4), min_valid_patch=0.5)
    unmarked = with_clouds(pairs, clouds, 1e4)
    for s in unmarked:
        s.pop(training.OBSERVED, None)
    unmarked = run(unmarked, min_valid_patch=0.5)
    assert any(not torch.equal(v, unmarked["state_dict"][k]) for k, v in marked["state_dict"].items())


def test_min_valid_patch_must_be_a_fraction():
    pairs, clouds = cloudy_pairs()
    with pytest.raises(LstFusionError, match="MIN_VALID_PATCH"):
        run(with_clouds(pairs, clouds, np.nan), min_valid_patch=0.0)
