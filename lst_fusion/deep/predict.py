"""Whole-scene inference in overlapping tiles with smooth blending.

Tiles of ``tile`` px overlap by ``overlap`` px.  Each tile's prediction is
weighted by a separable ramp that is 0 within ``margin`` px of an *interior*
tile edge (where zero padding inside the network differs from the real
neighbourhood) and rises linearly to 1 across the rest of the overlap; at the
image border the weight is 1.  For models with a finite receptive field
(``receptive_radius`` in the registry) ``margin`` covers it, so the tiled
output equals the untiled one up to float rounding; for models with global
context (AdaIN, switchable normalisation, attention windows) the ramp still
removes seams.

Units: a checkpoint records the unit it was trained in; inputs in the other
unit (Kelvin vs Celsius) are converted and the output is in the inputs' unit.

Anchored checkpoints (``norm["anchor"]``, the default of training): the
network sees every input minus the coarse target and predicts the fine
target minus the coarse target, which is added back here.

Nodata: NaN inputs are replaced by the normalisation mean for the network and
the output is NaN wherever any input is NaN.

Device: tiles are sent to the device a batch at a time and the blended sums stay
there (one transfer back at the end, none per tile); on CUDA the network runs
under automatic mixed precision (bf16 where supported, else fp16) and the sums
are float32, on the CPU float32 with float64 sums.  Device memory: the network
on one batch of tiles plus two scene-sized float32 sums.
"""
import math

import numpy as np

from ..core.data.units import KELVIN_OFFSET, UNITS, unit_of
from ..core.platform.errors import LstFusionError, check_cancel
from ..models import registry
from .training import ANCHOR, anchored_stack, resolve_device


def _ramp(n, start_interior, end_interior, margin, overlap):
    w = np.ones(n, dtype=np.float64)
    ramp_len = max(1, overlap - 2 * margin)
    x = np.arange(n, dtype=np.float64)
    if start_interior:
        w = np.minimum(w, np.clip((x - margin + 1) / (ramp_len + 1), 0, 1))
    if end_interior:
        w = np.minimum(w, np.clip((n - margin - x) / (ramp_len + 1), 0, 1))
    return w


def _starts(n, tile, step):
    if n <= tile:
        return [0]
    s = list(range(0, n - tile + 1, step))
    if s[-1] != n - tile:
        s.append(n - tile)
    return s


