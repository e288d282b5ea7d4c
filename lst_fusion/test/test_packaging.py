"""The installable zip: built from git-tracked files, LICENSE and changelog inside, and the plugin
repository's upload checks (plugins.qgis.org validator) applied offline; its scans (Bandit, detect-secrets) find
nothing in the zip and block a zip with a planted finding."""
import configparser
import importlib.util
import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import REPO


def load_package_script():
    spec = importlib.util.spec_from_file_location("lst_package", os.path.join(REPO, "scripts", "package.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


pkg = load_package_script()


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory):
    return pkg.build(str(tmp_path_factory.mktemp("pkg") / "lst_fusion.zip"))


def test_the_built_zip_passes_the_repository_checks(built_zip):
    assert pkg.validate_zip(built_zip) == []
    assert os.path.getsize(built_zip) < pkg.MAX_SIZE


def test_the_zip_holds_exactly_the_tracked_plugin_files_and_the_license(built_zip):
    tracked = subprocess.run(["git", "-C", REPO, "ls-files", "lst_fusion"], capture_output=True, text=True,
                             check=True).stdout.split()
    expected = {n for n in tracked if not n.startswith("lst_fusion/test/")} | {"lst_fusion/LICENSE"}
    with zipfile.ZipFile(built_zip) as z:
        names = set(z.namelist())
        license_text = z.read("lst_fusion/LICENSE").decode("utf-8")
        metadata = z.read("lst_fusion/metadata.txt").decode("utf-8")
    assert names == expected
    assert "lst_fusion/__init__.py" in names and not any("/test/" in n or n.endswith(".pyc") for n in names)
    with open(os.path.join(REPO, "LICENSE"), encoding="utf-8") as fh:
        assert license_text == fh.read()
    assert "GNU GENERAL PUBLIC LICENSE\n                       Version 2, June 1991" in license_text
    assert "any later" in license_text and "END OF TERMS AND CONDITIONS" in license_text
    assert metadata == pkg.synced_metadata()


def test_pyproject_names_the_license_of_the_license_file():
    with open(os.path.join(REPO, "pyproject.toml"), encoding="utf-8") as fh:
        assert 'license = { text = "GPL-2.0-or-later" }' in fh.read()


def test_metadata_changelog_agrees_with_changelog_md():
    """metadata.txt as committed equals what --sync-metadata writes, and lists every CHANGELOG.md item."""
    with open(os.path.join(REPO, "lst_fusion", "metadata.txt"), encoding="utf-8") as fh:
        committed = fh.read()
    assert committed == pkg.synced_metadata(), "run: python3 scripts/package.py --sync-metadata"
    entries = pkg.changelog_entries(pkg.read(os.path.join(REPO, "CHANGELOG.md")))
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string(committed)
    meta = parser["general"]
    assert entries and entries[0][0] == meta["version"], "the newest CHANGELOG.md entry is the metadata version"
    for version, items in entries:
        assert version in meta["changelog"]
        for item in items:
            assert f"- {item}" in meta["changelog"]


def test_changelog_rendering_by_hand():
    md = "# Changelog\n\ntext\n\n## 0.2.0\n\n- b\n  wrapped\n- c\n\n## 0.1.0\n\n- a\n"
    assert pkg.changelog_entries(md) == [("0.2.0", ["b wrapped", "c"]), ("0.1.0", ["a"])]
    meta = "[general]\nname=X\nchangelog=old\n    old line\nicon=i.svg\n"
    assert pkg.with_changelog(meta, md) == ("[general]\nname=X\nchangelog=\n    0.2.0\n    - b wrapped\n    - c\n"
                                            "    0.1.0\n    - a\nicon=i.svg\n")


def test_untracked_stray_files_never_ship(tmp_path):
    root = tmp_path / "repo"
    (root / "lst_fusion" / "test").mkdir(parents=True)
    for name, text in {"lst_fusion/__init__.py": "", "lst_fusion/metadata.txt": "[general]\nname=X\nchangelog=x\n",
                       "lst_fusion/test/test_x.py": "", "LICENSE": "GPL", "CHANGELOG.md": "## 1.0\n\n- a\n"}.items():
        (root / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "."], check=True)
    for stray in (".DS_Store", "plugin.py.orig", "notes.txt"):
        (root / "lst_fusion" / stray).write_text("x")  # untracked
    out = pkg.build(str(tmp_path / "x.zip"), root=str(root))
    with zipfile.ZipFile(out) as z:
        assert sorted(z.namelist()) == ["lst_fusion/LICENSE", "lst_fusion/__init__.py", "lst_fusion/metadata.txt"]
        assert z.read("lst_fusion/metadata.txt").decode() == "[general]\nname=X\nchangelog=\n    1.0\n    - a\n"


