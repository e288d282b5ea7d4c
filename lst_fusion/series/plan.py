"""The plan of a series: for each MODIS date between ``start`` and ``end``, its reference pairs, whether it
is gap-filled first, its output file and its resume key.

* reference pairs are Landsat dates that have a MODIS raster of the same day, chosen by the one rule of
  core.data.pairing (:func:`~lst_fusion.core.data.pairing.nearest_pair`,
  :func:`~lst_fusion.core.data.pairing.pairs_around`, shared with core.evaluation.protocol): two-pair
  methods (ESTARFM, STTFN) take the nearest pair on or before the date and the nearest after it (on a pair
  date: that pair and the next, or the previous one for the last pair); one-pair methods take the nearest
  pair (the earlier on a tie); STARFM takes two pairs when there are two, else the nearest one (the pair
  mode of the method table); a pair farther than ``max_gap_days`` is never used, and a date without
  usable pairs is skipped with the reason; a method of pair mode ALL (All-pairs regression) takes every pair
  of the series (core.data.pairing.every_pair: ``refs``; ``ref1`` the nearest, for the tags), whatever
  ``max_gap_days``, so that its model is fitted once (series.model);
* a MODIS date with fewer clear pixels than ``min_clear`` percent is gap-filled first (core.data.gapfill:
  linear in time from the nearest MODIS dates within ``gapfill_days``, then the progressive focal mean)
  into ``modis_filled/M_YYYYMMDD.tif``; a date with no clear pixel left to fill from is skipped with the
  reason;
* a date whose output exists with the same ``SERIES_KEY`` tag (method, references, inputs, parameters)
  is kept.
"""
import datetime as _dt
import hashlib
import json
import os
from dataclasses import dataclass, field

import numpy as np

from ..core.data.pairing import every_pair, list_rasters, nearest_pair, read_index, reference_pairs
from ..core.fusion import methods as fusion_methods
from ..core.platform.errors import LstFusionError, check_cancel
from .tiles import Source, clear_percent, read_block

DEFAULT_MAX_GAP_DAYS = 48
GAPFILL_DAYS = 32


@dataclass
class DatePlan:
    date: _dt.date
    modis: Source
    ref1: _dt.date = None
    ref2: _dt.date = None
    status: str = ""
    modis_clear: float = float("nan")
    gapfilled: bool = False
    output: str = ""
    key: str = ""
    tags: dict = field(default_factory=dict)
    refs: tuple = ()  # pair mode ALL: every reference pair date (ref1 the nearest)
    model: tuple = ()  # pair mode ALL: the model rasters' Sources (series.model), set before the tiles


def pair_mode(method, params=None):
    """'two' (two pairs: before and after), 'one' (the nearest pair) or 'two_or_one' (STARFM): the table's, or the
    rule the run's PAIRS parameter names ('1 pair', '2 pairs': a method that can run either way)."""
    named = (params or {}).get("PAIRS")
    if named:
        return {v: k for k, v in fusion_methods.RULE_NAMES.items()}[named]
    return fusion_methods.get(method).pair_mode


def choose_refs(target, pair_dates, mode, max_gap_days=DEFAULT_MAX_GAP_DAYS):
    """(ref1, ref2, reason): the reference pair dates for ``target`` by the one rule of
    core.data.pairing.reference_pairs (ref2 None for one pair; ``reason`` says why none fits)."""
    return reference_pairs(target, pair_dates, mode, max_gap_days)


# ---------------------------------------------------------------- inputs and the plan


