#!/usr/bin/env python3
"""Build the offline publisher mirror in Fixtures/publisher/ (deterministic).

    python3 Tests/fixture-tools/make_publisher_mirror.py [--samples-root DIR] [--samples DIR] [--out DIR]

--samples-root is the shared samples folder (default ../shared/samples, seen from the project
root); --samples is its registrations folder (default SAMPLES_ROOT/registrations).

Mirror rule: the publisher URL https://HOST/PATH is stored at OUT/HOST/PATH; a URL whose PATH
is a directory is served from OUT/HOST/PATH/index.html; a URL with a query string
https://HOST/PATH?QUERY is stored at OUT/HOST/PATH/QUERY (so
https://www.odsdatasearchandexport.nhs.uk/api/getReport?report=epraccur is
OUT/www.odsdatasearchandexport.nhs.uk/api/getReport/report=epraccur).  A file name with spaces is
percent-encoded in the link (QOF%202022-23%20Raw%20data%20.csv%20files.zip) and stored under its
decoded name.

What it writes (the three host folders under OUT are deleted and rebuilt and README.md is
rewritten on each run, so a second run gives byte-identical output):
  digital.nhs.uk/data-and-information/publications/statistical/<series>/index.html   series page
  digital.nhs.uk/data-and-information/publications/statistical/<series>/<slug>/index.html
                                                                     one page per edition
  files.digital.nhs.uk/<2 hex>/<6 hex>/<file name>                  the linked files
  www.odsdatasearchandexport.nhs.uk/api/getReport/report=<name>     ODS reports (fixed URLs)
  README.md

Series (each a `Series` of `Edition`s of `Attachment`s; see build_series()):
  patients-registered-at-a-gp-practice   real CSVs from SAMPLES_ROOT/registrations, unchanged
                                         (its output is byte-identical to the one-series version)
  appointments-in-general-practice       synthetic Practice_Level_Crosstab zips (publisher_data.py)
  quality-and-outcomes-framework-...     synthetic QOF raw-data zips (publisher_data.py)
  nhs-payments-to-general-practice       real CSVs from SAMPLES_ROOT/payments, unchanged
plus the three ODS Data Search and Export reports (no pages).

The two folder names in a files.digital.nhs.uk URL are taken from the SHA-256 of the file's
bytes: the first 2 and the next 6 hex digits, upper case.  Zips have fixed timestamps; all
randomness is seeded.  The HTML follows the digital.nhs.uk templates (NHS-digital-website/hippo
FreeMarker), without scripts, styles, SVG icons or the cookie banner.  Standard library only.
"""

import argparse
import csv
import hashlib
import html
import io
import shutil
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import publisher_data as pdata  # noqa: E402
import importlib  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "Fixtures" / "publisher"
DEFAULT_SAMPLES_ROOT = ROOT.parent / "shared" / "samples"

SITE = "https://digital.nhs.uk"
FILES_HOST = "files.digital.nhs.uk"
ODS_HOST = "www.odsdatasearchandexport.nhs.uk"
ODS_PATH = "/api/getReport"
STATISTICAL = "/data-and-information/publications/statistical"

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
ZIP_TIME = (2017, 10, 12, 9, 30, 0)          # fixed so the zip is reproducible
XLSX_TIME = (2025, 12, 11, 9, 30, 0)


# ---------------------------------------------------------------------------
# Series description
# ---------------------------------------------------------------------------
@dataclass
class Attachment:
    name: str            # file name as stored (decoded); percent-encoded in the link
    title: str           # download-card title
    data: bytes


@dataclass
class Edition:
    slug: str
    title: str
    published: tuple     # (year, month, day)
    summary: list        # paragraphs; the first is the meta description and the series teaser
    date_range: str      # hero "Date Range:" text
    attachments: list
    key_fact: tuple = None    # (figure text, caption) or None
    notice: tuple = None      # (heading, body, date line) or None
    last_edited: str = ""


@dataclass
class Series:
    key: str
    title: str
    path: str
    info_types: str
    frequency: str
    summary: str
    editions: list = field(default_factory=list)


def esc(text):
    return html.escape(text, quote=True)


def short_date(y, m, d):
    """Edition-page hero date, RestrictableDateFormatterDirective: '9 Apr 2026'."""
    return f"{d} {MONTHS[m - 1][:3]} {y}"


def long_date(y, m, d):
    """Series-page date: dayOfMonth + ' ' + month?capitalize + ' ' + year -> '9 April 2026'."""
    return f"{d} {MONTHS[m - 1]} {y}"


def range_date(y, m, d):
    """Hero date-range day: '01 Oct 2025'."""
    return f"{d:02d} {MONTHS[m - 1][:3]} {y}"


def default_edited(published):
    py, pm, pd = published
    return f"{pd} {MONTHS[pm - 1]} {py} 9:30 am"


def size_to_display(n):
    """downloadBlockAsset.ftl sizeToDisplay: decimal units, FreeMarker ?round (half up)."""
    if n > 1_000_000:
        return f"{int(n / 1_000_000 + 0.5)} MB"
    if n > 1000:
        return f"{int(n / 1000 + 0.5)} KB"
    return f"{n} bytes"


def hex_folders(data):
    h = hashlib.sha256(data).hexdigest().upper()
    return h[:2], h[2:8]


def file_url(name, data):
    a, b = hex_folders(data)
    return f"https://{FILES_HOST}/{a}/{b}/{urllib.parse.quote(name)}", f"{FILES_HOST}/{a}/{b}/{name}"


# ---------------------------------------------------------------------------
# Placeholder (non-data) files
# ---------------------------------------------------------------------------
def zip_single(member, data, when):
    return pdata.zip_members([(member, data)], when)


def placeholder_xlsx(text):
    parts = [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
         '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
         '</Types>'),
        ("_rels/.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
         '</Relationships>'),
        ("xl/workbook.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         '<sheets><sheet name="Placeholder" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
         '</Relationships>'),
        ("xl/worksheets/sheet1.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{esc(text)}</t></is></c></row></sheetData>'
         '</worksheet>'),
    ]
    return pdata.zip_members([(name, body.encode("utf-8")) for name, body in parts], XLSX_TIME)


def placeholder_pdf(text):
    stream = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n".encode() + b"0000000000 65535 f \n"
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# ---------------------------------------------------------------------------
# Series 1: Patients Registered at a GP Practice (real CSVs)
# published = (year, month, day): within the snapshot's own month, as the real editions are
# (the live October 2025 page is dated 16 Oct 2025).
# files: (kind, sample file name or None for a generated placeholder, name on the publisher,
#         card title)
# ---------------------------------------------------------------------------
REG_TITLE = "Patients Registered at a GP Practice"
REG_PATH = f"{STATISTICAL}/patients-registered-at-a-gp-practice"
INFO_TYPES = "Official statistics, Open data, Other reports and statistics"

T_ALL = "Totals (GP practice-all persons)"
T_MAP_CCG = "Mapping (GP practices-PCNs-CCGs-STPs-Commissioning Regions)"
T_QUIN_2017 = "5-year age groups (Commissioning Regions-STPs-CCGs-GP practice)"

