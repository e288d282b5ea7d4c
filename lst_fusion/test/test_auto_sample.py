"""auto's spatial sample (core.evaluation.sample, issue 41 item 4): above its budget auto chooses on a fixed
sample of tiles, pooled per fold as the pixel-weighted RMSE over every sampled pixel."""
import datetime as dt

import numpy as np
import pytest

from lst_fusion.core.evaluation import protocol, sample, validation
from lst_fusion.core.fusion import methods

D = [dt.date(2020, 1, 1) + dt.timedelta(days=16 * i) for i in range(4)]
SMALL = sample.Rule(budget=2048, tile=32, halo=8)  # on 64 x 64 px with footprints of 8 px: 2 tiles of 32 px


def flat_pairs(n=64, nan=None):
    rng = np.random.default_rng(3)
    pairs = {}
    for k, d in enumerate(D):
        fine = 300 + k + rng.normal(0, 1, (n, n))
        if nan is not None:
            fine[nan] = np.nan
        pairs[d] = (fine, np.full((n, n), 300.0 + k))
    return pairs


def test_the_default_halo_is_the_largest_default_half_window_of_the_classical_methods():
    windows = [methods.get(methods.id_of(m)).default("WINDOW") for m in validation.CLASSICAL
               if any(p.name == "WINDOW" for p in methods.get(methods.id_of(m)).params)]
    assert windows and sample.HALO_PX == max(windows) // 2 == 25


def test_an_image_within_the_budget_is_the_whole_image_and_the_sites_are():
    """Ranchi (413 x 227 px), the sample (400 x 400), Kranj (45 x 44): all within the budget, chosen as before."""
    for shape in ((227, 413), (400, 400), (44, 45)):
        pairs = {D[0]: (np.zeros(shape), np.zeros(shape))}
        assert sample.tiles(pairs, 33) is None
    assert sample.describe(None, (400, 400)) == "chosen on the whole image, 160000 px"
    assert sample.tiles(flat_pairs(), 8, sample.Rule(budget=64 * 64)) is None


def test_tiles_are_whole_footprints_spread_over_the_clear_area_with_their_halo_and_deterministic():
    nan = (slice(None), slice(0, 64))  # the left half of a 128 px image is not clear
    pairs = flat_pairs(128, nan)
    rule = sample.Rule(budget=4 * 32 * 32, tile=30, halo=5)  # tile 30 -> 32 (4 footprints), halo 5 -> 8
    s = sample.tiles(pairs, 8, rule)
    assert s == sample.tiles(pairs, 8, rule) and len(s) == 4 and s.px == 4096 <= rule.budget
    for (r, c, h, w), (r0, r1, c0, c1) in zip(s.cores, s.windows):
        assert (h, w) == (32, 32) and r % 8 == 0 and c % 8 == 0 and c >= 64  # on the clear half only
        assert (r0, r1, c0, c1) == (max(r - 8, 0), min(r + 40, 128), max(c - 8, 0), min(c + 40, 128))
    # the right half's 8 cores, 4 taken by farthest-point order (by hand): the one nearest their centre (48, 80),
    # the first of four at the same distance: (32, 64); the farthest from it (96, 96); then (0, 96), then the
    # first of five at the same least distance, (0, 64)
    assert [(r, c) for r, c, _, _ in s.cores] == [(0, 64), (0, 96), (32, 64), (96, 96)]
    big = sample.tiles(flat_pairs(300), 33, sample.Rule(budget=20000, tile=1))
    assert big.cores[0][2:] == (4 * 33, 4 * 33) and big.windows[0][1] - big.windows[0][0] <= 4 * 33 + 2 * 33
    # each tile's core, cut from its window, is the image's own pixels
    img = np.arange(128 * 128, dtype=float).reshape(128, 128)
    per_tile = [{"x": img[r0:r1, c0:c1]} for r0, r1, c0, c1 in s.windows]
    np.testing.assert_array_equal(s.pool(per_tile)["x"], s.cut(img))
    assert s.describe().startswith("chosen on 4 tile(s), 4096 px of 16384")


