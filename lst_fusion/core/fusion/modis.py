"""MODIS resampled: the day's MODIS on the fine grid, as the series reads it (bicubic per window).

The baseline every method must beat, and ``auto``'s answer when no method beats it on the series' own pairs
(issue 38): a method-table entry (``baseline``), so that a series can write it like any method. It reads the
reference pair only because the series gives every method one; it uses none of it.
"""


def fuse_tile(blocks, halo, params):
    """The coarse target block (the last role) without its halo."""
    c = blocks[-1]
    return c[halo:c.shape[0] - halo, halo:c.shape[1] - halo] if halo else c
