"""Print the package-to-package imports of lst_fusion and flag the upward ones.

    python3 scripts/import_graph.py [--strict] [PACKAGE_DIR]

The intended direction is ui -> algorithms -> series -> validation -> deep -> models -> core (plugin.py
above all, version.py and i18n below all), and inside core evaluation -> fusion -> data -> platform: a package may
import those to its right,
never those to its left. Every ``import``/``from ... import`` is counted,
including the lazy ones inside functions, since they couple the packages just
the same. Tests (``test/``) are left out. Module circles (a imports b and b, through
any chain, imports a; lazy imports count) are listed too. With ``--strict`` the exit
status is 1 when there is an upward arrow or a circle.
"""
import ast
import os
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# higher imports lower; equal ranks are one layer
LAYERS = {"plugin": 7, "__init__": 7, "ui": 6, "algorithms": 5, "series": 4, "validation": 3.5, "deep": 3, "models": 2, "core": 1.5,
          "version": 0, "i18n": 0}
# core's subpackages, one layer each inside core: evaluation -> fusion -> data -> platform
CORE_LAYERS = {"evaluation": 1.4, "fusion": 1.3, "data": 1.2, "platform": 1.1}
LAYERS.update({f"core.{k}": v for k, v in CORE_LAYERS.items()})  # core/__init__ ("core") above them
SKIP = {"test"}


def unit_of(parts):
    """The package (first path component under the root package) of a module path like ['ui', 'dock'];
    inside core, its subpackage (['core', 'data', 'io'] -> 'core.data')."""
    if not parts:
        return "__init__"
    if parts[0] == "core" and len(parts) > 1 and parts[1] in CORE_LAYERS:
        return f"core.{parts[1]}"
    return parts[0]


def module_parts(package_dir, path):
    rel = os.path.relpath(path, package_dir)[:-3].split(os.sep)
    if rel[-1] == "__init__":
        rel = rel[:-1]
    return rel


def imports_of(path, parts, top):
    """[(imported module parts under the root package, line)] for one file."""
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    is_pkg = os.path.basename(path) == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if names[0] == top:
                    out.append((names[1:], node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts if is_pkg else parts[:-1]
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == top:
                target = node.module.split(".")[1:]
            else:
                continue
            if node.module is None or not target:  # from . import a / from lst_fusion import version: names are modules
                out += [(target + [a.name], node.lineno) for a in node.names]
            else:
                out.append((target, node.lineno))
    return out


def graph(package_dir):
    """{(from package, to package): [(file, line), ...]} between different packages."""
    top = os.path.basename(os.path.normpath(package_dir))
    edges = defaultdict(list)
    for d, dirs, files in os.walk(package_dir):
        dirs[:] = sorted(x for x in dirs if x not in SKIP and x != "__pycache__")
        for f in sorted(files):
            if not f.endswith(".py"):
                continue
            path = os.path.join(d, f)
            parts = module_parts(package_dir, path)
            src = unit_of(parts)
            for target, line in imports_of(path, parts, top):
                dst = unit_of(target)
                if dst != src and dst not in SKIP:
                    edges[(src, dst)].append((os.path.relpath(path, os.path.dirname(package_dir)), line))
    return dict(edges)


def module_edges(package_dir):
    """{module: {modules it imports}} inside the package (dotted names below it, a package by its own name; a
    ``from x import name`` counts x.name where it is a module, else x)."""
    top = os.path.basename(os.path.normpath(package_dir))
    paths = {}
    for d, dirs, files in os.walk(package_dir):
        dirs[:] = sorted(x for x in dirs if x not in SKIP and x != "__pycache__")
        for f in sorted(files):
            if f.endswith(".py"):
                path = os.path.join(d, f)
                paths[".".join(module_parts(package_dir, path))] = path
    edges = {m: set() for m in paths}
    for m, path in paths.items():
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), path)
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name.split(".")[1:] for a in node.names if a.name.split(".")[0] == top]
            elif isinstance(node, ast.ImportFrom):
                found = imports_of_node(node, m.split(".") if m else [], path, top)
                if found is not None:  # x.name where it is a module, else x itself (a name defined in x)
                    subs = [found + [a.name] for a in node.names if ".".join(found + [a.name]) in paths]
                    targets = subs + ([found] if len(subs) < len(node.names) else [])
            for t in targets:
                name = ".".join(t)
                if name in paths and name != m and not m.startswith(name + "."):  # a package's own __init__
                    edges[m].add(name)
    return edges


def imports_of_node(node, parts, path, top):
    """The module parts a ``from ... import`` names (relative or absolute), None outside the package."""
    if node.level:
        base = parts if os.path.basename(path) == "__init__.py" else parts[:-1]
        base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
        return base + (node.module.split(".") if node.module else [])
    if node.module and node.module.split(".")[0] == top:
        return node.module.split(".")[1:]
    return None


def circles(edges):
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(out)


def upward(src, dst):
    return LAYERS.get(src, 99) < LAYERS.get(dst, 99)


def report(edges):
    order = sorted(LAYERS, key=lambda k: -LAYERS[k])
    lines = ["order: ui -> algorithms -> series -> validation -> deep -> models -> core (plugin.py on top, version.py at the bottom)", ""]
    key = lambda e: (order.index(e[0]) if e[0] in order else 99, order.index(e[1]) if e[1] in order else 99)
    for src, dst in sorted(edges, key=key):
        where = edges[(src, dst)]
        flag = "   <-- UPWARD" if upward(src, dst) else ""
        lines.append(f"{src:>10} -> {dst:<10} {len(where):3d} import(s){flag}")
        if flag:
            lines += [f"{'':15}{f}:{n}" for f, n in where]
    ups = [e for e in edges if upward(*e)]
    lines += ["", f"{len(ups)} upward arrow(s)" + (": " + ", ".join(f"{a} -> {b}" for a, b in sorted(ups, key=key))
                                                   if ups else "")]
    return "\n".join(lines), ups


def main(argv):
    strict = "--strict" in argv
    args = [a for a in argv if a != "--strict"]
    package = args[0] if args else os.path.join(ROOT, "lst_fusion")
    text, ups = report(graph(package))
    found = circles(module_edges(package))
    print(text)
    print(f"{len(found)} circle(s)" + "".join(f"\n  {' <-> '.join(c)}" for c in found))
    return 1 if strict and (ups or found) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
