"""Build build/lst_fusion.zip from the git-tracked files of lst_fusion/ (tests excluded) and check it.

    .venv/bin/python scripts/package.py [OUT.zip]       build, then apply the plugin repository's checks and scans
    .venv/bin/python scripts/package.py --check ZIP     the same checks and scans on an existing zip
    python3 scripts/package.py --no-scan [OUT.zip]      build and check without Bandit/detect-secrets (desktop_check)
    python3 scripts/package.py --sync-metadata          rewrite metadata.txt's ``changelog`` from CHANGELOG.md

Only files that ``git ls-files lst_fusion`` lists go into the zip, so stray files
in the working tree (``.DS_Store``, ``*.orig``, caches, local outputs) never ship.
The root ``LICENSE`` is added as ``lst_fusion/LICENSE`` and ``metadata.txt``'s
``changelog`` is written from ``CHANGELOG.md``.

:func:`validate_zip` applies, offline, the checks that plugins.qgis.org's upload
validator makes (size, paths, forbidden folders and ``.pyc``, one top folder
named like a package, ``__init__.py`` and ``metadata.txt`` with the required
fields, URLs, ``LICENSE``), plus a few of our own (no ``.DS_Store``, ``*.orig``,
``*.rej``, editor backups, tests). It returns the problems, one sentence each.

:func:`security_findings` runs what the repository scans every upload with, Bandit (every test, every severity
and confidence) and detect-secrets (``scan --all-files``), over the zip's extracted contents, and returns each
finding as one sentence; a finding blocks ``make package``. So does a ``# nosec`` that names no Bandit test
(a scoped ``# nosec B105`` on a false positive is allowed) and any ``pragma: allowlist secret``. Both tools
come from requirements.txt (``make package`` installs the venv first).
"""
import configparser
import json
import os
import re
import subprocess
import sys
import tempfile
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


def _version_tuple(text):
    return tuple(int(x) for x in text.split("."))


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
    version = re.compile(r"^\d+\.\d+(\.\d+)?$")
    minimum, maximum = meta.get("qgisMinimumVersion", ""), meta.get("qgisMaximumVersion")
    if not version.match(minimum):
        problems.append(f"metadata.txt qgisMinimumVersion is not a version: {meta.get('qgisMinimumVersion')!r}")
    # ours: without a maximum QGIS reads <major of the minimum>.99, so QGIS 4 refuses a 3.x plugin and the
    # repository does not list it for 4.x
    if maximum is None:
        problems.append(f"metadata.txt lacks qgisMaximumVersion: QGIS reads {minimum.split('.')[0]}.99 and a later "
                        "major version refuses the plugin (the repository advises 4.99 for QGIS 3 and 4)")
    elif not version.match(maximum):
        problems.append(f"metadata.txt qgisMaximumVersion is not a version: {maximum!r}")
    elif version.match(minimum) and _version_tuple(maximum) < _version_tuple(minimum):
        problems.append(f"metadata.txt qgisMaximumVersion {maximum} is below qgisMinimumVersion {minimum}")
    icon = meta.get("icon", "")
    if icon and f"{top}/{icon.lstrip('./')}" not in names:
        problems.append(f"metadata.txt icon {icon} is not in the zip")
    return problems


# -- the repository's security scans -----------------------------------------------------------------------
SCAN_TIMEOUT = 600  # seconds for each tool
BLANKET_NOSEC = re.compile(r"#\s*nosec\b(?!\s*:?\s*B\d{3})", re.IGNORECASE)  # `# nosec` naming no test
ALLOWLIST_SECRET = re.compile(r"pragma:\s*allowlist[ -]secret", re.IGNORECASE)


