"""The bad-input battery (issue #14): one row per bad or dangerous input, run through processing.run.

Every row asserts that the run fails with one sentence that starts with the
expected text (the parameter's real name first), that no traceback is shown,
that no output and no temporary file was left behind, and that every file
that existed before the run is unchanged (sha256).
"""
import contextlib
import errno
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
from qgis.core import QgsProcessingException

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
        self.mounts = []
        self.closers = []  # servers a row started
        self.simulate_enospc = False

    def tif(self, name, arr, dtype=np.float32, **kw):
        return write_tif(os.path.join(self.d, name), np.asarray(arr).astype(dtype), dtype=dtype, **kw)

    def o(self, name):
        return os.path.join(self.out, name)

    def full_disk(self):
        """A folder on a full filesystem: a 200 kB tmpfs where this process may mount one (root), filled to the last
        byte; elsewhere a plain folder where the GDAL and file writes are told 'No space left on device' (ENOSPC)."""
        folder = os.path.join(self.root, "full")
        os.makedirs(folder)
        mounted = os.geteuid() == 0 and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", folder], capture_output=True).returncode == 0
        if mounted:
            self.mounts.append(folder)
        self.full_folder = (folder, mounted)
        return folder

    def fill(self):
        """Fill the full_disk folder (after the earlier outputs are in place)."""
        folder, mounted = self.full_folder
        if not mounted:
            self.simulate_enospc = True
            return
        fd = os.open(os.path.join(folder, "filler"), os.O_WRONLY | os.O_CREAT)
        try:
            for chunk in (65536, 4096, 1):  # to the last byte
                with contextlib.suppress(OSError):
                    while True:
                        os.write(fd, b"\0" * chunk)
        finally:
            os.close(fd)
        assert os.statvfs(folder).f_bavail == 0

    def cleanup(self):
        for close in self.closers:
            close()
        for m in self.mounts:
            subprocess.run(["umount", "-l", m], capture_output=True)

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


LANDSAT_NAME = "LC08_L2SP_199027_20190704_20200827_02_T1_ST_B10.TIF"


def dataset(e, spoil=None, excel=False):
    """An align_pairs dataset of three Kelvin pairs; ``spoil(folder, rows)`` breaks it in one way."""
    folder = os.path.join(e.root, "ds")
    os.makedirs(folder)
    rows = ["date,landsat,modis,landsat_clear,modis_clear,status"]
    for k, d in enumerate(("20200101", "20200117", "20200202")):
        write_tif(os.path.join(folder, f"L_{d}.tif"), (e.arrays["FINE_REF1"] + 2 * k).astype(np.float32))
        write_tif(os.path.join(folder, f"M_{d}.tif"), (e.arrays["COARSE_REF1"] + 2 * k).astype(np.float32))
        rows.append(f"{d[:4]}-{d[4:6]}-{d[6:]},L_{d}.tif,M_{d}.tif,100.00,100.00,pair")
    if spoil:
        spoil(folder, rows)
    with open(os.path.join(folder, "index.csv"), "w", newline="") as fh:
        if excel:  # as Excel saves it: a UTF-8 BOM, CRLF line ends
            fh.write("\ufeff" + "\r\n".join(rows) + "\r\n")
        else:
            fh.write("\n".join(rows) + "\n")
    return folder


def train(e, folder, **over):
    return {"DATASET": folder, "EPOCHS": 1, "BATCH_SIZE": 2, "PATCH_SIZE": 8, "STRIDE": 8, "DEVICE": 1,
            "OUTPUT": e.o("m.pt"), **over}


def shifted_modis(folder, rows):
    arr = read_array(os.path.join(folder, "M_20200117.tif"))
    write_tif(os.path.join(folder, "M_20200117.tif"), arr, x0=500015.0)  # half a 30 m pixel


def marker_lost(folder, rows):
    """L_20200117.tif tagged as gap-filled by lstfusion:gapfill, its marker raster not beside it."""
    import rasterio

    with rasterio.open(os.path.join(folder, "L_20200117.tif"), "r+") as ds:
        ds.update_tags(GAPFILLED="spatial", GAPFILLED_PIXELS="L_20200117.filled.tif")


def read_array(path):
    import rasterio

    with rasterio.open(path) as ds:
        return ds.read(1)


def text_as_tif(e, name):
    p = os.path.join(e.d, name)
    with open(p, "w") as fh:
        fh.write("this is a text file, not a GeoTIFF\n")
    return p


def damaged_hdf(e, name):
    p = os.path.join(e.d, name)
    with open(p, "wb") as fh:
        fh.write(b"\x0e\x03\x13\x01" + bytes(range(256)) * 40)  # HDF4 magic, then garbage
    return p


