"""Training of the deep fusion models on triplets (or quintuplets) of dates.

A *sample* is one target date with its reference pair(s), all on one grid:
``{"fine_target", "coarse_target", "fine_ref1", "coarse_ref1"[, "fine_ref2", "coarse_ref2"]}``.
Samples come from a dataset folder (:func:`samples_from_dataset`, the
``align_pairs`` layout) or from explicit layer lists (:func:`samples_from_pairs`).

Training follows each paper's optimiser (Adam with its learning rate and
weight decay), with: patches (95 px, stride 20 by default) with at least
``min_valid_patch`` of their pixels valid (1.0 by default: no nodata) and a
masked loss (:func:`loss_mask`, :func:`masked_loss`: no missing or gap-filled
target pixel enters a loss term, docs/deep_models.md); one normalisation (mean/std over all training pixels) stored with the
model; random flips and 90-degree rotations; a validation split by target date
(the latest date(s)); early stopping on the validation loss with the best
weights kept; alternating discriminator/generator updates for the GANs (LSGAN,
weight of the size); deterministic seeding; progress and cancel callbacks; device
``auto`` (CUDA when available), ``cpu`` or ``cuda``; ``size`` ``small``, ``paper`` or
``auto`` (paper on CUDA), recorded in the checkpoint.  On CUDA the forward and
backward passes run under automatic mixed precision (bf16 where the GPU supports
it, else fp16 with loss scaling); on the CPU in float32.
"""
import math
import os
import time

import numpy as np

from ..core.data.units import unit_of
from ..core.platform import backends
from ..core.platform.backends import resolve_device  # noqa: F401 - the device rule, re-exported for callers
from ..core.platform.errors import LstFusionError, check_cancel
from ..models import registry
from .patches import DEFAULT_PATCH, DEFAULT_STRIDE, extract_patches

TARGET = "fine_target"
OBSERVED = "observed"  # optional sample key: {role: bool array}, False where a finite pixel is gap-filled
MIN_VALID_PATCH = 1.0  # default least fraction of a patch's pixels in the loss mask (1.0: patches without nodata)


def amp_context(dev):
    """(autocast context, GradScaler or None) for a device: bf16 autocast on CUDA GPUs that support it,
    fp16 with a gradient scaler on older ones, nothing on the CPU."""
    import contextlib

    import torch

    if dev.type != "cuda":
        return contextlib.nullcontext(), None
    if torch.cuda.is_bf16_supported():
        return torch.autocast("cuda", dtype=torch.bfloat16), None
    return torch.autocast("cuda", dtype=torch.float16), torch.amp.GradScaler("cuda")


def pair_samples(pairs, model_id, hparams=None, observed=None):
    """Samples from dated same-day pairs ``{date: (fine, coarse)}``.

    One-pair models: each pair is a target once, with the nearest *earlier*
    pair as reference (the nearest later one for the first date).  Two-pair
    models: each pair with an earlier and a later pair, the nearest of each.
    ``observed``: ``{date: bool array or None}``, False where that date's Landsat is gap-filled
    (core.data.gapfill's marker): the sample with that target gets it as its ``OBSERVED`` mask.
    """
    spec = registry.info(model_id)
    dates = sorted(pairs)
    two = "fine_ref2" in registry.inputs(model_id, hparams)
    samples = []
    for i, d in enumerate(dates):
        f0, c0 = pairs[d]
        s = {"date": d, TARGET: f0, "coarse_target": c0}
        if observed is not None and observed.get(d) is not None:
            s[OBSERVED] = {TARGET: observed[d]}
        if two:
            if i == 0 or i == len(dates) - 1:
                continue
            (f1, c1), (f2, c2) = pairs[dates[i - 1]], pairs[dates[i + 1]]
            s.update(fine_ref1=f1, coarse_ref1=c1, fine_ref2=f2, coarse_ref2=c2,
                     ref_dates=(dates[i - 1], dates[i + 1]))
        else:
            j = i - 1 if i > 0 else i + 1
            if j >= len(dates):
                continue
            f1, c1 = pairs[dates[j]]
            s.update(fine_ref1=f1, coarse_ref1=c1, ref_dates=(dates[j],))
        samples.append(s)
    if not samples:
        need = "three same-day pairs (one before and one after a target)" if two else "two same-day pairs"
        raise LstFusionError("DATASET", f"{spec.name} needs at least {need}; got {len(dates)}")
    return samples


