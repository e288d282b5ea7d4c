"""Metric tables (CSV/Markdown) and the HTML report a person reads.

Figures are drawn with matplotlib's object API on an Agg canvas (never pyplot,
so nothing touches QGIS's own GUI backend) and embedded as base64 PNG, so the
report is one self-contained file that opens in QGIS and in any browser.
"""
import base64
import html
import io as _io
import math
import os
import re
import textwrap

import numpy as np

from ..data.io import atomic_write_text, format_cell, write_csv_rows
from .metrics import METRICS

COLUMNS = ["method", "date", "region", "N"] + list(METRICS) + ["NOTES"]
STRETCH_PERCENT = (2, 98)  # temperature maps and the QGIS style stretch between these percentiles


def temperature_stretch(*arrays, percent=STRETCH_PERCENT):
    """(low, high) colour limits: the 2nd and 98th percentiles of the valid pixels of all ``arrays``."""
    valid = np.concatenate([np.asarray(a, dtype=np.float64)[np.isfinite(a)] for a in arrays])
    if valid.size == 0:
        return 0.0, 1.0
    lo, hi = np.percentile(valid, percent)
    return float(lo), float(hi) if hi > lo else float(lo) + 1.0


def _columns(rows, columns):
    """The given columns (or the default ones present), plus NOTES whenever a row has a note."""
    columns = list(columns or [c for c in COLUMNS if any(c in r for r in rows)])
    if "NOTES" in columns and not any(r.get("NOTES") for r in rows):
        columns.remove("NOTES")
    elif "NOTES" not in columns and any(r.get("NOTES") for r in rows):
        columns.append("NOTES")
    return columns


def write_csv(path, rows, columns=None, parameter="OUTPUT_TABLE"):
    return write_csv_rows(path, rows, _columns(rows, columns), parameter)


def write_table(path, rows, columns=None, parameter="OUTPUT_TABLE"):
    """CSV, or a GeoPackage attribute table (layer ``metrics``) when ``path`` ends in .gpkg."""
    if not str(path).lower().endswith(".gpkg"):
        return write_csv(path, rows, columns, parameter)
    from osgeo import ogr

    from ..data.io import atomic_path

    columns = _columns(rows, columns)
    with atomic_path(path, ".gpkg", parameter) as tmp:
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
        lines.append("| " + " | ".join(format_cell(r.get(c, ""), "undefined") for c in columns) + " |")
    return "\n".join(lines)


def png_base64(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


UNIT_LABEL = {"celsius": "°C", "kelvin": "K"}


def unit_label(ref):
    from ..data.units import unit_of

    return UNIT_LABEL[unit_of(ref)]


def outline_paths(regions, transform):
    """Subregion outlines in image coordinates (column, row of ``imshow``, pixel centres at integers):
    [(name, [(cols, rows), ...one per ring]), ...] from [(name, GeoJSON geometry in the raster's CRS), ...]."""
    inv = ~transform
    out = []
    for name, geom in regions or []:
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else (
            geom["coordinates"] if geom["type"] == "MultiPolygon" else [])
        rings = []
        for poly in polys:
            for ring in poly:
                xy = np.asarray(ring, dtype=np.float64)[:, :2]
                cols, rows = inv * (xy[:, 0], xy[:, 1])
                rings.append((np.asarray(cols) - 0.5, np.asarray(rows) - 0.5))
        out.append((name, rings))
    return out


def _draw_outlines(ax, outlines):
    for name, rings in outlines:
        for cols, rows in rings:
            ax.plot(cols, rows, color="white", lw=2.2)
            ax.plot(cols, rows, color="black", lw=1.0)
        if rings:
            cols, rows = rings[0]
            ax.annotate(textwrap.fill(name, 18), (float(np.mean(cols)), float(np.mean(rows))), ha="center",
                        va="center", fontsize=7,
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.7, "lw": 0})


