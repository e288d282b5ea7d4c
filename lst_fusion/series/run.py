"""fuse_series: a daily fused series, one fine LST raster per MODIS date, resumable, on one core or on Dask.

Output folder: ``LST_<METHOD>_<YYYYMMDD>.tif`` per date (tags: date, unit, method, reference dates,
parameters, inputs; band description and unit), ``series.csv`` and ``series.vrt`` (series.outputs).

Engine: every date is cut into tiles (``tile`` px plus the method's halo, series.tiles); a task reads only
its tile window + halo of each input and returns the fused tile, which is written into the date's
temporary GeoTIFF; the file is renamed into place when its last tile is written, so a cancelled, failed or
killed run never leaves a half-written ``LST_*.tif`` (a killed run's ``.tmp_*`` files are removed by the
next run).  A re-run keeps every date whose file exists with the same ``SERIES_KEY`` tag (series.plan) and
computes only the rest.  Tasks run on a scheduler of series.schedulers; results are consumed in task
order, so the outputs are bit-identical to the sequential run and memory stays bounded by tiles.
"""
import dataclasses
import os
from dataclasses import dataclass, field

import numpy as np

from ..core.data.io import read_raster, tile_writer, write_raster
from ..core.data.units import LST, OTHER, REFLECTANCE, Kind, kind_from_tags
from ..core.fusion import guard as plausibility
from ..core.fusion import methods as fusion_methods
from ..core.fusion import residual
from ..core.platform.errors import LstFusionError, check_cancel
from ..version import __version__
from . import uncertainty as series_uncertainty
from .guard import date_bounds
from .outputs import build_vrt, stale_temporaries, write_series_csv
from .plan import DEFAULT_MAX_GAP_DAYS, collect_inputs, plan_series, series_kind
from .schedulers import Sequential, make_scheduler
from .tiles import PlanJob, TileJob, pair_statistics, read_block, reference_roles, roles_of, run_task, sources

DEFAULT_TILE = 256
MIN_TILE = 16
NOT_TASK_PARAMS = ("RESIDUAL_CORRECTION", "COARSE_PIXEL", "PAIRS", "SHRINK_W")  # per date (after its tiles; its plan), not per tile


