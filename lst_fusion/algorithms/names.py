"""The Processing parameter and output names of every LST Fusion algorithm, one constant each.

Used in ``initAlgorithm`` and ``execute`` alike (and by the dock for the parameters it passes to
``processing.run``), so a name is written once. Each constant's value is its own name, and the names
are the public interface: saved models (.model3), ``qgis_process`` calls and users' scripts use them,
so never rename one. ``lst_fusion/test/test_names.py`` checks that every name of the provider is here
and that no algorithm or ui module writes one as a string literal.
"""
# -- fusion input roles: the one role table, core/data/roles.py
from ..core.data import roles
from ..core.evaluation import metrics

FINE_REF1 = roles.PARAMETER_OF_ROLE["fine_ref1"]
COARSE_REF1 = roles.PARAMETER_OF_ROLE["coarse_ref1"]
FINE_REF2 = roles.PARAMETER_OF_ROLE["fine_ref2"]
COARSE_REF2 = roles.PARAMETER_OF_ROLE["coarse_ref2"]
COARSE_TARGET = roles.PARAMETER_OF_ROLE["coarse_target"]

# -- other rasters, layer lists, files and folders read
INPUT = "INPUT"
REFERENCE = "REFERENCE"
PREDICTION = "PREDICTION"
PREDICTIONS = "PREDICTIONS"
MODIS = "MODIS"
LANDSAT = "LANDSAT"
DATASET = "DATASET"
OTHER_DATES = "OTHER_DATES"
QA = "QA"
QC = "QC"
AOI = "AOI"
CHECKPOINT = "CHECKPOINT"
SUBREGIONS = "SUBREGIONS"
NAME_FIELD = "NAME_FIELD"

# -- imports (import_modis, import_landsat)
LAYER = "LAYER"
USE_QC = "USE_QC"
QA_BITS = "QA_BITS"
UNIT = "UNIT"
SCALE = "SCALE"
OFFSET = "OFFSET"
DATE = "DATE"  # also an output: the acquisition date found
QC_RULE = "QC_RULE"  # import_viirs

# -- gap filling, resampling, pairing, series
METHOD = "METHOD"
WINDOW_DAYS = "WINDOW_DAYS"
MIN_CLEAR = "MIN_CLEAR"
PAIRS = "PAIRS"
UNCERTAINTY = "UNCERTAINTY"
UNCERTAINTY_CLASSES = "UNCERTAINTY_CLASSES"
MIN_CLEAR_TRAINING = "MIN_CLEAR_TRAINING"
LANDSAT_BAND = "LANDSAT_BAND"
MODIS_BAND = "MODIS_BAND"
LANDSAT_SCALE = "LANDSAT_SCALE"
MODIS_SCALE = "MODIS_SCALE"
QUANTITY = "QUANTITY"
START = "START"
END = "END"
MAX_GAP_DAYS = "MAX_GAP_DAYS"
DASK_SCHEDULER = "DASK_SCHEDULER"
COREGISTER = "COREGISTER"
MAX_SHIFT = "MAX_SHIFT"
SOURCE_ORDER = "SOURCE_ORDER"

# -- search and download (search_download)
SENSORS = "SENSORS"
MAX_CLOUD = "MAX_CLOUD"
STAC_URL = "STAC_URL"
# a parameter name, not a password: Bandit B105 flags any string assigned to a name with TOKEN in it
TOKEN_URL = "TOKEN_URL"  # nosec B105
LIST_ONLY = "LIST_ONLY"
FETCH_REFLECTANCE = "FETCH_REFLECTANCE"  # search_download: also the Landsat C2 L2 surface reflectance
AUTHCFG = "AUTHCFG"  # the QGIS convention for an authentication configuration id
CMR_STAC_URL = "CMR_STAC_URL"
TIMEOUT = "TIMEOUT"
RETRIES = "RETRIES"

