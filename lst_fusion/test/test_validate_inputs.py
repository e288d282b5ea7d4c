"""validate_methods' inputs (issue 37, class 8), through processing.run as a user runs it.

A pair without clear pixels is no pair (MIN_CLEAR, appended last); every DATASET member is on one grid, else one
sentence naming DATASET and the file; a method that cannot run on these images is skipped with its reason in the
log and in the report, never a message naming another algorithm's parameter (PREDICTION, PATCH_SIZE, WINDOW).
"""
import csv
import datetime as dt
import hashlib
import os
import re

import numpy as np
import pytest

from .conftest import synthetic_scene, write_tif
from .test_bad_inputs import run_bad
from .test_processing_run import ErrorCollectingFeedback

D = [dt.date(2020, 1, 1) + dt.timedelta(days=16 * i) for i in range(4)]


def scene_pairs(n=32):
    base = synthetic_scene(n, celsius=False)
    return {d: (base + i, 0.3 * base + 0.7 * 300 + i) for i, d in enumerate(D)}


def write_pairs(folder, pairs):
    os.makedirs(folder, exist_ok=True)
    lan, mod = [], []
    for d, (f, c) in pairs.items():
        lan.append(write_tif(os.path.join(folder, f"L_{d:%Y%m%d}.tif"), np.asarray(f, np.float32)))
        mod.append(write_tif(os.path.join(folder, f"M_{d:%Y%m%d}.tif"), np.asarray(c, np.float32)))
    return lan, mod


def hashes(paths):
    return {p: hashlib.sha256(open(p, "rb").read()).hexdigest() for p in paths}


def params(tmp_path, lan, mod, methods=(0, 1), **over):
    return {"MODIS": mod, "LANDSAT": lan, "METHODS": list(methods), "EPOCHS": 1,
            "OUTPUT_CSV": str(tmp_path / "o.csv"), "OUTPUT_HTML": str(tmp_path / "o.html"), **over}


