"""validate_methods' engine (the validation layer: ui -> algorithms -> series -> validation -> deep -> models
-> core): leave-one-date-out on the user's own series, the ``auto`` recommendation,
the errors per land-cover class and the temporal variability per test date (arXiv 2412.16631 §5).

For every test date t (a pair with a pair before and after it) every method predicts t from the other
pairs: ESTARFM from the nearest pair before and after, STARFM from the nearest pair, each deep model
trained anew on the other pairs only (t's Landsat in no role, :func:`core.evaluation.protocol.check_unseen`), at
``small`` size with a short budget; each as is, +SM and +RC; with both baselines. ``auto`` is scored
as a row: for each t, an inner leave-one-date-out on the other pairs picks a classical method and
variant (core.evaluation.protocol.choose). The recommendation is the same rule on every pair: the (method,
variant) of lowest mean RMSE over the test dates (a tie to the cheaper), or the mean of the k best.
"""
import time

import numpy as np

from ..core.data.units import REFLECTANCE
from ..core.evaluation import metrics, protocol, report, validation
from ..core.fusion import methods as fusion_methods
from ..core.platform.errors import LstFusionError, check_cancel
from ..deep.fold import deep_prediction, train_for_case
from ..models import registry

DEEP_SIZE = "small"
DEFAULT_EPOCHS = 5
VARIANTS = protocol.VARIANT_ORDER
COLUMNS = ("RMSE", "ubRMSE", "MAE", "BIAS", "SSIM", "CC")