def flipped_checkpoint(e):
    """The bundled EDCSTFN checkpoint with 2,000 bytes of its weights inverted."""
    from lst_fusion.algorithms.predict_model import bundled_checkpoint

    data = bytearray(open(bundled_checkpoint("edcstfn"), "rb").read())
    mid = len(data) // 2
    data[mid:mid + 2000] = bytes(b ^ 0xFF for b in data[mid:mid + 2000])
    p = os.path.join(e.d, "flipped.pt")
    open(p, "wb").write(bytes(data))
    return p


def wild_checkpoint(e):
    """An intact checkpoint whose normalisation makes every prediction absurd (thousands of K)."""
    import torch

    from lst_fusion.deep.checkpoint import make_checkpoint, save_checkpoint
    from lst_fusion.models import registry

    torch.manual_seed(0)
    gen, _ = registry.build("edcstfn")
    with torch.no_grad():
        for prm in gen.parameters():
            prm.normal_(0, 1.0)
    ck = make_checkpoint("edcstfn", gen, {"mean": 300.0, "std": 5000.0, "unit": "kelvin"}, [], {})
    return save_checkpoint(ck, os.path.join(e.d, "wild.pt"))


def predict(e, **over):
    return {"FINE_REF1": e.roles["FINE_REF1"], "COARSE_REF1": e.roles["COARSE_REF1"],
            "COARSE_TARGET": e.roles["COARSE_TARGET"], "DEVICE": 1, "OUTPUT": e.o("p.tif"), **over}


def subregions(e, field="name"):
    p = os.path.join(e.d, "zones.geojson")
    with open(p, "w") as fh:
        fh.write('{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32631"}},"features":'
                 '[{"type":"Feature","properties":{"zone":"north"},"geometry":{"type":"Polygon","coordinates":'
                 '[[[500000,5300000],[500720,5300000],[500720,5299640],[500000,5299640],[500000,5300000]]]}}]}')
    return {"PREDICTION": e.roles["FINE_REF2"], "REFERENCE": e.roles["FINE_REF1"], "SUBREGIONS": p,
            "NAME_FIELD": field, "OUTPUT_TABLE": e.o("t.csv")}


def three_bands(e, name="three.tif"):
    """An Earth Engine-like export: LST and two more bands in one GeoTIFF."""
    import rasterio
    from rasterio.transform import from_origin

    p = os.path.join(e.d, name)
    a = np.stack([e.arrays["COARSE_TARGET"]] * 3).astype(np.float32)
    with rasterio.open(p, "w", driver="GTiff", width=24, height=24, count=3, dtype="float32", crs="EPSG:32631",
                       transform=from_origin(500000.0, 5300000.0, 30.0, 30.0)) as ds:
        ds.write(a)
    return p


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


def lfs_pointer(e):
    p = os.path.join(e.d, "edcstfn.pt")
    with open(p, "w") as fh:
        fh.write("version https://git-lfs.github.com/spec/v1\noid sha256:" + "ab" * 32 + "\nsize 4194304\n")
    return p


def empty_zones(e):
    p = os.path.join(e.d, "empty.geojson")
    with open(p, "w") as fh:
        fh.write('{"type":"FeatureCollection","features":[]}')
    return p


