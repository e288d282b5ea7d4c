"""The uncertainty map of a fused date (issue 38, item 4; docs/uncertainty.md): known answers, no peeking, the
map beside each LST of a series on its grid and nodata, resume, and the one-pair refusal."""
import datetime as dt
import os
import shutil

import numpy as np
import pytest

from lst_fusion.core.data.io import read_raster
from lst_fusion.core.evaluation import uncertainty as unc
from lst_fusion.core.fusion import methods
from lst_fusion.series import fuse_series, read_series_csv

from .conftest import write_tif
from .test_what_is_validated_runs import folders, series_of  # noqa: F401  (the fixture of four pairs)

SIGMA = (0.5, 1.0, 2.0)  # residual std of the three classes
Z90 = 1.6448536  # the 90 % half-width of a standard normal


def gaussian_pairs(n_dates=4, seed=1, offsets=None):
    """Same-day pairs whose MODIS is each stripe's level exactly and whose Landsat adds Gaussian noise of the
    stripe's SIGMA: MODIS resampled's residual is that noise, so the 90 % half-width is 1.645 SIGMA."""
    rng = np.random.default_rng(seed)
    levels = np.repeat([280.0, 310.0, 340.0], 20)[None, :].repeat(60, 0)
    sigma = np.repeat(SIGMA, 20)[None, :].repeat(60, 0)
    pairs = {}
    for k in range(n_dates):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=16 * k)
        coarse = levels + 2.0 * k + (offsets[k] if offsets else 0.0)
        pairs[day] = (levels + 2.0 * k + rng.normal(0.0, 1.0, levels.shape) * sigma, coarse)
    return pairs


def baseline(t, others, modis):
    return unc.predict_date(t, others, methods.BASELINE, coarse_target=modis)


def test_half_width_of_gaussian_residuals_is_1645_sigma_per_class():
    folds, skipped = unc.residual_folds(gaussian_pairs(), baseline)
    assert len(folds) == 4 and not skipped
    cal = unc.calibrate(folds)
    for c, s in enumerate(SIGMA, 1):
        assert cal.widths[(c, unc.ANY)] == pytest.approx(Z90 * s, rel=0.05)
    # the map: each pixel gets its class's half-width (within its change bin's sampling error)
    f = folds[0]
    hw = unc.uncertainty_map(cal, f.prediction, f.classes, f.change)
    for c, s in enumerate(SIGMA, 1):
        assert np.allclose(hw[:, 20 * (c - 1):20 * c], Z90 * s, rtol=0.10)
    assert cal.tags()["UNCERTAINTY"] == "90% half-width"


def test_nested_coverage_of_gaussian_residuals_is_nominal_within_3_points():
    """The honesty check of docs/uncertainty.md on a series whose residuals are known: each held-out date is
    covered at 90 % within 3 points by a calibration on the other pairs only."""
    rows = unc.nested_coverage(gaussian_pairs(), baseline)
    assert len(rows) == 4
    for r in rows:
        assert r["observed"] == pytest.approx(0.90, abs=0.03), r


def test_the_days_level_offset_is_part_of_the_interval():
    """Residuals are not de-meaned per date: dates whose Landsat sits 3 K above or below MODIS widen it."""
    plain = unc.calibrate(unc.residual_folds(gaussian_pairs(), baseline)[0]).widths[(unc.ANY, unc.ANY)]
    offset = unc.calibrate(unc.residual_folds(gaussian_pairs(offsets=[3.0, -3.0, 3.0, -3.0]), baseline)[0])
    assert offset.widths[(unc.ANY, unc.ANY)] > plain + 2.0


def test_a_sparse_bin_falls_back_to_its_class_then_to_all():
    pairs = gaussian_pairs(n_dates=2)
    cal = unc.calibrate(unc.residual_folds(pairs, baseline)[0], min_count=10 ** 9)  # no bin has enough pixels
    hw = cal.half_width(np.array([[1, 2, 0]]), np.array([[0.0, 9.0, np.nan]]))
    assert np.all(hw == cal.widths[(unc.ANY, unc.ANY)])
    cal = unc.calibrate(unc.residual_folds(pairs, baseline)[0], min_count=1000)
    assert cal.half_width(np.array([[3]]), np.array([[np.nan]]))[0, 0] == cal.widths[(3, unc.ANY)]


