"""Translations (issue 43, item 6): every user-visible string goes through Qt translation, the Linguist file is
current, and the French .qm loads and translates the panel and the Processing provider."""
import ast
import html
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from .conftest import REPO

PACKAGE = os.path.join(REPO, "lst_fusion")
I18N = os.path.join(PACKAGE, "i18n")
TS = os.path.join(I18N, "lstfusion_fr.ts")
QM = os.path.join(I18N, "lstfusion_fr.qm")

# Qt calls whose string arguments the user reads: (call name, indices of the user-visible positional arguments)
SHOWN = {"setText": (0,), "setToolTip": (0,), "setPlaceholderText": (0,), "setSpecialValueText": (0,),
         "setTitle": (0,), "setWindowTitle": (0,), "setStatusTip": (0,), "setWhatsThis": (0,),
         "QLabel": (0,), "QPushButton": (0,), "QCheckBox": (0,), "QRadioButton": (0,), "QGroupBox": (0,),
         "QAction": (0, 1), "QTableWidgetItem": (0,), "addItem": (0,), "addItems": (0,), "addRow": (0,),
         "setHorizontalHeaderLabels": (0,), "information": (1, 2), "warning": (1, 2), "critical": (1, 2),
         "question": (1, 2), "pushMessage": (0, 1), "pushInfo": (), "date_edit": (0,), "folder_widget": (0,),
         "combo_box": (1,), "spin": (4,), "addPluginToRasterMenu": ()}
SHOWN_KEYWORDS = {"tooltip", "tip", "text", "title"}
# Processing: what an algorithm shows without passing through the provider's central translation
ALG_METHODS = {"displayName", "group", "shortHelpString", "shortDescription", "name_shown"}


def has_words(node):
    """A string literal (or f-string) with letters in its literal text: something a user reads."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2,}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(has_words(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return has_words(node.left) or has_words(node.right)
    if isinstance(node, ast.IfExp):
        return has_words(node.body) or has_words(node.orelse)
    return False


def untranslated_literals(source, filename):
    """[(line, text)] of the literal strings a user reads that reach Qt without ``tr()``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        shown = [node.args[i] for i in SHOWN.get(name, ()) if i < len(node.args)]
        if name == "__init__" and node.args:  # super().__init__("Section title", ...)
            shown.append(node.args[0])
        shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        found += [(a.lineno, ast.get_source_segment(source, a)) for a in shown if has_words(a)]
    return found


def python_files(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".py"))


def test_the_scan_finds_a_literal_that_bypasses_translation():
    source = ("from ..i18n import tr\n"
              "def f(self, n):\n"
              "    self.a.setText('Run')\n"
              "    self.b.setToolTip(tr('Run'))\n"
              "    self.c.setText(f'{n} layers')\n"
              "    QPushButton(tr('Cancel'))\n"
              "    QLabel('Dates')\n"
              "    self.form.addRow('Method', self.method)\n"
              "    self.form.addRow(tr('Method'), self.method)\n"
              "    self.d.setText('')\n"
              "    self.e.setText(text + '.')\n"
              "    self.f.setText('Fix it: ' + problems[0])\n"
              "    combo_box(items, 'Fusion method')\n"
              "    date_edit(tr('First date'), optional=True)\n")
    assert [line for line, _ in untranslated_literals(source, "x.py")] == [3, 5, 7, 8, 12, 13]


@pytest.mark.parametrize("path", python_files(os.path.join(PACKAGE, "ui")) + [os.path.join(PACKAGE, "plugin.py")],
                         ids=os.path.basename)
def test_every_string_the_panel_shows_goes_through_tr(path):
    with open(path, encoding="utf-8") as fh:
        found = untranslated_literals(fh.read(), path)
    assert not found, (f"{os.path.relpath(path, REPO)}: user-visible strings without tr() (lst_fusion.i18n), then "
                       "`make translations`:\n" + "\n".join(f"  line {n}: {s}" for n, s in found))


@pytest.mark.parametrize("path", python_files(os.path.join(PACKAGE, "algorithms")), ids=os.path.basename)
def test_no_algorithm_returns_its_name_group_or_help_without_tr(path):
    """Descriptions, help, display names and groups are translated centrally (base.py, conventions.py): an
    algorithm that overrides displayName/group/shortHelpString with a literal would bypass it."""
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    found = []
    for node in ast.walk(ast.parse(source, path)):
        if isinstance(node, ast.FunctionDef) and node.name in ALG_METHODS:
            found += [(r.lineno, ast.get_source_segment(source, r.value)) for r in ast.walk(node)
                      if isinstance(r, ast.Return) and r.value is not None and has_words(r.value)]
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in ("setDescription", "setHelp") and node.args and has_words(node.args[0]):
                found.append((node.lineno, ast.get_source_segment(source, node.args[0])))
    assert not found, f"{os.path.relpath(path, REPO)}: shown without tr(): {found}"


