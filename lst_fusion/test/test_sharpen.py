"""Thermal sharpening of the target day (issue 38, item 2): core/fusion/sharpen.py and its table entry.

Known answers: a day whose fine LST is an exact function of the predictor (the nearest Landsat's LST, F1) and
whose MODIS is the footprint mean of that truth; sharpening recovers the truth within 0.05 K and keeps every
footprint's mean equal to the day's MODIS within 1e-4 K.  Then the wiring: the table (appended, after FSDAF),
fuse_series' METHOD, validate_methods' METHODS, auto's candidates and the Toolbox algorithm.
"""
import datetime as dt
import os

import numpy as np
import pytest

from lst_fusion.core.fusion import methods as M
from lst_fusion.core.fusion import sharpen as S
from lst_fusion.core.fusion.residual import block_mean
from lst_fusion.core.platform.errors import LstFusionError

from .conftest import synthetic_scene, write_tif

N, FACTOR = 120, 6


def predictor(seed=1):
    """F1: footprints of two regimes (290-298 K and 306-314 K) with +-1 K inside each footprint."""
    rng = np.random.default_rng(seed)
    nb = N // FACTOR
    base = np.where(rng.random((nb, nb)) < 0.5, rng.uniform(290, 298, (nb, nb)), rng.uniform(306, 314, (nb, nb)))
    return np.kron(base, np.ones((FACTOR, FACTOR))) + rng.uniform(-1, 1, (N, N))


def linear(F):
    return 12.0 + 0.95 * F


def piecewise(F):  # a break at 302 K: the day's contrast differs between the two regimes
    return np.where(F < 302, 20.0 + 0.9 * F, -40.0 + 1.15 * F)


def modis_of(truth, factor=FACTOR):
    """The day's MODIS on the fine grid: the footprint mean of the truth, repeated over the footprint."""
    n = truth.shape[0]
    return np.kron(block_mean(truth, factor), np.ones((factor, factor)))[:n, :truth.shape[1]]


def footprint_error(pred, modis, factor=FACTOR):
    return float(np.nanmax(np.abs(block_mean(pred, factor) - block_mean(modis, factor))))


@pytest.mark.parametrize("truth,depth", [(linear, 0), (linear, S.DEFAULT_DEPTH), (piecewise, S.DEFAULT_DEPTH),
                                         (piecewise, 1)])
def test_known_answer_recovered_and_footprints_keep_modis(truth, depth):
    F1 = predictor()
    T = truth(F1)
    C0 = modis_of(T)
    C1 = modis_of(F1)  # the pair's MODIS: not used by the method
    out = S.sharpen(F1, C1, C0, FACTOR, depth=depth)
    assert out.dtype == np.float32 and np.isfinite(out).all()
    assert np.abs(out - T).max() < 0.05  # measured: 1.5e-5 K (float32 rounding)
    assert footprint_error(out, C0) < 1e-4  # measured: 5e-6 K
    # MODIS resampled is far from the truth: the sharpening is doing the work
    assert np.abs(C0 - T).max() > 1.0


def test_one_line_cannot_follow_a_break_the_tree_can():
    """DEPTH 0 (one line, TsHARP-like) on the piecewise day misses the break; the footprints still keep MODIS."""
    F1 = predictor()
    T = piecewise(F1)
    C0 = modis_of(T)
    line = S.sharpen(F1, F1, C0, FACTOR, depth=0)
    tree = S.sharpen(F1, F1, C0, FACTOR, depth=S.DEFAULT_DEPTH)
    assert np.abs(line - T).max() > 0.1 > np.abs(tree - T).max()
    assert footprint_error(line, C0) < 1e-4


def test_nodata_and_the_table_path_equal_the_core_function():
    F1 = predictor(2)
    T = piecewise(F1)
    C0 = modis_of(T)
    F1[12:24, 30:48] = np.nan  # a Landsat hole of whole footprints (a partial one biases the fit: MODIS saw it all)
    C0[60:72, 0:12] = np.nan  # two MODIS footprints without data
    out = S.sharpen(F1, F1, C0, FACTOR)
    assert np.array_equal(np.isnan(out), np.isnan(F1) | np.isnan(C0))
    ok = np.isfinite(out)
    assert np.abs(out[ok] - T[ok]).max() < 0.05
    valid = np.isfinite(F1) & np.isfinite(C0)
    np.testing.assert_allclose(block_mean(out, FACTOR), block_mean(C0, FACTOR, valid), atol=1e-4)
    images = {"fine_ref1": F1, "coarse_ref1": F1, "coarse_target": C0}
    tiled = M.fuse_image("sharpen", images, tile=32, factor=FACTOR)  # WHOLE: one tile, whatever is asked
    np.testing.assert_array_equal(tiled, out)


