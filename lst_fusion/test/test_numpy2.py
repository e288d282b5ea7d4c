"""numpy 2 (QGIS 3.40's Python) and numpy 1.26 (QGIS 3.22's) give the same results.

NEP 50 changed how a float32 raster meets a Python or numpy scalar (``np.float32(x) * 0.02`` was float64 under
numpy 1, is float32 under numpy 2). numpy 1.26 can warn at every operation whose result dtype NEP 50 changes
(``np._set_promotion_state("weak_and_warn")``): the core steps that float32 rasters go through are run under it and
must raise no such warning, so their results do not depend on the numpy version. Under numpy 2 that state no
longer exists (NEP 50 is the rule); the dtype and value checks run on both.
"""
import warnings

import numpy as np
import pytest

from lst_fusion.core.data import gapfill, products, units
from lst_fusion.core.evaluation import metrics
from lst_fusion.core.fusion import estarfm, residual, starfm

from .conftest import synthetic_scene

NEP50_MESSAGE = "result dtype changed due to the removal of value-based promotion"


@pytest.fixture
def nep50_changes():
    """nep50_changes(): the NEP 50 changes (warning messages) met so far in the test; always [] under numpy 2."""
    set_state = getattr(np, "_set_promotion_state", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if set_state is not None:
            old = np._get_promotion_state()
            set_state("weak_and_warn")
        try:
            yield lambda: [f"{w.filename}:{w.lineno}: {w.message}" for w in caught if NEP50_MESSAGE in str(w.message)]
        finally:
            if set_state is not None:
                set_state(old)


def _pairs(n=40):
    f1 = synthetic_scene(n, seed=1).astype(np.float32)
    f2 = (synthetic_scene(n, seed=2) + 3).astype(np.float32)
    c = lambda a, shift: (np.kron(a.reshape(n // 8, 8, n // 8, 8).mean(axis=(1, 3)), np.ones((8, 8))) + shift).astype(np.float32)
    return f1, c(f1, 0.5), f2, c(f2, 0.5), c((f1 + f2) / 2, 1.0)


def test_the_fixture_sees_a_nep50_change(nep50_changes):
    if not hasattr(np, "_set_promotion_state"):
        pytest.skip("numpy 2: NEP 50 is the only promotion rule")
    assert nep50_changes() == []
    _ = np.float32(1.5) + 273.15  # float64 under numpy 1's value-based rule, float32 under NEP 50
    assert len(nep50_changes()) == 1 and "Changed from float64 to float32" in nep50_changes()[0]


def test_units_and_dn_scaling_keep_their_dtype(nep50_changes):
    k = np.array([[273.15, 300.0], [np.nan, 250.5]], dtype=np.float32)
    c = units.kelvin_to(k, "celsius")
    assert c.dtype == np.float32
    np.testing.assert_allclose(c, np.float32(k) - np.float32(273.15), rtol=0, atol=0)
    back = units.to_kelvin(c)
    assert back.dtype == np.float64
    np.testing.assert_allclose(back, k, atol=3e-5)
    # MODIS DN 15000 is 300 K (x 0.02), Landsat DN 44000 is 44000 * 0.00341802 + 149 K
    modis = products.dn_to_kelvin(np.array([15000, 0], dtype=np.uint16), products.MODIS_SCALE, 0.0, products.MODIS_FILL)
    assert modis.dtype == np.float64 and modis[0] == 300.0 and np.isnan(modis[1])
    landsat = products.dn_to_kelvin(np.array([44000], dtype=np.uint16), products.LANDSAT_SCALE, products.LANDSAT_OFFSET,
                                    products.LANDSAT_FILL)
    assert landsat[0] == pytest.approx(44000 * 0.00341802 + 149.0, abs=1e-9)
    assert nep50_changes() == []


def test_fusion_gapfill_residual_and_metrics_do_not_depend_on_promotion(nep50_changes):
    f1, c1, f2, c2, c0 = _pairs()
    e = estarfm.estarfm(f1, c1, f2, c2, c0, window=9, engine="numpy")
    s = starfm.starfm(f1, c1, c0, window=9, engine="numpy")
    for pred in (e, s):
        assert pred.dtype == np.float32 and np.isfinite(pred).mean() > 0.95
        # the target is the mean of the two dates plus 1 K: both land near it
        assert metrics.rmse(pred, (f1 + f2) / 2 + 1.0) < 2.0
    holed = f1.copy()
    holed[10:14, 10:14] = np.nan
    filled, n_filled = gapfill.spatial_fill(holed)
    assert filled.dtype == np.float32 and np.isfinite(filled).all() and n_filled == 16
    corrected = residual.correct(e, c0, "MODIS footprint", 8)
    assert corrected.dtype == np.float32
    # each 8 x 8 block of the corrected prediction averages to MODIS's block
    blocks = lambda a: np.nanmean(a.reshape(5, 8, 5, 8).astype(np.float64), axis=(1, 3))
    np.testing.assert_allclose(blocks(corrected), blocks(c0), atol=1e-3)
    for m in (metrics.rmse, metrics.cc, metrics.psnr, metrics.ssim, metrics.sam, metrics.ergas):
        assert isinstance(m(e, f2), float)
    assert nep50_changes() == []
