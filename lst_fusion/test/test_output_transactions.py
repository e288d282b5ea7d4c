"""Every algorithm that writes a folder or side files, under the output rules (issue #37, classes 1 and 2).

For each such algorithm the sweep runs it through processing.run once to count the temporary files it writes,
then again with each of these going wrong:

* SIGTERM delivered just after its k-th temporary file is made, for every k: the run fails with
  "Interrupted by SIGTERM: the run stopped and no output was written", and that is true: every file of the
  output folder is byte-identical to what an earlier complete run left there, and no new file appeared;
* the disk full at its k-th write, for every k: the one "disk is full" sentence, and the same check;
* its output (or derived) folder holding its inputs: refused before any work, inputs unchanged.

Algorithms that stream their outputs (fuse_series, search_download) keep each finished file by design and say
so instead (tested in test_series and test_stac); they are checked here for the wording of that claim.
"""
import errno
import hashlib
import os
import shutil
import signal

import numpy as np
import pytest
from qgis.core import QgsProcessingException

from .conftest import synthetic_scene, write_tif
from .test_processing_run import ErrorCollectingFeedback

DATES = ("20200101", "20200117", "20200202")


def snapshot(folder):
    """{relative path: sha256} of every file under ``folder``."""
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(root, f)
            out[os.path.relpath(p, folder)] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    return out


@pytest.fixture
def data(tmp_path):
    """Three same-day pairs (Kelvin, 32 px, one grid) named L_/M_ in their own folders, and an output folder."""
    base = synthetic_scene(32, celsius=False)
    rng = np.random.default_rng(3)
    lan, mod = tmp_path / "in" / "landsat", tmp_path / "in" / "modis"
    lan.mkdir(parents=True)
    mod.mkdir(parents=True)
    for k, d in enumerate(DATES):
        write_tif(lan / f"L_{d}.tif", (base + 2 * k + rng.normal(0, 0.2, base.shape)).astype(np.float32))
        write_tif(mod / f"M_{d}.tif", (0.4 * base + 180 + 2 * k).astype(np.float32))
    cloudy = (base + 1).astype(np.float32)
    cloudy[5:15, 5:15] = np.nan
    write_tif(tmp_path / "in" / "cloudy_20200110.tif", cloudy, nodata=np.nan)
    out = tmp_path / "out"
    out.mkdir()
    return tmp_path


def cases(root):
    """(algorithm, parameters, output folder) of every algorithm writing a folder or several files."""
    lan = [str(root / "in" / "landsat" / f"L_{d}.tif") for d in DATES]
    mod = [str(root / "in" / "modis" / f"M_{d}.tif") for d in DATES]
    out = root / "out"
    return {
        "align_pairs": ({"MODIS": mod, "LANDSAT": lan, "OUTPUT": str(out / "ds")}, out),
        "coregister": ({"MODIS": mod, "LANDSAT": lan, "MAX_SHIFT": 0.5, "OUTPUT": str(out / "co")}, out),
        "validate_methods": ({"MODIS": mod, "LANDSAT": lan, "METHODS": [0], "OUTPUT_CSV": str(out / "v.csv"),
                              "OUTPUT_HTML": str(out / "v.html")}, out),
        "gapfill": ({"INPUT": str(root / "in" / "cloudy_20200110.tif"), "OTHER_DATES": lan[:2],
                     "OUTPUT": str(out / "filled.tif")}, out),
        "evaluate": ({"PREDICTION": lan[1], "REFERENCE": lan[0], "OUTPUT_TABLE": str(out / "m.csv"),
                      "OUTPUT_HTML": str(out / "m.html"), "OUTPUT_ERROR": str(out / "err.tif")}, out),
        "compare_methods": ({"PREDICTIONS": lan[1:], "REFERENCE": lan[0], "OUTPUT_TABLE": str(out / "c.csv"),
                             "OUTPUT_HTML": str(out / "c.html")}, out),
    }


ALGORITHMS = ("align_pairs", "coregister", "validate_methods", "gapfill", "evaluate", "compare_methods")


def run(alg, params):
    import processing

    return processing.run(f"lstfusion:{alg}", params, feedback=ErrorCollectingFeedback())


class Counting:
    """Counts the temporary files made (core.platform.temps.track, as io and the transaction call it) and the
    flushes of finished files (io.fsync_file); at the chosen one, SIGTERM this process or fail with ENOSPC."""

    def __init__(self, monkeypatch, kill_at=None, full_at=None):
        from lst_fusion.core.data import io
        from lst_fusion.core.platform import temps, transaction

        self.tracked = self.flushed = 0
        real_track, real_fsync = temps.track, io.fsync_file

        def track(tmp):
            real_track(tmp)
            self.tracked += 1
            if self.tracked == kill_at:
                os.kill(os.getpid(), signal.SIGTERM)  # handled at the next bytecode, in this (main) thread

        def fsync(path):
            self.flushed += 1
            if self.flushed == full_at:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
            real_fsync(path)

        for module in (io, temps, transaction.temps):
            monkeypatch.setattr(module, "track", track)
        monkeypatch.setattr(io, "fsync_file", fsync)


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_a_stopped_or_failed_run_writes_nothing_and_says_so(alg, data, provider, monkeypatch):
    params, out = cases(data)[alg]
    run(alg, params)
    first = snapshot(out)
    inputs = snapshot(data / "in")
    with monkeypatch.context() as m:
        count = Counting(m)
        run(alg, params)  # an earlier complete run: its outputs must survive every failure below
    assert count.tracked >= 1 and count.flushed >= 1
    before = snapshot(out)
    assert before.keys() == first.keys()  # a re-run replaces its outputs, adds no file
    outcomes = []
    for k in range(1, count.tracked + 1):
        with monkeypatch.context() as m:
            Counting(m, kill_at=k)
            with pytest.raises(QgsProcessingException) as exc:
                run(alg, params)
        outcomes.append(("SIGTERM", k, str(exc.value)))
        assert str(exc.value) == "Interrupted by SIGTERM: the run stopped and no output was written", (k, exc.value)
        assert snapshot(out) == before, f"SIGTERM after temporary file {k} of {count.tracked} changed the outputs"
    for k in range(1, count.flushed + 1):
        with monkeypatch.context() as m:
            Counting(m, full_at=k)
            with pytest.raises(QgsProcessingException) as exc:
                run(alg, params)
        assert "the disk is full" in str(exc.value) and "nothing was written" in str(exc.value), exc.value
        assert snapshot(out) == before, f"a full disk at write {k} of {count.flushed} changed the outputs"
    assert snapshot(data / "in") == inputs
    print(f"{alg}: {count.tracked} interruption points and {count.flushed} full-disk points, all clean")


