"""Publisher-mirror plug-in: Care Quality Commission (`cqc`), the bulk files listed on
https://www.cqc.org.uk/about-us/transparency/using-cqc-data (read by make_publisher_mirror.py;
see its main()).

Nothing here is a real CQC file (no sample of the workbooks is in ../shared/samples; the real
Latest_ratings.ods is about 50 MB). Modelled from nhs-formats-2.md §3: the file names and URL
folders, the Locations sheet's 28-column header, its grain (location x Service / Population Group
x Domain), the non-ratings (Not Rated, Not applicable, blank), `-` brand, dd/mm/yyyy dates, the
September 2026 notice block above the header (header on row 8). Practices are real ODS codes and
names from the mirror's ODS file; CQC location ids, ratings and dates are made up. The quality
statements are the 34 names nhs-formats-2.md §3a lists (a third-party transcription): CQC
publishes no machine-readable framework, so the CSV carrying them is invented.
"""
import csv
import io
import json
import zipfile

HOST = "www.cqc.org.uk"
PAGE = "about-us/transparency/using-cqc-data"
STAMP = (2026, 9, 1, 6, 0, 0)

HEADER = ["Location ID", "Location ODS Code", "Location Name", "Care Home?", "Location Type", "Location Primary Inspection Category",
          "Location Street Address", "Location Address Line 2", "Location City", "Location Post Code", "Location Local Authority",
          "Location Region", "Location NHS Region", "Location ONSPD CCG Code", "Location ONSPD CCG", "Location Commissioning CCG Code",
          "Location Commissioning CCG Name", "Service / Population Group", "Domain", "Latest Rating", "Publication Date", "Report Type",
          "Inherited Rating (Y/N)", "URL", "Provider ID", "Provider Name", "Brand ID", "Brand Name"]

DOMAINS = ["Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led"]
GROUPS = ["Older people", "People with long term conditions", "Families, children and young people", "Working age people (including those recently retired and students)",
          "People whose circumstances may make them vulnerable", "People experiencing poor mental health (including people with dementia)"]

# (location id, ODS code, name, postcode, local authority, ratings by domain, date, population groups rated?)
# Ratings per domain in DOMAINS order. "" is a blank cell.
GP = "Primary Medical Services"
LOCATIONS = [
    ("1-545611283", "A81001", "The Densham Surgery", "TS18 1HU", "Stockton-on-Tees",
     ["Good", "Good", "Requires improvement", "Good", "Outstanding", "Good"], (2024, 5, 17), True),
    ("1-553213406", "A81002", "Queens Park Medical Centre", "TS18 2AW", "Stockton-on-Tees",
     ["Requires improvement", "Inadequate", "Requires improvement", "Good", "Good", "Requires improvement"], (2023, 11, 2), True),
    ("1-538420155", "A81004", "Acklam Medical Centre", "TS5 8SB", "Middlesbrough",
     ["Outstanding", "Good", "Outstanding", "Outstanding", "Good", "Outstanding"], (2019, 2, 26), False),
    # GP practice plus out-of-hours at one location: no single location-level rating (the
    # September 2026 notice), key questions Not applicable, one blank.
    ("1-199783902", "A81005", "Springwood Surgery", "TS14 7DJ", "Redcar and Cleveland",
     ["Not Rated", "Not applicable", "Not applicable", "Not applicable", "", "Not applicable"], (2026, 7, 30), False),
    # No ODS code published: kept, not linked to any practice.
    ("1-2837410245", "", "Tees Valley Urgent Treatment Centre", "TS4 3BW", "Middlesbrough",
     ["Good", "Good", "Good", "Good", "Good", "Good"], (2025, 3, 12), False),
]
# Rows of other sectors in the same sheet: left out by Location Type.
OTHERS = [
    ("1-10000302982", "", "Alder House Care Home", "Social Care Org", "Residential social care", "TS19 0QQ"),
    ("1-3012873512", "V00123", "Norton Dental Practice", "Primary Dental Care", "Dentists", "TS20 1AA"),
]