def test_half_width_table_gives_every_pixel_its_lookup_value():
    """Calibration.half_width is one look-up in a class x change-bin table: each pixel gets exactly what
    Calibration.lookup (the definition, with its fall-backs) gives its (class, bin), for random classes (0 = none,
    classes the calibration has, classes it never saw, a large land-cover code) and changes (NaN: no bin)."""
    rng = np.random.default_rng(3)
    edges = (0.5, 1.5, 3.0)
    widths, counts = {}, {}
    for c in (unc.ANY, 1, 2, 3, 7):
        for b in (unc.ANY, 0, 1, 2, 3):
            widths[(c, b)] = float(rng.uniform(0.5, 5.0))
            counts[(c, b)] = int(rng.choice([0, 199, 200, 5000, 5000]))  # below, at and above MIN_COUNT
    counts[(unc.ANY, unc.ANY)] = 10 ** 6
    cal = unc.Calibration(0.9, (), edges, widths, counts)
    classes = rng.choice([0, 1, 2, 3, 4, 7, 9, 255, 70000, -3], size=(60, 70))
    change = rng.uniform(0.0, 5.0, size=classes.shape)
    change[rng.random(classes.shape) < 0.1] = np.nan
    change[0, :4] = edges[:3] + (edges[0],)  # on the edges: the bin above (searchsorted side right)
    change[1, :2] = np.inf, -np.inf  # not finite: no change bin
    bins = cal.change_bin(change)
    assert np.array_equal(bins, np.where(np.isfinite(change), np.searchsorted(edges, change, side="right"), unc.ANY))
    expected = np.array([[cal.lookup(int(c) if c > 0 else unc.ANY, int(b)) for c, b in zip(cr, br)]
                         for cr, br in zip(classes, bins)])
    hw = cal.half_width(classes, change)
    assert hw.dtype == np.float64 and np.array_equal(hw, expected)
    used = {(int(c), int(b)) for c, b in zip(classes.ravel(), bins.ravel())}
    assert len(used) > 30 and len(set(expected.ravel())) > 8  # the fall-backs and many bins were exercised
    no_classes = unc.Calibration(0.9, (), edges, {k: v for k, v in widths.items() if k[0] == unc.ANY},
                                 {k: v for k, v in counts.items() if k[0] == unc.ANY})
    assert np.array_equal(no_classes.half_width(classes, change),
                          [[no_classes.lookup(unc.ANY, int(b)) for b in br] for br in bins])


def test_the_calibration_of_a_date_never_reads_its_landsat(folders):  # noqa: F811
    """No peeking: the predictor of a held-out date is never given its pair, and its prediction does not change
    when that date's Landsat does (only its truth does)."""
    _, pairs = folders
    seen = []

    def spy(t, others, modis):
        assert t not in others
        seen.append(t)
        return unc.predict_date(t, others, "starfm", methods.ONE, "scene mean", 0.5, 8, coarse_target=modis)

    folds, _ = unc.residual_folds(pairs, spy)
    assert sorted(seen) == sorted(pairs)
    t = sorted(pairs)[1]
    changed = {**pairs, t: (pairs[t][0] + 100.0, pairs[t][1])}
    again = {f.date: f for f in unc.residual_folds(changed, spy)[0]}
    first = {f.date: f for f in folds}
    assert np.array_equal(again[t].prediction, first[t].prediction, equal_nan=True)
    assert not np.allclose(again[t].truth, first[t].truth)


def test_the_calibration_predicts_each_date_as_the_series_runs_it(folders, tmp_path):  # noqa: F811
    """What is calibrated is what runs: a held-out date's calibration prediction (method, pair rule, correction,
    w) equals what fuse_series writes for that date with its Landsat withheld."""
    root, pairs = folders
    t = sorted(pairs)[2]
    others = {d: v for d, v in pairs.items() if d != t}
    want, _ = unc.predict_date(t, others, "starfm", methods.ONE, "scene mean", 0.4, 8, coarse_target=pairs[t][1])
    got, _ = series_of(root, tmp_path, t, "starfm", methods.ONE, "scene mean", 0.4)
    assert np.allclose(got, want, atol=1e-4, equal_nan=True)


