"""FSDAF - Flexible Spatiotemporal DAta Fusion.

Zhu, X., Helmer, E. H., Gao, F., Liu, D., Chen, J., Lefsky, M. A. (2016). A flexible
spatiotemporal method for fusing satellite images with different resolutions.
Remote Sensing of Environment 172, 165-177.  One pair (fine and coarse at t1) and
the coarse image at the target date t2, all on the fine grid (coarse resampled
onto it).  Step by step as Zhu's IDL code (FSDAF, version of 02/2019; facts and
deviations in docs/fitfc_fsdaf.md):

0. **Classes**: an unsupervised classification of F1 (Zhu: ENVI's ISODATA with
   4-6 classes).  Here one-dimensional k-means with ``classes`` classes, made
   deterministic: centres start at the quantiles (2i+1)/(2 classes) of the
   valid F1 values, Lloyd iterations until no label changes (at most 100),
   empty classes dropped, labels ordered by centre.
1. **Blocks**: the scene is cut into blocks of ``block`` x ``block`` coarse
   pixels, each extended by one coarse pixel on every side (Zhu's
   ``block_size``, 30); steps 2-6 run per extended block, its centre is kept.
2. Extreme F1 values (beyond the 0.01 and 99.99 percentiles) replaced by the
   nearest inner value; coarse pixels = blocks of ``factor`` x ``factor`` fine
   pixels; class fractions per coarse pixel (0 where it holds nodata); the
   homogeneity index of each fine pixel: the share of same-class pixels among
   the valid pixels of its (2w+1)^2 window (Zhu: of all its pixels; the same
   without nodata).
3. **Class change**: for each class its ``pure`` (100) purest coarse pixels
   (fraction > 0.01), those between the 10th and 90th percentile of the coarse
   change; the change of every class from ``fractions @ change = coarse change``
   by least squares bounded to [min - std, max + std] of the coarse change
   (Zhu's CONSTRAINED_MIN; here scipy's bounded least squares).
4. Temporal prediction ``L2_1 = F1 + change[class]``.
5. **TPS**: a thin plate spline through the coarse t2 values at the coarse
   pixel centres, evaluated at every fine pixel (Zhu's MIN_CURVE_SURF /TPS);
   fewer than three clear centres, or all on one line, fix no surface: their
   mean.
6. **Residual**: the coarse residual ``(C2 - C1) - (mean L2_1 - mean F1)``
   distributed to the fine pixels of each coarse pixel with the weight
   ``|TPS - L2_1| (sign-matched) * het + |residual| * (1 - het) + 1e-6``,
   normalised to mean 1, weights above 10 replaced by the mean; the result
   bounded to the block's range of C2 and L2_1 (and 150-400 K).
7. **Final filter**: for each fine pixel the ``similar`` (20) pixels of its
   window within ``std(F1) * 2 / classes`` of the centre (those equal to it
   always, also where F1 is constant and the threshold 0) with the smallest
   ``(|dF| / F + 1e-5) (10 + d / w)``, weights ``1 / ((1 + d / w)(1 + |dF| / F))``
   (relative differences in Kelvin); the prediction ``F1 + sum W * change``,
   or ``F1 + (C2 - C1)`` bounded to 150-400 K where it falls outside
   (core.fusion.neighbours, tiled with a halo of w: progress and cancel).

Nodata: invalid pixels (NaN in any input) never enter a class, a coarse mean,
a fraction, a regression or the filter; the output is NaN there.
"""
import numpy as np

from ..data.units import KELVIN_OFFSET, is_celsius
from ..platform.errors import LstFusionError, check_cancel
from .estarfm import _check_inputs, physical_range
from .fitfc import filter_engine
from .kernels import default_tile
from .neighbours import similar_sums
from .residual import block_mean
from .tiling import run_tiled, window_sum

DEFAULT_WINDOW = 41  # Zhu: w = 20
DEFAULT_CLASSES = 4  # Zhu's ISODATA: 4 to 6 classes
DEFAULT_SIMILAR = 20  # Zhu: num_similar_pixel
DEFAULT_PURE = 100  # Zhu: num_pure
DEFAULT_BLOCK = 30  # Zhu: block_size, in coarse pixels
KMEANS_ITERATIONS = 100