def rows_of(month):
    """The Locations sheet's rows (header excluded) for a month: (values, date cells as (y, m, d))."""
    rows = []
    for loc, ods, name, postcode, la, ratings, date, groups in LOCATIONS:
        if month == 8 and loc == "1-199783902":
            ratings = ["Good", "Good", "Good", "Good", "Good", "Good"]   # rated before the combined service (August)
            date = (2022, 6, 9)
        base = [loc, ods, name, "N", GP, "GP Practices" if ods else "Urgent care services & mobile doctors", "1 Lawson Street", "",
                "Stockton on Tees", postcode, la, "North East", "North East and Yorkshire", "16C", "NHS Tees Valley CCG", "16C",
                "NHS Tees Valley CCG"]
        tail = ["Y" if loc == "1-553213406" else "N", f"https://www.cqc.org.uk/location/{loc}", "1-" + loc[2:7] + "001",
                f"{name} Partnership", "-", "-"]
        for domain, rating in zip(DOMAINS, ratings):
            rows.append((base + ["Overall", domain, rating, date, "Location"] + tail))
        if groups:
            for group in GROUPS:
                for domain in ("Overall", "Effective", "Responsive"):
                    rows.append((base + [group, domain, ratings[0], date, "Location"] + tail))
    for loc, ods, name, ltype, category, postcode in OTHERS:
        base = [loc, ods, name, "Y" if ltype == "Social Care Org" else "N", ltype, category, "2 High Street", "", "Stockton on Tees",
                postcode, "Stockton-on-Tees", "North East", "North East and Yorkshire", "16C", "NHS Tees Valley CCG", "16C",
                "NHS Tees Valley CCG"]
        for domain in DOMAINS:
            rows.append(base + ["Overall", domain, "Good", (2024, 1, 9), "Location", "N", f"https://www.cqc.org.uk/location/{loc}",
                                "1-99" + loc[2:7], "Other Provider Ltd", "BD123", "Example Brand"])
    return rows


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def cell(value, date_cells):
    if isinstance(value, tuple):
        y, m, d = value
        if date_cells:
            return (f'<table:table-cell office:value-type="date" office:date-value="{y:04d}-{m:02d}-{d:02d}">'
                    f'<text:p>{d:02d}/{m:02d}/{y:04d}</text:p></table:table-cell>')
        value = f"{d:02d}/{m:02d}/{y:04d}"
    if value == "":
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{esc(value)}</text:p></table:table-cell>'


def table(name, rows, date_cells):
    body = "".join("<table:table-row>" + "".join(cell(v, date_cells) for v in r) + "</table:table-row>" for r in rows)
    return f'<table:table table:name="{name}">{body}</table:table>'


NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"')
DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def ods(tables):
    content = (DECL + f'<office:document-content {NS}><office:body><office:spreadsheet>{"".join(tables)}'
               '</office:spreadsheet></office:body></office:document-content>')
    manifest = (DECL + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        # The mimetype entry comes first and is stored, as OpenDocument requires.
        for name, data, method in [("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
                                   ("content.xml", content, zipfile.ZIP_DEFLATED), ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)]:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode("utf-8"))
    return out.getvalue()


NOTICE = [["Latest ratings"], [""],
          ["Please note: locations providing more than one service type (for example a GP practice and an out-of-hours service) "
           "no longer receive a single location-level rating and show Not Rated. Service-level ratings appear in the Care directory with ratings."],
          [""], ["This data was produced on 1 September 2026"], [""], [""]]


def ratings_workbook(month):
    """September: notice block, header on row 8, dates as date cells. August: header on row 1, dates as text."""
    rows = rows_of(month)
    locations = (NOTICE + [HEADER] + rows) if month == 9 else ([HEADER] + rows)
    providers = [["Provider ID", "Provider Name", "Domain", "Latest Rating"]] + [[r[24], r[25], r[18], r[19]] for r in rows if r[17] == "Overall"]
    readme = [["CQC ratings data"], ["Sheets: Locations, Providers"]]
    return ods([table("Read me", readme, False), table("Locations", locations, month == 9), table("Providers", providers, month == 9)])


