#!/usr/bin/env python3
"""Build the offline publisher mirror in Fixtures/publisher/ (deterministic).

    python3 Tests/fixture-tools/make_publisher_mirror.py [--samples DIR] [--out DIR]

Mirror rule: the publisher URL https://HOST/PATH is stored at OUT/HOST/PATH, and a
URL whose PATH is a directory is served from OUT/HOST/PATH/index.html.

What it writes (everything under OUT is replaced on each run, so a second run gives
byte-identical output):
  digital.nhs.uk/data-and-information/publications/statistical/
      patients-registered-at-a-gp-practice/index.html          series page
      patients-registered-at-a-gp-practice/<slug>/index.html   one page per edition
  files.digital.nhs.uk/<2 hex>/<6 hex>/<file name>            the linked files
  README.md

The CSV bytes are copied unchanged from the real samples in
../shared/samples/registrations (see PROVENANCE.md there).  The quin-age CSV is
put in a deflated zip with a fixed timestamp.  The two folder names in a
files.digital.nhs.uk URL are taken from the SHA-256 of the file's bytes: the
first 2 and the next 6 hex digits, upper case.  The HTML follows the digital.nhs.uk
templates (NHS-digital-website/hippo FreeMarker), without scripts, styles, SVG
icons or the cookie banner.  Standard library only.
"""

import argparse
import csv
import hashlib
import html
import io
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "Fixtures" / "publisher"
DEFAULT_SAMPLES = ROOT.parent / "shared" / "samples" / "registrations"

SITE = "https://digital.nhs.uk"
FILES_HOST = "files.digital.nhs.uk"
SERIES_TITLE = "Patients Registered at a GP Practice"
SERIES_PATH = "/data-and-information/publications/statistical/patients-registered-at-a-gp-practice"
INFO_TYPES = "Official statistics, Open data, Other reports and statistics"

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
ZIP_TIME = (2017, 10, 12, 9, 30, 0)          # fixed so the zip is reproducible
XLSX_TIME = (2025, 12, 11, 9, 30, 0)

# ---------------------------------------------------------------------------
# Editions.  published = (year, month, day): within the snapshot's own month, as the real
# editions are (the live October 2025 page is dated 16 Oct 2025).
# files: (kind, sample file name or None for a generated placeholder, name on
#         the publisher, card title)
# ---------------------------------------------------------------------------
T_ALL = "Totals (GP practice-all persons)"
T_MAP_CCG = "Mapping (GP practices-PCNs-CCGs-STPs-Commissioning Regions)"
T_QUIN_2017 = "5-year age groups (Commissioning Regions-STPs-CCGs-GP practice)"

