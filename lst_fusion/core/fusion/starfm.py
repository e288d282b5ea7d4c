"""STARFM - Spatial and Temporal Adaptive Reflectance Fusion Model.

Gao, F., Masek, J., Schwaller, M., Hall, F. (2006). On the blending of the
Landsat and MODIS surface reflectance: predicting daily Landsat surface
reflectance. IEEE TGRS 44(8), 2207-2218.  Defaults as in starfm4py (window 31,
4 classes, spatial factor A = 150).

For each pair k (one or two) and each neighbour in the window:

* spectral distance ``S = |F_k - C_k|``, temporal distance ``T = |C_k - C0|``,
  spatial distance ``D = 1 + d / A`` (d in pixels);
* candidate if its fine value is within ``std(F_k) * 2 / classes`` of the
  centre's (global std) and it passes Gao's sample filter
  ``S < max_k S_centre + sqrt(2) sigma`` and ``T < max_k T_centre + sqrt(2) sigma``
  with ``sigma`` the sensor uncertainty (degrees; 0.03 of reflectance in
  starfm4py, default 0.5 K here for LST);
* combined distance ``C = (S + sigma) (T + sigma) D`` (sigma instead of Gao's
  tiny constant keeps differences below the sensor noise from dominating),
  weight ``W = (1/C) / sum(1/C)`` over candidates of all pairs;
* prediction ``sum W (F_k + C0 - C_k)``.

Gao's special cases: where the centre's coarse value has not changed
(``T = 0`` for a pair) the fine value of that pair is returned; else where the
centre is pure (``S = 0``) the coarse target value is returned.

Nodata as in ESTARFM: invalid pixels are never candidates, the output is NaN
where the centre is invalid in any input.  The window sums run in core.fusion.kernels
(numba when installed, else NumPy); tiled and untiled are bit-identical.
"""
import numpy as np

from ..data.units import is_celsius_mean
from ..platform.errors import LstFusionError
from .estarfm import _check_inputs, class_threshold
from .kernels import default_tile, resolve_engine, starfm_sums
from .tiling import run_tiled

DEFAULT_WINDOW = 31
DEFAULT_CLASSES = 4
DEFAULT_SPATIAL_FACTOR = 150.0
DEFAULT_UNCERTAINTY = 0.5
QUANTITIES = ("lst", "reflectance")  # what it fuses: its weights are relative, in any unit


