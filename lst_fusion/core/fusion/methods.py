"""The one table of fusion methods, classical and deep: every layer reads it (core included).

Each entry of :data:`METHODS` is a :class:`Method`:

* ``id``: stable lower-case id (``"estarfm"``), used in code, in ``fuse_series(method=...)`` and by the
  model registry; ``label``: what the user reads (``"ESTARFM"``, ``"MLFF-GAN"``); ``tag``: the name in
  file names and provenance tags (``LST_<tag>_YYYYMMDD.tif``, ``METHOD=<tag>``), the id upper-cased;
* ``kind``: ``"classical"`` or ``"deep"``;
* ``quantities``: what it fuses (``"lst"``, ``"reflectance"``);
* ``pair_mode``: :data:`ONE` (the nearest pair), :data:`TWO` (the nearest pair on or before the date and the
  nearest after it), :data:`ANY` (two when there are two, else the nearest one) or :data:`ALL` (every pair of
  the series; in leave-one-date-out every pair but the held-out date's);
* ``halo``: px of context around a tile: :data:`WINDOW_HALO` (half the WINDOW parameter),
  :data:`MODEL_HALO_RULE` (twice the model's receptive radius from ``models/registry.py``, or
  :data:`MODEL_HALO` px for models with global context), or a function of the parameters
  (``halo(params) -> px``, e.g. Fit-FC's two windows plus the bicubic's reach);
* ``tiling``: :data:`FREE` (any tile size), :data:`COARSE` (tile sizes and halos in whole MODIS pixels,
  so that a tile's MODIS pixels are the image's) or :data:`WHOLE` (one tile: the method models the whole
  scene, e.g. FSDAF's classes and spline);
* a ``FACTOR`` parameter (the MODIS pixel in fine pixels) whose default is None is taken from the grid
  and COARSE_PIXEL by the caller (series, validation);
* ``params``: its parameters as :class:`Param` (Processing name, default, bounds; a series takes each
  value from the SeriesOptions field of the lower-cased name, else from ``method_params``; WINDOW 0 or
  None is the default);
* classical methods: ``pair_stats`` (``pair_stats(stats, params) -> dict``: what every tile of one
  reference pair shares, from whole-image :class:`~.tiling.ImageStats`) and ``tile``
  (``tile(blocks, halo, params) -> array``: one tile, the blocks in :attr:`Method.roles` order), both public
  functions of the method's core module;
* pair mode :data:`ALL`: ``fit`` (``fit(fines, coarses, params, cancel) -> model rasters``: made once per
  reference set from every pair, the lists of Landsat and MODIS arrays) and ``tile`` on the blocks of the model
  rasters followed by the day's MODIS (:data:`MODEL_ROLES`), so each date costs O(1) per pixel;
* ``plan`` (optional, classical): a :class:`ReferenceSetPlan`, the per-reference-set work a series makes once
  for the dates of one reference set whose MODIS is resampled per window (ESTARFM's: core.fusion.estarfm_plan),
  with the rule of when it applies and when it pays;
* deep models: ``model``, the key of ``models/registry.py`` (a string: core does not import models).

The order of :data:`METHODS` is the order of fuse_series's METHOD enum, whose index saved models
(``resources/models/city_season.model3``) store: **append new methods at the end, never insert or
reorder** (``test_auto.py`` pins it).  ``auto`` (:data:`AUTO`) sits at :data:`AUTO_POSITION` in that enum
(where it was appended), before the methods added after it (:func:`enum_ids`).

Adding a method: docs/adding_a_method.md.
"""
from dataclasses import dataclass

from ..data.roles import ONE_PAIR_ROLES, TWO_PAIR_ROLES
from . import allpairs, estarfm, estarfm_plan, fitfc, fsdaf, modis, sharpen, starfm
from .tiling import MIN_WINDOW

ONE, TWO, ANY, ALL = "one", "two", "two_or_one", "all"  # pair modes
WINDOW_HALO = "window // 2"
MODEL_HALO_RULE = "2 x receptive radius"
MODEL_HALO = 32  # px of context around a tile for models with global context (AdaIN, attention)
FREE, COARSE, WHOLE = "free", "whole MODIS pixels", "whole image"  # tiling rules
AUTO = "auto"  # fuse_series's METHOD after the table: chosen by leave-one-date-out on the series' pairs

MODEL_ROLES = ("model_intercept", "model_slope", "coarse_target")  # the tiles of a pair-mode ALL method


