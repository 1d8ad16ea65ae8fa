#!/usr/bin/env bash
# The peer comparison behind the README's "against a peer" row: dlt (from PyPI, DLT_VERSION, in
# a virtual environment this script creates under OUTDIR) loads the same single-year-of-age
# CSV as bench/load.sh, in scd2 and in merge mode: a first load into an empty database, the
# file with 1 % of values changed, and that file again; beside `psql \copy` of the same CSV and
# `pipeline load` of the same files, same run, same throwaway cluster (fsync on). dlt's sessions
# get work_mem=256MB (its scd2 SQL needs it; see bench/dlt_load.py); the pipeline runs with the
# server's defaults. Skipped, with a message, when PyPI cannot be reached.
#   bench/dlt.sh [OUTDIR]        ROWS=1200000 REPS=1 DLT_VERSION=1.31.0
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)"
export ROWS="${ROWS:-1200000}" REPS="${REPS:-1}" DLT_VERSION="${DLT_VERSION:-1.31.0}"
VENV="$OUT/dlt-venv-$DLT_VERSION"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import dlt, pyarrow, pandas, psycopg2" 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "dlt[postgres]==$DLT_VERSION" pyarrow pandas >"$OUT/dlt-pip.log" 2>&1; then
    echo "bench/dlt.sh: skipped: could not install dlt $DLT_VERSION from PyPI (see $OUT/dlt-pip.log)"
    rm -rf "$VENV"
    exit 0
  fi
fi
swift build -c release --product pipeline >/dev/null
name=gp-reg-pat-prac-sing-age-male.csv
d="$OUT/load_$ROWS"
mkdir -p "$d/second" "$d/onepct"
[ -f "$d/second/$name" ] && [ -f "$d/onepct/$name" ] ||
  python3 bench/gen_single_age.py "$ROWS" "$d/second/$name" --changed 1 "$d/onepct/$name" --date 2025-11-01
sleep 2
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=4GB" exec Tests/with-postgres.sh bench/dlt-inner.sh "$OUT" "$VENV"
