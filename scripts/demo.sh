#!/usr/bin/env bash
# The main job on the bundled real sample, through qgis_process:
# import -> gap fill -> resample -> ESTARFM / STARFM / deep models -> evaluation -> the daily series,
# then a leave-one-date-out validation (the validation core, scripts/demo_validate.py) on the bundled three-pair
# Kranj reflectance series.
# Called by `make demo` (which sets QGIS_PROCESS and PYTHONPATH).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
S=$ROOT/lst_fusion/resources/sample
OUT=${DEMO_OUTPUT:-$ROOT/demo_output}
QP=${QGIS_PROCESS:-$(command -v qgis_process.bin || command -v qgis_process)}
export QGIS_PLUGINPATH=$ROOT QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
rm -rf "$OUT" && mkdir -p "$OUT"/{imported,filled,resampled,predictions,evaluation}
run() { # run ALG KEY=VALUE...; quiet unless it fails
  local alg=$1; shift
  local args=("$@")
  if ! "$QP" run "lstfusion:$alg" -- "${args[@]}" > "$OUT/last.log" 2>&1; then
    cat "$OUT/last.log"; echo "lstfusion:$alg failed" >&2; exit 1; fi
  grep -E "^(CLEAR_PERCENT|FILLED_|RMSE)" "$OUT/last.log" | tr '\n' ' ' || true
}
"$QP" plugins enable lst_fusion > /dev/null 2>&1 || true
echo "== 1. import (sample is already in Kelvin: SCALE=1, OFFSET=0) -> degC"
for f in "$S"/modis/*.tif; do d=$(basename "$f" .tif | grep -o '[0-9]\{8\}$')
  echo -n "  MODIS $d: "; run import_modis INPUT="$f" SCALE=1 OFFSET=0 USE_QC=false OUTPUT="$OUT/imported/M_$d.tif"; echo; done
for f in "$S"/landsat/*.tif; do d=$(basename "$f" .tif | grep -o '[0-9]\{8\}$')
  echo -n "  Landsat $d: "; run import_landsat INPUT="$f" SCALE=1 OFFSET=0 OUTPUT="$OUT/imported/L_$d.tif"; echo; done
echo "== 2. gap filling (temporal+spatial)"
for f in "$OUT"/imported/*.tif; do b=$(basename "$f"); others=()
  for g in "$OUT"/imported/${b:0:1}_*.tif; do [ "$g" != "$f" ] && others+=("OTHER_DATES=$g"); done
  echo -n "  $b: "; run gapfill INPUT="$f" "${others[@]}" OUTPUT="$OUT/filled/$b"; echo; done
echo "== 3. resample MODIS onto the Landsat grid (bicubic)"
for f in "$OUT"/filled/M_*.tif; do b=$(basename "$f"); [[ $b == *.filled.tif ]] && continue  # gapfill's markers
  run resample INPUT="$f" REFERENCE="$OUT/filled/L_20160205.tif" METHOD=0 OUTPUT="$OUT/resampled/$b"; echo "  $b"; done
cp "$OUT"/filled/L_*.tif "$OUT/resampled/"
R=$OUT/resampled P=$OUT/predictions
echo "== 4. 2016-02-18 (MODIS only, no Landsat that day): ESTARFM from both pairs, the deep models with their bundled checkpoints"
TWO=(COARSE_TARGET="$R/M_20160218.tif" FINE_REF1="$R/L_20160205.tif" COARSE_REF1="$R/M_20160205.tif" \
  FINE_REF2="$R/L_20160308.tif" COARSE_REF2="$R/M_20160308.tif")
run estarfm "${TWO[@]}" OUTPUT="$P/ESTARFM_20160218.tif"; echo "  ESTARFM"
cons=("PREDICTIONS=$P/ESTARFM_20160218.tif")
for m in edcstfn sttfn mlffgan ganstfm swinstfm; do
  if [ ! -f "$ROOT/lst_fusion/resources/checkpoints/$m.pt" ]; then echo "  $m: no bundled checkpoint, skipped"; continue; fi
  args=("${TWO[@]:0:3}")                                 # one-pair models: the nearest pair (2016-02-05)
  [ $m = ganstfm ] && args=("${TWO[@]:0:2}")
  [ $m = sttfn ] && args=("${TWO[@]}")
  run predict_$m "${args[@]}" OUTPUT="$P/${m}_20160218.tif"; echo "  $m (bundled checkpoint)"
  cons+=("PREDICTIONS=$P/${m}_20160218.tif")
done
echo "== 5. one held-out date: STARFM (no training) predicts 2016-03-08 from the 2016-02-05 pair"
run starfm COARSE_TARGET="$R/M_20160308.tif" FINE_REF1="$R/L_20160205.tif" COARSE_REF1="$R/M_20160205.tif" \
  OUTPUT="$P/STARFM_20160308.tif"; echo "  STARFM"
echo "== 6. evaluation"
run compare_methods PREDICTIONS="$P/STARFM_20160308.tif" REFERENCE="$R/L_20160308.tif" \
  COARSE_TARGET="$R/M_20160308.tif" FINE_REF1="$R/L_20160205.tif" COARSE_REF1="$R/M_20160205.tif" \
  SUBREGIONS="$S/subregions.geojson" NAME_FIELD=name \
  OUTPUT_TABLE="$OUT/evaluation/compare_20160308.csv" OUTPUT_HTML="$OUT/evaluation/compare_20160308.html"
run compare_methods "${cons[@]}" REFERENCE="$R/M_20160218.tif" \
  OUTPUT_TABLE="$OUT/evaluation/consistency_20160218.csv" OUTPUT_HTML="$OUT/evaluation/consistency_20160218.html"
echo "== 7. the daily series: fuse_series (ESTARFM, as is and +RC) on the three MODIS dates, pairs chosen per date"
modis=() landsat=()
for f in "$R"/M_*.tif; do modis+=("MODIS=$f"); done
for f in "$R"/L_*.tif; do landsat+=("LANDSAT=$f"); done
run fuse_series "${modis[@]}" "${landsat[@]}" METHOD=0 OUTPUT="$OUT/series"; echo "  ESTARFM: $(ls "$OUT"/series/LST_*.tif | wc -l) dated rasters"
run fuse_series "${modis[@]}" "${landsat[@]}" METHOD=0 RESIDUAL_CORRECTION=1 OUTPUT="$OUT/series_rc"
echo "  ESTARFM +RC (MODIS footprint): $(ls "$OUT"/series_rc/LST_*.tif | wc -l) dated rasters"
echo
echo "Two same-day pairs are not enough for a leave-one-date-out accuracy test of ESTARFM or the deep models"
echo "(benchmarks/experiment.py --site ranchi/kranj does that on real series). The bundled checkpoints were"
echo "trained on 2016-02-05 and 2016-03-08, so no deep model is scored on those dates here."
echo
echo "2016-03-08 against its real Landsat LST (degC):"
/usr/bin/python3 "$ROOT/scripts/print_table.py" "$OUT/evaluation/compare_20160308.csv"
echo
echo "2016-02-18 against that day's MODIS (consistency with MODIS, not accuracy: no Landsat exists that day):"
/usr/bin/python3 "$ROOT/scripts/print_table.py" "$OUT/evaluation/consistency_20160218.csv"
echo
echo "What the sample shows well: the daily series of its three MODIS dates, next to MODIS. +RC (RESIDUAL_CORRECTION"
echo "= MODIS footprint) keeps MODIS's day-to-day change and 1 km pattern (by construction: each 1 km block's mean is"
echo "MODIS's) and adds the fine detail (std above MODIS's). As is, ESTARFM follows Landsat's level, which is 4.5 K"
echo "above MODIS on 2016-03-08, so its change to 2016-02-18 is about twice MODIS's:"
/usr/bin/python3 "$ROOT/scripts/series_table.py" ESTARFM="$OUT/series" "ESTARFM +RC=$OUT/series_rc" "$R"/M_*.tif
echo
echo "== 8. validation (leave-one-date-out) on a real series of three same-day pairs: Kranj, Slovenia, 2020"
echo "   NEAR-INFRARED REFLECTANCE, NOT LST (the one small real 3-pair series that may be shipped: ImageFusion R"
echo "   package, BSD-3, lst_fusion/resources/kranj/SOURCE.md). 2020-03-17's Landsat is hidden and predicted from"
echo "   2020-03-08 and 2020-04-02 only; each method against both baselines, RMSE in reflectance (0-1):"
/usr/bin/python3 "$ROOT/scripts/demo_validate.py" "$OUT/validation" | sed 's/^/  /'
echo
echo "Reports: $OUT/evaluation/*.html, $OUT/series*/series_report.html, $OUT/validation/validation.html"