STATEMENTS = {
    "Safe": ["Learning culture", "Safe systems, pathways and transitions", "Safeguarding", "Involving people to manage risks",
             "Safe environments", "Safe and effective staffing", "Infection prevention and control", "Medicines optimisation"],
    "Effective": ["Assessing needs", "Delivering evidence-based care and treatment", "How staff, teams and services work together",
                  "Supporting people to live healthier lives", "Monitoring and improving outcomes", "Consent to care and treatment"],
    "Caring": ["Kindness, compassion and dignity", "Treating people as individuals", "Independence, choice and control",
               "Responding to people's immediate needs", "Workforce wellbeing and enablement"],
    "Responsive": ["Person-centred care", "Care provision, integration and continuity", "Providing information", "Listening to and involving people",
                   "Equity in access", "Equity in experiences and outcomes", "Planning for the future"],
    "Well-led": ["Shared direction and culture", "Capable, compassionate and inclusive leaders", "Freedom to speak up",
                 "Workforce equality, diversity and inclusion", "Governance, management and sustainability", "Partnerships and communities",
                 "Learning, improvement and innovation", "Environmental sustainability - sustainable development"],
}


def framework_csv():
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["Framework version", "Key question", "Quality statement"])
    for kq, names in STATEMENTS.items():
        for name in names:
            w.writerow(["Single assessment framework (34 quality statements)", kq, name])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def page(links):
    items = "".join(f'<li><a href="{url}">{text}</a></li>' for url, text in links)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Using CQC data | Care Quality Commission</title></head>'
            f'<body><main><h1>Using CQC data</h1><p>We publish data about the services we regulate, updated monthly.</p>'
            f'<h2>Care directory and ratings</h2><ul>{items}</ul><p><a href="/about-us">About us</a></p></main></body></html>').encode("utf-8")


API_HOST = "api.service.cqc.org.uk"
API_INDEX = f"{API_HOST}/public/v1/locations/page={{page}}&perPage=500&primaryInspectionCategoryCode=P2"
API_PAGE_SIZE = 3
KEY_QUESTIONS = ["Safe", "Effective", "Caring", "Responsive", "Well-led"]


def json_bytes(value):
    return (json.dumps(value, indent=1, sort_keys=True) + "\n").encode("utf-8")


def api_files():
    """CQC's API as its public documentation describes it (MODELLED): the paged GP location list
    (`totalPages`, `locations` of `locationId`/`locationName`/`postalCode`) and one detail per
    location with `odsCode` (absent when CQC has none) and `currentRatings.overall` with its
    `keyQuestionRatings`."""
    gp = [loc for loc in LOCATIONS]
    pages = [gp[i:i + API_PAGE_SIZE] for i in range(0, len(gp), API_PAGE_SIZE)]
    files = []
    for number, page in enumerate(pages, 1):
        body = {"total": len(gp), "page": number, "perPage": 500, "totalPages": len(pages),
                "firstPageUri": "/locations?page=1&perPage=500&primaryInspectionCategoryCode=P2",
                "nextPageUri": None if number == len(pages) else f"/locations?page={number + 1}&perPage=500&primaryInspectionCategoryCode=P2",
                "locations": [{"locationId": loc, "locationName": name, "postalCode": postcode} for loc, _, name, postcode, *_ in page]}
        files.append((API_INDEX.format(page=number), json_bytes(body)))
    for loc, ods, name, postcode, la, ratings, (y, mo, d), _ in gp:
        date = f"{y:04d}-{mo:02d}-{d:02d}"
        detail = {"locationId": loc, "providerId": "1-" + loc[2:7] + "01", "organisationType": "Location", "type": GP, "name": name,
                  "registrationStatus": "Registered", "postalAddressLine1": "1 High Street", "postalAddressTownCity": la,
                  "postalCode": postcode, "region": "North East", "localAuthority": la, "careHome": "N",
                  "inspectionCategories": [{"code": "P2", "primary": "true", "name": "GP Practices"}],
                  "currentRatings": {"overall": {"rating": ratings[0], "reportDate": date, "reportLinkId": "r-" + loc,
                                                 "keyQuestionRatings": [{"name": q, "rating": r, "reportDate": date, "reportLinkId": "r-" + loc}
                                                                        for q, r in zip(KEY_QUESTIONS, ratings[1:])]},
                                     "reportDate": date}}
        if ods:
            detail["odsCode"] = ods
        files.append((f"{API_HOST}/public/v1/locations/{loc}", json_bytes(detail)))
    return files


