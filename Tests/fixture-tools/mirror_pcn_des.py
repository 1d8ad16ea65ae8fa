"""Publisher-mirror plug-in: MI Network Contract DES (NCDes), digital.nhs.uk series
`mi-network-contract-des` (read by make_publisher_mirror.py; see its main()).

Real: the 2024-25 indicator and ruleset metadata (NHS England's own NCD_metadata.csv, byte-exact
from ../shared/samples/pcn-des). Modelled: the monthly CSVs (no published NCDes CSV was
available): their header, date style and suppression token follow NHS England's publication
code (nhs-formats-2.md §2); practices are real ODS codes and names from the mirror's ODS and
practice-map files; indicators and measures are real 2024-25 ones; values are made up.
"""
import csv
import hashlib
import io

import publisher_data as pdata  # the main script puts this folder on sys.path

TITLE = "MI Network Contract DES"
PATH = "/data-and-information/publications/statistical/mi-network-contract-des"
HEADER = ["PRACTICE_CODE", "PRACTICE_NAME", "QUALITY_SERVICE", "ACH_DATE", "IND_CODE", "MEASURE", "VALUE"]
ZIP_TIME = (2024, 11, 14, 9, 30, 0)

# (code, name as the NCDes file gives it). A89017, A86004 and A85019 moved PCN on 1 April
# 2023 in the mirror's ODS memberships; A81633 is in the practice map but in no membership;
# Y99999 is in neither (NHS England fills its name UNALLOCATED); two names hold commas.
PRACTICES = [
    ("A81001", "THE DENSHAM SURGERY"),
    ("A81002", "QUEENS PARK MEDICAL CENTRE"),
    ("A81004", "ACKLAM MEDICAL CENTRE"),
    ("A81005", "SPRINGWOOD SURGERY"),
    ("A85019", "CENTRAL GATESHEAD MEDICAL GROUP"),
    ("A86004", "PROSPECT MEDICAL CENTRE"),
    ("A89015", "FULWELL MEDICAL CENTRE,"),
    ("A89017", "MILLFIELD MEDICAL GROUP"),
    ("B81004", "EASTGATE MEDICAL GROUP, HORNSEA"),
    ("A81633", "FOUNDATIONS -HARRIS STREET"),
    ("Y99999", "UNALLOCATED"),
]

# (indicator, measures as the file names them): real 2024-25 indicators; exclusion and PCA
# measures keep their short CQRS code, MI counts are `MI Count` (NHS England's amender.py).
INDICATORS = [
    ("CAN04", ["Numerator", "Denominator", "FAECIMMDEC"]),
    ("SMR01A", ["Numerator", "Denominator"]),
    ("EHCH01", ["Numerator", "Denominator"]),
    ("HI03", ["Numerator", "Denominator", "HLTHCHKDEC"]),
    ("VI01", ["Numerator", "Denominator"]),
    ("ACC09", ["Numerator", "Denominator"]),
    ("ES01", ["Numerator", "Denominator"]),
    ("HI21", ["MI Count"]),
]


def value(*key):
    return int(hashlib.sha256("/".join(key).encode()).hexdigest()[:6], 16)


def month_rows(ach_date, service, fix_ehch=False):
    """The rows of one month, sorted as NHS England sorts them (practice, indicator, measure)."""
    rows = []
    for code, name in PRACTICES:
        for ind, measures in INDICATORS:
            denominator = 20 + value(ach_date, code, ind) % 400
            numerator = value(ach_date, code, ind, "n") % (denominator + 1)
            for measure in measures:
                if measure == "Denominator":
                    v = denominator
                elif measure == "Numerator":
                    v = numerator
                else:
                    v = value(ach_date, code, ind, measure) % 6
                # EHCH01 zero-filled (the notice for April–September 2024), fixed in the v2 file.
                if ind == "EHCH01" and ach_date.endswith("2024") and not fix_ehch and measure == "Numerator":
                    v = 0
                rows.append([code, name, service, ach_date, ind, measure, str(v)])
    # Suppression (rule 2, one PCA): denominator below 2 with a PCA above 0 -> both `*`.
    for r in rows:
        if r[0] == "A81002" and r[4] == "CAN04" and r[5] in ("Denominator", "FAECIMMDEC"):
            r[6] = "*"
        if r[0] == "A85019" and r[4] == "HI03" and r[5] in ("Denominator", "HLTHCHKDEC"):
            r[6] = "*"
    return rows


def rulesets_of(metadata):
    """Indicator -> ruleset, from the real metadata (INDICATOR_ID is named twice: the first)."""
    rows = csv.reader(io.StringIO(metadata.decode("utf-8")))
    header = next(rows)
    ind, rule = header.index("INDICATOR_ID"), header.index("Ruleset")
    return {r[ind]: r[rule] for r in rows}


def by_ruleset_zip(stem, rows, rulesets, empty=()):
    """NCDes<Month><yy>_By_Ruleset.zip: one CSV per ruleset, named after it (spaces and & kept)."""
    groups = {}
    for r in rows:
        groups.setdefault(rulesets[r[4]], []).append(r)
    for name in empty:
        groups.setdefault(name, [])
    return pdata.zip_members([(f"{stem}_{name}.csv", csv_bytes(groups[name])) for name in sorted(groups)], ZIP_TIME)


