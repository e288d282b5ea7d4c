"""The gap fill marks the pixels it filled; align_pairs carries the marker into a dataset; training reads it as
the samples' OBSERVED mask, so that a gap-filled Landsat pixel never enters the loss (issue 26, item 4)."""
import datetime as dt
import os

import numpy as np
import pytest

from lst_fusion.core.data import gapfill, pairing
from lst_fusion.core.data.io import read_raster
from lst_fusion.core.platform.errors import LstFusionError

from .conftest import synthetic_scene

DATES = ("20200101", "20200117", "20200202", "20200218")
CLOUD = (slice(4, 14), slice(6, 16))  # 10 x 10 px of the last date's 32 x 32 Landsat


def test_the_gap_fill_marks_what_it_filled_and_nothing_else(tmp_path, tif):
    a = synthetic_scene(16).astype(np.float32)
    before = a.copy()
    before[3:6, 4:9] = np.nan
    src = read_raster(tif("LST_20200101.tif", before))
    filled, _ = gapfill.gapfill(src.data, "spatial")
    (tmp_path / "gf").mkdir()
    out = str(tmp_path / "gf" / "LST_20200101.tif")
    marker = gapfill.write_marked(out, filled, src.data, src.grid, method="spatial")
    assert marker == str(tmp_path / "gf" / "LST_20200101.filled.tif")
    back = read_raster(out)
    assert back.tags["GAPFILLED"] == "spatial" and back.tags["GAPFILLED_PIXELS"] == "LST_20200101.filled.tif"
    np.testing.assert_array_equal(gapfill.filled_pixels(back, "LANDSAT"), ~np.isfinite(before))
    assert np.isfinite(back.data).all()  # the values are the filled ones: the marker is beside them
    np.testing.assert_array_equal(gapfill.observed_pixels(back, "LANDSAT"), np.isfinite(before))
    assert gapfill.filled_pixels(src, "LANDSAT") is None  # a raster that was never gap-filled marks nothing
    # a folder listing takes the gap-filled raster and skips its marker (both carry the date in their names)
    assert pairing.list_rasters(str(tmp_path / "gf"), "LANDSAT") == {dt.date(2020, 1, 1): out}
    # so does a list of the folder's files (the batch dialog, a layer list, a shell glob)
    assert pairing.list_rasters([marker, out], "LANDSAT") == {dt.date(2020, 1, 1): out}
    assert pairing.list_rasters([marker, out], "LANDSAT", names=["marker", "LST"]) == {dt.date(2020, 1, 1): out}
    with pytest.raises(LstFusionError, match=r"^LANDSAT: no raster given"):
        pairing.list_rasters([marker], "LANDSAT")
    os.remove(marker)
    with pytest.raises(LstFusionError, match=r"^LANDSAT: LST_20200101.tif is gap-filled and says its filled "
                                             r"pixels are marked in LST_20200101.filled.tif, which is not beside it"):
        gapfill.filled_pixels(read_raster(out), "LANDSAT")


def series(tmp_path, tif, fill_value, marked=True):
    """Four same-day dates on one grid; the last date's Landsat under a cloud, gap-filled with ``fill_value``
    (NaN: left missing) and marked by write_marked (or written without its marker); aligned into a dataset."""
    root = tmp_path / f"s{fill_value}{marked}"
    (root / "l").mkdir(parents=True)
    (root / "m").mkdir()
    rng = np.random.default_rng(0)
    base = synthetic_scene(32)
    for k, d in enumerate(DATES):
        f = (base + 1.5 * k + rng.normal(0, 0.2, base.shape)).astype(np.float32)
        tif(f"{root.name}/m/MOD_{d}.tif", (0.4 * base + 15 + 1.5 * k)[::4, ::4].astype(np.float32), res=120.0)
        path = tif(f"{root.name}/l/LST_{d}.tif", f)
        if d == DATES[-1]:
            src = read_raster(path)
            cloudy = src.data.copy()
            cloudy[CLOUD] = np.nan
            filled = np.where(np.isfinite(cloudy), cloudy, np.float32(fill_value))
            if marked and np.isfinite(fill_value):
                gapfill.write_marked(path, filled, cloudy, src.grid, method="spatial")
            else:
                tif(f"{root.name}/l/LST_{d}.tif", filled)
    rows = pairing.align_pairs(str(root / "m"), str(root / "l"), str(root / "ds"), min_clear=95, min_clear_training=50)
    return str(root / "ds"), rows


