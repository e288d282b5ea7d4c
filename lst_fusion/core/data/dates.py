"""Acquisition dates from product file names.

Names are read the way users have them (see ``parse_date``): product ids of
Landsat and MODIS, Earth Engine exports (``2017_01_19.tif``), ISO dates,
compact ``YYYYMMDD`` and year + day of year (``2020068_191-28_kranj.tif``).
A name that holds two different dates is ambiguous: the error lists them and
says how to give the date explicitly.
"""
import calendar
import datetime as _dt
import os
import re

from ..platform.errors import LstFusionError

# Landsat product ids: the acquisition date comes first, the processing date second.
#   Collection 1/2:  LC08_L2SP_PPPRRR_YYYYMMDD_YYYYMMDD_CC_TX
#   Earth Engine:    LC08_PPPRRR_YYYYMMDD
_LANDSAT = re.compile(r"(?<![A-Z0-9])L[COTEM]0\d_(?:L\d[A-Z]{2}_)?\d{6}_(\d{8})(?!\d)")
# MODIS granules: MOD11A1.A2021227.h11v05.061.2021228105320 -> A{YYYY}{DDD}
_MODIS = re.compile(r"(?:^|[._])A(\d{4})(\d{3})(?=[._]|$)")
_SEPARATED = re.compile(r"(?<!\d)(\d{4})([-_.])(\d{2})\2(\d{2})(?!\d)")  # 2017-01-19, 2017_01_19, 2017.01.19
_COMPACT = re.compile(r"(?<!\d)(\d{8})(?!\d)")  # 20170119
_ORDINAL = re.compile(r"(?<!\d)(\d{4})(\d{3})(?!\d)")  # 2020068 (year + day of year)
YEARS = (1972, 2100)  # Landsat 1 to well beyond any mission of this century

FORMS = "YYYYMMDD, YYYY-MM-DD, YYYY_MM_DD, year + day of year (2020068), MODIS A2021227 or a Landsat product id"


def _date(y, m, d):
    try:
        date = _dt.date(int(y), int(m), int(d))
    except ValueError:
        return None
    return date if YEARS[0] <= date.year <= YEARS[1] else None


def _ordinal(y, doy):
    y, doy = int(y), int(doy)
    if not YEARS[0] <= y <= YEARS[1] or not 1 <= doy <= (366 if calendar.isleap(y) else 365):
        return None
    return _dt.date(y, 1, 1) + _dt.timedelta(days=doy - 1)


def date_candidates(name):
    """Every distinct date the name could mean, in the order found.

    A Landsat product id or a MODIS ``A{YYYY}{DDD}`` token is decisive: it
    names the acquisition date, whatever other numbers (processing dates,
    production time stamps) the name holds.
    """
    base = os.path.basename(str(name))
    m = _LANDSAT.search(base)
    if m and _date(m.group(1)[:4], m.group(1)[4:6], m.group(1)[6:]):
        return [_date(m.group(1)[:4], m.group(1)[4:6], m.group(1)[6:])]
    m = _MODIS.search(base)
    if m and _ordinal(m.group(1), m.group(2)):
        return [_ordinal(m.group(1), m.group(2))]
    found = []
    for m in _SEPARATED.finditer(base):
        found.append(_date(m.group(1), m.group(3), m.group(4)))
    for m in _COMPACT.finditer(base):
        found.append(_date(m.group(1)[:4], m.group(1)[4:6], m.group(1)[6:]))
    for m in _ORDINAL.finditer(base):
        found.append(_ordinal(m.group(1), m.group(2)))
    return list(dict.fromkeys(d for d in found if d is not None))


def parse_date(name, parameter="DATE"):
    """The acquisition date in a file or layer name, or None when it holds none.

    A name that holds several different dates raises a :class:`LstFusionError`
    (for ``parameter``) that lists them.
    """
    found = date_candidates(name)
    if len(found) > 1:
        raise LstFusionError(
            parameter,
            f"the name {os.path.basename(str(name))!r} holds several dates "
            f"({', '.join(d.isoformat() for d in found)}); rename the file so that it holds one, "
            "or give the date explicitly",
        )
    return found[0] if found else None


def to_date(value, parameter="DATE"):
    """A date from a ``datetime.date``, ``YYYY-MM-DD``, ``YYYYMMDD`` or ``YYYYDDD`` value."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value).strip()
    found = date_candidates(text) if text else []
    if len(found) != 1:
        raise LstFusionError(parameter, f"{text!r} is not a date (use YYYY-MM-DD)")
    return found[0]


def require_date(name, explicit=None, parameter="DATE"):
    """The explicit date if given, else the one in the name; fail clearly.

    An explicit date that contradicts the one date the name holds (a product id, ``…_20200101.tif``) is refused
    with both dates; where the name holds several, the explicit date says which is meant."""
    if explicit:
        d = to_date(explicit, parameter)
        found = date_candidates(name)
        if len(found) == 1 and found[0] != d:
            raise LstFusionError(
                parameter, f"{d.isoformat()} contradicts the date in the name {os.path.basename(str(name))!r} "
                f"({found[0].isoformat()}); leave {parameter} empty to use the name's date, or rename the file")
        return d
    d = parse_date(name, parameter)
    if d is None:
        raise LstFusionError(
            parameter,
            f"no acquisition date in the name {os.path.basename(str(name))!r} (names may hold {FORMS}); "
            "give the date explicitly (YYYY-MM-DD)",
        )
    return d


def check_tag_date(date, tag, source, parameter="DATE", what=None):
    """Refuse ``date`` (from the name or ``parameter``) when the raster's ACQUISITION_DATE ``tag`` says another day."""
    if not tag:
        return date
    t = to_date(tag, parameter)
    if t != date:
        what = what or f"the date {date.isoformat()}"
        raise LstFusionError(
            parameter, f"{what} contradicts the ACQUISITION_DATE tag of {os.path.basename(str(source))} "
            f"({t.isoformat()}); rename the file or remove the tag, so that one date is left")
    return date


def acquisition_tag(path):
    """The ACQUISITION_DATE tag of a raster file, or None (no file, no tag, unreadable: read_raster says why later)."""
    if not os.path.exists(str(path)):
        return None
    try:
        import rasterio

        with rasterio.open(str(path)) as ds:
            return ds.tags().get("ACQUISITION_DATE")
    except Exception:  # noqa: BLE001 - unreadable here: read_raster says why later
        return None
