"""The ``lstfusion`` Processing provider."""
from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..core.data.io import RASTER_DRIVERS
from ..i18n import tr
from .base import ICON

PROVIDER_ID = "lstfusion"  # the prefix of every algorithm id: lstfusion:<ALG_ID>


def algorithm_classes():
    from ..models.registry import model_ids
    from .align_pairs import AlignPairs
    from .allpairs import AllPairs
    from .compare_methods import CompareMethods
    from .coregister import Coregister
    from .evaluate import Evaluate
    from .fuse_series import FuseSeries
    from .fusion import fusion_class, one_date_ids
    from .gapfill import GapFill
    from .import_landsat import ImportLandsat
    from .import_modis import ImportModis
    from .import_slstr import ImportSlstr
    from .import_viirs import ImportViirs
    from .predict_model import predict_class
    from .resample import Resample
    from .search_download import SearchDownload
    from .train_model import train_class
    from .validate_methods import ValidateMethods

    classes = [SearchDownload, ImportModis, ImportViirs, ImportSlstr, ImportLandsat, GapFill, Resample, AlignPairs,
               Coregister, *(fusion_class(mid) for mid in one_date_ids()), AllPairs, FuseSeries, Evaluate,
               CompareMethods, ValidateMethods]
    for mid in model_ids():
        classes += [train_class(mid), predict_class(mid)]
    return classes


class LstFusionProvider(QgsProcessingProvider):
    def id(self):
        return PROVIDER_ID

    def name(self):
        return tr("LST Fusion")

    def longName(self):  # noqa: N802
        return tr("LST Fusion - MODIS/Landsat land-surface temperature fusion")

    def icon(self):
        return QIcon(ICON)

    def supportedOutputRasterLayerExtensions(self):  # noqa: N802
        return [ext.lstrip(".") for ext in RASTER_DRIVERS if ext != ".tiff"]  # core.data.io.write_raster's formats

    def defaultRasterFileExtension(self):  # noqa: N802
        return "tif"

    def loadAlgorithms(self):  # noqa: N802
        for cls in algorithm_classes():
            self.addAlgorithm(cls())
