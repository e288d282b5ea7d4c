"""Parameter and output names are the constants of lst_fusion/algorithms/names.py, never string literals.

(a) Every parameter and output name of every algorithm of the registered provider is a constant of
    names.py whose value is its own name, and names.py holds no other constant.
(b) No module of lst_fusion/algorithms (except names.py) or lst_fusion/ui writes such a name as a
    string literal.

The rule of (b), checked with ``ast``: a ``str`` constant that equals a name of the provider is a use
of that name wherever it stands: an argument of a parameter constructor, ``parameterAs*``,
``addOutput``, ``LstFusionError`` or ``read_raster``, a dict key (result and provenance dicts,
PARAM_HELP, COMMON_HELP), a subscript, ``.get(``, an ``in`` test, a tuple or list of names, a whole
constant inside an f-string (``f"{res['DATE']}"``). So is a keyword argument named like one
(``dict(params, WINDOW=...)``, ``params.update(SUBREGIONS=...)``). Two contexts hold strings that
equal a name without being one, and are left alone:

* the Toolbox search words: the value assigned to a name ending in ``TAGS`` (``TAGS``,
  ``PROVIDER_TAGS``, ``GROUP_TAGS``, a ``"TAGS"`` key), e.g. "MODIS", "QC", "RMSE";
* a key read from a raster's provenance metadata, ``<raster>.tags.get(...)`` or
  ``<raster>.tags[...]``: the GDAL tag ``METHOD`` of core/data/provenance.py holds the method's name,
  it is not the ``METHOD`` parameter.

Prose is out of reach of this rule (help text, or a message such as "MODIS: give ..." is not equal to
a name); messages that start with a name build it from the constant by hand.
"""
import ast
import glob
import os

from .conftest import REPO

PACKAGE = os.path.join(REPO, "lst_fusion")


def provider_names(provider):
    """{name: [where]} for every parameter and output of every algorithm of the provider."""
    out = {}
    for alg in provider.algorithms():
        for d in alg.parameterDefinitions():
            out.setdefault(d.name(), []).append(f"{alg.name()} parameter")
        for d in alg.outputDefinitions():
            out.setdefault(d.name(), []).append(f"{alg.name()} output")
    return out


def _reads_tags(expr):
    """``x.tags`` or ``(x.tags or {})``: a raster's provenance metadata."""
    if isinstance(expr, ast.Attribute):
        return expr.attr == "tags"
    return isinstance(expr, ast.BoolOp) and any(_reads_tags(v) for v in expr.values)


def _exempt_nodes(tree):
    """ids of the nodes the rule leaves alone (see the module docstring)."""
    exempt = set()

    def all_of(node):
        exempt.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id.endswith("TAGS") for t in targets):
                all_of(node.value)
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str) and k.value.endswith("TAGS"):
                    all_of(v)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and _reads_tags(node.func.value) and node.args):
            all_of(node.args[0])
        elif isinstance(node, ast.Subscript) and _reads_tags(node.value):
            all_of(node.slice)
    return exempt


def literal_names(source, names):
    """[(line, name)] of the parameter-name literals and keywords in ``source`` (the rule of the docstring)."""
    tree = ast.parse(source)
    exempt = _exempt_nodes(tree)
    hits = []
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
            hits.append((node.lineno, node.value))
        elif isinstance(node, ast.keyword) and node.arg in names:
            hits.append((node.value.lineno, node.arg))
    return sorted(hits)


def scanned_modules():
    files = glob.glob(os.path.join(PACKAGE, "algorithms", "*.py")) + glob.glob(os.path.join(PACKAGE, "ui", "*.py"))
    return sorted(f for f in files if os.path.basename(f) != "names.py")


def test_every_name_of_the_provider_is_a_constant_of_names(provider):
    from lst_fusion.algorithms import names

    used = provider_names(provider)
    assert len(used) > 50  # the provider's algorithms are there
    constants = {k: v for k, v in vars(names).items() if k.isupper() and isinstance(v, str)}
    missing = sorted(n for n in used if n not in constants)
    assert not missing, f"names used by the provider but not constants of names.py: {missing}"
    wrong = sorted(k for k, v in constants.items() if v != k)
    assert not wrong, f"constants of names.py whose value is not their name: {wrong}"
    unused = sorted(set(constants) - set(used))
    assert not unused, f"constants of names.py no algorithm uses: {unused}"


def test_names_takes_the_roles_and_metrics_from_their_tables():
    from lst_fusion.algorithms import names
    from lst_fusion.core.data import roles
    from lst_fusion.core.evaluation import metrics

    assert [getattr(names, p) for p in roles.PARAMETERS] == list(roles.PARAMETERS)
    assert [getattr(names, m) for m in metrics.METRICS] == list(metrics.METRICS)


def test_no_algorithm_or_ui_module_writes_a_parameter_name_as_a_literal(provider):
    names = set(provider_names(provider))
    modules = scanned_modules()
    assert any(m.endswith(os.path.join("ui", "dock.py")) for m in modules)
    assert any(m.endswith(os.path.join("algorithms", "base.py")) for m in modules)
    found = []
    for path in modules:
        with open(path, encoding="utf-8") as fh:
            found += [f"{os.path.relpath(path, REPO)}:{line}: {name!r}" for line, name in literal_names(fh.read(), names)]
    assert not found, "parameter names written as literals (use lst_fusion/algorithms/names.py):\n" + "\n".join(found)


def test_the_rule_catches_each_kind_of_use_and_leaves_the_tags_alone():
    source = '''
TAGS = ("MODIS", "QC")
GROUP_TAGS = {"evaluation": ("RMSE",)}
class A:
    TAGS = ("MODIS",)
    PARAM_HELP = {"INPUT": "the MODIS raster"}
    def initAlgorithm(self):
        self.addParameter(QgsProcessingParameterFile("QC", "QC raster"))
    def execute(self, parameters, context, r, res):
        x = self.parameterAsFile(parameters, "MODIS", context)
        if "QC" in parameters or parameters.get("RMSE"):
            raise LstFusionError("INPUT", "message")
        method = r.tags.get("METHOD") or (r.tags or {}).get("METHOD") or r.tags["METHOD"]
        params = dict(params, INPUT=1)
        text = f"{res['QC']}: done"
        return {"OUTPUT": r["INPUT"], "INPUT": [ "QC" ]}
type("B", (A,), {"TAGS": ("MODIS", "QC")})
'''
    hits = literal_names(source, {"MODIS", "QC", "RMSE", "INPUT", "OUTPUT", "METHOD"})
    assert hits == [(6, "INPUT"), (8, "QC"), (10, "MODIS"), (11, "QC"), (11, "RMSE"), (12, "INPUT"), (14, "INPUT"),
                    (15, "QC"), (16, "INPUT"), (16, "INPUT"), (16, "OUTPUT"), (16, "QC")]