def samples_from_dataset(dataset_dir, model_id, hparams=None):
    from ..core.data.checks import TRAINING_STATUSES
    from ..core.data.io import read_raster
    from ..core.data.pairing import read_index

    rows = [r for r in read_index(dataset_dir) if r["status"] in TRAINING_STATUSES]
    fines = {r["date"]: read_raster(r["landsat"], "DATASET") for r in rows}
    pairs = {r["date"]: (fines[r["date"]].data, read_raster(r["modis"], "DATASET").data) for r in rows}
    return pair_samples(pairs, model_id, hparams, observed_of(fines))


def observed_of(fines, parameter="DATASET"):
    """``{date: observed mask or None}`` of Landsat Rasters: False where lstfusion:gapfill's marker says filled."""
    from ..core.data.gapfill import observed_pixels

    return {d: observed_pixels(r, f"{parameter} ({os.path.basename(str(r.path))})") for d, r in fines.items()}


ANCHOR = "coarse_target"


def anchored_stack(arrays, roles, anchor):
    """The network's view of a sample in the anchored mode: level-free differences.

    * ``fine_target`` -> F0 - C0 (what the network predicts: Landsat detail over MODIS);
    * ``coarse_target`` -> zeros (its level is the anchor, added back after prediction);
    * ``coarse_ref_k`` -> (C_k - C0) minus its image mean (the pattern of change, not its size);
    * ``fine_ref_k`` -> F_k - C_k (the Landsat detail of that date), or F_k - C0 minus its image
      mean for models without ``coarse_ref_k``.

    A uniform change of temperature between the dates cancels everywhere, so a
    model trained on warm dates predicts a cold one as well.  Means are over
    whole images (the same in training and in tiled prediction).
    """
    by_role = dict(zip(roles, arrays))
    anchor = np.asarray(anchor, dtype=np.float32)

    def level_free(a):
        d = np.asarray(a, dtype=np.float32) - anchor
        return d - np.float32(np.nanmean(d)) if np.isfinite(d).any() else d

    out = []
    for a, r in zip(arrays, roles):
        if r == ANCHOR:
            out.append(np.where(np.isfinite(a), 0.0, np.nan).astype(np.float32))
        elif r == TARGET:
            out.append(np.asarray(a, dtype=np.float32) - anchor)
        elif r.startswith("coarse_ref"):
            out.append(level_free(a))
        else:  # fine_ref_k
            c = by_role.get(r.replace("fine", "coarse"))
            out.append(np.asarray(a, dtype=np.float32) - np.asarray(c, dtype=np.float32) if c is not None
                       else level_free(a))
    return out


def observed_target(sample):
    """The fine target with NaN where it is missing or gap-filled (``sample[OBSERVED][TARGET]`` False): the
    only target the trainer reads, so that such pixels enter neither the normalisation nor a loss term."""
    t = np.asarray(sample[TARGET], dtype=np.float32)
    obs = (sample.get(OBSERVED) or {}).get(TARGET)
    if obs is None:
        return t
    obs = np.asarray(obs, dtype=bool)
    if obs.shape != t.shape:
        raise LstFusionError("DATASET", f"the mask of observed pixels of {sample['date']} has shape {obs.shape}, "
                             f"its Landsat image {t.shape}")
    return np.where(obs, t, np.float32(np.nan))


def loss_mask(arrays):
    """Where a target pixel's loss counts: the target and every input finite there (the same pixel).

    A missing input makes prediction NaN at that pixel (deep.predict), so training on it would teach a
    case that is never predicted; a *neighbour*'s missing input is filled with the neutral value 0 (the
    normalised mean; in the anchored mode no detail and no change) as in prediction.  Gap-filled pixels
    of the target are NaN already (:func:`observed_target`); gap-filled inputs stay inputs, as they are
    when a gap-filled reference is given for prediction."""
    return np.logical_and.reduce([np.isfinite(a) for a in arrays])


