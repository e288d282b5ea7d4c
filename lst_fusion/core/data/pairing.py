"""Same-day MODIS/Landsat pairing into a ready dataset folder.

Dataset layout (consumed by training, ESTARFM/STARFM batch runs and the
reference experiment)::

    DATASET/
      L_YYYYMMDD.tif   Landsat LST on the reference grid
      L_YYYYMMDD.filled.tif  where that Landsat was gap-filled (lstfusion:gapfill's marker, 1 = filled)
      M_YYYYMMDD.tif   MODIS LST resampled onto the same grid
      index.csv        date,landsat,modis,landsat_clear,modis_clear,status

``status`` is ``pair`` (same-day pair passing the clear-percentage filter
MIN_CLEAR: a training pair, a reference and a test date), ``training_pair``
(below MIN_CLEAR but at least MIN_CLEAR_TRAINING: the deep models train on it
with their masked loss; never a reference or test truth), ``modis_only`` (a
prediction date), or ``rejected:<reason>``.  Adding new real
pairs is a drop-in: put the files in the input folders and run again.
"""
import csv
import io as _io
import os

import numpy as np

from ..platform.errors import LstFusionError, check_cancel
from .checks import PAIR, TRAINING_PAIR
from .dates import FORMS, acquisition_tag, check_tag_date, parse_date, to_date
from .gapfill import MARKER_TAG, filled_pixels, is_marker, write_marker
from .io import atomic_write_text, read_raster, write_csv_rows, write_raster
from .resample import crop_grid, resample_to_grid
from .units import BAND_UNIT, guess_kind, kind_of, require_one_kind, robust_range, unit_in_range

RASTER_EXT = (".tif", ".tiff", ".vrt", ".img", ".hdf")


# ---------------------------------------------------------------- the reference-pair rule (series and protocol)
def nearest_pair(target, dates):
    """The reference of one-pair methods: the pair date nearest in time to ``target``, the earlier on a tie
    (None when ``dates`` is empty). Used by the series (lst_fusion.series.plan) and by the leave-one-date-out
    protocol (core.evaluation.protocol), so both choose alike."""
    dates = list(dates)
    return min(dates, key=lambda d: (abs((d - target).days), d)) if dates else None


def pairs_around(target, dates, on_target=True):
    """(before, after): the nearest pair date on or before ``target`` (strictly before with ``on_target``
    False, as for a held-out test date) and the nearest strictly after it; None where there is none."""
    dates = sorted(dates)
    before = [d for d in dates if d < target or (on_target and d == target)]
    after = [d for d in dates if d > target]
    return (before[-1] if before else None), (after[0] if after else None)


def reference_pairs(target, pair_dates, rule, max_gap_days=None):
    """(ref1, ref2, reason): the one rule of which reference pairs a method uses for ``target`` (ref2 None for one
    pair; both None with ``reason`` when none fits). The series (lst_fusion.series.plan), validation and auto's
    inner folds (core.evaluation) all call it, so what is validated is what runs; a held-out date is simply not
    among ``pair_dates``.

    ``rule`` (core.fusion.methods' pair modes): ``"one"`` the nearest pair (the earlier on a tie); ``"two"`` the
    nearest pair on or before ``target`` and the nearest after it (on the last pair's own date: that pair and
    the one before it); ``"two_or_one"`` two as ``"two"`` where there are two, else the nearest one. Pairs
    farther than ``max_gap_days`` (None: no limit) are never used."""
    near = sorted(d for d in pair_dates if max_gap_days is None or abs((d - target).days) <= max_gap_days)
    within = f" within {max_gap_days} days" if max_gap_days is not None else ""
    nearest = nearest_pair(target, near)
    if rule == "one":
        if nearest is None:
            return None, None, f"no Landsat pair{within}"
        return nearest, None, ""
    ref1, ref2 = pairs_around(target, near)
    before = [d for d in near if d <= target]
    if ref2 is None and ref1 == target and len(before) > 1:  # the last pair's own date: the pair before it too
        ref1, ref2 = before[-2], target
    if ref1 is not None and ref2 is not None:
        return ref1, ref2, ""
    if rule == "two_or_one" and nearest is not None:
        return nearest, None, ""
    side = "on or before" if ref1 is None else "after"
    return None, None, f"no Landsat pair {side} {target.isoformat()}{within}"


