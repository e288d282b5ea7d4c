"""Algorithms run through processing.run: parameters in, core call, outputs back."""
import csv
import os

import numpy as np
import pytest
from qgis.core import QgsApplication, QgsProcessingException, QgsProcessingFeedback

from lst_fusion.core.data import pairing
from lst_fusion.core.data.io import read_raster
from lst_fusion.core.fusion.estarfm import estarfm
from lst_fusion.core.fusion.starfm import starfm

from .conftest import SAMPLE, SHARED, synthetic_scene
from .test_data_chain import qc_byte

HDF = os.path.join(SHARED, "data", "modis", "MOD11A1.hdf")


class ErrorCollectingFeedback(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.errors = []
        self.infos = []
        self.warnings = []

    def pushInfo(self, info):  # noqa: N802
        self.infos.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning):  # noqa: N802
        self.warnings.append(warning)
        super().pushWarning(warning)

    def reportError(self, error, fatalError=False):  # noqa: N802, N803
        self.errors.append(error)
        super().reportError(error, fatalError)


@pytest.fixture(scope="module")
def run(qgis_app, qgis_processing):
    import processing

    from lst_fusion.algorithms.provider import LstFusionProvider

    reg = QgsApplication.processingRegistry()
    provider = LstFusionProvider()
    assert reg.addProvider(provider)
    def run_alg(alg, params):
        feedback = ErrorCollectingFeedback()
        try:
            return processing.run(f"lstfusion:{alg}", params, feedback=feedback)
        except QgsProcessingException as exc:  # processing.run says only "there were errors"; keep the reason
            raise QgsProcessingException(" | ".join(feedback.errors) or str(exc)) from None

    yield run_alg
    reg.removeProvider(provider)


@pytest.fixture
def scene(tif):
    F1 = synthetic_scene(40)
    rng = np.random.default_rng(0)
    C1 = 0.3 * F1 + 17 + rng.normal(0, 0.1, F1.shape)
    arrays = {"FINE_REF1": F1, "COARSE_REF1": C1, "FINE_REF2": F1 + 4, "COARSE_REF2": C1 + 4, "COARSE_TARGET": C1 + 1.5}
    dates = {"FINE_REF1": 1, "COARSE_REF1": 1, "FINE_REF2": 3, "COARSE_REF2": 3, "COARSE_TARGET": 2}  # a pair is one date
    return {k: tif(f"{k}_2020010{dates[k]}.tif", v.astype(np.float32)) for k, v in arrays.items()}, arrays


def test_import_modis_and_landsat(run, tif, tmp_path):
    dn = np.array([[15000, 0], [14000, 14500]], np.uint16)
    qc = np.array([[0, 0], [qc_byte(2), 0]], np.uint8)
    res = run("import_modis", {"INPUT": tif("MOD11A1.A2020001.h18v04.tif", dn), "QC": tif("qc.tif", qc),
                               "OUTPUT": str(tmp_path / "m.tif")})
    assert res["CLEAR_PERCENT"] == pytest.approx(50.0) and res["DATE"] == "2020-01-01"
    assert read_raster(res["OUTPUT"]).data[0, 0] == pytest.approx(26.85, abs=1e-4)
    st = tif("LC08_L2SP_199027_20190704_20200827_02_T1_ST_B10.TIF", np.array([[44000, 0]], np.uint16))
    res = run("import_landsat", {"INPUT": st, "UNIT": 1, "OUTPUT": str(tmp_path / "l.tif")})
    assert read_raster(res["OUTPUT"]).data[0, 0] == pytest.approx(44000 * 0.00341802 + 149.0, abs=1e-3)
    with pytest.raises(QgsProcessingException, match="INPUT: scaled values"):
        run("import_modis", {"INPUT": tif("MOD11A1.A2020001.qc.tif", qc), "OUTPUT": str(tmp_path / "x.tif")})


@pytest.mark.skipif(not os.path.exists(HDF), reason="../shared/data/modis/MOD11A1.hdf is not present")
def test_import_real_hdf_granule(run, tmp_path):
    res = run("import_modis", {"INPUT": HDF, "OUTPUT": str(tmp_path / "m.tif")})
    assert res["DATE"] == "2019-11-01" and 0 < res["CLEAR_PERCENT"] < 100


