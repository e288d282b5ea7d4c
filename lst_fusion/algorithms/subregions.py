"""Reading subregion polygons for the evaluation algorithms (worker-thread safe)."""
import json

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ..core.evaluation.metrics import DEFAULT_RATIO
from ..core.platform.errors import LstFusionError
from . import names as P
from . import qgis_enums


def add_subregion_parameters(alg):
    alg.addParameter(QgsProcessingParameterFeatureSource(P.SUBREGIONS, "Subregions (polygons)",
                                                         [qgis_enums.SOURCE_VECTOR_POLYGON], optional=True))
    alg.addParameter(QgsProcessingParameterField(P.NAME_FIELD, "Subregion name field", parentLayerParameterName=P.SUBREGIONS,
                                                 optional=True))
    alg.addParameter(QgsProcessingParameterNumber(P.RESOLUTION_RATIO, "Fine/coarse pixel size ratio for ERGAS",
                                                  qgis_enums.NUMBER_DOUBLE, DEFAULT_RATIO, False, 1e-9))


def read_subregions(alg, parameters, context, grid):
    """[(name, GeoJSON geometry in the raster's CRS), ...]"""
    source = alg.parameterAsSource(parameters, P.SUBREGIONS, context)
    if source is None:
        return []
    if not any(True for _ in source.getFeatures()):  # before NAME_FIELD: an empty layer has no fields either
        raise LstFusionError(P.SUBREGIONS, "the layer has no features: give a layer with at least one polygon, or "
                             "leave SUBREGIONS empty to score the whole image")
    field = alg.parameterAsString(parameters, P.NAME_FIELD, context)
    names = source.fields().names()
    if field and field not in names:
        raise LstFusionError(P.NAME_FIELD, f"the SUBREGIONS layer has no field {field!r} (its fields: "
                             f"{', '.join(names) or 'none'}); choose one of them or leave NAME_FIELD empty")
    if grid.crs is None:
        raise LstFusionError(P.REFERENCE, "the reference raster has no CRS, subregions cannot be placed")
    dst = QgsCoordinateReferenceSystem.fromWkt(grid.crs.to_wkt())
    xform = QgsCoordinateTransform(source.sourceCrs(), dst, context.transformContext())
    out = []
    for i, feat in enumerate(source.getFeatures()):
        geom = feat.geometry()
        if geom is None or geom.isEmpty():
            continue
        geom.transform(xform)
        name = str(feat[field]) if field else f"region {feat.id() if feat.id() >= 0 else i + 1}"
        out.append((name, json.loads(geom.asJson())))
    if not out:
        raise LstFusionError(P.SUBREGIONS, "the layer has no polygon")
    return out


def subregion_masks(regions, grid, feedback):
    """core.evaluation.metrics.region_masks of ``regions`` (:func:`read_subregions`), as an empty layer is: a layer
    none of whose polygons covers a pixel of the rasters is refused in one sentence naming SUBREGIONS; polygons
    that cover none while others do are left out of the table, said in one warning naming SUBREGIONS."""
    from ..core.evaluation import metrics

    masks = metrics.region_masks(grid, regions)
    empty = metrics.regions_without_pixels(masks)
    if not empty:
        return masks
    names = ", ".join(repr(masks[i][0]) for i in empty)
    if len(empty) == len(masks) - 1:
        raise LstFusionError(P.SUBREGIONS, f"no polygon of the layer covers a pixel of the rasters ({names}: "
                             "outside them, or between pixel centres): give polygons over the rasters, or leave "
                             "SUBREGIONS empty to score the whole image")
    warn = getattr(feedback, "pushWarning", feedback.pushInfo)
    warn(f"{P.SUBREGIONS}: {len(empty)} polygon(s) cover no pixel of the rasters ({names}: outside them, or between "
         "pixel centres): left out of the table")
    return [m for i, m in enumerate(masks) if i not in empty]

