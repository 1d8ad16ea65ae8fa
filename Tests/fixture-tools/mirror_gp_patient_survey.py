"""Publisher-mirror plug-in: GP Patient Survey practice results (read by make_publisher_mirror.py;
see its main()). The survey has its own site (www.gp-patient.co.uk), not digital.nhs.uk: one
download page, `SurveysAndReports`, linking every year's files under `/downloads/<yyyy>/`.

Real: the practices (codes, names, CCG / sub-ICB, STP / ICB and region codes and names) come
from the real January 2022 practice map (../shared/samples/registrations).
Modelled (no real GP Patient Survey file was available, nhs-formats.md §6): the download page,
every CSV and every value. Headers follow the documented layouts: 2017–2023 `Practice_Code,
Practice_Name, CCG_Code, CCG_Name, [ICS_Code, ICS_Name in 2022–23,] STP_Code, STP_Name, CR_Code,
CR_Name, distributed, received, resprate, Q…base, Q…_12, Q…_12pct`, question numbers moving between
years (trust Q22 in 2017, Q89 later); 2024 on `ad_practicecode, ad_practicename, received,
overallexp.pcteval, …` (dots inside names); the 2024 `ad_icbcode, ad_icbname, ad_regioncode,
ad_regionname` columns are modelled names. Percentages are fractions 0–1; suppressed results are
negative sentinels (-99, -97).
"""
import csv
import hashlib
import io

HOST = "www.gp-patient.co.uk"
PAGE = f"{HOST}/SurveysAndReports/index.html"
PRACTICES = 12

OLD_QUESTIONS = {
    2021: ["Q28", "Q89", "Q90"],
    2023: ["Q28", "Q89", "Q91"],
}
NEW_MEASURES = ["overallexp.pcteval", "overallexp_1.pct", "overallexp_2.pct", "overallexp.baseevalw",
                "gpcontactoverall.pcteval", "localgpservicesprefhpsee.pcteval", "lastgpapptwait_2.pct", "dv_ethnicityband_1.pct"]


def number(*key):
    return int(hashlib.sha256("/".join(map(str, key)).encode()).hexdigest()[:8], 16)


