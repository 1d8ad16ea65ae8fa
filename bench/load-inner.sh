#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh (ETL_TEST_DATABASE_URL set); see bench/load.sh.
set -euo pipefail
OUT="$1"
. "$(dirname "$0")/lib.sh"
name=gp-reg-pat-prac-sing-age-male.csv
columns="publication text, extract_date text, org_type text, sub_icb text, ons text, org text, postcode text, sex text, age text, patients text"
reference() {  # \copy of $1 into a new unlogged table without keys; adds to t[ref]
  q "DROP TABLE IF EXISTS ref" 2>/dev/null; q "CREATE UNLOGGED TABLE ref ($columns)"
  local s k; read -r s k < <(timed psql "$DATABASE_URL" -qXc "\\copy ref FROM '$1' CSV HEADER"); t[ref]+="$s "
  q "DROP TABLE ref"
}
step() {  # step KEY FILE PUBLISHED: times `pipeline load`, keeps the time and the peak RSS
  local s k; read -r s k < <(timed "$BIN" load list-sizes "$2" --published "$3"); t[$1]+="$s "
  [ "${m[$1]:-0}" -gt "$k" ] || m[$1]=$k
}
month_file() {  # month_file SOURCE DATE DIR: a copy of SOURCE whose rows are dated DATE
  mkdir -p "$3"; sed "s/,2025-1[01]-01,/,$2,/" "$1" > "$3/$name"; touch -d '-1 minute' "$3/$name"
}
next_month() { date -u -d "$1 +1 month" +%Y-%m-%d; }

printf "%-9s %-44s %9s %9s %8s %7s %10s\n" rows step "median s" "ref s" ratio target "max RSS MB"
for rows in $SIZES; do
  d="$OUT/load_$rows"
  declare -A t=() m=()
  for rep in $(seq "$REPS"); do
    q "DROP SCHEMA IF EXISTS etl, data, api CASCADE" 2>/dev/null
    reference "$d/first/$name"
    export PIPELINE_CACHE_DIR="$OUT/cache-$rep"; rm -rf "$PIPELINE_CACHE_DIR"
    "$BIN" migrate >/dev/null
    step first "$d/first/$name" 2025-11-01
    step second "$d/second/$name" 2025-12-01
    step onepct "$d/onepct/$name" 2025-12-02
    step same "$d/onepct/$name" 2025-12-02
    rm -rf "$d/copy"; mkdir -p "$d/copy"; cp "$d/onepct/$name" "$d/copy/$name"; touch -d '-1 minute' "$d/copy/$name"
    step copy "$d/copy/$name" 2025-12-02
  done
  counts=$("$BIN" revisions list-sizes | tail -1 | cut -f1-11)

  # HISTORY other months first (loaded one after another, untimed), then a new month and its
  # 1 % republication per repetition (each repetition adds a month: HISTORY, +1, +2 others).
  q "DROP SCHEMA IF EXISTS etl, data, api CASCADE" 2>/dev/null
  export PIPELINE_CACHE_DIR="$OUT/cache-history"; rm -rf "$PIPELINE_CACHE_DIR"
  "$BIN" migrate >/dev/null
  month=$(date -u -d "2025-12-01 -$HISTORY month" +%Y-%m-%d); started=$(date +%s)
  for _ in $(seq "$HISTORY"); do
    month_file "$d/first/$name" "$month" "$d/history"
    "$BIN" load list-sizes "$d/history/$name" --published "$(next_month "$month")" >/dev/null
    month=$(next_month "$month")
  done
  history_s=$(( $(date +%s) - started ))
  for rep in $(seq "$REPS"); do
    month_file "$d/second/$name" "$month" "$d/later"; month_file "$d/onepct/$name" "$month" "$d/later-onepct"
    reference "$d/later/$name"
    step later "$d/later/$name" "$(next_month "$month")"
    step laterpct "$d/later-onepct/$name" "$(next_month "$month" | sed 's/01$/02/')"
    month=$(next_month "$month")
  done
  rm -rf "$d/history" "$d/later" "$d/later-onepct" "$d/copy"

  ref=$(echo "${t[ref]}" | tr ' ' '\n' | grep . | median)
  for row in "first|first load (empty warehouse)|1.25" "second|the next month, right after|1.25" \
             "onepct|its 1 % republication, right after|1.25" "same|identical (same file: fingerprint)|0.05" \
             "copy|identical (fresh copy: read, hashed)|0.3" "later|a new month after $HISTORY others|1.25" \
             "laterpct|its 1 % republication, right after|1.25"; do
    IFS='|' read -r key label target <<< "$row"
    med=$(echo "${t[$key]}" | tr ' ' '\n' | grep . | median)
    awk -v r="$rows" -v s="$label" -v x="$med" -v ref="$ref" -v g="$target" -v mm="${m[$key]}" \
      'BEGIN { printf "%-9s %-44s %9.2f %9.2f %8.3f %7s %10.1f\n", r, s, x, ref, x / ref, "<=" g, mm / 1024 }'
  done
  echo "          (1 % republication: $counts)"
  echo "          ($HISTORY months of history loaded in ${history_s} s; table $(q "SELECT pg_size_pretty(pg_total_relation_size('data.list_sizes'))"))"
  unset t m
done
