"""Same-day MODIS/Landsat pairing into a ready dataset folder.

Dataset layout (consumed by training, ESTARFM/STARFM batch runs and the
reference experiment)::

    DATASET/
      L_YYYYMMDD.tif   Landsat LST on the reference grid
      M_YYYYMMDD.tif   MODIS LST resampled onto the same grid
      index.csv        date,landsat,modis,landsat_clear,modis_clear,status

``status`` is ``pair`` (same-day pair passing the clear-percentage filter),
``modis_only`` (a prediction date), or ``rejected:<reason>``.  Adding new real
pairs is a drop-in: put the files in the input folders and run again.
"""
import csv
import io as _io
import os

import numpy as np

from .dates import parse_date
from .errors import LstFusionError, check_cancel
from .io import atomic_write_text, read_raster, write_raster
from .resample import crop_grid, resample_to_grid

RASTER_EXT = (".tif", ".tiff", ".vrt", ".img", ".hdf")


def list_rasters(folder_or_list, parameter):
    if isinstance(folder_or_list, (list, tuple)):
        paths = [str(p) for p in folder_or_list]
    else:
        if not os.path.isdir(str(folder_or_list)):
            raise LstFusionError(parameter, f"{folder_or_list!r} is not a folder")
        paths = sorted(os.path.join(folder_or_list, f) for f in os.listdir(folder_or_list)
                       if f.lower().endswith(RASTER_EXT) and not f.startswith("."))
    if not paths:
        raise LstFusionError(parameter, "no raster given")
    dated = {}
    for p in paths:
        d = parse_date(p)
        if d is None:
            raise LstFusionError(parameter, f"no date in the file name {os.path.basename(p)!r}")
        if d in dated:
            raise LstFusionError(parameter, f"two rasters for {d}: {os.path.basename(dated[d])}, {os.path.basename(p)}")
        dated[d] = p
    return dated


def align_pairs(modis, landsat, output_dir, min_clear=0.0, aoi_bounds=None, method="bicubic",
                progress=None, cancel=None):
    """Match same-day pairs and write the dataset folder; returns the index rows."""
    m_dates = list_rasters(modis, "MODIS")
    l_dates = list_rasters(landsat, "LANDSAT")
    first = min(l_dates)
    ref = read_raster(l_dates[first], "LANDSAT")
    grid = ref.grid
    if grid.crs is None:
        raise LstFusionError("LANDSAT", f"{os.path.basename(l_dates[first])} has no CRS")
    if aoi_bounds is not None:
        grid = crop_grid(grid, aoi_bounds)
    os.makedirs(output_dir, exist_ok=True)
    rows = []
    all_dates = sorted(set(m_dates) | set(l_dates))
    for i, d in enumerate(all_dates):
        check_cancel(cancel)
        tag = d.strftime("%Y%m%d")
        row = {"date": d.isoformat(), "landsat": "", "modis": "", "landsat_clear": "", "modis_clear": "", "status": ""}
        if d in m_dates:
            m = read_raster(m_dates[d], "MODIS")
            m_arr = resample_to_grid(m.data, m.grid, grid, method, parameter="MODIS")
            clear = 100.0 * np.isfinite(m_arr).mean()
            row["modis_clear"] = f"{clear:.2f}"
        if d in l_dates:
            lr = read_raster(l_dates[d], "LANDSAT")
            l_arr = lr.data if lr.grid.same_as(grid) else resample_to_grid(lr.data, lr.grid, grid, "nearest", "LANDSAT")
            row["landsat_clear"] = f"{100.0 * np.isfinite(l_arr).mean():.2f}"
        if d in m_dates and d in l_dates:
            lc, mc = float(row["landsat_clear"]), float(row["modis_clear"])
            if min(lc, mc) < min_clear:
                row["status"] = f"rejected:clear<{min_clear:g}%"
            else:
                row["status"] = "pair"
        elif d in m_dates:
            row["status"] = "modis_only" if float(row["modis_clear"]) >= min_clear else f"rejected:clear<{min_clear:g}%"
        else:
            row["status"] = "rejected:no_modis"
        if not row["status"].startswith("rejected"):
            if d in m_dates:
                row["modis"] = f"M_{tag}.tif"
                write_raster(os.path.join(output_dir, row["modis"]), m_arr, grid, tags={"ACQUISITION_DATE": d.isoformat()})
            if d in l_dates:
                row["landsat"] = f"L_{tag}.tif"
                write_raster(os.path.join(output_dir, row["landsat"]), l_arr, grid, tags={"ACQUISITION_DATE": d.isoformat()})
        rows.append(row)
        if progress:
            progress(100.0 * (i + 1) / len(all_dates))
    if not any(r["status"] == "pair" for r in rows):
        raise LstFusionError("LANDSAT", "no same-day MODIS/Landsat pair passed the filters")
    buf = _io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    atomic_write_text(os.path.join(output_dir, "index.csv"), buf.getvalue())
    return rows


def read_index(dataset_dir, parameter="DATASET"):
    """Rows of a dataset folder's index.csv, with absolute paths and dates."""
    import datetime as _dt

    path = os.path.join(str(dataset_dir), "index.csv")
    if not os.path.exists(path):
        raise LstFusionError(parameter, f"{dataset_dir!r} has no index.csv (make it with lstfusion:align_pairs)")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["date"] = _dt.date.fromisoformat(r["date"])
        for k in ("landsat", "modis"):
            r[k] = os.path.join(str(dataset_dir), r[k]) if r[k] else ""
    return rows
