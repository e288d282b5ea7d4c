"""QGIS's own enums under one name each, from QGIS 3.22 to QGIS 4 (Qt6).

QGIS 3.30-3.36 moved these enums into ``Qgis`` as scoped enums (``QgsProcessing.TypeRaster`` became
``Qgis.ProcessingSourceType.Raster``); the old unscoped names stay on the Qt5 builds only, and QGIS 4 (Qt6)
drops them, while QGIS 3.22 has only the old ones. Each constant below is resolved once, on import: the new name
where this QGIS has it, else the old one. The plugin (algorithms, ui, plugin.py, tests, scripts) writes these
constants instead of either spelling; ``lst_fusion/test/test_qt6.py`` fails on a QGIS enum member written any
other way and checks every line of this table against the running QGIS.

Enums that are already scoped in 3.22 under the name they keep (``Qgis.MessageLevel.Warning``,
``QgsFileWidget.StorageMode.GetDirectory``, ``QgsProcessingUtils.LayerHint.Raster``, ...) are written directly,
scoped, and are not listed here.
"""
import importlib

from qgis import core


def resolve(new, old):
    """The enum member ``new`` ("Qgis.Enum.Member") where this QGIS has it, else ``old`` ("QgsClass.Member"):
    each is looked up on qgis.core, then qgis.gui."""
    for dotted in (new, old):
        value = lookup(dotted)
        if value is not None:
            return value
    raise AttributeError(f"this QGIS has neither {new} nor {old}")


def lookup(dotted):
    """The object named by ``dotted`` ("Owner.Attr[.Attr]") in qgis.core or else qgis.gui, or None."""
    owner, *attrs = dotted.split(".")
    value = getattr(core, owner, None)
    if value is None:
        value = getattr(importlib.import_module("qgis.gui"), owner, None)
    for attr in attrs:
        value = getattr(value, attr, None)
    return value


# Processing: layer types of inputs (3.36)
SOURCE_RASTER = resolve("Qgis.ProcessingSourceType.Raster", "QgsProcessing.TypeRaster")
SOURCE_VECTOR_POLYGON = resolve("Qgis.ProcessingSourceType.VectorPolygon", "QgsProcessing.TypeVectorPolygon")
# Processing: parameter flags, number types, file behaviour (3.36)
PARAMETER_ADVANCED = resolve("Qgis.ProcessingParameterFlag.Advanced", "QgsProcessingParameterDefinition.FlagAdvanced")
PARAMETER_OPTIONAL = resolve("Qgis.ProcessingParameterFlag.Optional", "QgsProcessingParameterDefinition.FlagOptional")
NUMBER_INTEGER = resolve("Qgis.ProcessingNumberParameterType.Integer", "QgsProcessingParameterNumber.Integer")
NUMBER_DOUBLE = resolve("Qgis.ProcessingNumberParameterType.Double", "QgsProcessingParameterNumber.Double")
FILE_FOLDER = resolve("Qgis.ProcessingFileParameterBehavior.Folder", "QgsProcessingParameterFile.Folder")
# layer combo boxes (3.34)
FILTER_RASTER_LAYER = resolve("Qgis.LayerFilter.RasterLayer", "QgsMapLayerProxyModel.RasterLayer")
FILTER_POLYGON_LAYER = resolve("Qgis.LayerFilter.PolygonLayer", "QgsMapLayerProxyModel.PolygonLayer")
# geometry types (3.30)
GEOMETRY_POLYGON = resolve("Qgis.GeometryType.Polygon", "QgsWkbTypes.PolygonGeometry")
# the Temporal Controller (3.30 units, 3.36 navigation modes)
TEMPORAL_DAYS = resolve("Qgis.TemporalUnit.Days", "QgsUnitTypes.TemporalDays")
NAVIGATION_ANIMATED = resolve("Qgis.TemporalNavigationMode.Animated", "QgsTemporalNavigationObject.Animated")
