"""Deep models over a series: the reference encoding once per reference set (issue 28 item 3).

Two parts, both on the CPU unless ``--device`` says otherwise:

* ``shares``: per model and size, the multiply-accumulates (torch's FlopCounterMode, a 256 x 256 tile, one
  band) of one forward, and the part of them in sub-networks that read only the reference pairs in the
  anchored mode (cacheable per reference set), and in sub-networks that read only the coarse target, which is
  all zeros in the anchored mode (cacheable once per tile shape).  Only EDCSTFN's reference part is cached by
  the code today (``deep.predict.predict_dates``); the other columns say what an architecture would allow.
* ``timing``: the bundled EDCSTFN checkpoint on the bundled real sample mirrored to ``--scene`` px a side
  (256 px tiles, overlap 64; the fastest of ``--repeat`` interleaved runs): N dates of one reference set
  through ``predict_array`` date by date (the baseline) and through ``predict_dates`` (the encoding
  reused), after one warm-up; per-date seconds, the marginal cost of a date (T(N) - T(1)) / (N - 1) and their ratio, all in the same run.

    flock /tmp/heavy.lock nice -n 10 .venv/bin/python benchmarks/bench_deep_series.py [--part shares timing]
        [--scene 1024] [--dates 8] [--repeat 2] [--device cpu]
"""
import argparse
import glob
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from lst_fusion.core.data.dates import parse_date  # noqa: E402
from lst_fusion.core.data.io import read_raster  # noqa: E402
from lst_fusion.deep.checkpoint import bundled_checkpoint, load_checkpoint  # noqa: E402
from lst_fusion.deep.predict import predict_array, predict_dates  # noqa: E402
from lst_fusion.models import registry  # noqa: E402
from lst_fusion.models.common import pad_to_multiple  # noqa: E402

SAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lst_fusion", "resources",
                      "sample")


def flops(fn):
    with FlopCounterMode(display=False) as fc:
        fn()
    return fc.get_total_flops() / 2  # multiply-accumulates


def parts(mid, size, model, x):
    """(reference-only MACs, constant-in-anchored-mode MACs) of one forward on x (anchored roles)."""
    f1 = x["fine_ref1"]
    if mid == "edcstfn":
        n = 2 if "fine_ref2" in x and model.two_pairs else 1
        return n * flops(lambda: model.fine_encoder(f1)), 0.0
    if mid == "sttfn":
        return 2 * flops(lambda: model.branch.extraction(f1)), 0.0
    if mid == "mlffgan":
        inp, _ = pad_to_multiple(f1, 2 ** (model.levels - 1))
        return flops(lambda: model.fine(inp)), flops(lambda: model.coarse(inp))
    if mid == "ganstfm":  # anchored: the fine input is F - C0 (no coarse reference): nothing reference-only
        if size == "small":
            return 0.0, flops(lambda: model.coarse_encoder(f1))

        def lateral():
            c = x["coarse_target"]
            for blk in model.encoder:
                c = blk.lateral(c)
        return 0.0, flops(lateral)
    if mid == "swinstfm":
        if size == "small":
            return 0.0, 0.0  # one encoder on the three inputs stacked
        from lst_fusion.models.swinstfm import fit_size

        s = fit_size(f1.shape[-1], model.patch, model.window, model.levels)
        inp = torch.zeros(1, 1, s, s)
        return flops(lambda: model.fine(inp)), flops(lambda: model.coarse(inp))
    raise KeyError(mid)


def shares(tile):
    print("| model | size | MACs per px (forward) | reads only the references (anchored) | "
          "reads only the coarse target (all 0 when anchored) | per date |")
    print("|---|---|---|---|---|---|")
    for mid in registry.model_ids():
        for size in registry.SIZES:
            model, _ = registry.build(mid, size=size)
            model.eval()
            x = {r: torch.randn(1, 1, tile, tile) for r in registry.info(mid).inputs}
            with torch.inference_mode():
                total = flops(lambda: model(x))
                ref, const = parts(mid, size, model, x)
            px = tile * tile
            print(f"| {registry.info(mid).name} | {size} | {total / px:,.0f} | {100 * ref / total:.1f} % | "
                  f"{100 * const / total:.1f} % | {100 * (total - ref - const) / total:.1f} % |", flush=True)


