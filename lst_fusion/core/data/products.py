"""Import of MODIS MOD11A1/MYD11A1 and Landsat 8/9 C2 L2 ST_B10 products.

Rules (MOD11 C6.1 user guide; Landsat 8-9 C2 L2 product guide):

* MODIS LST_Day_1km / LST_Night_1km: K = DN x 0.02, DN 0 is fill.
  QC_Day / QC_Night: bits 0-1 mandatory QA (keep <= 1), bits 2-3 data quality
  (keep 0), bits 6-7 LST error (keep <= 2, i.e. <= 3 K).
* Landsat ST_B10: K = DN x 0.00341802 + 149.0, DN 0 is fill.  QA_PIXEL bits
  1 dilated cloud, 3 cloud, 4 cloud shadow, 5 snow mask a pixel (the set of bits
  is a parameter).

Inputs already in Kelvin (AppEEARS/Earth Engine exports, the bundled sample)
are imported with ``scale=1, offset=0``.
"""
import os

import numpy as np

from ..platform.errors import LstFusionError
from .dates import require_date
from .io import check_same_grid, read_raster, write_raster
from .units import KELVIN_OFFSET, UNITS

MODIS_SCALE = 0.02
MODIS_FILL = 0
LANDSAT_SCALE = 0.00341802
LANDSAT_OFFSET = 149.0
LANDSAT_FILL = 0
LANDSAT_QA_BITS = (1, 3, 4, 5)
# plausible land-surface temperature in Kelvin (coldest Antarctic ~180 K, hottest ~350 K)
LST_MIN_K = 150.0
LST_MAX_K = 400.0


def modis_qc_clear(qc, max_mandatory=1, max_quality=0, max_error=2):
    """True where a MOD11 QC byte passes the three bit rules."""
    qc = np.asarray(qc).astype(np.uint8)
    mandatory = qc & 0b11
    quality = (qc >> 2) & 0b11
    error = (qc >> 6) & 0b11
    return (mandatory <= max_mandatory) & (quality <= max_quality) & (error <= max_error)


LANDSAT_QA_FILL_BIT = 0  # QA_PIXEL bit 0: the pixel is fill (outside the scene), masked whatever QA_BITS says


def landsat_qa_clear(qa, bits=LANDSAT_QA_BITS):
    """True where none of the given QA_PIXEL bits is set, nor the fill bit (0), which is never data."""
    qa = np.asarray(qa).astype(np.uint16)
    mask = 1 << LANDSAT_QA_FILL_BIT
    for b in bits:
        b = int(b)
        if not 0 <= b <= 15:
            raise LstFusionError("QA_BITS", f"bit {b} is not a QA_PIXEL bit (0-15)")
        mask |= 1 << b
    return (qa & mask) == 0


def parse_bits(text, default=LANDSAT_QA_BITS):
    if text is None or str(text).strip() == "":
        return tuple(default)
    try:
        return tuple(int(t) for t in str(text).replace(";", ",").split(",") if t.strip())
    except ValueError:
        raise LstFusionError("QA_BITS", f"{text!r} is not a comma-separated list of bit numbers") from None


def check_scale(scale, default, parameter="SCALE"):
    """SCALE multiplies the DN: 0 or less makes every pixel one value (or negative Kelvin)."""
    if not scale > 0:
        raise LstFusionError(parameter, f"{scale:g} is not a scale factor: it must be greater than 0 (K = DN x SCALE "
                             f"+ OFFSET; {default:g} for this product)")
    return scale


def dn_to_kelvin(dn, scale, offset, fill):
    dn = np.asarray(dn)
    k = dn.astype(np.float64) * scale + offset
    invalid = ~np.isfinite(k)
    if fill is not None:
        invalid |= dn == fill
    k[invalid] = np.nan
    return k


# valid DN of the LST bands (MOD11 user guide: 7500-65535; Landsat C2 L2 ST_B10: 1-65535, real scenes
# far above 300, since DN 293 is already 150 K)
PRODUCT_DN = {"MODIS": (7500, 65535), "Landsat": (1, 65535), "VIIRS": (7500, 65535)}  # VNP21: as MOD11


