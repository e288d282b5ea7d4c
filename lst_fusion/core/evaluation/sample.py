"""auto's spatial sample: the tiles its inner leave-one-date-out is computed on (issue 41, item 4).

``auto`` runs every candidate on every inner fold. Over a whole Landsat scene that is hours before the first date
(docs/performance.md); the choice needs the candidates' errors, not their whole images, so above
:attr:`Rule.budget` pixels it is made on a fixed, deterministic sample of square tiles:

* a tile's core is ``Rule.tile`` px at least, rounded up to whole MODIS footprints (``block`` fine pixels, at
  least :data:`MIN_FOOTPRINTS` a side, so that +RC, Fit-FC and FSDAF see several MODIS pixels), and its origin is
  a whole number of footprints from the image's, so the tile's MODIS pixels are the image's;
* each tile is computed with a halo of ``Rule.halo`` px around it (rounded up to whole footprints, cut at the
  image's edge), so that every pixel of the core has its full window in every method (the largest default window
  of the classical methods is 51 px: ESTARFM's and Fit-FC's); only the core is scored;
* the candidate tiles are the image's grid of cores; those with at least :data:`VALID_SHARE` of their pixels
  clear (Landsat and MODIS finite, averaged over the pairs the choice is made on) are eligible; ``budget // core
  area`` of them (one at least) are taken by farthest-point order: the eligible tile nearest the eligible tiles'
  centre first, then each time the one farthest from those taken (a tie to the first in raster order);
* an image of at most ``budget`` pixels is the whole image (no sample): the small site tables choose as before.

The sample depends only on the image's shape, the footprint and which pixels of the given pairs are clear: a
choice for an outer test date is given the other pairs only, so its sample never reads that date's Landsat.
Scores are pooled over the sample: a fold's prediction is its tiles' cores put end to end, so a fold's RMSE is the
pixel-weighted RMSE over every sampled pixel, the metric of the whole-image choice.
"""
import math
from dataclasses import dataclass

import numpy as np

BUDGET_PX = 500_000  # above this many pixels auto chooses on a sample of about this many
TILE_PX = 256  # a tile's core side, at least (rounded up to whole MODIS footprints)
HALO_PX = 25  # the largest default half-window of the classical methods (ESTARFM, Fit-FC: 51 px)
MIN_FOOTPRINTS = 4  # MODIS footprints a tile's side, at least
VALID_SHARE = 0.5  # a tile is eligible with at least this share of clear pixels


@dataclass(frozen=True)
class Rule:
    """How big the sample is: ``budget`` px scored in all, tiles of ``tile`` px, computed with ``halo`` px."""

    budget: int = BUDGET_PX
    tile: int = TILE_PX
    halo: int = HALO_PX


RULE = Rule()  # the rule of validate_methods' auto row and fuse_series' METHOD=auto alike


@dataclass(frozen=True)
class Sample:
    """The tiles a choice is computed on: each core ``(r0, c0, rows, cols)`` and its computed window (the core
    with its halo, inside the image) as ``(r0, r1, c0, c1)``."""

    cores: tuple
    windows: tuple
    shape: tuple

    def __len__(self):
        return len(self.cores)

    @property
    def px(self):
        return sum(r * c for _, _, r, c in self.cores)

    def describe(self):
        return (f"chosen on {len(self)} tile(s), {self.px} px of {self.shape[0] * self.shape[1]} "
                f"({self.cores[0][2]} x {self.cores[0][3]} px each, computed with a halo)")

    def crop(self, pairs, i):
        """The pairs cut to tile ``i``'s window (views): ``{date: (landsat, modis)}``."""
        r0, r1, c0, c1 = self.windows[i]
        return {d: tuple(a[r0:r1, c0:c1] for a in v) for d, v in pairs.items()}

    def core_of(self, i):
        """Tile ``i``'s core as slices of its window."""
        (r, c, h, w), (r0, _, c0, _) = self.cores[i], self.windows[i]
        return slice(r - r0, r - r0 + h), slice(c - c0, c - c0 + w)

    def cut(self, image):
        """The sampled pixels of a whole ``image``: the cores, end to end (raster order of each)."""
        return np.concatenate([image[r:r + h, c:c + w].ravel() for r, c, h, w in self.cores])

    def pool(self, per_tile):
        """One fold's ``{key: prediction}`` from its tiles' ``{key: window prediction}``: each key's cores end to
        end (the order of :meth:`cut`); a key missing on any tile (the candidate could not run there) is left
        out."""
        keys = [k for k in per_tile[0] if all(k in p for p in per_tile)]
        return {k: np.concatenate([np.asarray(p[k])[self.core_of(i)].ravel() for i, p in enumerate(per_tile)])
                for k in keys}


WHOLE = "chosen on the whole image, {q} px"


def describe(sample, shape):
    """The sample said in METHOD_CHOICE and the log: 'chosen on N tile(s), P px of Q ...' or the whole image."""
    return sample.describe() if sample is not None else WHOLE.format(q=shape[0] * shape[1])


def clear_share(pairs):
    """Per pixel, the share of ``pairs`` ``{date: (landsat, modis)}`` where both are finite."""
    n = np.zeros(next(iter(pairs.values()))[0].shape, dtype=np.float32)
    for f, c in pairs.values():
        n += np.isfinite(f) & np.isfinite(c)
    return n / max(len(pairs), 1)


def tiles(pairs, block, rule=None):
    """The :class:`Sample` of ``pairs`` (a choice's pairs, never its outer test date's) for the MODIS footprint of
    ``block`` fine pixels under ``rule`` (:data:`RULE` when None); None when the image has at most
    ``rule.budget`` pixels: the whole image is the sample."""
    rule = rule or RULE
    shape = next(iter(pairs.values()))[0].shape
    rows, cols = shape
    if rows * cols <= rule.budget:
        return None
    block = max(int(block), 1)
    side = block * max(MIN_FOOTPRINTS, math.ceil(rule.tile / block))
    h, w = min(side, rows), min(side, cols)
    halo = block * math.ceil(max(rule.halo, 0) / block)
    share = clear_share(pairs)
    grid = [(r, c) for r in range(0, rows - h + 1, h) for c in range(0, cols - w + 1, w)]
    clear = {p: float(share[p[0]:p[0] + h, p[1]:p[1] + w].mean()) for p in grid}
    eligible = ([p for p in grid if clear[p] >= VALID_SHARE] or [p for p in grid if clear[p] > 0] or grid)
    taken = spread(eligible, max(1, rule.budget // (h * w)))
    cores = tuple((r, c, h, w) for r, c in sorted(taken))
    windows = tuple((max(r - halo, 0), min(r + h + halo, rows), max(c - halo, 0), min(c + w + halo, cols))
                    for r, c, _, _ in cores)
    return Sample(cores, windows, shape)


def spread(points, n):
    """``n`` of ``points`` (raster order) by farthest-point order: the one nearest their centre first, then each
    time the one farthest from those taken (ties to the first); all of them when there are at most ``n``."""
    if len(points) <= n:
        return list(points)
    xy = np.asarray(points, dtype=np.float64)
    first = int(np.argmin(((xy - xy.mean(axis=0)) ** 2).sum(axis=1)))
    taken = [first]
    dist = ((xy - xy[first]) ** 2).sum(axis=1)
    while len(taken) < n:
        nxt = int(np.argmax(dist))
        taken.append(nxt)
        dist = np.minimum(dist, ((xy - xy[nxt]) ** 2).sum(axis=1))
    return [points[i] for i in taken]