@dataclass(frozen=True)
class Param:
    """One parameter of a method: its Processing name, default and bounds (``odd``: odd values only)."""

    name: str
    default: object
    minimum: float = None
    maximum: float = None
    odd: bool = False
    help: str = ""  # what the parameter does, for the algorithms' help (written once, here)
    label: str = ""  # its description in the one-date Toolbox algorithm
    options: tuple = ()  # an enum's options (the default is one of them)
    series: bool = True  # False: the one-date algorithm's only; a series runs the default (not in its tags nor key)


@dataclass(frozen=True)
class ReferenceSetPlan:
    """A method's optional per-reference-set plan for a series (``Method.plan``): ``build(refs, resampling, halo,
    params)`` makes, once per tile, the plan of the tile's reference blocks (the roles but the coarse target) on the
    window's linear resampling operator (core.data.linear_resampling); the plan's ``resampled(M)`` is R M (None
    where R does not hold) and ``predict(M, C0, linear)`` one date's tile.  ``engines``: the engines it runs on;
    ``pays(dates, engine)``: whether it pays for a reference set of that many dates (fuse_series' ``precompute``
    None); ``tag``: the PRECOMPUTED provenance tag of a date fused with it; ``two_pairs``: it needs both pairs."""

    build: object
    engines: tuple
    pays: object
    tag: str
    two_pairs: bool = True

    def applies(self, two_pairs, resampled, engine):
        """Whether a date can use the plan: two pairs where it needs them, its MODIS resampled per window (the
        plan is built on the resampling operator) and an engine of the plan's."""
        return (two_pairs or not self.two_pairs) and resampled and engine in self.engines


@dataclass(frozen=True)
class Method:
    id: str
    label: str
    kind: str
    pair_mode: str
    quantities: tuple = ("lst",)
    halo: str = WINDOW_HALO
    params: tuple = ()
    pair_stats: object = None
    tile: object = None
    model: str = ""
    tiling: str = FREE
    baseline: bool = False  # MODIS resampled: a series may write it (auto's "use MODIS"); no Toolbox algorithm
    fit: object = None  # pair mode ALL: the model rasters from every reference pair, once per reference set
    plan: object = None  # a ReferenceSetPlan: per-reference-set work a series makes once (classical, optional)

    @property
    def tag(self):
        return self.id.upper()

    @property
    def algorithm_id(self):
        """The Processing id of its one-date algorithm: ``lstfusion:<id>`` (classical; the optional thin
        algorithm file uses ``ALG_ID = id``) or ``lstfusion:predict_<model>`` (deep)."""
        return f"lstfusion:{self.id}" if self.classical else f"lstfusion:predict_{self.model}"

    @property
    def classical(self):
        return self.kind == "classical"

    @property
    def fusion(self):
        """A fusion method (not the MODIS baseline): validation's candidates, the panel's one-date methods."""
        return not self.baseline

    @property
    def roles(self):
        """The classical methods' input roles for one or two pairs, or the model rasters and the day's MODIS of a
        method of pair mode ALL (deep models: the model registry's)."""
        if self.pair_mode == ALL:
            return MODEL_ROLES
        return TWO_PAIR_ROLES if self.pair_mode == TWO else ONE_PAIR_ROLES

    def param(self, name):
        return next((p for p in self.params if p.name == name), None)

    def default(self, name):
        p = self.param(name)
        return None if p is None else p.default


def deep(model_id, label, pair_mode):
    """A deep model's entry: its checkpoint and everything else from models/registry.py's ``model_id``."""
    return Method(model_id, label, "deep", pair_mode, ("lst",), MODEL_HALO_RULE, (Param("CHECKPOINT", ""),),
                  model=model_id)


def _classes():
    return Param("CLASSES", estarfm.DEFAULT_CLASSES, minimum=1)