def maps_figure(pred, ref, unit, outlines=(), title_pred="Prediction", quantity="LST"):
    """Reference and prediction (shared 2-98 % colour stretch, as the footer of every report says; the colour bar
    labelled ``quantity (unit)``) and the signed error, subregions outlined."""
    from matplotlib.figure import Figure

    v = np.isfinite(pred) & np.isfinite(ref)
    err = np.where(v, pred - ref, np.nan)
    lo, hi = temperature_stretch(ref[v], pred[v]) if v.any() else (0.0, 1.0)
    emax = float(np.nanpercentile(np.abs(err[v]), 98)) if v.any() else 1.0
    fig = Figure(figsize=(13, 4.2))
    axes = fig.subplots(1, 3)
    for ax, data, title in ((axes[0], ref, "Reference"), (axes[1], pred, title_pred)):
        im = ax.imshow(data, cmap="inferno", vmin=lo, vmax=hi)
        ax.set_title(textwrap.fill(title, 32), fontsize=11)
    label = unit if unit and quantity.lower() in unit.lower() else axis_label(quantity, unit)  # "reflectance 0-1"
    fig.colorbar(im, ax=axes[:2].tolist(), shrink=0.85, label=label)
    im2 = axes[2].imshow(err, cmap="RdBu_r", vmin=-emax, vmax=emax)
    axes[2].set_title("Error (prediction − reference)")
    fig.colorbar(im2, ax=axes[2], shrink=0.85, label=f"error ({unit})")
    for ax in axes:
        _draw_outlines(ax, outlines)
        ax.set_xlim(-0.5, ref.shape[1] - 0.5)
        ax.set_ylim(ref.shape[0] - 0.5, -0.5)
        ax.set_axis_off()
    return fig


def scatter_figure(pred, ref, unit, max_points=20000):
    """Prediction against reference on equal, square axes with the 1:1 line; error histogram."""
    from matplotlib.figure import Figure

    v = np.isfinite(pred) & np.isfinite(ref)
    fig = Figure(figsize=(10, 4.4))
    a1, a2 = fig.subplots(1, 2)
    idx = np.flatnonzero(v.ravel())
    if idx.size > max_points:
        idx = np.random.default_rng(0).choice(idx, max_points, replace=False)
    x, y = ref.ravel()[idx], pred.ravel()[idx]
    lo, hi = (float(min(x.min(), y.min())), float(max(x.max(), y.max()))) if idx.size else (0.0, 1.0)
    pad = 0.02 * (hi - lo or 1.0)
    lo, hi = lo - pad, hi + pad
    a1.scatter(x, y, s=1, alpha=0.3)
    a1.plot([lo, hi], [lo, hi], "k--", lw=1, label="1:1")
    a1.set_xlim(lo, hi)
    a1.set_ylim(lo, hi)
    a1.set_aspect("equal", adjustable="box")
    a1.annotate("1:1", (hi, hi), xytext=(-16, -2), textcoords="offset points", ha="right", va="top", fontsize=9)  # above the line
    a1.set_xlabel(f"reference ({unit})")
    a1.set_ylabel(f"prediction ({unit})")
    a1.set_title("Scatter")
    err = (pred - ref)[v]
    a2.hist(err, bins=60, color="steelblue")
    a2.axvline(0, color="k", lw=1)
    a2.set_xlabel(f"error ({unit})")
    a2.set_ylabel("pixels")
    a2.set_title("Error histogram")
    return fig