def classify(fine, valid, classes):
    """Deterministic 1-D k-means of the valid pixels: labels 1..n by ascending centre, 0 where invalid.

    A pixel's class is the number of midpoints between centres below its value (a tie to the lower class), so
    each class is a run of the sorted values: the values are sorted once, and each iteration finds the runs'
    ends by a binary search of the midpoints and labels the pixels by their rank against those ends.  The class
    means add the values in pixel order (``np.bincount``) as a search per pixel would, so the labels are those
    of that search, bit for bit (test_fsdaf)."""
    v = np.asarray(fine, dtype=np.float64)[valid]
    centres = np.unique(np.quantile(v, (2 * np.arange(classes) + 1) / (2.0 * classes)))
    order = np.argsort(v, kind="stable")
    ranked = v[order]
    rank = np.empty(v.size, np.int32 if v.size < 2**31 else np.int64)
    rank[order] = np.arange(v.size)
    del order
    labels = np.zeros(v.size, np.intp)
    ends = None
    for _ in range(KMEANS_ITERATIONS):
        # the first sorted value above each midpoint (the pixels of class c: ranks in [ends[c-1], ends[c]))
        e = np.searchsorted(ranked, 0.5 * (centres[1:] + centres[:-1]), side="right")
        if ends is not None and np.array_equal(e, ends):
            break
        ends = e
        labels[:] = 0
        for end in e:
            labels += rank >= end
        counts = np.diff(np.concatenate([[0], e, [v.size]]))
        centres = (np.bincount(labels, weights=v, minlength=centres.size)[counts > 0] / counts[counts > 0])
    out = np.zeros(np.shape(fine), dtype=np.int32)
    out[valid] = labels + 1
    return out


def despike(fine, valid, lo, hi):
    """Zhu's correction of extreme noise: values at or beyond the 0.01 / 99.99 % values (or the physical
    range) replaced by the smallest / largest value inside."""
    f = np.asarray(fine, dtype=np.float64).copy()
    v = np.sort(f[valid])
    n = v.size
    steps = np.arange(n + 1) / n
    i0, i1 = (min(np.searchsorted(steps, p, side="right") - 1, n - 1) for p in (0.0001, 0.9999))
    low, high = v[i0], v[i1]
    small = valid & ((f <= low) | (f < lo))
    large = valid & ((f >= high) | (f > hi))
    inner_lo = valid & (f > low) & (f >= lo)
    inner_hi = valid & (f < high) & (f <= hi)
    if small.any() and inner_lo.any():
        f[small] = f[inner_lo].min()
    if large.any() and inner_hi.any():
        f[large] = f[inner_hi].max()
    return f


def percentile_values(x, lo=0.1, hi=0.9):
    """Zhu's ``Value_Locate(findgen(n+1)/n, [0.1, 0.9])`` on the sorted values."""
    s = np.sort(x)
    steps = np.arange(s.size + 1) / s.size
    return tuple(s[min(np.searchsorted(steps, p, side="right") - 1, s.size - 1)] for p in (lo, hi))


def class_change(frac, change, pure, bounds):
    """Change of each class: bounded least squares over each class's purest, unchanged coarse pixels."""
    from scipy.optimize import lsq_linear

    ncls = frac.shape[0]
    xs, ys = [], []
    for c in range(ncls):
        f = frac[c]
        order = np.argsort(f, kind="stable")[::-1]  # IDL: reverse(sort(...))
        n = min(int((f > 0.01).sum()), pure)
        if n == 0:
            continue
        sel = order[:n]
        ch = change[sel]
        a, b = percentile_values(ch)
        keep = (ch >= a) & (ch <= b)
        ys.append(ch[keep])
        xs.append(frac[:, sel[keep]].T)
    lo, hi = bounds
    rate = np.full(ncls, float(np.clip(np.mean(change), lo, hi)))  # no equation for a class: the mean change
    if not ys or hi - lo <= 1e-12:
        return rate
    X, y = np.concatenate(xs), np.concatenate(ys)
    used = X.any(axis=0)
    rate[used] = lsq_linear(X[:, used], y, bounds=(np.full(used.sum(), lo), np.full(used.sum(), hi)),
                            method="bvls").x
    return rate


def spans_a_plane(points):
    """Whether the (row, col) ``points`` fix a plane: three or more, not all on one line (any direction; the
    spline's degree-1 part is undefined otherwise, and scipy refuses it with a LinAlgError)."""
    if len(points) < 3:
        return False
    centred = np.asarray(points, np.float64) - np.mean(points, axis=0)
    return np.linalg.matrix_rank(centred, tol=1e-9 * max(1.0, float(np.abs(centred).max()))) == 2


