"""Raster input/output: float32 arrays with NaN for nodata, atomic writes.

Every reader returns a :class:`Raster` (data + :class:`Grid`); every writer
writes to a temporary file beside the destination and renames it, so an
interrupted run never leaves a half-written output.
"""
import contextlib
import errno
import math
import os
import tempfile
from dataclasses import dataclass

import numpy as np

from ..platform import transaction
from ..platform.errors import LstFusionError
from ..platform.temps import discard, live_temps, release, remove_live_temps, track  # noqa: F401 - re-exported
from ..platform.transaction import publish

try:
    import rasterio
    from rasterio.crs import CRS
except ImportError as exc:  # pragma: no cover - exercised only without rasterio
    rasterio = None
    _RASTERIO_ERROR = exc


def finish(tmp, path):
    """``tmp`` is complete: renamed into place now, or at the end of the run when a transaction is open
    (core.platform.transaction: a run's outputs are published together)."""
    t = transaction.current()
    if t is not None:
        t.stage(tmp, path)
        return
    publish(tmp, path)
    release(tmp)




# the errors a write gets when the disk (or the user's quota, or the largest file size) is exhausted
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def free_bytes(directory):
    """Bytes an unprivileged process may still write in ``directory`` (None where statvfs is unavailable)."""
    try:
        st = os.statvfs(directory)
    except (OSError, AttributeError):
        return None
    return st.f_bavail * st.f_frsize


class DiskFull(OSError):
    """A write ran out of space; :func:`atomic_path` turns it into the one OUTPUT sentence."""

    def __init__(self, detail=""):
        super().__init__(errno.ENOSPC, detail or os.strerror(errno.ENOSPC))


def disk_full_error(parameter, directory):
    free = free_bytes(directory)
    room = f"{free} bytes free in {directory}" if free is not None else f"in {directory}"
    return LstFusionError(parameter, f"the disk is full ({room}): nothing was written; the earlier file is unchanged")


def write_failed_error(parameter, path, detail):
    return LstFusionError(parameter, f"writing {os.path.basename(str(path))} failed ({detail}): nothing was written; "
                          "the earlier file is unchanged")


