"""Qt6 readiness: the plugin's code has none of the Qt5-only idioms that QGIS's Qt6 migration guide lists
(https://github.com/qgis/QGIS/wiki/Plugin-migration-to-be-compatible-with-Qt5-and-Qt6).

Checked statically over every .py file of the plugin and scripts:
- PyQt5/PyQt4 imports (qgis.PyQt is the shim for both);
- exec_() (PyQt6 only has exec());
- QVariant.<Type> for field types (QGIS 3.38+ and Qt6 take QMetaType.Type);
- unscoped Qt enums: `Qt.AlignRight` must be `Qt.AlignmentFlag.AlignRight` (PyQt6 only has the scoped form;
  PyQt5 accepts both). The enums are found by looking the attribute up on the imported qgis.PyQt class.
- QGIS's own enums: QGIS 3.30-3.36 moved many into ``Qgis`` (``QgsProcessing.TypeRaster`` is
  ``Qgis.ProcessingSourceType.Raster`` from 3.36; QGIS 4 drops the old name, 3.22 lacks the new one). Either spelling
  of an enum in lst_fusion/algorithms/qgis_enums.py's table must be its constant (resolved once, new name first);
  any other QGIS enum member must be scoped (``QgsFileWidget.StorageMode.GetDirectory``), and on a QGIS whose enums are
  Python enums (3.40) spelled by the enum's own class (a moved one names its ``Qgis.*`` class: add it to the table).
  The table itself is checked against the running QGIS (run on 3.22 by ``make test``, on 3.40 by ``make test-ltr``).
"""
import ast
import importlib
import os
import re

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOTS = ("lst_fusion", "scripts", "benchmarks")
SELF = os.path.abspath(__file__)
ENUMS = os.path.join(REPO, "lst_fusion", "algorithms", "qgis_enums.py")


def source_files():
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


@pytest.mark.parametrize("path", sorted(source_files()), ids=lambda p: os.path.relpath(p, REPO))
def test_no_qt5_only_idioms(path):
    with open(path, encoding="utf-8") as f:
        found = qt5_idioms(f.read(), os.path.relpath(path, REPO))
    assert not found, "Qt5-only idioms (QGIS Qt6 migration guide):\n" + "\n".join(found)


