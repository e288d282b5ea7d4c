"""benchmarks/bench_cloudy_training.py's pure parts: the seeded cloud masks and the clouded training pairs."""
import datetime as dt
import importlib.util
import os

import numpy as np
import pytest

from .conftest import REPO, synthetic_scene


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_cloudy_training",
                                                  os.path.join(REPO, "benchmarks", "bench_cloudy_training.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.6, 1.0])
def test_cloud_mask_has_exactly_the_asked_fraction_and_is_seeded(bench, fraction):
    shape = (57, 83)  # 4731 px: 0.3 -> round(1419.3) = 1419 clouded pixels
    m = bench.cloud_mask(shape, fraction, seed=5)
    assert m.shape == shape and m.sum() == round(fraction * shape[0] * shape[1])
    np.testing.assert_array_equal(m, bench.cloud_mask(shape, fraction, seed=5))
    if 0 < fraction < 1:
        assert not np.array_equal(m, bench.cloud_mask(shape, fraction, seed=6))


def test_cloud_masks_are_blobs_not_salt(bench):
    """Smoothed noise: a clouded pixel's 4 neighbours are mostly clouded too (about the fraction for salt)."""
    m = bench.cloud_mask((100, 100), 0.3, seed=1)
    inner = m[1:-1, 1:-1]
    same = np.mean([(inner & np.roll(m, s, a)[1:-1, 1:-1]).sum() / inner.sum() for s in (1, -1) for a in (0, 1)])
    assert same > 0.9


def test_clouded_pairs_are_gap_filled_and_mark_what_was_observed(bench):
    base = synthetic_scene(40).astype(np.float32)
    base[0, :5] = np.nan  # a real gap
    pairs = {dt.date(2020, 1, 1): (base, base * 0.5), dt.date(2020, 3, 1): (base + 2, base * 0.5)}
    filled, observed = bench.clouded(pairs, 0.3, seed=0)
    for d, (f, c) in filled.items():
        cloud = bench.cloud_mask(base.shape, 0.3, bench.date_seed(0, 0.3, d))
        np.testing.assert_array_equal(observed[d], ~cloud & np.isfinite(pairs[d][0]))
        assert np.isfinite(f).all() and c is pairs[d][1]
        np.testing.assert_array_equal(f[observed[d]], pairs[d][0][observed[d]])  # observed pixels untouched