REG_EDITIONS = [
    dict(slug="march-2026", period=(2026, 3), published=(2026, 3, 12), era="pds",
         files=[("csv", "gp-reg-pat-prac-all_2026-03.csv", "gp-reg-pat-prac-all.csv", T_ALL)]),
    dict(slug="january-2026", period=(2026, 1), published=(2026, 1, 15), era="pds",
         files=[("csv", "gp-reg-pat-prac-all_2026-01.csv", "gp-reg-pat-prac-all.csv", T_ALL)]),
    dict(slug="december-2025", period=(2025, 12), published=(2025, 12, 11), era="pds",
         files=[("csv", "gp-reg-pat-prac-all_2025-12.csv", "gp-reg-pat-prac-all.csv", T_ALL)]),
    dict(slug="november-2025", period=(2025, 11), published=(2025, 11, 13), era="pds",
         files=[("csv", "gp-reg-pat-prac-all_2025-11.csv", "gp-reg-pat-prac-all.csv", T_ALL),
                ("xlsx", None, "gp-reg-pat-prac-summary-nov-25.xlsx",
                 "Patients Registered at a GP Practice, November 2025: Summary tables"),
                ("pdf", None, "gp-reg-pat-prac-data-quality-statement.pdf",
                 "Data quality statement")]),
    dict(slug="october-2025", period=(2025, 10), published=(2025, 10, 16), era="pds",
         revised=(2025, 10, 23, "11:30 AM", "11:30am"),
         files=[("csv", "gp-reg-pat-prac-all_2025-10.csv", "gp-reg-pat-prac-all.csv", T_ALL)]),
    dict(slug="january-2022", period=(2022, 1), published=(2022, 1, 13), era="nhais",
         files=[("csv", "gp-reg-pat-prac-map_2022-01.csv", "gp-reg-pat-prac-map.csv", T_MAP_CCG)]),
    dict(slug="january-2021", period=(2021, 1), published=(2021, 1, 14), era="nhais",
         files=[("csv", "gp-reg-pat-prac-all_2021-01.csv", "gp-reg-pat-prac-all.csv", T_ALL)]),
    dict(slug="september-2020", period=(2020, 9), published=(2020, 9, 10), era="nhais",
         files=[("csv", "gp-reg-pat-prac-map_2020-09.csv", "gp-reg-pat-prac-map.csv", T_MAP_CCG)]),
    dict(slug="september-2017", period=(2017, 9), published=(2017, 9, 14), era="exeter",
         files=[("zip", "gp-reg-pat-prac-quin-age_2017-09_fixture.csv",
                 "gp-reg-pat-prac-quin-age.zip", T_QUIN_2017)]),
]

SOURCES = {
    "pds": "the Personal Demographics Service (PDS), the national master database of NHS patients",
    "nhais": "the Primary Care Registration database within NHAIS (National Health Applications "
             "and Infrastructure Services)",
    "exeter": "the GP Payments system (Open Exeter) maintained by NHS Digital",
}


def reg_title(ed):
    y, m = ed["period"]
    return f"{REG_TITLE}, {MONTHS[m - 1]} {y}"


def reg_summary(ed):
    y, m = ed["period"]
    first = (f"Data for this publication are taken each month as a snapshot from {SOURCES[ed['era']]}. "
             f"This release is an accurate snapshot as at 1 {MONTHS[m - 1]} {y}.")
    second = ("Patient counts are given by sex, by single year of age and by five-year age band, "
              "for GP practices and for the organisations above them, with a file mapping each practice "
              "to those organisations. Populations by Lower Layer Super Output Area (LSOA) are added in "
              "January, April, July and October.")
    return [first, second]


def reg_file_bytes(kind, sample, name, ed, samples):
    if kind == "csv":
        return (samples / sample).read_bytes()
    if kind == "zip":
        member = name[:-4] + ".csv"
        return zip_single(member, (samples / sample).read_bytes(), ZIP_TIME)
    if kind == "xlsx":
        return placeholder_xlsx("Placeholder workbook for the offline mirror "
                                f"({reg_title(ed)}); not a data file.")
    if kind == "pdf":
        return placeholder_pdf("Placeholder: Data quality statement (offline mirror, not a data file)")
    raise ValueError(kind)


def practice_total(data):
    rows = csv.DictReader(io.StringIO(data.decode("ascii")))
    return sum(int(r["NUMBER_OF_PATIENTS"]) for r in rows)


def registrations_series(samples):
    series = Series(
        key="registrations", title=REG_TITLE, path=REG_PATH, info_types=INFO_TYPES, frequency="Monthly",
        summary=("Monthly counts of patients registered at GP practices in England, by sex and age, "
                 "for GP practices and the organisations above them."))
    for ed in REG_EDITIONS:
        y, m = ed["period"]
        attachments, total = [], None
        for kind, sample, name, title in ed["files"]:
            data = reg_file_bytes(kind, sample, name, ed, samples)
            if kind == "csv":
                assert data == (samples / sample).read_bytes()
                if name.startswith("gp-reg-pat-prac-all"):
                    total = practice_total(data)
            attachments.append(Attachment(name, title, data))
        notice, edited = None, default_edited(ed["published"])
        if "revised" in ed:
            ry, rm, rd, rtime, rshort = ed["revised"]
            notice = ("Updated publication files",
                      f"An issue was found in the GP practice totals after publication. The publication files "
                      f"were reproduced on {rd} {MONTHS[rm - 1]} {ry} and replaced at {rshort}; we recommend "
                      f"replacing any copy downloaded before then. The file name and download link are unchanged.",
                      f"{rd} {MONTHS[rm - 1]} {ry} {rtime}")
            edited = f"{rd} {MONTHS[rm - 1]} {ry} 11:31 am"
        key_fact = None
        if total is not None:
            key_fact = (f"{total:,}", f"Patients registered at GP practices in England as at 1 {MONTHS[m - 1]} {y}")
        series.editions.append(Edition(
            slug=ed["slug"], title=reg_title(ed), published=ed["published"], summary=reg_summary(ed),
            date_range=f"Snapshot on {range_date(y, m, 1)}", attachments=attachments,
            key_fact=key_fact, notice=notice, last_edited=edited))
    return series


# ---------------------------------------------------------------------------
# Series 2: Appointments in General Practice (synthetic counts, real practices)
# ---------------------------------------------------------------------------
APPT_TITLE = "Appointments in General Practice"
APPT_PATH = f"{STATISTICAL}/appointments-in-general-practice"
LAST_DAY = {7: 31, 8: 31, 9: 30, 10: 31}


