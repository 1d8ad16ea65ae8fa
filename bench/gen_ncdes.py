#!/usr/bin/env python3
"""Writes a full-size NCDes month (MI Network Contract DES achievement, the single-file layout):
every (indicator, measure) pair of NHS England's 2024-25 indicator metadata (the mirror's
NCD_metadata_2024-25.csv: 66 indicators, 302 pairs) for each of PRACTICES practices, rows
grouped by practice as the published file is, about 3 % of values suppressed as `*`.

Deterministic (fixed seed).
usage: gen_ncdes.py OUT.csv METADATA.csv [--practices 6300] [--date 30/09/2024]
"""
import csv, random, sys


def main():
    out, metadata = sys.argv[1], sys.argv[2]
    practices = int(sys.argv[sys.argv.index("--practices") + 1]) if "--practices" in sys.argv else 6300
    date = sys.argv[sys.argv.index("--date") + 1] if "--date" in sys.argv else "30/09/2024"
    with open(metadata, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        ind, measure = header.index("INDICATOR_ID"), header.index("MEASURE")
        pairs = list(dict.fromkeys((r[ind], r[measure]) for r in reader if r))
    rnd = random.Random(20240930)
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["PRACTICE_CODE", "PRACTICE_NAME", "QUALITY_SERVICE", "ACH_DATE", "IND_CODE", "MEASURE", "VALUE"])
        for p in range(practices):
            code = "ABCDEFGHJKLMNPY"[p % 15] + str(81001 + p // 15)
            name = f"PRACTICE {p}, HEALTH CENTRE" if p % 7 == 0 else f"PRACTICE {p} SURGERY"
            for i, m in pairs:
                value = "*" if rnd.random() < 0.03 else str(rnd.randint(0, 12000))
                w.writerow([code, name, "NCD2425", date, i, m, value])
    print(f"{out}: {practices} practices x {len(pairs)} indicator measures = {practices * len(pairs)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