# --- the series --------------------------------------------------------------------------------------


def run(root, out, **kw):
    logs = []
    kw = dict(dict(modis=str(root / "modis"), landsat=str(root / "landsat"), method="starfm", pairs=methods.ONE,
                   max_gap_days=999, coarse_pixel=240.0, scheduler="sequential"), **kw)
    res = fuse_series(str(out), log=logs.append, **kw)
    return res, logs


@pytest.fixture
def series_root(folders, tmp_path):  # noqa: F811
    """The four pairs plus a MODIS-only date whose MODIS has a hole (nodata in the LST and in its map)."""
    root, pairs = folders
    shutil.copytree(root, tmp_path / "in")
    c = pairs[sorted(pairs)[1]][1].copy()
    c[:8, :8] = np.nan
    write_tif(tmp_path / "in" / "modis" / "M_20200125.tif", c.astype(np.float32))
    return tmp_path / "in"


def test_each_fused_date_gets_its_map_on_the_lst_grid_and_nodata(series_root, tmp_path):
    res, logs = run(series_root, tmp_path / "out")
    rows = read_series_csv(res.csv)
    assert len(rows) == 5 and all(r["uncertainty"] == "UNC_" + r["output"][4:] for r in rows)
    for r in rows:
        lst = read_raster(os.path.join(res.folder, r["output"]))
        m = read_raster(os.path.join(res.folder, r["uncertainty"]))
        assert m.grid.same_as(lst.grid) and m.data.shape == lst.data.shape
        assert np.array_equal(np.isnan(m.data), np.isnan(lst.data))
        assert m.tags["UNCERTAINTY"] == "90% half-width" and m.tags["LST_UNIT"] == lst.tags["LST_UNIT"]
        assert m.tags["LST_KEY"] == lst.tags["SERIES_KEY"]
        assert np.nanmin(m.data) > 0
    hole = read_raster(os.path.join(res.folder, "UNC_STARFM_20200125.tif")).data
    assert np.isnan(hole[:8, :8]).all() and np.isfinite(hole[10:, 10:]).all()
    assert any(s.startswith("uncertainty: 90% half-width calibrated on 4 held-out pair date(s)") for s in logs)
    # the calibration of the series is the core's on the same pairs and predictions
    assert res.uncertainty.calibration.dates == tuple(sorted(d for d in res.uncertainty.pairs))


def test_resume_keeps_rewrites_and_removes_maps_consistently(series_root, tmp_path):
    out = tmp_path / "out"
    res, _ = run(series_root, out)
    names = [r["uncertainty"] for r in read_series_csv(res.csv)]
    mtimes = {n: os.stat(out / n).st_mtime_ns for n in names}
    os.remove(out / names[2])  # a run killed between a date's LST and its map
    res, logs = run(series_root, out)
    assert "5 date(s) already complete with the same inputs and parameters: kept" in logs
    assert [r["uncertainty"] for r in read_series_csv(res.csv)] == names and (out / names[2]).exists()
    assert all(os.stat(out / n).st_mtime_ns == mtimes[n] for n in names if n != names[2])
    # off: nothing written, series.csv says so; maps that still describe their LST are left
    res, _ = run(series_root, out, uncertainty=False)
    assert {r["uncertainty"] for r in read_series_csv(res.csv)} == {"no uncertainty map: UNCERTAINTY is off"}
    assert all((out / n).exists() for n in names)
    # off with another parameter: every LST is computed again and the maps describing the old ones are removed
    res, logs = run(series_root, out, uncertainty=False, window=15)
    assert not any((out / n).exists() for n in names)
    # on again: a map for each recomputed LST
    res, _ = run(series_root, out, window=15)
    assert all((out / n).exists() for n in names)


def test_one_pair_gives_no_map_and_says_why_in_one_sentence(series_root, tmp_path):
    lan = tmp_path / "one"
    lan.mkdir()
    first = sorted(os.listdir(series_root / "landsat"))[0]
    shutil.copy(series_root / "landsat" / first, lan / first)
    res, logs = run(series_root, tmp_path / "out", landsat=str(lan))
    sentence = unc.too_few_pairs(1)
    assert sentence in logs
    assert {r["uncertainty"] for r in read_series_csv(res.csv)} == {sentence}
    assert not [f for f in os.listdir(res.folder) if f.startswith("UNC_")]
    assert res.uncertainty.calibration is None and res.uncertainty.reason == sentence


