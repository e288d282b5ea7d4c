"""Per-site accuracy tables with and without co-registration, the day's-bias analysis and the error maps of
docs/accuracy.md: one command.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/site_tables.py benchmarks/results/sites \\
        [--sites ranchi kranj sample] [--models edcstfn sttfn mlffgan ganstfm swinstfm] [--epochs 10] \\
        [--maps docs]

For each site (``experiment.SITES``: the raw Ranchi exports and Kranj, read in place from ../shared/data, and
the bundled sample) it runs benchmarks/experiment.py twice, as it is and with ``--coregister`` (every method of
the method table, ESTARFM's ``lst-robust`` mode on LST, each as is / +SM / +RC, ``auto`` and both baselines,
the deep models of ``--models`` at size ``small``), into ``OUT/<site>/plain`` and ``OUT/<site>/coreg``.

The bundled sample has two pairs, too few for leave-one-date-out: there each pair is predicted from the other
by the one-pair methods only (STARFM, Fit-FC, FSDAF and the baselines; ESTARFM needs two pairs that are not
the target; ``auto`` falls back to its documented default, as ``protocol.choose`` says).

The day's bias (the test date's mean Landsat - MODIS offset, which no method sees) is decomposed per test
date: RMSE^2 = BIAS^2 + ubRMSE^2 for ``MODIS resampled``, ``auto`` and the best method, the RMSE once the bias
is removed, the largest gain over MODIS that any prediction with MODIS's level can reach, and three honest
predictors of the day's offset from the training pairs only (leave-one-date-out): the mean offset of the
training pairs, and a line Landsat = a + b MODIS pooled over their MODIS footprints (least squares, and
core.fusion.residual.cross_sensor_fit's bounded Theil-Sen line). Each predictor sets the level of MODIS,
``auto`` and the best method.

Writes ``OUT/tables.md`` (the tables of docs/accuracy.md, with the commands, commit, run times and load),
``OUT/bias.csv``, ``OUT/<site>/<run>/results.*`` (experiment.py) and ``MAPS/error_<site>_<date>.png``: the
error (prediction - Landsat) of ``MODIS resampled``, ``auto`` and the best other method of the day, as
predicted and with the day's mean error removed. The maps are derived figures of a few hundred pixels; the
rasters themselves are never copied.
"""
import argparse
import os
import sys
import textwrap
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment  # noqa: E402

from lst_fusion.core.data.io import atomic_write_text, read_raster  # noqa: E402
from lst_fusion.core.data.pairing import read_index  # noqa: E402
from lst_fusion.core.data.resample import footprint_pixels  # noqa: E402
from lst_fusion.core.evaluation import protocol, report, validation  # noqa: E402
from lst_fusion.core.fusion import methods, residual  # noqa: E402

VARIANTS = ("as is", "+SM", "+RC")
GOAL = 0.15  # issue 26: auto >= 15 % below MODIS resampled in RMSE
PREDICTORS = ("mean offset of the training pairs", "least-squares line, training pairs pooled",
              "Theil-Sen line (cross_sensor_fit), training pairs pooled")


def rms(x):
    x = x[np.isfinite(x)]
    return float(np.sqrt(np.mean(x * x))) if x.size else float("nan")


def scores(pred, truth):
    """RMSE, BIAS (prediction - truth) and ubRMSE = sqrt(RMSE^2 - BIAS^2) over the pixels valid in both."""
    e = np.asarray(pred, dtype=np.float64) - truth
    e = e[np.isfinite(e)]
    r, b = float(np.sqrt(np.mean(e * e))), float(np.mean(e))
    return {"RMSE": r, "BIAS": b, "ubRMSE": float(np.sqrt(max(r * r - b * b, 0.0)))}


# --- the runs ----------------------------------------------------------------------------------------

def run_site(site, out, coregister, models, epochs, log):
    """experiment.py on one site; returns (whole-image rows, {date: (truth, panels, choice)}, pairs, seconds)."""
    argv = [out, "--site", site, "--epochs", str(epochs), "--size", "small", "--models", *models]
    if experiment.SITES[site]["quantity"] == "lst":
        argv.append("--estarfm-robust")
    if site == "kranj":  # as docs/accuracy.md always ran it: the small Kranj crop needs small patches
        argv += ["--patch-size", "16", "--stride", "4"]
    if coregister:
        argv.append("--coregister")
    cases = {}
    t0 = time.time()
    rows = experiment.run(experiment.parse(argv), log=log,
                          on_case=lambda case, truth, panels, choice: cases.update({case.date: (truth, panels, choice)}))
    index = [r for r in read_index(os.path.join(out, "dataset")) if r["status"] == "pair"]
    pairs = {r["date"]: (read_raster(r["landsat"]).data, read_raster(r["modis"]).data)
             for r in index}
    if rows is None:  # two pairs: experiment.py says so and scores nothing; the one-pair scores instead
        rows, cases = one_pair_scores(pairs, out, log)
    seconds = time.time() - t0
    whole = [r for r in rows if r["region"] == "whole image" and r["variant"] != "+XN" and r["variant"] != "+XN+RC"]
    return whole, cases, pairs, seconds, experiment.commit(), os.getloadavg()[0]