def silent_server(e):
    """A loopback socket that accepts every connection and never answers; closed by Env.cleanup."""
    import socket
    import threading
    import time

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held = []

    def accept():
        with contextlib.suppress(OSError):
            while True:
                held.append(srv.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    e.closers.append(lambda: [c.close() for c in held + [srv]])
    e.t0 = time.monotonic()
    return f"http://127.0.0.1:{srv.getsockname()[1]}/"


def looping_server(e):
    """The loopback STAC API whose search page's next link points back to itself."""
    from .stac_server import StacServer

    s = StacServer(e.d)
    s.page = lambda params, method: {"type": "FeatureCollection", "links": [
        {"rel": "next", "href": f"{s.url}/search?token=0"}],
        "features": [{"type": "Feature", "id": "x", "collection": "other", "properties": {}, "assets": {}}]}
    s.start()
    e.closers.append(s.stop)
    return s.url


def search(e, url, **over):
    return {"AOI": "-75.35,-75.25,1.4,1.5 [EPSG:4326]", "START": "2019-12-01", "END": "2019-12-01", "SENSORS": [2],
            "STAC_URL": url, "OUTPUT": e.o("dl"), **over}


def finished_within(seconds):
    def check(e):
        import time

        assert time.monotonic() - e.t0 < seconds
    return check


def tagged(path, date):
    """Set the ACQUISITION_DATE tag of a written GeoTIFF."""
    import rasterio

    with rasterio.open(path, "r+") as ds:
        ds.update_tags(ACQUISITION_DATE=date)
    return path


def earlier_on_full_disk(e, name, arr=None):
    """An earlier good output (a GeoTIFF, or text for .csv) on the full disk; its sha256 is checked by every row."""
    folder = e.full_disk()
    p = os.path.join(folder, name)
    if name.endswith(".csv"):
        with open(p, "w") as fh:
            fh.write("region,N\nall,1\n")
    elif name.endswith(".pt"):
        with open(p, "wb") as fh:
            fh.write(b"an earlier checkpoint")
    else:
        write_tif(p, np.asarray(e.arrays["FINE_REF1"] if arr is None else arr, dtype=np.float32))
    e.fill()
    return p


def earlier_still_reads(name):
    """The independent check of a full-disk row: the earlier output is still the raster it was (values equal)."""
    def check(e):
        p = os.path.join(e.full_folder[0], name)
        np.testing.assert_array_equal(read_array(p), np.asarray(e.arrays["FINE_REF1"], dtype=np.float32))
        assert not [n for n in os.listdir(e.full_folder[0]) if n.startswith(".tmp_")]
    return check


@contextlib.contextmanager
def simulated_enospc():
    """Where no tmpfs can be mounted: every GDAL write reports ENOSPC (as libtiff does) and every file write
    raises it, as on a full disk."""
    from lst_fusion.core.data import io as core_io

    real_gdal_errors, real_free = core_io.gdal_errors, core_io.free_bytes

    @contextlib.contextmanager
    def full_gdal_errors():
        with real_gdal_errors() as msgs:
            yield msgs
            msgs.append((3, 1, "_tiffWriteProc:No space left on device"))

    def full_write_bytes(path, data, parameter="OUTPUT", suffix=""):
        with core_io.atomic_path(path, suffix, parameter):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    saved = core_io.atomic_write_bytes
    core_io.gdal_errors, core_io.free_bytes = full_gdal_errors, lambda d: 0
    core_io.atomic_write_bytes = full_write_bytes
    try:
        yield
    finally:
        core_io.gdal_errors, core_io.free_bytes, core_io.atomic_write_bytes = real_gdal_errors, real_free, saved


@dataclass
class Case:
    id: str
    alg: str
    params: Callable
    expect: str
    check: Callable = None  # an independent check of the outcome, given the Env


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
         "OUTPUT: cannot be written: a part of its folder path is a file ("),
    Case("html_is_a_folder", "evaluate",
         lambda e: {"PREDICTION": e.roles["FINE_REF2"], "REFERENCE": e.roles["FINE_REF1"],
                    "OUTPUT_TABLE": e.o("t.csv"), "OUTPUT_HTML": e.out},
         "OUTPUT_HTML: is a folder ("),
    Case("dataset_folder_is_a_file", "align_pairs",
         lambda e: {"MODIS": [e.roles["COARSE_REF1"]], "LANDSAT": [e.roles["FINE_REF1"]], "OUTPUT": e.roles["FINE_REF2"]},
         "OUTPUT: is a file, not a folder"),
    Case("dataset_folder_holds_an_input", "align_pairs",
         lambda e: {"MODIS": [e.tif("M_20200101.tif", e.arrays["COARSE_REF1"])], "LANDSAT": [e.roles["FINE_REF1"]],
                    "OUTPUT": e.d},
         "OUTPUT: the folder holds the input MODIS (M_20200101.tif)"),
    # -- 2. values checked before they are trusted
    Case("kelvin_geotiff_with_landsat_dn_scale", "import_landsat",
         lambda e: {"INPUT": e.tif(LANDSAT_NAME, e.arrays["FINE_REF1"]), "OUTPUT": e.o("l.tif")},
         f"INPUT: {LANDSAT_NAME} holds values from"),
    Case("qc_band_as_modis_lst", "import_modis",
         lambda e: {"INPUT": e.tif("MOD11A1.A2020001.qc.tif", np.full((4, 4), 65), np.uint8), "OUTPUT": e.o("m.tif")},
         "INPUT: scaled values run from 1.3 K to 1.3 K"),
    Case("kelvin_x100_integers", "estarfm",
         lambda e: e.fusion(FINE_REF1=e.tif("k100.tif", e.arrays["FINE_REF1"] * 100, np.uint16), OUTPUT=e.o("e.tif")),
         "FINE_REF1: k100.tif holds integers from"),
    Case("unflagged_nodata_minus_9999", "starfm",
         lambda e: e.fusion(COARSE_TARGET=e.tif("nd.tif", np.where(np.arange(576).reshape(24, 24) % 7 == 0, -9999.0,
                                                                      e.arrays["COARSE_TARGET"])), OUTPUT=e.o("s.tif")),
         "COARSE_TARGET: nd.tif has values from -9999 to"),
    Case("gapfill_other_date_scaled", "gapfill",
         lambda e: {"INPUT": e.roles["FINE_REF1"], "OTHER_DATES": [e.tif("x_20200105.tif", e.arrays["FINE_REF2"] * 100,
                                                                         np.uint16)], "OUTPUT": e.o("g.tif")},
         "OTHER_DATES (x_20200105): x_20200105.tif holds integers from"),
    Case("compare_prediction_scaled", "compare_methods",
         lambda e: {"PREDICTIONS": [e.roles["FINE_REF2"], e.tif("bad_pred.tif", e.arrays["FINE_REF2"] * 100, np.uint16)],
                    "REFERENCE": e.roles["FINE_REF1"], "OUTPUT_TABLE": e.o("c.csv")},
         "PREDICTIONS (bad_pred): bad_pred.tif holds integers from"),
    Case("multi_band_input", "estarfm", lambda e: e.fusion(COARSE_TARGET=three_bands(e), OUTPUT=e.o("e.tif")),
         "COARSE_TARGET: three.tif has 3 bands and one LST band is expected"),
    Case("multi_band_import", "import_modis",
         lambda e: {"INPUT": three_bands(e, "MOD11A1.A2020001.tif"), "OUTPUT": e.o("m.tif")},
         "INPUT: MOD11A1.A2020001.tif has 3 bands and one LST band is expected"),
    # align_pairs takes multi-band exports with MODIS_BAND/LANDSAT_BAND (band 1 by default, said in the log)
    Case("multi_band_dataset_input_band_missing", "align_pairs",
         lambda e: {"MODIS": [three_bands(e, "M_20200101.tif")], "LANDSAT": [e.roles["FINE_REF1"]],
                    "MODIS_BAND": 5, "OUTPUT": e.o("ds")},
         "MODIS: M_20200101.tif has 3 band(s), band 5 was asked for"),
    Case("checkpoint_with_flipped_bytes", "predict_edcstfn", lambda e: predict(e, CHECKPOINT=flipped_checkpoint(e)),
         "CHECKPOINT: flipped.pt is damaged: its weights do not match their sha256 checksum"),
    Case("checkpoint_predicting_nonsense", "predict_edcstfn", lambda e: predict(e, CHECKPOINT=wild_checkpoint(e)),
         "CHECKPOINT: wild.pt predicts values from"),
    # -- 3. one sentence for every bad input
    Case("window_100001", "estarfm", lambda e: e.fusion(WINDOW=100001, OUTPUT=e.o("e.tif")),
         "WINDOW: 100001 px is larger than this 24x24 px image can use: at most 47"),
    Case("half_pixel_grid_shift", "estarfm",
         lambda e: e.fusion(FINE_REF2=e.tif("shift.tif", e.arrays["FINE_REF2"], x0=500015.0), OUTPUT=e.o("e.tif")),
         "FINE_REF2: grid differs from FINE_REF1: origin x 500015.0 vs 500000.0"),
    Case("checkpoint_file_missing", "predict_edcstfn", lambda e: predict(e, CHECKPOINT=e.o("nope.pt")),
         "CHECKPOINT: the checkpoint file "),
    Case("name_field_missing", "evaluate", lambda e: subregions(e, "name"),
         "NAME_FIELD: the SUBREGIONS layer has no field 'name' (its fields: zone)"),
    Case("damaged_hdf", "import_modis",
         lambda e: {"INPUT": damaged_hdf(e, "MOD11A1.A2021227.h11v05.061.2021228105320.hdf"), "OUTPUT": e.o("m.tif")},
         "INPUT: MOD11A1.A2021227.h11v05.061.2021228105320.hdf is not a readable HDF4 file"),
    Case("damaged_hdf_without_date_in_name", "import_modis",
         lambda e: {"INPUT": damaged_hdf(e, "granule.hdf"), "OUTPUT": e.o("m.tif")},
         "INPUT: granule.hdf is not a readable HDF4 file"),
    Case("text_file_named_tif_as_layer", "estarfm",
         lambda e: e.fusion(COARSE_TARGET=text_as_tif(e, "fake.tif"), OUTPUT=e.o("e.tif")),
         "COARSE_TARGET: fake.tif exists but is not a raster GDAL can read"),
    Case("raster_file_missing", "starfm",
         lambda e: e.fusion(FINE_REF1=os.path.join(e.d, "gone.tif"), OUTPUT=e.o("s.tif")),
         "FINE_REF1: file "),
    Case("text_file_named_tif_as_file", "import_landsat",
         lambda e: {"INPUT": text_as_tif(e, LANDSAT_NAME), "OUTPUT": e.o("l.tif")},
         f"INPUT: {LANDSAT_NAME} exists but is not a raster GDAL can read"),
    Case("compare_prediction_other_grid", "compare_methods",
         lambda e: {"PREDICTIONS": [e.tif("moved.tif", e.arrays["FINE_REF2"], x0=500030.0)],
                    "REFERENCE": e.roles["FINE_REF1"], "OUTPUT_TABLE": e.o("c.csv")},
         "PREDICTIONS (moved): grid differs from REFERENCE: origin x 500030.0 vs 500000.0"),
    Case("compare_prediction_without_common_pixel", "compare_methods",
         lambda e: {"PREDICTIONS": [e.tif("half.tif", np.where(np.arange(24)[:, None] < 12, e.arrays["FINE_REF2"], np.nan))],
                    "REFERENCE": e.tif("other_half.tif", np.where(np.arange(24)[:, None] >= 12, e.arrays["FINE_REF1"],
                                                                  np.nan)),
                    "OUTPUT_TABLE": e.o("c.csv")},
         "PREDICTIONS (half): the prediction and the reference share no valid pixel"),
    Case("dataset_not_a_folder", "train_edcstfn", lambda e: train(e, e.roles["FINE_REF1"]),
         "DATASET: is not a folder ("),
    Case("dataset_without_index", "train_edcstfn",
         lambda e: train(e, dataset(e, lambda f, rows: rows.clear()) and e.d),
         "DATASET: the folder has no index.csv ("),
    Case("index_missing_column", "train_edcstfn",
         lambda e: train(e, dataset(e, lambda f, rows: rows.__setitem__(0, rows[0].replace("status", "state")))),
         "DATASET: index.csv lacks the column(s) status"),
    Case("index_bad_date", "train_edcstfn",
         lambda e: train(e, dataset(e, lambda f, rows: rows.__setitem__(1, "01/01/2020" + rows[1][10:]))),
         "DATASET: index.csv line 2: '01/01/2020' is not a date (YYYY-MM-DD)"),
    Case("index_names_a_missing_file", "train_edcstfn",
         lambda e: train(e, dataset(e, lambda f, rows: os.remove(os.path.join(f, "L_20200117.tif")))),
         "DATASET: index.csv line 3: the landsat file 'L_20200117.tif' of 2020-01-17 is not in the dataset folder"),
    Case("index_short_row", "train_edcstfn",
         lambda e: train(e, dataset(e, lambda f, rows: rows.__setitem__(2, "2020-01-17,L_20200117.tif"))),
         "DATASET: index.csv line 3 has fewer fields than the header"),
    Case("train_min_valid_patch_zero", "train_edcstfn", lambda e: train(e, dataset(e), MIN_VALID_PATCH=0.0),
         "MIN_VALID_PATCH: 0 is not a fraction of valid pixels: give a value above 0 and at most 1"),
    Case("train_min_valid_patch_above_one", "train_edcstfn", lambda e: train(e, dataset(e), MIN_VALID_PATCH=1.5),
         "MIN_VALID_PATCH: 1.5 is not a fraction of valid pixels: give a value above 0 and at most 1"),
    Case("train_marker_of_gapfill_missing", "train_edcstfn",
         lambda e: train(e, dataset(e, marker_lost)),
         "DATASET (L_20200117.tif): L_20200117.tif is gap-filled and says its filled pixels are marked in "
         "L_20200117.filled.tif, which is not beside it"),
    Case("dataset_with_shifted_modis_grid", "train_edcstfn", lambda e: train(e, dataset(e, shifted_modis)),
         "DATASET (M_20200117.tif): grid differs from DATASET (L_20200101.tif): origin x 500015.0 vs 500000.0"),
    Case("train_layers_scaled", "train_edcstfn",
         lambda e: {"LANDSAT": [e.tif("L_20200101.tif", e.arrays["FINE_REF1"] * 100, np.uint16), e.roles["FINE_REF2"]],
                    "MODIS": [e.roles["COARSE_REF1"], e.roles["COARSE_REF2"]], "DEVICE": 1, "OUTPUT": e.o("m.pt")},
         "LANDSAT (L_20200101.tif): L_20200101.tif holds integers from"),
    # -- issue 23. a full disk: one sentence, the earlier output unchanged (and still the same raster)
    Case("full_disk_estarfm_over_earlier_output", "estarfm",
         lambda e: e.fusion(OUTPUT=earlier_on_full_disk(e, "e.tif")),
         "OUTPUT: the disk is full (", earlier_still_reads("e.tif")),
    Case("full_disk_predict_over_earlier_output", "predict_edcstfn",
         lambda e: predict(e, OUTPUT=earlier_on_full_disk(e, "p.tif")),
         "OUTPUT: the disk is full (", earlier_still_reads("p.tif")),
    Case("full_disk_evaluate_error_raster", "evaluate",
         lambda e: {"PREDICTION": e.roles["FINE_REF2"], "REFERENCE": e.roles["FINE_REF1"],
                    "OUTPUT_TABLE": e.o("t.csv"), "OUTPUT_ERROR": earlier_on_full_disk(e, "err.tif")},
         "OUTPUT_ERROR: the disk is full (", earlier_still_reads("err.tif")),
    Case("full_disk_evaluate_table", "evaluate",
         lambda e: {"PREDICTION": e.roles["FINE_REF2"], "REFERENCE": e.roles["FINE_REF1"],
                    "OUTPUT_TABLE": earlier_on_full_disk(e, "t.csv")},
         "OUTPUT_TABLE: the disk is full ("),
    Case("full_disk_import_modis", "import_modis",
         lambda e: {"INPUT": e.tif("MOD11A1.A2020001.tif", np.full((24, 24), 15000), np.uint16),
                    "OUTPUT": earlier_on_full_disk(e, "m.tif")},
         "OUTPUT: the disk is full (", earlier_still_reads("m.tif")),
    Case("full_disk_train_checkpoint", "train_edcstfn",
         lambda e: train(e, dataset(e), OUTPUT=earlier_on_full_disk(e, "m.pt")),
         "OUTPUT: the disk is full ("),
    # -- issue 23. fill is nodata: QA_PIXEL bit 0 masks a pixel whatever QA_BITS says (real scene: test_real_inputs)
    Case("landsat_qa_fill_with_dn_and_qa_bits_without_0", "import_landsat",
         lambda e: {"INPUT": e.tif(LANDSAT_NAME, np.full((24, 24), 44000), np.uint16),
                    "QA": e.tif(LANDSAT_NAME.replace("ST_B10", "QA_PIXEL"), np.full((24, 24), 1), np.uint16),
                    "QA_BITS": "3", "OUTPUT": e.o("l.tif")},
         f"INPUT: {LANDSAT_NAME}: no clear pixel (all fill or masked by QC)"),
    # -- issue 23. dates agree or the run stops
    Case("pair_dates_differ_in_names", "estarfm",
         lambda e: e.fusion(COARSE_REF1=e.tif("COARSE_REF1_20200308.tif", e.arrays["COARSE_REF1"]), OUTPUT=e.o("e.tif")),
         "COARSE_REF1: COARSE_REF1_20200308.tif is of 2020-03-08 but its pair FINE_REF1 (FINE_REF1_20200101.tif) is "
         "of 2020-01-01"),
    Case("pair_dates_differ_by_tag", "starfm",
         lambda e: e.fusion(FINE_REF2=tagged(e.tif("landsat_b.tif", e.arrays["FINE_REF2"]), "2020-02-12"),
                            OUTPUT=e.o("s.tif")),
         "COARSE_REF2: COARSE_REF2_20200202.tif is of 2020-02-02 but its pair FINE_REF2 (landsat_b.tif) is of "
         "2020-02-12"),
    Case("fusion_input_name_and_tag_disagree", "estarfm",
         lambda e: e.fusion(FINE_REF1=tagged(e.tif("L_20200101.tif", e.arrays["FINE_REF1"]), "2020-03-08"),
                            OUTPUT=e.o("e.tif")),
         "FINE_REF1: the name 'L_20200101.tif' (2020-01-01) contradicts the ACQUISITION_DATE tag of L_20200101.tif "
         "(2020-03-08)"),
    Case("import_modis_date_contradicts_product_id", "import_modis",
         lambda e: {"INPUT": e.tif("MOD11A1.A2021227.tif", np.full((24, 24), 15000), np.uint16), "DATE": "2020-01-01",
                    "OUTPUT": e.o("m.tif")},
         "DATE: 2020-01-01 contradicts the date in the name 'MOD11A1.A2021227.tif' (2021-08-15)"),
    Case("import_landsat_date_contradicts_product_id", "import_landsat",
         lambda e: {"INPUT": e.tif(LANDSAT_NAME, np.full((24, 24), 44000), np.uint16), "DATE": "2001-01-01",
                    "OUTPUT": e.o("l.tif")},
         f"DATE: 2001-01-01 contradicts the date in the name '{LANDSAT_NAME}' (2019-07-04)"),
    Case("import_date_contradicts_tag", "import_landsat",
         lambda e: {"INPUT": tagged(e.tif("thermal.tif", np.full((24, 24), 44000), np.uint16), "2019-07-05"),
                    "DATE": "2019-07-04", "OUTPUT": e.o("l.tif")},
         "DATE: 2019-07-04 contradicts the ACQUISITION_DATE tag of thermal.tif (2019-07-05)"),
    Case("align_pairs_name_and_tag_disagree", "align_pairs",
         lambda e: {"MODIS": [e.tif("M_20160205.tif", e.arrays["COARSE_REF1"])],
                    "LANDSAT": [tagged(e.tif("L_20160205.tif", e.arrays["FINE_REF1"]), "2016-03-08")],
                    "OUTPUT": e.o("ds")},
         "LANDSAT: the name 'L_20160205.tif' (2016-02-05) contradicts the ACQUISITION_DATE tag of L_20160205.tif "
         "(2016-03-08)"),
    # -- issue 23. a prediction is never scored against itself
    Case("prediction_is_the_reference", "evaluate",
         lambda e: {"PREDICTION": e.roles["FINE_REF1"], "REFERENCE": e.roles["FINE_REF1"], "OUTPUT_TABLE": e.o("t.csv")},
         "PREDICTION: is the same file as REFERENCE (FINE_REF1_20200101.tif)"),
    Case("prediction_is_the_reference_via_symlink", "evaluate",
         lambda e: {"PREDICTION": e.roles["FINE_REF1"], "REFERENCE": os.path.join(e.out, "..", "data",
                                                                                 "FINE_REF1_20200101.tif"),
                    "OUTPUT_TABLE": e.o("t.csv")},
         "PREDICTION: is the same file as REFERENCE (FINE_REF1_20200101.tif)"),
    Case("compare_prediction_is_the_reference", "compare_methods",
         lambda e: {"PREDICTIONS": [e.roles["FINE_REF2"], e.roles["FINE_REF1"]], "REFERENCE": e.roles["FINE_REF1"],
                    "OUTPUT_TABLE": e.o("c.csv")},
         "PREDICTIONS (FINE_REF1_20200101): is the same file as REFERENCE (FINE_REF1_20200101.tif)"),
    # -- issue 23. messages: Excel's index.csv (BOM, CRLF) is read; each range blamed on its own parameter
    Case("excel_index_names_a_missing_file", "train_edcstfn",
         lambda e: train(e, dataset(e, lambda f, rows: os.remove(os.path.join(f, "L_20200117.tif")), excel=True)),
         "DATASET: index.csv line 3: the landsat file 'L_20200117.tif' of 2020-01-17 is not in the dataset folder"),
    Case("excel_index_bad_date_fuse_series", "fuse_series",
         lambda e: {"DATASET": dataset(e, lambda f, rows: rows.__setitem__(1, "01/01/2020" + rows[1][10:]), excel=True),
                    "METHOD": 0, "OUTPUT": e.o("series")},
         "DATASET: index.csv line 2: '01/01/2020' is not a date (YYYY-MM-DD)"),
    Case("checkpoint_is_a_git_lfs_pointer", "predict_edcstfn", lambda e: predict(e, CHECKPOINT=lfs_pointer(e)),
         "CHECKPOINT: edcstfn.pt is a Git LFS pointer (132 bytes), not the checkpoint itself: fetch the real file "
         "with 'git lfs pull'"),
    Case("import_modis_scale_0", "import_modis",
         lambda e: {"INPUT": e.tif("MOD11A1.A2020001.tif", np.full((24, 24), 15000), np.uint16), "SCALE": 0,
                    "OUTPUT": e.o("m.tif")},
         "SCALE: 0 is not a scale factor: it must be greater than 0 (K = DN x SCALE + OFFSET; 0.02 for this product)"),
    Case("import_landsat_scale_0", "import_landsat",
         lambda e: {"INPUT": e.tif(LANDSAT_NAME, np.full((24, 24), 44000), np.uint16), "SCALE": 0,
                    "OUTPUT": e.o("l.tif")},
         "SCALE: 0 is not a scale factor: it must be greater than 0 (K = DN x SCALE + OFFSET; 0.00341802 for this "
         "product)"),
    Case("align_pairs_min_clear_150", "align_pairs",
         lambda e: {"MODIS": [e.roles["COARSE_REF1"]], "LANDSAT": [e.roles["FINE_REF1"]], "MIN_CLEAR": 150,
                    "OUTPUT": e.o("ds")},
         "MIN_CLEAR: 150 % is not a percentage of clear pixels: give a value from 0 to 100"),
    Case("subregions_without_features", "evaluate",
         lambda e: {**subregions(e), "SUBREGIONS": empty_zones(e)},
         "SUBREGIONS: the layer has no features"),
    # -- issue 23. hostile STAC servers (core cases: test_stac.py)
    Case("stac_server_accepts_and_never_answers", "search_download",
         lambda e: search(e, silent_server(e), TIMEOUT=3, RETRIES=0),
         "STAC_URL: http://127.0.0.1:", finished_within(15)),
    Case("stac_search_pages_in_a_loop", "search_download", lambda e: search(e, looping_server(e), RETRIES=0),
         "STAC_URL: page 2 of the search answer of http://127.0.0.1:"),
]