def scene(side):
    """The bundled sample (Celsius) mirrored to side x side px: F1, C1 of 2016-02-05 and the three MODIS dates."""
    def load(sub, date):
        p = [q for q in glob.glob(os.path.join(SAMPLE, sub, "*.tif")) if parse_date(q).isoformat() == date][0]
        a = read_raster(p).data - 273.15
        reps = int(np.ceil(side / a.shape[0]))
        tiles = [[a[::1 - 2 * (i % 2), ::1 - 2 * (j % 2)] for j in range(reps)] for i in range(reps)]
        return np.block(tiles)[:side, :side].astype(np.float32)
    refs = {"fine_ref1": load("landsat", "2016-02-05"), "coarse_ref1": load("modis", "2016-02-05")}
    modis = [load("modis", d) for d in ("2016-02-05", "2016-02-18", "2016-03-08")]
    return refs, modis


def timing(side, n_dates, device, repeat):
    ckpt, model = load_checkpoint(bundled_checkpoint("edcstfn"), "edcstfn")
    refs, modis = scene(side)
    # N dates between the real MODIS of 02-05, 02-18 and 03-08 (linear in time; only the cost is measured)
    targets = [modis[k % 3] + np.float32(0.1 * k) for k in range(n_dates)]
    kw = dict(tile=256, overlap=64, device=device)
    small = {k: v[:256, :256] for k, v in refs.items()}
    predict_dates(ckpt, model, small, [m[:256, :256] for m in modis], **kw)  # warm-up
    runs = (("per date (predict_array)", lambda ts: [predict_array(ckpt, model, dict(refs, coarse_target=t), **kw)
                                                     for t in ts]),
            ("encoding reused (predict_dates)", lambda ts: predict_dates(ckpt, model, refs, ts, **kw)))
    rows = {name: [np.inf, np.inf, None] for name, _ in runs}
    for _ in range(repeat):  # the two paths interleaved, the fastest of ``repeat`` runs each (shared machine)
        for name, run in runs:
            for i, ts in ((0, targets[:1]), (1, targets)):
                t = time.perf_counter()
                out = run(ts)
                rows[name][i] = min(rows[name][i], time.perf_counter() - t)
            rows[name][2] = out
    base = rows["per date (predict_array)"]
    diff = max(float(np.nanmax(np.abs(a.astype(np.float64) - b)))
               for a, b in zip(rows["encoding reused (predict_dates)"][2], base[2]))
    threads = torch.get_num_threads()
    print(f"EDCSTFN (bundled, small), {side} x {side} px ({side * side / 1e6:.2f} MP), {n_dates} dates of one "
          f"reference set, 256 px tiles, {device} ({threads} threads), torch {torch.__version__}")
    print(f"| path | T(1) s | T({n_dates}) s | s per date, T(N)/N | marginal s per date, (T(N) - T(1))/(N - 1) | "
          f"marginal vs per-date baseline |")
    print("|---|---|---|---|---|---|")
    marg0 = (base[1] - base[0]) / (n_dates - 1)
    for name, (t1, tn, _) in rows.items():
        marg = (tn - t1) / (n_dates - 1)
        print(f"| {name} | {t1:.2f} | {tn:.2f} | {tn / n_dates:.3f} | {marg:.3f} | {marg / marg0:.2f}x |")
    print(f"largest difference between the two paths over all dates and pixels: {diff:.2e} K")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", nargs="*", default=["shares", "timing"], choices=["shares", "timing"])
    ap.add_argument("--scene", type=int, default=1024)
    ap.add_argument("--dates", type=int, default=8)
    ap.add_argument("--tile", type=int, default=256, help="tile side for the shares")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--repeat", type=int, default=2, help="timing runs per path (the fastest is reported)")
    args = ap.parse_args()
    t = time.perf_counter()
    if "shares" in args.part:
        shares(args.tile)
    if "timing" in args.part:
        timing(args.scene, args.dates, args.device, args.repeat)
    print(f"run time {time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
