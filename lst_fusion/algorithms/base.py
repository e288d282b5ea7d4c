"""Shared plumbing of the thin Processing algorithms.

An algorithm declares parameters and, in ``execute``, turns them into one
``core`` call; everything else (identity, help, error translation, progress and
cancel) lives here.  (``execute``, not ``run``: ``QgsProcessingAlgorithm.run``
is QGIS's own entry point, which Processing calls.)
"""
import os

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
)
from qgis.PyQt.QtGui import QIcon

from ..core.errors import Cancelled, LstFusionError
from .conventions import ProcessingConventions

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "icon.svg")

GROUPS = {
    "preprocessing": "Preprocessing",
    "classical": "Fusion (classical)",
    "deep": "Fusion (deep learning)",
    "evaluation": "Evaluation",
}
UNITS = ["celsius", "kelvin"]
FUSION_ROLES = ["FINE_REF1", "COARSE_REF1", "FINE_REF2", "COARSE_REF2", "COARSE_TARGET"]
ROLE_DESCRIPTIONS = {
    "COARSE_TARGET": "Coarse (MODIS) LST at the target date",
    "FINE_REF1": "Fine (Landsat) LST, reference pair 1",
    "COARSE_REF1": "Coarse (MODIS) LST, reference pair 1",
    "FINE_REF2": "Fine (Landsat) LST, reference pair 2",
    "COARSE_REF2": "Coarse (MODIS) LST, reference pair 2",
}
DEVICES = ["auto", "cpu", "cuda"]


class LstFusionAlgorithm(ProcessingConventions, QgsProcessingAlgorithm):
    ALG_ID = ""
    DISPLAY = ""
    GROUP = ""
    HELP = ""

    def name(self):
        return self.ALG_ID

    def displayName(self):  # noqa: N802
        return self.DISPLAY

    def group(self):
        return GROUPS[self.GROUP]

    def groupId(self):  # noqa: N802
        return self.GROUP

    def icon(self):
        return QIcon(ICON)

    def createInstance(self):  # noqa: N802
        return type(self)()

    # -- helpers for subclasses
    def raster_source(self, parameters, name, context, optional=False):
        layer = self.parameterAsRasterLayer(parameters, name, context)
        if layer is None:
            if optional:
                return None
            raise LstFusionError(name, "no raster layer given")
        source = layer.source()
        if layer.providerType() != "gdal":
            raise LstFusionError(name, f"layer {layer.name()!r} is not a file-based raster (provider {layer.providerType()})")
        return source

    def enum_value(self, parameters, name, context, options):
        return options[self.parameterAsEnum(parameters, name, context)]

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        def progress(pct, message=None):
            feedback.setProgress(pct)
            if message:
                feedback.setProgressText(message)

        try:
            return self.execute(parameters, context, feedback, progress, feedback.isCanceled)
        except LstFusionError as exc:
            raise QgsProcessingException(str(exc)) from None
        except Cancelled:
            feedback.reportError("Cancelled: no output was written.")
            return {}
        except ImportError as exc:
            raise QgsProcessingException(missing_package_message(exc)) from None

    def execute(self, parameters, context, feedback, progress, cancel):
        raise NotImplementedError


def missing_package_message(exc):
    """One sentence saying which Python package QGIS lacks and how to install it (core/install_hints.py)."""
    from ..core.install_hints import missing

    return missing((getattr(exc, "name", None) or str(exc)).split(".")[0])


def add_raster(alg, name, description, optional=False):
    alg.addParameter(QgsProcessingParameterRasterLayer(name, description, optional=optional))


def add_int(alg, name, description, default, minimum=1, maximum=None, optional=False):
    p = QgsProcessingParameterNumber(name, description, QgsProcessingParameterNumber.Integer, default,
                                     optional, minimum)
    if maximum is not None:
        p.setMaximum(maximum)
    alg.addParameter(p)


def add_double(alg, name, description, default, minimum=None, optional=False):
    p = QgsProcessingParameterNumber(name, description, QgsProcessingParameterNumber.Double, default, optional)
    if minimum is not None:
        p.setMinimum(minimum)
    alg.addParameter(p)


def add_enum(alg, name, description, options, default=0, advanced=False):
    p = QgsProcessingParameterEnum(name, description, options, defaultValue=default)
    if advanced:
        p.setFlags(p.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    alg.addParameter(p)


def add_engine(alg):
    from ..core.kernels import ENGINES

    add_enum(alg, "ENGINE", "Engine for the window sums", list(ENGINES), advanced=True)


def engine_value(alg, parameters, context, feedback):
    """The ENGINE parameter resolved to the engine that will run (and said in the log)."""
    from ..core.kernels import ENGINES, describe_engine, resolve_engine

    engine = resolve_engine(alg.enum_value(parameters, "ENGINE", context, ENGINES))
    feedback.pushInfo(describe_engine(engine))
    return engine


def add_residual_correction(alg):
    from ..core.residual import MODES

    add_enum(alg, "RESIDUAL_CORRECTION", "MODIS-consistent residual correction", list(MODES))
    p = QgsProcessingParameterNumber("COARSE_PIXEL", "MODIS pixel size for the correction (m)",
                                     QgsProcessingParameterNumber.Double, 1000.0)
    p.setMinimum(1.0)
    p.setFlags(p.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    alg.addParameter(p)


def corrected_with_params(alg, parameters, context, feedback, prediction, rasters, params):
    """(prediction, params): the prediction corrected against COARSE_TARGET as RESIDUAL_CORRECTION
    asks (with a log line), and the output's provenance parameters with the correction's."""
    from ..core import residual

    mode = alg.enum_value(parameters, "RESIDUAL_CORRECTION", context, list(residual.MODES))
    if mode == "none":
        return prediction, dict(params, RESIDUAL_CORRECTION=mode)
    coarse = rasters["COARSE_TARGET"]
    pixel = alg.parameterAsDouble(parameters, "COARSE_PIXEL", context)
    block = residual.footprint_pixels(coarse.grid, pixel)
    if mode == "scene mean":
        feedback.pushInfo("residual correction: the prediction's mean now equals COARSE_TARGET's over the scene")
    else:
        feedback.pushInfo(f"residual correction: the prediction averaged over {block}x{block}-pixel MODIS "
                          "footprints now equals COARSE_TARGET there")
    return (residual.correct(prediction, coarse.data, mode, block),
            dict(params, RESIDUAL_CORRECTION=mode, COARSE_PIXEL=pixel))


def read_role_rasters(alg, parameters, context, names, optional=()):
    """Read the named raster parameters and check that they share one grid."""
    from ..core.io import check_same_grid, read_raster

    out = {}
    for name in names:
        src = alg.raster_source(parameters, name, context, optional=name in optional)
        out[name] = read_raster(src, name) if src else None
    check_same_grid(out)
    return out


def add_fusion_inputs(alg, names=("COARSE_TARGET", "FINE_REF1", "COARSE_REF1", "FINE_REF2", "COARSE_REF2"),
                      optional=()):
    for name in names:
        add_raster(alg, name, ROLE_DESCRIPTIONS[name], optional=name in optional)
