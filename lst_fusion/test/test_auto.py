"""auto (core.evaluation.protocol.choose): a method choice from the training pairs only, never the test date."""
import datetime as dt

import numpy as np
import pytest

from lst_fusion.core.evaluation import protocol, sample, validation
from lst_fusion.core.fusion import methods
from lst_fusion.core.platform.errors import LstFusionError

from .conftest import synthetic_scene, write_series_folders

D = [dt.date(2020, 1, 1) + dt.timedelta(days=16 * i) for i in range(6)]


def series(n=32, poison=None, value=np.nan):
    """Six pairs whose change is not uniform (so the methods differ); ``poison`` spoils one date's Landsat."""
    base = synthetic_scene(n)
    y, x = np.mgrid[0:n, 0:n]
    pairs = {}
    for k, d in enumerate(D):
        fine = base + 1.5 * k + 0.05 * k * x * (k % 2)
        coarse = 0.3 * base + 17 + 1.5 * k
        if d == poison:
            fine = np.full_like(fine, value)
        pairs[d] = (fine.astype(np.float64), coarse.astype(np.float64))
    return pairs


def fixed(scores):
    """Candidates of known inner RMSE: prediction = truth + the score (uniform error)."""
    def candidates(case, pairs):
        truth = pairs[case.date][0]
        return {key: truth + s[case.date] if isinstance(s, dict) else truth + s for key, s in scores.items()}
    return candidates


def test_lowest_inner_mean_rmse_wins_and_ties_go_to_the_cheaper():
    pairs = series()
    c = protocol.choose(pairs, D[2], fixed({("ESTARFM", "+SM"): 1.0, ("STARFM", "+SM"): 1.0,
                                            ("STARFM", "+RC"): 2.0, ("MODIS resampled", "as is"): 1.5,
                                            ("Landsat ref + MODIS change", "as is"): 0.5}), k=1)
    assert c.key == ("STARFM", "+SM") and c.w == 1.0  # tie at 1.0: STARFM is cheaper than ESTARFM
    assert c.inner_dates == (D[0], D[1], D[3], D[4], D[5])  # every other pair held out in turn: never D[2]
    # the change baseline is scored, never chosen; MODIS resampled is a candidate (issue 38)
    assert [r["candidate"] for r in c.table][:1] == ["Landsat ref + MODIS change"]
    assert c.tag().startswith("METHOD=auto: STARFM +SM (inner RMSE over 5 date(s): Landsat ref + MODIS change 0.500")


def test_auto_says_use_modis_when_no_method_beats_it_on_the_inner_folds():
    pairs = series()
    c = protocol.choose(pairs, D[2], fixed({("ESTARFM", "as is"): 1.0, ("STARFM", "+SM"): 1.2,
                                            ("MODIS resampled", "as is"): 0.5}), k=1)
    assert c.key == ("MODIS resampled", "as is") and c.is_modis
    assert c.describe() == "MODIS resampled (no method beats resampled MODIS on this series' own pairs)"
    outer = {("STARFM", "+SM"): np.full((2, 2), 3.0), ("MODIS resampled", "as is"): np.full((2, 2), 7.0)}
    assert np.array_equal(protocol.apply_choice(c, outer), outer[("MODIS resampled", "as is")])


def test_shrinkage_towards_modis_known_answer_and_no_peeking():
    """Candidate 2 K too warm and MODIS 2 K too cold on every inner date: MODIS + 0.5 (candidate - MODIS) is
    exact, so w = 0.5 is chosen; the outer date, where the candidate is exact, changes nothing (no peeking)."""
    pairs = series()
    outer = D[2]
    scores = {("STARFM", "+SM"): {**dict.fromkeys(D, 2.0), outer: 0.0},
              ("MODIS resampled", "as is"): {**dict.fromkeys(D, -2.0), outer: -9.0}}
    c = protocol.choose(pairs, outer, fixed(scores), k=1)
    assert c.key == ("STARFM", "+SM") and c.w == pytest.approx(0.5)
    assert "shrunk towards MODIS (w 0.50)" in c.describe()
    assert [r["candidate"] for r in c.table][0] == "STARFM +SM shrunk towards MODIS (w 0.50)"
    assert c.table[0]["RMSE"] == pytest.approx(0.0, abs=1e-9)
    truth = np.full((2, 2), 300.0)
    applied = protocol.apply_choice(c, {("STARFM", "+SM"): truth + 2.0, ("MODIS resampled", "as is"): truth - 2.0})
    assert np.allclose(applied, truth)
    # the weight comes from the inner folds only: spoiling the outer date's scores leaves it as it was
    spoiled = {k: {**v, outer: 50.0} for k, v in scores.items()}
    assert protocol.choose(pairs, outer, fixed(spoiled), k=1).w == c.w
    # a shrink to 0 is MODIS itself
    zero = {("STARFM", "+SM"): 2.0, ("MODIS resampled", "as is"): 0.0}
    assert protocol.choose(pairs, outer, fixed(zero), k=1).is_modis