def make_kernel(w, ths, sigma=DEFAULT_UNCERTAINTY, A=DEFAULT_SPATIAL_FACTOR, npairs=1, engine="numpy"):
    """``kernel(blocks)``: STARFM on one tile ``(F1, C1[, F2, C2], C0)`` with a halo of ``w`` px, returning the
    tile without its halo; ``ths``: the candidate threshold of each pair's fine image (whole-image std)."""
    s2 = np.sqrt(2.0) * sigma

    def kernel(blocks):
        C0 = blocks[-1]
        pairs = [(blocks[2 * k], blocks[2 * k + 1]) for k in range(npairs)]
        hh, ww = C0.shape
        th, tw = hh - 2 * w, ww - 2 * w
        valid = np.isfinite(C0)
        for F, C in pairs:
            valid &= np.isfinite(F) & np.isfinite(C)
        z = lambda a: np.where(valid, a, 0.0)  # noqa: E731
        C0 = z(C0)
        pairs = [(z(F), z(C)) for F, C in pairs]
        cs = (slice(w, w + th), slice(w, w + tw))
        S = [np.abs(F - C) for F, C in pairs]
        T = [np.abs(C - C0) for F, C in pairs]
        P = [F + C0 - C for F, C in pairs]
        smax = np.max([s[cs] for s in S], axis=0) + s2
        tmax = np.max([t[cs] for t in T], axis=0) + s2
        base = [(S[k] + sigma) * (T[k] + sigma) for k in range(npairs)]
        sw = sp = 0.0
        for k in range(npairs):
            G = np.where(valid, pairs[k][0], np.nan)  # NaN: an invalid neighbour is never a candidate
            s = starfm_sums(engine, G, S[k], T[k], base[k], P[k], G[cs], smax, tmax, ths[k], w, A)
            sw, sp = sw + s[0], sp + s[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            out = sp / sw
        # Gao's special cases, pair 1 first
        for k in reversed(range(npairs)):
            out = np.where(S[k][cs] == 0, C0[cs], out)
        for k in reversed(range(npairs)):
            out = np.where(T[k][cs] == 0, pairs[k][0][cs], out)
        out[~valid[cs]] = np.nan
        return out

    return kernel


def pair_statistics(stats, params):
    """What every tile of one reference pair (or two) shares: ``stats(role)`` is the
    :class:`~lst_fusion.core.fusion.tiling.ImageStats` of that role's image (None for a missing second pair);
    ``params`` holds ``CLASSES``.  The thresholds use the population std (ddof 0), as starfm4py."""
    f1, f2 = stats("fine_ref1"), stats("fine_ref2")
    out = {"th1": class_threshold(f1.std, params["CLASSES"]), "celsius": is_celsius_mean(f1.mean)}
    if f2 is not None:
        out["th2"] = class_threshold(f2.std, params["CLASSES"])
    return out


def fuse_tile(blocks, halo, params):
    """One tile of a series from one pair (3 blocks) or two (5 blocks), with :func:`pair_statistics`' numbers."""
    ths = [params["th1"]] + ([params["th2"]] if len(blocks) == 5 else [])
    return make_kernel(halo, ths, DEFAULT_UNCERTAINTY, DEFAULT_SPATIAL_FACTOR, len(ths), params["ENGINE"])(blocks)


def starfm(fine1, coarse1, coarse0, fine2=None, coarse2=None, window=DEFAULT_WINDOW,
           classes=DEFAULT_CLASSES, spatial_factor=DEFAULT_SPATIAL_FACTOR,
           uncertainty=DEFAULT_UNCERTAINTY, tile=None, progress=None, cancel=None, workers=None, engine="auto"):
    """Predict the fine image at the target date from one or two pairs.

    ``engine``: 'auto' (torch on a CUDA GPU, else numba when installed, else
    NumPy), 'numpy', 'numba' or 'torch' (see core.fusion.kernels); ``tile``: tile edge
    in pixels (default per engine).
    """
    named = {"FINE_REF1": fine1, "COARSE_REF1": coarse1}
    if (fine2 is None) != (coarse2 is None):
        raise LstFusionError("FINE_REF2" if fine2 is None else "COARSE_REF2",
                             "the second pair needs both its fine and its coarse image")
    if fine2 is not None:
        named.update(FINE_REF2=fine2, COARSE_REF2=coarse2)
    named["COARSE_TARGET"] = coarse0
    _check_inputs(named, window)
    if classes < 1:
        raise LstFusionError("CLASSES", "the number of classes must be at least 1")
    if uncertainty <= 0:
        raise LstFusionError("UNCERTAINTY", "the uncertainty must be positive")
    arrays = [np.asarray(a, dtype=np.float64) for a in named.values()]
    npairs = (len(arrays) - 1) // 2
    ths = [class_threshold(np.nanstd(arrays[2 * k]), classes) for k in range(npairs)]
    engine = resolve_engine(engine)
    kernel = make_kernel(window // 2, ths, uncertainty, spatial_factor, npairs, engine)
    return run_tiled(kernel, arrays, window // 2, tile=tile or default_tile(engine), progress=progress, cancel=cancel, workers=workers)


def fuse_date(images, params, factor=None, progress=None, cancel=None):
    """The one-date Toolbox algorithm's run (core.fusion.methods.OneDate): ``images`` by role (the second pair
    optional), ``params`` by Processing name (``factor`` unused)."""
    return starfm(images["fine_ref1"], images["coarse_ref1"], images["coarse_target"], fine2=images.get("fine_ref2"),
                  coarse2=images.get("coarse_ref2"), window=params["WINDOW"], classes=params["CLASSES"],
                  spatial_factor=params["SPATIAL_FACTOR"], uncertainty=params["UNCERTAINTY"], progress=progress,
                  cancel=cancel, engine=params["ENGINE"])
