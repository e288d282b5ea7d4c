"""The deep-learning side of LST Fusion, QGIS-free and PyTorch-only: training, checkpoints, tiled
prediction, training patches and the leave-one-date-out validation of the models.

Imports point one way: ``deep`` uses ``models`` and ``core``; ``core`` never imports ``deep`` or
``models``. The daily series that runs every method per date is ``lst_fusion.series``, one layer up.
"""
