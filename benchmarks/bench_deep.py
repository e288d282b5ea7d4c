"""Deep models: training seconds per 1,000 patches and prediction megapixels per second.

Per model, on the device given (cpu, or cuda when a GPU is present): a few
training batches of 95 x 95 patches (the default patch) with the paper's
optimiser and loss (GAN updates included) are timed after one warm-up batch
and scaled to 1,000 patches; prediction runs the tiled whole-scene inference
on a 1024 x 1024 scene (256 px tiles).  ``--size`` small, paper or both (the
default): the registry's configurations; on CUDA training and prediction run with
automatic mixed precision (bf16 where supported).

    .venv/bin/python benchmarks/bench_deep.py [--device cpu|cuda] [--size small paper] [--patches 32] [--scene 1024]
"""
import argparse
import datetime as dt
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch  # noqa: E402

from lst_fusion.deep import training  # noqa: E402
from lst_fusion.deep.predict import predict_array  # noqa: E402
from lst_fusion.models import registry  # noqa: E402


def make_samples(n, two):
    rng = np.random.default_rng(0)
    out = []
    for k in range(2):
        f1 = rng.normal(25, 3, (n, n)).astype(np.float32)
        s = {"date": dt.date(2020, 1, 1 + k), "fine_target": f1 + 2, "coarse_target": f1 * 0.3 + 19,
             "fine_ref1": f1, "coarse_ref1": f1 * 0.3 + 17}
        if two:
            s.update(fine_ref2=f1 + 4, coarse_ref2=f1 * 0.3 + 21)
        out.append(s)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--patches", type=int, default=32)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--scene", type=int, default=1024)
    ap.add_argument("--models", nargs="*", default=registry.model_ids())
    ap.add_argument("--size", nargs="*", default=list(registry.SIZES), choices=list(registry.SIZES))
    ap.add_argument("--patch", type=int, default=95, help="training patch side (pixels)")
    args = ap.parse_args()
    dev = torch.device(args.device)
    name = torch.cuda.get_device_name(0) if dev.type == "cuda" else f"CPU ({torch.get_num_threads()} threads)"
    print(f"device: {name}, torch {torch.__version__}")
    print(f"| model | size | parameters | training s / 1,000 patches ({args.patch} px) | prediction MP/s |")
    print("|---|---|---|---|---|")
    for mid, size in [(m, s) for m in args.models for s in args.size]:
        spec = registry.info(mid)
        two = "fine_ref2" in spec.inputs
        side = args.patch + 20 * (int(np.ceil(np.sqrt(args.patches))) - 1)
        samples = make_samples(side, two)[:1]
        # one warm-up epoch on a few patches, then the timed one
        training.train(mid, samples, epochs=1, batch_size=args.batch, patch_size=args.patch, stride=20,
                       device=args.device, val_dates=set(), max_patches=args.batch, size=size)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        ckpt, rows = training.train(mid, samples, epochs=1, batch_size=args.batch, patch_size=args.patch, stride=20,
                                    device=args.device, val_dates=set(), max_patches=args.patches, size=size)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        n = ckpt["summary"]["n_train_patches"]
        per_1000 = (time.perf_counter() - t) / n * 1000
        model, _ = registry.build(mid, **ckpt["hparams"])
        model.load_state_dict(ckpt["state_dict"])
        model.eval()
        rng = np.random.default_rng(1)
        inputs = {r: rng.normal(25, 3, (args.scene, args.scene)).astype(np.float32) for r in spec.inputs}
        predict_array(ckpt, model, {r: a[:256, :256] for r, a in inputs.items()}, device=args.device)  # warm-up
        t = time.perf_counter()
        predict_array(ckpt, model, inputs, tile=256, device=args.device)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        mps = args.scene * args.scene / 1e6 / (time.perf_counter() - t)
        params = registry.count_parameters(model)
        print(f"| {spec.name} | {size} | {params:,} | {per_1000:.1f} | {mps:.3g} |", flush=True)


if __name__ == "__main__":
    main()
