"""The one-date algorithms' uncertainty map (issue 38, item 4; docs/uncertainty.md): OUTPUT_UNCERTAINTY equals the
map fuse_series writes for the same date from the same two pairs, with its tags, unit and grid; the calibration
sees the two reference pairs only; one pair is refused in one sentence before anything is written; ESTARFM, which
cannot predict a pair from the other one, has no such output."""
import os

import numpy as np
import pytest

from lst_fusion.core.data.io import read_raster
from lst_fusion.core.evaluation import uncertainty as unc
from lst_fusion.series import fuse_series

from .test_what_is_validated_runs import D, folders  # noqa: F401  (the fixture of four pairs)

PAIRS = (D[0], D[2])  # the two reference pairs; the target D[1] lies between them, 16 days from each
TARGET = D[1]


def series_map(root, tmp_path, method):
    """fuse_series' LST and uncertainty map of TARGET from the pairs PAIRS only."""
    lan = tmp_path / f"landsat_{method}"
    lan.mkdir()
    for d in PAIRS:
        name = f"L_{d:%Y%m%d}.tif"
        os.symlink(root / "landsat" / name, lan / name)
    res = fuse_series(str(tmp_path / f"series_{method}"), modis=str(root / "modis"), landsat=str(lan), method=method,
                      start=TARGET, end=TARGET, max_gap_days=999, coarse_pixel=240.0, scheduler="sequential")
    lst = res.outputs[0]
    return read_raster(lst), read_raster(os.path.join(os.path.dirname(lst), "UNC_" + os.path.basename(lst)[4:]))


def one_date_params(root, tmp_path, method, **kw):
    L, M = root / "landsat", root / "modis"
    return dict({"COARSE_TARGET": str(M / f"M_{TARGET:%Y%m%d}.tif"),
                 "FINE_REF1": str(L / f"L_{PAIRS[0]:%Y%m%d}.tif"), "COARSE_REF1": str(M / f"M_{PAIRS[0]:%Y%m%d}.tif"),
                 "FINE_REF2": str(L / f"L_{PAIRS[1]:%Y%m%d}.tif"), "COARSE_REF2": str(M / f"M_{PAIRS[1]:%Y%m%d}.tif"),
                 "COARSE_PIXEL": 240.0, "OUTPUT": str(tmp_path / f"{method}.tif"),
                 "OUTPUT_UNCERTAINTY": str(tmp_path / f"{method}_unc.tif")}, **kw)


@pytest.mark.parametrize("method", ["sharpen", "starfm", "fitfc"])
def test_the_one_date_map_is_the_series_map_of_the_same_date_and_pairs(folders, tmp_path, provider,  # noqa: F811
                                                                      monkeypatch, method):
    import processing

    root, _ = folders
    want_lst, want = series_map(root, tmp_path, method)
    seen = []
    calibrate_pairs = unc.calibrate_pairs
    monkeypatch.setattr(unc, "calibrate_pairs", lambda pairs, *a, **k: seen.append(sorted(pairs))
                        or calibrate_pairs(pairs, *a, **k))
    out = processing.run(f"lstfusion:{method}", one_date_params(root, tmp_path, method))
    lst, got = read_raster(out["OUTPUT"]), read_raster(out["OUTPUT_UNCERTAINTY"])
    # the calibration is made of the two reference pairs, never the target date (whose Landsat is no input)
    assert seen == [list(PAIRS)] and TARGET not in seen[0]
    # the same prediction, and the same map, as the series writes for that date from those pairs
    assert np.allclose(lst.data, want_lst.data, atol=1e-4, equal_nan=True)
    assert np.allclose(got.data, want.data, atol=1e-5, equal_nan=True), np.nanmax(np.abs(got.data - want.data))
    assert got.grid.same_as(lst.grid) and np.array_equal(np.isnan(got.data), np.isnan(lst.data))
    assert got.tags["UNCERTAINTY"] == "90% half-width" == unc.TAG_VALUE
    assert got.tags["LST_UNIT"] == lst.tags["LST_UNIT"] and got.tags["METHOD"] == lst.tags["METHOD"]
    for k in ("UNCERTAINTY_CALIBRATION", "UNCERTAINTY_OFFSET", "UNCERTAINTY_REFERENCE"):
        assert got.tags[k] == want.tags[k]
    assert got.tags["LST_FILE"] == os.path.basename(out["OUTPUT"])
    assert np.nanmin(got.data) > 0


def test_one_pair_is_refused_in_one_sentence_before_anything_is_written(folders, tmp_path, provider):  # noqa: F811
    import processing
    from qgis.core import QgsProcessingException

    root, _ = folders
    params = one_date_params(root, tmp_path, "sharpen")
    del params["FINE_REF2"], params["COARSE_REF2"]
    with pytest.raises(QgsProcessingException) as err:
        processing.run("lstfusion:sharpen", params)
    assert "OUTPUT_UNCERTAINTY: no uncertainty map can be calibrated from one pair" in str(err.value)
    assert not os.path.exists(params["OUTPUT"]) and not os.path.exists(params["OUTPUT_UNCERTAINTY"])
    # without the map, one pair runs as before and writes no map
    out = processing.run("lstfusion:sharpen", dict(params, OUTPUT_UNCERTAINTY=None))
    assert os.path.exists(out["OUTPUT"]) and not os.path.exists(params["OUTPUT_UNCERTAINTY"])


def test_the_calibration_pair_does_not_change_a_one_pair_prediction(folders, tmp_path, provider):  # noqa: F811
    import processing

    root, _ = folders
    with_pair = processing.run("lstfusion:fsdaf", one_date_params(root, tmp_path, "fsdaf"))
    alone = one_date_params(root, tmp_path, "fsdaf", OUTPUT=str(tmp_path / "alone.tif"), OUTPUT_UNCERTAINTY=None)
    del alone["FINE_REF2"], alone["COARSE_REF2"]
    alone = processing.run("lstfusion:fsdaf", alone)
    assert np.array_equal(read_raster(with_pair["OUTPUT"]).data, read_raster(alone["OUTPUT"]).data, equal_nan=True)
    assert os.path.exists(with_pair["OUTPUT_UNCERTAINTY"])


def test_estarfm_has_no_uncertainty_output_and_the_others_append_it(provider):
    from lst_fusion.algorithms.fusion import one_date_ids

    for mid in one_date_ids():
        alg = provider.algorithm(mid)
        names = [p.name() for p in alg.parameterDefinitions()]
        if mid == "estarfm":  # two pairs are needed to predict, so neither pair can be predicted from the other
            assert "OUTPUT_UNCERTAINTY" not in names
            continue
        later = ["REFLECTANCE"] if mid == "sharpen" else []  # appended after it (issue 38: sharpen's SR bands)
        assert names[-1 - len(later)] == "OUTPUT_UNCERTAINTY" and names[len(names) - len(later):] == later
        assert names.index("OUTPUT") < names.index("OUTPUT_UNCERTAINTY")
        assert not alg.parameterDefinition("OUTPUT_UNCERTAINTY").createByDefault()
