#!/usr/bin/env bash
# Benchmark for the XLSX reader: `pipeline inspect FILE --sheet 'Table 2'` (unzip + CRC + XML
# parse + shared strings + dates + row count) and the same with `--rows all` (every row printed
# as a JSON array) beside Python's openpyxl in read-only mode iterating the same sheet's rows
# (values_only), on the same generated workbook, same run. 20 columns; 10,000 and 100,000
# practice rows. Median wall time of RUNS, and the highest peak RSS.
#   bench/xlsx.sh [OUTDIR]        (RUNS=3 by default; openpyxl goes into a venv under OUTDIR)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-bench-out}"; RUNS="${RUNS:-3}"
mkdir -p "$OUT"
swift build -c release --product pipeline >/dev/null
BIN=.build/release/pipeline
VENV="$OUT/venv-openpyxl"
[ -x "$VENV/bin/python" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q openpyxl==3.1.5; }
OPENPYXL_VERSION=$("$VENV/bin/python" -c 'import openpyxl; print(openpyxl.__version__)')

cat > "$OUT/openpyxl_rows.py" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
n = 0
for row in wb[sys.argv[2]].iter_rows(values_only=True):
    if any(v is not None and v != "" for v in row):
        n += 1
print(n)
PY

measure() {  # prints "median_seconds max_rss_kb" for a command run RUNS times
  local times=() rss=0
  for _ in $(seq "$RUNS"); do
    local line; line=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null; } 2>&1 | tail -1 )
    times+=("${line% *}"); local r="${line#* }"; [ "$r" -gt "$rss" ] && rss=$r
  done
  local median; median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $rss"
}

echo "openpyxl $OPENPYXL_VERSION (read_only=True, values_only=True); $RUNS runs each, median time, highest peak RSS"
printf "%-8s %8s %10s %14s %12s %12s %14s %14s %12s\n" rows "xlsx MB" "sheet MB" "openpyxl s" "count s" "rows all s" "openpyxl MB" "count MB" "rows all MB"
for rows in 10000 100000; do
  xlsx="$OUT/practices_$rows.xlsx"
  [ -f "$xlsx" ] || python3 bench/gen_xlsx.py "$rows" "$xlsx"
  expected=$((rows + 4))  # two title rows, the header, the national total row
  got=$("$BIN" inspect --json "$xlsx" --sheet "Table 2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])')
  [ "$got" = "$expected" ] || { echo "pipeline counted $got rows, expected $expected" >&2; exit 1; }
  got=$("$VENV/bin/python" "$OUT/openpyxl_rows.py" "$xlsx" "Table 2")
  [ "$got" = "$expected" ] || { echo "openpyxl counted $got rows, expected $expected" >&2; exit 1; }
  sheet_bytes=$(unzip -l "$xlsx" xl/worksheets/sheet1.xml | awk 'NR==4 {print $1}')
  read -r pt pr < <(measure "$VENV/bin/python" "$OUT/openpyxl_rows.py" "$xlsx" "Table 2")
  read -r ct cr < <(measure "$BIN" inspect "$xlsx" --sheet "Table 2")
  read -r at ar < <(measure "$BIN" inspect "$xlsx" --sheet "Table 2" --rows all)
  awk -v rows="$rows" -v xb="$(stat -c %s "$xlsx")" -v sb="$sheet_bytes" -v pt="$pt" -v ct="$ct" -v at="$at" -v pr="$pr" -v cr="$cr" -v ar="$ar" \
    'BEGIN { printf "%-8s %8.1f %10.1f %14s %12s %12s %14.1f %14.1f %12.1f\n", rows, xb / 1048576, sb / 1048576, pt, ct, at, pr / 1024, cr / 1024, ar / 1024 }'
done
