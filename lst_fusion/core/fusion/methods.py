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
* ``one_date`` (classical): a :class:`OneDate`, what its one-date Toolbox algorithm ``lstfusion:<id>`` is
  generated from (algorithms/fusion.py), with the entry's parameters (labels, defaults, bounds, help: written
  once, in :class:`Param`); All-pairs regression, whose inputs are every pair, keeps its own algorithm file;
* ``plan`` (optional, classical): a :class:`ReferenceSetPlan`, the per-reference-set work a series makes once
  for the dates of one reference set whose MODIS is resampled per window (ESTARFM's: core.fusion.estarfm_plan;
  STARFM's, Fit-FC's and FSDAF's: core.fusion.starfm_plan, fitfc_plan, fsdaf_plan),
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
from . import allpairs, estarfm, estarfm_plan, fitfc, fitfc_plan, fsdaf, fsdaf_plan, modis, sharpen, starfm, starfm_plan
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
    toolbox: bool = True  # False: no parameter of the one-date algorithm (FACTOR: from COARSE_PIXEL; QUANTITY)
    advanced: bool = False  # an advanced parameter of the one-date algorithm


# the engine parameter of a one-date algorithm (OneDate.engine)
WINDOW_SUMS = "window sums"  # ENGINE, resolved (core.fusion.kernels) and said in the log
SIMILAR_FILTER = "similar-pixel filter"  # ENGINE, resolved, then the neighbour filter's (numba or NumPy: Fit-FC's)


@dataclass(frozen=True)
class OneDate:
    """What a classical method's one-date Toolbox algorithm ``lstfusion:<id>`` (algorithms/fusion.py generates it)
    needs besides the entry's label, pair mode and parameters: ``run(images, params, factor, progress, cancel)``,
    the whole-image prediction (``images`` by role, ``params`` by Processing name, ``factor`` the MODIS pixel in
    fine pixels for an entry with a FACTOR parameter: the algorithm reads COARSE_PIXEL for it); ``help`` (HTML)
    and ``tags``; ``engine``: :data:`WINDOW_SUMS`, :data:`SIMILAR_FILTER` or "" (no ENGINE parameter);
    ``param_help``: (name, help) of the parameters that are no entry parameter (inputs, COARSE_PIXEL, ...) where
    the method says more than the common help."""

    run: object
    help: str
    tags: tuple = ()
    engine: str = WINDOW_SUMS
    param_help: tuple = ()


@dataclass(frozen=True)
class ReferenceSetPlan:
    """A method's optional per-reference-set plan for a series (``Method.plan``): ``build(refs, resampling, halo,
    params)`` makes, once per tile, the plan of the tile's reference blocks (the roles but the coarse target) on the
    window's linear resampling operator (core.data.linear_resampling); the plan's ``resampled(M)`` is R M (None
    where R does not hold) and ``predict(M, C0, linear)`` one date's tile.  ``engines``: the engines it runs on;
    ``tag``: the PRECOMPUTED provenance tag of a date fused with it; ``min_dates`` and ``pays_on``: it pays for a
    reference set of ``min_dates`` dates or more on an engine of ``pays_on`` (:meth:`pays`, fuse_series'
    ``precompute`` None); ``two_pairs``: it needs both pairs; ``resampling``: it is built on the resampling
    operator (False: ``build`` gets None, each date's MODIS is read onto the window as the per-date kernel reads
    it, and MODIS already on the fine grid can use the plan too; for STARFM also because R M, equal within float
    rounding, would flip its special case T = 0 by kelvins); ``date_as_rm``: a plan built without the operator
    still takes each date's window as R M where R holds (the window's operator, measured once per tile:
    core.data.linear_resampling) instead of GDAL resampling the date per window: for a plan whose date enters only
    through sums and least squares (no test of the day's values that a float rounding could flip), equal to the
    per-date kernel within float rounding."""

    build: object
    engines: tuple
    tag: str
    min_dates: int = 1
    pays_on: tuple = ("numba",)
    two_pairs: bool = True
    resampling: bool = True
    date_as_rm: bool = False

    def applies(self, two_pairs, resampled, engine):
        """Whether a date can use the plan: two pairs where it needs them, its MODIS resampled per window where
        the plan is built on the resampling operator, and an engine of the plan's."""
        return (two_pairs or not self.two_pairs) and (resampled or not self.resampling) and engine in self.engines

    def pays(self, dates, engine):
        """Whether the plan pays for a reference set of ``dates`` dates on ``engine`` (``precompute`` None)."""
        return dates >= self.min_dates and engine in self.pays_on


def pair_plan(plan_class, tag, date_as_rm=False):
    """The :class:`ReferenceSetPlan` of a one-pair plan of the references alone (Fit-FC's, FSDAF's):
    ``plan_class(refs, halo, params)``, on numba (the kept neighbours of core.fusion.neighbours.similar_lists),
    from the first date of a pair (its build costs less than one per-date kernel: docs/series_precompute.md);
    ``date_as_rm``: :class:`ReferenceSetPlan`'s."""

    def build(refs, resampling, halo, params):
        return plan_class(refs, halo, params)

    return ReferenceSetPlan(build, ("numba",), tag, min_dates=1, two_pairs=False, resampling=False,
                            date_as_rm=date_as_rm)


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
    one_date: object = None  # a OneDate: its one-date Toolbox algorithm, generated (classical)

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


WINDOW_LABEL = "Window size (pixels, odd)"
CLASSES_LABEL = "Number of classes"
SIMILAR_LABEL = "Number of similar pixels"
FACTOR = Param("FACTOR", None, minimum=1, toolbox=False)  # the MODIS pixel in fine pixels: from the grid
COARSE_PIXEL_HELP = "MODIS pixel size in metres (1000 for MOD11A1 LST): "
SAME_GRID = "All inputs must share one grid (use lstfusion:resample)."


def _loads_as(label):
    return (f"The output carries its method, date, unit and parameters as GDAL metadata and loads with a temperature "
            f"style named '{label} date'.")


METHODS = (
    Method("estarfm", "ESTARFM", "classical", TWO, estarfm.QUANTITIES, WINDOW_HALO,
           (Param("WINDOW", 2 * estarfm.DEFAULT_HALF_WINDOW + 1, minimum=MIN_WINDOW, odd=True, label=WINDOW_LABEL,
                  help="Side of the moving window in pixels, odd; 51 as in Zhu's code for 30 m Landsat and 500 m "
                       "MODIS."),
            Param("CLASSES", estarfm.DEFAULT_CLASSES, minimum=1, label=CLASSES_LABEL,
                  help="Number of land-cover classes assumed for the similar-pixel threshold (2 std / classes)."),
            Param("CHANGE_THRESHOLD", estarfm.DEFAULT_CHANGE_THRESHOLD, minimum=0.0,
                  label="Coarse change threshold for regression (degrees)",
                  help="Minimum coarse change (degrees) over the similar pixels for the conversion coefficient "
                       "to be estimated by regression; below it the coefficient is 1."),
            Param("QUANTITY", "lst", toolbox=False),
            Param("MODE", estarfm.MODES[0], options=estarfm.MODES, series=False, label="Mode", advanced=True,
                  help="published: Zhu's ESTARFM as published; lst-robust: conversion coefficients shrunk towards 1 "
                       "and bounded, one pair where the two references disagree by more than 3 degrees.")),
           pair_stats=estarfm.pair_statistics, tile=estarfm.fuse_tile,
           one_date=OneDate(
               estarfm.fuse_date,
               "Enhanced STARFM (Zhu et al. 2010): two reference pairs (before and after the target) plus the "
               "coarse image of the target date give the fine image of the target date. All inputs must share "
               "one grid (use lstfusion:resample).<br>"
               "Spectral similarity for one band: 1 &minus; 0.5&middot;&Sigma;|(F&minus;C)/(F+C)| "
               "over the two pairs, in Kelvin. Nodata pixels never count as similar; the output is nodata where "
               "any input is nodata. The output carries its method, date, unit and parameters as GDAL metadata "
               "and loads with a temperature style named 'ESTARFM date'.<br>"
               "<b>MODE</b>: published (Zhu's ESTARFM, the default) or lst-robust, for LST references in other "
               "seasons: conversion coefficients shrunk towards 1 by their regression's standard error and bounded "
               "to 0.5-1.5, and the temporally nearer pair alone where the two one-pair predictions differ by more "
               "than 3 degrees (docs/coregistration.md).", ("ESTARFM", "STARFM", "Zhu")),
           plan=ReferenceSetPlan(estarfm_plan.tile_plan, ("numba", "numpy"), estarfm_plan.PLAN_TAG,
                                 min_dates=estarfm_plan.PLAN_MIN_DATES)),
    Method("starfm", "STARFM", "classical", ANY, starfm.QUANTITIES, WINDOW_HALO,
           (Param("WINDOW", starfm.DEFAULT_WINDOW, minimum=MIN_WINDOW, odd=True, label=WINDOW_LABEL,
                  help="Side of the moving window in pixels, odd; 31 as in starfm4py."),
            Param("CLASSES", starfm.DEFAULT_CLASSES, minimum=1, label=CLASSES_LABEL,
                  help="Number of land-cover classes assumed for the similar-pixel threshold (4 by default)."),
            Param("SPATIAL_FACTOR", starfm.DEFAULT_SPATIAL_FACTOR, minimum=1e-6, series=False,
                  label="Spatial distance factor A", help="A in the relative distance D = 1 + d/A (150 by default)."),
            Param("UNCERTAINTY", starfm.DEFAULT_UNCERTAINTY, minimum=1e-6, series=False,
                  label="Sensor uncertainty (degrees)",
                  help="Sensor uncertainty in degrees (0.5), used in the sample filter and the combined distance "
                       "(S + sigma)(T + sigma)D.")),
           pair_stats=starfm.pair_statistics, tile=starfm.fuse_tile,
           one_date=OneDate(
               starfm.fuse_date,
               "STARFM (Gao et al. 2006): one reference pair (or two) plus the coarse image of the target date "
               f"give the fine image of the target date. {SAME_GRID} {_loads_as('STARFM')}", ("STARFM", "Gao"),
               param_help=(("FINE_REF2", "Optional second fine (Landsat) reference; with COARSE_REF2 the prediction "
                                         "uses both pairs."),
                           ("COARSE_REF2", "Optional coarse (MODIS) LST of the second reference date, with "
                                           "FINE_REF2."))),
           plan=ReferenceSetPlan(starfm_plan.tile_plan, ("numba",), starfm_plan.PLAN_TAG,
                                 min_dates=starfm_plan.PLAN_MIN_DATES, two_pairs=False, resampling=False)),
    deep("edcstfn", "EDCSTFN", ONE),
    deep("sttfn", "STTFN", TWO),
    deep("mlffgan", "MLFF-GAN", ONE),
    deep("ganstfm", "GAN-STFM", ONE),
    deep("swinstfm", "SwinSTFM", ONE),
    Method("fitfc", "Fit-FC", "classical", ONE, ("lst",), lambda p: fitfc.tile_halo(p["WINDOW"], p["FACTOR"]),
           (Param("WINDOW", fitfc.DEFAULT_WINDOW, minimum=MIN_WINDOW, odd=True, label=WINDOW_LABEL,
                  help="Side of the moving window of the regression and of the filter in pixels, odd; 51 as "
                       "ImageFusion."),
            Param("SIMILAR_PIXELS", fitfc.DEFAULT_SIMILAR, minimum=1, label=SIMILAR_LABEL,
                  help="Number of most similar pixels (the centre included) averaged by the filter; 10 as "
                       "ImageFusion."), FACTOR),
           pair_stats=fitfc.pair_statistics, tile=fitfc.fuse_tile, tiling=COARSE,
           one_date=OneDate(
               fitfc.fuse_date,
               "Fit-FC (Wang &amp; Atkinson 2018): one reference pair plus the coarse image of the target date give "
               "the fine image of the target date, built for strong temporal change. Regression model fitting (a "
               "local line from the coarse reference to the coarse target in a moving window, applied to the fine "
               "reference), spatial filtering (a weighted mean over the most similar pixels) and residual "
               "compensation (the coarse residual, averaged over each MODIS pixel and interpolated bicubically). "
               "Defaults as the ImageFusion package's Fit-FC (docs/fitfc_fsdaf.md). All inputs must share one grid "
               f"(use lstfusion:resample). {_loads_as('Fit-FC')}", ("Fit-FC", "FitFC", "Wang", "Atkinson", "regression"),
               SIMILAR_FILTER,
               (("COARSE_PIXEL", COARSE_PIXEL_HELP + "the footprint over which Fit-FC averages its residual before "
                                                     "interpolating it, and of the residual correction."),)),
           # the date as R M: 3.05e-5 K from the kernel (benchmarks/series_crop_equal.py); FSDAF's would move 0.014 K
           plan=pair_plan(fitfc_plan.FitfcTilePlan, fitfc_plan.PLAN_TAG, date_as_rm=True)),
    Method("fsdaf", "FSDAF", "classical", ONE, ("lst",), WINDOW_HALO,
           (Param("WINDOW", fsdaf.DEFAULT_WINDOW, minimum=MIN_WINDOW, odd=True, label=WINDOW_LABEL,
                  help="Side of the window of the homogeneity index and of the final filter in pixels, odd; 41 as "
                       "Zhu's code (w = 20)."),
            Param("CLASSES", fsdaf.DEFAULT_CLASSES, minimum=1, label=CLASSES_LABEL,
                  help="Number of k-means classes of the fine reference (4, the lower end of Zhu's ISODATA range "
                       "4-6)."),
            Param("SIMILAR_PIXELS", fsdaf.DEFAULT_SIMILAR, minimum=1, label=SIMILAR_LABEL,
                  help="Number of similar pixels of the final filter; 20 as Zhu's code."),
            Param("PURE_PIXELS", fsdaf.DEFAULT_PURE, minimum=1, label="Purest MODIS pixels per class", advanced=True,
                  help="Number of purest MODIS pixels per class used for its temporal change; 100 as Zhu's code."),
            FACTOR),
           pair_stats=fsdaf.pair_statistics, tile=fsdaf.fuse_tile, tiling=WHOLE,
           one_date=OneDate(
               fsdaf.fuse_date,
               "FSDAF (Zhu et al. 2016): one reference pair plus the coarse image of the target date give the fine "
               "image of the target date. The fine reference is classified (k-means, deterministic); each class's "
               "temporal change comes from the purest MODIS pixels by bounded least squares; a thin plate spline of "
               "the coarse target and a homogeneity index distribute the residual; a filter over similar pixels "
               "gives the result. As Zhu's IDL code, step by step (docs/fitfc_fsdaf.md). All inputs must share one "
               f"grid (use lstfusion:resample). {_loads_as('FSDAF')}", ("FSDAF", "Zhu", "thin plate spline", "unmixing"),
               SIMILAR_FILTER,
               (("COARSE_PIXEL", COARSE_PIXEL_HELP + "FSDAF's coarse pixel, and the footprint of the residual "
                                                     "correction."),)),
           plan=pair_plan(fsdaf_plan.FsdafTilePlan, fsdaf_plan.PLAN_TAG)),
    Method("modis", "MODIS resampled", "classical", ONE, ("lst", "reflectance"), lambda p: 0, (),
           tile=modis.fuse_tile, baseline=True),
    Method("sharpen", "Thermal sharpening", "classical", ONE, ("lst",), lambda p: 0,
           (Param("DEPTH", sharpen.DEFAULT_DEPTH, minimum=0, maximum=sharpen.MAX_DEPTH, label="Tree depth (0 = one line)",
                  help="Depth of the regression tree of the day's MODIS on the nearest Landsat's LST averaged per "
                       "MODIS footprint, with a line per leaf (as the Data Mining Sharpener); 0 is one line over the "
                       "scene (TsHARP-like) and needs no scikit-learn."),
            Param("MIN_FOOTPRINTS", sharpen.DEFAULT_MIN_FOOTPRINTS, minimum=1, advanced=True,
                  label="Fewest MODIS footprints per leaf",
                  help="Fewest MODIS footprints in a leaf of the tree: fewer footprints cannot split it."),
            FACTOR,
            Param("PREDICTORS", sharpen.LST_ONLY, options=sharpen.PREDICTOR_OPTIONS, series=False, toolbox=False,
                  label="Fine predictors",
                  help="What the regression uses at the fine scale: the reference Landsat's LST only, or its LST and "
                       "its spectral indices (NDVI, NDWI, NDBI: the INDICES raster, or computed from the REFLECTANCE "
                       "raster of Collection 2 surface reflectance, else the bands after the first of FINE_REF1, as "
                       "Earth Engine exports carry them). Appended; the one-date algorithm's only.")),
           pair_stats=sharpen.pair_statistics, tile=sharpen.fuse_tile, tiling=WHOLE,
           one_date=OneDate(
               sharpen.fuse_date,
               "Thermal sharpening of the target day (the TsHARP / DisTrad / Data Mining Sharpener family, Gao, "
               "Kustas &amp; Anderson 2012): the target day's MODIS LST, averaged over each MODIS footprint, is "
               "regressed on the fine reference LST averaged over the same footprints (a regression tree with a line "
               "per leaf, scikit-learn; or one line over the scene with DEPTH 0), the regression is applied at the "
               "fine scale, and each footprint's residual is corrected so that the result averages to the day's "
               "MODIS over every footprint. The fine pattern is the reference's, its contrast the target day's own. "
               "COARSE_REF1 is not used. All inputs must share one grid (use lstfusion:resample). The output "
               "carries its method, date, unit and parameters as GDAL metadata and loads with a temperature style "
               "named 'Thermal sharpening date'.",
               ("sharpening", "TsHARP", "DisTrad", "DMS", "downscaling", "disaggregation", "regression tree"), "",
               (("COARSE_PIXEL", COARSE_PIXEL_HELP + "the footprint over which the regression is fitted and the "
                                                     "residual corrected, and of the optional extra residual "
                                                     "correction."),
                ("RESIDUAL_CORRECTION", "An extra correction after the method's own: the method already keeps each "
                                        "MODIS footprint's mean, so 'MODIS footprint' changes nothing and 'scene "
                                        "mean' almost nothing; 'none' by default.")))),
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
               plan=False, **params):
    """A classical method on whole images in memory: ``images`` maps roles (``fine_ref1``, ``coarse_ref1``,
    ``fine_ref2``, ``coarse_ref2``, ``coarse_target``) to arrays on one grid; without ``fine_ref2`` one pair
    is used (the method must accept one); a method of pair mode ALL takes ``fine_refs`` and ``coarse_refs``
    (lists, every reference pair) and ``coarse_target``, its ``fit`` made first (as a series makes it once).
    ``params``: the entry's parameters by Processing name (defaults otherwise); ``factor``: the MODIS pixel in
    fine pixels, for the methods with a FACTOR parameter. The table's ``pair_stats`` on the images' statistics
    and its ``tile`` function run tile by tile
    (core.fusion.tiling.run_tiled), as a series does.  ``plan``: where the entry's plan is one of the references
    alone that pays from one date on this engine (Fit-FC's, FSDAF's: :func:`pair_plan`), each tile is built and
    predicted by it instead of the per-date kernel, as a series' first date is (equal within float rounding,
    docs/series_precompute.md; cheaper for one date than the kernel)."""
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
    kernel = lambda blocks: m.tile(blocks, h, run)  # noqa: E731
    if plan and one_date_plan(m, two, engine):
        kernel = lambda blocks: m.plan.build(blocks[:-1], None, h, run).predict(None, blocks[-1])  # noqa: E731
    return run_tiled(kernel, arrays, h, tile=size, progress=progress, cancel=cancel)


def one_date_plan(entry, two_pairs, engine):
    """Whether ``entry``'s plan runs one date on its own, on ``engine``: a plan of the references alone (no
    resampling operator) that pays from one date (Fit-FC's, FSDAF's)."""
    p = entry.plan
    return p is not None and not p.resampling and p.applies(two_pairs, False, engine) and p.pays(1, engine)
