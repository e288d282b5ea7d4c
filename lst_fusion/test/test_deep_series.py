"""Deep models over a series: the reference encoding computed once per reference set (docs/deep_series.md).

EDCSTFN splits into ``encode_references`` (the fine encoder, which reads only the fine references: F_k - C_k
in the anchored mode, F_k in the absolute one) and ``predict_from_encoding`` (the change encoder and the
decoder, per date).  Known answer: an encoding made from one date's inputs, without its MODIS, gives every
other date the plain forward's prediction of that date, within ENC_BOUND_K; ``predict_dates`` equals
``predict_array`` of each date on the real bundled sample with the bundled checkpoint, and runs the fine
encoder once per batch of tiles instead of once per date.
"""
import glob
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed")

from lst_fusion.core.data.dates import parse_date  # noqa: E402
from lst_fusion.core.data.io import read_raster  # noqa: E402
from lst_fusion.deep.checkpoint import bundled_checkpoint, load_checkpoint  # noqa: E402
from lst_fusion.deep.predict import _prepare, encodes_references, predict_array, predict_dates  # noqa: E402
from lst_fusion.models import registry  # noqa: E402

SAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources", "sample")
ENC_BOUND_K = 1e-5  # K: float32 rounding only (measured 0 on the CPU: the same operations on the same tensors)
REF = "2016-02-05"
TARGETS = ("2016-02-05", "2016-02-18", "2016-03-08")  # every MODIS date of the sample


def sample(rows, cols):
    out = {}
    for key, sub in (("L", "landsat"), ("M", "modis")):
        for p in sorted(glob.glob(os.path.join(SAMPLE, sub, "*.tif"))):
            out[key, parse_date(p).isoformat()] = read_raster(p).data[rows, cols]
    return out


def references(r, two=False):
    x = {"fine_ref1": r["L", REF], "coarse_ref1": r["M", REF]}
    if two:
        x.update(fine_ref2=r["L", "2016-03-08"], coarse_ref2=r["M", "2016-03-08"])
    return x


def network_view(ckpt, roles, inputs):
    stack, _, _, _ = _prepare(ckpt, roles, inputs, registry.info(ckpt["model_id"]))
    return {role: torch.from_numpy(stack[i:i + 1][None]) for i, role in enumerate(roles)}


def check_reuse(ckpt, model, two):
    """The encoding of date 0's inputs reused for each date equals that date's forward (in K)."""
    r = sample(slice(200, 264), slice(0, 72))  # the south half: never seen in training
    refs = references(r, two)
    roles = list(registry.inputs("edcstfn", {"two_pairs": two}))
    views = [network_view(ckpt, roles, dict(refs, coarse_target=r["M", t])) for t in TARGETS]
    with torch.inference_mode():
        # the encoding gets only the fine references: it cannot read a date's MODIS
        enc = model.encode_references({k: v for k, v in views[0].items() if k.startswith("fine_ref")})
        assert sorted(enc) == (["fine_ref1", "fine_ref2"] if two else ["fine_ref1"])
        worst, spread = 0.0, 0.0
        for v in views:
            plain = model(v)
            split = model.predict_from_encoding(enc, v)
            worst = max(worst, float((plain - split).abs().max()) * ckpt["norm"]["std"])
            spread = max(spread, float((plain - model(views[1])).abs().max()) * ckpt["norm"]["std"])
    assert worst <= ENC_BOUND_K
    assert spread > 0.1  # the dates differ (by more than 0.1 K somewhere): the reuse is not vacuous


def test_edcstfn_encoding_of_the_references_serves_every_date_bundled_checkpoint():
    ckpt, model = load_checkpoint(bundled_checkpoint("edcstfn"), "edcstfn")
    assert ckpt["norm"]["anchor"] == "coarse_target" and encodes_references(model)
    check_reuse(ckpt, model, two=False)


def test_edcstfn_two_pair_encoding_serves_every_date():
    """The two-pair weighting (no bundled checkpoint has it): seeded weights of the paper size, the
    bundled checkpoint's normalisation, the same known answer."""
    ckpt, _ = load_checkpoint(bundled_checkpoint("edcstfn"), "edcstfn")
    torch.manual_seed(0)
    model, _ = registry.build("edcstfn", size="paper", two_pairs=True)
    model.eval()
    check_reuse(dict(ckpt, hparams={"two_pairs": True, "size": "paper"}), model, two=True)


def count_calls(module):
    calls = []
    module.register_forward_hook(lambda *a: calls.append(1))
    return calls


