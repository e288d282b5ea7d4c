"""The season report of a fused series: statistics per date and subregion, and LST through time.

``series_stats.csv``: one row per date, subregion and source (``fused``: the
series; ``MODIS``: the MODIS raster of that date on the fine grid) with the
mean, 10th and 90th percentiles and the count of valid pixels (a pixel belongs
to a subregion when its centre falls inside, as in ``evaluate``; the whole
image is always the first region).  ``series_report.html``: per subregion the
fused mean with its p10-p90 band beside MODIS's mean, the Landsat reference
dates marked, so a season's urban heat island shows at a glance.  The dates
are read on one thread per core (GDAL's decoding and warping and NumPy's
percentiles release the GIL), one date per thread in memory at a time.
"""
import datetime as _dt
import html
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..core.data.io import read_raster
from ..core.evaluation.metrics import region_masks
from ..core.evaluation.report import (
    UNIT_LABEL,
    axis_label,
    empty_html,
    esc,
    header_html,
    img_html,
    legend_outside,
    page_start,
    png_base64,
    table_html,
    temperature_stretch,
    write_csv,
)
from ..core.platform.errors import check_cancel

STATS_COLUMNS = ["date", "region", "source", "mean", "p10", "p90", "valid"]


@dataclass
class SeasonReport:
    rows: list
    csv: str
    html: str
    stretch: tuple
    unc_stretch: tuple = None  # (0, 98th percentile) of the uncertainty maps: their one legend


def describe(values):
    v = values[np.isfinite(values)]
    if v.size == 0:
        return {"mean": float("nan"), "p10": float("nan"), "p90": float("nan"), "valid": 0}
    p10, p90 = np.percentile(v, (10, 90))
    return {"mean": float(v.mean()), "p10": float(p10), "p90": float(p90), "valid": int(v.size)}


def fine_modis(grid):
    """``source -> the source on the whole fine grid`` as read_block gives it; a MODIS raster without nodata, on
    a grid whose bicubic factors into rows x columns (north-up, one CRS), as R M (core.data.linear_resampling's
    factored R, checked against GDAL within its AGREE_K once per MODIS grid), not one GDAL warp of the whole
    fine grid per date."""
    from ..core.data.linear_resampling import LinearResampling
    from .tiles import grid_key, read_block, whole_coarse

    operators, lock = {}, threading.Lock()

    def read(source):
        if not source.same_grid:
            r = whole_coarse(source)
            if np.isfinite(r.data).all():
                key = grid_key(r.grid)
                with lock:
                    if key not in operators:
                        operators[key] = LinearResampling.factored(r.grid, grid)
                if operators[key] is not None:
                    return operators[key].apply(r.data)
        return read_block(source, grid, 0, grid.height, 0, grid.width)

    return read


def season_stats(result, regions=None, cancel=None):
    """(rows for series_stats.csv, (low, high) shared legend range: the 2nd and 98th percentiles of all fused
    pixels, from a regular sample of each date)."""
    grid = result.grid
    masks = region_masks(grid, regions)
    step = max(1, int(np.sqrt(grid.width * grid.height / 20000)))
    modis_on_grid = fine_modis(grid)

    def one(r):
        check_cancel(cancel)
        fused = read_raster(os.path.join(result.folder, r["output"]), "OUTPUT").data
        modis = modis_on_grid(result.modis[r["date"]])
        rows = [{"date": r["date"], "region": name, "source": source, **describe(arr[m])}
                for name, m in masks for source, arr in (("fused", fused), ("MODIS", modis))]
        return rows, fused[::step, ::step][np.isfinite(fused[::step, ::step])]

    with ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="lstfusion-season") as pool:
        done = list(pool.map(one, [r for r in result.rows if r["output"]]))  # in date order
    rows = [row for part, _ in done for row in part]
    sample = [v for _, v in done]
    return rows, temperature_stretch(*sample) if sample else (0.0, 1.0)  # the one 2-98 % rule


SEASON_HOWTO = ("Each plot follows one region through the season: the thick red line is the fused series' mean over "
                "the region, its shaded band the 10th-90th percentiles of its pixels (the spread inside the region); "
                "the thin dark dashed line is MODIS's mean over the same pixels; green dotted lines mark the "
                "Landsat reference dates. Fused and MODIS means should move together from date to date; a steady "
                "gap between them is the Landsat-MODIS level offset. Every number is in the table at the end.")


