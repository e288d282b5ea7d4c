"""The sweep of issue 37: every fusion method x degenerate inputs, through processing.run.

Each case ends in one of two ways, and nothing else:

* **raster**: a plausible raster - the plausibility guard held (its tags are there, every value lies within its
  PLAUSIBLE_MIN..PLAUSIBLE_MAX, which equal core.fusion.guard's bounds of the case's own arrays), a value
  wherever every input is valid (nodata only where an input is, or where the guard counted one), and the known
  answer where the case has one (a constant 300 K scene warmed by 2 K: 302 K everywhere);
* **refused**: one sentence that starts with one of that algorithm's own parameters (no traceback, no other
  algorithm's parameter), and no output file.

Methods: ESTARFM, STARFM, Fit-FC, FSDAF, Thermal sharpening, All-pairs regression (its two pairs given as LANDSAT and
MODIS lists) and the five deep models' ``predict_<model>`` with their bundled checkpoints.  Inputs (Kelvin, 24 x 24
px of 30 m, MODIS pixel 120 m = 4 x 4 px, WINDOW 5, unless the case says otherwise): constant, linear ramp, MODIS
clear on one coarse pixel, MODIS clear on three collinear (diagonal)
coarse pixels, 1 x 1 and 3 x 3 images, a nodata hole of 10 x 10 px in the fine reference (twice the window), a
geographic CRS (EPSG:4326, 0.00027 deg pixels).

Outcomes: 11 methods x 8 inputs = 88 cases, 84 plausible rasters and 4 refusals, each naming the algorithm's own
WINDOW (``EXPECTED`` pins each; ``test_sweep_table`` prints the table and the count); Thermal sharpening and
All-pairs regression have no window (the 1 x 1 image gets its MODIS, and its own line). In a series
(``test_degenerate_input_in_a_series``: fuse_series with ESTARFM, STARFM, Fit-FC, FSDAF, Thermal sharpening, All-pairs
regression and auto x the inputs but 1x1 = 49 cases) every case is a plausible raster within the guard's bounds,
302.00 K on the constant scene:

==================  ========  ======  =========  =========  ======  ======  ========  ==========
method              constant  ramp    one clear  collinear  1x1     3x3     NaN hole  geographic
==================  ========  ======  =========  =========  ======  ======  ========  ==========
ESTARFM             raster    raster  raster     raster     WINDOW  raster  raster    raster
STARFM              raster    raster  raster     raster     WINDOW  raster  raster    raster
Fit-FC              raster    raster  raster     raster     WINDOW  raster  raster    raster
FSDAF               raster    raster  raster     raster     WINDOW  raster  raster    raster
Thermal sharpening  raster    raster  raster     raster     raster  raster  raster    raster
All-pairs regr.     raster    raster  raster     raster     raster  raster  raster    raster
EDCSTFN             raster    raster  raster     raster     raster  raster  raster    raster
STTFN               raster    raster  raster     raster     raster  raster  raster    raster
MLFF-GAN            raster    raster  raster     raster     raster  raster  raster    raster
GAN-STFM            raster    raster  raster     raster     raster  raster  raster    raster
SwinSTFM            raster    raster  raster     raster     raster  raster  raster    raster
==================  ========  ======  =========  =========  ======  ======  ========  ==========

WINDOW (1 x 1): "WINDOW: this 1x1 px image is too small for any moving window (the smallest, 3 px, needs an image
of at least 2 px on one side); give larger rasters".  The constant scene gives 302.00 K everywhere with every
classical method; the deep models give 300.1-308.6 K there (the offsets of their training pairs: plausible, not
exact), the sample-trained checkpoints' usual behaviour on a scene they never saw.  Before issue 37 (main at
5fb6bfb) every raster case lacked the guard's tags, FSDAF's constant case was all nodata and the 1 x 1 sentence
advised "a smaller odd window" than the smallest.
"""
import os

import numpy as np
import pytest
from qgis.core import QgsProcessingException

from lst_fusion.core.fusion import guard
from lst_fusion.core.fusion.residual import block_mean

from .conftest import synthetic_scene, write_tif
from .test_processing_run import ErrorCollectingFeedback

N, FACTOR = 24, 4
CLASSICAL = {"ESTARFM": "estarfm", "STARFM": "starfm", "Fit-FC": "fitfc", "FSDAF": "fsdaf",
             "Thermal sharpening": "sharpen", "All-pairs regression": "allpairs"}
