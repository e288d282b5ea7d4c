"""lstfusion:compare_methods' pipeline: several predictions of one date scored against one reference, per
region, ranked, with the baselines and their verdicts, written as a table and an optional HTML report."""
import os

from ..data.checks import check_lst, harmonise_units, require_single_band
from ..data.io import check_same_grid, read_raster
from ..data.pairing import check_pair_dates
from ..data.provenance import target_date
from ..data.units import REFLECTANCE, kind_of
from ..platform.errors import LstFusionError
from ..platform.safety import check_not_scored_against_itself, file_of, same_key
from . import metrics, protocol, report


def read_reference(path):
    """The REFERENCE raster, checked as LST unless its tags (or values) say it is reflectance."""
    ref = read_raster(path, "REFERENCE")
    if kind_of(ref).quantity != REFLECTANCE:
        check_lst("REFERENCE", ref.data, ref.path)
    return ref


def compare_predictions(ref, predictions, baselines, masks, table, html="", regions=None, ratio=metrics.DEFAULT_RATIO,
                        progress=None, log=print):
    """Score ``predictions`` [(source, layer name, band count)] against ``ref`` (:func:`read_reference`) over
    ``masks`` [(region, mask)]; ``baselines`` {COARSE_TARGET, FINE_REF1, COARSE_REF1: path or None} add the
    baselines' rows and every method's verdict; write the ranking to ``table`` (and ``html``). Returns
    (ranked rows, columns)."""
    if not predictions:
        raise LstFusionError("PREDICTIONS", "no prediction given")
    rows, preds, sources, dates, seen = [], {}, {}, [], {}
    for i, (source, layer_name, bands) in enumerate(predictions):
        param = f"PREDICTIONS ({layer_name})"
        check_not_scored_against_itself(param, source, ref.path)
        key = same_key(file_of(source) or source)
        if key in seen:  # one file given twice would be ranked twice (1st and 2nd): it is scored once
            log(f"{param}: {os.path.basename(file_of(source) or source)} is given twice (also as {seen[key]}): "
                "it is scored once")
            continue
        seen[key] = layer_name
        require_single_band(param, source, bands)
        pred = read_raster(source, param)
        check_same_grid({"REFERENCE": ref, param: pred})
        harmonise_units({"REFERENCE": ref, param: pred}, log)
        name = layer_name or os.path.splitext(os.path.basename(source))[0]
        if name in preds:  # two layers of one name: keep both panels
            name = f"{name} ({i + 1})"
        rows += [{"method": name, **row} for row in metrics.evaluate_regions(pred.data, ref.data, masks, ratio, param)]
        preds[name], sources[name] = pred.data, source
        dates.append(target_date(pred, layer_name))
        if progress:
            progress(100.0 * (i + 1) / len(predictions))
    base = {name: read_raster(path, name) if path else None for name, path in baselines.items()}
    check_same_grid(base)
    check_pair_dates(base, (("FINE_REF1", "COARSE_REF1"),))
    harmonise_units(base, None, order=list(baselines))
    if base["COARSE_TARGET"] is not None:
        check_same_grid({"REFERENCE": ref, "COARSE_TARGET": base["COARSE_TARGET"]})
        harmonise_units({"REFERENCE": ref, **base}, log)
        if (base["FINE_REF1"] is None) != (base["COARSE_REF1"] is None):
            raise LstFusionError("FINE_REF1" if base["FINE_REF1"] is None else "COARSE_REF1",
                                 "the reference-pair baseline needs both FINE_REF1 and COARSE_REF1")
        for name, pred in protocol.baselines(base["FINE_REF1"].data if base["FINE_REF1"] else None,
                                             base["COARSE_REF1"].data if base["COARSE_REF1"] else None,
                                             base["COARSE_TARGET"].data).items():
            rows += [{"method": name, **row} for row in metrics.evaluate_regions(pred, ref.data, masks, ratio)]
            preds[name] = pred
    elif base["FINE_REF1"] is not None or base["COARSE_REF1"] is not None:
        raise LstFusionError("COARSE_TARGET", "the baselines need the MODIS of the date: give COARSE_TARGET")
    ranked = report.rank_methods(rows)
    cols = ["region", "rank", "method", "N"] + list(metrics.METRICS)
    if any(r["method"] in protocol.BASELINES for r in ranked):
        protocol.mark_verdicts(ranked)
        cols.append("verdict")
    report.write_table(table, ranked, cols)
    if html:
        header = report.report_header(
            method=f"comparison of {len(preds)} methods: {', '.join(preds)}",
            date=next((d for d in dates if d), "") or target_date(ref),
            inputs={"Reference": ref.path, **{f"Prediction ({k})": path for k, path in sources.items()}},
            unit=report.unit_label(ref), regions=regions)
        report.write_comparison_html(html, "LST Fusion - method comparison", ranked, ref.data, preds,
                                     columns=cols, header=header, regions=regions, transform=ref.grid.transform)
    log(report.markdown_table(ranked, cols))
    return ranked, cols