def run_bad(alg, params):
    """The message of a run that must fail (feedback errors, else the exception's own text)."""
    import processing

    feedback = ErrorCollectingFeedback()
    with pytest.raises(QgsProcessingException) as info:
        processing.run(f"lstfusion:{alg}", params, feedback=feedback)
    message = " | ".join(feedback.errors) or str(info.value)
    # the Processing framework puts this line before a checkParameterValues sentence
    return message.replace("Unable to execute algorithm\n", "", 1)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(provider, tmp_path, case):
    e = Env(tmp_path)
    try:
        params = case.params(e)
        before = e.files()
        with simulated_enospc() if e.simulate_enospc else contextlib.nullcontext():
            message = run_bad(case.alg, params)
        print(f"\n{case.id}: {message}")
        assert message.startswith(case.expect), message
        assert "Traceback" not in message and "\n" not in message.strip(), message
        after = e.files()
        assert sorted(after) == sorted(before), f"files appeared or vanished: {set(after) ^ set(before)}"
        changed = [p for p in before if before[p] != after[p]]
        assert not changed, f"inputs changed: {changed}"
        if case.check:
            case.check(e)
    finally:
        e.cleanup()


def test_battery_size():
    """The closing note quotes this count."""
    print(f"\nbad-input battery: {len(CASES)} cases")
    assert len(CASES) == len({c.id for c in CASES})


