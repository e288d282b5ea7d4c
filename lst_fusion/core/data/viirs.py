"""Import of VIIRS LST, Collection 2: VNP21A1D (Suomi NPP), VJ121A1D (NOAA-20), VJ221A1D (NOAA-21), day products.

Facts (LP DAAC VNP21 user guide; ../shared/REFERENCES.md):

* A granule ``VNP21A1D.AYYYYDDD.hHHvVV.002.<production>.h5`` (HDF-EOS5) holds the grid
  ``HDFEOS/GRIDS/VIIRS_Grid_Daily_1km_LST21/Data Fields/`` of 1200 x 1200 pixels on the MODLAND sinusoidal tile
  grid (the MODIS sphere, R = 6371007.181 m; tile size 1111950.5197665233 m; upper-left corner
  x = -20015109.354 + h * size, y = 10007554.677 - v * size). GDAL's HDF5 driver (3.6 in Debian bookworm's QGIS
  3.22) gives no geotransform for it: the grid is taken from ``UpperLeftPointMtrs``/``LowerRightMtrs`` of
  ``HDFEOS INFORMATION/StructMetadata.0``, else from the tile h/v of the file name.
* ``LST_1KM`` uint16: K = DN x 0.02, DN 0 is fill. ``View_Angle`` uint8: degrees = DN - 65, 255 fill.
  ``View_Time`` uint8: local solar hours = DN x 0.1, 255 fill.
* ``QC`` uint16 bits: 0-1 mandatory (0 good, 1 produced but unreliable, 2 not produced: cloud, 3 not produced:
  other); 2-3 data quality (0 good, 1 missing pixel, 2 fairly calibrated, 3 poorly calibrated); 4-5 cloud (0 clear,
  1 thin cirrus, 2 within 2 pixels of cloud, 3 cloudy); 14-15 LST accuracy (0 > 2 K, 1 1.5-2 K, 2 1-1.5 K, 3 < 1 K).
* The same layers as single-band (cloud-optimised) GeoTIFF assets: one file per layer, the layer's name in the
  file name (``..._LST_1KM.tif``, ``..._QC.tif``, ``..._View_Angle.tif``, ``..._View_Time.tif``), DN as in the
  HDF5 granule.

QC rules (QC_RULE), the default first; every rule masks fill (DN 0) and mandatory 2-3 (not produced):

* ``default``: LST produced (mandatory <= 1), clear (cloud bits 0: no thin cirrus, not next to a cloud), not a
  missing pixel (data quality != 1). Thin cirrus and cloud edges cool the LST by kelvins, which fusion would
  paint onto the fine image.
* ``strict``: also good quality (mandatory 0, data quality 0) and LST accuracy better than 1.5 K (bits 14-15 >= 2).
* ``produced``: only mandatory <= 1 (what the product itself produced).
* ``none``: the QC layer is not read; only fill is masked.
"""
import contextlib
import os
import re
import warnings

import numpy as np

from ..platform.errors import LstFusionError
from . import products
from .io import MODIS_SPHERE_RADIUS, Grid, check_same_grid, read_raster, write_raster
from .sensors import VIIRS_PRODUCTS

VIIRS_SCALE = 0.02
VIIRS_FILL = 0
GRID_PATH = "HDFEOS/GRIDS/VIIRS_Grid_Daily_1km_LST21/Data Fields"
STRUCT_METADATA = "HDFEOS INFORMATION/StructMetadata.0"
TILE_PIXELS = 1200
TILE_SIZE = 1111950.5197665233  # metres, one MODLAND tile on the sphere
GRID_ULX = -20015109.354
GRID_ULY = 10007554.677
VIEW_ANGLE_OFFSET = -65.0
VIEW_TIME_SCALE = 0.1
BYTE_FILL = 255
LAYERS = ("LST_1KM", "QC", "View_Angle", "View_Time")
QC_RULES = ("default", "strict", "produced", "none")  # QC_RULE options, in this order (append only)
TILE_NAME = re.compile(r"\.?h(\d{2})v(\d{2})", re.IGNORECASE)


def sinusoidal_crs():
    from rasterio.crs import CRS

    return CRS.from_dict({"proj": "sinu", "lon_0": 0, "x_0": 0, "y_0": 0, "R": MODIS_SPHERE_RADIUS, "units": "m",
                          "no_defs": True})


