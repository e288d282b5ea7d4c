"""lstfusion:<id>, the one-date Toolbox algorithm of every classical method whose table entry has a ``one_date``
(core.fusion.methods.OneDate): generated from the entry, as predict_<model> is from the model registry.

The entry gives the id, label, pair mode (the inputs: ONE: COARSE_TARGET, FINE_REF1, COARSE_REF1; TWO: the two
pairs; ANY: the second pair optional), its parameters (name, label, default, bounds, enum options, advanced,
help: written once, in the entry), the help and tags, the engine parameter and the whole-image run.  Parameter
names, ids and option indices are those released (``scripts/dump_parameters.py``).
"""
from qgis.core import QgsProcessingParameterRasterDestination

from ..core.data import roles
from ..core.fusion import methods
from . import names as P
from .base import (
    FUSION_ROLES,
    LstFusionAlgorithm,
    add_double,
    add_engine,
    add_enum,
    add_fusion_inputs,
    add_int,
    add_residual_correction,
    corrected_with_params,
    engine_value,
    read_role_rasters,
    set_advanced,
)
from .outputs import write_fused_output

ONE_PAIR = (P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1)
SECOND_PAIR = (P.FINE_REF2, P.COARSE_REF2)
OUTPUT_HELP = "Fused fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels)."


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

    def execute(self, parameters, context, feedback, progress, cancel):
        from ..core.fusion import residual

        entry = self.ENTRY
        names, optional = self.inputs()
        r = read_role_rasters(self, parameters, context, names, optional=optional, feedback=feedback)
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
        images = {roles.BY_PARAMETER[k].role: v.data for k, v in r.items() if v is not None}
        out = entry.one_date.run(images, params, factor, progress, cancel)
        out, params = corrected_with_params(self, parameters, context, feedback, out, r, params)
        return {P.OUTPUT: write_fused_output(self, parameters, context, out, r, self.DISPLAY, params,
                                             feedback=feedback)}


def fusion_class(method_id):
    """The one-date algorithm class of the classical method ``method_id`` (its entry has a ``one_date``)."""
    entry = methods.get(method_id)
    param_help = {**dict(entry.one_date.param_help), **{p.name: p.help for p in toolbox_params(entry) if p.help},
                  P.OUTPUT: OUTPUT_HELP}
    return type(f"OneDate_{entry.id}", (OneDateFusion,),
                {"ENTRY": entry, "ALG_ID": entry.id, "DISPLAY": entry.label, "HELP": entry.one_date.help,
                 "TAGS": tuple(entry.one_date.tags), "PARAM_HELP": param_help})
