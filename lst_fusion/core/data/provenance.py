"""What a fused raster says about itself: GDAL metadata tags, band description and unit.

A fused raster carries its method, target date, unit, every parameter that
shaped it (window, classes, engine, checkpoint and the checkpoint file's
SHA-256, ...) and its inputs, so ``gdalinfo`` alone says how it was made.
Keys: ``METHOD``, ``ACQUISITION_DATE`` (ISO, as the imported products),
``QUANTITY`` (lst/reflectance/other) and, for LST, ``LST_UNIT`` (celsius/kelvin), as the target's
tags declare them (core.data.units), one tag per parameter under its Processing
name, ``INPUT_<ROLE>`` (file name) and ``SOFTWARE``.
"""
import hashlib
import os

from ...version import __version__
from .dates import parse_date
from .units import LST, Kind, guess_kind, kind_from_tags, unit_of

DESCRIPTION = "land surface temperature"


def target_date(raster, *names):
    """ISO date of a raster: its ACQUISITION_DATE tag, else the date in its file name or in one of ``names``."""
    tag = (raster.tags or {}).get("ACQUISITION_DATE")
    if tag:
        return tag
    for name in (raster.path, *names):
        d = parse_date(name) if name else None
        if d:
            return d.isoformat()
    return ""


def sha256_of(path, chunk=1 << 20):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def fused_metadata(method, data, target, parameters, inputs=None, algorithm="", target_name=""):
    """keyword arguments for :func:`core.data.io.write_raster`: ``tags``, ``description`` and ``unit``.

    ``target`` is the coarse raster of the target date (its date and unit are the
    output's); ``parameters`` {Processing name: value}; ``inputs`` {role: Raster}.
    """
    date = target_date(target, target_name)
    values = target.data if target.data is not None else data
    kind = kind_from_tags(target.tags) or guess_kind(values)
    if kind.quantity == LST:  # harmonise_units checked the inputs (disjoint K and degC ranges) and brought them to
        kind = Kind(LST, unit_of(values), kind.source)  # one unit, which may not be the target file's own
    tags = {"METHOD": method, "ACQUISITION_DATE": date, **kind.tags()}
    tags.update({k: v for k, v in parameters.items() if v is not None and v != ""})
    for role, raster in (inputs or {}).items():
        if raster is not None and raster.path:
            tags[f"INPUT_{role}"] = os.path.basename(raster.path)
    tags["SOFTWARE"] = f"LST Fusion {__version__}" + (f" ({algorithm})" if algorithm else "")
    what = DESCRIPTION if kind.quantity == LST else kind.describe()
    description = f"{what} ({method}{', ' + date if date else ''})"
    return {"tags": tags, "description": description, "unit": kind.band_unit()}


def layer_name(tags):
    """'ESTARFM 2016-02-18': how a fused raster is named when loaded."""
    return " ".join(x for x in (tags.get("METHOD", ""), tags.get("ACQUISITION_DATE", "")) if x) or "LST"
