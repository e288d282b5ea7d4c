"""lstfusion:fuse_series - a daily fused series in one folder, loaded as a dated layer group."""
import os
import re

from qgis.core import (
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterString,
)

from .. import series as core_series
from ..core.fusion import methods
from ..core.fusion.residual import MODES as RESIDUAL_MODES
from . import names as P
from . import qgis_enums
from .base import (
    SOURCE_ORDER_HELP,
    LstFusionAlgorithm,
    add_double,
    add_engine,
    add_enum,
    add_int,
    add_raster,
    add_residual_correction,
    add_source_order,
    engine_value,
    set_advanced,
)
from .subregions import read_subregions

QUANTITIES = methods.get("estarfm").quantities  # the QUANTITY enum's options: core.fusion.estarfm.QUANTITIES
AUTO_LABEL = "auto (choose by leave-one-date-out on the pairs)"
# PAIRS: the pair rule of a method that can run either way (STARFM); append-only like METHOD
PAIR_OPTIONS = (("the method's own (STARFM: 2 pairs where there are two)", None),
                ("1 pair (the nearest)", methods.ONE),
                ("2 pairs (before and after; the nearest where there is one)", methods.ANY))


def method_options():
    """The METHOD enum, append-only (saved models such as city_season.model3 store the index): the method
    table's labels in its order with auto where it was appended (core.fusion.methods.enum_ids)."""
    return [AUTO_LABEL if i == methods.AUTO else methods.get(i).label for i in methods.enum_ids()]


