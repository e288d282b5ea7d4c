from qgis.core import QgsProcessingOutputBoolean, QgsProcessingOutputFile, QgsProcessingOutputNumber

from ..core.data import coregister as core_coregister
from . import names as P
from .align_pairs import AlignPairs
from .base import add_double


class Coregister(AlignPairs):
    """align_pairs with co-registration always on, its search radius, and the shift as outputs."""

    ALG_ID = "coregister"
    DISPLAY = "Co-register MODIS to Landsat (aligned dataset)"
    GROUP = "preprocessing"
    HELP = ("Estimates MODIS's shift relative to Landsat and writes the aligned dataset (as align_pairs) with "
            "every MODIS raster co-registered. Landsat is aggregated to the MODIS footprint with a Gaussian PSF "
            "of one MODIS pixel FWHM; Pearson r with MODIS is computed over shifts up to <b>MAX_SHIFT</b> MODIS "
            "pixels, jointly over the pairs (a pair whose maximum lies on the radius is left out), refined to "
            "sub-pixel precision. The shift is applied only when the joint r gains at least 0.01 (or its "
            "unexplained variance falls by 10 %) and the gain holds in 95 % of block-bootstrap resamples; "
            "otherwise nothing is applied and the log says why. Log and coregistration.csv: the shift per pair "
            "and jointly, with r before and after. docs/coregistration.md.")
    TAGS = ("co-registration", "shift", "geolocation", "registration", "MODIS", "AROP")
    PARAM_HELP = dict({k: v for k, v in AlignPairs.PARAM_HELP.items() if k != P.COREGISTER}, **{
        P.MAX_SHIFT: ("Search radius, in MODIS pixels (1.5: up to 1.5 km for 1 km MODIS); at most 5 (farther is a "
                      "wrong CRS, not a misregistration) and at most a third of the Landsat image's shorter side."),
        P.OUTPUT: ("Dataset folder (align_pairs layout) with co-registered M_YYYYMMDD.tif, L_YYYYMMDD.tif, "
                   "index.csv and coregistration.csv."),
    })

    def add_coregistration(self):
        add_double(self, P.MAX_SHIFT, "Search radius (MODIS pixels)", core_coregister.MAX_SHIFT_COARSE, 0.1)
        for name, text in ((P.SHIFT_X, "MODIS shift east (m)"), (P.SHIFT_Y, "MODIS shift north (m)"),
                           (P.R_BEFORE, "Joint r before"), (P.R_AFTER, "Joint r after")):
            self.addOutput(QgsProcessingOutputNumber(name, text))
        self.addOutput(QgsProcessingOutputBoolean(P.APPLIED, "Shift applied"))
        self.addOutput(QgsProcessingOutputFile(P.COREGISTRATION, "Co-registration CSV"))

    def coregistration(self, parameters, context):
        return True, self.parameterAsDouble(parameters, P.MAX_SHIFT, context)

    def execute(self, parameters, context, feedback, progress, cancel):
        import os

        res, report = self.align(parameters, context, feedback, progress, cancel)
        est = report["coregistration"]
        return dict(res, **{P.SHIFT_X: est.shift_x_m, P.SHIFT_Y: est.shift_y_m, P.R_BEFORE: est.r_before,
                            P.R_AFTER: est.r_after, P.APPLIED: bool(est.applied),
                            P.COREGISTRATION: os.path.join(res[P.OUTPUT], "coregistration.csv")})
