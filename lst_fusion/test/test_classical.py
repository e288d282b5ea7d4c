import numpy as np
import pytest

from lst_fusion.core.fusion import kernels
from lst_fusion.core.fusion.estarfm import estarfm
from lst_fusion.core.fusion.starfm import starfm
from lst_fusion.core.platform.errors import Cancelled, LstFusionError
from lst_fusion.models.registry import torch_available

from .conftest import synthetic_scene
from .reference_classical import estarfm_reference, starfm_reference

# every engine must equal the oracle; numba and torch are in requirements.txt, so CI runs all three
# (torch runs on the CPU there, and on the GPU wherever PyTorch sees CUDA)
ENGINE = pytest.mark.parametrize("engine", [
    "numpy",
    pytest.param("numba", marks=pytest.mark.skipif(not kernels.numba_available(), reason="numba not installed")),
    pytest.param("torch", marks=pytest.mark.skipif(not torch_available(), reason="torch not installed"))])


def random_inputs(n=64, seed=0, holes=True):
    rng = np.random.default_rng(seed)
    F1 = rng.normal(25, 3, (n, n))
    C1 = 0.4 * F1 + 15 + rng.normal(0, 0.4, (n, n))
    F2 = 1.2 * F1 + 4 + rng.normal(0, 0.6, (n, n))
    C2 = 1.1 * C1 + 3 + rng.normal(0, 0.2, (n, n))
    C0 = 0.5 * (C1 + C2) + rng.normal(0, 0.3, (n, n))
    if holes:
        F1[5:9, 40:47] = np.nan
        C0[30, 10:13] = np.nan
        F2[rng.random((n, n)) < 0.02] = np.nan
    return F1, C1, F2, C2, C0


def structured_inputs(n=64, seed=3):
    rng = np.random.default_rng(seed)
    F1 = synthetic_scene(n, seed)
    C1 = F1 * 0.3 + 15 + rng.normal(0, 0.2, (n, n))
    F2 = F1 + 6 + 0.5 * (F1 > 24) + rng.normal(0, 0.3, (n, n))
    C2 = C1 + 5
    C0 = C1 + 2 + rng.normal(0, 0.1, (n, n))
    F2[20:26, 20:30] = np.nan
    return F1, C1, F2, C2, C0


@ENGINE
@pytest.mark.parametrize("maker", [random_inputs, structured_inputs])
@pytest.mark.parametrize("window", [3, 7, 15])
def test_estarfm_equals_per_pixel_oracle(maker, window, engine):
    F1, C1, F2, C2, C0 = maker()
    fast = estarfm(F1, C1, F2, C2, C0, window=window, tile=24, engine=engine)
    ref = estarfm_reference(F1, C1, F2, C2, C0, window=window)
    np.testing.assert_array_equal(np.isnan(fast), np.isnan(ref))
    assert np.nanmax(np.abs(fast - ref)) < 1e-4


@ENGINE
def test_estarfm_oracle_with_kelvin_and_regression_branch(engine):
    F1, C1, F2, C2, C0 = structured_inputs(40)
    F1, C1, F2, C2, C0 = (a + 273.15 for a in (F1, C1, F2, C2, C0))
    fast = estarfm(F1, C1, F2, C2, C0, window=9, change_threshold=0.5, engine=engine)
    ref = estarfm_reference(F1, C1, F2, C2, C0, window=9, change_threshold=0.5)
    assert np.nanmax(np.abs(fast - ref)) < 1e-4


