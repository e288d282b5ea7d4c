"""Output safety: an output never replaces an input, and every output location
is checked before the computation starts.

:func:`check_outputs` is called once per run, before any work, with every input
and output path of the run (by parameter name).  Paths are compared after
``os.path.realpath`` and ``os.path.normcase``, so symlinks, relative paths and
(on case-insensitive systems) case cannot hide that two names are one file.
Each problem is one :class:`LstFusionError` sentence that starts with the
output parameter's name.
"""
import os
import re

from .errors import LstFusionError

# files an align_pairs dataset folder holds (an input of that name inside the folder would be replaced): the
# aligned rasters, gapfill's markers beside them, index.csv and coregistration.csv
DATASET_FILE = re.compile(r"^(?:[LM]_\d{8}(?:\.filled)?\.tif|index\.csv|coregistration\.csv|source_steps\.csv)$",
                          re.IGNORECASE)


def file_of(source):
    """The file behind a layer source or GDAL name ('' when there is none).

    'HDF4_EOS:EOS_GRID:"/d/x.hdf":grid:LST' -> '/d/x.hdf'; '/d/a.gpkg|layername=a' -> '/d/a.gpkg'.
    """
    s = str(source or "").strip()
    if not s:
        return ""
    m = re.match(r'^[A-Z0-9_]+:[A-Z0-9_]*:?"([^"]+)"', s)
    if m:
        return m.group(1)
    if s.startswith("/vsi") or "://" in s:
        return ""
    return s.split("|", 1)[0]


def same_key(path):
    """The identity of a path: real path (symlinks and '..' resolved), case-folded where the OS is."""
    return os.path.normcase(os.path.realpath(os.path.abspath(os.path.expanduser(str(path)))))


def _short(path):
    return os.path.basename(str(path).rstrip("/\\")) or str(path)


def _can_create_in(folder):
    """Create and remove a probe file: the one test that sees permissions, read-only mounts and ACLs alike
    (os.access says yes to root even on a read-only file system)."""
    import tempfile

    try:
        fd, probe = tempfile.mkstemp(prefix=".lstfusion_probe_", dir=folder)
    except OSError:
        return False
    os.close(fd)
    try:
        os.remove(probe)
    except OSError:
        pass
    return True


def check_output_location(name, path, folder=False):
    """``path`` can be written: its folder exists or can be created, is a folder and is writable.

    ``folder=True``: ``path`` itself is a folder output (it may exist as a folder, not as a file).
    """
    path = os.path.abspath(os.path.expanduser(str(path)))
    if folder:
        if os.path.exists(path) and not os.path.isdir(path):
            raise LstFusionError(name, f"is a file, not a folder ({path}); choose a folder for the output")
        target = path
    else:
        if os.path.isdir(path):
            raise LstFusionError(name, f"is a folder ({path}); give a file name for the output")
        target = os.path.dirname(path)
    # walk up to the first part of the path that exists: it must be a writable folder
    probe = target
    while not os.path.exists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not os.path.isdir(probe):
        raise LstFusionError(name, f"cannot be written: a part of its folder path is a file ({probe}); "
                             "choose another location for the output")
    if not _can_create_in(probe):
        raise LstFusionError(name, f"cannot be written: the folder {probe} is not writable; "
                             "choose another location for the output")
    if not folder and os.path.exists(path) and not os.access(path, os.W_OK):
        # os.replace would still succeed in a writable folder, but the user protected this file
        raise LstFusionError(name, f"cannot be replaced: {path} is read-only; choose another output file")