def run(pairs, methods, out_csv, out_html=None, block=33, quantity="lst", epochs=DEFAULT_EPOCHS, size=DEEP_SIZE,
        device="auto", classes=None, class_source="", index_bands=None, patch_size=48, stride=24, unit="",
        progress=None, cancel=None, log=print):
    """Score ``methods`` (classical names and model ids) on ``pairs`` ``{date: (landsat, modis)}``; write
    ``out_csv`` (method, variant, date, region, metrics) and ``out_html``; return a dict with the rows, the
    recommendation, the per-date ``auto`` choices, the class and variability tables."""
    t_start = time.time()
    unit = unit or report.unit_label(next(iter(pairs.values()))[0])  # no declared unit given: a labelled guess
    cases = protocol.plan(pairs)
    classical = [m for m in validation.CLASSICAL if m in methods]
    deep = [m for m in methods if m in fusion_methods.DEEP]
    unknown = [m for m in methods if m not in classical and m not in deep]
    if unknown or not (classical or deep):
        raise LstFusionError("METHODS", f"unknown method(s) {', '.join(unknown) or '(none chosen)'}; choose among "
                             f"{', '.join(validation.CLASSICAL + fusion_methods.DEEP)}")
    shape = next(iter(pairs.values()))[0].shape
    masks = [("whole image", np.ones(shape, dtype=bool))]
    rows, fold_preds, truths, choices, class_rows, maps = [], [], [], [], [], {}
    steps = len(cases) * (1 + len(deep))
    done = 0
    skipped = {}  # method (or baseline) label -> why it cannot run on these images: left out of every table

    def skip(name, date, why):
        if name not in skipped:
            skipped[name] = f"{why} (test date {date})"
            log(f"  {name} skipped: it cannot run on these images: {why} (test date {date}); it is left out of "
                "every table and of the recommendation")

    # 1. every method's prediction of every test date (a method that cannot run on one is skipped on all of them,
    # so that every row of the mean table is over the same dates)
    case_preds = []
    for case in cases:
        check_cancel(cancel)
        log(f"test date {case.date}: pairs before {case.before}, after {case.after}, nearest {case.nearest}")
        truth, c0 = pairs[case.date]
        failed = {}
        preds = validation.classical_candidates(case, pairs, block, quantity,
                                                methods=[m for m in classical if m not in skipped], failed=failed)
        for name, why in failed.items():
            skip(name, case.date, why)
        for mid in deep:
            check_cancel(cancel)
            name = registry.info(mid).name
            if name not in skipped:
                try:
                    ckpt, model, _ = train_for_case(mid, pairs, case, epochs, device, size, patch_size, stride,
                                                    cancel, log)
                    plain = deep_prediction(mid, ckpt, model, case, pairs, device, cancel)
                    why = validation.no_valid_pixel(plain)
                except (ValueError, ArithmeticError) as exc:  # LstFusionError is a ValueError
                    why = validation.reason_of(exc)
                if why:
                    skip(name, case.date, why)
                else:
                    preds.update(validation.with_variants(name, plain, c0, block))
            done += 1
            if progress:
                progress(100.0 * done / steps, f"{case.date}: {name} trained and scored")
        for key, p in preds.items():
            why = validation.no_valid_pixel(p, truth)
            if why and key[0] != protocol.BASELINE_MODIS:  # MODIS resampled: checked with the pairs (select_pairs)
                skip(key[0], case.date, why)
        case_preds.append(preds)
    candidates = [c for m in classical for c, _, _ in validation.candidates_of(m)]
    if not any(m not in skipped for m in (*candidates, *(registry.info(m).name for m in deep))):
        raise LstFusionError("METHODS", "none of the chosen methods can run on these images (" + "; ".join(
            f"{n}: {w}" for n, w in skipped.items()) + ")")
    auto_methods = [m for m in (classical or ("STARFM",))
                    if any(c not in skipped for c, _, _ in validation.candidates_of(m))]

    # 2. auto's choice from the other pairs only, and the scores
    for case, preds in zip(cases, case_preds):
        check_cancel(cancel)
        truth, c0 = pairs[case.date]
        preds = {k: v for k, v in preds.items() if k[0] not in skipped}

        said = set()  # a candidate left out on one fold is said once, not once per tile of auto's sample

        def inner(c, p, outer=case.date, said=said):
            left_out = {}
            out = validation.classical_candidates(c, p, block, quantity, methods=auto_methods, failed=left_out)
            for n, w in left_out.items():
                if (n, c.date) not in said:
                    said.add((n, c.date))
                    log(f"  auto for {outer}: {n} left out of the inner choice on {c.date}: {w}")
            return out

        # auto: chosen from the other pairs only (an inner leave-one-date-out of the classical methods)
        try:
            choice = protocol.choose({d: v for d, v in pairs.items() if d != case.date}, case.date, inner, log=log,
                                      block=block)
        except LstFusionError as exc:  # no candidate left to choose from
            log(f"  auto: no choice for {case.date} ({validation.reason_of(exc)}); no auto row for that date")
            choice = None
        scored = dict(preds)
        if choice is not None:
            choices.append(choice)
            try:
                scored[(protocol.AUTO, "as is")] = protocol.apply_choice(choice, preds)
            except KeyError:  # its choice is a method not asked for here, or skipped
                why = "was skipped" if any(m[0] in skipped for m in choice.members) else "is not among METHODS"
                log(f"  auto: {choice.describe()} {why}; no auto row for {case.date}")
        for key, p in scored.items():
            for row in metrics.evaluate_regions(p, truth, masks):
                row["ubRMSE"] = float(np.sqrt(max(row["RMSE"] ** 2 - row["BIAS"] ** 2, 0.0)))
                rows.append({"method": key[0], "variant": key[1], "date": case.date.isoformat(),
                             "chose": choice.describe() if key[0] == protocol.AUTO else "", **row, "unit": unit})
        fold_preds.append(preds)
        truths.append(truth)
        cls = classes if classes is not None else validation.quantile_classes(
            (index_bands or {}).get(case.nearest, pairs[case.nearest][0]))
        class_rows += validation.class_errors({protocol.label(k): v for k, v in scored.items()
                                               if k[1] == "as is"}, truth, cls, case.date)
        maps[case.date] = (truth, {protocol.label(k): v for k, v in scored.items() if k[1] == "as is"})
        done += 1
        if progress:
            progress(100.0 * done / steps, f"{case.date} scored ({time.time() - t_start:.0f} s)")
    # the recommendation: auto's rule on every test date, without the shrink (fuse_series runs a method as is, +SM
    # or +RC; auto's series applies its own w); MODIS resampled when no method beats it
    key, members, table, _ = protocol.pick(fold_preds, truths, shrink=False)
    if key not in fold_preds[0]:  # the mean of the k best: recommend its best member, a method fuse_series runs
        log(f"  the mean of {' + '.join(map(protocol.label, members))} scores lower than each of them; the "
            "recommendation is its best single method")
        key = members[0]
    rec = {"method": key[0], "variant": key[1], "members": members, "table": table}
    protocol.mark_verdicts(rows, group=("date",))
    whole = [r for r in rows if r["region"] == "whole image"]
    means = protocol.mean_over_dates(whole, COLUMNS)
    rmse_of = {}
    for r in whole:
        if r["variant"] == "as is":
            rmse_of.setdefault(dt_of(r["date"]), {})[f"RMSE {r['method']}"] = r["RMSE"]
    var_rows = validation.variability_rows(cases, pairs, rmse_of)
    cols = ["method", "variant", "date", "region", "N", "ubRMSE"] + [
        m for m in metrics.METRICS if quantity == "lst" or m not in ("SAM", "ERGAS")] + ["verdict", "chose", "unit"]
    report.write_csv(out_csv, rows, cols)
    seconds = time.time() - t_start
    result = {"rows": rows, "means": means, "recommendation": rec, "choices": choices, "classes": class_rows,
              "skipped": [{"method": n, "reason": w} for n, w in skipped.items()],
              "variability": var_rows, "cases": cases, "seconds": seconds, "csv": out_csv, "html": out_html or "",
              "class_source": class_source or (f"reference Landsat {quantity_word(quantity)} of each test date's nearest pair, "
                                               f"{validation.N_QUANTILE_CLASSES} quantile classes"
                                               if classes is None and not index_bands else class_source)}
    if out_html:
        write_html(out_html, result, maps, methods, epochs, size, unit, quantity)
    log(f"recommendation (auto's rule on all {len(cases)} test dates): {protocol.label(key)}; "
        f"{seconds:.0f} s")
    return result


