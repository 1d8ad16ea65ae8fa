"""GP Contract Services (gp-contract) for the offline publisher mirror: a plug-in of
make_publisher_mirror.py (see the comment in its main()).

Two edition pages of the series `gp-contract-services`:

  2023-24  Core_GP_Contract_2324_csv_files.zip   the year's cumulative zip, re-issued with
                                                 underscores: Q1 (REAL, byte-identical to the
                                                 600-row sample, dd/mm/yyyy dates) and Q2
                                                 (MODELLED, ISO dates, `*` suppression, names
                                                 with commas)
           Seasonal influenza 2023-24.csv        MODELLED vaccination file, no MEASURE_TYPE
  2025-26  Core GP Contract Q1 2025-26.csv v2    MODELLED re-issue (22 Jul 2025 notice:
                                                 CGPCMI01 April counts corrected)
           CGPCMI01 Unpaid Carers Q1 2025-26.csv v2   MODELLED carers breakdowns (same notice)

Stored but linked from no page (the states before the re-issues, for the tests that replay
them): `Core GP Contract_2324 csv files.zip` (Q1 only, the first issue of the year's zip),
`Core GP Contract Q1 2025-26.csv` and `CGPCMI01 Unpaid Carers Q1 2025-26.csv` (the v1 files).
Deterministic: no randomness, fixed zip timestamps.
"""

import csv
import io
from pathlib import Path

SAMPLE = "gp-contract/Core_GP_Contract_Q1_2023-24_first600rows_RECONSTRUCTED.csv"
PATH = "/data-and-information/publications/statistical/gp-contract-services"
TITLE = "GP Contract Services"
ZIP_TIME = (2023, 11, 9, 9, 30, 0)
HEADER = ["QUALITY_SERVICE", "PRACTICE_CODE", "PRACTICE_NAME", "ACH_DATE", "IND_CODE", "MEASURE", "MEASURE_TYPE", "VALUE"]
# Real practices of the ODS fixture whose real names hold commas (nhs-formats-2.md §1 trap).
COMMA_PRACTICES = [("A89015", "FULWELL MEDICAL CENTRE,"), ("B85009", "NORTH ROAD SUITE,RAVENSTHORPE HEALTH CTR")]


def csv_bytes(rows, terminator="\n"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=terminator)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def real_rows(samples_root):
    data = (samples_root / SAMPLE).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == HEADER, rows[0]
    return data, rows[1:]


def pairs_and_values(rows):
    """The (IND_CODE, MEASURE, MEASURE_TYPE) grid in file order, and each practice's June values."""
    pairs, june = [], {}
    for r in rows:
        key = (r[4], r[5], r[6])
        if r[1] == "A81001" and r[3] == "30/04/2023":
            pairs.append(key)
        if r[3] == "30/06/2023":
            june[(r[1], key)] = int(r[7])
    return pairs, june


def practices(rows):
    seen = []
    for r in rows:
        if (r[1], r[2]) not in seen:
            seen.append((r[1], r[2]))
    return seen


def core_quarter(rows, service, dates, practice_list, bump, suppress=()):
    """A modelled Core GP Contract quarter: the real grid and practices, June's real values
    moved by a deterministic step per month, plus the two comma-named practices (A81001's
    values halved). `suppress`: (practice, month index) pairs whose CCDCMI37 Denominator and
    PCA become `*` (suppression rule 2: Denominator < 2 and PCA > 0)."""
    pairs, june = pairs_and_values(rows)
    out = [HEADER]
    for code, name in practice_list:
        for m, date in enumerate(dates):
            for i, (ind, measure, mtype) in enumerate(pairs):
                base = june.get((code, (ind, measure, mtype)))
                if base is None:
                    base = june[("A81001", (ind, measure, mtype))] // 2
                value = str(base + bump(code, m, i))
                if (code, m) in suppress and ind == "CCDCMI37" and mtype in ("Denominator", "PCA"):
                    value = "*"
                out.append([service, code, name, date, ind, measure, mtype, value])
    return out


