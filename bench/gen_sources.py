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
  gen_sources.py gpps PRACTICES OUTDIR   a GP Patient Survey 2025 weighted practice results CSV
      (GPPS_2025_Practice_data_(weighted)_(csv)_PUBLIC.csv, the 2024 questionnaire's layout at full
      width: see GPPS_QUESTIONS for what is real and what is modelled); ref.csv holds one row per
      practice and published result column (practice, column, value)
  gen_sources.py cbt PRACTICES OUTDIR   a Cloud Based Telephony October 2025 "By Day and Time" CSV
      (every practice, day, indicator CBT001-CBT003 and half-hour band: see cbt() for what is real
      and what is modelled); no ref.csv: the reference copies this CSV itself (CSV HEADER)

The practices of gpps and cbt are the 6,170 of Table 2 of the real February 2026 online
consultations workbook (codes, names, PCN, sub-ICB, ICB and region; registered patients scale
the made-up values), then clones under made-up codes (Y9nnnn, none of them real) up to PRACTICES.
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


def practices(count):
    """The real practices of Table 2 of the February 2026 online consultations workbook (code, name,
    PCN, sub-ICB, ICB, region, registered patients), then clones of them under made-up codes
    (Y9nnnn, checked against the real ones) up to count."""
    import mirror_online_consultations as m
    real = m.table2(SAMPLES)
    codes = {p["GP Code"] for p in real}
    out = []
    for n in range(count):
        p = real[n % len(real)]
        q = {"code": p["GP Code"], "name": p["GP Name"], "pcn": p["PCN Code [2, 3]"], "sub_icb": p["Sub ICB Code"],
             "sub_icb_name": p["Sub ICB Name"], "icb": p["ICB Code"], "icb_name": p["ICB Name"], "region": p["Region Code"],
             "region_name": p["Region Name"], "patients": int(float(p["Registered Patient Count [8]"] or 6000))}
        if n >= len(real):
            q["code"], q["name"] = f"Y9{n:04d}", f"BENCH PRACTICE {n}"
            assert q["code"] not in codes, q["code"]
        out.append(q)
    return out


# GP Patient Survey 2025 questions at practice level, in questionnaire order: (column stem, number of
# answer options, kind). Kinds: "eval" a single-choice question with a headline positive score
# (`.pcteval`), "evalb" a multi-choice question with one (`.pctevalb`), "single" / "multi" without.
# Stems and option counts of Q1-Q48 from a public third-party transcription of the 2025 questionnaire
# (gp-patient.co.uk; names in brackets there are the practice data file's stems); option counts of
# the demographic stems (aboutyou*, dv_ethnicityband) and which questions are evaluative are modelled.
GPPS_QUESTIONS = [
    ("localgpservicesphone", 6, "eval"), ("localgpserviceswebsite", 6, "eval"), ("localgpservicesapp", 6, "eval"),
    ("localgpservicesreception", 5, "eval"), ("localgpservicesused", 8, "multi"), ("localgpservicesprefhp", 2, "eval"),
    ("localgpservicesprefhpsee", 5, "eval"), ("gpcontactwhen", 5, "eval"), ("gpcontactmainreason", 9, "single"),
    ("gpcontacthow", 6, "single"), ("gpcontactoutcome", 5, "single"), ("gpcontactnextstep", 4, "eval"),
    ("gpcontactnextsteptiming", 5, "eval"), ("gpcontacthandlerequest", 8, "multi"), ("gpcontactunsuccessful", 12, "multi"),
    ("gpcontactoverall", 5, "eval"), ("lastgpapptlengthgap", 5, "single"), ("lastgpapptaction", 9, "multi"),
    ("lastgpapptchoice", 5, "evalb"), ("lastgpapptwhen", 6, "eval"), ("lastgpapptwait", 3, "eval"),
    ("lastgpappttype", 7, "evalb"), ("lastgpapptwho", 6, "single"), ("lastgpapptlisten", 6, "eval"),
    ("lastgpapptcare", 6, "eval"), ("lastgpapptmental", 6, "eval"), ("lastgpapptinfo", 4, "eval"),
    ("lastgpapptconf", 4, "eval"), ("lastgpapptdecision", 4, "eval"), ("lastgpapptoutcome", 9, "multi"),
    ("lastgpapptneeds", 4, "eval"), ("overallexp", 5, "eval"), ("gpcloseduse", 3, "multi"), ("gpclosedservices", 9, "multi"),
    ("gpclosedwait", 3, "eval"), ("gpclosedoverall", 5, "eval"), ("healthexperienced", 4, "multi"),
    ("healthltcondition", 4, "single"), ("healthconditionre", 17, "multi"), ("healthlongcovid", 4, "single"),
    ("healthimpact", 3, "eval"), ("healthconfidence", 5, "eval"), ("healthsupport", 5, "eval"),
    ("healthconversation", 3, "eval"), ("healthcareplan", 3, "eval"), ("healthcareplanhelpful", 5, "eval"),
    ("pharmacyused", 9, "multi"), ("pharmacyoverall", 5, "eval"),
    ("aboutyouagemerged", 10, "single"), ("aboutyougender", 5, "single"), ("aboutyougenderidentitysex", 3, "single"),
    ("aboutyousexualorientation", 6, "single"), ("aboutyouethnicity", 19, "single"), ("dv_ethnicityband", 6, "single"),
    ("aboutyoureligion", 9, "single"), ("aboutyouworkstatus", 10, "multi"), ("aboutyoucarer", 5, "single"),
    ("aboutyouparent", 3, "single"), ("aboutyousmoking", 5, "single"), ("aboutyouvaping", 5, "single"),
]
# Share of the practice's respondents a question is asked of (routing; modelled).
GPPS_ROUTED = {"localgpservicesprefhpsee": 0.45, "gpcontactoutcome": 0.5, "gpcontactnextsteptiming": 0.6,
               "gpcontactunsuccessful": 0.15, "gpclosedservices": 0.3, "gpclosedwait": 0.3, "gpclosedoverall": 0.3,
               "healthconditionre": 0.6, "healthimpact": 0.55, "healthconfidence": 0.55, "healthsupport": 0.55,
               "healthconversation": 0.55, "healthcareplan": 0.3, "healthcareplanhelpful": 0.2}
