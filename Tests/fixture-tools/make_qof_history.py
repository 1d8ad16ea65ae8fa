#!/usr/bin/env python3
"""Modelled QOF raw-data zips of the editions before 2019-20, for which no real file was found.

Writes Fixtures/qof-history/ deterministically (fixed seed, fixed zip timestamps):
  qof-1314-csvfilescqrsdata.zip  2013-14: prevalencebyprac.csv, Prac_Control.csv (run-together names),
                                 and the families the loader leaves out (INDICATORSBYPRAC.csv,
                                 exception_output_all_denoms.csv, INDICATOR_REFERENCE.csv, ...)
  qof-1415-csvfiles-v2.zip       2014-15: PREVALENCE_BY_PRAC_v2.csv, PRAC_CONTROL.csv, INDICATORS_BY_PRAC.csv,
                                 REGISTER_SIZES.csv, EXCEPTION_OUTPUT.csv, INDICATOR_*_REFERENCE_FINAL.csv
  qof-1718-csv.zip               2017-18 (the 2015-16 to 2017-18 family names): ACHIEVEMENT_EXCEPTIONS.csv,
                                 PREVALENCE.csv, INDICATOR_MAPPINGS.csv, ORGANISATION_REFERENCE.csv
  QOF_1819_v2.zip                2018-19: the same families suffixed _1819_v2 (ACHIEVEMENT_1819_v2.csv, ...)
File and column names follow public code that read the real files (nhs-formats.md section 4 and
the R loaders quoted there); the practices are the first 24 of the real 2020-21
MAPPING_NHS_GEOGRAPHIES_2021.csv, the indicators the real 2020-21 MAPPING_INDICATORS_2021_v2.csv;
every value is made up.
usage: make_qof_history.py [OUT_DIR]   (default Fixtures/qof-history beside this tool's Tests/)
"""
import csv, io, os, random, sys, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLES = os.path.join(ROOT, "Fixtures", "samples", "qof")
if not os.path.isdir(SAMPLES):
    SAMPLES = os.path.join(ROOT, "..", "shared", "samples", "qof")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Fixtures", "qof-history")