def fsync_file(path):
    """Flush ``path`` to the disk, so a late write error (network drives) shows before the rename."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EROFS):  # some filesystems cannot fsync: nothing to flush there
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path, suffix="", parameter="OUTPUT", size=None):
    """Yield a temporary path beside ``path``; on success it is flushed to the disk and replaces ``path``
    (with normal permissions), on any error or interruption it is removed and ``path`` is untouched.

    ``size`` (bytes, where the caller knows it) is checked against the free space first; a full disk met
    while writing, whatever the writer, ends in the one sentence of :func:`disk_full_error`."""
    path = str(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    if size is not None:
        free = free_bytes(directory)
        if free is not None and free < size + 4096:
            raise disk_full_error(parameter, directory)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp_", suffix=suffix, dir=directory)
    except OSError as exc:
        if exc.errno in DISK_FULL_ERRNOS:
            raise disk_full_error(parameter, directory) from None
        raise
    os.close(fd)
    track(tmp)
    try:
        yield tmp
        if os.path.isfile(tmp):
            fsync_file(tmp)
        finish(tmp, path)
    except OSError as exc:
        discard(tmp)
        if exc.errno in DISK_FULL_ERRNOS:
            raise disk_full_error(parameter, directory) from None
        raise
    except BaseException:
        discard(tmp)
        raise


@contextlib.contextmanager
def gdal_errors():
    """Collect the GDAL errors raised in this thread (rasterio shares this libgdal) into the yielded list,
    as (class, number, message); rasterio 1.3 neither raises nor reports a failed block write or close."""
    msgs = []
    try:
        from osgeo import gdal
    except ImportError:  # pragma: no cover - GDAL's Python bindings come with QGIS
        yield msgs
        return

    def handler(cls, number, message):
        if cls >= gdal.CE_Failure:
            msgs.append((cls, number, message))

    gdal.PushErrorHandler(handler)
    try:
        yield msgs
    finally:
        gdal.PopErrorHandler()


def check_gdal_write(msgs, tmp, parameter, final, expected=None):
    """Raise when the GDAL write of ``tmp`` failed: errors collected by :func:`gdal_errors`, or a file that does
    not read back (whole, block by block; equal to ``expected`` where given: one band (h, w), or every band
    (n, h, w)). A full disk raises :class:`DiskFull`."""
    problem = None
    with gdal_errors() as read_msgs:
        try:
            with rasterio.open(tmp) as ds:
                if expected is not None:
                    back = ds.read(1) if np.ndim(expected) == 2 else ds.read()
                    same = (back == expected) | (np.isnan(back) & np.isnan(expected))
                    if not same.all():
                        problem = f"{int((~same).sum())} pixel(s) read back differ from those written"
                else:
                    for _, window in ds.block_windows(1):
                        ds.read(1, window=window)
        except Exception as exc:  # rasterio raises several kinds for a damaged file
            problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    failures = [m for _, _, m in msgs + read_msgs]
    if failures or problem is not None:
        raise_write_failure(failures, tmp, parameter, final, problem)


def raise_write_failure(failures, tmp, parameter, final, problem=None):
    """A full disk (GDAL says so, or almost nothing is left) raises :class:`DiskFull`, anything else one sentence."""
    if any("No space left" in m or "Disk full" in m or "disk full" in m for m in failures):
        raise DiskFull()
    directory = os.path.dirname(os.path.abspath(tmp))
    free = free_bytes(directory)
    if free is not None and free < 65536:
        raise DiskFull()
    raise write_failed_error(parameter, final, (failures[0] if failures else problem))


def _need_rasterio():
    if rasterio is None:
        from ..platform.install_hints import missing

        raise LstFusionError("", missing("rasterio"))


@dataclass(frozen=True)
class Grid:
    """A raster grid: CRS, affine transform and size."""

    crs: object
    transform: object
    width: int
    height: int

    @property
    def shape(self):
        return (self.height, self.width)

    @property
    def bounds(self):
        t = self.transform
        xs = [t.c, t.c + t.a * self.width]
        ys = [t.f, t.f + t.e * self.height]
        return (min(xs), min(ys), max(xs), max(ys))

    @property
    def pixel_size(self):
        return (abs(self.transform.a), abs(self.transform.e))

    def same_crs(self, other):
        """Both grids have the same CRS (or both none)."""
        if (self.crs is None) != (other.crs is None):
            return False
        return self.crs is None or CRS.from_user_input(self.crs) == CRS.from_user_input(other.crs)

    def same_as(self, other, tol=1e-6):
        if self.shape != other.shape or not self.same_crs(other):
            return False
        return all(abs(a - b) <= tol * max(1.0, abs(a)) for a, b in zip(self.transform[:6], other.transform[:6]))

    def differences(self, other, tol=1e-6):
        """What differs from ``other``, each value at full precision ('origin x 500000.0 vs 500015.0')."""
        out = []
        if self.shape != other.shape:
            out.append(f"size {self.width}x{self.height} vs {other.width}x{other.height} px")

        def crs_text(g):
            return CRS.from_user_input(g.crs).to_string() if g.crs else "no CRS"

        if not self.same_crs(other):
            out.append(f"CRS {crs_text(self)} vs {crs_text(other)}")
        names = ("pixel width", "row rotation", "origin x", "column rotation", "pixel height", "origin y")
        for name, a, b in zip(names, self.transform[:6], other.transform[:6]):
            if abs(a - b) > tol * max(1.0, abs(a)):
                out.append(f"{name} {float(a)!r} vs {float(b)!r}")
        return out

    def describe(self):
        crs = CRS.from_user_input(self.crs).to_string() if self.crs else "no CRS"
        return f"{self.width}x{self.height} px, {crs}, pixel {self.pixel_size[0]:g}, origin ({self.transform.c:g}, {self.transform.f:g})"


@dataclass
class Raster:
    data: np.ndarray  # float32 (or the source dtype with raw=True), NaN = nodata
    grid: Grid
    path: str = ""
    nodata: object = None
    tags: dict = None
    band: int = 1
    band_count: int = 1
    notes: tuple = ()  # what the reader changed or assumed, one sentence each, for the log


# The MODIS land grid is on a sphere (MOD11 user guide; GDAL's HDF4-EOS driver
# writes it so).  Earth Engine and some other tools export it as "MODIS
# Sinusoidal" on the WGS84 ellipsoid, which puts a tile ~18 km off the truth.
MODIS_SPHERE_RADIUS = 6371007.181
MODIS_SPHERE_NOTE = ("declares the MODIS sinusoidal projection on the WGS84 ellipsoid (as Earth Engine exports "
                     f"do); it is read on the MODIS sphere (R = {MODIS_SPHERE_RADIUS} m), where the MODIS grid is")


def modis_sphere_crs(crs):
    """(crs, note): a sinusoidal CRS centred on lon 0 with no false origin but
    declared on an ellipsoid is the MODIS grid mis-declared; return it on the
    MODIS sphere and a note saying so, else ``(crs, None)``."""
    if crs is None:
        return crs, None
    try:
        d = CRS.from_user_input(crs).to_dict()
    except Exception:
        return crs, None
    if d.get("proj") != "sinu" or any(float(d.get(k, 0) or 0) != 0 for k in ("lon_0", "x_0", "y_0")):
        return crs, None
    if "R" in d and abs(float(d["R"]) - MODIS_SPHERE_RADIUS) < 1e-3:
        return crs, None
    if "R" in d or d.get("a") and d.get("a") == d.get("b"):
        return crs, None  # a sphere chosen on purpose: keep it
    sphere = CRS.from_dict({"proj": "sinu", "lon_0": 0, "x_0": 0, "y_0": 0, "R": MODIS_SPHERE_RADIUS,
                            "units": "m", "no_defs": True})
    return sphere, MODIS_SPHERE_NOTE


def _grid_of(ds):
    crs, note = modis_sphere_crs(ds.crs)
    return Grid(crs, ds.transform, ds.width, ds.height), ((note,) if note else ())


def read_raster(path, parameter="INPUT", band=1, raw=False):
    """Read one band; nodata and non-finite values become NaN (float32).

    ``raw=True`` keeps the source dtype and nodata untouched (for DN/QC bands).
    """
    _need_rasterio()
    spath = str(path)
    if not spath.startswith(("HDF4_EOS:", "HDF5:", "NETCDF:", "/vsi")) and not os.path.exists(spath):
        raise LstFusionError(parameter, f"file {spath!r} does not exist")
    try:
        with rasterio.open(spath) as ds:
            if band > ds.count:
                raise LstFusionError(parameter, f"{os.path.basename(spath)} has {ds.count} band(s), band {band} was asked for")
            if band < 1:
                raise LstFusionError(parameter, f"band {band} does not exist: bands are numbered from 1")
            arr = ds.read(band)
            grid, notes = _grid_of(ds)
            count = ds.count
            nodata = ds.nodatavals[band - 1] if ds.nodatavals else ds.nodata
            tags = {k.replace("NC_GLOBAL#GDAL_", ""): v for k, v in ds.tags().items()}  # netCDF prefixes them
            tags.update(ds.tags(band))
            if ds.units and ds.units[band - 1] and "units" not in tags:  # the GDAL band unit (units.kind_of)
                tags["units"] = ds.units[band - 1]
    except rasterio.errors.RasterioIOError as exc:
        from ..platform.safety import file_of

        name = os.path.basename(file_of(spath) or spath)
        if spath.lower().endswith(".hdf") or spath.startswith("HDF4"):
            from ..platform.install_hints import HDF4_HINT

            msg = f"{name} is not a readable HDF4 file (damaged or incomplete download; {HDF4_HINT})"
        elif os.path.isfile(spath):
            msg = f"{name} exists but is not a raster GDAL can read (damaged, or another kind of file)"
        else:
            msg = f"cannot open {name}: {exc}"
        raise LstFusionError(parameter, msg) from None
    if raw:
        return Raster(arr, grid, spath, nodata, tags, band, count, notes)
    data = arr.astype(np.float32)
    if nodata is not None and not np.isnan(nodata):
        data[arr == nodata] = np.nan
    data[~np.isfinite(data)] = np.nan
    # float rasters saved with a huge negative nodata but flagged nowhere
    data[np.abs(data) > 1e30] = np.nan
    return Raster(data, grid, spath, nodata, tags, band, count, notes)


def read_grid(path, parameter="INPUT"):
    _need_rasterio()
    try:
        with rasterio.open(str(path)) as ds:
            return _grid_of(ds)[0]
    except rasterio.errors.RasterioIOError as exc:
        raise LstFusionError(parameter, f"cannot open {path}: {exc}") from None


# output extension -> GDAL driver; anything else is refused (a VRT only points at other files: it holds no pixels)
RASTER_DRIVERS = {".tif": "GTiff", ".tiff": "GTiff", ".img": "HFA", ".nc": "netCDF", ".gpkg": "GPKG"}
_TRANSLATE_OPTIONS = {"HFA": ["COMPRESSED=YES"], "netCDF": ["FORMAT=NC4C", "COMPRESS=DEFLATE"], "GPKG": []}


def raster_driver(path, parameter="OUTPUT"):
    """The GDAL driver that writes ``path``, from its extension (RASTER_DRIVERS), or a clear refusal."""
    ext = os.path.splitext(str(path))[1].lower()
    choices = ", ".join(sorted(RASTER_DRIVERS))
    if ext == ".vrt":
        raise LstFusionError(parameter, f"a VRT only references other rasters and cannot hold the computed pixels; "
                             f"save as one of {choices}")
    if ext not in RASTER_DRIVERS:
        raise LstFusionError(parameter, f"cannot write a raster with the extension {ext or '(none)'!r}; "
                             f"use one of {choices}")
    return RASTER_DRIVERS[ext]


def write_raster(path, data, grid, nodata=np.nan, tags=None, description=None, unit=None, parameter="OUTPUT"):
    """Write a float32 single-band raster atomically (temp file + rename), in the format of the extension
    (:data:`RASTER_DRIVERS`). ``unit`` is the band's unit type (default: from an ``LST_UNIT`` tag)."""
    _need_rasterio()
    path = str(path)
    driver = raster_driver(path, parameter)
    if unit is None and tags and tags.get("LST_UNIT"):
        from .units import BAND_UNIT

        unit = BAND_UNIT.get(tags["LST_UNIT"])
    data = np.asarray(data, dtype=np.float32)
    if data.shape != grid.shape:
        raise ValueError(f"array shape {data.shape} does not match grid {grid.shape}")
    out = data
    if nodata is not None and not np.isnan(nodata):
        out = np.where(np.isfinite(data), data, np.float32(nodata))
    profile = gtiff_profile(grid, nodata)
    with atomic_path(path, os.path.splitext(path)[1], parameter) as tmp:
        tif = tmp if driver == "GTiff" else tmp + ".src.tif"
        try:
            with gdal_errors() as msgs:
                with rasterio.open(tif, "w", **profile) as ds:
                    ds.write(out, 1)
                    if tags:
                        ds.update_tags(**{k: str(v) for k, v in tags.items()})
                    if description:
                        ds.set_band_description(1, description)
                        ds.update_tags(1, long_name=description)  # netCDF's name for it
                    if unit:
                        ds.set_band_unit(1, unit)
                        ds.update_tags(1, units=unit)
            check_gdal_write(msgs, tif, parameter, path, out)
            if driver != "GTiff":
                with gdal_errors() as msgs:
                    _translate(tif, tmp, driver, path, unit, parameter)
                check_gdal_write(msgs, tmp, parameter, path)
        finally:
            if tif != tmp and os.path.exists(tif):
                os.remove(tif)
        if os.path.exists(tmp + ".aux.xml"):  # a sidecar (HFA keeps the metadata there) follows its raster
            track(tmp + ".aux.xml")
            finish(tmp + ".aux.xml", path + ".aux.xml")
    return path


