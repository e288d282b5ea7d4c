"""How LST outputs look when QGIS loads them: a temperature style and a name with method and date.

Processing loads an algorithm's outputs on the main thread after the run; a
``QgsProcessingLayerPostProcessorInterface`` attached to the output's
``LayerDetails`` styles and names the layer there (never from the worker
thread). The dock panel uses :func:`style_lst_layer` for the layers it loads.
"""
from qgis.core import (
    QgsColorRampLegendNodeSettings,
    QgsColorRampShader,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
    QgsStyle,
)

from ..core.data.provenance import layer_name
from ..core.evaluation.report import STRETCH_PERCENT, temperature_stretch
from . import names as P

RAMP = "Inferno"  # a thermal ramp, as the reports' maps: black-purple = cold, yellow-white = hot
UNIT_SYMBOL = {"degC": "°C", "celsius": "°C", "K": "K", "kelvin": "K", "1": ""}  # "1": dimensionless


def layer_unit(path):
    """The unit ``path`` declares, as a legend shows it: its band's unit type (write_raster sets it), else its
    ``LST_UNIT`` tag; '' when it declares none (nothing is guessed from the values)."""
    from osgeo import gdal

    try:
        ds = gdal.Open(str(path))
    except RuntimeError:  # gdal.UseExceptions() in force
        ds = None
    if ds is None:
        return ""
    unit = ds.GetRasterBand(1).GetUnitType() or ds.GetMetadataItem("LST_UNIT") or ""
    return UNIT_SYMBOL.get(unit, unit)
UNCERTAINTY_RAMP = "YlOrRd"  # pale = narrow interval, dark red = wide (an uncertainty map, not a temperature)


def layer_stretch(layer):
    """(low, high): the STRETCH_PERCENT (2nd, 98th) percentiles of the layer's valid pixels."""
    from ..core.data.io import read_raster

    try:
        return temperature_stretch(read_raster(layer.source(), P.OUTPUT).data)
    except Exception:  # not a plain file (e.g. a GeoPackage table): QGIS's own cumulative cut
        lo, hi = STRETCH_PERCENT
        return layer.dataProvider().cumulativeCut(1, lo / 100.0, hi / 100.0, layer.extent(), 250000)


def apply_temperature_style(layer, limits=None, ramp_name=RAMP, invert=False, unit=None):
    """Single-band pseudocolour, the Inferno thermal ramp (dark cold, bright hot), stretched linearly between the
    2nd and 98th percentiles of the valid pixels, or ``limits`` (low, high) shared by several layers (values
    beyond are clamped to the end colours); the legend's values carry ``unit`` (default: the one the raster
    declares, :func:`layer_unit`)."""
    ramp = QgsStyle.defaultStyle().colorRamp(ramp_name)
    if ramp is None:
        return False
    if invert:
        ramp.invert()
    lo, hi = limits if limits is not None else layer_stretch(layer)
    provider = layer.dataProvider()
    shader_fn = QgsColorRampShader(lo, hi, ramp)
    shader_fn.setClip(False)
    shader_fn.classifyColorRamp(9, 1, layer.extent(), provider)
    unit = layer_unit(layer.source()) if unit is None else unit
    if unit:
        legend = QgsColorRampLegendNodeSettings()
        legend.setSuffix(f" {unit}")
        shader_fn.setLegendSettings(legend)
        items = shader_fn.colorRampItemList()
        for item in items:
            item.label = f"{item.value:.4g} {unit}"
        shader_fn.setColorRampItemList(items)
    shader = QgsRasterShader(lo, hi)
    shader.setRasterShaderFunction(shader_fn)
    renderer = QgsSingleBandPseudoColorRenderer(provider, 1, shader)
    renderer.setClassificationMin(lo)
    renderer.setClassificationMax(hi)
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return True


