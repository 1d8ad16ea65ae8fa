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
python3 - "$OUT/epcncorepartnerdetails.csv" "$OUT/gp-reg-pat-prac-map.csv" <<'PY'
import sys
codes = ["ABCDEFGHJKLMNPY"[p % 15] + str(81001 + p // 15) for p in range(6300)]
with open(sys.argv[1], "w") as f:
    for p, code in enumerate(codes):
        pcn = "U%05d" % (10000 + p // 5)
        f.write(",".join('"%s"' % v for v in [code, "PRACTICE " + code, "04C", "SUB-ICB 04C", pcn, "PCN " + pcn, "04C", "SUB-ICB 04C", "20190701", "", "Y"]) + "\n")
with open(sys.argv[2], "w") as f:
    f.write("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,ONS_SUB_ICB_LOCATION_CODE,"
            "SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,"
            "COMM_REGION_NAME,SUPPLIER_NAME\n")
    for p, code in enumerate(codes):
        s = p % 100
        sub = "%02d%s" % (s, "ABCDEFGHJK"[p % 10])
        pcn = "U%05d" % (10000 + p // 5)
        f.write(",".join(["GP_PRAC_PAT_LIST", "01Jul2024", code, "PRACTICE " + code, "LS1 1AA", pcn, "PCN " + pcn,
                          "E38%06d" % (100 + s), sub, "SUB-ICB " + sub, "E54%06d" % (s % 42), "QH%d" % (s % 42), "ICB QH%d" % (s % 42),
                          "E40%06d" % (s % 7), "Y6%d" % (s % 7), "REGION Y6%d" % (s % 7), "EMIS"]) + "\n")
PY
sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=8GB -c shared_buffers=1GB" exec Tests/with-postgres.sh bench/pcn-des-reads-inner.sh "$OUT"
