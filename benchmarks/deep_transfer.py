"""The deep models on a series too short to train them on: trained on another site's pairs only (issue 38 item 5).

The bundled sample has two pairs. Leave-one-date-out leaves one training pair per test date, and a deep model's
training sample needs a target pair and a *different* reference pair, so no deep model can be trained on the
sample without its test date (``experiment.py`` and ``site_tables.py`` score none there; the bundled checkpoints
were trained on these very dates and are not scored either). What can be scored honestly is a model trained on
another site's pairs only (``--train-dataset``, e.g. Ranchi's four: the test series' Landsat in no role, and no
date shared), predicting each test date from the nearest other pair as the one-pair methods do (a two-pair
model, STTFN, gets that pair in both roles: there is no pair on the other side), as is / +SM / +RC, beside both
baselines and in the table layout of ``site_tables.py``. This is a transfer across sites (and across
footprint sizes: 33 fine pixels per MODIS pixel at Ranchi, about 10 on the sample), not the per-site protocol: a
loss here says as much about the transfer as about the model.

    OMP_NUM_THREADS=1 nice -n 19 .venv/bin/python benchmarks/deep_transfer.py /tmp/transfer \\
        --train-dataset /tmp/sites38deep/ranchi/plain/dataset --test-dataset /tmp/sites38deep/sample/plain/dataset \\
        --models edcstfn sttfn mlffgan ganstfm swinstfm

Both datasets are align_pairs folders (``site_tables.py OUT`` writes them as ``OUT/<site>/plain/dataset``).
Writes ``OUT/transfer.md`` and ``OUT/transfer.csv``; no raster is written or copied.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment  # noqa: E402,F401  (puts the plugin on the path)
import site_tables  # noqa: E402

from lst_fusion.core.data.io import atomic_write_text, read_raster  # noqa: E402
from lst_fusion.core.data.pairing import read_index  # noqa: E402
from lst_fusion.core.data.resample import footprint_pixels  # noqa: E402
from lst_fusion.core.evaluation import protocol, report  # noqa: E402
from lst_fusion.core.fusion import residual  # noqa: E402
from lst_fusion.deep import fold  # noqa: E402
from lst_fusion.deep.predict import predict_array  # noqa: E402
from lst_fusion.models import registry  # noqa: E402


def load_pairs(dataset):
    """({date: (Landsat, MODIS)}, the fine grid) of an align_pairs folder."""
    rows = [r for r in read_index(dataset) if r["status"] == "pair"]
    pairs = {r["date"]: (read_raster(r["landsat"]).data, read_raster(r["modis"]).data) for r in rows}
    return pairs, read_raster(rows[0]["landsat"]).grid


def transfer_cases(dates):
    """Each date predicted from the nearest other one (the one-pair rule), both references that pair."""
    out = []
    for t in dates:
        ref = min((d for d in dates if d != t), key=lambda d: (abs((d - t).days), d))
        out.append(protocol.TestCase(t, ref, ref, (ref,)))
    return out


def predict_case(mid, ckpt, model, case, pairs):
    """``mid``'s prediction of ``case.date`` from the pair ``case.nearest`` and the day's MODIS: the Landsat of
    ``case.date`` is in no role. A two-pair model (STTFN) gets that pair in both roles."""
    fn, cn = pairs[case.nearest]
    inputs = {"fine_ref1": fn, "coarse_ref1": cn, "coarse_target": pairs[case.date][1]}
    if "fine_ref2" in registry.info(mid).inputs:
        inputs.update(fine_ref2=fn, coarse_ref2=cn)
    return predict_array(ckpt, model, inputs, device="cpu")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--train-dataset", required=True, help="the pairs the models learn from (another site)")
    ap.add_argument("--test-dataset", required=True, help="the series scored (its Landsat in no training role)")
    ap.add_argument("--models", nargs="*", default=registry.model_ids())
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--patch-size", type=int, default=48)
    ap.add_argument("--stride", type=int, default=24)
    ap.add_argument("--coarse-pixel", type=float, default=1000.0, help="MODIS pixel of the test series in m")
    a = ap.parse_args(argv)
    t0, load0 = time.time(), os.getloadavg()[0]
    train, _ = load_pairs(a.train_dataset)
    test, grid = load_pairs(a.test_dataset)
    shared = sorted(set(train) & set(test))
    if shared:
        raise SystemExit(f"--train-dataset and --test-dataset share dates {shared}: give another site to train on")
    block = footprint_pixels(grid, a.coarse_pixel)
    cases = transfer_cases(sorted(test))
    rows = []

    def score(name, variant, case, pred):
        rows.append({"method": name, "variant": variant, "date": case.date.isoformat(), "region": "whole image",
                     **site_tables.scores(pred, test[case.date][0])})

    for case in cases:
        (fn, cn), c0 = test[case.nearest], test[case.date][1]
        for name, pred in protocol.baselines(fn, cn, c0).items():
            score(name, "as is", case, pred)
    trainings = []
    for mid in a.models:
        # case.date is a test date; every training pair is another site's, so all of them are used and
        # check_unseen (inside train_for_case) holds for each test date as well
        ckpt, model, info = fold.train_for_case(mid, train, cases[0], a.epochs, "cpu", "small", a.patch_size,
                                                a.stride)
        trainings.append(info)
        for case in cases:
            c0 = test[case.date][1]
            plain = predict_case(mid, ckpt, model, case, test)
            score(info["model"], "as is", case, plain)
            score(info["model"], "+SM", case, residual.correct(plain, c0, "scene mean", block))
            score(info["model"], "+RC", case, residual.correct(plain, c0, "MODIS footprint", block))
    dates = [c.date.isoformat() for c in cases]
    per_date = {(r["method"], r["variant"], r["date"]): r for r in rows}
    base = {d: per_date[(protocol.BASELINE_MODIS, "as is", d)]["RMSE"] for d in dates}
    vs = ["| method | variant | " + " | ".join(f"vs MODIS {d}" for d in dates) + " | "
          + " | ".join(f"ubRMSE {d}" for d in dates) + " |", "|---|---|" + "---|" * (2 * len(dates))]
    for m in protocol.mean_over_dates(rows, ("RMSE",)):
        key = (m["method"], m["variant"])
        vs.append(f"| {key[0]} | {key[1]} | "
                  + " | ".join(f"{100 * (1 - per_date[key + (d,)]['RMSE'] / base[d]):+.1f} %" for d in dates) + " | "
                  + " | ".join(f"{per_date[key + (d,)]['ubRMSE']:.2f}" for d in dates) + " |")
    md = [f"Made by `benchmarks/deep_transfer.py {' '.join(argv if argv is not None else sys.argv[1:])}` at commit "
          f"{experiment.commit()}: models trained on {', '.join(map(str, sorted(train)))} "
          f"({a.train_dataset}), size small, {a.epochs} epochs max; scored on {', '.join(dates)} ({a.test_dataset}), "
          f"each date from {', '.join(f'{c.date}: {c.nearest}' for c in cases)}.", "",
          site_tables.site_table(rows, None, 2), "", "\n".join(vs), "",
          "Trainings: " + "; ".join(f"{t['model']} {t['epochs']} epochs, {t['patches']} patches, {t['seconds']:.0f} s"
                                    for t in trainings) + ".", "",
          f"Run time {(time.time() - t0) / 60:.1f} min; load average {load0:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end ({os.cpu_count()} cores)."]
    os.makedirs(a.out, exist_ok=True)
    report.write_csv(os.path.join(a.out, "transfer.csv"), rows, list(rows[0]))
    atomic_write_text(os.path.join(a.out, "transfer.md"), "\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
