"""Spectral indices (NDVI, NDWI, NDBI) from Landsat Collection 2 Level-2 surface reflectance (issue 38, item 2).

Facts (USGS Landsat C2 L2 science products, https://www.usgs.gov/landsat-missions/landsat-collection-2-level-2-science-products;
the same numbers stand in the MTL of ../shared/data/landsat_c2l2's real scene, ``REFLECTANCE_MULT_BAND_n =
2.75e-05``, ``REFLECTANCE_ADD_BAND_n = -0.2``, ``QUANTIZE_CAL_MIN/MAX = 1/65535``, and in Earth Engine's C2 L2
example, https://github.com/google/earthengine-api/blob/master/javascript/src/examples/CloudMasking/Landsat8SurfaceReflectance.js):

* reflectance = DN x 0.0000275 - 0.2 for every SR_B band; DN 0 is fill.  The product's valid reflectance runs
  from about -0.2 to 1.6 (MTL ``REFLECTANCE_MINIMUM/MAXIMUM``).
* Bands: Landsat 8/9 OLI SR_B3 green, SR_B4 red, SR_B5 NIR, SR_B6 SWIR1; Landsat 4/5 TM and 7 ETM+ SR_B2 green,
  SR_B3 red, SR_B4 NIR, SR_B5 SWIR1.  A STAC API (Planetary Computer's landsat-c2-l2) names them by their common
  names for every platform: assets ``green``, ``red``, ``nir08``, ``swir16`` and ``qa_pixel``.
* QA_PIXEL: the bits the LST import masks (core.data.products.LANDSAT_QA_BITS: 1 dilated cloud, 3 cloud,
  4 cloud shadow, 5 snow) and the fill bit 0.

Indices, as the Earth Engine exports the project reads carry them (Ranchi's bands 2-4): NDVI = (NIR - red) /
(NIR + red); NDWI = (green - NIR) / (green + NIR), McFeeters (1996) -- Ranchi's NDWI is negative over land and
anti-correlated with its NDVI (r -0.93 on 2023-06-16), which Gao's (NIR - SWIR1) / (NIR + SWIR1) would not be (it
is exactly -NDBI); NDBI = (SWIR1 - NIR) / (SWIR1 + NIR) (Zha et al. 2003).  Each is clamped to [-1, 1] as Earth
Engine's catalogue expressions clamp theirs (a slightly negative reflectance over water can push a ratio past
1); NaN where a band is fill, QA_PIXEL masks the pixel, or the sum is not positive.

Scale detection: a GDAL band scale/offset on the file is applied first (as GDAL readers do).  Then the values
decide: a band whose 99th percentile of valid values is at most :data:`MAX_REFLECTANCE` is reflectance already
(as search_download writes it, and Earth Engine exports scaled bands); one whose values are whole numbers above
that is C2 L2 DN and is scaled.  Whatever the source, the reflectance's 1st percentile must then be at
least :data:`LOWEST_PLAUSIBLE` (-0.1: the product allows down to -0.2, but only dark water comes near 0 from
below) and its 99th at most :data:`MAX_REFLECTANCE`, else one sentence naming the parameter: reflectance x 10000
(Collection 1, other tools) scaled as C2 DN lands between -0.2 and 0 almost everywhere, and is refused.
"""
import os

import numpy as np

from ..platform.errors import LstFusionError
from .products import LANDSAT_QA_BITS, landsat_qa_clear

SR_SCALE = 0.0000275
SR_OFFSET = -0.2
SR_FILL = 0
MIN_REFLECTANCE, MAX_REFLECTANCE = -0.2, 1.6  # the product's valid range (MTL REFLECTANCE_MINIMUM/MAXIMUM)
LOWEST_PLAUSIBLE = -0.1  # a 1st percentile below it is not a scene's reflectance (dark water is about -0.01 to 0)

