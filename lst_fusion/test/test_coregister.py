"""Co-registration of MODIS to Landsat (core.data.coregister, align_pairs COREGISTER)."""
import os

import numpy as np
import pytest

from lst_fusion.core.data import coregister, pairing
from lst_fusion.core.data.io import read_raster

from .conftest import SHARED, write_tif

X0, Y0 = 500000.0, 5300000.0  # Landsat grid origin (UTM 31N), 30 m, 300 x 240 px
RANCHI = os.path.join(SHARED, "data", "ranchi")


def field(seed):
    """An analytic LST field (degC) of 1-3 km blobs: T(x, y) in metres."""
    rng = np.random.default_rng(seed)
    cx = X0 - 2000 + rng.uniform(0, 13000, 14)
    cy = Y0 + 2000 - rng.uniform(0, 11000, 14)
    sig = rng.uniform(500, 1300, 14)
    amp = rng.uniform(-6, 6, 14)

    def t(x, y):
        out = 25.0 + 0.0002 * (x - X0)
        for a, px, py, s in zip(amp, cx, cy, sig):
            out = out + a * np.exp(-((x - px) ** 2 + (y - py) ** 2) / (2 * s * s))
        return out

    return t


def write_pair(folder, date, t, sx, sy):
    """Landsat = T on the 30 m grid; MODIS = T shifted by (sx, sy) m (its pattern sits at +s) averaged
    over each 1 km pixel of a larger grid."""
    os.makedirs(os.path.join(folder, "landsat"), exist_ok=True)
    os.makedirs(os.path.join(folder, "modis"), exist_ok=True)
    yy, xx = np.mgrid[0:240, 0:300]
    land = t(X0 + (xx + 0.5) * 30, Y0 - (yy + 0.5) * 30)
    write_tif(os.path.join(folder, "landsat", f"L_{date}.tif"), land.astype(np.float32))
    mx0, my0 = X0 - 3000, Y0 + 3000
    sub = (np.arange(10) + 0.5) * 100.0
    cy, cx = np.mgrid[0:13, 0:15]
    acc = np.zeros((13, 15))
    for oy in sub:
        for ox in sub:
            acc += t(mx0 + cx * 1000 + ox - sx, my0 - cy * 1000 - oy - sy)
    write_tif(os.path.join(folder, "modis", f"M_{date}.tif"), (acc / 100).astype(np.float32), x0=mx0, y0=my0,
              res=1000.0)


def series(tmp_path, sx, sy):
    src = str(tmp_path / "src")
    for i, date in enumerate(("20200101", "20200301", "20200501")):
        write_pair(src, date, field(i), sx, sy)
    return os.path.join(src, "modis"), os.path.join(src, "landsat")


@pytest.mark.parametrize("sx,sy", [(800.0, -150.0), (-330.0, 420.0), (145.0, 95.0)])
def test_synthetic_shift_recovered_within_50_m_and_removed(tmp_path, sx, sy):
    modis, landsat = series(tmp_path, sx, sy)
    rep, lines = {}, []
    out = str(tmp_path / "ds")
    pairing.align_pairs(modis, landsat, out, coregister=True, report=rep, log=lines.append)
    est = rep["coregistration"]
    assert abs(est.shift_x_m - sx) <= 50 and abs(est.shift_y_m - sy) <= 50, (est.shift_x_m, est.shift_y_m)
    assert est.applied and est.r_after > est.r_before
    assert any("joint over 3 pair(s)" in s and "applied to every MODIS raster" in s for s in lines)
    assert os.path.exists(os.path.join(out, "coregistration.csv"))
    # round trip: the co-registered MODIS of the dataset has no shift left
    rows = [r for r in pairing.read_index(out) if r["status"] == "pair"]
    again = coregister.estimate_shift([read_raster(r["landsat"]).data for r in rows],
                                      [read_raster(r["modis"]).data for r in rows], block=33, pixel=(30.0, -30.0))
    assert abs(again.shift_x_m) <= 50 and abs(again.shift_y_m) <= 50
    assert not again.applied


def test_no_shift_applies_nothing_and_says_so(tmp_path):
    modis, landsat = series(tmp_path, 0.0, 0.0)
    rep, lines = {}, []
    plain, shifted = str(tmp_path / "plain"), str(tmp_path / "co")
    pairing.align_pairs(modis, landsat, plain)
    pairing.align_pairs(modis, landsat, shifted, coregister=True, report=rep, log=lines.append)
    est = rep["coregistration"]
    assert not est.applied and est.applied_shift() == (0.0, 0.0)
    assert any("NOT applied" in s for s in lines)
    for name in ("M_20200101.tif", "M_20200301.tif"):  # the same MODIS as without co-registration
        np.testing.assert_array_equal(read_raster(os.path.join(plain, name)).data,
                                      read_raster(os.path.join(shifted, name)).data)


def test_psf_aggregate_keeps_a_constant_and_its_fwhm():
    flat = np.full((50, 60), 7.0)
    flat[10, 10] = np.nan
    np.testing.assert_allclose(coregister.psf_aggregate(flat, 33)[np.isfinite(flat)], 7.0)
    impulse = np.zeros((201, 201))
    impulse[100, 100] = 1.0
    prof = coregister.psf_aggregate(impulse, 33)[100]
    above = np.flatnonzero(prof >= prof.max() / 2)
    assert above[-1] - above[0] + 1 == pytest.approx(33, abs=1)  # full width at half maximum: one MODIS pixel


@pytest.mark.skipif(not os.path.isdir(RANCHI), reason="../shared/data/ranchi is absent (raw Earth Engine exports)")
def test_ranchi_shift_found_and_reported(tmp_path):
    """The issue measured, on 2023-01-07, 24-28 fine px east and 4-8 in y, r 0.83 -> 0.94 (box smoothing)."""
    rep, lines = {}, []
    pairing.align_pairs(os.path.join(RANCHI, "modis"), os.path.join(RANCHI, "landsat8"), str(tmp_path / "ds"),
                        coregister=True, report=rep, log=lines.append)
    est = rep["coregistration"]
    print("\n".join(s for s in lines if s.startswith("co-registration")))
    jan = next(p for p in est.per_pair if p["label"] == "2023-01-07")
    assert 22 <= jan["dx"] <= 32 and 2 <= abs(jan["dy"]) <= 10
    assert jan["r_before"] == pytest.approx(0.83, abs=0.03) and jan["r_after"] == pytest.approx(0.94, abs=0.03)
    assert est.applied and 600 <= est.shift_x_m <= 1000  # MODIS east of Landsat
    assert est.r_after - est.r_before > 0.05
