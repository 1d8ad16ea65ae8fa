#!/usr/bin/env bash
# Benchmark for the ZIP + CSV readers: `pipeline inspect --entry` (inflate, CRC, RFC 4180 parse,
# record count) beside `unzip -p FILE >/dev/null` (inflate + CRC only) on the same zip, same run.
# Prints wall time (median of RUNS) and peak RSS for each, at 1 M and 5 M appointments rows.
#   bench/inspect.sh [OUTDIR]        (RUNS=3 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-bench-out}"; RUNS="${RUNS:-3}"
mkdir -p "$OUT"
swift build -c release --product pipeline >/dev/null
BIN=.build/release/pipeline

measure() {  # prints "median_seconds max_rss_kb" for a command run RUNS times
  local times=() rss=0
  for _ in $(seq "$RUNS"); do
    local line; line=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null; } 2>&1 | tail -1 )
    times+=("${line% *}"); local r="${line#* }"; [ "$r" -gt "$rss" ] && rss=$r
  done
  local median; median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $rss"
}

printf "%-8s %10s %12s %12s %8s %12s %12s\n" rows "zip MB" "unzip -p s" "inspect s" ratio "unzip RSS MB" "inspect RSS MB"
for rows in 1000000 5000000; do
  csv="$OUT/appointments_$rows.csv"; zip="$OUT/appointments_$rows.zip"
  [ -f "$zip" ] || { python3 bench/gen_appointments.py "$rows" "$csv"; (cd "$OUT" && zip -q -6 "$(basename "$zip")" "$(basename "$csv")"); rm -f "$csv"; }
  entry="appointments_$rows.csv"
  records=$("$BIN" inspect --json "$zip" --entry "$entry" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
  [ "$records" = "$rows" ] || { echo "record count $records != $rows" >&2; exit 1; }
  read -r ut ur < <(measure unzip -p "$zip")
  read -r it ir < <(measure "$BIN" inspect "$zip" --entry "$entry")
  awk -v rows="$rows" -v zb="$(stat -c %s "$zip")" -v ut="$ut" -v it="$it" -v ur="$ur" -v ir="$ir" \
    'BEGIN { printf "%-8s %10.1f %12s %12s %8.2f %12.1f %12.1f\n", rows, zb / 1048576, ut, it, it / ut, ur / 1024, ir / 1024 }'
done
