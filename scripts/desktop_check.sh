#!/usr/bin/env bash
# Install build/lst_fusion.zip into a fresh QGIS profile, start QGIS desktop under Xvfb
# with the plugin enabled, open the panel, run STARFM and an evaluation from it, take
# screenshots and report Python errors and crashes; then, when ../shared/data/kranj exists, run
# the panel's Series section on Kranj and save the Temporal Controller as docs/temporal_controller.png;
# then, when ../shared/data/ranchi exists, fill the Download section, Search a local STAC API serving the
# Ranchi items (lst_fusion/test/stac_server.py, started inside QGIS) and save the dock as docs/download.png;
# then run the Validate section on the raw Ranchi files (classical methods): docs/validate.png and
# docs/validate_report.png (the HTML report rendered with QtWebKit).
#
#   bash scripts/desktop_check.sh [--repeat N] [--load] [--locale LANG] [OUT]
#
# --repeat N: N consecutive desktop runs (each in a fresh profile under OUT/run_K); fails
#             unless every run ends normally (no crash, no timeout, evaluation done, no Python error).
# --load:     keep every CPU core busy with a spinning shell loop meanwhile, as on a loaded machine.
# --locale L: QGIS runs in locale L (e.g. fr: the plugin's French translation); a short run: STARFM and the
#             evaluation, then docs/panel_L.png, panel_L_download.png and panel_L_series.png (the panel at the
#             width QGIS gives it), no Series, Download or Validate run (LSTFUSION_LOCALE=L does the same).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
REPEAT=1
LOAD=0
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) REPEAT=$2; shift 2 ;;
    --load) LOAD=1; shift ;;
    --locale) LSTFUSION_LOCALE=$2; shift 2 ;;
    *) OUT=$1; shift ;;
  esac
done
OUT=${OUT:-$REPO/build/desktop_check}
export LSTFUSION_LOCALE=${LSTFUSION_LOCALE:-}
rm -rf "$OUT" && mkdir -p "$OUT"
/usr/bin/python3 scripts/package.py --no-scan "$OUT/lst_fusion.zip" > /dev/null  # make package runs the scans
# the profile folder of the QGIS that runs here: QGIS3 for 3.x, QGIS4 for 4.x (asked, not assumed)
QGIS_VERSION_LINE=$(QT_QPA_PLATFORM=offscreen qgis --version 2>/dev/null | grep -m1 -E '^QGIS [0-9]+\.' || true)
QGIS_MAJOR=$(echo "$QGIS_VERSION_LINE" | sed -n 's/^QGIS \([0-9][0-9]*\)\..*/\1/p')
[ -n "$QGIS_MAJOR" ] || { echo "FAIL: 'qgis --version' names no QGIS version (is QGIS desktop installed and on PATH?)"; exit 1; }
echo "$QGIS_VERSION_LINE: profile folder QGIS$QGIS_MAJOR"
unset QT_QPA_PLATFORM