def test_a_candidate_exact_on_the_sampled_tiles_is_chosen_and_the_score_is_pixel_weighted():
    """Known answer: candidate A is exact wherever the day's MODIS is below 1000 and 50 K off elsewhere; the
    hot square lies outside the sample.  On the sample A scores 0 and is chosen; on the whole image it loses to
    B, which is off by 1 K on one tile and 3 K on the other (its pooled score: sqrt((n1 + 9 n2) / (n1 + n2)),
    n the clear pixels of each tile: the second has a quarter of its pixels cloudy)."""
    pairs = flat_pairs()
    s = sample.tiles(pairs, 8, SMALL)
    (ra, ca, _, _), (rb, cb, _, _) = s.cores
    hot = next((r, c) for r in (0, 32) for c in (0, 32) if (r, c) not in {(ra, ca), (rb, cb)})
    cloud = (slice(rb, rb + 16), slice(cb, cb + 16))
    for d, (f, c) in pairs.items():
        c[hot[0]:hot[0] + 32, hot[1]:hot[1] + 32] = 5000.0
        f[cloud] = np.nan
    second = np.zeros((64, 64))
    second[rb:rb + 32, cb:cb + 32] = 1.0
    a, b = ("STARFM (1 pair)", "+RC"), ("Fit-FC", "+RC")
    calls = []

    def candidates(case, some):
        truth, c0 = some[case.date]
        calls.append(truth.shape)
        where = pairs[case.date][0]  # the whole image's array: which window this is, for B's known error
        off = (truth.__array_interface__["data"][0] - where.__array_interface__["data"][0]) // truth.itemsize
        r0, c0_ = divmod(off, 64)
        err_b = 1 + 2 * second[r0:r0 + truth.shape[0], c0_:c0_ + truth.shape[1]]
        return {a: truth + 50.0 * (c0 > 1000), b: truth + err_b}

    got = protocol.choose(pairs, D[3], candidates, k=1, block=8, rule=SMALL)
    assert got.key == a and got.sample.startswith("chosen on 2 tile(s), 2048 px of 4096")
    rmse = {r["candidate"]: r["RMSE"] for r in got.table}
    n1, n2 = 32 * 32, 32 * 32 - 16 * 16
    assert rmse["STARFM (1 pair) +RC"] == 0.0
    assert rmse["Fit-FC +RC"] == pytest.approx(np.sqrt((n1 * 1 + n2 * 9) / (n1 + n2)), rel=1e-12)
    assert set(calls) <= {(40, 40)} and len(calls) == 3 * 2  # 3 folds x 2 tiles, each the tile and its halo
    assert protocol.choose(pairs, D[3], candidates, k=1).key == b  # the whole image: A's hot square counts


def test_the_choice_from_rasters_aligns_the_pair_days_modis_only_and_chooses_as_with_all(tmp_path, monkeypatch):
    """fuse_series' auto from MODIS and Landsat lists reads the same-day pairs only: the other days' MODIS are
    not aligned onto the fine grid (a third of the choice's time at 4 MP), and the choice is the same."""
    from lst_fusion.validation import inputs
    from lst_fusion.validation.auto import choose_for_inputs

    from .conftest import synthetic_scene, write_tif

    base = synthetic_scene(32, celsius=False)
    x = np.mgrid[0:32, 0:32][1]
    landsat, modis = [], []
    for k, d in enumerate(D[:3]):
        fine = base + 2 * k + 0.05 * k * x
        landsat.append(write_tif(tmp_path / f"L_{d:%Y%m%d}.tif", fine.astype(np.float32)))
        modis.append(write_tif(tmp_path / f"M_{d:%Y%m%d}.tif",
                               fine.reshape(4, 8, 4, 8).mean((1, 3)).astype(np.float32), res=240.0))
    extra = [write_tif(tmp_path / f"M_{d + dt.timedelta(days=3):%Y%m%d}.tif", np.full((4, 4), 290.0, np.float32),
                       res=240.0) for d in D[:2]]
    aligned, align_pairs = [], inputs.align_pairs
    monkeypatch.setattr(inputs, "align_pairs", lambda m, *a, **k: aligned.append(list(m)) or align_pairs(m, *a, **k))
    every = choose_for_inputs(None, sorted(modis + extra), landsat, 240.0, log=lambda s: None)
    only = choose_for_inputs(None, modis, landsat, 240.0, log=lambda s: None)
    assert aligned == [modis, modis] and every == only
