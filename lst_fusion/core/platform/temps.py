"""The temporary files being written right now (``.tmp_*`` beside their destination).

core.data.io's atomic writes register each one here (:func:`track`) and unregister it when it is
published (:func:`release`) or removed (:func:`discard`); core.platform.safety's interrupt_guard and the
interpreter's exit remove whatever is left (:func:`remove_live_temps`), so an interrupted run leaves no
hidden ``.tmp_*`` file behind. It sits below core.data, so safety needs nothing of io (no import circle).
"""
import atexit
import os
import threading

_LIVE_TEMPS = set()
_LIVE_LOCK = threading.Lock()


def track(tmp):
    with _LIVE_LOCK:
        _LIVE_TEMPS.add(tmp)


def release(tmp):
    """``tmp`` was published (renamed into place): no longer a temporary file to remove."""
    with _LIVE_LOCK:
        _LIVE_TEMPS.discard(tmp)


def live_temps():
    with _LIVE_LOCK:
        return sorted(_LIVE_TEMPS)


def discard(tmp):
    """Forget and remove ``tmp`` (a file or a folder)."""
    release(tmp)
    try:
        os.remove(tmp)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def remove_live_temps():
    """Remove every temporary file still being written (signal handlers, atexit)."""
    for tmp in live_temps():
        try:
            discard(tmp)
        except OSError:
            pass


atexit.register(remove_live_temps)
