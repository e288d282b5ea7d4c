"""The classical methods ignore invalid similar pixels (issue 26, item 4).

A neighbour that is invalid in one input (NaN: a cloud) is never a similar pixel, nor read in any other way:
its values in the coarse inputs can be anything (here 1000 degrees off) and the prediction of every other
pixel stays bit for bit the same, in every engine. The control: a valid neighbour's coarse values do move its
neighbours' predictions, so the test can fail.

Known answer: with the invalid neighbour, each engine equals the per-pixel oracle of the reference code, which
drops it from every candidate set. (Checked by hand, 2026-12-03: making the invalid pixel 0 instead of NaN in
the similarity input of STARFM, ESTARFM, Fit-FC or FSDAF fails those oracle tests in both engines.)

The scene is in degC around 0, so that an invalid pixel read as 0 would look similar to its neighbours;
the invalid pixel is made invalid in the fine reference (its global statistics, e.g. STARFM's class
threshold std(F1), are then the same with and without the poison) or in the coarse target.
"""
import numpy as np
import pytest

from lst_fusion.core.fusion import fitfc, fsdaf, kernels
from lst_fusion.core.fusion.estarfm import estarfm
from lst_fusion.core.fusion.starfm import starfm

from .conftest import synthetic_scene

ENGINES = pytest.mark.parametrize("engine", [
    "numpy",
    pytest.param("numba", marks=pytest.mark.skipif(not kernels.numba_available(), reason="numba not installed"))])
N = 30
P = (14, 15)  # the invalid neighbour, inside the windows of many pixels
POISON = 1000.0


def scene():
    rng = np.random.default_rng(3)
    F1 = synthetic_scene(N, 5) - 24.0  # degC around 0: urban blocks warmer, a river colder
    F2 = F1 + 2.0 + rng.normal(0, 0.2, F1.shape)
    block = lambda a: np.kron(fitfc.block_mean(a, 5), np.ones((5, 5)))  # noqa: E731 - MODIS of 5 x 5 px
    C1 = block(F1) + rng.normal(0, 0.1, F1.shape)
    C2 = block(F2) + rng.normal(0, 0.1, F1.shape)
    C0 = 0.5 * (C1 + C2) + 1.0 + rng.normal(0, 0.1, F1.shape)
    return {"F1": F1, "C1": C1, "F2": F2, "C2": C2, "C0": C0}


def predict(method, a, engine):
    if method == "STARFM":
        return starfm(a["F1"], a["C1"], a["C0"], window=9, engine=engine)
    if method == "STARFM two pairs":
        return starfm(a["F1"], a["C1"], a["C0"], a["F2"], a["C2"], window=9, engine=engine)
    if method == "ESTARFM":
        return estarfm(a["F1"], a["C1"], a["F2"], a["C2"], a["C0"], window=9, engine=engine)
    if method == "Fit-FC":
        return fitfc.fitfc(a["F1"], a["C1"], a["C0"], 5, window=9, similar=6, engine=engine)
    return fsdaf.fsdaf(a["F1"], a["C1"], a["C0"], 5, window=9, similar=8, pure=10, engine=engine)


METHODS = pytest.mark.parametrize("method", ["STARFM", "STARFM two pairs", "ESTARFM", "Fit-FC", "FSDAF"])
# the inputs each method reads besides F1 and C0
OTHERS = {"STARFM": ("C1",), "STARFM two pairs": ("C1", "F2", "C2"), "ESTARFM": ("C1", "F2", "C2"),
          "Fit-FC": ("C1",), "FSDAF": ("C1",)}


def poisoned(a, roles, value=POISON):
    out = {k: v.copy() for k, v in a.items()}
    for r in roles:
        out[r][P] += value
    return out


def others_equal(x, y):
    keep = np.ones(x.shape, bool)
    keep[P] = False
    np.testing.assert_array_equal(np.isnan(x), np.isnan(y))
    np.testing.assert_array_equal(x[keep], y[keep])


@METHODS
@ENGINES
def test_a_neighbour_invalid_in_the_fine_reference_is_never_read(method, engine):
    a = scene()
    a["F1"][P] = np.nan
    clean = predict(method, a, engine)
    coarse = tuple(r for r in OTHERS[method] if r.startswith("C")) + ("C0",)  # F2 would change std(F2)
    bad = predict(method, poisoned(a, coarse), engine)
    assert np.isnan(clean[P]) and np.isfinite(np.delete(clean.ravel(), P[0] * N + P[1])).all()
    others_equal(clean, bad)


@METHODS
@ENGINES
def test_a_neighbour_invalid_in_the_coarse_target_is_never_read(method, engine):
    a = scene()
    a["C0"][P] = np.nan
    clean = predict(method, a, engine)
    roles = tuple(r for r in OTHERS[method] if r.startswith("C"))  # the fine values set global statistics
    bad = predict(method, poisoned(a, roles), engine)
    assert np.isnan(clean[P])
    others_equal(clean, bad)


@METHODS
@ENGINES
def test_control_a_valid_neighbour_is_read(method, engine):
    """A valid neighbour's values are read: 0.5 degrees more in its coarse target moves the prediction around it
    (a poison of 1000 would not show it: STARFM's sample filter and the bounds reject such a neighbour)."""
    a = scene()
    clean = predict(method, a, engine)
    bad = predict(method, poisoned(a, ("C0",), 0.5), engine)
    keep = np.ones(clean.shape, bool)
    keep[P] = False
    assert np.nanmax(np.abs(clean - bad)[keep]) > 1e-3


def oracle(method, a):
    """The per-pixel transcriptions of the reference code (lst_fusion/test/reference_*.py): each keeps only
    the neighbours valid in every input as similar pixels (Zhu's and Gao's ``valid`` masks)."""
    from .reference_classical import estarfm_reference, starfm_reference
    from .reference_fitfc import fitfc_reference
    from .reference_fsdaf import fsdaf_reference

    if method == "STARFM":
        return starfm_reference(a["F1"], a["C1"], a["C0"], window=9)
    if method == "STARFM two pairs":
        return starfm_reference(a["F1"], a["C1"], a["C0"], a["F2"], a["C2"], window=9)
    if method == "ESTARFM":
        return estarfm_reference(a["F1"], a["C1"], a["F2"], a["C2"], a["C0"], window=9)
    if method == "Fit-FC":
        return fitfc_reference(a["F1"], a["C1"], a["C0"], 5, window=9, similar=6)
    return fsdaf_reference(a["F1"], a["C1"], a["C0"], 5, window=9, similar=8, pure=10)


@METHODS
@ENGINES
@pytest.mark.parametrize("role", ["F1", "C0"])
def test_an_invalid_neighbour_is_left_out_as_the_reference_code_does(method, engine, role):
    """Known answer: the oracle, which drops the invalid neighbour from every candidate set. At 0 degC, an
    invalid pixel read as 0 (or any filled value) would be similar to its neighbours and change them."""
    a = scene()
    a[role][P] = np.nan
    out = predict(method, a, engine)
    ref = oracle(method, a)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(ref))
    np.testing.assert_allclose(out[np.isfinite(ref)], ref[np.isfinite(ref)], atol=1e-3)