def every_pair(pair_dates, held_out=None):
    """The references of a method of pair mode ALL: every pair date, in order, but ``held_out`` (the date a
    leave-one-date-out scores; the series passes None: on a pair date the method uses that pair too, as the
    nearest-pair methods do). MAX_GAP_DAYS does not apply: the fit is over the seasons by design."""
    return tuple(sorted(d for d in pair_dates if d != held_out))


def check_percent(value, parameter="MIN_CLEAR"):
    """A percentage of clear pixels: 0 to 100 (above 100 no pair can pass, and the run would only say so)."""
    if not 0 <= value <= 100:
        raise LstFusionError(parameter, f"{value:g} % is not a percentage of clear pixels: give a value from 0 to 100")
    return value


def raster_date(path, parameter, name=None):
    """The acquisition date of a raster: from its file name, else the layer
    ``name``, else its ``ACQUISITION_DATE`` tag (written by the imports and
    align_pairs), else a clear error."""
    d = parse_date(path, parameter) or (parse_date(name, parameter) if name else None)
    tag = acquisition_tag(path)
    if d is not None and tag:  # a name and a tag that disagree: neither wins silently
        check_tag_date(d, tag, path, parameter,
                       f"the name {os.path.basename(str(path))!r} ({d.isoformat()})")
    elif tag:
        d = to_date(tag, parameter)
    if d is None:
        raise LstFusionError(parameter, f"no date in the file name {os.path.basename(str(path))!r} (names may hold "
                             f"{FORMS}); rename it, or import it with its DATE (lstfusion:import_*)")
    return d


def own_date(raster, parameter):
    """The date a read Raster carries (its file name, checked against its ACQUISITION_DATE tag), or None where the
    name holds no single date and no tag is set."""
    from .dates import date_candidates

    found = date_candidates(raster.path)
    tag = (raster.tags or {}).get("ACQUISITION_DATE")
    d = found[0] if len(found) == 1 else None
    if d is not None and tag:
        return check_tag_date(d, tag, raster.path, parameter, f"the name {os.path.basename(raster.path)!r} "
                              f"({d.isoformat()})")
    if tag:
        try:
            return to_date(tag, parameter)
        except LstFusionError:
            return None
    return d


def check_pair_dates(rasters, pairs):
    """Each (Landsat role, MODIS role) pair of read rasters is of one date, else one sentence naming both dates."""
    for fine, coarse in pairs:
        if rasters.get(fine) is None or rasters.get(coarse) is None:
            continue
        df, dc = own_date(rasters[fine], fine), own_date(rasters[coarse], coarse)
        if df is not None and dc is not None and df != dc:
            raise LstFusionError(
                coarse, f"{os.path.basename(rasters[coarse].path)} is of {dc.isoformat()} but its pair {fine} "
                f"({os.path.basename(rasters[fine].path)}) is of {df.isoformat()}: a reference pair is one date; "
                "give the MODIS image of the Landsat date")


def list_rasters(folder_or_list, parameter, names=None, by_source=False):
    """``{date: path}`` for a folder or a list of rasters (optionally with layer
    names), one raster per date; every problem is one sentence for ``parameter``.

    ``by_source``: ``{date: {source: path}}`` (core.data.sources), one raster per date and source: the daily
    coarse rasters of several sources in one list."""
    if isinstance(folder_or_list, (list, tuple)):
        # lstfusion:gapfill's markers (X.filled.tif) are skipped in a list as in a folder: selecting a folder's
        # files in the batch dialog or a layer list selects them too, and they are never LST
        kept = [(str(p), n) for p, n in zip(folder_or_list, list(names) if names else [None] * len(folder_or_list))
                if not is_marker(p)]
        paths = [p for p, _ in kept]
        names = [n for _, n in kept] if names else None
    else:
        if not os.path.isdir(str(folder_or_list)):
            raise LstFusionError(parameter, f"{folder_or_list!r} is not a folder")
        paths = sorted(os.path.join(folder_or_list, f) for f in os.listdir(folder_or_list)
                       if f.lower().endswith(RASTER_EXT) and not f.startswith(".") and not is_marker(f))
    if not paths:
        raise LstFusionError(parameter, "no raster given")
    names = list(names) if names else [None] * len(paths)
    dated = {}
    for p, n in zip(paths, names):
        d = raster_date(p, parameter, n)
        if by_source:
            from .sources import source_of

            src = source_of(p)
            same = dated.setdefault(d, {})
            if src in same:
                raise LstFusionError(parameter, f"two rasters for {d}: {os.path.basename(same[src])}, "
                                                f"{os.path.basename(p)}" + (f" (both {src})" if src else ""))
            same[src] = p
            continue
        if d in dated:
            raise LstFusionError(parameter, f"two rasters for {d}: {os.path.basename(dated[d])}, {os.path.basename(p)}")
        dated[d] = p
    return dated