@dataclass
class SeriesOptions:
    """Everything fuse_series needs besides the output folder and the callbacks.

    ``modis``/``landsat``: folders or lists of rasters dated by name (or ``dataset``, an align_pairs folder);
    ``scales``: (Landsat, MODIS) factors on reading; ``quantity``: 'lst' or 'reflectance' (a method whose
    entry has a QUANTITY parameter);
    ``scheduler``: '' / 'sequential' / a dask.distributed address (series.schedulers);
    ``residual_correction``: 'none', 'MODIS footprint' or 'scene mean' (core.fusion.residual), applied per
    date after its tiles are written (that pass reads the date whole); ``coarse_pixel``: MODIS pixel size
    (m); ``extra_tags``: more provenance tags on every date (METHOD=auto's choice); ``method_params``: the
    method's own parameters (its table entry's, by Processing name: ``CLASSES``, ``CHANGE_THRESHOLD``, ...;
    fuse_series also takes them as lower-cased keywords, ``classes=3``); ``window`` and ``quantity``, shared by
    most methods, are fields (a ``method_params`` value wins);
    ``precompute``: the method's per-reference-set plan (its entry's ``plan``, core.fusion.methods.ReferenceSetPlan)
    for the dates whose MODIS is resampled per window (Fit-FC's and FSDAF's plans, built on the references alone:
    every date): None (default) where the plan pays (its ``pays``: e.g. a reference set of 8 dates or more on
    numba for ESTARFM, any for Fit-FC and FSDAF), True always, False never (the per-date kernel; equal within
    1e-4 K).  Deep methods whose model encodes its
    references once (EDCSTFN, deep.predict.predict_dates): None or True groups the dates of one reference set
    per tile, False predicts each date alone (equal within 1e-5 K; docs/deep_series.md).
    """

    modis: object = None
    landsat: object = None
    dataset: str = None
    method: str = fusion_methods.IDS[0]
    start: object = None
    end: object = None
    max_gap_days: int = DEFAULT_MAX_GAP_DAYS
    min_clear: float = 0.0
    scheduler: str = ""
    checkpoint: str = None
    modis_band: int = 1
    landsat_band: int = 1
    scales: tuple = (1.0, 1.0)
    window: int = None
    quantity: str = "lst"
    engine: str = "auto"
    device: str = "cpu"
    tile: int = DEFAULT_TILE
    modis_names: list = None
    landsat_names: list = None
    residual_correction: str = "none"
    coarse_pixel: float = 1000.0
    extra_tags: dict = None
    method_params: dict = field(default_factory=dict)
    precompute: bool = None
    pairs: str = None  # the pair rule (core.fusion.methods ONE or ANY) of a method that can run either way
    shrink: float = None  # auto's w: each date MODIS + w (fused - MODIS), after its correction (None: not shrunk)
    uncertainty: bool = True  # UNC_<METHOD>_YYYYMMDD.tif beside each date (series.uncertainty)
    landcover: str = None  # a land-cover raster on the grid: the uncertainty's classes (default: reference quantiles)
    source_order: str = None  # the daily sources' order when MODIS mixes several (core.data.sources)


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
    uncertainty: object = None  # series.uncertainty.SeriesUncertainty: the calibration, or why there is none
    source_steps: list = field(default_factory=list)  # core.data.sources.STEP_COLUMNS rows
    applied: str = ""  # what ran on every date: method, pairs, variant (+SM, +RC), shrink (applied_label)
    choice: str = ""  # why: METHOD=auto's choice with its inner scores or its fallback's reason, else METHOD as given
    kind: object = None  # core.data.units.Kind: the series' quantity and unit, from its rasters' tags


VARIANT_OF_CORRECTION = {"none": "", "scene mean": " +SM", "MODIS footprint": " +RC"}  # validation's variant names


def applied_label(o):
    """What ran, as validation names its rows: 'STARFM (2 pairs) +SM', with auto's shrink towards MODIS."""
    rule = o.pairs if o.pairs is not None and len(fusion_methods.pair_rules(o.method)) > 1 else None
    shrunk = f" shrunk towards MODIS (w {o.shrink:.2f})" if o.shrink is not None else ""
    return (fusion_methods.candidate_label(o.method, rule) + VARIANT_OF_CORRECTION.get(o.residual_correction, "")
            + shrunk)


def choice_text(o):
    """Why this method ran: METHOD=auto's tag (its inner scores, or its fallback's reason), else 'as given'."""
    return (o.extra_tags or {}).get("METHOD_CHOICE") or f"METHOD={fusion_methods.get(o.method).id} as given"


def source_steps(o, options, chosen, grid, output_dir, log):
    """The level step between daily sources on the days both observed (core.data.sources): computed on the fine
    grid from the MODIS list, or read from the dataset's source_steps.csv (align_pairs); written to the series
    folder's source_steps.csv (with series.csv) and said in the log."""
    import csv

    from ..core.data import sources

    if o.dataset:
        path = os.path.join(str(o.dataset), "source_steps.csv")
        steps = list(csv.DictReader(open(path, encoding="utf-8"))) if os.path.exists(path) else []
    else:
        steps = sources.steps_on_grid(options, chosen, grid, "bilinear", o.modis_band, o.scales[1])
    for sentence in sources.step_summary(steps):
        log(sentence)
    return steps


