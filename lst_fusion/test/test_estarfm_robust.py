"""ESTARFM's lst-robust mode (core.fusion.estarfm, mode='lst-robust'); the published mode is tested against the oracle
in test_classical.py and stays the default."""
import numpy as np
import pytest

from lst_fusion.core.fusion.estarfm import estarfm, robust_coefficient
from lst_fusion.core.platform.errors import LstFusionError


def steep_pairs():
    """Fine = 3 x coarse exactly (slope 3, no noise); coarse +10 K from t1 to t2, target 2 K after t1."""
    y, x = np.mgrid[0:21, 0:21]
    c1 = 20.0 + 0.05 * x + 0.03 * y
    c2, c0 = c1 + 10.0, c1 + 2.0
    return 3 * c1 - 40, c1, 3 * c2 - 40, c2, c0


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_published_uses_the_slope_and_robust_bounds_it_and_takes_the_nearer_pair(engine):
    pytest.importorskip(engine)
    f1, c1, f2, c2, c0 = steep_pairs()
    kw = dict(window=11, classes=1, engine=engine)
    pub = estarfm(f1, c1, f2, c2, c0, **kw)
    # published: V = 3; pair 1 F1 + 3*2, pair 2 F2 + 3*(-8) = F1 + 6: both F1 + 6
    np.testing.assert_allclose(pub, f1 + 6, atol=1e-3)
    np.testing.assert_array_equal(pub, estarfm(f1, c1, f2, c2, c0, mode="published", **kw))
    rob = estarfm(f1, c1, f2, c2, c0, mode="lst-robust", **kw)
    # lst-robust: V bounded to 1.5 (se = 0: no shrinkage); pair 1 F1 + 3, pair 2 F1 + 30 - 12 = F1 + 18 disagree
    # by 15 > 3 K, so pair 1 alone (temporal weight 0.8: |C0 - C1| = 2 against |C0 - C2| = 8)
    np.testing.assert_allclose(rob, f1 + 3, atol=1e-3)


def test_robust_coefficient_shrinks_by_the_standard_error_and_bounds():
    # lambda = d^2 / (d^2 + se^2): d = 0.4, se = 0.4 -> 0.5 -> V = 1.2
    assert robust_coefficient(1.4, 0.4) == pytest.approx(1.2)
    assert robust_coefficient(0.7, 0.0) == pytest.approx(0.7)  # certain and within bounds: kept
    assert robust_coefficient(3.0, 0.0) == pytest.approx(1.5)  # bounded
    assert robust_coefficient(0.2, 0.0) == pytest.approx(0.5)
    assert robust_coefficient(1.0, 0.0) == pytest.approx(1.0)
    assert robust_coefficient(1.6, 100.0) == pytest.approx(1.0, abs=1e-4)  # no information: V -> 1


def test_robust_mode_bad_input_names_the_parameter():
    f1, c1, f2, c2, c0 = steep_pairs()
    with pytest.raises(LstFusionError, match="^MODE: mode must be one of published, lst-robust"):
        estarfm(f1, c1, f2, c2, c0, window=11, mode="robust")
    with pytest.raises(LstFusionError, match="^MODE: lst-robust is for LST"):
        estarfm(f1 / 100, c1 / 100, f2 / 100, c2 / 100, c0 / 100, window=11, mode="lst-robust",
                quantity="reflectance")