def one_pair_scores(pairs, out, log):
    """Each pair predicted from the other by the one-pair methods (the sample's honest score with 2 pairs)."""
    dates = sorted(pairs)
    grid = read_raster([r for r in read_index(os.path.join(out, "dataset")) if r["status"] == "pair"][0]["landsat"]).grid
    block = footprint_pixels(grid, experiment.SITES["sample"]["coarse_pixel"])
    one_pair = tuple(m for m in validation.CLASSICAL if methods.get(methods.id_of(m)).pair_mode != methods.TWO)
    rows, cases = [], {}
    for target in dates:
        ref = next(d for d in dates if d != target)
        case = protocol.TestCase(target, ref, ref, (ref,))
        preds = validation.classical_candidates(case, pairs, block, "lst", methods=one_pair)
        choice = protocol.choose(pairs, target, lambda c, p: validation.classical_candidates(c, p, block, "lst",
                                                                                              one_pair), log=log,
                                  block=block)
        preds[(protocol.AUTO, "as is")] = protocol.apply_choice(choice, preds)
        truth = pairs[target][0]
        panels = {protocol.label(k): v for k, v in preds.items()}
        for (m, v), p in preds.items():
            rows.append({"method": m, "variant": v, "date": target.isoformat(), "region": "whole image",
                         "chose": choice.describe() if m == protocol.AUTO else "", **scores(p, truth)})
        cases[target] = (truth, panels, choice)
        log(f"  {target} predicted from {ref}: {len(preds)} predictions scored")
    return rows, cases


# --- tables ------------------------------------------------------------------------------------------

def fmt(x, digits):
    return f"{x:.{digits}f}" if isinstance(x, float) and np.isfinite(x) else str(x)


def mean_rows(whole):
    return {(m["method"], m["variant"]): m for m in protocol.mean_over_dates(whole, ("RMSE", "ubRMSE", "BIAS"))}


