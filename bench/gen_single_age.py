#!/usr/bin/env python3
"""Writes a single-year-of-age-shaped registrations CSV (gp-reg-pat-prac-sing-age-male layout)
with ROWS data rows, and optionally a copy with PCT percent of the counts changed.

One row per practice and age (0..94, 95+, ALL = 97 rows a practice), ICB-era header, ISO
EXTRACT_DATE (--date, default 2025-10-01), deterministic values (each date its own).
usage: gen_single_age.py ROWS OUT.csv [--changed PCT OUT2.csv] [--date YYYY-MM-DD]
"""
import random, sys

HEADER = "PUBLICATION,EXTRACT_DATE,ORG_TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,ORG_CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS"
AGES = [str(a) for a in range(95)] + ["95+", "ALL"]

def rows(n, date):
    rnd = random.Random(int(date.replace("-", "")))
    i = p = 0
    while i < n:
        code = "%s%05d" % ("ABCDEFGHJKLMNPY"[p % 15], 10000 + p)
        sub = "%02d%s" % (p % 100, "ABCDEFGHJK"[p % 10])
        ons = "E38%06d" % (p % 250)
        postcode = "%s%d %d%s" % ("NE LS M BS TS".split()[p % 5], p % 30 + 1, p % 9, "AB"[p % 2] + "D")
        for age in AGES:
            if i >= n:
                return
            yield [ "GP_PRAC_PAT_LIST", date, "GP", sub, ons, code, postcode, "MALE", age, str(rnd.randint(0, 400)) ]
            i += 1
        p += 1

def main():
    n = int(sys.argv[1]); out = sys.argv[2]
    changed = None
    if "--changed" in sys.argv:
        k = sys.argv.index("--changed"); changed = (float(sys.argv[k + 1]), sys.argv[k + 2])
    date = sys.argv[sys.argv.index("--date") + 1] if "--date" in sys.argv else "2025-10-01"
    pick = random.Random(7)
    with open(out, "w") as f, (open(changed[1], "w") if changed else open("/dev/null", "w")) as g:
        f.write(HEADER + "\n"); g.write(HEADER + "\n")
        for r in rows(n, date):
            line = ",".join(r) + "\n"
            f.write(line)
            if changed:
                if pick.random() < changed[0] / 100:
                    r[9] = str(int(r[9]) + 1)
                    line = ",".join(r) + "\n"
                g.write(line)

if __name__ == "__main__":
    main()