def tile_grid(h, v, pixels=TILE_PIXELS):
    """The grid of MODLAND tile h/v (0-35, 0-17) on the MODIS sphere."""
    from affine import Affine

    if not (0 <= h <= 35 and 0 <= v <= 17):
        raise LstFusionError("INPUT", f"tile h{h:02d}v{v:02d} is not a MODLAND tile (h 0-35, v 0-17)")
    px = TILE_SIZE / pixels
    return Grid(sinusoidal_crs(), Affine(px, 0.0, GRID_ULX + h * TILE_SIZE, 0.0, -px, GRID_ULY - v * TILE_SIZE),
                pixels, pixels)


def qc_clear(qc, rule="default"):
    """True where a VNP21 QC word passes ``rule`` (see the module docstring)."""
    if rule not in QC_RULES:
        raise LstFusionError("QC_RULE", f"{rule!r} is not a QC rule; use one of {', '.join(QC_RULES)}")
    qc = np.asarray(qc).astype(np.uint16)
    mandatory = qc & 0b11
    quality = (qc >> 2) & 0b11
    cloud = (qc >> 4) & 0b11
    accuracy = (qc >> 14) & 0b11
    if rule == "none":
        return np.ones(qc.shape, dtype=bool)
    if rule == "produced":
        return mandatory <= 1
    if rule == "default":
        return (mandatory <= 1) & (cloud == 0) & (quality != 1)
    return (mandatory == 0) & (quality == 0) & (cloud == 0) & (accuracy >= 2)


def is_hdf5(path):
    p = str(path).lower()
    return p.endswith((".h5", ".he5", ".hdf5"))


def layer_source(path, layer):
    """The GDAL name of ``layer`` in a granule (HDF5 sub-dataset), or the sibling GeoTIFF asset holding it."""
    p = str(path)
    if is_hdf5(p):
        return f'HDF5:"{p}"://{GRID_PATH.replace(" ", "_")}/{layer}'
    folder, base = os.path.split(p)
    if "LST_1KM" not in base:
        return None
    sibling = os.path.join(folder, base.replace("LST_1KM", layer))
    return sibling if os.path.exists(sibling) else None


def check_granule(path, parameter):
    """An HDF5 granule exists, GDAL's HDF5 driver opens it, and it holds the VIIRS LST grid, else one sentence."""
    name = os.path.basename(str(path))
    if not os.path.isfile(str(path)):
        raise LstFusionError(parameter, f"file {str(path)!r} does not exist")
    import rasterio

    with rasterio.Env() as env:
        if "HDF5" not in env.drivers():
            raise LstFusionError(parameter, f"{name} needs GDAL's HDF5 driver, which this GDAL lacks; install GDAL "
                                            "with HDF5 (Debian: gdal-bin, libgdal32) or use the GeoTIFF assets")
    try:
        with quiet_no_geotransform(), rasterio.open(str(path)) as ds:
            subs = ds.subdatasets
    except Exception:  # noqa: BLE001 - any failure to open is the same answer for the user
        raise LstFusionError(parameter, f"{name} is not a readable HDF5 file (damaged or incomplete download?); "
                                        "download the granule again") from None
    if not any(s.endswith("/LST_1KM") and "VIIRS_Grid_Daily_1km_LST21" in s for s in subs):
        raise LstFusionError(parameter, f"{name} has no {GRID_PATH}/LST_1KM: it is not a VNP21A1D/VJ121A1D/VJ221A1D "
                                        "Collection 2 granule")


@contextlib.contextmanager
def quiet_no_geotransform():
    """GDAL's HDF5 driver gives these grids no geotransform: rasterio's warning about it is no news here."""
    from rasterio.errors import NotGeoreferencedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        yield


def struct_metadata(path):
    """The text of StructMetadata.0 of an HDF-EOS5 granule (GDAL's multidimensional API), or None."""
    try:
        from osgeo import gdal
    except ImportError:
        return None
    try:
        ds = gdal.OpenEx(str(path), gdal.OF_MULTIDIM_RASTER)
        group, _, name = STRUCT_METADATA.partition("/")
        arr = ds.GetRootGroup().OpenGroup(group).OpenMDArray(name)
        value = arr.Read()
    except Exception:  # noqa: BLE001 - no metadata: the name's tile is used
        return None
    if isinstance(value, (list, tuple)):
        value = "".join(str(v) for v in value)
    return value if isinstance(value, str) else None


