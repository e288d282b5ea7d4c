"""Co-registration of MODIS to Landsat: MODIS's shift, estimated jointly over the
reference pairs, applied to every MODIS raster of a series (docs/coregistration.md).

MODIS and Landsat LST are often not co-registered to better than a MODIS pixel
(Earth Engine exports of the Ranchi series: MODIS's pattern sits about 0.8 km
east of Landsat's).  A fusion method then adds the right Landsat detail at the
wrong place, and every comparison with ``MODIS resampled`` is unfair to it.

Estimation (all on the Landsat grid, MODIS resampled onto it):

* **PSF-aware aggregation.**  Landsat is convolved with a Gaussian point spread
  function of FWHM one MODIS pixel (sigma = FWHM / 2.3548), the usual
  approximation of MODIS's triangular along-scan x rectangular across-scan
  response; NaN pixels are skipped by normalised convolution (a value is kept
  where at least half of the PSF weight is valid).
* **Correlation over shifts.**  Pearson r between the aggregated Landsat and
  MODIS shifted by (dx, dy) fine pixels, averaged over the pairs weighted by
  their valid pixel counts (the joint surface; each pair also gets its own).
  The joint r reported (before, after) is that mean over the pairs used.
  First over a grid of shifts every ``step`` = footprint / 8 fine pixels up to
  ``max_shift`` (1.5 MODIS pixels by default), the images sampled every
  ``step`` pixels; then over every integer fine shift within one step of that
  peak, at full resolution; then a parabola through the peak and its two
  neighbours along each axis gives the sub-pixel shift.
  Every r of a pair is computed on the same pixels: those where MODIS is
  valid under every shift searched (unless that leaves under a tenth of them).
* **Joint shift.**  A pair whose own maximum lies on the search radius has no
  maximum (a flat or drifting surface, e.g. a day without LST contrast) and
  does not enter the joint surface; the report lists it.
* **Significance.**  The shift is applied only when the joint r gains at least
  :data:`MIN_GAIN` (0.01) or its unexplained variance 1 - r^2 falls by at least
  :data:`MIN_RESIDUAL_DROP` (10 %; r near 1 on smooth scenes gains little in r),
  *and* the gain is positive in at least 95 % of
  :data:`BOOTSTRAP` block-bootstrap resamples: the scene is cut into 4 x 4
  blocks, blocks are drawn with replacement (the same blocks for every pair),
  and the pooled r at the shift and at no shift are recomputed from the blocks'
  sums.  Otherwise nothing is applied and the report says why.

Convention: ``dx``, ``dy`` are in fine pixels (columns, rows) and say where
MODIS's pattern sits relative to Landsat's: MODIS at (col + dx, row + dy) shows
what Landsat shows at (col, row).  ``shift_x_m``/``shift_y_m`` are the same in
map units (east, north).  Applying it resamples MODIS onto the Landsat grid
translated by (dx, dy) pixels and stores the result on the Landsat grid, one
resampling from the original MODIS raster (:func:`shifted_grid`).
"""
from dataclasses import dataclass, field

import numpy as np

from ..platform.errors import LstFusionError

MIN_GAIN = 0.01  # joint r must rise by at least this much ...
MIN_RESIDUAL_DROP = 0.10  # ... or its unexplained variance 1 - r^2 fall by at least this fraction
BOOTSTRAP = 400  # block-bootstrap resamples
BOOT_BLOCKS = 4  # blocks per axis for the bootstrap
CONFIDENCE = 0.95  # fraction of resamples in which the gain must be positive
MAX_SHIFT_COARSE = 1.5  # default search radius, in MODIS pixels
# the largest search radius, in MODIS pixels: MODIS's geolocation is good to a fraction of a pixel and exports seen
# so far are off by about one (Ranchi: 0.9 km), so 5 km is no misregistration but a wrong CRS or grid (fix that
# first); the search time grows with the radius squared (60 on Ranchi ran past 150 s, 5 takes seconds)
MAX_SHIFT_CAP = 5.0
# ... and at most this fraction of the Landsat image's shorter side: MODIS shifted further overlaps Landsat on less
# than two thirds of that side, and the correlation rests on an ever narrower strip (Ranchi, 6.9 km across: radii
# 1.5 to 2.5 find 0.77-0.87 km east, 0.35-0.40 km south; 3.4 finds 1.11 km east, 0.01 km north, 5 1.07 and 0.19)
MAX_SHIFT_FRACTION = 1.0 / 3.0
MIN_TEXTURE = 1e-3  # K or degC: a raster whose standard deviation is below this has no pattern to register on
METRES_PER_DEGREE = 111320.0  # of latitude, and x cos(latitude) of longitude, as resample.footprint_pixels
FWHM_TO_SIGMA = 1.0 / (2.0 * np.sqrt(2.0 * np.log(2.0)))


