#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh (ETL_TEST_DATABASE_URL set); see bench/load.sh.
set -euo pipefail
OUT="$1"; BIN=.build/release/pipeline
export DATABASE_URL="$ETL_TEST_DATABASE_URL" PIPELINE_CACHE_DIR="$OUT/cache"
rm -rf "$OUT/cache"
t() {  # runs a command, prints "seconds peak_rss_kb"
  local line; line=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null; } 2>&1 | tail -1 ); echo "$line"
}
printf "%-9s %-26s %9s %9s %8s %10s\n" rows step seconds "ref s" ratio "RSS MB"
for rows in $SIZES; do
  base="$OUT/syoa_$rows/gp-reg-pat-prac-sing-age-male.csv"; onepct="$OUT/syoa_${rows}_1pct/gp-reg-pat-prac-sing-age-male.csv"
  psql "$DATABASE_URL" -qc "DROP SCHEMA IF EXISTS etl, data, api CASCADE; DROP TABLE IF EXISTS ref" 2>/dev/null
  psql "$DATABASE_URL" -qc "CREATE UNLOGGED TABLE ref (publication text, extract_date text, org_type text, sub_icb text, ons text, org text, postcode text, sex text, age text, patients text)"
  read -r ref _ < <(t psql "$DATABASE_URL" -qc "\\copy ref FROM '$base' CSV HEADER")
  $BIN migrate >/dev/null
  report() { awk -v r="$rows" -v s="$1" -v x="$2" -v ref="$ref" -v m="$3" 'BEGIN { printf "%-9s %-26s %9.2f %9.2f %8.3f %10.1f\n", r, s, x, ref, x / ref, m / 1024 }'; }
  read -r s m < <(t $BIN load list-sizes "$base" --published 2025-11-01); report "first load (empty)" "$s" "$m"
  read -r s m < <(t $BIN load list-sizes "$onepct" --published 2025-11-02); report "1% of values changed" "$s" "$m"
  read -r s m < <(t $BIN load list-sizes "$onepct" --published 2025-11-02); report "identical (fingerprint)" "$s" "$m"
  cp "$onepct" "$onepct.copy.csv"; sleep 2
  read -r s m < <(t $BIN load list-sizes "$onepct.copy.csv" --published 2025-11-02); report "identical (fresh copy)" "$s" "$m"
  rm -f "$onepct.copy.csv"
  $BIN revisions list-sizes | tail -n +2 | cut -f1-11 | sed 's/^/          /'
done
