"""The installable zip: built from git-tracked files, LICENSE and changelog inside, and the plugin
repository's upload checks (plugins.qgis.org validator) applied offline."""
import importlib.util
import os
import subprocess
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


GOOD_METADATA = ("[general]\nname=X\nqgisMinimumVersion=3.22\ndescription=d\nabout=a\nversion=1.0\nauthor=A B\n"
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
