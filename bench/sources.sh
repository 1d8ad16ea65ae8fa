#!/usr/bin/env bash
# Benchmark for the largest file of two sources at national size, each beside `psql \copy` of
# the same rows as CSV into an unlogged keyless table, in the same run, on a throwaway cluster
# with fsync on (bench/gen_sources.py makes the files):
#   - nwrs: the detailed practice-level workforce CSV, NWRS_PRACTICES practices x 805 columns,
#     stored long (one row per practice and published column); the reference copies the same
#     practice/column/value rows;
#   - online-consultations: an edition restating OC_MONTHS months of OC_PRACTICES practices
#     (north and south files, 9 metrics per practice and month); the reference copies the rows;
#   - gp-patient-survey: the 2025 weighted practice results CSV, GPPS_PRACTICES practices x 584
#     columns, stored long (one row per practice and result column: 576 a practice); the
#     reference copies the same practice/column/value rows. No real GPPS file has been seen and
#     nhs-formats.md §6 gives no full column list, so the width is modelled on the documented
#     pattern. REAL: the file name, the 2024-questionnaire layout the loader reads
#     (`ad_practicecode, ad_practicename`, then `distributed, received, resprate`), the documented
#     names (`overallexp.pcteval, overallexp_1.pct, overallexp_2.pct, overallexp.baseevalw,
#     gpcontactoverall.pcteval, localgpservicesprefhpsee.pcteval, dv_ethnicityband_1.pct,
#     lastgpapptwait_2.pct`), fractions 0-1 and negative sentinels (-99 fewer than 10
#     respondents, -97 a small count in a practice of 1,000 patients or fewer); the practices
#     (codes, names, sub-ICB, ICB, region) of the real February 2026 online consultations
#     workbook, 6,170 of them, clones under made-up codes beyond. FROM A THIRD-PARTY PUBLIC
#     TRANSCRIPTION of the 2025 questionnaire (not verified against a real file): the 60 column
#     stems in questionnaire order (Q1-Q48, localgpservicesphone ... pharmacyoverall, then the
#     aboutyou* demographics) and the answer options of Q1-Q48 (one `<stem>_<k>.pct` each), `popsize`.
#     MODELLED: the demographics' option counts; which stems have a headline score (`.pcteval`,
#     `.pctevalb` for lastgpapptchoice and lastgpappttype); the base columns `.base`, `.basew` and
#     `.baseeval` beside the documented `.baseevalw`, and their order; the ad_subicb/icb/region
#     columns (names as the mirror fixtures); every value (6 decimals, weighted bases 4);
#   - cloud-telephony: the October 2025 "By Day and Time" CSV (larger than "By Durations" by
#     its layout in nhs-formats.md §8: 7 columns against 5, 23 time bands against 4 + TOTAL),
#     CBT_PRACTICES practices x 31 days x 3 indicators (CBT001-CBT003) x 23 bands, every row
#     present, zeros included (the densest the layout allows); the reference copies the CSV
#     itself (CSV HEADER). REAL: the practices and their PCN and sub-ICB codes (the same
#     workbook), the header `Date, PRACTICE_CODE, PCN_CODE, SUB_ICB_LOCATION_CODE, Indicator,
#     <band>, Value` and the codes; MODELLED: the band column's name (Time_Band, as the mirror),
#     half-hour bands 08:00-18:29 with 00:00-07:59 and 18:30-23:59 (from the summary workbook's
#     `18:00 - 18:29`, `18:30 - 23:59`), which indicators the file holds, ISO dates, rows grouped
#     by practice, every value. Coverage is modelled as every practice (the real ~86% would be
#     CBT_PRACTICES=5400).
# Each into an empty warehouse, then the same files again (nothing new); REPS runs, medians and
# the highest peak RSS.
#   bench/sources.sh [OUTDIR]    NWRS_PRACTICES=6300 OC_PRACTICES=6500 OC_MONTHS=9
#                                GPPS_PRACTICES=6300 CBT_PRACTICES=6300 REPS=3
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-bench-out}"
OUT="$(cd "${1:-bench-out}" && pwd)/sources"
export NWRS_PRACTICES="${NWRS_PRACTICES:-6300}" OC_PRACTICES="${OC_PRACTICES:-6500}" OC_MONTHS="${OC_MONTHS:-9}" REPS="${REPS:-3}"
export GPPS_PRACTICES="${GPPS_PRACTICES:-6300}" CBT_PRACTICES="${CBT_PRACTICES:-6300}"
[ -n "${PIPELINE_BIN:-}" ] || swift build -c release --product pipeline >/dev/null
[ -f "$OUT/nwrs-$NWRS_PRACTICES/ref.csv" ] || python3 bench/gen_sources.py nwrs "$NWRS_PRACTICES" "$OUT/nwrs-$NWRS_PRACTICES" >/dev/null
[ -f "$OUT/oc-$OC_PRACTICES-$OC_MONTHS/ref.csv" ] || python3 bench/gen_sources.py oc "$OC_PRACTICES" "$OC_MONTHS" "$OUT/oc-$OC_PRACTICES-$OC_MONTHS" >/dev/null
[ -f "$OUT/gpps-$GPPS_PRACTICES/ref.csv" ] || python3 bench/gen_sources.py gpps "$GPPS_PRACTICES" "$OUT/gpps-$GPPS_PRACTICES" >/dev/null
ls "$OUT/cbt-$CBT_PRACTICES"/*"By Day and Time.csv" >/dev/null 2>&1 || python3 bench/gen_sources.py cbt "$CBT_PRACTICES" "$OUT/cbt-$CBT_PRACTICES" >/dev/null
sleep 2  # older than the fingerprint store's racy window, as any downloaded file is
ETL_TEST_PG_OPTIONS="-c fsync=on -c max_wal_size=4GB" exec Tests/with-postgres.sh bench/sources-inner.sh "$OUT"