def site_table(plain, coreg, digits):
    """Markdown: one row per (method, variant), RMSE per date and the means, plain beside co-registered."""
    dates = sorted({r["date"] for r in plain})
    by = {(r["method"], r["variant"], r["date"]): r for r in plain}
    mp, mc = mean_rows(plain), mean_rows(coreg) if coreg else {}
    head = ([f"RMSE {d}" for d in dates] + ["mean RMSE", "ubRMSE", "beats MODIS", "vs MODIS"]
            + (["co-reg. RMSE", "co-reg. ubRMSE", "co-reg. beats", "co-reg. vs MODIS"] if coreg else []))
    lines = ["| method | variant | " + " | ".join(head) + " |", "|---|---|" + "---|" * len(head)]
    for key, m in mp.items():
        name = f"**{key[0]}**" if key[0] in protocol.BASELINES or key[0] == protocol.AUTO else key[0]
        cells = [fmt(by[key + (d,)]["RMSE"], digits) if key + (d,) in by else "" for d in dates]
        cells += [fmt(m["RMSE"], digits), fmt(m["ubRMSE"], digits), m["beats MODIS resampled"],
                  m["vs MODIS resampled"]]
        if coreg:
            c = mc.get(key)
            cells += [fmt(c["RMSE"], digits), fmt(c["ubRMSE"], digits), c["beats MODIS resampled"],
                      c["vs MODIS resampled"]] if c else [""] * 4
        lines.append(f"| {name} | {key[1]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def best_key(whole):
    """The (method, variant) of lowest mean RMSE, baselines and auto's rows left out."""
    ranked = [k for k in mean_rows(whole) if k[0] not in protocol.BASELINES and not k[0].startswith(protocol.AUTO)]
    return ranked[0]


# --- the day's bias ----------------------------------------------------------------------------------

def offset(fine, coarse):
    """The day's mean Landsat - MODIS over the pixels valid in both."""
    d = np.asarray(fine, dtype=np.float64) - coarse
    return float(np.nanmean(d))


def footprint_means(pairs, dates, block):
    xs, ys = [], []
    for d in dates:
        f, c = pairs[d]
        bf, bc = residual.block_mean(f, block), residual.block_mean(c, block)
        ok = np.isfinite(bf) & np.isfinite(bc)
        xs.append(bc[ok])
        ys.append(bf[ok])
    return np.concatenate(xs), np.concatenate(ys)


def predicted_levels(pairs, target, block):
    """The day's Landsat - MODIS offset predicted by each of :data:`PREDICTORS` from the other pairs only."""
    train = [d for d in sorted(pairs) if d != target]
    c0 = np.asarray(pairs[target][1], dtype=np.float64)
    m0 = float(np.nanmean(c0))
    x, y = footprint_means(pairs, train, block)
    b, a = np.polyfit(x, y, 1)
    fit = residual.cross_sensor_fit([pairs[d][0] for d in train], [pairs[d][1] for d in train], block)
    return {PREDICTORS[0]: float(np.mean([offset(*pairs[d]) for d in train])),
            PREDICTORS[1]: float(np.nanmean(a + b * c0) - m0),
            PREDICTORS[2]: float(np.nanmean(residual.apply_cross_sensor(c0, fit)) - m0)}


def with_level(pred, coarse, off):
    """``pred`` moved so that its scene mean is MODIS's plus ``off`` (means over pixels valid in both; the
    test date's Landsat plays no part)."""
    ok = np.isfinite(pred) & np.isfinite(coarse)
    return pred - float(np.mean(pred[ok])) + float(np.mean(coarse[ok])) + off


def bias_rows(site, run, whole, cases, pairs, block):
    """Per test date: the decomposition and the predictors, for MODIS resampled, auto and the best method."""
    best = best_key(whole)
    out = []
    for date, (truth, panels, choice) in sorted(cases.items()):
        c0 = pairs[date][1]
        levels = predicted_levels(pairs, date, block)
        actual = offset(truth, c0)
        for name, key in ((protocol.BASELINE_MODIS, protocol.BASELINE_MODIS), (f"auto ({choice.describe()})",
                                                                                protocol.AUTO),
                          (f"best: {protocol.label(best)}", protocol.label(best))):
            p = np.asarray(panels[key], dtype=np.float64)
            s = scores(p, truth)
            m = scores(panels[protocol.BASELINE_MODIS], truth)
            row = {"site": site, "run": run, "date": date.isoformat(), "prediction": name,
                   "group": "auto" if key == protocol.AUTO else name,  # auto's choice differs per date
                   "Landsat - MODIS": actual, **s, "bias share of MSE": s["BIAS"] ** 2 / s["RMSE"] ** 2,
                   "MODIS RMSE": m["RMSE"], "vs MODIS": 1 - s["RMSE"] / m["RMSE"],
                   "largest gain at this bias": 1 - abs(s["BIAS"]) / m["RMSE"],
                   "ubRMSE for the goal": float(np.sqrt(max(((1 - GOAL) * m["RMSE"]) ** 2 - s["BIAS"] ** 2, 0.0)))}
            for i, (pname, off) in enumerate(levels.items()):
                q = scores(with_level(p, np.asarray(c0, dtype=np.float64), off), truth)
                row[f"predicted offset {i + 1}"] = off
                row[f"RMSE with predictor {i + 1}"] = q["RMSE"]
            out.append(row)
    return out


def all_date_offsets(pairs, block):
    """Every pair's actual offset beside each predictor's, leave-one-date-out (MODIS only needs its own date)."""
    rows = []
    for d in sorted(pairs):
        lv = predicted_levels(pairs, d, block)
        f, c = pairs[d]
        m = scores(c, f)
        row = {"date": d.isoformat(), "actual": offset(f, c), "MODIS RMSE": m["RMSE"]}
        for i, off in enumerate(lv.values()):
            row[f"p{i + 1}"] = off
            row[f"RMSE {i + 1}"] = scores(with_level(np.asarray(c, dtype=np.float64), np.asarray(c, np.float64), off),
                                          f)["RMSE"]
        rows.append(row)
    return rows


def bias_tables(rows, offsets, unit):
    lines = ["| date | prediction | RMSE | BIAS | ubRMSE | bias² / MSE | vs MODIS | largest gain at this bias | "
             "ubRMSE needed for −15 % | " + " | ".join(f"RMSE, offset {i + 1}" for i in range(len(PREDICTORS)))
             + " |", "|---|---|---|---|---|---|---|---|---|" + "---|" * len(PREDICTORS)]
    for name in dict.fromkeys(r.get("group", r["prediction"]) for r in rows):
        sel = [r for r in rows if r.get("group", r["prediction"]) == name]
        rows = rows + [{"date": "mean", "prediction": name, **{k: float(np.mean([r[k] for r in sel])) for k in sel[0]
                                                               if isinstance(sel[0][k], float)}}]
    for r in rows:
        lines.append(f"| {r['date']} | {r['prediction']} | {r['RMSE']:.2f} | {r['BIAS']:+.2f} | {r['ubRMSE']:.2f} | "
                     f"{100 * r['bias share of MSE']:.0f} % | {100 * r['vs MODIS']:+.1f} % | "
                     f"{100 * r['largest gain at this bias']:+.1f} % | {r['ubRMSE for the goal']:.2f} | "
                     + " | ".join(f"{r[f'RMSE with predictor {i + 1}']:.2f}" for i in range(len(PREDICTORS))) + " |")
    lines += ["", "| date | Landsat − MODIS (actual) | " + " | ".join(f"offset {i + 1} predicted" for i in
                                                                      range(len(PREDICTORS)))
              + " | MODIS RMSE | " + " | ".join(f"MODIS RMSE with offset {i + 1}" for i in range(len(PREDICTORS)))
              + " |", "|---|---|" + "---|" * (2 * len(PREDICTORS) + 1)]
    offsets = offsets + [{"date": "mean", **{k: float(np.mean([r[k] for r in offsets])) for k in offsets[0]
                                            if k != "date"}}]
    for r in offsets:
        lines.append(f"| {r['date']} | {r['actual']:+.2f} | " + " | ".join(f"{r[f'p{i + 1}']:+.2f}" for i in
                                                                         range(len(PREDICTORS)))
                     + f" | {r['MODIS RMSE']:.2f} | " + " | ".join(f"{r[f'RMSE {i + 1}']:.2f}" for i in
                                                                  range(len(PREDICTORS))) + " |")
    lines += ["", "Offsets (" + unit + "): " + "; ".join(f"{i + 1} = {p}" for i, p in enumerate(PREDICTORS)) + "."]
    return "\n".join(lines)


# --- error maps --------------------------------------------------------------------------------------

def error_map(path, title, truth, named, unit):
    """A 2 x n figure: prediction - truth per prediction (top, one symmetric scale) and the same with the
    day's mean error removed (bottom, its own symmetric scale)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    errs = {n: np.asarray(p, dtype=np.float64) - truth for n, p in named.items()}
    debiased = {n: e - np.nanmean(e) for n, e in errs.items()}
    lim1 = max(np.nanpercentile(np.abs(e), 98) for e in errs.values())
    lim2 = max(np.nanpercentile(np.abs(e), 98) for e in debiased.values())
    h, w = truth.shape
    fig, axes = plt.subplots(2, len(errs), figsize=(3.6 * len(errs) + 1.0, 2 * 3.6 * h / w + 1.2), squeeze=False,
                             layout="constrained")
    cmap = plt.get_cmap("RdBu_r").copy()
    cmap.set_bad("0.75")
    for j, n in enumerate(errs):
        s = scores(named[n], truth)
        for i, (e, lim, what) in enumerate(((errs[n], lim1, f"RMSE {s['RMSE']:.2f}, bias {s['BIAS']:+.2f}"),
                                            (debiased[n], lim2, f"bias removed: {s['ubRMSE']:.2f}"))):
            ax = axes[i, j]
            im = ax.imshow(e, cmap=cmap, vmin=-lim, vmax=lim, interpolation="nearest")
            name = "\n".join(textwrap.wrap(n, 48))  # a long choice ("auto = mean of ...") stays over its panel
            ax.set_title(f"{name}\n{what} {unit}" if i == 0 else f"{what} {unit}", fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
            if j == len(errs) - 1:
                fig.colorbar(im, ax=axes[i, :].tolist(), shrink=0.8, label=f"prediction − Landsat ({unit})")
    fig.suptitle(title, fontsize=9)
    tmp = path + ".part.png"
    fig.savefig(tmp, dpi=80)
    plt.close(fig)
    from PIL import Image  # matplotlib's own image library: a 128-colour palette keeps the figure small

    with Image.open(tmp) as im:
        im.convert("RGB").quantize(colors=128).save(tmp, optimize=True)
    if not os.path.getsize(tmp):
        raise OSError(f"{path}: nothing written")
    os.replace(tmp, path)


def maps_for(site, whole, cases, maps_dir, unit, log):
    os.makedirs(maps_dir, exist_ok=True)
    written = []
    for date, (truth, panels, choice) in sorted(cases.items()):
        day = sorted((r for r in whole if r["date"] == date.isoformat() and r["method"] not in protocol.BASELINES
                      and not r["method"].startswith(protocol.AUTO)
                      and (r["method"], r["variant"]) != choice.key), key=lambda r: r["RMSE"])
        best = protocol.label((day[0]["method"], day[0]["variant"]))
        named = {protocol.BASELINE_MODIS: panels[protocol.BASELINE_MODIS],
                 f"auto = {choice.describe()}": panels[protocol.AUTO], f"best other: {best}": panels[best]}
        path = os.path.join(maps_dir, f"error_{site}_{date:%Y%m%d}.png")
        error_map(path, f"{site.capitalize()} {date}: prediction − Landsat, leave-one-date-out (top: as predicted; "
                        "bottom: the day's mean error removed)", truth, named, unit)
        log(f"  wrote {path} ({os.path.getsize(path) // 1024} kB)")
        written.append(path)
    return written


# --- main --------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--sites", nargs="*", default=["ranchi", "kranj", "sample"], choices=sorted(experiment.SITES))
    ap.add_argument("--models", nargs="*", default=[], help="deep models to train per test date (size small)")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--no-coregister", action="store_true", help="the plain runs only")
    ap.add_argument("--maps", default=os.path.join(experiment.ROOT, "docs"), help="folder of the error maps")
    ap.add_argument("--map-sites", nargs="*", default=["ranchi"])
    a = ap.parse_args(argv)
    log = print
    t0 = time.time()
    md = [f"Made by `benchmarks/site_tables.py {' '.join(argv if argv is not None else sys.argv[1:])}` at commit "
          f"{experiment.commit()}; deep models: {', '.join(a.models) or 'none'} (size small, {a.epochs} epochs max).",
          ""]
    bias_all = []
    for site in a.sites:
        unit = "°C" if experiment.SITES[site]["quantity"] == "lst" else ""
        digits = 2 if unit else 4
        runs = {}
        for run, coreg in (("plain", False), ("coreg", True)):
            if coreg and a.no_coregister:
                continue
            log(f"== {site} {run}")
            runs[run] = run_site(site, os.path.join(a.out, site, run), coreg, a.models, a.epochs, log)
        plain, cases, pairs, secs, commit, load = runs["plain"]
        coreg = runs.get("coreg", (None,) * 6)
        grid = read_raster([r for r in read_index(os.path.join(a.out, site, "plain", "dataset"))
                            if r["status"] == "pair"][0]["landsat"]).grid
        block = footprint_pixels(grid, experiment.SITES[site]["coarse_pixel"])
        times = "; ".join(f"{run} {r[3] / 60:.1f} min (load average {r[5]:.1f} at its end)" for run, r in runs.items())
        coreg_md = os.path.join(a.out, site, "coreg", "results.md")
        note = ""
        if os.path.exists(coreg_md):
            note = next((ln for ln in open(coreg_md, encoding="utf-8") if ln.startswith("MODIS ")), "").strip()
        md += [f"## {site}", "", f"Pairs {', '.join(map(str, sorted(pairs)))}; scored dates "
               f"{', '.join(sorted({r['date'] for r in plain}))}; run time {times}; commit {commit}.",
               *([f"Co-registered run: {note}"] if note else []), "",
               site_table(plain, coreg[0], digits), ""]
        choices = "; ".join(f"{d}: {c[2].describe()}" for d, c in sorted(cases.items()))
        md += [f"auto chose: {choices}.", ""]
        for run, r in runs.items():
            if len(r[2]) < 3:
                continue
            rows = bias_rows(site, run, r[0], r[1], r[2], block)
            bias_all += rows
            md += [f"### {site} ({run}): the day's bias", "", bias_tables(rows, all_date_offsets(r[2], block),
                                                                          unit or "reflectance"), ""]
        if site in a.map_sites:
            for path in maps_for(site, plain, cases, a.maps, unit, log):
                md.append(f"![{os.path.basename(path)}]({os.path.relpath(path, a.out)})")
            md.append("")
        atomic_write_text(os.path.join(a.out, "tables.md"), "\n".join(md) + "\n")  # what is done so far
    md.append(f"Total run time {(time.time() - t0) / 60:.1f} min, load average {os.getloadavg()[0]:.1f} at the end "
              f"({os.cpu_count()} cores).")
    if bias_all:
        report.write_csv(os.path.join(a.out, "bias.csv"), bias_all, list(bias_all[0]))
    atomic_write_text(os.path.join(a.out, "tables.md"), "\n".join(md) + "\n")
    log("\n".join(md))


if __name__ == "__main__":
    main()
