"""Build build/lst_fusion.zip from the git-tracked files of lst_fusion/ (tests excluded) and check it.

    python3 scripts/package.py [OUT.zip]       build, then apply the plugin repository's checks
    python3 scripts/package.py --sync-metadata  rewrite metadata.txt's ``changelog`` from CHANGELOG.md

Only files that ``git ls-files lst_fusion`` lists go into the zip, so stray files
in the working tree (``.DS_Store``, ``*.orig``, caches, local outputs) never ship.
The root ``LICENSE`` is added as ``lst_fusion/LICENSE`` and ``metadata.txt``'s
``changelog`` is written from ``CHANGELOG.md``.

:func:`validate_zip` applies, offline, the checks that plugins.qgis.org's upload
validator makes (size, paths, forbidden folders and ``.pyc``, one top folder
named like a package, ``__init__.py`` and ``metadata.txt`` with the required
fields, URLs, ``LICENSE``), plus a few of our own (no ``.DS_Store``, ``*.orig``,
``*.rej``, editor backups, tests). It returns the problems, one sentence each.
"""
import configparser
import os
import re
import subprocess
import sys
import zipfile
from urllib.parse import urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "lst_fusion"
EXCLUDED_DIRS = {"test", "__pycache__"}  # path components never shipped

# plugins.qgis.org (qgis/QGIS-Django, plugins/validator.py)
MAX_SIZE = 25_000_000  # bytes
REQUIRED_METADATA = ("name", "description", "version", "qgisMinimumVersion", "author", "email", "about",
                     "tracker", "repository")
BOOLEAN_METADATA = ("experimental", "deprecated", "server")
FORBIDDEN_DIRS = ("__MACOSX", ".git", "__pycache__")
PLACEHOLDER_URLS = {"tracker": "http://bugs", "repository": "http://repo", "homepage": "http://homepage"}
# ours
FORBIDDEN_NAMES = (".DS_Store", "Thumbs.db", ".gitignore")
FORBIDDEN_SUFFIXES = (".pyo", ".orig", ".rej", ".bak", ".swp", "~")


# -- changelog ---------------------------------------------------------------------------------------
def changelog_entries(markdown):
    """[(version, [item, ...]), ...] from ``## VERSION`` headings and their ``- item`` bullets, newest first."""
    entries = []
    for line in markdown.splitlines():
        heading = re.match(r"^##\s+(\S+)", line)
        if heading:
            entries.append((heading.group(1), []))
        elif entries and line.startswith("- "):
            entries[-1][1].append(line[2:].strip())
        elif entries and entries[-1][1] and line.startswith("  ") and line.strip():
            entries[-1][1][-1] += " " + line.strip()  # wrapped bullet
    return entries


def metadata_changelog(markdown):
    """The value of metadata.txt's ``changelog`` (continuation lines, one per version and item)."""
    lines = []
    for version, items in changelog_entries(markdown):
        lines.append(f"{version}")
        lines += [f"- {item}" for item in items]
    return "\n".join("    " + x for x in lines)


def with_changelog(metadata_text, markdown):
    """metadata.txt's text with its ``changelog`` field (and continuation lines) replaced from CHANGELOG.md."""
    out, skipping = [], False
    for line in metadata_text.splitlines():
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        if line.startswith("changelog="):
            out.append("changelog=")
            out.append(metadata_changelog(markdown))
            skipping = True
            continue
        out.append(line)
    if not any(x.startswith("changelog=") for x in out):
        out += ["changelog=", metadata_changelog(markdown)]
    return "\n".join(out) + "\n"