def test_the_table_entry_is_appended():
    m = M.get("sharpen")
    # appended after MODIS resampled: the enum indices saved in models keep their methods (fuse_series' METHOD 11)
    assert M.IDS[:11] == ("estarfm", "starfm", "edcstfn", "sttfn", "mlffgan", "ganstfm", "swinstfm", "fitfc",
                          "fsdaf", "modis", "sharpen")
    assert M.enum_ids()[M.AUTO_POSITION:M.AUTO_POSITION + 5] == ["auto", "fitfc", "fsdaf", "modis", "sharpen"]
    assert m.fusion and "sharpen" in M.CLASSICAL
    assert (m.label, m.pair_mode, m.tiling, m.quantities, m.tag) == ("Thermal sharpening", M.ONE, M.WHOLE, ("lst",),
                                                                     "SHARPEN")
    assert M.halo("sharpen", params={"FACTOR": 6}) == 0
    assert all(p.help for p in m.params if p.name != "FACTOR")
    assert M.candidate_label("sharpen") == "Thermal sharpening" and M.id_of("Thermal sharpening") == "sharpen"


def test_bad_parameters_are_one_sentence_naming_them(monkeypatch):
    F1 = predictor()
    with pytest.raises(LstFusionError, match=f"^DEPTH: must be at most {S.MAX_DEPTH}, not 13$"):
        M.check_param("sharpen", "DEPTH", 13)
    with pytest.raises(LstFusionError, match="^MIN_FOOTPRINTS: must be at least 1, not 0$"):
        M.check_param("sharpen", "MIN_FOOTPRINTS", 0)
    with pytest.raises(LstFusionError, match=r"^DEPTH: must be a whole number from 0 \(one line\) to 12, not -1$"):
        S.sharpen(F1, F1, F1, FACTOR, depth=-1)
    with pytest.raises(LstFusionError, match="^MIN_FOOTPRINTS: must be a whole number of at least 1, not 2.5$"):
        S.sharpen(F1, F1, F1, FACTOR, min_footprints=2.5)
    with pytest.raises(LstFusionError, match="^FACTOR: the MODIS pixel must be a whole number of fine pixels"):
        S.sharpen(F1, F1, F1, 0)
    with pytest.raises(LstFusionError, match="^FACTOR: Thermal sharpening needs the MODIS pixel"):
        M.fuse_image("sharpen", {"fine_ref1": F1, "coarse_ref1": F1, "coarse_target": F1})
    with pytest.raises(LstFusionError, match="^COARSE_TARGET: size"):
        S.sharpen(F1, F1, F1[:60], FACTOR)
    # without scikit-learn: the tree is refused in one sentence that says how to install it; one line still runs
    from lst_fusion.core.platform import backends

    real = backends.available
    monkeypatch.setattr(backends, "available", lambda m: False if m == "sklearn" else real(m))
    with pytest.raises(LstFusionError) as err:
        S.sharpen(F1, F1, modis_of(linear(F1)), FACTOR, depth=2)
    msg = str(err.value)
    assert msg.startswith("DEPTH: The Python package 'scikit-learn' is not installed in QGIS's Python")
    assert "apt install python3-sklearn" in msg and "pip install scikit-learn" in msg and msg.count(". ") == 0
    out = S.sharpen(F1, F1, modis_of(linear(F1)), FACTOR, depth=0)
    assert np.abs(out - linear(F1)).max() < 0.05


def test_a_degenerate_day_still_gives_modis():
    """A constant predictor or a single MODIS footprint: a constant model, the day's MODIS per footprint."""
    F = np.full((24, 24), 300.0)
    C0 = F + 2.0
    np.testing.assert_allclose(S.sharpen(F, F, C0, 4), 302.0, atol=1e-4)
    G = synthetic_scene(24, 6, celsius=False)
    one = np.full((24, 24), np.nan)
    one[8:12, 12:16] = 305.0
    out = S.sharpen(G, G, one, 4)
    assert np.isfinite(out[8:12, 12:16]).all() and np.isnan(out[:8]).all()
    assert abs(np.mean(out[8:12, 12:16]) - 305.0) < 1e-4