def masked_loss(loss, pred, target, mask, features=None):
    """``loss(pred, target, features)`` with only the pixels of ``mask`` (1 valid, 0 not) reading the target.

    The target's invalid pixels are replaced by the prediction itself, so that pixel-wise terms (MSE, L1,
    Charbonnier) are exactly zero there with zero gradient, and window terms (MS-SSIM, cosine, a frozen
    encoder's features) compare identical values there; the sum is divided by the valid fraction of the
    batch, so that a pixel-wise term is the mean over the valid pixels (exactly for MSE and L1).  The
    target's values at invalid pixels are never read (a 1e4 K there changes neither the loss nor its
    gradient).  A batch without a valid pixel gives 0."""
    import torch

    m = mask > 0.5
    frac = mask.float().mean()
    if float(frac) == 0.0:
        return pred.float().sum() * 0.0
    filled = torch.where(m, target, pred)
    return loss(pred, filled, features) / frac


def _normalisation(samples, roles, anchored=True):
    """Mean/std of the network's inputs and target, stored in the checkpoint.

    Anchored (the default, see :func:`anchored_stack`): the network sees
    level-free differences and predicts the fine target minus the coarse target."""
    arrays = [np.asarray(a) for s in samples for k, a in s.items() if k not in ("date", "ref_dates", OBSERVED)]
    vals = np.concatenate([a[np.isfinite(a)].ravel() for a in arrays])
    norm = {"unit": unit_of(vals)}
    if not anchored:
        return dict(norm, mean=float(vals.mean()), std=float(max(vals.std(), 1e-6)))
    diffs = np.concatenate([d[np.isfinite(d)].ravel() for s in samples
                            for d in anchored_stack([s[TARGET]] + [s[r] for r in roles], [TARGET] + list(roles),
                                                    s[ANCHOR])])
    return dict(norm, mean=0.0, std=float(max(diffs.std(), 1e-6)), anchor=ANCHOR)


def _augment(batch, rng):
    k = int(rng.integers(4))
    if k:
        batch = np.rot90(batch, k, axes=(-2, -1))
    if rng.random() < 0.5:
        batch = batch[..., ::-1]
    return np.ascontiguousarray(batch)


def pretrain_features(autoencoder, patches, dev, batch_size, epochs, rng, cancel=None, log=None, masks=None):
    """Train the feature autoencoder a paper's loss needs on the training targets (the reference recipe:
    reconstruction, MSE, Adam 1e-3), freeze it and return (its encoder, summary for the checkpoint).

    ``masks`` (N, 1, H, W; 1 valid, 0 not; default all valid): the reconstruction error is the mean over
    the valid pixels (the invalid ones hold the neutral 0 and are not scored)."""
    import torch

    if masks is None:
        masks = np.ones_like(patches)
    both = np.concatenate([patches, masks], axis=1)  # flipped and rotated together

    def error(x, m, reduction="mean"):
        se = ((autoencoder(x) - x) ** 2 * m).sum()
        return se / m.sum().clamp(min=1.0) if reduction == "mean" else se

    autoencoder.to(dev).train()
    opt = torch.optim.Adam(autoencoder.parameters(), lr=1e-3)
    n = len(patches)
    for _ in range(epochs):
        order = rng.permutation(n)
        for b in range(0, n, batch_size):
            check_cancel(cancel)
            t = torch.from_numpy(_augment(both[order[b:b + batch_size]], rng)).to(dev)
            loss = error(t[:, :1], t[:, 1:])
            opt.zero_grad()
            loss.backward()
            opt.step()
    autoencoder.eval()
    with torch.no_grad():
        se = sum(float(error(*(torch.from_numpy(np.ascontiguousarray(a[b:b + batch_size])).to(dev)
                                for a in (patches, masks)), reduction="sum")) for b in range(0, n, batch_size))
    rmse = math.sqrt(se / max(float(masks.sum()), 1.0))
    for p in autoencoder.parameters():
        p.requires_grad_(False)
    if log:
        log(f"feature autoencoder for the loss: {epochs} epochs on {n} patches, reconstruction RMSE {rmse:.3f} "
            "(normalised units)")
    return autoencoder.encode, {"feature_autoencoder_epochs": epochs, "feature_autoencoder_rmse": rmse}