ROLES = ("green", "red", "nir", "swir1")  # the order of a REFLECTANCE raster's bands (then QA_PIXEL, optional)
QA_ROLE = "qa_pixel"
INDEX_NAMES = ("NDVI", "NDWI", "NDBI")
_OLI = dict(zip(ROLES, ("SR_B3", "SR_B4", "SR_B5", "SR_B6")))
_TM_ETM = dict(zip(ROLES, ("SR_B2", "SR_B3", "SR_B4", "SR_B5")))
C2_BANDS = {"LC08": _OLI, "LC09": _OLI, "LE07": _TM_ETM, "LT05": _TM_ETM, "LT04": _TM_ETM}  # by product id prefix
STAC_ASSETS = dict(zip(ROLES + (QA_ROLE,), ("green", "red", "nir08", "swir16", "qa_pixel")))


def sensor_bands(sensor):
    """{role: C2 band name} of a Landsat product id prefix (LC08, LC09, LE07, LT05, LT04)."""
    key = str(sensor).upper()[:4]
    if key not in C2_BANDS:
        raise LstFusionError("REFLECTANCE", f"{sensor!r} is not a Landsat 4-9 product (LC08, LC09, LE07, LT05, "
                                            "LT04): its surface reflectance bands are not known")
    return C2_BANDS[key]


def to_reflectance(values, parameter, name, scale=1.0, offset=0.0, dn=None):
    """Surface reflectance (float64, NaN at fill) of one band: the file's own scale/offset, then C2 L2 DN scaled
    when the values are DN (module text; ``dn`` True/False says so instead, as a STAC asset's product does);
    implausible values are one sentence naming ``parameter``."""
    raw = np.asarray(values, dtype=np.float64)
    v = raw * scale + offset
    v[~np.isfinite(raw) | (raw == SR_FILL)] = np.nan
    ok = v[np.isfinite(v)]
    if ok.size == 0:
        return v
    hi = np.percentile(ok, 99)
    if dn is True or (dn is None and hi > MAX_REFLECTANCE):
        if dn is None and not np.all(ok == np.round(ok)):
            raise LstFusionError(parameter, f"{name} holds values up to {hi:.6g} that are neither reflectance "
                                            f"({MIN_REFLECTANCE:g} to {MAX_REFLECTANCE:g}) nor Collection 2 Level-2 "
                                            "DN (whole numbers 1-65535); give surface reflectance bands")
        v = v * SR_SCALE + SR_OFFSET
        ok = v[np.isfinite(v)]
    lo, hi = np.percentile(ok, [1, 99])
    if lo < LOWEST_PLAUSIBLE or hi > MAX_REFLECTANCE:
        raise LstFusionError(parameter, f"{name} runs from {lo:.4g} to {hi:.4g} as reflectance (1st to 99th "
                                        f"percentile; Collection 2 Level-2 DN are scaled x {SR_SCALE:g} "
                                        f"{SR_OFFSET:+g}), where a scene runs from about 0 to 1: these are not C2 L2 "
                                        "surface reflectance bands (reflectance x 10000 of Collection 1? divide it "
                                        "by 10000 first)")
    return v


def normalised_difference(a, b):
    """(a - b) / (a + b), clamped to [-1, 1]; NaN where either is NaN or the sum is not positive."""
    s = a + b
    out = np.full(a.shape, np.nan)
    ok = np.isfinite(s) & (s > 0)
    out[ok] = np.clip((a[ok] - b[ok]) / s[ok], -1.0, 1.0)
    return out


def spectral_indices(green, red, nir, swir1, qa=None, qa_bits=LANDSAT_QA_BITS):
    """[NDVI, NDWI (McFeeters), NDBI] (float64) from reflectance bands (NaN: fill), masked where QA_PIXEL ``qa``
    (when given; NaN: outside the data) has the fill bit or one of ``qa_bits`` set."""
    green, red, nir, swir1 = (np.asarray(b, dtype=np.float64) for b in (green, red, nir, swir1))
    out = [normalised_difference(nir, red), normalised_difference(green, nir), normalised_difference(swir1, nir)]
    if qa is not None:
        qa = np.asarray(qa, dtype=np.float64)
        clear = np.isfinite(qa) & landsat_qa_clear(np.where(np.isfinite(qa), qa, 1).astype(np.uint16), qa_bits)
        for a in out:
            a[~clear] = np.nan
    return out