# --------------------------------------------------------------- wiring: series, validation, auto, Toolbox

def test_fuse_series_runs_it(tmp_path):
    from lst_fusion.core.data.io import read_raster
    from lst_fusion.series import fuse_series

    lan_dir, mod_dir = tmp_path / "landsat", tmp_path / "modis"
    lan_dir.mkdir()
    mod_dir.mkdir()
    n, f = 48, 4  # 30 m fine, MODIS at 120 m
    F = synthetic_scene(n, 3, celsius=False)
    days = {1: linear, 5: piecewise, 9: linear}
    for day in (1, 9):
        write_tif(lan_dir / f"L_202001{day:02d}.tif", F.astype(np.float32))
    truth = {}
    for day, fn in days.items():
        truth[day] = fn(F)
        write_tif(mod_dir / f"M_202001{day:02d}.tif", block_mean(truth[day], f).astype(np.float32), res=120.0)
    res = fuse_series(str(tmp_path / "out"), modis=str(mod_dir), landsat=str(lan_dir), method="sharpen",
                      coarse_pixel=120.0, max_gap_days=20, scheduler="sequential", tile=16)
    by = {r["date"]: r for r in res.rows}
    assert by["2020-01-05"]["status"] == "fused"
    path = [p for p in res.outputs if p.endswith("_20200105.tif")][0]
    assert os.path.basename(path) == "LST_SHARPEN_20200105.tif"
    got = read_raster(path)
    assert got.tags["METHOD"] == "SHARPEN" and got.tags["DEPTH"] == str(S.DEFAULT_DEPTH)
    assert got.tags["FACTOR"] == "4"
    modis = np.kron(block_mean(truth[5], f), np.ones((f, f)))
    assert np.isfinite(got.data).all()
    # the series gives the method MODIS resampled bicubically onto the fine grid, whose footprint means are not
    # MODIS's at this scene's sharp 120 m edges: closer to the truth than MODIS, not the truth (measured: RMSE
    # 2.34 K against MODIS's 2.42 K)
    rmse = np.sqrt(np.mean((got.data - truth[5]) ** 2))
    assert rmse < np.sqrt(np.mean((modis - truth[5]) ** 2))


def test_it_is_a_validate_methods_row_and_an_auto_candidate():
    from lst_fusion.algorithms.fuse_series import AUTO_LABEL, method_options
    from lst_fusion.algorithms.validate_methods import method_options as validate_options
    from lst_fusion.core.evaluation import protocol, validation

    assert method_options()[:12] == ["ESTARFM", "STARFM", "EDCSTFN", "STTFN", "MLFF-GAN", "GAN-STFM", "SwinSTFM",
                                     AUTO_LABEL, "Fit-FC", "FSDAF", "MODIS resampled", "Thermal sharpening"]
    assert validate_options()[9] == ("Thermal sharpening", "Thermal sharpening")  # MODIS is a baseline row there
    assert "Thermal sharpening" in validation.CLASSICAL and "Thermal sharpening" in validation.CANDIDATES
    # one leave-one-date-out case: the candidate and its variants are predicted from the other pairs only
    F = predictor()
    dates = [dt.date(2020, 1, d) for d in (1, 5, 9)]
    pairs = {d: (linear(F) + k, modis_of(linear(F) + k)) for k, d in enumerate(dates)}
    pairs[dates[1]] = (piecewise(F), modis_of(piecewise(F)))
    case = protocol.plan(pairs)[0]
    preds = validation.classical_candidates(case, pairs, FACTOR, methods=("Thermal sharpening",), failed={})
    assert {k for k in preds if k[0] == "Thermal sharpening"} == {("Thermal sharpening", v)
                                                                   for v in ("as is", "+SM", "+RC")}
    assert np.abs(preds[("Thermal sharpening", "as is")] - piecewise(F)).max() < 0.05