def _auto_batch(dev, tile, n_inputs):
    import torch

    per_tile = tile * tile * 4 * (n_inputs + 1) * 300  # activations, generous
    if dev.type == "cuda":
        free, _ = torch.cuda.mem_get_info(dev)
        budget = free * 0.5
    else:
        try:
            import os

            budget = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") * 0.25
        except (ValueError, OSError, AttributeError):
            budget = 2e9
        # cancel is checked between batches: on a CPU (~0.1-0.2 MP/s) a batch of 256 px tiles must stay a few
        # seconds long, and larger CPU batches are not faster anyway
        cpu_cap = max(1, int(4 * (256 * 256) // (tile * tile)))
        return int(max(1, min(cpu_cap, budget // per_tile)))
    return int(max(1, min(32, budget // per_tile)))


def _prepare(ckpt, roles, inputs, spec):
    """The network's view of one date: (stack (roles, H, W) float32, invalid mask, base, shift)."""
    arrays = [np.asarray(inputs[r], dtype=np.float32) for r in roles]
    shape = arrays[0].shape
    for r, a in zip(roles, arrays):
        if a.shape != shape:
            raise LstFusionError(registry.PARAMETER_OF_ROLE[r], f"size {a.shape} differs from {shape}")
        if not np.isfinite(a).any():
            raise LstFusionError(registry.PARAMETER_OF_ROLE[r], "the raster has no valid pixel (all nodata)")
    # inputs in another unit than the training data (Kelvin vs Celsius) are converted, and the
    # result is returned in the unit of the inputs
    shift = 0.0
    trained_unit = ckpt["norm"].get("unit")
    if trained_unit in UNITS:
        input_unit = unit_of(arrays[0])
        if input_unit != trained_unit:
            shift = KELVIN_OFFSET if input_unit == "kelvin" else -KELVIN_OFFSET
            arrays = [a - shift for a in arrays]
    mean, std = ckpt["norm"]["mean"], ckpt["norm"]["std"]
    invalid = np.zeros(shape, dtype=bool)
    for a in arrays:
        invalid |= ~np.isfinite(a)
    base = 0.0
    if ckpt["norm"].get("anchor") == ANCHOR:  # the network sees and predicts differences to the coarse target
        base = arrays[roles.index(ANCHOR)].astype(np.float64)
        arrays = anchored_stack(arrays, roles, arrays[roles.index(ANCHOR)])
    stack = np.stack([np.where(np.isfinite(a), (a - mean) / std, 0.0) for a in arrays]).astype(np.float32)
    return stack, invalid, base, shift


def _roles(ckpt, inputs):
    spec = registry.info(ckpt["model_id"])
    roles = list(registry.inputs(ckpt["model_id"], ckpt.get("hparams") or {}))
    missing = [r for r in roles if inputs.get(r) is None]
    if missing:
        raise LstFusionError(registry.PARAMETER_OF_ROLE[missing[0]], f"{spec.name} needs this input")
    return spec, roles


def predict_array(ckpt, model, inputs, tile=256, overlap=None, device="auto", batch_size=None,
                  progress=None, cancel=None):
    """Predict the fine image from ``inputs`` = {role: 2-D array} (same grid)."""
    spec, roles = _roles(ckpt, inputs)
    return _tiled(ckpt, model, roles, [_prepare(ckpt, roles, inputs, spec)], False, tile, overlap, device,
                  batch_size, progress, cancel)[0]


def encodes_references(model):
    """Whether ``model`` splits into ``encode_references`` (the sub-networks that read only the reference
    pairs) and ``predict_from_encoding`` (the rest, per date): see docs/deep_series.md."""
    return callable(getattr(model, "encode_references", None)) and callable(
        getattr(model, "predict_from_encoding", None))


def predict_dates(ckpt, model, references, targets, tile=256, overlap=None, device="auto", batch_size=None,
                  progress=None, cancel=None, reuse=True):
    """The fine images of several dates sharing one reference set: ``references`` = {role: 2-D array} of the
    pair roles, ``targets`` = the dates' coarse targets (2-D arrays on the same grid); a list of float32
    arrays in the order of ``targets``, each equal to :func:`predict_array` of that date within float rounding.

    Where the model has ``encode_references`` (EDCSTFN) and the network's view of the roles it reads is the
    same on every date (always for fine references in the anchored mode, F_k - C_k, and the absolute one),
    each tile's reference encoding is computed once and reused for every date (``reuse=False``: encode per
    date, the plain forward).  Memory: the tiles of one batch with their encoding, plus one scene-sized
    float64 sum per date (callers pass a tile of the scene, or group the dates)."""
    targets = list(targets)
    if not targets:
        return []
    per_date = [dict(references, coarse_target=t) for t in targets]
    spec, roles = _roles(ckpt, per_date[0])
    prepared = [_prepare(ckpt, roles, x, spec) for x in per_date]
    cached = reuse and encodes_references(model)
    if cached:  # reuse only what is provably the same input on every date
        idx = [roles.index(r) for r in getattr(model, "reference_roles", ()) if r in roles]
        first = prepared[0][0][idx]
        cached = all(np.array_equal(p[0][idx], first) for p in prepared[1:])
    return _tiled(ckpt, model, roles, prepared, cached, tile, overlap, device, batch_size, progress, cancel)


def _tiled(ckpt, model, roles, prepared, cached, tile, overlap, device, batch_size, progress, cancel):
    """The tiled, blended prediction of each prepared date (same grid, same roles); ``cached``: encode the
    references once per batch of tiles (from the first date's stack) and predict every date from it."""
    import torch

    hparams = ckpt.get("hparams") or {}
    cfg = registry.config(ckpt["model_id"], hparams.get("size", "small"))
    if overlap is None:
        overlap = min(64, tile // 4)
    if overlap < 0 or overlap >= tile:
        raise LstFusionError("OVERLAP", "overlap must be between 0 and the tile size")
    mean, std = ckpt["norm"]["mean"], ckpt["norm"]["std"]
    shape = prepared[0][0].shape[1:]
    dev = resolve_device(device)
    model = model.to(dev).eval()
    h, w = shape
    th, tw = min(tile, h), min(tile, w)
    radius = cfg.receptive_radius if cfg.receptive_radius is not None else 0
    margin = min(radius, max(0, overlap // 2 - 1))
    step = max(1, tile - overlap)
    boxes = [(r, c) for r in _starts(h, th, step) for c in _starts(w, tw, step)]
    batch_size = batch_size or _auto_batch(dev, tile, len(roles))
    cuda = dev.type == "cuda"
    acc_dtype = torch.float32 if cuda else torch.float64
    accs = [torch.zeros(shape, dtype=acc_dtype, device=dev) for _ in prepared]
    wsum = torch.zeros(shape, dtype=acc_dtype, device=dev)
    ramps = {}

    def ramp(n, start, end):
        key = (n, start, end)
        if key not in ramps:
            ramps[key] = torch.from_numpy(_ramp(n, start, end, margin, overlap)).to(dev, acc_dtype)
        return ramps[key]

    def to_device(stack, chunk):
        tiles = torch.from_numpy(np.stack([stack[:, r:r + th, c:c + tw] for r, c in chunk]))
        t = (tiles.pin_memory() if cuda else tiles).to(dev, non_blocking=True)
        return {role: t[:, i:i + 1] for i, role in enumerate(roles)}

    from .training import amp_context

    autocast, _ = amp_context(dev)
    n_batches = math.ceil(len(boxes) / batch_size)
    with torch.inference_mode():
        for bi in range(n_batches):
            chunk = boxes[bi * batch_size:(bi + 1) * batch_size]
            enc = None
            for di, (stack, _, _, _) in enumerate(prepared):
                check_cancel(cancel)
                x = to_device(stack, chunk)
                with autocast:
                    if cached:
                        if enc is None:
                            enc = model.encode_references({r: x[r] for r in model.reference_roles if r in x})
                        out = model.predict_from_encoding(enc, x)
                    else:
                        out = model(x)
                out = out[:, 0].to(acc_dtype)
                for (r, c), o in zip(chunk, out):
                    wt = ramp(th, r > 0, r + th < h)[:, None] * ramp(tw, c > 0, c + tw < w)[None, :]
                    accs[di][r:r + th, c:c + tw] += wt * o
                    if di == 0:
                        wsum[r:r + th, c:c + tw] += wt
            if progress:
                progress(100.0 * (bi + 1) / n_batches)
    wsum = wsum.clamp_min(1e-12)
    results = []
    for acc, (_, invalid, base, shift) in zip(accs, prepared):
        a = (acc / wsum).cpu().numpy().astype(np.float64)
        result = a * std + mean + base + shift
        result[invalid] = np.nan
        results.append(result.astype(np.float32))
    return results