def ts_messages(path):
    """{source: (translation, finished)} of a Linguist file (locations left out: they follow every edit)."""
    out = {}
    for m in ET.parse(path).getroot().iter("message"):
        t = m.find("translation")
        out[m.find("source").text] = (t.text or "", t.get("type") != "unfinished")
    return out


def test_strings_py_lists_every_string_the_provider_shows(qgis_app, qgis_processing):
    """i18n/strings.py (what pylupdate5 reads for the provider's table strings) is current."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("i18n_strings", os.path.join(REPO, "scripts", "i18n_strings.py"))
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    from lst_fusion.i18n import strings

    now = script.provider_strings()
    assert len(now) > 300  # display names, groups, labels and help of every algorithm
    stale = sorted(set(strings.STRINGS) - set(now))
    new = sorted(set(now) - set(strings.STRINGS))
    assert not new and not stale, f"run `make translations`: new {new[:5]}, gone {stale[:5]}"
    with open(os.path.join(I18N, "strings.py"), encoding="utf-8") as fh:
        assert fh.read() == script.render(now)


@pytest.mark.skipif(shutil.which("pylupdate5") is None, reason="pylupdate5 (Debian's pyqt5-dev-tools) is not installed")
def test_the_ts_file_is_what_pylupdate5_makes_of_the_sources(tmp_path):
    """The committed .ts holds exactly the strings pylupdate5 finds now (make translations), with its translations."""
    ts = tmp_path / "lstfusion_fr.ts"
    shutil.copy(TS, ts)
    sources = [os.path.join(PACKAGE, "plugin.py"), os.path.join(I18N, "strings.py"),
               *python_files(os.path.join(PACKAGE, "algorithms")), *python_files(os.path.join(PACKAGE, "ui"))]
    env = dict(os.environ, LC_ALL="C.UTF-8")
    subprocess.run(["pylupdate5", "-noobsolete", *sources, "-ts", str(ts)], check=True, env=env,
                   capture_output=True)
    committed, regenerated = ts_messages(TS), ts_messages(ts)
    assert set(regenerated) == set(committed), (
        "lstfusion_fr.ts is not current: run `make translations`; new: "
        f"{sorted(set(regenerated) - set(committed))[:5]}, gone: {sorted(set(committed) - set(regenerated))[:5]}")
    assert regenerated == committed
    assert ET.parse(TS).getroot().get("language") == "fr_FR"
    assert {c.find("name").text for c in ET.parse(TS).getroot().iter("context")} == {"@default"}


def test_every_translation_keeps_the_placeholders_of_its_source():
    for source, (text, finished) in ts_messages(TS).items():
        if finished:
            assert sorted(re.findall(r"\{[^{}]*\}", text)) == sorted(re.findall(r"\{[^{}]*\}", source)), source
            assert text.strip(), source


@pytest.fixture
def french(qgis_app):
    from lst_fusion import i18n

    i18n.uninstall()
    assert i18n.install("fr") == QM
    yield
    i18n.uninstall()


def test_the_qm_is_compiled_from_the_ts_and_translates(qgis_app):
    """The .qm loads with QTranslator and gives every finished translation of the .ts (lrelease was run)."""
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    translator = QTranslator()
    assert translator.load(QM)
    assert QCoreApplication.translate("@default", "Validate") == "Validate"  # none installed yet
    QCoreApplication.installTranslator(translator)
    try:
        assert QCoreApplication.translate("@default", "Validate") == "Valider"
        finished = {s: t for s, (t, done) in ts_messages(TS).items() if done}
        assert len(finished) > 400
        wrong = [s for s, t in finished.items() if QCoreApplication.translate("@default", s) != t]
    finally:
        QCoreApplication.removeTranslator(translator)
    assert not wrong, f"lstfusion_fr.qm is older than the .ts: run `make translations` ({wrong[:3]})"


def test_french_locale_translates_the_provider(french, qgis_processing):
    from lst_fusion.algorithms.evaluate import Evaluate
    from lst_fusion.algorithms.provider import LstFusionProvider

    alg = Evaluate()
    alg.initAlgorithm()
    assert alg.displayName() == "Évaluer une prédiction"
    assert alg.group() == "Évaluation"
    assert alg.name() == "evaluate" and alg.parameterDefinition("PREDICTION").name() == "PREDICTION"  # ids stay
    assert alg.parameterDefinition("PREDICTION").description() == "LST prédite"
    assert alg.parameterDefinition("PREDICTION").help().startswith("Raster de LST prédite")
    assert "<h3>Paramètres</h3>" in alg.shortHelpString()
    assert LstFusionProvider().longName().startswith("LST Fusion - fusion MODIS/Landsat")
    from lst_fusion.algorithms.resample import Resample

    resample = Resample()
    resample.initAlgorithm()
    # enum options are shown translated: their values go by index (a model3, qgis_process), never by text
    assert resample.parameterDefinition("METHOD").options()[:2] == ["bicubique", "bilinéaire"]


def test_english_stays_english_without_a_translator(qgis_app):
    from lst_fusion import i18n
    from lst_fusion.algorithms.evaluate import Evaluate

    i18n.uninstall()
    assert i18n.install("en") is None and i18n.install("xx") is None
    alg = Evaluate()
    alg.initAlgorithm()
    assert alg.displayName() == "Evaluate a prediction"
    assert alg.parameterDefinition("PREDICTION").description() == "Predicted LST"


def test_the_language_is_the_one_qgis_shows(qgis_app):
    """QGIS's options: "Override system locale" (locale/overrideFlag) with a language (locale/userLocale), else
    the system's."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QLocale

    from lst_fusion import i18n

    settings = QgsSettings()
    old = {k: settings.value(k) for k in ("locale/userLocale", "locale/overrideFlag")}
    try:
        settings.setValue("locale/userLocale", "fr_FR")
        settings.setValue("locale/overrideFlag", True)
        assert i18n.user_language() == "fr"
        settings.setValue("locale/userLocale", "de")
        assert i18n.user_language() == "de"
        settings.setValue("locale/overrideFlag", False)  # a language chosen once, the override then switched off
        assert i18n.user_language() == QLocale().name()[:2].lower() != "de"
    finally:
        for k, v in old.items():
            settings.remove(k) if v is None else settings.setValue(k, v)


