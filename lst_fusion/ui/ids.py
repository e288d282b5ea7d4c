"""The ids of the Processing algorithms the panel runs, built from the provider's id and each class's ALG_ID."""
from ..algorithms.evaluate import Evaluate
from ..algorithms.fuse_series import FuseSeries
from ..algorithms.provider import PROVIDER_ID
from ..algorithms.search_download import SearchDownload
from ..algorithms.validate_methods import ValidateMethods


def alg_id(name):
    """``lstfusion:<name>`` for an algorithm's ALG_ID."""
    return f"{PROVIDER_ID}:{name}"


EVALUATE = alg_id(Evaluate.ALG_ID)
FUSE_SERIES = alg_id(FuseSeries.ALG_ID)
SEARCH_DOWNLOAD = alg_id(SearchDownload.ALG_ID)
VALIDATE_METHODS = alg_id(ValidateMethods.ALG_ID)
