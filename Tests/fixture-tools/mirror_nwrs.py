"""General Practice Workforce (source `nwrs`) for the offline publisher mirror.

A plug-in of make_publisher_mirror.py (see its main()): build(samples_root, m) returns the
series (saved digital.nhs.uk pages and their files) and the README section.

REAL: the detailed CSV's column names and order come from NHS England's definitions workbook
(samples/workforce/0 General Practice Detailed Practice-Level CSV. Overall Definitions.xlsx, 805
fields, read here with xlsx_rows.py), including its "Introduced from" notes, which give the
columns of the older header editions; the workbook itself is shipped in the newest zip, as the
publisher does. Practice codes, names, PCNs, CCG/STP codes and names come from the real
gp-reg-pat-prac-map of January 2022; the ICB-era sub-ICB, ICB and region codes and names from the
real PCN workforce file (samples/workforce/PCN_workforce_Individual_Level_2020-03.csv).
MODELLED: every number (seeded, deterministic), the CCG-era and pre-2023 column order (identity,
TOTAL_PATIENTS, GP_SOURCE, GP columns, patients by age, nurses, DPC, admin, as nhs-formats.md §5
describes the pre-2023 header), the COMM_REGION_ names of the CCG-era file, the high-level CSV's
rows, the individual-level CSV, the name of the back-series zip, and the pages' text.
"""
import csv
import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path

