"""The inputs of a validation or of auto: "a dataset folder (align_pairs) or two raster lists", read once."""
import os

from ..core.data.pairing import INPUTS_MISSING, align_pairs
from ..core.platform.errors import LstFusionError

EE_NDVI_BAND = 2  # Earth Engine exports: LST, NDVI, NDWI, NDBI


def series_dataset(dataset, modis, landsat, into, **align):
    """The dataset folder of a run given a ``dataset`` folder (align_pairs) or the ``modis`` and ``landsat``
    rasters: ``dataset`` itself, or the lists aligned (core.data.pairing.align_pairs with ``align``) into the
    folder that ``into(align_into_folder)`` aligns them into and returns (:func:`aligned_aside`, a temporary
    folder); neither given is one sentence (:data:`INPUTS_MISSING`)."""
    if dataset:
        return dataset
    if not (modis and landsat):
        raise LstFusionError("", INPUTS_MISSING)
    return into(lambda folder: align_pairs(modis, landsat, folder, **align))


def dataset_folder(out_csv):
    return os.path.splitext(out_csv)[0] + "_dataset"


def aligned_aside(final, align):
    """``align(folder)`` into a new folder beside ``final``, published there with the run's other outputs at its
    end (core.platform.transaction: a failed or stopped run replaces nothing); returns the folder to read now."""
    import tempfile

    from ..core.platform import transaction

    t = transaction.current()
    if t is None:  # no transaction (a script calling execute itself): aligned in place
        align(final)
        return final
    parent = os.path.dirname(os.path.abspath(final))
    os.makedirs(parent, exist_ok=True)
    folder = tempfile.mkdtemp(prefix=".tmp_", suffix="_dataset", dir=parent)
    t.stage_folder(folder, final)
    with transaction.suspended():
        align(folder)
    return folder


def ndvi_bands(raw_landsat, pairs, shape):
    """{date: NDVI} from the raw Earth Engine exports (4 bands: LST, NDVI, NDWI, NDBI) when on the dataset grid."""
    import rasterio

    out = {}
    for d in pairs:
        path = raw_landsat.get(d)
        if not path:
            return None
        with rasterio.open(path) as src:
            if src.count < 4 or (src.height, src.width) != tuple(shape):
                return None
            desc = [(x or "").upper() for x in src.descriptions]
            band = desc.index("NDVI") + 1 if "NDVI" in desc else EE_NDVI_BAND
            out[d] = src.read(band).astype("float64")
    return out
