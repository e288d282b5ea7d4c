"""A daily fused series: one fine LST raster per MODIS date, resumable, on one core or on Dask.

Plan (per MODIS date between ``start`` and ``end``):

* reference pairs are Landsat dates that have a MODIS raster of the same day;
  two-pair methods (ESTARFM, STTFN) take the nearest pair on or before the date
  and the nearest after it (on a pair date: that pair and the next, or the
  previous one for the last pair); one-pair methods take the nearest pair (the
  earlier on a tie); STARFM takes two pairs when there are two, else the
  nearest one; a pair farther than ``max_gap_days`` is never used, and a date
  without usable pairs is skipped with the reason;
* a MODIS date with fewer clear pixels than ``min_clear`` percent is gap-filled
  first (core.data.gapfill: linear in time from the nearest MODIS dates within
  ``gapfill_days``, then the progressive focal mean) into
  ``modis_filled/M_YYYYMMDD.tif``; a date with no clear pixel left to fill from
  is skipped with the reason.

Output folder: ``LST_<METHOD>_<YYYYMMDD>.tif`` per date (tags: date, unit,
method, reference dates, parameters, inputs; band description and unit),
``series.csv`` (date, status, ref1, ref2, modis_clear, output) and
``series.vrt`` (one band per date, in date order, band descriptions = dates).

Engine: every date is cut into tiles (``tile`` px plus the method's halo); a
task reads only its tile window + halo of each input (rasterio windows) and
returns the fused tile, which is written into the date's temporary GeoTIFF;
the file is renamed into place when its last tile is written, so a cancelled,
failed or killed run never leaves a half-written ``LST_*.tif`` (a killed run's
``.tmp_*`` files are removed by the next run).  A re-run keeps every date whose
file exists with the same ``SERIES_KEY`` tag (method, references, inputs,
parameters) and computes only the rest.  Tasks run:

* ``scheduler=""`` (default): on Dask's in-process threaded scheduler when dask
  is installed (the numba engine releases the GIL, so tiles run in parallel),
  else one after another, and the log says so;
* ``"sequential"``: one after another, in this process;
* ``"tcp://host:8786"``: on that ``dask.distributed`` cluster (workers need
  only ``lst_fusion``'s QGIS-free core: numpy, rasterio, numba or torch).

Results are consumed in task order whatever the scheduler, at most
``in_flight`` tiles at a time, so the outputs are bit-identical to the
sequential run and memory stays bounded by tiles (no whole-series array).
Per-pair statistics (ESTARFM's similarity thresholds, STARFM's) are computed
once per pair from strips of the fine image, so every tile of every date uses
the same numbers.
"""
import collections
import csv
import datetime as _dt
import hashlib
import io as _io
import json
import os
from dataclasses import dataclass, field

import numpy as np

from ..core.data.io import atomic_path, atomic_write_text, read_raster, read_window, tile_writer, write_raster
from ..core.data.pairing import list_rasters, read_index
from ..core.fusion import methods as fusion_methods
from ..core.platform.errors import Cancelled, LstFusionError, check_cancel
from ..version import __version__

CLASSICAL = ("estarfm", "starfm")
DEFAULT_MAX_GAP_DAYS = 48
DEFAULT_TILE = 256
GAPFILL_DAYS = 32
MODEL_HALO = 32  # px of context around a tile for models with global context (AdaIN, attention)
CSV_COLUMNS = ["date", "status", "ref1", "ref2", "modis_clear", "output"]
SEQUENTIAL_NOTE = ("dask is not installed: the series runs sequentially in this process "
                   "(the Python package dask[distributed] uses every core or a cluster)")


def methods():
    """Method ids in the order of fuse_series's METHOD enum: estarfm, starfm, then each model id."""
    from ..models.registry import model_ids

    return list(CLASSICAL) + model_ids()


def method_label(method):
    """The name in file names and tags: ESTARFM, STARFM, EDCSTFN, ..."""
    return method.upper()


def pair_mode(method):
    """'two' (two pairs: before and after), 'one' (the nearest pair) or 'two_or_one' (STARFM)."""
    if method == "estarfm":
        return "two"
    if method == "starfm":
        return "two_or_one"
    from ..models import registry

    roles = registry.info(method).inputs
    return "two" if "fine_ref2" in roles else "one"