def figures(pred, ref, unit=None, regions=None, transform=None):
    """{'maps': base64 PNG, 'scatter_hist': base64 PNG}; ``regions`` + ``transform`` outline subregions."""
    pred = np.asarray(pred, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    unit = unit or unit_label(ref)
    outlines = outline_paths(regions, transform) if regions and transform is not None else ()
    return {"maps": png_base64(maps_figure(pred, ref, unit, outlines)), "scatter_hist": png_base64(scatter_figure(pred, ref, unit))}


def report_header(method="", date="", inputs=None, unit="", regions=None):
    """Ordered {label: text} shown at the top of a report."""
    out = {"Method": method or "(not recorded)", "Date": date or "(not recorded)"}
    for label, path in (inputs or {}).items():
        out[label] = os.path.basename(str(path))
    out["Unit"] = unit
    if regions:
        out["Subregions"] = ", ".join(name for name, _ in regions)
    return out


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def esc(text):
    """HTML-escaped text whose ISO dates never break at their hyphens ("2020-03-" / "17"), wherever the text
    itself wraps (a header's value, a column title, a long cell)."""
    return DATE.sub(lambda m: f"<span class='nw'>{m.group(0)}</span>", html.escape(str(text)))


LONG_TEXT = 30  # a cell longer than this (a reason, a list of scores) may wrap; shorter ones never do


def cell_html(value):
    """One <td>: numbers right-aligned (class num), short text on one line (dates, method names: the CSS's
    nowrap), long text (class long) wrapped between words, never inside a date."""
    text = format_cell(value, "undefined")
    kind = "num" if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) else (
        "long" if len(text) > LONG_TEXT else "")
    return f"<td class='{kind}'>{esc(text)}</td>" if kind else f"<td>{html.escape(text)}</td>"


def table_html(rows, columns):
    """A table in a horizontally scrolling box (a wide table scrolls in a narrow window instead of being cut)."""
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(cell_html(r.get(c, "")) for c in columns) + "</tr>" for r in rows)
    return f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def header_html(header):
    """The {label: text} block at the top of a report; a label whose text is None is left out (an absent
    section has no row)."""
    rows = "".join(f"<tr><th>{esc(k)}</th>{cell_html(str(v))}</tr>"
                   for k, v in (header or {}).items() if v is not None)
    return f"<table class='header'>{rows}</table>" if rows else ""


# Dates, method names and numbers never wrap (white-space:nowrap), column headers may; a table wider than the window scrolls inside its
# box; only long text (td.long, the header's values) wraps; images shrink to the window's width; a narrow window
# gets smaller table text.
HTML_STYLE = ("<style>body{font-family:sans-serif;margin:1.5em;max-width:1600px;line-height:1.35}"
              "h1{font-size:1.6em}h2{font-size:1.3em;margin-top:1.6em}"
              "div.scroll{overflow-x:auto;max-width:100%;margin:0.8em 0}"
              "table{border-collapse:collapse;font-size:0.92em}td,th{border:1px solid #bbb;padding:2px 6px;"
              "white-space:nowrap;text-align:left;vertical-align:top}th{background:#eee;white-space:normal}"
              "td.num{text-align:right;font-variant-numeric:tabular-nums}"
              "td.long{white-space:normal;min-width:9em;max-width:45em}"
              "table.header{margin:1em 0}"
              "p.howto{background:#f4f7fb;border-left:4px solid #4a78b5;padding:0.6em 1em;max-width:60em}"
              "span.nw{white-space:nowrap}p.empty{color:#555;font-style:italic}p.note{color:#666}"
              "img{max-width:100%;height:auto;display:block;margin:0.5em 0}"
              "@media (max-width:1100px){body{margin:0.8em}table{font-size:0.8em}td,th{padding:2px 4px}}</style>")
HTML_FOOTER = ("<p class='note'>Metric conventions: see the help of lstfusion:evaluate "
               "(SAM over the image vector in Kelvin; ERGAS with the fine/coarse pixel-size ratio). Maps: shared "
               "2-98 % colour stretch of reference and prediction.</p>")


def page_start(title, howto, heading=None):
    """The document's head, its title and the "how to read this" paragraph that opens every report."""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><meta name='viewport' "
            f"content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>{HTML_STYLE}"
            f"</head><body><h1>{html.escape(heading or title)}</h1>"
            f"<p class='howto'><b>How to read this.</b> {html.escape(howto)}</p>")


def empty_html(why):
    """What stands where a figure would be empty: one sentence saying why."""
    return f"<p class='empty'>{html.escape(why)}</p>"


