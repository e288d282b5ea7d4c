"""Shared plumbing of the thin Processing algorithms.

An algorithm declares parameters and, in ``execute``, turns them into one
``core`` call; everything else (identity, help, error translation, progress and
cancel) lives here.  (``execute``, not ``run``: ``QgsProcessingAlgorithm.run``
is QGIS's own entry point, which Processing calls.)
"""
import contextlib
import os

from qgis.core import (
    QgsMapLayer,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)
from qgis.PyQt.QtGui import QIcon

from ..core.data import roles
from ..core.data.pairing import INPUTS_MISSING  # noqa: F401 - "neither a dataset folder nor both raster lists"
from ..core.data.units import UNITS  # noqa: F401 - the one definition; the UNIT enums' options
from ..core.platform.backends import DEVICES  # noqa: F401 - the one definition; the DEVICE enums' options
from ..core.platform.errors import Cancelled, LstFusionError
from ..core.platform.safety import DATASET_FILE, check_outputs, interrupt_guard
from ..core.platform.transaction import transaction
from ..i18n import tr
from . import names as P
from . import qgis_enums
from .conventions import ProcessingConventions

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "icon.svg")

GROUPS = {
    "download": "Download",
    "preprocessing": "Preprocessing",
    "classical": "Fusion (classical)",
    "deep": "Fusion (deep learning)",
    "evaluation": "Evaluation",
}
FUSION_ROLES = list(roles.PARAMETERS)  # the one role table: core/data/roles.py
ROLE_DESCRIPTIONS = {r.parameter: r.description for r in roles.ROLES}