def choose_refs(target, pair_dates, mode, max_gap_days=DEFAULT_MAX_GAP_DAYS):
    """(ref1, ref2, reason): the reference pair dates for ``target`` (ref2 None for one pair);
    ``reason`` says why none fits (then ref1 and ref2 are None)."""
    near = sorted(d for d in pair_dates if abs((d - target).days) <= max_gap_days)
    nearest = min(near, key=lambda d: (abs((d - target).days), d)) if near else None
    if mode == "one":
        if nearest is None:
            return None, None, f"no Landsat pair within {max_gap_days} days"
        return nearest, None, ""
    before = [d for d in near if d <= target]
    ref1 = before[-1] if before else None
    later = [d for d in near if d >= target and (ref1 is None or d > ref1)]
    ref2 = later[0] if later else None
    if ref2 is None and ref1 == target and len(before) > 1:  # the last pair's own date: the pair before it too
        ref1, ref2 = before[-2], target
    if ref1 is not None and ref2 is not None:
        return ref1, ref2, ""
    if mode == "two_or_one" and nearest is not None:
        return nearest, None, ""
    side = "on or before" if ref1 is None else "after"
    return None, None, f"no Landsat pair {side} {target.isoformat()} within {max_gap_days} days"


@dataclass(frozen=True)
class Source:
    """One band of a raster file as read onto the fine grid (``same_grid`` False: resampled per window)."""

    path: str
    band: int = 1
    scale: float = 1.0
    same_grid: bool = True
    parameter: str = "MODIS"


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


@dataclass(frozen=True)
class TileJob:
    """Everything one task needs (picklable, QGIS-free): the method, its per-pair statistics, the sources
    in the method's order and the tile window."""

    method: str
    params: tuple  # sorted (name, value) pairs
    sources: tuple
    grid: object
    window: tuple  # r0, r1, c0, c1
    halo: int
    index: int  # position of the date in the run


@dataclass
class SeriesResult:
    rows: list
    folder: str
    csv: str
    vrt: str
    outputs: list
    scheduler: str
    grid: object = None
    modis: dict = field(default_factory=dict)  # ISO date -> Source of the MODIS used (gap-filled or not)
    pairs: list = field(default_factory=list)  # ISO dates of the reference pairs
    method: str = ""


# ---------------------------------------------------------------- reading windows on the fine grid

_COARSE_CACHE = collections.OrderedDict()


def _whole(source):
    """A whole coarse raster (small), cached per process for the per-window resampling."""
    key = (source.path, source.band, source.scale)
    if key not in _COARSE_CACHE:
        r = read_raster(source.path, source.parameter, band=source.band)
        if source.scale != 1.0:
            r.data *= np.float32(source.scale)
        _COARSE_CACHE[key] = r
        while len(_COARSE_CACHE) > 8:
            _COARSE_CACHE.popitem(last=False)
    return _COARSE_CACHE[key]


def read_block(source, grid, r0, r1, c0, c1, halo=0):
    """The source on the fine-grid window rows r0-halo..r1+halo, columns c0-halo..c1+halo (float64, NaN for
    nodata and outside the fine grid)."""
    if source.same_grid:
        return read_window(source.path, r0, r1, c0, c1, halo, source.band, source.scale, source.parameter)
    from rasterio.transform import Affine

    from ..core.data.io import Grid
    from ..core.data.resample import resample_to_grid

    win = Grid(grid.crs, grid.transform * Affine.translation(c0 - halo, r0 - halo),
               c1 - c0 + 2 * halo, r1 - r0 + 2 * halo)
    r = _whole(source)
    out = resample_to_grid(r.data, r.grid, win, "bicubic", source.parameter).astype(np.float64)
    rows = np.arange(r0 - halo, r1 + halo)
    cols = np.arange(c0 - halo, c1 + halo)
    out[(rows < 0) | (rows >= grid.height), :] = np.nan
    out[:, (cols < 0) | (cols >= grid.width)] = np.nan
    return out


def strips(grid, rows=512):
    for r0 in range(0, grid.height, rows):
        yield r0, min(r0 + rows, grid.height)


