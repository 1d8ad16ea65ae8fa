#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh; see bench/dlt.sh.
set -euo pipefail
OUT="$1" VENV="$2"
. "$(dirname "$0")/lib.sh"
name=gp-reg-pat-prac-sing-age-male.csv
d="$OUT/load_$ROWS"
# dlt connects through psycopg2 to the same Unix socket (with work_mem for its scd2 SQL: see
# bench/dlt_load.py).
server="$ETL_TEST_PG_SOCKET_DIR $ETL_TEST_PG_PORT etl etl_test"
columns="publication text, extract_date text, org_type text, sub_icb text, ons text, org text, postcode text, sex text, age text, patients text"
declare -A t=() m=()
keep() { t[$1]+="$2 "; [ "${m[$1]:-0}" -gt "$3" ] || m[$1]=$3; }
for rep in $(seq "$REPS"); do
  q "DROP SCHEMA IF EXISTS etl, data, api, dlt_scd2, dlt_scd2_staging, dlt_merge, dlt_merge_staging CASCADE; DROP TABLE IF EXISTS ref" 2>/dev/null
  q "CREATE UNLOGGED TABLE ref ($columns)"
  read -r s k < <(timed psql "$DATABASE_URL" -qXc "\\copy ref FROM '$d/second/$name' CSV HEADER"); keep ref "$s" "$k"
  q "DROP TABLE ref"
  export PIPELINE_CACHE_DIR="$OUT/cache-dlt-$rep"; rm -rf "$PIPELINE_CACHE_DIR" "$OUT/dlt-state"
  "$BIN" migrate >/dev/null
  read -r s k < <(timed "$BIN" load list-sizes "$d/second/$name" --published 2025-12-01); keep pipeline-first "$s" "$k"
  read -r s k < <(timed "$BIN" load list-sizes "$d/onepct/$name" --published 2025-12-02); keep pipeline-onepct "$s" "$k"
  read -r s k < <(timed "$BIN" load list-sizes "$d/onepct/$name" --published 2025-12-02); keep pipeline-same "$s" "$k"
  for mode in scd2 merge; do
    for step in first:second onepct:onepct same:onepct; do
      read -r s k < <(timed "$VENV/bin/python" bench/dlt_load.py "$mode" "$d/${step#*:}/$name" $server "$OUT/dlt-state"); keep "$mode-${step%%:*}" "$s" "$k"
    done
  done
done
ref=$(echo "${t[ref]}" | tr ' ' '\n' | grep . | median)
echo "$ROWS rows; dlt $("$VENV/bin/python" -c 'import dlt; print(dlt.__version__)'), pyarrow $("$VENV/bin/python" -c 'import pyarrow; print(pyarrow.__version__)')"
printf "%-10s %-36s %9s %9s %8s %10s\n" loader step "median s" "ref s" ratio "max RSS MB"
for loader in pipeline scd2 merge; do
  for row in "first|first load (empty)" "onepct|1 % of values changed" "same|the same file again"; do
    IFS='|' read -r key label <<< "$row"
    med=$(echo "${t[$loader-$key]}" | tr ' ' '\n' | grep . | median)
    case $loader in pipeline) who=pipeline ;; *) who="dlt $loader" ;; esac
    awk -v l="$who" -v s="$label" -v x="$med" -v ref="$ref" -v mm="${m[$loader-$key]}" \
      'BEGIN { printf "%-10s %-36s %9.2f %9.2f %8.2f %10.1f\n", l, s, x, ref, x / ref, mm / 1024 }'
  done
done
q "SELECT 'dlt scd2 rows: ' || count(*) FROM dlt_scd2.sing_age" 2>/dev/null || true