LOAD_PIDS=()
stop_load() {
  for pid in "${LOAD_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_load EXIT
if [ "$LOAD" = 1 ]; then
  for _ in $(seq "$(nproc)"); do
    ( while :; do :; done ) &
    LOAD_PIDS+=($!)
  done
  echo "CPU load: ${#LOAD_PIDS[@]} busy loops (pids ${LOAD_PIDS[*]})"
fi

one_run() {  # $1: output folder of this run; returns 0 when the run ended normally
  local run=$1 rc=0
  mkdir -p "$run"
  export HOME=$run/home LSTFUSION_REPO=$REPO LSTFUSION_CHECK_OUT=$run
  export XDG_RUNTIME_DIR=$run/run && mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  local profile=$HOME/.local/share/QGIS/QGIS$QGIS_MAJOR/profiles/default
  mkdir -p "$profile/python/plugins" "$profile/QGIS"
  (cd "$profile/python/plugins" && /usr/bin/python3 -m zipfile -e "$OUT/lst_fusion.zip" .)
  printf '[PythonPlugins]\nlst_fusion=true\n\n[qgis]\ncheckVersion=false\nshowTips=false\n' > "$profile/QGIS/QGIS$QGIS_MAJOR.ini"
  if [ -n "$LSTFUSION_LOCALE" ]; then  # QGIS's own locale setting, which the plugin's translator follows
    printf '\n[locale]\noverrideFlag=true\nuserLocale=%s\n' "$LSTFUSION_LOCALE" >> "$profile/QGIS/QGIS$QGIS_MAJOR.ini"
  fi
  # 900 s: the Validate section on Ranchi now runs auto's inner leave-one-date-out on every outer date (3 inner
  # folds each, issue 38) with thermal sharpening and all-pairs regression among the methods: ~5 min of it alone
  timeout 900 xvfb-run -a -s "-screen 0 1600x1000x24" qgis --noversioncheck --nologo \
    --code "$REPO/scripts/desktop_check.py" > "$run/stdout.txt" 2>&1 || rc=$?
  cat "$run/status.txt" 2>/dev/null || echo "QGIS did not run the check script"
  if [ "$rc" -ne 0 ]; then
    if [ "$rc" -eq 124 ]; then echo "FAIL: QGIS did not finish within 900 s"
    elif [ "$rc" -gt 128 ]; then echo "FAIL: QGIS died on signal $((rc - 128)) (exit $rc)"
    else echo "FAIL: QGIS exited with $rc"; fi
    return 1
  fi
  # Python errors reach stderr (captured in stdout.txt) at start-up and the message log afterwards
  # QGIS 3.40 itself first tries an extent string ("xmin,xmax,ymin,ymax [EPSG:4326]") as a file, and GDAL says so on
  # stderr (native:extenttolayer prints the same): a note, not an error
  local extent_noise='^ERROR: Status 2: File [-0-9.,]+ \[[A-Z]+:[0-9]+\] could not be found$'
  if grep -hiE "Traceback|Python error|Couldn't load plugin|Error" "$run/stdout.txt" "$run/qgis.log" \
      | grep -vE "$extent_noise" > "$run/python_errors.txt"; then
    echo "FAIL: Python errors:"; cat "$run/python_errors.txt"; return 1
  fi
  if grep -qE "$extent_noise" "$run/stdout.txt"; then
    echo "NOTE: $(grep -cE "$extent_noise" "$run/stdout.txt") GDAL line(s) 'File <extent> could not be found' (QGIS 3.40 tries an extent string as a file first), not counted as errors"
  fi
  grep -q "lst_fusion loaded: True" "$run/status.txt" || { echo "FAIL: plugin not loaded"; return 1; }
  if [ -n "$LSTFUSION_LOCALE" ]; then  # the short run: the panel's screenshots in that locale
    [ "$(grep -c "^panel screenshot: /" "$run/status.txt")" -eq 3 ] || { echo "FAIL: not three panel screenshots"; return 1; }
    grep "^panel screenshot: \|^run: " "$run/status.txt"
    echo "No Python error (locale $LSTFUSION_LOCALE); screenshots in $REPO/docs"
    return 0
  fi
  grep -q "^run: Evaluated" "$run/status.txt" || { echo "FAIL: the dock's evaluation did not finish"; return 1; }
  if [ -d "$REPO/../shared/data/kranj" ]; then
    grep -q "^series: Series done" "$run/status.txt" || { echo "FAIL: the dock's Series run did not finish"; return 1; }
    grep -q "^temporal controller screenshot: /" "$run/status.txt" || { echo "FAIL: no Temporal Controller screenshot"; return 1; }
  fi
  if [ -d "$REPO/../shared/data/ranchi/landsat8" ]; then
    grep -q "^download: Search: " "$run/status.txt" || { echo "FAIL: the dock's Search did not finish"; return 1; }
    grep -q "^download table: [1-9][0-9]* rows; rasters written by the search: 0$" "$run/status.txt" \
      || { echo "FAIL: the Download section's table is empty, or the search wrote rasters"; return 1; }
    grep -q "^download screenshot: /" "$run/status.txt" || { echo "FAIL: no Download screenshot"; return 1; }
    grep -q "^validate: Validated on [1-9]" "$run/status.txt" || { echo "FAIL: the dock's Validate run did not finish"; return 1; }
    grep -q "^validate table: [1-9][0-9]* rows" "$run/status.txt" || { echo "FAIL: the Validate section's table is empty"; return 1; }
    grep -q "^validate screenshot: /" "$run/status.txt" || { echo "FAIL: no Validate screenshot"; return 1; }
    if grep -q "^resource warning" "$run/status.txt"; then
      echo "NOTE: $(grep -c "^resource warning" "$run/status.txt") ResourceWarning(s) (unclosed sockets of the STAC search), not counted as errors"
    fi
  fi
  echo "No Python error (stdout/stderr: $(wc -l < "$run/stdout.txt") lines, message log: $(wc -l < "$run/qgis.log") lines); screenshots in $run"
}

failed=0
for k in $(seq "$REPEAT"); do
  run=$OUT
  [ "$REPEAT" -gt 1 ] && run=$OUT/run_$k
  echo "== desktop run $k/$REPEAT"
  if ! one_run "$run"; then failed=$((failed + 1)); fi
done
echo "desktop check: $((REPEAT - failed))/$REPEAT runs ended normally$([ "$LOAD" = 1 ] && echo " under CPU load")"
[ "$failed" -eq 0 ]
