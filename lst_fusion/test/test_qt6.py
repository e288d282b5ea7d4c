"""Qt6 readiness: the plugin's code has none of the Qt5-only idioms that QGIS's Qt6 migration guide lists
(https://github.com/qgis/QGIS/wiki/Plugin-migration-to-be-compatible-with-Qt5-and-Qt6).

Checked statically over every .py file of the plugin and scripts:
- PyQt5/PyQt4 imports (qgis.PyQt is the shim for both);
- exec_() (PyQt6 only has exec());
- QVariant.<Type> for field types (QGIS 3.38+ and Qt6 take QMetaType.Type);
- unscoped Qt enums: `Qt.AlignRight` must be `Qt.AlignmentFlag.AlignRight` (PyQt6 only has the scoped form;
  PyQt5 accepts both). The enums are found by looking the attribute up on the imported qgis.PyQt class.
QGIS's own enums (QgsProcessing.TypeRaster etc.) are not checked yet: their scoped names differ between 3.22 and 3.40.
"""
import ast
import importlib
import os
import re

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOTS = ("lst_fusion", "scripts", "benchmarks")
SELF = os.path.abspath(__file__)


def _sources():
    for root in ROOTS:
        for d, dirs, files in os.walk(os.path.join(REPO, root)):
            dirs[:] = [x for x in dirs if x not in ("__pycache__", "build")]
            for f in files:
                if f.endswith(".py") and os.path.abspath(os.path.join(d, f)) != SELF:
                    yield os.path.join(d, f)


def _is_enum_member(value):
    return not isinstance(value, type) and type(type(value)).__name__ in ("enumtype", "EnumType", "EnumMeta")


def qt5_idioms(source, path="<string>"):
    """List of 'path:line: idiom -> replacement' for the Qt5-only idioms in one module's source."""
    found = []
    tree = ast.parse(source)
    qt_names = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(re.match(r"PyQt[45]\b", m) for m in mods):
                found.append(f"{path}:{node.lineno}: import from {mods[0]} -> qgis.PyQt")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qgis.PyQt"):
                for a in node.names:
                    qt_names[a.asname or a.name] = (node.module, a.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "exec_":
            found.append(f"{path}:{node.lineno}: exec_() -> exec()")
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            continue
        owner = node.value.id
        if owner == "QVariant" and node.attr[:1].isupper():
            found.append(f"{path}:{node.lineno}: QVariant.{node.attr} -> QMetaType.Type (or a memory-layer URI field)")
        elif owner in qt_names:
            module, name = qt_names[owner]
            try:
                value = getattr(getattr(importlib.import_module(module), name), node.attr)
            except (ImportError, AttributeError):
                continue
            if _is_enum_member(value):
                found.append(f"{path}:{node.lineno}: {owner}.{node.attr} -> {owner}.{type(value).__name__}.{node.attr}")
    return found


def test_the_checker_finds_each_idiom():
    bad = (
        "from PyQt5.QtCore import QTimer\n"
        "from qgis.PyQt.QtCore import Qt, QVariant\n"
        "from qgis.PyQt.QtWidgets import QAbstractItemView\n"
        "a = Qt.AlignRight\n"
        "b = QVariant.String\n"
        "c = QAbstractItemView.SelectRows\n"
        "dialog.exec_()\n"
    )
    found = qt5_idioms(bad)
    assert sorted(int(f.split(":")[1]) for f in found) == [1, 4, 5, 6, 7]
    assert any("Qt.AlignmentFlag.AlignRight" in f for f in found)
    assert any("QAbstractItemView.SelectionBehavior.SelectRows" in f for f in found)
    good = (
        "from qgis.PyQt.QtCore import Qt\n"
        "from qgis.PyQt.QtWidgets import QAbstractItemView\n"
        "a = Qt.AlignmentFlag.AlignRight\n"
        "c = QAbstractItemView.SelectionBehavior.SelectRows\n"
        "dialog.exec()\n"
    )
    assert qt5_idioms(good) == []


@pytest.mark.parametrize("path", sorted(_sources()), ids=lambda p: os.path.relpath(p, REPO))
def test_no_qt5_only_idioms(path):
    with open(path, encoding="utf-8") as f:
        found = qt5_idioms(f.read(), os.path.relpath(path, REPO))
    assert not found, "Qt5-only idioms (QGIS Qt6 migration guide):\n" + "\n".join(found)
