"""VIIRS LST granules for the tests, written to the product's documented structure (VNP21 user guide, C2).

:func:`write_granule` writes an HDF5 file (netCDF-4 through GDAL's multidimensional API: GDAL here reads HDF5 but
cannot write it, and netCDF-4 files are HDF5 files) with the groups and layers of a VNP21A1D granule:
``HDFEOS/GRIDS/VIIRS_Grid_Daily_1km_LST21/Data Fields/{LST_1KM, QC, View_Angle, View_Time}`` (uint16, uint16,
uint8, uint8; ``scale_factor``/``add_offset``/``_FillValue`` attributes as the product has them),
``HDFEOS INFORMATION/StructMetadata.0`` (the grid's corners in metres; a one-element string array where the
product has a scalar string: GDAL's Python bindings write no scalar strings) and the root attribute
``RangeBeginningDate``. No geotransform is stored: GDAL's HDF5 driver gives none for these grids.

:func:`write_assets` writes the same layers as single-band GeoTIFFs on the tile's grid (the cloud-optimised
assets of a STAC item).
"""
import datetime as _dt
import os

import numpy as np

from lst_fusion.core.data import viirs

FIELDS = {  # layer: (dtype, scale_factor, add_offset, _FillValue)
    "LST_1KM": (np.uint16, 0.02, 0.0, 0),
    "QC": (np.uint16, None, None, None),
    "View_Angle": (np.uint8, 1.0, -65.0, 255),
    "View_Time": (np.uint8, 0.1, 0.0, 255),
}


def granule_name(product="VNP21A1D", date=_dt.date(2024, 8, 4), h=19, v=5, ext="h5"):
    return f"{product}.A{date.year}{date.timetuple().tm_yday:03d}.h{h:02d}v{v:02d}.002.2024219103000.{ext}"


def pattern(n=viirs.TILE_PIXELS, seed=0):
    """Known layers of one tile: LST DN, QC (some cloudy, some cirrus), view angle and time DN."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:n, 0:n]
    kelvin = 290.0 + 10.0 * np.sin(xx / 37.0) + 0.01 * yy
    dn = np.round(kelvin / 0.02).astype(np.uint16)
    dn[:5, :] = 0  # fill
    qc = np.zeros((n, n), dtype=np.uint16)
    qc[rng.random((n, n)) < 0.1] = 2  # mandatory 2: not produced, cloud
    qc[100:120, 100:120] = 1 << 4  # thin cirrus (cloud bits 4-5 = 1): masked by the default rule
    qc[200:210, :] |= 3 << 14  # LST accuracy < 1 K
    angle = np.clip(65 + (xx - n // 2) * 55 // (n // 2), 10, 120).astype(np.uint8)  # -55 .. +55 degrees
    time = np.full((n, n), 135, dtype=np.uint8)  # 13.5 h local solar time
    time[:, n // 2:] = 137
    angle[:5, :] = 255
    time[:5, :] = 255
    return {"LST_1KM": dn, "QC": qc, "View_Angle": angle, "View_Time": time}


def write_granule(path, layers, h=19, v=5, date=_dt.date(2024, 8, 4), struct_metadata=True):
    from osgeo import gdal

    n = next(iter(layers.values())).shape[0]
    grid = viirs.tile_grid(h, v, n)
    t = grid.transform
    ds = gdal.GetDriverByName("netCDF").CreateMultiDimensional(str(path), [], ["FORMAT=NC4"])
    root = ds.GetRootGroup()
    attr = root.CreateAttribute("RangeBeginningDate", [], gdal.ExtendedDataType.CreateString())
    attr.Write(date.isoformat())
    group = root.CreateGroup("HDFEOS").CreateGroup("GRIDS").CreateGroup("VIIRS_Grid_Daily_1km_LST21")
    fields = group.CreateGroup("Data Fields")
    ydim = fields.CreateDimension("YDim", None, None, n)
    xdim = fields.CreateDimension("XDim", None, None, n)
    gdt = {np.uint16: gdal.GDT_UInt16, np.uint8: gdal.GDT_Byte}
    for name, data in layers.items():
        dtype, scale, offset, fill = FIELDS[name]
        arr = fields.CreateMDArray(name, [ydim, xdim], gdal.ExtendedDataType.Create(gdt[dtype]))
        if fill is not None:  # netCDF: the fill value before the data
            a = arr.CreateAttribute("_FillValue", [], gdal.ExtendedDataType.Create(gdt[dtype]))
            a.Write(int(fill))
        for key, value in (("scale_factor", scale), ("add_offset", offset)):
            if value is not None:
                a = arr.CreateAttribute(key, [], gdal.ExtendedDataType.Create(gdal.GDT_Float32))
                a.Write(float(value))
        arr.Write(np.ascontiguousarray(data.astype(dtype)).tobytes())
    if struct_metadata:
        text = ("GROUP=SwathStructure\nEND_GROUP=SwathStructure\nGROUP=GridStructure\n\tGROUP=GRID_1\n"
                "\t\tGridName=\"VIIRS_Grid_Daily_1km_LST21\"\n"
                f"\t\tXDim={n}\n\t\tYDim={n}\n\t\tUpperLeftPointMtrs=({t.c:.6f},{t.f:.6f})\n"
                f"\t\tLowerRightMtrs=({t.c + n * t.a:.6f},{t.f + n * t.e:.6f})\n"
                "\t\tProjection=HE5_GCTP_SNSOID\n\t\tProjParams=(6371007.181000,0,0,0,0,0,0,0,0,0,0,0,0)\n"
                "\t\tSphereCode=-1\n\t\tGridOrigin=HE5_HDFE_GD_UL\n\tEND_GROUP=GRID_1\nEND_GROUP=GridStructure\n")
        info = root.CreateGroup("HDFEOS INFORMATION")
        one = info.CreateDimension("one", None, None, 1)
        sm = info.CreateMDArray("StructMetadata.0", [one], gdal.ExtendedDataType.CreateString())
        sm.WriteStringArray([0], [1], [1], gdal.ExtendedDataType.CreateString(), [text])
    del ds, root, group, fields  # closes the file (every object of the tree holds it open)
    return str(path)


def write_assets(folder, stem, layers, h=19, v=5):
    """Single-band GeoTIFFs ``{stem}_{layer}.tif`` on the tile's grid, DN as in the granule; {layer: path}."""
    import rasterio

    n = next(iter(layers.values())).shape[0]
    grid = viirs.tile_grid(h, v, n)
    out = {}
    for name, data in layers.items():
        path = os.path.join(folder, f"{stem}_{name}.tif")
        fill = FIELDS[name][3]
        with rasterio.open(path, "w", driver="GTiff", width=n, height=n, count=1, dtype=data.dtype.name,
                           crs=grid.crs, transform=grid.transform, nodata=fill, tiled=True, blockxsize=256,
                           blockysize=256, compress="DEFLATE") as ds:
            ds.write(data, 1)
        out[name] = path
    return out