class LstFusionAlgorithm(ProcessingConventions, QgsProcessingAlgorithm):
    ALG_ID = ""
    DISPLAY = ""
    GROUP = ""
    HELP = ""
    # False: all outputs of a run are renamed into place together at its end, or none (core.platform.transaction).
    # True: each complete output file is kept as it is finished (a series, downloads: a re-run resumes)
    STREAMS_OUTPUTS = False
    # what a failed, cancelled or interrupted run leaves (true by the rule above)
    NOTHING_WRITTEN = "no output was written"
    # the files (paths relative to it, with '/') a folder output receives: an input there of such a name is refused
    FOLDER_FILES = DATASET_FILE

    def name(self):
        return self.ALG_ID

    def displayName(self):  # noqa: N802
        return tr(self.DISPLAY)

    def group(self):
        return tr(GROUPS[self.GROUP])

    def groupId(self):  # noqa: N802
        return self.GROUP

    def icon(self):
        return QIcon(ICON)

    def createInstance(self):  # noqa: N802
        return type(self)()

    def has_dataset_or_lists(self, parameters, context):
        """True when DATASET is given, or both MODIS and LANDSAT (else say :data:`INPUTS_MISSING`)."""
        return bool(self.parameterAsFile(parameters, P.DATASET, context)) or (
            bool(self.parameterAsLayerList(parameters, P.MODIS, context))
            and bool(self.parameterAsLayerList(parameters, P.LANDSAT, context)))

    def check_dataset_or_lists(self, parameters, context):
        """checkParameterValues of an algorithm taking DATASET or MODIS + LANDSAT: (ok, message)."""
        ok, msg = LstFusionAlgorithm.checkParameterValues(self, parameters, context)
        if ok and not self.has_dataset_or_lists(parameters, context):
            return False, INPUTS_MISSING
        return ok, msg

    def checkParameterValues(self, parameters, context):  # noqa: N802
        """Raster paths that do not exist or cannot be read are named in one sentence here (QGIS alone
        says "Could not load source layer ...: not found" even for a file that exists but is no raster)."""
        from qgis.core import QgsProcessingUtils

        for p in self.parameterDefinitions():
            raster = isinstance(p, QgsProcessingParameterRasterLayer) or (
                isinstance(p, QgsProcessingParameterMultipleLayers) and p.layerType() == qgis_enums.SOURCE_RASTER)
            value = parameters.get(p.name())
            if not raster or value is None:
                continue
            for v in value if isinstance(value, (list, tuple)) else [value]:
                if not isinstance(v, str) or not v.strip():
                    continue
                with without_pam():
                    layer = QgsProcessingUtils.mapLayerFromString(v, context, True, QgsProcessingUtils.LayerHint.Raster)
                if layer is None:
                    return False, f"{p.name()}: {unreadable_raster_message(v)}"
        with without_pam():  # Processing's own checks load the layers too
            return super().checkParameterValues(parameters, context)

    def parameterAsRasterLayer(self, parameters, name, context):  # noqa: N802
        """Processing's, with the layer's GDAL dataset opened without PAM (:func:`without_pam`)."""
        with without_pam():
            return super().parameterAsRasterLayer(parameters, name, context)

    def parameterAsLayerList(self, parameters, name, context, *args):  # noqa: N802
        """Processing's, with each layer's GDAL dataset opened without PAM (:func:`without_pam`)."""
        with without_pam():
            return super().parameterAsLayerList(parameters, name, context, *args)

    # -- helpers for subclasses
    def raster_source(self, parameters, name, context, optional=False, single_band=True):
        layer = self.parameterAsRasterLayer(parameters, name, context)
        if layer is None:
            raw = parameters.get(name)
            raw = raw.source() if isinstance(raw, QgsMapLayer) else raw
            if isinstance(raw, str) and raw.strip():
                raise LstFusionError(name, unreadable_raster_message(raw))
            if optional:
                return None
            raise LstFusionError(name, "no raster layer given")
        source = layer.source()
        if layer.providerType() != "gdal":
            raise LstFusionError(name, f"layer {layer.name()!r} is not a file-based raster (provider {layer.providerType()})")
        if single_band and "BAND" not in parameters:
            from ..core.data.checks import require_single_band

            require_single_band(name, source, layer.bandCount())
        return source

    def run_paths(self, parameters, context):
        """({input name: [paths]}, {output name: path}, {folder output name: the files it writes}) of this run."""
        inputs, outputs, folders = {}, {}, {}
        for p in self.parameterDefinitions():
            name = p.name()
            value = parameters.get(name)
            if isinstance(p, (QgsProcessingParameterRasterDestination, QgsProcessingParameterFileDestination,
                              QgsProcessingParameterFolderDestination)):
                # the raw value, not parameterAsOutputLayer: that would register a second temporary layer to
                # load when the run completes; a temporary output cannot be an input anyway
                outputs[name] = destination_path(value if name in parameters else p.defaultValue())
                if isinstance(p, QgsProcessingParameterFolderDestination):
                    folders[name] = self.FOLDER_FILES
            elif isinstance(p, (QgsProcessingParameterRasterLayer, QgsProcessingParameterVectorLayer,
                                QgsProcessingParameterFeatureSource, QgsProcessingParameterMultipleLayers,
                                QgsProcessingParameterFile)):
                paths = []
                for v in value if isinstance(value, (list, tuple)) else [value]:
                    if isinstance(v, QgsMapLayer):
                        v = v.source()
                    elif isinstance(v, QgsProcessingFeatureSourceDefinition):
                        v = v.source.staticValue()
                    if isinstance(v, str) and v:
                        paths.append(v)
                if isinstance(p, QgsProcessingParameterMultipleLayers):
                    paths += [lyr.source() for lyr in self.parameterAsLayerList(parameters, name, context)]
                elif isinstance(p, QgsProcessingParameterRasterLayer):
                    lyr = self.parameterAsRasterLayer(parameters, name, context)
                    paths += [lyr.source()] if lyr is not None else []
                inputs[name] = paths
        return inputs, outputs, folders

    def check_run_paths(self, parameters, context):
        """Refuse outputs that would replace an input or each other, or cannot be written (before any work)."""
        inputs, outputs, folders = self.run_paths(parameters, context)
        # only files that exist can be destroyed
        from ..core.platform.safety import file_of

        inputs = {k: [p for p in v if file_of(p) and os.path.exists(file_of(p))] for k, v in inputs.items()}
        check_outputs(inputs, outputs, folders, self.derived_outputs(parameters, context))

    def derived_outputs(self, parameters, context):
        """{parameter name: (path, regular expression of the files written there, or None for a file)}: the
        folders and side files this run writes beside its declared outputs, checked by the same rules."""
        return {}

    def enum_value(self, parameters, name, context, options):
        return options[self.parameterAsEnum(parameters, name, context)]

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        def progress(pct, message=None):
            feedback.setProgress(pct)
            if message:
                feedback.setProgressText(message)

        try:
            with interrupt_guard():
                self.check_run_paths(parameters, context)
                # every output of the run is published together at its end (core.platform.transaction); an
                # algorithm that streams its outputs (each complete file kept, resumable) publishes each at once
                with transaction(enabled=not self.STREAMS_OUTPUTS):
                    return self.execute(parameters, context, feedback, progress, feedback.isCanceled)
        except LstFusionError as exc:
            raise QgsProcessingException(str(exc)) from None
        except Cancelled:
            feedback.reportError(f"Cancelled: {self.NOTHING_WRITTEN}.")
            return {}
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM (core.platform.safety.interrupt_guard): fail, so the exit is non-zero
            how = getattr(exc, "signame", "SIGINT")
            if getattr(exc, "committed", False):
                raise QgsProcessingException(f"Interrupted by {how} as the run ended: its outputs were all written, "
                                             "complete") from None
            raise QgsProcessingException(f"Interrupted by {how}: the run stopped and {self.NOTHING_WRITTEN}") from None
        except ImportError as exc:
            raise QgsProcessingException(missing_package_message(exc)) from None
        except MemoryError:
            raise QgsProcessingException("Not enough memory for this run: use smaller inputs, a smaller WINDOW or "
                                         "TILE_SIZE, or close other programs") from None
        except OSError as exc:  # e.g. the disk filled up while writing
            where = f" ({exc.filename})" if exc.filename else ""
            raise QgsProcessingException(f"Cannot read or write a file{where}: {exc.strerror or exc}; "
                                         f"{self.NOTHING_WRITTEN}") from None

    def execute(self, parameters, context, feedback, progress, cancel):
        raise NotImplementedError


