"""Train the small checkpoints shipped in lst_fusion/resources/checkpoints/.

Data: the bundled real sample (ubESTARFM test data, Landsat/MODIS LST, 2016-02-05
and 2016-03-08 pairs, 400x400 px at 0.001 deg), in degC.  Spatial hold-out:
training uses only the northern half (rows 0-199) in both directions
(0205 -> 0308 and 0308 -> 0205); the southern half (rows 200-399) is never
seen and is where `make demo` scores the models.  With only two pairs STTFN is
trained with the same pair as both of its references.  Training is anchored
(the default of ``training.train``, ``norm["anchor"]``).

The weights are stored as float16 (``save_checkpoint(..., half=True)``); the
largest change this makes to a prediction of the southern half (both
directions) is measured against the float32 weights, printed and kept in the
checkpoint's summary as ``float16_max_change_K``.

    .venv/bin/python scripts/train_bundled.py [model[=epochs] ...]
    .venv/bin/python scripts/train_bundled.py --half CHECKPOINT.pt ...   (float32 file -> float16 in place)
    .venv/bin/python scripts/train_bundled.py --score [FOLDER]   (markdown table: the southern half, both
                                                                  directions, against the real Landsat)
"""
import glob
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lst_fusion.core.data.io import read_raster  # noqa: E402
from lst_fusion.deep import training  # noqa: E402
from lst_fusion.deep.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from lst_fusion.deep.predict import predict_array  # noqa: E402
from lst_fusion.models import registry  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lst_fusion", "resources")
NORTH, SOUTH = slice(0, 200), slice(200, 400)
EPOCHS = {"edcstfn": 40, "sttfn": 40, "mlffgan": 25, "ganstfm": 30, "swinstfm": 30}


def load(rows=NORTH):
    def dated(pattern):
        from lst_fusion.core.data.dates import parse_date

        return {parse_date(p): read_raster(p).data[rows] - 273.15 for p in sorted(glob.glob(pattern))}

    lan = dated(os.path.join(ROOT, "sample", "landsat", "*.tif"))
    mod = dated(os.path.join(ROOT, "sample", "modis", "*.tif"))
    return {d: (lan[d], mod[d]) for d in lan if d in mod}


def samples_for(model_id, pairs):
    d1, d2 = sorted(pairs)
    out = []
    for tgt, ref in ((d2, d1), (d1, d2)):
        s = {"date": tgt, "fine_target": pairs[tgt][0], "coarse_target": pairs[tgt][1],
             "fine_ref1": pairs[ref][0], "coarse_ref1": pairs[ref][1]}
        if model_id == "sttfn":
            s.update(fine_ref2=pairs[ref][0], coarse_ref2=pairs[ref][1])
        out.append(s)
    return out


def save_half(ckpt, model, path):
    """Store ``ckpt`` with float16 weights at ``path``; the largest change (K) this makes to the
    predictions of the southern half in both directions, through the real loader."""
    south = load(SOUTH)
    probe = path + ".probe"
    try:
        save_checkpoint(ckpt, probe, half=True)
        _, half_model = load_checkpoint(probe, ckpt["model_id"])
    finally:
        if os.path.exists(probe):
            os.remove(probe)
    model.eval()
    change = 0.0
    for s in samples_for(ckpt["model_id"], south):
        a, b = predict_array(ckpt, model, s, device="cpu"), predict_array(ckpt, half_model, s, device="cpu")
        if not np.array_equal(np.isnan(a), np.isnan(b)):
            raise RuntimeError(f"{path}: float16 weights change which pixels are predicted")
        change = max(change, float(np.nanmax(abs(a - b))))
    ckpt["summary"]["float16_max_change_K"] = change
    return save_checkpoint(ckpt, path, half=True), change


def to_half(paths):
    for path in paths:
        mb = os.path.getsize(path) / 1e6
        ckpt, model = load_checkpoint(path)  # float32 weights (float16 ones are widened, exactly)
        out, change = save_half(ckpt, model, path)
        print(f"{registry.info(ckpt['model_id']).name}: {mb:.2f} MB -> {os.path.getsize(out) / 1e6:.2f} MB, "
              f"largest change of a southern-half prediction {change:.2e} K", flush=True)


def score(folder=os.path.join(ROOT, "checkpoints")):
    """Markdown rows: each checkpoint in ``folder`` and both baselines on the southern half (never seen in
    training), in both directions, against that date's real Landsat: RMSE, bias, ubRMSE, CC (degC)."""
    from lst_fusion.core.evaluation import metrics, protocol

    south = load(SOUTH)
    models = {mid: load_checkpoint(os.path.join(folder, f"{mid}.pt"), mid) for mid in registry.model_ids()
              if os.path.exists(os.path.join(folder, f"{mid}.pt"))}
    print("| predicts (from) | method | RMSE | bias | ubRMSE | CC |\n|---|---|---|---|---|---|")
    for i, s in enumerate(samples_for("edcstfn", south)):  # the same two directions for every model
        truth, ref = s["fine_target"], next(d for d in south if d != s["date"])
        preds = protocol.baselines(s["fine_ref1"], s["coarse_ref1"], s["coarse_target"])
        for mid, (ckpt, model) in models.items():
            preds[registry.info(mid).name] = predict_array(ckpt, model, samples_for(mid, south)[i], device="cpu")
        for name, pred in preds.items():
            rmse, bias = metrics.rmse(pred, truth), metrics.bias(pred, truth)
            print(f"| {s['date']} ({ref}) | {name} | {rmse:.2f} | {bias:+.2f} | "
                  f"{np.sqrt(max(rmse ** 2 - bias ** 2, 0.0)):.2f} | {metrics.cc(pred, truth):.2f} |", flush=True)


def main(args):
    if args[:1] == ["--half"]:
        return to_half(args[1:])
    if args[:1] == ["--score"]:
        return score(*args[1:2])
    pairs = load()
    for arg in args:
        mid, _, n = arg.partition("=")
        t0 = time.time()
        ckpt, rows = training.train(mid, samples_for(mid, pairs), epochs=int(n or EPOCHS[mid]), batch_size=16,
                                    patch_size=48, stride=16, device="cpu", seed=0, val_dates=set(),
                                    patience=8, size="small",
                                    log=lambda m: print(f"  {mid} {time.time() - t0:6.0f} s: {m}", flush=True))
        ckpt["summary"]["trained_on"] = ("bundled sample (ubESTARFM test data), northern half rows 0-199, "
                                         "pairs 2016-02-05 and 2016-03-08 in both directions")
        seconds = time.time() - t0
        keep = save_checkpoint(ckpt, os.path.join(tempfile.gettempdir(), f"{mid}.float32.pt"))  # not shipped
        print(f"{mid}: float32 weights kept at {keep}", flush=True)
        model, _ = registry.build(mid, **ckpt["hparams"])
        model.load_state_dict(ckpt["state_dict"])
        path, change = save_half(ckpt, model, os.path.join(ROOT, "checkpoints", f"{mid}.pt"))
        print(f"{mid}: {len(rows)} epochs, final train loss {rows[-1]['train_loss']:.4f}, {seconds:.0f} s -> {path} "
              f"({os.path.getsize(path) / 1e6:.2f} MB float16; largest change of a southern-half prediction "
              f"{change:.2e} K)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or registry.model_ids())