def test_mean_of_k_best_is_a_candidate_and_its_own_row():
    pairs = series()
    # errors +1 and -1 cancel in the mean: the ensemble is exact and wins
    c = protocol.choose(pairs, D[2], fixed({("STARFM", "+SM"): 1.0, ("ESTARFM", "+SM"): -1.0,
                                            ("STARFM", "+RC"): 3.0}), k=2)
    assert c.is_mean and c.key == ("auto mean of 2 best", "as is")
    assert set(c.members) == {("STARFM", "+SM"), ("ESTARFM", "+SM")}
    mean_row = [r for r in c.table if r["method"] == "auto mean of 2 best"][0]
    assert mean_row["RMSE"] == pytest.approx(0.0, abs=1e-9)
    outer = {("STARFM", "+SM"): np.full((2, 2), 3.0), ("ESTARFM", "+SM"): np.full((2, 2), 5.0)}
    assert np.allclose(protocol.apply_choice(c, outer), 4.0)
    assert np.allclose(protocol.mean_of_best(c, outer), 4.0)


def test_too_few_inner_folds_fall_back_to_the_documented_default():
    """One pair besides the outer date gives no inner fold (nothing to predict it from): the documented default.
    Two give two folds, each pair predicted from the other, the ends of the series included (issue 38)."""
    logs = []
    c = protocol.choose({d: v for d, v in series().items() if d in D[:2]}, D[1], fixed({("ESTARFM", "+SM"): 0.1}),
                        log=logs.append)
    assert c.key == protocol.DEFAULT_CHOICE == ("STARFM (1 pair)", "+RC") and c.message and logs == [c.message]
    assert "only 1 pair(s) remain without the test date 2020-01-17" in c.message and "at least 2 needed" in c.message
    three = protocol.choose({d: v for d, v in series().items() if d in D[:3]}, D[1],
                            fixed({("ESTARFM", "+SM"): 0.1, ("STARFM (1 pair)", "+SM"): 0.2}))
    assert not three.message and three.key == ("ESTARFM", "+SM") and three.inner_dates == (D[0], D[2])


def test_auto_never_chooses_a_candidate_off_modis_level():
    """A variant "as is" (its references' Landsat level: an implicit guess of the day's offset) is scored in the
    inner table but never chosen, however well it scores there; +SM, +RC and MODIS are (issue 38)."""
    c = protocol.choose(series(), D[2], fixed({("All-pairs regression", "as is"): 0.1, ("STARFM", "+SM"): 1.0,
                                               ("MODIS resampled", "as is"): 2.0}), k=2)
    assert c.key == ("STARFM", "+SM") and ("All-pairs regression", "as is") not in c.members
    assert c.table[0]["candidate"] == "All-pairs regression" and c.table[0]["RMSE"] == pytest.approx(0.1)
    modis = protocol.choose(series(), D[2], fixed({("STARFM", "as is"): 0.1, ("STARFM", "+RC"): 3.0,
                                                   ("MODIS resampled", "as is"): 2.0}))
    assert modis.is_modis
    assert protocol.keeps_level(("FSDAF", "+RC")) and not protocol.keeps_level(("FSDAF", "as is"))
    with pytest.raises(LstFusionError, match="^METHODS: auto needs at least one fusion method at MODIS's level"):
        protocol.choose(series(), D[2], fixed({("STARFM", "as is"): 0.1, ("MODIS resampled", "as is"): 2.0}))


