#!/usr/bin/env python3
"""Check the offline publisher mirror built by make_publisher_mirror.py.

    python3 Tests/fixture-tools/check_publisher_mirror.py [--mirror DIR] [--samples-root DIR]

Checks (prints a summary, exits 1 on the first failed assertion):
  * every edition page's download links resolve (percent-decoded) to a file in the mirror, and
    every series page links to its editions;
  * every zip opens with zipfile (testzip) and passes `unzip -t` (when unzip is installed);
  * every CSV, on disk or inside a zip, parses with the csv module and every row has the
    header's field count (27/12/11 fields for the headerless ODS reports);
  * appointments: exact header, CRLF, no duplicate (practice, dimensions) key per month, 60-150
    positive combinations per practice-month, practices contiguous and sorted, the October
    split files partition the practices by region, the August files are identical, the
    restated September differs from the original in COUNT_OF_APPOINTMENTS only, for exactly 3
    practices;
  * QOF: numerator <= denominator, points <= the indicator's point value, registers <= list
    size and equal between ACHIEVEMENT and PREVALENCE, the national file equals the regional
    rows without the region columns;
  * payments: bytes equal the samples; ODS: epraccur equals the sample except fields 13 and 26,
    every field quoted, CRLF; memberships sorted by PCN with the movers' rows not adjacent.
Standard library only.
"""

import argparse
import csv
import html.parser
import io
import shutil
import subprocess
import sys
import urllib.parse
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import publisher_data as pdata  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
STAT = "digital.nhs.uk/data-and-information/publications/statistical"
ODS_DIR = "www.odsdatasearchandexport.nhs.uk/api/getReport"
report = []


def note(msg):
    report.append(msg)
    print(msg)


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href", ""))


def parse_csv(data, name, header_fields=None):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Some publishers' files are Windows-1252 (the real PCN workforce individual CSV).
        text = data.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    width = header_fields or len(rows[0])
    bad = [i for i, r in enumerate(rows) if len(r) != width]
    assert not bad, f"{name}: rows with wrong field count: {bad[:5]}"
    return rows


def check_crlf(data, name):
    assert data.endswith(b"\r\n"), name
    assert data.count(b"\n") == data.count(b"\r\n"), f"{name}: not all CRLF"
    assert not data.startswith(b"\xef\xbb\xbf"), f"{name}: BOM"


def open_zip(path):
    zf = zipfile.ZipFile(path)
    assert zf.testzip() is None, path
    if shutil.which("unzip"):
        r = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
        assert r.returncode == 0 and "No errors detected" in r.stdout, r.stdout + r.stderr
    return zf


def check_pages(mirror):
    files = 0
    for series_index in sorted((mirror / STAT).glob("*/index.html")):
        series_dir = series_index.parent
        p = Links()
        p.feed(series_index.read_text("utf-8"))
        editions = [h for h in p.hrefs if h.startswith("/data-and-information/") and h.count("/") == 5]
        assert editions, series_index
        for href in editions:
            page = mirror / ("digital.nhs.uk" + href) / "index.html"
            assert page.is_file(), page
            text = page.read_text("utf-8")
            assert "Publication Date:" in text and 'data-uipath="ps.publication.resources-attachments"' in text
            q = Links()
            q.feed(text)
            for h in q.hrefs:
                if h.startswith("https://files.digital.nhs.uk/"):
                    u = urllib.parse.urlsplit(h)
                    f = mirror / u.netloc / urllib.parse.unquote(u.path).lstrip("/")
                    assert f.is_file(), f
                    files += 1
        note(f"pages: {series_dir.name}: {len(editions)} editions linked and present")
    note(f"pages: {files} download links resolve to files")


def check_all_csvs_and_zips(mirror):
    n_zip = n_csv = 0
    for f in sorted(mirror.rglob("*")):
        if f.suffix == ".zip" and f.is_file():
            zf = open_zip(f)
            n_zip += 1
            for name in zf.namelist():
                if name.lower().endswith(".csv"):
                    parse_csv(zf.read(name), f"{f.name}:{name}")
                    n_csv += 1
        elif f.suffix == ".csv":
            parse_csv(f.read_bytes(), f.name)
            n_csv += 1
    note(f"zips: {n_zip} open with zipfile and pass unzip -t; csv: {n_csv} parse with consistent widths")


def find(mirror, name):
    hits = list((mirror / "files.digital.nhs.uk").glob(f"*/*/{name}"))
    assert len(hits) == 1, (name, hits)
    return hits[0]


def gpad_by_practice(rows):
    out = defaultdict(list)
    order = []
    for r in rows[1:]:
        if not order or order[-1] != r[1]:
            assert r[1] not in out, f"practice {r[1]} not contiguous"
            order.append(r[1])
        out[r[1]].append(r)
    assert order == sorted(order), "practices not sorted"
    return out


