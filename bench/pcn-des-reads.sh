#!/usr/bin/env bash
# Benchmark for readers of api.pcn_des at national size: MONTHS generated NCDes months (6,300
# practices x the 302 indicator measures of the 2024-25 metadata, ~1.9 M rows each, as
# bench/ncdes.sh), after ODS memberships (a PCN per 5 practices) and a practice map (42 ICBs)
# for the same practices, each month loaded with `pipeline load pcn-des` (timed), then each read
# shape timed with pgbench (one client, warm cache, DURATION seconds, a random practice, PCN,
# ICB, indicator or month per query): p50 and p95, and EXPLAIN (ANALYZE, BUFFERS) of each shape
# in OUT/plans.txt. A throwaway cluster with fsync on.
#   bench/pcn-des-reads.sh [OUTDIR]        MONTHS=3 DURATION=10
# PIPELINE_BIN=<binary> times another build of the pipeline over the same data (a comparison).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)/pcn-des-reads"
export MONTHS="${MONTHS:-3}" DURATION="${DURATION:-10}"
[ -n "${PIPELINE_BIN:-}" ] || swift build -c release --product pipeline >/dev/null
mkdir -p "$OUT/months"
META=Fixtures/publisher/files.digital.nhs.uk/F0/6EE7F1/NCD_metadata_2024-25.csv
names=(January February March April May June July August September October November December)
ends=(31 29 31 30 31 30 31 31 30 31 30 31)
for m in $(seq 1 "$MONTHS"); do  # the months up to September 2024
  month=$(( 9 - MONTHS + m ))
  f="$OUT/months/NCDes${names[$(( month - 1 ))]}24.csv"
  [ -f "$f" ] || python3 bench/gen_ncdes.py "$f" "$META" --practices 6300 --date "$(printf '%02d/%02d/2024' "${ends[$(( month - 1 ))]}" "$month")"
done
# ODS memberships and a practice map for the practices gen_ncdes.py writes.
python3 - "$OUT/epcncorepartnerdetails.csv" <<'PY'
import sys
sys.path.insert(0, "bench")
from gen_practice_map import codes
codes = codes("ncdes")
with open(sys.argv[1], "w") as f:
    for p, code in enumerate(codes):
        pcn = "U%05d" % (10000 + p // 5)
        f.write(",".join('"%s"' % v for v in [code, "PRACTICE " + code, "04C", "SUB-ICB 04C", pcn, "PCN " + pcn, "04C", "SUB-ICB 04C", "20190701", "", "Y"]) + "\n")
PY
python3 bench/gen_practice_map.py "$OUT/gp-reg-pat-prac-map.csv" 01Jul2024 ncdes
sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=8GB -c shared_buffers=1GB" exec Tests/with-postgres.sh bench/pcn-des-reads-inner.sh "$OUT"
