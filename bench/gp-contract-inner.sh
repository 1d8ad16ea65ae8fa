#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh; see bench/gp-contract.sh.
set -euo pipefail
OUT="$1"
. "$(dirname "$0")/lib.sh"
BIN="${PIPELINE_BIN:-$BIN}"
FILE="$OUT/Core GP Contract Q1 2023-24.csv"
rows=$(( $(wc -l < "$FILE") - 1 ))
echo "Core GP Contract Q1 2023-24.csv: $rows rows, $(( $(stat -c %s "$FILE") / 1048576 )) MB"
declare -A t=() m=()
for rep in $(seq "$REPS"); do
  q "DROP SCHEMA IF EXISTS etl, data, api CASCADE; DROP TABLE IF EXISTS ref" 2>/dev/null
  q "CREATE UNLOGGED TABLE ref (quality_service text, practice_code text, practice_name text, ach_date text, ind_code text, measure text, measure_type text, value text)"
  read -r s k < <(timed psql "$DATABASE_URL" -qX -c "\\copy ref FROM '$FILE' CSV HEADER"); t[ref]+="$s "
  export PIPELINE_CACHE_DIR="$OUT/cache-$rep"; rm -rf "$PIPELINE_CACHE_DIR"
  "$BIN" migrate >/dev/null
  read -r s k < <(timed "$BIN" load gp-contract "$FILE" --published 2023-08-10); t[first]+="$s "; [ "${m[first]:-0}" -gt "$k" ] || m[first]=$k
  read -r s k < <(timed "$BIN" load gp-contract "$FILE" --published 2023-08-10); t[same]+="$s "; [ "${m[same]:-0}" -gt "$k" ] || m[same]=$k
done
ref=$(echo "${t[ref]}" | tr ' ' '\n' | grep . | median)
printf "%-44s %9s %9s %8s %10s\n" step "median s" "ref s" ratio "max RSS MB"
for step in "first:first load (one quarter, empty warehouse)" "same:the same file again"; do
  key=${step%%:*}; label=${step#*:}
  med=$(echo "${t[$key]}" | tr ' ' '\n' | grep . | median)
  awk -v s="$label" -v x="$med" -v ref="$ref" -v m="${m[$key]}" 'BEGIN { printf "%-44s %9.2f %9.2f %8.3f %10.1f\n", s, x, ref, x / ref, m / 1024 }'
done
"$BIN" revisions gp-contract | cut -f1-11
