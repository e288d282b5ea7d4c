"""Build build/lst_fusion.zip: the lst_fusion/ folder without tests and caches."""
import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP_DIRS = {"test", "__pycache__"}


def main(out=os.path.join(ROOT, "build", "lst_fusion.zip")):
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".part"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        base = os.path.join(ROOT, "lst_fusion")
        for d, dirs, files in os.walk(base):
            dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
            for f in sorted(files):
                if f.endswith(".pyc"):
                    continue
                p = os.path.join(d, f)
                z.write(p, os.path.relpath(p, ROOT))
    os.replace(tmp, out)
    print(out)


if __name__ == "__main__":
    main(*sys.argv[1:])
