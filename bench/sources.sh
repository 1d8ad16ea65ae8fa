#!/usr/bin/env bash
# Benchmark for the largest file of two sources at national size, each beside `psql \copy` of
# the same rows as CSV into an unlogged keyless table, in the same run, on a throwaway cluster
# with fsync on (bench/gen_sources.py makes the files):
#   - nwrs: the detailed practice-level workforce CSV, NWRS_PRACTICES practices x 805 columns,
#     stored long (one row per practice and published column); the reference copies the same
#     practice/column/value rows;
#   - online-consultations: an edition restating OC_MONTHS months of OC_PRACTICES practices
#     (north and south files, 9 metrics per practice and month); the reference copies the rows.
# Each into an empty warehouse, then the same files again (nothing new); REPS runs, medians and
# the highest peak RSS.
#   bench/sources.sh [OUTDIR]    NWRS_PRACTICES=6300 OC_PRACTICES=6500 OC_MONTHS=9 REPS=3
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)/sources"
export NWRS_PRACTICES="${NWRS_PRACTICES:-6300}" OC_PRACTICES="${OC_PRACTICES:-6500}" OC_MONTHS="${OC_MONTHS:-9}" REPS="${REPS:-3}"
[ -n "${PIPELINE_BIN:-}" ] || swift build -c release --product pipeline >/dev/null
[ -f "$OUT/nwrs-$NWRS_PRACTICES/ref.csv" ] || python3 bench/gen_sources.py nwrs "$NWRS_PRACTICES" "$OUT/nwrs-$NWRS_PRACTICES" >/dev/null
[ -f "$OUT/oc-$OC_PRACTICES-$OC_MONTHS/ref.csv" ] || python3 bench/gen_sources.py oc "$OC_PRACTICES" "$OC_MONTHS" "$OUT/oc-$OC_PRACTICES-$OC_MONTHS" >/dev/null
sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=4GB" exec Tests/with-postgres.sh bench/sources-inner.sh "$OUT"
