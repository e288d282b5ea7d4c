"""The deep-learning side of LST Fusion, QGIS-free: training, checkpoints,
tiled prediction, training patches, and the daily series engine that runs
classical and deep methods per date (on Dask when asked).

Imports point one way: ``deep`` uses ``models`` and ``core``; ``core`` never
imports ``deep`` or ``models``.
"""
