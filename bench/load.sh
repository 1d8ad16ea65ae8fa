#!/usr/bin/env bash
# Benchmark for the revision-tracked loader, beside `psql \copy` of the same CSV into an
# unlogged table without keys, in the same run, on a throwaway PostgreSQL cluster:
#   first load into an empty warehouse; the same file with 1 % of values changed; that file
#   again (fingerprint hit); and a fresh copy of it (new inode: re-read and re-hashed).
#   bench/load.sh [OUTDIR]         sizes: SIZES="1000000 5000000"
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$(cd "${1:-bench-out}" 2>/dev/null && pwd || (mkdir -p "${1:-bench-out}" && cd "${1:-bench-out}" && pwd))"
SIZES="${SIZES:-1000000 5000000}"
swift build -c release --product pipeline >/dev/null
for rows in $SIZES; do
  base="$OUT/syoa_$rows/gp-reg-pat-prac-sing-age-male.csv"; onepct="$OUT/syoa_${rows}_1pct/gp-reg-pat-prac-sing-age-male.csv"
  mkdir -p "$(dirname "$base")" "$(dirname "$onepct")"
  [ -f "$base" ] && [ -f "$onepct" ] || python3 bench/gen_single_age.py "$rows" "$base" --changed 1 "$onepct"
done
sleep 2  # files older than the fingerprint store's racy window, as any real download is
exec Tests/with-postgres.sh bench/load-inner.sh "$OUT"
