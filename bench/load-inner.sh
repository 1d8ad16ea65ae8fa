#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh (ETL_TEST_DATABASE_URL set); see bench/load.sh.
set -euo pipefail
OUT="$1"
. "$(dirname "$0")/lib.sh"
printf "%-9s %-28s %9s %9s %8s %10s\n" rows step "median s" "ref s" ratio "max RSS MB"
for rows in $SIZES; do
  base="$OUT/syoa_$rows/gp-reg-pat-prac-sing-age-male.csv"; onepct="$OUT/syoa_${rows}_1pct/gp-reg-pat-prac-sing-age-male.csv"
  declare -A t=() m=()
  for rep in $(seq "$REPS"); do
    q "DROP SCHEMA IF EXISTS etl, data, api CASCADE; DROP TABLE IF EXISTS ref" 2>/dev/null
    q "CREATE UNLOGGED TABLE ref (publication text, extract_date text, org_type text, sub_icb text, ons text, org text, postcode text, sex text, age text, patients text)"
    read -r s k < <(timed psql "$DATABASE_URL" -qXc "\\copy ref FROM '$base' CSV HEADER"); t[ref]+="$s "; m[ref]=$k
    export PIPELINE_CACHE_DIR="$OUT/cache-$rep"; rm -rf "$PIPELINE_CACHE_DIR"
    "$BIN" migrate >/dev/null
    read -r s k < <(timed "$BIN" load list-sizes "$base" --published 2025-11-01); t[first]+="$s "; [ "${m[first]:-0}" -gt "$k" ] || m[first]=$k
    read -r s k < <(timed "$BIN" load list-sizes "$onepct" --published 2025-11-02); t[onepct]+="$s "; [ "${m[onepct]:-0}" -gt "$k" ] || m[onepct]=$k
    read -r s k < <(timed "$BIN" load list-sizes "$onepct" --published 2025-11-02); t[same]+="$s "; [ "${m[same]:-0}" -gt "$k" ] || m[same]=$k
    cp "$onepct" "$OUT/copy.csv"; touch -d '-1 minute' "$OUT/copy.csv"
    mkdir -p "$OUT/copy-$rep"; mv "$OUT/copy.csv" "$OUT/copy-$rep/gp-reg-pat-prac-sing-age-male.csv"
    read -r s k < <(timed "$BIN" load list-sizes "$OUT/copy-$rep/gp-reg-pat-prac-sing-age-male.csv" --published 2025-11-02); t[copy]+="$s "; [ "${m[copy]:-0}" -gt "$k" ] || m[copy]=$k
    rm -rf "$OUT/copy-$rep"
  done
  ref=$(echo "${t[ref]}" | tr ' ' '\n' | grep . | median)
  for step in "first:first load (empty warehouse)" "onepct:1% of values changed" "same:identical (fingerprint)" "copy:identical (fresh copy, re-read)"; do
    key=${step%%:*}; label=${step#*:}
    med=$(echo "${t[$key]}" | tr ' ' '\n' | grep . | median)
    awk -v r="$rows" -v s="$label" -v x="$med" -v ref="$ref" -v m="${m[$key]}" 'BEGIN { printf "%-9s %-28s %9.2f %9.2f %8.3f %10.1f\n", r, s, x, ref, x / ref, m / 1024 }'
  done
  "$BIN" revisions list-sizes | tail -n +2 | cut -f1-11 | sed 's/^/            /' | tail -2
  unset t m
done
