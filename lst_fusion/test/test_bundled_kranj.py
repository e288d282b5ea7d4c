"""The bundled three-pair series (lst_fusion/resources/kranj: Kranj NIR reflectance, BSD-3) and make demo's
validation on it (scripts/demo_validate.py): shipped with its licence, the same data as ../shared's original,
and a validation report that calls it reflectance, never LST or °C."""
import glob
import os
import sys

import numpy as np
import pytest

from .conftest import SHARED

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KRANJ = os.path.join(REPO, "lst_fusion", "resources", "kranj")
sys.path.insert(0, os.path.join(REPO, "scripts"))


def test_the_copy_is_shipped_with_its_licence_and_says_it_is_reflectance():
    for name in ("LICENSE", "Copyrights", "LICENSE.note", "SOURCE.md"):
        assert os.path.getsize(os.path.join(KRANJ, name)) > 0
    assert "Redistribution and use in source and binary forms" in open(os.path.join(KRANJ, "LICENSE")).read()
    source = open(os.path.join(KRANJ, "SOURCE.md"), encoding="utf-8").read().replace("**", "").replace("\n", " ")
    assert "reflectance, not land-surface temperature" in source

    import demo_validate

    pairs = demo_validate.kranj_pairs()
    assert [d.isoformat() for d in pairs] == ["2020-03-08", "2020-03-17", "2020-04-02"]
    for landsat, modis in pairs.values():
        assert landsat.shape == modis.shape == (44, 45)
        assert 0.0 < np.nanmin(landsat) and np.nanmax(landsat) < 1.0 and 0.0 < np.nanmin(modis) < np.nanmax(modis) < 1.0


@pytest.mark.skipif(not os.path.isdir(os.path.join(SHARED, "data", "kranj")), reason="../shared/data/kranj is absent")
def test_the_copy_is_band_4_of_the_original_scaled_to_0_1():
    from lst_fusion.core.data.io import read_raster

    orig = glob.glob(os.path.join(SHARED, "data", "kranj", "landsat", "filled", "2020077_*.tif"))[0]
    copy = os.path.join(KRANJ, "landsat", "Landsat_NIR_reflectance_20200317.tif")
    np.testing.assert_allclose(read_raster(copy).data, read_raster(orig, band=4).data * np.float32(1e-4), rtol=1e-6)


def test_demo_validation_reports_reflectance(tmp_path, capsys):
    import demo_validate

    res = demo_validate.main([str(tmp_path)])
    out = capsys.readouterr().out
    assert "REFLECTANCE (not LST)" in out and f"Report: {tmp_path / 'validation.html'}" in out
    assert [c.date.isoformat() for c in res["cases"]] == ["2020-03-17"]
    means = {(m["method"], m["variant"]): m for m in res["means"]}
    # both baselines are rows, and the methods beat MODIS resampled by far on this series (0.066 reflectance)
    assert means[("MODIS resampled", "as is")]["RMSE"] == pytest.approx(0.0659, abs=5e-4)
    assert means[("Landsat ref + MODIS change", "as is")]["RMSE"] < means[("MODIS resampled", "as is")]["RMSE"]
    html = (tmp_path / "validation.html").read_text(encoding="utf-8")
    assert "<th>unit</th><td>reflectance 0-1</td>" in html and "°C" not in html
    assert "Classes: reference Landsat reflectance" in html and "defined for LST only" in html