VALIDATION_HOWTO = (
    "Each test date's Landsat image was hidden and predicted from the other pairs only (leave-one-date-out); the "
    "tables score those predictions against it. Lower RMSE, ubRMSE (RMSE without the mean bias) and MAE are "
    "better, in the unit shown; SSIM and CC: 1 is perfect. Every method must beat the two baselines, MODIS "
    "resampled and Landsat ref + MODIS change, to be worth running: 'beats MODIS resampled' and the verdicts "
    "say whether it does. +SM and +RC are the corrected variants; auto is the choice made per test date from the "
    "other pairs only. Few test dates make a weak recommendation.")


def dt_of(iso):
    import datetime as dt

    return dt.date.fromisoformat(iso)


def quantity_word(quantity):
    """How a report names ``quantity`` ("lst" or "reflectance")."""
    return "LST" if quantity == "lst" else quantity


def write_html(path, res, maps, methods, epochs, size, unit, quantity="lst"):
    import html

    parts = [report.page_start("Validation", VALIDATION_HOWTO, "Validation on this series (leave-one-date-out)")]
    rec = res["recommendation"]
    deep = [m for m in methods if m in fusion_methods.DEEP]
    parts.append(report.header_html({
        "test dates": ", ".join(c.date.isoformat() for c in res["cases"]), "methods": ", ".join(methods),
        "deep models": f"size {size}, at most {epochs} epochs, trained per test date without it" if deep else None,
        "recommendation": f"{protocol.label((rec['method'], rec['variant']))} (auto's rule on every test date: "
                          "lowest mean RMSE, a tie to the cheaper)", "unit": unit, "run time": f"{res['seconds']:.0f} s"}))
    if res.get("skipped"):
        parts += ["<h2>Skipped: cannot run on these images</h2>",
                  "<p>Left out of every table and of the recommendation, with the reason and the test date on "
                  "which it first failed.</p>", report.table_html(res["skipped"], ["method", "reason"])]
    parts += ["<h2>Mean over test dates</h2>", f"<p>RMSE, ubRMSE, MAE and BIAS in {html.escape(unit)}.</p>",
              report.table_html(res["means"], ["method", "variant", "dates", *COLUMNS,
                                                                              "beats MODIS resampled",
                                                                              "vs MODIS resampled"])]
    parts += ["<h2>What auto chose per test date (from the other pairs only)</h2>", report.table_html(
        [{"date": c.date.isoformat(), "chose": c.describe(),
          "inner RMSE": "; ".join(f"{r['candidate']} {r['RMSE']:.3g}" for r in c.table) or c.message}
         for c in res["choices"]], ["date", "chose", "inner RMSE"]) if res["choices"] else report.empty_html(
        "auto made no choice on any test date (the log says why for each); it has no row in the tables.")]
    whole = [r for r in res["rows"] if r["region"] == "whole image"]
    for case in res["cases"]:
        d = case.date.isoformat()
        parts += [f"<h2>{d}</h2>", report.table_html(sorted((r for r in whole if r["date"] == d),
                                                             key=lambda r: r["RMSE"]),
                                                      ["method", "variant", *COLUMNS, "verdict", "chose"])]
    parts += [f"<h2>Errors per land-cover class</h2><p>Classes: {html.escape(res['class_source'])}.</p>",
              report.table_html(res["classes"], ["method", "date", "class", "N", "RMSE", "BIAS"]),
              figure_html("class chart", class_figure(res["classes"], unit),
                          "No chart: no land-cover class has a scored pixel on any test date.")]
    rmse_cols = sorted({k for r in res["variability"] for k in r if k.startswith("RMSE ")})
    strong = [r["date"] for r in res["variability"] if r["strong"]]
    parts += ["<h2>Temporal variability per test date</h2>",
              (f"<p>Strong variability (mean |ΔMODIS| ≥ {validation.STRONG_CHANGE:g}{' ' * bool(unit)}{html.escape(unit)}): "
               f"{report.esc(', '.join(strong) or 'none')}.</p>") if quantity == "lst" else
              f"<p>The 'strong' mark (mean |ΔMODIS| ≥ {validation.STRONG_CHANGE:g} K) is defined for LST only, "
              f"not for {html.escape(quantity)}.</p>",
              report.table_html(res["variability"], ["date", "reference", "mean |dMODIS|", "std dMODIS",
                                                      "Landsat std", "strong", *rmse_cols]),
              figure_html("variability scatter", variability_figure(res["variability"], rmse_cols, unit),
                          f"No scatter: it plots each test date's RMSE against its MODIS change, and this validation "
                          f"has {len(res['variability'])} test date(s); it needs at least two (the table above holds "
                          "the numbers).")]
    parts.append("<h2>Error maps</h2>")
    for d, (truth, preds) in maps.items():
        for name, p in preds.items():
            fig = report.maps_figure(np.asarray(p, float), truth, unit, title_pred=name, quantity=quantity_word(quantity))
            parts += [f"<h3>{d}: {html.escape(name)}</h3>", report.img_html(f"maps {name}", report.png_base64(fig))]
    parts.append(report.HTML_FOOTER + "</body></html>")
    from ..core.data.io import atomic_write_text

    atomic_write_text(path, "\n".join(parts))