def teardown_module():
    shutil.rmtree("/sys/lst_fusion_no_such_folder", ignore_errors=True)


def test_mixed_units_are_converted_with_a_log_line_never_mixed(provider, tmp_path):
    """ESTARFM with COARSE_TARGET in degC and the references in K used to give 150-317 K; now the target is
    converted to Kelvin (said in the log) and the result equals the all-Kelvin run."""
    import processing

    from lst_fusion.core.data.io import read_raster

    e = Env(tmp_path)
    celsius_target = e.tif("target_c.tif", e.arrays["COARSE_TARGET"] - 273.15)
    feedback = ErrorCollectingFeedback()
    mixed = processing.run("lstfusion:estarfm", e.fusion(COARSE_TARGET=celsius_target, OUTPUT=e.o("mixed.tif")),
                           feedback=feedback)
    kelvin = processing.run("lstfusion:estarfm", e.fusion(OUTPUT=e.o("kelvin.tif")))
    assert ("COARSE_TARGET is in Celsius and FINE_REF1 in Kelvin: COARSE_TARGET converted to Kelvin (+273.15) for "
            "this run") in feedback.infos
    np.testing.assert_allclose(read_raster(mixed["OUTPUT"]).data, read_raster(kelvin["OUTPUT"]).data, atol=1e-3)
    # evaluate: a Celsius prediction against a Kelvin reference is scored in Kelvin, not as a 273 K bias
    feedback = ErrorCollectingFeedback()
    res = processing.run("lstfusion:evaluate", {"PREDICTION": e.tif("pred_c.tif", e.arrays["FINE_REF1"] - 271.15),
                                                "REFERENCE": e.roles["FINE_REF1"], "OUTPUT_TABLE": e.o("t.csv")},
                         feedback=feedback)
    assert res["BIAS"] == pytest.approx(2.0, abs=1e-3)
    assert any(i.startswith("PREDICTION is in Celsius and REFERENCE in Kelvin") for i in feedback.infos)