def _pair(text, key):
    m = re.search(key + r"\s*=\s*\(\s*([-+\d.eE]+)\s*,\s*([-+\d.eE]+)\s*\)", text)
    return (float(m.group(1)), float(m.group(2))) if m else None


def granule_grid(path, width, height):
    """The grid of a granule: StructMetadata.0's corners, else the tile h/v of the name; None when neither."""
    from affine import Affine

    text = struct_metadata(path) if is_hdf5(path) else None
    if text:
        ul = _pair(text, "UpperLeftPointMtrs")
        lr = _pair(text, "LowerRightMtrs") or _pair(text, "LowrightMtrs")
        if ul and lr and lr[0] > ul[0] and ul[1] > lr[1]:
            return Grid(sinusoidal_crs(), Affine((lr[0] - ul[0]) / width, 0.0, ul[0], 0.0, -(ul[1] - lr[1]) / height,
                                                 ul[1]), width, height)
    m = TILE_NAME.search(os.path.basename(str(path)))
    if m:
        return tile_grid(int(m.group(1)), int(m.group(2)), width if width == height else TILE_PIXELS)
    return None


def read_layer(src, parameter, path):
    """A layer's DN and its grid: the file's own georeferencing, else the granule's (GDAL gives none for HDF5)."""
    with quiet_no_geotransform():
        r = read_raster(src, parameter, raw=True)
    if r.grid.crs is None or r.grid.transform.is_identity:
        grid = granule_grid(path, r.grid.width, r.grid.height)
        if grid is None:
            raise LstFusionError(parameter, f"{os.path.basename(str(path))} has no georeferencing and no tile "
                                            "(hHHvVV) in its name: keep the granule's original name")
        import dataclasses

        r = dataclasses.replace(r, grid=grid)
    return r


def product_of(path):
    """(product short name, sensor) from a granule or asset name, e.g. ('VNP21A1D', <VIIRS SNPP>); None if unnamed."""
    base = os.path.basename(str(path)).upper()
    for prefix, sensor in VIIRS_PRODUCTS.items():
        if base.startswith(prefix):
            return prefix, sensor
    return None, None


def _date(path, explicit):
    from .dates import acquisition_tag, check_tag_date, parse_date, require_date

    if explicit or parse_date(path):
        d = require_date(path, explicit)
    else:
        d = None
        if is_hdf5(path):
            import rasterio

            try:
                with quiet_no_geotransform(), rasterio.open(str(path)) as ds:
                    tags = ds.tags()
            except Exception:  # noqa: BLE001
                tags = {}
            text = tags.get("RangeBeginningDate") or tags.get("RANGEBEGINNINGDATE")
            if text:
                import datetime as _dt

                d = _dt.date.fromisoformat(text.strip()[:10])
        d = d or require_date(path, explicit)
    what = d.isoformat() if explicit else f"the date {d.isoformat()} of its name"
    return check_tag_date(d, acquisition_tag(path), path, "DATE", what)


def view_tags(view_angle, view_time, inside):
    """VIEW_ANGLE / VIEW_TIME tags: their mean (and range) over ``inside`` (clear pixels of the AOI)."""
    tags = {}
    for key, dn, scale, offset, unit in (("VIEW_ANGLE", view_angle, 1.0, VIEW_ANGLE_OFFSET, "deg"),
                                         ("VIEW_TIME", view_time, VIEW_TIME_SCALE, 0.0, "h")):
        if dn is None:
            continue
        dn = np.asarray(dn)
        ok = inside & (dn != BYTE_FILL)
        if not ok.any():
            continue
        v = dn[ok].astype(np.float64) * scale + offset
        tags[key] = f"{v.mean():.2f}"
        tags[f"{key}_RANGE"] = f"{v.min():.2f},{v.max():.2f}"
        tags[f"{key}_UNIT"] = unit
    if "VIEW_TIME" in tags:
        tags["VIEW_TIME_UNIT"] = "h (local solar time)"
    return tags


def viirs_kelvin(dn, dn_nodata, qc, source, parameter="INPUT", rule="default", scale=VIIRS_SCALE, offset=0.0):
    """VNP21 LST DN (and QC, or None) -> Kelvin with fill and masked pixels NaN: import_viirs and search_download."""
    clear = qc_clear(qc, rule) if qc is not None else None
    kelvin = products.kelvin_of("VIIRS", dn, dn_nodata, clear, source, parameter, scale, offset, VIIRS_FILL)
    return kelvin


