#!/usr/bin/env bash
# Read shapes of api.online_consultations after the 9-month back-series of bench/sources.sh
# (OC_PRACTICES practices x OC_MONTHS months x 9 metrics), timed with pgbench (one client,
# warm cache, DURATION seconds each; p50 and p95): a practice, a month, a metric, a metric in a month, and
# an unfiltered count. Plans (EXPLAIN ANALYZE, BUFFERS) go to OUTDIR/oc-reads/plans.txt.
# PIPELINE_BIN compares builds (e.g. an earlier version's binary) on the same files.
#   bench/oc-reads.sh [OUTDIR]       OC_PRACTICES=6500 OC_MONTHS=9 DURATION=10
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)"
export OC_PRACTICES="${OC_PRACTICES:-6500}" OC_MONTHS="${OC_MONTHS:-9}" DURATION="${DURATION:-10}"
[ -n "${PIPELINE_BIN:-}" ] || swift build -c release --product pipeline >/dev/null
OC="$OUT/sources/oc-$OC_PRACTICES-$OC_MONTHS"
[ -f "$OC/ref.csv" ] || python3 bench/gen_sources.py oc "$OC_PRACTICES" "$OC_MONTHS" "$OC" >/dev/null
mkdir -p "$OUT/oc-reads"
sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=4GB -c shared_buffers=512MB" exec Tests/with-postgres.sh bench/oc-reads-inner.sh "$OC" "$OUT/oc-reads"
