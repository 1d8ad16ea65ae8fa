#!/usr/bin/env python3
"""Writes an appointments-shaped CSV (the practice-level crosstab layout) with ROWS data rows.

Deterministic (fixed seed). About 6,300 practice codes, rows grouped by practice as the
published files are, realistic value domains (double spaces in TIME_BETWEEN_BOOK_AND_APPT,
quoted names with commas, occasional blank counts).
usage: gen_appointments.py ROWS OUT.csv [--month 01OCT2025] [--changed PERCENT]
--changed adds 1 to about PERCENT % of the counts (the same rows otherwise: a restatement).
"""
import random, sys

HEADER = ("APPOINTMENT_MONTH_START_DATE,GP_CODE,GP_NAME,SUPPLIER,PCN_CODE,PCN_NAME,SUB_ICB_LOCATION_CODE,"
          "SUB_ICB_LOCATION_NAME,HCP_TYPE,APPT_MODE,NATIONAL_CATEGORY,TIME_BETWEEN_BOOK_AND_APPT,"
          "COUNT_OF_APPOINTMENTS,APPT_STATUS")
HCP = ["GP", "Other Practice staff", "Unknown"]
MODE = ["Face-to-Face", "Telephone", "Video Conference/Online", "Home Visit", "Unknown"]
CATEGORY = ["General Consultation Routine", "General Consultation Acute", "Planned Clinics", "Planned Clinical Procedure",
            "Clinical Triage", "Home Visit", "Structured Medication Review", "Service provided by organisation external to the practice",
            "Unplanned Clinical Activity", "Patient contact as part of a home visit", "Care Home Visit", "Social Prescribing Service",
            "Non-contractual chargeable work", "Walk-in", "Care Related Encounter but does not fit into any other category",
            "Mental Health", "Group Consultation and Group Education", "Inconsistent Mapping", "Unmapped"]
WAIT = ["Same Day", "1 Day", "2 to 7 Days", "8  to 14 Days", "15  to 21 Days", "22  to 28 Days", "More than 28 Days", "Unknown / Data Issue"]
STATUS = ["Attended", "DNA", "Unknown"]
SUPPLIER = ["EMIS", "TPP", "EMIS/EVERGREENLIFE", "TPP/EVERGREENLIFE", "MEDICUS", "TPP/EMIS"]
PRACTICES = 6300

def main():
    rows = int(sys.argv[1]); out = sys.argv[2]
    month = sys.argv[sys.argv.index("--month") + 1] if "--month" in sys.argv else "01OCT2025"
    changed = float(sys.argv[sys.argv.index("--changed") + 1]) / 100 if "--changed" in sys.argv else 0.0
    rnd = random.Random(20251001)
    edits = random.Random(7)  # separate stream: the base rows stay identical
    combos = [(h, m, c, w, s) for h in HCP for m in MODE for c in CATEGORY for w in WAIT for s in STATUS]
    per_practice = max(1, -(-rows // PRACTICES))
    written = 0
    with open(out, "w", newline="") as f:
        f.write(HEADER + "\n")
        p = 0
        while written < rows:
            letter = "ABCDEFGHJKLMNPY"[p % 15]
            code = "%s%05d" % (letter, 81000 + p)
            name = ('"THE %d MEDICAL CENTRE, HIGH STREET"' % p) if p % 7 == 0 else "THE %d SURGERY" % p
            pcn = "U%05d" % (10000 + p // 5)
            pcn_name = ('"HILLS, BROOKS & DALES %d PCN"' % (p // 5)) if p % 11 == 0 else "CENTRAL %d PCN" % (p // 5)
            sub = "%02d%s" % (p % 100, "ABCDEFGHJK"[p % 10])
            sub_name = "NHS North East and North Cumbria ICB - %s" % sub
            supplier = SUPPLIER[p % len(SUPPLIER)]
            for h, m, c, w, s in rnd.sample(combos, min(per_practice, rows - written)):
                count = "" if rnd.random() < 0.002 else str(int(rnd.expovariate(1 / 40)) + 1)
                if changed and count and edits.random() < changed:
                    count = str(int(count) + 1)
                f.write(f"{month},{code},{name},{supplier},{pcn},{pcn_name},{sub},{sub_name},{h},{m},{c},{w},{count},{s}\n")
                written += 1
            p += 1

if __name__ == "__main__":
    main()