def image_stats(source, grid, cancel=None):
    """(count, mean, std ddof 0, std ddof 1) of the valid pixels, read strip by strip (two passes)."""
    n, total = 0, 0.0
    for r0, r1 in strips(grid):
        check_cancel(cancel)
        a = read_block(source, grid, r0, r1, 0, grid.width)
        v = a[np.isfinite(a)]
        n += v.size
        total += float(v.sum())
    if n == 0:
        raise LstFusionError(source.parameter, f"{os.path.basename(source.path)} has no valid pixel (all nodata)")
    mean = total / n
    ss = 0.0
    for r0, r1 in strips(grid):
        a = read_block(source, grid, r0, r1, 0, grid.width)
        v = a[np.isfinite(a)]
        ss += float(((v - mean) ** 2).sum())
    return n, mean, float(np.sqrt(ss / n)), float(np.sqrt(ss / max(n - 1, 1)))


def clear_percent(source, grid):
    """Percentage of the fine grid's pixels where the source is valid."""
    n = 0
    for r0, r1 in strips(grid):
        n += int(np.isfinite(read_block(source, grid, r0, r1, 0, grid.width)).sum())
    return 100.0 * n / (grid.width * grid.height)


# ---------------------------------------------------------------- one task: one tile of one date

_MODEL_CACHE = {}


def _model(path):
    if path not in _MODEL_CACHE:
        from .checkpoint import load_checkpoint

        _MODEL_CACHE.clear()
        _MODEL_CACHE[path] = load_checkpoint(path)
    return _MODEL_CACHE[path]


def run_tile(job):
    """The fused tile (float32, the tile's shape) of one date; runs in this process or on a Dask worker."""
    p = dict(job.params)
    r0, r1, c0, c1 = job.window
    blocks = [read_block(s, job.grid, r0, r1, c0, c1, job.halo) for s in job.sources]
    h = job.halo
    entry = fusion_methods.get(job.method)
    if entry.classical:
        out = entry.tile(blocks, h, p)
    else:
        from ..models import registry
        from .predict import predict_array

        shape = (r1 - r0, c1 - c0)
        if any(not np.isfinite(b).any() for b in blocks):
            return np.full(shape, np.nan, dtype=np.float32)
        ckpt, model = _model(p["CHECKPOINT_PATH"])
        roles = registry.info(job.method).inputs
        full = predict_array(ckpt, model, dict(zip(roles, blocks)), device=p["DEVICE"])
        out = full[h:h + shape[0], h:h + shape[1]]
    return np.asarray(out, dtype=np.float32)


def worker_check():
    """What a Dask worker reports before the run: it can import this module (and so the core)."""
    return __version__


# ---------------------------------------------------------------- schedulers


class Sequential:
    name = "sequential"

    def map(self, fn, jobs):
        for job in jobs:
            yield fn(job)

    def close(self):
        pass


class DaskThreads:
    """Dask's in-process threaded scheduler, in ordered batches of ``in_flight`` tasks."""

    name = "dask (in-process threads)"

    def __init__(self, in_flight=None):
        self.workers = os.cpu_count() or 1
        self.in_flight = in_flight or 2 * self.workers

    def map(self, fn, jobs):
        import dask

        jobs = list(jobs)
        for i in range(0, len(jobs), self.in_flight):
            batch = [dask.delayed(fn, pure=False)(j) for j in jobs[i:i + self.in_flight]]
            yield from dask.compute(*batch, scheduler="threads", num_workers=self.workers)

    def close(self):
        pass


class DaskDistributed:
    """A dask.distributed cluster; tasks are submitted ``in_flight`` ahead and collected in order."""

    def __init__(self, address, in_flight=None, timeout=20):
        try:
            from distributed import Client
        except ImportError:
            raise LstFusionError("DASK_SCHEDULER", "a scheduler address needs the Python package dask[distributed] "
                                 "in QGIS's Python (requirements.txt pins the tested version)") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except Exception as exc:  # OSError, TimeoutError, ...: one sentence for the user
            raise LstFusionError("DASK_SCHEDULER", f"cannot reach the Dask scheduler at {address}: {exc}") from None
        workers = self.client.scheduler_info().get("workers", {})
        n = sum(w.get("nthreads", 1) for w in workers.values()) or 1
        self.in_flight = in_flight or 2 * n
        self.name = f"dask.distributed at {address} ({len(workers)} workers, {n} threads)"
        try:
            self.client.submit(worker_check, pure=False).result(timeout=timeout * 3)
        except Exception as exc:
            self.close()
            raise LstFusionError("DASK_SCHEDULER", f"the Dask workers at {address} cannot run the series "
                                 f"(they need lst_fusion's core importable: numpy, rasterio): {exc}") from None

    def map(self, fn, jobs):
        pending = collections.deque()
        try:
            for job in jobs:
                pending.append(self.client.submit(fn, job, pure=False))
                if len(pending) >= self.in_flight:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()

    def close(self):
        self.client.close()


