#!/usr/bin/env bash
# Benchmark for GP Contract Services at full size: a Core GP Contract quarter, 6,300
# practices x 3 month-ends x the real 31 indicator measures (585,900 rows), loaded into an
# empty warehouse, then the same file again. Beside `psql \copy` of the same CSV into an
# unlogged keyless table, in the same run, on a throwaway cluster with fsync on.
#   bench/gp-contract.sh [OUTDIR]        PRACTICES=6300 REPS=3 (PIPELINE_BIN: a built binary, e.g. an earlier version's)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)/gp-contract"
export PRACTICES="${PRACTICES:-6300}" REPS="${REPS:-3}"
[ -n "${PIPELINE_BIN:-}" ] || swift build -c release --product pipeline >/dev/null
mkdir -p "$OUT"
if [ ! -f "$OUT/Core GP Contract Q1 2023-24.csv" ]; then
  python3 bench/gen_gp_contract.py "$OUT/Core GP Contract Q1 2023-24.csv" Fixtures/publisher/files.digital.nhs.uk/*/*/Core_GP_Contract_2324_csv_files.zip \
    --practices "$PRACTICES"
  sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
fi
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=8GB" exec Tests/with-postgres.sh bench/gp-contract-inner.sh "$OUT"
