"""Issue 43, item 1: a raster's quantity and unit are facts (tags) established once, carried through outputs and
read by reports; rasters of two quantities in one series or comparison are refused with one sentence."""
import glob
import os
import re

import numpy as np
import pytest

from lst_fusion.core.data import units
from lst_fusion.core.data.io import read_raster
from lst_fusion.core.data.pairing import align_pairs, read_index
from lst_fusion.core.platform.errors import LstFusionError
from lst_fusion.validation import validate

from .conftest import SHARED, synthetic_scene
from .test_bad_inputs import run_bad
from .test_validate import D, constructed

KRANJ = os.path.join(SHARED, "data", "kranj")
DAYS = ("20200101", "20200117", "20200202", "20200218")


def reflectance_pairs(tif, landsat_scale=1e-4):
    """Four same-day pairs: MODIS reflectance 0.13-0.26 and Landsat reflectance x 10000 (about 1300-2600), as the
    issue's unscaled Landsat beside MODIS reflectance; ``landsat_scale`` 1e-4 writes Landsat as reflectance."""
    base = (synthetic_scene(24) - 10.0) / 150.0 + 0.1  # about 0.13 to 0.26
    lan, mod = [], []
    for k, d in enumerate(DAYS):
        refl = base + 0.01 * k
        lan.append(tif(f"l/L_{d}.tif", (refl / landsat_scale).astype(np.float32)))
        mod.append(tif(f"m/M_{d}.tif", (0.8 * refl + 0.03).astype(np.float32)))  # MODIS sees it otherwise
    return lan, mod


@pytest.fixture
def folders(tmp_path):
    (tmp_path / "l").mkdir()
    (tmp_path / "m").mkdir()
    return tmp_path


def test_kind_from_tags_and_the_labelled_guess():
    assert units.kind_from_tags({"QUANTITY": "reflectance"}).label() == "reflectance (0-1)"
    # a file made before QUANTITY existed: LST_UNIT alone is LST
    assert units.kind_from_tags({"LST_UNIT": "kelvin"}) == units.Kind("lst", "kelvin")
    assert units.kind_from_tags({"units": "degC"}).label() == "°C"  # the GDAL band unit
    assert units.kind_from_tags({}) is None
    guess = units.guess_kind(np.array([0.13, 0.2, 0.26]))
    assert guess.quantity == "reflectance" and guess.label() == "reflectance (0-1) (guessed from the values)"
    assert units.guess_kind(np.array([290.0, 300.0])).label() == "K (guessed from the values)"
    assert units.guess_kind(np.array([301.0, 4021.0])).quantity == "other"
    # a guess written by align_pairs stays labelled as a guess downstream
    assert units.kind_from_tags(units.guess_kind(np.array([0.2, 0.3])).tags()).guessed


def test_align_pairs_refuses_unscaled_landsat_beside_modis_reflectance(folders, tif):
    lan, mod = reflectance_pairs(tif, landsat_scale=1e-4)
    with pytest.raises(LstFusionError) as info:
        align_pairs(mod, lan, str(folders / "ds"))
    msg = str(info.value)
    assert msg.startswith("LANDSAT (L_20200101.tif): holds values that are neither LST nor reflectance (0-1)"), msg
    assert "MODIS (M_20200101.tif) holds reflectance (0-1)" in msg and "LANDSAT_SCALE" in msg
    assert not (folders / "ds" / "index.csv").exists()
    # with the scale the dataset is made, every raster tagged reflectance, none tagged as LST
    align_pairs(mod, lan, str(folders / "ds"), scales=(1e-4, 1.0))
    for r in read_index(str(folders / "ds")):
        for col in ("landsat", "modis"):
            tags = read_raster(r[col]).tags
            assert tags["QUANTITY"] == "reflectance" and "LST_UNIT" not in tags, (col, tags)


def test_align_pairs_algorithm_refuses_a_mixed_quantity_series_with_one_sentence(provider, folders, tif):
    lan, mod = reflectance_pairs(tif)
    message = run_bad("align_pairs", {"MODIS": mod, "LANDSAT": lan, "OUTPUT": str(folders / "ds")})
    assert message.startswith("LANDSAT (L_20200101.tif): holds values that are neither LST nor reflectance"), message
    assert "\n" not in message.strip() and "Traceback" not in message
    import processing

    res = processing.run("lstfusion:align_pairs", {"MODIS": mod, "LANDSAT": lan, "LANDSAT_SCALE": 1e-4,
                                                   "OUTPUT": str(folders / "ds2")})
    assert res["N_PAIRS"] == 4


def test_fuse_series_refuses_lst_beside_reflectance_through_processing(provider, folders, tif):
    lan, mod = reflectance_pairs(tif, landsat_scale=1.0)  # both reflectance ...
    hot = synthetic_scene(24).astype(np.float32)
    mod[2] = tif("m/M_20200202.tif", hot)  # ... but one MODIS date is LST in degC
    message = run_bad("fuse_series", {"MODIS": mod, "LANDSAT": lan, "METHOD": 1, "OUTPUT": str(folders / "s")})
    assert message.startswith("MODIS (M_20200202.tif): holds LST in °C"), message
    assert "LANDSAT (L_20200101.tif) holds reflectance (0-1)" in message and "one series" in message


def test_fuse_series_refuses_kelvin_beside_celsius(folders, tif):
    """The series converts no unit: LST in K beside LST in degC would be fused as one quantity."""
    from lst_fusion.series import fuse_series

    base = synthetic_scene(24).astype(np.float32)
    lan = [tif(f"l/L_{d}.tif", base + k) for k, d in enumerate(DAYS)]
    mod = [tif(f"m/M_{d}.tif", base + k + (273.15 if k == 1 else 0.0)) for k, d in enumerate(DAYS)]
    with pytest.raises(LstFusionError) as info:
        fuse_series(str(folders / "s"), modis=mod, landsat=lan, method="starfm")
    assert str(info.value).startswith("MODIS (M_20200117.tif): holds LST in K"), str(info.value)


