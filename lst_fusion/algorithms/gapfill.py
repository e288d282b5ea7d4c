import os

import numpy as np
from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from ..core.data import gapfill as core_gapfill
from ..core.data.checks import harmonise_units, require_single_band
from ..core.data.dates import require_date
from ..core.data.io import check_same_grid, read_raster
from ..core.data.pairing import raster_date
from ..core.platform.safety import file_of, same_key
from . import names as P
from . import qgis_enums
from .base import LstFusionAlgorithm, add_enum, add_int, add_raster


class GapFill(LstFusionAlgorithm):
    ALG_ID = "gapfill"
    DISPLAY = "Fill cloud gaps in LST"
    GROUP = "preprocessing"
    HELP = ("Fills nodata (cloud) pixels of an LST raster.<br><b>temporal</b>: linear interpolation in time "
            "between the nearest clear observations before and after the target date within "
            "<b>WINDOW_DAYS</b>, taken from <b>OTHER_DATES</b> (rasters of the same grid, dated by name).<br>"
            "<b>spatial</b>: progressive focal mean (3&times;3, 5&times;5, ... until no gap is left); clear pixels "
            "are never changed.<br><b>temporal+spatial</b> (default): temporal first, spatial for the rest.<br>"
            "Returns how many pixels each step filled, and marks them in a raster beside the output "
            "(<i>output</i>.filled.tif): training never takes a filled pixel for an observed one.")

    TAGS = ("gap filling", "interpolation", "clouds", "nodata", "inpainting")
    PARAM_HELP = {
        P.INPUT: "LST raster whose nodata pixels (clouds) are to be filled.",
        P.METHOD: (
            "temporal (interpolate in time), spatial (progressive focal mean) or temporal+spatial (temporal first)."),
        P.OTHER_DATES: "LST rasters of other dates on the same grid, dated by their names, used by the temporal step.",
        P.WINDOW_DAYS: "How far before and after the date of INPUT the temporal step looks for clear observations (days).",
        P.OUTPUT: ("Gap-filled LST; clear pixels of INPUT are never changed. Beside it, X.filled.tif marks the "
                   "filled pixels (1) and the observed ones (0); align_pairs carries it into a dataset and the deep "
                   "models' training leaves the filled pixels out of the loss."),
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        add_raster(self, P.INPUT, "LST raster with gaps")
        add_enum(self, P.METHOD, "Method", list(core_gapfill.METHODS))
        self.addParameter(QgsProcessingParameterMultipleLayers(P.OTHER_DATES, "LST rasters of other dates (same grid)",
                                                               qgis_enums.SOURCE_RASTER, optional=True))
        add_int(self, P.WINDOW_DAYS, "Temporal window (days either side)", 32, 1)
        self.addParameter(QgsProcessingParameterString(P.DATE, "Date of INPUT (if not in its name)", optional=True))
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "Gap-filled LST"))
        self.addOutput(QgsProcessingOutputNumber(P.FILLED_TEMPORAL, "Pixels filled in time"))
        self.addOutput(QgsProcessingOutputNumber(P.FILLED_SPATIAL, "Pixels filled in space"))

    def execute(self, parameters, context, feedback, progress, cancel):
        src = self.raster_source(parameters, P.INPUT, context)
        method = self.enum_value(parameters, P.METHOD, context, list(core_gapfill.METHODS))
        target = read_raster(src, P.INPUT)
        others = []  # (date, Raster, parameter label)
        for lyr in self.parameterAsLayerList(parameters, P.OTHER_DATES, context):
            name = f"{P.OTHER_DATES} ({lyr.name()})"
            base = os.path.basename(file_of(lyr.source()) or lyr.source())
            if same_key(file_of(lyr.source()) or lyr.source()) == same_key(file_of(src) or src):
                # the same list for every date of a series (the batch dialog) holds INPUT too: harmless, said
                feedback.pushInfo(f"{name}: {base} is INPUT itself: left out (the temporal step fills INPUT from "
                                  "other dates)")
                continue
            d = raster_date(lyr.source(), P.OTHER_DATES, lyr.name())
            require_single_band(name, lyr.source(), lyr.bandCount())
            r = read_raster(lyr.source(), name)
            check_same_grid({P.INPUT: target, name: r})
            if not np.isfinite(r.data).any():  # a fully cloudy date has nothing to give: skipped, not the run
                feedback.pushInfo(f"{name}: {base} has no clear pixel (all nodata, a fully cloudy date): left out")
                continue
            others.append((d, r, name))
        # every raster plausible LST, the other dates brought to the unit of INPUT (logged)
        harmonise_units({P.INPUT: target, **{name: r for _, r, name in others}}, feedback.pushInfo)
        date = None
        if "temporal" in method and others:
            date = require_date(src, self.parameterAsString(parameters, P.DATE, context) or None)
            for d, _, name in others:
                if d == date:
                    feedback.pushInfo(f"{name}: is of {d.isoformat()}, the date of INPUT: not used (the temporal "
                                      "step fills INPUT from other dates)")
        others = [(d, r.data) for d, r, _ in others]
        filled, rep = core_gapfill.gapfill(target.data, method, date, others,
                                           self.parameterAsInt(parameters, P.WINDOW_DAYS, context), cancel=cancel)
        out = self.parameterAsOutputLayer(parameters, P.OUTPUT, context)
        core_gapfill.write_marked(out, filled, target.data, target.grid, tags=target.tags, method=method)
        feedback.pushInfo(f"{rep['gaps_before']} gaps: {rep['filled_temporal']} filled in time, "
                          f"{rep['filled_spatial']} in space, {rep['gaps_after']} left")
        return {P.OUTPUT: out, P.FILLED_TEMPORAL: rep["filled_temporal"], P.FILLED_SPATIAL: rep["filled_spatial"]}