GPPS_ADMIN = ["ad_practicecode", "ad_practicename", "ad_subicbcode", "ad_subicbname", "ad_icbcode", "ad_icbname",
              "ad_regioncode", "ad_regionname"]


def gpps_header():
    """Per stem: `<stem>_<k>.pct` for each answer option (k from 1), the headline score (`.pcteval`,
    `.pctevalb`) where there is one, the respondent bases `.base` (unweighted) and `.basew`
    (weighted), and the headline score's `.baseeval` and `.baseevalw`."""
    header = GPPS_ADMIN + ["distributed", "received", "resprate", "popsize"]
    for stem, options, kind in GPPS_QUESTIONS:
        header += [f"{stem}_{k}.pct" for k in range(1, options + 1)]
        if kind in ("eval", "evalb"):
            header.append(f"{stem}.pcteval" if kind == "eval" else f"{stem}.pctevalb")
        header += [f"{stem}.base", f"{stem}.basew"]
        if kind in ("eval", "evalb"):
            header += [f"{stem}.baseeval", f"{stem}.baseevalw"]
    return header


def gpps(count, out):
    rng = random.Random(2025)
    header = gpps_header()
    identity = set(GPPS_ADMIN)
    name = "GPPS_2025_Practice_data_(weighted)_(csv)_PUBLIC.csv"
    tmp = out / (name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f, open(out / "ref.csv.tmp", "w", newline="", encoding="utf-8") as r:
        w = csv.writer(f, lineterminator="\r\n")
        ref = csv.writer(r, lineterminator="\n")
        w.writerow(header)
        for p in practices(count):
            patients = p["patients"]
            distributed = min(1500, 150 + patients * 3 // 100)
            received = distributed * rng.randint(12, 45) // 100
            small = patients <= 1000
            row = [p["code"], p["name"], p["sub_icb"], p["sub_icb_name"], p["icb"], p["icb_name"], p["region"], p["region_name"],
                   str(distributed), str(received), f"{received / distributed:.6f}", str(patients)]
            weight = 0.75 + rng.random() / 2
            for stem, options, kind in GPPS_QUESTIONS:
                base = int(received * GPPS_ROUTED.get(stem, 0.97) * (0.9 + rng.random() / 10))
                basew = base * weight
                if kind == "multi" or kind == "evalb":
                    shares = [rng.random() ** 2 for _ in range(options)]
                else:
                    raw = [rng.random() + (1.5 if k < 2 else 0) for k in range(options)]
                    total = sum(raw)
                    shares = [x / total for x in raw]
                if base < 10:
                    # Fewer than 10 respondents: every result of the question suppressed, bases published.
                    row += ["-99"] * options
                else:
                    for s in shares:
                        # A small count in a practice of 1,000 patients or fewer: suppressed (demographics).
                        row.append("-97" if small and stem.startswith(("aboutyou", "dv_")) and s * base < 5 else f"{s:.6f}")
                evalbase = base - int(base * shares[-1]) if kind in ("eval", "evalb") else base
                if kind in ("eval", "evalb"):
                    row.append("-99" if evalbase < 10 else f"{min(1.0, (shares[0] + shares[1]) * base / max(evalbase, 1)):.6f}")
                row += [str(base), f"{basew:.4f}"]
                if kind in ("eval", "evalb"):
                    row += [str(evalbase), f"{evalbase * weight:.4f}"]
            assert len(row) == len(header)
            w.writerow(row)
            for c, v in zip(header, row):
                if c not in identity:
                    ref.writerow([p["code"], c, v])
    os.replace(out / "ref.csv.tmp", out / "ref.csv")
    os.replace(tmp, out / name)
    print(out / name)


# The day-and-time bands: the night before core hours, every half hour from 08:00 to 18:29, the evening
# (modelled from the summary workbook's Table 2 bands `18:00 - 18:29`, `18:30 - 23:59`), with the share
# of a weekday's calls each gets (modelled: the 08:00 peak, a lunchtime dip).
CBT_BANDS = ["00:00 - 07:59"] + [f"{t // 60:02d}:{t % 60:02d} - {(t + 29) // 60:02d}:{(t + 29) % 60:02d}"
                                 for t in range(8 * 60, 18 * 60 + 30, 30)] + ["18:30 - 23:59"]
CBT_WEIGHTS = [0.4, 14, 9, 6, 5, 4.5, 4, 3.5, 3.2, 2.6, 2.2, 2.2, 2.6, 3, 3, 2.8, 2.5, 2.2, 1.8, 1.5, 1.2, 0.9, 0.4]


def cbt(count, out):
    """REAL: the practices (Table 2 of the February 2026 online consultations workbook: codes, PCN and
    sub-ICB codes; their registered patients scale the calls). From nhs-formats.md §8: the long layout
    `Date, PRACTICE_CODE, PCN_CODE, SUB_ICB_LOCATION_CODE, Indicator, <time band>, Value` and codes
    CBT001 inbound, CBT002 ended in the IVR, CBT003 answered; practice daily files from October 2025.
    MODELLED: every value; the band column's name (`Time_Band`, as the mirror); the bands (half-hourly,
    from the workbook's `18:00 - 18:29`); that the file holds CBT001-CBT003 only, and every practice,
    day, indicator and band including zeros (the densest the layout allows: the largest file a month
    can be); ISO dates; rows grouped by practice (then day, indicator, band). The By Durations file
    (`Date, PRACTICE_CODE, Indicator, Duration, Value`, 4 bands and TOTAL) is smaller by the layout
    alone: two fewer columns and 5 bands against 23."""
    import datetime
    assert len(CBT_BANDS) == len(CBT_WEIGHTS) == 23 and CBT_BANDS[-2] == "18:00 - 18:29"
    rng = random.Random(2510)
    days = [datetime.date(2025, 10, d) for d in range(1, 32)]
    wsum = sum(CBT_WEIGHTS)
    shares = [x / wsum for x in CBT_WEIGHTS]
    name = "Cloud Based Telephony Data in General Practice - October 2025 - By Day and Time.csv"
    tmp = out / (name + ".tmp")
    rows = 0
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write("Date,PRACTICE_CODE,PCN_CODE,SUB_ICB_LOCATION_CODE,Indicator,Time_Band,Value\r\n")
        for p in practices(count):
            lines = []
            per_day = p["patients"] * (0.012 + rng.random() * 0.02)
            answer = 0.55 + rng.random() * 0.4
            for d in days:
                iso = d.isoformat()
                weekend = d.weekday() >= 5
                lead = f"{iso},{p['code']},{p['pcn']},{p['sub_icb']},"
                inbound = [int(per_day * (0.04 / 23 if weekend else s) * (0.7 + rng.random() * 0.6)) for s in shares]
                ivr = [n // 9 for n in inbound]
                answered = [int((n - i) * answer) for n, i in zip(inbound, ivr)]
                for code, values in (("CBT001", inbound), ("CBT002", ivr), ("CBT003", answered)):
                    for band, v in zip(CBT_BANDS, values):
                        lines.append(f"{lead}{code},{band},{v}\r\n")
            rows += len(lines)
            f.write("".join(lines))
    os.replace(tmp, out / name)
    print(out / name, rows)


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind in ("nwrs", "gpps", "cbt"):
        out = Path(sys.argv[3]); out.mkdir(parents=True, exist_ok=True)
        {"nwrs": nwrs, "gpps": gpps, "cbt": cbt}[kind](int(sys.argv[2]), out)
    else:
        out = Path(sys.argv[4]); out.mkdir(parents=True, exist_ok=True)
        oc(int(sys.argv[2]), int(sys.argv[3]), out)