def _tool(python, module, args, cwd):
    """Run ``python -m module args``; (stdout, None) or (None, one sentence why not)."""
    try:
        res = subprocess.run([python, "-m", module, *args], cwd=cwd, capture_output=True, text=True,
                             timeout=SCAN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, f"{module} did not finish within {SCAN_TIMEOUT} s"
    if res.returncode not in (0, 1) or not res.stdout.strip():  # bandit: 1 = findings
        last = (res.stderr.strip().splitlines() or ["no output"])[-1]
        if "No module named" in res.stderr:
            return None, (f"{module} is not installed for {python}: run `make package` (it installs "
                          f"requirements.txt into .venv) or `.venv/bin/python scripts/package.py`")
        return None, f"{module} failed (exit {res.returncode}): {last}"
    return res.stdout, None


def security_findings(path, python=sys.executable):
    """Bandit and detect-secrets findings over the zip's extracted contents, one sentence each; [] when clean.
    ``python``: the interpreter that has both tools (this one by default)."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="lst_fusion_scan_") as tmp:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():  # validate_zip refuses '..' and absolute names; extract only safe ones
                if ".." in name.split("/") or name.startswith("/"):
                    return [f"{name} has path information; not extracted for the scans"]
            z.extractall(tmp)
        out, err = _tool(python, "bandit", ["-r", ".", "-f", "json", "-q"], tmp)
        if err:
            problems.append(f"Bandit: {err}")
        else:
            report = json.loads(out)
            for r in report.get("results", []):
                problems.append(f"{os.path.normpath(r['filename'])}:{r['line_number']}: Bandit {r['test_id']} "
                                f"({r['test_name']}, severity {r['issue_severity'].lower()}): {r['issue_text']}")
            for e in report.get("errors", []):
                problems.append(f"{os.path.normpath(e['filename'])}: Bandit could not scan it: {e['reason']}")
        out, err = _tool(python, "detect_secrets", ["scan", "--all-files", "."], tmp)
        if err:
            problems.append(f"detect-secrets: {err}")
        else:
            for fname, secrets in sorted(json.loads(out).get("results", {}).items()):
                for sec in secrets:
                    problems.append(f"{os.path.normpath(fname)}:{sec['line_number']}: detect-secrets: a possible "
                                    f"{sec['type']}")
        for d, _, files in os.walk(tmp):
            for f in sorted(files):
                if not f.endswith((".py", ".txt", ".json", ".md", ".cfg", ".ini", ".yml", ".yaml", ".toml")):
                    continue
                full = os.path.join(d, f)
                with open(full, encoding="utf-8", errors="replace") as fh:
                    for i, line in enumerate(fh, 1):
                        rel = os.path.relpath(full, tmp)
                        if f.endswith(".py") and BLANKET_NOSEC.search(line):
                            problems.append(f"{rel}:{i}: a `# nosec` that names no Bandit test hides every finding "
                                            "on its line; fix the code or name the one test (e.g. `# nosec B105`)")
                        if ALLOWLIST_SECRET.search(line):
                            problems.append(f"{rel}:{i}: `pragma: allowlist secret` hides a detect-secrets finding; "
                                            "no secret ships in the plugin")
    return problems


def check(path, scan=True):
    """Everything ``make package`` refuses a zip for: the repository's validator, then (``scan``) its scans."""
    problems = validate_zip(path)
    if scan and not any("has path information" in p or p == "the file is not a zip" for p in problems):
        problems += security_findings(path)
    return problems


def main(argv):
    if argv[:1] == ["--sync-metadata"]:
        path = os.path.join(ROOT, PACKAGE, "metadata.txt")
        text = synced_metadata()  # read before the file is opened for writing
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"{path}: changelog written from CHANGELOG.md")
        return 0
    scan = "--no-scan" not in argv
    argv = [a for a in argv if a != "--no-scan"]
    if argv[:1] == ["--check"]:
        if len(argv) != 2 or not os.path.isfile(argv[1]):
            print("package.py: --check takes one existing zip file", file=sys.stderr)
            return 2
        out = argv[1]
    else:
        out = build(*argv[:1])
    problems = check(out, scan)
    for p in problems:
        print(f"package.py: {p}", file=sys.stderr)
    with zipfile.ZipFile(out) as z:
        n = len(z.namelist())
    passed = "passes the plugin repository checks" + (", Bandit and detect-secrets: 0 findings" if scan else
                                                      " (scans skipped: --no-scan)")
    print(f"{out}: {n} files, {os.path.getsize(out)} bytes, " + (passed if not problems
                                                                 else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