def collect_inputs(modis=None, landsat=None, dataset=None, modis_band=1, landsat_band=1, scales=(1.0, 1.0),
                   modis_names=None, landsat_names=None, source_order=None):
    """(modis {date: Source}, landsat {date: Source}, fine grid, {date: coarse source}, {date: {source: path}}).

    The MODIS rasters may mix daily sources (core.data.sources): per date the first of ``source_order``."""
    from ..core.data import sources
    from ..core.data.io import read_grid

    order = sources.parse_order(source_order)
    if dataset:
        rows = read_index(dataset)
        m = {r["date"]: r["modis"] for r in rows if r["modis"]}
        msource = {r["date"]: r.get("coarse_source") or "" for r in rows if r["modis"]}
        options = {}  # align_pairs chose and wrote the steps (source_steps.csv)
        lan = {r["date"]: r["landsat"] for r in rows if r["landsat"] and r["status"] == "pair"}
        modis_band = landsat_band = 1
        scales = (1.0, 1.0)
        if not m:
            raise LstFusionError("DATASET", f"{dataset!r} lists no MODIS raster")
        if not lan:
            raise LstFusionError("DATASET", f"{dataset!r} lists no same-day pair")
    else:
        if not modis:
            raise LstFusionError("MODIS", "no MODIS raster given")
        if not landsat:
            raise LstFusionError("LANDSAT", "no Landsat raster given (or give DATASET, an align_pairs folder)")
        options = list_rasters(modis, "MODIS", modis_names, by_source=True)
        m, msource = sources.choose(options, order)
        lan = list_rasters(landsat, "LANDSAT", landsat_names)
    first = min(lan)
    grid = read_grid(lan[first], "LANDSAT")
    if grid.crs is None:
        raise LstFusionError("LANDSAT", f"{os.path.basename(lan[first])} has no CRS")
    lsrc = {}
    for d, p in lan.items():
        g = read_grid(p, "LANDSAT")
        if not g.same_as(grid):
            raise LstFusionError("LANDSAT", f"{os.path.basename(p)} is not on the grid of {os.path.basename(lan[first])} "
                                 f"({g.describe()} vs {grid.describe()}); resample it (lstfusion:resample) or use "
                                 "lstfusion:align_pairs")
        lsrc[d] = Source(p, landsat_band, scales[0], True, "LANDSAT")
    msrc = {d: Source(p, modis_band, scales[1], read_grid(p, "MODIS").same_as(grid), "MODIS") for d, p in m.items()}
    return msrc, lsrc, grid, msource, options


def series_kind(lsrc, msrc, parameter=None):
    """The series' one quantity and unit (core.data.units.Kind) from its rasters' tags (else a labelled guess
    from a decimated read); rasters of two quantities or units are one sentence naming the odd one (core.data.units.
    require_one_kind). ``parameter``: the name the files are given under (DATASET), else LANDSAT / MODIS."""
    from ..core.data.io import kind_of_file
    from ..core.data.units import require_one_kind

    kinds = {}
    for role, srcs in (("LANDSAT", lsrc), ("MODIS", msrc)):
        for d in sorted(srcs):
            s = srcs[d]
            label = f"{parameter or role} ({os.path.basename(s.path)})"
            kinds[label] = kind_of_file(s.path, s.band, s.scale, parameter or role)
    return require_one_kind(kinds, "one series", same_unit=True)  # the series converts no unit


def series_key(payload):
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def file_identity(path):
    """What a resume key knows of an input file: its name, size and modification time (ns), so the same name
    over another area, a re-aligned dataset or a reprocessed input is another input."""
    st = os.stat(path)
    return [os.path.basename(path), st.st_size, st.st_mtime_ns]


def grid_identity(grid):
    """The fine grid in a resume key: CRS, the six transform coefficients and the size."""
    from rasterio.crs import CRS

    crs = CRS.from_user_input(grid.crs).to_wkt() if grid.crs else ""
    return [crs, [float(v) for v in grid.transform[:6]], grid.width, grid.height]



def gapfill_date(plan, modis, grid, folder, cancel):
    """Fill the target's MODIS into modis_filled/M_YYYYMMDD.tif (kept for a re-run made from the same MODIS
    files on the same grid: its FILL_KEY tag); False when impossible."""
    from ..core.data.gapfill import spatial_fill, temporal_fill

    path = os.path.join(folder, "modis_filled", f"M_{plan.date:%Y%m%d}.tif")
    near = sorted((d for d in modis if d != plan.date and abs((d - plan.date).days) <= GAPFILL_DAYS),
                  key=lambda d: (abs((d - plan.date).days), d))
    before = [d for d in near if d < plan.date][:2]
    after = [d for d in near if d > plan.date][:2]
    used = [plan.modis] + [modis[d] for d in sorted(before + after)]
    key = series_key({"grid": grid_identity(grid), "gapfill_days": GAPFILL_DAYS,
                      "modis": [file_identity(s.path) + [s.band, s.scale] for s in used]})
    if os.path.exists(path) and stored_tag(path, "FILL_KEY") == key:
        plan.modis = Source(path, 1, 1.0, True, "MODIS")
        return True

    def whole(src):
        return read_block(src, grid, 0, grid.height, 0, grid.width)

    target = whole(plan.modis)
    others = [(d, whole(modis[d])) for d in sorted(before + after)]
    filled, _ = temporal_fill(target, plan.date, others, GAPFILL_DAYS)
    if not np.isfinite(filled).any():
        return False
    filled, _ = spatial_fill(filled, cancel=cancel)  # = core.data.gapfill's 'temporal+spatial'
    from ..core.data.io import write_raster

    write_raster(path, filled, grid, tags={"ACQUISITION_DATE": plan.date.isoformat(), "GAPFILLED": "temporal+spatial",
                                           "FILL_KEY": key})
    plan.modis = Source(path, 1, 1.0, True, "MODIS")
    return True