def test_inner_folds_hold_out_every_pair_and_a_candidate_that_cannot_run_on_an_end_fold_is_none():
    """inner_cases: each pair in turn, its neighbours None at the ends; with the real candidates, ESTARFM (a
    pair on each side) cannot run on the end folds and so is no candidate, while the one-pair candidates are."""
    cases = protocol.inner_cases(D[:3])
    assert [(c.date, c.before, c.after, c.nearest) for c in cases] == [
        (D[0], None, D[1], D[1]), (D[1], D[0], D[2], D[0]), (D[2], D[1], None, D[1])]
    assert protocol.inner_cases(D[:1]) == []
    pairs = {d: v for d, v in series().items() if d in D[:4]}
    c = protocol.choose(pairs, D[3], lambda case, p: validation.classical_candidates(case, p, block=8))
    scored = {r["method"] for r in c.table}
    assert "ESTARFM" not in scored and "STARFM (1 pair)" in scored and c.inner_dates == (D[0], D[1], D[2])


def test_a_candidate_with_the_references_of_an_earlier_one_reuses_its_prediction_and_auto_logs_its_time():
    """STARFM (2 pairs) on an end fold has one pair left, the references of STARFM (1 pair): its prediction is
    that one (the same array), equal to running it; inside, two pairs: its own.  auto's log says what the
    leave-one-date-out cost, per candidate."""
    from lst_fusion.validation.auto import choose_for_series

    pairs = {d: v for d, v in series().items() if d in D[:4]}
    for case, shared in ((protocol.inner_cases(list(pairs))[0], True), (protocol.inner_cases(list(pairs))[1], False)):
        seconds = {}
        got = validation.classical_candidates(case, pairs, block=8, failed={}, seconds=seconds)
        one, two = got[("STARFM (1 pair)", "as is")], got[("STARFM (2 pairs)", "as is")]
        refs = [validation.case_refs(case, pairs, "starfm", rule) for rule in methods.pair_rules("starfm")]
        assert (refs[0] == refs[1]) == shared and (one is two) == shared
        direct = methods.fuse_image("starfm", validation.case_images(case, pairs, "starfm",
                                                                    rule=methods.pair_rules("starfm")[1]), factor=8)
        np.testing.assert_array_equal(two, direct)
        assert set(seconds) >= {"STARFM (1 pair)", "STARFM (2 pairs)", "Fit-FC", "FSDAF"}
        assert all(v >= 0 for v in seconds.values())
    log = []
    choose_for_series(pairs, 8, log=log.append)
    took = [s for s in log if "leave-one-date-out took" in s]
    assert len(took) == 1 and "4 fold(s)" in took[0] and "FSDAF" in took[0]


SAMPLED = dict(block=8, rule=sample.Rule(budget=2048, tile=32, halo=8))  # 64 x 64 px: 2 tiles of 32 px + halo


@pytest.mark.parametrize("value", [np.nan, 1e6])
@pytest.mark.parametrize("where", ["whole image", "sampled"])
def test_auto_never_sees_the_outer_dates_landsat(value, where):
    """Poison the outer date's Landsat: the choice, its inner table and the outer prediction are unchanged,
    and no candidate call is ever given the outer date, in any role.  Sampled (a budget below the image's
    pixels): the same, and every call is given the pairs cut to one of the sample's windows (a tile and its
    halo), never more."""
    outer = D[3]
    n, kw = (32, {}) if where == "whole image" else (64, SAMPLED)
    clean, poisoned = series(n), series(n, poison=outer, value=value)
    seen, windows, given = [], set(), [clean]

    def candidates(case, pairs):
        seen.append((case.date, case.before, case.after, case.nearest, tuple(pairs)))
        windows.update(window_of(a, whole) for d, arrays in pairs.items() for a, whole in zip(arrays, given[0][d]))
        return validation.classical_candidates(case, pairs, block=8)

    a = protocol.choose(clean, outer, candidates, **kw)
    given[0] = poisoned
    b = protocol.choose(poisoned, outer, candidates, **kw)
    assert seen and all(outer not in s[:4] and outer not in s[4] for s in seen)
    assert a.key == b.key and a.members == b.members and a.sample == b.sample
    assert [(r["candidate"], r["RMSE"]) for r in a.table] == [(r["candidate"], r["RMSE"]) for r in b.table]
    if kw:
        want = sample.tiles({d: v for d, v in clean.items() if d != outer}, 8, kw["rule"])
        assert a.sample == want.describe() and a.sample.startswith("chosen on 2 tile(s), 2048 px of 4096")
        assert windows == set(want.windows) and all(r1 - r0 == 40 and c1 - c0 == 40 for r0, r1, c0, c1 in windows)
    else:
        assert windows == {(0, n, 0, n)} and a.sample == f"chosen on the whole image, {n * n} px"
    case = [c for c in protocol.plan(clean) if c.date == outer][0]
    pa = protocol.apply_choice(a, validation.classical_candidates(case, clean, block=8))
    pb = protocol.apply_choice(b, validation.classical_candidates(case, poisoned, block=8))
    assert np.isfinite(pa).all() and np.array_equal(pa, pb)
    # the poison is real: scoring on the poisoned truth would change every score
    assert not np.isfinite(poisoned[outer][0]).all() or poisoned[outer][0].max() == 1e6


