"""Write lst_fusion/i18n/strings.py: every user-visible string of the Processing provider, marked for pylupdate5.

    .venv/bin/python scripts/i18n_strings.py [--check]

The algorithms' display names, groups, help, parameter labels and help, and output labels come from tables
(core/data/roles.py, core/fusion/methods.py, the models' registry, the algorithms' PARAM_HELP) and f-strings that
pylupdate5 cannot read; they are translated where they reach Processing (algorithms/base.py, conventions.py).
This script asks the algorithms themselves for them (as Processing would, with no translator installed) and
writes one ``QT_TRANSLATE_NOOP`` per distinct string, which pylupdate5 puts in the .ts (``make translations``).
``--check``: exit 1, writing nothing, when strings.py is not current (the test suite asks the same).
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
OUT = os.path.join(ROOT, "lst_fusion", "i18n", "strings.py")

HEADER = '''# ruff: noqa: E501 - one string a line, as long as it is
"""Written by scripts/i18n_strings.py (make translations): do not edit. Every user-visible string of the
Processing provider, for pylupdate5; translated where shown (lst_fusion.i18n.tr)."""
from . import QT_TRANSLATE_NOOP

STRINGS = (
'''


def provider_strings():
    """The distinct user-visible strings of the provider and its algorithms, in algorithm order (English)."""
    from lst_fusion.algorithms.base import GROUPS
    from lst_fusion.algorithms.provider import LstFusionProvider, algorithm_classes
    from lst_fusion.core.data import roles

    provider = LstFusionProvider()
    out = [provider.name(), provider.longName(), *(r.label for r in roles.ROLES)]  # role labels: the panel's rows
    for cls in algorithm_classes():
        alg = cls()
        alg.initAlgorithm()
        out += [cls.DISPLAY, GROUPS.get(cls.GROUP, ""), cls.HELP]
        for p in alg.parameterDefinitions():
            # enum options: shown translated (a model3 and qgis_process give them by index, never by text)
            out += [p.description(), p.help(), *(p.options() if hasattr(p, "options") else ())]
        out += [o.description() for o in alg.outputDefinitions()]
    seen, strings = set(), []
    for s in out:
        if isinstance(s, str) and s.strip() and s not in seen:
            seen.add(s)
            strings.append(s)
    return strings


def literal(text):
    """A double-quoted Python literal pylupdate5 reads back as ``text``."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{body}"'


def render(strings):
    return HEADER + "".join(f'    QT_TRANSLATE_NOOP("@default", {literal(s)}),\n' for s in strings) + ")\n"


def main(argv):
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    text = render(provider_strings())
    app.exitQgis()
    current = open(OUT, encoding="utf-8").read() if os.path.exists(OUT) else ""
    if "--check" in argv:
        if current != text:
            print(f"{OUT} is not current: run make translations")
            return 1
        return 0
    if current != text:
        with open(OUT + ".tmp", "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(OUT + ".tmp", OUT)
    print(f"{OUT}: {text.count('QT_TRANSLATE_NOOP(') - 1} strings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