def season_figure(rows, region, pairs, unit_label="", quantity="LST"):
    """The region's fused mean (thick, under) with its p10-p90 band and MODIS's mean (thin, dashed, on top: both
    stay visible where they coincide, as +RC makes them), the reference dates marked; None when the region has
    no valid mean on any date."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    sel = {source: [r for r in rows if r["region"] == region and r["source"] == source] for source in ("fused", "MODIS")}
    if not any(np.isfinite(r["mean"]) for r in sel["fused"] + sel["MODIS"]):
        return None
    fig = Figure(figsize=(10, 3.6))
    ax = fig.add_subplot(1, 1, 1)
    for source, style, colour, lw, ms, z in (("fused", "-", "#c0392b", 2.6, 6, 3), ("MODIS", "--", "#2c3e50", 1.2, 3, 4)):
        if not sel[source]:
            continue
        d = [_dt.date.fromisoformat(r["date"]) for r in sel[source]]
        ax.plot(d, [r["mean"] for r in sel[source]], style, color=colour, lw=lw, marker="o", ms=ms, zorder=z,
                label=f"{source} mean" + (" (p10-p90 shaded)" if source == "fused" else ""))
        if source == "fused":
            ax.fill_between(d, [r["p10"] for r in sel[source]], [r["p90"] for r in sel[source]], color=colour,
                            alpha=0.15, lw=0, zorder=1)
    for i, p in enumerate(pairs):
        ax.axvline(_dt.date.fromisoformat(p), color="#27ae60", lw=1.2, ls=":",
                   label="Landsat reference date" if i == 0 else None)
    ax.set_ylabel(axis_label(quantity, unit_label))
    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)
    legend_outside(ax)
    return fig


def uncertainty_html(result, unc_rows):
    """The report's uncertainty section: the calibration and each date's map, or the one sentence of why none."""
    su = result.uncertainty
    if su is None:
        return []
    parts = ["<h2>Uncertainty (half-width of the central 90 % interval)</h2>"]
    if su.calibration is None:
        return parts + [f"<p>{esc(su.reason)}.</p>"]
    cal = su.calibration
    parts.append(f"<p>UNC_*.tif beside each date: {esc(cal.describe())}. Each pair date was predicted from "
                 "the other pairs as this series runs the method; the interval is for the LST a Landsat would "
                 "measure, the day's Landsat - MODIS level offset included (docs/uncertainty.md).</p>")
    parts.append(table_html(unc_rows, ["date", "file", "mean half-width", "p90 half-width"]))
    parts.append("<p>Calibration bins (a bin with too few pixels falls back to its class, then to all pixels):</p>")
    parts.append(table_html(cal.rows, ["class", "change bin", "pixels", "half-width", "used"]))
    return parts


def write_season_html(path, result, rows, unit="", unc_rows=None):
    label = UNIT_LABEL.get(unit, unit)
    regions = list(dict.fromkeys(r["region"] for r in rows))
    header = {"Method": result.method, "Dates": f"{result.rows[0]['date']} to {result.rows[-1]['date']}",
              "Fused dates": str(len(result.outputs)), "Landsat reference dates": ", ".join(result.pairs),
              "Unit": label or "(as the inputs)", "Subregions": ", ".join(regions)}
    parts = [page_start("Season report", SEASON_HOWTO, f"{result.method} daily series: season report"),
             header_html(header)]
    for region in regions:
        parts.append(f"<h2>{html.escape(region)}</h2>")
        fig = season_figure(rows, region, result.pairs, label)
        parts.append(img_html(f"LST through time, {region}", png_base64(fig)) if fig is not None else empty_html(
            f"No plot for {region}: no fused or MODIS pixel of it is valid on any date."))
    steps = getattr(result, "source_steps", None) or []
    sources_used = sorted({r.get("coarse_source", "") for r in result.rows} - {""})
    if len(sources_used) > 1 or steps:
        from ..core.data.sources import STEP_COLUMNS, step_summary

        parts.append("<h2>Daily sources</h2>")
        parts.append(f"<p>{html.escape(', '.join(sources_used))}: the source of each date is in series.csv "
                     "(coarse_source).</p>")
        for sentence in step_summary(steps):
            parts.append(f"<p>{esc(sentence)}</p>")
        if steps:
            parts.append(table_html(steps, STEP_COLUMNS))
    parts += uncertainty_html(result, unc_rows or [])
    parts.append("<h2>Statistics per date</h2>")
    parts.append(table_html(rows, STATS_COLUMNS))
    parts.append("<p class='note'>fused: the series; MODIS: the MODIS raster of the date on the fine grid "
                 "(gap-filled where series.csv says so). p10/p90: 10th and 90th percentiles of the valid pixels "
                 "whose centres fall in the region.</p></body></html>")
    from ..core.data.io import atomic_write_text

    return atomic_write_text(path, "\n".join(parts))


def season_report(result, regions=None, cancel=None):
    """Write series_stats.csv and series_report.html into the series folder."""
    from .outputs import shared_stretch
    from .uncertainty import summary_rows

    rows, stretch = season_stats(result, regions, cancel)
    csv_path = write_csv(os.path.join(result.folder, "series_stats.csv"), rows, STATS_COLUMNS)
    unit = ""
    if result.outputs:
        unit = (read_raster(result.outputs[0], "OUTPUT").tags or {}).get("LST_UNIT", "")
    unc_rows = summary_rows(result.uncertainty, result.rows, result.folder) if result.uncertainty else []
    unc_stretch = (0.0, shared_stretch([os.path.join(result.folder, r["file"]) for r in unc_rows], (0, 98))[1]) \
        if unc_rows else None
    html_path = write_season_html(os.path.join(result.folder, "series_report.html"), result, rows, unit, unc_rows)
    return SeasonReport(rows, csv_path, html_path, stretch, unc_stretch)