def foreign_parameters(texts):
    """Parameter names of other lstfusion algorithms that the texts name (validate_methods' own are fine)."""
    from qgis.core import QgsApplication

    reg = QgsApplication.processingRegistry()
    own = {p.name() for p in reg.algorithmById("lstfusion:validate_methods").parameterDefinitions()}
    others = {p.name() for a in reg.providerById("lstfusion").algorithms() for p in a.parameterDefinitions()} - own
    return {w for t in texts for w in re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", t) if w in others}


def csv_rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_min_clear_is_appended_last_with_its_help(provider):
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().algorithmById("lstfusion:validate_methods")
    last = alg.parameterDefinitions()[-1]
    assert last.name() == "MIN_CLEAR" and last.defaultValue() == 20.0
    assert (last.minimum(), last.maximum()) == (0.0, 100.0)
    assert last.help().startswith("A same-day pair whose Landsat or MODIS has fewer clear pixels")


@pytest.mark.parametrize("min_clear", [None, 0.0])
def test_a_landsat_date_without_clear_pixel_is_no_pair(provider, tmp_path, min_clear):
    """Was: the 0 %-clear date counted as a pair and the run died with 'PREDICTION: ... share no valid pixel'."""
    import processing

    pairs = scene_pairs()
    pairs[D[1]] = (np.full((32, 32), np.nan), pairs[D[1]][1])
    lan, mod = write_pairs(str(tmp_path / "in"), pairs)
    before = hashes(lan + mod)
    fb = ErrorCollectingFeedback()
    over = {} if min_clear is None else {"MIN_CLEAR": min_clear}
    res = processing.run("lstfusion:validate_methods", params(tmp_path, lan, mod, **over), feedback=fb)
    assert res["N_FOLDS"] == 1  # D0, D2, D3 remain: one test date (D2)
    assert ("2020-01-17 (L_20200117.tif): Landsat 0.0 % and MODIS 100.0 % clear: no clear pixel: not a test date or "
            "a reference") in fb.infos
    assert {r["date"] for r in csv_rows(tmp_path / "o.csv")} == {"2020-02-02"}
    assert hashes(lan + mod) == before
    assert not foreign_parameters(fb.infos + fb.errors)


def test_too_few_clear_pairs_is_one_sentence_naming_min_clear(provider, tmp_path):
    pairs = scene_pairs()
    del pairs[D[3]]
    cloudy = pairs[D[1]][0].copy()
    cloudy[:28] = np.nan  # 12.5 % clear
    pairs[D[1]] = (cloudy, pairs[D[1]][1])
    lan, mod = write_pairs(str(tmp_path / "in"), pairs)
    before = hashes(lan + mod)
    message = run_bad("validate_methods", params(tmp_path, lan, mod))
    assert message == ("MIN_CLEAR: only 2 of the 3 pairs are clear enough (2020-01-17: Landsat 12.5 % and MODIS "
                       "100.0 % clear, below MIN_CLEAR 20 %); leave-one-date-out needs at least three: lower "
                       "MIN_CLEAR or add clearer pairs"), message
    assert hashes(lan + mod) == before and not (tmp_path / "o.csv").exists()


def test_constant_images_are_scored_or_a_method_is_skipped_with_its_reason(provider, tmp_path):
    """Was: FSDAF's all-NaN prediction on constant images ended the run with a message about PREDICTION."""
    import processing

    pairs = {d: (np.full((32, 32), 300.0), np.full((32, 32), 300.0 + i)) for i, d in enumerate(D)}
    lan, mod = write_pairs(str(tmp_path / "in"), pairs)
    fb = ErrorCollectingFeedback()
    processing.run("lstfusion:validate_methods", params(tmp_path, lan, mod, methods=(0, 1, 7, 8)), feedback=fb)
    scored = {r["method"] for r in csv_rows(tmp_path / "o.csv")}
    skipped = [i for i in fb.infos if " skipped: it cannot run on these images: " in i]
    from lst_fusion.core.evaluation.validation import candidates_of

    for m in [c for label in ("STARFM", "ESTARFM", "Fit-FC", "FSDAF") for c, _, _ in candidates_of(label)]:
        said = [i for i in skipped if i.strip().startswith(f"{m} skipped")]
        assert (m in scored) != bool(said), (m, scored, skipped)
        if said:
            assert f"<td>{m}</td>" in (tmp_path / "o.html").read_text()
    assert not foreign_parameters(fb.infos + fb.errors)


def test_a_method_that_cannot_run_is_skipped_on_every_date_with_its_reason(tmp_path, monkeypatch):
    """The engine: a lower layer's sentence (naming its own parameter) becomes the reason, without that name."""
    from lst_fusion.core.fusion import methods as fusion_methods
    from lst_fusion.core.platform.errors import LstFusionError
    from lst_fusion.validation import validate

    real = fusion_methods.fuse_image
    calls = []

    def fuse_image(method, images, **kw):
        if method == "fsdaf":
            calls.append(method)
            if len(calls) == 2:  # FSDAF runs on the first test date, not on the second
                raise LstFusionError("WINDOW", "the images are too small for this window")
        return real(method, images, **kw)

    monkeypatch.setattr(fusion_methods, "fuse_image", fuse_image)
    pairs = scene_pairs()
    pairs[D[3] + dt.timedelta(days=16)] = pairs[D[3]]
    log = []
    res = validate.run(pairs, ["STARFM", "FSDAF"], str(tmp_path / "v.csv"), str(tmp_path / "v.html"), block=8,
                       log=log.append)
    assert "  FSDAF skipped: it cannot run on these images: the images are too small for this window (test date " \
           "2020-02-02); it is left out of every table and of the recommendation" in log
    assert res["skipped"] == [{"method": "FSDAF", "reason": "the images are too small for this window (test date "
                                                            "2020-02-02)"}]
    assert "FSDAF" not in {r["method"] for r in res["rows"]} | {m["method"] for m in res["means"]}
    for starfm in ("STARFM (1 pair)", "STARFM (2 pairs)"):
        assert {r["date"] for r in res["rows"] if r["method"] == starfm} == {"2020-01-17", "2020-02-02", "2020-02-18"}
    assert res["recommendation"]["method"] != "FSDAF"
    assert not [m for m in log if "WINDOW" in m]
    html = (tmp_path / "v.html").read_text()
    assert "Skipped: cannot run on these images" in html and "<td>FSDAF</td>" in html


def test_a_deep_model_on_images_smaller_than_a_patch_is_skipped(provider, tmp_path):
    """Was: refused naming PATCH_SIZE, a parameter validate_methods does not have."""
    pytest.importorskip("torch")
    import processing

    lan, mod = write_pairs(str(tmp_path / "in"), scene_pairs(16))
    fb = ErrorCollectingFeedback()
    res = processing.run("lstfusion:validate_methods", params(tmp_path, lan, mod, methods=(0, 2)), feedback=fb)
    assert ("  EDCSTFN skipped: it cannot run on these images: the image (16x16 px) is smaller than one patch (48 px) "
            "(test date 2020-01-17); it is left out of every table and of the recommendation") in fb.infos
    assert res["RECOMMENDED_METHOD"] in ("STARFM (1 pair)", "STARFM (2 pairs)")
    assert "EDCSTFN" not in {r["method"] for r in csv_rows(tmp_path / "o.csv")}
    assert not foreign_parameters(fb.infos + fb.errors), foreign_parameters(fb.infos + fb.errors)


def aligned(tmp_path, spoil):
    """An align_pairs dataset of the four pairs, ``spoil(folder)`` breaking one member."""
    import processing

    lan, mod = write_pairs(str(tmp_path / "in"), scene_pairs())
    folder = str(tmp_path / "ds")
    processing.run("lstfusion:align_pairs", {"MODIS": mod, "LANDSAT": lan, "OUTPUT": folder})
    spoil(folder)
    return folder


@pytest.mark.parametrize("spoil, expect", [
    (lambda f: write_tif(os.path.join(f, "M_20200202.tif"), np.full((30, 32), 300.0, np.float32)),
     "DATASET (M_20200202.tif): grid differs from DATASET (L_20200101.tif): size 32x30 vs 32x32 px; resample it "
     "onto the same grid first (lstfusion:resample)"),
    (lambda f: write_tif(os.path.join(f, "L_20200218.tif"), np.full((32, 32), 300.0, np.float32), x0=502000.0),
     "DATASET (L_20200218.tif): grid differs from DATASET (L_20200101.tif): origin x 502000.0 vs 500000.0; "
     "resample it onto the same grid first (lstfusion:resample)"),
    (lambda f: write_tif(os.path.join(f, "M_20200117.tif"), np.full((32, 32), 300.0, np.float32), crs="EPSG:32632"),
     "DATASET (M_20200117.tif): grid differs from DATASET (L_20200101.tif): CRS EPSG:32632 vs EPSG:32631"),
], ids=["other_shape", "2_km_off", "other_crs"])
def test_every_dataset_member_is_on_one_grid(provider, tmp_path, spoil, expect):
    """Was: a ValueError traceback (other shape), or the member used silently (2 km off)."""
    folder = aligned(tmp_path, spoil)
    files = [os.path.join(folder, n) for n in sorted(os.listdir(folder))]
    before = hashes(files)
    message = run_bad("validate_methods", {"DATASET": folder, "METHODS": [0], "OUTPUT_CSV": str(tmp_path / "o.csv"),
                                           "OUTPUT_HTML": str(tmp_path / "o.html")})
    assert message.startswith(expect), message
    assert "Traceback" not in message and "\n" not in message
    assert hashes(files) == before and not (tmp_path / "o.csv").exists()