def read(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def synced_metadata(root=ROOT):
    return with_changelog(read(os.path.join(root, PACKAGE, "metadata.txt")), read(os.path.join(root, "CHANGELOG.md")))


# -- building ----------------------------------------------------------------------------------------
def tracked_files(root=ROOT):
    """Git-tracked files under lst_fusion/ (repository-relative, '/'), tests and caches excluded."""
    try:
        res = subprocess.run(["git", "-C", root, "ls-files", "-z", "--", PACKAGE], check=True,
                             capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"package.py: cannot list the tracked files with git ({exc}); build from a git checkout")
    names = [n for n in res.stdout.decode("utf-8").split("\0") if n]
    return sorted(n for n in names if not EXCLUDED_DIRS & set(n.split("/")[1:-1])
                  and os.path.isfile(os.path.join(root, n)))


def _add(z, name, data):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # reproducible zip
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


def build(out=os.path.join(ROOT, "build", "lst_fusion.zip"), root=ROOT):
    """Write the plugin zip atomically; return its path."""
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".part"
    files = tracked_files(root)
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name in files:
            if name == f"{PACKAGE}/metadata.txt":
                _add(z, name, synced_metadata(root).encode("utf-8"))
            else:
                with open(os.path.join(root, name), "rb") as fh:
                    _add(z, name, fh.read())
        if f"{PACKAGE}/LICENSE" not in files:
            with open(os.path.join(root, "LICENSE"), "rb") as fh:
                _add(z, f"{PACKAGE}/LICENSE", fh.read())
    os.replace(tmp, out)
    return out


# -- checking ----------------------------------------------------------------------------------------
def validate_zip(path):
    """Problems the plugin repository (and we) would refuse the zip for; [] when it passes."""
    problems = []
    size = os.path.getsize(path)
    if size > MAX_SIZE:
        problems.append(f"the zip is {size} bytes, over the repository's limit of {MAX_SIZE} bytes")
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return problems + ["the file is not a zip"]
    with z:
        names = z.namelist()
        if not names:
            return problems + ["the zip is empty"]
        bad = z.testzip()
        if bad:
            problems.append(f"{bad} is corrupt in the zip (CRC error)")
        for n in names:
            parts = [p for p in n.split("/") if p]
            base = parts[-1] if parts else n
            if ".." in n or n.startswith("/"):
                problems.append(f"{n} has path information ('..' or a leading '/')")
            if ".pyc" in n:
                problems.append(f"{n} is compiled Python (.pyc)")
            for d in FORBIDDEN_DIRS:
                if d in parts:
                    problems.append(f"{n} is inside a forbidden {d} folder")
            if base in FORBIDDEN_NAMES or base.endswith(FORBIDDEN_SUFFIXES):
                problems.append(f"{n} is a stray file that must not ship")
            if "test" in parts[1:-1]:
                problems.append(f"{n} is a test file")
        tops = sorted({n.split("/")[0] for n in names})
        if len(tops) != 1 or "/" not in names[0]:
            return problems + [f"the zip must hold exactly one top folder, it holds {', '.join(tops)}"]
        top = tops[0]
        if not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", top):
            problems.append(f"the top folder {top!r} must start with an ASCII letter and hold only letters, digits, - and _")
        for required in ("__init__.py", "metadata.txt", "LICENSE"):
            if f"{top}/{required}" not in names:
                problems.append(f"{top}/{required} is missing")
        if f"{top}/metadata.txt" in names:
            problems += _check_metadata(z.read(f"{top}/metadata.txt").decode("utf-8"), z, top, names)
    return problems


def _check_metadata(text, z, top, names):
    problems = []
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        return [f"metadata.txt cannot be parsed: {exc}"]
    if not parser.has_section("general"):
        return ["metadata.txt has no [general] section"]
    meta = {k: v.strip() for k, v in parser.items("general")}
    for field in REQUIRED_METADATA:
        if not meta.get(field):
            problems.append(f"metadata.txt lacks the required field {field}")
    for field in BOOLEAN_METADATA:
        if field in meta and meta[field].lower() not in ("true", "false", "1", "0", "yes", "no"):
            problems.append(f"metadata.txt field {field} is not a boolean: {meta[field]!r}")
    for field, placeholder in PLACEHOLDER_URLS.items():
        url = meta.get(field)
        if url is None:
            continue
        parsed = urlparse(url)
        if url == placeholder or not (parsed.scheme and parsed.netloc):
            problems.append(f"metadata.txt field {field} is not a valid URL: {url!r}")
    if "/" in meta.get("author", ""):
        problems.append("metadata.txt field author must not contain '/'")
    if not re.match(r"^\d+\.\d+(\.\d+)?$", meta.get("qgisMinimumVersion", "")):
        problems.append(f"metadata.txt qgisMinimumVersion is not a version: {meta.get('qgisMinimumVersion')!r}")
    icon = meta.get("icon", "")
    if icon and f"{top}/{icon.lstrip('./')}" not in names:
        problems.append(f"metadata.txt icon {icon} is not in the zip")
    return problems


def main(argv):
    if argv[:1] == ["--sync-metadata"]:
        path = os.path.join(ROOT, PACKAGE, "metadata.txt")
        text = synced_metadata()  # read before the file is opened for writing
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"{path}: changelog written from CHANGELOG.md")
        return 0
    out = build(*argv[:1])
    problems = validate_zip(out)
    for p in problems:
        print(f"package.py: {p}", file=sys.stderr)
    with zipfile.ZipFile(out) as z:
        n = len(z.namelist())
    print(f"{out}: {n} files, {os.path.getsize(out)} bytes, " + ("passes the plugin repository checks" if not problems
                                                                 else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