GOOD_METADATA = ("[general]\nname=X\nqgisMinimumVersion=3.22\nqgisMaximumVersion=4.99\ndescription=d\nabout=a\nversion=1.0\nauthor=A B\n"
                 "email=a@b.org\ntracker=https://example.org/t\nrepository=https://example.org/r\nexperimental=True\n")


def make_zip(path, files):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return str(path)


def good_files():
    return {"plug/__init__.py": "", "plug/metadata.txt": GOOD_METADATA, "plug/LICENSE": "GPL"}


@pytest.mark.parametrize("change, problem", [
    (lambda f: f, None),
    (lambda f: f.pop("plug/LICENSE"), "plug/LICENSE is missing"),
    (lambda f: f.update({"plug/__pycache__/a.cpython-311.pyc": "x"}), "compiled Python"),
    (lambda f: f.update({"plug/__pycache__/README": "x"}), "inside a forbidden __pycache__ folder"),
    (lambda f: f.update({"plug/.git/HEAD": "x"}), "inside a forbidden .git folder"),
    (lambda f: f.update({"plug/.DS_Store": "x"}), "plug/.DS_Store is a stray file"),
    (lambda f: f.update({"plug/core.py.orig": "x"}), "plug/core.py.orig is a stray file"),
    (lambda f: f.update({"other/x.py": ""}), "exactly one top folder, it holds other, plug"),
    (lambda f: f.update({"plug/metadata.txt": GOOD_METADATA.replace("email=a@b.org\n", "")}),
     "lacks the required field email"),
    (lambda f: f.update({"plug/metadata.txt": GOOD_METADATA.replace("about=a\n", "about=\n")}),
     "lacks the required field about"),
    (lambda f: f.update({"plug/metadata.txt": GOOD_METADATA.replace("https://example.org/t", "http://bugs")}),
     "tracker is not a valid URL"),
    (lambda f: f.update({"plug/metadata.txt": GOOD_METADATA.replace("author=A B", "author=A/B")}),
     "author must not contain '/'"),
    (lambda f: f.update({"plug/metadata.txt": GOOD_METADATA + "icon=icon.png\n"}), "icon icon.png is not in the zip"),
    (lambda f: f.update({"plug/metadata.txt": GOOD_METADATA.replace("qgisMaximumVersion=4.99\n", "")}),
     "lacks qgisMaximumVersion: QGIS reads 3.99"),
    (lambda f: f.update({"plug/metadata.txt": GOOD_METADATA.replace("=4.99", "=3.20")}),
     "qgisMaximumVersion 3.20 is below qgisMinimumVersion 3.22"),
    (lambda f: f.update({"plug/metadata.txt": GOOD_METADATA.replace("=4.99", "=4.x")}),
     "qgisMaximumVersion is not a version: '4.x'"),
])
def test_validator_refuses_each_flaw(tmp_path, change, problem):
    files = good_files()
    change(files)
    problems = pkg.validate_zip(make_zip(tmp_path / "p.zip", files))
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_validator_refuses_an_oversized_zip(tmp_path, monkeypatch):
    path = make_zip(tmp_path / "p.zip", good_files())
    assert pkg.validate_zip(path) == []
    monkeypatch.setattr(pkg, "MAX_SIZE", os.path.getsize(path) - 1)
    assert pkg.validate_zip(path) == [f"the zip is {os.path.getsize(path)} bytes, over the repository's limit of "
                                      f"{os.path.getsize(path) - 1} bytes"]