METHODS = (
    Method("estarfm", "ESTARFM", "classical", TWO, estarfm.QUANTITIES, WINDOW_HALO,
           (Param("WINDOW", 2 * estarfm.DEFAULT_HALF_WINDOW + 1, minimum=MIN_WINDOW, odd=True), _classes(),
            Param("CHANGE_THRESHOLD", estarfm.DEFAULT_CHANGE_THRESHOLD, minimum=0.0), Param("QUANTITY", "lst"),
            Param("MODE", estarfm.MODES[0], options=estarfm.MODES, series=False, label="Mode",
                  help="published: Zhu's ESTARFM as published; lst-robust: conversion coefficients shrunk towards 1 "
                       "and bounded, one pair where the two references disagree by more than 3 degrees.")),
           pair_stats=estarfm.pair_statistics, tile=estarfm.fuse_tile,
           plan=ReferenceSetPlan(estarfm_plan.tile_plan, estarfm_plan.PLAN_ENGINES, estarfm_plan.plan_pays,
                                 estarfm_plan.PLAN_TAG)),
    Method("starfm", "STARFM", "classical", ANY, starfm.QUANTITIES, WINDOW_HALO,
           (Param("WINDOW", starfm.DEFAULT_WINDOW, minimum=MIN_WINDOW, odd=True),
            Param("CLASSES", starfm.DEFAULT_CLASSES, minimum=1),
            Param("SPATIAL_FACTOR", starfm.DEFAULT_SPATIAL_FACTOR, minimum=1e-6, series=False,
                  label="Spatial distance factor A", help="A in the relative distance D = 1 + d/A (150 by default)."),
            Param("UNCERTAINTY", starfm.DEFAULT_UNCERTAINTY, minimum=1e-6, series=False,
                  label="Sensor uncertainty (degrees)",
                  help="Sensor uncertainty in degrees (0.5), used in the sample filter and the combined distance "
                       "(S + sigma)(T + sigma)D.")),
           pair_stats=starfm.pair_statistics, tile=starfm.fuse_tile),
    deep("edcstfn", "EDCSTFN", ONE),
    deep("sttfn", "STTFN", TWO),
    deep("mlffgan", "MLFF-GAN", ONE),
    deep("ganstfm", "GAN-STFM", ONE),
    deep("swinstfm", "SwinSTFM", ONE),
    Method("fitfc", "Fit-FC", "classical", ONE, ("lst",), lambda p: fitfc.tile_halo(p["WINDOW"], p["FACTOR"]),
           (Param("WINDOW", fitfc.DEFAULT_WINDOW, minimum=MIN_WINDOW, odd=True),
            Param("SIMILAR_PIXELS", fitfc.DEFAULT_SIMILAR, minimum=1), Param("FACTOR", None, minimum=1)),
           pair_stats=fitfc.pair_statistics, tile=fitfc.fuse_tile, tiling=COARSE),
    Method("fsdaf", "FSDAF", "classical", ONE, ("lst",), WINDOW_HALO,
           (Param("WINDOW", fsdaf.DEFAULT_WINDOW, minimum=MIN_WINDOW, odd=True),
            Param("CLASSES", fsdaf.DEFAULT_CLASSES, minimum=1),
            Param("SIMILAR_PIXELS", fsdaf.DEFAULT_SIMILAR, minimum=1),
            Param("PURE_PIXELS", fsdaf.DEFAULT_PURE, minimum=1), Param("FACTOR", None, minimum=1)),
           pair_stats=fsdaf.pair_statistics, tile=fsdaf.fuse_tile, tiling=WHOLE),
    Method("modis", "MODIS resampled", "classical", ONE, ("lst", "reflectance"), lambda p: 0, (),
           tile=modis.fuse_tile, baseline=True),
    Method("sharpen", "Thermal sharpening", "classical", ONE, ("lst",), lambda p: 0,
           (Param("DEPTH", sharpen.DEFAULT_DEPTH, minimum=0, maximum=sharpen.MAX_DEPTH,
                  help="Depth of the regression tree of the day's MODIS on the nearest Landsat's LST averaged per "
                       "MODIS footprint, with a line per leaf (as the Data Mining Sharpener); 0 is one line over the "
                       "scene (TsHARP-like) and needs no scikit-learn."),
            Param("MIN_FOOTPRINTS", sharpen.DEFAULT_MIN_FOOTPRINTS, minimum=1,
                  help="Fewest MODIS footprints in a leaf of the tree: fewer footprints cannot split it."),
            Param("FACTOR", None, minimum=1)),
           pair_stats=sharpen.pair_statistics, tile=sharpen.fuse_tile, tiling=WHOLE),
    Method("allpairs", "All-pairs regression", "classical", ALL, ("lst",), lambda p: 0,
           (Param("RIDGE", allpairs.DEFAULT_RIDGE, minimum=0.0,
                  help="Strength of the pull of each pixel's slope towards its class's, in K^2 (or degC^2) of MODIS "
                       "variation over the reference dates: the prior weighs as much as that much spread of the "
                       "pixel's MODIS; 0 is each pixel's own least squares."),
            Param("CLASSES", allpairs.DEFAULT_CLASSES, minimum=1,
                  help="Classes of the pixels' mean reference LST (equal pixel counts), each with the pooled slope "
                       "its pixels are pulled towards.")),
           pair_stats=allpairs.pair_statistics, tile=allpairs.fuse_tile, fit=allpairs.fit_model),
    # append new methods here, never above: the METHOD enum's index is saved in models
)
BY_ID = {m.id: m for m in METHODS}
BY_LABEL = {m.label: m for m in METHODS}
IDS = tuple(BY_ID)
CLASSICAL = tuple(m.id for m in METHODS if m.classical and m.fusion)  # the classical fusion methods
BASELINE = next(m.id for m in METHODS if m.baseline)  # MODIS resampled
DEEP = tuple(m.id for m in METHODS if not m.classical)