def plan_series(modis, landsat, grid, method, folder, start=None, end=None, max_gap_days=DEFAULT_MAX_GAP_DAYS,
                min_clear=0.0, key_params=None, log=None, cancel=None):
    """The list of :class:`DatePlan` (status '' = to compute, 'kept', or 'skipped: reason')."""
    from ..core.data.dates import to_date

    start = to_date(start, "START") if start else min(modis)
    end = to_date(end, "END") if end else max(modis)
    if end < start:
        raise LstFusionError("END", f"{end} is before START {start}")
    targets = sorted(d for d in modis if start <= d <= end)
    if not targets:
        raise LstFusionError("START", f"no MODIS date between {start} and {end} (MODIS has {min(modis)} to {max(modis)})")
    pair_dates = sorted(d for d in landsat if d in modis)
    for d in sorted(set(landsat) - set(modis)):
        if log:
            log(f"LANDSAT: {d} has no MODIS raster of the same day, so it is not a reference pair")
    if not pair_dates:
        raise LstFusionError("LANDSAT", "no Landsat date has a MODIS raster of the same day, so there is no "
                             "reference pair")
    mode = pair_mode(method, key_params)
    label = fusion_methods.get(method).tag
    grid_key = grid_identity(grid)
    plans = []
    for d in targets:
        p = DatePlan(d, modis[d])
        if mode == fusion_methods.ALL:
            p.refs, p.ref2, reason = every_pair(pair_dates), None, ""
            p.ref1 = nearest_pair(d, p.refs)
        else:
            p.ref1, p.ref2, reason = choose_refs(d, pair_dates, mode, max_gap_days)
        p.modis_clear = clear_percent(modis[d], grid)
        if reason:
            p.status = f"skipped: {reason}"
        elif p.modis_clear == 0 and min_clear == 0:  # e.g. a MODIS raster beside the grid: nothing to fuse
            p.status = ("skipped: MODIS has no clear pixel on the grid (a MIN_CLEAR above 0 gap-fills such dates "
                        "from their neighbours)")
        elif p.modis_clear < min_clear:
            check_cancel(cancel)
            if gapfill_date(p, modis, grid, folder, cancel):
                p.gapfilled = True
                if log:
                    log(f"MODIS: {d} is {p.modis_clear:.1f} % clear (MIN_CLEAR {min_clear:g} %): gap-filled first")
            else:
                p.status = (f"skipped: MODIS {p.modis_clear:.1f} % clear (MIN_CLEAR {min_clear:g} %) and not fillable "
                            f"(no valid pixel, nor clear MODIS on both sides within {GAPFILL_DAYS} days)")
        p.output = os.path.join(folder, f"LST_{label}_{d:%Y%m%d}.tif")
        refs = list(p.refs) or [r for r in (p.ref1, p.ref2) if r]
        # what the date depends on: each input file's identity (name, size, mtime: the same names over another
        # area or a reprocessed input are other inputs), the grid, the method and its parameters
        p.key = series_key({"method": method, "date": d, "refs": refs, "grid": grid_key,
                            "modis": file_identity(modis[d].path),
                            "filled": file_identity(p.modis.path) if p.gapfilled else None,
                            "fine": [file_identity(landsat[r].path) for r in refs],
                            "coarse_refs": [file_identity(modis[r].path) for r in refs], "params": key_params or {},
                            "bands": [modis[d].band, landsat[pair_dates[0]].band],
                            "scales": [modis[d].scale, landsat[pair_dates[0]].scale], "gapfilled": p.gapfilled})
        if not p.status and os.path.exists(p.output):
            if stored_tag(p.output, "SERIES_KEY") == p.key:
                p.status = "kept"
            elif log:
                log(f"{os.path.basename(p.output)} was made with other inputs or parameters: it is computed again")
        plans.append(p)
    return plans


def tags_of(path):
    import rasterio

    with rasterio.open(path) as ds:
        return ds.tags()


def stored_tag(path, name):
    """A tag of an earlier output, or None when the file cannot be read (it is then computed again)."""
    try:
        return tags_of(path).get(name)
    except Exception:  # a damaged or foreign file: not ours to keep
        return None

