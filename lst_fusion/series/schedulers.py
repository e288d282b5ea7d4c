"""Where a series' tile tasks run: one after another, on threads of this process, or on a dask.distributed
cluster.

* ``scheduler=""`` or ``"threads"`` (default): on one thread per core of this process (the numba engine and
  GDAL release the GIL, so tiles run in parallel while the caller writes the finished ones);
* ``"sequential"``: one after another, in this process;
* ``"tcp://host:8786"``: on that ``dask.distributed`` cluster (workers need only ``lst_fusion``'s
  QGIS-free core: numpy, rasterio, numba or torch).

Every scheduler's ``map`` yields the results in task order, at most ``in_flight`` tiles at a time, so the
outputs are bit-identical to the sequential run and memory stays bounded by tiles.
"""
import collections
import os

from ..core.platform.errors import LstFusionError
from .tiles import worker_check


def _in_order(submit, jobs, in_flight):
    """The results of ``submit(job)`` futures, in job order, at most ``in_flight`` submitted ahead; stopped early
    (cancel, a failed write), the futures not collected are cancelled."""
    pending = collections.deque()
    try:
        for job in jobs:
            pending.append(submit(job))
            if len(pending) >= in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()


class Sequential:
    name = "sequential"

    def map(self, fn, jobs):
        for job in jobs:
            yield fn(job)

    def close(self):
        pass


class Threads:
    """Threads of this process: ``in_flight`` tasks submitted ahead, results collected in task order as each
    finishes, so the caller writes one task's tiles while the next tasks run (no batch waits for its slowest)."""

    name = "in-process threads"

    def __init__(self, in_flight=None, workers=None):
        self.workers = workers or os.cpu_count() or 1
        self.in_flight = in_flight or 2 * self.workers

    def map(self, fn, jobs):
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self.workers, thread_name_prefix="lstfusion-tile") as pool:
            yield from _in_order(lambda job: pool.submit(fn, job), jobs, self.in_flight)

    def close(self):
        pass


class DaskDistributed:
    """A dask.distributed cluster; tasks are submitted ``in_flight`` ahead and collected in order."""

    def __init__(self, address, in_flight=None, timeout=20):
        try:
            from distributed import Client
        except ImportError:
            raise LstFusionError("DASK_SCHEDULER", "a scheduler address needs the Python package dask[distributed] "
                                 "in QGIS's Python (requirements.txt pins the tested version)") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except Exception as exc:  # OSError, TimeoutError, ...: one sentence for the user
            raise LstFusionError("DASK_SCHEDULER", f"cannot reach the Dask scheduler at {address}: {exc}") from None
        workers = self.client.scheduler_info().get("workers", {})
        n = sum(w.get("nthreads", 1) for w in workers.values()) or 1
        self.in_flight = in_flight or 2 * n
        self.name = f"dask.distributed at {address} ({len(workers)} workers, {n} threads)"
        try:
            self.client.submit(worker_check, pure=False).result(timeout=timeout * 3)
        except Exception as exc:
            self.close()
            raise LstFusionError("DASK_SCHEDULER", f"the Dask workers at {address} cannot run the series "
                                 f"(they need lst_fusion's core importable: numpy, rasterio): {exc}") from None

    def map(self, fn, jobs):
        yield from _in_order(lambda job: self.client.submit(fn, job, pure=False), jobs, self.in_flight)

    def close(self):
        self.client.close()


def make_scheduler(scheduler):
    """'' or 'threads' (this process' threads), 'sequential', or a dask.distributed address."""
    text = (scheduler or "").strip()
    if text.lower() == "sequential":
        return Sequential()
    if text.lower() in ("", "threads"):
        return Threads()
    if "://" in text:
        return DaskDistributed(text)
    raise LstFusionError("DASK_SCHEDULER", f"{text!r} is not a Dask scheduler address (like tcp://host:8786); "
                         "leave it empty to run in this process")