def get(method_id, parameter="METHOD"):
    """The entry of ``method_id``; an unknown id is an error naming the known ones."""
    from ..platform.errors import LstFusionError

    if method_id not in BY_ID:
        raise LstFusionError(parameter, f"unknown method {method_id!r}; choose one of {', '.join(IDS)}")
    return BY_ID[method_id]


# ``auto`` entered fuse_series's METHOD enum (0.2.0) after the first seven methods: it keeps that index, and
# the methods appended to the table later (Fit-FC, FSDAF, ...) follow it
AUTO_POSITION = 7


def enum_ids():
    """The ids in the order of fuse_series's METHOD enum: the table's first :data:`AUTO_POSITION` methods,
    ``auto``, then the methods appended after it (append-only: a saved index keeps its method)."""
    return list(IDS[:AUTO_POSITION]) + [AUTO] + list(IDS[AUTO_POSITION:])


def labels(ids=IDS):
    return [BY_ID[i].label for i in ids]


def check_param(method, name, value):
    """Refuse a value outside the entry's bounds with one sentence starting with the parameter's name."""
    from ..platform.errors import LstFusionError
    from .tiling import check_odd_window

    p = get(method).param(name)
    if p is None or (value is None and p.default is None):  # None: taken from the grid by the caller
        return value
    if p.odd:
        check_odd_window(value, name)
    elif p.minimum is not None and value < p.minimum:
        raise LstFusionError(name, f"must be at least {p.minimum:g}, not {value}")
    if p.maximum is not None and value > p.maximum:
        raise LstFusionError(name, f"must be at most {p.maximum:g}, not {value}")
    return value


def halo(method, window=None, receptive_radius=None, params=None):
    """Px of context around a tile: half the window (classical), the entry's own rule of its ``params``, or
    twice the model's receptive radius, :data:`MODEL_HALO` for a model with global context
    (``receptive_radius`` None)."""
    m = get(method)
    if callable(m.halo):
        return int(m.halo(params))
    if m.halo == WINDOW_HALO:
        return (window or m.default("WINDOW")) // 2
    return 2 * receptive_radius if receptive_radius else MODEL_HALO