def appointments_series(samples_root):
    files, facts = pdata.appointments_files(samples_root)
    series = Series(
        key="appointments", title=APPT_TITLE, path=APPT_PATH, info_types="Official statistics",
        frequency="Monthly",
        summary=("Monthly counts of appointments booked in general practice in England, by practice, "
                 "healthcare professional, appointment mode, national category, time from booking and status."))

    def summary(month_name, first, last):
        return [f"This publication gives the number of appointments booked in general practice in England in "
                f"{month_name} 2025, taken from the GP appointments data (GPAD) extracted from practice "
                f"systems, with the two months before it restated.",
                f"The practice-level crosstab (Annex 1) gives appointments for each GP practice by healthcare "
                f"professional type, appointment mode, national category, time between booking and appointment "
                f"and appointment status, for {first} to {last} 2025, with a mapping file of practices to PCNs, "
                f"sub-ICB locations, ICBs and regions."]

    sep_xlsx = placeholder_xlsx("Placeholder workbook for the offline mirror "
                                f"({APPT_TITLE}, September 2025); not a data file.")
    series.editions = [
        Edition(slug="october-2025", title=f"{APPT_TITLE}, October 2025", published=(2025, 11, 27),
                summary=summary("October", "August", "October"),
                date_range=f"{range_date(2025, 8, 1)} to {range_date(2025, 10, LAST_DAY[10])}",
                attachments=[Attachment("Practice_Level_Crosstab_Oct_25.zip", "Annex 1 - Practice Level Crosstab CSV",
                                        files["Practice_Level_Crosstab_Oct_25.zip"])],
                last_edited=default_edited((2025, 11, 27))),
        Edition(slug="september-2025", title=f"{APPT_TITLE}, September 2025", published=(2025, 10, 30),
                summary=summary("September", "July", "September"),
                date_range=f"{range_date(2025, 7, 1)} to {range_date(2025, 9, LAST_DAY[9])}",
                attachments=[Attachment("Practice_Level_Crosstab_Sep_25.zip", "Annex 1 - Practice Level Crosstab CSV",
                                        files["Practice_Level_Crosstab_Sep_25.zip"]),
                             Attachment("GP_Appointment_Publication_Summary_September_2025.xlsx",
                                        "Appointments in General Practice, September 2025: Summary tables",
                                        sep_xlsx)],
                last_edited=default_edited((2025, 10, 30))),
    ]
    return series, facts


# ---------------------------------------------------------------------------
# Series 3: Quality and Outcomes Framework (synthetic values, real practices and indicators)
# ---------------------------------------------------------------------------
QOF_TITLE = "Quality and Outcomes Framework"
QOF_PATH = f"{STATISTICAL}/quality-and-outcomes-framework-achievement-prevalence-and-exceptions-data"


def qof_series(samples_root):
    files, facts = pdata.qof_files(samples_root)
    series = Series(
        key="qof", title=f"{QOF_TITLE}, Achievement, Prevalence and Exceptions data", path=QOF_PATH,
        info_types="Official statistics, Open data", frequency="Annually",
        summary=("The Quality and Outcomes Framework (QOF) is a voluntary annual reward and incentive programme "
                 "for GP practices in England. These publications give achievement, prevalence and personalised "
                 "care adjustments for each practice and each financial year."))

    def summary(fy):
        y1, y2 = fy, fy + 1
        return [f"This publication gives QOF achievement, disease prevalence and personalised care adjustment "
                f"data for GP practices in England for the financial year 1 April {y1} to 31 March {y2}.",
                "The raw data zip holds, in CSV form, each practice's achievement against each indicator, "
                "its disease registers and list sizes, the indicator and geography mappings and reference "
                "files for the year."]

    eds = [("2023-24", 2023, (2024, 10, 10), "QOF2324.zip"),
           ("2022-23", 2022, (2023, 10, 12), "QOF 2022-23 Raw data .csv files.zip"),
           ("2019-20", 2019, (2020, 8, 20), "QOF_1920.zip")]
    for slug, fy, published, zip_name in eds:
        series.editions.append(Edition(
            slug=slug, title=f"{QOF_TITLE}, {slug}", published=published, summary=summary(fy),
            date_range=f"{range_date(fy, 4, 1)} to {range_date(fy + 1, 3, 31)}",
            attachments=[Attachment(zip_name, f"QOF {slug}: raw data (.csv files)", files[zip_name])],
            last_edited=default_edited(published)))
    return series, facts


# ---------------------------------------------------------------------------
# Series 4: NHS Payments to General Practice (real CSVs)
# ---------------------------------------------------------------------------
PAY_TITLE = "NHS Payments to General Practice"
PAY_PATH = f"{STATISTICAL}/nhs-payments-to-general-practice"


def payments_series(samples_root):
    files = pdata.payments_files(samples_root)
    series = Series(
        key="payments", title=PAY_TITLE, path=PAY_PATH, info_types="Official statistics, Open data",
        frequency="Annually",
        summary=("Annual payments made by NHS England to GP practices in England, for each practice and "
                 "each payment type, with practice list sizes and characteristics."))

    def summary(fy):
        return [f"This publication shows the payments made to GP practices in England in the financial year "
                f"{fy}-{(fy + 1) % 100:02d}, by practice and by type of payment, with the number of registered "
                f"and weighted patients for each practice.",
                "The figures are taken from the national payment systems and the practice-level file gives "
                "one row for each practice open during the year."]

    pdf = placeholder_pdf("Placeholder: NHS Payments to General Practice 2022-23 annex (offline mirror, not a data file)")
    series.editions = [
        Edition(slug="england-2022-23", title=f"{PAY_TITLE}, England, 2022-23", published=(2023, 11, 16),
                summary=summary(2022),
                date_range=f"{range_date(2022, 4, 1)} to {range_date(2023, 3, 31)}",
                attachments=[Attachment("nhspaymentsgp-22-23-prac-csv.csv",
                                        "NHS Payments to General Practice, England 2022-23: practice level data (CSV)",
                                        files["nhspaymentsgp-22-23-prac-csv.csv"]),
                             Attachment("nhspaymentsgp-22-23-annex.pdf",
                                        "NHS Payments to General Practice, England 2022-23: annex", pdf)],
                last_edited=default_edited((2023, 11, 16))),
        Edition(slug="england-2021-22", title=f"{PAY_TITLE}, England, 2021-22", published=(2022, 11, 10),
                summary=summary(2021),
                date_range=f"{range_date(2021, 4, 1)} to {range_date(2022, 3, 31)}",
                attachments=[Attachment("nhspaymentsgp-21-22-prac-csv-v2.csv",
                                        "NHS Payments to General Practice, England 2021-22: practice level data (CSV)",
                                        files["nhspaymentsgp-21-22-prac-csv-v2.csv"])],
                last_edited=default_edited((2022, 11, 10))),
    ]
    return series


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------
def page_head(title, canonical, description):
    return f"""<!DOCTYPE html>
<html lang="en" class="no-js">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{esc(title)} - NHS England Digital</title>
<meta name="description" content="{esc(description)}"/>
<link rel="canonical" href="{esc(canonical)}"/>
</head>
<body>
<a class="nhsd-a-skip-link" href="#main-content">Skip to main content</a>
<header class="nhsd-o-global-header" id="header">
  <a class="nhsd-a-link" href="/" aria-label="NHS England Digital homepage">NHS England Digital</a>
  <nav class="nhsd-m-menu-bar" aria-label="Main navigation">
    <a class="nhsd-a-link" href="/data-and-information">Data and information</a>
    <a class="nhsd-a-link" href="/services">Services</a>
  </nav>
</header>
<nav class="nhsd-m-breadcrumbs" aria-label="Breadcrumb">
  <ol class="nhsd-m-breadcrumbs__list">
    <li class="nhsd-m-breadcrumbs__item"><a class="nhsd-a-link" href="/">Home</a></li>
    <li class="nhsd-m-breadcrumbs__item"><a class="nhsd-a-link" href="/data-and-information">Data and information</a></li>
    <li class="nhsd-m-breadcrumbs__item"><a class="nhsd-a-link" href="/data-and-information/publications">Publications</a></li>
    <li class="nhsd-m-breadcrumbs__item"><a class="nhsd-a-link" href="/data-and-information/publications/statistical">Statistical</a></li>
"""