def test_toolbox_algorithm(provider, tmp_path):
    import processing

    from lst_fusion.core.data.io import read_raster

    F1 = predictor()
    T = piecewise(F1)
    C0 = modis_of(T)
    names = {"FINE_REF1": F1, "COARSE_REF1": modis_of(F1), "COARSE_TARGET": C0}
    dates = {"FINE_REF1": "20200101", "COARSE_REF1": "20200101", "COARSE_TARGET": "20200105"}
    params = {k: write_tif(tmp_path / f"{k}_{dates[k]}.tif", v.astype(np.float32)) for k, v in names.items()}
    params.update({"COARSE_PIXEL": 180.0, "OUTPUT": str(tmp_path / "sharp.tif")})
    processing.run("lstfusion:sharpen", params)
    got = read_raster(str(tmp_path / "sharp.tif"))
    assert np.abs(got.data - T).max() < 0.05 and footprint_error(got.data, C0) < 1e-4
    assert got.tags["DEPTH"] == str(S.DEFAULT_DEPTH)
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException):
        processing.run("lstfusion:sharpen", dict(params, DEPTH=13, OUTPUT=str(tmp_path / "bad.tif")))
    assert not os.path.exists(tmp_path / "bad.tif")


def test_auto_in_a_series_leaves_out_a_candidate_that_cannot_run_without_scikit_learn(monkeypatch):
    """fuse_series' METHOD=auto without scikit-learn: thermal sharpening is left out of the choice with its
    reason in the log; the choice is made among the others (was: the missing library stopped auto)."""
    import datetime as dt

    from lst_fusion.core.platform import backends
    from lst_fusion.test.conftest import synthetic_scene
    from lst_fusion.validation.auto import choose_for_series

    real = backends.available
    monkeypatch.setattr(backends, "available", lambda m: False if m == "sklearn" else real(m))
    base = synthetic_scene(48, celsius=False)
    pairs = {}
    for k in range(5):
        fine = base + 2.0 * k + 0.05 * k * np.arange(48)[None, :]
        pairs[dt.date(2020, 1, 1) + dt.timedelta(days=16 * k)] = (fine, fine.reshape(6, 8, 6, 8).mean((1, 3)).repeat(
            8, 0).repeat(8, 1))
    log = []
    method, rule, correction, w, tag = choose_for_series(pairs, 8, log=log.append)
    assert any(s.startswith("METHOD=auto: Thermal sharpening left out of the choice: it cannot run on these images "
                            "(The Python package 'scikit-learn' is not installed") for s in log), log
    assert method != "sharpen" and tag.startswith("METHOD=auto: ") and "Thermal sharpening" not in tag


# --- spectral-index predictors (issue 38: NDVI, NDWI, NDBI beside the reference LST) ---------------------------


def indices(seed=3):
    """NDVI (footprints of two regimes, 0.1-0.3 and 0.5-0.8, +-0.05 inside each) and NDBI (-0.2 to 0.2 per
    footprint, +-0.05 inside): independent of each other and of the LST at the MODIS scale, so that each line's
    coefficients are determined by the footprints (collinear footprint means would leave them free and a line
    could amplify the fine-scale variation: a property of the DMS family, not tested here)."""
    rng = np.random.default_rng(seed)
    nb = N // FACTOR
    base = np.where(rng.random((nb, nb)) < 0.5, rng.uniform(0.1, 0.3, (nb, nb)), rng.uniform(0.5, 0.8, (nb, nb)))
    ndvi = np.kron(base, np.ones((FACTOR, FACTOR))) + rng.uniform(-0.05, 0.05, (N, N))
    ndbi = np.kron(rng.uniform(-0.2, 0.2, (nb, nb)), np.ones((FACTOR, FACTOR))) + rng.uniform(-0.05, 0.05, (N, N))
    return ndvi, ndbi


def with_indices(F, ndvi, ndbi):
    """The day's LST: an exact function of the LST and the indices, with a break at NDVI 0.4 (vegetation cools more
    on this day than the reference's LST says)."""
    return np.where(ndvi < 0.4, 20.0 + 0.9 * F - 8.0 * ndvi + 5.0 * ndbi, -10.0 + 1.0 * F - 15.0 * ndvi + 5.0 * ndbi)


def continuous_lst(seed=4):
    """F1 of one regime: 294-300 K per footprint, +-1 K inside: the day's break is the NDVI's, and it is the
    largest contrast of the day, so that the tree's first split finds it (a tree fitted to the footprints splits
    where the footprints' variance says, and a leaf that mixes two regimes cannot be one exact line)."""
    rng = np.random.default_rng(seed)
    nb = N // FACTOR
    return np.kron(rng.uniform(294, 300, (nb, nb)), np.ones((FACTOR, FACTOR))) + rng.uniform(-1, 1, (N, N))


