"""Publisher-mirror plug-in: Cloud Based Telephony in General Practice (NHS England, monthly).

REAL: the practices (ODS codes, PCN and sub-ICB codes) are rows of Table 2 of the real February
2026 online consultations workbook (../shared/samples/oc_cbt/, read with the online consultations
plug-in's reader); nothing else here is from a real CBT file, because none has been seen.

MODELLED (nhs-formats.md §8 gives the zip names, the long headers and the indicator codes, but no
real CBT CSV exists in the samples): every zip, CSV and value; the time-band column's name
(`Time_Band`), the duration bands (the summary workbook's Table 4 bands plus `TOTAL`), the codes
beyond CBT001–CBT003, the unmapped-account files' layout, the ISO dates, and the September 2025
edition's summary workbook (only its Table 3, in the layout nhs-formats.md §8 describes from a
real workbook that was inspected but not copied).
"""
import csv
import datetime
import io
import os
import tempfile

import make_sheet_fixtures as sheets

import mirror_online_consultations as oc

TITLE = "Cloud Based Telephony in General Practice"
PATH = "/data-and-information/publications/statistical/cloud-based-telephony-data-in-general-practice"
STEM = "Cloud Based Telephony Data in General Practice - "
ZIP_TIME = (2025, 12, 4, 9, 30, 0)
BANDS = ["00:00 - 07:59", "08:00 - 08:29", "08:30 - 12:59", "13:00 - 17:59", "18:00 - 18:29", "18:30 - 23:59"]
BAND_WEIGHT = [0, 9, 14, 8, 1, 0]
DURATIONS = ["Less than 1 minute", "1 - 2 minutes", "2 - 5 minutes", "Longer than 5 minutes"]
# Calls answered metric: CBT001 inbound, CBT002 ended in IVR, CBT003 answered (documented);
# CBT004 missed, CBT005 call back requested, CBT006 call back made (modelled codes).
MONTHLY = ["CBT001", "CBT002", "CBT003", "CBT004", "CBT005", "CBT006"]
LAST_DAY = {10: 31, 11: 30}