def check_options(o):
    """Refuse bad options before any file is read, one sentence starting with the parameter's name."""
    from ..core.fusion import residual

    fusion_methods.get(o.method)
    if o.max_gap_days < 1:
        raise LstFusionError("MAX_GAP_DAYS", f"must be at least 1 day, not {o.max_gap_days}")
    if not 0 <= o.min_clear <= 100:
        raise LstFusionError("MIN_CLEAR", f"must be a percentage between 0 and 100, not {o.min_clear}")
    if o.tile < MIN_TILE:
        raise LstFusionError("TILE_SIZE", f"tiles must be at least {MIN_TILE} px, not {o.tile}")
    if o.shrink is not None and not 0.0 <= o.shrink <= 1.0:
        raise LstFusionError("METHOD", f"auto's weight towards MODIS must be between 0 and 1, not {o.shrink}")
    if o.pairs is not None:
        fusion_methods.candidate_label(o.method, o.pairs)  # a rule the method cannot run with: one sentence
    if o.residual_correction not in residual.MODES:
        raise LstFusionError("RESIDUAL_CORRECTION", f"must be one of {', '.join(residual.MODES)}, "
                             f"not {o.residual_correction!r}")


def method_parameters(o, grid=None):
    """(params for tags and the resume key, run_params for the tasks, halo px) of the options' method; a
    FACTOR left at None (Fit-FC, FSDAF) is the MODIS pixel in fine pixels of ``grid`` and COARSE_PIXEL."""
    entry = fusion_methods.get(o.method)
    if entry.classical:
        from ..core.fusion.kernels import resolve_engine

        params = {}
        for p in (p for p in entry.params if p.series):
            value = o.method_params.get(p.name, getattr(o, p.name.lower(), None))
            if value is None or (p.odd and value == 0):  # WINDOW 0: the method's default
                value = p.default
            params[p.name] = fusion_methods.check_param(o.method, p.name, value)
        if grid is not None:
            params = fusion_methods.with_factor(o.method, params, residual.footprint_pixels(grid, o.coarse_pixel))
        quantity = params.get("QUANTITY")
        if quantity is not None and quantity not in entry.quantities:
            raise LstFusionError("QUANTITY", f"must be one of {', '.join(entry.quantities)}, not {quantity!r}")
        return (params, dict(params, ENGINE=resolve_engine(o.engine)),
                fusion_methods.halo(o.method, params.get("WINDOW"), params=params))
    from ..deep.checkpoint import bundled_checkpoint, load_checkpoint
    from ..models import registry

    ckpt_path = o.checkpoint or bundled_checkpoint(entry.model)
    if not os.path.exists(ckpt_path):
        raise LstFusionError("CHECKPOINT", f"no checkpoint at {ckpt_path}; train one with lstfusion:train_{entry.model}")
    load_checkpoint(ckpt_path, entry.model)  # a wrong or broken file is refused before any task runs
    halo = fusion_methods.halo(o.method, receptive_radius=registry.info(entry.model).receptive_radius)
    params = {"CHECKPOINT": os.path.basename(ckpt_path), "TILE_SIZE": o.tile}
    return params, dict(params, CHECKPOINT_PATH=os.path.abspath(ckpt_path), DEVICE=o.device), halo


def check_quantity(params, kind):
    """A method's QUANTITY parameter (ESTARFM) agrees with what the series' rasters hold (``kind``), else one
    sentence: ESTARFM would treat reflectance as temperature or the reverse."""
    quantity = params.get("QUANTITY")
    if quantity is not None and kind.quantity in (LST, REFLECTANCE) and quantity != kind.quantity:
        raise LstFusionError("QUANTITY", f"is {quantity}, but the series' rasters hold {kind.describe()}"
                             f"{' (judged from their values)' if kind.guessed else ''}; set QUANTITY to "
                             f"{kind.quantity}")


