"""The classical fusion methods, their window kernels, tiling and the MODIS-consistency residual step."""
