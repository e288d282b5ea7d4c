"""Several daily 1 km sources in one series (MODIS until its end, then VIIRS or SLSTR): which raster is which
source, which one a date uses, and the level step between two sources on the days both observed.

* The source of a raster: its ``SENSOR`` tag (written by import_viirs, import_slstr and search_download), else
  its name or its folder's (``MOD11A1``, ``MYD11A1``, ``VNP21A1D``, ``VJ121A1D``, ``VJ221A1D``, ``SL_2_LST``,
  ``SLSTR``: the prefixes and folders of the sensor table), else unknown ("").
* The choice, on a date with rasters of several sources: the first in the order (``SOURCE_ORDER``; default
  :data:`DEFAULT_ORDER`: the nearest overpass to Landsat's 10:10-10:30 first: SLSTR 10:00, Terra 10:30 (drifting
  earlier), VIIRS 13:30 (SNPP, NOAA-20, NOAA-21), Aqua 13:30 (drifting later)). A source not in the order comes
  after those in it; two rasters of one source on one date stay an error.
* The level step: on each date with two or more sources, the mean (and SD) over the area's common clear pixels of
  each other source minus the chosen one, in kelvin. It is reported, not corrected: ``+SM``/``+RC``
  (RESIDUAL_CORRECTION) set the fused image's level per date from that date's coarse image, so a constant step
  between sources does not carry into the fused series; without them it does.
"""
import os

import numpy as np

from ..platform.errors import LstFusionError
from .sensors import SENSORS

DEFAULT_ORDER = ("Sentinel-3 SLSTR", "MODIS Terra", "VIIRS SNPP", "VIIRS NOAA-20", "VIIRS NOAA-21", "MODIS Aqua")
COARSE = [s for s in SENSORS if s.product != "Landsat"]
STEP_COLUMNS = ("date", "chosen", "other", "mean_other_minus_chosen_K", "sd_K", "n_pixels")


def source_of(path):
    """The sensor name of a coarse raster (see the module docstring), or "" when it cannot be told."""
    try:
        import rasterio

        with rasterio.open(str(path)) as ds:
            tag = ds.tags().get("SENSOR", "")
    except Exception:  # noqa: BLE001 - an unreadable file is said by whoever reads its values
        tag = ""
    names = {s.name for s in COARSE}
    if tag in names:
        return tag
    base = os.path.basename(str(path)).upper()
    folder = os.path.basename(os.path.dirname(os.path.abspath(str(path)))).upper()
    for s in COARSE:
        p = s.prefix.upper()
        if base.startswith((p + ".", p + "_")) or f"_{p}_" in base:  # S3A_SL_2_LST____..., MOD11A1.A2020001...
            return s.name
    for s in COARSE:
        if folder == s.folder.upper():
            return s.name
    return ""


def parse_order(text, parameter="SOURCE_ORDER"):
    """The order of sources from a comma-separated list of sensor names (empty: :data:`DEFAULT_ORDER`)."""
    if text is None or not str(text).strip():
        return DEFAULT_ORDER
    names = [t.strip() for t in str(text).split(",") if t.strip()]
    known = {s.name.lower(): s.name for s in COARSE}
    bad = [n for n in names if n.lower() not in known]
    if bad:
        raise LstFusionError(parameter, f"{', '.join(repr(b) for b in bad)} is not a daily source; name them from "
                                        f"{', '.join(DEFAULT_ORDER)}, separated by commas")
    return tuple(known[n.lower()] for n in names)


def choose(by_date, order=DEFAULT_ORDER):
    """({date: path}, {date: source}) from ``{date: {source: path}}``: per date the first source in ``order``."""
    rank = {name: i for i, name in enumerate(order)}
    chosen, source = {}, {}
    for d, options in by_date.items():
        best = min(options, key=lambda s: (rank.get(s, len(rank)), s))
        chosen[d], source[d] = options[best], best
    return chosen, source


def level_step(chosen_kelvin, other_kelvin):
    """(mean, SD, n) of other - chosen over their common finite pixels (NaN, NaN, 0 when none)."""
    both = np.isfinite(chosen_kelvin) & np.isfinite(other_kelvin)
    n = int(both.sum())
    if not n:
        return float("nan"), float("nan"), 0
    diff = other_kelvin[both].astype(np.float64) - chosen_kelvin[both]
    return float(diff.mean()), float(diff.std(ddof=1)) if n > 1 else 0.0, n


def steps_on_grid(options, chosen, grid, method="bilinear", band=1, scale=1.0, parameter="MODIS"):
    """Step rows (:data:`STEP_COLUMNS`) of every date with several sources: each other source minus the chosen one
    over ``grid`` (the area), both read and resampled onto it the same way, in kelvin.

    ``options``: {date: {source: path}}; ``chosen``: {date: source}."""
    from .io import read_raster
    from .resample import resample_to_grid
    from .units import to_kelvin

    def on_grid(path):
        r = read_raster(path, parameter, band=band)
        data = r.data * np.float32(scale) if scale != 1.0 else r.data
        return to_kelvin(data if r.grid.same_as(grid) else resample_to_grid(data, r.grid, grid, method,
                                                                            parameter=parameter))

    rows = []
    for d in sorted(options):
        if len(options[d]) < 2:
            continue
        base = on_grid(options[d][chosen[d]])
        for other, path in sorted(options[d].items()):
            if other == chosen[d]:
                continue
            mean, sd, n = level_step(base, on_grid(path))
            rows.append({"date": d.isoformat(), "chosen": chosen[d] or "unknown", "other": other or "unknown",
                         "mean_other_minus_chosen_K": f"{mean:.3f}", "sd_K": f"{sd:.3f}", "n_pixels": n})
    return rows


def step_summary(rows):
    """One sentence per pair of sources: their mean step over the dates both observed."""
    pairs = {}
    for r in rows:
        if r["n_pixels"]:
            pairs.setdefault((r["chosen"], r["other"]), []).append(float(r["mean_other_minus_chosen_K"]))
    return [f"level step {other} - {chosen}: {np.mean(v):+.2f} K (mean of {len(v)} day(s) both observed; "
            "+SM/+RC set each date's level from its own coarse image)" for (chosen, other), v in sorted(pairs.items())]
