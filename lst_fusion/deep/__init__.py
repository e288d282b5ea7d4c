"""The deep-learning side of LST Fusion, QGIS-free and PyTorch-only: training, checkpoints, tiled
prediction, training patches and a deep model's leave-one-date-out fold (deep.fold; the folds are run by
lst_fusion.validation).

Imports point one way: ``deep`` uses ``models`` and ``core``; ``core`` never imports ``deep`` or
``models``. The daily series that runs every method per date is ``lst_fusion.series``, one layer up.
"""