PAGE_FOOT = """<footer class="nhsd-o-global-footer">
  <a class="nhsd-a-link" href="/about-nhs-digital/terms-and-conditions">Terms and conditions</a>
  <a class="nhsd-a-link" href="https://www.nhs.uk">NHS website</a>
</footer>
</body>
</html>
"""


def download_card(url, title, fmt, size):
    onclick = f"logGoogleAnalyticsEvent('Download attachment', 'Publication', '{url}')"
    return f"""            <div class="nhsd-!t-margin-top-4" data-uipath="ps.publication.resources-attachment">
              <div class="nhsd-m-download-card">
                <a href="{esc(url)}" class="nhsd-a-box-link" onClick="{onclick}" onKeyUp="return vjsu.onKeyUp(event)">
                  <div class="nhsd-a-box nhsd-a-box--bg-light-grey">
                    <div class="nhsd-m-download-card__image-box small">
                      <span class="nhsd-a-document-icon nhsd-a-document-icon--size-xs" aria-hidden="true"></span>
                    </div>
                    <div class="nhsd-m-download-card__content-box small">
                      <p class="nhsd-t-heading-xs nhsd-!t-margin-bottom-2">{esc(title)} </p>
                      <div class="nhsd-m-download-card__meta-tags">
                        <span class="nhsd-a-tag nhsd-a-tag--meta">{esc(fmt)}</span>
                        <span class="nhsd-a-tag nhsd-a-tag--meta-light">{esc(size)}</span>
                      </div>
                    </div>
                    <div class="nhsd-m-download-card__arrow-icon-box">
                      <span class="nhsd-a-icon nhsd-a-arrow nhsd-a-arrow--down nhsd-a-icon--size-xs" aria-hidden="true"></span>
                    </div>
                  </div>
                </a>
              </div>
            </div>
"""


def edition_path(series, ed):
    return f"{series.path}/{ed.slug}"


def edition_page(series, ed, cards):
    title = ed.title
    py, pm, pd = ed.published
    paras = ed.summary
    out = [page_head(title, SITE + edition_path(series, ed), paras[0])]
    out.append(f"""    <li class="nhsd-m-breadcrumbs__item"><a class="nhsd-a-link" href="{series.path}">{esc(series.title)}</a></li>
  </ol>
</nav>
<main id="main-content">
<article class="article article--publication" itemscope itemtype="http://schema.org/Dataset" aria-label="Document Header">
  <meta itemprop="license" content="https://digital.nhs.uk/about-nhs-digital/terms-and-conditions"/>
  <div class="nhsd-o-hero nhsd-!t-bg-blue nhsd-!t-col-white">
    <div class="nhsd-t-grid nhsd-!t-no-gutters">
      <div class="nhsd-t-row">
        <div class="nhsd-t-col-xs-12 nhsd-t-col-s-8 nhsd-!t-no-gutters">
          <div class="nhsd-o-hero__content-box nhsd-o-hero__content-box--left-align">
            <div class="nhsd-o-hero__content">
              <span class="nhsd-t-body-s" data-uipath="ps.publication.intro-text">Publication, Part of <a class="nhsd-a-link nhsd-a-link--col-white" href="{series.path}" onClick="logGoogleAnalyticsEvent('Link click', 'Series', '{series.path}')" itemprop="url"><span itemprop="name">{esc(series.title)}</span></a></span>
              <h1 class="nhsd-t-heading-xxl nhsd-!t-margin-bottom-0" data-uipath="ps.publication.title">{esc(title)}</h1>
              <p class="nhsd-t-body nhsd-!t-margin-0 nhsd-!t-margin-top-4" data-uipath="ps.publication.information-types">{esc(series.info_types)}</p>
              <div class="nhsd-!t-margin-top-6">
                <dl class="nhsd-o-hero__meta-data">
                  <div class="nhsd-o-hero__meta-data-item">
                    <dt class="nhsd-o-hero__meta-data-item-title">Publication Date:</dt>
                    <dd class="nhsd-o-hero__meta-data-item-description" data-uipath="ps.publication.publication-date">{short_date(py, pm, pd)}</dd>
                  </div>
                  <div class="nhsd-o-hero__meta-data-item">
                    <dt class="nhsd-o-hero__meta-data-item-title">Geographic Coverage:</dt>
                    <dd class="nhsd-o-hero__meta-data-item-description" data-uipath="ps.publication.geographic-coverage">England</dd>
                  </div>
                  <div class="nhsd-o-hero__meta-data-item">
                    <dt class="nhsd-o-hero__meta-data-item-title">Date Range:</dt>
                    <dd class="nhsd-o-hero__meta-data-item-description" data-uipath="ps.publication.date-range">{esc(ed.date_range)}</dd>
                  </div>
                </dl>
              </div>
              <a class="nhsd-a-button nhsd-a-button--invert js-print-pdf-button" href="#"><span class="nhsd-a-button__label">Download PDF</span></a>
            </div>
          </div>
        </div>
      </div>
    </div>
  </div>
  <div class="nhsd-t-grid nhsd-!t-margin-top-8">
""")
    if ed.notice is not None:
        heading, body, stamp = ed.notice
        out.append(f"""    <div class="nhsd-t-row">
      <div class="nhsd-t-col-xs-12 nhsd-!t-margin-bottom-6">
        <div class="nhsd-m-emphasis-box nhsd-!t-margin-bottom-6">
          <div class="nhsd-a-box nhsd-a-box--border-blue">
            <div class="nhsd-m-emphasis-box__content-box">
              <p class="nhsd-t-heading-s nhsd-t-word-break">{esc(heading)}</p>
              <div class="nhsd-t-body-s nhsd-t-word-break">
                <p>{esc(body)}</p>
              </div>
              <p class="nhsd-t-body-s nhsd-t-word-break">{esc(stamp)}</p>
            </div>
          </div>
        </div>
      </div>
    </div>
""")
    nav = [("#top", "Top of page"), ("#summary", "Summary")]
    if ed.key_fact is not None:
        nav.append(("#key-facts", "Key Facts"))
    nav.append(("#resources", "Resources"))
    nav_html = "\n".join(f'            <li class="nhsd-m-sticky-navigation__item"><a class="nhsd-a-link" href="{h}">{t}</a></li>'
                         for h, t in nav)
    summary_html = "\n".join(f"              <p>{esc(p)}</p>" for p in paras)
    out.append(f"""    <div class="nhsd-t-row">
      <div class="nhsd-t-col-xs-12 nhsd-t-col-s-3">
        <nav class="nhsd-m-sticky-navigation" aria-label="Page contents">
          <ol class="nhsd-m-sticky-navigation__list">
{nav_html}
          </ol>
        </nav>
      </div>
      <div class="nhsd-t-col-xs-12 nhsd-t-off-s-1 nhsd-t-col-s-8 js-publication-body" data-uipath="ps.publication.body">
        <h2 id="summary" class="nhsd-t-heading-m">Summary</h2>
        <div class="nhsd-!t-margin-bottom-6" itemprop="description">
          <div data-uipath="ps.publication.summary">
{summary_html}
          </div>
        </div>
        <hr class="nhsd-a-horizontal-rule"/>
""")
    if ed.key_fact is not None:
        figure, caption = ed.key_fact
        out.append(f"""        <div id="key-facts" class="nhsd-a-box nhsd-a-box--border-grey nhsd-!t-margin-bottom-6">
          <h2 class="nhsd-t-heading-m">Key Facts</h2>
          <div class="nhsd-m-infographic">
            <p class="nhsd-t-heading-xl nhsd-!t-margin-bottom-1">{esc(figure)}</p>
            <p class="nhsd-t-body">{esc(caption)}</p>
          </div>
        </div>
        <hr class="nhsd-a-horizontal-rule"/>
""")
    out.append("""        <div id="resources" class="nhsd-!t-margin-bottom-6">
          <h2 class="nhsd-t-heading-m">Resources</h2>
          <div data-uipath="ps.publication.resources-attachments">
""")
    out.extend(cards)
    out.append(f"""          </div>
        </div>
        <hr class="nhsd-a-horizontal-rule"/>
        <div class="nhsd-!t-margin-bottom-6">
          <p class="nhsd-t-body-s" data-uipath="last-modified">Last edited: {esc(ed.last_edited)}</p>
        </div>
      </div>
    </div>
  </div>
</article>
</main>
""")
    out.append(PAGE_FOOT)
    return "".join(out)