def test_processing_run_writes_styles_and_reports_the_maps(folders, tmp_path, qgis_app, qgis_processing):  # noqa: F811
    """lstfusion:fuse_series: UNCERTAINTY on (the default) writes a map per date, the report shows the
    calibration, and the map is styled 0-to-high on the YlOrRd ramp; off writes none and says so."""
    import processing
    from qgis.core import QgsApplication, QgsRasterLayer

    from lst_fusion.algorithms import names as P
    from lst_fusion.algorithms.outputs import apply_uncertainty_style
    from lst_fusion.algorithms.provider import LstFusionProvider

    root, _ = folders
    base = {P.MODIS: str(root / "modis"), P.LANDSAT: str(root / "landsat"), P.COARSE_PIXEL: 240.0,
            P.METHOD: methods.enum_ids().index("starfm"), P.MAX_GAP_DAYS: 999}
    reg = QgsApplication.processingRegistry()
    provider = LstFusionProvider()
    assert reg.addProvider(provider)
    try:
        modis = sorted(str(p) for p in (root / "modis").iterdir())
        landsat = sorted(str(p) for p in (root / "landsat").iterdir())
        base.update({P.MODIS: modis, P.LANDSAT: landsat})
        on = processing.run("lstfusion:fuse_series", dict(base, OUTPUT=str(tmp_path / "on")))
        off = processing.run("lstfusion:fuse_series", dict(base, OUTPUT=str(tmp_path / "off"), UNCERTAINTY=False))
    finally:
        reg.removeProvider(provider)
    maps = sorted(f for f in os.listdir(tmp_path / "on") if f.startswith("UNC_"))
    assert len(maps) == on[P.N_DATES] == 4
    html = open(on[P.OUTPUT_HTML], encoding="utf-8").read()
    assert "Uncertainty (half-width of the central 90 % interval)" in html and "calibrated on 4 held-out" in html
    assert not [f for f in os.listdir(tmp_path / "off") if f.startswith("UNC_")]
    assert "UNCERTAINTY is off" in open(off[P.OUTPUT_HTML], encoding="utf-8").read()
    layer = QgsRasterLayer(str(tmp_path / "on" / maps[0]), "unc")
    assert apply_uncertainty_style(layer, (0.0, 2.5))
    assert (layer.renderer().classificationMin(), layer.renderer().classificationMax()) == (0.0, 2.5)


# --- the day's level offset term (docs/uncertainty.md) --------------------------------------------------


def folds_of(residuals, shape=(40, 50)):
    """Folds whose residual (truth - prediction) is ``residuals[k]`` (scalars or arrays), one class, no change."""
    out = []
    for k, r in enumerate(residuals):
        r = np.broadcast_to(np.asarray(r, dtype=np.float64), shape)
        out.append(unc.Fold(dt.date(2020, 1, 1) + dt.timedelta(days=16 * k), None, r.copy(), np.zeros(shape),
                            np.ones(shape, dtype=np.int32), np.zeros(shape)))
    return out


def test_offsets_alone_give_the_student_t_quantile():
    """(a) No spatial residual, each date's Landsat offset by a draw of N(0, 2): the half-width is
    s t_{n-1}(0.95), s = sqrt(mean offset^2) sqrt(1 + 1/n), in every bin."""
    from scipy.stats import t as student_t

    offsets = np.random.default_rng(3).normal(0.0, 2.0, 6)
    cal = unc.calibrate(folds_of(offsets))
    s = np.sqrt(np.mean(offsets ** 2)) * np.sqrt(1 + 1 / 6)
    assert cal.offset_scale == pytest.approx(s, rel=1e-12) and cal.offset_dof == 5
    assert cal.offsets == pytest.approx(dict(zip(cal.dates, offsets)))
    for key, width in cal.widths.items():
        assert width == pytest.approx(s * student_t.ppf(0.95, 5), rel=1e-6), key
    assert "n = 6 dates" in cal.tags()["UNCERTAINTY_OFFSET"] and f"s = {s:.3g}" in cal.describe()