class FuseSeries(LstFusionAlgorithm):
    ALG_ID = "fuse_series"
    DISPLAY = "Fuse a daily LST series"
    GROUP = "classical"
    HELP = ("Fuses a daily fine (30 m) LST series, one raster per MODIS date between START and END. "
            "The OUTPUT folder gets LST_METHOD_YYYYMMDD.tif per date (and its uncertainty map UNC_METHOD_YYYYMMDD.tif, "
            "the half-width of the 90 % interval), series.csv (date, status, reference dates, MODIS clear %, "
            "output, uncertainty, coarse source), series.vrt (one band per date), series_stats.csv and "
            "series_report.html (mean, p10, p90 per date and subregion, fused beside MODIS, Landsat dates marked). "
            "MODIS may mix daily sources (MODIS, VIIRS, Sentinel-3 SLSTR): one per date by SOURCE_ORDER, the level "
            "step between them on days both observed in source_steps.csv and the report. "
            "Reference pairs are Landsat dates with a MODIS raster of the same day: ESTARFM and two-pair models "
            "take the nearest pair on or before the date and the nearest after it, one-pair models the nearest, "
            "STARFM two when there are two; pairs farther than MAX_GAP_DAYS are not used and such dates are "
            "skipped with the reason in series.csv. A re-run keeps every date already complete with the same "
            "inputs and parameters. Tiles run on Dask when it is installed (in this process, or on the cluster "
            "of DASK_SCHEDULER), else one after another; the results are the same bit for bit. When loaded, "
            "the dates form a layer group with one temperature style and legend range, each layer with its own "
            "day as fixed temporal range, so the Temporal Controller animates the season.")
    FOLDER_FILES = re.compile(r"^(?:(?:LST|UNC)_[^/]*\.tif|MODEL_[^/]*\.tif|series(?:_stats)?\.csv|source_steps\.csv|"
                              r"series\.vrt|"
                              r"series_report\.html|"
                              r"modis_filled/M_\d{8}\.tif|\.tmp_[^/]*)$", re.IGNORECASE)
    STREAMS_OUTPUTS = True  # each date's raster is kept as it is finished; a re-run computes only the rest
    NOTHING_WRITTEN = ("the dates finished before it are kept, complete (a re-run computes only the rest); "
                       "no half-written file was left")
    TAGS = ("series", "time series", "daily", "season", "Temporal Controller", "animation", "Dask", "ESTARFM",
            "STARFM")
    PARAM_HELP = {
        P.MODIS: ("Daily MODIS LST rasters dated by their names (YYYYMMDD, YYYY-MM-DD, year + day of year 2020068, "
                  "MODIS A2021227) or an ACQUISITION_DATE tag; on the Landsat grid or resampled onto it per tile."),
        P.LANDSAT: "Landsat LST rasters dated by their names, all on one grid (the grid of the series).",
        P.DATASET: "Instead of MODIS and LANDSAT: a folder written by lstfusion:align_pairs (index.csv).",
        P.SOURCE_ORDER: SOURCE_ORDER_HELP,
        P.METHOD: ("Fusion method: a classical method (ESTARFM, STARFM, Fit-FC, FSDAF), a deep model (with its "
                   "CHECKPOINT), or auto (the default): the classical method and variant (as is, +SM or +RC) with "
                   "the lowest mean RMSE in a leave-one-date-out on the series' own pairs (overrides "
                   "RESIDUAL_CORRECTION; the documented default STARFM +SM with fewer than 4 pairs)."),
        P.CHECKPOINT: "For the deep models: a .pt file written by lstfusion:train_<model>; empty = the bundled one.",
        P.START: "First date (YYYY-MM-DD); empty = the first MODIS date.",
        P.END: "Last date (YYYY-MM-DD); empty = the last MODIS date.",
        P.MAX_GAP_DAYS: "The farthest, in days, a reference pair may be from the date it serves.",
        P.MIN_CLEAR: ("A MODIS date with fewer clear pixels than this percentage is gap-filled first (linear in time, "
                      "then focal mean), and skipped with the reason when it cannot be filled."),
        P.DASK_SCHEDULER: ("Address of a dask.distributed scheduler (tcp://host:8786) to run the tiles on; empty = in "
                           "this QGIS process (one thread per core)."),
        P.LANDSAT_BAND: "Band of the Landsat rasters to fuse (multi-band exports).",
        P.MODIS_BAND: "Band of the MODIS rasters to fuse.",
        P.LANDSAT_SCALE: "Factor applied to the Landsat values on reading (e.g. 0.0001 for reflectance x 10000).",
        P.MODIS_SCALE: "Factor applied to the MODIS values on reading.",
        P.QUANTITY: ("What the rasters hold, for ESTARFM's similarity and outlier revision: lst (K or degC) or "
                     "reflectance (0-1)."),
        P.WINDOW: "Side of the moving window in pixels, odd; 0 = the method's default (ESTARFM 51, STARFM 31).",
        P.CLASSES: "Number of land-cover classes assumed for the similar-pixel threshold (2 std / classes).",
        P.TILE_SIZE: "Edge of one task's tile in pixels (plus the window's halo); memory per task grows with it.",
        P.OUTPUT: "Folder for the dated rasters, series.csv, series.vrt, series_stats.csv and series_report.html.",
        P.UNCERTAINTY: ("Write UNC_METHOD_YYYYMMDD.tif beside each date: per pixel the half-width of the central 90 % "
                        "interval of the LST (in its unit), calibrated on the series' own pairs (each pair date "
                        "predicted from the others as the series runs the method) by class and by the day's MODIS "
                        "change. Needs two pairs or more and a classical method; series.csv says why a date has none."),
        P.UNCERTAINTY_CLASSES: ("Optional land-cover raster on the Landsat grid (integer classes > 0): the classes of "
                                "the uncertainty calibration; empty = terciles of the reference Landsat LST."),
        P.PAIRS: ("Reference pairs of a method that can run with one or two (STARFM): as validate_methods names its "
                  "rows, 'STARFM (1 pair)' or 'STARFM (2 pairs)'; other methods run with their own rule only. "
                  "With auto, the rule it chose."),
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterMultipleLayers(P.MODIS, "MODIS LST rasters (daily)",
                                                               qgis_enums.SOURCE_RASTER, optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(P.LANDSAT, "Landsat LST rasters",
                                                               qgis_enums.SOURCE_RASTER, optional=True))
        self.addParameter(QgsProcessingParameterFile(P.DATASET, "Dataset folder (align_pairs) instead of the lists",
                                                     qgis_enums.FILE_FOLDER, optional=True))
        add_enum(self, P.METHOD, "Method", method_options(), default=method_options().index(AUTO_LABEL))
        self.addParameter(QgsProcessingParameterFile(P.CHECKPOINT, "Checkpoint (.pt; empty = bundled)",
                                                     extension="pt", optional=True))
        self.addParameter(QgsProcessingParameterString(P.START, "First date (YYYY-MM-DD)", optional=True))
        self.addParameter(QgsProcessingParameterString(P.END, "Last date (YYYY-MM-DD)", optional=True))
        add_int(self, P.MAX_GAP_DAYS, "Farthest reference pair (days)", core_series.DEFAULT_MAX_GAP_DAYS, 1)
        add_double(self, P.MIN_CLEAR, "Gap-fill MODIS dates clearer than this less (%)", 0.0, 0.0)
        self.addParameter(QgsProcessingParameterString(P.DASK_SCHEDULER, "Dask scheduler address",
                                                       optional=True))
        add_int(self, P.LANDSAT_BAND, "Band of the Landsat rasters", 1, 1)
        add_int(self, P.MODIS_BAND, "Band of the MODIS rasters", 1, 1)
        for name, label in ((P.LANDSAT_SCALE, "Landsat scale factor"), (P.MODIS_SCALE, "MODIS scale factor")):
            add_double(self, name, label, 1.0)
        set_advanced(self, P.LANDSAT_SCALE, P.MODIS_SCALE)
        add_enum(self, P.QUANTITY, "Quantity", QUANTITIES, advanced=True)
        add_int(self, P.WINDOW, "Window size (pixels, odd; 0 = default)", 0, 0)
        add_int(self, P.CLASSES, "Number of classes", 4, 1)
        add_int(self, P.TILE_SIZE, "Tile size (pixels)", core_series.DEFAULT_TILE, 16)
        set_advanced(self, P.WINDOW, P.CLASSES, P.TILE_SIZE)
        add_engine(self)
        add_residual_correction(self)
        from .subregions import add_subregion_parameters

        add_subregion_parameters(self)
        self.removeParameter(P.RESOLUTION_RATIO)
        self.addParameter(QgsProcessingParameterFolderDestination(P.OUTPUT, "Series folder"))
        add_enum(self, P.PAIRS, "Reference pairs (STARFM)", [label for label, _ in PAIR_OPTIONS], advanced=True)
        self.addParameter(QgsProcessingParameterBoolean(P.UNCERTAINTY, "Uncertainty map per date (90 % half-width)",
                                                        True))
        add_raster(self, P.UNCERTAINTY_CLASSES, "Land-cover classes for the uncertainty", optional=True)
        set_advanced(self, P.UNCERTAINTY_CLASSES)
        add_source_order(self)
        self.addOutput(QgsProcessingOutputNumber(P.N_DATES, "Dates with a fused raster"))
        self.addOutput(QgsProcessingOutputFile(P.SERIES_CSV, "series.csv"))
        self.addOutput(QgsProcessingOutputFile(P.SERIES_VRT, "series.vrt"))
        self.addOutput(QgsProcessingOutputFile(P.OUTPUT_HTML, "Season report"))
        self.addOutput(QgsProcessingOutputString(P.METHOD_APPLIED, "Method applied (method, pairs, variant)"))
        self.addOutput(QgsProcessingOutputString(P.METHOD_CHOICE, "Why this method (auto's scores or fallback)"))
        self.addOutput(QgsProcessingOutputString(P.CORRECTION_APPLIED, "Residual correction applied"))

    def checkParameterValues(self, parameters, context):  # noqa: N802
        return self.check_dataset_or_lists(parameters, context)

    def execute(self, parameters, context, feedback, progress, cancel):
        modis_layers = self.parameterAsLayerList(parameters, P.MODIS, context)
        landsat_layers = self.parameterAsLayerList(parameters, P.LANDSAT, context)
        method = methods.enum_ids()[self.parameterAsEnum(parameters, P.METHOD, context)]
        residual_correction = self.enum_value(parameters, P.RESIDUAL_CORRECTION, context, list(RESIDUAL_MODES))
        extra_tags, shrink = None, None
        pairs = PAIR_OPTIONS[self.parameterAsEnum(parameters, P.PAIRS, context)][1]
        if method == "auto":
            method, pairs, residual_correction, w, tag = auto_choice(self, parameters, context, modis_layers,
                                                                     landsat_layers, feedback)
            extra_tags = {P.METHOD_CHOICE: tag}
            shrink = w if w < 1.0 else None
        window = self.parameterAsInt(parameters, P.WINDOW, context) or None
        engine = engine_value(self, parameters, context, feedback) if method in methods.CLASSICAL else "auto"
        out = self.parameterAsString(parameters, P.OUTPUT, context)
        landcover = self.parameterAsRasterLayer(parameters, P.UNCERTAINTY_CLASSES, context)
        options = core_series.SeriesOptions(
            modis=[lyr.source() for lyr in modis_layers] or None,
            landsat=[lyr.source() for lyr in landsat_layers] or None,
            dataset=self.parameterAsFile(parameters, P.DATASET, context) or None, method=method,
            start=self.parameterAsString(parameters, P.START, context) or None,
            end=self.parameterAsString(parameters, P.END, context) or None,
            max_gap_days=self.parameterAsInt(parameters, P.MAX_GAP_DAYS, context),
            min_clear=self.parameterAsDouble(parameters, P.MIN_CLEAR, context),
            scheduler=self.parameterAsString(parameters, P.DASK_SCHEDULER, context),
            checkpoint=self.parameterAsFile(parameters, P.CHECKPOINT, context) or None,
            modis_band=self.parameterAsInt(parameters, P.MODIS_BAND, context),
            landsat_band=self.parameterAsInt(parameters, P.LANDSAT_BAND, context),
            scales=(self.parameterAsDouble(parameters, P.LANDSAT_SCALE, context),
                    self.parameterAsDouble(parameters, P.MODIS_SCALE, context)),
            window=window, method_params={P.CLASSES: self.parameterAsInt(parameters, P.CLASSES, context)},
            quantity=self.enum_value(parameters, P.QUANTITY, context, QUANTITIES), engine=engine,
            tile=self.parameterAsInt(parameters, P.TILE_SIZE, context),
            modis_names=[lyr.name() for lyr in modis_layers] or None,
            landsat_names=[lyr.name() for lyr in landsat_layers] or None,
            residual_correction=residual_correction, extra_tags=extra_tags, pairs=pairs, shrink=shrink,
            coarse_pixel=self.parameterAsDouble(parameters, P.COARSE_PIXEL, context),
            uncertainty=self.parameterAsBoolean(parameters, P.UNCERTAINTY, context),
            landcover=landcover.source() if landcover is not None else None,
            source_order=self.parameterAsString(parameters, P.SOURCE_ORDER, context) or None)
        res = core_series.fuse_series(out, options, progress=progress, cancel=cancel, log=feedback.pushInfo)
        for r in res.rows:
            feedback.pushInfo(f"{r['date']}: {r['status']} (refs {r['ref1']} {r['ref2']}, MODIS {r['modis_clear']} % "
                              "clear)" + (f"; uncertainty: {r['uncertainty']}" if r.get("uncertainty") else ""))
        html = ""
        if res.outputs:
            from ..core.data.io import read_grid
            from ..series import season

            regions = read_subregions(self, parameters, context, read_grid(res.outputs[0], P.OUTPUT))
            stats = season.season_report(res, regions=regions, cancel=cancel)
            html = stats.html
            feedback.pushInfo(f"season report: {stats.csv}, {stats.html}")
            from .series_layers import attach_series_group

            attach_series_group(context, res, stats.stretch, stats.unc_stretch)
        feedback.pushInfo(f"method applied: {res.applied}; why: {res.choice}")
        return {P.OUTPUT: out, P.N_DATES: len(res.outputs), P.SERIES_CSV: res.csv, P.SERIES_VRT: res.vrt or "",
                P.OUTPUT_HTML: html, P.METHOD_APPLIED: res.applied, P.METHOD_CHOICE: res.choice,
                P.CORRECTION_APPLIED: residual_correction}


def series_folder_files(folder):
    return sorted(f for f in os.listdir(folder) if f.startswith("LST_") and f.endswith(".tif"))


def auto_choice(alg, parameters, context, modis_layers, landsat_layers, feedback):
    """METHOD=auto: auto's rule on the series' pairs (validation.auto.choose_for_inputs)."""
    from ..validation.auto import choose_for_inputs

    return choose_for_inputs(
        alg.parameterAsFile(parameters, P.DATASET, context), [lyr.source() for lyr in modis_layers],
        [lyr.source() for lyr in landsat_layers], alg.parameterAsDouble(parameters, P.COARSE_PIXEL, context),
        alg.enum_value(parameters, P.QUANTITY, context, QUANTITIES), log=feedback.pushInfo,
        modis_band=alg.parameterAsInt(parameters, P.MODIS_BAND, context),
        landsat_band=alg.parameterAsInt(parameters, P.LANDSAT_BAND, context),
        scales=(alg.parameterAsDouble(parameters, P.LANDSAT_SCALE, context),
                alg.parameterAsDouble(parameters, P.MODIS_SCALE, context)),
        modis_names=[lyr.name() for lyr in modis_layers], landsat_names=[lyr.name() for lyr in landsat_layers])
