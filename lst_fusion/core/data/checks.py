"""Values checked before they are trusted.

* :func:`check_lst`: an LST raster lies in 150-400 K or -120..125 degC (1st and
  99th percentiles of its valid pixels, so a few stray pixels do not refuse a
  real scene); integer rasters outside that range are named with the scale they
  look like (Kelvin x 100, MODIS or Landsat DN).
* :func:`harmonise_units`: several inputs of one run of one quantity (LST beside
  reflectance is refused, core.data.units.require_one_kind); LST inputs in one unit, an
  input in the other unit converted explicitly and the conversion logged.
* :func:`require_single_band`: a multi-band raster where one band is expected
  is refused instead of silently reading band 1.
* :func:`read_dataset_pairs`: an ``align_pairs`` dataset folder read with every
  row of index.csv checked (columns, dates, files, one grid, plausible values).
"""
import csv
import os

import numpy as np

from ..platform.errors import LstFusionError
from .units import KELVIN_OFFSET, LST_RANGE, robust_range, unit_in_range

UNIT_NAME = {"kelvin": "Kelvin", "celsius": "Celsius"}
# scales an integer raster is often stored in: (label, K = DN * scale + offset)
KNOWN_SCALES = (
    ("Kelvin x 100 (scale 0.01)", 0.01, 0.0),
    ("Kelvin x 10 (scale 0.1)", 0.1, 0.0),
    ("MODIS LST DN (scale 0.02)", 0.02, 0.0),
    ("Landsat ST_B10 DN (scale 0.00341802, offset 149)", 0.00341802, 149.0),
)


def _source_is_integer(path):
    if not path:
        return False
    try:
        import rasterio

        with rasterio.open(str(path)) as ds:
            return np.issubdtype(np.dtype(ds.dtypes[0]), np.integer)
    except Exception:  # noqa: BLE001 - only a hint for the message
        return False


def scales_that_fit(lo, hi):
    """Labels of :data:`KNOWN_SCALES` under which [lo, hi] becomes plausible Kelvin."""
    a, b = LST_RANGE["kelvin"]
    return [label for label, s, o in KNOWN_SCALES if a <= lo * s + o and hi * s + o <= b]


def check_lst(name, data, path="", what="LST"):
    """The unit ('kelvin' or 'celsius') of a plausible LST array, else one sentence naming ``name``."""
    rng = robust_range(data)
    if rng is None:
        raise LstFusionError(name, "the raster has no valid pixel (all nodata)")
    lo, hi = rng
    unit = unit_in_range(lo, hi)
    if unit:
        return unit
    src = os.path.basename(str(path)) if path else "the raster"
    integer = _source_is_integer(path) or (path == "" and np.allclose(np.asarray(data)[np.isfinite(data)][:1000] % 1, 0))
    if integer and hi > LST_RANGE["kelvin"][1]:
        fits = scales_that_fit(lo, hi)
        looks = f"look scaled ({' or '.join(fits)})" if fits else "look scaled (DN)"
        raise LstFusionError(name, f"{src} holds integers from {lo:g} to {hi:g}, which {looks}, not {what} in K or "
                             "degC; convert it first (lstfusion:import_landsat / import_modis with SCALE and OFFSET)")
    raise LstFusionError(name, f"{src} has values from {lo:.6g} to {hi:.6g} (1st-99th percentile), which is neither "
                         f"{what} in Kelvin (150 to 400) nor in Celsius (-120 to 125); is it an LST raster in one "
                         "unit, with its nodata value set?")


def harmonise_units(named, log=None, order=None):
    """Check every LST array of ``named`` ({parameter: Raster or None}) and bring
    them to one unit, the unit of the first one in ``order``.  Converted rasters
    get new data (the Raster objects are updated); each conversion is logged.
    Returns that unit ('reflectance' for reflectance inputs, which are left as they are)."""
    from .units import OTHER, REFLECTANCE, kind_of, require_one_kind

    order = [k for k in (order or named) if named.get(k) is not None]
    if not order:
        return None
    # one quantity (the tags' QUANTITY / LST_UNIT, else a labelled guess): LST beside reflectance is refused; a
    # raster of neither beside LST gets check_lst's sentence (the scale it looks like), beside reflectance ours
    kinds = {k: kind_of(named[k]) for k in order}
    if kinds[order[0]].quantity == REFLECTANCE:
        require_one_kind(kinds, "one run")
        return REFLECTANCE
    require_one_kind({k: v for k, v in kinds.items() if v.quantity != OTHER}, "one run")
    units = {k: check_lst(k, named[k].data, getattr(named[k], "path", "")) for k in order}
    first = order[0]
    unit = units[first]
    for k in order[1:]:
        if units[k] != unit:
            shift = KELVIN_OFFSET if unit == "kelvin" else -KELVIN_OFFSET
            named[k].data = (named[k].data + np.float32(shift)).astype(np.float32)
            if log:
                log(f"{k} is in {UNIT_NAME[units[k]]} and {first} in {UNIT_NAME[unit]}: {k} converted to "
                    f"{UNIT_NAME[unit]} ({shift:+.2f}) for this run")
    return unit


