#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh; see bench/oc-reads.sh.
set -euo pipefail
OC="$1" OUT="$2"
. "$(dirname "$0")/lib.sh"
BIN="${PIPELINE_BIN:-$BIN}"
export PATH="$ETL_TEST_PG_BIN:$PATH" PIPELINE_CACHE_DIR="$OUT/cache"
rm -rf "$PIPELINE_CACHE_DIR"
"$BIN" migrate >/dev/null
read -r s k < <(timed "$BIN" load online-consultations "$OC"/*_regions.csv --published 2025-12-11)
echo "loaded $OC_MONTHS months of $OC_PRACTICES practices in $s s"
q "VACUUM ANALYZE" >/dev/null   # what autovacuum leaves a reader with
q "SELECT 'data + indexes: ' || string_agg(c.relname || ' ' || pg_size_pretty(pg_total_relation_size(c.oid)), ', ' ORDER BY c.relname)
   FROM pg_class c WHERE c.relnamespace = 'data'::regnamespace AND c.relkind = 'r' AND c.relname LIKE 'online_consultations%'"
first=$(( 11 - OC_MONTHS + 1 ))
vars='\set m random('"$first"', 11)
\set p random(0, '"$(( OC_PRACTICES - 1 ))"')
\set x random(1, 9)'
practice="'Y' || lpad(:p::text, 5, '0')"
metric="(ARRAY['OC_SYSTEM_USAGE', 'OC_PARTICIPATION', 'OC_CAPABILITY', 'OC_TOTAL_SUBMISSIONS', 'OC_SUBMISSION_TYPE_CLINICAL', 'OC_SUBMISSION_TYPE_ADMIN', 'OC_SUBMISSION_TYPE_OTHER', 'OC_RATE_PER_1000_REGISTERED_PATIENTS', 'PATIENTS_REGISTERED'])[:x]"
declare -a shapes=(
  "a practice (all months)|SELECT * FROM api.online_consultations WHERE practice = $practice"
  "a practice-month|SELECT * FROM api.online_consultations WHERE month = make_date(2025, :m, 1) AND practice = $practice"
  "a month|SELECT * FROM api.online_consultations WHERE month = make_date(2025, :m, 1)"
  "a metric (all months)|SELECT * FROM api.online_consultations WHERE metric = $metric"
  "a metric in a month|SELECT * FROM api.online_consultations WHERE month = make_date(2025, :m, 1) AND metric = $metric"
  "unfiltered count|SELECT count(*) FROM api.online_consultations"
)
time_read_shapes "$vars" 's/:m/6/g; s/:p/1234/g; s/:x/3/g' "${shapes[@]}"