def test_predict_dates_equals_predict_array_per_date_and_encodes_once_per_batch():
    ckpt, model = load_checkpoint(bundled_checkpoint("edcstfn"), "edcstfn")
    r = sample(slice(200, 320), slice(0, 150))  # 120 x 150 px: 3 x 3 tiles of 64 px, overlap 16
    refs = references(r)
    targets = [r["M", t] for t in TARGETS]
    calls = count_calls(model.fine_encoder)
    kw = dict(tile=64, overlap=16, device="cpu", batch_size=4)
    per_date = [predict_array(ckpt, model, dict(refs, coarse_target=t), **kw) for t in targets]
    n_batches = len(calls) // len(TARGETS)
    assert n_batches == 3  # 9 tiles in batches of 4
    calls.clear()
    together = predict_dates(ckpt, model, refs, targets, **kw)
    assert len(calls) == n_batches  # once per batch of tiles, not once per date
    for a, b in zip(together, per_date):
        assert np.array_equal(np.isnan(a), np.isnan(b)) and np.isfinite(a).mean() > 0.99
        assert np.nanmax(np.abs(a.astype(np.float64) - b)) <= ENC_BOUND_K
    calls.clear()
    plain = predict_dates(ckpt, model, refs, targets, reuse=False, **kw)
    assert len(calls) == n_batches * len(TARGETS)
    for a, b in zip(plain, per_date):
        np.testing.assert_array_equal(a, b)


def test_predict_dates_encodes_per_date_when_a_reference_view_depends_on_the_date():
    """The guard: a role whose network view changes with the date (anchored C_k - C0) is never reused."""
    ckpt, model = load_checkpoint(bundled_checkpoint("edcstfn"), "edcstfn")
    model.reference_roles = ("fine_ref1", "coarse_ref1")  # coarse_ref1's anchored view is C_1 - C0
    r = sample(slice(200, 264), slice(0, 64))
    calls = count_calls(model.fine_encoder)
    out = predict_dates(ckpt, model, references(r), [r["M", t] for t in TARGETS], tile=64, device="cpu")
    assert len(calls) == len(TARGETS)
    ref = predict_array(ckpt, model, dict(references(r), coarse_target=r["M", TARGETS[2]]), tile=64, device="cpu")
    np.testing.assert_array_equal(out[2], ref)


def test_models_without_the_split_predict_each_date_as_before():
    """GAN-STFM (anchored: its fine input is F - C0, target-dependent) has no encode_references."""
    ckpt, model = load_checkpoint(bundled_checkpoint("ganstfm"), "ganstfm")
    assert not encodes_references(model)
    r = sample(slice(200, 264), slice(0, 64))
    out = predict_dates(ckpt, model, {"fine_ref1": r["L", REF]}, [r["M", t] for t in TARGETS[1:]], tile=64,
                        device="cpu")
    for o, t in zip(out, TARGETS[1:]):
        np.testing.assert_array_equal(o, predict_array(ckpt, model, {"fine_ref1": r["L", REF],
                                                                     "coarse_target": r["M", t]}, tile=64,
                                                       device="cpu"))


def test_fuse_series_deep_dates_of_one_reference_set_equal_the_per_date_series(tmp_path):
    """fuse_series with EDCSTFN: the dates sharing a reference set in one task per tile (predict_dates) against
    precompute=False (run_tile per date): the same dates, NaN pattern and values within ENC_BOUND_K, on a
    96 x 120 px window of the real sample (VRTs: the files are read in place)."""
    from osgeo import gdal

    from lst_fusion.series import fuse_series

    folders = {}
    for sub in ("landsat", "modis"):
        folders[sub] = tmp_path / sub
        folders[sub].mkdir()
        for src in sorted(glob.glob(os.path.join(SAMPLE, sub, "*.tif"))):
            gdal.Translate(str(folders[sub] / (os.path.basename(src)[:-4] + ".vrt")), src, format="VRT",
                           srcWin=[0, 200, 120, 96])
    res, logs = {}, {}
    for pre in (True, False):
        logs[pre] = []
        res[pre] = fuse_series(str(tmp_path / f"pre{pre}"), modis=str(folders["modis"]), landsat=str(folders["landsat"]),
                               method="edcstfn", tile=48, precompute=pre, scheduler="sequential",
                               log=logs[pre].append)
    assert any("share their reference set's reference encoding" in s for s in logs[True])
    assert not any("per-pair plan" in s for s in logs[False])
    got = [read_raster(p).data for p in res[True].outputs]
    ref = [read_raster(p).data for p in res[False].outputs]
    assert [os.path.basename(p) for p in res[True].outputs] == [os.path.basename(p) for p in res[False].outputs]
    assert len(ref) >= 2
    for a, b in zip(got, ref):
        assert np.array_equal(np.isnan(a), np.isnan(b)) and np.isfinite(b).mean() > 0.9
        assert np.nanmax(np.abs(a.astype(np.float64) - b)) <= ENC_BOUND_K
