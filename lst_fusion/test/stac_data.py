"""COGs for the local STAC API, made at test time from the real files in ../shared (never stored in the repo).

* :func:`product_items`: the real MOD11A1 granule's LST_Day_1km/QC_Day sub-datasets and the real Landsat C2 L2
  ST_B10/QA_PIXEL files, each re-written as a COG (tiles of 128 px, deflate), values untouched.
* :func:`ranchi_items`: the real Ranchi Earth Engine exports (4 same-day Landsat 8 + MOD11A1 dates) encoded back
  into the products' DN (Landsat (K - 149) / 0.00341802, MODIS K / 0.02) with clear QA, so that the whole chain
  (search -> align_pairs -> fuse_series) runs on real, co-located LST.  With ``reflectance``, each Landsat item
  also has C2 L2 surface reflectance assets (green, red, nir08, swir16: SR_B3-SR_B6) made from the export's NDVI,
  NDWI and NDBI with NIR fixed at :data:`RANCHI_NIR` (:func:`ranchi_reflectance`): the real exports hold the
  indices, not the bands, so the bands are synthetic but their indices are Ranchi's (to DN rounding).
"""
import datetime as _dt
import os

import numpy as np

SHARED = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
HDF = os.path.join(SHARED, "modis", "MOD11A1.hdf")
C2L2 = os.path.join(SHARED, "landsat_c2l2")
SCENE = "LC08_L2SP_008059_20191201_20200825_02_T1"
RANCHI = os.path.join(SHARED, "ranchi")
RANCHI_DATES = ("2023-01-07", "2023-06-16", "2024-05-01", "2025-04-18")


def have_products():
    return os.path.exists(HDF) and os.path.exists(os.path.join(C2L2, f"{SCENE}_ST_B10.TIF"))


def have_ranchi():
    return os.path.isdir(os.path.join(RANCHI, "landsat8"))


def cog(src, dst, crs=None, block=128):
    """Copy band 1 of ``src`` (a path or an open dataset name) to a COG; the values stay as they are."""
    import rasterio

    with rasterio.open(src) as ds:
        data = ds.read(1)
        profile = dict(driver="GTiff", width=ds.width, height=ds.height, count=1, dtype=data.dtype,
                       crs=crs or ds.crs, transform=ds.transform, nodata=ds.nodata)
    write_cog(dst, data, profile, block)
    return dst


def write_cog(dst, data, profile, block=128):
    from rasterio.io import MemoryFile
    from rasterio.shutil import copy as rio_copy

    with MemoryFile() as mem:
        with mem.open(**profile) as tmp:
            tmp.write(data, 1)
        with mem.open() as tmp:
            rio_copy(tmp, dst, driver="COG", blocksize=block, compress="DEFLATE", overviews="NONE")


def lonlat_bbox(path):
    import rasterio
    from rasterio.warp import transform_bounds

    from lst_fusion.core.data.io import modis_sphere_crs

    with rasterio.open(path) as ds:
        crs, _ = modis_sphere_crs(ds.crs)
        return tuple(transform_bounds(crs, "EPSG:4326", *ds.bounds, densify_pts=21))


def product_items(server, folder):
    """Serve the real MOD11A1 granule and Landsat scene as COG items; returns {name: file} of what was made."""
    sub = 'HDF4_EOS:EOS_GRID:"{}":MODIS_Grid_Daily_1km_LST:{}'
    made = {}
    mid = "MOD11A1.A2019305.h14v09.061.2019306084028"
    for band in ("LST_Day_1km", "QC_Day"):
        made[band] = cog(sub.format(HDF, band), os.path.join(folder, f"{mid}_{band}.tif"), block=128)
    server.add_item(mid, "modis-11A1-061", _dt.date(2019, 11, 1), lonlat_bbox(made["LST_Day_1km"]),
                    {"LST_Day_1km": f"{mid}_LST_Day_1km.tif", "QC_Day": f"{mid}_QC_Day.tif"},
                    {"platform": "terra"})
    for band in ("ST_B10", "QA_PIXEL"):
        made[band] = cog(os.path.join(C2L2, f"{SCENE}_{band}.TIF"), os.path.join(folder, f"{SCENE}_{band}.TIF"))
    server.add_item(SCENE, "landsat-c2-l2", _dt.date(2019, 12, 1), lonlat_bbox(made["ST_B10"]),
                    {"lwir11": f"{SCENE}_ST_B10.TIF", "qa_pixel": f"{SCENE}_QA_PIXEL.TIF"},
                    {"platform": "landsat-8", "eo:cloud_cover": 81.0})
    return made


