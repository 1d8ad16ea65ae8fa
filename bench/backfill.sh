#!/usr/bin/env bash
# Benchmark for a backfill: `pipeline backfill list-sizes` over MONTHS monthly editions of all
# five families at national size (PRACTICES practices) from a local mirror of the publisher's
# site, beside the sum of `psql \copy` of the same files (zipped ones through `unzip -p`) into
# unlogged tables without keys, in one psql session, same run, fsync on; then the same
# backfill again (every edition already loaded).
#   bench/backfill.sh [OUTDIR]        MONTHS=24 PRACTICES=6300 REPS=1
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)"
export MONTHS="${MONTHS:-24}" PRACTICES="${PRACTICES:-6300}" REPS="${REPS:-1}"
MIRROR="$OUT/list-sizes-mirror-${MONTHS}x$PRACTICES"
swift build -c release --product pipeline >/dev/null
[ -f "$MIRROR/files.txt" ] || python3 bench/gen_list_sizes_mirror.py "$MIRROR" --months "$MONTHS" --practices "$PRACTICES" --last 2026-03 2>/dev/null
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=8GB" exec Tests/with-postgres.sh bench/backfill-inner.sh "$OUT" "$MIRROR"
