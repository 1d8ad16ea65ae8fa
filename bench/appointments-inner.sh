#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh; see bench/appointments.sh.
set -euo pipefail
OUT="$1"
. "$(dirname "$0")/lib.sh"
rows=$(( $(wc -l < "$OUT/v1/Practice_Level_Crosstab_Aug_25.csv") * 3 - 3 ))
inflated=$(unzip -l "$OUT/v1/Practice_Level_Crosstab_Oct_25.zip" | tail -1 | awk '{print $1}')
echo "zip: 3 months, $rows rows, $(( inflated / 1048576 )) MB inflated, $(( $(stat -c %s "$OUT/v1/Practice_Level_Crosstab_Oct_25.zip") / 1048576 )) MB compressed"
declare -A t=() m=()
for rep in $(seq "$REPS"); do
  q "DROP SCHEMA IF EXISTS etl, data, api CASCADE; DROP TABLE IF EXISTS ref" 2>/dev/null
  q "CREATE UNLOGGED TABLE ref (month text, gp_code text, gp_name text, supplier text, pcn text, pcn_name text, sub_icb text, sub_icb_name text, hcp_type text, appt_mode text, national_category text, time_between text, count text, status text)"
  read -r s k < <(timed psql "$DATABASE_URL" -qX -c "\\copy ref FROM '$OUT/v1/Practice_Level_Crosstab_Aug_25.csv' CSV HEADER" \
    -c "\\copy ref FROM '$OUT/v1/Practice_Level_Crosstab_Sep_25.csv' CSV HEADER" -c "\\copy ref FROM '$OUT/v1/Practice_Level_Crosstab_Oct_25.csv' CSV HEADER")
  t[ref]+="$s "
  export PIPELINE_CACHE_DIR="$OUT/cache-$rep"; rm -rf "$PIPELINE_CACHE_DIR"
  "$BIN" migrate >/dev/null
  read -r s k < <(timed "$BIN" load gp-appointments "$OUT/v1/Practice_Level_Crosstab_Oct_25.zip" --published 2025-11-27); t[first]+="$s "; [ "${m[first]:-0}" -gt "$k" ] || m[first]=$k
  read -r s k < <(timed "$BIN" load gp-appointments "$OUT/v2/Practice_Level_Crosstab_Oct_25.zip" --published 2025-12-01); t[restated]+="$s "; [ "${m[restated]:-0}" -gt "$k" ] || m[restated]=$k
  read -r s k < <(timed "$BIN" load gp-appointments "$OUT/v2/Practice_Level_Crosstab_Oct_25.zip" --published 2025-12-01); t[same]+="$s "; [ "${m[same]:-0}" -gt "$k" ] || m[same]=$k
done
ref=$(echo "${t[ref]}" | tr ' ' '\n' | grep . | median)
printf "%-44s %9s %9s %8s %10s\n" step "median s" "ref s" ratio "max RSS MB"
for step in "first:first load (3 months, empty warehouse)" "restated:republished: 2 months same, 1 changed 1%" "same:the same zip again"; do
  key=${step%%:*}; label=${step#*:}
  med=$(echo "${t[$key]}" | tr ' ' '\n' | grep . | median)
  awk -v s="$label" -v x="$med" -v ref="$ref" -v m="${m[$key]}" 'BEGIN { printf "%-44s %9.2f %9.2f %8.3f %10.1f\n", s, x, ref, x / ref, m / 1024 }'
done
"$BIN" revisions gp-appointments | cut -f1-11