def ranchi_items(server, folder, reflectance=False):
    """The four Ranchi dates as MOD11A1 (Terra) and Landsat 8 C2 L2 COG items (with ``reflectance``, their
    surface reflectance assets too); returns the Landsat lon/lat bbox."""
    import rasterio

    from lst_fusion.core.data.io import modis_sphere_crs

    bbox = None
    for iso in RANCHI_DATES:
        d = _dt.date.fromisoformat(iso)
        ymd = d.strftime("%Y%m%d")
        with rasterio.open(os.path.join(RANCHI, "landsat8", f"LC08_140044_{ymd}.tif")) as ds:
            c = ds.read(1)
            export = ds.read() if reflectance else None
            prof = dict(driver="GTiff", width=ds.width, height=ds.height, count=1, dtype="uint16", crs=ds.crs,
                        transform=ds.transform, nodata=0)
        valid = np.isfinite(c) & (c != 0)
        dn = np.where(valid, np.round((c + 273.15 - 149.0) / 0.00341802), 0).astype(np.uint16)
        qa = np.where(valid, 21824, 1).astype(np.uint16)  # 21824: clear, low cloud confidence; 1: fill
        lid = f"LC08_L2SP_140044_{ymd}_02_T1"
        write_cog(os.path.join(folder, f"{lid}_ST_B10.TIF"), dn, prof)
        write_cog(os.path.join(folder, f"{lid}_QA_PIXEL.TIF"), qa, prof)
        bbox = lonlat_bbox(os.path.join(folder, f"{lid}_ST_B10.TIF"))
        assets = {"lwir11": f"{lid}_ST_B10.TIF", "qa_pixel": f"{lid}_QA_PIXEL.TIF"}
        if reflectance:
            for key, band, dn_sr in zip(("green", "red", "nir08", "swir16"), ("SR_B3", "SR_B4", "SR_B5", "SR_B6"),
                                        ranchi_reflectance(export)):
                write_cog(os.path.join(folder, f"{lid}_{band}.TIF"), dn_sr, prof)
                assets[key] = f"{lid}_{band}.TIF"
        server.add_item(lid, "landsat-c2-l2", d, bbox, assets, {"platform": "landsat-8", "eo:cloud_cover": 5.0})
        with rasterio.open(os.path.join(RANCHI, "modis", f"{d.strftime('%Y_%m_%d')}.tif")) as ds:
            m = ds.read(1)
            crs, _ = modis_sphere_crs(ds.crs)
            prof = dict(driver="GTiff", width=ds.width, height=ds.height, count=1, dtype="uint16", crs=crs,
                        transform=ds.transform, nodata=0)
        valid = np.isfinite(m) & (m != 0)
        mdn = np.where(valid, np.round((m + 273.15) / 0.02), 0).astype(np.uint16)
        qc = np.where(valid, 0, 2).astype(np.uint8)  # 0: good quality; 2: not produced (cloud)
        mid = f"MOD11A1.A{d.year}{d.timetuple().tm_yday:03d}.h25v06.061"
        write_cog(os.path.join(folder, f"{mid}_LST_Day_1km.tif"), mdn, prof)
        write_cog(os.path.join(folder, f"{mid}_QC_Day.tif"), qc, dict(prof, dtype="uint8"))
        server.add_item(mid, "modis-11A1-061", d, lonlat_bbox(os.path.join(folder, f"{mid}_LST_Day_1km.tif")),
                        {"LST_Day_1km": f"{mid}_LST_Day_1km.tif", "QC_Day": f"{mid}_QC_Day.tif"},
                        {"platform": "terra"})
    return bbox


RANCHI_NIR = 0.3  # the reflectance the fixture's NIR band holds everywhere


def ranchi_reflectance(export):
    """C2 L2 DN of green, red, NIR, SWIR1 (uint16, 0 = fill) whose NDVI, NDWI (McFeeters) and NDBI are the Earth
    Engine export's bands 2-4 (the band 1 LST's nodata 0 is fill): NIR = RANCHI_NIR, red = NIR (1 - NDVI) /
    (1 + NDVI), green = NIR (1 + NDWI) / (1 - NDWI), SWIR1 = NIR (1 + NDBI) / (1 - NDBI)."""
    from lst_fusion.core.data.reflectance import SR_OFFSET, SR_SCALE

    lst, ndvi, ndwi, ndbi = (np.asarray(b, dtype=np.float64) for b in export[:4])
    valid = np.isfinite(lst) & (lst != 0) & np.isfinite(ndvi + ndwi + ndbi)
    nir = np.full(lst.shape, RANCHI_NIR)
    bands = (nir * (1 + ndwi) / (1 - ndwi), nir * (1 - ndvi) / (1 + ndvi), nir, nir * (1 + ndbi) / (1 - ndbi))
    return [np.where(valid, np.round((np.where(valid, b, 0) - SR_OFFSET) / SR_SCALE), 0).astype(np.uint16)
            for b in bands]


def inner_box(bbox, f=0.25):
    """The middle of a lon/lat box: ``f`` of its width and height cut off each side."""
    x0, y0, x1, y1 = bbox
    dx, dy = (x1 - x0) * f, (y1 - y0) * f
    return x0 + dx, y0 + dy, x1 - dx, y1 - dy


def start_ranchi_server(folder, page_size=3, server_class=None, reflectance=False):
    """A started StacServer with the Ranchi items and signed URLs (as on Planetary Computer); ``.landsat_bbox``.

    ``server_class``: StacServer as loaded by the caller (desktop_check loads the test modules by path)."""
    if server_class is None:
        from lst_fusion.test.stac_server import StacServer as server_class

    os.makedirs(folder, exist_ok=True)
    s = server_class(folder, page_size=page_size)
    s.landsat_bbox = ranchi_items(s, folder, reflectance)
    s.require_token = True
    return s.start()