def axis_label(what, unit):
    """``what (unit)``: every axis that carries a value carries its unit, or says it is not recorded."""
    return f"{what} ({unit or 'unit not recorded'})"


def legend_outside(ax, **kwargs):
    """The legend to the right of the data, never over it (savefig's tight box keeps it in the image)."""
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize=9, frameon=False,
                  **kwargs)


EVALUATION_HOWTO = ("The table scores the prediction against the reference image of the same date, per region "
                    "(RMSE, MAE, BIAS in the unit shown; lower is better; SSIM and CC: 1 is perfect). The maps show "
                    "the reference and the prediction on one colour scale and their difference (blue: prediction "
                    "too low, red: too high); the scatter should hug the dashed 1:1 line.")
COMPARISON_HOWTO = ("Methods are ranked by RMSE per region (rank 1 is best). The two baselines, MODIS resampled and "
                    "Landsat ref + MODIS change, are what a method must beat to be worth running; the verdict "
                    "column says whether it does. Below, one panel per method: reference, prediction and error map, "
                    "then the scatter against the reference and the error histogram.")


def img_html(alt, b64):
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{b64}'>"


def write_html(path, title, rows, pred=None, ref=None, columns=None, notes="", header=None, regions=None,
               transform=None):
    """One report: ``header`` (method, date, inputs, unit), the metric table, maps (subregions outlined when
    ``regions`` and the grid's ``transform`` are given), scatter and histogram."""
    columns = _columns(rows, columns)
    parts = [page_start(title, EVALUATION_HOWTO), header_html(header), table_html(rows, columns)]
    if notes:
        parts.append(f"<p>{html.escape(notes)}</p>")
    if pred is not None and ref is not None:
        figs = figures(pred, ref, unit=(header or {}).get("Unit"), regions=regions, transform=transform)
        parts.append(f"<h2>Maps</h2>{img_html('maps', figs['maps'])}")
        parts.append(f"<h2>Scatter and error histogram</h2>{img_html('scatter', figs['scatter_hist'])}")
    parts.append(HTML_FOOTER)
    parts.append("</body></html>")
    return atomic_write_text(path, "\n".join(parts), "OUTPUT_HTML")


def write_comparison_html(path, title, ranked, ref, predictions, columns=None, header=None, regions=None,
                          transform=None):
    """The ranking table, then one panel per method: maps (reference, prediction, error), scatter, histogram.

    ``predictions`` {method: array}, in the order the panels appear.
    """
    columns = columns or [c for c in COLUMNS if any(c in r for r in ranked)]
    ref = np.asarray(ref, dtype=np.float64)
    unit = (header or {}).get("Unit") or unit_label(ref)
    parts = [page_start(title, COMPARISON_HOWTO), header_html(header), "<h2>Ranking</h2>", table_html(ranked, columns)]
    outlines = outline_paths(regions, transform) if regions and transform is not None else ()
    for method, pred in predictions.items():
        pred = np.asarray(pred, dtype=np.float64)
        parts.append(f"<h2 class='method'>{html.escape(method)}</h2>")
        parts.append(img_html(f"maps {method}", png_base64(maps_figure(pred, ref, unit, outlines, title_pred=method))))
        parts.append(img_html(f"scatter {method}", png_base64(scatter_figure(pred, ref, unit))))
    parts.append(HTML_FOOTER)
    parts.append("</body></html>")
    return atomic_write_text(path, "\n".join(parts), "OUTPUT_HTML")


def rank_methods(rows, metric="RMSE"):
    """Per region, methods sorted by ``metric`` (lower is better), with a rank column."""
    out = []
    for region in dict.fromkeys(r["region"] for r in rows):
        sub = sorted((r for r in rows if r["region"] == region),
                     key=lambda r: (math.isnan(r[metric]), r[metric]))
        for i, r in enumerate(sub, 1):
            out.append({**r, "rank": i})
    return out