def test_zero_offsets_give_the_pure_spatial_quantile():
    """(b) Each date's residual has mean exactly 0 (quarter-units, symmetric): the half-width of every bin is the
    90 % quantile of |r| in it, as without an offset term."""
    rng = np.random.default_rng(4)
    residuals = []
    for _ in range(4):
        v = rng.integers(-40, 41, 1000) / 4.0
        residuals.append(np.concatenate([v, -v]).reshape(40, 50))
    cal = unc.calibrate(folds_of(residuals))
    assert cal.offset_scale == 0.0
    pooled = np.abs(np.concatenate([r.ravel() for r in residuals]))
    assert cal.widths[(unc.ANY, unc.ANY)] == np.quantile(pooled, 0.90, method="higher")
    assert cal.widths[(1, unc.ANY)] == cal.widths[(unc.ANY, unc.ANY)]


def test_one_calibration_date_has_no_offset_term_and_says_so():
    rng = np.random.default_rng(5)
    r = 1.5 + rng.normal(0.0, 1.0, (40, 50))
    cal = unc.calibrate(folds_of([r]))
    assert cal.offset_scale is None and unc.NO_OFFSET_TERM in cal.tags()["UNCERTAINTY_OFFSET"]
    assert cal.widths[(unc.ANY, unc.ANY)] == np.quantile(np.abs(r), 0.90, method="higher")  # not de-meaned


def offset_series(n_dates, sigma, tau, seed=7, shape=(30, 30)):
    """Pairs whose MODIS is the level exactly and whose Landsat adds the date's offset (the normal quantiles of
    N(0, sigma), shuffled in time, so that the sample is representative) and spatial noise N(0, tau)."""
    from scipy.stats import norm

    rng = np.random.default_rng(seed)
    offsets = rng.permutation(sigma * norm.ppf((np.arange(n_dates) + 0.5) / n_dates))
    levels = np.repeat([280.0, 300.0, 320.0], shape[1] // 3)[None, :].repeat(shape[0], 0)
    pairs = {}
    for k in range(n_dates):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=8 * k)
        pairs[day] = (levels + 0.5 * k + offsets[k] + rng.normal(0.0, tau, shape), levels + 0.5 * k)
    return pairs


def test_nested_coverage_with_date_offsets_is_nominal_pooled():
    """(c) Per-date offsets N(0, 1.5) + spatial N(0, 1) over 20 dates: pooled over the held-out dates, the
    nested coverage is 90 % within 3 points (per date it cannot be: a date's offset is shared by its pixels)."""
    rows = unc.nested_coverage(offset_series(20, 1.5, 1.0), baseline)
    assert len(rows) == 20 and all("observed" in r for r in rows)
    pooled = sum(r["observed"] * r["pixels"] for r in rows) / sum(r["pixels"] for r in rows)
    assert pooled == pytest.approx(0.90, abs=0.03)
    # the per-date share falls with the size of the date's offset
    obs = np.array([r["observed"] for r in rows])
    assert obs.min() < 0.6 and obs.max() > 0.97


# --- pair mode ALL ----------------------------------------------------------------------------------------


def test_a_held_out_date_of_all_pairs_is_predicted_as_validation_predicts_it(folders):  # noqa: F811
    from lst_fusion.core.evaluation import protocol, validation

    _, pairs = folders
    case = protocol.plan(pairs)[1]
    others = {d: v for d, v in pairs.items() if d != case.date}
    got, ref = unc.predict_date(case.date, others, "allpairs", block=8, coarse_target=pairs[case.date][1])
    want = methods.fuse_image("allpairs", validation.case_images(case, pairs, "allpairs"), factor=8)
    assert np.array_equal(got, want, equal_nan=True)
    assert ref == case.nearest
    # MAX_GAP_DAYS does not apply to ALL (the fit is over the seasons); it does to the nearest-pair rules
    assert np.array_equal(unc.predict_date(case.date, others, "allpairs", block=8, max_gap_days=1,
                                           coarse_target=pairs[case.date][1])[0], want, equal_nan=True)
    with pytest.raises(ValueError, match="within 1 days"):
        unc.predict_date(case.date, others, "starfm", methods.ONE, block=8, max_gap_days=1,
                         coarse_target=pairs[case.date][1])


