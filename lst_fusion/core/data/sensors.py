"""The one table of sensors: what each daily or fine LST source is, where a STAC API serves it, when it passes.

Read by search_download (the SENSORS options, in this order: options are only ever APPENDED, saved models keep
their indices), the imports (platform and overpass tags), the dock and the docs.

Overpass: the mean local solar time of the day pass, which matters for fusion with Landsat (10:10-10:30): LST
rises by several kelvin an hour in the morning, so a coarse image taken hours away from Landsat's pass has another
spatial pattern, not only another level. Terra's 10:30 has drifted earlier (about 9:00 by late 2025), Aqua's 13:30
later (past 15:00); VIIRS 13:30; Sentinel-3 SLSTR 10:00 (the closest to Landsat of the sources still flying).
"""
from dataclasses import dataclass

PLANETARY_COMPUTER = "https://planetarycomputer.microsoft.com/api/stac/v1"
PLANETARY_COMPUTER_TOKENS = "https://planetarycomputer.microsoft.com/api/sas/v1/token"
CMR_STAC_LPCLOUD = "https://cmr.earthdata.nasa.gov/stac/LPCLOUD"  # NASA's CMR-STAC, LP DAAC's cloud holdings


@dataclass(frozen=True)
class Sensor:
    """One sensor as a STAC API serves it (and as the imports name it)."""

    name: str        # the SENSORS option shown to the user
    collection: str  # STAC collection id (Planetary Computer's, or CMR-STAC's for VIIRS)
    platform: str    # the item's ``platform`` property ("" = any platform of the collection)
    product: str     # "MODIS", "Landsat", "VIIRS" or "SLSTR": which product rules apply
    folder: str      # sub-folder of OUTPUT
    prefix: str      # file name prefix, then _YYYYMMDD.tif
    lst_asset: str
    qa_asset: str
    overpass: str = ""         # mean local solar time of the day pass, as the docs and tags say it
    catalog: str = "STAC_URL"  # the parameter that holds the API serving it: STAC_URL or CMR_STAC_URL
    geo_asset: str = ""        # the swath products' geolocation asset (SLSTR)
    file_asset: str = ""       # an asset holding every layer in one file (VIIRS HDF5) read when layer assets lack

    @property
    def needs_login(self):
        """NASA's data need an Earthdata Login (AUTHCFG, or EARTHDATA_TOKEN for qgis_process)."""
        return self.catalog == "CMR_STAC_URL"


SENSORS = (
    Sensor("MODIS Terra", "modis-11A1-061", "terra", "MODIS", "MOD11A1", "MOD11A1", "LST_Day_1km", "QC_Day",
           "10:30, drifting earlier (about 9:00 by late 2025)"),
    Sensor("MODIS Aqua", "modis-11A1-061", "aqua", "MODIS", "MYD11A1", "MYD11A1", "LST_Day_1km", "QC_Day",
           "13:30, drifting later (past 15:00 by 2026)"),
    Sensor("Landsat 8", "landsat-c2-l2", "landsat-8", "Landsat", "landsat", "LC08", "lwir11", "qa_pixel",
           "10:10-10:30"),
    Sensor("Landsat 9", "landsat-c2-l2", "landsat-9", "Landsat", "landsat", "LC09", "lwir11", "qa_pixel",
           "10:10-10:30"),
    # appended (issue 42): the daily 1 km sources after MODIS
    Sensor("VIIRS SNPP", "VNP21A1D_002", "suomi-npp", "VIIRS", "VNP21A1D", "VNP21A1D", "LST_1KM", "QC", "13:30",
           "CMR_STAC_URL", file_asset="data"),
    Sensor("VIIRS NOAA-20", "VJ121A1D_002", "noaa-20", "VIIRS", "VJ121A1D", "VJ121A1D", "LST_1KM", "QC", "13:30",
           "CMR_STAC_URL", file_asset="data"),
    Sensor("VIIRS NOAA-21", "VJ221A1D_002", "noaa-21", "VIIRS", "VJ221A1D", "VJ221A1D", "LST_1KM", "QC", "13:30",
           "CMR_STAC_URL", file_asset="data"),
    Sensor("Sentinel-3 SLSTR", "sentinel-3-slstr-lst-l2-netcdf", "", "SLSTR", "SLSTR", "SL_2_LST", "lst-in",
           "slstr-flags-in", "10:00", geo_asset="slstr-geodetic-in"),
)
SENSOR_NAMES = [s.name for s in SENSORS]
BY_NAME = {s.name: s for s in SENSORS}
# VIIRS products by their short name (the first part of a granule's name) -> the sensor
VIIRS_PRODUCTS = {s.prefix: s for s in SENSORS if s.product == "VIIRS"}