def describe_values(raster, parameter):
    """Log sentences on what the values are: the detected unit (the ranges of
    core.data.checks), and the cost of a declared nodata of 0 in Celsius data."""
    rng = robust_range(raster.data)
    if rng is None:
        return []
    lo, hi = rng
    name = os.path.basename(raster.path)
    if -1.0 <= lo and hi <= 1.5:
        return [f"{parameter}: {name} holds values from {lo:g} to {hi:g}, like reflectance or an index rather "
                "than LST; they are used as they are"]
    unit = unit_in_range(lo, hi)
    if unit is None:
        return [f"{parameter}: {name} holds values from {lo:g} to {hi:g}, which is not LST in K or degC; "
                "they are used as they are"]
    sym = BAND_UNIT[unit]
    med = float(np.nanmedian(raster.data))
    out = [f"{parameter}: {name} is LST in {sym} (median {med:.2f} {sym})"]
    if raster.nodata is not None and float(raster.nodata) == 0.0 and unit == "celsius":
        out.append(f"{parameter}: {name} declares nodata 0 and is in degC: its nodata is honoured, so any real "
                   "0 degC pixel is lost too")
    return out


def pair_status(landsat_clear, modis_clear, min_clear, min_clear_training=None):
    """index.csv status of a same-day pair from its clear percentages: ``pair`` from ``min_clear`` on,
    ``training_pair`` from ``min_clear_training`` (below ``min_clear``; None: no training-only pairs) on,
    else rejected."""
    clear = min(landsat_clear, modis_clear)
    if clear >= min_clear:
        return PAIR
    if min_clear_training is not None and clear >= min_clear_training:
        return TRAINING_PAIR
    lowest = min_clear if min_clear_training is None else min(min_clear, min_clear_training)
    return f"rejected:clear<{lowest:g}%"


INPUTS_MISSING = ("DATASET: give a dataset folder (lstfusion:align_pairs), or both MODIS and LANDSAT "
                  "rasters")  # a run of "a dataset folder or two raster lists" given neither