def test_known_answer_with_spectral_indices_and_footprints_keep_modis():
    F1 = continuous_lst()
    ndvi, ndbi = indices()
    T = with_indices(F1, ndvi, ndbi)
    C0 = modis_of(T)
    out = S.sharpen(F1, F1, C0, FACTOR, indices=(ndvi, ndbi))
    assert np.abs(out - T).max() < 0.05  # the bar
    assert footprint_error(out, C0) < 1e-4
    # the LST alone cannot see the indices' part of the day: the indices are doing the work
    assert np.abs(S.sharpen(F1, F1, C0, FACTOR) - T).max() > 0.5
    # an index hole is nodata in the output; an implausible index is refused in one sentence
    ndvi[:6, :6] = np.nan
    assert np.isnan(S.sharpen(F1, F1, C0, FACTOR, indices=(ndvi, ndbi))[:6, :6]).all()
    with pytest.raises(LstFusionError, match=r"^INDICES: index 1 reaches 3.*no normalised difference index"):
        S.sharpen(F1, F1, C0, FACTOR, indices=(np.full(F1.shape, 3.0),))
    with pytest.raises(LstFusionError, match=r"^INDICES: index 1 has size"):
        S.sharpen(F1, F1, C0, FACTOR, indices=(ndbi[:10],))


def write_bands(path, bands):
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(str(path), "w", driver="GTiff", width=N, height=N, count=len(bands), dtype="float32",
                       crs="EPSG:32631", transform=from_origin(500000.0, 5300000.0, 30.0, 30.0)) as ds:
        for k, b in enumerate(bands, start=1):
            ds.write(np.asarray(b, dtype=np.float32), k)
    return str(path)


def test_toolbox_reads_the_indices_from_the_landsat_bands_or_an_indices_raster(provider, tmp_path):
    """An Earth Engine export (band 1 LST, then the indices) as FINE_REF1, or a separate INDICES raster: the same
    known answer; indices asked without any is one sentence naming INDICES."""
    import processing
    from qgis.core import QgsProcessingException

    from lst_fusion.core.data.io import read_raster

    F1 = continuous_lst()
    ndvi, ndbi = indices()
    T = with_indices(F1, ndvi, ndbi)
    C0 = modis_of(T)
    base = {"COARSE_REF1": write_tif(tmp_path / "C1_20200101.tif", modis_of(F1).astype(np.float32)),
            "COARSE_TARGET": write_tif(tmp_path / "C0_20200105.tif", C0.astype(np.float32)), "COARSE_PIXEL": 180.0,
            "PREDICTORS": S.PREDICTOR_OPTIONS.index(S.WITH_INDICES)}
    export = write_bands(tmp_path / "L_20200101.tif", [F1, ndvi, ndbi])
    got = processing.run("lstfusion:sharpen", dict(base, FINE_REF1=export, OUTPUT=str(tmp_path / "a.tif")))
    a = read_raster(got["OUTPUT"])
    assert np.abs(a.data - T).max() < 0.05 and footprint_error(a.data, C0) < 1e-4
    assert a.tags["PREDICTORS"] == S.WITH_INDICES
    lst = write_tif(tmp_path / "L1_20200101.tif", F1.astype(np.float32))
    got = processing.run("lstfusion:sharpen", dict(base, FINE_REF1=lst, INDICES=write_bands(tmp_path / "i.tif",
                                                                                            [ndvi, ndbi]),
                                                   OUTPUT=str(tmp_path / "b.tif")))
    np.testing.assert_array_equal(read_raster(got["OUTPUT"]).data, a.data)
    with pytest.raises(QgsProcessingException, match="INDICES: PREDICTORS asks for spectral indices, but INDICES is "
                                                     "empty and FINE_REF1"):
        processing.run("lstfusion:sharpen", dict(base, FINE_REF1=lst, OUTPUT=str(tmp_path / "c.tif")))
    assert not os.path.exists(tmp_path / "c.tif")
    # LST only (the default) keeps the released behaviour: one LST band
    with pytest.raises(QgsProcessingException, match="FINE_REF1: L_20200101.tif has 3 bands"):
        processing.run("lstfusion:sharpen", dict(base, FINE_REF1=export, PREDICTORS=0, OUTPUT=str(tmp_path / "d.tif")))
