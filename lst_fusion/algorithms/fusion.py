"""lstfusion:<id>, the one-date Toolbox algorithm of every classical method whose table entry has a ``one_date``
(core.fusion.methods.OneDate): generated from the entry, as predict_<model> is from the model registry.

The entry gives the id, label, pair mode (the inputs: ONE: COARSE_TARGET, FINE_REF1, COARSE_REF1; TWO: the two
pairs; ANY: the second pair optional), its parameters (name, label, default, bounds, enum options, advanced,
help: written once, in the entry), the help and tags, the engine parameter and the whole-image run.  Parameter
names, ids and option indices are those released (``scripts/dump_parameters.py``).

Appended (issue 38): OUTPUT_UNCERTAINTY, the optional uncertainty map of the prediction (docs/uncertainty.md),
calibrated as fuse_series calibrates its maps (core.evaluation.uncertainty.calibrate_pairs) on the pairs given:
each reference pair's date predicted from the other pair and compared with its own Landsat.  A one-pair method
gets an optional second pair (FINE_REF2, COARSE_REF2) for it, which its prediction does not use; a method that
needs two pairs to predict (ESTARFM) cannot predict a pair from the other one, so it has no such output.
"""
import os

from qgis.core import QgsProcessingParameterRasterDestination

from ..core.data import roles
from ..core.fusion import methods
from ..core.platform.errors import LstFusionError
from . import names as P
from .base import (
    FUSION_ROLES,
    LstFusionAlgorithm,
    add_double,
    add_engine,
    add_enum,
    add_fusion_inputs,
    add_int,
    add_raster,
    add_residual_correction,
    corrected_with_params,
    engine_value,
    read_role_rasters,
    set_advanced,
)
from .outputs import UncertaintyLayerPostProcessor, fused_output

ONE_PAIR = (P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1)
SECOND_PAIR = (P.FINE_REF2, P.COARSE_REF2)
OUTPUT_HELP = "Fused fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels)."
UNCERTAINTY_HELP = ("Optional: the prediction's uncertainty map, the half-width of its central 90 % interval per pixel "
                    "in the LST's unit (tag UNCERTAINTY=90% half-width), calibrated on the two reference pairs: each "
                    "pair's date predicted from the other pair with this method and these parameters and compared "
                    "with its own Landsat (docs/uncertainty.md). It needs both pairs; with one pair no map can be "
                    "calibrated and the run says so.")
CALIBRATION_PAIR_HELP = ("Optional second reference pair (Landsat and MODIS of one other date) used only to calibrate "
                         "OUTPUT_UNCERTAINTY: the prediction uses the first pair.")
INDICES_HELP = ("Optional, with PREDICTORS 'LST and spectral indices': a raster on the fine grid whose every band is "
                "a spectral index (NDVI, NDWI, NDBI ...) of the FINE_REF1 date; empty: the bands after the LST of "
                "FINE_REF1 (as Earth Engine exports carry them).")
REFLECTANCE_HELP = ("Optional, with PREDICTORS 'LST and spectral indices' and INDICES empty: the FINE_REF1 date's "
                    "Landsat Collection 2 Level-2 surface reflectance on the fine grid, 4 bands green, red, NIR, SWIR1 "
                    "(Landsat 8/9 SR_B3-SR_B6, Landsat 5/7 SR_B2-SR_B5) or 5 with QA_PIXEL last, as search_download's "
                    "FETCH_REFLECTANCE writes them; DN are scaled (x 0.0000275 - 0.2), fill and QA_PIXEL's cloud, "
                    "shadow and snow bits masked, and NDVI, NDWI (green, NIR) and NDBI computed from it.")
ONE_PAIR_MAP = ("no uncertainty map can be calibrated from one pair: the calibration predicts each reference pair "
                "from another pair and compares it with its own Landsat; give a second pair (FINE_REF2 and "
                "COARSE_REF2) or leave OUTPUT_UNCERTAINTY empty")


def filter_engine_value(alg, parameters, context, feedback):
    """ENGINE resolved as for ESTARFM, then to the engine of the similar-pixel filter (numba or NumPy), logged."""
    from ..core.fusion.fitfc import filter_engine
    from ..core.fusion.kernels import describe_engine

    engine = engine_value(alg, parameters, context, feedback)
    run = filter_engine(engine)
    if run != engine:
        feedback.pushInfo(f"{alg.DISPLAY}: the similar-pixel filter has no PyTorch engine; {describe_engine(run)}")
    return run


ENGINE_VALUE = {methods.WINDOW_SUMS: engine_value, methods.SIMILAR_FILTER: filter_engine_value}


