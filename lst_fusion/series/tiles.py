"""Tiles of a series: the inputs as sources on the fine grid, reading blocks of them (tile + halo), the
per-pair statistics every tile of a date shares, and running one tile (in this process or on a Dask worker).

Per-pair statistics (ESTARFM's similarity thresholds, STARFM's) are computed once per reference pair from
strips of the images (:func:`image_stats`) and handed to the method table's ``pair_stats``, so every tile
of every date uses the same numbers; the tile itself is the table's ``tile`` function (classical) or the
model's prediction on the halo'd blocks (deep).
"""
import collections
import os
import threading
from dataclasses import dataclass

import numpy as np

from ..core.data.io import read_raster, read_window
from ..core.data.units import is_celsius_mean
from ..core.fusion import methods as fusion_methods
from ..core.fusion.tiling import ImageStats
from ..core.platform.errors import LstFusionError, check_cancel
from ..version import __version__


@dataclass(frozen=True)
class Source:
    """One band of a raster file as read onto the fine grid (``same_grid`` False: resampled per window)."""

    path: str
    band: int = 1
    scale: float = 1.0
    same_grid: bool = True
    parameter: str = "MODIS"


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

    @property
    def indices(self):
        return (self.index,)


@dataclass(frozen=True)
class PlanJob:
    """One tile of every date sharing a reference set: a classical method's per-reference-set plan (its entry's
    ``plan``, MODIS resampled per window) is built once inside the task, then each date costs its share of MODIS
    pixels under the window; a deep model encodes its references once.  ``refs``: the sources of the roles but the
    coarse target (:func:`reference_roles`); ``targets``: each date's MODIS, in date order."""

    method: str
    params: tuple
    refs: tuple
    targets: tuple
    grid: object
    window: tuple
    halo: int
    indices: tuple  # positions of the dates in the run, in the order of ``targets``


# ---------------------------------------------------------------- reading windows on the fine grid

_COARSE_CACHE = collections.OrderedDict()
_COARSE_LOCK = threading.Lock()
COARSE_CACHE_BYTES = 256 * 2 ** 20  # coarse rasters kept per process (a plan task reads each of its dates)


def whole_coarse(source):
    """A whole coarse raster (small), cached per process for the per-window resampling (the tile and season
    threads share the cache: one at a time changes it)."""
    key = (source.path, source.band, source.scale)
    with _COARSE_LOCK:
        if key not in _COARSE_CACHE:
            r = read_raster(source.path, source.parameter, band=source.band)
            if source.scale != 1.0:
                r.data *= np.float32(source.scale)
            _COARSE_CACHE[key] = r
            while len(_COARSE_CACHE) > 8 and sum(c.data.nbytes for c in _COARSE_CACHE.values()) > COARSE_CACHE_BYTES:
                _COARSE_CACHE.popitem(last=False)
        _COARSE_CACHE.move_to_end(key)
        return _COARSE_CACHE[key]


def read_block(source, grid, r0, r1, c0, c1, halo=0):
    """The source on the fine-grid window rows r0-halo..r1+halo, columns c0-halo..c1+halo (float64, NaN for
    nodata and outside the fine grid)."""
    if source.same_grid:
        return read_window(source.path, r0, r1, c0, c1, halo, source.band, source.scale, source.parameter)
    from ..core.data.resample import resample_to_grid

    win = window_grid(grid, r0, r1, c0, c1, halo)
    r = whole_coarse(source)
    # a window beyond the date's footprint (a MODIS raster covering part of the grid) is NaN: no data there
    out = resample_to_grid(r.data, r.grid, win, "bicubic", source.parameter, outside_ok=True).astype(np.float64)
    out[outside_grid(grid, r0, r1, c0, c1, halo)] = np.nan
    return out


def outside_grid(grid, r0, r1, c0, c1, halo=0):
    """The pixels of the window rows r0-halo..r1+halo, columns c0-halo..c1+halo that lie outside the fine grid."""
    rows = np.arange(r0 - halo, r1 + halo)
    cols = np.arange(c0 - halo, c1 + halo)
    return ((rows < 0) | (rows >= grid.height))[:, None] | ((cols < 0) | (cols >= grid.width))[None, :]


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


