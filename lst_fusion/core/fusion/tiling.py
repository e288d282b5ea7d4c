"""Tiled processing with a halo, progress and cancel, shared by the classical methods."""
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..platform.backends import numba_available
from ..platform.errors import check_cancel
from ..platform.jit import compiled

_tile_state = threading.local()


def check_tile_cancel():
    """Raise Cancelled inside a tile when the run was cancelled or another tile failed.

    The window-sum loops (core.fusion.kernels) call this between rows or row strips, so
    cancel is honoured within a fraction of a second even when one tile is long.
    """
    check_cancel(getattr(_tile_state, "cancel", None))


def available_memory():
    """Bytes of memory available to a new allocation (MemAvailable on Linux), or None when unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


MIN_WINDOW = 3  # the smallest moving window with a neighbour on each side


@dataclass(frozen=True)
class ImageStats:
    """Whole-image statistics of the valid pixels (read strip by strip by a series): what the per-pair
    statistics of ESTARFM and STARFM need."""

    count: int
    mean: float
    std: float  # population (ddof 0)
    std_sample: float  # sample (ddof 1)

    @classmethod
    def of(cls, array):
        """The statistics of an array in memory (NaN = nodata), as the whole-image functions compute them."""
        a = np.asarray(array, dtype=np.float64)
        return cls(int(np.isfinite(a).sum()), float(np.nanmean(a)), float(np.nanstd(a)), float(np.nanstd(a, ddof=1)))


def check_odd_window(window, parameter="WINDOW"):
    """The one window rule of ESTARFM and STARFM, in core and in a series: odd and at least MIN_WINDOW."""
    from ..platform.errors import LstFusionError

    if window < MIN_WINDOW or window % 2 == 0:
        raise LstFusionError(parameter, f"window must be an odd number of pixels >= {MIN_WINDOW}, not {window}")


BLOCK_ARRAYS = 30  # float64 arrays of a halo'd block alive at once in a classical kernel (generous)


def check_window(window, shape, tile=128, workers=2, parameter="WINDOW"):
    """Refuse, before any allocation, a window larger than the image can use or than memory can hold."""
    from ..platform.errors import LstFusionError

    h, w = shape
    limit = 2 * max(h, w) - 1
    if limit < MIN_WINDOW:
        raise LstFusionError(parameter, f"this {w}x{h} px image is too small for any moving window (the smallest, "
                             f"{MIN_WINDOW} px, needs an image of at least 2 px on one side); give larger rasters")
    if window > limit:
        raise LstFusionError(parameter, f"{window} px is larger than this {w}x{h} px image can use: at most "
                             f"{limit} (from every pixel the window then covers the whole image); choose a smaller "
                             "odd window")
    halo = window // 2
    need = (min(tile, h) + 2 * halo) * (min(tile, w) + 2 * halo) * 8 * BLOCK_ARRAYS * workers
    avail = available_memory()
    if avail is not None and need > 0.5 * avail:
        raise LstFusionError(parameter, f"a {window} px window needs about {need / 2**30:.1f} GiB for its tiles, more "
                             f"than half of the {avail / 2**30:.1f} GiB of memory available; choose a smaller window")


def tiles(shape, tile):
    h, w = shape
    for r0 in range(0, h, tile):
        for c0 in range(0, w, tile):
            yield r0, min(r0 + tile, h), c0, min(c0 + tile, w)


def halo_block(arr, r0, r1, c0, c1, halo, fill=np.nan, dtype=np.float64):
    """arr[r0-halo:r1+halo, c0-halo:c1+halo] with ``fill`` outside the image."""
    h, w = arr.shape
    out = np.full((r1 - r0 + 2 * halo, c1 - c0 + 2 * halo), fill, dtype=dtype)
    sr0, sr1 = max(r0 - halo, 0), min(r1 + halo, h)
    sc0, sc1 = max(c0 - halo, 0), min(c1 + halo, w)
    out[sr0 - (r0 - halo):sr1 - (r0 - halo), sc0 - (c0 - halo):sc1 - (c0 - halo)] = arr[sr0:sr1, sc0:sc1]
    return out


def window_sum(block, halo):
    """Sum over the (2*halo+1)^2 window around each centre pixel of a halo'd block.

    Separable and in a fixed order for every pixel, so tiled and untiled
    results are bit-identical.
    """
    n = 2 * halo + 1
    hh, ww = block.shape

    if hh > 2 * halo and ww > 2 * halo and block.dtype == np.float64 and numba_available():
        out = np.zeros((hh - 2 * halo, ww - 2 * halo))  # the same additions in the same order, compiled
        compiled(_window_sum_loop, exact=True)(np.ascontiguousarray(block), halo, out)
        return out
    rows = np.zeros((hh, ww - 2 * halo))
    for dx in range(n):
        rows += block[:, dx:dx + ww - 2 * halo]
    out = np.zeros((hh - 2 * halo, ww - 2 * halo))
    for dy in range(n):
        out += rows[dy:dy + hh - 2 * halo, :]
    return out


def _window_sum_loop(block, halo, out):
    hh, ww = block.shape
    th, tw = out.shape
    rows = np.zeros((hh, tw))
    for r in range(hh):
        for dx in range(2 * halo + 1):
            for c in range(tw):
                rows[r, c] += block[r, c + dx]
    for dy in range(2 * halo + 1):
        for r in range(th):
            for c in range(tw):
                out[r, c] += rows[r + dy, c]


FALLBACK_STRIP = 16  # rows of centres per exact per-date sub-block of a plan's fallback (exact_centres)


def exact_centres(kernel, blocks, off, w, out):
    """A series plan's fallback to its per-date kernel: ``kernel`` (a halo-``w`` block kernel) on the centres of
    ``out`` whose window holds a pixel of ``off`` (the halo'd ``blocks``' shape), on the smallest sub-blocks of
    :data:`FALLBACK_STRIP` rows of centres that hold them, written into ``out``; returns how many centres."""
    th, tw = out.shape
    touched = window_sum(off.astype(np.float64), w) > 0
    for a in range(0, th, FALLBACK_STRIP):
        b = min(th, a + FALLBACK_STRIP)
        cols = np.flatnonzero(touched[a:b].any(0))
        if cols.size == 0:
            continue
        c0, c1 = int(cols[0]), int(cols[-1]) + 1
        exact = kernel([x[a:b + 2 * w, c0:c1 + 2 * w] for x in blocks])
        part = touched[a:b, c0:c1]
        out[a:b, c0:c1][part] = exact[part]
    return int(touched.sum())


def task_threads():
    """Threads for one task's own parallel work (run_tiled's tiles, a whole-image plan's selection and dates):
    at most 2, at most this machine's cores."""
    return min(2, os.cpu_count() or 1)