def csv_bytes(rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def build(samples_root, m):
    metadata = (samples_root / "pcn-des" / "NCD_metadata_2024-25_midyear.csv").read_bytes()
    rulesets = rulesets_of(metadata)
    august = month_rows("31/08/2024", "NCD2425")
    march = csv_bytes(month_rows("31/03/2023", "NCD2223"))
    september = csv_bytes(month_rows("30/09/2024", "NCD2425"))
    september_v2 = csv_bytes(month_rows("30/09/2024", "NCD2425", fix_ehch=True))
    october = csv_bytes(month_rows("31/10/2024", "NCD2425", fix_ehch=True))

    series = m.Series(
        key="pcn-des", title=TITLE, path=PATH, info_types="Management information",
        frequency="Monthly",
        summary=("Monthly management information on the Network Contract Directed Enhanced Service (DES): "
                 "achievement of each GP practice against the DES indicators, collected through GPES."))

    def summary(month, year):
        return [f"This publication gives management information on the Network Contract DES for {month} {year}, "
                f"for each GP practice in England, by indicator and measure.",
                "Values are suppressed (*) where small numbers could identify patients. The data are "
                "management information and have not been quality assured."]

    def edition(slug, month, year, published, last_day, attachments, notice=None):
        number = m.MONTHS.index(month) + 1
        return m.Edition(slug=slug, title=f"{TITLE}, England, {month} {year}", published=published,
                         summary=summary(month, year),
                         date_range=f"{m.range_date(year, number, 1)} to {m.range_date(year, number, last_day)}",
                         attachments=attachments, notice=notice, last_edited=m.default_edited(published))

    series.editions = [
        edition("england-october-2024", "October", 2024, (2024, 12, 12), 31, [
            m.Attachment("NCDesOctober24.zip", "Network Contract DES, October 2024 (CSV)",
                         m.zip_single("NCDesOctober24.csv", october, ZIP_TIME)),
            m.Attachment("NCDesSeptember24_v2.zip", "Network Contract DES, September 2024, revised (CSV)",
                         m.zip_single("NCDesSeptember24.csv", september_v2, ZIP_TIME)),
            m.Attachment("NCD_metadata_2024-25.csv", "Network Contract DES metadata, 2024-25", metadata),
        ], notice=("September 2024 revised",
                   "EHCH01 was zero-filled from April to September 2024. The September 2024 file has been "
                   "re-issued with the corrected values.", "12 December 2024")),
        edition("england-september-2024", "September", 2024, (2024, 11, 14), 30, [
            m.Attachment("NCDesSeptember24.zip", "Network Contract DES, September 2024 (CSV)",
                         m.zip_single("NCDesSeptember24.csv", september, ZIP_TIME)),
            m.Attachment("NCDesSeptember24_By_Ruleset.zip", "Network Contract DES, September 2024, by ruleset (CSV)",
                         by_ruleset_zip("NCDesSeptember24", month_rows("30/09/2024", "NCD2425"), rulesets)),
        ]),
        edition("england-august-2024", "August", 2024, (2024, 10, 10), 31, [
            m.Attachment("NCDesAugust24_By_Ruleset.zip", "Network Contract DES, August 2024, by ruleset (CSV)",
                         by_ruleset_zip("NCDesAugust24", august, rulesets, empty=["Proactive Care"])),
        ]),
        edition("england-march-2023", "March", 2023, (2023, 5, 11), 31, [
            m.Attachment("NCDesMarch23.csv", "Network Contract DES, March 2023 (CSV)", march),
        ]),
    ]

    readme = f"""## MI Network Contract DES (NCDes) — `mirror_pcn_des` plug-in

Series `{PATH}`, four monthly editions (the newest first): October 2024 (`NCDesOctober24.zip`,
`NCDesSeptember24_v2.zip` re-issuing September, and the 2024-25 metadata `NCD_metadata_2024-25.csv`),
September 2024 (`NCDesSeptember24.zip` and `NCDesSeptember24_By_Ruleset.zip`), August 2024 (only
`NCDesAugust24_By_Ruleset.zip`) and March 2023 (`NCDesMarch23.csv`, unzipped).

- **Real:** `NCD_metadata_2024-25.csv` is NHS England's own 2024-25 mid-year `NCD_metadata.csv`
  (NHSDigital/ncdes, byte-exact; see `../shared/samples/pcn-des/PROVENANCE.md`): 302 rows, 66
  indicators in 11 rulesets, `INDICATOR_ID` twice in its header. Practice codes and names are real
  (the mirror's ODS and practice-map files); indicator codes and measures are real 2024-25 ones.
- **Modelled:** the monthly CSVs (no published NCDes CSV was available). Header
  `{",".join(HEADER)}`, ACH_DATE `dd/mm/yyyy`, LF, minimal quoting (names with commas quoted), as
  NHS England's publication code writes them; {len(PRACTICES)} practices × {sum(len(x[1]) for x in INDICATORS)}
  indicator-measures per month; values made up. Suppression `*` on a Denominator and its PCA
  (A81002 CAN04, A85019 HI03). EHCH01 numerators are zero in September 2024 and corrected in the
  v2 re-issue (the notice on the real June 2024 page describes that zero-fill); the file names,
  the edition slugs (`england-<month>-<yyyy>`) and the metadata's name on the page are modelled.
- **Modelled:** the by-ruleset zips: one `NCDes<Month><yy>_<Ruleset>.csv` per ruleset (the
  names as NHS England's `outputs.py` builds them, with spaces and `&`), each the month's rows of
  the indicators the real metadata files under that ruleset; August's `Proactive Care` entry holds
  the header only (no rows for its indicators). August has no single CSV (a modelled gap).
- Traps: A89017, A86004 and A85019 moved PCN on 1 April 2023 in the ODS memberships (March 2023
  takes the old PCN, 2024 the new); A81633 is in no membership and Y99999 (`UNALLOCATED`) is in
  no ODS file; no metadata for 2022-23 (March 2023 takes the rulesets of 2024-25).
"""
    return {"series": [series], "readme": readme}
