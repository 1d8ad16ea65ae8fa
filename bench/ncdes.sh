#!/usr/bin/env bash
# Benchmark for PCN DES (NCDes) at full size: one month, 6,300 practices x every indicator
# measure of the 2024-25 metadata (302 pairs: ~1.9 M rows, `*` suppression), loaded into an
# empty warehouse, then the same file again. Beside `psql \copy` of the same CSV into an
# unlogged keyless table, in the same run, on a throwaway cluster with fsync on.
#   bench/ncdes.sh [OUTDIR]        PRACTICES=6300 REPS=3
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)/ncdes"
export PRACTICES="${PRACTICES:-6300}" REPS="${REPS:-3}"
swift build -c release --product pipeline >/dev/null
mkdir -p "$OUT"
if [ ! -f "$OUT/NCDesSeptember24.csv" ]; then
  python3 bench/gen_ncdes.py "$OUT/NCDesSeptember24.csv" Fixtures/publisher/files.digital.nhs.uk/F0/6EE7F1/NCD_metadata_2024-25.csv \
    --practices "$PRACTICES"
  sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
fi
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=8GB" exec Tests/with-postgres.sh bench/ncdes-inner.sh "$OUT"