def run_tiled(kernel, arrays, halo, tile=128, progress=None, cancel=None, workers=None):
    """Apply ``kernel(blocks) -> (th, tw) array`` to every tile; blocks are the
    input arrays cut with a NaN halo.  Returns the float32 mosaic."""
    shape = arrays[0].shape
    out = np.full(shape, np.nan, dtype=np.float32)
    todo = list(tiles(shape, tile))
    workers = workers or task_threads()
    stop = threading.Event()  # set when a tile fails or the run is cancelled: the other tiles stop too

    def tile_cancel():
        return stop.is_set() or (cancel is not None and cancel())

    def one(t):
        check_cancel(tile_cancel)
        r0, r1, c0, c1 = t
        blocks = [halo_block(a, r0, r1, c0, c1, halo) for a in arrays]
        _tile_state.cancel = tile_cancel
        try:
            out[r0:r1, c0:c1] = kernel(blocks)
        except BaseException:
            stop.set()
            raise
        finally:
            _tile_state.cancel = None
        return t

    done = 0
    if workers == 1 or len(todo) == 1:
        for t in todo:
            one(t)
            done += 1
            if progress:
                progress(100.0 * done / len(todo))
    else:
        with ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(one, t) for t in todo]
            try:
                for f in futures:
                    f.result()
                    done += 1
                    if progress:
                        progress(100.0 * done / len(todo))
            except BaseException:
                stop.set()
                for f in futures:
                    f.cancel()
                raise
    return out