def band_roles(descriptions, count, name, parameter):
    """{role: band number} of a REFLECTANCE raster: by its band descriptions where they name the roles (green,
    red, nir, swir1, qa_pixel) or C2 bands (SR_B3 ..., with the Landsat product in the file name), else by
    order: 4 bands green, red, NIR, SWIR1, or 5 with QA_PIXEL last."""
    desc = [str(d or "").strip().lower() for d in descriptions]
    by_desc = {d: k for k, d in enumerate(desc, start=1) if d}
    if all(r in by_desc for r in ROLES):
        return {r: by_desc[r] for r in ROLES + (QA_ROLE,) if r in by_desc}
    if any(d.startswith("sr_b") for d in desc):
        prefix = next((p for p in C2_BANDS if p.lower() in name.lower()), None)
        if prefix is None:
            raise LstFusionError(parameter, f"{name} names its bands SR_Bn but not its Landsat (LC08, LC09, LE07, "
                                            "LT05 in the file name), which says which band is which")
        want = {r: b.lower() for r, b in C2_BANDS[prefix].items()}
        missing = [C2_BANDS[prefix][r] for r in ROLES if want[r] not in by_desc]
        if missing:
            raise LstFusionError(parameter, f"{name} has no band {', '.join(missing)} ({prefix}'s green, red, NIR, "
                                            "SWIR1); give a raster with these four bands")
        roles = {r: by_desc[want[r]] for r in ROLES}
        if QA_ROLE in by_desc:
            roles[QA_ROLE] = by_desc[QA_ROLE]
        return roles
    if count not in (4, 5):
        raise LstFusionError(parameter, f"{name} has {count} band(s): a surface reflectance raster holds 4 bands "
                                        "(green, red, NIR, SWIR1: Landsat 8/9 SR_B3-SR_B6, Landsat 5/7 SR_B2-SR_B5) "
                                        "or 5 with QA_PIXEL last, as search_download writes them")
    roles = {r: k for k, r in enumerate(ROLES, start=1)}
    if count == 5:
        roles[QA_ROLE] = 5
    return roles


def read_indices(path, grid, parameter="REFLECTANCE"):
    """[NDVI, NDWI, NDBI] on ``grid`` from the surface reflectance raster ``path`` (:func:`band_roles`), scaled
    as its values say and masked by its QA_PIXEL band where it has one; one sentence naming ``parameter`` for a
    raster off the grid, with the wrong bands or with values that are not reflectance."""
    import rasterio

    from .io import read_grid

    name = os.path.basename(str(path))
    own = read_grid(path, parameter)
    if not own.same_as(grid):
        raise LstFusionError(parameter, f"{name} is not on the fine reference's grid ({own.describe()} vs "
                                        f"{grid.describe()}); resample it onto the Landsat grid (lstfusion:resample)")
    with rasterio.open(str(path)) as ds:
        roles = band_roles(ds.descriptions, ds.count, name, parameter)
        bands = {}
        for role, b in roles.items():
            raw = ds.read(b).astype(np.float64)
            nodata = ds.nodatavals[b - 1]
            if nodata is not None and not np.isnan(nodata) and role != QA_ROLE:
                raw[raw == nodata] = np.nan
            if role == QA_ROLE:
                bands[role] = raw
            else:
                bands[role] = to_reflectance(raw, parameter, f"{name} band {b} ({role})", ds.scales[b - 1] or 1.0,
                                             ds.offsets[b - 1] or 0.0)
    return spectral_indices(*(bands[r] for r in ROLES), qa=bands.get(QA_ROLE))
