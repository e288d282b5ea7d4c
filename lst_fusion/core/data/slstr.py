"""Import of Sentinel-3 SLSTR LST (SL_2_LST, Sentinel-3A/3B): a swath product gridded onto a raster.

The product (a ``S3A_SL_2_LST____<start>_<stop>_<created>_..._.SEN3`` folder, or the same NetCDF files):

* ``LST_in.nc``: ``LST`` (K; its ``scale_factor``/``add_offset``/``_FillValue`` applied) on the 1 km nadir swath
  (rows along track, columns across);
* ``geodetic_in.nc``: ``latitude_in``/``longitude_in``, the geodetic position of each swath pixel's centre;
* ``flags_in.nc``: ``confidence_in``, whose bits are named by its ``flag_masks``/``flag_meanings`` attributes
  (CF); the bits are found by name, never by position.

Flags applied (a pixel is masked when any is set): ``unfilled``, ``summary_cloud`` (the product's cloud
summary), ``summary_pointing``; fill and LST outside 150-400 K are masked too.

Gridding (documented resampling of the swath pixels): each swath pixel's geodetic position is projected onto the
target grid and the pixel is put into the cell that contains its centre; a cell gets the mean of the clear swath
pixels whose centres it contains (no cell takes a value from a swath pixel outside it), NaN when they are all
masked. Cells that contain no swath centre (sampling holes: the swath's ~1 km pixels against the cells, or a
reference grid finer than the swath) take the value of the nearest swath pixel when its centre is within 0.75 of
its own pixel spacing (NaN when that pixel is masked), so the holes are filled from their own swath pixel and never
across a cloud edge or beyond the swath.

Target grid: a given reference raster's grid, else the MODLAND sinusoidal 1 km grid (the MODIS sphere, pixels of
926.625433 m aligned with the MODIS/VIIRS tiles) over the swath's clear footprint (or an AOI): SLSTR then lands on
the same pixels as MOD11A1 and VNP21A1D, and a series may mix them pixel for pixel.
"""
import datetime as _dt
import glob
import os
import re

import numpy as np

from ..platform.errors import LstFusionError
from . import products
from .io import Grid, write_raster

FILES = {"LST": "LST_in.nc", "GEO": "geodetic_in.nc", "FLAGS": "flags_in.nc"}
VARIABLES = {"LST": "LST", "LAT": "latitude_in", "LON": "longitude_in", "FLAGS": "confidence_in"}
MASKED_FLAGS = ("unfilled", "summary_cloud", "summary_pointing")
HOLE_RADIUS = 0.75  # of the swath's own pixel spacing
NAME = re.compile(r"(S3[AB])_SL_2_LST_+(\d{8})T(\d{6})", re.IGNORECASE)


def product_files(path, parameter="INPUT"):
    """{LST, GEO, FLAGS: path} of a product given as its folder or as one of its NetCDF files."""
    p = str(path)
    folder = p if os.path.isdir(p) else os.path.dirname(os.path.abspath(p))
    if not os.path.exists(p):
        raise LstFusionError(parameter, f"{p!r} does not exist")
    found = {}
    for key, name in FILES.items():
        hits = [f for f in glob.glob(os.path.join(folder, "*")) if os.path.basename(f).lower() == name.lower()]
        if not hits:
            raise LstFusionError(parameter, f"{os.path.basename(folder)} has no {name}: give the SL_2_LST product's "
                                            f"folder (.SEN3) or one of its NetCDF files, with {', '.join(FILES.values())}"
                                            " beside it")
        found[key] = hits[0]
    return found


def _read_var(path, var, parameter):
    """(raw array, scale, offset, nodata, attributes) of a NetCDF variable through GDAL's multidimensional API.

    Not the classic raster netCDF driver: it flips the rows (it takes netCDF rows as bottom-up) and re-wraps the
    raw integers of a ``degrees_east`` variable as if they were degrees (85257989 micro-degrees became 85257629)."""
    from osgeo import gdal

    try:
        ds = gdal.OpenEx(str(path), gdal.OF_MULTIDIM_RASTER)
        arr = ds.GetRootGroup().OpenMDArray(var)
        data = arr.ReadAsArray()
        attrs = {}
        for at in arr.GetAttributes() or []:
            value = at.Read()
            attrs[at.GetName()] = " ".join(map(str, value)) if isinstance(value, (list, tuple)) else value
        root_attrs = {at.GetName(): at.Read() for at in ds.GetRootGroup().GetAttributes() or []}
        nodata = arr.GetNoDataValueAsDouble() if arr.GetNoDataValueAsRaw() is not None else None
        return data, arr.GetScale(), arr.GetOffset(), nodata, {**root_attrs, **attrs}
    except Exception:  # noqa: BLE001 - a missing variable, a damaged file: the same answer for the user
        raise LstFusionError(parameter, f"{os.path.basename(path)} has no readable variable {var!r}: it is not an "
                                        "SL_2_LST product file (or the download is incomplete)") from None


