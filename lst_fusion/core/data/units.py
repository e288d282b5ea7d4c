"""Temperature unit helpers.

LST outputs of this package are in degrees Celsius by default; the products are
in Kelvin.  Where a formula needs absolute temperature (ESTARFM's spectral
similarity, ERGAS and SAM) the data are converted to Kelvin first.  Units are
detected from the values: no land-surface temperature on Earth is below 150 K,
and none is above 150 degC, so a median below 150 means Celsius.
"""
from dataclasses import dataclass

import numpy as np

KELVIN_OFFSET = 273.15
UNITS = ("celsius", "kelvin")
BAND_UNIT = {"celsius": "degC", "kelvin": "K"}  # GDAL band unit type (UDUNITS/CF spelling)


CELSIUS_BELOW = 150.0  # a typical value below this is degrees Celsius, above it Kelvin


def is_celsius(array):
    valid = np.asarray(array)[np.isfinite(array)]
    if valid.size == 0:
        return True
    return float(np.median(valid)) < CELSIUS_BELOW


def is_celsius_mean(mean):
    """The same rule on a mean computed elsewhere (a series' whole-image statistics, read strip by strip)."""
    return float(mean) < CELSIUS_BELOW


def unit_of(array):
    """"celsius" or "kelvin", from the values (see the module docstring)."""
    return "celsius" if is_celsius(array) else "kelvin"


def to_kelvin(array, celsius=None):
    array = np.asarray(array, dtype=np.float64)
    if celsius is None:
        celsius = is_celsius(array)
    return array + KELVIN_OFFSET if celsius else array


def kelvin_to(array_k, unit):
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    return array_k - KELVIN_OFFSET if unit == "celsius" else array_k


LST_RANGE = {"kelvin": (150.0, 400.0), "celsius": (-120.0, 125.0)}  # plausible LST (core.data.checks)