def _check_dn(dn, valid, scale, offset, parameter, product, source):
    """Refuse inputs that are not DN although a DN scale is applied: LST already in K or degC.

    With the default Landsat scale, a Kelvin GeoTIFF (about 300) becomes 150.03 K everywhere, which passes
    the 150 K floor: the raw values themselves are checked against the product's DN range.
    """
    from .units import robust_range, unit_in_range

    if scale == 1.0 and offset == 0.0:
        return
    rng = robust_range(np.where(valid, dn, np.nan).astype(np.float64))
    if rng is None:
        return
    lo, hi = rng
    if unit_in_range(lo, hi) == "kelvin":  # (small integers that would be Celsius are QC bands far more often)
        a, b = PRODUCT_DN[product]
        raise LstFusionError(
            parameter,
            f"{os.path.basename(str(source))} holds values from {lo:.6g} to {hi:.6g}, not {product} LST DN (valid "
            f"{a}-{b}, real scenes far above 300): they look like LST already in Kelvin (then import it with SCALE=1 "
            "and OFFSET=0) or like a QA/QC band",
        )


def _check_plausible(kelvin, parameter, product):
    valid = kelvin[np.isfinite(kelvin)]
    if valid.size == 0:
        return
    lo, hi = np.percentile(valid, [1, 99])
    if lo < LST_MIN_K or hi > LST_MAX_K:
        raise LstFusionError(
            parameter,
            f"scaled values run from {lo:.1f} K to {hi:.1f} K, which is not a {product} "
            f"land-surface temperature (valid DN {PRODUCT_DN[product][0]}-{PRODUCT_DN[product][1]}): is this the "
            "LST band (not QC/QA), and are the scale and offset right?",
        )


def _resolve_modis(path, layer):
    """A MODIS .hdf granule -> its LST and QC sub-dataset names."""
    p = str(path)
    if p.lower().endswith(".hdf") and not p.startswith("HDF4"):
        grid = "MODIS_Grid_Daily_1km_LST"
        lst = f'HDF4_EOS:EOS_GRID:"{p}":{grid}:LST_{layer}_1km'
        qc = f'HDF4_EOS:EOS_GRID:"{p}":{grid}:QC_{layer}'
        return lst, qc
    return p, None


def _check_hdf_opens(path, parameter):
    """A .hdf granule exists and GDAL can open it, else say which of the two (or the driver) is wrong."""
    p = str(path)
    if not p.lower().endswith(".hdf") or p.startswith("HDF4"):
        return
    name = os.path.basename(p)
    if not os.path.isfile(p):
        raise LstFusionError(parameter, f"file {p!r} does not exist")
    import rasterio

    with rasterio.Env() as env:
        drivers = env.drivers()
    if "HDF4" not in drivers and "HDF4Image" not in drivers:
        from ..platform.install_hints import HDF4_HINT

        raise LstFusionError(parameter, f"{name} needs GDAL's HDF4 driver, which this GDAL lacks ({HDF4_HINT}), "
                             "or use a GeoTIFF export of the product")
    try:
        with rasterio.open(p) as ds:
            subs = ds.subdatasets
    except Exception:  # noqa: BLE001 - any failure to open is the same answer for the user
        raise LstFusionError(parameter, f"{name} is not a readable HDF4 file (damaged or incomplete download?); "
                             "download the granule again") from None
    if not any("LST_Day_1km" in sd for sd in subs):
        raise LstFusionError(parameter, f"{name} has no LST_Day_1km sub-dataset: it is not a MOD11A1/MYD11A1 granule")


def _tag_checked(date_of):
    """The import's date, refused when the input's ACQUISITION_DATE tag says another day."""
    def checked(path, explicit):
        from .dates import acquisition_tag, check_tag_date

        d = date_of(path, explicit)
        what = d.isoformat() if explicit else f"the date {d.isoformat()} of its name"
        return check_tag_date(d, acquisition_tag(path), path, "DATE", what)
    return checked


@_tag_checked
def _modis_date(path, explicit):
    """Date from the parameter, the file name, or (HDF granules) the product metadata."""
    from .dates import parse_date

    if explicit or parse_date(path):
        return require_date(path, explicit)
    if str(path).lower().endswith(".hdf"):
        import datetime as _dt

        import rasterio

        try:
            with rasterio.open(str(path)) as ds:
                tags = ds.tags()
        except Exception:
            tags = {}
        text = tags.get("RANGEBEGINNINGDATE")
        if text:
            return _dt.date.fromisoformat(text.strip())
    return require_date(path, explicit)


