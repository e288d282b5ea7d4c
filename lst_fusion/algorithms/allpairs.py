import os

from qgis.core import (
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
)

from ..core.fusion import allpairs as core_allpairs
from ..core.fusion import methods as fusion_methods
from ..core.platform.errors import LstFusionError
from . import names as P
from . import qgis_enums
from .base import (
    INPUTS_MISSING,
    LstFusionAlgorithm,
    add_int,
    add_residual_correction,
    corrected_with_params,
    read_role_rasters,
    set_advanced,
)
from .outputs import write_fused_output

ENTRY = fusion_methods.get("allpairs")


def reference_rows(dataset, modis, landsat, modis_names=None, landsat_names=None):
    """index.csv-like rows (date, landsat, modis) of the reference pairs: a DATASET's ``pair`` rows, or the same-day
    Landsat and MODIS of the lists (dated by their names, core.data.pairing.list_rasters)."""
    from ..core.data.pairing import list_rasters, read_index

    if dataset:
        rows = [r for r in read_index(dataset) if r["status"] == "pair"]
        if not rows:
            raise LstFusionError(P.DATASET, f"{dataset!r} lists no same-day pair")
        return rows
    m = list_rasters(modis, P.MODIS, modis_names)
    lan = list_rasters(landsat, P.LANDSAT, landsat_names)
    both = sorted(set(m) & set(lan))
    if not both:
        raise LstFusionError(P.LANDSAT, "no Landsat raster has a MODIS raster of the same day among MODIS, so there "
                                        "is no reference pair; give each Landsat date's MODIS too")
    return [{"date": d, "landsat": lan[d], "modis": m[d]} for d in both]


