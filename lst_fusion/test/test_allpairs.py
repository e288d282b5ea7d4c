"""All-pairs regression (issue 38 item 3): every reference pair at once, each pixel's line of its MODIS.

Known answers: a series whose every fine pixel is an exact line of its MODIS over the dates is recovered on a
held-out date (within 0.05 K) at the default parameters; RIDGE 0 equals each pixel's own least squares (a
reference implementation here, with pixels missing on some dates); one pair equals 'Landsat ref + MODIS change'.
No peeking: the held-out date's Landsat is never among the references, and poisoning it changes nothing.
The series fits the model once and each date equals what validation scores.
"""
import dataclasses
import datetime as dt
import os

import numpy as np
import pytest

from lst_fusion.core.evaluation import protocol, validation
from lst_fusion.core.fusion import allpairs, methods
from lst_fusion.core.platform.errors import LstFusionError

from .conftest import write_tif

D = [dt.date(2020, 1, 1) + dt.timedelta(days=16 * k) for k in range(6)]
LEVELS = [-9.0, -3.0, 2.0, 7.0]  # MODIS of the dates about the scene's mean, K: a season
N = 32


def exact_series(n=N, classes=4, seed=0):
    """Six pairs whose fine pixels are exact lines F = alpha + beta M of their own MODIS over the dates, beta one
    value per class of mean reference LST (so the class prior is each pixel's own slope)."""
    rng = np.random.default_rng(seed)
    klass = np.repeat(np.arange(classes), n * n // classes).reshape(n, n)  # equal counts: the quantile classes
    beta = np.array([0.7, 0.9, 1.2, 1.5])[klass]
    alpha = 10.0 * klass + rng.uniform(0, 5, (n, n)) - 300.0 * (beta - 1)  # classes apart in mean LST
    base = 300.0 + rng.normal(0, 0.5, (n, n))
    pairs = {}
    for k, d in enumerate(D):
        m = base + 6.0 * np.sin(k) + rng.normal(0, 0.8, (n, n))
        pairs[d] = (alpha + beta * m, m)
    return pairs


def test_known_answer_recovered_on_a_held_out_date_at_the_defaults():
    pairs = exact_series()
    for case in protocol.plan(pairs):
        images = validation.case_images(case, pairs, "allpairs")
        assert len(images["fine_refs"]) == len(pairs) - 1
        pred = methods.fuse_image("allpairs", images)
        err = np.abs(pred - pairs[case.date][0])
        assert err.max() < 0.05, err.max()


def per_pixel_least_squares(fines, coarses, target):
    """The reference: np.linalg.lstsq of F = a + b M on each pixel's valid dates, applied to ``target``."""
    out = np.full(target.shape, np.nan)
    for i, j in np.ndindex(target.shape):
        f = np.array([x[i, j] for x in fines])
        c = np.array([x[i, j] for x in coarses])
        ok = np.isfinite(f) & np.isfinite(c)
        if ok.sum() >= 2:
            A = np.stack([np.ones(ok.sum()), c[ok]], axis=1)
            (a, b), *_ = np.linalg.lstsq(A, f[ok], rcond=None)
            out[i, j] = a + b * target[i, j]
    return out


def test_ridge_zero_is_each_pixels_own_least_squares_on_the_dates_it_has():
    rng = np.random.default_rng(3)
    n = 12
    coarses = [300 + lv + rng.normal(0, 1.0, (n, n)) for lv in LEVELS]
    fines = [c + rng.normal(0, 2.0, (n, n)) + rng.uniform(-3, 3) for c in coarses]  # noisy: slopes differ
    fines[1][:4, :4] = np.nan  # these pixels fit on three dates
    coarses[2][8:, 8:] = np.nan  # these on three others
    target = 300 + 4.0 + rng.normal(0, 1.0, (n, n))
    got = allpairs.predict(fines, coarses, target, ridge=0.0)
    want = per_pixel_least_squares(fines, coarses, target)
    assert np.allclose(got, want, atol=1e-3), np.nanmax(np.abs(got - want))
    # a ridge pulls each slope towards its class's: the result moves away from the least squares
    assert np.nanmax(np.abs(allpairs.predict(fines, coarses, target) - want)) > 0.1


def test_one_pair_is_landsat_ref_plus_modis_change_and_a_pixel_with_one_date_uses_its_class_slope():
    pairs = exact_series()
    (f1, c1), (_, c0) = pairs[D[0]], pairs[D[3]]
    got = methods.fuse_image("allpairs", {"fine_refs": [f1], "coarse_refs": [c1], "coarse_target": c0})
    want = protocol.baselines(f1, c1, c0)[protocol.BASELINE_CHANGE]
    assert np.allclose(got, want, atol=1e-4)
    # nodata: a pixel missing on every date but one fits its class's slope through that date
    fines = [pairs[d][0].copy() for d in D[:4]]
    for f in fines[1:]:
        f[0, 0] = np.nan
    a, b = allpairs.fit(fines, [pairs[d][1] for d in D[:4]], ridge=50.0)
    assert np.isfinite(a[0, 0]) and b[0, 0] == pytest.approx(b[0, 1], abs=0.02)  # class 0's slope, 0.7
    assert a[0, 0] + b[0, 0] * pairs[D[0]][1][0, 0] == pytest.approx(fines[0][0, 0], abs=1e-3)


@pytest.mark.parametrize("value", [np.nan, 1e6])
def test_the_held_out_dates_landsat_is_never_a_reference(value, monkeypatch):
    """Poison the held-out date's Landsat: the references never include it, the fit never receives it, and
    the prediction (every variant) is bit for bit the clean one; in auto's inner folds neither."""
    clean = exact_series()
    outer = D[3]
    poisoned = {**clean, outer: (np.full((N, N), value), clean[outer][1])}
    case = [c for c in protocol.plan(clean) if c.date == outer][0]
    assert outer not in validation.case_refs(case, clean, "allpairs")
    given = []
    real_fit = allpairs.fit_model

    def spy(fines, coarses, params, cancel=None):
        given.extend(id(f) for f in fines)
        return real_fit(fines, coarses, params, cancel)

    monkeypatch.setitem(methods.BY_ID, "allpairs", dataclasses.replace(methods.BY_ID["allpairs"], fit=spy))
    a = validation.classical_candidates(case, clean, 8, methods=("All-pairs regression",))
    b = validation.classical_candidates(case, poisoned, 8, methods=("All-pairs regression",))
    assert id(poisoned[outer][0]) not in given and id(clean[outer][0]) not in given
    for variant in protocol.VARIANT_ORDER:
        key = ("All-pairs regression", variant)
        assert np.isfinite(a[key]).all() and np.array_equal(a[key], b[key])
    # auto's inner folds for the outer date: the same choice and inner table
    seen = []

    def candidates(c, p):
        seen.append(tuple(p))
        return validation.classical_candidates(c, p, 8, methods=("All-pairs regression",))

    ca, cb = protocol.choose(clean, outer, candidates), protocol.choose(poisoned, outer, candidates)
    assert seen and all(outer not in s for s in seen)
    assert ca.key == cb.key and [r["RMSE"] for r in ca.table] == [r["RMSE"] for r in cb.table]


def test_the_table_entry_is_appended_and_a_candidate_everywhere():
    assert methods.IDS[-1] == "allpairs" and methods.enum_ids()[-1] == "allpairs"
    assert methods.enum_ids().index("allpairs") == 12  # fuse_series' METHOD index (append-only)
    entry = methods.get("allpairs")
    assert entry.pair_mode == methods.ALL and methods.pair_rules("allpairs") == (methods.ALL,)
    assert "All-pairs regression" in validation.CLASSICAL and "All-pairs regression" in validation.CANDIDATES
    from lst_fusion.algorithms.fuse_series import method_options

    assert method_options()[12] == "All-pairs regression"


def test_bad_parameters_are_one_sentence_naming_them():
    pairs = exact_series(8)
    fines, coarses = [pairs[d][0] for d in D], [pairs[d][1] for d in D]
    for kwargs, name in (({"ridge": -1.0}, "RIDGE"), ({"ridge": float("nan")}, "RIDGE"), ({"classes": 0}, "CLASSES"),
                         ({"classes": 2.5}, "CLASSES")):
        with pytest.raises(LstFusionError) as e:
            allpairs.fit(fines, coarses, **kwargs)
        assert e.value.parameter == name
    with pytest.raises(LstFusionError) as e:
        allpairs.fit([], [])
    assert e.value.parameter == "FINE_REFS"
    with pytest.raises(LstFusionError) as e:
        allpairs.fit(fines, coarses[:1])
    assert e.value.parameter == "FINE_REFS"


def test_degenerate_inputs_constant_one_by_one_and_nan_patches():
    const = np.full((6, 6), 300.0)
    out = allpairs.predict([const, const, const], [const, const, const], const + 2.0)
    assert np.allclose(out, 302.0)
    one = np.full((1, 1), 300.0)
    assert allpairs.predict([one, one + 5], [one, one + 4], one + 2).shape == (1, 1)
    pairs = exact_series(8)
    fines = [pairs[d][0].copy() for d in D[:4]]
    for f in fines:
        f[:3, :3] = np.nan  # never valid: NaN out
    target = pairs[D[5]][1].copy()
    target[5:, 5:] = np.nan
    out = allpairs.predict(fines, [pairs[d][1] for d in D[:4]], target)
    assert np.isnan(out[:3, :3]).all() and np.isnan(out[5:, 5:]).all()
    assert np.isfinite(out[3:5, :]).all()


def test_the_series_fits_once_and_writes_what_validation_scores(tmp_path):
    """fuse_series with the held-out date's Landsat withheld: one model for every date (its files and log line),
    the held-out date bit for bit validation's prediction, the tags naming every reference."""
    from lst_fusion.core.data.io import read_raster
    from lst_fusion.series import fuse_series

    pairs = exact_series()
    for sub in ("landsat", "modis"):
        (tmp_path / sub).mkdir()
    outer = D[3]
    for d, (f, c) in pairs.items():
        if d != outer:
            write_tif(tmp_path / "landsat" / f"L_{d:%Y%m%d}.tif", f.astype(np.float32))
        write_tif(tmp_path / "modis" / f"M_{d:%Y%m%d}.tif", c.astype(np.float32))
    logs = []
    res = fuse_series(str(tmp_path / "out"), modis=str(tmp_path / "modis"), landsat=str(tmp_path / "landsat"),
                      method="allpairs", scheduler="sequential", coarse_pixel=240.0, tile=16, log=logs.append)
    assert len(res.outputs) == len(D)
    models = sorted(f for f in os.listdir(tmp_path / "out") if f.startswith("MODEL_"))
    assert len(models) == 2 and sum("fitted on 5 reference pair(s)" in s for s in logs) == 1
    r = read_raster(os.path.join(tmp_path / "out", f"LST_ALLPAIRS_{outer:%Y%m%d}.tif"))
    f32 = {d: (f.astype(np.float32).astype(np.float64), c.astype(np.float32).astype(np.float64))
           for d, (f, c) in pairs.items()}
    case = [c for c in protocol.plan(f32) if c.date == outer][0]
    want = methods.fuse_image("allpairs", validation.case_images(case, f32, "allpairs"))
    assert np.array_equal(r.data, want, equal_nan=True)
    assert r.tags["REF_DATES"] == " ".join(d.isoformat() for d in D if d != outer)
    assert np.abs(r.data - pairs[outer][0]).max() < 0.05
    # a re-run keeps every date and the model
    logs.clear()
    fuse_series(str(tmp_path / "out"), modis=str(tmp_path / "modis"), landsat=str(tmp_path / "landsat"),
                method="allpairs", scheduler="sequential", coarse_pixel=240.0, tile=16, log=logs.append)
    assert not any("fitted on" in s for s in logs)


def test_toolbox_algorithm_with_lists_and_with_a_dataset(provider, tmp_path):
    import processing

    from lst_fusion.core.data.io import read_raster

    pairs = exact_series(16)
    paths = {}
    for d, (f, c) in pairs.items():
        paths[d] = (write_tif(tmp_path / f"L_{d:%Y%m%d}.tif", f.astype(np.float32)),
                    write_tif(tmp_path / f"M_{d:%Y%m%d}.tif", c.astype(np.float32)))
    outer = D[3]
    refs = [d for d in D if d != outer]
    res = processing.run("lstfusion:allpairs", {
        "COARSE_TARGET": paths[outer][1], "LANDSAT": [paths[d][0] for d in refs],
        "MODIS": [paths[d][1] for d in refs], "OUTPUT": str(tmp_path / "fused.tif")})
    r = read_raster(res["OUTPUT"])
    assert np.abs(r.data - pairs[outer][0]).max() < 0.05
    assert r.tags["REF_DATES"] == " ".join(d.isoformat() for d in refs) and r.tags["METHOD"] == "All-pairs regression"
