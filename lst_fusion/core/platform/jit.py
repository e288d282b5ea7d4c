"""numba compilation, once per process: every numba loop of the plugin (core.fusion's kernels, the tiling's
window sums, core.data's resampling operator) is compiled here."""
import threading

# fast-math without 'nnan'/'ninf': NaN marks nodata and must compare as NaN
FASTMATH = {"reassoc", "contract", "arcp", "nsz"}
_compiled = {}
_compile_lock = threading.Lock()  # the tile threads share one dispatcher per loop


def compiled(fn, exact=False):
    """``fn`` compiled by numba once per process (disk-cached); ``exact``: without fast-math, so every sum keeps
    the order written (bit for bit what NumPy gives for the same sequence of operations)."""
    key = (fn.__name__, exact)
    with _compile_lock:
        if key not in _compiled:
            import numba

            _compiled[key] = numba.njit(nogil=True, cache=True, fastmath=set() if exact else FASTMATH,
                                        error_model="numpy")(fn)
        return _compiled[key]
