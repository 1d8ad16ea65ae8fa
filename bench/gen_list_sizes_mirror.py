#!/usr/bin/env python3
"""Writes a local mirror of the publisher's site holding MONTHS monthly editions of Patients
Registered at a GP Practice at national size, for bench/backfill.sh.

    gen_list_sizes_mirror.py OUT [--months 24] [--practices 6300] [--last 2026-03]

Each edition page links the five families the loader reads, as the publisher ships them:
gp-reg-pat-prac-all.csv (one row per practice), gp-reg-pat-prac-quin-age.zip (practices and
PCNs by sex and five-year band, ORG_TYPE-filtered), gp-reg-pat-prac-sing-age-female.csv and
-male.csv (97 ages per practice), and gp-reg-pat-prac-map.zip (practice to PCN, sub-ICB, ICB
and region; ICB-era header, `01Mar2026` dates). Practices are synthetic and deterministic (a
few close and open over the months); counts drift from month to month. Pages and file URLs
follow the saved site (Tests/fixture-tools/make_publisher_mirror.py builds them); the layout
is the mirror rule of that tool: https://HOST/PATH is stored at OUT/HOST/PATH.
Also writes OUT/files.txt: for each month, the data files and their CSV member, for the
reference `psql \\copy` of the same files.
"""
import argparse
import hashlib
import io
import random
import shutil
import sys
import urllib.parse
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "fixture-tools"))
import make_publisher_mirror as site  # noqa: E402

AGES = [str(a) for a in range(95)] + ["95+"]
BANDS = ["%d_%d" % (a, a + 4) for a in range(0, 95, 5)] + ["95+"]
MONTH_NAMES = site.MONTHS


