#!/usr/bin/env bash
# Benchmark for the revision-tracked loader on what users do, each step beside `psql \copy` of
# the same CSV into an unlogged table without keys, measured in the same run on a throwaway
# PostgreSQL cluster (fsync on, autovacuum as it comes, no ANALYZE by hand). Per size, a
# single-year-of-age-shaped month (97 ages per practice):
#   - a first load into an empty warehouse; the next month right after it; that month
#     republished with 1 % of its values changed, right after; the same file again
#     (fingerprint hit); a fresh copy of it (a new inode: read, hashed, recognised);
#   - after HISTORY other months are in the table: a new month, then its 1 % republication.
# Each step is run REPS times (interleaved with the reference, a CHECKPOINT before each
# measurement); medians are reported with the peak RSS of the step.
#   bench/load.sh [OUTDIR]        SIZES="1200000 5000000" REPS=3 HISTORY=24
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)"
export SIZES="${SIZES:-1200000 5000000}" REPS="${REPS:-3}" HISTORY="${HISTORY:-24}"
swift build -c release --product pipeline >/dev/null
name=gp-reg-pat-prac-sing-age-male.csv
for rows in $SIZES; do
  d="$OUT/load_$rows"
  mkdir -p "$d/first" "$d/second" "$d/onepct"
  [ -f "$d/first/$name" ] || python3 bench/gen_single_age.py "$rows" "$d/first/$name" --date 2025-10-01
  [ -f "$d/second/$name" ] && [ -f "$d/onepct/$name" ] ||
    python3 bench/gen_single_age.py "$rows" "$d/second/$name" --changed 1 "$d/onepct/$name" --date 2025-11-01
done
sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=4GB" exec Tests/with-postgres.sh bench/load-inner.sh "$OUT"
