"""fuse_series' uncertainty maps: ``UNC_<METHOD>_YYYYMMDD.tif`` beside each ``LST_<METHOD>_YYYYMMDD.tif``, on
its grid and nodata, holding the half-width of the central 90 % interval in the LST's unit (tag
``UNCERTAINTY=90% half-width``), calibrated once per run on the series' own pairs
(core.evaluation.uncertainty: each pair date predicted from the other pairs exactly as the series runs the
method) and written right after its date's LST.

Resume: a map carries ``UNC_KEY`` = its date's ``SERIES_KEY`` + the calibration's key (the uncertainty rule,
the method, pair rule, parameters, correction and w, every pair's files, the grid, MAX_GAP_DAYS, the land-cover
raster); a re-run keeps a map whose key matches, writes a missing or outdated one (the calibration then runs
again), and removes a map that no longer describes its date's raster. Without a calibration (UNCERTAINTY off,
a deep model, fewer than two pairs) no map is written and series.csv, the log and the report say why.
"""
import os
import threading
from dataclasses import dataclass, field

import numpy as np

from ..core.data.pairing import nearest_pair
from ..core.evaluation import uncertainty as core_unc
from ..core.fusion import methods as fusion_methods
from ..core.platform.errors import LstFusionError, check_cancel
from .plan import file_identity, grid_identity, series_key, stored_tag
from .tiles import read_block

OFF = "no uncertainty map: UNCERTAINTY is off"
DEEP = ("no uncertainty map: a deep model's checkpoint may have been trained on the series' own pairs, so its "
        "leave-one-date-out residuals would not be honest (validate_methods scores it with a model trained "
        "without each date)")


@dataclass
class SeriesUncertainty:
    """The run's calibration (None with ``reason``, one sentence) and the map of each date (ISO -> file name)."""

    calibration: object = None
    reason: str = ""
    key: str = ""
    files: dict = field(default_factory=dict)
    pairs: dict = field(default_factory=dict)  # {date: (landsat, modis)} on the fine grid, read once
    landcover: object = None
    classes: dict = field(default_factory=dict)  # {reference date: each pixel's class}, computed once per run
    lock: object = field(default_factory=threading.Lock, repr=False, compare=False)  # the dates' maps in parallel

    def classes_of(self, ref):
        """Each pixel's class for the dates whose nearest reference pair is ``ref`` (the land-cover class, else
        the quantile class of ``ref``'s Landsat), computed once per run: the same for every such date."""
        with self.lock:
            if ref not in self.classes:
                self.classes[ref] = core_unc.pixel_classes(self.pairs[ref][0], self.landcover)
            return self.classes[ref]

    def column(self, iso):
        """series.csv's ``uncertainty`` of a fused date: the map's file name, else why there is none."""
        return self.files.get(iso) or self.reason or "no uncertainty map for this date"


PREFIX = "UNC_"  # UNC_<METHOD>_YYYYMMDD.tif beside LST_<METHOD>_YYYYMMDD.tif


def is_map(path):
    """Whether ``path`` names an uncertainty map (series.csv's ``uncertainty`` column, a loaded layer's file)."""
    return os.path.basename(path).upper().startswith(PREFIX)


def unc_path(lst_path):
    folder, name = os.path.split(lst_path)
    return os.path.join(folder, PREFIX + name[len("LST_"):])


def pair_rule(o):
    return o.pairs or fusion_methods.get(o.method).pair_mode


def read_landcover(path, grid):
    """The land-cover raster's classes on the fine grid (integers > 0; 0 = none)."""
    from ..core.data.io import read_raster

    r = read_raster(path, "UNCERTAINTY_CLASSES")
    if not r.grid.same_as(grid):
        raise LstFusionError("UNCERTAINTY_CLASSES", f"{os.path.basename(path)} is not on the series' grid "
                             f"({r.grid.describe()} vs {grid.describe()}); resample it onto the Landsat grid "
                             "(lstfusion:resample, nearest neighbour)")
    return core_unc.pixel_classes(None, r.data)


