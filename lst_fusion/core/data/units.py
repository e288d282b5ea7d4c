"""Temperature unit helpers.

LST outputs of this package are in degrees Celsius by default; the products are
in Kelvin.  Where a formula needs absolute temperature (ESTARFM's spectral
similarity, ERGAS and SAM) the data are converted to Kelvin first.  Units are
detected from the values: no land-surface temperature on Earth is below 150 K,
and none is above 150 degC, so a median below 150 means Celsius.
"""
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
