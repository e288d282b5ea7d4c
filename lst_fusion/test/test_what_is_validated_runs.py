"""What is validated is what runs (issue #44): one pair rule for validation, auto and the series.

For a held-out date, every classical candidate's prediction in validate_methods' leave-one-date-out equals,
bit for bit, what fuse_series writes for that date from the same pairs (its own Landsat withheld); STARFM is
two candidates, with one pair and with two, and the series runs each exactly so; deep models take the same
reference pairs in both; and auto's series runs exactly the candidate (method, pairs, variant) it scored.
"""
import datetime as dt
import os
import shutil

import numpy as np
import pytest

from lst_fusion.core.data.io import read_raster
from lst_fusion.core.evaluation import protocol, validation
from lst_fusion.core.fusion import methods
from lst_fusion.series import fuse_series

from .conftest import synthetic_scene, write_tif

D = [dt.date(2020, 1, 1) + dt.timedelta(days=16 * k) for k in range(4)]
BLOCK = 8  # MODIS footprint in fine pixels: COARSE_PIXEL 240 m on the 30 m grid
VARIANT_MODE = {"as is": "none", "+SM": "scene mean", "+RC": "MODIS footprint"}


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Four same-day pairs on one 30 m grid whose change differs in space, so that the candidates differ."""
    root = tmp_path_factory.mktemp("rule")
    base = synthetic_scene(48, celsius=False)
    y, x = np.mgrid[0:48, 0:48]
    rng = np.random.default_rng(5)
    pairs = {}
    for k, d in enumerate(D):
        fine = base + 3 * k + 0.08 * k * x + rng.normal(0, 0.2, base.shape)
        coarse = fine.reshape(6, 8, 6, 8).mean((1, 3)).repeat(8, 0).repeat(8, 1) + 0.5 * k
        pairs[d] = (fine.astype(np.float32), coarse.astype(np.float32))
    for sub in ("landsat", "modis"):
        (root / sub).mkdir()
    for d, (f, c) in pairs.items():
        write_tif(root / "landsat" / f"L_{d:%Y%m%d}.tif", f)
        write_tif(root / "modis" / f"M_{d:%Y%m%d}.tif", c)
    return root, {d: (f.astype(np.float64), c.astype(np.float64)) for d, (f, c) in pairs.items()}


def series_of(root, tmp_path, target, method, rule=None, correction="none", shrink=None):
    """fuse_series' raster of ``target`` with its own Landsat withheld (the pairs validation gives it)."""
    lan = tmp_path / "landsat_without_target"
    if not lan.exists():
        shutil.copytree(root / "landsat", lan)
        os.remove(lan / f"L_{target:%Y%m%d}.tif")
    out = tmp_path / f"out_{method}_{rule}_{correction}".replace(" ", "_")
    res = fuse_series(str(out), modis=str(root / "modis"), landsat=str(lan), method=method, pairs=rule,
                      start=target, end=target, max_gap_days=999, coarse_pixel=240.0, scheduler="sequential",
                      residual_correction=correction, shrink=shrink)
    r = read_raster(res.outputs[0])
    return r.data, r.tags


@pytest.mark.parametrize("candidate", validation.CANDIDATES)
def test_every_classical_candidate_scores_what_the_series_writes(folders, tmp_path, candidate):
    root, pairs = folders
    case = protocol.plan(pairs)[1]  # D[2]: pairs before and after it
    preds = validation.classical_candidates(case, pairs, BLOCK)
    mid, rule = methods.parse_candidate(candidate)
    got, tags = series_of(root, tmp_path, case.date, mid, rule if len(methods.pair_rules(mid)) > 1 else None)
    want = preds[(candidate, "as is")]
    assert np.array_equal(got, want.astype(np.float32), equal_nan=True), np.nanmax(np.abs(got - want))
    # the series names the pairs it used: those validation used
    if methods.get(mid).pair_mode == methods.ALL:  # every pair but the held-out date's, never its Landsat
        refs = validation.case_refs(case, pairs, mid, rule)
        assert case.date not in refs and tags["REF_DATES"] == " ".join(d.isoformat() for d in refs)
        return
    ref1, ref2 = validation.case_refs(case, pairs, mid, rule)
    assert (tags["REF1_DATE"], tags.get("REF2_DATE", "")) == (ref1.isoformat(), ref2.isoformat() if ref2 else "")
    if len(methods.pair_rules(mid)) > 1:
        assert tags["PAIRS"] == methods.RULE_NAMES[rule]


def test_starfm_is_two_candidates_that_differ_and_default_to_the_series_rule(folders):
    root, pairs = folders
    case = protocol.plan(pairs)[1]
    preds = validation.classical_candidates(case, pairs, BLOCK, methods=("STARFM",))
    one, two = preds[("STARFM (1 pair)", "as is")], preds[("STARFM (2 pairs)", "as is")]
    assert not np.allclose(one, two)  # not one method under two names
    assert validation.case_refs(case, pairs, "starfm", methods.ONE) == (case.nearest, None)
    assert validation.case_refs(case, pairs, "starfm", methods.ANY) == (case.before, case.after)
    assert methods.candidate_label("starfm") == "STARFM (2 pairs)"  # METHOD STARFM in a series, as before
    assert methods.parse_candidate("STARFM (1 pair)") == ("starfm", methods.ONE)
    with pytest.raises(Exception, match="^PAIRS: ESTARFM runs with 2 pairs"):
        methods.candidate_label("estarfm", methods.ONE)