def check_outputs(inputs, outputs, folder_outputs=(), derived=None):
    """Refuse, before any work, outputs that would replace an input or another output.

    ``inputs``: {parameter name: path or list of paths}; ``outputs``: {parameter
    name: path}; empty values are skipped.  ``folder_outputs``: names of outputs
    that are folders, or {name: regular expression of the paths (relative, with
    '/') that the run writes in that folder} (default :data:`DATASET_FILE`, what
    align_pairs writes): an input inside it whose path matches would be replaced.
    ``derived``: {parameter name: (path, regular expression or None for a file)}:
    folders and side files a run writes beside the output of that parameter
    (validate_methods' aligned dataset), under the same rules.
    """
    patterns = folder_outputs if isinstance(folder_outputs, dict) else {n: DATASET_FILE for n in folder_outputs}
    seen_in = []
    for name, value in inputs.items():
        for p in value if isinstance(value, (list, tuple)) else [value]:
            f = file_of(p)
            if f:
                seen_in.append((name, f, same_key(f)))
    runs = [(name, path, name in patterns, patterns.get(name), "") for name, path in outputs.items()]
    runs += [(name, path, pattern is not None, pattern, f"its {'folder' if pattern is not None else 'file'} "
              f"{_short(path)} ") for name, (path, pattern) in (derived or {}).items()]
    seen_out = []
    for name, path, is_folder, pattern, what in runs:
        if not path:
            continue
        path = str(path)
        key = same_key(path)
        for in_name, in_path, in_key in seen_in:
            if key == in_key:
                raise LstFusionError(name, f"{what}is the same file as the input {in_name} ({_short(in_path)}); "
                                     "choose another output file")
            if is_folder and in_key.startswith(key + os.sep) and pattern.match(
                    os.path.relpath(in_key, key).replace(os.sep, "/")):
                raise LstFusionError(name, f"{what or 'the folder '}holds the input {in_name} ({_short(in_path)}), "
                                     f"which the run would replace; choose another output "
                                     f"{'file' if what else 'folder'}")
            if not is_folder and os.path.isdir(in_path) and key.startswith(in_key + os.sep) \
                    and DATASET_FILE.match(os.path.basename(key)):
                raise LstFusionError(name, f"{what}would replace {_short(path)} of the input folder {in_name}; "
                                     "choose another output file")
        for out_name, out_key in seen_out:
            if key == out_key:
                raise LstFusionError(name, f"{what}is the same file as the output {out_name} ({_short(path)}); "
                                     "give each output its own file")
        check_output_location(name, path, folder=is_folder)
        seen_out.append((name, key))


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived during a run (a KeyboardInterrupt, so ``except Exception`` lets it through)."""

    def __init__(self, signum, committed=False):
        import signal

        self.signum = signum
        self.committed = committed  # the run's outputs were all in place when it arrived (core.platform.transaction)
        try:
            self.signame = signal.Signals(signum).name
        except ValueError:
            self.signame = f"signal {signum}"
        super().__init__(f"interrupted by {self.signame}")


def _on_signal(signum, frame):
    from .deferral import defer_signal
    from .temps import remove_live_temps

    if defer_signal(signum):  # the run's outputs are being renamed into place: finish that first
        return
    remove_live_temps()
    raise Interrupted(signum)


class interrupt_guard:  # noqa: N801 - used as a context manager, like contextlib's
    """While a run lasts, SIGINT and SIGTERM remove the temporary files being
    written and raise :class:`Interrupted` (so the run fails, with a non-zero
    exit from qgis_process).  Signal handlers can only be set in the main
    thread: elsewhere (a QGIS background task) this does nothing and the
    temporary files are still removed on errors and at exit.  The previous
    handlers are restored afterwards; a handler set from C (qgis_process's own
    SIGINT handler, which only cancels the run and then exits 0) cannot be put
    back from Python, so there the default action (terminate) follows the run.
    """

    def __enter__(self):
        import signal
        import threading

        self._old = {}
        if threading.current_thread() is not threading.main_thread():
            return self
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._old[sig] = signal.signal(sig, _on_signal)
            except (ValueError, OSError):  # not the main interpreter, or the platform refuses
                pass
        return self

    def __exit__(self, *exc):
        import signal

        for sig, old in self._old.items():
            try:
                signal.signal(sig, old if old is not None else signal.SIG_DFL)
            except (ValueError, OSError):
                pass
        return False


def check_not_scored_against_itself(parameter, prediction, reference, reference_name="REFERENCE"):
    """A prediction that is the reference file itself scores perfectly by construction: refused in one sentence."""
    p, r = file_of(prediction), file_of(reference)
    if p and r and os.path.exists(p) and same_key(p) == same_key(r):
        raise LstFusionError(parameter, f"is the same file as {reference_name} ({_short(r)}): a prediction scored "
                             "against itself is perfect by construction; give the predicted image of that date")