def test_align_pairs_carries_the_marker_and_counts_filled_pixels_as_not_clear(tmp_path, tif):
    ds, rows = series(tmp_path, tif, 90.0)
    last = rows[-1]
    assert float(last["landsat_clear"]) == pytest.approx(100 * (1 - 100 / 1024), abs=0.01)
    assert last["status"] == "training_pair"  # below MIN_CLEAR 95: never a reference nor test truth
    fine = read_raster(os.path.join(ds, last["landsat"]))
    expected = np.zeros((32, 32), bool)
    expected[CLOUD] = True
    np.testing.assert_array_equal(gapfill.filled_pixels(fine, "DATASET"), expected)
    assert fine.data[CLOUD].min() == 90.0  # the filled values are kept, marked
    unmarked, rows = series(tmp_path, tif, 90.0, marked=False)
    assert rows[-1]["status"] == "pair" and float(rows[-1]["landsat_clear"]) == 100.0


def train_on(ds):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    from lst_fusion.deep import training

    samples = training.samples_from_dataset(ds, "edcstfn")
    ckpt, _ = training.train("edcstfn", samples, epochs=1, batch_size=4, patch_size=16, stride=8, device="cpu",
                             seed=0, val_dates=set(), hparams={"channels": (8, 8, 16)}, size="small",
                             min_valid_patch=0.5)
    return torch, ckpt


def test_a_marked_gap_filled_pixel_never_enters_the_loss(tmp_path, tif):
    """The last date's Landsat is only ever a target (no sample takes it as a reference), so its filled pixels
    reach training through the loss alone: marked, an absurd 90 degC there trains exactly the weights of the
    same pixels left missing; unmarked, it does not."""
    torch, missing = train_on(series(tmp_path, tif, np.nan)[0])
    _, marked = train_on(series(tmp_path, tif, 90.0)[0])
    _, unmarked = train_on(series(tmp_path, tif, 90.0, marked=False)[0])
    assert marked["norm"] == missing["norm"]
    for k, v in missing["state_dict"].items():
        assert torch.equal(v, marked["state_dict"][k]), k
    assert marked["summary"]["train_valid_fraction"] < 1.0  # the partly cloudy patches were trained on
    assert any(not torch.equal(v, unmarked["state_dict"][k]) for k, v in missing["state_dict"].items())


def test_processing_training_reads_training_pairs_markers_and_min_valid_patch(tmp_path, tif, provider):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    import processing

    common = {"EPOCHS": 1, "BATCH_SIZE": 4, "PATCH_SIZE": 16, "STRIDE": 8, "DEVICE": 1, "SIZE": 1}
    out = {}
    for name, value in (("missing", np.nan), ("marked", 90.0)):
        ds = series(tmp_path, tif, value)[0]
        res = processing.run("lstfusion:train_edcstfn", dict(common, DATASET=ds, MIN_VALID_PATCH=0.5,
                                                             OUTPUT=str(tmp_path / f"{name}.pt")))
        out[name] = torch.load(res["OUTPUT"], weights_only=True)
    assert out["marked"]["train_dates"][-1] == "2020-02-18"  # the training_pair is trained on
    assert out["marked"]["summary"]["min_valid_patch"] == 0.5
    for k, v in out["missing"]["state_dict"].items():
        assert torch.equal(v, out["marked"]["state_dict"][k]), k
    # its bad values: test_bad_inputs (train_min_valid_patch_*)


def test_min_valid_patch_message_names_the_parameter(tmp_path, tif):
    pytest.importorskip("torch", reason="PyTorch is not installed")
    from lst_fusion.deep import training

    samples = training.samples_from_dataset(series(tmp_path, tif, np.nan)[0], "edcstfn")
    for bad in (0.0, 1.5):
        with pytest.raises(LstFusionError, match=rf"^MIN_VALID_PATCH: {bad:g} is not a fraction of valid pixels: "
                                                 "give a value above 0 and at most 1$"):
            training.train("edcstfn", samples, epochs=1, patch_size=16, stride=8, device="cpu", size="small",
                           min_valid_patch=bad)
