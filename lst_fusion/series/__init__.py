"""The daily series, QGIS-free, between the algorithms and the deep side (ui -> algorithms -> series ->
deep -> models -> core): one fused raster per MODIS date with any method of the method table
(core/fusion/methods.py), resumable, on one core or on Dask.

* :mod:`.plan`: reference pairs per date (the rule of core.data.pairing), gap-filling, resume keys;
* :mod:`.tiles`: sources on the fine grid, blocks, per-pair statistics, one tile;
* :mod:`.schedulers`: sequential, this process' threads, dask.distributed;
* :mod:`.run`: :func:`fuse_series` and its :class:`SeriesOptions`;
* :mod:`.outputs`: series.csv, series.vrt, the shared stretch;
* :mod:`.season`: series_stats.csv and series_report.html.
"""
from .outputs import CSV_COLUMNS, build_vrt, cancelled_cleanly, read_series_csv, shared_stretch, write_series_csv
from .plan import DEFAULT_MAX_GAP_DAYS, GAPFILL_DAYS, DatePlan, choose_refs, collect_inputs, pair_mode, plan_series
from .run import DEFAULT_TILE, SeriesOptions, SeriesResult, fuse_series
from .schedulers import DaskDistributed, Sequential, Threads, make_scheduler
from .tiles import Source, TileJob, read_block, run_tile

__all__ = ["CSV_COLUMNS", "DEFAULT_MAX_GAP_DAYS", "DEFAULT_TILE", "GAPFILL_DAYS", "DaskDistributed",
           "DatePlan", "SeriesOptions", "SeriesResult", "Sequential", "Source", "Threads", "TileJob", "build_vrt",
           "cancelled_cleanly", "choose_refs", "collect_inputs", "fuse_series", "make_scheduler", "pair_mode",
           "plan_series", "read_block", "read_series_csv", "run_tile", "shared_stretch", "write_series_csv"]