EDITIONS = [
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


def esc(text):
    return html.escape(text, quote=True)


def short_date(y, m, d):
    """Edition-page hero date, RestrictableDateFormatterDirective: '9 Apr 2026'."""
    return f"{d} {MONTHS[m - 1][:3]} {y}"


def long_date(y, m, d):
    """Series-page date: dayOfMonth + ' ' + month?capitalize + ' ' + year -> '9 April 2026'."""
    return f"{d} {MONTHS[m - 1]} {y}"


def size_to_display(n):
    """downloadBlockAsset.ftl sizeToDisplay: decimal units, FreeMarker ?round (half up)."""
    if n > 1_000_000:
        return f"{int(n / 1_000_000 + 0.5)} MB"
    if n > 1000:
        return f"{int(n / 1000 + 0.5)} KB"
    return f"{n} bytes"


def edition_title(ed):
    y, m = ed["period"]
    return f"{SERIES_TITLE}, {MONTHS[m - 1]} {y}"


def edition_path(ed):
    return f"{SERIES_PATH}/{ed['slug']}"


# ---------------------------------------------------------------------------
# Linked file bytes
# ---------------------------------------------------------------------------
def zip_single(member, data, when):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo(member, date_time=when)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3
        info.external_attr = 0o100644 << 16
        zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


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
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in parts:
            info = zipfile.ZipInfo(name, date_time=XLSX_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, body.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


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


def file_bytes(kind, sample, name, ed, samples):
    if kind == "csv":
        return (samples / sample).read_bytes()
    if kind == "zip":
        member = name[:-4] + ".csv"
        return zip_single(member, (samples / sample).read_bytes(), ZIP_TIME)
    if kind == "xlsx":
        return placeholder_xlsx("Placeholder workbook for the offline mirror "
                                f"({edition_title(ed)}); not a data file.")
    if kind == "pdf":
        return placeholder_pdf("Placeholder: Data quality statement (offline mirror, not a data file)")
    raise ValueError(kind)


def hex_folders(data):
    h = hashlib.sha256(data).hexdigest().upper()
    return h[:2], h[2:8]


def practice_total(data):
    rows = csv.DictReader(io.StringIO(data.decode("ascii")))
    return sum(int(r["NUMBER_OF_PATIENTS"]) for r in rows)


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


def summary_paragraphs(ed):
    y, m = ed["period"]
    first = (f"Data for this publication are taken each month as a snapshot from {SOURCES[ed['era']]}. "
             f"This release is an accurate snapshot as at 1 {MONTHS[m - 1]} {y}.")
    second = ("Patient counts are given by sex, by single year of age and by five-year age band, "
              "for GP practices and for the organisations above them, with a file mapping each practice "
              "to those organisations. Populations by Lower Layer Super Output Area (LSOA) are added in "
              "January, April, July and October.")
    return [first, second]


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


def edition_page(ed, cards, total):
    title = edition_title(ed)
    y, m = ed["period"]
    py, pm, pd = ed["published"]
    paras = summary_paragraphs(ed)
    out = [page_head(title, SITE + edition_path(ed), paras[0])]
    out.append(f"""    <li class="nhsd-m-breadcrumbs__item"><a class="nhsd-a-link" href="{SERIES_PATH}">{SERIES_TITLE}</a></li>
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
              <span class="nhsd-t-body-s" data-uipath="ps.publication.intro-text">Publication, Part of <a class="nhsd-a-link nhsd-a-link--col-white" href="{SERIES_PATH}" onClick="logGoogleAnalyticsEvent('Link click', 'Series', '{SERIES_PATH}')" itemprop="url"><span itemprop="name">{SERIES_TITLE}</span></a></span>
              <h1 class="nhsd-t-heading-xxl nhsd-!t-margin-bottom-0" data-uipath="ps.publication.title">{esc(title)}</h1>
              <p class="nhsd-t-body nhsd-!t-margin-0 nhsd-!t-margin-top-4" data-uipath="ps.publication.information-types">{INFO_TYPES}</p>
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
                    <dd class="nhsd-o-hero__meta-data-item-description" data-uipath="ps.publication.date-range">Snapshot on {1:02d} {MONTHS[m - 1][:3]} {y}</dd>
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
    if "revised" in ed:
        ry, rm, rd, rtime, rshort = ed["revised"]
        out.append(f"""    <div class="nhsd-t-row">
      <div class="nhsd-t-col-xs-12 nhsd-!t-margin-bottom-6">
        <div class="nhsd-m-emphasis-box nhsd-!t-margin-bottom-6">
          <div class="nhsd-a-box nhsd-a-box--border-blue">
            <div class="nhsd-m-emphasis-box__content-box">
              <p class="nhsd-t-heading-s nhsd-t-word-break">Updated publication files</p>
              <div class="nhsd-t-body-s nhsd-t-word-break">
                <p>An issue was found in the GP practice totals after publication. The publication files were reproduced on {rd} {MONTHS[rm - 1]} {ry} and replaced at {rshort}; we recommend replacing any copy downloaded before then. The file name and download link are unchanged.</p>
              </div>
              <p class="nhsd-t-body-s nhsd-t-word-break">{rd} {MONTHS[rm - 1]} {ry} {rtime}</p>
            </div>
          </div>
        </div>
      </div>
    </div>
""")
    nav = [("#top", "Top of page"), ("#summary", "Summary")]
    if total is not None:
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
    if total is not None:
        out.append(f"""        <div id="key-facts" class="nhsd-a-box nhsd-a-box--border-grey nhsd-!t-margin-bottom-6">
          <h2 class="nhsd-t-heading-m">Key Facts</h2>
          <div class="nhsd-m-infographic">
            <p class="nhsd-t-heading-xl nhsd-!t-margin-bottom-1">{total:,}</p>
            <p class="nhsd-t-body">Patients registered at GP practices in England as at 1 {MONTHS[m - 1]} {y}</p>
          </div>
        </div>
        <hr class="nhsd-a-horizontal-rule"/>
""")
    out.append("""        <div id="resources" class="nhsd-!t-margin-bottom-6">
          <h2 class="nhsd-t-heading-m">Resources</h2>
          <div data-uipath="ps.publication.resources-attachments">
""")
    out.extend(cards)
    if "revised" in ed:
        ry, rm, rd, _, _ = ed["revised"]
        edited = f"{rd} {MONTHS[rm - 1]} {ry} 11:31 am"
    else:
        edited = f"{pd} {MONTHS[pm - 1]} {py} 9:30 am"
    out.append(f"""          </div>
        </div>
        <hr class="nhsd-a-horizontal-rule"/>
        <div class="nhsd-!t-margin-bottom-6">
          <p class="nhsd-t-body-s" data-uipath="last-modified">Last edited: {edited}</p>
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


def series_item(ed, latest):
    title = edition_title(ed)
    href = edition_path(ed)
    py, pm, pd = ed["published"]
    heading_id = "callout-box-heading-interactive-" + ("grey-latest-publication" if latest else
                                                       title.lower().replace(",", "").replace(" ", "-"))
    date_text = ("Published: " if latest else "") + long_date(py, pm, pd)
    desc = esc(truncate(summary_paragraphs(ed)[0], 150))
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


def series_page(editions):
    ordered = sorted(editions, key=lambda e: e["published"], reverse=True)
    summary = ("Monthly counts of patients registered at GP practices in England, by sex and age, "
               "for GP practices and the organisations above them.")
    out = [page_head(SERIES_TITLE, SITE + SERIES_PATH, summary)]
    out.append(f"""  </ol>
</nav>
<main id="main-content">
<article class="article article--legacy-series" itemscope itemtype="http://schema.org/Series">
  <div class="grid-wrapper grid-wrapper--full-width grid-wrapper--wide">
    <div class="local-header article-header article-header--detailed" aria-label="Series Title">
      <div class="grid-wrapper">
        <div class="article-header__inner">
          <span class="article-header__label">Series</span>
          <h1 class="local-header__title" data-uipath="document.title" itemprop="name">{SERIES_TITLE}</h1>
          <span class="article-header__types article-header__types--push" data-uipath="ps.series.information-types">{INFO_TYPES}</span>
          <hr class="hr hr--short hr--light"/>
          <div class="detail-list-grid">
            <div class="grid-row">
              <div class="column column--reset">
                <dl class="detail-list">
                  <dt class="detail-list__key" id="frequency">Frequency:</dt>
                  <dd class="detail-list__value" itemprop="frequency" data-uipath="ps.series.frequency">Monthly</dd>
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
    out.append(series_item(ordered[0], latest=True))
    out.append("""          </div>
          <div class="article-section" id="past-publications">
            <h2>Past publications</h2>
            <ul class="list list--reset cta-list" data-uipath="ps.series.publications-list.previous">
""")
    for ed in ordered[1:]:
        out.append(series_item(ed, latest=False))
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


README = """# Publisher mirror: Patients Registered at a GP Practice (offline)

Generated by `Tests/fixture-tools/make_publisher_mirror.py`. Do not edit by hand; rerun the script. It is deterministic.

**Layout rule.** A publisher URL `https://HOST/PATH` is stored at `HOST/PATH` under this folder. If `PATH` is a directory, the file served is `HOST/PATH/index.html`. Example: `https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/october-2025` is served from `digital.nhs.uk/.../patients-registered-at-a-gp-practice/october-2025/index.html`. Links to editions are relative, like `/data-and-information/...`, so resolve them against `https://digital.nhs.uk`. File links are absolute `https://files.digital.nhs.uk/XX/XXXXXX/name` URLs.

**Real.** Every `.csv` byte, and the CSV inside `gp-reg-pat-prac-quin-age.zip`, is copied unchanged from `../shared/samples/registrations/` (provenance is in `PROVENANCE.md` there). The 2025-10 totals file adds up to 63,919,527 patients. That is the key-fact figure shown on the real October 2025 page, which confirms that the file is the complete published one.

**Modelled.** All the HTML is modelled. So are:
- the hex folders: the first 2 and the next 6 upper-case hex digits of the SHA-256 of the file's bytes
- the publication dates (set within each snapshot's month, as real editions are; the exact days are modelled)
- the card titles for the map and quin-age files, and the revision notice on october-2025
- the zip container and its fixed timestamp
- the placeholder `.xlsx` and `.pdf` on november-2025, which are not data (a parser must skip them)

Each `-all` page's key fact is the sum of `NUMBER_OF_PATIENTS` in its file.

**Known differences from the live site.**
- Real editions come out in the month of their snapshot (the live october-2025 page is dated 16 Oct 2025, as here); other days are modelled.
- Since 2025 the real totals file is `gp-reg-pat-prac-all.zip`; the map file has been zipped since 2024/25.
- Real titles vary ("..., October 2025", "... December 2020", "... - August 2021"), and real file names may contain spaces (`%20` in the URL). Neither is used here.

**HTML modelled on** (found with the search tool):
- NHS-digital-website/hippo FreeMarker templates. The nhsd publication template gives the `nhsd-o-hero` `dl`, the `nhsd-m-emphasis-box` change notice and the Resources block with `data-uipath="ps.publication.resources-attachments"`. `downloadBlockAsset.ftl` gives the `nhsd-m-download-card`, the `p.nhsd-t-heading-xs` title, the lower-case extension tag and the decimal KB/MB size. `publication-meta-data.ftl`, the hero macro and `RestrictableDateFormatterDirective` give the "Publication Date:" `dt`/`dd` and the "9 Apr 2026" format. `publicationsystem/series.ftl` gives `article--legacy-series`, `ul[data-uipath=ps.series.publications-list.latest|previous]`, `a.cta__button`, `p.callout-box__content-description-date` and the "d MMMM yyyy" format.
- The ebmdatalab/openprescribing series-page test fixture, and third-party scrapers that select `div.nhsd-m-download-card` or `ps.series.publications-list.*`.
- The text of the real pages october-2025, may-2024 (change notice "20 May 2024 11:30 AM"), august-2017 and august-2021.
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    samples, out = args.samples.resolve(), args.out.resolve()
    if not samples.is_dir():
        sys.exit(f"samples folder not found: {samples}")

    for sub in ("digital.nhs.uk", FILES_HOST):
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
    for ed in EDITIONS:
        cards, total = [], None
        for kind, sample, name, title in ed["files"]:
            data = file_bytes(kind, sample, name, ed, samples)
            if kind == "csv" and name.startswith("gp-reg-pat-prac-all"):
                total = practice_total(data)
            a, b = hex_folders(data)
            url = f"https://{FILES_HOST}/{a}/{b}/{name}"
            assert url not in seen_urls, url
            seen_urls.add(url)
            write(f"{FILES_HOST}/{a}/{b}/{name}", data)
            if kind == "csv":
                assert data == (samples / sample).read_bytes()
            cards.append(download_card(url, title, name.rsplit(".", 1)[1].lower(), size_to_display(len(data))))
        page = edition_page(ed, cards, total)
        write(f"digital.nhs.uk{edition_path(ed)}/index.html", page.encode("utf-8"))

    write(f"digital.nhs.uk{SERIES_PATH}/index.html", series_page(EDITIONS).encode("utf-8"))
    write("README.md", README.encode("utf-8"))

    for rel, n in sorted(written):
        print(f"{n:>10,}  {rel}")


if __name__ == "__main__":
    main()