def dask_available():
    try:
        import dask  # noqa: F401
    except ImportError:
        return False
    return True


def make_scheduler(scheduler, log=None):
    """'' (Dask in-process when installed, else sequential), 'sequential', or a dask.distributed address."""
    text = (scheduler or "").strip()
    if text.lower() == "sequential":
        return Sequential()
    if text.lower() in ("", "threads"):
        if dask_available():
            return DaskThreads()
        if log:
            log(SEQUENTIAL_NOTE)
        return Sequential()
    if "://" in text:
        return DaskDistributed(text)
    raise LstFusionError("DASK_SCHEDULER", f"{text!r} is not a Dask scheduler address (like tcp://host:8786); "
                         "leave it empty to run in this process")


# ---------------------------------------------------------------- inputs and the plan


def collect_inputs(modis=None, landsat=None, dataset=None, modis_band=1, landsat_band=1, scales=(1.0, 1.0),
                   modis_names=None, landsat_names=None):
    """(modis {date: Source}, landsat {date: Source}, fine grid)."""
    from ..core.data.io import read_grid

    if dataset:
        rows = read_index(dataset)
        m = {r["date"]: r["modis"] for r in rows if r["modis"]}
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
        m = list_rasters(modis, "MODIS", modis_names)
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
    return msrc, lsrc, grid


def _key(payload):
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _stale_temporaries(folder):
    return [os.path.join(folder, f) for f in os.listdir(folder) if f.startswith(".tmp_")]


def _gapfill_date(plan, modis, grid, folder, cancel):
    """Fill the target's MODIS into modis_filled/M_YYYYMMDD.tif (kept for a re-run); False when impossible."""
    from ..core.data.gapfill import spatial_fill, temporal_fill

    path = os.path.join(folder, "modis_filled", f"M_{plan.date:%Y%m%d}.tif")
    if os.path.exists(path):
        plan.modis = Source(path, 1, 1.0, True, "MODIS")
        return True
    def whole(src):
        return read_block(src, grid, 0, grid.height, 0, grid.width)

    target = whole(plan.modis)
    near = sorted((d for d in modis if d != plan.date and abs((d - plan.date).days) <= GAPFILL_DAYS),
                  key=lambda d: (abs((d - plan.date).days), d))
    before = [d for d in near if d < plan.date][:2]
    after = [d for d in near if d > plan.date][:2]
    others = [(d, whole(modis[d])) for d in sorted(before + after)]
    filled, _ = temporal_fill(target, plan.date, others, GAPFILL_DAYS)
    if not np.isfinite(filled).any():
        return False
    filled, _ = spatial_fill(filled, cancel=cancel)  # = core.data.gapfill's 'temporal+spatial'
    from ..core.data.io import write_raster

    write_raster(path, filled, grid, tags={"ACQUISITION_DATE": plan.date.isoformat(), "GAPFILLED": "temporal+spatial"})
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
    mode = pair_mode(method)
    label = method_label(method)
    plans = []
    for d in targets:
        p = DatePlan(d, modis[d])
        p.ref1, p.ref2, reason = choose_refs(d, pair_dates, mode, max_gap_days)
        p.modis_clear = clear_percent(modis[d], grid)
        if reason:
            p.status = f"skipped: {reason}"
        elif p.modis_clear < min_clear:
            check_cancel(cancel)
            if _gapfill_date(p, modis, grid, folder, cancel):
                p.gapfilled = True
                if log:
                    log(f"MODIS: {d} is {p.modis_clear:.1f} % clear (MIN_CLEAR {min_clear:g} %): gap-filled first")
            else:
                p.status = (f"skipped: MODIS {p.modis_clear:.1f} % clear (MIN_CLEAR {min_clear:g} %) and not fillable "
                            f"(no valid pixel, nor clear MODIS on both sides within {GAPFILL_DAYS} days)")
        p.output = os.path.join(folder, f"LST_{label}_{d:%Y%m%d}.tif")
        refs = [r for r in (p.ref1, p.ref2) if r]
        p.key = _key({"method": method, "date": d, "refs": refs, "modis": os.path.basename(p.modis.path),
                      "fine": [os.path.basename(landsat[r].path) for r in refs], "params": key_params or {},
                      "bands": [modis[d].band, landsat[pair_dates[0]].band], "scales": [modis[d].scale,
                                                                                       landsat[pair_dates[0]].scale],
                      "gapfilled": p.gapfilled})
        if not p.status and os.path.exists(p.output):
            try:
                done = _tags(p.output).get("SERIES_KEY") == p.key
            except Exception:  # unreadable: computed again
                done = False
            if done:
                p.status = "kept"
            elif log:
                log(f"{os.path.basename(p.output)} was made with other inputs or parameters: it is computed again")
        plans.append(p)
    return plans


