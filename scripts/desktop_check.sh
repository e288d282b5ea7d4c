#!/usr/bin/env bash
# Install build/lst_fusion.zip into a fresh QGIS profile, start QGIS desktop under Xvfb
# with the plugin enabled, open the panel, take screenshots and report Python errors.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
OUT=${1:-$REPO/build/desktop_check}
rm -rf "$OUT" && mkdir -p "$OUT"
export HOME=$OUT/home LSTFUSION_REPO=$REPO LSTFUSION_CHECK_OUT=$OUT
export XDG_RUNTIME_DIR=$OUT/run && mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
PROFILE=$HOME/.local/share/QGIS/QGIS3/profiles/default
mkdir -p "$PROFILE/python/plugins" "$PROFILE/QGIS"
/usr/bin/python3 scripts/package.py "$OUT/lst_fusion.zip" > /dev/null
(cd "$PROFILE/python/plugins" && /usr/bin/python3 -m zipfile -e "$OUT/lst_fusion.zip" .)
printf '[PythonPlugins]\nlst_fusion=true\n\n[qgis]\ncheckVersion=false\nshowTips=false\n' > "$PROFILE/QGIS/QGIS3.ini"
unset QT_QPA_PLATFORM
timeout 120 xvfb-run -a -s "-screen 0 1600x1000x24" qgis --noversioncheck --nologo --code "$REPO/scripts/desktop_check.py" \
  > "$OUT/stdout.txt" 2>&1 || true
cat "$OUT/status.txt" 2>/dev/null || echo "QGIS did not run the check script"
# Python errors reach stderr (captured in stdout.txt) at start-up and the message log afterwards
if grep -hiE "Traceback|Python error|Couldn't load plugin|Error" "$OUT/stdout.txt" "$OUT/qgis.log" > "$OUT/python_errors.txt"; then
  echo "Errors:"; cat "$OUT/python_errors.txt"; exit 1
fi
grep -q "lst_fusion loaded: True" "$OUT/status.txt"
echo "No Python error (stdout/stderr: $(wc -l < "$OUT/stdout.txt") lines, message log: $(wc -l < "$OUT/qgis.log") lines); screenshots in $OUT"
