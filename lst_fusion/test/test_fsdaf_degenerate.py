"""FSDAF on degenerate inputs (issue 37, class 4): a constant scene and MODIS clear on collinear coarse pixels.

Before: fine = coarse = 300 K everywhere and a target of 302 K gave an all-NaN raster (the similar-pixel threshold
std(F1) * 2 / classes was 0 with a strict ``<``, so no pixel, not even the centre, was similar); MODIS clear on three
collinear coarse pixels raised numpy's LinAlgError from the thin plate spline.
"""
import numpy as np
import pytest

from lst_fusion.core.fusion import fsdaf as core
from lst_fusion.core.fusion import kernels
from lst_fusion.core.platform.errors import LstFusionError

from .reference_fsdaf import fsdaf_reference

ENGINES = pytest.mark.parametrize("engine", [
    "numpy",
    pytest.param("numba", marks=pytest.mark.skipif(not kernels.numba_available(), reason="numba not installed"))])


@ENGINES
def test_a_constant_scene_warmed_by_two_kelvin_is_two_kelvin_warmer_everywhere(engine):
    F = np.full((40, 40), 300.0)
    out = core.fsdaf(F, F.copy(), np.full((40, 40), 302.0), 4, window=9, engine=engine)
    np.testing.assert_allclose(out, 302.0, atol=1e-4)
    np.testing.assert_allclose(fsdaf_reference(F, F.copy(), np.full((40, 40), 302.0), 4, window=9), 302.0, atol=1e-4)


@ENGINES
def test_a_constant_fine_reference_takes_the_local_modis_change(engine):
    """Every pixel equals its centre, so all are similar: the prediction is F1 plus the weighted mean change."""
    F = np.full((32, 32), 290.0)
    y, x = np.mgrid[0:32, 0:32]
    C0 = 290.0 + np.kron(np.arange(64).reshape(8, 8) % 5, np.ones((4, 4))) * 0.5
    out = core.fsdaf(F, F.copy(), C0, 4, window=7, engine=engine)
    assert np.isfinite(out).all()
    assert C0.min() - 1e-6 <= out.min() and out.max() <= C0.max() + 1e-6


def collinear_case(cells):
    n = 40
    rng = np.random.default_rng(0)
    F1 = 300 + rng.normal(0, 2, (n, n))
    C1 = np.kron(core.block_mean(F1, 4), np.ones((4, 4)))
    C0 = C1 + 2 + rng.normal(0, 0.3, (n, n))
    mask = np.zeros((10, 10), bool)
    for c in cells:
        mask[c] = True
    clear = np.kron(mask, np.ones((4, 4), bool))
    return F1, np.where(clear, C1, np.nan), np.where(clear, C0, np.nan), clear


@pytest.mark.parametrize("cells", [[(1, 1), (4, 4), (8, 8)], [(8, 1), (5, 4), (2, 7)], [(2, 1), (2, 4), (2, 8)]],
                         ids=["diagonal", "anti-diagonal", "one row"])
def test_modis_clear_on_three_collinear_coarse_pixels_gives_the_oracles_raster(cells):
    F1, C1, C0, clear = collinear_case(cells)
    out = core.fsdaf(F1, C1, C0, 4, window=9, engine="numpy")
    np.testing.assert_array_equal(np.isfinite(out), clear)
    ref = fsdaf_reference(F1, C1, C0, 4, window=9)
    np.testing.assert_allclose(out[clear], ref[clear], atol=1e-4)
    assert np.nanmin(F1) - 1 < np.nanmin(out) and np.nanmax(out) < np.nanmax(F1) + 4  # F1 + about 2 K


def test_three_collinear_centres_fix_no_plane_so_the_spline_is_their_mean():
    assert not core.spans_a_plane(np.array([[1.5, 1.5], [5.5, 5.5], [9.5, 9.5]]))
    assert not core.spans_a_plane(np.array([[1.5, 1.5], [5.5, 9.5], [9.5, 17.5]]))
    assert not core.spans_a_plane(np.array([[1.5, 1.5], [5.5, 9.5]]))
    assert core.spans_a_plane(np.array([[1.5, 1.5], [5.5, 9.5], [9.5, 17.0]]))
    rows, cols = np.array([0.0, 3.0, 7.0]), np.array([0.0, 4.0, 1.0])
    np.testing.assert_allclose(core.tps(np.array([[1.5, 1.5], [5.5, 5.5], [9.5, 9.5]]), np.array([1.0, 2.0, 6.0]),
                                        rows, cols), 3.0)


def test_a_model_fsdaf_cannot_fit_is_one_sentence_naming_coarse_target(monkeypatch):
    def singular(*a, **k):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(core, "tps", singular)
    F1, C1, C0, _ = collinear_case([(1, 1), (4, 6), (8, 2)])
    with pytest.raises(LstFusionError, match=r"^COARSE_TARGET: FSDAF cannot fit its class changes and thin plate "
                                             r"spline to the MODIS pixels clear in block 1 of 1 \(Singular matrix\)"):
        core.fsdaf(F1, C1, C0, 4, window=9, engine="numpy")
