"""The AOI parameter of search_download and of the imports that cut their product to an area (import_viirs,
import_slstr): a polygon layer or an extent, as a GeoJSON geometry in lon/lat."""
import json
import re

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsMapLayer,
    QgsProcessingUtils,
    QgsVectorLayer,
)

from ..core.platform.errors import LstFusionError
from . import names as P
from . import qgis_enums

EXTENT_TEXT = re.compile(r"^\s*[-+\d.eE]+\s*(,\s*[-+\d.eE]+\s*){3}(\[[^\]]*\])?\s*$")  # xmin,xmax,ymin,ymax [CRS]
MAX_AOI_DEGREES = 10.0  # a city or a region; larger areas are whole scenes, not windows


def aoi_geojson(alg, parameters, context):
    """The AOI as a GeoJSON geometry in lon/lat: the polygons of a polygon layer, else the extent given."""
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    raw = parameters.get(P.AOI)
    layer = raw if isinstance(raw, QgsMapLayer) else None
    if layer is None and isinstance(raw, str) and raw.strip() and not EXTENT_TEXT.match(raw):
        layer = QgsProcessingUtils.mapLayerFromString(raw, context, True, QgsProcessingUtils.LayerHint.Vector)
    if isinstance(layer, QgsVectorLayer) and layer.geometryType() == qgis_enums.GEOMETRY_POLYGON:
        geoms = [f.geometry() for f in layer.getFeatures() if f.hasGeometry()]
        if not geoms:
            raise LstFusionError(P.AOI, f"layer {layer.name()!r} has no polygon")
        geom = QgsGeometry.unaryUnion(geoms)
        geom.transform(QgsCoordinateTransform(layer.crs(), wgs84, context.transformContext()))
    else:
        geom = alg.parameterAsExtentGeometry(parameters, P.AOI, context, wgs84)
        if geom is None or geom.isEmpty():
            raise LstFusionError(P.AOI, "no area given: draw an extent, or choose a polygon layer")
    box = geom.boundingBox()
    if box.width() <= 0 or box.height() <= 0:
        raise LstFusionError(P.AOI, "the area has no extent (a point or a line?): give a polygon or an extent")
    if box.width() > MAX_AOI_DEGREES or box.height() > MAX_AOI_DEGREES:
        raise LstFusionError(P.AOI, f"spans {box.width():.1f} by {box.height():.1f} degrees; LST Fusion reads "
                                    f"windows of a city or region (at most {MAX_AOI_DEGREES:g} degrees a side): "
                                    "split the area")
    return json.loads(geom.asJson())


def optional_aoi(alg, parameters, context):
    """An optional AOI parameter as :func:`aoi_geojson` reads it, or None when it is not given."""
    return aoi_geojson(alg, parameters, context) if parameters.get(P.AOI) not in (None, "") else None