def prepare(o, plans, msrc, lsrc, grid, key_params, run_params, log, cancel=None):
    """The run's :class:`SeriesUncertainty`: the maps to keep, and the calibration when a map is to be written."""
    pair_dates = sorted(d for d in lsrc if d in msrc)
    if not o.uncertainty:
        return SeriesUncertainty(reason=OFF)
    if not fusion_methods.get(o.method).classical:
        log(DEEP)
        return SeriesUncertainty(reason=DEEP)
    if len(pair_dates) < core_unc.MIN_PAIRS:
        reason = core_unc.too_few_pairs(len(pair_dates))
        log(reason)
        return SeriesUncertainty(reason=reason)
    key = series_key({"rule": core_unc.RULE, "nominal": core_unc.NOMINAL, "method": o.method, "pairs": pair_rule(o),
                      "params": key_params, "grid": grid_identity(grid), "max_gap_days": o.max_gap_days,
                      "landcover": file_identity(o.landcover) if o.landcover else None,
                      "pair_files": [[str(d), file_identity(lsrc[d].path), file_identity(msrc[d].path),
                                      lsrc[d].band, msrc[d].band, lsrc[d].scale, msrc[d].scale] for d in pair_dates]})
    su = SeriesUncertainty(key=key)
    needed = False
    for p in plans:
        if p.status and p.status != "kept":
            continue
        path = unc_path(p.output)
        if p.status == "kept" and os.path.exists(path) and stored_tag(path, "UNC_KEY") == series_key([p.key, key]):
            su.files[p.date.isoformat()] = os.path.basename(path)
        else:
            needed = True
    if not needed:
        return su
    if o.landcover:
        su.landcover = read_landcover(o.landcover, grid)

    def whole(src):
        return read_block(src, grid, 0, grid.height, 0, grid.width)

    for d in pair_dates:
        check_cancel(cancel)
        su.pairs[d] = (whole(lsrc[d]), whole(msrc[d]))
    factor = run_params.get("FACTOR")
    from ..core.fusion.residual import footprint_pixels

    block = int(factor) if factor else footprint_pixels(grid, o.coarse_pixel)
    source = (f"class of {os.path.basename(o.landcover)}" if o.landcover
              else "quantile class of the reference Landsat")
    su.calibration, reason = core_unc.calibrate_pairs(
        su.pairs, o.method, pair_rule(o), o.residual_correction, o.shrink, block, run_params.get("QUANTITY", "lst"),
        run_params, o.max_gap_days, su.landcover, source, cancel, log)
    if su.calibration is None:
        su.reason = reason
        log(su.reason)
        su.pairs = {}
        return su
    log(f"uncertainty: {su.calibration.describe()}")
    return su


def write_map(su, p, msrc, lsrc, grid, fused=None, coarse=None, lst_tags=None):
    """Write date ``p``'s map beside its LST (once its LST is in place); returns the path, or None without a
    calibration. ``fused`` (its LST as written, with ``lst_tags``) and ``coarse`` (the date's MODIS on the fine
    grid), where the caller has them (series.run's finish of a corrected date), are not read again."""
    from ..core.data.io import read_raster, write_raster

    path = unc_path(p.output)
    if su.calibration is None:
        return None
    if fused is None:
        r = read_raster(p.output, "OUTPUT")
        fused, lst_tags = r.data, r.tags
    ref = nearest_pair(p.date, [r for r in (p.ref1, p.ref2) if r])
    if coarse is None:
        coarse = read_block(p.modis, grid, 0, grid.height, 0, grid.width)  # the date's MODIS as fused (gap-filled)
    hw = core_unc.date_map(su.calibration, fused, su.pairs[ref], coarse, su.landcover, su.classes_of(ref))
    tags = core_unc.map_tags(su.calibration, lst_tags, ref, os.path.basename(p.output))
    tags.update(UNC_KEY=series_key([p.key, su.key]), LST_KEY=p.key)
    write_raster(path, hw, grid, tags=tags, description=core_unc.map_description(tags, p.date))
    su.files[p.date.isoformat()] = os.path.basename(path)
    return path


def remove_outdated(su, plans, log):
    """Remove a map of this run's fused or kept dates that no longer describes its LST (its ``LST_KEY`` is not
    the LST's ``SERIES_KEY``) and was not written or kept in this run."""
    for p in plans:
        path = unc_path(p.output) if p.output else ""
        if (not path or p.status.startswith("skipped") or p.date.isoformat() in su.files
                or not os.path.exists(path) or stored_tag(path, "LST_KEY") == p.key):
            continue
        os.remove(path)
        log(f"removed {os.path.basename(path)}: it described an earlier {os.path.basename(p.output)}")


def summary_rows(su, rows, folder):
    """Mean and 90th percentile of each date's map (for the report)."""
    from ..core.data.io import read_raster

    out = []
    for r in rows:
        name = su.files.get(r["date"])
        if not name:
            continue
        v = read_raster(os.path.join(folder, name), "OUTPUT").data
        v = v[np.isfinite(v)]
        out.append({"date": r["date"], "file": name, "mean half-width": float(v.mean()) if v.size else float("nan"),
                    "p90 half-width": float(np.percentile(v, 90)) if v.size else float("nan")})
    return out