def test_gapfill_and_resample(run, tif, tmp_path):
    a = np.full((20, 20), 30.0, np.float32)
    a[5:8, 5:8] = np.nan
    before = np.full((20, 20), 28.0, np.float32)
    after = np.full((20, 20), 34.0, np.float32)
    res = run("gapfill", {"INPUT": tif("lst_20200110.tif", a), "OTHER_DATES": [tif("lst_20200105.tif", before),
                                                                              tif("lst_20200120.tif", after)],
                          "OUTPUT": str(tmp_path / "f.tif")})
    assert res["FILLED_TEMPORAL"] == 9 and res["FILLED_SPATIAL"] == 0
    assert read_raster(res["OUTPUT"]).data[6, 6] == pytest.approx(28 + 6 * 5 / 15)
    coarse = tif("coarse.tif", np.full((4, 4), 12.0, np.float32), res=1000.0, x0=499000.0, y0=5301000.0)
    res = run("resample", {"INPUT": coarse, "REFERENCE": tif("ref.tif", a), "METHOD": 1, "OUTPUT": str(tmp_path / "r.tif")})
    out = read_raster(res["OUTPUT"])
    assert out.data.shape == (20, 20) and np.allclose(out.data, 12.0)


def test_estarfm_and_starfm_equal_the_core(run, scene, tmp_path):
    paths, arrays = scene
    res = run("estarfm", {**paths, "WINDOW": 11, "OUTPUT": str(tmp_path / "e.tif")})
    expected = estarfm(*(arrays[k] for k in ("FINE_REF1", "COARSE_REF1", "FINE_REF2", "COARSE_REF2", "COARSE_TARGET")),
                       window=11)
    np.testing.assert_allclose(read_raster(res["OUTPUT"]).data, expected, atol=1e-5)
    res = run("estarfm", {**paths, "WINDOW": 11, "MODE": 1, "OUTPUT": str(tmp_path / "r.tif")})
    robust = estarfm(*(arrays[k] for k in ("FINE_REF1", "COARSE_REF1", "FINE_REF2", "COARSE_REF2", "COARSE_TARGET")),
                     window=11, mode="lst-robust")
    np.testing.assert_allclose(read_raster(res["OUTPUT"]).data, robust, atol=1e-5)
    one = {k: paths[k] for k in ("FINE_REF1", "COARSE_REF1", "COARSE_TARGET")}
    res = run("starfm", {**one, "WINDOW": 9, "OUTPUT": str(tmp_path / "s.tif")})
    expected = starfm(arrays["FINE_REF1"], arrays["COARSE_REF1"], arrays["COARSE_TARGET"], window=9)
    np.testing.assert_allclose(read_raster(res["OUTPUT"]).data, expected, atol=1e-5)



def test_residual_correction_makes_the_prediction_true_to_modis(run, scene, tmp_path):
    from lst_fusion.core.fusion import residual

    paths, arrays = scene
    c0 = arrays["COARSE_TARGET"]
    one = {k: paths[k] for k in ("FINE_REF1", "COARSE_REF1", "COARSE_TARGET")}
    # 30 m pixels, a 300 m "MODIS" footprint: blocks of 10 x 10
    res = run("starfm", {**one, "WINDOW": 9, "RESIDUAL_CORRECTION": 1, "COARSE_PIXEL": 300,
                         "OUTPUT": str(tmp_path / "rc.tif")})
    out = read_raster(res["OUTPUT"])
    np.testing.assert_allclose(residual.block_mean(out.data, 10), residual.block_mean(c0, 10), atol=1e-3)
    assert out.tags["RESIDUAL_CORRECTION"] == "MODIS footprint" and out.tags["COARSE_PIXEL"] == "300.0"
    res = run("starfm", {**one, "WINDOW": 9, "RESIDUAL_CORRECTION": 2, "OUTPUT": str(tmp_path / "sm.tif")})
    plain = starfm(arrays["FINE_REF1"], arrays["COARSE_REF1"], c0, window=9)
    sm = read_raster(res["OUTPUT"]).data
    assert abs(np.nanmean(sm) - np.nanmean(c0)) < 1e-3
    np.testing.assert_allclose(sm - plain, np.nanmean(c0) - np.nanmean(plain), atol=1e-3)  # one offset


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_engine_parameter_runs_that_engine_and_says_so(run, scene, tmp_path, engine):
    import processing

    from lst_fusion.core.fusion.kernels import ENGINES

    paths, _ = scene
    feedback = ErrorCollectingFeedback()
    res = processing.run("lstfusion:estarfm", {**paths, "WINDOW": 11, "ENGINE": ENGINES.index(engine),
                                               "OUTPUT": str(tmp_path / "e.tif")}, feedback=feedback)
    assert any(i.startswith(f"window sums: {'NumPy' if engine == 'numpy' else 'numba'}") for i in feedback.infos)
    expected = estarfm(*(read_raster(paths[k]).data for k in ("FINE_REF1", "COARSE_REF1", "FINE_REF2", "COARSE_REF2",
                                                              "COARSE_TARGET")), window=11, engine=engine)
    np.testing.assert_array_equal(read_raster(res["OUTPUT"]).data, expected)


