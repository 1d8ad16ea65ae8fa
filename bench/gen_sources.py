#!/usr/bin/env python3
"""Generates the national-size files bench/sources.sh loads, each with the same rows as a long CSV
for `psql \\copy` beside it (deterministic; values made up, layouts those of the mirror fixtures).

  gen_sources.py nwrs PRACTICES OUTDIR   the October 2025 detailed practice-level workforce CSV
      (all 805 columns of the real definitions workbook, the mirror's value rules), PRACTICES
      practices cloned from the mirror's ten real identities under made-up codes; ref.csv holds
      one row per practice and published column (practice, column, value)
  gen_sources.py oc PRACTICES MONTHS OUTDIR   an online consultations edition restating MONTHS
      months (…_north_regions.csv and …_south_regions.csv, rows ordered by month then practice);
      ref.csv is the two files' rows as published
"""
import csv, os, random, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "Tests" / "fixture-tools"))
SAMPLES = (ROOT.parent / "shared" / "samples") if (ROOT.parent / "shared" / "samples").is_dir() else ROOT / "Fixtures" / "samples"


def nwrs(count, out):
    import mirror_nwrs as nw
    fields = nw.definitions(SAMPLES)
    people = nw.practices(SAMPLES)
    clones = []
    for n in range(count):
        p = dict(people[n % len(people)])
        p["PRAC_CODE"] = f"Y{n:05d}"
        clones.append(p)
    rows = nw.detailed_rows(fields, clones, 2025, 10, "bench")
    name = f"1 General Practice {nw.DASH} October 2025 Practice Level - Detailed.csv"
    with open(out / name, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    header = rows[0]
    identity = set(header[:10])
    with open(out / "ref.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        for r in rows[1:]:
            for c, v in zip(header, r):
                if c not in identity and c not in nw.SOURCES:  # source flags are stored beside the values, not as rows
                    w.writerow([r[0], c, v])
    print(out / name)


def oc(count, months, out):
    import mirror_online_consultations as m
    header = m.HEADER
    rng = random.Random(7)
    regions = [("Y63", "NORTH EAST AND YORKSHIRE"), ("Y62", "NORTH WEST"), ("Y60", "MIDLANDS"), ("Y61", "EAST OF ENGLAND"),
               ("Y56", "LONDON"), ("Y59", "SOUTH EAST"), ("Y58", "SOUTH WEST")]
    practices = []
    for n in range(count):
        region = regions[n % len(regions)]
        practices.append([f"Y{n:05d}", f"PRACTICE {n}", f"U{n // 6:05d}", f"PCN {n // 6}", f"{n % 106:02d}X", f"SUB ICB {n % 106}",
                          f"Q{n % 42:02d}", f"ICB {n % 42}", region[0], region[1], "ACCURX LIMITED, TPP" if n % 3 else "EMIS HEALTH"])
    metrics = ["OC_SYSTEM_USAGE", "OC_PARTICIPATION", "OC_CAPABILITY", "OC_TOTAL_SUBMISSIONS", "OC_SUBMISSION_TYPE_CLINICAL",
               "OC_SUBMISSION_TYPE_ADMIN", "OC_SUBMISSION_TYPE_OTHER", "OC_RATE_PER_1000_REGISTERED_PATIENTS", "PATIENTS_REGISTERED"]
    ym = [(2025, 11 - i) if 11 - i > 0 else (2024, 23 - i) for i in range(months)][::-1]
    stem = "Submissions via OC Systems in General Practice - November 2025"
    files = {half: open(out / f"{stem}_{half}_regions.csv", "w", newline="", encoding="utf-8") for half in ("north", "south")}
    writers = {half: csv.writer(f, lineterminator="\r\n") for half, f in files.items()}
    for w in writers.values():
        w.writerow(header)
    ref = csv.writer(open(out / "ref.csv", "w", newline="", encoding="utf-8"), lineterminator="\n")
    for (y, mo) in ym:
        for p in practices:
            half = "north" if p[8] in m.NORTH else "south"
            patients = 2000 + rng.randint(0, 15000)
            total = rng.randint(0, 2000)
            clinical = total * 7 // 10
            admin = total // 5
            values = ["1", "1", "1", str(total), str(clinical), str(admin), str(total - clinical - admin),
                      f"{1000 * total / patients:.6f}".rstrip("0").rstrip("."), str(patients)]
            for metric, value in zip(metrics, values):
                row = [f"01/{mo:02d}/{y}"] + p + [metric, value]
                writers[half].writerow(row)
                ref.writerow(row)
    for f in files.values():
        f.close()
    print(out)


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "nwrs":
        out = Path(sys.argv[3]); out.mkdir(parents=True, exist_ok=True)
        nwrs(int(sys.argv[2]), out)
    else:
        out = Path(sys.argv[4]); out.mkdir(parents=True, exist_ok=True)
        oc(int(sys.argv[2]), int(sys.argv[3]), out)
