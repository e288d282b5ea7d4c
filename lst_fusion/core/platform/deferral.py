"""Signals held back while a run's outputs are renamed into place: the state core.platform.transaction's
``signals_deferred`` sets and core.platform.safety's signal handler reads (a module of its own, so that neither
of those two imports the other both ways)."""
import threading

DEFER = threading.local()


def defer_signal(signum):
    """True when a signal must wait (a commit is under way in this thread): it is raised at its end."""
    if getattr(DEFER, "active", False):
        DEFER.pending = signum
        return True
    return False