def test_mismatched_grid_names_the_input(run, scene, tif, tmp_path):
    paths, arrays = scene
    paths = dict(paths, FINE_REF2=tif("shifted.tif", arrays["FINE_REF2"].astype(np.float32), x0=500090.0))
    with pytest.raises(QgsProcessingException, match="FINE_REF2: grid differs from FINE_REF1"):
        run("estarfm", {**paths, "OUTPUT": str(tmp_path / "e.tif")})
    assert not os.path.exists(tmp_path / "e.tif")


def test_evaluate_and_compare(run, scene, tif, tmp_path):
    paths, arrays = scene
    ref = paths["FINE_REF1"]
    pred = tif("pred.tif", (arrays["FINE_REF1"] + 2.0).astype(np.float32))
    # polygon over the northern 20 rows of the 40x40 grid at x0=500000, y0=5300000, 30 m
    gj = tmp_path / "regions.geojson"
    gj.write_text('{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32631"}},"features":[{"type":'
                  '"Feature","properties":{"name":"north"},"geometry":{"type":"Polygon","coordinates":[[[500000,5300000],'
                  '[501200,5300000],[501200,5299400],[500000,5299400],[500000,5300000]]]}}]}')
    res = run("evaluate", {"PREDICTION": pred, "REFERENCE": ref, "SUBREGIONS": str(gj), "NAME_FIELD": "name",
                           "OUTPUT_TABLE": str(tmp_path / "t.csv"), "OUTPUT_HTML": str(tmp_path / "r.html"),
                           "OUTPUT_ERROR": str(tmp_path / "err.tif")})
    assert res["RMSE"] == pytest.approx(2.0, abs=1e-5) and res["BIAS"] == pytest.approx(2.0, abs=1e-5)
    assert res["CC"] == pytest.approx(1.0)
    rows = list(csv.DictReader(open(res["OUTPUT_TABLE"])))
    assert [r["region"] for r in rows] == ["whole image", "north"] and rows[1]["N"] == "800"
    np.testing.assert_allclose(read_raster(res["OUTPUT_ERROR"]).data, 2.0, atol=1e-5)
    assert "data:image/png;base64" in open(res["OUTPUT_HTML"]).read()
    better = tif("better.tif", (arrays["FINE_REF1"] + 0.5).astype(np.float32))
    res = run("compare_methods", {"PREDICTIONS": [pred, better], "REFERENCE": ref, "SUBREGIONS": str(gj),
                                  "NAME_FIELD": "name", "OUTPUT_TABLE": str(tmp_path / "c.csv")})
    rows = list(csv.DictReader(open(res["OUTPUT_TABLE"])))
    assert [(r["region"], r["rank"], r["method"]) for r in rows] == [
        ("whole image", "1", "better"), ("whole image", "2", "pred"), ("north", "1", "better"), ("north", "2", "pred")]
    # with the target's MODIS and a reference pair, both baselines join the table and each method gets a verdict
    c0 = tif("c0.tif", (arrays["FINE_REF1"] + 1.0).astype(np.float32))  # MODIS: 1 degree off everywhere
    c1 = tif("c1.tif", (arrays["FINE_REF1"] - 1.0).astype(np.float32))
    res = run("compare_methods", {"PREDICTIONS": [pred, better], "REFERENCE": ref, "COARSE_TARGET": c0,
                                  "FINE_REF1": ref, "COARSE_REF1": c1,
                                  "OUTPUT_TABLE": str(tmp_path / "b.csv")})
    rows = {r["method"]: r for r in csv.DictReader(open(res["OUTPUT_TABLE"]))}
    assert float(rows["MODIS resampled"]["RMSE"]) == pytest.approx(1.0, abs=1e-5)
    assert float(rows["Landsat ref + MODIS change"]["RMSE"]) == pytest.approx(2.0, abs=1e-5)  # F1 + 2
    assert rows["better"]["verdict"] == "beats both" and rows["pred"]["verdict"].startswith("LOSES to MODIS resampled")
    with pytest.raises(QgsProcessingException, match="^COARSE_REF1: the reference-pair baseline needs both"):
        run("compare_methods", {"PREDICTIONS": [pred], "REFERENCE": ref, "COARSE_TARGET": c0,
                                "FINE_REF1": ref, "OUTPUT_TABLE": str(tmp_path / "e.csv")})


