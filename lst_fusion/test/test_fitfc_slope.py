"""Fit-FC's regression slope is bounded (issue 37, class 3): the line of a window is fitted only where the
coarse reference varies by at least the MODIS uncertainty there, and its slope is kept in [SLOPE_MIN, SLOPE_MAX].

Known answers with ``factor`` 1 (the residual is not averaged: each pixel's prediction is ``C2 + a (F1 - C1)``
with ``similar`` 1) and the bundled sample that wrote -131 K to 846 K before.
"""
import os

import numpy as np
import pytest

from lst_fusion.core.fusion import fitfc as core

from .conftest import SAMPLE, synthetic_scene
from .reference_fitfc import fitfc_reference


def scene(n=24):
    """C1 with a large spread in every window; F1 = C1 + a fine texture (so C2 + a (F1 - C1) = C2 + a T)."""
    y, x = np.mgrid[0:n, 0:n]
    C1 = 290.0 + 1.5 * x + 0.8 * y
    T = 2.0 * np.sin(x * 1.3) * np.cos(y * 0.7)
    return C1 + T, C1, T


@pytest.mark.parametrize("slope, expected", [(1.4, 1.4), (5.0, 2.0), (-2.0, 0.0)])  # SLOPE_MAX 2, SLOPE_MIN 0
def test_the_slope_is_the_fitted_one_inside_its_bounds_and_clamped_beyond(slope, expected):
    F1, C1, T = scene()
    C2 = slope * (C1 - 300.0) + 305.0  # one global line: every window fits it exactly
    for fn in (core.fitfc, fitfc_reference):
        out = fn(F1, C1, C2, 1, window=5, similar=1)
        np.testing.assert_allclose(out, C2 + expected * T, atol=1e-4)


def test_a_window_whose_coarse_reference_is_flat_within_the_modis_noise_adds_the_change():
    """Two MODIS values 0.02 K apart in every window and a 1 K change between them: the old line had slope 50 and
    multiplied the 4 K fine texture by it; below MIN_SPREAD the window takes the reference's degenerate rule,
    FRM = F1 and R = C2 - C1, so the prediction is F1 + (C2 - C1)."""
    n = 20
    y, x = np.mgrid[0:n, 0:n]
    C1 = np.where(x < n // 2, 300.0, 300.02)
    C2 = np.where(x < n // 2, 302.0, 303.0)
    F1 = 300.0 + 2.0 * np.sin(0.9 * x + 0.4 * y)
    assert np.std([300.0, 300.02]) < 0.5  # MIN_SPREAD
    for fn in (core.fitfc, fitfc_reference):
        out = fn(F1, C1, C2, 1, window=5, similar=1)
        np.testing.assert_allclose(out, F1 + (C2 - C1), atol=1e-4)


def read_sample(name):
    import rasterio

    with rasterio.open(os.path.join(SAMPLE, name)) as ds:
        a = ds.read(1).astype(np.float64)
        return np.where(a == ds.nodata, np.nan, a)


@pytest.fixture(scope="module")
def sample():
    return (read_sample("landsat/Landsat_LST_cloudrm_20160205.tif"), read_sample("modis/MOD11A1_LST_cloudrm_20160205.tif"),
            read_sample("modis/MOD11A1_LST_cloudrm_20160218.tif"))


@pytest.mark.parametrize("window", [3, 5, 11, 21, 51])
def test_bundled_sample_stays_within_the_inputs_widened_by_the_modis_change(sample, window):
    """The issue's runs: COARSE_TARGET 2016-02-18, pair 2016-02-05, factor 10 (1 km MODIS on the 100 m grid).
    Before: -131..846 K (WINDOW 5), 0..1048 K (3), 105..603 K (11), 148..434 K (21)."""
    F1, C1, C0 = sample
    out = core.fitfc(F1, C1, C0, 10, window=window)
    change = C0 - C1
    lo = np.nanmin(F1) + min(0.0, np.nanmin(change)) - 5.0
    hi = np.nanmax(F1) + max(0.0, np.nanmax(change)) + 5.0
    assert lo <= np.nanmin(out) and np.nanmax(out) <= hi, (np.nanmin(out), np.nanmax(out), lo, hi)
    np.testing.assert_array_equal(np.isfinite(out), np.isfinite(F1) & np.isfinite(C1) & np.isfinite(C0))


def test_the_flat_rule_and_the_bounds_leave_a_well_posed_texture_alone():
    """A synthetic scene whose coarse reference varies in every window and whose change is a line of slope 0.9:
    the prediction is still 0.9 F1 + b (the rule changes nothing where the line is well posed)."""
    F1 = synthetic_scene(36, 3)
    C1 = np.kron(core.block_mean(F1, 6), np.ones((6, 6))) + 0.01 * np.arange(36)
    np.testing.assert_allclose(core.fitfc(F1, C1, 0.9 * C1 + 4, 6, window=13, similar=1), 0.9 * F1 + 4, atol=1e-4)