def test_fused_outputs_carry_the_quantity(folders, tif):
    from lst_fusion.series import fuse_series

    lan, mod = reflectance_pairs(tif, landsat_scale=1.0)
    res = fuse_series(str(folders / "s"), modis=mod, landsat=lan, method="starfm", uncertainty=False)
    tags = read_raster(res.outputs[0]).tags
    assert tags["QUANTITY"] == "reflectance" and "LST_UNIT" not in tags  # was: LST_UNIT celsius on reflectance
    assert res.kind.quantity == "reflectance"
    from lst_fusion.series import season

    stats = season.season_report(res)
    check_report_unit(open(stats.html, encoding="utf-8").read(), res.kind)


def report_unit(html_text):
    """The unit a report's header declares (its 'unit' row)."""
    m = re.search(r"<t[hd][^>]*>\s*unit\s*</t[hd]>\s*<td[^>]*>([^<]*)</td>", html_text, re.I)
    assert m, "the report declares no unit"
    return m.group(1).strip()


def check_report_unit(html_text, kind):
    """A report's unit is the data's: the declared unit is the kind's, and no other unit symbol appears."""
    declared = report_unit(html_text)
    if declared != kind.label():
        raise AssertionError(f"the report says {declared!r}, the data are {kind.label()!r}")
    others = [s for s in ("°C", "(K)", "in K.") if s not in kind.label() and s in html_text]
    if kind.quantity != "lst" and others:
        raise AssertionError(f"a {kind.describe()} report prints {others}")


def test_the_unit_check_fails_on_a_reflectance_report_labelled_celsius():
    bad = "<table><tr><th>unit</th><td>°C</td></tr></table><p>RMSE (°C)</p>"
    with pytest.raises(AssertionError, match="the report says '°C'"):
        check_report_unit(bad, units.Kind("reflectance", "reflectance"))


def test_validation_report_of_a_reflectance_series_says_reflectance(folders, tif):
    lan, mod = reflectance_pairs(tif, landsat_scale=1.0)
    res = validate.validate_inputs(None, mod, lan, ["STARFM"], str(folders / "v.csv"), str(folders / "v.html"),
                                   min_clear=0.0, log=lambda *_: None)
    text = open(folders / "v.html", encoding="utf-8").read()
    check_report_unit(text, units.Kind("reflectance", "reflectance", units.GUESSED))
    assert {r["unit"] for r in res["rows"]} == {"reflectance (0-1) (guessed from the values)"}


def test_validation_report_of_tagged_lst_reads_the_tags(tmp_path, tif):
    """LST declared in Kelvin by its tags: the report says K (no guess), though the values alone would say so too;
    and an untagged series' unit is printed as a guess."""
    import rasterio

    pairs, _ = constructed()
    (tmp_path / "m").mkdir()
    (tmp_path / "l").mkdir()
    lan, mod = [], []
    for d, (f, c) in pairs.items():
        for folder, arr, out in (("l", f, lan), ("m", c, mod)):
            path = tif(f"{folder}/{folder.upper()}_{d:%Y%m%d}.tif", (np.asarray(arr) + 273.15).astype(np.float32))
            with rasterio.open(path, "r+") as ds:
                ds.update_tags(LST_UNIT="kelvin")
            out.append(path)
    validate.validate_inputs(None, mod, lan, ["STARFM"], str(tmp_path / "v.csv"), str(tmp_path / "v.html"),
                             min_clear=0.0, log=lambda *_: None)
    check_report_unit(open(tmp_path / "v.html", encoding="utf-8").read(), units.Kind("lst", "kelvin"))
    res = validate.run({d: p for d, p in pairs.items()}, ["STARFM"], str(tmp_path / "w.csv"), str(tmp_path / "w.html"),
                       block=8, log=lambda *_: None)
    assert report_unit(open(tmp_path / "w.html", encoding="utf-8").read()) == "°C (guessed from the values)"
    assert D[0] in pairs and res["rows"][0]["unit"] == "°C (guessed from the values)"


@pytest.mark.skipif(not os.path.isdir(KRANJ), reason="../shared/data/kranj (real reflectance series) is absent")
def test_kranj_reflectance_is_refused_unscaled_and_validated_as_reflectance(tmp_path):
    lan = sorted(glob.glob(os.path.join(KRANJ, "landsat", "filled", "*.tif")))
    mod = sorted(glob.glob(os.path.join(KRANJ, "modis", "filled", "*.tif")))
    with pytest.raises(LstFusionError) as info:
        align_pairs(mod, lan, str(tmp_path / "raw"))
    assert str(info.value).startswith("LANDSAT (2020068_191-28.tif_filled_kranj.tif): holds values that are neither")
    rows = align_pairs(mod, lan, str(tmp_path / "ds"), scales=(1e-4, 1.0))
    assert sum(r["status"] == "pair" for r in rows) >= 3
    res = validate.validate_inputs(str(tmp_path / "ds"), None, None, ["STARFM"], str(tmp_path / "v.csv"),
                                   str(tmp_path / "v.html"), min_clear=0.0, log=lambda *_: None)
    check_report_unit(open(tmp_path / "v.html", encoding="utf-8").read(),
                      units.Kind("reflectance", "reflectance", units.GUESSED))
    assert all(r["RMSE"] < 0.2 for r in res["rows"])  # reflectance errors, not the 213 of unscaled Landsat
