"""A Sentinel-3 SLSTR SL_2_LST product for the tests, written to the product's documented structure.

A ``S3A_SL_2_LST____<start>_<stop>_<created>_..._.SEN3`` folder with ``LST_in.nc`` (``LST`` int16, scale 0.002,
offset 290, fill -32768), ``geodetic_in.nc`` (``latitude_in``/``longitude_in`` int32, scale 1e-6, fill
-2147483648) and ``flags_in.nc`` (``confidence_in`` uint16 with CF ``flag_masks``/``flag_meanings``), dimensions
``rows`` x ``columns``, written through GDAL's netCDF driver (the stack QGIS has).

The swath: a rotated, across-track-stretched grid of ~1 km pixels (as an orbit's track crosses the meridians at
an angle and pixels grow off nadir); each pixel's LST is its own identity, 280 + 0.002 k K for pixel k = row x
columns + column, so a test reads back which swath pixel landed in each cell.
"""
import math
import os

import numpy as np

FLAG_MEANINGS = ("coastline ocean tidal land inland_water unfilled spare spare cosmetic duplicate day twilight "
                 "sun_glint snow summary_cloud summary_pointing")
FLAG_MASKS = [1 << i for i in range(16)]
LAND, DAY, UNFILLED, CLOUD = 8, 1024, 32, 16384
NAME = "S3A_SL_2_LST____20240804T043512_20240804T043812_20240805T120000_0179_115_204_2340_PS1_O_NT_004.SEN3"


def swath(rows=60, cols=50, lat0=23.35, lon0=85.3, angle_deg=-12.0, km=1.0):
    """(lat, lon) of the swath pixels' centres and the pixel identities k."""
    r, c = np.mgrid[0:rows, 0:cols].astype(np.float64)
    across = (c - cols / 2) * km * (1 + 0.3 * ((c - cols / 2) / cols) ** 2)
    along = (r - rows / 2) * km
    a = math.radians(angle_deg)
    east = across * math.cos(a) - along * math.sin(a)
    north = -(across * math.sin(a) + along * math.cos(a))  # rows run south (a descending pass)
    lat = lat0 + north / 111.19492664455873  # km per degree on the sphere R = 6371.007181 km
    lon = lon0 + east / (111.19492664455873 * np.cos(np.radians(lat)))
    return lat, lon, (r * cols + c).astype(np.int64)


def lst_of(k):
    return 280.0 + 0.002 * k


def write_product(folder, rows=60, cols=50, cloud=None, name=NAME, **kw):
    """The .SEN3 folder under ``folder``; ``cloud``: a boolean swath mask flagged summary_cloud. Returns its path."""
    from osgeo import gdal

    lat, lon, k = swath(rows, cols, **kw)
    path = os.path.join(str(folder), name)
    os.makedirs(path, exist_ok=True)
    dn = (k - 5000).astype(np.int16)  # 290 + 0.002 (k - 5000) = 280 + 0.002 k
    flags = np.full((rows, cols), LAND | DAY, dtype=np.uint16)
    if cloud is not None:
        flags[cloud] |= CLOUD
    flags[:, 0] |= UNFILLED
    dn[:, 0] = -32768  # unfilled pixels hold fill

    def write(fname, variables):
        ds = gdal.GetDriverByName("netCDF").CreateMultiDimensional(os.path.join(path, fname), [], ["FORMAT=NC4"])
        root = ds.GetRootGroup()
        a = root.CreateAttribute("start_time", [], gdal.ExtendedDataType.CreateString())
        a.Write("2024-08-04T04:35:12.000000Z")
        dr = root.CreateDimension("rows", None, None, rows)
        dc = root.CreateDimension("columns", None, None, cols)
        for var, data, gdt, attrs in variables:
            arr = root.CreateMDArray(var, [dr, dc], gdal.ExtendedDataType.Create(gdt))
            for key, value in attrs.items():
                if isinstance(value, str):
                    at = arr.CreateAttribute(key, [], gdal.ExtendedDataType.CreateString())
                elif isinstance(value, list):
                    at = arr.CreateAttribute(key, [len(value)], gdal.ExtendedDataType.Create(gdal.GDT_UInt16))
                elif key == "_FillValue":
                    at = arr.CreateAttribute(key, [], gdal.ExtendedDataType.Create(gdt))
                else:
                    at = arr.CreateAttribute(key, [], gdal.ExtendedDataType.Create(gdal.GDT_Float64))
                at.Write(value)
            arr.Write(np.ascontiguousarray(data).tobytes())
        del ds, root, dr, dc

    write("LST_in.nc", [("LST", dn, gdal.GDT_Int16,
                         {"_FillValue": -32768, "scale_factor": 0.002, "add_offset": 290.0, "units": "K",
                          "standard_name": "surface_temperature"})])
    write("geodetic_in.nc", [
        ("latitude_in", np.round(lat * 1e6).astype(np.int32), gdal.GDT_Int32,
         {"_FillValue": -2147483648, "scale_factor": 1e-6, "units": "degrees_north"}),
        ("longitude_in", np.round(lon * 1e6).astype(np.int32), gdal.GDT_Int32,
         {"_FillValue": -2147483648, "scale_factor": 1e-6, "units": "degrees_east"})])
    write("flags_in.nc", [("confidence_in", flags, gdal.GDT_UInt16,
                           {"flag_masks": FLAG_MASKS, "flag_meanings": FLAG_MEANINGS})])
    return path