def clear_percent_of(kelvin, inside=None):
    """% of finite pixels, over ``inside`` (a boolean mask, e.g. an AOI polygon) when given."""
    valid = np.isfinite(kelvin)
    if inside is not None:
        n = int(inside.sum())
        return float(100.0 * (valid & inside).sum() / n) if n else 0.0
    return float(100.0 * valid.sum() / valid.size)


def lst_tags(unit, date, source, clear_percent, extra=None):
    """The tags every imported LST raster carries (import_modis, import_landsat, search_download)."""
    tags = {"QUANTITY": "lst", "LST_UNIT": unit, "ACQUISITION_DATE": date.isoformat(),  # core.data.units.Kind
            "SOURCE": os.path.basename(str(source)),
            "CLEAR_PERCENT": f"{clear_percent:.3f}"}
    tags.update(extra or {})
    return tags


def to_unit(kelvin, unit):
    if unit not in UNITS:
        raise LstFusionError("UNIT", f"unit must be one of {UNITS}")
    return kelvin - KELVIN_OFFSET if unit == "celsius" else kelvin


def _finish(kelvin, grid, output, unit, date, source, parameter):
    out = to_unit(kelvin, unit)
    if not np.isfinite(kelvin).any():
        raise LstFusionError(parameter, f"{os.path.basename(str(source))}: no clear pixel (all fill or masked by QC)")
    clear_percent = clear_percent_of(kelvin)
    write_raster(output, out.astype(np.float32), grid, tags=lst_tags(unit, date, source, clear_percent),
                 description=f"LST ({unit})")
    return {"OUTPUT": output, "CLEAR_PERCENT": clear_percent, "DATE": date.isoformat()}


def kelvin_of(product, dn, dn_nodata, clear, source, parameter, scale, offset, fill, fill_mask=None):
    """DN of a ``product`` (a PRODUCT_DN key) -> Kelvin: fill, the band's nodata and ``~clear`` NaN, non-DN refused."""
    kelvin = dn_to_kelvin(dn, scale, offset, fill)
    if dn_nodata is not None and np.isfinite(dn_nodata):  # the band's own fill DN, whatever FILL says
        kelvin[np.asarray(dn) == dn_nodata] = np.nan
    if fill_mask is not None:  # flagged as fill by the QA band: never data, nor checked as data
        kelvin[fill_mask] = np.nan
    _check_dn(dn, np.isfinite(kelvin), scale, offset, parameter, product, source)
    _check_plausible(kelvin, parameter, product)
    if clear is not None:
        kelvin[~clear] = np.nan
    return kelvin


def modis_kelvin(dn, dn_nodata, qc, source, parameter="INPUT", scale=MODIS_SCALE, offset=0.0, fill=MODIS_FILL):
    """MOD11A1/MYD11A1 LST DN (and its QC byte, or None) -> Kelvin with fill, cloudy and poor pixels as NaN.

    The one implementation of the MODIS rules: import_modis and search_download both call it."""
    clear = modis_qc_clear(qc) if qc is not None else None
    return kelvin_of("MODIS", dn, dn_nodata, clear, source, parameter, scale, offset, fill)


def landsat_kelvin(dn, dn_nodata, qa, source, parameter="INPUT", scale=LANDSAT_SCALE, offset=LANDSAT_OFFSET,
                   fill=LANDSAT_FILL, qa_bits=LANDSAT_QA_BITS):
    """Landsat C2 L2 ST_B10 DN (and QA_PIXEL, or None) -> Kelvin with fill and flagged pixels as NaN.

    The one implementation of the Landsat rules: import_landsat and search_download both call it."""
    clear = landsat_qa_clear(qa, qa_bits) if qa is not None else None
    fill_mask = (np.asarray(qa).astype(np.uint16) >> LANDSAT_QA_FILL_BIT) & 1 == 1 if qa is not None else None
    return kelvin_of("Landsat", dn, dn_nodata, clear, source, parameter, scale, offset, fill, fill_mask)