def test_no_optional_parameter_says_optional_in_its_label(qgis_app, qgis_processing):
    """QGIS appends "[optional]" itself: "Land-cover classes (optional) [optional]" was shown."""
    from lst_fusion.algorithms import qgis_enums
    from lst_fusion.algorithms.provider import algorithm_classes

    doubled = []
    for cls in algorithm_classes():
        alg = cls()
        alg.initAlgorithm()
        doubled += [f"{alg.name()}:{p.name()} {p.description()!r}" for p in alg.parameterDefinitions()
                    if p.flags() & qgis_enums.PARAMETER_OPTIONAL and "optional" in p.description().lower()]
    assert not doubled


def test_the_panel_in_french(french, qgis_iface, qgis_processing):
    from qgis.PyQt.QtCore import Qt

    import lst_fusion

    plugin = lst_fusion.classFactory(qgis_iface)  # the translator is installed already: classFactory keeps it
    plugin.initGui()
    try:
        assert plugin.action.text() == "Panneau LST Fusion"
        plugin.action.setChecked(True)
        dock = plugin.dock
        assert [s.title() for s in dock.sections] == ["Fusion", "Évaluation", "Télécharger", "Série", "Valider"]
        assert dock.download.search_button.text() == "Rechercher"
        assert dock.series.run_button.text() == "Lancer la série"
        assert dock.validation.use_button.text() == "Appliquer la recommandation"
        assert dock.fusion.form.labelForField(dock.fusion.method).text() == "Méthode"
        header = dock.download.table.horizontalHeaderItem(3)
        assert (header.text(), header.toolTip().split(" ")[0]) == ("Dégagé %", "Pixels")
        dock.validation.use_series.setChecked(False)
        dock.validation.dataset.setFilePath("")  # (the settings may hold another test's folder)
        assert dock.validation.problems(dock.validation.parameters()[1])[0].startswith("DATASET : choisissez")
        series = dock.series
        from lst_fusion.ui.methods import series_choices_auto_index

        auto = series.method.findData(series_choices_auto_index())
        assert series.method.itemText(auto) == "auto"  # the name fits the panel; what it does is its tooltip, in French
        assert series.method.itemData(auto, Qt.ItemDataRole.ToolTipRole).startswith("auto (choix par validation")
        assert [series.correction.itemText(i) for i in range(3)] == ["aucune", "empreinte MODIS", "moyenne de la scène"]
        assert series.set_method("Thermal sharpening", "scene mean")  # a recommendation, as validate_methods names it
        assert (series.method.currentText(), series.correction.currentText()) == ("Affinage thermique",
                                                                                  "moyenne de la scène")
        assert series.parameters()[1]["RESIDUAL_CORRECTION"] == 2 and series.method.currentData() is not None
        texts = [html.unescape(w.text()) for w in dock.findChildren(type(dock.download.search_button))]
        assert "Search" not in texts and "Cancel" not in texts
    finally:
        plugin.unload()