@ENGINE
@pytest.mark.parametrize("maker", [random_inputs, structured_inputs])
@pytest.mark.parametrize("window", [3, 7, 15])
def test_starfm_equals_per_pixel_oracle(maker, window, engine):
    F1, C1, F2, C2, C0 = maker(48)
    one = starfm(F1, C1, C0, window=window, tile=20, engine=engine)
    np.testing.assert_array_equal(np.isnan(one), np.isnan(starfm_reference(F1, C1, C0, window=window)))
    assert np.nanmax(np.abs(one - starfm_reference(F1, C1, C0, window=window))) < 1e-4
    two = starfm(F1, C1, C0, fine2=F2, coarse2=C2, window=window, tile=20, engine=engine)
    assert np.nanmax(np.abs(two - starfm_reference(F1, C1, C0, F2, C2, window=window))) < 1e-4


def test_estarfm_no_coarse_change_returns_fine_reference():
    F1, C1, F2, C2, _ = structured_inputs()
    out = estarfm(F1, C1, F2, C2, C1.copy(), window=11)
    v = np.isfinite(out)
    np.testing.assert_allclose(out[v], F1[v], atol=1e-4)


@pytest.mark.parametrize("delta", [1.5, -3.0])
def test_estarfm_uniform_change_adds_delta_whatever_the_texture(delta):
    rng = np.random.default_rng(7)
    F1 = synthetic_scene(48) + rng.normal(0, 2, (48, 48))
    C1 = 0.3 * F1 + 17
    F2, C2 = F1 + 2 * delta, C1 + 2 * delta
    out = estarfm(F1, C1, F2, C2, C1 + delta, window=15)
    np.testing.assert_allclose(out, F1 + delta, atol=1e-4)