PATH = "/data-and-information/publications/statistical/general-and-personal-medical-services"
TITLE = "General Practice Workforce"
DASH = "\u2013"
WORKBOOK = "0 General Practice Detailed Practice-Level CSV. Overall Definitions.xlsx"
PRACTICES = ["A81001", "A82004", "A83001", "A84002", "A86005", "A88001", "A89001", "B81004", "B84001", "B86001"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
LAST_DAY = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
PCN_NAME = f"1.Primary Care Networks {DASH} March 2020 Individual Level.csv"
SOURCES = ["GP_SOURCE", "NURSE_SOURCE", "DPC_SOURCE", "ADMIN_SOURCE"]
GROUP = re.compile(r"^(TOTAL|MALE|FEMALE)_(?:TRAINEE_)?(GP|NURSES|N|DPC|ADMIN)_")


def definitions(samples_root):
    """(column name, introduced (year, month) or None) for the 805 fields, in workbook order."""
    tool = Path(__file__).resolve().parent / "xlsx_rows.py"
    out = subprocess.run([sys.executable, str(tool), str(samples_root / "workforce" / WORKBOOK),
                          "Practice-Level CSV Definitions"], check=True, capture_output=True, text=True).stdout
    fields = []
    for line in out.splitlines():
        number, cells = json.loads(line)
        if number == 1:
            continue
        note = cells[3] if len(cells) > 3 else ""
        found = re.search(r"Introduced from (\w+) (\d{4})", note)
        introduced = None
        if found:
            month = {"janaury": 1}.get(found.group(1).lower()) or MONTHS.index(found.group(1).capitalize()) + 1
            introduced = (int(found.group(2)), month)
        fields.append((cells[1], introduced))
    return fields


def practices(samples_root):
    """Real identities: the January 2022 practice map (CCG era) and the PCN file's ICB-era names."""
    with open(samples_root / "workforce" / "PCN_workforce_Individual_Level_2020-03.csv", newline="", encoding="cp1252") as f:
        icb_era = {r["SUB_ICB_CODE"]: r for r in csv.DictReader(f)}
    with open(samples_root / "registrations" / "gp-reg-pat-prac-map_2022-01.csv", newline="") as f:
        rows = {r["PRACTICE_CODE"]: r for r in csv.DictReader(f)}
    out = []
    for code in PRACTICES:
        r, i = rows[code], icb_era[rows[code]["CCG_CODE"]]
        out.append({
            "PRAC_CODE": code, "PRAC_NAME": r["PRACTICE_NAME"], "PCN_CODE": r["PCN_CODE"], "PCN_NAME": r["PCN_NAME"],
            "CCG_CODE": r["CCG_CODE"], "CCG_NAME": r["CCG_NAME"], "STP_CODE": r["STP_CODE"], "STP_NAME": r["STP_NAME"],
            "COMM_REGION_CODE": r["COMM_REGION_CODE"], "COMM_REGION_NAME": r["COMM_REGION_NAME"],
            "SUB_ICB_CODE": i["SUB_ICB_CODE"], "SUB_ICB_NAME": i["SUB_ICB_NAME"].rstrip(), "ICB_CODE": i["ICB_CODE"],
            "ICB_NAME": i["ICB_NAME"], "REGION_CODE": i["COMM_REGION_CODE"], "REGION_NAME": i["COMM_REGION_NAME"],
        })
    return out


def header(fields, year, month):
    """The detailed CSV's columns in a census month: the workbook's, less those introduced later;
    before 2023 in the older order and, before the July 2022 re-issue, with CCG-era names."""
    names = [n for n, introduced in fields if introduced is None or introduced <= (year, month)]
    if (year, month) >= (2023, 1):
        return names
    identity, rest = names[:10], names[10:]
    patients = [n for n in rest if n.startswith("TOTAL_PATIENTS") or "_PATIENTS_" in n or n in ("TOTAL_MALE", "TOTAL_FEMALE")]
    blocks = {g: [n for n in rest if GROUP.match(n) and GROUP.match(n).group(2) in g] for g in (("GP",), ("NURSES", "N"), ("DPC",), ("ADMIN",))}
    ordered = identity + ["TOTAL_PATIENTS", "GP_SOURCE"] + blocks[("GP",)] + [n for n in patients if n != "TOTAL_PATIENTS"] \
        + ["NURSE_SOURCE"] + blocks[("NURSES", "N")] + ["DPC_SOURCE"] + blocks[("DPC",)] + ["ADMIN_SOURCE"] + blocks[("ADMIN",)]
    assert sorted(ordered) == sorted(names), set(names) ^ set(ordered)
    return ordered


def ccg_era(columns):
    rename = {"SUB_ICB_CODE": "CCG_CODE", "SUB_ICB_NAME": "CCG_NAME", "ICB_CODE": "STP_CODE", "ICB_NAME": "STP_NAME",
              "REGION_CODE": "COMM_REGION_CODE", "REGION_NAME": "COMM_REGION_NAME"}
    return [rename.get(c, c) for c in columns]


def fte(rng, hc):
    if hc == 0:
        return "0"
    return f"{hc * rng.uniform(0.4, 1.0):.9f}".rstrip("0").rstrip(".")


def detailed_rows(fields, people, year, month, seed, reissue=False, not_available=None, unaligned=None, sources=None):
    """Header and rows of one detailed CSV. `not_available` {practice: staff group} gives NA in
    every column of that group (from February 2023); `unaligned` practices show PCN Unaligned."""
    columns = header(fields, year, month)
    ccg = (year, month) < (2022, 7) and not reissue
    out = [ccg_era(columns) if ccg else columns]
    for p in people:
        rng = random.Random(f"{seed}:{p['PRAC_CODE']}")
        row = []
        for c in columns:
            if c in p and c not in ("PCN_CODE", "PCN_NAME"):
                row.append(p[{"SUB_ICB_CODE": "CCG_CODE", "SUB_ICB_NAME": "CCG_NAME", "ICB_CODE": "STP_CODE", "ICB_NAME": "STP_NAME",
                              "REGION_CODE": "COMM_REGION_CODE", "REGION_NAME": "COMM_REGION_NAME"}.get(c, c) if ccg else c])
            elif c in ("PCN_CODE", "PCN_NAME"):
                row.append("Unaligned" if p["PRAC_CODE"] in (unaligned or ()) else p[c])
            elif c in SOURCES:
                row.append((sources or {}).get((p["PRAC_CODE"], c), "Fully provided"))
            elif GROUP.match(c):
                group = GROUP.match(c).group(2)
                if (not_available or {}).get(p["PRAC_CODE"]) == group:
                    row.append("NA")
                elif c.endswith("_FTE") or "_FTE_" in c:
                    row.append(fte(rng, rng.randint(0, 6)))
                else:
                    row.append(str(rng.randint(0, 9)))
            else:  # registered patients
                row.append(str(rng.randint(1500, 14000) if c == "TOTAL_PATIENTS" else rng.randint(0, 4000)))
        out.append(row)
    return out


HIGH_ROLES = [("GP", "Total", "TOTAL_GP"), ("GP", "Partner/Provider", "TOTAL_GP_PTNR_PROV"), ("GP", "Salaried by Practice", "TOTAL_GP_SAL_BY_PRAC"),
              ("Nurses", "Total", "TOTAL_NURSES"), ("Nurses", "Practice Nurse", "TOTAL_N_PRAC_NURSE"),
              ("Nurses", "Advanced Nurse Practitioner", "TOTAL_N_NURSE_ADV_PRAC"),
              ("Direct Patient Care", "Total", "TOTAL_DPC"), ("Direct Patient Care", "Pharmacist", "TOTAL_DPC_PHARMA"),
              ("Admin/Non-Clinical", "Total", "TOTAL_ADMIN"), ("Admin/Non-Clinical", "Receptionist", "TOTAL_ADMIN_RECEPT")]


def high_level_rows(detailed):
    """The high-level CSV of a detailed CSV: its figures for a few roles, long (NA kept)."""
    head, rows = detailed[0], detailed[1:]
    out = [["PRAC_CODE", "PRAC_NAME", "STAFF_GROUP", "DETAILED_STAFF_ROLE", "MEASURE", "VALUE"]]
    for r in rows:
        d = dict(zip(head, r))
        for group, role, stem in HIGH_ROLES:
            for measure, suffix in (("FTE", "_FTE"), ("Headcount", "_HC")):
                if stem + suffix in d:
                    out.append([d["PRAC_CODE"], d["PRAC_NAME"], group, role, measure, d[stem + suffix]])
    return out


def csv_bytes(rows, bom=False):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8")


def names(year, month):
    label = f"{MONTHS[month - 1]} {year}"
    return (f"1 General Practice {DASH} {label} Practice Level - Detailed.csv",
            f"3 General Practice {DASH} {label} Practice Level - High level.csv",
            f"1.General Practice {DASH} {label} Individual Level.csv")


def individual_rows(people, year, month):
    """A stand-in for the practice individual-level CSV (left out by the loader)."""
    out = [["CENSUS_YEAR", "CENSUS_MONTH", "PRAC_CODE", "STAFF_GROUP", "FTE", "UNIQUE_IDENTIFIER"]]
    for i, p in enumerate(people[:3]):
        out.append([str(year), str(month), p["PRAC_CODE"], "GP", "1", str(1000 + i)])
    return out


def pcn_october(samples_root):
    """The real March 2020 PCN file restated as October 2025 (census columns changed, one
    post's FTE changed, still Windows-1252 with CRLF)."""
    text = (samples_root / "workforce" / "PCN_workforce_Individual_Level_2020-03.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for r in rows[1:]:
        r[1], r[2] = "2025", "10"
    rows[1][14] = "0.75"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("cp1252")


def revised_fte(rows):
    """A detailed CSV after the December 2021 method change: each non-zero FTE times 0.97."""
    head = rows[0]
    fte_columns = [i for i, c in enumerate(head) if GROUP.match(c) and (c.endswith("_FTE") or "_FTE_" in c)]
    out = [list(head)]
    for r in rows[1:]:
        r = list(r)
        for i in fte_columns:
            if r[i] not in ("0", "NA", ""):
                r[i] = f"{float(r[i]) * 0.97:.9f}".rstrip("0").rstrip(".")
        out.append(r)
    return out


def build(samples_root, m):
    fields = definitions(samples_root)
    assert len(fields) == 805, len(fields)
    people = practices(samples_root)
    when = (2025, 11, 27, 9, 30, 0)

    def month_zip(year, month, detailed, extra=()):
        d, h, i = names(year, month)
        members = [(d, csv_bytes(detailed)), (h, csv_bytes(high_level_rows(detailed))),
                   (i, csv_bytes(individual_rows(people, year, month)))] + list(extra)
        return m.pdata.zip_members(members, when)

    # March 2022: CCG-era header (before the ICB re-issue).
    mar22 = detailed_rows(fields, people, 2022, 3, "2022-03")
    # July 2022: ICB geography; the page re-issues the back-series (here March 2022) in it, one
    # value corrected (A81001's TOTAL_GP_HC).
    jul22 = detailed_rows(fields, people, 2022, 7, "2022-07")
    mar22_reissued = detailed_rows(fields, people, 2022, 3, "2022-03", reissue=True)
    col = mar22_reissued[0].index("TOTAL_GP_HC")
    mar22_reissued[1][col] = str(int(mar22_reissued[1][col]) + 1)
    # February 2023: age bands (introduced January 2023), NA for a practice's nurses, one practice
    # Unaligned.
    feb23 = detailed_rows(fields, people, 2023, 2, "2023-02", not_available={"B84001": "NURSES"},
                          unaligned={"A88001"}, sources={("B84001", "NURSE_SOURCE"): "No valid or current data",
                                                         ("A86005", "GP_SOURCE"): "Includes FTE Estimates"})
    # October 2025: all 805 columns, as the workbook shipped with it lists them.
    oct25 = detailed_rows(fields, people, 2025, 10, "2025-10", not_available={"B84001": "NURSES", "A89001": "DPC"},
                          unaligned={"A88001"}, sources={("B84001", "NURSE_SOURCE"): "No valid or current data",
                                                         ("A89001", "DPC_SOURCE"): "No data provided",
                                                         ("A83001", "ADMIN_SOURCE"): "Fully Estimated"})
    assert len(oct25[0]) == 805 and len(feb23[0]) == 804 and len(jul22[0]) == 757, (len(oct25[0]), len(feb23[0]), len(jul22[0]))
    workbook = (samples_root / "workforce" / WORKBOOK).read_bytes()
    d, h, _ = names(2022, 3)
    # September and December 2021 (CCG era). The December 2021 page re-issues September 2021
    # after a method change: every non-zero FTE revised, headcounts as before. The July 2022
    # ICB re-issue restates all three earlier months in the mirror.
    sep21 = detailed_rows(fields, people, 2021, 9, "2021-09")
    dec21 = detailed_rows(fields, people, 2021, 12, "2021-12")
    sep21_method = revised_fte(sep21)
    sep21_icb = revised_fte(detailed_rows(fields, people, 2021, 9, "2021-09", reissue=True))
    dec21_icb = detailed_rows(fields, people, 2021, 12, "2021-12", reissue=True)
    members = []
    for (year, month), rows in (((2021, 9), sep21_icb), ((2021, 12), dec21_icb), ((2022, 3), mar22_reissued)):
        d, h, _ = names(year, month)
        members += [(d, csv_bytes(rows)), (h, csv_bytes(high_level_rows(rows)))]
    backseries = m.pdata.zip_members(members, when)
    d, h, _ = names(2021, 9)
    method = m.pdata.zip_members([(d, csv_bytes(sep21_method)), (h, csv_bytes(high_level_rows(sep21_method)))], when)

    series = m.Series(
        key="nwrs", title=f"{TITLE} (formerly General and Personal Medical Services)", path=PATH,
        info_types="Official statistics", frequency="Monthly",
        summary=("Monthly statistics on the general practice workforce in England: GPs, nurses, direct patient care "
                 "and admin/non-clinical staff, headcount and full-time equivalent, by practice."))

    def edition(year, month, published, attachments, extra_paragraph=None):
        label = f"{MONTHS[month - 1]} {year}"
        summary = [f"This publication gives the general practice workforce in England as at {LAST_DAY[month]} {label}, "
                   "from data practices record in the National Workforce Reporting Service (NWRS).",
                   "The practice-level CSVs give, for each practice, headcount and full-time equivalent for each staff "
                   "group and role, with registered patients and how each staff group's figures were obtained."]
        if extra_paragraph:
            summary.append(extra_paragraph)
        return m.Edition(slug=f"{LAST_DAY[month]}-{MONTHS[month - 1].lower()}-{year}", title=f"{TITLE}, {LAST_DAY[month]} {label}",
                         published=published, summary=summary,
                         date_range=f"{m.range_date(year, month, LAST_DAY[month])} to {m.range_date(year, month, LAST_DAY[month])}",
                         attachments=attachments, last_edited=m.default_edited(published))

    series.editions = [
        edition(2025, 10, (2025, 11, 27), [
            m.Attachment("GPWPracticeCSV.102025.zip", "General Practice Workforce, October 2025: practice level CSVs",
                         month_zip(2025, 10, oct25, [(WORKBOOK, workbook)])),
            m.Attachment(f"1.Primary Care Networks {DASH} October 2025 Individual Level.csv",
                         "Primary Care Networks, October 2025: individual level CSV", pcn_october(samples_root))]),
        edition(2023, 2, (2023, 3, 30), [
            m.Attachment("GPWPracticeCSV.022023.zip", "General Practice Workforce, February 2023: practice level CSVs",
                         month_zip(2023, 2, feb23))]),
        edition(2022, 7, (2022, 9, 1), [
            m.Attachment("GPWPracticeCSV.072022.zip", "General Practice Workforce, July 2022: practice level CSVs",
                         month_zip(2022, 7, jul22)),
            m.Attachment("GPWPracticeCSV.backseries.ICB.zip",
                         "Practice level CSVs September 2015 to June 2022, reproduced for the ICB geography",
                         backseries),
            m.Attachment(PCN_NAME, "Primary Care Networks, March 2020: individual level CSV, reproduced for the ICB geography",
                         (samples_root / "workforce" / "PCN_workforce_Individual_Level_2020-03.csv").read_bytes())],
            "All historical practice-level CSVs have been reproduced for the new ICB and sub-ICB location geography."),
        edition(2022, 3, (2022, 4, 28), [
            m.Attachment("GPWPracticeCSV.032022.zip", "General Practice Workforce, March 2022: practice level CSVs",
                         month_zip(2022, 3, mar22))]),
        edition(2021, 12, (2022, 1, 27), [
            m.Attachment("GPWPracticeCSV.122021.zip", "General Practice Workforce, December 2021: practice level CSVs",
                         month_zip(2021, 12, dec21)),
            m.Attachment("GPWPracticeCSV.backseries.method.zip",
                         "Practice level CSVs September 2015 to November 2021, revised for the new FTE method", method)],
            "A change of method in estimating full-time equivalents has resulted in a total revision of the time series; "
            "all historical practice-level CSVs have been reproduced."),
        edition(2021, 9, (2021, 10, 28), [
            m.Attachment("GPWPracticeCSV.092021.zip", "General Practice Workforce, September 2021: practice level CSVs",
                         month_zip(2021, 9, sep21))]),
    ]
    readme = f"""## {TITLE} (nwrs)

Series page `digital.nhs.uk{PATH}`, editions `31-october-2025`, `28-february-2023`, `31-july-2022`,
`31-march-2022`, `31-december-2021` and `30-september-2021`, each with a zip `GPWPracticeCSV.<MMYYYY>.zip` holding
`1 General Practice {DASH} <Month YYYY> Practice Level - Detailed.csv` (EN DASH in the name),
`3 General Practice {DASH} <Month YYYY> Practice Level - High level.csv` and an individual-level CSV the
loader leaves out; the July 2022 page also links `GPWPracticeCSV.backseries.ICB.zip`, the back-series
re-issued for the ICB geography (here September 2021, December 2021 and March 2022, with one value
of March 2022 corrected), and the PCN
workforce individual-level CSV of March 2020 (`{PCN_NAME}`). The December 2021 page links
`GPWPracticeCSV.backseries.method.zip`, September 2021 re-issued after the FTE method change (every
non-zero FTE revised).

- REAL: the PCN individual-level CSV, byte-exact (`samples/workforce/PCN_workforce_Individual_Level_2020-03.csv`,
  Windows-1252: byte 0x96 in `Clinical Director – Medical`; its ICB-era names show it is itself a
  re-issue); the detailed CSV's 805 column names and their order (NHS England's definitions workbook,
  `samples/workforce/{WORKBOOK}`, which the October 2025 zip ships byte-exact), the columns each
  older edition lacks (the workbook's "Introduced from January 2023 / March 2024" notes: 757 columns
  in 2022, 804 in February 2023, 805 in October 2025); practice codes, names, PCNs and CCG/STP codes and names
  (gp-reg-pat-prac-map January 2022); ICB-era sub-ICB, ICB and region codes and names (the real PCN
  workforce file of March 2020).
- MODELLED: every number (seeded), the pre-2023 column order and CCG-era names (`CCG_`, `STP_`,
  `COMM_REGION_`), `NA` for B84001's nurses (and A89001's DPC in 2025) with their source flags,
  A88001 `Unaligned`, the high-level rows (taken from the detailed figures), the individual-level
  CSV, the method change (FTE times 0.97), the October 2025 PCN file (the real March 2020 rows with CENSUS_YEAR/MONTH 2025/10 and one
  FTE changed), the back-series zip's name, the March 2020 PCN file's place on the July 2022 page (the PCN series had
  pages of its own), page text and dates.
"""
    return {"series": [series], "readme": readme}