_COVER_CACHE = {}  # (coarse grid, fine grid) -> % of the fine grid a MODIS raster without nodata covers


def grid_key(g):
    return (str(g.crs), tuple(g.transform[:6]), g.width, g.height)


def clear_percent(source, grid):
    """Percentage of the fine grid's pixels where the source is valid.  A coarse source without any nodata pixel
    covers what its grid covers: that is counted once per pair of grids (one GDAL pass), not once per date."""
    if not source.same_grid:
        r = whole_coarse(source)
        if np.isfinite(r.data).all():
            key = (grid_key(r.grid), grid_key(grid))
            if key not in _COVER_CACHE:
                _COVER_CACHE[key] = _count_clear(source, grid)
            return _COVER_CACHE[key]
    return _count_clear(source, grid)


def _count_clear(source, grid):
    n = 0
    for r0, r1 in strips(grid):
        n += int(np.isfinite(read_block(source, grid, r0, r1, 0, grid.width)).sum())
    return 100.0 * n / (grid.width * grid.height)


def roles_of(method, two_pairs):
    """The input roles of ``method`` in its order: the model's (deep), the model rasters + the target (pair mode
    ALL) or one or two pairs + the target."""
    entry = fusion_methods.get(method)
    if entry.pair_mode == fusion_methods.ALL:
        return entry.roles
    if entry.classical:
        return fusion_methods.TWO_PAIR_ROLES if two_pairs else fusion_methods.ONE_PAIR_ROLES
    from ..models import registry

    return registry.info(entry.model).inputs


def sources(method, plan, landsat, modis):
    """The sources of one date's tiles, in the order of :func:`roles_of`."""
    if fusion_methods.get(method).pair_mode == fusion_methods.ALL:  # the model fitted once (series.model)
        return (*plan.model, plan.modis)
    by_role = {"fine_ref1": landsat[plan.ref1], "coarse_ref1": modis[plan.ref1], "coarse_target": plan.modis}
    if plan.ref2:
        by_role.update(fine_ref2=landsat[plan.ref2], coarse_ref2=modis[plan.ref2])
    return tuple(by_role[r] for r in roles_of(method, bool(plan.ref2)))


def input_sources(method, plan, landsat, modis):
    """{role: source} of the date's inputs: its reference pairs (every pair of ``plan.refs`` for pair mode ALL,
    ``fine_ref<k>``, ``coarse_ref<k>``) and its MODIS (``coarse_target``), what the plausibility guard bounds."""
    if fusion_methods.get(method).pair_mode != fusion_methods.ALL:
        return dict(zip(roles_of(method, bool(plan.ref2)), sources(method, plan, landsat, modis)))
    out = {}
    for k, d in enumerate(plan.refs, 1):
        out[f"fine_ref{k}"], out[f"coarse_ref{k}"] = landsat[d], modis[d]
    out["coarse_target"] = plan.modis
    return out


def pair_statistics(method, plan, landsat, modis, grid, params, cache, cancel=None):
    """What every tile of the date's reference pair(s) shares (cached per pair): the table's ``pair_stats``
    on whole-image statistics; deep models: the unit (``celsius``) of the first fine reference."""
    key = (plan.ref1, plan.ref2)
    if key in cache:
        return cache[key]
    images = {"fine_ref1": landsat[plan.ref1], "coarse_ref1": modis[plan.ref1]}
    if plan.ref2:
        images.update(fine_ref2=landsat[plan.ref2], coarse_ref2=modis[plan.ref2])

    def stats(role):
        return ImageStats(*image_stats(images[role], grid, cancel)) if role in images else None

    entry = fusion_methods.get(method)
    out = dict(entry.pair_stats(stats, params)) if entry.pair_stats is not None else {}
    if "celsius" not in out:  # the unit of the tags: the first fine reference's, for every method
        out["celsius"] = is_celsius_mean(stats("fine_ref1").mean)
    cache[key] = out
    return out


# ---------------------------------------------------------------- one task: one tile of one date

_MODEL_CACHE = {}