def apply_uncertainty_style(layer, limits=None):
    """An uncertainty map (UNC_*.tif, a 90 % half-width): the YlOrRd ramp from 0 to ``limits``' high (default the
    layer's 98th percentile), pale where the interval is narrow."""
    hi = (limits or layer_stretch(layer))[1]
    return apply_temperature_style(layer, (0.0, hi), UNCERTAINTY_RAMP)


def style_lst_layer(layer, name=None):
    """Temperature style, and ``name`` (default: method and date from the raster's tags)."""
    if not isinstance(layer, QgsRasterLayer) or not layer.isValid():
        return
    apply_temperature_style(layer)
    if name is None:
        from ..core.data.io import read_raster

        try:
            name = layer_name(read_raster(layer.source(), P.OUTPUT).tags or {})
        except Exception:
            name = None
    if name:
        layer.setName(name)


class TemperatureLayerPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Styles and names an LST output when Processing loads it (main thread)."""

    _alive = []  # Processing keeps only a pointer: the Python objects must outlive processAlgorithm

    def __init__(self, name):
        super().__init__()
        self.name = name

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        style_lst_layer(layer, self.name)

    @classmethod
    def attach(cls, context, path, name):
        """If Processing will load ``path`` when the run ends, style it and call it ``name`` then."""
        if not context.willLoadLayerOnCompletion(path):
            return None
        post = cls(name)
        cls._alive.append(post)
        del cls._alive[:-64]  # bounded; a run's post-processor is used within seconds of the run
        details = context.layerToLoadOnCompletionDetails(path)
        details.name = name
        details.setPostProcessor(post)
        return post


def write_fused_output(alg, parameters, context, data, rasters, method, params, name=P.OUTPUT, feedback=None):
    """:func:`fused_output`'s path."""
    return fused_output(alg, parameters, context, data, rasters, method, params, name, feedback)[0]


def fused_output(alg, parameters, context, data, rasters, method, params, name=P.OUTPUT, feedback=None):
    """(path, the pixels written, tags): write a fused LST raster with its provenance (core.data.provenance) and
    style/name it on load.

    ``rasters`` {role: Raster} holds COARSE_TARGET (date, unit, grid); ``params`` {Processing name: value}.
    Every fused raster passes the plausibility guard (core.fusion.guard) here: pixels outside the range the
    inputs make possible are written as nodata, counted in the log (``feedback``) and in the tags.
    """
    from ..core.data.io import write_raster
    from ..core.data.provenance import fused_metadata
    from ..core.fusion import guard

    path = alg.parameterAsOutputLayer(parameters, name, context)
    target_layer = alg.parameterAsRasterLayer(parameters, P.COARSE_TARGET, context)
    meta = fused_metadata(method, data, rasters[P.COARSE_TARGET], params, rasters, algorithm=f"lstfusion:{alg.name()}",
                          target_name=target_layer.name() if target_layer is not None else "")
    # every reference MODIS (COARSE_REF1, COARSE_REF2; COARSE_REF3... of an all-pairs method)
    coarse_refs = [r.data for k, r in rasters.items() if k.startswith(P.COARSE_REF1[:-1]) and r is not None]
    data, count, bounds = guard.guard(data, [r.data for r in rasters.values() if r is not None],
                                      rasters[P.COARSE_TARGET].data, coarse_refs, "lst",
                                      celsius=meta["tags"]["LST_UNIT"] == "celsius")
    meta["tags"].update(bounds.tags(count))
    if count and feedback is not None:
        feedback.pushWarning(guard.message(count, bounds, f"the {method} prediction"))
    write_raster(path, data, rasters[P.COARSE_TARGET].grid, parameter=name, **meta)
    TemperatureLayerPostProcessor.attach(context, path, layer_name(meta["tags"]))
    return path, data, meta["tags"]


class UncertaintyLayerPostProcessor(TemperatureLayerPostProcessor):
    """Styles (:func:`apply_uncertainty_style`) and names an uncertainty map when Processing loads it."""

    _alive = []

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        if isinstance(layer, QgsRasterLayer) and layer.isValid():
            apply_uncertainty_style(layer)
            layer.setName(self.name)
