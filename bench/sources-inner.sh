#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh; see bench/sources.sh.
set -euo pipefail
OUT="$1"
. "$(dirname "$0")/lib.sh"
BIN="${PIPELINE_BIN:-$BIN}"
NW="$OUT/nwrs-$NWRS_PRACTICES"; OC="$OUT/oc-$OC_PRACTICES-$OC_MONTHS"; GP="$OUT/gpps-$GPPS_PRACTICES"; CB="$OUT/cbt-$CBT_PRACTICES"
nwrs_file=$(ls "$NW"/*Detailed.csv)
oc_files=("$OC"/*_regions.csv)
gpps_file="$GP/GPPS_2025_Practice_data_(weighted)_(csv)_PUBLIC.csv"
cbt_file=$(ls "$CB"/*"By Day and Time.csv")
echo "nwrs: $NWRS_PRACTICES practices x $(head -1 "$nwrs_file" | tr ',' '\n' | wc -l) columns, $(( $(stat -c %s "$nwrs_file") / 1048576 )) MB; $(wc -l < "$NW/ref.csv") long rows"
echo "online-consultations: $OC_PRACTICES practices x $OC_MONTHS months x 9 metrics, $(wc -l < "$OC/ref.csv") rows, $(( $(cat "${oc_files[@]}" | wc -c) / 1048576 )) MB"
echo "gp-patient-survey: $GPPS_PRACTICES practices x $(head -1 "$gpps_file" | tr ',' '\n' | wc -l) columns, $(( $(stat -c %s "$gpps_file") / 1048576 )) MB; $(wc -l < "$GP/ref.csv") long rows"
echo "cloud-telephony: $CBT_PRACTICES practices x 31 days x 3 indicators x 23 time bands, $(( $(wc -l < "$cbt_file") - 1 )) rows, $(( $(stat -c %s "$cbt_file") / 1048576 )) MB"
declare -A t=() m=()
run() {  # key, command...: appends the time and keeps the highest RSS
  local key=$1; shift
  read -r s k < <(timed "$@"); t[$key]+="$s "; [ "${m[$key]:-0}" -gt "$k" ] || m[$key]=$k
}
for rep in $(seq "$REPS"); do
  q "DROP SCHEMA IF EXISTS etl, data, api CASCADE; DROP TABLE IF EXISTS ref_nwrs, ref_oc, ref_gpps, ref_cbt" 2>/dev/null
  q "CREATE UNLOGGED TABLE ref_nwrs (practice text, measure text, value text)"
  q "CREATE UNLOGGED TABLE ref_oc (month text, gp_code text, gp_name text, pcn text, pcn_name text, sub_icb text, sub_icb_name text, icb text, icb_name text, region text, region_name text, supplier text, metric text, value text)"
  run nwrs_ref psql "$DATABASE_URL" -qX -c "\\copy ref_nwrs FROM '$NW/ref.csv' CSV"
  run oc_ref psql "$DATABASE_URL" -qX -c "\\copy ref_oc FROM '$OC/ref.csv' CSV"
  q "CREATE UNLOGGED TABLE ref_gpps (practice text, measure text, value text)"
  q "CREATE UNLOGGED TABLE ref_cbt (date text, practice text, pcn text, sub_icb text, indicator text, band text, value text)"
  run gpps_ref psql "$DATABASE_URL" -qX -c "\\copy ref_gpps FROM '$GP/ref.csv' CSV"
  run cbt_ref psql "$DATABASE_URL" -qX -c "\\copy ref_cbt FROM '$cbt_file' CSV HEADER"
  export PIPELINE_CACHE_DIR="$OUT/cache-$rep"; rm -rf "$PIPELINE_CACHE_DIR"
  "$BIN" migrate >/dev/null
  run nwrs_first "$BIN" load nwrs "$nwrs_file" --published 2025-11-27
  run nwrs_same "$BIN" load nwrs "$nwrs_file" --published 2025-11-27
  run oc_first "$BIN" load online-consultations "${oc_files[@]}" --published 2025-12-11
  run oc_same "$BIN" load online-consultations "${oc_files[@]}" --published 2025-12-11
  run gpps_first "$BIN" load gp-patient-survey "$gpps_file" --published 2025-07-10
  run gpps_same "$BIN" load gp-patient-survey "$gpps_file" --published 2025-07-10
  run cbt_first "$BIN" load cloud-telephony "$cbt_file" --published 2025-12-11
  run cbt_same "$BIN" load cloud-telephony "$cbt_file" --published 2025-12-11
done
med() { echo "${t[$1]}" | tr ' ' '\n' | grep . | median; }
printf "%-52s %9s %9s %8s %10s\n" step "median s" "ref s" ratio "max RSS MB"
for step in "nwrs_first:nwrs_ref:nwrs: detailed CSV, empty warehouse" "nwrs_same:nwrs_ref:nwrs: the same file again" \
            "oc_first:oc_ref:online-consultations: back-series, empty warehouse" "oc_same:oc_ref:online-consultations: the same files again" \
            "gpps_first:gpps_ref:gp-patient-survey: 2025 CSV, empty warehouse" "gpps_same:gpps_ref:gp-patient-survey: the same file again" \
            "cbt_first:cbt_ref:cloud-telephony: by day and time, empty warehouse" "cbt_same:cbt_ref:cloud-telephony: the same file again"; do
  key=${step%%:*}; rest=${step#*:}; ref=${rest%%:*}; label=${rest#*:}
  awk -v s="$label" -v x="$(med "$key")" -v r="$(med "$ref")" -v mm="${m[$key]}" 'BEGIN { printf "%-52s %9.2f %9.2f %8.3f %10.1f\n", s, x, r, x / r, mm / 1024 }'
done
echo "reference peak RSS MB: nwrs $(( ${m[nwrs_ref]} / 1024 )), online-consultations $(( ${m[oc_ref]} / 1024 )), gp-patient-survey $(( ${m[gpps_ref]} / 1024 )), cloud-telephony $(( ${m[cbt_ref]} / 1024 ))"
"$BIN" revisions nwrs | cut -f1-11 | head -5
"$BIN" revisions online-consultations | cut -f1-11 | head -12
"$BIN" revisions gp-patient-survey | cut -f1-11 | head -5
"$BIN" revisions cloud-telephony | cut -f1-11 | head -5
