#!/usr/bin/env bash
# Benchmark for Appointments in General Practice at real volume: a practice-level crosstab zip
# restating three months (ROWS rows each, ~2.2 M as published in 2025), loaded into an empty
# warehouse; then a republished zip whose first two months are unchanged and whose last has
# 1 % of counts changed; then that zip again. Beside `psql \copy` of the same three CSVs into
# an unlogged table, in the same run, on a throwaway cluster with fsync on.
#   bench/appointments.sh [OUTDIR]        ROWS=2200000 REPS=1
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)/appointments"
export ROWS="${ROWS:-2200000}" REPS="${REPS:-1}"
swift build -c release --product pipeline >/dev/null
mkdir -p "$OUT/v1" "$OUT/v2"
if [ ! -f "$OUT/v1/Practice_Level_Crosstab_Oct_25.zip" ] || [ ! -f "$OUT/v2/Practice_Level_Crosstab_Oct_25.zip" ]; then
  for m in Aug:01AUG2025 Sep:01SEP2025 Oct:01OCT2025; do
    python3 bench/gen_appointments.py "$ROWS" "$OUT/v1/Practice_Level_Crosstab_${m%%:*}_25.csv" --month "${m#*:}"
  done
  cp "$OUT/v1/Practice_Level_Crosstab_Aug_25.csv" "$OUT/v1/Practice_Level_Crosstab_Sep_25.csv" "$OUT/v2/"
  python3 bench/gen_appointments.py "$ROWS" "$OUT/v2/Practice_Level_Crosstab_Oct_25.csv" --month 01OCT2025 --changed 1
  (cd "$OUT/v1" && zip -q -6 Practice_Level_Crosstab_Oct_25.zip Practice_Level_Crosstab_{Aug,Sep,Oct}_25.csv)
  (cd "$OUT/v2" && zip -q -6 Practice_Level_Crosstab_Oct_25.zip Practice_Level_Crosstab_{Aug,Sep,Oct}_25.csv)
  sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
fi
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=8GB" exec Tests/with-postgres.sh bench/appointments-inner.sh "$OUT"