def _model(path):
    if path not in _MODEL_CACHE:
        from ..deep.checkpoint import load_checkpoint

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
        from ..deep.predict import predict_array

        shape = (r1 - r0, c1 - c0)
        if any(not np.isfinite(b).any() for b in blocks):
            return np.full(shape, np.nan, dtype=np.float32)
        ckpt, model = _model(p["CHECKPOINT_PATH"])
        full = predict_array(ckpt, model, dict(zip(roles_of(job.method, True), blocks)), device=p["DEVICE"])
        out = full[h:h + shape[0], h:h + shape[1]]
    return np.asarray(out, dtype=np.float32)


def window_grid(grid, r0, r1, c0, c1, halo):
    """The fine grid of the window rows r0-halo..r1+halo, columns c0-halo..c1+halo (what read_block resamples
    a coarse source onto)."""
    from rasterio.transform import Affine

    from ..core.data.io import Grid

    return Grid(grid.crs, grid.transform * Affine.translation(c0 - halo, r0 - halo), c1 - c0 + 2 * halo,
                r1 - r0 + 2 * halo)


def run_plan_tile(job):
    """The fused tiles (float32) of every date of ``job`` (a :class:`PlanJob`), in date order: the method's plan
    (its entry's ``plan.build``) of the tile's references is built once, on the resampling operator of the very window read_block resamples
    each date's MODIS onto (so each date equals the per-date kernel within float rounding); a date whose MODIS
    lies on another coarse grid than the first's gets the per-date kernel."""
    if not fusion_methods.get(job.method).classical:
        return run_deep_plan_tile(job)
    p = dict(job.params)
    r0, r1, c0, c1 = job.window
    h = job.halo
    refs = [read_block(s, job.grid, r0, r1, c0, c1, h) for s in job.refs]
    shape = (r1 - r0, c1 - c0)
    if not all(np.isfinite(b).any() for b in refs):  # no valid reference pixel in the window: nothing to fuse
        return [np.full(shape, np.nan, np.float32) for _ in job.targets]
    entry = fusion_methods.get(job.method)
    if not entry.plan.resampling:  # a plan of the references alone: each date read onto the window as per date
        plan = entry.plan.build(refs, None, h, p)
        window = date_reader(job) if entry.plan.date_as_rm else None

        def one(src):
            C0 = window(src) if window else read_block(src, job.grid, r0, r1, c0, c1, h)
            return np.asarray(plan.predict(None, C0), np.float32)

        return dates_of(one, job)
    coarse, resampling = window_operator(job)
    plan = entry.plan.build(refs, resampling, h, p)
    del resampling
    out = []
    for src in job.targets:
        m = whole_coarse(src)
        if not m.grid.same_as(coarse):
            out.append(np.asarray(entry.tile(refs + [read_block(src, job.grid, r0, r1, c0, c1, h)], h, p), np.float32))
            continue
        C0 = plan.resampled(m.data)  # R M: what the resampler gives, without resampling (no MODIS nodata read)
        linear = C0 is not None  # NaN outside the fine grid already: R has no entry there
        if not linear:
            C0 = read_block(src, job.grid, r0, r1, c0, c1, h)
        out.append(np.asarray(plan.predict(m.data, C0, linear=linear), np.float32))
    return out


def dates_of(one, job):
    """``one(target)`` for every date of ``job``, in date order. A task that is its image's only tile (FSDAF's
    whole-image tiling: nothing runs beside it) predicts its dates after the first on ``task_threads()`` threads,
    as its plan's selection does (the first date builds whatever its plan builds on first use); every other
    task one date after another, the scheduler running the tiles side by side. Each date is computed alone,
    so the order of work changes nothing in its result."""
    from concurrent.futures import ThreadPoolExecutor

    from ..core.fusion.tiling import task_threads

    targets = list(job.targets)
    workers = task_threads()
    if job.window != (0, job.grid.height, 0, job.grid.width) or workers < 2 or len(targets) < 3:
        return [one(s) for s in targets]
    first = one(targets[0])
    with ThreadPoolExecutor(workers, thread_name_prefix="lstfusion-date") as pool:
        return [first] + list(pool.map(one, targets[1:]))


