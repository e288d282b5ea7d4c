"""Candidates of the ``auto`` choice (core.protocol.choose): the classical methods and their variants.

``classical_candidates(case, pairs, block)`` predicts ``case.date`` from the pairs it is given, with
ESTARFM (nearest pair before and after) and STARFM (nearest pair), each as is, with the scene-mean
correction (+SM) and per MODIS footprint (+RC), plus both baselines (scored, never chosen). It reads
the Landsat of ``case.before``, ``case.after`` and ``case.nearest`` only, never of ``case.date``.
"""
from . import protocol, residual
from .estarfm import estarfm
from .starfm import starfm

CLASSICAL = ("STARFM", "ESTARFM")


def with_variants(name, plain, c0, block):
    """``{(name, variant): prediction}`` for the variants as is, +SM and +RC of one prediction."""
    return {(name, "as is"): plain, (name, "+SM"): residual.correct(plain, c0, "scene mean", block),
            (name, "+RC"): residual.correct(plain, c0, "MODIS footprint", block)}


def classical_candidates(case, pairs, block, quantity="lst", methods=CLASSICAL):
    f1, c1 = pairs[case.before]
    f2, c2 = pairs[case.after]
    fn, cn = pairs[case.nearest]
    c0 = pairs[case.date][1]  # the test date's MODIS only
    out = {(k, "as is"): v for k, v in protocol.baselines(fn, cn, c0).items()}
    if "STARFM" in methods:
        out.update(with_variants("STARFM", starfm(fn, cn, c0), c0, block))
    if "ESTARFM" in methods:
        out.update(with_variants("ESTARFM", estarfm(f1, c1, f2, c2, c0, quantity=quantity), c0, block))
    return out