def align_pairs(modis, landsat, output_dir, min_clear=0.0, aoi_bounds=None, method="bicubic",
                progress=None, cancel=None, modis_band=1, landsat_band=1, scales=(1.0, 1.0), log=None,
                modis_names=None, landsat_names=None, coregister=False, max_shift=None, report=None,
                min_clear_training=None, source_order=None):
    """Match same-day pairs and write the dataset folder; returns the index rows.

    ``min_clear``: a same-day pair with both rasters at least this clear (%) is a ``pair`` (training,
    reference and test truth); ``min_clear_training`` (None, the default: no such pairs; at or above
    ``min_clear``: none either): a less clear pair at least this clear is a ``training_pair``, for the deep
    models' masked training only (:func:`pair_status`).

    ``coregister``: estimate MODIS's shift relative to Landsat jointly over the
    pairs passing ``min_clear`` (core.data.coregister; ``max_shift`` in MODIS
    pixels, default 1.5) and, when its gain is significant, apply it to every
    MODIS raster; the estimate goes to the log, to ``coregistration.csv`` and to
    ``report["coregistration"]`` (a ``coregister.Shift``) when ``report`` is a dict.

    ``modis``/``landsat``: a folder or a list of rasters; ``*_band``: the band of
    multi-band exports; ``scales``: (Landsat, MODIS) factors applied on reading
    (e.g. 1e-4 for reflectance x 10000); ``log(sentence)`` receives what was
    detected or assumed (units, CRS repairs, band choice).

    ``modis`` may mix daily sources (MODIS, VIIRS, SLSTR: core.data.sources): per date the first of
    ``source_order`` (comma-separated sensor names; None: sources.DEFAULT_ORDER) is used, written in index.csv's
    ``coarse_source`` and the M_ raster's SENSOR tag; on dates with several, the level step of each other source
    against it over the area goes to ``source_steps.csv``, the log and ``report["source_steps"]``.
    """
    from . import sources

    check_percent(min_clear)
    if min_clear_training is not None:
        check_percent(min_clear_training, "MIN_CLEAR_TRAINING")
    order = sources.parse_order(source_order)
    m_by_source = list_rasters(modis, "MODIS", modis_names, by_source=True)
    m_dates, m_source = sources.choose(m_by_source, order)
    l_dates = list_rasters(landsat, "LANDSAT", landsat_names)
    said = set()

    def note(text, key=None):
        """Log each sentence once (``key``: once per kind, e.g. a CRS repair for all MODIS files)."""
        key = key or text
        if log and key not in said:
            said.add(key)
            log(text)

    def read(path, parameter, band, scale):
        r = read_raster(path, parameter, band=band)
        for n in r.notes:
            note(f"{parameter}: {os.path.basename(path)} {n} (said once for all {parameter} rasters)",
                 (parameter, n))
        if r.band_count > 1:
            note(f"{parameter}: {r.band_count}-band rasters, band {band} used ({parameter}_BAND chooses another)",
                 (parameter, "bands"))
        if scale != 1.0:
            r.data *= np.float32(scale)
        for i, s in enumerate(describe_values(r, parameter)):
            note(s, (parameter, "values", i))
        # its quantity and unit, established here once and written as tags (core.data.units): the file's own
        # tags, else (or when a scale changed the values) its values; one dataset holds one quantity
        k = kind_of(r) if scale == 1.0 else guess_kind(r.data)
        kinds[path] = k
        label = f"{parameter} ({os.path.basename(path)})"
        kinds.setdefault("first", (label, k))
        require_one_kind(dict([kinds["first"], (label, k)]), "one dataset")
        return r

    kinds = {}

    first = min(l_dates)
    ref = read(l_dates[first], "LANDSAT", landsat_band, scales[0])
    grid = ref.grid
    if grid.crs is None:
        raise LstFusionError("LANDSAT", f"{os.path.basename(l_dates[first])} has no CRS")
    if aoi_bounds is not None:
        grid = crop_grid(grid, aoi_bounds)
    os.makedirs(output_dir, exist_ok=True)
    m_grid = grid
    if coregister:
        m_grid = _coregistration(m_dates, l_dates, grid, read, method, min_clear, max_shift, modis_band,
                                 landsat_band, scales, output_dir, log, report, cancel)
    rows = []
    all_dates = sorted(set(m_dates) | set(l_dates))
    for i, d in enumerate(all_dates):
        check_cancel(cancel)
        tag = d.strftime("%Y%m%d")
        row = {"date": d.isoformat(), "landsat": "", "modis": "", "landsat_clear": "", "modis_clear": "", "status": "",
               "coarse_source": m_source.get(d, "")}
        filled = None
        if d in m_dates:
            m = read(m_dates[d], "MODIS", modis_band, scales[1])
            m_arr = resample_to_grid(m.data, m.grid, m_grid, method, parameter="MODIS")
            clear = 100.0 * np.isfinite(m_arr).mean()
            row["modis_clear"] = f"{clear:.2f}"
        if d in l_dates:
            lr = read(l_dates[d], "LANDSAT", landsat_band, scales[0])
            l_arr = lr.data if lr.grid.same_as(grid) else resample_to_grid(lr.data, lr.grid, grid, "nearest", "LANDSAT")
            filled = filled_pixels(lr, "LANDSAT")  # lstfusion:gapfill's marker: filled pixels are not clear
            if filled is not None:
                filled = (filled if lr.grid.same_as(grid) else
                          resample_to_grid(filled.astype(np.float32), lr.grid, grid, "nearest", "LANDSAT") > 0.5)
                note(f"LANDSAT: {os.path.basename(l_dates[d])} is gap-filled ({100.0 * filled.mean():.1f} % of the "
                     "pixels, its marker beside it): they count as not clear and are left out of the deep models' loss")
            clear = np.isfinite(l_arr) if filled is None else np.isfinite(l_arr) & ~filled
            row["landsat_clear"] = f"{100.0 * clear.mean():.2f}"
        if d in m_dates and d in l_dates:
            row["status"] = pair_status(float(row["landsat_clear"]), float(row["modis_clear"]), min_clear,
                                        min_clear_training)
        elif d in m_dates:
            row["status"] = "modis_only" if float(row["modis_clear"]) >= min_clear else f"rejected:clear<{min_clear:g}%"
        else:
            row["status"] = "rejected:no_modis"
        if not row["status"].startswith("rejected"):
            if d in m_dates:
                row["modis"] = f"M_{tag}.tif"
                m_tags = {"ACQUISITION_DATE": d.isoformat(), **kinds[m_dates[d]].tags()}
                if m_source[d]:
                    m_tags["SENSOR"] = m_source[d]
                write_raster(os.path.join(output_dir, row["modis"]), m_arr, grid, tags=m_tags)
            if d in l_dates:
                row["landsat"] = f"L_{tag}.tif"
                tags = {"ACQUISITION_DATE": d.isoformat(), **kinds[l_dates[d]].tags()}
                if filled is not None:
                    marker = write_marker(os.path.join(output_dir, row["landsat"]), filled, grid)
                    tags[MARKER_TAG] = os.path.basename(marker)
                write_raster(os.path.join(output_dir, row["landsat"]), l_arr, grid, tags=tags)
        rows.append(row)
        if progress:
            progress(100.0 * (i + 1) / len(all_dates))
    if not any(r["status"] == PAIR for r in rows):
        raise LstFusionError("LANDSAT", "no same-day MODIS/Landsat pair passed the filters")
    buf = _io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    atomic_write_text(os.path.join(output_dir, "index.csv"), buf.getvalue())
    steps = sources.steps_on_grid(m_by_source, m_source, m_grid, method, modis_band, scales[1])
    if steps:
        write_csv_rows(os.path.join(output_dir, "source_steps.csv"), steps, sources.STEP_COLUMNS)
        for sentence in sources.step_summary(steps):
            note(sentence)
    if isinstance(report, dict):
        report["source_steps"] = steps
    return rows


