"""Reprojection/resampling of a (coarse) raster onto a reference grid."""
import numpy as np

from ..platform.errors import LstFusionError
from .io import Grid

METHODS = ("bicubic", "bilinear", "nearest", "average")


def _resampling(method):
    from rasterio.enums import Resampling

    return {"bicubic": Resampling.cubic, "bilinear": Resampling.bilinear,
            "nearest": Resampling.nearest, "average": Resampling.average}[method]


def overlaps(src_grid, dst_grid):
    """Whether the extent of ``src_grid`` (in ``dst_grid``'s CRS) meets that of ``dst_grid``."""
    from rasterio.warp import transform_bounds

    sb = transform_bounds(src_grid.crs, dst_grid.crs, *src_grid.bounds, densify_pts=21)
    db = dst_grid.bounds
    return not (sb[0] >= db[2] or sb[2] <= db[0] or sb[1] >= db[3] or sb[3] <= db[1])


def resample_to_grid(data, src_grid, dst_grid, method="bicubic", parameter="INPUT", outside_ok=False):
    """Return ``data`` (NaN = nodata) resampled onto ``dst_grid`` exactly.  A raster that does not overlap
    ``dst_grid`` is refused, or gives all NaN with ``outside_ok`` (a window of a series beyond a date's
    footprint)."""
    from rasterio.warp import reproject

    if method not in METHODS:
        raise LstFusionError("METHOD", f"method must be one of {METHODS}")
    if src_grid.crs is None:
        raise LstFusionError(parameter, "the raster has no CRS; assign one first")
    if dst_grid.crs is None:
        raise LstFusionError("REFERENCE", "the reference raster has no CRS; assign one first")
    if not overlaps(src_grid, dst_grid):
        if outside_ok:
            return np.full(dst_grid.shape, np.nan, dtype=np.float32)
        raise LstFusionError(parameter, "the raster does not overlap the reference grid")
    dst = np.full(dst_grid.shape, np.nan, dtype=np.float32)
    reproject(
        source=np.asarray(data, dtype=np.float32), destination=dst,
        src_transform=src_grid.transform, src_crs=src_grid.crs, src_nodata=np.nan,
        dst_transform=dst_grid.transform, dst_crs=dst_grid.crs, dst_nodata=np.nan,
        resampling=_resampling(method),
    )
    return dst


def crop_grid(grid, bounds):
    """The sub-grid of ``grid`` covering ``bounds`` (xmin, ymin, xmax, ymax), snapped to pixels."""
    from rasterio.windows import from_bounds
    from rasterio.windows import transform as wtransform

    b = grid.bounds
    x0, y0, x1, y1 = max(bounds[0], b[0]), max(bounds[1], b[1]), min(bounds[2], b[2]), min(bounds[3], b[3])
    if x0 >= x1 or y0 >= y1:
        raise LstFusionError("AOI", "the area of interest does not overlap the rasters")
    win = from_bounds(x0, y0, x1, y1, grid.transform).round_offsets().round_lengths()
    win = win.intersection(type(win)(0, 0, grid.width, grid.height))
    return Grid(grid.crs, wtransform(win, grid.transform), int(win.width), int(win.height))


def block_size(fine_pixel, coarse_pixel):
    """Fine pixels per MODIS footprint edge, at least 1."""
    return max(1, int(round(float(coarse_pixel) / float(fine_pixel))))


def footprint_pixels(grid, coarse_pixel_m):
    """MODIS footprint edge in fine pixels for a grid in metres or degrees."""
    from rasterio.crs import CRS

    px = float(grid.pixel_size[0])
    if grid.crs is not None and CRS.from_user_input(grid.crs).is_geographic:
        lat = 0.5 * (grid.bounds[1] + grid.bounds[3])
        px *= 111320.0 * max(np.cos(np.radians(lat)), 1e-6)  # metres per degree of longitude there
    return block_size(px, coarse_pixel_m)