def tile_size(method, tile, shape, params):
    """The tile size a method runs with: ``tile`` (FREE), ``tile`` rounded up to whole MODIS pixels
    (COARSE, ``params["FACTOR"]``), or the whole image (WHOLE)."""
    m = get(method)
    if m.tiling == WHOLE:
        return max(shape)
    if m.tiling == COARSE:
        f = int(params["FACTOR"])
        return -(-int(tile) // f) * f
    return tile


def with_factor(method, params, factor):
    """``params`` with FACTOR set to ``factor`` (the MODIS pixel in fine pixels, from the grid) where the
    entry has a FACTOR parameter left at None."""
    p = get(method).param("FACTOR")
    if p is not None and params.get("FACTOR") is None:
        return dict(params, FACTOR=int(round(factor)))
    return params


def id_of(label):
    """The id of a method named by its label (``"STARFM"`` -> ``"starfm"``), as validation tables name them;
    a candidate label names its method too (``"STARFM (1 pair)"`` -> ``"starfm"``)."""
    return BY_LABEL[label].id if label in BY_LABEL else parse_candidate(label)[0]


# --- candidates: a method with the pair rule it runs with (issue 44: what is validated is what runs) --------
# A method whose pair mode leaves a choice (ANY: STARFM) is two candidates, each run exactly so by validation,
# auto and the series: the nearest pair only (ONE), or both neighbouring pairs where there are two (ANY).
RULE_NAMES = {ONE: "1 pair", ANY: "2 pairs"}  # in candidate labels and the PAIRS tag
RULE_TEXT = {ONE: "1 pair (the nearest)", TWO: "2 pairs (before and after)",
             ANY: "2 pairs (before and after; the nearest where there is one)", ALL: "every pair"}


def pair_rules(method_id):
    """The pair rules ``method_id`` can run with: (ONE, ANY) for a method of pair mode ANY, else its own."""
    mode = get(method_id).pair_mode
    return (ONE, ANY) if mode == ANY else (mode,)


def candidate_label(method_id, rule=None):
    """What tables and choices call the method run with ``rule`` (its table rule when None): the label, with
    the number of pairs where the method can run either way (``"STARFM (1 pair)"``, ``"STARFM (2 pairs)"``)."""
    m = get(method_id)
    rule = rule or m.pair_mode
    if rule not in pair_rules(method_id):
        from ..platform.errors import LstFusionError

        raise LstFusionError("PAIRS", f"{m.label} runs with {' or '.join(RULE_TEXT[r] for r in pair_rules(method_id))}"
                             f" only, not {RULE_TEXT[rule]}; leave PAIRS at the method's own rule")
    return f"{m.label} ({RULE_NAMES[rule]})" if len(pair_rules(method_id)) > 1 else m.label


def parse_candidate(label):
    """(method id, pair rule) of a candidate label (:func:`candidate_label`); a plain label is its table rule."""
    if label in BY_LABEL:
        m = BY_LABEL[label]
        return m.id, m.pair_mode
    for m in METHODS:
        for rule in pair_rules(m.id):
            if candidate_label(m.id, rule) == label:
                return m.id, rule
    from ..platform.errors import LstFusionError

    raise LstFusionError("METHOD", f"unknown method {label!r}")


def fuse_image(method, images, quantity="lst", engine="auto", tile=None, progress=None, cancel=None, factor=None,
               **params):
    """A classical method on whole images in memory: ``images`` maps roles (``fine_ref1``, ``coarse_ref1``,
    ``fine_ref2``, ``coarse_ref2``, ``coarse_target``) to arrays on one grid; without ``fine_ref2`` one pair
    is used (the method must accept one); a method of pair mode ALL takes ``fine_refs`` and ``coarse_refs``
    (lists, every reference pair) and ``coarse_target``, its ``fit`` made first (as a series makes it once).
    ``params``: the entry's parameters by Processing name (defaults otherwise); ``factor``: the MODIS pixel in
    fine pixels, for the methods with a FACTOR parameter. The table's ``pair_stats`` on the images' statistics
    and its ``tile`` function run tile by tile
    (core.fusion.tiling.run_tiled), as a series does."""
    import numpy as np

    from ..platform.errors import LstFusionError
    from .kernels import default_tile, resolve_engine
    from .tiling import ImageStats, run_tiled

    m = get(method)
    if not m.classical:
        raise LstFusionError("METHOD", f"{m.label} is a deep model: predict it with its checkpoint")
    two = "fine_ref2" in images
    if m.pair_mode == ALL and "fine_refs" not in images:
        raise LstFusionError("FINE_REFS", f"{m.label} needs the list of every reference pair")
    if m.pair_mode == TWO and not two:
        raise LstFusionError("FINE_REF2", f"{m.label} needs two reference pairs")
    roles = TWO_PAIR_ROLES if two else ONE_PAIR_ROLES
    values = {p.name: params.get(p.name, p.default) for p in m.params if p.series}
    if factor is not None:
        values = with_factor(method, values, factor)
    if m.param("FACTOR") is not None and values.get("FACTOR") is None:
        raise LstFusionError("FACTOR", f"{m.label} needs the MODIS pixel in fine pixels (FACTOR)")
    if "QUANTITY" in values:
        values["QUANTITY"] = quantity
    for name, value in values.items():
        check_param(method, name, value)
    if m.pair_mode == ALL:  # the model rasters from every pair, then the day's MODIS
        model = m.fit(images["fine_refs"], images["coarse_refs"], values, cancel)
        images = dict(zip(MODEL_ROLES, (*model, images["coarse_target"])))
        roles = MODEL_ROLES
    arrays = [np.asarray(images[r], dtype=np.float64) for r in roles]
    by_role = dict(zip(roles, arrays))
    stats = m.pair_stats(lambda role: ImageStats.of(by_role[role]) if role in by_role else None, values)
    engine = resolve_engine(engine)
    run = dict(values, ENGINE=engine, **stats)
    h = halo(method, values.get("WINDOW"), params=values)
    size = tile_size(method, tile or default_tile(engine), arrays[0].shape, values)
    return run_tiled(lambda blocks: m.tile(blocks, h, run), arrays, h, tile=size,
                     progress=progress, cancel=cancel)