def test_an_all_pairs_series_writes_its_maps(series_root, tmp_path):
    res, logs = run(series_root, tmp_path / "out", method="allpairs", pairs=None)
    rows = read_series_csv(res.csv)
    assert len(rows) == 5 and all(r["uncertainty"] == "UNC_" + r["output"][4:] for r in rows)
    assert res.uncertainty.calibration.dates == tuple(sorted(res.uncertainty.pairs))
    for r in rows:
        m = read_raster(os.path.join(res.folder, r["uncertainty"]))
        assert m.tags["METHOD"] == read_raster(os.path.join(res.folder, r["output"])).tags["METHOD"]
        assert np.nanmin(m.data) > 0 and "date offset term from n = 4 dates" in m.tags["UNCERTAINTY_OFFSET"]


def test_a_date_that_cannot_be_predicted_is_named_once_with_its_reason():
    """ESTARFM needs a pair on each side: on two pairs neither can be predicted from the other, and each date's
    reason is the pair rule's, its date said once (not '2020-01-01: 2020-01-01: ...')."""
    pairs = dict(list(gaussian_pairs().items())[:2])

    def estarfm(t, others, modis):
        return unc.predict_date(t, {**others, t: (None, modis)}, "estarfm", block=4)

    folds, skipped = unc.residual_folds(pairs, estarfm)
    first, last = sorted(pairs)
    assert folds == [] and skipped == {
        first: f"no Landsat pair on or before {first.isoformat()}",
        last: f"no Landsat pair after {last.isoformat()}"}


def test_above_the_budget_the_folds_are_predicted_on_autos_tile_sample():
    """A large image's folds run on auto's sample of tiles (core.evaluation.sample, issue 41): the predictor is
    given each tile's window only (never the held-out date's Landsat), the cores are pooled, and truth, class
    and change are the whole image's cut to the same cores; for MODIS resampled (no window dependence) the
    pooled fold is exactly the whole-image fold cut to the sample, and its level offset the whole image's."""
    from lst_fusion.core.evaluation import sample

    big = {d: (np.tile(f, (3, 3)), np.tile(c, (3, 3))) for d, (f, c) in gaussian_pairs().items()}  # 180 x 180 px
    rule = sample.Rule(budget=4000, tile=40, halo=10)
    where = sample.tiles(big, 10, rule)
    assert where is not None and where.px == 2 * 40 * 40  # 4000 // 1600 = 2 tiles of 40 x 40 px
    shapes = []

    def spy(t, others, modis):
        assert t not in others
        shapes.append(modis.shape)
        assert all(a.shape == modis.shape for v in others.values() for a in v)
        return baseline(t, others, modis)

    folds, _ = unc.residual_folds(big, spy, where=where)
    whole, _ = unc.residual_folds(big, baseline)
    assert set(shapes) <= {(r1 - r0, c1 - c0) for r0, r1, c0, c1 in where.windows} and len(shapes) == 4 * len(where)
    for f, w in zip(folds, whole):
        for name in ("truth", "prediction", "classes", "change"):
            assert np.array_equal(getattr(f, name), where.cut(getattr(w, name)), equal_nan=True)
    cal, _ = unc.calibrate_pairs(big, methods.BASELINE, block=10, sample_rule=rule)
    assert cal.widths == unc.calibrate(folds).widths
    # each date's level offset is the difference estimator: the whole image's mean Landsat - MODIS plus the
    # sample's mean MODIS - prediction (0 here), so exactly the whole-image fold's mean residual
    full = unc.calibrate(whole)
    assert cal.offsets == pytest.approx(full.offsets, abs=1e-9)
    assert cal.offsets != pytest.approx({f.date: float(np.nanmean(f.truth - f.prediction)) for f in folds}, abs=1e-3)
    assert "folds predicted on 2 tile(s), 3200 px of 32400" in cal.describe()
    small, _ = unc.calibrate_pairs(gaussian_pairs(), methods.BASELINE, block=10, sample_rule=rule)  # 3600 px
    assert "folds predicted" not in small.describe()
