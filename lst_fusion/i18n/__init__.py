"""The plugin's translations (Qt Linguist): :func:`tr` for every user-visible string, :func:`install` for the
translator of the user's QGIS locale.

Every string goes through one context, ``@default`` (what ``pylupdate5`` gives a bare ``tr("...")``): the panel
calls ``tr("...")`` on literals; the algorithms' display names, groups, parameter labels and help are wrapped
once where they reach Processing (algorithms/base.py, algorithms/conventions.py), and pylupdate5 finds them in
``strings.py``, written from the algorithms themselves by ``scripts/i18n_strings.py`` (``make translations``).
Log lines and error messages stay English and keep the parameter names (names.py) as they are.

``lstfusion_<lang>.ts`` is the Linguist file translators edit; ``lstfusion_<lang>.qm`` its compiled form (lrelease),
shipped in the plugin.
"""
import os

CONTEXT = "@default"
I18N_DIR = os.path.dirname(os.path.abspath(__file__))
_installed = []  # the QTranslator installed (kept referenced: Qt does not own it)


def tr(text):
    """``text`` in the user's language when the installed translation has it, else as it is."""
    from qgis.PyQt.QtCore import QCoreApplication

    return QCoreApplication.translate(CONTEXT, text) if text else text


def QT_TRANSLATE_NOOP(context, text):  # noqa: N802 - the name pylupdate5 looks for
    """Marks ``text`` for pylupdate5 without translating it (translated later, where it is shown, by :func:`tr`)."""
    return text


def user_language():
    """The two-letter language QGIS itself shows (``QgsApplication.locale()``: ``locale/userLocale`` when the user
    overrides the system locale in the options, ``locale/overrideFlag``, else the system's)."""
    from qgis.core import QgsApplication

    return (QgsApplication.locale() or "en")[:2].lower()


def qm_path(language):
    return os.path.join(I18N_DIR, f"lstfusion_{language}.qm")


def install(language=None):
    """Install the translator of ``language`` (default: QGIS's) on the application, once; the .qm loaded, or None
    (English, or no translation of that language)."""
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    language = language or user_language()
    path = qm_path(language)
    if _installed or language == "en" or not os.path.exists(path) or QCoreApplication.instance() is None:
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    _installed.append(translator)
    return path


def uninstall():
    """Remove the installed translator (plugin unload, tests)."""
    from qgis.PyQt.QtCore import QCoreApplication

    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())
