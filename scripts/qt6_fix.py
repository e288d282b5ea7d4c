"""Rewrite QGIS enum members the way lst_fusion/test/test_qt6.py asks (Qt6 / QGIS 4 readiness), in place.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/qt6_fix.py [FILE.py ...]

Without files: every .py file the test checks. Each finding of the test's ``qgis_enum_idioms`` that names a
replacement (``QgsProcessing.TypeRaster -> qgis_enums.SOURCE_RASTER``, ``Qgis.Warning -> Qgis.MessageLevel.Warning``)
is replaced on its line; a file that now uses ``qgis_enums`` gets its import, then ``ruff --fix`` drops the
imports left unused and sorts them. Prints what it changed; the test must pass afterwards (findings without a
replacement are printed, not changed).
"""
import ast
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from lst_fusion.test.test_qt6 import ENUMS, qgis_enum_idioms, source_files  # noqa: E402

FINDING = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<spelled>\S+) -> (?P<new>[A-Za-z_][\w.]*)")


def import_line(path):
    """The import of lst_fusion.algorithms.qgis_enums as written from ``path``."""
    rel = os.path.relpath(path, os.path.join(REPO, "lst_fusion")).split(os.sep)
    if rel[0] in ("..", "test"):
        return "from lst_fusion.algorithms import qgis_enums"
    if rel[0] == "algorithms" and len(rel) == 2:
        return "from . import qgis_enums"
    return "from " + "." * len(rel) + "algorithms import qgis_enums"  # plugin.py: .algorithms, ui/x.py: ..algorithms


def fix(path):
    """Apply the test's replacements to one file; the list of 'file:line: old -> new' it made."""
    with open(path, encoding="utf-8") as f:
        source = f.read()
    lines = source.splitlines(keepends=True)
    changed = []
    for finding in qgis_enum_idioms(source, path):
        m = FINDING.match(finding)
        if not m:
            print("not changed:", finding)
            continue
        i, spelled, new = int(m["line"]) - 1, m["spelled"], m["new"]
        if spelled.startswith("."):  # an instance's member (parameter.FlagOptional): owner and member
            pattern = re.compile(r"\b[A-Za-z_][\w.]*\." + re.escape(spelled[1:]) + r"\b")
        else:
            pattern = re.compile(r"(?<![\w.])" + re.escape(spelled) + r"\b")
        lines[i], n = pattern.subn(new, lines[i])
        if n:
            changed.append(f"{os.path.relpath(path, REPO)}:{i + 1}: {spelled} -> {new}")
    if not changed:
        return []
    tree = ast.parse(source)
    names = {a.asname or a.name for node in tree.body if isinstance(node, ast.ImportFrom) for a in node.names}
    last = max(node.end_lineno for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)))
    text = "".join(lines)
    # after the last top-level import; ruff merges and sorts them
    if "qgis_enums." in text and "qgis_enums" not in names:
        lines.insert(last, import_line(path) + "\n")
    if re.search(r"(?<![\w.])Qgis\.", text) and "Qgis" not in names:
        lines.insert(last, "from qgis.core import Qgis\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(lines))
    return changed


def main(paths):
    paths = [os.path.abspath(p) for p in paths] or [p for p in sorted(source_files()) if p != ENUMS]
    touched = []
    for path in paths:
        done = fix(path)
        if done:
            print("\n".join(done))
            touched.append(path)
    if touched:
        ruff = os.path.join(REPO, ".venv", "bin", "ruff")
        subprocess.run([ruff if os.path.exists(ruff) else "ruff", "check", "--fix", "-q", "--select", "F401,I"] + touched,
                       check=False)
    print(f"{len(touched)} file(s) changed")


if __name__ == "__main__":
    main(sys.argv[1:])