def build(samples_root, m):
    q1_data, rows = real_rows(samples_root)
    full = [p for p in practices(rows) if p[0] != "A81009"]        # A81009 is cut short in the sample
    modelled_practices = full + COMMA_PRACTICES

    # 2023-24 Q2: ISO dates (the analyst code compares Q2-Q4 with ISO strings).
    q2 = core_quarter(rows, "Core GP Contract 2023-24", ["2023-07-31", "2023-08-31", "2023-09-30"], modelled_practices,
                      bump=lambda code, mo, i: (mo + 1) * (i % 3), suppress={("A81004", 1), ("A89015", 2)})
    q2_data = csv_bytes(q2, "\r\n")
    q1_name, q2_name = "Core GP Contract Q1 2023-24.csv", "Core GP Contract Q2 2023-24.csv"
    first_zip = m.pdata.zip_members([(q1_name, q1_data)], (2023, 8, 10, 9, 30, 0))
    year_zip = m.pdata.zip_members([(q1_name, q1_data), (q2_name, q2_data)], ZIP_TIME)

    flu = [["PRACTICE_CODE", "PRACTICE_NAME", "QUALITY_SERVICE", "ACH_DATE", "IND_CODE", "MEASURE", "VALUE"]]
    for n, (code, name) in enumerate(modelled_practices):
        for ind, base in (("SFLMI01", 700), ("SFLMI02", 300)):
            denominator = base + 37 * n
            flu.append([code, name, "Seasonal Influenza 2023-24", "31/03/2024", ind, "Denominator", str(denominator)])
            flu.append([code, name, "Seasonal Influenza 2023-24", "31/03/2024", ind, "Numerator",
                        "*" if (code, ind) == ("A81005", "SFLMI02") else str(denominator * 3 // 4)])
    flu_data = csv_bytes(flu, "\r\n")

    # 2025-26 Q1: v1 double-counted CGPCMI01 in April; v2 (22 Jul 2025) has the corrected counts.
    def q1_2526(v1):
        def bump(code, mo, i):
            return 0
        out = core_quarter(rows, "Core GP Contract 2025-26", ["2025-04-30", "2025-05-31", "2025-06-30"], modelled_practices, bump,
                           suppress={("A81002", 0)})
        if v1:
            for r in out[1:]:
                if r[4] == "CGPCMI01" and r[3] == "2025-04-30":
                    r[7] = str(int(r[7]) * 2)
        return csv_bytes(out)
    core_v1, core_v2 = q1_2526(True), q1_2526(False)
    carers_v1, carers_v2 = carers_file(modelled_practices, True), carers_file(modelled_practices, False)

    series = m.Series(
        key="gp-contract", title=TITLE, path=PATH, info_types="Management information",
        frequency="Quarterly",
        summary="Management information on the services GP practices provide under the GP contract, by practice.")

    def summary(fy):
        return [f"This publication gives management information for {fy} on the Core GP Contract and the vaccination "
                "and immunisation programmes, by GP practice, collected through the Calculating Quality Reporting "
                "Service (CQRS) and the General Practice Extraction Service (GPES).",
                "These data are management information and have not been quality checked. Files are added as each "
                "service's reporting period ends."]

    series.editions = [
        m.Edition(slug="2025-26", title=f"{TITLE} - England, 2025-26", published=(2025, 7, 10), summary=summary("2025-26"),
                  date_range=f"{m.range_date(2025, 4, 1)} to {m.range_date(2026, 3, 31)}",
                  attachments=[m.Attachment("Core GP Contract Q1 2025-26.csv v2", "Core GP Contract Q1 2025-26.csv v2", core_v2),
                               m.Attachment("CGPCMI01 Unpaid Carers Q1 2025-26.csv v2", "CGPCMI01 Unpaid Carers Q1 2025-26.csv v2",
                                            carers_v2)],
                  notice=("Revised files",
                          "22 July 2025: the CGPCMI01 (unpaid carers) counts for April 2025 were double counted. Corrected files "
                          "have been published as Core GP Contract Q1 2025-26.csv v2 and CGPCMI01 Unpaid Carers Q1 2025-26.csv v2.",
                          "22 July 2025 10:00 AM"),
                  last_edited="22 July 2025 10:01 am"),
        m.Edition(slug="2023-24", title=f"{TITLE} - England, 2023-24", published=(2023, 11, 9), summary=summary("2023-24"),
                  date_range=f"{m.range_date(2023, 4, 1)} to {m.range_date(2024, 3, 31)}",
                  attachments=[m.Attachment("Core_GP_Contract_2324_csv_files.zip", "Core GP Contract 2023-24 csv files", year_zip),
                               m.Attachment("Seasonal influenza 2023-24.csv", "Seasonal influenza 2023-24", flu_data)],
                  last_edited=m.default_edited((2023, 11, 9))),
    ]

    unlinked = []
    for name, data in (("Core GP Contract_2324 csv files.zip", first_zip), ("Core GP Contract Q1 2025-26.csv", core_v1),
                       ("CGPCMI01 Unpaid Carers Q1 2025-26.csv", carers_v1)):
        _, rel = m.file_url(name, data)
        unlinked.append((rel, data))

    readme = f"""## GP Contract Services (gp-contract)

Series page `{PATH}` with two edition pages (one per financial year, as the publisher has them):

- `2023-24`: `Core_GP_Contract_2324_csv_files.zip`, the year's cumulative zip re-issued with
  underscores for spaces, holding `{q1_name}` (**REAL**: byte-identical to
  `samples/{SAMPLE}`, 600 rows of the published Q1 file, `dd/mm/yyyy` dates) and `{q2_name}`
  (**MODELLED**: the real indicator/measure grid and practices, values moved from the real June
  values, ISO dates, CRLF, `*` on CCDCMI37 Denominator and PCA for two practice-months, and two
  real ODS practices whose real names hold commas: {", ".join(f"{c} `{n}`" for c, n in COMMA_PRACTICES)}).
  `Seasonal influenza 2023-24.csv` is **MODELLED** (a vaccination programme file in the NCDes
  column order without MEASURE_TYPE, one `*`; its layout and indicator codes are not verified).
- `2025-26`: `Core GP Contract Q1 2025-26.csv v2` and `CGPCMI01 Unpaid Carers Q1 2025-26.csv v2`,
  **MODELLED** re-issues (the page's notice is modelled on the real 22 July 2025 one): the Core
  file is the real Q1 grid relabelled to 2025-26 with ISO dates; the carers file's header (sex,
  age band, ethnicity; practice and sub-ICB rows) is **MODELLED** — no real header was found.

Stored but linked from no page (the states before the re-issues, which tests put back on the
page): `Core GP Contract_2324 csv files.zip` (Q1 only), `Core GP Contract Q1 2025-26.csv` and
`CGPCMI01 Unpaid Carers Q1 2025-26.csv` (v1: April's CGPCMI01 counts doubled). No indicator
metadata file or practice geography file is published (nhs-formats-2.md §1): geography comes
from the ODS fixture.
"""
    return {"series": [series], "files": unlinked, "readme": readme}


CARERS_HEADER = ["QUALITY_SERVICE", "ACH_DATE", "ORG_TYPE", "ORG_CODE", "ORG_NAME", "SUB_ICB_CODE", "SUB_ICB_NAME",
                 "IND_CODE", "SEX", "AGE_BAND", "ETHNICITY", "VALUE"]
SUB_ICBS = {"A81": ("16C", "NHS TEES VALLEY ICB - 16C"), "A89": ("00P", "NHS NORTH EAST AND NORTH CUMBRIA ICB - 00P"),
            "B85": ("X2C4Y", "NHS WEST YORKSHIRE ICB - X2C4Y")}


def carers_file(practice_list, v1):
    """MODELLED `CGPCMI01 Unpaid Carers Qn yyyy-yy.csv`: patients recorded as unpaid carers per
    practice and per sub-ICB location, by sex, by age band and by ethnic group (each breakdown
    on its own rows, the others `All`), ACH_DATE ISO."""
    sexes, ages, groups = ["Female", "Male"], ["0-17", "18-64", "65+"], ["White", "Asian", "Black", "Mixed", "Other", "Unknown"]
    out = [CARERS_HEADER]
    dates = ["2025-04-30", "2025-05-31", "2025-06-30"]
    totals = {}
    for m_, date in enumerate(dates):
        for n, (code, name) in enumerate(practice_list):
            sub, sub_name = SUB_ICBS[code[:3]]
            base = 40 + 13 * n + 5 * m_
            if v1 and date == "2025-04-30":
                base *= 2
            cells = [("All", "All", "All", base)]
            cells += [(s, "All", "All", base // 2 + k) for k, s in enumerate(sexes)]
            cells += [("All", a, "All", base // 3 + k) for k, a in enumerate(ages)]
            cells += [("All", "All", g, (base // 6 + k) if k != 4 or n % 2 else "*") for k, g in enumerate(groups)]
            for sex, age, group, value in cells:
                out.append(["Core GP Contract 2025-26", date, "Practice", code, name, sub, sub_name, "CGPCMI01", sex, age, group, str(value)])
                if value != "*":
                    key = (date, sub, sub_name, sex, age, group)
                    totals[key] = totals.get(key, 0) + value
        for (d, sub, sub_name, sex, age, group), value in sorted(totals.items()):
            if d == date:
                out.append(["Core GP Contract 2025-26", date, "Sub ICB", sub, sub_name, sub, sub_name, "CGPCMI01", sex, age, group, str(value)])
    return csv_bytes(out)
