"""The model rasters of a method of pair mode ALL (core.fusion.methods, e.g. All-pairs regression): fitted once per
reference set from every pair of the series, written beside the dated rasters as ``MODEL_<TAG>_<PART>_<key>.tif``
(``INTERCEPT``, ``SLOPE``: what each pixel's line is, readable in QGIS) and kept for a re-run with the same
references and parameters (the key), so each date of the series is the table's ``tile`` on the model and the day's
MODIS: O(1) per pixel.
"""
import os

from ..core.data.io import write_raster
from ..core.fusion import methods as fusion_methods
from ..core.platform.errors import check_cancel
from .plan import file_identity, grid_identity, series_key, stored_tag
from .tiles import Source, read_block

PARTS = ("INTERCEPT", "SLOPE")  # in the order of core.fusion.methods.MODEL_ROLES' model rasters


def model_sources(method, refs, landsat, modis, grid, params, folder, log=None, cancel=None):
    """(intercept, slope) :class:`~.tiles.Source` of ``method``'s model fitted on the pairs ``refs`` (dates), made
    now or kept from an earlier run with the same inputs and parameters."""
    entry = fusion_methods.get(method)
    values = {p.name: params[p.name] for p in entry.params}
    key = series_key({"method": method, "refs": list(refs), "grid": grid_identity(grid), "params": values,
                      "fine": [file_identity(landsat[d].path) + [landsat[d].band, landsat[d].scale] for d in refs],
                      "coarse": [file_identity(modis[d].path) + [modis[d].band, modis[d].scale] for d in refs]})
    paths = [os.path.join(folder, f"MODEL_{entry.tag}_{part}_{key}.tif") for part in PARTS]
    if all(os.path.exists(p) and stored_tag(p, "MODEL_KEY") == key for p in paths):
        if log:
            log(f"{entry.label}: the model of the {len(refs)} reference pair(s) is kept from an earlier run")
        return tuple(Source(p, 1, 1.0, True, "MODEL") for p in paths)

    def whole(src):
        check_cancel(cancel)
        return read_block(src, grid, 0, grid.height, 0, grid.width)

    # read one pair at a time by each of the fit's passes
    model = entry.fit(_Reread(refs, landsat, whole), _Reread(refs, modis, whole), values, cancel)
    tags = {"METHOD": entry.tag, "MODEL_KEY": key, "REF_DATES": " ".join(d.isoformat() for d in refs),
            **{k: v for k, v in values.items()}}
    for path, part, data in zip(paths, PARTS, model):
        write_raster(path, data, grid, tags=dict(tags, MODEL_PART=part.lower()),
                     description=f"{entry.label} {part.lower()} ({len(refs)} reference pairs)")
    if log:
        log(f"{entry.label}: fitted on {len(refs)} reference pair(s) ({', '.join(d.isoformat() for d in refs)}) "
            f"once for every date: {', '.join(os.path.basename(p) for p in paths)}")
    return tuple(Source(p, 1, 1.0, True, "MODEL") for p in paths)


class _Reread:
    """The pairs' rasters as a sequence read on demand (each pass of the fit reads them again), so the memory of a
    fit is a few images whatever the number of pairs."""

    def __init__(self, refs, sources, read):
        self.refs, self.sources, self.read = list(refs), sources, read

    def __len__(self):
        return len(self.refs)

    def __iter__(self):
        return (self.read(self.sources[d]) for d in self.refs)

    def __getitem__(self, i):
        return self.read(self.sources[self.refs[i]])