def tps(points, values, rows, cols):
    """Thin plate spline through ``values`` at ``points`` (row, col), evaluated at (rows, cols)."""
    from scipy.interpolate import RBFInterpolator

    if not spans_a_plane(points):
        return np.full(rows.shape, float(values.mean()))  # too few or collinear centres: no surface
    f = RBFInterpolator(points, values, kernel="thin_plate_spline", degree=1, smoothing=0.0)
    return f(np.column_stack([rows, cols]))


def block_pair(F1, C1, valid, L, ncls, factor, w, lo, hi):
    """The date-independent part of :func:`block_change` on one (extended) block: the despiked F1, the coarse
    means of the pair, the class fractions and labels, the homogeneity index and the coarse pixel of every valid
    fine pixel (a namespace), or None where no pixel is valid."""
    from types import SimpleNamespace

    h, wd = F1.shape
    if not valid.any():
        return None
    Fd = despike(F1, valid, lo, hi)
    bm = lambda a, v=valid: block_mean(a, factor, v)  # noqa: E731
    rr, cc = np.mgrid[0:h, 0:wd].astype(np.float64)
    rowc, colc = bm(rr, None), bm(cc, None)
    frac = np.stack([bm((L == c + 1).astype(np.float64), None) for c in range(ncls)])
    frac[:, frac.sum(axis=0) <= 0.999] = 0.0  # coarse pixels holding nodata (Zhu: background)
    C1c = bm(C1)
    cvalid = np.isfinite(C1c)
    pad = lambda a: np.pad(a, w)  # noqa: E731
    area = window_sum(pad(valid.astype(np.float64)), w)  # valid pixels of the window (Zhu: all of it)
    het = np.zeros((h, wd))
    for c in range(1, ncls + 1):
        same = valid & (L == c)
        het = np.where(same, window_sum(pad(same.astype(np.float64)), w) / np.maximum(area, 1.0), het)
    bw = C1c.shape[1]
    bid = ((rr // factor) * bw + cc // factor).astype(np.int64)[valid]
    return SimpleNamespace(valid=valid, factor=factor, Fd=Fd, F1c=bm(Fd), C1c=C1c, frac=frac, cvalid=cvalid,
                           cls=np.where(valid, L - 1, 0), hv=het[valid], bid=bid,
                           nb=np.bincount(bid, minlength=C1c.size), points=np.column_stack([rowc[cvalid], colc[cvalid]]),
                           at=(rr[valid], cc[valid]))


def block_date(b, C0, pure, lo, hi, surface=None):
    """The change of every fine pixel of one block (0 where invalid) at the date whose block is ``C0``, from the
    block's pair part ``b`` (:func:`block_pair` of the same valid pixels); ``surface(values)``: the thin plate
    spline through ``values`` at the clear coarse centres, at the valid fine pixels (default :func:`tps`)."""
    out = np.zeros(b.valid.shape)
    valid = b.valid
    bm = lambda a: block_mean(a, b.factor, valid)  # noqa: E731
    C0c = bm(C0)
    dC = (C0c - b.C1c)[b.cvalid]
    sd = float(np.std(dC, ddof=1)) if dC.size > 1 else 0.0
    rate = class_change(b.frac[:, b.cvalid], dC, pure, (dC.min() - sd, dC.max() + sd))
    L2_1 = b.Fd + rate[b.cls]
    values = C0c[b.cvalid]
    L2_tps = surface(values) if surface else tps(b.points, values, *b.at)
    resid = (C0c - b.C1c) - (bm(L2_1) - b.F1c)
    bid, nb = b.bid, b.nb
    gmean = lambda a: (np.bincount(bid, weights=a, minlength=resid.size) / np.maximum(nb, 1))[bid]  # noqa: E731
    diff = resid.ravel()[bid]
    wt = L2_tps - L2_1[valid]
    wt = np.abs(np.where(diff <= 0, np.minimum(wt, 0.0), np.maximum(wt, 0.0)))
    hv = b.hv
    wc = wt * hv + np.abs(diff) * (1.0 - hv) + 0.000001
    wc = wc / gmean(wc)
    wc = np.where(wc > 10, gmean(wc), wc)
    wc = wc / gmean(wc)
    fine2 = L2_1[valid] + wc * diff
    amin = max(min(C0[valid].min(), L2_1[valid].min()), lo)
    amax = min(max(C0[valid].max(), L2_1[valid].max()), hi)
    out[valid] = np.clip(fine2, amin, amax) - b.Fd[valid]
    return out


def block_change(F1, C1, C0, valid, L, ncls, factor, w, pure, lo, hi):
    """Steps 2-6 on one (extended) block: change_21, the change of every fine pixel (0 where invalid)."""
    b = block_pair(F1, C1, valid, L, ncls, factor, w, lo, hi)
    return np.zeros(F1.shape) if b is None else block_date(b, C0, pure, lo, hi)


def blocks_of(shape, factor, block):
    """Zhu's blocks: (extended slice, kept slice inside it, target slice) for each block."""
    h, wd = shape
    step = block * factor
    for r0 in range(0, h, step):
        for c0 in range(0, wd, step):
            r1, c1 = min(r0 + step, h), min(c0 + step, wd)
            er0, ec0 = max(0, r0 - factor), max(0, c0 - factor)
            er1, ec1 = min(h, r1 + factor), min(wd, c1 + factor)
            yield ((slice(er0, er1), slice(ec0, ec1)), (slice(r0 - er0, r1 - er0), slice(c0 - ec0, c1 - ec0)),
                   (slice(r0, r1), slice(c0, c1)))


def filter_selection(cG, w, threshold, koff):
    """The similar-pixel selection of the final filter (core.fusion.neighbours' arguments after G and k) for
    the centres ``cG`` (F1 there)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = 1.0 / (cG + koff + 0.00000001)
    return dict(rel=np.where(np.isfinite(rel), rel, 0.0), threshold=threshold, w=w, rank_dist=lambda d: 10.0 + d / w,
                eps=0.00001, weight_dist=lambda d: 1.0 + d / w, weight_rel=True)


def filter_result(cG, sw, sv, dC, lo, hi):
    """The final prediction from the filter's sums: F1 + the weighted change, or F1 + (C2 - C1) (``dC``) bounded
    to the physical range where it falls outside; NaN where the centre is invalid."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = cG + sv / sw
        bad = (out < lo) | (out > hi)
        out = np.where(bad, np.clip(cG + dC, lo, hi), out)
    out[~np.isfinite(cG)] = np.nan
    return out


def _filter_kernel(w, similar, threshold, koff, lo, hi, engine):
    def kernel(blocks):
        G, V, dC = blocks
        hh, ww = G.shape
        th, tw = hh - 2 * w, ww - 2 * w
        cs = (slice(w, w + th), slice(w, w + tw))
        cG = G[cs]
        sel = filter_selection(cG, w, threshold, koff)
        sw, sv = similar_sums(engine, G, np.where(np.isfinite(V), V, 0.0), sel.pop("rel"), sel.pop("threshold"),
                              similar, sel.pop("w"), **sel)
        return filter_result(cG, sw, sv, dC[cs], lo, hi)

    return kernel


def scene(F1, valid, classes, class_map=None):
    """What the whole scene shares: (labels, number of classes, the filter's similarity threshold, celsius, lo,
    hi, koff)."""
    celsius = is_celsius(F1)
    lo, hi = physical_range(celsius)
    koff = KELVIN_OFFSET if celsius else 0.0
    L = classify(F1, valid, classes) if class_map is None else np.where(valid, np.asarray(class_map, int), 0)
    ncls = int(L.max())
    # Zhu's |dF| < std * 2 / classes; a constant F1 makes it 0, and a pixel equal to the centre (the centre
    # included) is always similar: the smallest positive threshold keeps exactly those
    threshold = max(float(np.std(F1[valid], ddof=1)) * 2.0 / ncls, np.finfo(np.float64).tiny)
    return L, ncls, threshold, celsius, lo, hi, koff


def fsdaf(fine1, coarse1, coarse0, factor, window=DEFAULT_WINDOW, classes=DEFAULT_CLASSES, similar=DEFAULT_SIMILAR,
          pure=DEFAULT_PURE, block=DEFAULT_BLOCK, class_map=None, tile=None, progress=None, cancel=None, workers=None,
          engine="auto"):
    """Predict the fine image at the target date from one pair (same unit as the inputs).

    ``factor``: the coarse pixel in fine pixels; ``window``: odd side of the homogeneity and filter window
    (2w+1, Zhu's w = 20); ``classes``: k-means classes of F1 (or ``class_map``, labels 1..n, 0 = none);
    ``similar``: similar pixels of the final filter; ``pure``: purest coarse pixels per class; ``block``:
    block edge in coarse pixels; ``engine``: as for Fit-FC (:func:`core.fusion.fitfc.filter_engine`).
    """
    named = {"FINE_REF1": fine1, "COARSE_REF1": coarse1, "COARSE_TARGET": coarse0}
    _check_inputs(named, window)
    if int(factor) != factor or factor < 1:
        raise LstFusionError("COARSE_PIXEL", f"the MODIS pixel must be a whole number >= 1 of fine pixels, not {factor}")
    if classes < 1:
        raise LstFusionError("CLASSES", "the number of classes must be at least 1")
    if similar < 1:
        raise LstFusionError("SIMILAR_PIXELS", f"the number of similar pixels must be at least 1, not {similar}")
    if pure < 1:
        raise LstFusionError("PURE_PIXELS", f"the number of pure coarse pixels must be at least 1, not {pure}")
    factor = int(factor)
    F1, C1, C0 = (np.asarray(a, dtype=np.float64) for a in named.values())
    valid = np.isfinite(F1) & np.isfinite(C1) & np.isfinite(C0)
    if valid.sum() < 2:
        raise LstFusionError("FINE_REF1", "fewer than 2 pixels are valid in all three inputs; check that they overlap")
    engine = filter_engine(engine)
    w = window // 2
    L, ncls, threshold, celsius, lo, hi, koff = scene(F1, valid, classes, class_map)
    change = np.zeros(F1.shape)
    todo = list(blocks_of(F1.shape, factor, block))
    for n, (ext, keep, target) in enumerate(todo):  # steps 2-6: progress 0-20 %
        check_cancel(cancel)
        sub = lambda a: a[ext]  # noqa: E731
        try:
            ch = block_change(sub(F1), sub(C1), sub(C0), sub(valid), sub(L), ncls, factor, w, pure, lo, hi)
        except np.linalg.LinAlgError as exc:  # a safety net: the known degenerate cases have their own rule
            raise LstFusionError("COARSE_TARGET", "FSDAF cannot fit its class changes and thin plate spline to the "
                                 f"MODIS pixels clear in block {n + 1} of {len(todo)} ({exc}); use a date with more "
                                 "clear MODIS pixels") from None
        change[target] = ch[keep]
        if progress:
            progress(20.0 * (n + 1) / len(todo))
    G = np.where(valid, F1, np.nan)
    kernel = _filter_kernel(w, int(similar), threshold, koff, lo, hi, engine)
    return run_tiled(kernel, [G, change, np.where(valid, C0 - C1, 0.0)], w, tile=tile or default_tile(engine),
                     progress=(lambda p: progress(20.0 + 0.8 * p)) if progress else None, cancel=cancel,
                     workers=workers)


# ---------------------------------------------------------------- series (core.fusion.methods' contract)

def pair_statistics(stats, params):
    """What every tile of one pair shares: nothing yet (each tile is its own FSDAF scene, see :func:`fuse_tile`)."""
    return {}


def fuse_tile(blocks, halo, params):
    """One tile of a series: FSDAF on the halo'd blocks (F1, C1, C0; NaN outside the image), the centre kept.

    ``params``: WINDOW, CLASSES, SIMILAR_PIXELS, PURE_PIXELS, FACTOR (the MODIS pixel in fine pixels) and ENGINE.
    The tile plus halo is FSDAF's scene: its classes, class changes and thin plate spline are the tile's (Zhu's
    code fits them per block of 30 coarse pixels in the same way); equal to the whole-image run when the tile
    and halo cover the image.
    """
    F1, C1, C0 = (np.asarray(b, dtype=np.float64) for b in blocks)
    valid = np.isfinite(F1) & np.isfinite(C1) & np.isfinite(C0)
    out = np.full(F1.shape, np.nan, dtype=np.float32)
    if valid.sum() >= 2:
        out = fsdaf(F1, C1, C0, params["FACTOR"], window=params["WINDOW"], classes=params["CLASSES"],
                    similar=params["SIMILAR_PIXELS"], pure=params["PURE_PIXELS"], engine=params.get("ENGINE", "auto"),
                    workers=1)
    h, w = out.shape
    return out[halo:h - halo, halo:w - halo]


def fuse_date(images, params, factor, progress=None, cancel=None):
    """The one-date Toolbox algorithm's run (core.fusion.methods.OneDate): ``images`` by role, ``params`` by
    Processing name, ``factor`` the MODIS pixel in fine pixels."""
    return fsdaf(images["fine_ref1"], images["coarse_ref1"], images["coarse_target"], factor, window=params["WINDOW"],
                 classes=params["CLASSES"], similar=params["SIMILAR_PIXELS"], pure=params["PURE_PIXELS"],
                 progress=progress, cancel=cancel, engine=params["ENGINE"])
