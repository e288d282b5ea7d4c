"""Print every lstfusion algorithm's parameters (id, name, type, default, options, bounds, flags), one per line.

    .venv/bin/python scripts/dump_parameters.py > build/params.txt

A structural change must leave this dump identical (issue 25, item 6); appended methods show as a longer
option list of METHOD/METHODS and nothing else.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def describe(p):
    fields = [p.name(), p.type(), repr(p.defaultValue()), f"flags={int(p.flags())}", repr(p.description())]
    for attr in ("options", "minimum", "maximum", "dataType", "allowMultiple", "extension", "behavior",
                 "layerType", "fileFilter"):
        fn = getattr(p, attr, None)
        if callable(fn):
            try:
                fields.append(f"{attr}={fn()!r}")
            except TypeError:
                pass
    return " | ".join(str(f) for f in fields)


def main():
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from lst_fusion.algorithms.provider import algorithm_classes

    for cls in algorithm_classes():
        alg = cls()
        alg.initAlgorithm()
        print(f"== {alg.name()} | {alg.displayName()} | {alg.group()}")
        for p in alg.parameterDefinitions():
            print("  " + describe(p))
        for o in alg.outputDefinitions():
            print(f"  -> {o.name()} | {o.type()} | {o.description()!r}")
    app.exitQgis()


if __name__ == "__main__":
    main()