def import_viirs(path, output, qc_path=None, unit="celsius", rule="default", date=None, aoi=None,
                 scale=VIIRS_SCALE, offset=0.0):
    """A VIIRS LST granule (HDF5) or its LST_1KM GeoTIFF asset -> LST GeoTIFF on its sinusoidal grid.

    ``aoi``: GeoJSON geometry in lon/lat: the output is cut to its window and the view tags and CLEAR_PERCENT are
    computed inside it. Returns {OUTPUT, CLEAR_PERCENT, DATE, VIEW_TIME, VIEW_ANGLE}."""
    with quiet_no_geotransform():
        return _import_viirs(path, output, qc_path, unit, rule, date, aoi, scale, offset)


def _import_viirs(path, output, qc_path, unit, rule, date, aoi, scale, offset):
    products.check_scale(scale, VIIRS_SCALE)
    if rule not in QC_RULES:
        raise LstFusionError("QC_RULE", f"{rule!r} is not a QC rule; use one of {', '.join(QC_RULES)}")
    if is_hdf5(path):
        check_granule(path, "INPUT")
    d = _date(path, date)
    src = layer_source(path, "LST_1KM") if is_hdf5(path) else str(path)
    dn = read_layer(src, "INPUT", path)
    qc = None
    if rule != "none":
        qc_src = qc_path or layer_source(path, "QC")
        if qc_src:
            qc = read_layer(qc_src, "QC", qc_path or path)
            check_same_grid({"INPUT": dn.grid, "QC": qc.grid})
    views = {}
    for layer in ("View_Angle", "View_Time"):
        s = layer_source(path, layer)
        if s:
            r = read_layer(s, "INPUT", path)
            views[layer] = r.data if r.grid.shape == dn.grid.shape else None
    kelvin = viirs_kelvin(dn.data, dn.nodata, qc.data if qc is not None else None, path, "INPUT", rule, scale, offset)
    grid = dn.grid
    window = (slice(None), slice(None))
    inside = np.ones(grid.shape, dtype=bool)
    if aoi is not None:
        grid, window, inside = _aoi_window(dn.grid, aoi)
        kelvin = kelvin[window]
        views = {k: (v[window] if v is not None else None) for k, v in views.items()}
    if not np.isfinite(kelvin).any():
        raise LstFusionError("INPUT", f"{os.path.basename(str(path))}: no clear pixel "
                                      f"{'in the AOI ' if aoi is not None else ''}(all fill or masked by QC_RULE)")
    clear_percent = products.clear_percent_of(kelvin, inside if aoi is not None else None)
    short, sensor = product_of(path)
    extra = {"PRODUCT": short or "VIIRS LST", "QC_RULE": rule if qc is not None else "none"}
    if sensor is not None:
        extra.update(SENSOR=sensor.name, PLATFORM=sensor.platform, OVERPASS=sensor.overpass)
    extra.update(view_tags(views.get("View_Angle"), views.get("View_Time"), inside & np.isfinite(kelvin)))
    write_raster(output, products.to_unit(kelvin, unit).astype(np.float32), grid,
                 tags=products.lst_tags(unit, d, path, clear_percent, extra), description=f"LST ({unit})")
    return {"OUTPUT": output, "CLEAR_PERCENT": clear_percent, "DATE": d.isoformat(),
            "VIEW_TIME": float(extra.get("VIEW_TIME", "nan")), "VIEW_ANGLE": float(extra.get("VIEW_ANGLE", "nan"))}


def _aoi_window(grid, aoi):
    """(grid of the AOI window, (rows, cols) slices into ``grid``, inside-the-AOI mask on the window)."""
    from .aoi import aoi_grid, aoi_mask

    g = aoi_grid(grid.crs, grid.transform, aoi)
    col0 = int(round((g.transform.c - grid.transform.c) / grid.transform.a))
    row0 = int(round((g.transform.f - grid.transform.f) / grid.transform.e))
    c0, c1 = max(col0, 0), min(col0 + g.width, grid.width)
    r0, r1 = max(row0, 0), min(row0 + g.height, grid.height)
    if c0 >= c1 or r0 >= r1:
        raise LstFusionError("AOI", "lies outside the granule's tile: choose the tile that covers it")
    from affine import Affine

    sub = Grid(grid.crs, grid.transform * Affine.translation(c0, r0), c1 - c0, r1 - r0)
    return sub, (slice(r0, r1), slice(c0, c1)), aoi_mask(sub, aoi)