def enum_table():
    """[(constant, new name, old name)] of qgis_enums.py, read from its source: ``NAME = resolve("new", "old")``."""
    with open(ENUMS, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    return [(node.targets[0].id, node.value.args[0].value, node.value.args[1].value) for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", "") == "resolve"]


def _dotted(node):
    """'Owner.A.B' for an attribute chain on a plain name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id] + parts[::-1]) if isinstance(node, ast.Name) else None


def qgis_enum_idioms(source, path="<string>"):
    """List of 'path:line: spelling -> replacement' for QGIS enum members not written as qgis_enums.py asks."""
    from lst_fusion.algorithms import qgis_enums

    table = {}
    for name, new, old in enum_table():
        table[new] = table[old] = name
    old_members = {old.split(".")[-1]: name for name, _, old in enum_table() if old.count(".") == 1}
    tree = ast.parse(source)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("qgis.core", "qgis.gui"):
            imported.update(a.asname or a.name for a in node.names)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        spelled = _dotted(node)
        owner = spelled.split(".")[0] if spelled else None
        if owner not in imported:
            if node.attr in old_members and not (isinstance(node.value, ast.Name) and node.value.id == "qgis_enums"):
                found.append(f"{path}:{node.lineno}: .{node.attr} -> qgis_enums.{old_members[node.attr]}")
            continue
        if spelled in table:
            found.append(f"{path}:{node.lineno}: {spelled} -> qgis_enums.{table[spelled]}")
            continue
        value = qgis_enums.lookup(spelled)
        if value is None or not _is_enum_member(value):
            continue
        enum_class = type(value)
        member = getattr(value, "name", None) or spelled.split(".")[-1]
        own = f"{enum_class.__qualname__}.{member}"
        if enum_class.__name__ not in spelled.split(".")[1:-1]:
            found.append(f"{path}:{node.lineno}: {spelled} -> {own} (scoped; qgis_enums if 3.22 lacks it)")
        elif hasattr(value, "name") and spelled != own:
            found.append(f"{path}:{node.lineno}: {spelled} -> {own} (moved; add it to qgis_enums if 3.22 lacks it)")
    return found


def test_the_enum_checker_finds_each_idiom():
    bad = (
        "from qgis.core import Qgis, QgsProcessing\n"
        "from qgis.gui import QgsFileWidget\n"
        "a = QgsProcessing.TypeRaster\n"
        "b = Qgis.ProcessingSourceType.Raster\n"
        "c = parameter.flags() & parameter.FlagOptional\n"
        "d = QgsFileWidget.GetDirectory\n"
        "e = Qgis.Warning\n"
    )
    found = qgis_enum_idioms(bad)
    assert sorted(int(f.split(":")[1]) for f in found) == [3, 4, 5, 6, 7], found
    assert any("QgsProcessing.TypeRaster -> qgis_enums.SOURCE_RASTER" in f for f in found)
    assert any("Qgis.ProcessingSourceType.Raster -> qgis_enums.SOURCE_RASTER" in f for f in found)
    assert any(".FlagOptional -> qgis_enums.PARAMETER_OPTIONAL" in f for f in found)
    assert any("Qgis.Warning -> Qgis.MessageLevel.Warning" in f for f in found)
    good = (
        "from qgis.core import Qgis\n"
        "from qgis.gui import QgsFileWidget\n"
        "from lst_fusion.algorithms import qgis_enums\n"
        "a = qgis_enums.SOURCE_RASTER\n"
        "c = parameter.flags() & qgis_enums.PARAMETER_OPTIONAL\n"
        "d = QgsFileWidget.StorageMode.GetDirectory\n"
        "e = Qgis.MessageLevel.Warning\n"
    )
    assert qgis_enum_idioms(good) == []


@pytest.mark.parametrize("path", sorted(p for p in source_files() if p != ENUMS), ids=lambda p: os.path.relpath(p, REPO))
def test_qgis_enums_through_the_table(path):
    with open(path, encoding="utf-8") as f:
        found = qgis_enum_idioms(f.read(), os.path.relpath(path, REPO))
    assert not found, "QGIS enums not Qt6/QGIS 4-ready:\n" + "\n".join(found)


# The members' integer values, from QGIS's C++ headers (the same in 3.22 and 3.40)
KNOWN_VALUES = {"SOURCE_RASTER": 3, "SOURCE_VECTOR_POLYGON": 2, "PARAMETER_ADVANCED": 2, "PARAMETER_OPTIONAL": 8,
                "NUMBER_INTEGER": 0, "NUMBER_DOUBLE": 1, "FILE_FOLDER": 1, "FILTER_RASTER_LAYER": 1,
                "FILTER_POLYGON_LAYER": 16, "GEOMETRY_POLYGON": 2, "TEMPORAL_DAYS": 4, "NAVIGATION_ANIMATED": 1}


def _int(member):
    return int(getattr(member, "value", member))


def test_the_table_on_this_qgis():
    """Each constant is the new member where this QGIS has it (all of them from 3.36 on), else the old one; both
    spellings, where both exist, are the same member, with the value of QGIS's headers."""
    from qgis.core import Qgis

    from lst_fusion.algorithms import qgis_enums

    table = enum_table()
    assert sorted(name for name, _, _ in table) == sorted(KNOWN_VALUES)
    for name, new, old in table:
        value, new_value, old_value = getattr(qgis_enums, name), qgis_enums.lookup(new), qgis_enums.lookup(old)
        if Qgis.QGIS_VERSION_INT >= 33600:
            assert new_value is not None, f"{new} missing on QGIS {Qgis.QGIS_VERSION}"
        assert value is (new_value if new_value is not None else old_value), name
        if old_value is not None:
            assert _int(old_value) == _int(value), (name, old)
        assert _int(value) == KNOWN_VALUES[name], name


def test_the_constants_work_in_processing():
    """Round trip through QGIS objects: a parameter built with a constant reports it back."""
    from qgis.core import QgsProcessingParameterFile, QgsProcessingParameterMultipleLayers, QgsProcessingParameterNumber

    from lst_fusion.algorithms import qgis_enums as e

    layers = QgsProcessingParameterMultipleLayers("L", "layers", e.SOURCE_RASTER)
    assert _int(layers.layerType()) == _int(e.SOURCE_RASTER) == 3
    number = QgsProcessingParameterNumber("N", "number", e.NUMBER_DOUBLE, 1.5)
    assert _int(number.dataType()) == 1 and number.defaultValue() == 1.5
    folder = QgsProcessingParameterFile("F", "folder", e.FILE_FOLDER)
    assert _int(folder.behavior()) == 1
    assert not folder.flags() & e.PARAMETER_ADVANCED
    folder.setFlags(folder.flags() | e.PARAMETER_ADVANCED)
    assert folder.flags() & e.PARAMETER_ADVANCED and not folder.flags() & e.PARAMETER_OPTIONAL
    optional = QgsProcessingParameterFile("G", "optional", e.FILE_FOLDER, optional=True)
    assert optional.flags() & e.PARAMETER_OPTIONAL