def write_bands(path, bands, grid, descriptions, tags=None, parameter="OUTPUT"):
    """Write a float32 multi-band GeoTIFF atomically (``bands``: (n, h, w), NaN nodata), each band described,
    and check that every band reads back as written."""
    _need_rasterio()
    path = str(path)
    data = np.asarray(bands, dtype=np.float32)
    if data.ndim != 3 or data.shape[1:] != grid.shape or len(descriptions) != data.shape[0]:
        raise ValueError(f"bands {data.shape} do not match grid {grid.shape} and {len(descriptions)} descriptions")
    profile = dict(gtiff_profile(grid, np.nan), count=data.shape[0])
    with atomic_path(path, ".tif", parameter) as tmp:
        with gdal_errors() as msgs:
            with rasterio.open(tmp, "w", **profile) as ds:
                ds.write(data)
                if tags:
                    ds.update_tags(**{k: str(v) for k, v in tags.items()})
                for k, d in enumerate(descriptions, start=1):
                    ds.set_band_description(k, d)
        check_gdal_write(msgs, tmp, parameter, path, data)
    return path


def _translate(src, dst, driver, final, unit, parameter):
    from osgeo import gdal

    if gdal.GetDriverByName(driver) is None:
        raise LstFusionError(parameter, f"this GDAL has no {driver} driver; save as .tif")
    options = list(_TRANSLATE_OPTIONS[driver])
    if driver == "GPKG":
        options += [f"RASTER_TABLE={os.path.splitext(os.path.basename(final))[0]}", "FIELD_NAME=LST"]
        if unit:
            options.append(f"UOM={unit}")
    os.remove(dst)  # the driver creates the file itself
    gdal.ErrorReset()  # GDAL's exception mode is process-wide in QGIS: leave it as it is, check the result
    ds = gdal.Translate(dst, src, format=driver, creationOptions=options)
    if ds is None:
        raise LstFusionError(parameter, f"GDAL's {driver} driver could not write the raster: {gdal.GetLastErrorMsg()}")
    ds = None