def test_align_pairs(run, tif, tmp_path):
    m = [tif(f"M_2020010{d}.tif", np.full((4, 4), 20.0, np.float32), res=120.0) for d in (1, 2)]
    l_ = [tif("L_20200101.tif", np.full((16, 16), 25.0, np.float32))]
    res = run("align_pairs", {"MODIS": m, "LANDSAT": l_, "OUTPUT": str(tmp_path / "ds")})
    assert res["N_PAIRS"] == 1 and os.path.exists(res["INDEX"])
    assert sorted(os.listdir(tmp_path / "ds")) == ["L_20200101.tif", "M_20200101.tif", "M_20200102.tif", "index.csv"]


def test_align_pairs_min_clear_training(run, tif, tmp_path):
    """MIN_CLEAR_TRAINING: the 75 % clear pair becomes a training pair, not a pair (N_PAIRS: test dates)."""
    import glob

    from .test_training_pairs import folders

    m, l_ = folders(tmp_path, tif)
    res = run("align_pairs", {"MODIS": sorted(glob.glob(m + "/*.tif")), "LANDSAT": sorted(glob.glob(l_ + "/*.tif")),
                              "MIN_CLEAR": 80, "MIN_CLEAR_TRAINING": 50, "OUTPUT": str(tmp_path / "ds")})
    assert res["N_PAIRS"] == 1
    assert [r["status"] for r in pairing.read_index(res["OUTPUT"])] == ["pair", "training_pair", "rejected:clear<50%"]


def test_coregister_and_align_pairs_coregister(run, tmp_path):
    """lstfusion:coregister finds a known synthetic shift; align_pairs COREGISTER writes the same MODIS."""
    import glob

    from .test_coregister import series

    modis, landsat = series(tmp_path, 800.0, -150.0)
    params = {"MODIS": sorted(glob.glob(os.path.join(modis, "*.tif"))),
              "LANDSAT": sorted(glob.glob(os.path.join(landsat, "*.tif")))}
    res = run("coregister", dict(params, OUTPUT=str(tmp_path / "co")))
    assert abs(res["SHIFT_X"] - 800) <= 50 and abs(res["SHIFT_Y"] + 150) <= 50
    assert res["APPLIED"] is True and res["R_AFTER"] > res["R_BEFORE"] and res["N_PAIRS"] == 3
    assert [r["pair"] for r in csv.DictReader(open(res["COREGISTRATION"]))][-1] == "joint"
    res2 = run("align_pairs", dict(params, COREGISTER=True, OUTPUT=str(tmp_path / "al")))
    np.testing.assert_array_equal(read_raster(os.path.join(res2["OUTPUT"], "M_20200301.tif")).data,
                                  read_raster(os.path.join(res["OUTPUT"], "M_20200301.tif")).data)


def test_train_and_predict_edcstfn(run, three_dates, tmp_path):
    pytest.importorskip("torch")
    lan, mod = three_dates
    res = run("train_edcstfn", {"LANDSAT": lan, "MODIS": mod, "EPOCHS": 2, "BATCH_SIZE": 4, "PATCH_SIZE": 16, "STRIDE": 8,
                                "DEVICE": 1, "OUTPUT": str(tmp_path / "m.pt"), "OUTPUT_LOG": str(tmp_path / "log.csv")})
    assert os.path.getsize(res["OUTPUT"]) > 1000
    assert len(list(csv.DictReader(open(res["OUTPUT_LOG"])))) >= 1
    res = run("predict_edcstfn", {"CHECKPOINT": res["OUTPUT"], "FINE_REF1": lan[0], "COARSE_REF1": mod[0],
                                  "COARSE_TARGET": mod[1], "OUTPUT": str(tmp_path / "p.tif")})
    assert np.isfinite(read_raster(res["OUTPUT"]).data).all()
    with pytest.raises(QgsProcessingException, match="CHECKPOINT: checkpoint was trained for EDCSTFN"):
        run("predict_swinstfm", {"CHECKPOINT": str(tmp_path / "m.pt"), "FINE_REF1": lan[0], "COARSE_REF1": mod[0],
                                 "COARSE_TARGET": mod[1], "OUTPUT": str(tmp_path / "q.tif")})


