#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh; see bench/reads.sh.
set -euo pipefail
OUT="$1"
. "$(dirname "$0")/lib.sh"
export PATH="$ETL_TEST_PG_BIN:$PATH"
export PIPELINE_CACHE_DIR="$OUT/cache"
if [ -z "${REUSE:-}" ]; then  # REUSE=1: the history is loaded already (timing read shapes again)
rm -rf "$PIPELINE_CACHE_DIR"
"$BIN" migrate >/dev/null
"$BIN" load list-sizes "$OUT/gp-reg-pat-prac-map.csv" --published 2025-02-13 >/dev/null
csv_bytes=0; rows=0
echo "loading $MONTHS months of $ROWS rows"
for f in $(ls "$OUT"/months/*.csv | sort -t_ -k5,5n -k4,4M); do
  read -r s k < <(timed "$BIN" load gp-appointments "$f")
  csv_bytes=$(( csv_bytes + $(stat -c %s "$f") )); rows=$(( rows + $(wc -l < "$f") - 1 ))
  printf "  %-40s %6.1f s  %5.0f MB\n" "$(basename "$f")" "$s" "$(( k / 1024 ))"
done
q "VACUUM ANALYZE data.gp_appointments" >/dev/null   # what autovacuum leaves a reader with
table=$(q "SELECT pg_table_size('data.gp_appointments')"); indexes=$(q "SELECT pg_indexes_size('data.gp_appointments')")
# The same rows as published, in an unlogged keyless table (the `\copy` reference of the load benchmarks).
q "CREATE UNLOGGED TABLE ref (month text, gp_code text, gp_name text, supplier text, pcn text, pcn_name text, sub_icb text, sub_icb_name text, hcp_type text, appt_mode text, national_category text, time_between text, count text, status text)"
for f in "$OUT"/months/*.csv; do psql "$DATABASE_URL" -qXc "\\copy ref FROM '$f' CSV HEADER"; done
ref=$(q "SELECT pg_table_size('ref')"); q "DROP TABLE ref"
echo
fi
[ -n "${REUSE:-}" ] && { rows=0; csv_bytes=0; for f in "$OUT"/months/*.csv; do csv_bytes=$(( csv_bytes + $(stat -c %s "$f") )); done; table=$(q "SELECT pg_table_size('data.gp_appointments')"); indexes=$(q "SELECT pg_indexes_size('data.gp_appointments')"); ref=0; }
awk -v r="$rows" -v c="$csv_bytes" -v t="$table" -v i="$indexes" -v ref="$ref" 'BEGIN {
  printf "storage: %d rows, CSV %.0f MB; data.gp_appointments %.0f MB + indexes %.0f MB = %.3f× the CSV (an unlogged keyless copy: %.0f MB, %.2f×)\n",
    r, c / 1048576, t / 1048576, i / 1048576, (t + i) / c, ref / 1048576, ref / c }'
echo
# Each shape: pgbench variables (month, practice p, PCN q, sub-ICB s, ICB i, line offset k), then the query.
vars='\set m random(1, '"$(( MONTHS < 12 ? MONTHS : 12 ))"')
\set p random(0, 6299)
\set q random(0, 1259)
\set s random(0, 99)
\set i random(0, 41)
\set k random(1, 340)'
month="make_date(2025, :m, 1)"
practice="substr('ABCDEFGHJKLMNPY', :p % 15 + 1, 1) || (81000 + :p)::text"
per=$(( (ROWS + 6299) / 6300 ))
declare -a shapes=(
  "practice-month|SELECT * FROM api.gp_appointments WHERE month = $month AND practice = $practice"
  "PCN-month|SELECT * FROM api.gp_appointments WHERE month = $month AND pcn = 'U' || (10000 + :q)::text"
  "sub-ICB-month|SELECT * FROM api.gp_appointments WHERE month = $month AND sub_icb = lpad(:s::text, 2, '0') || substr('ABCDEFGHJK', :s % 10 + 1, 1)"
  "ICB-month|SELECT * FROM api.gp_appointments WHERE month = $month AND icb = 'QH' || :i"
  "page of a month (keyset, 100 rows)|SELECT * FROM api.gp_appointments WHERE month = $month AND practice >= $practice AND (practice, line) > ($practice, 2 + :p * $per + :k) ORDER BY practice, line LIMIT 100"
  "page of a month (OFFSET 10000)|SELECT * FROM api.gp_appointments WHERE month = $month ORDER BY practice, line OFFSET 10000 LIMIT 100"
  "count, ICB-month (rows)|SELECT count(*) FROM api.gp_appointments WHERE month = $month AND icb = 'QH' || :i"
  "count, ICB-month (segment metadata)|SELECT sum(row_count), sum(appointments) FROM api.gp_appointments_practice_months WHERE month = $month AND icb = 'QH' || :i"
  "count, sub-ICB-month (segment metadata)|SELECT sum(row_count), sum(appointments) FROM api.gp_appointments_practice_months WHERE month = $month AND sub_icb = lpad(:s::text, 2, '0') || substr('ABCDEFGHJK', :s % 10 + 1, 1)"
)
time_read_shapes "$vars" 's/:m/6/g; s/:p/3150/g; s/:q/630/g; s/:s/42/g; s/:i/17/g; s/:k/170/g' "${shapes[@]}"
