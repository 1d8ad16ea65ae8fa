#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh; see bench/pcn-des-reads.sh.
set -euo pipefail
OUT="$1"
. "$(dirname "$0")/lib.sh"
BIN="${PIPELINE_BIN:-$BIN}"
export PATH="$ETL_TEST_PG_BIN:$PATH"
export PIPELINE_CACHE_DIR="$OUT/cache"
rm -rf "$PIPELINE_CACHE_DIR"
"$BIN" migrate >/dev/null
"$BIN" load ods "$OUT/epcncorepartnerdetails.csv" --period 2024-10 >/dev/null
"$BIN" load list-sizes "$OUT/gp-reg-pat-prac-map.csv" --published 2024-08-08 >/dev/null
echo "loading $MONTHS months"
for f in $(ls -tr "$OUT"/months/*.csv); do
  read -r s k < <(timed "$BIN" load pcn-des "$f" --published 2024-10-10)
  printf "  %-40s %6.1f s  %5.0f MB\n" "$(basename "$f")" "$s" "$(( k / 1024 ))"
done
q "VACUUM ANALYZE" >/dev/null   # what autovacuum leaves a reader with
q "SELECT 'data.' || relname || ': ' || pg_size_pretty(pg_total_relation_size(c.oid)) FROM pg_class c
   WHERE relnamespace = 'data'::regnamespace AND relkind = 'r' AND relname LIKE 'pcn_des%' ORDER BY 1"
echo
last=$(( 9 - MONTHS + 1 ))
vars='\set m random('"$last"', 9)
\set p random(0, 6299)
\set q random(0, 1259)
\set i random(0, 41)
\set n random(1, 66)'
month="make_date(2024, :m, 1)"
practice="substr('ABCDEFGHJKLMNPY', :p % 15 + 1, 1) || (81001 + :p / 15)::text"
# An indicator by its rank among the 66 of the 2024-25 metadata (every month has each).
codes=$(python3 -c "import csv, sys; r = csv.reader(open(sys.argv[1], encoding='utf-8-sig')); h = next(r); i = h.index('INDICATOR_ID')
print(','.join(\"'%s'\" % c for c in sorted({f[i] for f in r if f})))" Fixtures/publisher/files.digital.nhs.uk/F0/6EE7F1/NCD_metadata_2024-25.csv)
indicator="(ARRAY[$codes])[:n]"
declare -a shapes=(
  "practice-month|SELECT * FROM api.pcn_des WHERE month = $month AND practice = $practice"
  "PCN-month|SELECT * FROM api.pcn_des WHERE month = $month AND pcn = 'U' || (10000 + :q)::text"
  "ICB-month|SELECT * FROM api.pcn_des WHERE month = $month AND icb = 'QH' || :i"
  "ICB, every month|SELECT * FROM api.pcn_des WHERE icb = 'QH' || :i"
  "indicator-month|SELECT * FROM api.pcn_des WHERE month = $month AND indicator = $indicator"
  "practice, indicator, every month|SELECT * FROM api.pcn_des WHERE practice = $practice AND indicator = $indicator"
  "date (a whole month, count)|SELECT count(*), sum(value) FROM api.pcn_des WHERE date = ($month + interval '1 month' - interval '1 day')::date"
)
# An example of each shape: the first month, practice 0, PCN 0, ICB 0, indicator 1.
time_read_shapes "$vars" "s/:m/$last/g; s/:p/0/g; s/:q/0/g; s/:i/0/g; s/:n/1/g" "${shapes[@]}"