def import_modis(lst_path, output, qc_path=None, unit="celsius", layer="Day", scale=MODIS_SCALE,
                 offset=0.0, fill=MODIS_FILL, use_qc=True, date=None):
    """MODIS LST DN (+QC) -> LST GeoTIFF with cloudy/low-quality pixels as NaN.

    ``lst_path`` may be a GeoTIFF or a MOD11A1/MYD11A1 .hdf granule (then the
    ``LST_{layer}_1km`` and ``QC_{layer}`` sub-datasets are used).
    """
    if layer not in ("Day", "Night"):
        raise LstFusionError("LAYER", "layer must be Day or Night")
    check_scale(scale, MODIS_SCALE)
    _check_hdf_opens(lst_path, "INPUT")  # before the date: a damaged granule is not a date problem
    d = _modis_date(lst_path, date)
    lst_src, qc_auto = _resolve_modis(lst_path, layer)
    qc_src = qc_path or (qc_auto if use_qc else None)
    dn = read_raster(lst_src, "INPUT", raw=True)
    qc = None
    if qc_src and use_qc:
        qc = read_raster(qc_src, "QC", raw=True)
        check_same_grid({"INPUT": dn.grid, "QC": qc.grid})
    kelvin = modis_kelvin(dn.data, dn.nodata, qc.data if qc is not None else None, lst_path, "INPUT", scale, offset,
                          fill)
    return _finish(kelvin, dn.grid, output, unit, d, lst_path, "INPUT")


def _mtl_files(st_path):
    """MTL files (txt, json, xml) beside a C2 L2 band file, same product id first."""
    import glob

    folder, base = os.path.split(os.path.abspath(str(st_path)))
    stem = base.split("_ST_B10")[0].split("_SR_B")[0].split("_QA_PIXEL")[0]
    own = [os.path.join(folder, f"{stem}_MTL.{ext}") for ext in ("txt", "json", "xml")]
    found = [p for p in own if os.path.exists(p)]
    if not found:  # the band renamed, but the scene's MTL alone in its folder
        others = sorted(glob.glob(os.path.join(folder, "*_MTL.txt")) + glob.glob(os.path.join(folder, "*_MTL.json"))
                        + glob.glob(os.path.join(folder, "*_MTL.xml")))
        if len({os.path.basename(p).rsplit("_MTL.", 1)[0] for p in others}) == 1:
            found = others
    return found


def mtl_date(st_path):
    """DATE_ACQUIRED of the MTL file beside a Landsat band (txt, json or xml), or None."""
    import datetime as _dt
    import json
    import re

    for path in _mtl_files(st_path):
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        value = None
        if path.endswith(".json"):
            def walk(node):
                if isinstance(node, dict):
                    for k, v in node.items():
                        if k == "DATE_ACQUIRED":
                            return v
                        found = walk(v)
                        if found:
                            return found
                return None
            try:
                value = walk(json.loads(text))
            except ValueError:
                value = None
        else:
            m = re.search(r"DATE_ACQUIRED\s*(?:=|>)\s*\"?(\d{4}-\d{2}-\d{2})", text)
            value = m.group(1) if m else None
        if value:
            try:
                return _dt.date.fromisoformat(str(value).strip())
            except ValueError:
                continue
    return None


@_tag_checked
def _landsat_date(path, explicit):
    """Date from the parameter, the product id in the name, or the scene's MTL file."""
    from .dates import parse_date

    if explicit or parse_date(path, "DATE"):
        return require_date(path, explicit)
    return mtl_date(path) or require_date(path, explicit)


def import_landsat(st_path, output, qa_path=None, unit="celsius", scale=LANDSAT_SCALE,
                   offset=LANDSAT_OFFSET, fill=LANDSAT_FILL, qa_bits=LANDSAT_QA_BITS, date=None):
    """Landsat C2 L2 ST_B10 DN (+QA_PIXEL) -> LST GeoTIFF with clouds as NaN.

    The date is ``date`` when given, else the acquisition date of the product
    id in the name (not its processing date), else DATE_ACQUIRED of the MTL
    file (txt, json or xml) beside it.
    """
    check_scale(scale, LANDSAT_SCALE)
    d = _landsat_date(st_path, date)
    dn = read_raster(st_path, "INPUT", raw=True)
    qa = None
    if qa_path:
        qa = read_raster(qa_path, "QA", raw=True)
        check_same_grid({"INPUT": dn.grid, "QA": qa.grid})
    kelvin = landsat_kelvin(dn.data, dn.nodata, qa.data if qa is not None else None, st_path, "INPUT", scale, offset,
                            fill, qa_bits)
    return _finish(kelvin, dn.grid, output, unit, d, st_path, "INPUT")
