"""The plugin outside pytest: qgis_process lists the provider and runs algorithms in a real QGIS process."""
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from lst_fusion.core.fusion.kernels import numba_available

from .conftest import REPO

QP = os.environ.get("QGIS_PROCESS") or shutil.which("qgis_process.bin") or shutil.which("qgis_process")
pytestmark = pytest.mark.skipif(QP is None, reason="qgis_process is not installed")


def qgis_process(tmp_path, *args, venv=True):
    env = dict(os.environ, QGIS_PLUGINPATH=REPO, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"),
               XDG_RUNTIME_DIR=str(tmp_path / "run"))
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    # the same numpy/torch as this interpreter (the venv), on top of QGIS's own Python
    if venv:
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p.endswith("site-packages"))
    else:  # QGIS's own Python only: Debian's numpy/scipy/rasterio, no torch
        env.pop("PYTHONPATH", None)
    return subprocess.run([QP, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def qp(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("qp")
    out = qgis_process(tmp, "plugins", "enable", "lst_fusion")
    assert out.returncode == 0 or "already enabled" in out.stderr, out.stdout + out.stderr
    return lambda *a, venv=True: qgis_process(tmp, *a, venv=venv)


def test_qgis_process_lists_the_provider(qp):
    out = qp("list")
    assert out.returncode == 0, out.stderr
    for alg in ("lstfusion:estarfm", "lstfusion:starfm", "lstfusion:evaluate", "lstfusion:train_edcstfn",
                "lstfusion:predict_swinstfm", "lstfusion:import_modis"):
        assert alg in out.stdout


def _arg_help(head, help_start, stdout):
    """qgis_process help lists 'NAME: description' then the help, tab-indented; 3.40 adds ' (optional)' to an
    optional parameter's line and a 'Default value' line before the help (3.22 does neither)."""
    pattern = re.escape(head) + r"( \(optional\))?\n(\tDefault value:[^\n]*\n)?\t" + re.escape(help_start)
    return re.search(pattern, stdout) is not None


def test_qgis_process_help_shows_the_help_of_each_parameter(qp):
    out = qp("help", "lstfusion:estarfm")
    assert out.returncode == 0, out.stderr
    assert _arg_help("WINDOW: Window size (pixels, odd)", "Side of the moving window in pixels, odd; 51", out.stdout)
    assert _arg_help("CHANGE_THRESHOLD: Coarse change threshold for regression (degrees)", "Minimum coarse change",
                     out.stdout)
    assert "<b>ENGINE</b> &ndash; <i>Engine for the window sums</i> (advanced): Computes the window sums" in out.stdout
    out = qp("help", "lstfusion:predict_edcstfn", venv=False)  # no torch: the help says how to install it
    assert out.returncode == 0 and "PyTorch is not installed in QGIS's Python" in out.stdout
    assert _arg_help("CHECKPOINT: Checkpoint (.pt; empty = bundled)", "A .pt file written by lstfusion:train_<model>",
                     out.stdout)


def test_qgis_process_runs_classical_and_deep(qp, tif, tmp_path):
    from lst_fusion.core.data.io import read_raster
    from lst_fusion.core.fusion.starfm import starfm

    from .conftest import synthetic_scene

    F1 = synthetic_scene(48).astype(np.float32)
    C1 = (0.3 * F1 + 17).astype(np.float32)
    C0 = C1 + 2
    p = {k: tif(f"{k}.tif", v) for k, v in (("F1", F1), ("C1", C1), ("C0", C0))}
    out = qp("run", "lstfusion:starfm", "--", f"FINE_REF1={p['F1']}", f"COARSE_REF1={p['C1']}",
             f"COARSE_TARGET={p['C0']}", "WINDOW=9", f"OUTPUT={tmp_path / 's.tif'}")
    assert out.returncode == 0, out.stdout + out.stderr
    np.testing.assert_allclose(read_raster(tmp_path / "s.tif").data, starfm(F1, C1, C0, window=9), atol=1e-5)
    if numba_available():  # numba's own LLVM inside the QGIS process, beside QGIS's GDAL/PROJ
        assert "window sums: numba" in out.stdout, out.stdout
    ck = os.path.join(REPO, "lst_fusion", "resources", "checkpoints", "edcstfn.pt")
    if os.path.exists(ck):  # torch inside the QGIS process, beside QGIS's GDAL/PROJ
        out = qp("run", "lstfusion:predict_edcstfn", "--", f"FINE_REF1={p['F1']}", f"COARSE_REF1={p['C1']}",
                 f"COARSE_TARGET={p['C0']}", f"OUTPUT={tmp_path / 'd.tif'}")
        assert out.returncode == 0, out.stdout + out.stderr
        assert np.isfinite(read_raster(tmp_path / "d.tif").data).all()
    bad = qp("run", "lstfusion:starfm", "--", f"FINE_REF1={p['F1']}", f"COARSE_REF1={p['C1']}",
             f"COARSE_TARGET={tif('small.tif', C0[:10])}", f"OUTPUT={tmp_path / 'x.tif'}")
    assert bad.returncode != 0 and "COARSE_TARGET" in bad.stdout + bad.stderr


def test_without_torch_the_plugin_loads_and_says_what_to_install(qp, tif, tmp_path):
    probe = subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("QGIS's own Python has torch here; nothing to prove")
    out = qp("list", venv=False)
    assert out.returncode == 0 and "lstfusion:estarfm" in out.stdout and "lstfusion:train_edcstfn" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    out = qp("help", "lstfusion:predict_edcstfn", venv=False)
    assert "PyTorch is not installed" in out.stdout and "pip install --user torch" in out.stdout
    a = tif("a.tif", np.full((16, 16), 20.0, np.float32))
    out = qp("run", "lstfusion:predict_edcstfn", "--", f"FINE_REF1={a}", f"COARSE_REF1={a}", f"COARSE_TARGET={a}",
             f"OUTPUT={tmp_path / 'p.tif'}", venv=False)
    assert out.returncode != 0 and "PyTorch is not installed" in out.stdout + out.stderr
    out = qp("run", "lstfusion:starfm", "--", f"FINE_REF1={a}", f"COARSE_REF1={a}", f"COARSE_TARGET={a}", "WINDOW=3",
             f"OUTPUT={tmp_path / 's.tif'}", venv=False)
    assert out.returncode == 0, out.stdout + out.stderr  # classical methods work without torch
    if subprocess.run(["/usr/bin/python3", "-c", "import numba"], capture_output=True).returncode != 0:
        assert "window sums: NumPy (install numba" in out.stdout, out.stdout  # ... and without numba


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_interrupted_run_exits_non_zero_and_leaves_no_file(qp, tmp_path, sig):
    """Ctrl-C (qgis_process's own handler only cancelled, exit 0) and SIGTERM (killed, .tmp_ left) of a long run."""
    import signal
    import time

    if shutil.which("stdbuf") is None:
        pytest.skip("stdbuf (coreutils) is needed to see when the run has started")
    sample = os.path.join(REPO, "lst_fusion", "resources", "sample")
    lan = [os.path.join(sample, "landsat", f) for f in sorted(os.listdir(os.path.join(sample, "landsat")))]
    mod = [os.path.join(sample, "modis", f) for f in sorted(os.listdir(os.path.join(sample, "modis")))]
    out = tmp_path / "out"
    out.mkdir()
    env = dict(os.environ, QGIS_PLUGINPATH=REPO, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"),
               XDG_RUNTIME_DIR=str(tmp_path / "run"),
               PYTHONPATH=os.pathsep.join(p for p in sys.path if p.endswith("site-packages")))
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    subprocess.run([QP, "plugins", "enable", "lst_fusion"], env=env, capture_output=True, timeout=120)
    # NumPy engine, 401 px window on the 400x400 sample: minutes of work, so the signal lands mid-run
    # stdbuf: line-buffered stdout, so the test sees when the computation has started
    proc = subprocess.Popen(["stdbuf", "-oL", QP, "run", "lstfusion:estarfm", "--", f"COARSE_TARGET={mod[1]}", f"FINE_REF1={lan[0]}",
                             f"COARSE_REF1={mod[0]}", f"FINE_REF2={lan[1]}", f"COARSE_REF2={mod[2]}", "WINDOW=401",
                             "ENGINE=1", f"OUTPUT={out / 'e.tif'}"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("window sums:"):
            break
    time.sleep(0.5)
    t0 = time.monotonic()
    proc.send_signal(getattr(signal, sig))
    text, _ = proc.communicate(timeout=120)
    text = "".join(lines) + text
    assert time.monotonic() - t0 < 10, "the run did not stop promptly"
    assert proc.returncode != 0, text
    assert f"Interrupted by {sig}: the run stopped and no output was written" in text, text
    assert os.listdir(out) == []


def test_output_over_an_input_is_refused_by_qgis_process_and_the_input_survives(qp, tif, tmp_path):
    """The issue's first case, end to end: estarfm ... COARSE_TARGET=a.tif OUTPUT=a.tif replaced the input."""
    import hashlib

    from .conftest import synthetic_scene

    F1 = synthetic_scene(24, celsius=False).astype(np.float32)
    p = {k: tif(f"{k}.tif", v) for k, v in (("F1", F1), ("C1", 0.3 * F1 + 210), ("F2", F1 + 3), ("C2", 0.3 * F1 + 213),
                                             ("C0", 0.3 * F1 + 211))}
    before = hashlib.sha256(open(p["C0"], "rb").read()).hexdigest()
    out = qp("run", "lstfusion:estarfm", "--", f"COARSE_TARGET={p['C0']}", f"FINE_REF1={p['F1']}",
             f"COARSE_REF1={p['C1']}", f"FINE_REF2={p['F2']}", f"COARSE_REF2={p['C2']}", "WINDOW=5",
             f"OUTPUT={p['C0']}")
    text = out.stdout + out.stderr
    assert out.returncode != 0, text
    assert "OUTPUT: is the same file as the input COARSE_TARGET (C0.tif); choose another output file" in text, text
    assert "Traceback" not in text
    assert hashlib.sha256(open(p["C0"], "rb").read()).hexdigest() == before
