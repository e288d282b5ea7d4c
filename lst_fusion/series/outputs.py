"""What a series leaves in its folder besides the dated rasters: ``series.csv`` (date, status, ref1, ref2,
modis_clear, output, uncertainty: the date's UNC_ map or why there is none, coarse_source: which daily source
the date's coarse image is, method: what ran on the date (method, pairs, variant, auto's shrink), choice: why (METHOD=auto's
inner scores or its fallback's reason, or "as given")), ``series.vrt`` (one band per date, in date order, band descriptions = dates, sources
relative to the folder), the shared legend stretch
over all dates, and the check that no temporary file of an interrupted run is left."""
import csv
import io as _io
import os

import numpy as np

from ..core.data.io import atomic_path, atomic_write_text, read_window
from ..core.evaluation.report import STRETCH_PERCENT
from ..core.platform.errors import LstFusionError
from .tiles import strips

CSV_COLUMNS = ["date", "status", "ref1", "ref2", "modis_clear", "output", "uncertainty", "coarse_source", "method",
               "choice"]


def stale_temporaries(folder):
    """The ``.tmp_*`` files a killed run left in ``folder`` (the next run removes them)."""
    return [os.path.join(folder, f) for f in os.listdir(folder) if f.startswith(".tmp_")]


def write_series_csv(path, rows):
    buf = _io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    w.writeheader()
    w.writerows(rows)
    return atomic_write_text(path, buf.getvalue())


def read_series_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build_vrt(path, outputs, labels):
    """A VRT with one band per output (``separate``), in the given order, band descriptions = ``labels``;
    written atomically; None when there is no output."""
    if not outputs:
        if os.path.exists(path):
            os.remove(path)
        return None
    from osgeo import gdal

    with atomic_path(path, ".vrt") as tmp:
        os.remove(tmp)
        gdal.ErrorReset()  # QGIS's GDAL exception mode is process-wide: leave it, check the result
        ds = gdal.BuildVRT(tmp, [os.path.abspath(o) for o in outputs], separate=True)
        if ds is None:
            raise LstFusionError("OUTPUT", f"GDAL could not build the series VRT: {gdal.GetLastErrorMsg()}")
        for i, label in enumerate(labels, 1):
            ds.GetRasterBand(i).SetDescription(label)
        ds.FlushCache()
        ds = None
        _relative_paths(tmp, os.path.dirname(os.path.abspath(path)))
    return path


def _relative_paths(vrt, folder):
    """Make the VRT's sources relative to its folder, so the series folder can be moved as a whole."""
    import re

    with open(vrt, encoding="utf-8") as fh:
        text = fh.read()

    def rel(m):
        src = m.group(2)
        if os.path.dirname(src) == folder:
            return f'<SourceFilename relativeToVRT="1">{os.path.basename(src)}</SourceFilename>'
        return m.group(0)

    text = re.sub(r'<SourceFilename relativeToVRT="(0)">([^<]+)</SourceFilename>', rel, text)
    with open(vrt, "w", encoding="utf-8") as fh:
        fh.write(text)


def shared_stretch(outputs, percent=STRETCH_PERCENT, sample=200000):
    """(low, high) for one legend over all dates: the percentiles of a regular sample of every output's valid
    pixels (read strip by strip, so memory stays bounded)."""
    vals = []
    for path in outputs:
        from ..core.data.io import read_grid

        g = read_grid(path, "OUTPUT")
        step = max(1, int(np.sqrt(g.width * g.height / max(sample // max(len(outputs), 1), 1))))
        for r0, r1 in strips(g):
            a = read_window(path, r0, r1, 0, g.width)[(-r0) % step::step, ::step]
            vals.append(a[np.isfinite(a)])
    v = np.concatenate(vals) if vals else np.array([])
    if v.size == 0:
        return 0.0, 1.0
    lo, hi = np.percentile(v, percent)
    return float(lo), float(hi) if hi > lo else float(lo) + 1.0


def cancelled_cleanly(folder):
    """True when no temporary file is left in ``folder`` (used by the tests and the dock)."""
    return not stale_temporaries(folder)
