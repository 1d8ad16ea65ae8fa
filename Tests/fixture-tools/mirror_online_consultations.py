"""Publisher-mirror plug-in: Submissions via Online Consultation Systems in General Practice.

REAL: the practices, their names, PCN / sub-ICB / ICB / region codes and names, suppliers and the
February 2026 figures all come from Table 2 of the real February 2026 workbook
(../shared/samples/oc_cbt/, read with xlsx_rows.py). The workbook is the February 2026 edition's
only file, every part byte-exact except Table 2, cut to the fixture's practices (cut_workbook).

MODELLED (no real CSV sample exists): the practice-level long CSVs (header and MONTH style from
nhs-formats.md §8) for August–November 2025, whose values are the February figures scaled per
month; the north/south split by region code; the day-and-time files in both editions (headers from
nhs-formats.md §8, the counts spread from each practice's monthly total); the traps (a supplier
list with a comma, `No Data`, PCN `U`/`Unallocated`, a blank VALUE and a `*` VALUE, the restated
October with two changed values and one late practice).
"""
import csv
import datetime
import io
import json
import subprocess
import sys
from pathlib import Path

TITLE = "Submissions via Online Consultation Systems in General Practice"
PATH = "/data-and-information/publications/statistical/submissions-via-online-consultation-systems-in-general-practice"
WORKBOOK = "Submissions via OC Systems in General Practice - February 2026.xlsx"
NORTH = {"Y63", "Y62", "Y60"}          # modelled split: north = NE & Yorkshire, North West, Midlands
HEADER = ["MONTH", "GP_CODE", "GP_NAME", "PCN_CODE", "PCN_NAME", "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME", "ICB_CODE",
          "ICB_NAME", "REGION_CODE", "REGION_NAME", "SUPPLIER", "METRIC", "VALUE"]
WEEKDAY_HEADER = ["MONTH", "GP_CODE", "GP_NAME", "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME", "ICB_CODE", "ICB_NAME",
                  "REGION_CODE", "REGION_NAME", "PCN_CODE", "PCN_NAME", "SUPPLIER", "WEEKDAY", "SUBMISSION_TIME", "VALUE"]