def _value(raw, scale, offset, nodata):
    v = raw.astype(np.float64)
    bad = ~np.isfinite(v)
    if nodata is not None and np.isfinite(nodata):
        bad |= raw == nodata
    v = v * (scale if scale else 1.0) + (offset or 0.0)
    v[bad] = np.nan
    return v


def flag_bits(tags, names=MASKED_FLAGS, parameter="INPUT"):
    """The OR of the bits called ``names`` by a CF flags variable's ``flag_masks``/``flag_meanings``."""
    def attr(key):
        for k, v in tags.items():
            if k.split("#")[-1] == key:
                return v
        return None

    masks, meanings = attr("flag_masks"), attr("flag_meanings")
    if not masks or not meanings:
        raise LstFusionError(parameter, f"{VARIABLES['FLAGS']} has no flag_masks/flag_meanings: it is not an SL_2_LST "
                                        "flags_in.nc")
    masks = [int(float(m)) for m in re.split(r"[\s,{}]+", masks.strip()) if m]
    meanings = meanings.split()
    by_name = dict(zip(meanings, masks))
    missing = [n for n in names if n not in by_name]
    if missing:
        raise LstFusionError(parameter, f"{VARIABLES['FLAGS']} names no {', '.join(missing)} flag: it is not an "
                                        "SL_2_LST flags_in.nc")
    bits = 0
    for n in names:
        bits |= by_name[n]
    return bits


def read_swath(path, parameter="INPUT"):
    """(kelvin, lat, lon) of an SL_2_LST product: flags, fill and implausible values NaN in kelvin."""
    files = product_files(path, parameter)
    lst = _value(*_read_var(files["LST"], VARIABLES["LST"], parameter)[:4])
    lat = _value(*_read_var(files["GEO"], VARIABLES["LAT"], parameter)[:4])
    lon = _value(*_read_var(files["GEO"], VARIABLES["LON"], parameter)[:4])
    flags, _, _, _, tags = _read_var(files["FLAGS"], VARIABLES["FLAGS"], parameter)
    if not (lst.shape == lat.shape == lon.shape == flags.shape):
        raise LstFusionError(parameter, f"the LST {lst.shape}, geodetic {lat.shape} and flags {flags.shape} arrays "
                                        "differ in shape: the files are not of one product")
    lst[(flags.astype(np.int64) & flag_bits(tags, parameter=parameter)) != 0] = np.nan
    lst[(lst < products.LST_MIN_K) | (lst > products.LST_MAX_K)] = np.nan
    return lst, lat, lon


def _spacing(x, y):
    """Each swath pixel's spacing: the largest distance to its along- and across-track neighbours."""
    def step(a, b, axis):
        d = np.hypot(np.diff(a, axis=axis), np.diff(b, axis=axis))
        pad = [(0, 0), (0, 0)]
        pad[axis] = (0, 1)
        d = np.pad(d, pad, mode="edge")
        return d

    with np.errstate(invalid="ignore"):
        return np.fmax(step(x, y, 0), step(x, y, 1))


def footprint_grid(x, y, valid, crs):
    """The MODLAND sinusoidal 1 km grid (cells aligned with the MODIS/VIIRS tiles) over the projected points."""
    from affine import Affine

    from .viirs import GRID_ULX, GRID_ULY, TILE_PIXELS, TILE_SIZE

    px = TILE_SIZE / TILE_PIXELS
    xs, ys = x[valid], y[valid]
    c0 = int(np.floor((xs.min() - GRID_ULX) / px))
    c1 = int(np.floor((xs.max() - GRID_ULX) / px)) + 1
    r0 = int(np.floor((GRID_ULY - ys.max()) / px))
    r1 = int(np.floor((GRID_ULY - ys.min()) / px)) + 1
    return Grid(crs, Affine(px, 0.0, GRID_ULX + c0 * px, 0.0, -px, GRID_ULY - r0 * px), c1 - c0, r1 - r0)