def date_tags(p, o, params, run_params, stats, lsrc, msrc, kind=None):
    """The provenance tags of one date's raster; ``kind``: the series' quantity and unit (series_kind)."""
    if kind is None:
        quantity = params.get("QUANTITY", LST)
        kind = Kind(LST, "celsius" if stats["celsius"] else "kelvin") if quantity == LST else Kind(quantity, quantity)
    tags = {"METHOD": fusion_methods.get(o.method).tag, "ACQUISITION_DATE": p.date.isoformat(),
            "REF1_DATE": p.ref1.isoformat(), "REF2_DATE": p.ref2.isoformat() if p.ref2 else "",
            **kind.tags(),
            **{k: v for k, v in run_params.items() if k != "CHECKPOINT_PATH"},
            "MAX_GAP_DAYS": o.max_gap_days, "MIN_CLEAR": o.min_clear, "MODIS_CLEAR": f"{p.modis_clear:.2f}",
            "GAPFILLED": p.gapfilled, "SERIES_KEY": p.key, "SOFTWARE": f"LST Fusion {__version__} (series)"}
    tags.update(o.extra_tags or {})  # e.g. METHOD_CHOICE of METHOD=auto
    tags["INPUT_COARSE_TARGET"] = os.path.basename(p.modis.path)
    if p.refs:  # pair mode ALL: every pair, through the model fitted once (series.model)
        tags["REF_DATES"] = " ".join(d.isoformat() for d in p.refs)
        tags["INPUT_MODEL"] = " ".join(os.path.basename(s.path) for s in p.model)
        return tags
    for n, r in enumerate([p.ref1, p.ref2], 1):
        if r:
            tags[f"INPUT_FINE_REF{n}"] = os.path.basename(lsrc[r].path)
            tags[f"INPUT_COARSE_REF{n}"] = os.path.basename(msrc[r].path)
    return tags


def describe_band(p, label, extra=""):
    kind = kind_from_tags(p.tags) or Kind(OTHER)
    what = "land surface temperature" if kind.quantity == LST else kind.describe()
    return f"{what} ({label}, {p.date.isoformat()}{extra})", kind.band_unit()


def precomputed(p, o, run_params):
    """Whether date ``p`` can use its method's per-reference-set plan (the entry's ``plan``): the plan applies to
    the date (its pairs, its MODIS resampled per window where the plan is built on the resampling operator: not
    on the fine grid nor gap-filled, the engine) and
    ``precompute`` is not False."""
    plan = fusion_methods.get(o.method).plan
    return (plan is not None and o.precompute is not False
            and plan.applies(p.ref2 is not None, not p.modis.same_grid, run_params.get("ENGINE")))


DEEP_GROUP_DATES = 16  # dates of one reference set predicted together per tile (one float64 block per date)


def deep_grouped(o, run_params):
    """Whether a deep method's dates of one reference set are predicted together (deep.predict.predict_dates):
    its model encodes the references once per tile (EDCSTFN), and ``precompute`` is not False."""
    if fusion_methods.get(o.method).classical or o.precompute is False:
        return False
    from .tiles import reuses_encoding

    return reuses_encoding(run_params["CHECKPOINT_PATH"])


def plan_groups(todo, o, run_params):
    """The dates to fuse as (positions in ``todo``, uses the plan), in the order of their first date: the dates of
    one reference set that use the plan together (``precompute`` None: only a set where the plan pays, its
    ``pays(dates, engine)``), every other date alone."""
    sets = {}
    if deep_grouped(o, run_params):  # every set of two dates or more, in chunks of DEEP_GROUP_DATES
        for i, p in enumerate(todo):
            sets.setdefault((p.ref1, p.ref2), []).append(i)
        chunks = [g[k:k + DEEP_GROUP_DATES] for g in sets.values() for k in range(0, len(g), DEEP_GROUP_DATES)]
        shared = {i: tuple(g) for g in chunks if len(g) > 1 for i in g}
    else:
        for i, p in enumerate(todo):
            if precomputed(p, o, run_params):
                sets.setdefault((p.ref1, p.ref2), []).append(i)
        auto = o.precompute is None
        plan = fusion_methods.get(o.method).plan
        shared = {i: tuple(g) for g in sets.values()
                  if not auto or plan.pays(len(g), run_params.get("ENGINE")) for i in g}
    groups, seen = [], set()
    for i in range(len(todo)):
        g = shared.get(i, (i,))
        if g not in seen:
            seen.add(g)
            groups.append((g, i in shared))
    return groups


TAIL_BYTES_PER_PIXEL = 64  # a date's finishing work holds about 8 float64 arrays of the whole grid at its peak


