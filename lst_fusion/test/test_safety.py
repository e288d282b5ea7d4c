"""core.platform.safety and core.data.checks without QGIS: output paths, temp files on signals, value checks."""
import os
import signal

import numpy as np
import pytest

from lst_fusion.core.data import io as core_io
from lst_fusion.core.data.checks import check_lst, harmonise_units, scales_that_fit
from lst_fusion.core.data.io import Raster, atomic_path
from lst_fusion.core.platform.errors import LstFusionError
from lst_fusion.core.platform.safety import Interrupted, check_outputs, file_of, interrupt_guard


def test_output_equal_to_an_input_is_refused_through_symlinks_and_relative_paths(tmp_path, monkeypatch):
    a = tmp_path / "a.tif"
    a.write_bytes(b"x")
    (tmp_path / "link.tif").symlink_to(a)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    for out in (str(a), str(tmp_path / "link.tif"), "../a.tif", str(tmp_path / "sub" / ".." / "a.tif")):
        with pytest.raises(LstFusionError, match=r"^OUTPUT: is the same file as the input COARSE_TARGET \(a.tif\)"):
            check_outputs({"COARSE_TARGET": [str(a)]}, {"OUTPUT": out})
    check_outputs({"COARSE_TARGET": [str(a)]}, {"OUTPUT": str(tmp_path / "b.tif")})  # a new file is fine


def test_two_outputs_on_one_file_and_dataset_folder_holding_an_input(tmp_path):
    with pytest.raises(LstFusionError, match="^OUTPUT_HTML: is the same file as the output OUTPUT_TABLE"):
        check_outputs({}, {"OUTPUT_TABLE": str(tmp_path / "t.csv"), "OUTPUT_HTML": str(tmp_path / "t.csv")})
    m = tmp_path / "M_20200101.tif"
    m.write_bytes(b"x")
    with pytest.raises(LstFusionError, match="^OUTPUT: the folder holds the input MODIS"):
        check_outputs({"MODIS": [str(m)]}, {"OUTPUT": str(tmp_path)}, folder_outputs={"OUTPUT"})
    with pytest.raises(LstFusionError, match="^OUTPUT: is a file, not a folder"):
        check_outputs({}, {"OUTPUT": str(m)}, folder_outputs={"OUTPUT"})


def test_file_of_gdal_names():
    assert file_of('HDF4_EOS:EOS_GRID:"/d/x.hdf":MODIS_Grid_Daily_1km_LST:LST_Day_1km') == "/d/x.hdf"
    assert file_of("/d/a.gpkg|layername=a") == "/d/a.gpkg"
    assert file_of("/vsizip/a.zip/b.tif") == ""


def test_sigterm_during_a_write_removes_the_temporary_file(tmp_path):
    """What SIGTERM during the final write used to leave: a hidden .tmp_*.tif beside the output."""
    with pytest.raises(Interrupted, match="SIGTERM"):
        with interrupt_guard():
            with atomic_path(tmp_path / "out.tif", ".tif") as tmp:
                with open(tmp, "wb") as fh:
                    fh.write(b"half")
                os.kill(os.getpid(), signal.SIGTERM)
                for _ in range(1000):  # the handler runs at the next bytecode
                    pass
    assert os.listdir(tmp_path) == []
    assert core_io.live_temps() == []
    assert signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None)  # restored


def test_temporary_files_are_removed_at_exit_too(tmp_path):
    cm = atomic_path(tmp_path / "x.csv")
    tmp = cm.__enter__()
    assert os.path.exists(tmp) and tmp in core_io.live_temps()
    core_io.remove_live_temps()  # what atexit runs
    assert not os.path.exists(tmp)


@pytest.mark.parametrize("values, unit", [((280.0, 320.0), "kelvin"), ((-5.0, 40.0), "celsius"),
                                          ((150.0, 400.0), "kelvin"), ((-120.0, 125.0), "celsius")])
