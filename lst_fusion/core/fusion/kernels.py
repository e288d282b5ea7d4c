"""Window sums of ESTARFM and STARFM: the one hot loop of the classical methods.

For every centre pixel of a tile, the classical methods sum quantities of the
neighbours that are *similar* to the centre over a (2w+1)^2 window.  Three
engines compute the same sums (within float rounding):

* ``numpy``: a loop over the window offsets, each step a whole-tile array
  operation (always available);
* ``numba``: the same sums as a compiled per-pixel loop (numba, optional):
  every neighbour is read once, all sums stay in registers and the inner loop
  runs on the CPU's vector units, about 10x faster than the NumPy loop.  The
  compiled functions release the GIL, so the tiles of ``run_tiled`` run in
  parallel threads.  Compiled on first use and cached on disk by numba.
* ``torch``: the NumPy offset loop, run by PyTorch on the GPU (CUDA) when one
  is visible, else on the CPU; on a GPU large tiles (1024 px) so that each of
  the (2w+1)^2 steps is one big GPU operation.

``engine="auto"`` takes torch when a CUDA GPU is visible, else numba when it
can be imported, else NumPy.  Every engine gives the same per-pixel result
whatever the tiling (each pixel's sums run in one fixed order), and every
engine is checked against the per-pixel oracle in the tests.

Sums returned, per centre pixel (arrays of the tile's shape):

* ESTARFM: float64 ``[n, sx1, sx2, sy, sxx, sxy, syy]`` - count of similar
  pixels and the regression sums (x = coarse, y = fine of both dates, centred),
  float32 ``[sw, sd1, sd2, sf1, sf2]`` - sum of weights and weighted sums of
  C0 - C1, C0 - C2, F1, F2.
* STARFM (one pair): float64 ``[sw, sp]`` - sum of weights and weighted sum of
  the per-neighbour predictions.
"""

import numpy as np

from ..platform.backends import cuda_available, numba_available, require_torch, resolve_device  # noqa: F401 - re-exported
from ..platform.errors import LstFusionError
from ..platform.install_hints import how_to_install
from ..platform.jit import compiled as _jit
from .tiling import check_tile_cancel

ENGINES = ("auto", "numpy", "numba", "torch")
NUMBA_HINT = (f"the 'numba' engine needs the Python package numba (about 10x faster ESTARFM/STARFM): install it "
              f"{how_to_install('numba')}; then restart QGIS")
_VECTOR = 8  # inner loops are padded to a multiple of the vector width (no scalar tail)