def _tags(path):
    import rasterio

    with rasterio.open(path) as ds:
        return ds.tags()


# ---------------------------------------------------------------- the run


def _pair_params(method, plan, landsat, modis, grid, params, cache, cancel):
    """Per-pair statistics that every tile of the date shares (cached per reference pair)."""
    key = (plan.ref1, plan.ref2)
    if key in cache:
        return cache[key]
    out = {}
    if method in CLASSICAL:
        classes = params["CLASSES"]
        s1 = image_stats(landsat[plan.ref1], grid, cancel)
        if method == "estarfm":
            s2 = image_stats(landsat[plan.ref2], grid, cancel)
            out["th1"] = s1[3] * 2.0 / classes
            out["th2"] = s2[3] * 2.0 / classes
            out["celsius"] = s1[1] < 150.0
            out["shift"] = image_stats(modis[plan.ref1], grid, cancel)[1]
        else:
            out["th1"] = s1[2] * 2.0 / classes
            if plan.ref2:
                out["th2"] = image_stats(landsat[plan.ref2], grid, cancel)[2] * 2.0 / classes
            out["celsius"] = s1[1] < 150.0
    else:
        out["celsius"] = image_stats(landsat[plan.ref1], grid, cancel)[1] < 150.0
    cache[key] = out
    return out


def _sources(method, plan, landsat, modis):
    refs = [plan.ref1] + ([plan.ref2] if plan.ref2 else [])
    if method in CLASSICAL:
        out = []
        for r in refs:
            out += [landsat[r], modis[r]]
        return tuple(out + [plan.modis])
    from ..models import registry

    by_role = {"fine_ref1": landsat[plan.ref1], "coarse_ref1": modis[plan.ref1], "coarse_target": plan.modis}
    if plan.ref2:
        by_role.update(fine_ref2=landsat[plan.ref2], coarse_ref2=modis[plan.ref2])
    return tuple(by_role[r] for r in registry.info(method).inputs)


