"""Raster input/output: float32 arrays with NaN for nodata, atomic writes.

Every reader returns a :class:`Raster` (data + :class:`Grid`); every writer
writes to a temporary file beside the destination and renames it, so an
interrupted run never leaves a half-written output.
"""
import atexit
import contextlib
import os
import tempfile
import threading
from dataclasses import dataclass

import numpy as np

from .errors import LstFusionError

try:
    import rasterio
    from rasterio.crs import CRS
    from rasterio.windows import Window
except ImportError as exc:  # pragma: no cover - exercised only without rasterio
    rasterio = None
    _RASTERIO_ERROR = exc


def publish(tmp, path):
    """Give a finished temporary file the permissions of a normal new file
    (mkstemp makes it 0600) and move it into place atomically."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


# temporary files being written right now: removed on errors, on SIGINT/SIGTERM (core.safety.interrupt_guard)
# and at interpreter exit, so an interrupted run leaves no hidden .tmp_* file behind
_LIVE_TEMPS = set()
_LIVE_LOCK = threading.Lock()


def live_temps():
    with _LIVE_LOCK:
        return sorted(_LIVE_TEMPS)


def _discard(tmp):
    with _LIVE_LOCK:
        _LIVE_TEMPS.discard(tmp)
    try:
        os.remove(tmp)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def remove_live_temps():
    """Remove every temporary file still being written (signal handlers, atexit)."""
    for tmp in live_temps():
        try:
            _discard(tmp)
        except OSError:
            pass


atexit.register(remove_live_temps)


@contextlib.contextmanager
def atomic_path(path, suffix=""):
    """Yield a temporary path beside ``path``; on success it replaces ``path``
    (with normal permissions), on any error or interruption it is removed and
    ``path`` is untouched."""
    path = str(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_", suffix=suffix, dir=directory)
    os.close(fd)
    with _LIVE_LOCK:
        _LIVE_TEMPS.add(tmp)
    try:
        yield tmp
        publish(tmp, path)
        with _LIVE_LOCK:
            _LIVE_TEMPS.discard(tmp)
    except BaseException:
        _discard(tmp)
        raise


def _need_rasterio():
    if rasterio is None:
        raise LstFusionError(
            "",
            "rasterio is not installed in this Python: install it with your system's "
            "package manager (Debian/Ubuntu: apt install python3-rasterio)",
        )


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

    def same_as(self, other, tol=1e-6):
        if self.shape != other.shape:
            return False
        if (self.crs is None) != (other.crs is None):
            return False
        if self.crs is not None and CRS.from_user_input(self.crs) != CRS.from_user_input(other.crs):
            return False
        return all(abs(a - b) <= tol * max(1.0, abs(a)) for a, b in zip(self.transform[:6], other.transform[:6]))

    def differences(self, other, tol=1e-6):
        """What differs from ``other``, each value at full precision ('origin x 500000.0 vs 500015.0')."""
        out = []
        if self.shape != other.shape:
            out.append(f"size {self.width}x{self.height} vs {other.width}x{other.height} px")

        def crs_text(g):
            return CRS.from_user_input(g.crs).to_string() if g.crs else "no CRS"

        if (self.crs is None) != (other.crs is None) or (
                self.crs is not None and CRS.from_user_input(self.crs) != CRS.from_user_input(other.crs)):
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
            arr = ds.read(band)
            grid = Grid(ds.crs, ds.transform, ds.width, ds.height)
            nodata = ds.nodata
            tags = ds.tags()
            tags.update(ds.tags(band))
    except rasterio.errors.RasterioIOError as exc:
        from .safety import file_of

        name = os.path.basename(file_of(spath) or spath)
        if spath.lower().endswith(".hdf") or spath.startswith("HDF4"):
            msg = f"{name} is not a readable HDF4 file (damaged or incomplete download, or GDAL lacks the HDF4 driver)"
        elif os.path.isfile(spath):
            msg = f"{name} exists but is not a raster GDAL can read (damaged, or another kind of file)"
        else:
            msg = f"cannot open {name}: {exc}"
        raise LstFusionError(parameter, msg) from None
    if raw:
        return Raster(arr, grid, spath, nodata, tags)
    data = arr.astype(np.float32)
    if nodata is not None and not np.isnan(nodata):
        data[arr == nodata] = np.nan
    data[~np.isfinite(data)] = np.nan
    # float rasters saved with a huge negative nodata but flagged nowhere
    data[np.abs(data) > 1e30] = np.nan
    return Raster(data, grid, spath, nodata, tags)


def read_grid(path, parameter="INPUT"):
    _need_rasterio()
    try:
        with rasterio.open(str(path)) as ds:
            return Grid(ds.crs, ds.transform, ds.width, ds.height)
    except rasterio.errors.RasterioIOError as exc:
        raise LstFusionError(parameter, f"cannot open {path}: {exc}") from None


def write_raster(path, data, grid, nodata=np.nan, tags=None, description=None):
    """Write a float32 single-band GeoTIFF atomically (temp file + rename)."""
    _need_rasterio()
    path = str(path)
    data = np.asarray(data, dtype=np.float32)
    if data.shape != grid.shape:
        raise ValueError(f"array shape {data.shape} does not match grid {grid.shape}")
    out = data
    if nodata is not None and not np.isnan(nodata):
        out = np.where(np.isfinite(data), data, np.float32(nodata))
    profile = dict(
        driver="GTiff", width=grid.width, height=grid.height, count=1, dtype="float32",
        crs=grid.crs, transform=grid.transform, nodata=nodata, compress="deflate",
        predictor=3, tiled=True, blockxsize=256, blockysize=256,
    )
    if grid.width < 256 or grid.height < 256:
        profile.update(tiled=False)
        profile.pop("blockxsize")
        profile.pop("blockysize")
    with atomic_path(path, ".tif") as tmp:
        with rasterio.open(tmp, "w", **profile) as ds:
            ds.write(out, 1)
            if tags:
                ds.update_tags(**{k: str(v) for k, v in tags.items()})
            if description:
                ds.set_band_description(1, description)
    return path


def atomic_write_text(path, text):
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    return path


def check_same_grid(named_rasters):
    """All rasters share the first one's grid, else name the one that does not."""
    items = [(k, r) for k, r in named_rasters.items() if r is not None]
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


def check_has_data(name, data, what="raster"):
    if not np.isfinite(data).any():
        raise LstFusionError(name, f"the {what} has no valid pixel (all nodata)")


def window_grid(grid, row_off, col_off, height, width):
    from rasterio.windows import transform as wtransform

    win = Window(col_off, row_off, width, height)
    return Grid(grid.crs, wtransform(win, grid.transform), width, height)