NO_WINDOW = ("Thermal sharpening", "All-pairs regression")  # no moving window: a 1 x 1 image is fused too
LISTS = ("All-pairs regression",)  # its references as LANDSAT and MODIS lists (both pairs), not by role
DEEP = {"EDCSTFN": "edcstfn", "STTFN": "sttfn", "MLFF-GAN": "mlffgan", "GAN-STFM": "ganstfm", "SwinSTFM": "swinstfm"}
INPUTS = ("constant", "ramp", "one clear", "collinear", "1x1", "3x3", "NaN hole", "geographic")


def coarse_of(F, n=N):
    return np.kron(block_mean(F, FACTOR), np.ones((FACTOR, FACTOR)))[:n, :n]


def scene(case):
    """(arrays by role, write_tif keywords): the five roles of one degenerate case, Kelvin."""
    kw = {}
    if case == "constant":
        F = np.full((N, N), 300.0)
        return {"FINE_REF1": F, "COARSE_REF1": F, "FINE_REF2": F, "COARSE_REF2": F, "COARSE_TARGET": F + 2.0}, kw
    if case == "ramp":
        F = 290.0 + np.tile(np.arange(N) * 0.8, (N, 1))
    elif case in ("1x1", "3x3"):
        n = int(case[0])
        F = synthetic_scene(8, 4, celsius=False)[:n, :n]
        C = F.mean() + 0.0 * F
        return {"FINE_REF1": F, "COARSE_REF1": C, "FINE_REF2": F + 4, "COARSE_REF2": C + 4, "COARSE_TARGET": C + 1.5}, kw
    else:
        F = synthetic_scene(N, 6, celsius=False)
    C = coarse_of(F)
    change = 1.0 + 0.25 * (np.arange(N) // FACTOR)[None, :] + 0.0 * F  # 1 to 2.25 K, west to east, per MODIS pixel
    arrays = {"FINE_REF1": F, "COARSE_REF1": C, "FINE_REF2": F + 4.0, "COARSE_REF2": C + 4.0, "COARSE_TARGET": C + change}
    if case in ("one clear", "collinear"):
        cells = [(2, 3)] if case == "one clear" else [(1, 1), (3, 3), (5, 5)]
        clear = np.zeros((N // FACTOR, N // FACTOR), bool)
        for c in cells:
            clear[c] = True
        clear = np.kron(clear, np.ones((FACTOR, FACTOR), bool))
        for k in ("COARSE_REF1", "COARSE_REF2", "COARSE_TARGET"):
            arrays[k] = np.where(clear, arrays[k], np.nan)
    if case == "NaN hole":
        arrays["FINE_REF1"] = F.copy()
        arrays["FINE_REF1"][7:17, 7:17] = np.nan
    if case == "geographic":
        kw = {"crs": "EPSG:4326", "x0": 146.0, "y0": -34.8, "res": 0.00027}
    return arrays, kw


def algorithm(method):
    return f"lstfusion:{CLASSICAL[method]}" if method in CLASSICAL else f"lstfusion:predict_{DEEP[method]}"


def own_parameters(method):
    from qgis.core import QgsApplication

    return {p.name() for p in QgsApplication.processingRegistry().algorithmById(algorithm(method)).parameterDefinitions()}


def run_case(method, case, folder):
    """('raster', path, arrays) or ('refused', message, arrays)."""
    import processing

    arrays, kw = scene(case)
    names = own_parameters(method)
    dates = {"FINE_REF1": "20200101", "COARSE_REF1": "20200101", "FINE_REF2": "20200202", "COARSE_REF2": "20200202",
             "COARSE_TARGET": "20200117"}
    params = {}
    for role, a in arrays.items():
        # the one-pair methods' FINE_REF2/COARSE_REF2 calibrate OUTPUT_UNCERTAINTY only: not given here
        if role in names and (method not in ("Fit-FC", "FSDAF", "Thermal sharpening") or role.endswith("1")
                              or role == "COARSE_TARGET"):
            if method in DEEP and role.endswith("2") and DEEP[method] != "sttfn":
                continue  # the one-pair models' optional second pair: left out
            params[role] = write_tif(os.path.join(folder, f"{role}_{dates[role]}.tif"), a.astype(np.float32),
                                     nodata=np.nan, **kw)
    if method in LISTS:  # both pairs of the case, as lists
        params = {"COARSE_TARGET": write_tif(os.path.join(folder, f"COARSE_TARGET_{dates['COARSE_TARGET']}.tif"),
                                             arrays["COARSE_TARGET"].astype(np.float32), nodata=np.nan, **kw)}
        for lst, kind in (("LANDSAT", "FINE"), ("MODIS", "COARSE")):
            params[lst] = [write_tif(os.path.join(folder, f"{kind}_REF{k}_{dates[f'{kind}_REF{k}']}.tif"),
                                     arrays[f"{kind}_REF{k}"].astype(np.float32), nodata=np.nan, **kw) for k in (1, 2)]
        params["OUTPUT"] = os.path.join(folder, "fused.tif")
        used = dict(arrays)
    params.update({"OUTPUT": os.path.join(folder, "fused.tif"), "COARSE_PIXEL": 120.0})
    if method in CLASSICAL and method not in LISTS:
        params["WINDOW"] = 5
    used = {k: v for k, v in arrays.items() if k in params or method in LISTS}
    feedback = ErrorCollectingFeedback()
    try:
        processing.run(algorithm(method), params, feedback=feedback)
    except QgsProcessingException as exc:
        message = (" | ".join(feedback.errors) or str(exc)).replace("Unable to execute algorithm\n", "", 1)
        assert not os.path.exists(params["OUTPUT"]), "a refused run left an output"
        return "refused", message, used
    return "raster", params["OUTPUT"], used


def read_values(path):
    import rasterio

    with rasterio.open(path) as ds:
        return ds.read(1, masked=True).filled(np.nan)


def outcome_label(kind, detail):
    return kind if kind == "raster" else detail.split(":", 1)[0]


METHODS = list(CLASSICAL) + list(DEEP)
EXPECTED = {(m, c): "WINDOW" if (m in CLASSICAL and m not in NO_WINDOW and c == "1x1") else "raster"
            for m in METHODS for c in INPUTS}
CASES = list(EXPECTED)


@pytest.mark.parametrize("method, case", CASES, ids=[f"{m}-{c}" for m, c in CASES])
def test_degenerate_input(provider, tmp_path, method, case):
    import rasterio

    if method in DEEP:
        pytest.importorskip("torch")
    kind, detail, arrays = run_case(method, case, str(tmp_path))
    print(f"\n{method} x {case}: {outcome_label(kind, detail)}" + (f" ({detail})" if kind == "refused" else
          f" ({np.nanmin(read_values(detail)):.2f}-{np.nanmax(read_values(detail)):.2f} K)"))
    if kind == "refused":
        param = detail.split(":", 1)[0]
        assert param in own_parameters(method), f"{detail!r} names no parameter of {algorithm(method)}"
        assert "Traceback" not in detail and "\n" not in detail.strip() and ": " in detail, detail
        assert outcome_label(kind, detail) == EXPECTED[(method, case)], detail
        if case == "1x1":  # not "choose a smaller odd window": 3 px, the smallest, is already too large
            assert detail.startswith("WINDOW: this 1x1 px image is too small for any moving window"), detail
        return
    with rasterio.open(detail) as ds:
        out, tags = ds.read(1, masked=True).filled(np.nan).astype(np.float64), ds.tags()
    lo, hi = float(tags["PLAUSIBLE_MIN"]), float(tags["PLAUSIBLE_MAX"])
    refs = [arrays[k] for k in ("COARSE_REF1", "COARSE_REF2") if k in arrays]
    b = guard.plausible_bounds(list(arrays.values()), arrays["COARSE_TARGET"], refs)
    assert (lo, hi) == pytest.approx((b.lo, b.hi), abs=1e-3)
    finite = np.isfinite(out)
    assert finite.any(), "an all-nodata raster"
    assert lo <= out[finite].min() and out[finite].max() <= hi
    valid = np.logical_and.reduce([np.isfinite(a) for a in arrays.values()])
    if method in LISTS:  # a pixel fits on the pairs it has: a value where the day's MODIS and one pair are valid
        valid = np.isfinite(arrays["COARSE_TARGET"]) & np.logical_or.reduce(
            [np.isfinite(arrays[f"FINE_REF{k}"]) & np.isfinite(arrays[f"COARSE_REF{k}"]) for k in (1, 2)])
    assert not (finite & ~valid).any(), "a value where an input is nodata"
    assert int((valid & ~finite).sum()) == int(tags["IMPLAUSIBLE_PIXELS"]), "nodata the guard did not count"
    if case == "constant" and method in CLASSICAL:  # the deep models carry their training's offsets: 303-308 K
        np.testing.assert_allclose(out, 302.0, atol=1e-3)
    assert EXPECTED[(method, case)] == "raster"


def test_sweep_table():
    """The closing note's count: 11 methods x 8 degenerate inputs = 88 cases; the table of the module docstring."""
    counts = {}
    for v in EXPECTED.values():
        counts[v] = counts.get(v, 0) + 1
    print("\n" + " " * 11 + " ".join(f"{c:10s}" for c in INPUTS))
    print("\n".join(f"{m:10s} " + " ".join(f"{EXPECTED[(m, c)]:10s}" for c in INPUTS) for m in METHODS))
    print(f"{len(CASES)} cases: {counts}")
    assert len(CASES) == 88 and counts == {"raster": 84, "WINDOW": 4}


# --- fuse_series with each classical method and auto x the same degenerate inputs (issue 37's sweep) --------------
SERIES_METHODS = ("ESTARFM", "STARFM", "Fit-FC", "FSDAF", "Thermal sharpening", "All-pairs regression", "auto")
SERIES_INPUTS = ("constant", "ramp", "one clear", "collinear", "3x3", "NaN hole", "geographic")
# every case a plausible raster (the one-date 1x1 refusal is the image, not the series: 1x1 is left out here)
SERIES_EXPECTED = {(m, c): "raster" for m in SERIES_METHODS for c in SERIES_INPUTS}


@pytest.mark.parametrize("method, case", list(SERIES_EXPECTED), ids=[f"{m}-{c}" for m, c in SERIES_EXPECTED])
def test_degenerate_input_in_a_series(provider, tmp_path, method, case):
    """Two pairs (2020-01-01, 2020-02-02) and the target date's MODIS (2020-01-17) as a fuse_series run: the
    target's raster is plausible (the guard's bounds of the case's own arrays) or the run is refused in one
    sentence naming one of fuse_series' own parameters."""
    import processing
    import rasterio
    from qgis.core import QgsApplication

    from lst_fusion.algorithms.fuse_series import AUTO_LABEL, method_options

    arrays, kw = scene(case)
    modis, landsat = [], []
    for role, day in (("FINE_REF1", "20200101"), ("FINE_REF2", "20200202")):
        landsat.append(write_tif(tmp_path / f"L_{day}.tif", arrays[role].astype(np.float32), nodata=np.nan, **kw))
    for role, day in (("COARSE_REF1", "20200101"), ("COARSE_REF2", "20200202"), ("COARSE_TARGET", "20200117")):
        modis.append(write_tif(tmp_path / f"M_{day}.tif", arrays[role].astype(np.float32), nodata=np.nan, **kw))
    options = method_options()
    index = options.index(AUTO_LABEL if method == "auto" else method)
    out = tmp_path / "series"
    feedback = ErrorCollectingFeedback()
    params = {"MODIS": modis, "LANDSAT": landsat, "METHOD": index, "WINDOW": 5, "TILE_SIZE": 16, "COARSE_PIXEL": 120.0,
              "START": "2020-01-17", "END": "2020-01-17", "OUTPUT": str(out)}
    try:
        processing.run("lstfusion:fuse_series", params, feedback=feedback)
    except QgsProcessingException as exc:
        message = (" | ".join(feedback.errors) or str(exc)).replace("Unable to execute algorithm\n", "", 1)
        own = {p.name() for p in QgsApplication.processingRegistry().algorithmById(
            "lstfusion:fuse_series").parameterDefinitions()}
        assert message.split(":", 1)[0] in own and "Traceback" not in message, message
        assert message.split(":", 1)[0] == SERIES_EXPECTED[(method, case)], message
        assert not list(out.glob("LST_*.tif")) if out.exists() else True
        return
    files = list(out.glob("LST_*_20200117.tif"))
    assert SERIES_EXPECTED[(method, case)] == "raster" and len(files) == 1, (files, feedback.infos[-3:])
    with rasterio.open(files[0]) as ds:
        got, tags = ds.read(1, masked=True).filled(np.nan).astype(np.float64), ds.tags()
    refs = [arrays["COARSE_REF1"], arrays["COARSE_REF2"]]
    b = guard.plausible_bounds(list(arrays.values()), arrays["COARSE_TARGET"], refs)
    lo, hi = float(tags["PLAUSIBLE_MIN"]), float(tags["PLAUSIBLE_MAX"])
    assert lo >= b.lo - 1e-3 and hi <= b.hi + 1e-3  # the series' bounds use the inputs of that date only
    finite = np.isfinite(got)
    assert finite.any() and lo <= got[finite].min() and got[finite].max() <= hi
    if case == "constant" and method != "auto":
        np.testing.assert_allclose(got, 302.0, atol=1e-3)