def fuse_series(output_dir, modis=None, landsat=None, dataset=None, method="estarfm", start=None, end=None,
                max_gap_days=DEFAULT_MAX_GAP_DAYS, min_clear=0.0, scheduler="", checkpoint=None, modis_band=1,
                landsat_band=1, scales=(1.0, 1.0), window=None, classes=4, change_threshold=1.0, quantity="lst",
                engine="auto", device="cpu", tile=DEFAULT_TILE, progress=None, cancel=None, log=None,
                modis_names=None, landsat_names=None, residual_correction="none", coarse_pixel=1000.0,
                extra_tags=None):
    """Fuse one fine raster per MODIS date into ``output_dir``; returns a :class:`SeriesResult`.

    ``residual_correction``: 'none', 'MODIS footprint' or 'scene mean' (core.fusion.residual), applied per date
    after its tiles are written (that pass reads the date whole); ``coarse_pixel``: MODIS pixel size (m);
    ``extra_tags``: more provenance tags on every date (METHOD=auto's choice).

    ``modis``/``landsat``: folders or lists of rasters dated by name (or ``dataset``, an align_pairs folder);
    ``scales``: (Landsat, MODIS) factors on reading; ``quantity``: 'lst' or 'reflectance' (ESTARFM);
    ``scheduler``: '' / 'sequential' / a dask.distributed address (module docstring); ``log(sentence)``,
    ``progress(percent, message)`` and ``cancel() -> bool`` are plain callbacks.
    """
    from ..core.fusion.kernels import resolve_engine

    if method not in methods():
        raise LstFusionError("METHOD", f"unknown method {method!r}; choose one of {', '.join(methods())}")
    if max_gap_days < 1:
        raise LstFusionError("MAX_GAP_DAYS", f"must be at least 1 day, not {max_gap_days}")
    if not 0 <= min_clear <= 100:
        raise LstFusionError("MIN_CLEAR", f"must be a percentage between 0 and 100, not {min_clear}")
    if tile < 16:
        raise LstFusionError("TILE_SIZE", f"tiles must be at least 16 px, not {tile}")
    from ..core.fusion import residual

    if residual_correction not in residual.MODES:
        raise LstFusionError("RESIDUAL_CORRECTION", f"must be one of {', '.join(residual.MODES)}, "
                             f"not {residual_correction!r}")
    log = log or (lambda s: None)
    os.makedirs(output_dir, exist_ok=True)
    for stale in _stale_temporaries(output_dir):
        os.remove(stale)
        log(f"removed {os.path.basename(stale)}, a half-written file of an interrupted run")
    msrc, lsrc, grid = collect_inputs(modis, landsat, dataset, modis_band, landsat_band, scales, modis_names,
                                      landsat_names)
    label = method_label(method)
    if method in CLASSICAL:
        from ..core.fusion.estarfm import DEFAULT_HALF_WINDOW
        from ..core.fusion.starfm import DEFAULT_WINDOW

        window = window or (2 * DEFAULT_HALF_WINDOW + 1 if method == "estarfm" else DEFAULT_WINDOW)
        if window < 3 or window % 2 == 0:
            raise LstFusionError("WINDOW", f"window must be an odd number of pixels >= 3, not {window}")
        if classes < 1:
            raise LstFusionError("CLASSES", "the number of classes must be at least 1")
        params = {"WINDOW": window, "CLASSES": classes}
        if method == "estarfm":
            from ..core.fusion.estarfm import QUANTITIES

            if quantity not in QUANTITIES:
                raise LstFusionError("QUANTITY", f"must be one of {', '.join(QUANTITIES)}, not {quantity!r}")
            params.update(CHANGE_THRESHOLD=change_threshold, QUANTITY=quantity)
        halo = window // 2
        run_params = dict(params, ENGINE=resolve_engine(engine))
    else:
        from ..models import registry
        from .checkpoint import bundled_checkpoint

        ckpt_path = checkpoint or bundled_checkpoint(method)
        if not os.path.exists(ckpt_path):
            raise LstFusionError("CHECKPOINT", f"no checkpoint at {ckpt_path}; train one with lstfusion:train_{method}")
        from .checkpoint import load_checkpoint

        load_checkpoint(ckpt_path, method)  # a wrong or broken file is refused before any task runs
        radius = registry.info(method).receptive_radius
        halo = 2 * radius if radius else MODEL_HALO
        params = {"CHECKPOINT": os.path.basename(ckpt_path), "TILE_SIZE": tile}
        run_params = dict(params, CHECKPOINT_PATH=os.path.abspath(ckpt_path), DEVICE=device)
    if residual_correction != "none":
        params = dict(params, RESIDUAL_CORRECTION=residual_correction, COARSE_PIXEL=coarse_pixel)
        run_params = dict(run_params, RESIDUAL_CORRECTION=residual_correction, COARSE_PIXEL=coarse_pixel)
    key_params = dict(params, MAX_GAP_DAYS=max_gap_days, MIN_CLEAR=min_clear)
    plans = plan_series(msrc, lsrc, grid, method, output_dir, start, end, max_gap_days, min_clear, key_params, log,
                        cancel)
    todo = [p for p in plans if not p.status]
    kept = sum(p.status == "kept" for p in plans)
    if kept:
        log(f"{kept} date(s) already complete with the same inputs and parameters: kept")

    # per-date tags and tasks
    from ..core.fusion.tiling import tiles

    cache = {}
    jobs = []
    for i, p in enumerate(todo):
        check_cancel(cancel)
        stats = _pair_params(method, p, lsrc, msrc, grid, run_params, cache, cancel)
        job_params = tuple(sorted((k, v) for k, v in dict(run_params, **stats).items()
                                  if k not in ("RESIDUAL_CORRECTION", "COARSE_PIXEL")))
        srcs = _sources(method, p, lsrc, msrc)
        for r0, r1, c0, c1 in tiles(grid.shape, tile):
            jobs.append(TileJob(method, job_params, srcs, grid, (r0, r1, c0, c1), halo, i))
        quantity_is_lst = params.get("QUANTITY", "lst") == "lst"
        unit = ("celsius" if stats["celsius"] else "kelvin") if quantity_is_lst else ""
        p.tags = {"METHOD": label, "ACQUISITION_DATE": p.date.isoformat(), "REF1_DATE": p.ref1.isoformat(),
                  "REF2_DATE": p.ref2.isoformat() if p.ref2 else "", **({"LST_UNIT": unit} if unit else {}),
                  **{k: v for k, v in run_params.items() if k != "CHECKPOINT_PATH"},
                  "MAX_GAP_DAYS": max_gap_days, "MIN_CLEAR": min_clear, "MODIS_CLEAR": f"{p.modis_clear:.2f}",
                  "GAPFILLED": p.gapfilled, "SERIES_KEY": p.key,
                  "SOFTWARE": f"LST Fusion {__version__} (series)"}
        p.tags.update(extra_tags or {})  # e.g. METHOD_CHOICE of METHOD=auto
        for role, s in zip(("COARSE_TARGET",), (p.modis,)):
            p.tags[f"INPUT_{role}"] = os.path.basename(s.path)
        for n, r in enumerate([p.ref1, p.ref2], 1):
            if r:
                p.tags[f"INPUT_FINE_REF{n}"] = os.path.basename(lsrc[r].path)
                p.tags[f"INPUT_COARSE_REF{n}"] = os.path.basename(msrc[r].path)

    sched = make_scheduler(scheduler, log) if jobs else Sequential()
    if jobs:
        log(f"{len(todo)} date(s) x {len(jobs) // max(len(todo), 1)} tile(s) of {tile} px = {len(jobs)} tasks on "
            f"{sched.name}")
    from ..core.data.units import BAND_UNIT

    footprint = residual.footprint_pixels(grid, coarse_pixel)

    def first_pass_tags(p):
        # with a correction to come, the resume key is written only by the corrected file
        return p.tags if residual_correction == "none" else dict(p.tags, SERIES_KEY="pending residual correction")

    def finish(p):
        if residual_correction != "none":
            fused = read_raster(p.output, "OUTPUT")
            coarse = read_block(p.modis, grid, 0, grid.height, 0, grid.width)
            corrected = residual.correct(fused.data, coarse, residual_correction, footprint)
            unit = p.tags.get("LST_UNIT")
            write_raster(p.output, corrected, grid, tags=p.tags,
                         description=f"{'land surface temperature' if unit else 'reflectance'} ({label}, "
                                     f"{p.date.isoformat()}, {residual_correction} correction)",
                         unit=BAND_UNIT.get(unit) if unit else None)
        p.status = "fused_gapfilled" if p.gapfilled else "fused"

    done_tiles = 0
    current, writer, write = None, None, None
    results = sched.map(run_tile, jobs)
    try:
        for job in jobs:
            check_cancel(cancel)
            block = next(results)
            if job.index != current:
                if writer is not None:
                    writer.__exit__(None, None, None)
                    writer = None
                    finish(todo[current])
                current = job.index
                p = todo[current]
                unit = p.tags.get("LST_UNIT")
                what = "land surface temperature" if unit else "reflectance"
                writer = tile_writer(p.output, grid, first_pass_tags(p), f"{what} ({label}, {p.date.isoformat()})",
                                     BAND_UNIT.get(unit) if unit else None)
                write = writer.__enter__()
            write(block, job.window[0], job.window[2])
            done_tiles += 1
            if progress:
                progress(100.0 * done_tiles / len(jobs), f"{todo[current].date.isoformat()} ({current + 1}/{len(todo)})")
        if writer is not None:
            writer.__exit__(None, None, None)
            writer = None
            finish(todo[current])
    except BaseException as exc:
        if writer is not None:
            writer.__exit__(type(exc), exc, exc.__traceback__)  # removes the date's temporary file
        raise
    finally:
        results.close()
        sched.close()
    rows = [{"date": p.date.isoformat(), "status": p.status, "ref1": p.ref1.isoformat() if p.ref1 else "",
             "ref2": p.ref2.isoformat() if p.ref2 else "", "modis_clear": f"{p.modis_clear:.2f}",
             "output": os.path.basename(p.output) if not p.status.startswith("skipped") else ""} for p in plans]
    csv_path = write_series_csv(os.path.join(output_dir, "series.csv"), rows)
    outputs = [os.path.join(output_dir, r["output"]) for r in rows if r["output"]]
    vrt = build_vrt(os.path.join(output_dir, "series.vrt"), outputs, [r["date"] for r in rows if r["output"]])
    for r in rows:
        if r["status"].startswith("skipped"):
            log(f"{r['date']}: {r['status']}")
    pair_dates = sorted(d for d in lsrc if d in msrc)
    return SeriesResult(rows, output_dir, csv_path, vrt, outputs, sched.name, grid,
                        {p.date.isoformat(): p.modis for p in plans}, [d.isoformat() for d in pair_dates], label)


