"""Pure-Python science core of LST Fusion (numpy/rasterio/scipy, torch optional).

Nothing in this package imports QGIS, so it runs from tests, scripts or a Dask
cluster exactly as it runs inside a Processing algorithm.
"""
from .platform.errors import LstFusionError  # noqa: F401