@contextlib.contextmanager
def without_pam():
    """Layers QGIS loads for the input parameters (their paths, names and band counts are all this plugin takes
    from them) open their GDAL dataset with PAM off in this thread: QGIS computes band statistics for a new
    layer's default style, and GDAL would save them on close as an ``.aux.xml`` beside the user's input. The
    plugin's own reads (core.data.io, rasterio) keep PAM, so nodata or scales held in an .aux.xml still count."""
    try:
        from osgeo import gdal
    except ImportError:  # pragma: no cover - GDAL's Python bindings come with QGIS
        yield
        return
    old = gdal.GetThreadLocalConfigOption("GDAL_PAM_ENABLED", None)
    gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO")
    try:
        yield
    finally:
        gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", old)


def missing_package_message(exc):
    """One sentence saying which Python package QGIS lacks and how to install it (core/platform/install_hints.py)."""
    from ..core.platform.install_hints import missing

    return missing((getattr(exc, "name", None) or str(exc)).split(".")[0])


def add_raster(alg, name, description, optional=False):
    alg.addParameter(QgsProcessingParameterRasterLayer(name, description, optional=optional))


def add_int(alg, name, description, default, minimum=1, maximum=None, optional=False):
    p = QgsProcessingParameterNumber(name, description, qgis_enums.NUMBER_INTEGER, default,
                                     optional, minimum)
    if maximum is not None:
        p.setMaximum(maximum)
    alg.addParameter(p)


def add_double(alg, name, description, default, minimum=None, optional=False):
    p = QgsProcessingParameterNumber(name, description, qgis_enums.NUMBER_DOUBLE, default, optional)
    if minimum is not None:
        p.setMinimum(minimum)
    alg.addParameter(p)


def add_enum(alg, name, description, options, default=0, advanced=False):
    p = QgsProcessingParameterEnum(name, description, list(options), defaultValue=default)
    if advanced:
        p.setFlags(p.flags() | qgis_enums.PARAMETER_ADVANCED)
    alg.addParameter(p)


def set_advanced(alg, *names):
    """Show the named parameters of ``alg`` under "Advanced parameters"."""
    for name in names:
        d = alg.parameterDefinition(name)
        d.setFlags(d.flags() | qgis_enums.PARAMETER_ADVANCED)


def add_engine(alg):
    from ..core.fusion.kernels import ENGINES

    add_enum(alg, P.ENGINE, "Engine for the window sums", list(ENGINES), advanced=True)


def engine_value(alg, parameters, context, feedback):
    """The ENGINE parameter resolved to the engine that will run (and said in the log)."""
    from ..core.fusion.kernels import ENGINES, describe_engine, resolve_engine

    engine = resolve_engine(alg.enum_value(parameters, P.ENGINE, context, ENGINES))
    feedback.pushInfo(describe_engine(engine))
    return engine