def write_series_csv(path, rows):
    buf = _io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    w.writeheader()
    w.writerows(rows)
    return atomic_write_text(path, buf.getvalue())


def read_series_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build_vrt(path, outputs, labels):
    """A VRT with one band per output (``separate``), in the given order, band descriptions = ``labels``;
    written atomically; None when there is no output."""
    if not outputs:
        if os.path.exists(path):
            os.remove(path)
        return None
    from osgeo import gdal

    with atomic_path(path, ".vrt") as tmp:
        os.remove(tmp)
        gdal.ErrorReset()  # QGIS's GDAL exception mode is process-wide: leave it, check the result
        ds = gdal.BuildVRT(tmp, [os.path.abspath(o) for o in outputs], separate=True)
        if ds is None:
            raise LstFusionError("OUTPUT", f"GDAL could not build the series VRT: {gdal.GetLastErrorMsg()}")
        for i, label in enumerate(labels, 1):
            ds.GetRasterBand(i).SetDescription(label)
        ds.FlushCache()
        ds = None
        _relative_paths(tmp, os.path.dirname(os.path.abspath(path)))
    return path


def _relative_paths(vrt, folder):
    """Make the VRT's sources relative to its folder, so the series folder can be moved as a whole."""
    import re

    with open(vrt, encoding="utf-8") as fh:
        text = fh.read()

    def rel(m):
        src = m.group(2)
        if os.path.dirname(src) == folder:
            return f'<SourceFilename relativeToVRT="1">{os.path.basename(src)}</SourceFilename>'
        return m.group(0)

    text = re.sub(r'<SourceFilename relativeToVRT="(0)">([^<]+)</SourceFilename>', rel, text)
    with open(vrt, "w", encoding="utf-8") as fh:
        fh.write(text)


def shared_stretch(outputs, percent=(2, 98), sample=200000):
    """(low, high) for one legend over all dates: the percentiles of a regular sample of every output's valid
    pixels (read strip by strip, so memory stays bounded)."""
    vals = []
    for path in outputs:
        from ..core.data.io import read_grid

        g = read_grid(path, "OUTPUT")
        step = max(1, int(np.sqrt(g.width * g.height / max(sample // max(len(outputs), 1), 1))))
        for r0, r1 in strips(g):
            a = read_window(path, r0, r1, 0, g.width)[(-r0) % step::step, ::step]
            vals.append(a[np.isfinite(a)])
    v = np.concatenate(vals) if vals else np.array([])
    if v.size == 0:
        return 0.0, 1.0
    lo, hi = np.percentile(v, percent)
    return float(lo), float(hi) if hi > lo else float(lo) + 1.0


def cancelled_cleanly(folder):
    """True when no temporary file is left in ``folder`` (used by the tests and the dock)."""
    return not _stale_temporaries(folder)


__all__ = ["fuse_series", "choose_refs", "plan_series", "run_tile", "make_scheduler", "Cancelled"]
