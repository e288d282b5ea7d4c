"""One run's outputs, published together at its end: all of them or none.

An algorithm's run opens a :class:`Transaction` (``algorithms.base`` does, for every algorithm that does not
stream its outputs). While it is open, every atomic write of core.data.io (:func:`core.data.io.atomic_path`)
stays in its ``.tmp_*`` file beside its destination instead of being renamed into place, and folders made
aside (:meth:`Transaction.stage_folder`, e.g. validate_methods' aligned dataset) wait the same way. When the
run ends normally, :meth:`Transaction.commit` renames them all into place, main output and side files
together, with SIGINT/SIGTERM held back for those few renames (:func:`signals_deferred`). When the run fails,
is cancelled or is interrupted before that, every staged file is removed and nothing an earlier run wrote is
replaced, so "no output was written" is true.

A signal that arrives during the commit is raised once the commit is done, as
:class:`~lst_fusion.core.platform.safety.Interrupted` with ``committed=True``: the outputs are complete and
the message says so.

Code that must read what it has just written (a dataset aligned and then validated) runs in
:func:`suspended`: its writes are published at once, into a private temporary folder that the transaction
then stages as a whole.
"""
import contextlib
import contextvars
import os
import shutil
import threading

from . import temps
from .deferral import DEFER as _DEFER  # the state signals_deferred sets and safety's signal handler reads

_CURRENT = contextvars.ContextVar("lstfusion_transaction", default=None)


def publish(tmp, path):
    """Give a finished temporary file the permissions of a normal new file (mkstemp makes it 0600) and move it
    into place atomically."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def current():
    """The open transaction of this thread's run, or None."""
    return _CURRENT.get()


class Transaction:
    """The files and folders a run has finished writing, waiting to be renamed into place together."""

    def __init__(self):
        self.staged = []  # (temporary path, final path, is a folder), in the order they were finished
        self.lock = threading.Lock()  # a run's threads finish files together (fuse_series' dates)

    def stage(self, tmp, final):
        """``tmp`` (tracked by core.platform.temps) becomes ``final`` at the commit; a second write of the same
        ``final`` in this run replaces the first."""
        final = os.path.abspath(final)
        with self.lock:
            for i, (old, dest, _) in enumerate(self.staged):
                if dest == final:
                    temps.discard(old)
                    del self.staged[i]
                    break
            self.staged.append((tmp, final, False))

    def stage_folder(self, tmp_dir, final_dir):
        """Every file under ``tmp_dir`` goes to the same relative path under ``final_dir`` at the commit (the
        folder is merged: other files already in ``final_dir`` stay); ``tmp_dir`` is removed then."""
        temps.track(tmp_dir)
        self.staged.append((tmp_dir, os.path.abspath(final_dir), True))

    def commit(self):
        """Rename everything staged into place, SIGINT/SIGTERM held back meanwhile."""
        with signals_deferred():
            for tmp, final, folder in self.staged:
                if not folder:
                    os.makedirs(os.path.dirname(final), exist_ok=True)
                    publish(tmp, final)
                    temps.release(tmp)
                    continue
                for root, _, files in os.walk(tmp):
                    for f in sorted(files, key=lambda name: name == "index.csv"):  # the index last
                        src = os.path.join(root, f)
                        dst = os.path.join(final, os.path.relpath(src, tmp))
                        os.makedirs(os.path.dirname(dst), exist_ok=True)
                        os.replace(src, dst)
                shutil.rmtree(tmp, ignore_errors=True)
                temps.release(tmp)
            self.staged = []

    def abort(self):
        """Remove everything staged: the run published nothing."""
        for tmp, _, _ in self.staged:
            temps.discard(tmp)
        self.staged = []


@contextlib.contextmanager
def transaction(enabled=True):
    """Open a transaction for the run inside the block; commit when it ends normally, abort otherwise."""
    if not enabled or current() is not None:
        yield current()
        return
    t = Transaction()
    token = _CURRENT.set(t)
    try:
        yield t
    except BaseException:
        _CURRENT.reset(token)
        t.abort()
        raise
    _CURRENT.reset(token)
    t.commit()


@contextlib.contextmanager
def suspended():
    """Writes inside the block are published at once (into a private folder the transaction stages later)."""
    token = _CURRENT.set(None)
    try:
        yield
    finally:
        _CURRENT.reset(token)


@contextlib.contextmanager
def signals_deferred():
    """Hold SIGINT/SIGTERM (as caught by core.platform.safety.interrupt_guard) until the block ends, then raise
    the interruption with ``committed=True``."""
    _DEFER.active = True
    _DEFER.pending = None
    try:
        yield
    finally:
        _DEFER.active = False
    signum, _DEFER.pending = _DEFER.pending, None
    if signum is not None:
        from .safety import Interrupted

        raise Interrupted(signum, committed=True)