def _coregistration(m_dates, l_dates, grid, read, method, min_clear, max_shift, modis_band, landsat_band, scales,
                    output_dir, log, report, cancel):
    """MODIS's shift estimated on the pairs; the grid MODIS is resampled onto (shifted when significant)."""
    from . import coregister as cr
    from .io import write_csv_rows
    from .resample import footprint_pixels

    fines, coarses, labels = [], [], []
    block = pad = None
    for d in sorted(set(m_dates) & set(l_dates)):
        check_cancel(cancel)
        m = read(m_dates[d], "MODIS", modis_band, scales[1])
        if block is None:
            block = footprint_pixels(grid, cr.coarse_pixel_m(m.grid))
            if max_shift is not None:  # a radius asked for (coregister's MAX_SHIFT), bounded before any search
                cr.check_max_shift(float(max_shift), grid, block)
            pad = int(round((cr.MAX_SHIFT_COARSE if max_shift is None else float(max_shift)) * block))
        c = resample_to_grid(m.data, m.grid, cr.padded_grid(grid, pad), method, parameter="MODIS")
        lr = read(l_dates[d], "LANDSAT", landsat_band, scales[0])
        f = lr.data if lr.grid.same_as(grid) else resample_to_grid(lr.data, lr.grid, grid, "nearest", "LANDSAT")
        core = c[pad:pad + grid.height, pad:pad + grid.width]
        if min(100.0 * np.isfinite(f).mean(), 100.0 * np.isfinite(core).mean()) < min_clear:
            continue
        fines.append(f)
        coarses.append(c)
        labels.append(d.isoformat())
    if not fines:
        raise LstFusionError("LANDSAT", "co-registration needs a same-day MODIS/Landsat pair that passes MIN_CLEAR")
    est = cr.estimate_shift(fines, coarses, block, pad=pad, max_shift=pad, labels=labels, pixel=cr.pixel_metres(grid))
    from rasterio.crs import CRS

    if log and grid.crs is not None and CRS.from_user_input(grid.crs).is_geographic:
        log(f"co-registration: the Landsat grid is in degrees; shifts in metres are converted at its centre latitude "
            f"{0.5 * (grid.bounds[1] + grid.bounds[3]):.4f} ({cr.METRES_PER_DEGREE:g} m per degree north, "
            "x cos(latitude) east)")
    for s in est.describe():
        if log:
            log(s)
    write_csv_rows(os.path.join(output_dir, "coregistration.csv"), est.rows(), list(est.rows()[0]))
    if isinstance(report, dict):
        report["coregistration"] = est
    return cr.shifted_grid(grid, *est.applied_shift())


def read_index(dataset_dir, parameter="DATASET"):
    """Rows of a dataset folder's index.csv (read by :func:`checks.read_index_rows`), with absolute paths."""
    from .checks import read_index_rows

    rows = read_index_rows(dataset_dir, parameter)
    for r in rows:
        for k in ("landsat", "modis"):
            r[k] = os.path.join(str(dataset_dir), r[k]) if r[k] else ""
    return rows
