from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProcessing,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
)

from ..core import pairing
from ..core import resample as core_resample
from ..core.io import read_grid
from .base import LstFusionAlgorithm, add_double, add_enum


class AlignPairs(LstFusionAlgorithm):
    ALG_ID = "align_pairs"
    DISPLAY = "Align same-day MODIS/Landsat pairs into a dataset"
    GROUP = "preprocessing"
    HELP = ("Matches MODIS and Landsat LST rasters by the date in their names, resamples every MODIS "
            "raster onto the grid of the earliest Landsat raster (cropped to <b>AOI</b> if given), drops "
            "pairs whose clear percentage is below <b>MIN_CLEAR</b>, and writes a dataset folder: "
            "L_YYYYMMDD.tif, M_YYYYMMDD.tif and index.csv (date, files, clear %, status = pair / "
            "modis_only / rejected). Training and the reference experiment read this layout.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterMultipleLayers("MODIS", "MODIS LST rasters", QgsProcessing.TypeRaster))
        self.addParameter(QgsProcessingParameterMultipleLayers("LANDSAT", "Landsat LST rasters", QgsProcessing.TypeRaster))
        add_double(self, "MIN_CLEAR", "Minimum clear pixels (%)", 0.0, 0.0)
        self.addParameter(QgsProcessingParameterFeatureSource("AOI", "Area of interest", [QgsProcessing.TypeVectorPolygon],
                                                              optional=True))
        add_enum(self, "METHOD", "MODIS resampling", list(core_resample.METHODS))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Dataset folder"))
        self.addOutput(QgsProcessingOutputNumber("N_PAIRS", "Number of same-day pairs"))
        self.addOutput(QgsProcessingOutputFile("INDEX", "Index CSV"))

    def execute(self, parameters, context, feedback, progress, cancel):
        from ..core.checks import require_single_band

        layers = {n: self.parameterAsLayerList(parameters, n, context) for n in ("MODIS", "LANDSAT")}
        for n, lyrs in layers.items():
            for lyr in lyrs:
                require_single_band(f"{n} ({lyr.name()})", lyr.source(), lyr.bandCount())
        modis = [lyr.source() for lyr in layers["MODIS"]]
        landsat = [lyr.source() for lyr in layers["LANDSAT"]]
        bounds = None
        aoi = self.parameterAsSource(parameters, "AOI", context)
        if aoi is not None:
            ref = read_grid(sorted(landsat, key=lambda p: str(pairing.parse_date(p)))[0], "LANDSAT")
            dst = QgsCoordinateReferenceSystem.fromWkt(ref.crs.to_wkt())
            xform = QgsCoordinateTransform(aoi.sourceCrs(), dst, context.transformContext())
            rect = xform.transformBoundingBox(aoi.sourceExtent())
            bounds = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
        out = self.parameterAsString(parameters, "OUTPUT", context)
        rows = pairing.align_pairs(modis, landsat, out, self.parameterAsDouble(parameters, "MIN_CLEAR", context),
                                   bounds, self.enum_value(parameters, "METHOD", context, list(core_resample.METHODS)),
                                   progress=progress, cancel=cancel)
        for r in rows:
            feedback.pushInfo(f"{r['date']}: {r['status']} (Landsat {r['landsat_clear']} %, MODIS {r['modis_clear']} %)")
        import os

        return {"OUTPUT": out, "N_PAIRS": sum(r["status"] == "pair" for r in rows),
                "INDEX": os.path.join(out, "index.csv")}
