"""lstfusion:search_download - MODIS and Landsat LST for an area and a date range, from a STAC API."""
import re

from qgis.core import (
    QgsProcessingOutputFile,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputNumber,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from ..core.data import stac
from ..core.data.dates import to_date
from ..core.platform.errors import LstFusionError
from . import names as P
from .aoi import aoi_geojson
from .base import UNITS, LstFusionAlgorithm, add_double, add_enum, add_int, set_advanced

DEFAULT_SENSORS = [stac.SENSOR_NAMES.index(n) for n in ("MODIS Terra", "Landsat 8", "Landsat 9")]


EARTHDATA_TOKEN_ENV = "EARTHDATA_TOKEN"  # nosec B105 - the name of an environment variable, not a token


def earthdata_token(authcfg):
    """The Earthdata Login token of a QGIS authentication configuration (Basic: its password; Esri Token: its
    token), else the EARTHDATA_TOKEN environment variable (qgis_process), else None. Never logged."""
    import os

    if authcfg:
        from qgis.core import QgsApplication, QgsAuthMethodConfig

        cfg = QgsAuthMethodConfig()
        if not QgsApplication.authManager().loadAuthenticationConfig(authcfg, cfg, True):
            raise LstFusionError(P.AUTHCFG, f"the authentication configuration {authcfg!r} cannot be read (a wrong id, "
                                            "or the master password was not given): choose it again in "
                                            "Settings > Options > Authentication")
        token = cfg.config("token") or cfg.config("password")
        if not token:
            raise LstFusionError(P.AUTHCFG, f"the authentication configuration {authcfg!r} holds no token: "
                                            f"{stac.LOGIN_HOWTO}")
        return token
    return os.environ.get(EARTHDATA_TOKEN_ENV) or None


class SearchDownload(LstFusionAlgorithm):
    ALG_ID = "search_download"
    DISPLAY = "Search and download MODIS and Landsat LST (STAC)"
    GROUP = "download"
    NEEDS = ("pystac_client",)
    HELP = ("Searches a STAC API (Microsoft's Planetary Computer by default) for MOD11A1/MYD11A1 and Landsat 8/9 "
            "Collection 2 Level-2 items over <b>AOI</b> between <b>START</b> and <b>END</b>, reads only the AOI "
            "window of each cloud-optimised GeoTIFF (HTTP range requests, native resolution) and converts it with "
            "the rules of import_modis and import_landsat (scale, fill, QC/QA bits). Writes "
            "MOD11A1/MOD11A1_YYYYMMDD.tif, MYD11A1/MYD11A1_YYYYMMDD.tif and landsat/LC08_YYYYMMDD.tif (LC09 for "
            "Landsat 9), one per date (items of one date mosaicked; every Landsat file on one grid), and "
            "downloads.csv (item id, date, sensor, scene cloud %, clear % in the AOI, status, reason). Dates whose "
            "AOI is less clear than MIN_CLEAR are rejected. A re-run keeps every date already complete with the "
            "same items and settings. The MODIS_FILES and LANDSAT_FILES outputs feed align_pairs and fuse_series "
            "(graphical modeler: resources/models/city_season.model3).<br>VIIRS (VNP21A1D, VJ121A1D, VJ221A1D) is "
            "searched in NASA's CMR-STAC (<b>CMR_STAC_URL</b>) and read with the Earthdata Login of <b>AUTHCFG</b> "
            "(or the EARTHDATA_TOKEN environment variable), rules of import_viirs, files VNP21A1D/VNP21A1D_YYYYMMDD.tif"
            " (VIIRS_FILES). Sentinel-3 SLSTR day passes (SL_2_LST) are fetched whole (NetCDF swaths) and gridded "
            "as import_slstr does onto the MODLAND 1 km grid over the AOI: SLSTR/SL_2_LST_YYYYMMDD.tif "
            "(SLSTR_FILES).<br><b>FETCH_REFLECTANCE</b> also reads each Landsat date's Collection 2 Level-2 surface "
            "reflectance (green, red, NIR, SWIR1 and QA_PIXEL) over the same window: "
            "landsat_sr/LC08_SR_YYYYMMDD.tif on the LST's grid (REFLECTANCE_FILES), the REFLECTANCE input of "
            "thermal sharpening.")
    FOLDER_FILES = re.compile(r"^(?:downloads\.csv|[^/]+/[^/]+_\d{8}\.tif|\.tmp_[^/]*)$", re.IGNORECASE)
    STREAMS_OUTPUTS = True  # each downloaded file is kept as it is finished; a re-run downloads only the rest
    NOTHING_WRITTEN = ("the files downloaded before it are kept, complete, and listed in downloads.csv when it was "
                       "written (a re-run downloads only the rest); no half-written file was left")
    TAGS = ("STAC", "download", "search", "Planetary Computer", "COG", "cloud-optimised GeoTIFF", "MOD11A1", "MYD11A1",
            "Landsat Collection 2", "ST_B10", "Earth Engine")
    PARAM_HELP = {
        P.AOI: ("Area of interest: an extent (drawn on the canvas or typed, any CRS) or a polygon layer, whose "
                "polygons then also bound the clear percentage."),
        P.START: "First acquisition date (YYYY-MM-DD).",
        P.END: "Last acquisition date (YYYY-MM-DD), included.",
        P.SENSORS: ("MODIS Terra (MOD11A1, 10:30 drifting earlier), MODIS Aqua (MYD11A1, 13:30 drifting later), "
                    "Landsat 8, Landsat 9 (Collection 2 Level-2 ST_B10), VIIRS SNPP/NOAA-20/NOAA-21 (VNP21A1D, "
                    "VJ121A1D, VJ221A1D, 13:30; from NASA's CMR-STAC, needs AUTHCFG), Sentinel-3 SLSTR (SL_2_LST, "
                    "10:00, day passes; gridded onto the MODLAND 1 km grid)."),
        P.AUTHCFG: ("Earthdata Login for VIIRS: a QGIS authentication configuration holding an Earthdata token "
                    "(Basic: the token as password; or Esri Token). Without it the EARTHDATA_TOKEN environment "
                    "variable is used (qgis_process). The token is sent as an HTTP header only, never written."),
        P.CMR_STAC_URL: "The STAC API VIIRS is searched in: NASA's CMR-STAC (LP DAAC cloud) by default.",
        P.MAX_CLOUD: "Landsat scenes whose eo:cloud_cover (whole scene) is above this percentage are not read.",
        P.MIN_CLEAR: ("Dates whose AOI has fewer clear pixels than this percentage (counted on the data after the "
                      "QC/QA masks) are rejected and not written."),
        P.STAC_URL: ("A STAC API: its root or its /search endpoint. Planetary Computer by default; its asset URLs "
                     "are signed with a short-lived token, other APIs are read unsigned unless TOKEN_URL is given."),
        P.TOKEN_URL: ("Token endpoint for signed asset URLs (GET TOKEN_URL/collection answers {\"token\": ...}, "
                      "Planetary Computer's scheme); empty = Planetary Computer's for its API, none for others."),
        P.LIST_ONLY: ("Search and read the windows to report each item's clear percentage in downloads.csv, but "
                      "write no raster."),
        P.TIMEOUT: "Seconds to wait for one HTTP answer before trying again.",
        P.RETRIES: ("Tries again after HTTP 429/5xx, a timeout or a cut-off answer, waiting 1, 2, 4 ... seconds; "
                    "an item that still fails is marked failed in downloads.csv and read on the next run."),
        P.OUTPUT: "Folder for the sensor sub-folders and downloads.csv; a re-run into it resumes.",
        P.FETCH_REFLECTANCE: ("Also fetch each Landsat date's Collection 2 Level-2 surface reflectance for the AOI "
                              "window (assets green, red, nir08, swir16 and qa_pixel; Landsat 8/9 SR_B3-SR_B6): one "
                              "5-band GeoTIFF per date, landsat_sr/LC08_SR_YYYYMMDD.tif, on the LST's grid, bands "
                              "green, red, NIR, SWIR1 as reflectance (DN x 0.0000275 - 0.2, NaN at fill) and "
                              "QA_PIXEL as it is: thermal sharpening's REFLECTANCE input, from which it computes "
                              "NDVI, NDWI and NDBI. A date whose items lack these assets keeps its LST and says so "
                              "in downloads.csv."),
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterExtent(P.AOI, "Area of interest (extent or polygon layer)"))
        self.addParameter(QgsProcessingParameterString(P.START, "First date (YYYY-MM-DD)"))
        self.addParameter(QgsProcessingParameterString(P.END, "Last date (YYYY-MM-DD)"))
        self.addParameter(QgsProcessingParameterEnum(P.SENSORS, "Sensors", stac.SENSOR_NAMES, allowMultiple=True,
                                                     defaultValue=DEFAULT_SENSORS))
        add_double(self, P.MAX_CLOUD, "Maximum Landsat scene cloud cover (%)", 80.0, 0.0)
        self.parameterDefinition(P.MAX_CLOUD).setMaximum(100.0)
        add_double(self, P.MIN_CLEAR, "Minimum clear pixels in the AOI (%)", 20.0, 0.0)
        self.parameterDefinition(P.MIN_CLEAR).setMaximum(100.0)
        add_enum(self, P.UNIT, "Output unit", UNITS)
        self.addParameter(QgsProcessingParameterString(P.STAC_URL, "STAC API", defaultValue=stac.PLANETARY_COMPUTER))
        self.addParameter(QgsProcessingParameterString(P.TOKEN_URL, "Token endpoint (empty = automatic)",
                                                       optional=True))
        self.addParameter(QgsProcessingParameterBoolean(P.LIST_ONLY, "Only list the items (write no raster)", False))
        add_double(self, P.TIMEOUT, "HTTP timeout (s)", 30.0, 1.0)
        add_int(self, P.RETRIES, "Retries per request", 4, 0, 10)
        set_advanced(self, P.TOKEN_URL, P.TIMEOUT, P.RETRIES)
        self.addParameter(QgsProcessingParameterFolderDestination(P.OUTPUT, "Download folder"))
        self.addOutput(QgsProcessingOutputMultipleLayers(P.MODIS_FILES, "MODIS LST rasters (Terra, else Aqua)"))
        self.addOutput(QgsProcessingOutputMultipleLayers(P.LANDSAT_FILES, "Landsat LST rasters"))
        self.addOutput(QgsProcessingOutputFile(P.DOWNLOADS_CSV, "downloads.csv"))
        self.addOutput(QgsProcessingOutputNumber(P.N_MODIS, "MODIS dates written or kept"))
        self.addOutput(QgsProcessingOutputNumber(P.N_LANDSAT, "Landsat dates written or kept"))
        # appended (issue 42): NASA's VIIRS needs an Earthdata Login
        self.addParameter(QgsProcessingParameterAuthConfig(P.AUTHCFG, "Earthdata Login (VIIRS)", optional=True))
        self.addParameter(QgsProcessingParameterString(P.CMR_STAC_URL, "STAC API for VIIRS (NASA CMR-STAC)",
                                                       defaultValue=stac.CMR_STAC_LPCLOUD))
        set_advanced(self, P.CMR_STAC_URL)
        self.addOutput(QgsProcessingOutputMultipleLayers(P.VIIRS_FILES, "VIIRS LST rasters (every platform)"))
        self.addOutput(QgsProcessingOutputMultipleLayers(P.SLSTR_FILES, "Sentinel-3 SLSTR LST rasters"))
        # appended (issue 38): the surface reflectance thermal sharpening computes its spectral indices from
        self.addParameter(QgsProcessingParameterBoolean(P.FETCH_REFLECTANCE, "Also fetch Landsat surface reflectance "
                                                        "(green, red, NIR, SWIR1, QA_PIXEL)", False))
        self.addOutput(QgsProcessingOutputMultipleLayers(P.REFLECTANCE_FILES, "Landsat surface reflectance rasters"))

    def checkParameterValues(self, parameters, context):  # noqa: N802
        if P.SENSORS in parameters and not parameters[P.SENSORS] and parameters[P.SENSORS] != 0:
            return False, f"{P.SENSORS}: choose at least one sensor"  # QGIS alone: "Incorrect parameter value"
        return super().checkParameterValues(parameters, context)

    def execute(self, parameters, context, feedback, progress, cancel):
        aoi = aoi_geojson(self, parameters, context)
        start = to_date(self.parameterAsString(parameters, P.START, context), P.START)
        end = to_date(self.parameterAsString(parameters, P.END, context), P.END)
        sensors = [stac.SENSOR_NAMES[i] for i in self.parameterAsEnums(parameters, P.SENSORS, context)]
        if not sensors:
            raise LstFusionError(P.SENSORS, "choose at least one sensor")
        out = self.parameterAsString(parameters, P.OUTPUT, context)
        res = stac.search_download(
            self.parameterAsString(parameters, P.STAC_URL, context), aoi, start, end, sensors, out,
            max_cloud=self.parameterAsDouble(parameters, P.MAX_CLOUD, context),
            min_clear=self.parameterAsDouble(parameters, P.MIN_CLEAR, context),
            unit=self.enum_value(parameters, P.UNIT, context, UNITS),
            token_url=self.parameterAsString(parameters, P.TOKEN_URL, context) or None,
            list_only=self.parameterAsBool(parameters, P.LIST_ONLY, context),
            timeout=self.parameterAsDouble(parameters, P.TIMEOUT, context),
            retries=self.parameterAsInt(parameters, P.RETRIES, context),
            progress=progress, cancel=cancel, log=feedback.pushInfo,
            cmr_url=self.parameterAsString(parameters, P.CMR_STAC_URL, context) or stac.CMR_STAC_LPCLOUD,
            earthdata_token=earthdata_token(self.parameterAsString(parameters, P.AUTHCFG, context)),
            reflectance=self.parameterAsBool(parameters, P.FETCH_REFLECTANCE, context))
        for r in res["rows"]:
            feedback.pushInfo(f"{r['date']} {r['sensor']} {r['item_id']}: {r['status']}"
                              + (f", {r['clear_percent']} % clear" if r["clear_percent"] else "")
                              + (f" ({r['reason']})" if r["reason"] else ""))
        modis, landsat = stac.modis_files(res), stac.landsat_files(res)
        return {P.OUTPUT: out, P.MODIS_FILES: modis, P.LANDSAT_FILES: landsat, P.DOWNLOADS_CSV: res["downloads_csv"],
                P.N_MODIS: len(modis), P.N_LANDSAT: len(landsat), P.VIIRS_FILES: stac.product_files(res, "VIIRS"),
                P.SLSTR_FILES: stac.product_files(res, "SLSTR"), P.REFLECTANCE_FILES: stac.reflectance_files(res)}