def test_train_paper_size_two_pair_edcstfn_and_predict(run, three_dates, tmp_path):
    torch = pytest.importorskip("torch")
    lan, mod = three_dates
    res = run("train_edcstfn", {"LANDSAT": lan, "MODIS": mod, "EPOCHS": 1, "BATCH_SIZE": 4, "PATCH_SIZE": 16, "STRIDE": 8,
                                "DEVICE": 1, "SIZE": 2, "TWO_PAIRS": True, "OUTPUT": str(tmp_path / "m2.pt")})
    ckpt = torch.load(res["OUTPUT"], weights_only=True)
    assert ckpt["hparams"] == {"size": "paper", "two_pairs": True}
    assert ckpt["state_dict"]["decoder.3.0.weight"].shape == (1, 32, 1, 1)  # the reference's 1x1 output conv
    common = {"CHECKPOINT": res["OUTPUT"], "FINE_REF1": lan[0], "COARSE_REF1": mod[0], "COARSE_TARGET": mod[1]}
    with pytest.raises(QgsProcessingException, match="^FINE_REF2: no raster layer given"):
        run("predict_edcstfn", dict(common, OUTPUT=str(tmp_path / "a.tif")))
    res = run("predict_edcstfn", dict(common, FINE_REF2=lan[2], COARSE_REF2=mod[2], OUTPUT=str(tmp_path / "b.tif")))
    assert np.isfinite(read_raster(res["OUTPUT"]).data).all()


def test_bundled_checkpoint_predicts_the_sample(run, tmp_path):
    pytest.importorskip("torch")
    from lst_fusion.algorithms.predict_model import bundled_checkpoint

    if not os.path.exists(bundled_checkpoint("edcstfn")):
        pytest.skip("bundled EDCSTFN checkpoint not built")
    lan = sorted(os.listdir(os.path.join(SAMPLE, "landsat")))
    mod = sorted(os.listdir(os.path.join(SAMPLE, "modis")))
    res = run("predict_edcstfn", {"FINE_REF1": os.path.join(SAMPLE, "landsat", lan[0]),
                                  "COARSE_REF1": os.path.join(SAMPLE, "modis", mod[0]),
                                  "COARSE_TARGET": os.path.join(SAMPLE, "modis", mod[2]), "OUTPUT": str(tmp_path / "p.tif")})
    out = read_raster(res["OUTPUT"]).data
    truth = read_raster(os.path.join(SAMPLE, "landsat", lan[1])).data
    assert out.shape == (400, 400)
    assert np.sqrt(np.nanmean((out - truth)[200:] ** 2)) < 3.0  # held-out south half, Kelvin in = Kelvin out


RANCHI = os.path.join(SHARED, "data", "ranchi")


@pytest.mark.skipif(not os.path.exists(RANCHI), reason="../shared/data/ranchi is not present (real Earth Engine "
                    "exports, read in place)")
def test_align_pairs_takes_raw_earth_engine_exports(run, tmp_path):
    """The Ranchi files exactly as Earth Engine wrote them: YYYY_MM_DD names, MODIS sinusoidal on the
    ellipsoid, 4-band Landsat with nodata 0 in degC. No hand work."""
    import glob

    res = run("align_pairs", {"MODIS": sorted(glob.glob(os.path.join(RANCHI, "modis", "*.tif"))),
                              "LANDSAT": sorted(glob.glob(os.path.join(RANCHI, "landsat8", "*.tif"))),
                              "LANDSAT_BAND": 1, "OUTPUT": str(tmp_path / "ds")})
    assert res["N_PAIRS"] == 4
    rows = list(csv.DictReader(open(res["INDEX"])))
    assert [r["date"] for r in rows] == ["2023-01-07", "2023-06-16", "2024-05-01", "2025-04-18"]
    assert all(float(r["modis_clear"]) > 95 for r in rows)