@dataclass
class Shift:
    """The result of :func:`estimate_shift` (pixels of the fine grid; metres with :meth:`in_metres`)."""

    dx: float
    dy: float
    r_before: float
    r_after: float
    applied: bool
    reason: str
    confidence: float
    per_pair: list = field(default_factory=list)  # dicts: label, dx, dy, r_before, r_after, r_joint, n, used
    pixel: tuple = (1.0, 1.0)  # (a, e) of the fine grid transform, for metres

    @property
    def gain(self):
        return self.r_after - self.r_before

    def metres(self, dx, dy):
        return float(dx * self.pixel[0]), float(dy * self.pixel[1])

    @property
    def shift_x_m(self):
        return self.metres(self.dx, self.dy)[0]

    @property
    def shift_y_m(self):
        return self.metres(self.dx, self.dy)[1]

    def applied_shift(self):
        """(dx, dy) to apply: the shift when significant, else (0, 0)."""
        return (self.dx, self.dy) if self.applied else (0.0, 0.0)

    def describe(self):
        """Sentences for the log: per pair, jointly, and whether it was applied."""
        out = []
        for p in self.per_pair:
            if p.get("reason"):
                out.append(f"co-registration {p['label']}: not used for the joint shift: {p['reason']}")
                continue
            x, y = self.metres(p["dx"], p["dy"])
            out.append(f"co-registration {p['label']}: MODIS shift {p['dx']:+.1f}, {p['dy']:+.1f} px "
                       f"({x:+.0f} m east, {y:+.0f} m north); r {p['r_before']:.3f} -> {p['r_after']:.3f} at its own "
                       f"shift, {p['r_joint']:.3f} at the joint shift"
                       + ("" if p.get("used", True) else "; its maximum lies on the search radius: "
                          "not used for the joint shift"))
        verdict = "applied to every MODIS raster" if self.applied else f"NOT applied: {self.reason}"
        n_used = sum(p.get("used", True) for p in self.per_pair)
        out.append(f"co-registration, joint over {n_used} pair(s): MODIS shift {self.dx:+.1f}, "
                   f"{self.dy:+.1f} px ({self.shift_x_m:+.0f} m east, {self.shift_y_m:+.0f} m north); r "
                   f"{self.r_before:.3f} -> {self.r_after:.3f} (gain {self.gain:+.3f}, positive in "
                   f"{100 * self.confidence:.0f} % of {BOOTSTRAP} block-bootstrap resamples); {verdict}")
        return out

    def rows(self):
        """Table rows (per pair, then ``joint``) for a CSV report."""
        rows = []
        for p in self.per_pair + [dict(label="joint", dx=self.dx, dy=self.dy, r_before=self.r_before,
                                       r_after=self.r_after, r_joint=self.r_after, n="", used="")]:
            x, y = self.metres(p["dx"], p["dy"])
            rows.append({"pair": p["label"], "dx_px": round(p["dx"], 2), "dy_px": round(p["dy"], 2),
                         "shift_east_m": round(x, 1), "shift_north_m": round(y, 1),
                         "r_before": round(p["r_before"], 4), "r_after": round(p["r_after"], 4),
                         "r_at_joint_shift": round(p["r_joint"], 4), "used_for_joint": p["used"],
                         "applied": (self.applied if p["label"] == "joint" else "")})
        return rows


def residual_drop(r0, r1):
    """The fraction by which the unexplained variance 1 - r^2 falls from r0 to r1."""
    before = 1.0 - r0 * r0
    return float((before - (1.0 - r1 * r1)) / before) if before > 0 else 0.0