def test_a_signal_during_the_final_renames_waits_for_them_and_is_reported_as_such(data, provider, monkeypatch):
    """SIGTERM while the outputs are being renamed into place: they are all put in place, and the message says
    the run was interrupted with its outputs complete (not that nothing was written)."""
    from lst_fusion.core.platform import transaction

    params, out = cases(data)["coregister"]
    real = transaction.publish
    sent = []

    def publish(tmp, path):
        if not sent:
            sent.append(path)
            os.kill(os.getpid(), signal.SIGTERM)
        real(tmp, path)

    monkeypatch.setattr(transaction, "publish", publish)
    with pytest.raises(QgsProcessingException, match="^Interrupted by SIGTERM as the run ended: its outputs were all "
                                                     "written, complete$"):
        run("coregister", params)
    names = set(os.listdir(out / "co"))
    assert {"index.csv", "coregistration.csv", "M_20200101.tif", "L_20200202.tif"} <= names
    assert not [n for n in names if n.startswith(".tmp_")]


@pytest.mark.parametrize("alg,name", [("align_pairs", "OUTPUT"), ("coregister", "OUTPUT")])
def test_an_output_folder_holding_the_inputs_is_refused(alg, name, data, provider):
    params, _ = cases(data)[alg]
    inputs = snapshot(data / "in")
    with pytest.raises(QgsProcessingException, match=f"^{name}: the folder holds the input MODIS \\(M_20200101.tif\\)"):
        run(alg, dict(params, **{name: str(data / "in" / "modis")}))
    assert snapshot(data / "in") == inputs


def test_validate_methods_dataset_folder_holding_the_inputs_is_refused(data, provider):
    """OUTPUT_CSV in/modis.csv: its aligned dataset would go to in/modis_dataset ... here: in/modis itself is the
    dataset folder of OUTPUT_CSV in/modis.csv only through the _dataset suffix, so the inputs are moved there."""
    params, _ = cases(data)["validate_methods"]
    ds = data / "in" / "v_dataset"
    shutil.move(str(data / "in" / "modis"), str(ds))
    params = dict(params, MODIS=[str(ds / f"M_{d}.tif") for d in DATES], OUTPUT_CSV=str(data / "in" / "v.csv"))
    inputs = snapshot(data / "in")
    with pytest.raises(QgsProcessingException,
                       match=r"^OUTPUT_CSV: its folder v_dataset holds the input MODIS \(M_20200101.tif\), which the "
                             "run would replace; choose another output file$"):
        run("validate_methods", params)
    assert snapshot(data / "in") == inputs
    # elsewhere it runs, and the aligned dataset appears beside the CSV with the other outputs
    res = run("validate_methods", dict(params, OUTPUT_CSV=str(data / "out" / "w.csv")))
    assert res["N_FOLDS"] >= 1
    assert {"index.csv", "M_20200101.tif", "L_20200117.tif"} <= set(os.listdir(data / "out" / "w_dataset"))
    assert not [n for n in os.listdir(data / "out") if n.startswith(".tmp_")]


def test_streaming_algorithms_say_what_a_stop_keeps(provider):
    """fuse_series and search_download keep each finished file (resumable): their messages say so, never that
    nothing was written."""
    from lst_fusion.algorithms.fuse_series import FuseSeries
    from lst_fusion.algorithms.search_download import SearchDownload

    for alg in (FuseSeries, SearchDownload):
        assert alg.STREAMS_OUTPUTS and "kept" in alg.NOTHING_WRITTEN and "no output was written" not in alg.NOTHING_WRITTEN


@pytest.mark.parametrize("alg", ["starfm", "evaluate", "validate_methods"])
def test_a_run_leaves_no_statistics_file_beside_its_inputs(alg, data, provider):
    """QGIS computes band statistics for each input layer it loads (its default style) and GDAL would save them
    as an .aux.xml beside the user's raster when the layer closes: the plugin loads its layers without that."""
    import gc

    lan = [str(data / "in" / "landsat" / f"L_{d}.tif") for d in DATES]
    mod = [str(data / "in" / "modis" / f"M_{d}.tif") for d in DATES]
    params = {"starfm": {"FINE_REF1": lan[0], "COARSE_REF1": mod[0], "COARSE_TARGET": mod[1],
                         "OUTPUT": str(data / "out" / "s.tif")},
              "evaluate": cases(data)["evaluate"][0], "validate_methods": cases(data)["validate_methods"][0]}[alg]
    before = snapshot(data / "in")
    run(alg, params)
    gc.collect()  # every layer of the run destroyed: GDAL would write its .aux.xml now
    assert snapshot(data / "in") == before