def add_residual_correction(alg):
    from ..core.fusion.residual import MODES

    add_enum(alg, P.RESIDUAL_CORRECTION, "MODIS-consistent residual correction", list(MODES))
    p = QgsProcessingParameterNumber(P.COARSE_PIXEL, "MODIS pixel size for the correction (m)",
                                     qgis_enums.NUMBER_DOUBLE, 1000.0)
    p.setMinimum(1.0)
    p.setFlags(p.flags() | qgis_enums.PARAMETER_ADVANCED)
    alg.addParameter(p)


def corrected_with_params(alg, parameters, context, feedback, prediction, rasters, params):
    """(prediction, params): the prediction corrected against COARSE_TARGET as RESIDUAL_CORRECTION
    asks (with a log line), and the output's provenance parameters with the correction's."""
    from ..core.fusion import residual

    mode = alg.enum_value(parameters, P.RESIDUAL_CORRECTION, context, list(residual.MODES))
    if mode == "none":
        return prediction, {**params, P.RESIDUAL_CORRECTION: mode}
    coarse = rasters[P.COARSE_TARGET]
    pixel = alg.parameterAsDouble(parameters, P.COARSE_PIXEL, context)
    block = residual.footprint_pixels(coarse.grid, pixel)
    if mode == "scene mean":
        feedback.pushInfo("residual correction: the prediction's mean now equals COARSE_TARGET's over the scene")
    else:
        feedback.pushInfo(f"residual correction: the prediction averaged over {block}x{block}-pixel MODIS "
                          "footprints now equals COARSE_TARGET there")
    return (residual.correct(prediction, coarse.data, mode, block),
            {**params, P.RESIDUAL_CORRECTION: mode, P.COARSE_PIXEL: pixel})


def read_role_rasters(alg, parameters, context, names, optional=(), feedback=None, multi_band=()):
    """Read the named LST raster parameters, check that they share one grid and
    hold plausible LST, and bring them to the unit of the first (logged). A raster of ``multi_band`` may have
    more bands than its LST (band 1; thermal sharpening's spectral indices follow it)."""
    from ..core.data.checks import harmonise_units
    from ..core.data.io import check_same_grid, read_raster

    out = {}
    for name in names:
        src = alg.raster_source(parameters, name, context, optional=name in optional,
                                single_band=name not in multi_band)
        out[name] = read_raster(src, name) if src else None
    check_same_grid(out)
    from ..core.data.pairing import check_pair_dates

    check_pair_dates(out, ((P.FINE_REF1, P.COARSE_REF1), (P.FINE_REF2, P.COARSE_REF2)))
    harmonise_units(out, feedback.pushInfo if feedback is not None else None, order=names)
    return out


def destination_path(value):
    """The file path a destination parameter value names, or '' (temporary output, none, an expression)."""
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink.staticValue()
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if not value or value == "TEMPORARY_OUTPUT" or value.startswith(("memory:", "ogr:", "postgis:")):
        return ""
    return value


def unreadable_raster_message(value):
    """Why a raster parameter value could not be loaded, in words (missing file vs unreadable file)."""
    from ..core.platform.safety import file_of

    path = file_of(value) or value
    if not os.path.exists(path):
        return f"file {value!r} does not exist"
    if os.path.isdir(path):
        return f"{path} is a folder, not a raster file"
    if not os.access(path, os.R_OK):
        return f"{os.path.basename(path)} is not readable (permissions)"
    return (f"{os.path.basename(path)} exists but is not a raster GDAL can read (damaged, incomplete, or another "
            "kind of file with a raster extension)")


def add_fusion_inputs(alg, names=(P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1, P.FINE_REF2, P.COARSE_REF2),
                      optional=()):
    for name in names:
        add_raster(alg, name, ROLE_DESCRIPTIONS[name], optional=name in optional)


SOURCE_ORDER_HELP = ("When the MODIS rasters mix daily sources (MODIS, VIIRS, Sentinel-3 SLSTR: their SENSOR tag or "
                     "name), the order that picks one per date, comma-separated sensor names; empty = nearest overpass "
                     "to Landsat first: Sentinel-3 SLSTR, MODIS Terra, VIIRS SNPP, VIIRS NOAA-20, VIIRS NOAA-21, MODIS "
                     "Aqua. The level step between sources on days both observed is logged (align_pairs: "
                     "source_steps.csv).")


def add_source_order(alg):
    """SOURCE_ORDER (appended, advanced): which daily source a date uses when several are given."""
    alg.addParameter(QgsProcessingParameterString(P.SOURCE_ORDER, "Order of the daily sources (empty = default)",
                                                  optional=True))
    set_advanced(alg, P.SOURCE_ORDER)