def check_appointments(mirror):
    sep = open_zip(find(mirror, "Practice_Level_Crosstab_Sep_25.zip"))
    oct_ = open_zip(find(mirror, "Practice_Level_Crosstab_Oct_25.zip"))
    domains = [set(v for v, _ in d) for d in pdata.DIMENSIONS]
    mapping = {}
    for zf, zname in ((sep, "Sep"), (oct_, "Oct")):
        m = zf.read("Mapping.csv")
        check_crlf(m, "Mapping.csv")
        rows = parse_csv(m, "Mapping.csv")
        assert rows[0] == pdata.GPAD_MAPPING_HEADER
        mapping[zname] = {r[0]: r for r in rows[1:]}
        for name in zf.namelist():
            if name == "Mapping.csv":
                continue
            data = zf.read(name)
            check_crlf(data, name)
            rows = parse_csv(data, name)
            assert rows[0] == pdata.GPAD_HEADER, name
            month_tok = name.rsplit("_", 2)[-2:]
            want = f"01{month_tok[0].upper()}20{month_tok[1][:2]}"
            seen = set()
            per = Counter()
            blanks = 0
            for r in rows[1:]:
                assert r[0] == want, (name, r[0])
                key = (r[1],) + tuple(r[8:12]) + (r[13],)
                assert key not in seen, (name, key)
                seen.add(key)
                for dom, v in zip(domains, (r[8], r[9], r[10], r[11], r[13])):
                    assert v in dom, (name, v)
                if r[12] == "":
                    blanks += 1
                else:
                    assert int(r[12]) > 0
                    per[r[1]] += 1
            assert all(60 <= n <= 150 for n in per.values()), (name, min(per.values()), max(per.values()))
            gpad_by_practice(rows)
            note(f"appointments: {zname} zip {name}: {len(rows) - 1} rows, {len(per)} practices, "
                 f"{min(per.values())}-{max(per.values())} positive combinations per practice, {blanks} blank counts")
    assert mapping["Sep"] == mapping["Oct"]
    practices = set(mapping["Oct"])
    assert sep.read("Practice_Level_Crosstab_Aug_25.csv") == oct_.read("Practice_Level_Crosstab_Aug_25.csv")
    note("appointments: Aug files byte-identical")
    a = gpad_by_practice(parse_csv(sep.read("Practice_Level_Crosstab_Sep_25.csv"), "sep"))
    b = gpad_by_practice(parse_csv(oct_.read("Practice_Level_Crosstab_Sep_25.csv"), "sep-v2"))
    assert set(a) == set(b) == practices
    changed = []
    for code in sorted(a):
        if a[code] != b[code]:
            assert len(a[code]) == len(b[code])
            for x, y in zip(a[code], b[code]):
                assert x[:12] == y[:12] and x[13] == y[13], (code, x, y)
            changed.append((code, sum(x[12] != y[12] for x, y in zip(a[code], b[code]))))
    assert len(changed) == 3, changed
    note(f"appointments: restated Sep differs only in COUNT_OF_APPOINTMENTS for {changed}")
    south = gpad_by_practice(parse_csv(oct_.read("Practice_Level_Crosstab_London_East_South_Oct_25.csv"), "s"))
    north = gpad_by_practice(parse_csv(oct_.read("Practice_Level_Crosstab_Midlands_North_Oct_25.csv"), "n"))
    assert not set(south) & set(north) and set(south) | set(north) == practices
    for code in south:
        assert mapping["Oct"][code][10] in pdata.GPAD_REGIONS_SOUTH
    for code in north:
        assert mapping["Oct"][code][10] not in pdata.GPAD_REGIONS_SOUTH
    note(f"appointments: Oct split partitions {len(practices)} practices "
         f"({len(south)} London_East_South: {sorted(Counter(mapping['Oct'][c][10] for c in south).items())}; "
         f"{len(north)} Midlands_North: {sorted(Counter(mapping['Oct'][c][10] for c in north).items())})")
    commas = [r for r in mapping["Oct"].values() if any("," in f for f in r)]
    assert commas
    note(f"appointments: {len(commas)} practices with a comma in a name field")