def psf_sigma(block):
    """Gaussian sigma (fine pixels) of a PSF with FWHM one MODIS pixel of ``block`` fine pixels."""
    return float(block) * FWHM_TO_SIGMA


def psf_aggregate(fine, block):
    """``fine`` convolved with the MODIS PSF (Gaussian, FWHM ``block`` px), NaN-aware."""
    from scipy.ndimage import gaussian_filter

    fine = np.asarray(fine, np.float64)
    valid = np.isfinite(fine)
    sigma = psf_sigma(block)
    num = gaussian_filter(np.where(valid, fine, 0.0), sigma, mode="constant", truncate=3.0)
    den = gaussian_filter(valid.astype(np.float64), sigma, mode="constant", truncate=3.0)
    inside = gaussian_filter(np.ones_like(den), sigma, mode="constant", truncate=3.0)  # the image edge is no gap
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    out[den < 0.5 * inside] = np.nan
    return out


def _window(coarse, pad, dy, dx, shape, step=1):
    h, w = shape
    return coarse[pad + dy:pad + dy + h:step, pad + dx:pad + dx + w:step]


def _sums(a, b):
    """(n, Sa, Sb, Saa, Sbb, Sab) over pixels where both are finite."""
    ok = np.isfinite(a) & np.isfinite(b)
    x, y = a[ok], b[ok]
    return np.array([x.size, x.sum(), y.sum(), (x * x).sum(), (y * y).sum(), (x * y).sum()], np.float64)


def _r(s):
    n, sa, sb, saa, sbb, sab = s[..., 0], s[..., 1], s[..., 2], s[..., 3], s[..., 4], s[..., 5]
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sab - sa * sb / n
        va, vb = saa - sa * sa / n, sbb - sb * sb / n
        r = cov / np.sqrt(va * vb)
    return np.where((n > 2) & (va > 0) & (vb > 0), r, np.nan)


def _corr(agg, coarse, pad, dy, dx, step=1):
    s = _sums(agg[::step, ::step], _window(coarse, pad, dy, dx, agg.shape, step))
    return float(_r(s)), s[0]


def _parabola(rm, r0, rp):
    den = rm - 2.0 * r0 + rp
    if not np.all(np.isfinite([rm, r0, rp])) or den >= 0:
        return 0.0
    return float(np.clip(0.5 * (rm - rp) / den, -0.5, 0.5))


