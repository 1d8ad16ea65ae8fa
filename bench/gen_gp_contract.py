#!/usr/bin/env python3
"""Writes a full-size Core GP Contract quarter (GP Contract Services, the CQRS long shape):
PRACTICES practices x the three month-ends of Q1 x the 31 (IND_CODE, MEASURE, MEASURE_TYPE)
triples of the real Q1 2023-24 file (read from the mirror's year zip), in the real file's
order (practice, then month, then indicator), `dd/mm/yyyy` dates, about 2 % of values `*`,
some practice names with commas. 6,300 practices give 585,900 rows (the real file: 585,838).

Deterministic (fixed seed).
usage: gen_gp_contract.py OUT.csv YEAR.zip [--practices 6300]
"""
import csv, io, random, sys, zipfile


def main():
    out, year_zip = sys.argv[1], sys.argv[2]
    practices = int(sys.argv[sys.argv.index("--practices") + 1]) if "--practices" in sys.argv else 6300
    text = zipfile.ZipFile(year_zip).read("Core GP Contract Q1 2023-24.csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    triples = list(dict.fromkeys((r["IND_CODE"], r["MEASURE"], r["MEASURE_TYPE"]) for r in rows))
    rnd = random.Random(20230630)
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["QUALITY_SERVICE", "PRACTICE_CODE", "PRACTICE_NAME", "ACH_DATE", "IND_CODE", "MEASURE", "MEASURE_TYPE", "VALUE"])
        for p in range(practices):
            code = "ABCDEFGHJKLMNPY"[p % 15] + str(81001 + p // 15)
            name = f"PRACTICE {p},HEALTH CTR" if p % 9 == 0 else f"PRACTICE {p} SURGERY"
            for date in ("30/04/2023", "31/05/2023", "30/06/2023"):
                for ind, measure, kind in triples:
                    value = "*" if rnd.random() < 0.02 else str(rnd.randint(0, 15000))
                    w.writerow(["Core GP Contract 2023-24", code, name, date, ind, measure, kind, value])
    print(f"{out}: {practices} practices x 3 months x {len(triples)} = {practices * 3 * len(triples)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