def test_a_prediction_given_twice_is_ranked_once(provider, tmp_path):
    """compare_methods with one file twice used to rank it 1st and 2nd: now it is scored once, said in the log."""
    import csv

    import processing

    e = Env(tmp_path)
    feedback = ErrorCollectingFeedback()
    twice = [e.roles["FINE_REF2"], e.roles["COARSE_REF2"], e.roles["FINE_REF2"]]
    res = processing.run("lstfusion:compare_methods", {"PREDICTIONS": twice, "REFERENCE": e.roles["FINE_REF1"],
                                                       "OUTPUT_TABLE": e.o("c.csv")}, feedback=feedback)
    with open(res["OUTPUT_TABLE"]) as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["method"] for r in rows) == ["COARSE_REF2_20200202", "FINE_REF2_20200202"]
    assert [r["rank"] for r in sorted(rows, key=lambda r: r["rank"])] == ["1", "2"]
    # FINE_REF2 = FINE_REF1 + 4 K everywhere: its RMSE is 4 (hand value), the duplicate did not change it
    assert float(next(r for r in rows if r["method"] == "FINE_REF2_20200202")["RMSE"]) == pytest.approx(4.0, abs=1e-3)
    assert [i for i in feedback.infos if "given twice" in i] == [
        "PREDICTIONS (FINE_REF2_20200202): FINE_REF2_20200202.tif is given twice (also as FINE_REF2_20200202): "
        "it is scored once"]


def test_training_on_two_pairs_says_once_that_there_is_no_validation(provider, tmp_path):
    """Two pairs leave no date for validation: said once, not 'validation loss nan' every epoch."""
    import processing

    from lst_fusion.deep.checkpoint import load_checkpoint

    e = Env(tmp_path)
    feedback = ErrorCollectingFeedback()
    res = processing.run("lstfusion:train_edcstfn", {
        "LANDSAT": [e.roles["FINE_REF1"], e.roles["FINE_REF2"]], "MODIS": [e.roles["COARSE_REF1"], e.roles["COARSE_REF2"]],
        "EPOCHS": 2, "BATCH_SIZE": 2, "PATCH_SIZE": 8, "STRIDE": 8, "DEVICE": 1, "OUTPUT": e.o("m.pt")}, feedback=feedback)
    said = [i for i in feedback.infos if "validation" in i]
    assert said == ["2 pairs: no date left for validation; early stopping is off"], feedback.infos
    assert not [i for i in feedback.infos if "nan" in i.lower()]
    ckpt, _ = load_checkpoint(res["OUTPUT"], "edcstfn")
    assert ckpt["summary"]["epochs_run"] == 2 and ckpt["summary"]["n_val_patches"] == 0
