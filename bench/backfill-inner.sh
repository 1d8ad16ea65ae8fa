#!/usr/bin/env bash
# Runs inside Tests/with-postgres.sh; see bench/backfill.sh.
set -euo pipefail
OUT="$1" MIRROR="$2"
. "$(dirname "$0")/lib.sh"
first=$(head -1 "$MIRROR/files.txt" | cut -f1); last=$(tail -1 "$MIRROR/files.txt" | cut -f1)
rows=0 bytes=0
{
  echo "CREATE UNLOGGED TABLE ref_all (publication text, extract_date text, type text, sub_icb text, ons text, code text, postcode text, sex text, age text, patients text);"
  echo "CREATE UNLOGGED TABLE ref_quin (publication text, extract_date text, org_type text, org text, ons text, postcode text, sex text, band text, patients text);"
  echo "CREATE UNLOGGED TABLE ref_sya (publication text, extract_date text, org_type text, sub_icb text, ons text, org text, postcode text, sex text, age text, patients text);"
  echo "CREATE UNLOGGED TABLE ref_map (publication text, extract_date text, code text, name text, postcode text, pcn text, pcn_name text, ons_sub_icb text, sub_icb text, sub_icb_name text, ons_icb text, icb text, icb_name text, ons_region text, region text, region_name text, supplier text);"
} > "$OUT/ref-tables.sql"
: > "$OUT/ref-copy.sql"
while IFS=$'\t' read -r month name path member; do
  case "$name" in
    *-all*) table=ref_all ;; *quin-age*) table=ref_quin ;; *sing-age*) table=ref_sya ;; *map*) table=ref_map ;;
  esac
  if [ -n "$member" ]; then
    echo "\\copy $table FROM PROGRAM 'unzip -p $MIRROR/$path $member' CSV HEADER" >> "$OUT/ref-copy.sql"
  else
    echo "\\copy $table FROM '$MIRROR/$path' CSV HEADER" >> "$OUT/ref-copy.sql"
  fi
  bytes=$(( bytes + $(stat -c %s "$MIRROR/$path") ))
done < "$MIRROR/files.txt"
files=$(wc -l < "$MIRROR/files.txt")

declare -A t=() m=()
for rep in $(seq "$REPS"); do
  q "DROP SCHEMA IF EXISTS etl, data, api CASCADE; DROP TABLE IF EXISTS ref_all, ref_quin, ref_sya, ref_map" 2>/dev/null
  psql "$DATABASE_URL" -qX -f "$OUT/ref-tables.sql"
  read -r s k < <(timed psql "$DATABASE_URL" -qX -v ON_ERROR_STOP=1 -f "$OUT/ref-copy.sql"); t[ref]+="$s "
  rows=$(q "SELECT (SELECT count(*) FROM ref_all) + (SELECT count(*) FROM ref_quin) + (SELECT count(*) FROM ref_sya) + (SELECT count(*) FROM ref_map)")
  q "DROP TABLE ref_all, ref_quin, ref_sya, ref_map"
  export PIPELINE_CACHE_DIR="$OUT/cache-backfill-$rep"; rm -rf "$PIPELINE_CACHE_DIR"
  "$BIN" migrate >/dev/null
  for key in backfill again; do
    read -r s k < <(timed "$BIN" backfill list-sizes --from "${first}" --to "${last}" --mirror "$MIRROR" --quiet); t[$key]+="$s "
    [ "${m[$key]:-0}" -gt "$k" ] || m[$key]=$k
  done
  loaded=$(q "SELECT count(*) FROM etl.revisions")
done
echo "mirror: $((files / 5)) monthly editions x 5 files, $files files, $(( bytes / 1048576 )) MB as published, $rows CSV rows; $loaded revisions loaded"
ref=$(echo "${t[ref]}" | tr ' ' '\n' | grep . | median)
printf "%-52s %9s %9s %8s %7s %10s\n" step "median s" "ref s" ratio target "max RSS MB"
for row in "backfill|backfill list-sizes, $((files / 5)) months, empty warehouse|1.3" "again|the same backfill again|0.05"; do
  IFS='|' read -r key label target <<< "$row"
  med=$(echo "${t[$key]}" | tr ' ' '\n' | grep . | median)
  awk -v s="$label" -v x="$med" -v ref="$ref" -v g="$target" -v mm="${m[$key]}" \
    'BEGIN { printf "%-52s %9.2f %9.2f %8.3f %7s %10.1f\n", s, x, ref, x / ref, "<=" g, mm / 1024 }'
done
