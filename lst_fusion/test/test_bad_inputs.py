"""The bad-input battery (issue #14): one row per bad or dangerous input, run through processing.run.

Every row asserts that the run fails with one sentence that starts with the
expected text (the parameter's real name first), that no traceback is shown,
that no output and no temporary file was left behind, and that every file
that existed before the run is unchanged (sha256).
"""
import hashlib
import os
import shutil
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
from qgis.core import QgsApplication, QgsProcessingException

from .conftest import synthetic_scene, write_tif
from .test_processing_run import ErrorCollectingFeedback

ROLES = ("FINE_REF1", "COARSE_REF1", "FINE_REF2", "COARSE_REF2", "COARSE_TARGET")


class Env:
    """A folder of small valid inputs (Kelvin, 24x24 px, one grid) that each case spoils in its own way."""

    def __init__(self, root):
        self.root = str(root)
        self.d = os.path.join(self.root, "data")
        self.out = os.path.join(self.root, "out")
        os.makedirs(self.d)
        os.makedirs(self.out)
        base = synthetic_scene(24, celsius=False)
        rng = np.random.default_rng(1)
        coarse = 0.3 * base + 0.7 * 300.0 + rng.normal(0, 0.1, base.shape)
        self.arrays = {"FINE_REF1": base, "COARSE_REF1": coarse, "FINE_REF2": base + 4, "COARSE_REF2": coarse + 4,
                       "COARSE_TARGET": coarse + 1.5}
        dates = {"FINE_REF1": "20200101", "COARSE_REF1": "20200101", "FINE_REF2": "20200202",
                 "COARSE_REF2": "20200202", "COARSE_TARGET": "20200117"}
        self.roles = {k: self.tif(f"{k}_{dates[k]}.tif", v) for k, v in self.arrays.items()}

    def tif(self, name, arr, dtype=np.float32, **kw):
        return write_tif(os.path.join(self.d, name), np.asarray(arr).astype(dtype), dtype=dtype, **kw)

    def o(self, name):
        return os.path.join(self.out, name)

    def fusion(self, **over):
        return {**self.roles, "WINDOW": 5, **over}

    def files(self):
        """{path: sha256} of every file under the root (outputs and leftovers show up as new entries)."""
        out = {}
        for folder, _, names in os.walk(self.root):
            for n in names:
                p = os.path.join(folder, n)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                with open(p, "rb") as fh:
                    out[p] = hashlib.sha256(fh.read()).hexdigest()
        return out


def read_only_folder(e):
    """A folder this process cannot create files in (root ignores permissions; sysfs refuses everyone)."""
    if os.geteuid() == 0:
        return "/sys/lst_fusion_no_such_folder"
    ro = os.path.join(e.root, "readonly")
    os.makedirs(ro)
    os.chmod(ro, 0o555)
    return ro


def same_via_symlink(e):
    link = os.path.join(e.out, "link_to_target.tif")
    os.symlink(e.roles["COARSE_TARGET"], link)
    return e.fusion(OUTPUT=link)


@dataclass
class Case:
    id: str
    alg: str
    params: Callable
    expect: str