def truncate(text, size):
    if len(text) <= size:
        return text
    cut = text[:size].rsplit(" ", 1)[0]
    return cut + "..."


def series_item(series, ed, latest):
    title = ed.title
    href = edition_path(series, ed)
    py, pm, pd = ed.published
    heading_id = "callout-box-heading-interactive-" + ("grey-latest-publication" if latest else
                                                       title.lower().replace(",", "").replace(" ", "-"))
    date_text = ("Published: " if latest else "") + long_date(py, pm, pd)
    desc = esc(truncate(ed.summary[0], 150))
    link = (f'<a href="{href}" class="cta__button" '
            f'onClick="logGoogleAnalyticsEvent(\'Link click\', \'Series\', \'{href}\')" '
            f'onKeyUp="return vjsu.onKeyUp(event)" itemprop="url" title="{esc(title)}">{esc(title)}</a>')
    if latest:
        return f"""          <div class="callout-box callout-box--grey" role="complementary" aria-labelledby="{heading_id}">
            <div class="callout-box__icon-wrapper"></div>
            <ul class="list list--reset cta-list" data-uipath="ps.series.publications-list.latest">
              <li>
                <div class="callout-box__content callout-box__content--narrow">
                  <div class="callout-box__content-heading callout-box__content-heading--light callout-box__content--narrow-heading" id="{heading_id}">
                    <h3 itemprop="name">{link}</h3>
                  </div>
                  <div class="callout-box__content-description">
                    <div class="rich-text-content">{desc}</div>
                    <p class="callout-box__content-description-date">{date_text}</p>
                  </div>
                </div>
              </li>
            </ul>
          </div>
"""
    return f"""            <li>
              <div class="callout-box callout-box--grey" role="complementary" aria-labelledby="{heading_id}">
                <div class="callout-box__icon-wrapper"></div>
                <div class="callout-box__content callout-box__content--narrow">
                  <div class="callout-box__content-heading callout-box__content-heading--light callout-box__content--narrow-heading" id="{heading_id}">
                    <h3 itemprop="name">{link}</h3>
                  </div>
                  <div class="callout-box__content-description">
                    <div class="rich-text-content">{desc}</div>
                    <div class="clearfix">
                      <p class="callout-box__content-description-date">{date_text}</p>
                    </div>
                  </div>
                </div>
              </div>
            </li>
"""


def series_page(series):
    ordered = sorted(series.editions, key=lambda e: e.published, reverse=True)
    summary = series.summary
    out = [page_head(series.title, SITE + series.path, summary)]
    out.append(f"""  </ol>
</nav>
<main id="main-content">
<article class="article article--legacy-series" itemscope itemtype="http://schema.org/Series">
  <div class="grid-wrapper grid-wrapper--full-width grid-wrapper--wide">
    <div class="local-header article-header article-header--detailed" aria-label="Series Title">
      <div class="grid-wrapper">
        <div class="article-header__inner">
          <span class="article-header__label">Series</span>
          <h1 class="local-header__title" data-uipath="document.title" itemprop="name">{esc(series.title)}</h1>
          <span class="article-header__types article-header__types--push" data-uipath="ps.series.information-types">{esc(series.info_types)}</span>
          <hr class="hr hr--short hr--light"/>
          <div class="detail-list-grid">
            <div class="grid-row">
              <div class="column column--reset">
                <dl class="detail-list">
                  <dt class="detail-list__key" id="frequency">Frequency:</dt>
                  <dd class="detail-list__value" itemprop="frequency" data-uipath="ps.series.frequency">{esc(series.frequency)}</dd>
                </dl>
              </div>
            </div>
            <div class="grid-row">
              <div class="column column--reset">
                <dl class="detail-list">
                  <dt class="detail-list__key" id="geographic-coverage">Geographic Coverage:</dt>
                  <dd class="detail-list__value" itemprop="spatialCoverage" data-uipath="ps.series.geographic-coverage">England</dd>
                </dl>
              </div>
            </div>
          </div>
        </div>
      </div>
    </div>
  </div>
  <div class="grid-wrapper grid-wrapper--article" aria-label="Document Content">
    <div class="grid-row">
      <div class="column column--one-third page-block page-block--sticky-nav page-block--sidebar article-section-nav-outer-wrapper">
        <div id="sticky-nav">
          <nav aria-label="Page contents">
            <ol class="article-section-nav__list">
              <li><a href="#summary">Summary</a></li>
              <li><a href="#latest-statistics">Latest statistics</a></li>
              <li><a href="#past-publications">Past publications</a></li>
            </ol>
          </nav>
        </div>
      </div>
      <div class="column column--two-thirds page-block page-block--main">
        <div class="grid-row">
          <div class="article-section article-section--summary" id="summary">
            <h2>Summary</h2>
            <div class="rich-text-content" itemprop="description">
              <p data-uipath="ps.series.summary">{esc(summary)}</p>
            </div>
          </div>
          <div class="article-section" id="latest-statistics">
            <h2>Latest statistics</h2>
""")
    out.append(series_item(series, ordered[0], latest=True))
    out.append("""          </div>
          <div class="article-section" id="past-publications">
            <h2>Past publications</h2>
            <ul class="list list--reset cta-list" data-uipath="ps.series.publications-list.previous">
""")
    for ed in ordered[1:]:
        out.append(series_item(series, ed, latest=False))
    out.append("""            </ul>
          </div>
        </div>
      </div>
    </div>
  </div>
</article>
</main>
""")
    out.append(PAGE_FOOT)
    return "".join(out)


# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------
def data_rows(data, header=True):
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return len(rows) - (1 if header else 0)


def url_list(urls, key):
    lines = []
    for page, links in urls[key]:
        if page.startswith("http"):
            lines.append(f"- page `{page}`")
        for url, rel, size in links:
            lines.append(f"  - `{url}` ({size:,} bytes) -> `{rel}`")
    return "\n".join(lines)


def member_table(members):
    lines = ["| member | data rows | bytes |", "|---|---:|---:|"]
    for name, data in members:
        lines.append(f"| `{name}` | {data_rows(data):,} | {len(data):,} |")
    return "\n".join(lines)