def test_metadata_lets_qgis_4_load_the_plugin():
    """QGIS 4 and the repository read qgisMaximumVersion (supportsQt6 is deprecated and ignored); the minimum is
    the oldest QGIS the suite runs on (make test: the machine's 3.22)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(os.path.join(REPO, "lst_fusion", "metadata.txt"), encoding="utf-8")
    meta = parser["general"]
    assert (meta["qgisMinimumVersion"], meta["qgisMaximumVersion"]) == ("3.22", "4.99")
    assert "supportsQt6" not in meta


# -- the repository's scans ----------------------------------------------------------------------------------

def test_bandit_and_detect_secrets_find_nothing_in_the_zip(built_zip):
    assert pkg.security_findings(built_zip) == []


# Planted into a copy of the zip's contents: each is a finding of one scan. The fake AWS key is assembled here so
# that this test file itself holds no key-shaped string.
FAKE_AWS_KEY = "AKIA" + "IOSFODNN7" + "EXAMPLE"
PLANTED = {
    "lst_fusion/core/planted_assert.py": "def check(x):\n    assert x > 0, 'x must be positive'\n    return x\n",
    "lst_fusion/core/planted_key.py": f"ACCESS_KEY_ID = {FAKE_AWS_KEY!r}\n",
    "lst_fusion/core/planted_nosec.py": "def parse(text):\n    return eval(text)  # nosec\n",
}


def test_the_gate_fails_on_planted_findings(built_zip, tmp_path):
    """The same files plus an assert, a fake AWS key and a blanket ``# nosec``: ``package.py --check`` (what
    ``make package`` runs after building) exits 1 and names each, with its file and line."""
    mutant = tmp_path / "mutant.zip"
    with zipfile.ZipFile(built_zip) as src, zipfile.ZipFile(mutant, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
        for name, text in PLANTED.items():
            dst.writestr(name, text)
    assert pkg.validate_zip(str(mutant)) == []  # the repository's validator alone lets it through
    res = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "package.py"), "--check", str(mutant)],
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 1, res.stdout + res.stderr
    problems = [line for line in res.stderr.splitlines() if line.startswith("package.py: ")]
    assert any("lst_fusion/core/planted_assert.py:2: Bandit B101 (assert_used" in p for p in problems), problems
    assert any("lst_fusion/core/planted_key.py:1: detect-secrets: a possible AWS Access Key" in p
               for p in problems), problems
    assert any("lst_fusion/core/planted_nosec.py:2: a `# nosec` that names no Bandit test" in p for p in problems)
    assert len(problems) == 3, problems  # nothing else: the rest of the zip is clean
    assert "3 problem(s)" in res.stdout


def test_a_scoped_nosec_is_allowed_and_a_blanket_one_is_not():
    found = [bool(pkg.BLANKET_NOSEC.search(line)) for line in (
        "x = 1  # nosec", "x = 1  # NOSEC", "x = 1  # nosec: reason", "x = 1  # nosec B105", "x = 1  # nosec:B105,B101",
        "x = 1  # no security here")]
    assert found == [True, True, True, False, False, False]


def test_a_missing_scanner_is_a_problem_not_a_pass(tmp_path):
    """Without the tools (an interpreter outside the venv) the gate says how to install them and fails, rather
    than passing unscanned."""
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    python = str(bare / "bin" / "python")
    problems = pkg.security_findings(make_zip(tmp_path / "p.zip", good_files()), python=python)
    assert problems == [f"Bandit: bandit is not installed for {python}: run `make package` (it installs "
                        "requirements.txt into .venv) or `.venv/bin/python scripts/package.py`",
                        f"detect-secrets: detect_secrets is not installed for {python}: run `make package` (it "
                        "installs requirements.txt into .venv) or `.venv/bin/python scripts/package.py`"]
