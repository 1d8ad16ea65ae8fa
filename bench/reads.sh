#!/usr/bin/env bash
# Benchmark for readers at history size: MONTHS months of national-size Appointments in General
# Practice (6,300 practices, ROWS rows a month; 12 × 2.2 M ≈ 26 M rows as published in 2025)
# loaded month by month with `pipeline load gp-appointments` after a practice map (ICB and
# region come from it), then each read shape of `api.gp_appointments` timed with pgbench (one
# client, warm cache, DURATION seconds each, random practice/PCN/sub-ICB/ICB/month per query):
# p50 and p95 per shape, storage beside the CSV bytes, and EXPLAIN (ANALYZE, BUFFERS) of each
# shape written to OUT/reads/plans.txt. A throwaway cluster with fsync on.
#   bench/reads.sh [OUTDIR]        ROWS=2200000 MONTHS=12 DURATION=15
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)/reads"
export ROWS="${ROWS:-2200000}" MONTHS="${MONTHS:-12}" DURATION="${DURATION:-15}"
swift build -c release --product pipeline >/dev/null
mkdir -p "$OUT/months"
names=(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
if [ ! -f "$OUT/base-$ROWS.csv" ]; then
  rm -f "$OUT"/months/*.csv
  python3 bench/gen_appointments.py "$ROWS" "$OUT/base-$ROWS.csv" --month 01JAN2025
fi
for m in $(seq 1 "$MONTHS"); do
  f="$OUT/months/Practice_Level_Crosstab_${names[$(( (m - 1) % 12 ))]}_$(( 25 + (m - 1) / 12 )).csv"
  [ -f "$f" ] && continue
  upper=$(echo "${names[$(( (m - 1) % 12 ))]}" | tr a-z A-Z)
  sed "2,\$s/^01JAN2025,/01${upper}20$(( 25 + (m - 1) / 12 )),/" "$OUT/base-$ROWS.csv" > "$f"
done
# The practice map for the practices gen_appointments.py writes (ICB and region per sub-ICB).
python3 bench/gen_practice_map.py "$OUT/gp-reg-pat-prac-map.csv" 01Jan2025 appointments
sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=8GB -c shared_buffers=1GB" exec Tests/with-postgres.sh bench/reads-inner.sh "$OUT"