def build(samples_root, m):
    files, links = [], []
    for month, name, folder in [(9, "September", "system/files/2026-09"), (8, "August", "sites/default/files/2026-08")]:
        ratings = f"01_{name}_2026_Latest_ratings.ods"
        framework = f"01_{name}_2026_SAF_quality_statements.csv"
        files.append((f"{HOST}/{folder}/{ratings}", ratings_workbook(month)))
        files.append((f"{HOST}/{folder}/{framework}", framework_csv()))
        links += [(f"/{folder}/{ratings}", f"Latest ratings ({name} 2026, ODS)"),
                  (f"/{folder}/{framework}", f"Single assessment framework quality statements ({name} 2026, CSV)")]
    files.append((f"{HOST}/{PAGE}", page(links)))
    files += api_files()
    ungp = sum(1 for r in rows_of(9) if r[4] != GP)
    readme = f"""## CQC ratings and assessment framework (`cqc`)

Download page `https://{HOST}/{PAGE}` linking two months' files (September 2026 under `/system/files/2026-09/`,
August 2026 under the older `/sites/default/files/2026-08/`), each month: `01_<Month>_2026_Latest_ratings.ods` and
`01_<Month>_2026_SAF_quality_statements.csv`.

Nothing is REAL (no CQC file is in `../shared/samples`). MODELLED from nhs-formats-2.md §3: the URL folders and file
names; the workbook's sheets (`Read me`, `Locations`, `Providers`) and the Locations sheet's 28-column header and grain
(location x Service / Population Group x Domain); in September a notice block above the header (header on row 8) and
Publication Date as ODS date cells, in August the header on row 1 and dates as `dd/mm/yyyy` text; non-ratings
`Not Rated`, `Not applicable` and a blank; Brand `-`; one location with no ODS code (kept, not linked); {ungp} rows of a
care home and a dentist (left out by Location Type). Practices (A81001, A81002, A81004, A81005) are real ODS codes and
names of the mirror's ODS file; location ids, providers, ratings and dates are made up. The framework CSV is INVENTED
(CQC publishes no machine-readable framework): its 34 quality statements are the names nhs-formats-2.md §3a lists from a
third-party transcription.

CQC's API (`https://{API_HOST}/public/v1`, read instead of the workbook when `CQC_SUBSCRIPTION_KEY` is set; the key
goes in the `Ocp-Apim-Subscription-Key` header): MODELLED on CQC's public API documentation, not saved from it (no key
was available). `locations?page=N&perPage=500&primaryInspectionCategoryCode=P2` in {-(-len(LOCATIONS) // API_PAGE_SIZE)} pages of
{API_PAGE_SIZE} (`total`, `page`, `totalPages`, `locations` of `locationId`, `locationName`, `postalCode`), and
`locations/<locationId>` per location (`odsCode` absent for the location without one, `type`, `inspectionCategories`,
`currentRatings.overall` with `rating`, `reportDate` and `keyQuestionRatings`), the same {len(LOCATIONS)} locations and
ratings as the workbook's location-level (Overall) rows.
"""
    return {"hosts": [HOST, API_HOST], "files": files, "readme": readme}