def test_plausible_lst_and_its_unit(values, unit):
    assert check_lst("X", np.linspace(*values, 100).reshape(10, 10)) == unit


def test_implausible_lst_names_the_scale_it_looks_like(tmp_path):
    from .conftest import write_tif

    k100 = write_tif(tmp_path / "k100.tif", np.linspace(29000, 31000, 100).reshape(10, 10), dtype="uint16")
    arr = core_io.read_raster(k100).data
    with pytest.raises(LstFusionError, match=r"^FINE_REF1: k100.tif holds integers from .* look scaled \(Kelvin x 100"):
        check_lst("FINE_REF1", arr, k100)
    assert scales_that_fit(29000, 31000)[0].startswith("Kelvin x 100")
    with pytest.raises(LstFusionError, match="^X: the raster has values from 102 to 298 .* neither LST in Kelvin"):
        check_lst("X", np.linspace(100, 300, 100))  # half Celsius-like, half Kelvin: no single unit
    with pytest.raises(LstFusionError, match="-9999"):
        check_lst("X", np.r_[np.full(50, -9999.0), np.linspace(280, 300, 50)])  # nodata that is not flagged


def test_mixed_units_are_converted_and_logged():
    from lst_fusion.core.data.io import Grid

    g = Grid(None, None, 2, 2)
    k = Raster(np.full((2, 2), 300.0, np.float32), g)
    c = Raster(np.full((2, 2), 26.85, np.float32), g)
    lines = []
    assert harmonise_units({"FINE_REF1": k, "COARSE_TARGET": c}, lines.append) == "kelvin"
    np.testing.assert_allclose(c.data, 300.0, atol=1e-4)
    assert lines == ["COARSE_TARGET is in Celsius and FINE_REF1 in Kelvin: COARSE_TARGET converted to Kelvin "
                     "(+273.15) for this run"]


def test_window_bounded_by_memory_before_any_allocation(monkeypatch):
    from lst_fusion.core.fusion import tiling
    from lst_fusion.core.fusion.estarfm import estarfm

    monkeypatch.setattr(tiling, "available_memory", lambda: 1 << 30)  # 1 GiB free
    a = np.full((600, 600), 300.0)
    with pytest.raises(LstFusionError, match=r"^WINDOW: a 1001 px window needs about [0-9.]+ GiB for its tiles, more "
                                             r"than half of the 1.0 GiB of memory available"):
        estarfm(a, a, a, a, a, window=1001)
    tiling.check_window(51, (600, 600))  # the default window is fine


def test_tiled_writes_compressed_on_threads_are_byte_identical_run_to_run(tmp_path):
    # tile_writer compresses its 256 px blocks on GDAL's threads: the same writes in the same order (fuse_series
    # writes in task order on every scheduler) give the same bytes; any order gives the same pixels (GDAL 3.10
    # lays the blocks out in the order written, so the bytes may differ between orders, GDAL 3.6 does not)
    import hashlib

    from rasterio.transform import Affine

    from lst_fusion.core.data.io import Grid, read_raster, tile_writer

    grid = Grid("EPSG:32633", Affine(30, 0, 500000, 0, -30, 5000000), 700, 600)
    a = (290 + 20 * np.random.default_rng(3).random((600, 700))).astype(np.float32)
    windows = [(r, c) for r in range(0, 600, 256) for c in range(0, 700, 256)]
    digests = {}
    for k, order in enumerate((windows, windows, windows[::-1], windows[::-1], windows[1::2] + windows[::2])):
        path = tmp_path / f"t{k}.tif"
        with tile_writer(path, grid, tags={"K": "v"}) as write:
            for r, c in order:
                write(a[r:r + 256, c:c + 256], r, c)
        assert np.array_equal(read_raster(str(path)).data, a)
        digests.setdefault(tuple(order), []).append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert all(len(set(d)) == 1 for d in digests.values()) and sum(map(len, digests.values())) == 5
