"""Acquisition dates from product file names."""
import datetime as _dt
import os
import re

from .errors import LstFusionError

_LANDSAT = re.compile(r"L[COTEM]0\d_L\d[A-Z]{2}_\d{6}_(\d{8})_")
_MODIS = re.compile(r"(?:^|[._])A(\d{4})(\d{3})(?:[._]|$)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(\d{8})(?!\d)")


def _ymd(text):
    try:
        return _dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def parse_date(name):
    """Return the acquisition date encoded in a file or layer name, or None.

    Recognised, in this order: a Landsat Collection 2 product id
    (``LC08_L2SP_PPPRRR_YYYYMMDD_...``: the acquisition date, not the
    processing date), a MODIS ``A{YYYY}{DDD}`` token, an ISO ``YYYY-MM-DD``, and a
    free-standing ``YYYYMMDD``.
    """
    base = os.path.basename(str(name))
    m = _LANDSAT.search(base)
    if m and _ymd(m.group(1)):
        return _ymd(m.group(1))
    m = _MODIS.search(base)
    if m:
        year, doy = int(m.group(1)), int(m.group(2))
        if 1 <= doy <= 366:
            return _dt.date(year, 1, 1) + _dt.timedelta(days=doy - 1)
    m = _ISO.search(base)
    if m:
        try:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    for m in _COMPACT.finditer(base):
        d = _ymd(m.group(1))
        if d:
            return d
    return None


def require_date(name, explicit=None, parameter="DATE"):
    """The explicit date if given, else the one in the name; fail clearly."""
    if explicit:
        if isinstance(explicit, _dt.date):
            return explicit
        d = parse_date(str(explicit).replace("-", "")) or parse_date(str(explicit))
        if d is None:
            raise LstFusionError(parameter, f"{explicit!r} is not a date (use YYYY-MM-DD)")
        return d
    d = parse_date(name)
    if d is None:
        raise LstFusionError(
            parameter,
            f"no acquisition date in the name {os.path.basename(str(name))!r}; "
            "give the date explicitly (YYYY-MM-DD)",
        )
    return d
