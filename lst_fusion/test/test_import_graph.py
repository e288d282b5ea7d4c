"""scripts/import_graph.py: package-to-package imports and upward arrows, on a made-up package and on this one."""
import importlib.util
import os

from .conftest import REPO

spec = importlib.util.spec_from_file_location("import_graph", os.path.join(REPO, "scripts", "import_graph.py"))
ig = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ig)


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_edges_and_upward_arrows_of_a_made_up_package(tmp_path):
    pkg = tmp_path / "pkg"
    write(pkg, {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/a.py": "import os\n\ndef f():\n    from ..models import m  # lazy, still an arrow\n",
        "core/b.py": "from . import a\nfrom .a import f\n",
        "models/__init__.py": "",
        "models/m.py": "from ..core import a\nimport pkg.core.b\n",
        "ui/__init__.py": "from pkg.algorithms import x\n",
        "algorithms/x.py": "from ..ui import something\nfrom pkg import version\n",
        "version.py": "",
        "test/test_x.py": "from ..ui import z\n",
    })
    edges = ig.graph(str(pkg))
    assert {k: len(v) for k, v in edges.items()} == {
        ("core", "models"): 1, ("models", "core"): 2, ("ui", "algorithms"): 1, ("algorithms", "ui"): 1,
        ("algorithms", "version"): 1}
    assert edges[("core", "models")] == [("pkg/core/a.py", 4)]
    text, ups = ig.report(edges)
    assert sorted(ups) == [("algorithms", "ui"), ("core", "models")]
    assert "core -> models       1 import(s)   <-- UPWARD" in text and "pkg/core/a.py:4" in text
    assert text.endswith("2 upward arrow(s): algorithms -> ui, core -> models")
    assert ig.main([str(pkg)]) == 0 and ig.main(["--strict", str(pkg)]) == 1


def test_this_package_has_no_new_upward_arrow():
    """ui -> algorithms -> series -> deep -> models -> core: no arrow points back up (training, checkpoints,
    prediction and patches live in deep/, the series engine in series/, the optional back-ends in
    core/platform/backends.py)."""
    edges = ig.graph(os.path.join(REPO, "lst_fusion"))
    _, ups = ig.report(edges)
    assert ups == []
    assert ("deep", "models") in edges and ("models", "core.platform") in edges
    assert not any(a.startswith("core") and not b.startswith("core") and b != "version" for a, b in edges)
    # inside core: evaluation -> fusion -> data -> platform (io and safety no longer import each other)
    assert ("core.platform", "core.data") not in edges and ("core.data", "core.fusion") not in edges
    assert ("core.evaluation", "core.fusion") in edges and ("core.fusion", "core.data") in edges
    assert ("algorithms", "core.data") in edges and ("ui", "algorithms") in edges
    assert ("algorithms", "series") in edges and ("series", "deep") in edges and ("series", "core.fusion") in edges
    assert ("deep", "series") not in edges and ("core", "series") not in edges
    assert ig.upward("deep", "series") and not ig.upward("series", "deep") and not ig.upward("algorithms", "series")


def test_module_circles_are_found_lazy_imports_included(tmp_path):
    pkg = tmp_path / "pkg"
    write(pkg, {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/a.py": "def f():\n    from .b import g  # lazy: still a circle\n",
        "core/b.py": "from . import a\n",
        "core/c.py": "from .a import f\nfrom pkg.core import b\n",
    })
    edges = ig.module_edges(str(pkg))
    assert edges["core.a"] == {"core.b"} and edges["core.b"] == {"core.a"} and edges["core.c"] == {"core.a", "core.b"}
    assert ig.circles(edges) == [["core.a", "core.b"]]
    assert ig.main(["--strict", str(pkg)]) == 1
    (pkg / "core" / "a.py").write_text("def f():\n    return 1\n")
    assert ig.circles(ig.module_edges(str(pkg))) == [] and ig.main(["--strict", str(pkg)]) == 0


def test_this_package_has_no_module_circle():
    assert ig.circles(ig.module_edges(os.path.join(REPO, "lst_fusion"))) == []