CASES = [
    # -- 1. an output never replaces an input
    Case("output_is_input", "estarfm", lambda e: e.fusion(OUTPUT=e.roles["COARSE_TARGET"]),
         "OUTPUT: is the same file as the input COARSE_TARGET (COARSE_TARGET_20200117.tif)"),
    Case("output_is_input_via_symlink", "estarfm", same_via_symlink,
         "OUTPUT: is the same file as the input COARSE_TARGET"),
    Case("output_is_input_via_dotdot", "starfm",
         lambda e: e.fusion(OUTPUT=os.path.join(e.out, "..", "data", os.path.basename(e.roles["FINE_REF1"]))),
         "OUTPUT: is the same file as the input FINE_REF1"),
    Case("table_is_the_reference", "evaluate",
         lambda e: {"PREDICTION": e.roles["FINE_REF2"], "REFERENCE": e.roles["FINE_REF1"],
                    "OUTPUT_TABLE": e.roles["FINE_REF1"]},
         "OUTPUT_TABLE: is the same file as the input REFERENCE"),
    Case("html_is_the_table", "evaluate",
         lambda e: {"PREDICTION": e.roles["FINE_REF2"], "REFERENCE": e.roles["FINE_REF1"],
                    "OUTPUT_TABLE": e.o("t.csv"), "OUTPUT_HTML": e.o("t.csv")},
         "OUTPUT_HTML: is the same file as the output OUTPUT_TABLE"),
    Case("error_raster_is_the_prediction", "evaluate",
         lambda e: {"PREDICTION": e.roles["FINE_REF2"], "REFERENCE": e.roles["FINE_REF1"],
                    "OUTPUT_TABLE": e.o("t.csv"), "OUTPUT_ERROR": e.roles["FINE_REF2"]},
         "OUTPUT_ERROR: is the same file as the input PREDICTION"),
    Case("compare_table_is_a_prediction", "compare_methods",
         lambda e: {"PREDICTIONS": [e.roles["FINE_REF2"], e.roles["COARSE_REF2"]], "REFERENCE": e.roles["FINE_REF1"],
                    "OUTPUT_TABLE": e.roles["COARSE_REF2"]},
         "OUTPUT_TABLE: is the same file as the input PREDICTIONS"),
    Case("gapfill_output_is_other_date", "gapfill",
         lambda e: {"INPUT": e.roles["FINE_REF1"], "OTHER_DATES": [e.roles["FINE_REF2"]], "OUTPUT": e.roles["FINE_REF2"]},
         "OUTPUT: is the same file as the input OTHER_DATES"),
    Case("import_output_is_input", "import_landsat",
         lambda e: {"INPUT": e.tif("LC08_L2SP_199027_20190704_20200827_02_T1_ST_B10.TIF",
                                   np.full((4, 4), 44000), np.uint16),
                    "OUTPUT": os.path.join(e.d, "LC08_L2SP_199027_20190704_20200827_02_T1_ST_B10.TIF")},
         "OUTPUT: is the same file as the input INPUT"),
    Case("output_in_read_only_folder", "estarfm",
         lambda e: e.fusion(OUTPUT=os.path.join(read_only_folder(e), "x.tif")),
         "OUTPUT: cannot be written: the folder "),
    Case("output_folder_is_a_file", "estarfm",
         lambda e: e.fusion(OUTPUT=os.path.join(e.roles["FINE_REF1"], "x.tif")),
         "OUTPUT: cannot be written: "),
    Case("html_is_a_folder", "evaluate",
         lambda e: {"PREDICTION": e.roles["FINE_REF2"], "REFERENCE": e.roles["FINE_REF1"],
                    "OUTPUT_TABLE": e.o("t.csv"), "OUTPUT_HTML": e.out},
         "OUTPUT_HTML: is a folder ("),
]


@pytest.fixture(scope="module")
def provider(qgis_app, qgis_processing):
    from lst_fusion.algorithms.provider import LstFusionProvider

    reg = QgsApplication.processingRegistry()
    p = LstFusionProvider()
    assert reg.addProvider(p)
    yield p
    reg.removeProvider(p)


def run_bad(alg, params):
    """The message of a run that must fail (feedback errors, else the exception's own text)."""
    import processing

    feedback = ErrorCollectingFeedback()
    with pytest.raises(QgsProcessingException) as info:
        processing.run(f"lstfusion:{alg}", params, feedback=feedback)
    return " | ".join(feedback.errors) or str(info.value)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(provider, tmp_path, case):
    e = Env(tmp_path)
    params = case.params(e)
    before = e.files()
    message = run_bad(case.alg, params)
    print(f"\n{case.id}: {message}")
    assert message.startswith(case.expect), message
    assert "Traceback" not in message and "\n" not in message.strip(), message
    after = e.files()
    assert sorted(after) == sorted(before), f"files appeared or vanished: {set(after) ^ set(before)}"
    changed = [p for p in before if before[p] != after[p]]
    assert not changed, f"inputs changed: {changed}"


def test_battery_size():
    """The closing note quotes this count."""
    print(f"\nbad-input battery: {len(CASES)} cases")
    assert len(CASES) == len({c.id for c in CASES})


def teardown_module():
    shutil.rmtree("/sys/lst_fusion_no_such_folder", ignore_errors=True)