def train(model_id, samples, epochs=50, batch_size=16, lr=None, patch_size=DEFAULT_PATCH,
          stride=DEFAULT_STRIDE, device="auto", seed=0, val_dates=None, patience=10,
          max_patches=None, hparams=None, progress=None, cancel=None, log=None, anchored=True, size="auto",
          min_valid_patch=MIN_VALID_PATCH):
    """Train ``model_id``; returns (checkpoint dict, log rows).

    ``size``: ``small``, ``paper`` or ``auto`` (paper on a CUDA device, small on the CPU); it picks
    the architecture, loss, learning rate, weight decay and discriminator (see the registry).
    ``hparams``: constructor arguments overriding the size's (e.g. SwinSTFM ``depths``); both are
    stored in the checkpoint (``hparams["size"]``).  ``anchored``: learn the fine target relative to
    the coarse target (see :func:`_normalisation`); recorded in the checkpoint.  ``progress(percent, message)``; ``cancel() -> bool``;
    ``log(message)``.  ``min_valid_patch``: the least fraction (0-1] of a patch's pixels in the loss mask
    (:func:`loss_mask`) for the patch to be used; invalid pixels are filled with the neutral 0 and left out
    of every loss term (:func:`masked_loss`).  Samples may carry ``OBSERVED``: ``{TARGET: bool array}``,
    False where the target is gap-filled (those pixels are treated as missing).
    """
    backends.require_torch()
    import torch

    from .checkpoint import make_checkpoint

    for name, v in (("EPOCHS", epochs), ("BATCH_SIZE", batch_size), ("PATCH_SIZE", patch_size), ("STRIDE", stride)):
        if v < 1:
            raise LstFusionError(name, "must be at least 1")
    if not 0.0 < min_valid_patch <= 1.0:
        raise LstFusionError("MIN_VALID_PATCH", f"{min_valid_patch:g} is not a fraction of valid pixels: give a "
                             "value above 0 and at most 1")
    samples = [dict(s, **{TARGET: observed_target(s)}) for s in samples]
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    dev = resolve_device(device)
    overrides = dict(hparams or {})
    size = registry.resolve_size(overrides.pop("size", size), dev)
    hparams = {"size": size, **overrides}
    cfg = registry.config(model_id, size)
    roles = list(registry.inputs(model_id, hparams))
    norm = _normalisation(samples, roles, anchored)
    dates = sorted({s["date"] for s in samples})
    if val_dates is None:
        val_dates = set(dates[-max(1, len(dates) // 5):]) if len(dates) >= 3 else set()
    val_dates = set(val_dates)

    def cut(subset):
        """(N, 1 + inputs + 1, size, size): the normalised target and inputs (0 where invalid) and the loss mask."""
        arrays = []
        for s in subset:
            rasters = [s[TARGET]] + [s[r] for r in roles]
            if norm.get("anchor") == ANCHOR:
                rasters = anchored_stack(rasters, [TARGET] + roles, s[ANCHOR])
            rasters = [(np.asarray(a, dtype=np.float32) - norm["mean"]) / norm["std"] for a in rasters]
            valid = loss_mask(rasters)
            rasters = [np.where(valid if i == 0 else np.isfinite(a), a, 0.0) for i, a in enumerate(rasters)]
            p, _ = extract_patches(rasters + [valid.astype(np.float32)], patch_size, stride,
                                   min_valid=min_valid_patch, valid=valid)
            arrays.append(p)
        if not arrays:
            return np.zeros((0, len(roles) + 2, patch_size, patch_size), np.float32)
        return np.concatenate(arrays)

    train_p = cut([s for s in samples if s["date"] not in val_dates])
    val_p = cut([s for s in samples if s["date"] in val_dates])
    if len(val_p) == 0 and log:  # said once, instead of "validation loss nan" every epoch
        log(f"{len(dates)} pair{'s' if len(dates) != 1 else ''}: no date left for validation; early stopping is off")
    if len(train_p) == 0:
        raise LstFusionError("PATCH_SIZE", f"no {patch_size}px training patch with at least "
                             f"{100 * min_valid_patch:g} % valid pixels; use smaller patches or a lower MIN_VALID_PATCH")
    if max_patches and len(train_p) > max_patches:
        train_p = train_p[rng.choice(len(train_p), max_patches, replace=False)]
    gen, disc = registry.build(model_id, **hparams)
    gen.to(dev)
    opt = torch.optim.Adam(gen.parameters(), lr=lr or cfg.lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=max(2, patience // 3))
    if disc is not None:
        disc.to(dev)
        opt_d = torch.optim.Adam(disc.parameters(), lr=lr or cfg.lr, betas=(0.5, 0.999))
    from ..models.common import lsgan_loss

    autocast, scaler = amp_context(dev)
    _, scaler_d = amp_context(dev)

    features, ae_summary = None, {}
    if cfg.feature_autoencoder is not None:
        features, ae_summary = pretrain_features(cfg.feature_autoencoder(), train_p[:, :1], dev, batch_size,
                                                 max(1, min(20, epochs)), rng, cancel, log, masks=train_p[:, -1:])

    def content(pred, y, m):  # float32: MS-SSIM's products underflow in half precision
        return masked_loss(cfg.loss, pred.float(), y, m, features)

    def update(optimizer, loss, grad_scaler):
        optimizer.zero_grad()
        if grad_scaler is None:
            loss.backward()
            optimizer.step()
        else:
            grad_scaler.scale(loss).backward()
            grad_scaler.step(optimizer)
            grad_scaler.update()

    def to_inputs(batch):
        t = torch.from_numpy(batch).to(dev, non_blocking=True)
        return {r: t[:, i + 1:i + 2] for i, r in enumerate(roles)}, t[:, :1], t[:, -1:]

    def val_loss():
        if len(val_p) == 0:
            return math.nan, math.nan
        gen.eval()
        tot, se, n, nv = 0.0, 0.0, 0, 0.0
        with torch.no_grad():
            for i in range(0, len(val_p), batch_size):
                x, y, m = to_inputs(val_p[i:i + batch_size])
                with autocast:
                    pred = gen(x).float()
                tot += float(content(pred, y, m)) * len(y)
                se += float((((pred - y) * m) ** 2).sum())
                n += len(y)
                nv += float(m.sum())
        gen.train()
        return tot / n, math.sqrt(se / max(nv, 1.0)) * norm["std"]

    rows, best, best_state, bad = [], math.inf, None, 0
    n_batches = max(1, math.ceil(len(train_p) / batch_size))
    total = epochs * n_batches
    step = 0
    gen.train()
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        order = rng.permutation(len(train_p))
        losses = []
        for b in range(n_batches):
            check_cancel(cancel)
            batch = _augment(train_p[order[b * batch_size:(b + 1) * batch_size]], rng)
            x, y, m = to_inputs(batch)
            if disc is not None:
                with torch.no_grad(), autocast:
                    fake = gen(x)
                real = torch.where(m > 0.5, y, fake.to(y.dtype))  # the truth's invalid pixels: the fake's own
                with autocast:
                    d_loss = 0.5 * (lsgan_loss([o.float() for o in disc(real, x)], True)
                                    + lsgan_loss([o.float() for o in disc(fake, x)], False))
                update(opt_d, d_loss, scaler_d)
            with autocast:
                pred = gen(x)
                gan = (lsgan_loss([o.float() for o in disc(pred, x)], True) if disc is not None else None)
            loss = content(pred, y, m)
            if gan is not None:
                loss = loss + cfg.gan_weight * gan
            update(opt, loss, scaler)
            losses.append(loss.item())
            step += 1
            if progress:
                progress(100.0 * step / total, f"epoch {epoch}/{epochs}")
        vl, vrmse = val_loss()
        monitor = vl if not math.isnan(vl) else float(np.mean(losses))
        sched.step(monitor)
        row = {"epoch": epoch, "train_loss": float(np.mean(losses)), "val_loss": vl, "val_rmse": vrmse,
               "lr": opt.param_groups[0]["lr"], "seconds": time.time() - t0}
        rows.append(row)
        if log:
            log(f"epoch {epoch}: train loss {row['train_loss']:.4f}" + (
                f", validation loss {vl:.4f}, validation RMSE {vrmse:.3f}" if len(val_p) else ""))
        if monitor < best - 1e-6:
            best, bad = monitor, 0
            best_state = {k: v.detach().cpu().clone() for k, v in gen.state_dict().items()}
        else:
            bad += 1
            if bad >= patience and len(val_p):  # without validation dates: no early stopping
                if log:
                    log(f"early stopping after epoch {epoch}")
                break
    if best_state is not None:
        gen.load_state_dict(best_state)
    ckpt = make_checkpoint(model_id, gen, norm, sorted({s["date"].isoformat() for s in samples}),
                           {"epochs_run": len(rows), "patch_size": patch_size, "stride": stride, "seed": seed,
                            "n_train_patches": int(len(train_p)), "n_val_patches": int(len(val_p)),
                            "min_valid_patch": min_valid_patch,
                            "train_valid_fraction": float(train_p[:, -1].mean()),
                            "best_monitor": best, **ae_summary}, hparams=hparams)
    return ckpt, rows


def train_on_inputs(model_id, output, hparams=None, dataset=None, landsat=(), modis=(), log_path="", train_args=None,
                    progress=None, cancel=None, log=print):
    """lstfusion:train_<model>'s pipeline: the training pairs of ``dataset`` (an align_pairs folder: every pair
    and training pair, gap-filled Landsat pixels marked as not observed) or of ``landsat`` and ``modis`` (lists of
    (path, layer name, band count) dated by name, on one grid), :func:`train` with ``train_args``, the checkpoint
    written to ``output`` and the per-epoch log to ``log_path`` (optional). Returns (checkpoint, epoch rows)."""
    import csv
    import io

    from ..core.data.checks import TRAINING_STATUSES, harmonise_units, read_dataset_pairs, require_single_band
    from ..core.data.io import atomic_write_text, check_same_grid, read_raster
    from ..core.data.pairing import list_rasters
    from .checkpoint import save_checkpoint

    hparams = hparams or {}
    if dataset:
        pairs = read_dataset_pairs(dataset, "DATASET", log, statuses=TRAINING_STATUSES)
        observed = observed_of({d: f for d, (f, _) in pairs.items()}, "DATASET")
        samples = pair_samples({d: (f.data, c.data) for d, (f, c) in pairs.items()}, model_id, hparams, observed)
    else:
        def dated(layers, name):
            paths = list_rasters([p for p, _, _ in layers], name, [n for _, n, _ in layers])
            by_path = {p: (n, count) for p, n, count in layers}
            out = {}
            for d, p in paths.items():
                n, count = by_path[p]
                require_single_band(f"{name} ({n})", p, count)
                out[d] = read_raster(p, f"{name} ({n})")
            return out

        ld, md = dated(landsat, "LANDSAT"), dated(modis, "MODIS")
        common = sorted(set(ld) & set(md))
        if not common:
            raise LstFusionError("MODIS", "no MODIS raster has the date of a Landsat raster")
        named = {**{f"LANDSAT ({os.path.basename(ld[d].path)})": ld[d] for d in common},
                 **{f"MODIS ({os.path.basename(md[d].path)})": md[d] for d in common}}
        check_same_grid(named)
        harmonise_units(named, log)
        observed = observed_of({d: ld[d] for d in common}, "LANDSAT")
        samples = pair_samples({d: (ld[d].data, md[d].data) for d in common}, model_id, hparams, observed)
    ckpt, rows = train(model_id, samples, hparams=hparams, progress=progress, cancel=cancel, log=log,
                       **(train_args or {}))
    log(f"size: {ckpt['hparams']['size']}")
    save_checkpoint(ckpt, output)
    if log_path:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
        atomic_write_text(log_path, buf.getvalue())
    return ckpt, rows
