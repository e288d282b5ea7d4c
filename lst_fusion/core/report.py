"""Metric tables (CSV/Markdown) and the HTML report a person reads.

Figures are drawn with matplotlib's object API on an Agg canvas (never pyplot,
so nothing touches QGIS's own GUI backend) and embedded as base64 PNG, so the
report is one self-contained file that opens in QGIS and in any browser.
"""
import base64
import csv
import html
import io as _io
import math
import os

import numpy as np

from .io import atomic_write_text
from .metrics import METRICS

COLUMNS = ["method", "date", "region", "N"] + list(METRICS) + ["NOTES"]


def _fmt(v, undefined=""):
    """A table cell: 4 decimals; +inf as 'inf' and -inf as '-inf' (never one for the other); NaN as
    ``undefined`` (empty in CSV, 'undefined' where a person reads it; the NOTES column says why)."""
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        if math.isnan(v):
            return undefined
        return f"{v:.4f}"
    return str(v)


def _columns(rows, columns):
    """The given columns (or the default ones present), plus NOTES whenever a row has a note."""
    columns = list(columns or [c for c in COLUMNS if any(c in r for r in rows)])
    if "NOTES" in columns and not any(r.get("NOTES") for r in rows):
        columns.remove("NOTES")
    elif "NOTES" not in columns and any(r.get("NOTES") for r in rows):
        columns.append("NOTES")
    return columns


def write_csv(path, rows, columns=None):
    columns = _columns(rows, columns)
    buf = _io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: _fmt(r.get(k, "")) for k in columns})
    return atomic_write_text(path, buf.getvalue())


def write_table(path, rows, columns=None):
    """CSV, or a GeoPackage attribute table (layer ``metrics``) when ``path`` ends in .gpkg."""
    if not str(path).lower().endswith(".gpkg"):
        return write_csv(path, rows, columns)
    from osgeo import ogr

    from .io import atomic_path

    columns = _columns(rows, columns)
    with atomic_path(path, ".gpkg") as tmp:
        os.remove(tmp)  # the driver creates the file itself
        ds = ogr.GetDriverByName("GPKG").CreateDataSource(tmp)
        lyr = ds.CreateLayer("metrics", geom_type=ogr.wkbNone)
        kinds = {}
        for c in columns:
            sample = next((r[c] for r in rows if c in r), "")
            kinds[c] = ogr.OFTInteger64 if isinstance(sample, (int, np.integer)) and not isinstance(sample, bool) else (
                ogr.OFTReal if isinstance(sample, (float, np.floating)) else ogr.OFTString)
            lyr.CreateField(ogr.FieldDefn(c, kinds[c]))
        for r in rows:
            f = ogr.Feature(lyr.GetLayerDefn())
            for c in columns:
                v = r.get(c)
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                f.SetField(c, str(v) if kinds[c] == ogr.OFTString else (float(v) if kinds[c] == ogr.OFTReal else int(v)))
            lyr.CreateFeature(f)
        ds = None
    return path


def markdown_table(rows, columns=None):
    columns = _columns(rows, columns)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(c, ""), "undefined") for c in columns) + " |")
    return "\n".join(lines)


def _png(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def figures(pred, ref, unit=None):
    """Maps (shared colour bar), signed error map, scatter plot, error histogram."""
    from matplotlib.figure import Figure

    from .units import unit_of

    if unit is None:
        unit = {"celsius": "°C", "kelvin": "K"}[unit_of(ref)]
    pred = np.asarray(pred, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    v = np.isfinite(pred) & np.isfinite(ref)
    err = np.where(v, pred - ref, np.nan)
    lo, hi = np.nanpercentile(np.concatenate([ref[v], pred[v]]), [1, 99]) if v.any() else (0, 1)
    emax = float(np.nanpercentile(np.abs(err[v]), 99)) if v.any() else 1.0
    out = {}
    fig = Figure(figsize=(13, 4.2))
    axes = fig.subplots(1, 3)
    for ax, data, title in ((axes[0], ref, "Reference"), (axes[1], pred, "Prediction")):
        im = ax.imshow(data, cmap="inferno", vmin=lo, vmax=hi)
        ax.set_title(title)
        ax.set_axis_off()
    fig.colorbar(im, ax=axes[:2].tolist(), shrink=0.85, label=f"LST ({unit})")
    im2 = axes[2].imshow(err, cmap="RdBu_r", vmin=-emax, vmax=emax)
    axes[2].set_title("Error (prediction − reference)")
    axes[2].set_axis_off()
    fig.colorbar(im2, ax=axes[2], shrink=0.85, label=f"error ({unit})")
    out["maps"] = _png(fig)
    fig = Figure(figsize=(10, 4))
    a1, a2 = fig.subplots(1, 2)
    idx = np.flatnonzero(v.ravel())
    if idx.size > 20000:
        idx = np.random.default_rng(0).choice(idx, 20000, replace=False)
    a1.scatter(ref.ravel()[idx], pred.ravel()[idx], s=1, alpha=0.3)
    a1.plot([lo, hi], [lo, hi], "k--", lw=1)
    a1.set_xlabel(f"reference ({unit})")
    a1.set_ylabel(f"prediction ({unit})")
    a1.set_title("Scatter")
    a2.hist(err[v], bins=60, color="steelblue")
    a2.set_xlabel(f"error ({unit})")
    a2.set_title("Error histogram")
    out["scatter_hist"] = _png(fig)
    return out


def _table_html(rows, columns):
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(r.get(c, ''), 'undefined'))}</td>" for c in columns)
                   + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = ("<style>body{font-family:sans-serif;margin:2em;max-width:1200px}"
          "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;"
          "text-align:right}th{background:#eee}img{max-width:100%}</style>")


def write_html(path, title, rows, pred=None, ref=None, columns=None, notes=""):
    columns = _columns(rows, columns)
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>{_STYLE}"
             f"</head><body><h1>{html.escape(title)}</h1>", _table_html(rows, columns)]
    if notes:
        parts.append(f"<p>{html.escape(notes)}</p>")
    if pred is not None and ref is not None:
        figs = figures(pred, ref)
        parts.append(f"<h2>Maps</h2><img alt='maps' src='data:image/png;base64,{figs['maps']}'>")
        parts.append(f"<h2>Scatter and error histogram</h2><img alt='scatter' "
                     f"src='data:image/png;base64,{figs['scatter_hist']}'>")
    parts.append("<p style='color:#666'>Metric conventions: see the help of lstfusion:evaluate "
                 "(SAM over the image vector in Kelvin; ERGAS with the fine/coarse pixel-size ratio).</p>")
    parts.append("</body></html>")
    return atomic_write_text(path, "\n".join(parts))


def rank_methods(rows, metric="RMSE"):
    """Per region, methods sorted by ``metric`` (lower is better), with a rank column."""
    out = []
    for region in dict.fromkeys(r["region"] for r in rows):
        sub = sorted((r for r in rows if r["region"] == region),
                     key=lambda r: (math.isnan(r[metric]), r[metric]))
        for i, r in enumerate(sub, 1):
            out.append({**r, "rank": i})
    return out