# -- fusion settings (classical and deep)
WINDOW = "WINDOW"
CLASSES = "CLASSES"
CHANGE_THRESHOLD = "CHANGE_THRESHOLD"
SPATIAL_FACTOR = "SPATIAL_FACTOR"
UNCERTAINTY = "UNCERTAINTY"
ENGINE = "ENGINE"
DEVICE = "DEVICE"
TILE_SIZE = "TILE_SIZE"
RESIDUAL_CORRECTION = "RESIDUAL_CORRECTION"
COARSE_PIXEL = "COARSE_PIXEL"
MODE = "MODE"
SIMILAR_PIXELS = "SIMILAR_PIXELS"
PURE_PIXELS = "PURE_PIXELS"
DEPTH = "DEPTH"
MIN_FOOTPRINTS = "MIN_FOOTPRINTS"
RIDGE = "RIDGE"
PREDICTORS = "PREDICTORS"  # thermal sharpening: LST only, or LST and spectral indices
INDICES = "INDICES"  # a raster of spectral indices of the reference Landsat date
REFLECTANCE = "REFLECTANCE"  # a raster of the reference Landsat date's C2 L2 surface reflectance bands

# -- training
EPOCHS = "EPOCHS"
BATCH_SIZE = "BATCH_SIZE"
LEARNING_RATE = "LEARNING_RATE"
PATCH_SIZE = "PATCH_SIZE"
STRIDE = "STRIDE"
SEED = "SEED"
SIZE = "SIZE"
TWO_PAIRS = "TWO_PAIRS"
MIN_VALID_PATCH = "MIN_VALID_PATCH"

# -- evaluation
RESOLUTION_RATIO = "RESOLUTION_RATIO"

# -- destinations (files and folders written)
OUTPUT = "OUTPUT"
OUTPUT_TABLE = "OUTPUT_TABLE"
OUTPUT_HTML = "OUTPUT_HTML"  # also a plain output of fuse_series (its season report)
OUTPUT_ERROR = "OUTPUT_ERROR"
OUTPUT_LOG = "OUTPUT_LOG"
OUTPUT_UNCERTAINTY = "OUTPUT_UNCERTAINTY"  # a one-date algorithm's uncertainty map (issue 38)

# -- outputs that are values or files, not parameters
CLEAR_PERCENT = "CLEAR_PERCENT"
VIEW_TIME = "VIEW_TIME"
VIEW_ANGLE = "VIEW_ANGLE"
FILLED_TEMPORAL = "FILLED_TEMPORAL"
FILLED_SPATIAL = "FILLED_SPATIAL"
N_PAIRS = "N_PAIRS"
INDEX = "INDEX"
N_DATES = "N_DATES"
SERIES_CSV = "SERIES_CSV"
SERIES_VRT = "SERIES_VRT"
METHOD_APPLIED = "METHOD_APPLIED"  # fuse_series: what ran (method, pairs, variant), e.g. auto's choice
METHOD_CHOICE = "METHOD_CHOICE"  # fuse_series: why (auto's inner scores or its fallback's reason)
CORRECTION_APPLIED = "CORRECTION_APPLIED"  # fuse_series: the RESIDUAL_CORRECTION mode that ran
MODIS_FILES = "MODIS_FILES"
LANDSAT_FILES = "LANDSAT_FILES"
DOWNLOADS_CSV = "DOWNLOADS_CSV"
N_MODIS = "N_MODIS"
N_LANDSAT = "N_LANDSAT"
VIIRS_FILES = "VIIRS_FILES"
SLSTR_FILES = "SLSTR_FILES"
REFLECTANCE_FILES = "REFLECTANCE_FILES"
SHIFT_X = "SHIFT_X"
SHIFT_Y = "SHIFT_Y"
R_BEFORE = "R_BEFORE"
R_AFTER = "R_AFTER"
APPLIED = "APPLIED"
COREGISTRATION = "COREGISTRATION"
# evaluate's whole-image metrics: the one metric table, core/evaluation/metrics.py
RMSE, MAE, BIAS, SSIM, PSNR, SAM, CC, ERGAS = metrics.METRICS

# -- validation (validate_methods)
METHODS = "METHODS"
CLASS_RASTER = "CLASS_RASTER"
OUTPUT_CSV = "OUTPUT_CSV"
RECOMMENDED_METHOD = "RECOMMENDED_METHOD"
RECOMMENDED_VARIANT = "RECOMMENDED_VARIANT"
N_FOLDS = "N_FOLDS"