def readme(all_series, urls, appt, qof, ods, ods_data):
    by_key = {s.key: s for s in all_series}
    reg, ap, qf, pay = by_key["registrations"], by_key["appointments"], by_key["qof"], by_key["payments"]
    appt_regions = ", ".join(f"{r} {n}" for r, n in sorted(appt["regions"].items()))
    qof_regions = ", ".join(f"{r} {n}" for r, n in sorted(qof["regions"].items()))
    qof_missing = sorted(set(pdata.QOF_REGIONS) - {pdata.region_token(r) for r in qof["regions"]})
    sep_zip = appt["members"]["Practice_Level_Crosstab_Sep_25.zip"]
    oct_zip = appt["members"]["Practice_Level_Crosstab_Oct_25.zip"]
    settings = ", ".join(f"`{a}`->`{b}` ({n:,})" for (a, b), n in sorted(ods["settings"].items(), key=lambda kv: int(kv[0][0])))
    movers = ", ".join(f"{c} ({old} until 20230331, then {new})" for c, (old, new) in sorted(ods["movers"].items()))
    foreign = ", ".join(f"{c} in {p}" for c, p in sorted(ods["foreign"].items()))
    qof_members = "\n\n".join(f"`{z}`:\n\n" + member_table(m) for z, m in qof["members"].items())
    return f"""# Publisher mirror (offline)

Generated by `Tests/fixture-tools/make_publisher_mirror.py` (data synthesis in `Tests/fixture-tools/publisher_data.py`). Do not edit by hand; rerun the script. It is deterministic: fixed zip timestamps, seeded `random.Random`, no clock.

Series: {reg.title}; {ap.title}; {qf.title}; {pay.title}; and three ODS Data Search and Export reports (fixed URLs, no pages).

## Layout rule

- A publisher URL `https://HOST/PATH` is stored at `HOST/PATH` under this folder.
- If `PATH` is a directory, the file served is `HOST/PATH/index.html`. Example: `https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/october-2025` is served from `digital.nhs.uk/.../patients-registered-at-a-gp-practice/october-2025/index.html`.
- A URL with a query string, `https://HOST/PATH?QUERY`, is stored at `HOST/PATH/QUERY`. Example: `https://www.odsdatasearchandexport.nhs.uk/api/getReport?report=epraccur` is `www.odsdatasearchandexport.nhs.uk/api/getReport/report=epraccur`.
- File names with spaces are percent-encoded in the link and stored under the decoded name: `https://files.digital.nhs.uk/XX/XXXXXX/QOF%202022-23%20Raw%20data%20.csv%20files.zip` is `files.digital.nhs.uk/XX/XXXXXX/QOF 2022-23 Raw data .csv files.zip`.
- Links to editions are relative, like `/data-and-information/...`, so resolve them against `https://digital.nhs.uk`. File links are absolute `https://files.digital.nhs.uk/XX/XXXXXX/name` URLs. The hex folders are modelled: the first 2 and the next 6 upper-case hex digits of the SHA-256 of the file's bytes.

## 1. {reg.title} (monthly)

{url_list(urls, "registrations")}

**Real.** Every `.csv` byte, and the CSV inside `gp-reg-pat-prac-quin-age.zip`, is copied unchanged from `../shared/samples/registrations/` (provenance is in `PROVENANCE.md` there). The 2025-10 totals file adds up to 63,919,527 patients. That is the key-fact figure shown on the real October 2025 page, which confirms that the file is the complete published one.

**Modelled.** All the HTML is modelled. So are:
- the publication dates (set within each snapshot's month, as real editions are; the exact days are modelled)
- the card titles for the map and quin-age files, and the revision notice on october-2025
- the zip container and its fixed timestamp
- the placeholder `.xlsx` and `.pdf` on november-2025, which are not data (a parser must skip them)

Each `-all` page's key fact is the sum of `NUMBER_OF_PATIENTS` in its file.

**Known differences from the live site.**
- Real editions come out in the month of their snapshot (the live october-2025 page is dated 16 Oct 2025, as here); other days are modelled.
- Since 2025 the real totals file is `gp-reg-pat-prac-all.zip`; the map file has been zipped since 2024/25.
- Real titles vary ("..., October 2025", "... December 2020", "... - August 2021"). Not used here.

## 2. {ap.title} (monthly)

{url_list(urls, "appointments")}

Edition slugs `{{month}}-{{yyyy}}`; september-2025 published 30 Oct 2025, october-2025 published 27 Nov 2025. Each zip restates the two months before its own, as the real ones do.

`Practice_Level_Crosstab_Sep_25.zip`:

{member_table(sep_zip)}

`Practice_Level_Crosstab_Oct_25.zip`:

{member_table(oct_zip)}

- **Real:** the {len(appt["practices"])} practices and their names, PCNs, sub-ICB locations, ICBs and regions, taken from `../shared/samples/qof/NHSD_QOF_MANUAL_MAPPINGS_2324_first2000.csv` (the 2023-24 mapping; its first 2,000 lines hold only five regions). Practices: {", ".join(appt["practices"])}. By region: {appt_regions}. Names with commas are quoted (`"EASTGATE MEDICAL GROUP, HORNSEA"`, `"BURMANTOFTS, HAREHILLS & RICHMOND HILL PCN"`, `"NHS Leicester, Leicestershire and Rutland ICB - 04C"`).
- **Real layout:** header and value domains as in `nhs-formats.md` section 3a, including the double spaces in `8  to 14 Days`, `15  to 21 Days`, `22  to 28 Days`; month `01SEP2025`; CRLF; minimal quoting; no BOM.
- **Synthetic:** every COUNT_OF_APPOINTMENTS, the set of combinations (60 to 150 distinct HCP_TYPE x APPT_MODE x NATIONAL_CATEGORY x TIME_BETWEEN_BOOK_AND_APPT x APPT_STATUS per practice-month, no duplicates, plus an occasional row with a blank count), the SUPPLIER of each practice ({", ".join(f"{k} {v}" for k, v in sorted(appt["suppliers"].items()))}), and the 17 NATIONAL_CATEGORY values used (a subset of the real 19 or so). Rows are grouped by practice (sorted by GP_CODE) and, within a practice, sorted by the dimension values in the order of the domains above.
- **Deliberate cases:** the August file is byte-identical in both zips. The September file in the October zip is a restatement: the same rows, except that some COUNT_OF_APPOINTMENTS differ for exactly three practices ({", ".join(appt["restated"])}). October is split into `..._London_East_South_Oct_25.csv` (regions London, East of England, South East, South West; here London and East of England: {", ".join(appt["south"])}) and `..._Midlands_North_Oct_25.csv` (Midlands, North East and Yorkshire, North West: {", ".join(appt["north"])}); together they partition the practices. `Mapping.csv` (header `GP_CODE,...,REGION_CODE,REGION_NAME`, REGION_CODE is the ODS `Y..` code, ICB_CODE the ODS `Q..` code: modelled choices) is the same in both zips.
- **Modelled:** page text, card titles, publication days, the date ranges, the placeholder `GP_Appointment_Publication_Summary_September_2025.xlsx` (not data; a parser must skip it).
- **Known differences from the live site:** real files hold about 6,200 practices and 2 million rows a month (about 0.5 GB); the real zips hold many more categories and suppliers (`EMIS/EVERGREENLIFE`, ...).

## 3. {qf.title} (annual)

{url_list(urls, "qof")}

Edition slugs `{{yyyy}}-{{yy}}`: 2023-24 published 10 Oct 2024, 2022-23 published 12 Oct 2023, 2019-20 published 20 Aug 2020. The 2022-23 zip name has spaces, as the real one does.

{qof_members}

- **Real:** {len(qof["practices"])} practices with their 2023-24 PCN, sub-ICB (`CCG_*` in the input), ICB (`STP_*`) and region, from the QOF manual mapping sample; 12 per region. Regions covered: {qof_regions}. **The first 2,000 lines of the sample hold no practice in {" or ".join(r.replace("_", " ").title() for r in qof_missing)}**, so `ACHIEVEMENT_SOUTH_EAST_*.csv` and `ACHIEVEMENT_SOUTH_WEST_*.csv` are present but hold only the header row. The 2019-20 `MAPPING_NHS_GEOGRAPHIES_1920.csv` takes each practice's CCG/STP/region from the real September 2020 `gp-reg-pat-prac-map.csv` (the registrations sample), under the 2019-20 header. 2022-23 reuses the 2023-24 geography (modelled).
- **Real indicator list:** 2023-24's {qof["indicators_2324"]} indicators from `NHSD_template_PREVIOUS_INDICATOR_MAPPINGS.csv` (NHS's own QOF code), renamed to the published columns (`INDICATOR_GROUP_CODE` -> `GROUP_CODE`, `INDICATOR_GROUP_DESCRIPTION` -> `GROUP_DESCRIPTION`; `PATIENT_ADD_LIST_TYPE` dropped); values kept as they are, including the trailing space in `Non-diabetic hyperglycaemia `. The same list is used for 2022-23 (modelled). 2019-20 uses a subset of those codes ({qof["indicators_1920"]} indicators, dropping groups {", ".join(sorted(pdata.QOF_1920_DROP_GROUPS))}), not the real 2019-20 list.
- **Real measure sets:** which MEASUREs each indicator has comes from NHS's `NHSD_template_PREVIOUS_ACHIEVEMENTS_PCAS.csv`: register indicators (AF001, AST005, CKD005, COPD009, DM017, OB002, ...) have `REGISTER` and `ACHIEVED_POINTS`; DEP003 and NDH001 have `REGISTER`, `NUMERATOR`, `DENOMINATOR`, `PCAS`, `ACHIEVED_POINTS`; QIOA/QIPDD indicators only `ACHIEVED_POINTS`; QIPDDMI001-003 `NUMERATOR`, `DENOMINATOR`, `ACHIEVED_POINTS`; the rest `NUMERATOR`, `DENOMINATOR`, `PCAS`, `ACHIEVED_POINTS`. Rows are in practice order, then indicator order, then that measure order.
- **Synthetic values (consistent):** list sizes 2,000 to 20,000; sub-list sizes per PATIENT_LIST_TYPE as shares of the list; registers = modelled prevalence x list size, never above it; `REGISTER` in ACHIEVEMENT equals `REGISTER` in PREVALENCE for the group; DENOMINATOR = eligible - PCAS; NUMERATOR <= DENOMINATOR; ACHIEVED_POINTS <= INDICATOR_POINT_VALUE, scaled linearly between modelled thresholds of 40% and 80%, written with up to 2 decimals (`5`, `3.27`); register indicators earn full points when the register is not empty; QI indicators all or nothing. Blank VALUEs: about 3% of indicators have a blank PCAS, about 1% a blank NUMERATOR, DENOMINATOR and PCAS (then 0 points). `ORGANISATION_REFERENCE` REVISED_MAX_POINTS is the year's total ({qof["max_points_2324"]} for 2023-24) except for a few practices with a modelled reduction. `PRACTICE_VALIDATION_OUTCOMES` has a modelled layout `PRACTICE_CODE,VALIDATION_OUTCOME` (`Passed` / `Passed with warnings`). The national `ACHIEVEMENT_2324.csv` holds the same practice rows as the regional files without the three region columns; 2022-23 has no national file; 2019-20 has only the national `ACHIEVEMENT_1920.csv` and no ORGANISATION_REFERENCE or validation file.
- **Modelled:** page text, card titles, zip timestamps.

**Editions before 2019-20 (not on the saved site; `Fixtures/qof-history/`, made by `Tests/fixture-tools/make_qof_history.py`).**
No real QOF raw-data file of 2013-14 to 2018-19 was found, so these zips are **modelled**: `qof-1314-csvfilescqrsdata.zip`
(`prevalencebyprac.csv`, `Prac_Control.csv` with run-together names such as `PRACTICECODE`, `ATCODE`), `qof-1415-csvfiles-v2.zip`
(`PREVALENCE_BY_PRAC_v2.csv`, `PRAC_CONTROL.csv` with `AREA_TEAM_CODE`), `qof-1718-csv.zip` (the 2015-16 to 2017-18 names:
`ACHIEVEMENT_EXCEPTIONS.csv`, `PREVALENCE.csv` with `INDICATOR_GROUP_CODE`, `INDICATOR_MAPPINGS.csv` with `INDICATOR_DESCRIPTION`,
`ORGANISATION_REFERENCE.csv` carrying CCG, STP, sub-region and region beside `REVISED_MAXIMUM_POINTS`) and `QOF_1819_v2.zip` (the same
families suffixed `_1819_v2`; that 2018-19 used the 2017-18 family names is an assumption). File and column names follow public code
that read the real files (nhs-formats.md §4); the 2013-15 files the loader leaves out (`INDICATORS_BY_PRAC.csv`, `REGISTER_SIZES.csv`,
`EXCEPTION_OUTPUT.csv`, the `INDICATOR_*REFERENCE*` files) are present with made-up minimal layouts. **Real:** the 24 practices and their
2020-21 CCG, STP and region (first rows of the real `MAPPING_NHS_GEOGRAPHIES_2021.csv`, used for every year, and the STP standing in for
2013-15's area team) and the 2020-21 indicator list (`MAPPING_INDICATORS_2021_v2.csv`). **Synthetic:** every value. Not modelled: the
2013-14 file's second heart-failure register row (`Heart Failure due to LVD`, reported by public code), which would be refused as a
duplicate key until its treatment is decided.

## 4. {pay.title} (annual)

{url_list(urls, "payments")}

Edition slugs `england-{{yyyy}}-{{yy}}`: england-2022-23 published 16 Nov 2023, england-2021-22 published 10 Nov 2022.

- **Real:** both CSVs are byte-for-byte copies of `../shared/samples/payments/nhspaymentsgp_22-23_first2000.csv` and `nhspaymentsgp_21-22_first2000.csv` (UTF-8 BOM, CRLF, the mislabelled 2022-23 header; see `PROVENANCE.md` there). They are the first 2,000 lines (header + 1,999 practices) of the real files, not the whole files.
- **Modelled:** page text, card titles, the file names (the real names; `-v2` on 2021-22 as published), and the placeholder `nhspaymentsgp-22-23-annex.pdf` on england-2022-23 (not data; a parser must skip it).

## 5. ODS Data Search and Export reports (fixed URLs, no pages)

{url_list(urls, "ods")}

All three: no header row, every field double-quoted, CRLF, ASCII.

- `report=epraccur` ({data_rows(ods_data["report=epraccur"], False):,} rows, 27 fields): `../shared/samples/ods/epraccur_2023-12_first2000.csv` (real, legacy code set) converted to the current DSE code set. Field 13 status `A`->`ACTIVE`, `C`->`INACTIVE`, `D`->`DORMANT`, `P`->`PROPOSED`; field 26 prescribing setting (a **modelled mapping**): {settings}; i.e. 4->RO76, 1->RO87, 2->RO80, 3->`RO80|RO87`, 0->RO177, any other n->RO(n+250). Every other field is byte-for-byte the sample's; the sample's LF line endings become CRLF.
- `report=epcn` ({data_rows(ods_data["report=epcn"], False):,} rows, 12 fields: PCN code, name, sub-ICB code, sub-ICB name, open date, close date, address lines 1-5, postcode): every distinct PCN in the QOF manual mapping sample except `U` ("Unallocated"). Code and name are real; the parent sub-ICB is the one most of its member practices belong to ({ods["multi_sub_icb_pcns"]} PCNs have member practices in two sub-ICBs), its name upper-cased as ODS writes names; open date 20190701 and empty close date are modelled; the address is modelled as the address of the PCN's first member practice found in the epraccur sample, else empty strings.
- `report=epcncorepartnerdetails` ({data_rows(ods_data["report=epcncorepartnerdetails"], False):,} rows, 11 fields: partner code, partner name, practice parent sub-ICB code, its name, PCN code, PCN name, PCN parent sub-ICB code, its name, start date, end date, `Practice Sub ICB and PCN Sub ICB Match?` Y/N): one row per practice in the mapping sample that is in a PCN (the {ods["unallocated"]} practices the mapping gives PCN `U` "Unallocated" have no row, and `U` is not in `epcn`), start 20190701, empty end date (`N` where the practice's sub-ICB differs from its PCN's). Deliberate cases: three practices moved PCN on 1 April 2023: {movers} (the old PCN, a PCN of the same sub-ICB, is modelled). Non-English partners of English PCNs (codes, names and parents modelled; Welsh parents are health boards 7A1/7A6, the Scottish one has none): {foreign}. Rows are sorted by PCN code, then partner code, then start date, so a mover's two rows are not next to each other.

## HTML modelled on (found with the search tool)

- NHS-digital-website/hippo FreeMarker templates. The nhsd publication template gives the `nhsd-o-hero` `dl`, the `nhsd-m-emphasis-box` change notice and the Resources block with `data-uipath="ps.publication.resources-attachments"`. `downloadBlockAsset.ftl` gives the `nhsd-m-download-card`, the `p.nhsd-t-heading-xs` title, the lower-case extension tag and the decimal KB/MB size. `publication-meta-data.ftl`, the hero macro and `RestrictableDateFormatterDirective` give the "Publication Date:" `dt`/`dd` and the "9 Apr 2026" format. `publicationsystem/series.ftl` gives `article--legacy-series`, `ul[data-uipath=ps.series.publications-list.latest|previous]`, `a.cta__button`, `p.callout-box__content-description-date` and the "d MMMM yyyy" format.
- The ebmdatalab/openprescribing series-page test fixture, and third-party scrapers that select `div.nhsd-m-download-card` or `ps.series.publications-list.*`.
- The text of the real pages october-2025, may-2024 (change notice "20 May 2024 11:30 AM"), august-2017 and august-2021.
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples-root", type=Path, default=DEFAULT_SAMPLES_ROOT)
    ap.add_argument("--samples", type=Path, default=None, help="registrations samples (default SAMPLES_ROOT/registrations)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    samples_root = args.samples_root.resolve()
    samples = (args.samples or samples_root / "registrations").resolve()
    out = args.out.resolve()
    for d in (samples_root, samples):
        if not d.is_dir():
            sys.exit(f"samples folder not found: {d}")

    reg = registrations_series(samples)
    appt, appt_facts = appointments_series(samples_root)
    qof, qof_facts = qof_series(samples_root)
    pay = payments_series(samples_root)
    ods, ods_facts = pdata.ods_files(samples_root)
    all_series = [reg, appt, qof, pay]

    # One plug-in per later source: Tests/fixture-tools/mirror_<source>.py defines
    # build(samples_root, m) (m is this module) returning a dict with any of
    #   "series": [Series]            digital.nhs.uk series, rendered like the ones above
    #   "files":  [(rel path, bytes)]  anything else (other hosts, API responses), stored as given
    #   "hosts":  [host folder]        folders under OUT this plug-in owns (deleted and rebuilt)
    #   "readme": str                  its README section (markdown, starting "## ")
    # so a source's mirror is one file and nothing here changes when a source is added.
    plugins = []
    for path in sorted(Path(__file__).resolve().parent.glob("mirror_*.py")):
        module = importlib.import_module(path.stem)
        plugins.append((path.stem, module.build(samples_root, sys.modules[__name__])))
    for _, contribution in plugins:
        all_series.extend(contribution.get("series", []))

    owned = {"digital.nhs.uk", FILES_HOST, ODS_HOST}
    for _, contribution in plugins:
        owned.update(contribution.get("hosts", []))
    for sub in sorted(owned):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    out.mkdir(parents=True, exist_ok=True)

    written = []

    def write(rel, data):
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        written.append((rel, len(data)))

    seen_urls = set()
    urls = {}                     # series key -> [(page URL, [(file URL, stored path, size)])]
    for series in all_series:
        urls[series.key] = [(SITE + series.path, [])]
        for ed in series.editions:
            cards, links = [], []
            for att in ed.attachments:
                url, rel = file_url(att.name, att.data)
                assert url not in seen_urls, url
                seen_urls.add(url)
                write(rel, att.data)
                links.append((url, rel, len(att.data)))
                cards.append(download_card(url, att.title, att.name.rsplit(".", 1)[1].lower(),
                                           size_to_display(len(att.data))))
            write(f"digital.nhs.uk{edition_path(series, ed)}/index.html",
                  edition_page(series, ed, cards).encode("utf-8"))
            urls[series.key].append((SITE + edition_path(series, ed), links))
        write(f"digital.nhs.uk{series.path}/index.html", series_page(series).encode("utf-8"))

    urls["ods"] = [("(no pages)", [])]
    for query, data in ods.items():
        write(f"{ODS_HOST}{ODS_PATH}/{query}", data)
        urls["ods"][0][1].append((f"https://{ODS_HOST}{ODS_PATH}?{query}", f"{ODS_HOST}{ODS_PATH}/{query}", len(data)))

    for name, contribution in plugins:
        urls[name] = []
        for series in contribution.get("series", []):
            urls[name].extend(urls[series.key])
        for rel, data in contribution.get("files", []):
            write(rel, data)
    text = readme(all_series[:4], urls, appt_facts, qof_facts, ods_facts, ods)
    for name, contribution in plugins:
        text += "\n" + contribution.get("readme", f"## {name}\n").rstrip() + "\n"
    write("README.md", text.encode("utf-8"))

    for rel, n in sorted(written):
        print(f"{n:>10,}  {rel}")


if __name__ == "__main__":
    main()