def atomic_write_bytes(path, data, parameter="OUTPUT", suffix=""):
    """Write ``data`` atomically (free space checked first, flushed before the rename)."""
    with atomic_path(path, suffix, parameter, size=len(data)) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
    return path


def atomic_write_text(path, text, parameter="OUTPUT"):
    """UTF-8 text (CSV, HTML, logs) through :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"), parameter)


def check_same_grid(named_rasters):
    """All rasters share the first one's grid, else name the one that does not."""
    items = [(k, r) for k, r in named_rasters.items() if r is not None]
    if len(items) < 2:
        return
    first_name, first = items[0]
    for name, r in items[1:]:
        g = r.grid if isinstance(r, Raster) else r
        g0 = first.grid if isinstance(first, Raster) else first
        if not g.same_as(g0):
            diff = "; ".join(g.differences(g0)) or f"{g.describe()} vs {g0.describe()}"
            raise LstFusionError(
                name,
                f"grid differs from {first_name}: {diff}; "
                "resample it onto the same grid first (lstfusion:resample)",
            )


def read_window(path, r0, r1, c0, c1, halo=0, band=1, scale=1.0, parameter="INPUT"):
    """Rows ``r0-halo:r1+halo`` and columns ``c0-halo:c1+halo`` of one band as float64 with NaN for nodata
    and outside the raster (as ``tiling.halo_block`` cuts an array): only that window is read from disk."""
    _need_rasterio()
    from rasterio.windows import Window

    out = np.full((r1 - r0 + 2 * halo, c1 - c0 + 2 * halo), np.nan, dtype=np.float64)
    try:
        with rasterio.open(str(path)) as ds:
            if band > ds.count:
                raise LstFusionError(parameter, f"{os.path.basename(str(path))} has {ds.count} band(s), band {band} "
                                     "was asked for")
            sr0, sr1 = max(r0 - halo, 0), min(r1 + halo, ds.height)
            sc0, sc1 = max(c0 - halo, 0), min(c1 + halo, ds.width)
            if sr1 <= sr0 or sc1 <= sc0:
                return out
            arr = ds.read(band, window=Window(sc0, sr0, sc1 - sc0, sr1 - sr0))
            nodata = ds.nodatavals[band - 1] if ds.nodatavals else ds.nodata
    except rasterio.errors.RasterioIOError as exc:
        raise LstFusionError(parameter, f"cannot open {os.path.basename(str(path))}: {exc}") from None
    data = arr.astype(np.float32)  # as read_raster: float32 first, so a windowed read equals a whole read
    if nodata is not None and not np.isnan(nodata):
        data[arr == nodata] = np.nan
    data[~np.isfinite(data)] = np.nan
    data[np.abs(data) > 1e30] = np.nan
    if scale != 1.0:
        data *= np.float32(scale)
    out[sr0 - (r0 - halo):sr1 - (r0 - halo), sc0 - (c0 - halo):sc1 - (c0 - halo)] = data
    return out