@pytest.mark.parametrize("mid", methods.DEEP)
def test_deep_models_take_the_pairs_the_series_gives_them(folders, mid):
    """The reference pairs a deep model predicts a held-out date from in validation are the series' own."""
    from lst_fusion.series.plan import choose_refs

    _, pairs = folders
    for case in protocol.plan(pairs):
        others = [d for d in pairs if d != case.date]
        ref1, ref2, _ = choose_refs(case.date, others, methods.get(mid).pair_mode, max_gap_days=999)
        assert validation.case_refs(case, pairs, mid) == (ref1, ref2)
        images = validation.case_images(case, pairs, mid)
        assert images["fine_ref1"] is pairs[ref1][0] and ("fine_ref2" in images) == (ref2 is not None)
        assert all(v is not pairs[case.date][0] for v in images.values())  # never the held-out Landsat


def test_what_auto_applies_is_what_it_scored_and_what_the_series_runs(folders, tmp_path):
    """auto's choice for a held-out date (an inner leave-one-date-out on the other pairs) is applied as scored,
    and the series run with that candidate (method, pairs, variant) writes that very prediction."""
    root, pairs = folders
    case = protocol.plan(pairs)[1]
    others = {d: v for d, v in pairs.items() if d != case.date}
    choice = protocol.choose(others, case.date, lambda c, p: validation.classical_candidates(c, p, BLOCK, failed={}), k=1)
    preds = validation.classical_candidates(case, pairs, BLOCK)
    applied = protocol.apply_choice(choice, preds)
    mid, rule = (methods.BASELINE, None) if choice.is_modis else methods.parse_candidate(choice.key[0])
    got, tags = series_of(root, tmp_path, case.date, mid, rule if len(methods.pair_rules(mid)) > 1 else None,
                          VARIANT_MODE[choice.key[1]], choice.w if choice.w < 1.0 else None)
    assert np.allclose(got, applied, atol=1e-4, equal_nan=True)  # the correction runs on the written float32
    if choice.w < 1.0:
        assert float(tags["SHRINK_W"]) == pytest.approx(choice.w)


@pytest.mark.parametrize("w", [0.0, 0.3, 1.0])
def test_a_series_shrunk_towards_modis_is_modis_plus_w_times_the_difference(folders, tmp_path, w):
    root, pairs = folders
    case = protocol.plan(pairs)[1]
    plain, _ = series_of(root, tmp_path / "plain", case.date, "starfm", methods.ONE)
    got, tags = series_of(root, tmp_path / "shrunk", case.date, "starfm", methods.ONE, shrink=w)
    modis = pairs[case.date][1]
    assert np.allclose(got, modis + w * (plain - modis), atol=1e-4)
    assert tags["SHRINK_W"] == f"{w:.6f}"


def test_the_modis_baseline_as_a_series_is_the_days_modis_on_the_fine_grid(folders, tmp_path):
    """auto's "use MODIS" runs the table's baseline entry: LST_MODIS_<date>.tif, the day's MODIS itself."""
    root, pairs = folders
    case = protocol.plan(pairs)[1]
    got, tags = series_of(root, tmp_path, case.date, methods.BASELINE)
    assert np.array_equal(got, pairs[case.date][1].astype(np.float32)) and tags["METHOD"] == "MODIS"


def test_validate_methods_auto_row_and_the_series_choose_with_one_code_on_one_sample(folders, tmp_path, monkeypatch):
    """Above the sample's budget (here made 1,500 px, below the 48 x 48 px images) validate_methods' auto row for
    a held-out date and fuse_series' METHOD=auto on the same pairs (that date's withheld) choose with the same
    code on the same sample of tiles (core.evaluation.sample): the same sample, the same score of every single
    candidate, bit for bit, and the same choice (validate_methods' rule may also take the mean of its k best,
    which a series cannot run: then only the scores are compared)."""
    from lst_fusion.core.evaluation import sample
    from lst_fusion.validation import validate
    from lst_fusion.validation.auto import choose_for_series

    monkeypatch.setattr(sample, "RULE", sample.Rule(budget=1500, tile=32, halo=8))
    made, choose = [], protocol.choose  # a spy on the series' choice: protocol.choose's Choice
    monkeypatch.setattr(protocol, "choose", lambda *a, **k: made.append(choose(*a, **k)) or made[-1])
    _, pairs = folders
    res = validate.run(pairs, list(validation.CLASSICAL), str(tmp_path / "v.csv"), block=BLOCK, log=lambda *_: None)
    for case in protocol.plan(pairs):
        choice = next(c for c in res["choices"] if c.date == case.date)
        others = {d: v for d, v in pairs.items() if d != case.date}
        log = []
        mid, rule, correction, w, tag = choose_for_series(others, BLOCK, log=log.append)
        ran = made[-1]
        assert choice.sample == ran.sample == ("chosen on 1 tile(s), 1024 px of 2304 (32 x 32 px each, computed "
                                               "with a halo)")
        assert tag.endswith(f"; {choice.sample})") and any(choice.sample in line and "took" in line for line in log)
        validated = {r["candidate"]: r["RMSE"] for r in choice.table}
        assert ran.inner_dates == choice.inner_dates and len(ran.table) >= 10
        assert all(validated[r["candidate"]] == r["RMSE"] for r in ran.table)  # bit for bit
        if not choice.is_mean:
            want = ((methods.BASELINE, methods.ONE, "none", 1.0) if choice.is_modis else
                    (*methods.parse_candidate(choice.key[0]), VARIANT_MODE[choice.key[1]], choice.w))
            assert (mid, rule, correction, w) == want