class AllPairs(LstFusionAlgorithm):
    ALG_ID = "allpairs"
    DISPLAY = "All-pairs regression"
    GROUP = "classical"
    HELP = ("Every reference pair at once: each fine pixel's LST is fitted over all the reference dates as a line of "
            "its MODIS LST (Landsat = a + b x MODIS, pixel by pixel), its slope pulled towards the pooled slope of "
            "its class of mean reference LST by RIDGE (so that three or four pairs do not overfit), and the line is "
            "applied to the target day's MODIS. With one pair it is 'Landsat ref + MODIS change'; with RIDGE 0 each "
            "pixel's own least squares. A pixel missing on some reference dates is fitted on the dates it has. "
            "The references: a DATASET folder (lstfusion:align_pairs), or LANDSAT and MODIS lists of same-day "
            "rasters dated by their names, all on the grid of COARSE_TARGET (use lstfusion:align_pairs or "
            "lstfusion:resample). fuse_series fits the model once for a whole series. The output carries its "
            "method, date, unit, reference dates and parameters as GDAL metadata and loads with a temperature "
            "style.")
    TAGS = ("regression", "all pairs", "time series", "ridge", "per-pixel", "seasonal contrast")
    PARAM_HELP = {
        P.COARSE_TARGET: "MODIS LST of the target date on the fine grid of the references.",
        P.DATASET: "A folder written by lstfusion:align_pairs: its same-day pairs are the references.",
        P.LANDSAT: "Instead of DATASET: the reference Landsat LST rasters, dated by their names.",
        P.MODIS: "Instead of DATASET: the MODIS LST rasters of the same days, on the same grid, dated by their names.",
        P.RIDGE: ENTRY.param(P.RIDGE).help,
        P.CLASSES: ENTRY.param(P.CLASSES).help,
        P.RESIDUAL_CORRECTION: ("An extra correction after the method: 'MODIS footprint' makes each MODIS footprint "
                                "average to the day's MODIS, 'scene mean' the scene; validate_methods scores both "
                                "(+RC, +SM) on your own pairs. 'none' by default."),
        P.COARSE_PIXEL: "MODIS pixel size in metres, for the optional residual correction.",
        P.OUTPUT: "Fused fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels).",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer(P.COARSE_TARGET, "MODIS LST of the target date"))
        self.addParameter(QgsProcessingParameterFile(P.DATASET, "Reference pairs: dataset folder (align_pairs)",
                                                     qgis_enums.FILE_FOLDER, optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(P.LANDSAT, "Reference Landsat LST rasters",
                                                               qgis_enums.SOURCE_RASTER, optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(P.MODIS, "Reference MODIS LST rasters (same days)",
                                                               qgis_enums.SOURCE_RASTER, optional=True))
        p = QgsProcessingParameterNumber(P.RIDGE, "Ridge towards the class slope (K²)", qgis_enums.NUMBER_DOUBLE,
                                         core_allpairs.DEFAULT_RIDGE)
        p.setMinimum(0.0)
        self.addParameter(p)
        add_int(self, P.CLASSES, "Classes of mean reference LST", core_allpairs.DEFAULT_CLASSES, 1)
        set_advanced(self, P.CLASSES)
        add_residual_correction(self)
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "All-pairs regression prediction"))

    def checkParameterValues(self, parameters, context):  # noqa: N802
        return self.check_dataset_or_lists(parameters, context)

    def execute(self, parameters, context, feedback, progress, cancel):
        from ..core.data.io import check_same_grid
        from ..core.evaluation.validation import read_series_pairs

        r = read_role_rasters(self, parameters, context, (P.COARSE_TARGET,), feedback=feedback)
        modis = self.parameterAsLayerList(parameters, P.MODIS, context)
        landsat = self.parameterAsLayerList(parameters, P.LANDSAT, context)
        dataset = self.parameterAsFile(parameters, P.DATASET, context)
        if not dataset and not (modis and landsat):
            raise LstFusionError("", INPUTS_MISSING)
        rows = reference_rows(dataset, [lyr.source() for lyr in modis], [lyr.source() for lyr in landsat],
                              [lyr.name() for lyr in modis], [lyr.name() for lyr in landsat])

        def parameter_of(path):
            return P.DATASET if dataset else (P.MODIS if any(path == row["modis"] for row in rows) else P.LANDSAT)

        pairs, grid, dropped, _ = read_series_pairs(rows, 0.0, parameter_of, feedback.pushInfo)
        if not pairs:
            raise LstFusionError(P.DATASET if dataset else P.LANDSAT, "no reference pair has a clear pixel in both "
                                 "its Landsat and its MODIS")
        check_same_grid({P.COARSE_TARGET: r[P.COARSE_TARGET], (P.DATASET if dataset else P.LANDSAT): grid})
        dates = sorted(pairs)
        feedback.pushInfo(f"{self.DISPLAY}: {len(dates)} reference pair(s): {', '.join(d.isoformat() for d in dates)}")
        params = {P.RIDGE: self.parameterAsDouble(parameters, P.RIDGE, context),
                  P.CLASSES: self.parameterAsInt(parameters, P.CLASSES, context)}
        core_allpairs.check_parameters(params[P.RIDGE], params[P.CLASSES])
        target = r[P.COARSE_TARGET]
        from ..core.data.checks import harmonise_units
        from ..core.data.io import Raster

        refs = {}
        for k, d in enumerate(dates, 1):  # the references, named by role for the provenance and the guard
            f, c = pairs[d]
            refs[f"{P.FINE_REF1[:-1]}{k}"] = Raster(f, grid, path=_path(rows, d, "landsat"))
            refs[f"{P.COARSE_REF1[:-1]}{k}"] = Raster(c, grid, path=_path(rows, d, "modis"))
        harmonise_units({P.COARSE_TARGET: target, **refs}, feedback.pushInfo, order=[P.COARSE_TARGET, *refs])
        images = {"fine_refs": [refs[f"{P.FINE_REF1[:-1]}{k}"].data for k in range(1, len(dates) + 1)],
                  "coarse_refs": [refs[f"{P.COARSE_REF1[:-1]}{k}"].data for k in range(1, len(dates) + 1)],
                  "coarse_target": target.data}
        out = fusion_methods.fuse_image(ENTRY.id, images, progress=progress, cancel=cancel, **params)
        params["REF_DATES"] = " ".join(d.isoformat() for d in dates)
        rasters = {P.COARSE_TARGET: target, **refs}
        out, params = corrected_with_params(self, parameters, context, feedback, out, rasters, params)
        return {P.OUTPUT: write_fused_output(self, parameters, context, out, rasters, self.DISPLAY, params,
                                             feedback=feedback)}


def _path(rows, date, key):
    return os.path.abspath(next(r[key] for r in rows if r["date"] == date))