def _surface(aggs, coarses, pad, shifts, step):
    """r per pair and pixel-count-weighted mean r for each shift in ``shifts``."""
    per = np.full((len(aggs), len(shifts)), np.nan)
    ns = np.zeros((len(aggs), len(shifts)))
    for i, (agg, c) in enumerate(zip(aggs, coarses)):
        for j, (dy, dx) in enumerate(shifts):
            per[i, j], ns[i, j] = _corr(agg, c, pad, dy, dx, step)
    w = np.where(np.isfinite(per), ns, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        joint = np.nansum(np.nan_to_num(per) * w, axis=0) / w.sum(axis=0)
    joint[w.sum(axis=0) == 0] = np.nan
    return per, joint


def _peak(aggs, coarses, pad, max_shift, block, pair=None):
    """Integer then sub-pixel peak of the (joint or one pair's) correlation surface."""
    sel = range(len(aggs)) if pair is None else [pair]
    a, c = [aggs[i] for i in sel], [coarses[i] for i in sel]
    step = max(1, int(round(block / 8.0)))
    rng = np.arange(-(max_shift // step) * step, max_shift + 1, step)
    shifts = [(int(dy), int(dx)) for dy in rng for dx in rng]
    _, joint = _surface(a, c, pad, shifts, step)
    if not np.isfinite(joint).any():
        raise LstFusionError("MODIS", "no overlap of valid MODIS and Landsat pixels to co-register on")
    by, bx = shifts[int(np.nanargmax(joint))]
    fine = [(dy, dx) for dy in range(by - step, by + step + 1) for dx in range(bx - step, bx + step + 1)
            if abs(dy) <= max_shift and abs(dx) <= max_shift]
    _, joint = _surface(a, c, pad, fine, 1)
    by, bx = fine[int(np.nanargmax(joint))]
    r = dict(zip(fine, joint))

    def at(dy, dx):
        if (dy, dx) not in r:
            if abs(dy) > max_shift or abs(dx) > max_shift:
                return np.nan
            r[(dy, dx)] = _surface(a, c, pad, [(dy, dx)], 1)[1][0]
        return r[(dy, dx)]

    fx = _parabola(at(by, bx - 1), at(by, bx), at(by, bx + 1))
    fy = _parabola(at(by - 1, bx), at(by, bx), at(by + 1, bx))
    return bx + fx, by + fy, float(at(by, bx))


def _block_sums(agg, coarse, pad, dy, dx, nb):
    h, w = agg.shape
    win = _window(coarse, pad, dy, dx, agg.shape)
    ys = np.linspace(0, h, nb + 1).astype(int)
    xs = np.linspace(0, w, nb + 1).astype(int)
    return np.array([_sums(agg[ys[i]:ys[i + 1], xs[j]:xs[j + 1]], win[ys[i]:ys[i + 1], xs[j]:xs[j + 1]])
                     for i in range(nb) for j in range(nb)])


def _bootstrap(aggs, coarses, pad, dy, dx, seed=0):
    """Fraction of block-bootstrap resamples in which the joint r at (dy, dx) beats r at (0, 0)."""
    b0 = [_block_sums(a, c, pad, 0, 0, BOOT_BLOCKS) for a, c in zip(aggs, coarses)]
    b1 = [_block_sums(a, c, pad, dy, dx, BOOT_BLOCKS) for a, c in zip(aggs, coarses)]
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, BOOT_BLOCKS ** 2, size=(BOOTSTRAP, BOOT_BLOCKS ** 2))

    def joint(blocks):
        s = np.stack([b[idx].sum(axis=1) for b in blocks])  # pairs x resamples x 6
        r = _r(s)
        w = np.where(np.isfinite(r), s[..., 0], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nansum(np.nan_to_num(r) * w, axis=0) / w.sum(axis=0)

    gain = joint(b1) - joint(b0)
    return float(np.mean(np.nan_to_num(gain, nan=-1.0) > 0))


def _common(agg, coarse, pad, max_shift):
    """``agg`` kept only where MODIS is valid under every shift searched, so that every r of the surface
    is computed on the same pixels (else r can rise at large shifts by losing pixels alone); unchanged
    when that leaves under a tenth of the valid pixels."""
    from scipy.ndimage import minimum_filter

    h, w = agg.shape
    ok = minimum_filter(np.isfinite(coarse).astype(np.uint8), size=2 * max_shift + 1, mode="constant", cval=0)
    ok = ok[pad:pad + h, pad:pad + w].astype(bool) & np.isfinite(agg)
    if ok.sum() < 0.1 * np.isfinite(agg).sum():
        return agg
    return np.where(ok, agg, np.nan)


def estimate_shift(fines, coarses, block, pad=0, max_shift=None, labels=None, pixel=(1.0, 1.0)):
    """MODIS's shift relative to Landsat, per pair and jointly (a :class:`Shift`).

    ``fines``: Landsat arrays on the fine grid; ``coarses``: MODIS resampled
    onto the same grid enlarged by ``pad`` pixels on every side (``pad=0``: the
    same grid; the shifted part outside is then missing); ``block``: the MODIS
    footprint in fine pixels; ``max_shift``: search radius in fine pixels
    (default 1.5 footprints); ``pixel``: the grid's (a, e), to report metres.
    """
    if not fines or len(fines) != len(coarses):
        raise LstFusionError("LANDSAT", "co-registration needs at least one same-day MODIS/Landsat pair")
    max_shift = int(round(MAX_SHIFT_COARSE * block)) if max_shift is None else int(max_shift)
    fines = [np.asarray(f, np.float64) for f in fines]
    coarses = [np.asarray(c, np.float64) for c in coarses]
    for f, c in zip(fines, coarses):
        if c.shape != (f.shape[0] + 2 * pad, f.shape[1] + 2 * pad):
            raise LstFusionError("MODIS", f"MODIS array {c.shape} is not the Landsat grid {f.shape} padded by {pad}")
    if pad < max_shift:  # missing outside: NaN
        extra = max_shift - pad
        coarses = [np.pad(c, extra, constant_values=np.nan) for c in coarses]
        pad = max_shift
    aggs = [_common(psf_aggregate(f, block), c, pad, max_shift) for f, c in zip(fines, coarses)]
    labels = list(labels) if labels else [f"pair {i + 1}" for i in range(len(fines))]
    per_pair, problems = [], []
    for i, lab in enumerate(labels):
        n = int(np.isfinite(aggs[i]).sum())
        why = texture_problem(aggs[i], coarses[i])
        if not why:
            try:
                pdx, pdy, pr = _peak(aggs, coarses, pad, max_shift, block, pair=i)
            except LstFusionError as exc:  # no overlap of valid pixels under any shift
                why = (exc.parameter, exc.message, None)
        if why:
            problems.append((str(lab), *why))
            per_pair.append(dict(label=str(lab), dx=0.0, dy=0.0, r_after=float("nan"), used=False, n=n,
                                 reason=why[1]))
            continue
        inside = max(abs(pdx), abs(pdy)) < max_shift - 0.5
        per_pair.append(dict(label=str(lab), dx=pdx, dy=pdy, r_after=pr, used=inside, n=n))
    if len(problems) == len(per_pair):  # not one pair to register on: one sentence saying why
        raise LstFusionError(problems[0][1], no_pair_message(problems))
    used = [i for i, p in enumerate(per_pair) if p["used"]]
    if not used:
        dx = dy = 0.0
    else:
        dx, dy, _ = _peak([aggs[i] for i in used], [coarses[i] for i in used], pad, max_shift, block)
    ix, iy = int(round(dx)), int(round(dy))
    sel_a, sel_c = [aggs[i] for i in used], [coarses[i] for i in used]
    per_r0, _ = _surface(aggs, coarses, pad, [(0, 0)], 1)
    per_rj, _ = _surface(aggs, coarses, pad, [(iy, ix)], 1)
    for i, p in enumerate(per_pair):
        p.update(r_before=float(per_r0[i, 0]), r_joint=float(per_rj[i, 0]))
    if used:
        r0 = float(_surface(sel_a, sel_c, pad, [(0, 0)], 1)[1][0])
        r1 = float(_surface(sel_a, sel_c, pad, [(iy, ix)], 1)[1][0])
    else:
        r0 = r1 = float(_surface(aggs, coarses, pad, [(0, 0)], 1)[1][0])
    conf = _bootstrap(sel_a, sel_c, pad, iy, ix) if used and (ix, iy) != (0, 0) else 0.0
    if not used:
        applied, reason = False, (f"no pair has its correlation maximum inside the search radius of {max_shift} px "
                                  "(no shift found)")
    elif max(abs(dx), abs(dy)) >= max_shift - 0.5:
        applied, reason = False, f"the joint maximum lies on the search radius of {max_shift} px (no shift found)"
    elif (ix, iy) == (0, 0):
        applied, reason = False, "the best shift is under half a Landsat pixel"
    elif not (r1 - r0 >= MIN_GAIN or residual_drop(r0, r1) >= MIN_RESIDUAL_DROP):
        applied, reason = False, (f"the correlation gain {r1 - r0:+.3f} is below {MIN_GAIN} and the unexplained "
                                  f"variance falls by {100 * residual_drop(r0, r1):.0f} % only (at least "
                                  f"{100 * MIN_RESIDUAL_DROP:.0f} % needed)")
    elif conf < CONFIDENCE:
        applied, reason = False, (f"the gain is positive in only {100 * conf:.0f} % of the block-bootstrap "
                                  f"resamples (at least {100 * CONFIDENCE:.0f} % needed)")
    else:
        applied, reason = True, ""
    return Shift(float(dx), float(dy), r0, r1, applied, reason, conf, per_pair, (float(pixel[0]), float(pixel[1])))


NO_TEXTURE = ("no texture to register on: the {name} LST is uniform ({values}), and co-registration matches the "
              "spatial pattern of MODIS with Landsat's")
SENSOR = {"LANDSAT": "Landsat", "MODIS": "MODIS"}


def texture_problem(agg, coarse):
    """``(parameter, reason, value)`` when a pair has no pattern to register on (its aggregated Landsat or its
    MODIS varies by less than :data:`MIN_TEXTURE`; ``value``: its mean), else ''."""
    for parameter, values in (("LANDSAT", agg), ("MODIS", coarse)):
        v = values[np.isfinite(values)]
        if v.size and float(v.std()) < MIN_TEXTURE:
            mean = float(v.mean())
            return parameter, NO_TEXTURE.format(name=SENSOR[parameter], values=f"{mean:.6g} everywhere"), mean
    return ""


def no_pair_message(problems):
    """The sentence when no pair can be registered: ``problems`` [(label, parameter, reason, uniform value or
    None)]; rasters of one sensor uniform on every pair are said once."""
    first = problems[0][1]
    if all(p == first and v is not None for _, p, _, v in problems):
        values = ", ".join(f"{lab}: {v:.6g}" for lab, _, _, v in problems)
        return NO_TEXTURE.format(name=SENSOR[first], values=f"on every pair: {values}")
    return "; ".join(f"{lab}: {reason}" for lab, _, reason, _ in problems)


def pixel_metres(grid):
    """The grid's pixel (a, e) in metres, east and north: a geographic CRS's degrees converted at the grid's
    centre latitude (:data:`METRES_PER_DEGREE`), a projected CRS's unit by its factor (feet, ...)."""
    from rasterio.crs import CRS

    a, e = float(grid.transform.a), float(grid.transform.e)
    if grid.crs is None:
        return a, e
    crs = CRS.from_user_input(grid.crs)
    if crs.is_geographic:
        lat = 0.5 * (grid.bounds[1] + grid.bounds[3])
        return a * METRES_PER_DEGREE * max(np.cos(np.radians(lat)), 1e-6), e * METRES_PER_DEGREE
    try:
        factor = float(crs.linear_units_factor[1])
    except Exception:  # noqa: BLE001 - a CRS without a linear unit: its unit is taken as metres
        factor = 1.0
    return a * factor, e * factor


def check_max_shift(value, grid, block, parameter="MAX_SHIFT"):
    """A search radius of ``value`` MODIS pixels (``block`` fine pixels each) on ``grid``: at most
    :data:`MAX_SHIFT_CAP`, and at most :data:`MAX_SHIFT_FRACTION` of the image's shorter side; else one
    sentence naming ``parameter``."""
    side = min(grid.width, grid.height) / float(block)
    if value > MAX_SHIFT_CAP:
        raise LstFusionError(parameter, f"{value:g} MODIS pixels is beyond the largest search radius, "
                             f"{MAX_SHIFT_CAP:g}: MODIS and Landsat that far apart are not misregistered but on a "
                             "wrong CRS or grid, to be fixed first (a radius that large would also run for minutes)")
    if value > MAX_SHIFT_FRACTION * side:
        raise LstFusionError(parameter, f"{value:g} MODIS pixels is more than this image allows: at most "
                             f"{MAX_SHIFT_FRACTION * side:.2f}, a third of the Landsat image's shorter side "
                             f"({side:.2f} MODIS pixels), so that MODIS shifted that far still overlaps two thirds "
                             "of it")
    return value


def coarse_pixel_m(grid):
    """A MODIS grid's pixel edge in metres (degrees converted at the grid's centre latitude)."""
    from rasterio.crs import CRS

    px = float(grid.pixel_size[0])
    if grid.crs is not None and CRS.from_user_input(grid.crs).is_geographic:
        lat = 0.5 * (grid.bounds[1] + grid.bounds[3])
        px *= 111320.0 * max(np.cos(np.radians(lat)), 1e-6)
    return px


def padded_grid(grid, pad):
    """``grid`` enlarged by ``pad`` pixels on every side."""
    from affine import Affine

    from .io import Grid

    return Grid(grid.crs, grid.transform * Affine.translation(-pad, -pad), grid.width + 2 * pad,
                grid.height + 2 * pad)


def shifted_grid(grid, dx, dy):
    """``grid`` translated by (dx, dy) of its pixels: MODIS resampled onto it and stored on ``grid``
    is MODIS co-registered (its pattern moved by (-dx, -dy))."""
    from affine import Affine

    from .io import Grid

    return Grid(grid.crs, grid.transform * Affine.translation(dx, dy), grid.width, grid.height)
