"""Issue 39: a fusion method is its table entry plus its module. A toy method, "the nearest Landsat plus GAIN times
the MODIS change" (its module: the functions below), is added by one entry monkeypatched into the method table
and nothing else; it is then a Toolbox algorithm (generated from the entry, run through Processing), a
fuse_series method (its parameter given as a keyword), a validate_methods method, one of auto's candidates and a
method of the panel, each giving the hand-computed answer."""
import datetime as dt
import importlib
import os

import numpy as np
import pytest

from lst_fusion.core.fusion import methods

from .conftest import synthetic_scene, write_tif

# ---- the toy method's module: pair statistics, one tile, one date


def pair_statistics(stats, params):
    return {}


def fuse_tile(blocks, halo, params):
    F1, C1, C0 = (np.asarray(b, dtype=np.float64) for b in blocks)
    out = F1 + params["GAIN"] * (C0 - C1)
    h, w = out.shape
    return out[halo:h - halo, halo:w - halo]


def fuse_date(images, params, factor=None, progress=None, cancel=None):
    return images["fine_ref1"] + params["GAIN"] * (images["coarse_target"] - images["coarse_ref1"])


TOY = methods.Method(
    "toychange", "Toy change", "classical", methods.ONE, ("lst",), lambda p: 0,
    (methods.Param("GAIN", 1.0, minimum=0.0, label="Gain on the MODIS change",
                   help="The MODIS change since the reference date is added times GAIN."),),
    pair_stats=pair_statistics, tile=fuse_tile,
    one_date=methods.OneDate(fuse_date, "Toy: the nearest Landsat plus GAIN times the MODIS change.", ("toy",), ""))

DAYS = (1, 17, 33)  # reference pairs (Landsat and MODIS)
OFFSET = {d: 0.25 * d for d in range(1, 41)}  # each day's warming, the same at 30 m and on MODIS


@pytest.fixture
def toy(monkeypatch):
    """The method table with TOY appended (and the modules that index it at import time re-read)."""
    from lst_fusion.core.evaluation import validation

    table = methods.METHODS + (TOY,)
    monkeypatch.setattr(methods, "METHODS", table)
    monkeypatch.setattr(methods, "BY_ID", {m.id: m for m in table})
    monkeypatch.setattr(methods, "BY_LABEL", {m.label: m for m in table})
    monkeypatch.setattr(methods, "IDS", tuple(m.id for m in table))
    monkeypatch.setattr(methods, "CLASSICAL", tuple(m.id for m in table if m.classical and m.fusion))
    importlib.reload(validation)  # its CLASSICAL and CANDIDATES, from the table
    yield TOY
    monkeypatch.undo()
    importlib.reload(validation)


@pytest.fixture
def season(tmp_path):
    """Landsat = F + offset(day) on DAYS, MODIS = G + offset(day) daily (G: a smooth function of F): the toy with
    GAIN g predicts F + offset(ref) + g (offset(day) - offset(ref)) exactly."""
    F = synthetic_scene(24)
    G = 0.4 * F + 15
    lan, mod = tmp_path / "landsat", tmp_path / "modis"
    lan.mkdir()
    mod.mkdir()
    for d in DAYS:
        write_tif(lan / f"LC_2020{_md(d)}.tif", (F + OFFSET[d]).astype(np.float32))
    for d in range(1, 41):
        write_tif(mod / f"MOD_2020{_md(d)}.tif", (G + OFFSET[d]).astype(np.float32))
    return F, G, str(lan), str(mod)


def _md(day):
    return (dt.date(2020, 1, 1) + dt.timedelta(days=day - 1)).strftime("%m%d")