def check_prediction(out, unit, checkpoint, parameter="CHECKPOINT"):
    """A model's prediction is plausible LST in ``unit`` (0.1st-99.9th percentile), else the checkpoint is named."""
    rng = robust_range(out, (0.1, 99.9))
    a, b = LST_RANGE[unit]
    sym = "K" if unit == "kelvin" else "degC"
    name = os.path.basename(str(checkpoint))
    if rng is None:
        raise LstFusionError(parameter, f"{name} predicted no valid pixel; the checkpoint is damaged or does not fit "
                             "these inputs")
    if rng[0] < a or rng[1] > b:
        raise LstFusionError(parameter, f"{name} predicts values from {rng[0]:.6g} to {rng[1]:.6g} {sym}, outside "
                             f"plausible LST ({a:g} to {b:g} {sym}): the checkpoint does not fit these inputs or is "
                             "damaged; nothing was written")


def require_single_band_file(name, path):
    """:func:`require_single_band` for a file path (a GDAL name such as HDF4_EOS:... is one band by construction)."""
    p = str(path)
    if p.startswith(("HDF4_EOS:", "HDF5:", "NETCDF:")) or p.lower().endswith(".hdf") or not os.path.isfile(p):
        return  # sub-datasets, granules and missing files are judged by their readers
    try:
        import rasterio

        with rasterio.open(p) as ds:
            count = ds.count
    except Exception:  # noqa: BLE001 - unreadable files get their own sentence from read_raster
        return
    require_single_band(name, p, count)


def require_single_band(name, path, count):
    if count > 1:
        raise LstFusionError(name, f"{os.path.basename(str(path))} has {count} bands and one LST band is expected; "
                             "save the LST band alone (e.g. gdal_translate -b N) and use that file")


INDEX_COLUMNS = ("date", "landsat", "modis", "status")
PAIR = "pair"  # index.csv status: a same-day pair passing MIN_CLEAR (training, references and test truth)
TRAINING_PAIR = "training_pair"  # below MIN_CLEAR but at least MIN_CLEAR_TRAINING: for training only
TRAINING_STATUSES = (PAIR, TRAINING_PAIR)


def read_index_rows(dataset_dir, parameter="DATASET"):
    """The one reader of a dataset folder's index.csv, for every algorithm: its rows with names and values stripped,
    ``date`` a date and ``line`` the line number; read as ``utf-8-sig`` (the BOM Excel writes) with any line ending
    (LF, CRLF, CR). One strictness for every caller (pairing.read_index, read_dataset_pairs): a ``pair`` row
    must name both files, present in the folder, and a date has one pair at most. Every problem is one sentence
    naming ``parameter``."""
    import datetime as _dt

    folder = str(dataset_dir)
    if not os.path.isdir(folder):
        raise LstFusionError(parameter, f"is not a folder ({folder}); give a dataset folder made by "
                             "lstfusion:align_pairs")
    index = os.path.join(folder, "index.csv")
    if not os.path.exists(index):
        raise LstFusionError(parameter, f"the folder has no index.csv ({folder}); make the dataset with "
                             "lstfusion:align_pairs")
    try:
        with open(index, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            table = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise LstFusionError(parameter, f"index.csv is not a readable CSV file ({exc})") from None
    header = [h.strip() for h in (table[0] if table else [])]
    missing = [c for c in INDEX_COLUMNS if c not in header]
    if missing:
        raise LstFusionError(parameter, f"index.csv lacks the column(s) {', '.join(missing)} (it has: "
                             f"{', '.join(h for h in header if h) or 'none'}); remake it with lstfusion:align_pairs")
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line (Excel adds one at the end)
        if len(cells) < len(header):
            raise LstFusionError(parameter, f"index.csv line {line} has fewer fields than the header")
        r = {h: c.strip() for h, c in zip(header, cells) if h}
        try:
            r["date"] = _dt.date.fromisoformat(r["date"])
        except ValueError:
            raise LstFusionError(parameter, f"index.csv line {line}: {r['date']!r} is not a date (YYYY-MM-DD)") from None
        r["line"] = line
        if r["status"] in TRAINING_STATUSES:
            if any(x["date"] == r["date"] for x in rows if x["status"] in TRAINING_STATUSES):
                raise LstFusionError(parameter, f"index.csv line {line}: a second pair for {r['date']}")
            for col in ("landsat", "modis"):
                f = r[col]
                if not f or not os.path.isfile(os.path.join(folder, f)):
                    raise LstFusionError(parameter, f"index.csv line {line}: the {col} file {f!r} of {r['date']} "
                                         "is not in the dataset folder")
        rows.append(r)
    return rows


def read_dataset_pairs(dataset_dir, parameter="DATASET", log=None, statuses=(PAIR,)):
    """{date: (fine Raster, coarse Raster)} of the ``pair`` rows of a dataset
    folder (``statuses``: the rows read; :data:`TRAINING_STATUSES` for training), every row checked; one
    sentence naming ``parameter`` otherwise."""
    from .io import check_same_grid, read_raster

    folder = str(dataset_dir)
    pairs = {}
    for r in read_index_rows(folder, parameter):  # the one reader: dates, duplicates and files checked there
        if r["status"] not in statuses:
            continue
        fine = read_raster(os.path.join(folder, r["landsat"]), f"{parameter} ({r['landsat']})")
        coarse = read_raster(os.path.join(folder, r["modis"]), f"{parameter} ({r['modis']})")
        pairs[r["date"]] = (fine, coarse)
    if not pairs:
        raise LstFusionError(parameter, "index.csv has no row with status 'pair'")
    named = {}
    for d in sorted(pairs):
        fine, coarse = pairs[d]
        named[f"{parameter} ({os.path.basename(fine.path)})"] = fine
        named[f"{parameter} ({os.path.basename(coarse.path)})"] = coarse
    check_same_grid(named)
    harmonise_units(named, log)
    return pairs