def table(rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("ascii")


def write_zip(name, members):
    os.makedirs(OUT, exist_ok=True)
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_DEFLATED) as z:
        for member, rows in members:
            info = zipfile.ZipInfo(member, date_time=(2019, 10, 1, 9, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, table(rows))


practices = list(csv.DictReader(open(os.path.join(SAMPLES, "MAPPING_NHS_GEOGRAPHIES_2021.csv"), newline="")))[:24]
indicators = list(csv.DictReader(open(os.path.join(SAMPLES, "MAPPING_INDICATORS_2021_v2.csv"), newline="")))
groups = sorted({i["GROUP_CODE"]: i["GROUP_DESCRIPTION"] for i in indicators}.items())


def year_values(seed):
    rnd = random.Random(seed)
    lists = {p["PRACTICE_CODE"]: rnd.randint(2000, 20000) for p in practices}
    registers = {(p["PRACTICE_CODE"], g): int(lists[p["PRACTICE_CODE"]] * rnd.uniform(0.002, 0.12)) for p in practices for g, _ in groups}
    return rnd, lists, registers


def geography(p, name_case=str):
    return [p["PRACTICE_CODE"], p["PRACTICE_NAME"], p["CCG_ODS_CODE"], p["CCG_ONS_CODE"], p["CCG_NAME"], p["STP_ODS_CODE"],
            p["STP_NAME"], "", "", "", p["REGION_ODS_CODE"], p["REGION_ONS_CODE"], p["REGION_NAME"], "England"]


def era_2015(seed, suffix):
    rnd, lists, registers = year_values(seed)
    achievement = [["PRACTICE_CODE", "INDICATOR_CODE", "MEASURE", "VALUE"]]
    for p in practices:
        for i in indicators:
            register = registers[(p["PRACTICE_CODE"], i["GROUP_CODE"])]
            denominator = int(register * rnd.uniform(0.5, 1.0))
            numerator = int(denominator * rnd.uniform(0.3, 1.0))
            points = round(float(i["INDICATOR_POINT_VALUE"]) * rnd.uniform(0, 1), 2)
            pcas = "" if rnd.random() < 0.05 else str(register - denominator)
            for measure, value in [("REGISTER", register), ("NUMERATOR", numerator), ("DENOMINATOR", denominator),
                                   ("PCAS" if suffix else "EXCEPTIONS", pcas), ("ACHIEVED_POINTS", f"{points:g}")]:
                achievement.append([p["PRACTICE_CODE"], i["INDICATOR_CODE"], measure, value])
    prevalence = [["PRACTICE_CODE", "INDICATOR_GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PATIENT_LIST_SIZE"]]
    for p in practices:
        for g, _ in groups:
            prevalence.append([p["PRACTICE_CODE"], g, registers[(p["PRACTICE_CODE"], g)], "TOTAL", lists[p["PRACTICE_CODE"]]])
            if g in ("DM", "EP", "CKD"):
                over = int(lists[p["PRACTICE_CODE"]] * 0.78)
                prevalence.append([p["PRACTICE_CODE"], g, min(registers[(p["PRACTICE_CODE"], g)], over), "18OV" if g != "CKD" else "17OV", over])
    mappings = [["INDICATOR_CODE", "INDICATOR_DESCRIPTION", "INDICATOR_POINT_VALUE", "INDICATOR_GROUP_CODE", "INDICATOR_GROUP_DESCRIPTION",
                 "DOMAIN_CODE", "DOMAIN_DESCRIPTION", "PATIENT_LIST_TYPE"]]
    for i in indicators:
        mappings.append([i["INDICATOR_CODE"], f"The percentage of patients on the {i['GROUP_DESCRIPTION']} register (modelled)",
                         i["INDICATOR_POINT_VALUE"], i["GROUP_CODE"], i["GROUP_DESCRIPTION"], i["DOMAIN_CODE"], i["DOMAIN_DESCRIPTION"],
                         i["PATIENT_LIST_TYPE"]])
    reference = [["PRACTICE_CODE", "PRACTICE_NAME", "CCG_CODE", "CCG_GEOGRAPHY_CODE", "CCG_NAME", "STP_CODE", "STP_NAME",
                  "SUBREGION_CODE", "SUBREGION_GEOGRAPHY_CODE", "SUBREGION_NAME", "REGION_CODE", "REGION_GEOGRAPHY_CODE", "REGION_NAME",
                  "COUNTRY", "REVISED_MAXIMUM_POINTS"]]
    for p in practices:
        reference.append(geography(p) + [559 - (rnd.randint(1, 40) if rnd.random() < 0.1 else 0)])
    if suffix:
        return [(f"ACHIEVEMENT{suffix}.csv", achievement), (f"PREVALENCE{suffix}.csv", prevalence),
                (f"INDICATOR_MAPPINGS{suffix}.csv", mappings), (f"ORGANISATION_REFERENCE{suffix}.csv", reference)]
    return [("ACHIEVEMENT_EXCEPTIONS.csv", achievement), ("INDICATOR_MAPPINGS.csv", mappings),
            ("ORGANISATION_REFERENCE.csv", reference), ("PREVALENCE.csv", prevalence)]


def era_2013(seed, year):
    rnd, lists, registers = year_values(seed)
    if year == "1314":
        prevalence = [["practicecode", "indicator_group", "Register_description", "disease_register_size", "practice_listsize", "prevalence"]]
        control = [["PRACTICECODE", "PRACTICENAME", "CCGCODE", "CCGNAME", "ATCODE", "ATNAME", "REGIONCODE", "REGIONNAME"]]
    else:
        prevalence = [["PRACTICE_CODE", "PRACTICE_NAME", "INDICATOR_GROUP_CODE", "INDICATOR_GROUP_DESCRIPTION", "REGISTER_SIZE",
                       "PRACTICE_LIST_SIZE", "PREVALENCE"]]
        control = [["PRACTICE_CODE", "PRACTICE_NAME", "CCG_CODE", "CCG_NAME", "AREA_TEAM_CODE", "AREA_TEAM_NAME", "REGION_CODE", "REGION_NAME"]]
    for p in practices:
        for g, description in groups:
            register, size = registers[(p["PRACTICE_CODE"], g)], lists[p["PRACTICE_CODE"]]
            row = [g, description, register, size, f"{100 * register / size:.2f}"]
            prevalence.append([p["PRACTICE_CODE"]] + row if year == "1314" else [p["PRACTICE_CODE"], p["PRACTICE_NAME"]] + row)
        # The area team is modelled as the 2020-21 STP.
        control.append([p["PRACTICE_CODE"], p["PRACTICE_NAME"], p["CCG_ODS_CODE"], p["CCG_NAME"], p["STP_ODS_CODE"], p["STP_NAME"],
                        p["REGION_ODS_CODE"], p["REGION_NAME"]])
    wide = [["PRACTICE_CODE", "INDICATOR_GROUP", "INDICATOR_CODE", "NUMERATOR", "DENOMINATOR", "ACHIEVED_POINTS"]]
    for p in practices[:3]:
        for i in indicators[:5]:
            wide.append([p["PRACTICE_CODE"], i["GROUP_CODE"], i["INDICATOR_CODE"], 10, 12, 1])
    reference = [["INDICATOR_CODE", "INDICATOR_GROUP", "INDICATOR_POINT_VALUE"]] + [[i["INDICATOR_CODE"], i["GROUP_CODE"], i["INDICATOR_POINT_VALUE"]] for i in indicators]
    if year == "1314":
        return [("prevalencebyprac.csv", prevalence), ("Prac_Control.csv", control), ("INDICATORSBYPRAC.csv", wide),
                ("exception_output_all_denoms.csv", [["practicecode", "indicator_code", "exception_count"], [practices[0]["PRACTICE_CODE"], "AF001", 3]]),
                ("INDICATOR_REFERENCE.csv", reference), ("INDICATOR_GRP_REFERENCE.csv", [["INDICATOR_GROUP", "DOMAIN_CODE"]] + [[g, "CL"] for g, _ in groups]),
                ("INDICATOR_DOM_REFERENCE.csv", [["DOMAIN_CODE", "DOMAIN_DESC"], ["CL", "Clinical"]])]
    return [("PREVALENCE_BY_PRAC_v2.csv", prevalence), ("PRAC_CONTROL.csv", control), ("INDICATORS_BY_PRAC.csv", wide),
            ("REGISTER_SIZES.csv", [["PRACTICE_CODE", "INDICATOR_CODE", "REGISTER_SIZE"], [practices[0]["PRACTICE_CODE"], "AF001", 50]]),
            ("EXCEPTION_OUTPUT.csv", [["PRACTICE_CODE", "INDICATOR_CODE", "EXCEPTION_COUNT"], [practices[0]["PRACTICE_CODE"], "AF001", 3]]),
            ("INDICATOR_REFERENCE_FINAL.csv", reference),
            ("INDICATOR_GRP_REFERENCE_FINAL.csv", [["INDICATOR_GROUP", "DOMAIN_CODE"]] + [[g, "CL"] for g, _ in groups]),
            ("INDICATOR_DOM_REFERENCE_FINAL.csv", [["DOMAIN_CODE", "DOMAIN_DESCRIPTION"], ["CL", "Clinical"]])]


write_zip("qof-1314-csvfilescqrsdata.zip", era_2013(1314, "1314"))
write_zip("qof-1415-csvfiles-v2.zip", era_2013(1415, "1415"))
write_zip("qof-1718-csv.zip", era_2015(1718, ""))
write_zip("QOF_1819_v2.zip", era_2015(1819, "_1819_v2"))