def test_toy_is_a_toolbox_algorithm(toy, season, tmp_path, qgis_app, qgis_processing):
    import processing
    from qgis.core import QgsApplication

    from lst_fusion.algorithms.provider import LstFusionProvider

    F, G, lan, mod = season
    reg = QgsApplication.processingRegistry()
    provider = LstFusionProvider()
    assert reg.addProvider(provider)
    try:
        alg = reg.algorithmById("lstfusion:toychange")
        assert alg is not None and alg.displayName() == "Toy change"
        assert [p.name() for p in alg.parameterDefinitions()][:4] == ["COARSE_TARGET", "FINE_REF1", "COARSE_REF1",
                                                                      "GAIN"]
        assert "ENGINE" not in [p.name() for p in alg.parameterDefinitions()]  # engine "": no ENGINE parameter
        assert "MODIS change since the reference date" in alg.shortHelpString()
        out = str(tmp_path / "toy.tif")
        processing.run("lstfusion:toychange", {
            "FINE_REF1": os.path.join(lan, "LC_20200101.tif"), "COARSE_REF1": os.path.join(mod, "MOD_20200101.tif"),
            "COARSE_TARGET": os.path.join(mod, f"MOD_2020{_md(9)}.tif"), "GAIN": 2.0, "OUTPUT": out})
        from lst_fusion.core.data.io import read_raster

        r = read_raster(out, "OUTPUT")
        want = F + OFFSET[1] + 2.0 * (OFFSET[9] - OFFSET[1])
        np.testing.assert_allclose(r.data, want, atol=1e-4)
        assert r.tags["METHOD"] == "Toy change" and float(r.tags["GAIN"]) == 2.0
    finally:
        reg.removeProvider(provider)


def test_toy_in_fuse_series(toy, season, tmp_path):
    from lst_fusion.algorithms.fuse_series import method_options
    from lst_fusion.core.data.io import read_raster
    from lst_fusion.series import fuse_series

    assert method_options()[-1] == "Toy change"  # appended to fuse_series' METHOD enum
    F, G, lan, mod = season
    res = fuse_series(str(tmp_path / "out"), modis=mod, landsat=lan, method="toychange", gain=0.5, tile=16,
                      uncertainty=False)
    assert res.method == "TOYCHANGE" and len(res.outputs) == 40
    for path in res.outputs:
        r = read_raster(path, "OUTPUT")
        day = (dt.date.fromisoformat(r.tags["ACQUISITION_DATE"]) - dt.date(2020, 1, 1)).days + 1
        ref = (dt.date.fromisoformat(r.tags["REF1_DATE"]) - dt.date(2020, 1, 1)).days + 1
        assert ref == min(DAYS, key=lambda d: (abs(d - day), d))  # the nearest pair
        np.testing.assert_allclose(r.data, F + OFFSET[ref] + 0.5 * (OFFSET[day] - OFFSET[ref]), atol=1e-4)
        assert float(r.tags["GAIN"]) == 0.5


def test_toy_in_validate_methods_and_auto(toy, season, tmp_path):
    from lst_fusion.algorithms.validate_methods import method_options
    from lst_fusion.core.data.io import read_raster
    from lst_fusion.core.evaluation import protocol, validation
    from lst_fusion.validation import validate

    assert ("Toy change", "Toy change") in method_options()
    assert "Toy change" in validation.CLASSICAL and "Toy change" in validation.CANDIDATES
    F, G, lan, mod = season
    pairs = {dt.date(2020, 1, 1) + dt.timedelta(days=d - 1):
             (read_raster(os.path.join(lan, f"LC_2020{_md(d)}.tif"), "L").data.astype(np.float64),
              read_raster(os.path.join(mod, f"MOD_2020{_md(d)}.tif"), "M").data.astype(np.float64)) for d in DAYS}
    res = validate.run(pairs, ["Toy change"], str(tmp_path / "v.csv"), block=8, log=lambda *_: None)
    toy_rows = [r for r in res["rows"] if r["method"] == "Toy change" and r.get("variant", "as is") == "as is"]
    cases = protocol.plan(pairs)  # the dates held out in turn (those with a pair on each side)
    assert len(toy_rows) == len(cases) >= 1
    assert max(float(r["RMSE"]) for r in toy_rows) < 1e-4  # exact on this season
    # auto's candidates: the toy predicts a held-out date exactly from the others
    case = cases[0]
    preds = validation.classical_candidates(case, pairs, 8, methods=("Toy change",))
    np.testing.assert_allclose(preds[("Toy change", "as is")], pairs[case.date][0], atol=1e-4)


def test_toy_in_the_panel(toy, qgis_app, qgis_processing):
    from qgis.core import QgsApplication

    from lst_fusion.algorithms.provider import LstFusionProvider
    from lst_fusion.ui import methods as panel

    reg = QgsApplication.processingRegistry()
    provider = LstFusionProvider()
    assert reg.addProvider(provider)
    try:
        m = panel.by_label("Toy change")
        assert m is not None and m.alg_id == "lstfusion:toychange" and m.classical
        assert m.roles == ["COARSE_TARGET", "FINE_REF1", "COARSE_REF1"]  # asked of the generated algorithm
        assert m.series_index is not None and m.validate_index is not None
    finally:
        reg.removeProvider(provider)