DAILY_HEADER = ["DATE", "GP_CODE", "PCN_CODE", "SUB_ICB_LOCATION_CODE", "SUBMISSION_TIME", "CLINICAL", "ADMIN", "UNKNOWN_OTHER", "TOTAL"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
BANDS = ["00:00 - 07:59", "08:00 - 09:59", "10:00 - 11:59", "12:00 - 13:59", "14:00 - 15:59", "16:00 - 17:59", "18:00 - 23:59"]
WEIGHTS = [1, 6, 4, 3, 3, 2, 1]
MONTH_FACTOR = {(2025, 8): 0.83, (2025, 9): 0.97, (2025, 10): 1.04, (2025, 11): 1.01, (2026, 2): 1.0}
LAST_DAY = {2: 28, 8: 31, 9: 30, 10: 31, 11: 30}
ZIP_TIME = (2025, 12, 11, 9, 30, 0)


def table2(samples_root):
    here = Path(__file__).resolve().parent
    out = subprocess.run([sys.executable, str(here / "xlsx_rows.py"), str(samples_root / "oc_cbt" / WORKBOOK), "Table 2"],
                         check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    header = next(cells for n, cells in rows if cells and cells[0].startswith("Month"))
    return [dict(zip(header, cells), _row=n) for n, cells in rows if len(cells) == len(header) and cells[1][:1].isalpha()
            and not cells[0].startswith("Month")]


def cut_workbook(data, keep_rows):
    """The real workbook with Table 2 (sheet4.xml) cut to its title and header rows, the practice
    rows in `keep_rows` and the notes under the table, renumbered; every other part byte-exact."""
    import re, zipfile
    zin = zipfile.ZipFile(io.BytesIO(data))
    sheet = zin.read("xl/worksheets/sheet4.xml").decode("utf-8")
    rows = list(re.finditer(r'<row r="(\d+)"[^>]*?(?:/>|>.*?</row>)', sheet, re.S))
    last_data = max(p for p in keep_rows)
    kept, new = [], 0
    notes = [int(m.group(1)) for m in rows if 6183 <= int(m.group(1)) <= 6199]
    for m in rows:
        n = int(m.group(1))
        if n <= 12 or n in keep_rows or n in notes:
            new += 1
            text = re.sub(r'(<row r=")\d+(")', lambda x: f"{x.group(1)}{new}{x.group(2)}", m.group(0), count=1)
            text = re.sub(r'(<c r="[A-Z]+)\d+(")', lambda x: f"{x.group(1)}{new}{x.group(2)}", text)
            kept.append(text)
    body = sheet[:rows[0].start()] + "".join(kept) + sheet[rows[-1].end():]
    body = body.replace('<dimension ref="A1:S6586"/>', f'<dimension ref="A1:S{new}"/>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            part = body.encode("utf-8") if info.filename == "xl/worksheets/sheet4.xml" else zin.read(info.filename)
            zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            zout.writestr(zi, part, compresslevel=6)
    return out.getvalue()


def pick(practices):
    """About a dozen practices per half: the first ones of each region, plus the traps."""
    chosen, per_region = [], {}
    for p in practices:
        region = p["Region Code"]
        if per_region.get(region, 0) < 3 and p["Supplier [4, 5, 6]"] not in ("No Data", "No data"):
            per_region[region] = per_region.get(region, 0) + 1
            chosen.append(p)
    multi = next(p for p in practices if "," in p["Supplier [4, 5, 6]"] and p not in chosen)
    nodata = next(p for p in practices if p["Supplier [4, 5, 6]"] == "No Data" and p["PCN Code [2, 3]"] == "U")
    chosen += [multi, nodata]
    return sorted(chosen, key=lambda p: p["GP Code"])


def fmt_rate(total, patients):
    return repr(total * 1000 / patients) if patients else "0"


def metrics(p, factor):
    """The metric rows of one practice-month (real February values when factor is None)."""
    def scaled(name):
        v = int(p[name])
        return v if factor is None else int(v * factor + 0.5)
    total, clinical, admin, other = (scaled(k) for k in ("Submissions [7]", "Clinical Submissions [7]",
                                                         "Administrative Submissions [7]", "Other/Unknown Type Submissions [7]"))
    if factor is not None:
        other = total - clinical - admin if total >= clinical + admin else 0
        total = clinical + admin + other
    patients = int(p["Registered Patient Count [8]"])
    rate = p["Rate per 1,000 Registered Patients [9, 10]"] if factor is None else fmt_rate(total, patients)
    return [("OC_TOTAL_SUBMISSIONS", str(total)), ("OC_SUBMISSION_TYPE_CLINICAL", str(clinical)),
            ("OC_SUBMISSION_TYPE_ADMIN", str(admin)), ("OC_SUBMISSION_TYPE_OTHER", str(other)),
            ("PATIENTS_REGISTERED", str(patients)), ("OC_RATE_PER_1000_REGISTERED_PATIENTS", rate),
            ("OC_PARTICIPATION", p["Participation"])]


def practice_rows(p, year, month, factor, overrides=None):
    rows = []
    for metric, value in metrics(p, factor):
        value = (overrides or {}).get(metric, value)
        rows.append([f"01/{month:02d}/{year}", p["GP Code"], p["GP Name"], p["PCN Code [2, 3]"], p["PCN Name [3]"], p["Sub ICB Code"],
                     p["Sub ICB Name"], p["ICB Code"], p["ICB Name"], p["Region Code"], p["Region Name"], p["Supplier [4, 5, 6]"],
                     metric, value])
    return rows


def csv_bytes(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def long_files(chosen, months, missing=(), changes=None):
    """The north and south CSVs of an edition: every month of its back-series, newest first."""
    north, south = [], []
    for (y, m) in months:
        for i, p in enumerate(chosen):
            if (y, m, p["GP Code"]) in missing:
                continue                                   # submitted late: absent from this edition
            overrides = dict((changes or {}).get((y, m, p["GP Code"]), {}))
            if (y, m) == (2025, 9) and i == 1:
                overrides["OC_RATE_PER_1000_REGISTERED_PATIENTS"] = ""        # a blank value
            if (y, m) == (2025, 9) and i == 2:
                overrides["OC_SUBMISSION_TYPE_OTHER"] = "*"                   # a suppressed value
            rows = practice_rows(p, y, m, MONTH_FACTOR[(y, m)], overrides)
            (north if p["Region Code"] in NORTH else south).extend(rows)
    return north, south


def weekday_rows(chosen, months):
    rows = []
    for (y, m) in months:
        for p in chosen:
            total = int(int(p["Submissions [7]"]) * MONTH_FACTOR[(y, m)] + 0.5)
            for d, day in enumerate(DAYS):
                day_share = total * (5 if d < 5 else 1) // 27
                for b, band in enumerate(BANDS):
                    rows.append([f"01/{m:02d}/{y}", p["GP Code"], p["GP Name"], p["Sub ICB Code"], p["Sub ICB Name"], p["ICB Code"],
                                 p["ICB Name"], p["Region Code"], p["Region Name"], p["PCN Code [2, 3]"], p["PCN Name [3]"],
                                 p["Supplier [4, 5, 6]"], day, band, str(day_share * WEIGHTS[b] // 20)])
    return rows


def daily_rows(chosen, y, m):
    rows = []
    for p in chosen:
        total = int(int(p["Submissions [7]"]) * MONTH_FACTOR[(y, m)] + 0.5)
        clinical_share = int(p["Clinical Submissions [7]"]) / max(int(p["Submissions [7]"]), 1)
        for day in range(1, LAST_DAY[m] + 1):
            weekday = datetime.date(y, m, day).weekday()
            day_total = total * (5 if weekday < 5 else 1) // 110
            for b, band in enumerate(BANDS):
                t = day_total * WEIGHTS[b] // 20
                clinical = int(t * clinical_share)
                admin = t - clinical
                rows.append([f"{day:02d}/{m:02d}/{y}", p["GP Code"], p["PCN Code [2, 3]"], p["Sub ICB Code"], band,
                             str(clinical), str(admin), "0", str(t)])
    rows[5][8] = "*"                                     # a suppressed total (modelled)
    return rows


def build(samples_root, m):
    practices = table2(samples_root)
    chosen = pick(practices)
    late = chosen[3]
    oct_months = [(2025, 10), (2025, 9), (2025, 8)]
    nov_months = [(2025, 11), (2025, 10), (2025, 9)]
    # The November edition restates October: two values changed, one practice submitted late.
    changes = {(2025, 10, chosen[0]["GP Code"]): {"OC_TOTAL_SUBMISSIONS": "9999"},
               (2025, 10, chosen[5]["GP Code"]): {"OC_SUBMISSION_TYPE_ADMIN": "1"}}
    oct_north, oct_south = long_files(chosen, oct_months, missing={(2025, 10, late["GP Code"])})
    nov_north, nov_south = long_files(chosen, nov_months, changes=changes)
    stem = "Submissions via OC Systems in General Practice - "
    timed = chosen[:4]
    weekday_zip = m.zip_single(f"{stem}October 2025 - Day and Time.csv", csv_bytes(WEEKDAY_HEADER, weekday_rows(timed, [(2025, 10), (2025, 9)])),
                               ZIP_TIME)
    february_zip = m.zip_single(f"{stem}February 2026 - Day and Time.csv", csv_bytes(DAILY_HEADER, daily_rows(timed, 2026, 2)), ZIP_TIME)
    daily_zip = m.zip_single(f"{stem}November 2025 - Day and Time.csv", csv_bytes(DAILY_HEADER, daily_rows(timed, 2025, 11)), ZIP_TIME)
    # The February workbook, Table 2 cut to the fixture's practices (the real file is 971 KB).
    workbook = cut_workbook((samples_root / "oc_cbt" / WORKBOOK).read_bytes(), {p["_row"] for p in chosen})
    november_workbook = m.placeholder_xlsx(f"Placeholder workbook for the offline mirror ({TITLE}, November 2025); not a data file.")

    series = m.Series(
        key="online-consultations", title=TITLE, path=PATH, info_types="Official statistics in development", frequency="Monthly",
        summary=("Monthly counts of patient submissions made through online consultation systems in general practice in England, "
                 "by practice, with the time of day and day of week they were made."))

    def summary(month_name, year, back):
        return [f"This publication gives the number of submissions made via online consultation systems in general practice in "
                f"England in {month_name} {year}, with earlier months restated{back}.",
                "The practice-level CSV files (north and south regions) give each practice's submissions by type, its registered "
                "patients, its rate per 1,000 registered patients and whether it participates; the day and time file gives "
                "submissions by time band."]

    workbook_edition = [
        m.Edition(slug="february-2026", title=f"{TITLE}, February 2026", published=(2026, 3, 26),
                  summary=summary("February", 2026, ""), date_range=f"{m.range_date(2026, 2, 1)} to {m.range_date(2026, 2, 28)}",
                  attachments=[m.Attachment(WORKBOOK, "Submissions via OC Systems in General Practice - February 2026 (Excel)", workbook),
                               m.Attachment(f"{stem}February 2026 - Day and Time.zip", "Submissions by date and time (CSV, zipped)",
                                            february_zip)],
                  last_edited=m.default_edited((2026, 3, 26))),
    ]
    series.editions = workbook_edition + [
        m.Edition(slug="november-2025", title=f"{TITLE}, November 2025", published=(2025, 12, 18),
                  summary=summary("November", 2025, " (September and October 2025)"),
                  date_range=f"{m.range_date(2025, 9, 1)} to {m.range_date(2025, 11, 30)}",
                  attachments=[m.Attachment(f"{stem}November 2025_north_regions.csv", "Practice level data - north regions (CSV)",
                                            csv_bytes(HEADER, nov_north)),
                               m.Attachment(f"{stem}November 2025_south_regions.csv", "Practice level data - south regions (CSV)",
                                            csv_bytes(HEADER, nov_south)),
                               m.Attachment(f"{stem}November 2025 - Day and Time.zip", "Submissions by date and time (CSV, zipped)",
                                            daily_zip),
                               m.Attachment(f"{stem}November 2025.xlsx", "Submissions via OC Systems in General Practice - November 2025 (Excel)",
                                            november_workbook)],
                  last_edited=m.default_edited((2025, 12, 18))),
        m.Edition(slug="october-2025", title=f"{TITLE}, October 2025", published=(2025, 11, 20),
                  summary=summary("October", 2025, " (August and September 2025)"),
                  date_range=f"{m.range_date(2025, 8, 1)} to {m.range_date(2025, 10, 31)}",
                  attachments=[m.Attachment(f"{stem}October 2025_north_regions.csv", "Practice level data - north regions (CSV)",
                                            csv_bytes(HEADER, oct_north)),
                               m.Attachment(f"{stem}October 2025_south_regions.csv", "Practice level data - south regions (CSV)",
                                            csv_bytes(HEADER, oct_south)),
                               m.Attachment(f"{stem}October 2025 - Day and Time.zip", "Submissions by weekday and time (CSV, zipped)",
                                            weekday_zip)],
                  last_edited=m.default_edited((2025, 11, 20))),
    ]
    codes = ", ".join(p["GP Code"] for p in chosen)
    readme = f"""## Submissions via Online Consultation Systems in General Practice (`online-consultations`)

Series page `https://digital.nhs.uk{PATH}`, three editions (October 2025, November 2025, February 2026).

REAL: the February 2026 edition has no practice-level CSV, only its workbook, `{WORKBOOK}` (and
a modelled day-and-time zip): the published file (from
`../shared/samples/oc_cbt/`) with every part byte-exact except Table 2 (`xl/worksheets/sheet4.xml`),
cut to its title and header rows (header on row 12, footnote markers in the names), the rows of the
fixture's practices and the source line and notes under the table, renumbered. The {len(chosen)} practices of the CSVs ({codes}), their names, PCN,
sub-ICB, ICB and region codes and names, and their suppliers are Table 2 of that workbook, as are
the metric names' meaning.

MODELLED (no real CSV has been seen): the practice-level long CSVs `…_north_regions.csv` /
`…_south_regions.csv` (header and `dd/mm/yyyy` MONTH as nhs-formats.md §8 describes; values are the
February figures scaled per month; which regions count as north is our choice: Y60, Y62, Y63); each
edition carries three months (October: Aug–Oct 2025; November: Sep–Nov 2025, restating October with
OC_TOTAL_SUBMISSIONS of {chosen[0]["GP Code"]} set to 9999, OC_SUBMISSION_TYPE_ADMIN of
{chosen[5]["GP Code"]} set to 1, and October's rows of {late["GP Code"]}, absent from the October
edition, added (a late submitter); September is restated unchanged). September 2025 has a blank VALUE and a `*`
VALUE. The day-and-time zips: October's in the month-and-weekday edition (`MONTH,…,WEEKDAY,
SUBMISSION_TIME,VALUE`, September and October), November's in the dated edition (`DATE,…,CLINICAL,
ADMIN,UNKNOWN_OTHER,TOTAL`, one row per day and band, one `*` TOTAL; February 2026's likewise), for
the first four practices;
the time bands and the spread of each month's total over days and bands are invented. The
supplier list with a comma and `No Data` with PCN `U`/`Unallocated` are real values of real practices.
The November 2025 edition also lists a placeholder workbook (not a data file): an edition with CSVs
has its workbook's table in them, so the loader leaves the workbook out.
"""
    return {"series": [series], "readme": readme}