def tail_workers(sched, grid):
    """Threads for the dates' finishing work (residual correction, shrink, uncertainty map): the scheduler's own
    (one per core for in-process threads), one for the sequential scheduler (everything in the calling thread),
    this machine's cores for a Dask cluster (the finishing work runs here, where the files are written); at most
    as many dates of ``grid`` as half the available memory holds (:data:`TAIL_BYTES_PER_PIXEL`)."""
    if isinstance(sched, Sequential):
        return 1
    from ..core.fusion.tiling import available_memory

    workers = getattr(sched, "workers", None) or os.cpu_count() or 1
    free = available_memory()
    if free is not None:
        workers = min(workers, int(free // 2 // (TAIL_BYTES_PER_PIXEL * grid.width * grid.height)))
    return max(1, workers)


class Tail:
    """The dates' finishing work, on ``workers`` threads (GDAL and numpy release the GIL) while the tiles of later
    dates are computed and written; with one worker, in the calling thread as each date closes.  :meth:`check`
    raises a failed date's error in the calling thread as soon as it is seen; :meth:`wait` waits for every date
    (cancel checked meanwhile); :meth:`stop` cancels the dates not started (each one's ``dropped(exc)`` runs in
    the calling thread) and waits for the running ones."""

    def __init__(self, workers, cancel=None):
        from concurrent.futures import ThreadPoolExecutor

        self.cancel = cancel
        self.futures = []  # (future, dropped), in the dates' order
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="lstfusion-date") if workers > 1 else None

    def submit(self, fn, *args, dropped=None):
        if self.pool is None:
            fn(*args)
            return
        import contextvars

        future = self.pool.submit(contextvars.copy_context().run, fn, *args)  # the caller's context: a transaction
        self.futures.append((future, dropped))

    def check(self):
        """Raise the error of the first failed date (in the dates' order) among those already done."""
        for f, _ in self.futures:
            if f.done() and not f.cancelled() and f.exception() is not None:
                raise f.exception()

    def wait(self):
        from concurrent.futures import FIRST_EXCEPTION, wait

        pending = [f for f, _ in self.futures]
        while pending:
            check_cancel(self.cancel)
            pending = list(wait(pending, timeout=0.1, return_when=FIRST_EXCEPTION).not_done)
            self.check()

    def stop(self, exc):
        if self.pool is None:
            return
        self.pool.shutdown(wait=True, cancel_futures=True)
        for f, dropped in self.futures:
            if f.cancelled() and dropped is not None:
                dropped(exc)
        self.futures = [(f, d) for f, d in self.futures if not f.cancelled()]


def write_dates(todo, jobs, sched, o, grid, progress, cancel, bounds=None, on_date=None, workers=None):
    """Run the tasks in order, write each date's tiles into its temporary file, rename it into place and
    apply the residual correction; a failure or cancel removes the date's temporary file.  ``bounds``
    {position in ``todo``: core.fusion.guard.Bounds}: every tile (and the corrected date) passes the
    plausibility guard before it is written; ``on_date(position, fused, coarse, tags)`` runs once a date's
    raster is in place (its uncertainty map), with the corrected date and its MODIS on the fine grid where the
    correction read them (else None: read them if needed).  A date's finishing work (correction, ``on_date``)
    runs on ``workers`` threads (default :func:`tail_workers` of ``sched``), from the closing of its file on,
    while later tiles run; the first failure propagates.  Returns {position: implausible pixels set to nodata}."""
    from ..core.fusion import residual

    label = fusion_methods.get(o.method).tag
    # a correction of the whole date after its tiles: the residual correction, then auto's shrink towards MODIS
    correcting = o.residual_correction != "none" or o.shrink is not None
    footprint = residual.footprint_pixels(grid, o.coarse_pixel)
    bounds = bounds or {}
    counts = {}  # one key per date: the dates' threads never share one

    def guarded(i, block):
        if i not in bounds:
            return block
        block, n = plausibility.apply_bounds(block, bounds[i])
        counts[i] = counts.get(i, 0) + n
        return block

    def guard_tags(i):
        return bounds[i].tags(counts.get(i, 0)) if i in bounds else {}

    def finish(i):
        """Date ``i``'s work once its tiles are in place: its MODIS on the fine grid and the fused date are read
        once, corrected and written, and handed to ``on_date``."""
        p = todo[i]
        fused = coarse = tags = None
        if correcting:
            fused = read_raster(p.output, "OUTPUT").data
            coarse = read_block(p.modis, grid, 0, grid.height, 0, grid.width)
            said = []
            if o.residual_correction != "none":
                fused = residual.correct(fused, coarse, o.residual_correction, footprint)
                said.append(f"{o.residual_correction} correction")
            if o.shrink is not None:
                from ..core.evaluation.protocol import shrunk

                fused = shrunk(fused, coarse, o.shrink)
                said.append(f"shrunk towards MODIS, w {o.shrink:.2f}")
            fused = np.asarray(guarded(i, fused), dtype=np.float32)  # what write_raster writes
            p.tags.update(guard_tags(i))
            tags = {k: str(v) for k, v in p.tags.items()}
            description, unit = describe_band(p, label, ", " + ", ".join(said))
            write_raster(p.output, fused, grid, tags=tags, description=description, unit=unit)
        p.status = "fused_gapfilled" if p.gapfilled else "fused"
        if on_date is not None:
            on_date(i, fused, coarse, tags)

    done_tiles, total = 0, sum(len(j.indices) for j in jobs)
    current, writers = None, {}  # the dates being written (one task's indices) and their open writers
    tail = Tail(tail_workers(sched, grid) if workers is None else workers, cancel)

    def close(writer, exc=None):  # renames the date's file into place, or (``exc``) removes it
        writer.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)

    def close_and_finish(i, writer):
        close(writer)
        finish(i)

    def close_all(exc=None):
        for i in list(writers):
            w = writers.pop(i)
            for tags in (w[2], todo[i].tags):  # the writer writes its tags (w[2]) as it closes
                tags.update(guard_tags(i))
            if exc is None:  # a date the run stops before its turn: its temporary file is removed
                tail.submit(close_and_finish, i, w[0], dropped=lambda e, writer=w[0]: close(writer, e))
            else:
                close(w[0], exc)

    results = sched.map(run_task, jobs)
    try:
        for job in jobs:
            check_cancel(cancel)
            tail.check()
            blocks = next(results)
            if job.indices != current:
                close_all()
                current = job.indices
                for i in current:
                    p = todo[i]
                    # with a correction to come, the resume key is written only by the corrected file
                    tags = dict(p.tags, SERIES_KEY="pending residual correction") if correcting else p.tags
                    writer = tile_writer(p.output, grid, tags, *describe_band(p, label))
                    writers[i] = (writer, writer.__enter__(), tags)
            for i, block in zip(current, blocks):
                check_cancel(cancel)
                writers[i][1](guarded(i, block), job.window[0], job.window[2])
                done_tiles += 1
                if progress:
                    progress(100.0 * done_tiles / total, f"{todo[i].date.isoformat()} ({i + 1}/{len(todo)})")
        close_all()
        tail.wait()
    except BaseException as exc:
        close_all(exc)  # removes the dates' temporary files
        tail.stop(exc)  # and those of the dates not started; a running one ends (its writes are atomic)
        raise
    finally:
        tail.stop(None)  # nothing left to stop after wait() or the line above
        results.close()
        sched.close()
    return counts