def practices(n, month_index):
    """(code, sub_icb, ons_sub_icb, postcode, pcn, icb, region, list size) for the practices open in a month."""
    out = []
    for p in range(n + 40):
        # practices 0..39 close one by one, the last 40 open one by one, over 40 months
        if p < 40 and p < month_index or p >= n and p - n >= month_index:
            continue
        code = "%s%05d" % ("ABCDEFGHJKLMNPY"[p % 15], 10000 + p)
        sub = p % 106
        out.append((code, "%02d%s" % (sub, "ABCDEFGHJK"[sub % 10]), "E38%06d" % (100 + sub),
                    "%s%d %d%s" % (["NE", "LS", "M", "BS", "TS", "B", "L"][p % 7], p % 30 + 1, p % 9, "ABD"[p % 3] + "Z"),
                    "U%05d" % (p // 5), "QH%d" % (sub % 42), "Y6%d" % (sub % 7), 2000 + (p * 7919) % 18000))
    return out


def count(rnd, size, share):
    return max(0, int(size * share * (0.9 + 0.2 * rnd.random())))


def csv_text(header, rows):
    return header + "\n" + "".join(",".join(r) + "\n" for r in rows)


def zipped(member, text):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo(member, date_time=(2026, 1, 1, 9, 30, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, text.encode(), compresslevel=6)
    return buf.getvalue()


def month_files(n, year, month, month_index):
    iso = "%04d-%02d-01" % (year, month)
    short = "01%s%04d" % (MONTH_NAMES[month - 1][:3], year)
    rnd = random.Random("%s-%d" % (iso, n))
    ps = practices(n, month_index)
    all_rows, sya = [], {"MALE": [], "FEMALE": []}
    quin, map_rows, pcn_totals = [], [], {}
    for code, sub, ons, postcode, pcn, icb, region, size in ps:
        size = int(size * (1 + 0.002 * month_index))
        all_rows.append(["GP_PRAC_PAT_LIST", iso, "GP", sub, ons, code, postcode, "ALL", "ALL", str(size)])
        for sex, share in (("MALE", 0.49), ("FEMALE", 0.51)):
            counts = [count(rnd, size * share, 1 / 96) for _ in AGES]
            for age, c in zip(AGES, counts):
                sya[sex].append(["GP_PRAC_PAT_LIST", iso, "GP", sub, ons, code, postcode, sex, age, str(c)])
            sya[sex].append(["GP_PRAC_PAT_LIST", iso, "GP", sub, ons, code, postcode, sex, "ALL", str(sum(counts))])
            bands = [sum(counts[i:i + 5]) for i in range(0, 95, 5)] + [counts[95]]
            for band, c in zip(BANDS, bands):
                quin.append(["GP_PRAC_PAT_LIST", iso, "GP", code, ons, postcode, sex, band, str(c)])
                key = (pcn, sex, band)
                pcn_totals[key] = pcn_totals.get(key, 0) + c
        map_rows.append(["GP_PRAC_PAT_LIST", short, code, "PRACTICE %s" % code, postcode, pcn, "PCN %s" % pcn,
                         ons, sub, "SUB-ICB %s" % sub, "E54%06d" % int(icb[2:]), icb, "ICB %s" % icb,
                         "E40%06d" % int(region[2:]), region, "REGION %s" % region, "SUPPLIER %d" % (len(map_rows) % 3)])
    for (pcn, sex, band), c in sorted(pcn_totals.items()):
        quin.append(["GP_PRAC_PAT_LIST", iso, "PCN", pcn, "", "", sex, band, str(c)])
    reg = "PUBLICATION,EXTRACT_DATE,ORG_TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,ORG_CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS"
    return [
        ("gp-reg-pat-prac-all.csv", "Totals (GP practice-all persons)", None, csv_text(
            "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS", all_rows)),
        ("gp-reg-pat-prac-quin-age.zip", "5-year age groups (Commissioning Regions-ICBs-Sub ICBs-PCNs-GP practice)", "gp-reg-pat-prac-quin-age.csv", csv_text(
            "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS", quin)),
        ("gp-reg-pat-prac-sing-age-female.csv", "Single year of age (GP practice-females)", None, csv_text(reg, sya["FEMALE"])),
        ("gp-reg-pat-prac-sing-age-male.csv", "Single year of age (GP practice-males)", None, csv_text(reg, sya["MALE"])),
        ("gp-reg-pat-prac-map.zip", "Mapping (GP practices-PCNs-Sub ICBs-ICBs-Commissioning Regions)", "gp-reg-pat-prac-map.csv", csv_text(
            "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,ONS_SUB_ICB_LOCATION_CODE,"
            "SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,"
            "COMM_REGION_NAME,SUPPLIER_NAME", map_rows)),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--practices", type=int, default=6300)
    ap.add_argument("--last", default="2026-03")
    args = ap.parse_args()
    out = args.out.resolve()
    for sub in ("digital.nhs.uk", site.FILES_HOST):
        shutil.rmtree(out / sub, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    last_y, last_m = map(int, args.last.split("-"))
    series = site.Series(key="registrations", title=site.REG_TITLE, path=site.REG_PATH, info_types=site.INFO_TYPES,
                         frequency="Monthly", summary="Monthly counts of patients registered at GP practices in England.")
    listing = []
    for i in range(args.months):
        k = last_y * 12 + last_m - 1 - (args.months - 1 - i)
        y, m = divmod(k, 12)
        m += 1
        ed = site.Edition(slug="%s-%d" % (MONTH_NAMES[m - 1].lower(), y), title="%s, %s %d" % (site.REG_TITLE, MONTH_NAMES[m - 1], y),
                          published=(y, m, 10), summary=["This release is an accurate snapshot as at 1 %s %d." % (MONTH_NAMES[m - 1], y)],
                          date_range="Snapshot on %s" % site.range_date(y, m, 1), attachments=[], last_edited=site.default_edited((y, m, 10)))
        cards = []
        for name, title, member, text in month_files(args.practices, y, m, i):
            data = zipped(member, text) if member else text.encode()
            url, rel = site.file_url(name, data)
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(data)
            cards.append(site.download_card(url, title, name.rsplit(".", 1)[1], site.size_to_display(len(data))))
            listing.append("%04d-%02d\t%s\t%s\t%s" % (y, m, name, rel, member or ""))
        page = out / ("digital.nhs.uk" + site.edition_path(series, ed)) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(site.edition_page(series, ed, cards))
        series.editions.append(ed)
        print("%04d-%02d" % (y, m), file=sys.stderr)
    (out / ("digital.nhs.uk" + series.path) / "index.html").write_text(site.series_page(series))
    (out / "files.txt").write_text("\n".join(listing) + "\n")


if __name__ == "__main__":
    main()