def practices(samples_root):
    with open(samples_root / "registrations" / "gp-reg-pat-prac-map_2022-01.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    return rows[:PRACTICES]


def csv_bytes(header, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def old_file(year, prac):
    questions = OLD_QUESTIONS[year]
    ics = year >= 2022
    header = ["Practice_Code", "Practice_Name", "CCG_Code", "CCG_Name"] + (["ICS_Code", "ICS_Name"] if ics else []) \
        + ["STP_Code", "STP_Name", "CR_Code", "CR_Name", "distributed", "received", "resprate"]
    for q in questions:
        header += [f"{q}base", f"{q}_12", f"{q}_12pct"]
    rows = []
    for i, p in enumerate(prac):
        distributed = 250 + number(year, p["PRACTICE_CODE"]) % 300
        received = distributed * (20 + number(year, p["PRACTICE_CODE"], "r") % 30) // 100
        row = [p["PRACTICE_CODE"], p["PRACTICE_NAME"], p["CCG_CODE"], p["CCG_NAME"]]
        if ics:
            row += [p["STP_CODE"], p["STP_NAME"]]
        row += [p["STP_CODE"], p["STP_NAME"], p["COMM_REGION_CODE"], p["COMM_REGION_NAME"],
                str(distributed), str(received), f"{received / distributed:.6f}"]
        for q in questions:
            base = received - number(year, p["PRACTICE_CODE"], q) % 10
            yes = base * (50 + number(year, p["PRACTICE_CODE"], q, "y") % 50) // 100
            if i == 3 and q == questions[-1]:
                # Fewer than 10 respondents to this question: base kept, result suppressed.
                row += ["8", "-99", "-99"]
            else:
                row += [str(base), str(yes), f"{yes / base:.6f}"]
        rows.append(row)
    return csv_bytes(header, rows)


def new_file(year, prac):
    header = ["ad_practicecode", "ad_practicename", "ad_icbcode", "ad_icbname", "ad_regioncode", "ad_regionname",
              "distributed", "received", "resprate"] + NEW_MEASURES
    rows = []
    for i, p in enumerate(prac):
        distributed = 300 + number(year, p["PRACTICE_CODE"]) % 300
        received = distributed * (20 + number(year, p["PRACTICE_CODE"], "r") % 30) // 100
        row = [p["PRACTICE_CODE"], p["PRACTICE_NAME"], p["STP_CODE"], p["STP_NAME"], p["COMM_REGION_CODE"], p["COMM_REGION_NAME"],
               str(distributed), str(received), f"{received / distributed:.6f}"]
        for m in NEW_MEASURES:
            if m.endswith("baseevalw"):
                row.append(f"{received * 0.93 + number(year, m, i) % 7:.4f}")
            elif i == 5 and m.startswith("dv_"):
                row.append("-97")     # not applicable / suppressed small count
            elif i == 7 and m.startswith("lastgpappt"):
                row.append("-99")
            else:
                row.append(f"{(number(year, p['PRACTICE_CODE'], m) % 1000) / 1000:.6f}")
        rows.append(row)
    return csv_bytes(header, rows)


def name(year, weighted=True):
    return f"GPPS_{year}_Practice_data_({'weighted' if weighted else 'unweighted'})_(csv)_PUBLIC.csv"


def page(links):
    items = "\n".join(f'      <li><a href="{href}">{text}</a></li>' for href, text in links)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Surveys and reports - GP Patient Survey</title></head>
<body>
  <h1>Surveys and reports</h1>
  <p>Practice data for each survey year. Results from 2024 use the new questionnaire and are not comparable with earlier years.</p>
  <ul>
{items}
  </ul>
  <a href="/about">About the survey</a>
</body></html>
""".encode("utf-8")


def build(samples_root, m):
    prac = practices(samples_root)
    files, links = [], []
    for year in (2026, 2025, 2024):
        data = new_file(year, prac)
        files.append((f"{HOST}/downloads/{year}/{name(year)}", data))
        links.append((f"/downloads/{year}/{name(year)}", f"{year} Practice data (weighted) (.csv)"))
        links.append((f"/downloads/{year}/GPPS_{year}_Technical_Annex_PUBLIC.pdf", f"{year} Technical annex (.pdf)"))
    for year in (2023, 2021):
        data = old_file(year, prac)
        files.append((f"{HOST}/downloads/archive/{name(year)}", data))
        links.append((f"https://{HOST}/downloads/archive/{name(year)}", f"{year} Practice data (weighted) (.csv)"))
        unweighted = data  # the unweighted variant: same layout; listed, not read
        files.append((f"{HOST}/downloads/archive/{name(year, False)}", unweighted))
        links.append((f"https://{HOST}/downloads/archive/{name(year, False)}", f"{year} Practice data (unweighted) (.csv)"))
    files.append((PAGE, page(links)))
    for year in (2026, 2025, 2024):
        files.append((f"{HOST}/downloads/{year}/GPPS_{year}_Technical_Annex_PUBLIC.pdf", m.placeholder_pdf(f"GPPS {year} technical annex")))
    readme = f"""## GP Patient Survey (`gp-patient-survey`, www.gp-patient.co.uk)

- Download page `https://{HOST}/SurveysAndReports` -> `{PAGE}` (MODELLED: links per survey year, 2024 on under
  `/downloads/<yyyy>/`, earlier years under `/downloads/archive/`, a technical annex and the unweighted variants left out).
- Weighted practice CSVs for 2021 and 2023 (the 2017–2023 layout; 2023 with ICS_Code/ICS_Name) and 2024, 2025, 2026 (the 2024
  questionnaire's `ad_` columns and dotted names). **MODELLED**: no real GP Patient Survey file was available; headers follow
  nhs-formats.md §6, values are made up, suppressed results are the negative sentinels -99 and -97.
- **REAL**: the {PRACTICES} practices' codes, names, CCG, STP and region codes and names (first rows of the real January 2022
  practice map, ../shared/samples/registrations).
"""
    return {"files": files, "hosts": [HOST], "readme": readme}
