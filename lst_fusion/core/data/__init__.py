"""Data in and out: rasters, products, dates, units, pairing, STAC, checks, provenance, resampling, gap filling, co-registration."""
