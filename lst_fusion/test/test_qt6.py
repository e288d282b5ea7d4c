"""Qt6 readiness: the plugin's code has none of the Qt5-only idioms that QGIS's Qt6 migration guide lists
(https://github.com/qgis/QGIS/wiki/Plugin-migration-to-be-compatible-with-Qt5-and-Qt6).

Checked statically over every .py file of the plugin, scripts and benchmarks (flake8-qgis 2.1 and
qgis-plugin-analyzer 1.18 were looked at: neither checks QtWebKit, QAction from QtWidgets or QGIS's enums, and
their enum rules are fixed lists, so the check is here):
- PyQt5/PyQt4 imports (qgis.PyQt is the shim for both);
- exec_() (PyQt6 only has exec());
- QVariant.<Type> for field types (QGIS 3.38+ and Qt6 take QMetaType.Type);
- unscoped Qt enums: `Qt.AlignRight` must be `Qt.AlignmentFlag.AlignRight` (PyQt6 only has the scoped form;
  PyQt5 accepts both). The enums are found by looking the attribute up on the imported qgis.PyQt class (also
  through a module, `QtCore.Qt.AlignRight`); on Qt6, where the unscoped name is gone, by the class's enum that has
  the member;
- QRegExp, QDesktopWidget, QFontMetrics.width(), signal overloads by type (activated[str]), QtWebKit, compiled
  resources (resources_rc, pyrcc output), and QAction & co. imported from QtWidgets (Qt6: QtGui). An import the
  code survives without (inside ``try`` ... ``except ImportError``, or the fallback in that handler) is allowed:
  QGIS 3.22's shim has QAction in QtWidgets only, so the plugin tries QtGui first.
``test_the_check_fails_on_a_mutant_with_each_construct`` plants each construct into a copy of plugin.py.
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


# Qt5 classes that Qt6 moved from QtWidgets to QtGui (QGIS's pyqt5_to_pyqt6 script)
MOVED_TO_QTGUI = ("QAction", "QActionGroup", "QShortcut", "QUndoCommand", "QUndoGroup", "QUndoStack",
                  "QFileSystemModel")
REMOVED_CLASSES = {"QRegExp": "QRegularExpression", "QRegExpValidator": "QRegularExpressionValidator",
                   "QDesktopWidget": "QScreen (QGuiApplication.screens(), widget.screen())"}
# signals whose overload by argument type ([str], ['QString']) Qt6 dropped
OVERLOADED_SIGNALS = {"activated": "textActivated", "highlighted": "textHighlighted",
                      "currentIndexChanged": "currentTextChanged"}


def _parents(tree):
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _catches_import_error(handler):
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError") for n in names)


def _guarded(node, parents):
    """True for an import the code survives without: in a ``try`` body whose handlers catch ImportError (then
    Qt6 raises it and the handler runs), or in such a handler (a Qt5 fallback, run only where the Qt6 import failed)."""
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Try) and child in parent.body and any(map(_catches_import_error, parent.handlers)):
            return True
        if isinstance(parent, ast.ExceptHandler) and parent.type is not None and _catches_import_error(parent):
            return True
        child, parent = parent, parents.get(parent)
    return False


def _resolve(module, parts):
    """The object ``module.parts[0].parts[1]...`` of the running Qt, or None."""
    try:
        obj = importlib.import_module(module)
        for p in parts:
            obj = getattr(obj, p)
        return obj
    except (ImportError, AttributeError):
        return None


def qt5_idioms(source, path="<string>"):
    """List of 'path:line: idiom -> replacement' for the Qt5-only idioms in one module's source: PyQt5/PyQt4,
    QtWebKit, compiled resources and QAction & co. from QtWidgets imported (unless the import is guarded by an
    ``except ImportError``), exec_(), QVariant types, QRegExp, QDesktopWidget, QFontMetrics.width(), signal
    overloads such as activated[str], and unscoped Qt enums (looked up on the running Qt)."""
    found = []
    tree = ast.parse(source)
    parents = _parents(tree)
    qt_names = {}  # local name -> (qgis.PyQt module, dotted attribute path inside it)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        guarded = _guarded(node, parents)
        mods = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        names = [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
        if any(re.match(r"PyQt[45]\b", m) for m in mods):
            found.append(f"{path}:{node.lineno}: import from {mods[0]} -> qgis.PyQt")
        if not guarded and any("QtWebKit" in m for m in mods + [f"{mods[0]}.{n}" for n in names]):
            found.append(f"{path}:{node.lineno}: QtWebKit -> QtWebEngine, or QgsWebView (Qt6 has no QtWebKit)")
        if not guarded and any(m.split(".")[-1] == "resources_rc" for m in mods + names):
            found.append(f"{path}:{node.lineno}: compiled resources_rc -> files loaded by path (PyQt6 has no pyrcc)")
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "QtWidgets" and not guarded:
            for n in names:
                if n in MOVED_TO_QTGUI:
                    found.append(f"{path}:{node.lineno}: {n} from QtWidgets -> QtGui (Qt6; QGIS 3.22's shim has it "
                                 "in QtWidgets only: try QtGui, except ImportError QtWidgets)")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qgis.PyQt"):
            for a in node.names:
                qt_names[a.asname or a.name] = (node.module, [a.name])
    metrics = set()  # names bound to a QFontMetrics(F)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_font_metrics(node.value, metrics):
            metrics.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "width" \
                and _is_font_metrics(node.func.value, metrics):
            found.append(f"{path}:{node.lineno}: QFontMetrics.width() -> horizontalAdvance()")
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "qRegisterResourceData", "qUnregisterResourceData"):
            found.append(f"{path}:{node.lineno}: a compiled resource module (pyrcc) -> files loaded by path")
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                and node.value.attr in OVERLOADED_SIGNALS and _is_type_name(node.slice):
            found.append(f"{path}:{node.lineno}: {node.value.attr}[{ast.unparse(node.slice)}] -> "
                         f"{OVERLOADED_SIGNALS[node.value.attr]} (Qt6 has no overloads by type)")
        if isinstance(node, ast.Name) and node.id in REMOVED_CLASSES and not _guarded(node, parents):
            found.append(f"{path}:{node.lineno}: {node.id} -> {REMOVED_CLASSES[node.id]} (removed in Qt6)")
        if isinstance(node, ast.alias) and node.name in REMOVED_CLASSES:
            imp = parents[node]
            if not _guarded(imp, parents):
                found.append(f"{path}:{imp.lineno}: {node.name} -> {REMOVED_CLASSES[node.name]} (removed in Qt6)")
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr == "exec_":
            found.append(f"{path}:{node.lineno}: exec_() -> exec()")
        if node.attr in REMOVED_CLASSES:
            found.append(f"{path}:{node.lineno}: {node.attr} -> {REMOVED_CLASSES[node.attr]} (removed in Qt6)")
        if node.attr in MOVED_TO_QTGUI and isinstance(node.value, ast.Name) and node.value.id == "QtWidgets":
            found.append(f"{path}:{node.lineno}: QtWidgets.{node.attr} -> QtGui.{node.attr} (Qt6)")
        spelled = _dotted(node)
        if spelled is None or isinstance(parents.get(node), ast.Attribute) and parents[node].value is node:
            continue  # not a plain name's chain, or not its outermost attribute
        owner, *chain = spelled.split(".")
        if owner == "QVariant" and chain[0][:1].isupper():
            found.append(f"{path}:{node.lineno}: {spelled} -> QMetaType.Type (or a memory-layer URI field)")
        elif owner in qt_names:
            module, base = qt_names[owner]
            value, holder = _resolve(module, base + chain), _resolve(module, base + chain[:-1])
            if value is None:  # Qt6: the unscoped name is gone; which of the holder's enums has the member?
                enum_name = _enum_with_member(holder, chain[-1])
            else:
                enum_name = type(value).__name__ if _is_enum_member(value) and holder is not type(value) else None
            if enum_name:
                found.append(f"{path}:{node.lineno}: {spelled} -> {'.'.join([owner] + chain[:-1])}.{enum_name}.{chain[-1]}")
    return found


def _enum_with_member(holder, member):
    """The name of an enum class of ``holder`` (a class) that has ``member``: where the unscoped spelling no longer
    resolves (Qt6, QGIS 4), the scoped one it must be written as; None if there is none."""
    if not isinstance(holder, type) or not member[:1].isupper():
        return None
    for name in dir(holder):
        attr = getattr(holder, name, None)
        if isinstance(attr, type) and type(attr).__name__ in ("enumtype", "EnumType", "EnumMeta") \
                and member in getattr(attr, "__members__", {}):
            return name
    return None


def _is_font_metrics(node, metrics):
    """A QFontMetrics(F)(...) call, a ``.fontMetrics()`` call, or a name bound to one."""
    if isinstance(node, ast.Name):
        return node.id in metrics
    if isinstance(node, ast.Call):
        f = node.func
        return getattr(f, "id", None) in ("QFontMetrics", "QFontMetricsF") or \
            getattr(f, "attr", None) in ("QFontMetrics", "QFontMetricsF", "fontMetrics")
    return False


def _is_type_name(node):
    return (isinstance(node, ast.Name) and node.id in ("str", "int")) or \
        (isinstance(node, ast.Constant) and node.value in ("QString", "str", "int"))


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
        "from qgis.PyQt import QtCore\n"
        "a = Qt.AlignmentFlag.AlignRight\n"
        "c = QAbstractItemView.SelectionBehavior.SelectRows\n"
        "d = QtCore.Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop\n"
        "dialog.exec()\n"
        "w = QFontMetrics(font).horizontalAdvance('x') + rect.width() + image.width()\n"
        "combo.textActivated.connect(slot)\n"
        "try:\n"
        "    from qgis.PyQt.QtGui import QAction\n"
        "except ImportError:  # QGIS 3.22\n"
        "    from qgis.PyQt.QtWidgets import QAction\n"
        "try:\n"
        "    from qgis.PyQt.QtWebKitWidgets import QWebPage\n"
        "except ImportError:\n"
        "    QWebPage = None\n"
    )
    assert qt5_idioms(good) == []


def qt6_findings(source, path="<string>"):
    """Everything the Qt6 check of ``make test`` refuses in one module: Qt5-only idioms and QGIS enums."""
    return qt5_idioms(source, path) + qgis_enum_idioms(source, path)


# Each construct the Qt6 check must refuse, planted into a copy of a real module: (name, lines appended, the
# appended lines (1-based) the check must name). Imports may stand anywhere in a module.
PLANTED = [
    ("unscoped Qt enum", "from qgis.PyQt.QtCore import Qt\nalign = Qt.AlignRight\n", [2]),
    ("unscoped Qt enum, module path", "from qgis.PyQt import QtCore\nalign = QtCore.Qt.AlignLeft\n", [2]),
    ("unscoped QtWidgets enum", "from qgis.PyQt.QtWidgets import QAbstractItemView\n"
                                "rows = QAbstractItemView.SelectRows\n", [2]),
    ("unscoped QGIS enum", "from qgis.core import Qgis\nlevel = Qgis.Warning\n", [2]),
    ("old QGIS enum", "from qgis.core import QgsProcessing\nkind = QgsProcessing.TypeRaster\n", [2]),
    ("exec_", "def run(dialog):\n    return dialog.exec_()\n", [2]),
    ("QVariant type", "from qgis.PyQt.QtCore import QVariant\nkind = QVariant.Double\n", [2]),
    ("QRegExp", "from qgis.PyQt.QtCore import QRegExp\npattern = QRegExp('[0-9]+')\n", [1, 2]),
    ("QDesktopWidget", "from qgis.PyQt.QtWidgets import QDesktopWidget\nscreen = QDesktopWidget().screenGeometry()\n",
     [1, 2]),
    ("QFontMetrics.width", "from qgis.PyQt.QtGui import QFontMetrics\n\n\ndef wide(font):\n"
                           "    return QFontMetrics(font).width('x')\n", [5]),
    ("fontMetrics().width", "def wide(label):\n    metrics = label.fontMetrics()\n    return metrics.width('x')\n",
     [3]),
    ("activated[str]", "def wire(combo, slot):\n    combo.activated[str].connect(slot)\n", [2]),
    ("QtWebKit", "from qgis.PyQt.QtWebKitWidgets import QWebView\n", [1]),
    ("QtWebKit module", "from qgis.PyQt import QtWebKit\n", [1]),
    ("resources_rc", "from . import resources_rc  # noqa: F401\n", [1]),
    ("resources_rc import", "import resources_rc  # noqa: F401\n", [1]),
    ("pyrcc output", "from qgis.PyQt import QtCore\nQtCore.qRegisterResourceData(0x03, b'', b'', b'')\n", [2]),
    ("QAction from QtWidgets", "from qgis.PyQt.QtWidgets import QAction\n", [1]),
    ("PyQt5 import", "from PyQt5.QtCore import QTimer\n", [1]),
]
HOST = os.path.join(REPO, "lst_fusion", "plugin.py")  # a real module of the plugin, clean


@pytest.mark.parametrize("name, planted, lines", PLANTED, ids=[p[0] for p in PLANTED])
def test_the_check_fails_on_a_mutant_with_each_construct(name, planted, lines):
    with open(HOST, encoding="utf-8") as f:
        source = f.read()
    assert qt6_findings(source, "plugin.py") == []
    mutant = source + "\n" + planted
    base = len((source + "\n").splitlines())
    found = qt6_findings(mutant, "plugin.py")
    assert sorted({int(f.split(":")[1]) - base for f in found}) == lines, found


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
        if value is None:  # QGIS 4 dropped the unscoped spelling: the holder's enum that has the member
            enum_name = _enum_with_member(qgis_enums.lookup(spelled.rsplit(".", 1)[0]), node.attr)
            if enum_name:
                found.append(f"{path}:{node.lineno}: {spelled} -> {spelled.rsplit('.', 1)[0]}.{enum_name}.{node.attr} "
                             "(scoped; qgis_enums if 3.22 lacks it)")
            continue
        if not _is_enum_member(value):
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