def grid_swath(kelvin, lat, lon, grid=None, aoi=None):
    """Swath pixels onto ``grid`` (None: the MODLAND 1 km grid over the footprint, or over ``aoi``); see the module
    docstring for the rule. Returns (kelvin on the grid, grid)."""
    from rasterio.warp import transform as warp
    from scipy.spatial import cKDTree

    located = np.isfinite(lat) & np.isfinite(lon)
    if not located.any():
        raise LstFusionError("INPUT", "the product's geodetic file locates no pixel")
    if grid is None:
        from .viirs import sinusoidal_crs

        crs = sinusoidal_crs()
    else:
        crs = grid.crs
    xs, ys = warp("EPSG:4326", crs, lon[located].tolist(), lat[located].tolist())
    x = np.full(lat.shape, np.nan)
    y = np.full(lat.shape, np.nan)
    x[located], y[located] = xs, ys
    if grid is None:
        if aoi is not None:
            from .aoi import aoi_grid

            tile = footprint_grid(x, y, located, crs)
            grid = aoi_grid(crs, tile.transform, aoi)
        else:
            clear = located & np.isfinite(kelvin)
            grid = footprint_grid(x, y, clear if clear.any() else located, crs)
    inv = ~grid.transform
    col, row = inv * (x, y)
    col = np.floor(col)
    row = np.floor(row)
    inside = located & (col >= 0) & (col < grid.width) & (row >= 0) & (row < grid.height)
    flat = (row[inside] * grid.width + col[inside]).astype(np.int64)
    val = kelvin[inside]
    n = grid.width * grid.height
    hits = np.bincount(flat, minlength=n)
    ok = np.isfinite(val)
    sums = np.bincount(flat[ok], weights=val[ok], minlength=n)
    counts = np.bincount(flat[ok], minlength=n)
    out = np.full(n, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[counts > 0] = sums[counts > 0] / counts[counts > 0]
    holes = np.flatnonzero(hits == 0)
    if holes.size:
        spacing = _spacing(x, y)[located]
        tree = cKDTree(np.column_stack([x[located], y[located]]))
        hr, hc = np.divmod(holes, grid.width)
        cx, cy = grid.transform * (hc + 0.5, hr + 0.5)
        dist, idx = tree.query(np.column_stack([cx, cy]), k=1)
        near = np.isfinite(dist) & (dist <= HOLE_RADIUS * spacing[np.minimum(idx, spacing.size - 1)])
        out[holes[near]] = kelvin[located][idx[near]]
    return out.reshape(grid.height, grid.width), grid


def product_date(path, files):
    """(platform, sensing start as a UTC datetime) from the product name, else LST_in.nc's start_time."""
    for text in (str(path), os.path.dirname(files["LST"])):
        m = NAME.search(os.path.basename(text.rstrip("/")))
        if m:
            start = _dt.datetime.strptime(m.group(2) + m.group(3), "%Y%m%d%H%M%S")
            return m.group(1).upper(), start
    tags = _read_var(files["LST"], VARIABLES["LST"], "INPUT")[4]
    for k, v in tags.items():
        if k.split("#")[-1] == "start_time":
            return None, _dt.datetime.fromisoformat(str(v).replace("Z", "").strip()[:19])
    return None, None


def import_slstr(path, output, reference_grid=None, unit="celsius", date=None, aoi=None):
    """An SL_2_LST product -> LST GeoTIFF gridded as the module docstring says; {OUTPUT, CLEAR_PERCENT, DATE,
    VIEW_TIME}. VIEW_TIME: local solar hours of the sensing start at the grid's centre."""
    from .dates import require_date

    files = product_files(path)
    kelvin, lat, lon = read_swath(path)
    platform, start = product_date(path, files)
    d = require_date(path, date) if date or start is None else start.date()
    out, grid = grid_swath(kelvin, lat, lon, reference_grid, aoi)
    if not np.isfinite(out).any():
        raise LstFusionError("INPUT", f"{os.path.basename(str(path).rstrip('/'))}: no clear pixel on the grid (all "
                                      "cloudy, flagged, or outside the reference grid / AOI)")
    inside = None
    if aoi is not None:
        from .aoi import aoi_mask

        inside = aoi_mask(grid, aoi)
    clear = products.clear_percent_of(out, inside)
    extra = {"PRODUCT": "SL_2_LST", "SENSOR": "Sentinel-3 SLSTR", "OVERPASS": "10:00",
             "RESAMPLING": "mean of the swath pixels whose centre is in the cell; holes: nearest swath pixel within "
                           f"{HOLE_RADIUS:g} of its spacing", "FLAGS_MASKED": ",".join(MASKED_FLAGS)}
    if platform:
        extra["PLATFORM"] = {"S3A": "sentinel-3a", "S3B": "sentinel-3b"}[platform]
    view_time = float("nan")
    if start is not None:
        from rasterio.warp import transform as warp

        cx, cy = grid.transform * (grid.width / 2, grid.height / 2)
        lon_c = warp(grid.crs, "EPSG:4326", [cx], [cy])[0][0]
        view_time = (start.hour + start.minute / 60 + start.second / 3600 + lon_c / 15.0) % 24
        extra.update(SENSING_START_UTC=start.isoformat() + "Z", VIEW_TIME=f"{view_time:.2f}",
                     VIEW_TIME_UNIT="h (local solar time)")
    write_raster(output, products.to_unit(out, unit).astype(np.float32), grid,
                 tags=products.lst_tags(unit, d, os.path.basename(str(path).rstrip("/")), clear, extra),
                 description=f"LST ({unit})")
    return {"OUTPUT": output, "CLEAR_PERCENT": clear, "DATE": d.isoformat(), "VIEW_TIME": view_time}