def csv_bytes(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def base(i, year, month):
    """A practice's daily inbound calls (deterministic, different per practice and month)."""
    return 40 + 17 * i + 3 * (month - 9) + (year - 2025)


def day_time_rows(practices, year, month):
    rows = []
    for i, p in enumerate(practices):
        for day in range(1, LAST_DAY[month] + 1):
            d = datetime.date(year, month, day)
            inbound = base(i, year, month) if d.weekday() < 5 else 0
            for b, band in enumerate(BANDS):
                calls = inbound * BAND_WEIGHT[b] // 32
                for code, value in (("CBT001", calls), ("CBT002", calls // 9), ("CBT003", calls - calls // 9 - calls // 7)):
                    rows.append([d.isoformat(), p["GP Code"], p["PCN Code [2, 3]"], p["Sub ICB Code"], code, band, str(value)])
    return rows


def durations_rows(practices, year, month):
    rows = []
    for i, p in enumerate(practices):
        for day in range(1, LAST_DAY[month] + 1):
            d = datetime.date(year, month, day)
            answered = base(i, year, month) * 6 // 7 if d.weekday() < 5 else 0
            for code in ("CBT003", "CBT004"):
                n = answered if code == "CBT003" else answered // 6
                parts = [n * 5 // 10, n * 2 // 10, n * 2 // 10]
                parts.append(n - sum(parts))
                for band, value in zip(DURATIONS + ["TOTAL"], parts + [n]):
                    rows.append([d.isoformat(), p["GP Code"], code, band, str(value)])
    return rows


def answered_rows(practices, year, month):
    rows = []
    for i, p in enumerate(practices):
        inbound = base(i, year, month) * 21
        ivr, missed = inbound // 9, inbound // 7
        answered = inbound - ivr - missed
        values = [inbound, ivr, answered, missed, missed // 3, missed // 4]
        for code, value in zip(MONTHLY, values):
            rows.append([f"{year}-{month:02d}-01", p["GP Code"], p["PCN Code [2, 3]"], p["Sub ICB Code"], code, str(value)])
    return rows


def edition_files(practices, year, month, name, header_style):
    dt_header = ["Date", "PRACTICE_CODE", "PCN_CODE", "SUB_ICB_LOCATION_CODE", "Indicator", "Time_Band", "Value"]
    du_header = ["Date", "PRACTICE_CODE", "Indicator", "Duration", "Value"]
    an_header = ["Date", "PRACTICE_CODE", "PCN_CODE", "SUB_ICB_LOCATION_CODE", "Indicator", "Value"]
    if header_style == "spaced":
        # The publisher's own code strips whitespace from header names: a header with it.
        dt_header = [" Date", "PRACTICE_CODE ", "PCN_CODE", "SUB_ICB_LOCATION_CODE", "Indicator ", " Time_Band", "Value "]
        du_header = ["Date ", " PRACTICE_CODE", "Indicator", " Duration", "Value"]
        an_header = [" Date", "PRACTICE_CODE", " PCN_CODE", "SUB_ICB_LOCATION_CODE", " Indicator", " Value"]
    dt = day_time_rows(practices, year, month)
    du = durations_rows(practices, year, month)
    an = answered_rows(practices, year, month)
    # Traps: a suppressed value and a blank one in each family.
    dt[10][6] = "*"
    dt[11][6] = ""
    du[7][4] = "*"
    an[2][5] = "*"
    an[9][5] = ""
    first = f"{year}-{month:02d}-01"
    um_dt = [[first, "UNMAPPED-0001", "15N", "CBT001", "08:00 - 08:29", "112"], [first, "UNMAPPED-0001", "15N", "CBT003", "08:00 - 08:29", "97"]]
    um_du = [[first, "UNMAPPED-0001", "CBT003", "TOTAL", "97"]]
    um_an = [[first, "UNMAPPED-0001", "15N", "CBT001", "2410"], [first, "UNMAPPED-0001", "15N", "CBT003", "2002"]]
    return [
        (f"{STEM}{name} - By Day and Time.zip", "Calls by day and time (CSV, zipped)",
         [(f"{STEM}{name} - By Day and Time.csv", csv_bytes(dt_header, dt)),
          (f"{STEM}{name} - By Day and Time - Unmapped.csv",
           csv_bytes(["Date", "ACCOUNT_ID", "SUB_ICB_LOCATION_CODE", "Indicator", "Time_Band", "Value"], um_dt))]),
        (f"{STEM}{name} - By Durations.zip", "Calls by durations (CSV, zipped)",
         [(f"{STEM}{name} - By Durations.csv", csv_bytes(du_header, du)),
          (f"{STEM}{name} - By Durations - Unmapped.csv", csv_bytes(["Date", "ACCOUNT_ID", "Indicator", "Duration", "Value"], um_du))]),
        (f"{STEM}{name} - Calls Answered Metric.zip", "Calls answered metric (CSV, zipped)",
         [(f"{STEM}{name} - Calls Answered Metric.csv", csv_bytes(an_header, an)),
          (f"{STEM}{name} - Calls Answered Metric - Unmapped.csv",
           csv_bytes(["Date", "ACCOUNT_ID", "SUB_ICB_LOCATION_CODE", "Indicator", "Value"], um_an))]),
    ]


WORKBOOK_STEM = "Cloud Based Telephony Publication Summary "
# Table 3's groups: (heading as published, sub-headings, value per practice from its inbound calls).
TABLE3 = [("Count of Inbound calls [4]", ["Total"]), ("Answered", ["Count", "%"]), ("Ended during the IVR Stage", ["Count", "%"]),
          ("Call back requested", ["Count", "%"]), ("Missed", ["Count", "%"]), ("Call back made", ["Count", "%"])]
IDENTITY = ["Month [1]", "GP Practice \n(ODS_CODE)", "GP Name", "PCN Code", "PCN Name [2,3]", "Sub ICB Code [2]", "Sub ICB Name",
            "ICB Code  [2]", "ICB Name", "Region Code  [2]", "Region Name"]


def column(i):
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def table3_counts(i, year, month):
    """Inbound, answered, ended in IVR, call back requested, missed, call back made (as the CSV's CBT001-006)."""
    inbound = base(i, year, month) * 21
    ivr, missed = inbound // 9, inbound // 7
    return [inbound, inbound - ivr - missed, ivr, missed // 3, missed, missed // 4]


def summary_workbook(practices, year, month, name):
    """The summary workbook's Table 3 (title rows, header on row 10 with footnote markers, a line
    break and double spaces, a Count/% (Total for inbound) second header row, the national Total
    row, the practices, notes), and a Notes sheet. Month is an Excel date."""
    serial = str((datetime.date(year, month, 1) - datetime.date(1899, 12, 30)).days)
    cells = {1: [sheets.inline("A1", f"Table 3: Practice level call outcomes, {name}")],
             2: [sheets.inline("A2", "Official statistics in development")]}
    header, sub = [], []
    col = 0
    for i, title in enumerate(IDENTITY):
        header.append(sheets.inline(f"{column(col)}10", title.replace("\\n", "\n")))
        col += 1
    merges = []
    for heading, subs in TABLE3:
        header.append(sheets.inline(f"{column(col)}10", heading))
        if len(subs) > 1:
            merges.append(f"{column(col)}10:{column(col + len(subs) - 1)}10")
        for k, sh in enumerate(subs):
            sub.append(sheets.inline(f"{column(col + k)}11", sh))
        col += len(subs)
    cells[10], cells[11] = header, sub

    def values(counts):
        out = [str(counts[0])]
        for v in counts[1:]:
            out += [str(v), f"{100 * v / counts[0]:.1f}" if counts[0] else "0"]
        return out

    rows = [(p, table3_counts(i, year, month)) for i, p in enumerate(practices)]
    total = [sum(c[k] for _, c in rows) for k in range(6)]
    line = [sheets.n("A12", serial, 1), sheets.inline("B12", "Total")]
    line += [sheets.n(f"{column(11 + k)}12", v) for k, v in enumerate(values(total))]
    cells[12] = line
    for r, (p, counts) in enumerate(rows, 13):
        ident = [p["GP Code"], p["GP Name"], p["PCN Code [2, 3]"], p["PCN Name [3]"], p["Sub ICB Code"], p["Sub ICB Name"],
                 p["ICB Code"], p["ICB Name"], p["Region Code"], p["Region Name"]]
        line = [sheets.n(f"A{r}", serial, 1)] + [sheets.inline(f"{column(k + 1)}{r}", v) for k, v in enumerate(ident)]
        vals = values(counts)
        if r == 14:
            vals[7] = "*"   # a suppressed missed count
        if r == 15:
            vals[9] = ""    # a blank call back made count
        for k, v in enumerate(vals):
            ref = f"{column(11 + k)}{r}"
            if v == "":
                continue
            line.append(sheets.inline(ref, v) if v == "*" else sheets.n(ref, v))
        cells[r] = line
    cells[13 + len(rows) + 1] = [sheets.inline(f"A{13 + len(rows) + 1}", "Notes: [1] the month of the calls")]
    body = "<sheetData>" + "".join(sheets.row(r, cells[r]) for r in sorted(cells)) + "</sheetData>"
    body += '<mergeCells count="%d">%s</mergeCells>' % (len(merges), "".join(f'<mergeCell ref="{m}"/>' for m in merges))
    notes = sheets.row(1, [sheets.inline("A1", "Notes: modelled summary workbook")])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "book.xlsx")
        sheets.xlsx(path, [("Notes", notes, None), ("Table 3", body, None)], styles=sheets.DATE_STYLES)
        sheets.README.clear()
        return open(path, "rb").read()


def build(samples_root, m):
    practices = [p for p in oc.table2(samples_root) if p["PCN Code [2, 3]"] != "U"][:4]
    series = m.Series(
        key="cloud-telephony", title=TITLE, path=PATH, info_types="Official statistics in development", frequency="Monthly",
        summary=("Monthly counts of calls to general practices in England made through cloud based telephony systems, by practice, "
                 "with the day and time of the calls and how long callers waited and spoke."))
    editions = []
    for (year, month, slug, name, published, style) in [(2025, 11, "november-2025", "November 2025", (2026, 1, 15), "spaced"),
                                                       (2025, 10, "october-2025", "October 2025", (2025, 12, 11), "plain")]:
        attachments = [m.Attachment(zname, title, m.pdata.zip_members(members, ZIP_TIME))
                       for zname, title, members in edition_files(practices, year, month, name, style)]
        editions.append(m.Edition(
            slug=slug, title=f"{TITLE}, {name}", published=published,
            summary=[f"This publication gives the number of calls made to general practices in England through cloud based "
                     f"telephony systems in {name}.",
                     "The by day and time file gives calls by day and time band, the by durations file gives calls by how long "
                     "callers waited or spoke, and the calls answered metric file gives each practice's monthly call outcomes. "
                     "Accounts that cover several practices are in separate unmapped files."],
            date_range=f"{m.range_date(year, month, 1)} to {m.range_date(year, month, LAST_DAY[month])}",
            attachments=attachments, last_edited=m.default_edited(published)))
    # September 2025: the edition published only its summary workbook (modelled).
    editions.append(m.Edition(
        slug="september-2025", title=f"{TITLE}, September 2025", published=(2025, 11, 13),
        summary=["This publication gives the number of calls made to general practices in England through cloud based "
                 "telephony systems in September 2025.",
                 "This month the figures are published in the summary workbook only."],
        date_range=f"{m.range_date(2025, 9, 1)} to {m.range_date(2025, 9, 30)}",
        attachments=[m.Attachment(f"{WORKBOOK_STEM}September 2025.xlsx", "Summary workbook (XLSX)",
                                  summary_workbook(practices, 2025, 9, "September 2025"))],
        last_edited=m.default_edited((2025, 11, 13))))
    series.editions = editions
    codes = ", ".join(p["GP Code"] for p in practices)
    readme = f"""## Cloud Based Telephony in General Practice (`cloud-telephony`)

Series page `https://digital.nhs.uk{PATH}`, three editions: October 2025 and November 2025, each with
three zips (`… - By Day and Time.zip`, `… - By Durations.zip`, `… - Calls Answered Metric.zip`), and
September 2025 with only its summary workbook `{WORKBOOK_STEM}September 2025.xlsx`.

REAL: only the practices ({codes}) with their PCN and sub-ICB codes, taken from Table 2 of the real
February 2026 online consultations workbook in `../shared/samples/oc_cbt/`.

MODELLED (no real CBT file has been seen; nhs-formats.md §8 gives the zip names, the long headers
`Date, PRACTICE_CODE, PCN_CODE, SUB_ICB_LOCATION_CODE, Indicator, <time band>, Value` and
`Date, PRACTICE_CODE, Indicator, Duration, Value`, and codes CBT001–CBT003): every value; the
time-band column's name (`Time_Band`) and bands; the duration bands (the summary workbook's Table 4
bands, plus `TOTAL`); the calls answered file's layout (`Date` = the month's first day,
`PRACTICE_CODE, PCN_CODE, SUB_ICB_LOCATION_CODE, Indicator, Value`) and its codes CBT004–CBT006;
ISO dates. Traps: November's headers carry stray spaces (the publisher's code strips them); each
family has a `*` value and most a blank one; every zip also holds an `… - Unmapped.csv` of
accounts covering several practices (an `ACCOUNT_ID`, no practice code; layout modelled:
`Date, ACCOUNT_ID, SUB_ICB_LOCATION_CODE, Indicator[, Time_Band], Value` and
`Date, ACCOUNT_ID, Indicator, Duration, Value`), which the loader keeps apart as its own datasets
(`api.cloud_telephony_unmapped`). The September 2025 summary workbook is MODELLED from the real
workbook's description in nhs-formats.md §8 (that one was inspected, not copied): a `Notes` sheet and
`Table 3` only (Tables 1, 2, 4 and 5 are not modelled), title rows, the header on row 10 (`Month [1]`,
`GP Practice \n(ODS_CODE)`, `PCN Name [2,3]`, `ICB Code  [2]` …), group headings over a second header row
(`Total` under `Count of Inbound calls [4]`, `Count`/`%` under Answered, Ended during the IVR Stage,
Call back requested, Missed, Call back made), the national `Total` row first, the four practices (their
counts as the calls answered CSV's CBT001–CBT006 formula gives for September), one `*` and one blank
count, a notes row under the table; Month an Excel date.
"""
    return {"series": [series], "readme": readme}