def figure_html(alt, fig, why_empty):
    """The figure, or (``fig`` None: nothing to draw) the one sentence ``why_empty``."""
    return report.img_html(alt, report.png_base64(fig)) if fig is not None else report.empty_html(why_empty)


def class_figure(rows, unit=""):
    """Bars of each method's RMSE per class (mean over test dates), legend beside the bars; None without rows."""
    from matplotlib.figure import Figure

    if not rows:
        return None
    fig = Figure(figsize=(9, 3.6))
    ax = fig.add_subplot(111)
    methods = list(dict.fromkeys(r["method"] for r in rows))
    classes = list(dict.fromkeys(r["class"] for r in rows))
    w = 0.8 / max(1, len(methods))
    for i, m in enumerate(methods):
        vals = [np.mean([r["RMSE"] for r in rows if r["method"] == m and r["class"] == c] or [np.nan]) for c in classes]
        ax.bar(np.arange(len(classes)) + i * w, vals, w, label=m)
    ax.set_xticks(np.arange(len(classes)) + 0.4 - w / 2, classes)
    ax.set_xlabel("class")
    ax.set_ylabel(report.axis_label("RMSE", unit))
    ax.set_title("RMSE per class, mean over the test dates", fontsize=10)
    report.legend_outside(ax)
    return fig


