"""An area of interest (a GeoJSON geometry in lon/lat) on a raster grid: the whole pixels covering it and the
pixels inside it. Used by the download (core.data.stac) and by the imports that cut their product to an AOI
(core.data.viirs, core.data.slstr)."""
import math

from .io import Grid


def aoi_grid(crs, transform, aoi):
    """The grid of whole dataset pixels covering the AOI (GeoJSON geometry in lon/lat), in the dataset's CRS."""
    from affine import Affine
    from rasterio.warp import transform_geom

    geom = transform_geom("EPSG:4326", crs, aoi)
    xs, ys = coords(geom)
    a, e = transform.a, transform.e
    c0 = math.floor((min(xs) - transform.c) / a + 1e-9)
    c1 = math.ceil((max(xs) - transform.c) / a - 1e-9)
    r0 = math.floor((max(ys) - transform.f) / e + 1e-9)
    r1 = math.ceil((min(ys) - transform.f) / e - 1e-9)
    t = transform * Affine.translation(c0, r0)
    return Grid(crs, t, max(c1 - c0, 1), max(r1 - r0, 1))


def coords(geom):
    """The x and y of every vertex of a GeoJSON geometry."""
    pts = []

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            pts.append(c)
        else:
            for x in c:
                walk(x)

    walk(geom["coordinates"])
    return [p[0] for p in pts], [p[1] for p in pts]


def aoi_mask(grid, aoi):
    """True inside the AOI polygon (pixel centres; all touched pixels for an AOI smaller than a pixel)."""
    from rasterio.features import geometry_mask
    from rasterio.warp import transform_geom

    geom = transform_geom("EPSG:4326", grid.crs, aoi)
    inside = ~geometry_mask([geom], grid.shape, grid.transform)
    if not inside.any():
        inside = ~geometry_mask([geom], grid.shape, grid.transform, all_touched=True)
    return inside
