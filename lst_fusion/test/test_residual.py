"""MODIS-consistent residual correction, cross-sensor normalisation, anchored models."""
import numpy as np
import pytest

from lst_fusion.core.fusion import residual


@pytest.mark.parametrize("shape,block", [((40, 40), 8), ((37, 53), 10), ((20, 9), 4)])
def test_corrected_prediction_aggregates_back_to_modis(shape, block):
    rng = np.random.default_rng(1)
    pred = 20 + rng.normal(0, 3, shape)
    coarse = 25 + np.cumsum(rng.normal(0, 0.2, shape), axis=1)
    pred[3, 4] = np.nan
    out = residual.residual_correction(pred, coarse, block)
    valid = np.isfinite(pred)
    np.testing.assert_allclose(residual.block_mean(out, block, valid), residual.block_mean(coarse, block, valid),
                               atol=1e-4)
    assert np.isnan(out[3, 4]) and np.isfinite(out[valid]).all()
    # the fine detail is kept: the correction is smooth within a block, not a replacement
    assert np.corrcoef((out - pred)[valid].ravel(), pred[valid].ravel())[0, 1] ** 2 < 0.05


def test_a_consistent_prediction_is_left_alone():
    rng = np.random.default_rng(2)
    coarse = np.repeat(np.repeat(rng.normal(30, 2, (4, 4)), 8, 0), 8, 1)
    detail = rng.normal(0, 1, (32, 32))
    detail -= residual._expand(residual.block_mean(detail, 8), 8, detail.shape)  # zero mean per block
    out = residual.residual_correction(coarse + detail, coarse, 8)
    np.testing.assert_allclose(out, coarse + detail, atol=1e-4)


def test_scene_mean_correction_shifts_the_level_only():
    pred = np.array([[1.0, 2.0], [3.0, np.nan]])
    coarse = np.array([[10.0, 10.0], [13.0, 40.0]])  # the pixel NaN in the prediction does not count
    out = residual.correct(pred, coarse, "scene mean", 1)
    np.testing.assert_allclose(out[np.isfinite(out)], [10.0, 11.0, 12.0])
    assert np.isnan(out[1, 1])
    np.testing.assert_array_equal(residual.correct(pred, coarse, "none", 1), pred.astype(np.float32))
    with pytest.raises(residual.LstFusionError, match="^RESIDUAL_CORRECTION: must be one of"):
        residual.correct(pred, coarse, "smooth", 1)


def test_cross_sensor_fit_is_robust():
    rng = np.random.default_rng(3)
    m = [rng.uniform(280, 310, (40, 40)) for _ in range(2)]
    m = [np.repeat(np.repeat(a[::8, ::8], 8, 0), 8, 1) for a in m]
    f = [2.0 + 1.1 * a + rng.normal(0, 0.05, a.shape) for a in m]
    f[0][:8, :8] += 40  # one cloud-contaminated block
    fit = residual.cross_sensor_fit(f, m, 8)
    assert fit["applied"] and fit["b"] == pytest.approx(1.1, abs=0.01) and fit["a"] == pytest.approx(2.0, abs=3)
    np.testing.assert_allclose(residual.apply_cross_sensor(m[1], fit), 2.0 + 1.1 * m[1], atol=0.5)
    assert "Landsat = " in residual.describe_fit(fit, " K")


def test_footprint_in_degrees_and_metres():
    from affine import Affine

    from lst_fusion.core.data.io import Grid

    assert residual.footprint_pixels(Grid("EPSG:32645", Affine(30, 0, 0, 0, -30, 0), 10, 10), 1000) == 33
    # 0.001 degrees at the equator is ~111 m
    assert residual.footprint_pixels(Grid("EPSG:4326", Affine(0.001, 0, 0, 0, -0.001, 0.01), 10, 20), 1000) == 9


def test_cold_target_from_warm_references_stays_with_modis():
    """An anchored model trained on warm dates predicts a cold day whose 1-km aggregate is within 0.5 K of
    MODIS, without the residual correction (which would make it exact)."""
    pytest.importorskip("torch", reason="PyTorch is not installed")
    import datetime as dt

    from lst_fusion.deep import training
    from lst_fusion.deep.predict import predict_array
    from lst_fusion.models import registry

    from .conftest import synthetic_scene

    n, block = 48, 8
    detail = synthetic_scene(n, 5) - synthetic_scene(n, 5).mean()
    detail -= residual._expand(residual.block_mean(detail, block), block, detail.shape)
    rng = np.random.default_rng(0)

    def pair(level):
        coarse = level + np.repeat(np.repeat(rng.normal(0, 1, (n // block, n // block)), block, 0), block, 1)
        return coarse + detail, coarse

    warm = {dt.date(2020, 6, 1) + dt.timedelta(days=16 * k): pair(300 + 2 * k) for k in range(3)}
    samples = training.pair_samples(warm, "edcstfn")
    ckpt, _ = training.train("edcstfn", samples, epochs=6, patch_size=16, stride=8, device="cpu",
                             val_dates=set(), batch_size=8)
    model, _ = registry.build("edcstfn", **ckpt["hparams"])
    model.load_state_dict(ckpt["state_dict"])
    f1, c1 = warm[max(warm)]
    _, c0 = pair(272.0)  # a winter day, 30 K colder than every training date
    pred = predict_array(ckpt, model, {"fine_ref1": f1, "coarse_ref1": c1, "coarse_target": c0}, device="cpu")
    gap = residual.block_mean(pred, block) - residual.block_mean(c0, block)
    assert np.nanmax(np.abs(gap)) < 0.5