def window_operator(job, pixelwise=True):
    """(the first target's coarse grid, R): the bicubic resampling operator from that grid onto ``job``'s halo'd
    window (core.data.linear_resampling), with no entry beyond the fine grid (read_block's NaN there); with
    ``pixelwise`` False, R is None where it does not factor into rows x columns (measuring it pixel by pixel
    costs ~33 resamplings of the window)."""
    from ..core.data.linear_resampling import LinearResampling

    r0, r1, c0, c1 = job.window
    coarse = whole_coarse(job.targets[0]).grid
    win = window_grid(job.grid, r0, r1, c0, c1, job.halo)
    inside = ~outside_grid(job.grid, r0, r1, c0, c1, job.halo)
    measure = LinearResampling.from_grids if pixelwise else LinearResampling.factored  # from_grids: factored first
    return coarse, measure(coarse, win, "bicubic", inside=inside)


RM_PIXELWISE_MIN_DATES = 40  # R measured pixel by pixel costs ~33 resamplings of the window: pays from ~40 dates


def date_reader(job):
    """``read(src)``: a target's halo'd window of ``job`` as R M, the window's resampling operator measured once
    for the tile (core.data.linear_resampling; equal to read_block's GDAL resampling within AGREE_K, checked on
    the window when measured), falling back to read_block where R does not hold (a MODIS nodata pixel under
    the window, another coarse grid, MODIS on the fine grid); None when no operator is worth measuring (MODIS on
    the fine grid, or R not separable and fewer than :data:`RM_PIXELWISE_MIN_DATES` dates)."""
    if job.targets[0].same_grid:
        return None
    r0, r1, c0, c1 = job.window
    h = job.halo
    try:
        coarse, R = window_operator(job, pixelwise=len(job.targets) >= RM_PIXELWISE_MIN_DATES)
    except LstFusionError:  # not linear here: each date resampled by GDAL, as the per-date kernel reads it
        return None
    if R is None:
        return None

    def read(src):
        m = None if src.same_grid else whole_coarse(src)
        C0 = R.resampled(m.data) if m is not None and m.grid.same_as(coarse) else None
        return C0 if C0 is not None else read_block(src, job.grid, r0, r1, c0, c1, h)

    return read


def reference_roles(method):
    """The input roles of ``method`` (two pairs) other than the coarse target: a :class:`PlanJob`'s ``refs``."""
    return tuple(r for r in roles_of(method, True) if r != "coarse_target")


def reuses_encoding(checkpoint_path):
    """Whether the checkpoint's model encodes its references once for many dates (deep.predict.predict_dates)."""
    from ..deep.predict import encodes_references

    return encodes_references(_model(checkpoint_path)[1])


def run_deep_plan_tile(job):
    """The fused tiles of every date of a deep :class:`PlanJob`: deep.predict.predict_dates on the halo'd blocks,
    each tile's reference encoding made once for all its dates (equal to run_tile per date within float
    rounding); a date without a valid MODIS pixel in the block is NaN, as run_tile makes it."""
    from ..deep.predict import predict_dates

    p = dict(job.params)
    r0, r1, c0, c1 = job.window
    h = job.halo
    shape = (r1 - r0, c1 - c0)
    refs = [read_block(s, job.grid, r0, r1, c0, c1, h) for s in job.refs]
    nan = np.full(shape, np.nan, dtype=np.float32)
    if any(not np.isfinite(b).any() for b in refs):
        return [nan.copy() for _ in job.targets]
    targets = [read_block(s, job.grid, r0, r1, c0, c1, h) for s in job.targets]
    valid = [i for i, t in enumerate(targets) if np.isfinite(t).any()]
    ckpt, model = _model(p["CHECKPOINT_PATH"])
    full = predict_dates(ckpt, model, dict(zip(reference_roles(job.method), refs)), [targets[i] for i in valid],
                         device=p["DEVICE"])
    out = [nan.copy() for _ in job.targets]
    for i, f in zip(valid, full):
        out[i] = np.asarray(f[h:h + shape[0], h:h + shape[1]], dtype=np.float32)
    return out


def run_task(job):
    """The fused tiles of a task, one per date of ``job.indices``: a :class:`PlanJob` or a :class:`TileJob`."""
    if isinstance(job, PlanJob):
        return run_plan_tile(job)
    return [run_tile(job)]


def worker_check():
    """What a Dask worker reports before the run: it can import this module (and so the core)."""
    return __version__