def gtiff_profile(grid, nodata):
    """The GeoTIFF every raster is written as: float32, deflate with the floating-point predictor, 256 px tiles
    (stripped below 256 px), its blocks compressed on GDAL's threads (one per core; for one sequence of writes the
    file does not depend on them)."""
    profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=1, dtype="float32", crs=grid.crs,
                   transform=grid.transform, nodata=nodata, compress="deflate", predictor=3)
    if grid.width >= 256 and grid.height >= 256:
        profile.update(tiled=True, blockxsize=256, blockysize=256, num_threads="ALL_CPUS")
    return profile


@contextlib.contextmanager
def tile_writer(path, grid, tags=None, description=None, unit=None, parameter="OUTPUT"):
    """A GeoTIFF written window by window (``write(block, r0, c0)``) into a temporary file beside ``path``,
    renamed to ``path`` only when the block exits without error: a cancelled or failed run leaves nothing."""
    _need_rasterio()
    path = str(path)
    if raster_driver(path, parameter) != "GTiff":
        raise LstFusionError(parameter, "tiled writing supports GeoTIFF (.tif) only")
    profile = gtiff_profile(grid, np.nan)
    from rasterio.windows import Window

    # GDAL errors are collected around this file's own calls only: reads of other files in between are not ours
    with atomic_path(path, ".tif", parameter) as tmp:
        with gdal_errors() as opening:
            ds = rasterio.open(tmp, "w", **profile)
        got = []
        try:
            def write(block, r0, c0):
                block = np.asarray(block, dtype=np.float32)
                with gdal_errors() as got:
                    ds.write(block, 1, window=Window(c0, r0, block.shape[1], block.shape[0]))
                if got:
                    raise_write_failure([m for _, _, m in got], tmp, parameter, path)

            yield write
            with gdal_errors() as got:
                if tags:
                    ds.update_tags(**{k: str(v) for k, v in tags.items()})
                if description:
                    ds.set_band_description(1, description)
                if unit:
                    ds.set_band_unit(1, unit)
        finally:
            with gdal_errors() as closing:
                ds.close()
        check_gdal_write(opening + got + closing, tmp, parameter, path)
    return path


