"""No module imports a private name (``_name``) of another package, nor reads one as ``module._name``:
a scan of every source file's syntax tree (tests left out: they may test a module's private helpers)."""
import ast
import os

from .conftest import REPO

PKG = os.path.join(REPO, "lst_fusion")
SCANNED = [os.path.join(PKG), os.path.join(REPO, "benchmarks"), os.path.join(REPO, "scripts")]


def private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_of(path):
    """'lst_fusion.core.data.io' for lst_fusion/core/data/io.py (a package's __init__: the package)."""
    rel = os.path.relpath(path, REPO)[:-3].split(os.sep)
    return ".".join(rel[:-1] if rel[-1] == "__init__" else rel)


def is_module(dotted):
    base = os.path.join(REPO, *dotted.split("."))
    return os.path.isfile(base + ".py") or os.path.isfile(os.path.join(base, "__init__.py"))


def package_of(dotted):
    base = os.path.join(REPO, *dotted.split("."))
    return dotted if os.path.isdir(base) else dotted.rsplit(".", 1)[0]


def violations(path):
    me = module_of(path)
    my_pkg = package_of(me) if not path.endswith("__init__.py") else me
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    aliases, out = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = my_pkg.split(".")
                base = base[:len(base) - (node.level - 1)]
                src = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "lst_fusion":
                src = node.module
            else:
                continue
            for a in node.names:
                target = f"{src}.{a.name}"
                if is_module(target):
                    aliases[a.asname or a.name] = target
                    if package_of(target) != my_pkg and private(a.name):
                        out.append(f"{path}:{node.lineno} imports module {target}")
                elif private(a.name) and package_of(src) != my_pkg:
                    out.append(f"{path}:{node.lineno} imports {a.name} from {src}")
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("lst_fusion.") and a.asname:
                    aliases[a.asname] = a.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and private(node.attr) and package_of(aliases[node.value.id]) != my_pkg):
            out.append(f"{path}:{node.lineno} reads {node.value.id}.{node.attr} of {aliases[node.value.id]}")
    return out


def files():
    for top in SCANNED:
        for d, dirs, names in os.walk(top):
            dirs[:] = [x for x in dirs if x not in ("test", "__pycache__", "resources")]
            yield from (os.path.join(d, n) for n in sorted(names) if n.endswith(".py"))


def test_the_scanner_finds_a_private_import(tmp_path, monkeypatch):
    """Known answers on three lines: a cross-package private import and attribute, a same-package one."""
    f = os.path.join(PKG, "series", "plan.py")
    assert violations(f) == []
    fake = os.path.join(PKG, "series", "_probe_private.py")
    try:
        with open(fake, "w", encoding="utf-8") as fh:
            fh.write("from ..core.fusion.estarfm import _check_inputs\nfrom ..core.evaluation import report\n"
                     "x = report._columns\nfrom .plan import _unused\n")
        found = violations(fake)
    finally:
        os.remove(fake)
    assert len(found) == 2 and "imports _check_inputs from lst_fusion.core.fusion.estarfm" in found[0]
    assert "reads report._columns of lst_fusion.core.evaluation.report" in found[1]


def test_no_cross_package_private_name():
    found = [v for f in files() for v in violations(f)]
    assert found == []