def series_options(options, fields):
    """The :class:`SeriesOptions` of ``options`` with ``fields`` (its fields as keywords) over it; a keyword that
    is no field but a method parameter's lower-cased Processing name (``classes=3``, ``change_threshold=0.5``)
    goes into ``method_params`` (a value already there wins, as it did over the old fields)."""
    names = {f.name for f in dataclasses.fields(SeriesOptions)}
    own = {k.upper(): fields.pop(k) for k in list(fields)
           if k not in names and any(m.param(k.upper()) for m in fusion_methods.METHODS)}
    o = dataclasses.replace(options, **fields) if options is not None else SeriesOptions(**fields)
    if own:
        o = dataclasses.replace(o, method_params={**own, **o.method_params})
    return o


def fuse_series(output_dir, options=None, progress=None, cancel=None, log=None, **fields):
    """Fuse one fine raster per MODIS date into ``output_dir``; returns a :class:`SeriesResult`.

    ``options``: a :class:`SeriesOptions`; or its fields as keywords (``method=<an id of the method table>, ...``),
    which also override those of ``options``.  ``log(sentence)``, ``progress(percent, message)`` and
    ``cancel() -> bool`` are plain callbacks.
    """
    o = series_options(options, fields)
    check_options(o)
    log = log or (lambda s: None)
    os.makedirs(output_dir, exist_ok=True)
    for stale in stale_temporaries(output_dir):
        os.remove(stale)
        log(f"removed {os.path.basename(stale)}, a half-written file of an interrupted run")
    msrc, lsrc, grid, msource, moptions = collect_inputs(o.modis, o.landsat, o.dataset, o.modis_band,
                                                         o.landsat_band, o.scales, o.modis_names, o.landsat_names,
                                                         o.source_order)
    kind = series_kind(lsrc, msrc, "DATASET" if o.dataset else None)
    steps = source_steps(o, moptions, msource, grid, output_dir, log)
    params, run_params, halo = method_parameters(o, grid)
    check_quantity(params, kind)
    if o.shrink is not None:
        params, run_params = (dict(d, SHRINK_W=f"{o.shrink:.6f}") for d in (params, run_params))
    if o.residual_correction != "none":
        extra = {"RESIDUAL_CORRECTION": o.residual_correction, "COARSE_PIXEL": o.coarse_pixel}
        params, run_params = dict(params, **extra), dict(run_params, **extra)
    if o.pairs is not None and len(fusion_methods.pair_rules(o.method)) > 1:
        params, run_params = (dict(d, PAIRS=fusion_methods.RULE_NAMES[o.pairs]) for d in (params, run_params))
    key_params = dict(params, MAX_GAP_DAYS=o.max_gap_days, MIN_CLEAR=o.min_clear, GUARD=plausibility.RULE)
    plans = plan_series(msrc, lsrc, grid, o.method, output_dir, o.start, o.end, o.max_gap_days, o.min_clear,
                        key_params, log, cancel)
    todo = [p for p in plans if not p.status]
    kept = sum(p.status == "kept" for p in plans)
    if kept:
        log(f"{kept} date(s) already complete with the same inputs and parameters: kept")
    unc = series_uncertainty.prepare(o, plans, msrc, lsrc, grid, key_params, run_params, log, cancel)
    for p in plans:  # a kept date whose map is missing or outdated gets its map now
        if p.status == "kept" and unc.calibration is not None and p.date.isoformat() not in unc.files:
            series_uncertainty.write_map(unc, p, msrc, lsrc, grid)

    from ..core.fusion.tiling import tiles

    if fusion_methods.get(o.method).pair_mode == fusion_methods.ALL:  # its model once per reference set
        from .model import model_sources

        models = {}
        for p in todo:
            check_cancel(cancel)
            if p.refs not in models:
                models[p.refs] = model_sources(o.method, p.refs, lsrc, msrc, grid, params, output_dir, log, cancel)
            p.model = models[p.refs]

    cache, jobs, bounds, range_cache = {}, [], {}, {}
    tile_px = fusion_methods.tile_size(o.method, o.tile, grid.shape, params)
    windows = list(tiles(grid.shape, tile_px))
    groups = plan_groups(todo, o, run_params)
    deep = not fusion_methods.get(o.method).classical  # a plan group of a deep method shares its reference encoding
    for group, use_plan in groups:
        check_cancel(cancel)
        p = todo[group[0]]
        stats = pair_statistics(o.method, p, lsrc, msrc, grid, run_params, cache, cancel)
        job_params = tuple(sorted((k, v) for k, v in dict(run_params, **stats).items() if k not in NOT_TASK_PARAMS))
        for i in group:
            todo[i].tags = date_tags(todo[i], o, params, run_params, stats, lsrc, msrc, kind)
            bounds[i] = date_bounds(o.method, todo[i], lsrc, msrc, grid, params.get("QUANTITY", "lst"),
                                    stats["celsius"], range_cache, cancel)  # the plausibility guard's range
        if use_plan:
            srcs = sources(o.method, p, lsrc, msrc)
            refs = tuple(s for r, s in zip(roles_of(o.method, bool(p.ref2)), srcs) if r in reference_roles(o.method))
            targets = tuple(todo[i].modis for i in group)
            for i in group:
                todo[i].tags["PRECOMPUTED"] = "deep reference encoding" if deep else fusion_methods.get(o.method).plan.tag
            jobs.extend(PlanJob(o.method, job_params, refs, targets, grid, w, halo, tuple(group)) for w in windows)
            continue
        srcs = sources(o.method, p, lsrc, msrc)
        jobs.extend(TileJob(o.method, job_params, srcs, grid, w, halo, group[0]) for w in windows)

    sched = make_scheduler(o.scheduler) if jobs else Sequential()
    if jobs:
        shared = sum(len(g) for g, use_plan in groups if use_plan)
        log(f"{len(todo)} date(s) x {len(windows)} tile(s) of {tile_px} px = {len(jobs)} tasks on {sched.name}"
            + (f"; {shared} date(s) share their reference set's "
               f"{'reference encoding' if deep else 'per-pair plan'}" if shared else ""))
    implausible = write_dates(todo, jobs, sched, o, grid, progress, cancel, bounds,
                              on_date=lambda i, fused, coarse, tags: series_uncertainty.write_map(
                                  unc, todo[i], msrc, lsrc, grid, fused, coarse, tags))
    series_uncertainty.remove_outdated(unc, plans, log)
    for i, n in sorted(implausible.items()):
        if n:
            log(f"{todo[i].date.isoformat()}: " + plausibility.message(n, bounds[i], os.path.basename(todo[i].output)))
    applied, choice = applied_label(o), choice_text(o)
    log(f"method applied to every date: {applied}; why: {choice}")
    rows = [{"date": p.date.isoformat(), "status": p.status, "ref1": p.ref1.isoformat() if p.ref1 else "",
             "ref2": p.ref2.isoformat() if p.ref2 else "", "modis_clear": f"{p.modis_clear:.2f}",
             "output": os.path.basename(p.output) if not p.status.startswith("skipped") else "",
             "coarse_source": msource.get(p.date, ""),
             **({"method": applied, "choice": choice} if not p.status.startswith("skipped") else
                {"method": "", "choice": ""})}
            for p in plans]
    for r in rows:
        r["uncertainty"] = unc.column(r["date"]) if r["output"] else ""
    csv_path = write_series_csv(os.path.join(output_dir, "series.csv"), rows)
    if steps:
        from ..core.data.io import write_csv_rows
        from ..core.data.sources import STEP_COLUMNS

        write_csv_rows(os.path.join(output_dir, "source_steps.csv"), steps, STEP_COLUMNS)
    outputs = [os.path.join(output_dir, r["output"]) for r in rows if r["output"]]
    vrt = build_vrt(os.path.join(output_dir, "series.vrt"), outputs, [r["date"] for r in rows if r["output"]])
    for r in rows:
        if r["status"].startswith("skipped"):
            log(f"{r['date']}: {r['status']}")
    pair_dates = sorted(d for d in lsrc if d in msrc)
    return SeriesResult(rows, output_dir, csv_path, vrt, outputs, sched.name, grid,
                        {p.date.isoformat(): p.modis for p in plans}, [d.isoformat() for d in pair_dates],
                        fusion_methods.get(o.method).tag, unc, steps, applied, choice, kind)
