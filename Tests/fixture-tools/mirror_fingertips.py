"""OHID Fingertips (fingertips) for the offline publisher mirror: a plug-in of
make_publisher_mirror.py (see the comment in its main()).

The API answers are stored under the API host, a query string as one more path segment:

  fingertips.phe.org.uk/api/indicator_metadata/by_profile_id/profile_id=20
      the index: indicator metadata of profile 20 (National General Practice Profiles), a JSON
      object keyed by indicator id, each with DataChange.LastUploadedAt (MODELLED)
  fingertips.phe.org.uk/api/all_data/csv/by_indicator_id/indicator_ids=<id>&child_area_type_id=7&parent_area_type_id=15
      one data CSV per indicator:
        93553  Deprivation score (IMD 2019): REAL lines (header, both England rows and the first
               GP_ROWS practices of the real sample, byte-exact, CRLF)
        90640  MODELLED financial years (2021/22, 2022/23) with 95.0 and 99.8 limits, counts,
               denominators and one blank value with its Value note
        92590  MODELLED quarters (2022/23 Q1 .. Q4), Male and Female rows
Deterministic: values are computed from the practice's position, no randomness, no clock.
"""

import csv
import io
import json

SAMPLE = "fingertips/fingertips_indicator-data_93553_ati7_2022-07.csv"
HOST = "fingertips.phe.org.uk"
GP_ROWS = 60
INDEX = f"{HOST}/api/indicator_metadata/by_profile_id/profile_id=20"


def data_rel(iid):
    return f"{HOST}/api/all_data/csv/by_indicator_id/indicator_ids={iid}&child_area_type_id=7&parent_area_type_id=15"


def modelled_rows(header, practices, iid, name, periods, sexes, sortable, blank=None):
    """Rows in the real column order: England twice (no parent, then its own parent), then each
    practice; blank = (practice, period) whose value is not published."""
    lines = [header]

    def row(parent, code, area_name, area_type, sex, period, k):
        denominator = 1000 + 37 * k
        count = 50 + (k * 13) % 400
        value = round(100.0 * count / denominator, 4)
        note = ""
        fields = [str(iid), name, parent[0], parent[1], code, area_name, area_type, sex, "18+ yrs", "", "", period,
                  f"{value}", f"{round(value * 0.9, 4)}", f"{round(value * 1.1, 4)}", f"{round(value * 0.85, 4)}",
                  f"{round(value * 1.15, 4)}", str(count), str(denominator), note, "No significant change",
                  "Similar" if k % 3 else "Higher", "Not compared", sortable[period], "", "", "1y" if "Q" not in period else "3m"]
        if blank and (code, period) in blank:
            fields[12:19] = ["", "", "", "", "", "", ""]
            fields[19] = "Value suppressed for disclosure control due to small count"
            fields[21] = "Not compared"
        return fields

    for period in periods:
        for s, sex in enumerate(sexes):
            lines.append(row(("", ""), "E92000001", "England", "England", sex, period, 999 + s))
            lines.append(row(("E92000001", "England"), "E92000001", "England", "England", sex, period, 999 + s))
            for k, (code, area_name) in enumerate(practices):
                lines.append(row(("E92000001", "England"), code, area_name, "GP", sex, period, k + 7 * periods.index(period) + s))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(lines)
    return buf.getvalue().encode("utf-8")


def build(samples_root, m):
    real = (samples_root / SAMPLE).read_bytes().split(b"\r\n")
    header = real[0].decode("ascii").split(",")
    kept = real[:3 + GP_ROWS]  # header, the England row twice, the first practices
    imd = b"\r\n".join(kept) + b"\r\n"
    practices = []
    for r in csv.reader([line.decode("utf-8") for line in kept[3:]]):
        practices.append((r[4], r[5]))
    fy = modelled_rows(header, practices, 90640, "Smoking prevalence in adults (15+), recorded (modelled)",
                       ["2021/22", "2022/23"], ["Persons"], {"2021/22": "20210000", "2022/23": "20220000"},
                       blank={(practices[4][0], "2022/23")})
    quarters = ["2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4"]
    qr = modelled_rows(header, practices[:20], 92590, "Patients seen within two weeks (modelled)", quarters, ["Male", "Female"],
                       {q: f"2022{i:02d}00" for i, q in enumerate(quarters, 1)})
    index = {
        "93553": {"IID": 93553, "Descriptive": {"Name": "Deprivation score (IMD 2019)"},
                  "DataChange": {"LastUploadedAt": "2022-07-05T10:14:00", "LastUploadedBy": "modelled"}},
        "90640": {"IID": 90640, "Descriptive": {"Name": "Smoking prevalence in adults (15+), recorded (modelled)"},
                  "DataChange": {"LastUploadedAt": "2023-11-07T09:30:00", "LastUploadedBy": "modelled"}},
        "92590": {"IID": 92590, "Descriptive": {"Name": "Patients seen within two weeks (modelled)"},
                  "DataChange": {"LastUploadedAt": "2023-06-06T09:30:00", "LastUploadedBy": "modelled"}},
    }
    files = [
        (INDEX, json.dumps(index, indent=1, sort_keys=False).encode("utf-8")),
        (data_rel(93553), imd),
        (data_rel(90640), fy),
        (data_rel(92590), qr),
    ]
    listing = "\n".join(f"  - `{rel}` ({len(data):,} bytes)" for rel, data in files)
    readme = f"""## OHID Fingertips — `mirror_fingertips` plug-in

API host `{HOST}` (no pages: the index and the data are API answers, a query string stored as one
more path segment):
{listing}

- The index is `indicator_metadata/by_profile_id?profile_id=20` (National General Practice
  Profiles): a JSON object keyed by indicator id; each item's `DataChange.LastUploadedAt` is its
  change marker. **Modelled** (shape as fingertipsR reads it; the three items only).
- **Real:** indicator 93553 (Deprivation score (IMD 2019)): the real data CSV's header, both England
  rows (once without a parent, once with England as its parent) and its first {GP_ROWS} practice
  lines, byte-exact (CRLF, names with commas quoted); see `../shared/samples/fingertips/PROVENANCE.md`.
- **Modelled:** 90640 (financial years `2021/22`, `2022/23`, 95.0 and 99.8 limits, counts and
  denominators; {practices[4][0]}'s 2022/23 value blank with its Value note) and 92590 (quarters
  `2022/23 Q1` .. `Q4`, Male and Female rows, {20} practices), in the real 27-column order with the
  comparison column `Compared to England value or percentiles`; values made up.
"""
    return {"files": files, "hosts": [HOST], "readme": readme}