def test_starfm_uniform_change_on_piecewise_constant_cover():
    n = 48
    y, x = np.mgrid[0:n, 0:n]
    classes = (x // 12 + 2 * (y // 16)) % 4
    F1 = np.array([15.0, 22.0, 29.0, 36.0])[classes]  # 7 degC apart: far beyond std*2/4
    C1 = F1 * 0.5 + 12
    out = starfm(F1, C1, C1 + 2.5, window=11)
    np.testing.assert_allclose(out, F1 + 2.5, atol=1e-4)


def test_target_equal_to_reference_date_gives_that_fine_image_back():
    F1, C1, F2, C2, _ = random_inputs(32, holes=False)
    np.testing.assert_allclose(starfm(F1, C1, C1.copy(), window=7), F1, atol=1e-4)
    np.testing.assert_allclose(estarfm(F1, C1, F2, C2, C1.copy(), window=7), F1, atol=1e-4)


@ENGINE
@pytest.mark.parametrize("tile", [7, 16, 50])
def test_tiled_output_equals_untiled_exactly(tile, engine):
    F1, C1, F2, C2, C0 = random_inputs(50)
    full = estarfm(F1, C1, F2, C2, C0, window=9, tile=1000, workers=1, engine=engine)
    np.testing.assert_array_equal(estarfm(F1, C1, F2, C2, C0, window=9, tile=tile, engine=engine), full)
    full_s = starfm(F1, C1, C0, fine2=F2, coarse2=C2, window=9, tile=1000, workers=1, engine=engine)
    np.testing.assert_array_equal(starfm(F1, C1, C0, fine2=F2, coarse2=C2, window=9, tile=tile, engine=engine), full_s)


def test_progress_and_cancel():
    F1, C1, F2, C2, C0 = random_inputs(64)
    seen = []
    estarfm(F1, C1, F2, C2, C0, window=5, tile=16, progress=seen.append, workers=1)
    assert seen[-1] == pytest.approx(100.0) and len(seen) == 16 and seen == sorted(seen)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        estarfm(F1, C1, F2, C2, C0, window=5, tile=8, cancel=cancel, workers=1)
    assert len(calls) == 3  # stopped at the third tile of 64


def test_bad_inputs_name_the_parameter():
    F1, C1, F2, C2, C0 = random_inputs(16, holes=False)
    with pytest.raises(LstFusionError, match="^COARSE_TARGET: size 15x16"):
        estarfm(F1, C1, F2, C2, C0[:, :15])
    with pytest.raises(LstFusionError, match="^FINE_REF2: the raster has no valid pixel"):
        estarfm(F1, C1, np.full_like(F2, np.nan), C2, C0)
    with pytest.raises(LstFusionError, match="^WINDOW: window must be an odd"):
        starfm(F1, C1, C0, window=10)
    with pytest.raises(LstFusionError, match="^COARSE_REF2: the second pair"):
        starfm(F1, C1, C0, fine2=F2)


def test_engine_choice_errors(monkeypatch):
    F1, C1, F2, C2, C0 = random_inputs(16, holes=False)
    with pytest.raises(LstFusionError, match="^ENGINE: unknown engine 'cuda'"):
        estarfm(F1, C1, F2, C2, C0, window=3, engine="cuda")
    monkeypatch.setattr(kernels, "numba_available", lambda: False)
    assert kernels.resolve_engine("auto") == "numpy"
    with pytest.raises(LstFusionError, match="^ENGINE: the 'numba' engine needs the Python package numba"):
        starfm(F1, C1, C0, window=3, engine="numba")


def test_estarfm_too_few_similar_pixels_uses_window_mean_change_unrevised():
    """Zhu's code: with <= 5 similar pixels each pair predicts F_k + (window-mean C0 - window-mean C_k),
    blended in time, and no outlier revision (here the result is left above 400 K on purpose)."""
    rng = np.random.default_rng(7)
    n, w = 12, 2
    F1 = 290 + rng.random((n, n)) * 10
    F2 = F1 + 5 + rng.random((n, n))
    C1 = 295 + rng.random((n, n))
    C2 = 301 + rng.random((n, n))
    C0 = 297 + rng.random((n, n))
    C0[6, 6] = 3000.0  # pushes the window-mean change beyond the physical range (400 K)
    # classes=10000: only the centre itself is similar, so every pixel takes the fallback
    out = estarfm(F1, C1, F2, C2, C0, window=2 * w + 1, classes=10000)
    i, j = 6, 7
    win = (slice(i - w, i + w + 1), slice(j - w, j + w + 1))
    m0, m1, m2 = C0[win].mean(), C1[win].mean(), C2[win].mean()
    t1 = (1 / abs(m0 - m1)) / (1 / abs(m0 - m1) + 1 / abs(m0 - m2))
    expected = t1 * (F1[i, j] + m0 - m1) + (1 - t1) * (F2[i, j] + m0 - m2)
    assert expected > 400 and abs(out[i, j] - expected) < 1e-4  # float32 output; not revised


def test_estarfm_threshold_uses_sample_std():
    from lst_fusion.core.fusion.estarfm import similarity_threshold

    a = np.array([[1.0, 2.0], [3.0, np.nan]])
    assert similarity_threshold(a, 4) == pytest.approx(1.0 * 2 / 4)  # std of 1,2,3 with ddof 1 is 1


@pytest.mark.parametrize("method", ["estarfm", "starfm"])
@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_cancel_is_honoured_inside_one_long_tile(method, engine):
    """One tile, a huge window: cancel used to wait for the whole tile (minutes). Now the loops ask between
    row strips: a cancel that turns True at the third question (the first is asked before the only tile)
    stops the run inside that tile, whatever the machine's speed."""
    import time

    if engine == "numba" and not kernels.numba_available():
        pytest.skip("numba is not installed")
    F1 = synthetic_scene(128)
    C1 = 0.3 * F1 + 17
    asked = []

    def cancel():
        asked.append(1)
        return len(asked) >= 3

    t0 = time.perf_counter()
    with pytest.raises(Cancelled):
        if method == "estarfm":
            estarfm(F1, C1, F1 + 3, C1 + 3, C1 + 1, window=201, tile=128, engine=engine, cancel=cancel)
        else:
            starfm(F1, C1, C1 + 1, window=201, tile=128, engine=engine, cancel=cancel)
    assert len(asked) == 3
    assert time.perf_counter() - t0 < 4.0