def format_cell(v, undefined=""):
    """A table cell: 4 decimals; +inf as 'inf' and -inf as '-inf' (never one for the other); NaN as
    ``undefined`` (empty in CSV, 'undefined' where a person reads it; the NOTES column says why)."""
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        if math.isnan(v):
            return undefined
        return f"{v:.4f}"
    return str(v)


def write_csv_rows(path, rows, columns, parameter="OUTPUT_TABLE"):
    """``rows`` (dicts) as CSV with ``columns``, cells by :func:`format_cell`, written atomically."""
    import csv
    import io as _io

    buf = _io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: format_cell(r.get(k, "")) for k in columns})
    return atomic_write_text(path, buf.getvalue(), parameter)


def kind_of_file(path, band=1, scale=1.0, parameter="INPUT"):
    """A raster file's quantity and unit (core.data.units.Kind) without reading it whole: its tags and band unit,
    else (or when ``scale`` changes its values) a guess from a decimated read of at most 256 x 256 pixels."""
    from .units import guess_kind, kind_from_tags

    _need_rasterio()
    try:
        with rasterio.open(str(path)) as ds:
            tags = dict(ds.tags(), **ds.tags(band))
            if ds.units and ds.units[band - 1] and "units" not in tags:
                tags["units"] = ds.units[band - 1]
            kind = kind_from_tags(tags) if scale == 1.0 else None
            if kind is not None:
                return kind
            f = max(1, int(np.ceil(max(ds.height, ds.width) / 256)))
            arr = ds.read(band, out_shape=(max(1, ds.height // f), max(1, ds.width // f)), masked=True)
    except rasterio.errors.RasterioIOError as exc:
        raise LstFusionError(parameter, f"{os.path.basename(str(path))} cannot be read ({exc})") from None
    data = np.ma.filled(arr.astype(np.float64), np.nan) * scale
    return guess_kind(data)