def robust_range(data, q=(1.0, 99.0)):
    """(low, high) percentiles of the finite values, or None when there is none."""
    valid = np.asarray(data)
    valid = valid[np.isfinite(valid)]
    if valid.size == 0:
        return None
    if valid.size > 1_000_000:  # a regular subsample is plenty for two percentiles
        valid = valid[:: valid.size // 1_000_000]
    lo, hi = np.percentile(valid, q)
    return float(lo), float(hi)


def unit_in_range(lo, hi):
    """'kelvin' or 'celsius' when [lo, hi] is plausible LST in that unit, else None."""
    for unit in ("kelvin", "celsius"):
        a, b = LST_RANGE[unit]
        if a <= lo and hi <= b:
            return unit
    return None


# ---------------------------------------------------------------- quantity and unit as facts (issue 43)
# A raster's quantity and unit are established once, where it enters (the import algorithms, align_pairs, a
# fused output) and written as tags: QUANTITY (lst / reflectance / other) and, for LST, LST_UNIT (celsius /
# kelvin), with the GDAL band unit (degC / K). Readers take them from the tags (kind_of); a file that carries
# neither (an older file, a raster from elsewhere) is guessed from its values as a last resort, and the label of
# that guess says so.
QUANTITY_TAG = "QUANTITY"
UNIT_TAG = "LST_UNIT"
SOURCE_TAG = "QUANTITY_SOURCE"  # how align_pairs knew it, when not from the input's own tags (e.g. GUESSED)
LST, REFLECTANCE, OTHER = "lst", "reflectance", "other"
KIND_QUANTITIES = (LST, REFLECTANCE, OTHER)
GUESSED = "guessed from the values"
SYMBOL = {"celsius": "°C", "kelvin": "K", REFLECTANCE: "reflectance (0-1)"}
_BAND_UNITS = {"degc": "celsius", "celsius": "celsius", "°c": "celsius", "deg_c": "celsius",
               "k": "kelvin", "kelvin": "kelvin", "degk": "kelvin"}


@dataclass(frozen=True)
class Kind:
    """What a raster's values are: ``quantity`` (lst, reflectance, other), ``unit`` (celsius / kelvin for LST,
    'reflectance' (0-1) for reflectance, '' otherwise) and ``source``: how it is known (tags, band unit,
    a parameter, or :data:`GUESSED`)."""
    quantity: str
    unit: str = ""
    source: str = "tags"

    @property
    def guessed(self):
        return self.source == GUESSED

    def symbol(self):
        """'°C', 'K', 'reflectance (0-1)' or '' (another quantity)."""
        return SYMBOL.get(self.unit, "")

    def label(self):
        """The unit as reports print it: the symbol, with '(guessed from the values)' when it is a guess."""
        text = self.symbol() or "unknown unit"
        return f"{text} ({GUESSED})" if self.guessed else text

    def describe(self):
        if self.quantity == LST:
            return f"LST in {self.symbol()}"
        if self.quantity == REFLECTANCE:
            return "reflectance (0-1)"
        return "values that are neither LST nor reflectance (0-1)"

    def same(self, other):
        return (self.quantity, self.unit) == (other.quantity, other.unit)

    def tags(self):
        """The tags that declare it: QUANTITY, LST_UNIT for LST, and QUANTITY_SOURCE when it was not declared by
        tags (a guess stays labelled as one downstream)."""
        return {QUANTITY_TAG: self.quantity, **({UNIT_TAG: self.unit} if self.quantity == LST else {}),
                **({SOURCE_TAG: self.source} if self.source not in ("tags", "") else {})}

    def band_unit(self):
        """The GDAL band unit type: degC / K for LST, None otherwise."""
        return BAND_UNIT.get(self.unit)


NO_VALUES = Kind("", "", "no valid pixel")  # what an all-nodata raster holds: nothing to compare


def kind_from_tags(tags):
    """The :class:`Kind` a raster's tags declare (QUANTITY, LST_UNIT, or the band unit ``units`` degC / K), or
    None when they declare nothing. A file with only LST_UNIT (made before QUANTITY existed) is LST."""
    tags = tags or {}
    kind = _declared(tags)
    source = str(tags.get(SOURCE_TAG, "")).strip()
    return Kind(kind.quantity, kind.unit, source) if kind and source else kind


def _declared(tags):
    quantity = str(tags.get(QUANTITY_TAG, "")).strip().lower()
    unit = str(tags.get(UNIT_TAG, "")).strip().lower()
    if quantity == REFLECTANCE:
        return Kind(REFLECTANCE, REFLECTANCE)
    if quantity == OTHER:
        return Kind(OTHER)
    if unit in UNITS and quantity in ("", LST):
        return Kind(LST, unit)
    band = _BAND_UNITS.get(str(tags.get("units", "")).strip().lower())
    if band:
        return Kind(LST, band, "band unit")
    return None


def guess_kind(data):
    """The last resort for a raster that declares nothing: reflectance when its 1st-99th percentiles lie in
    -1..1.5, LST in K or degC when they lie in one of core.data.checks' LST ranges, else another quantity."""
    rng = robust_range(data)
    if rng is None:
        return NO_VALUES
    lo, hi = rng
    if -1.0 <= lo and hi <= 1.5:
        return Kind(REFLECTANCE, REFLECTANCE, GUESSED)
    unit = unit_in_range(lo, hi)
    return Kind(LST, unit, GUESSED) if unit else Kind(OTHER, "", GUESSED)


def kind_of(raster):
    """A Raster's :class:`Kind`: from its tags, else guessed from its values (``Kind.guessed``)."""
    return kind_from_tags(getattr(raster, "tags", None)) or guess_kind(raster.data)


def require_one_kind(kinds, what="one series", same_unit=False):
    """``kinds`` {parameter (file): Kind}: all of one quantity (and, with ``same_unit``, one unit), else one
    sentence naming the raster that differs (the one of another quantity, when one is), what is wrong and what
    to do. Returns the first Kind."""
    items = [(n, k) for n, k in kinds.items() if k is not None and k.quantity]  # an empty raster says nothing
    if not items:
        return None
    name0, k0 = items[0]
    for name, k in items[1:]:
        if k.quantity != k0.quantity or (same_unit and k.unit != k0.unit):
            from ..platform.errors import LstFusionError

            odd, good = ((name0, k0), (name, k)) if k0.quantity == OTHER != k.quantity else ((name, k), (name0, k0))
            raise LstFusionError(odd[0], f"holds {odd[1].describe()}{_how(odd[1])}, but {good[0]} holds "
                                 f"{good[1].describe()}{_how(good[1])}: {what} needs rasters of one quantity in one "
                                 f"unit; {kind_advice(odd[1], good[1])}")
    return k0


def _how(kind):
    return " (judged from its values: it declares no QUANTITY or unit)" if kind.guessed else ""


def kind_advice(k, k0):
    if REFLECTANCE in (k.quantity, k0.quantity) and OTHER in (k.quantity, k0.quantity):
        return ("if it is reflectance x 10000, give its scale factor 0.0001 (LANDSAT_SCALE or MODIS_SCALE), else "
                "give rasters of one quantity")
    if LST in (k.quantity, k0.quantity) and OTHER in (k.quantity, k0.quantity):
        return "if it is scaled LST (DN), convert it first (lstfusion:import_landsat / import_modis)"
    return "give rasters of one quantity (convert or rescale the odd one first)"
