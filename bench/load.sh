#!/usr/bin/env bash
# Benchmark for the revision-tracked loader, beside `psql \copy` of the same CSV into an
# unlogged table without keys, measured in the same run on a throwaway PostgreSQL cluster
# (fsync on, as in production). Per size: a first load into an empty warehouse, the same file
# with 1 % of values changed, that file again (fingerprint hit), and a fresh copy of it (a new
# inode: read, hashed and compared again). Each step is run REPS times, interleaved with the
# reference, a CHECKPOINT before each measurement; medians are reported.
#   bench/load.sh [OUTDIR]        SIZES="1000000 5000000" REPS=3
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)"
export SIZES="${SIZES:-1000000 5000000}" REPS="${REPS:-3}"
swift build -c release --product pipeline >/dev/null
for rows in $SIZES; do
  base="$OUT/syoa_$rows/gp-reg-pat-prac-sing-age-male.csv"; onepct="$OUT/syoa_${rows}_1pct/gp-reg-pat-prac-sing-age-male.csv"
  mkdir -p "$(dirname "$base")" "$(dirname "$onepct")"
  [ -f "$base" ] && [ -f "$onepct" ] || python3 bench/gen_single_age.py "$rows" "$base" --changed 1 "$onepct"
done
sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=4GB" exec Tests/with-postgres.sh bench/load-inner.sh "$OUT"
