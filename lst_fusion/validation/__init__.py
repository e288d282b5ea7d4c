"""The validation layer, QGIS-free, between the algorithms and the deep side (ui -> algorithms -> series ->
validation -> deep -> models -> core): leave-one-date-out on the user's own pairs (:mod:`.validate`, the engine
of validate_methods and its report) and fuse_series' METHOD=auto (:mod:`.auto`). The classical candidates and
the analyses are core.evaluation's; a deep model's fold (training without the test date) is deep.fold's.
"""