def resolve_engine(engine):
    """'auto' -> torch on a CUDA GPU, else numba when importable, else numpy;
    a clear error for an unknown or unusable engine."""
    if engine not in ENGINES:
        raise LstFusionError("ENGINE", f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "torch" if cuda_available() else "numba" if numba_available() else "numpy"
    if engine == "numba" and not numba_available():
        raise LstFusionError("ENGINE", NUMBA_HINT)
    if engine == "torch":
        require_torch()
    return engine


def default_tile(engine):
    """Tile edge in pixels: 1024 on a GPU (few, large steps), else 128 (bounded memory, prompt cancel)."""
    return 1024 if engine == "torch" and cuda_available() else 128


def describe_engine(engine):
    """One line for the log: which engine runs the window sums, and on what."""
    if engine == "torch":
        import torch

        where = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU"
        return f"window sums: PyTorch {torch.__version__} on {where}"
    if engine == "numba":
        import numba

        return f"window sums: numba {numba.__version__} (compiled, CPU)"
    return "window sums: NumPy (install numba for about 10x faster ESTARFM/STARFM)"


class _Torch:
    """The array namespace of the offset loops, on PyTorch tensors."""

    def __init__(self):
        import torch


        self.xp = torch
        self.device = resolve_device("auto")
        self.dtypes = {np.float64: torch.float64, np.float32: torch.float32, bool: torch.bool}

    def empty(self, shape, dtype):
        return self.xp.empty(shape, dtype=self.dtypes[dtype], device=self.device)

    def zeros(self, shape, dtype):
        return self.xp.zeros(shape, dtype=self.dtypes[dtype], device=self.device)

    def put(self, a):
        return self.xp.from_numpy(np.ascontiguousarray(a)).to(self.device)

    @staticmethod
    def get(t):
        return t.cpu().numpy()


class _Numpy:
    """The array namespace of the offset loops, on NumPy arrays."""

    xp = np

    @staticmethod
    def empty(shape, dtype):
        return np.empty(shape, dtype)

    @staticmethod
    def zeros(shape, dtype):
        return np.zeros(shape, dtype)

    @staticmethod
    def put(a):
        return a

    @staticmethod
    def get(a):
        return a


def _padded(w):
    """Padded inner-loop length, per-column window mask and the right padding."""
    k = 2 * w + 1
    kp = -(-k // _VECTOR) * _VECTOR
    return kp, (np.arange(kp) < k).astype(np.float64), kp - k


def _pad_right(a, extra, fill):
    if extra == 0:
        return np.ascontiguousarray(a)
    return np.pad(a, ((0, 0), (0, extra)), constant_values=fill)


STRIP_WORK = 2e7  # inner-loop steps per numba call: a few hundredths of a second, then a cancel check


def _in_strips(loop, inputs, outputs, w, per_row):
    """Run a compiled per-pixel ``loop(*arrays, *args, *outputs)`` on strips of rows, checking cancel in between.

    ``inputs`` = (halo'd arrays with tile rows + 2w rows, further arguments); ``outputs``: arrays of shape
    (n, tile rows, tile columns).  Each pixel's sums are computed exactly as in one call, so the strips
    change nothing in the result; they only bound the time between two cancel checks.
    """
    arrays, args = inputs
    th = outputs[0].shape[1]
    rows = max(1, int(STRIP_WORK // max(1, per_row)))
    for a in range(0, th, rows):
        b = min(th, a + rows)
        check_tile_cancel()
        part = [np.zeros((o.shape[0], b - a, o.shape[2]), o.dtype) for o in outputs]
        loop(*(x[a:b + 2 * w] for x in arrays), *args, *part)
        for o, p in zip(outputs, part):
            o[:, a:b] = p


def distance_table(w, scale, dtype):
    """1 + d/scale for every window offset (d in pixels), shape (2w+1, 2w+1)."""
    dy, dx = np.mgrid[-w:w + 1, -w:w + 1]
    return (1.0 + np.hypot(dy, dx) / scale).astype(dtype)


# ---------------------------------------------------------------- ESTARFM

def estarfm_sums(engine, G1, G2, X1, X2, Y1, Y2, OMS, P, th1, th2, w):
    """ESTARFM window sums over a halo'd block (halo w).

    G1, G2: fine images for the similarity test (float64, NaN where invalid);
    X1, X2, Y1, Y2: centred coarse/fine values (float64, 0 where invalid);
    OMS: 1 - spectral similarity (float32); P: float32 stack (4, ...) of
    C0 - C1, C0 - C2, F1, F2 (0 where invalid).
    """
    dist = distance_table(w, w, np.float32)
    if engine == "numba":
        kp, inwin, extra = _padded(w)
        th, tw = G1.shape[0] - 2 * w, G1.shape[1] - 2 * w
        S64 = np.zeros((7, th, tw))
        S32 = np.zeros((5, th, tw), np.float32)
        pad = lambda a, fill=0.0: _pad_right(a, extra, fill)  # noqa: E731
        arrays = [pad(G1, np.nan), pad(G2, np.nan), pad(X1), pad(X2), pad(Y1), pad(Y2), pad(OMS),
                  *(pad(p) for p in P)]
        _in_strips(_jit(_estarfm_loop), (arrays, (_pad_right(dist, extra, 1.0), inwin, th1, th2, w)), (S64, S32),
                   w, tw * (2 * w + 1) * kp)
        return S64, S32
    ns = _Torch() if engine == "torch" else _Numpy
    S64, S32 = _estarfm_offsets(ns, *(ns.put(a) for a in (G1, G2, X1, X2, Y1, Y2, OMS, P)), th1, th2, w, dist)
    return ns.get(S64), ns.get(S32)


def _estarfm_loop(G1, G2, X1, X2, Y1, Y2, OMS, D1, D2, F1, F2, dist, inwin, th1, th2, w, S64, S32):
    th, tw = S64.shape[1], S64.shape[2]
    k, kp = 2 * w + 1, dist.shape[1]
    for i in range(th):
        for j in range(tw):
            c1 = G1[i + w, j + w]
            c2 = G2[i + w, j + w]
            if not (c1 == c1 and c2 == c2):  # invalid centre: no output there
                continue
            n = sx1 = sx2 = sy = sxx = sxy = syy = 0.0
            sw = sd1 = sd2 = sf1 = sf2 = np.float32(0.0)
            for dy in range(k):
                r = i + dy
                for dx in range(kp):
                    c = j + dx
                    m = inwin[dx] if (abs(G1[r, c] - c1) < th1) & (abs(G2[r, c] - c2) < th2) else 0.0
                    x1 = X1[r, c] * m
                    x2 = X2[r, c] * m
                    y1 = Y1[r, c] * m
                    y2 = Y2[r, c] * m
                    n += m
                    sx1 += x1
                    sx2 += x2
                    sy += y1 + y2
                    sxx += x1 * x1 + x2 * x2
                    sxy += x1 * y1 + x2 * y2
                    syy += y1 * y1 + y2 * y2
                    wg = np.float32(m) / (OMS[r, c] * dist[dy, dx] + np.float32(1e-7))
                    sw += wg
                    sd1 += wg * D1[r, c]
                    sd2 += wg * D2[r, c]
                    sf1 += wg * F1[r, c]
                    sf2 += wg * F2[r, c]
            S64[0, i, j] = n
            S64[1, i, j] = sx1
            S64[2, i, j] = sx2
            S64[3, i, j] = sy
            S64[4, i, j] = sxx
            S64[5, i, j] = sxy
            S64[6, i, j] = syy
            S32[0, i, j] = sw
            S32[1, i, j] = sd1
            S32[2, i, j] = sd2
            S32[3, i, j] = sf1
            S32[4, i, j] = sf2


def _estarfm_offsets(ns, G1, G2, X1, X2, Y1, Y2, OMS, P, th1, th2, w, dist):
    """NumPy/torch engines: one whole-tile array step per window offset (``ns``: namespace)."""
    xp = ns.xp
    hh, ww = G1.shape
    th, tw = hh - 2 * w, ww - 2 * w
    Q = xp.stack([X1, X2, Y1 + Y2, X1 * X1 + X2 * X2, X1 * Y1 + X2 * Y2, Y1 * Y1 + Y2 * Y2])
    cG1, cG2 = G1[w:w + th, w:w + tw], G2[w:w + th, w:w + tw]
    S64 = ns.zeros((7, th, tw), np.float64)
    S32 = ns.zeros((5, th, tw), np.float32)
    n, accQ, sw, accP = S64[0], S64[1:], S32[0], S32[1:]
    mb, mb2 = ns.empty((th, tw), bool), ns.empty((th, tw), bool)
    tmp, tq = ns.empty((th, tw), np.float64), ns.empty((6, th, tw), np.float64)
    wgt, tp = ns.empty((th, tw), np.float32), ns.empty((4, th, tw), np.float32)
    for dy in range(2 * w + 1):
        check_tile_cancel()
        for dx in range(2 * w + 1):
            sl = (slice(dy, dy + th), slice(dx, dx + tw))
            xp.subtract(G1[sl], cG1, out=tmp)
            xp.abs(tmp, out=tmp)
            xp.less(tmp, th1, out=mb)
            xp.subtract(G2[sl], cG2, out=tmp)
            xp.abs(tmp, out=tmp)
            xp.less(tmp, th2, out=mb2)
            mb &= mb2
            xp.multiply(OMS[sl], float(dist[dy, dx]), out=wgt)
            wgt += 1e-7
            xp.divide(mb, wgt, out=wgt)
            n += mb
            xp.multiply(Q[(slice(None),) + sl], mb, out=tq)
            accQ += tq
            sw += wgt
            xp.multiply(P[(slice(None),) + sl], wgt, out=tp)
            accP += tp
    return S64, S32


# ---------------------------------------------------------------- STARFM

def starfm_sums(engine, G, S, T, base, P, cF, smax, tmax, ths, w, A):
    """STARFM window sums of one pair over a halo'd block (halo w).

    G: fine image (float64, NaN where invalid); S, T: spectral and temporal
    distances; base = (S + sigma)(T + sigma); P: per-neighbour predictions
    F + C0 - C (all float64, 0 where invalid); cF, smax, tmax: centre values
    (tile shape).
    """
    dist = distance_table(w, A, np.float64)
    if engine == "numba":
        kp, inwin, extra = _padded(w)
        out = np.zeros((2,) + cF.shape)
        pad = lambda a, fill=0.0: _pad_right(a, extra, fill)  # noqa: E731
        th, tw = cF.shape
        centre = [np.ascontiguousarray(a) for a in (cF, smax, tmax)]
        arrays = [pad(G, np.nan), pad(S), pad(T), pad(base, 1.0), pad(P)]
        rows = max(1, int(STRIP_WORK // max(1, tw * (2 * w + 1) * kp)))
        for a in range(0, th, rows):  # strips of rows, cancel checked in between (see _in_strips)
            b = min(th, a + rows)
            check_tile_cancel()
            part = np.zeros((2, b - a, tw))
            _jit(_starfm_loop)(*(x[a:b + 2 * w] for x in arrays), *(c[a:b] for c in centre),
                               _pad_right(dist, extra, 1.0), inwin, ths, w, part)
            out[:, a:b] = part
        return out
    ns = _Torch() if engine == "torch" else _Numpy
    return ns.get(_starfm_offsets(ns, *(ns.put(a) for a in (G, S, T, base, P, cF, smax, tmax)), ths, w, dist))


def _starfm_loop(G, S, T, base, P, cF, smax, tmax, dist, inwin, ths, w, out):
    th, tw = cF.shape
    k, kp = 2 * w + 1, dist.shape[1]
    for i in range(th):
        for j in range(tw):
            f, sm, tm = cF[i, j], smax[i, j], tmax[i, j]
            if not f == f:
                continue
            sw = sp = 0.0
            for dy in range(k):
                r = i + dy
                for dx in range(kp):
                    c = j + dx
                    m = inwin[dx] if (abs(G[r, c] - f) <= ths) & (S[r, c] < sm) & (T[r, c] < tm) else 0.0
                    wg = m / (base[r, c] * dist[dy, dx])
                    sw += wg
                    sp += wg * P[r, c]
            out[0, i, j] = sw
            out[1, i, j] = sp


def _starfm_offsets(ns, G, S, T, base, P, cF, smax, tmax, ths, w, dist):
    """NumPy/torch engines: one whole-tile array step per window offset (``ns``: namespace)."""
    xp = ns.xp
    th, tw = cF.shape
    out = ns.zeros((2, th, tw), np.float64)
    sw, sp = out
    tmp, wgt = ns.empty((th, tw), np.float64), ns.empty((th, tw), np.float64)
    for dy in range(2 * w + 1):
        check_tile_cancel()
        for dx in range(2 * w + 1):
            sl = (slice(dy, dy + th), slice(dx, dx + tw))
            xp.subtract(G[sl], cF, out=tmp)
            xp.abs(tmp, out=tmp)
            m = (tmp <= ths) & (S[sl] < smax) & (T[sl] < tmax)
            xp.multiply(base[sl], float(dist[dy, dx]), out=wgt)
            xp.divide(m, wgt, out=wgt)
            sw += wgt
            xp.multiply(wgt, P[sl], out=tmp)
            sp += tmp
    return out



# ---------------------------------------------------------------- STARFM over a series (core.fusion.starfm_plan)

MASK_BITS = 63  # the widest window row a neighbour mask holds


def starfm_masks(G, S, cF, smax, ths, w):
    """The date-free filters of STARFM's window sums as bit masks (numba): ``mask[dy, i, j]`` bit ``dx`` is set
    where neighbour (dy, dx) of centre (i, j) passes the fine similarity ``|G - cF| <= ths`` and the spectral
    filter ``S < smax`` (G NaN where invalid: never).  uint32 rows for a window up to 32 px, else uint64; window
    row first, so that a date's pass (:func:`starfm_day_sums`) reads them along the centres' row."""
    th, tw = cF.shape
    k = 2 * w + 1
    mask = np.zeros((k, th, tw), np.uint32 if k <= 32 else np.uint64)
    _jit(_starfm_mask_loop)(*(np.ascontiguousarray(a) for a in (G, S, cF, smax)), ths, w, mask)
    return mask


def _starfm_mask_loop(G, S, cF, smax, ths, w, mask):
    th, tw = cF.shape
    k = 2 * w + 1
    for i in range(th):
        for j in range(tw):
            f, sm = cF[i, j], smax[i, j]
            if not f == f:
                continue
            for dy in range(k):
                b = 0
                for dx in range(k):
                    if abs(G[i + dy, j + dx] - f) <= ths and S[i + dy, j + dx] < sm:
                        b |= 1 << dx
                mask[dy, i, j] = b


def starfm_day_sums(mask, T, V, PV, tmax, w, A, out):
    """One date's STARFM sums of one pair (numba), the date-free filters read from ``mask``
    (:func:`starfm_masks`): over the halo'd block ``T`` (NaN where invalid), ``V = 1 / ((S + sigma)(T + sigma))``
    and ``PV = P V`` (0 where invalid), a masked neighbour counts where ``T < tmax`` of its centre, with weight
    ``V / D``.  Adds ``[sw, sp]`` into ``out`` (2, tile rows, tile columns) by strips of rows (cancel checked).

    The pass runs along each centre row for one window offset at a time, so every read is contiguous and the
    inner loop vectorises (1.4x the per-centre order on a 256 px tile, benchmarks/bench_starfm_plan.py)."""
    invD = 1.0 / distance_table(w, A, np.float64)
    mask, T, V, PV, tmax = (np.ascontiguousarray(a) for a in (mask, T, V, PV, tmax))
    th, tw = tmax.shape
    rows = max(1, int(STRIP_WORK // max(1, tw * (2 * w + 1) ** 2)))
    for a in range(0, th, rows):  # strips of rows, cancel checked in between (as _in_strips)
        b = min(th, a + rows)
        check_tile_cancel()
        _jit(_starfm_day_loop)(mask, T, V, PV, tmax, invD, w, a, b, out)


def _starfm_day_loop(mask, T, V, PV, tmax, invD, w, a, b, out):
    tw = tmax.shape[1]
    k = 2 * w + 1
    sw = np.zeros(tw)
    sp = np.zeros(tw)
    for i in range(a, b):  # whole (C-contiguous) arrays and a row range: each row slice stays contiguous
        sw[:] = 0
        sp[:] = 0
        tm = tmax[i]
        for dy in range(k):
            r = i + dy
            mr, Tr, Vr, Pr = mask[dy, i], T[r], V[r], PV[r]
            for dx in range(k):
                d = invD[dy, dx]
                bit = np.uint32(dx)
                for j in range(tw):
                    m = d if (((mr[j] >> bit) & np.uint32(1)) != 0) & (Tr[j + dx] < tm[j]) else 0.0
                    sw[j] += m * Vr[j + dx]
                    sp[j] += m * Pr[j + dx]
        for j in range(tw):
            out[0, i, j] += sw[j]
            out[1, i, j] += sp[j]