def check_qof(mirror):
    for zip_name, token in (("QOF2324.zip", "2324"), ("QOF 2022-23 Raw data .csv files.zip", "2223"),
                            ("QOF_1920.zip", "1920")):
        zf = open_zip(find(mirror, zip_name))
        members = {n: zf.read(n) for n in zf.namelist()}
        for n, d in members.items():
            check_crlf(d, n)
        ind = parse_csv(members[f"MAPPING_INDICATORS_{token}.csv"], "ind")
        assert ind[0] == pdata.IND_HEADER
        points = {r[0]: float(r[1]) for r in ind[1:]}
        groups = {r[0]: r[2] for r in ind[1:]}
        prev = parse_csv(members[f"PREVALENCE_{token}.csv"], "prev")
        assert prev[0] == pdata.PREV_HEADER
        reg = {}
        for r in prev[1:]:
            assert 0 <= int(r[2]) <= int(r[4]), r
            reg[(r[0], r[1])] = r[2]
        geo = parse_csv(members[f"MAPPING_NHS_GEOGRAPHIES_{token}.csv"], "geo")
        assert geo[0] == (pdata.GEO_HEADER_1920 if token == "1920" else pdata.GEO_HEADER)
        regional = []
        for reg_tok in pdata.QOF_REGIONS:
            n = f"ACHIEVEMENT_{reg_tok}_{token}.csv"
            if token == "1920":
                assert n not in members
                continue
            rows = parse_csv(members[n], n)
            assert rows[0] == pdata.ACH_REGION_HEADER
            assert all(pdata.region_token(r[2]) == reg_tok for r in rows[1:])
            regional += [r[3:] for r in rows[1:]]
        national = None
        if f"ACHIEVEMENT_{token}.csv" in members:
            national = parse_csv(members[f"ACHIEVEMENT_{token}.csv"], "nat")
            assert national[0] == pdata.ACH_HEADER
            national = national[1:]
        if token == "2324":
            assert sorted(national) == sorted(regional)
        ach = national if national is not None else regional
        vals = defaultdict(dict)
        blanks = 0
        for p, i, m, v in ach:
            assert m not in vals[(p, i)], (p, i, m)
            vals[(p, i)][m] = v
            blanks += v == ""
        for (p, i), mv in vals.items():
            if mv.get("NUMERATOR") and mv.get("DENOMINATOR"):
                assert int(mv["NUMERATOR"]) <= int(mv["DENOMINATOR"]), (p, i, mv)
            assert float(mv["ACHIEVED_POINTS"]) <= points[i] + 1e-9, (p, i, mv)
            if "REGISTER" in mv:
                assert mv["REGISTER"] == reg[(p, groups[i])], (p, i)
        practices = {p for p, _ in vals}
        note(f"qof {token}: {zip_name}: {len(practices)} practices, {len(points)} indicators, {len(ach)} "
             f"achievement rows ({blanks} blank VALUEs), members {sorted(members)}")


def check_payments(mirror, samples_root):
    for sample, name in pdata.PAYMENTS:
        assert find(mirror, name).read_bytes() == (samples_root / "payments" / sample).read_bytes()
    note("payments: both CSVs byte-identical to the samples")


def check_ods(mirror, samples_root):
    d = mirror / ODS_DIR
    widths = {"report=epraccur": 27, "report=epcn": 12, "report=epcncorepartnerdetails": 11}
    rows = {}
    for name, width in widths.items():
        data = (d / name).read_bytes()
        check_crlf(data, name)
        rows[name] = parse_csv(data, name, width)
        for line, r in zip(data.decode("ascii").split("\r\n"), rows[name]):
            assert line == pdata.quoted_line(r), line
    sample = list(csv.reader(open(samples_root / "ods" / "epraccur_2023-12_first2000.csv", newline="")))
    assert len(sample) == len(rows["report=epraccur"])
    for a, b in zip(sample, rows["report=epraccur"]):
        assert [x for i, x in enumerate(a) if i not in (12, 25)] == [x for i, x in enumerate(b) if i not in (12, 25)]
        assert b[12] == pdata.ODS_STATUS[a[12]]
    codes = [r[0] for r in rows["report=epcn"]]
    assert len(codes) == len(set(codes)) and codes == sorted(codes) and "U" not in codes
    members = rows["report=epcncorepartnerdetails"]
    assert [r[4] for r in members] == sorted(r[4] for r in members)
    assert set(r[4] for r in members) <= set(codes)
    per = defaultdict(list)
    for i, r in enumerate(members):
        per[r[0]].append(i)
    movers = {c: ix for c, ix in per.items() if len(ix) > 1}
    assert len(movers) == 3 and all(abs(ix[0] - ix[1]) > 1 for ix in movers.values())
    for c, ix in movers.items():
        ends = sorted((members[i][8], members[i][9]) for i in ix)
        assert ends == [("20190701", "20230331"), ("20230401", "")], ends
    foreign = sorted(c for c in per if c[0] in "WS")
    note(f"ods: epraccur {len(rows['report=epraccur'])}, epcn {len(codes)}, partners {len(members)} rows; "
         f"movers {sorted(movers)}; non-English partners {foreign}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mirror", type=Path, default=ROOT / "Fixtures" / "publisher")
    ap.add_argument("--samples-root", type=Path, default=ROOT.parent / "shared" / "samples")
    args = ap.parse_args(argv)
    mirror, samples_root = args.mirror.resolve(), args.samples_root.resolve()
    check_pages(mirror)
    check_all_csvs_and_zips(mirror)
    check_appointments(mirror)
    check_qof(mirror)
    check_payments(mirror, samples_root)
    check_ods(mirror, samples_root)
    print("OK")


if __name__ == "__main__":
    main()