def one_date_ids():
    """The ids of the methods whose one-date algorithm is generated here, in table order."""
    return [m.id for m in methods.METHODS if m.classical and m.one_date is not None]


def toolbox_params(entry):
    return [p for p in entry.params if p.toolbox]


def has_uncertainty(entry):
    """Whether the entry's one-date algorithm has OUTPUT_UNCERTAINTY: a reference pair can be predicted from one
    other pair (pair mode ONE or ANY; not TWO)."""
    return entry.pair_mode in (methods.ONE, methods.ANY)


class OneDateFusion(LstFusionAlgorithm):
    """The one-date algorithm of the entry ``ENTRY`` (a subclass per method: :func:`fusion_class`)."""

    ENTRY = None
    GROUP = "classical"

    def inputs(self):
        """(the input parameters in the order read, the optional ones) by the entry's pair mode."""
        mode = self.ENTRY.pair_mode
        if mode == methods.ONE:
            return ONE_PAIR, ()
        return FUSION_ROLES, (SECOND_PAIR if mode == methods.ANY else ())

    def initAlgorithm(self, config=None):  # noqa: N802
        names, optional = self.inputs()
        if names == ONE_PAIR:
            add_fusion_inputs(self, names=ONE_PAIR)
        else:
            add_fusion_inputs(self, optional=optional)
        for p in toolbox_params(self.ENTRY):
            if p.options:
                add_enum(self, p.name, p.label, list(p.options), p.options.index(p.default), advanced=p.advanced)
                continue
            if isinstance(p.default, float):
                add_double(self, p.name, p.label, p.default, p.minimum)
            else:
                add_int(self, p.name, p.label, p.default, p.minimum, p.maximum)
            if p.advanced:
                set_advanced(self, p.name)
        if self.ENTRY.one_date.engine:
            add_engine(self)
        add_residual_correction(self)
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, f"{self.DISPLAY} prediction"))
        self.add_predictors()
        if has_uncertainty(self.ENTRY):
            if names == ONE_PAIR:  # appended: the pair that calibrates the uncertainty map only
                add_raster(self, P.FINE_REF2, "Calibration pair: fine Landsat LST", optional=True)
                add_raster(self, P.COARSE_REF2, "Calibration pair: MODIS LST of its date", optional=True)
            self.addParameter(QgsProcessingParameterRasterDestination(
                P.OUTPUT_UNCERTAINTY, "Uncertainty map (90% half-width)", optional=True, createByDefault=False))
        if self.ENTRY.param(P.PREDICTORS) is not None:  # appended: the indices from surface reflectance
            add_raster(self, P.REFLECTANCE, "Surface reflectance of the reference Landsat date (C2 L2)", optional=True)

    def add_predictors(self):
        """Appended (issue 38) where the entry has PREDICTORS (thermal sharpening): the enum and INDICES."""
        p = self.ENTRY.param(P.PREDICTORS)
        if p is None:
            return
        add_enum(self, p.name, p.label, list(p.options), p.options.index(p.default))
        add_raster(self, P.INDICES, "Spectral indices of the reference Landsat date", optional=True)

    def predictors(self, parameters, context):
        """PREDICTORS' value (None where the entry has none)."""
        p = self.ENTRY.param(P.PREDICTORS)
        return None if p is None else self.enum_value(parameters, P.PREDICTORS, context, list(p.options))

    def indices_in_fine_ref(self, parameters, context):
        """Whether the indices are FINE_REF1's bands after its LST (spectral indices asked, INDICES empty)."""
        from ..core.fusion import sharpen

        return (self.predictors(parameters, context) == sharpen.WITH_INDICES
                and not self.raster_source(parameters, P.INDICES, context, optional=True, single_band=False)
                and not self.raster_source(parameters, P.REFLECTANCE, context, optional=True, single_band=False))

    def read_predictors(self, parameters, context, r, params, feedback):
        """{role: the indices} for the images, with PREDICTORS in ``params``; {} with LST only."""
        from ..core.fusion import sharpen

        value = self.predictors(parameters, context)
        if value is None:
            return {}
        params[P.PREDICTORS] = value
        sr = self.raster_source(parameters, P.REFLECTANCE, context, optional=True, single_band=False)
        if value == sharpen.LST_ONLY:
            if sr:
                raise LstFusionError(P.REFLECTANCE, "a surface reflectance raster is given but PREDICTORS is 'LST only', "
                                     "which would not use it; "
                                     "choose 'LST and spectral indices' in PREDICTORS or leave REFLECTANCE empty")
            return {}
        fine = r[P.FINE_REF1]
        path = self.raster_source(parameters, P.INDICES, context, optional=True, single_band=False)
        if path and sr:
            raise LstFusionError(P.REFLECTANCE, "INDICES is given too, and the indices come from one of them; leave "
                                 "REFLECTANCE or INDICES empty")
        if sr:
            from ..core.data import reflectance

            indices = reflectance.read_indices(sr, fine.grid, P.REFLECTANCE)
            path = sr
        elif path:
            indices = sharpen.read_indices(path, fine.grid, P.INDICES)
        else:
            indices = sharpen.read_indices(fine.path, fine.grid, P.FINE_REF1, first_band=fine.band + 1)
        if not indices:
            raise LstFusionError(P.INDICES, f"PREDICTORS asks for spectral indices, but INDICES is empty and "
                                 f"FINE_REF1 ({os.path.basename(fine.path)}) has no band after its LST; give a raster "
                                 "of the indices of its date, or choose LST only")
        sharpen.check_indices(indices, fine.data.shape, (P.REFLECTANCE if sr else P.INDICES) if path else P.FINE_REF1)
        feedback.pushInfo(f"{self.DISPLAY}: {len(indices)} spectral index band(s) "
                          + ("(NDVI, NDWI, NDBI computed from surface reflectance) " if sr else "")
                          + f"from {os.path.basename(path or fine.path)} beside the reference LST")
        return {sharpen.INDICES_ROLE: indices}

    def execute(self, parameters, context, feedback, progress, cancel):
        from ..core.fusion import residual

        entry = self.ENTRY
        names, optional = self.inputs()
        unc_path = (self.parameterAsOutputLayer(parameters, P.OUTPUT_UNCERTAINTY, context)
                    if has_uncertainty(entry) else None)
        calibration_only = SECOND_PAIR if unc_path and names == ONE_PAIR else ()
        r = read_role_rasters(self, parameters, context, tuple(names) + calibration_only,
                              optional=tuple(optional) + calibration_only, feedback=feedback,
                              multi_band=(P.FINE_REF1,) if self.indices_in_fine_ref(parameters, context) else ())
        calibration_pair = {k: r.pop(k) for k in calibration_only}
        factor = None
        if entry.param("FACTOR") is not None:  # the MODIS pixel in fine pixels, from COARSE_PIXEL
            pixel = self.parameterAsDouble(parameters, P.COARSE_PIXEL, context)
            factor = residual.footprint_pixels(r[P.COARSE_TARGET].grid, pixel)
            feedback.pushInfo(f"{self.DISPLAY}: the MODIS pixel ({pixel:g} m) is {factor}x{factor} fine pixels")
        params = {}
        for p in toolbox_params(entry):
            if p.options:
                params[p.name] = self.enum_value(parameters, p.name, context, list(p.options))
            elif isinstance(p.default, float):
                params[p.name] = self.parameterAsDouble(parameters, p.name, context)
            else:
                params[p.name] = self.parameterAsInt(parameters, p.name, context)
        if factor is not None:
            params[P.COARSE_PIXEL] = pixel
        if entry.one_date.engine:
            params[P.ENGINE] = ENGINE_VALUE[entry.one_date.engine](self, parameters, context, feedback)
        extra = self.read_predictors(parameters, context, r, params, feedback)
        cal = refs = None
        if unc_path and extra:  # spectral indices
            raise LstFusionError(P.OUTPUT_UNCERTAINTY, "the calibration predicts each pair with the reference LST "
                                 "only, so it would not describe a sharpening with spectral indices; choose LST only "
                                 "in PREDICTORS or leave OUTPUT_UNCERTAINTY empty")
        if unc_path:  # calibrated first: a map that cannot be made stops the run before the prediction
            cal, refs = self.calibration({**r, **calibration_pair}, parameters, context, params, feedback, cancel)
        images = {roles.BY_PARAMETER[k].role: v.data for k, v in r.items() if v is not None}
        images.update(extra)
        out = entry.one_date.run(images, params, factor, progress, cancel)
        out, params = corrected_with_params(self, parameters, context, feedback, out, r, params)
        path, written, tags = fused_output(self, parameters, context, out, r, self.DISPLAY, params, feedback=feedback)
        result = {P.OUTPUT: path}
        if cal is not None:
            result[P.OUTPUT_UNCERTAINTY] = self.write_uncertainty(unc_path, cal, refs, written, tags, r, path, context,
                                                                  feedback)
        return result

    def calibration(self, r, parameters, context, params, feedback, cancel):
        """(the core Calibration, {Landsat role: (date, (landsat, modis))}): core.evaluation.uncertainty's
        calibrate_pairs on the pairs given, with this run's method, pair rule, parameters and residual
        correction; one sentence naming OUTPUT_UNCERTAINTY when it cannot be made."""
        from ..core.data.pairing import own_date
        from ..core.evaluation import uncertainty as core_unc
        from ..core.fusion import residual

        refs = {}
        for f, c in ((P.FINE_REF1, P.COARSE_REF1), SECOND_PAIR):
            if r.get(f) is None or r.get(c) is None:
                continue
            d = own_date(r[f], f) or own_date(r[c], c)
            if d is None:
                raise LstFusionError(P.OUTPUT_UNCERTAINTY, f"the calibration needs each pair's date and {f} has none "
                                     f"(no ACQUISITION_DATE tag nor one date in its name {os.path.basename(r[f].path)!r})")
            refs[f] = (d, (r[f].data.astype("float64"), r[c].data.astype("float64")))
        if len(refs) < core_unc.MIN_PAIRS:
            raise LstFusionError(P.OUTPUT_UNCERTAINTY, ONE_PAIR_MAP)
        pairs = dict(refs.values())
        if len(pairs) < len(refs):
            raise LstFusionError(P.OUTPUT_UNCERTAINTY, "both reference pairs are of one date: the calibration needs "
                                 "two dates")
        mode = self.enum_value(parameters, P.RESIDUAL_CORRECTION, context, list(residual.MODES))
        block = residual.footprint_pixels(r[P.COARSE_TARGET].grid,
                                          self.parameterAsDouble(parameters, P.COARSE_PIXEL, context))
        cal, reason = core_unc.calibrate_pairs(pairs, self.ENTRY.id, self.ENTRY.pair_mode, mode, None, block, "lst",
                                               params, None, cancel=cancel, log=feedback.pushInfo)
        if cal is None:
            raise LstFusionError(P.OUTPUT_UNCERTAINTY, reason)
        feedback.pushInfo(f"uncertainty: {cal.describe()}")
        return cal, refs

    def write_uncertainty(self, path, cal, refs, prediction, lst_tags, r, lst_path, context, feedback):
        """Write the map of the prediction (the pixels written, after the plausibility guard): the class and the
        day's MODIS change from the reference pair nearest to the target date among those the prediction used
        (FINE_REF1 for a one-pair method), as fuse_series does for its dates."""
        import numpy as np

        from ..core.data.io import write_raster
        from ..core.data.pairing import nearest_pair, own_date
        from ..core.evaluation import uncertainty as core_unc

        used = dict(v for f, v in refs.items() if r.get(f) is not None)  # not the one-pair method's calibration pair
        target = own_date(r[P.COARSE_TARGET], P.COARSE_TARGET)
        ref = nearest_pair(target, list(used)) if target is not None else refs[P.FINE_REF1][0]
        hw = core_unc.date_map(cal, prediction, used[ref], r[P.COARSE_TARGET].data)
        tags = core_unc.map_tags(cal, lst_tags, ref, os.path.basename(lst_path))
        write_raster(path, hw, r[P.COARSE_TARGET].grid, tags=tags, parameter=P.OUTPUT_UNCERTAINTY,
                     description=core_unc.map_description(tags, target or ref))
        feedback.pushInfo(f"uncertainty map: mean 90% half-width {float(np.nanmean(hw)):.3g}, reference pair "
                          f"{ref.isoformat()}")
        UncertaintyLayerPostProcessor.attach(context, path, f"{self.DISPLAY} uncertainty (90% half-width)")
        return path


def fusion_class(method_id):
    """The one-date algorithm class of the classical method ``method_id`` (its entry has a ``one_date``)."""
    entry = methods.get(method_id)
    param_help = {**dict(entry.one_date.param_help), **{p.name: p.help for p in toolbox_params(entry) if p.help},
                  P.OUTPUT: OUTPUT_HELP}
    if entry.param(P.PREDICTORS) is not None:
        param_help.update({P.PREDICTORS: entry.param(P.PREDICTORS).help, P.INDICES: INDICES_HELP,
                           P.REFLECTANCE: REFLECTANCE_HELP})
    if has_uncertainty(entry):
        param_help[P.OUTPUT_UNCERTAINTY] = UNCERTAINTY_HELP
        if entry.pair_mode == methods.ONE:
            param_help.update({P.FINE_REF2: CALIBRATION_PAIR_HELP, P.COARSE_REF2: CALIBRATION_PAIR_HELP})
    return type(f"OneDate_{entry.id}", (OneDateFusion,),
                {"ENTRY": entry, "ALG_ID": entry.id, "DISPLAY": entry.label, "HELP": entry.one_date.help,
                 "TAGS": tuple(entry.one_date.tags), "PARAM_HELP": param_help})