def window_of(view, whole):
    """(r0, r1, c0, c1) of ``view`` inside ``whole`` (a view of it, as the sample's windows are)."""
    assert np.shares_memory(view, whole)
    off = (view.__array_interface__["data"][0] - whole.__array_interface__["data"][0]) // whole.itemsize
    r0, c0 = divmod(off, whole.shape[1])
    return r0, r0 + view.shape[0], c0, c0 + view.shape[1]


def test_choice_differs_from_the_oracle_when_the_outer_date_disagrees():
    """The rule uses the inner dates: a candidate that is best only on the outer date is not chosen."""
    pairs = series()
    outer = D[2]
    scores = {("STARFM", "+SM"): {**dict.fromkeys(D, 1.0), outer: 9.0},
              ("ESTARFM", "+SM"): {**dict.fromkeys(D, 2.0), outer: 0.0}}
    c = protocol.choose(pairs, outer, fixed(scores), k=1)
    assert c.key == ("STARFM", "+SM")


def test_fuse_series_method_options_keep_the_saved_indices():
    """city_season.model3 stores METHOD by index (0 = ESTARFM, as its LST_ESTARFM outputs say): auto is appended."""
    import os
    import re

    from lst_fusion.algorithms.fuse_series import AUTO_LABEL, method_options

    from .conftest import REPO

    text = open(os.path.join(REPO, "lst_fusion", "resources", "models", "city_season.model3"), encoding="utf-8").read()
    assert "LST_ESTARFM_YYYYMMDD" in text
    saved = re.findall(r'name="METHOD">\s*<Option type="Map">\s*<Option value="2" type="int" name="source"/>\s*'
                       r'<Option value="(\d+)" type="int" name="static_value"/>', text)
    assert saved and set(saved) == {"0"}
    from lst_fusion.core.fusion import methods

    # the options are the method table's labels in its order, auto where it was appended (index 7, released
    # in 0.2.0) and the methods added after it; the saved index 0 is the table's first
    assert methods.METHODS[int(saved[0])].tag == "ESTARFM"
    assert method_options()[:9] == ["ESTARFM", "STARFM", "EDCSTFN", "STTFN", "MLFF-GAN", "GAN-STFM", "SwinSTFM",
                                    AUTO_LABEL, "Fit-FC"]
    assert sorted(method_options()) == sorted(methods.labels() + [AUTO_LABEL])


def test_fuse_series_auto_chooses_on_the_pairs_and_tags_it(provider, tmp_path, tif):
    import processing
    import rasterio

    from lst_fusion.algorithms.fuse_series import AUTO_LABEL, method_options
    from lst_fusion.validation.auto import choose_for_series

    pairs = {d: v for d, v in series().items() if d in D[:4]}
    write_series_folders(tmp_path, tif, pairs)
    res = processing.run("lstfusion:fuse_series", {"DATASET": str(tmp_path / "ds"),
                                                   "METHOD": method_options().index(AUTO_LABEL), "COARSE_PIXEL": 240.0,
                                                   "OUTPUT": str(tmp_path / "out")})
    assert res["N_DATES"] == 4
    f32 = {d: (f.astype(np.float32).astype(np.float64), c.astype(np.float32).astype(np.float64))
           for d, (f, c) in pairs.items()}
    method, rule, correction, w, tag = choose_for_series(f32, 8, log=lambda s: None)
    out = sorted((tmp_path / "out").glob("LST_*.tif"))
    assert out and all(p.name.startswith(f"LST_{method.upper()}_") for p in out)
    with rasterio.open(out[0]) as src:
        tags = src.tags()
    assert tags["METHOD_CHOICE"] == tag and tag.startswith("METHOD=auto: ") and "RMSE over 4 date(s)" in tag
    assert tags.get("RESIDUAL_CORRECTION", "none") == correction
    # the candidate it chose is the one that ran: its pair rule too (issue 44)
    if len(methods.pair_rules(method)) > 1:
        assert tags["PAIRS"] == methods.RULE_NAMES[rule]