def variability_figure(rows, rmse_cols, unit=""):
    """Each test date's RMSE per method against its mean |ΔMODIS|; None with fewer than two test dates (one
    point per method says nothing of a trend)."""
    from matplotlib.figure import Figure

    if len(rows) < 2 or not rmse_cols:
        return None
    fig = Figure(figsize=(8, 4))
    ax = fig.add_subplot(111)
    x = [r["mean |dMODIS|"] for r in rows]
    for c in rmse_cols:
        ax.scatter(x, [r.get(c, np.nan) for r in rows], label=c[5:], s=18)
    ax.axvline(validation.STRONG_CHANGE, color="#999", ls="--", lw=1)
    ax.set_xlabel(report.axis_label("mean |ΔMODIS| reference → target", unit))
    ax.set_ylabel(report.axis_label("RMSE", unit))
    report.legend_outside(ax)
    return fig


def validate_inputs(dataset, modis, landsat, methods, out_csv, out_html=None, min_clear=20.0, epochs=DEFAULT_EPOCHS,
                    class_raster=None, modis_band=1, landsat_band=1, progress=None, cancel=None, log=print):
    """lstfusion:validate_methods' pipeline: the pairs of ``dataset`` (or of the ``modis`` and ``landsat`` rasters,
    aligned beside ``out_csv``), the clear ones (``min_clear`` %), the classes (``class_raster`` (path, name), else
    the NDVI of Earth Engine exports, else Landsat quantiles) and :func:`run` on them."""
    import os

    from ..core.data.io import check_same_grid, read_raster
    from ..core.data.pairing import check_percent, list_rasters, read_index
    from ..core.fusion import residual
    from .inputs import aligned_aside, dataset_folder, ndvi_bands, series_dataset

    given_dataset = bool(dataset)
    dataset = series_dataset(dataset, modis, landsat, lambda align: aligned_aside(dataset_folder(out_csv), align),
                             modis_band=modis_band, landsat_band=landsat_band, log=log, cancel=cancel)
    raw_landsat = {} if given_dataset else list_rasters(landsat, "LANDSAT")
    min_clear = check_percent(min_clear, "MIN_CLEAR")
    rows = [r for r in read_index(dataset) if r["status"] == "pair"]
    if len(rows) < 3:
        raise LstFusionError("DATASET", protocol.NOT_ENOUGH.format(n=len(rows)))

    def parameter_of(path):  # the aligned files of MODIS and LANDSAT are named by their role
        name = os.path.basename(path)
        role = "DATASET" if given_dataset else ("MODIS" if name.startswith("M_") else "LANDSAT")
        return f"{role} ({name})"

    pairs, grid, dropped, kind = validation.read_series_pairs(rows, min_clear, parameter_of, log, "MIN_CLEAR")
    if len(pairs) < 3:
        why = "; ".join(f"{d}: {w}" for d, w in dropped)
        raise LstFusionError("MIN_CLEAR", f"only {len(pairs)} of the {len(rows)} pairs are clear enough "
                             f"({why}); leave-one-date-out needs at least three: lower MIN_CLEAR or add "
                             "clearer pairs")
    classes, source, bands = None, "", None
    if class_raster is not None:
        cr = read_raster(class_raster[0], "CLASS_RASTER")
        check_same_grid({"LANDSAT": grid, "CLASS_RASTER": cr})
        classes, source = cr.data.astype("int32"), f"the class raster {class_raster[1]}"
    elif raw_landsat and landsat_band == 1:
        from .inputs import EE_NDVI_BAND

        bands = ndvi_bands(raw_landsat, pairs, grid.shape)
        source = (f"NDVI (band {EE_NDVI_BAND} of the Landsat exports) of each test date's nearest pair, "
                  f"{validation.N_QUANTILE_CLASSES} quantile classes") if bands else ""
    if not methods:
        raise LstFusionError("METHODS", "choose at least one method")
    res = run(pairs, methods, out_csv, out_html, block=residual.footprint_pixels(grid, 1000.0), epochs=epochs,
              classes=classes, class_source=source, index_bands=bands,
              quantity=REFLECTANCE if kind.quantity == REFLECTANCE else "lst", unit=kind.label(), progress=progress,
              cancel=cancel, log=log)
    for m in res["means"]:
        log(f"{m['method']} {m['variant']}: mean RMSE {m['RMSE']:.3f}, beats MODIS resampled "
            f"{m['beats MODIS resampled']}")
    return res
