"""Data synthesis for the offline publisher mirror (used by make_publisher_mirror.py).

Standard library only, deterministic: every random choice comes from a `random.Random` seeded
with a fixed string (str seeds are hashed with SHA-512 by `random`, so they do not depend on
PYTHONHASHSEED), every zip has fixed timestamps, and nothing reads the clock.

What it builds (bytes only; the HTML and the mirror layout live in make_publisher_mirror.py):

  appointments_files(samples_root)   Appointments in General Practice practice-level crosstab:
                                     Practice_Level_Crosstab_Sep_25.zip and ..._Oct_25.zip.
                                     Real practices and geography (QOF 2023-24 manual mapping
                                     sample); SYNTHETIC counts.
  qof_files(samples_root)            QOF raw-data zips for 2023-24, 2022-23 and 2019-20. Real
                                     practices, geography and 2023-24 indicator list; SYNTHETIC
                                     values.
  payments_files(samples_root)       NHS Payments to General Practice: byte copies of the real
                                     samples.
  ods_files(samples_root)            ODS Data Search and Export reports epraccur (real Dec-2023
                                     sample re-coded to the DSE code set), epcn and
                                     epcncorepartnerdetails (derived from the QOF mapping sample).

Each function also returns a `facts` dict (practice codes, row counts, choices made) that the
caller prints and writes into the mirror's README.
"""

import csv
import io
import random
import zipfile
from collections import Counter, defaultdict

CRLF = "\r\n"
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# ---------------------------------------------------------------------------
# Generic helpers
# ---------------------------------------------------------------------------
def csv_bytes(header, rows, quote_all=False):
    """CRLF, no BOM, ASCII/UTF-8; minimal RFC-4180 quoting unless quote_all (ODS style).

    header may be None (headerless ODS reports)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=CRLF,
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    if header is not None:
        w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode("utf-8")


def zip_members(members, when):
    """A deflated zip with the given (name, bytes) members, in order, all stamped `when`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for member, data in members:
            info = zipfile.ZipInfo(member, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


def read_csv_dicts(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_qof_mapping(samples_root):
    """The real QOF 2023-24 manual practice mapping (first 2,000 lines)."""
    return read_csv_dicts(samples_root / "qof" / "NHSD_QOF_MANUAL_MAPPINGS_2324_first2000.csv")


def region_token(name):
    """'North East and Yorkshire' -> 'NORTH_EAST_AND_YORKSHIRE' (QOF regional file names)."""
    return name.strip().upper().replace(" ", "_")


def pick(rng, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights=weights, k=1)[0]


# ---------------------------------------------------------------------------
# a. Appointments in General Practice (GPAD) practice-level crosstab
# ---------------------------------------------------------------------------
GPAD_HEADER = ["APPOINTMENT_MONTH_START_DATE", "GP_CODE", "GP_NAME", "SUPPLIER", "PCN_CODE", "PCN_NAME",
               "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME", "HCP_TYPE", "APPT_MODE", "NATIONAL_CATEGORY",
               "TIME_BETWEEN_BOOK_AND_APPT", "COUNT_OF_APPOINTMENTS", "APPT_STATUS"]
GPAD_MAPPING_HEADER = ["GP_CODE", "GP_NAME", "SUPPLIER", "PCN_CODE", "PCN_NAME", "SUB_ICB_LOCATION_CODE",
                       "SUB_ICB_LOCATION_NAME", "ICB_CODE", "ICB_NAME", "REGION_CODE", "REGION_NAME"]

# Value domains (nhs-formats.md section 3a) with modelled weights. Order = row sort order.
HCP_TYPES = [("GP", 45), ("Other Practice staff", 50), ("Unknown", 5)]
APPT_MODES = [("Face-to-Face", 64), ("Telephone", 28), ("Video Conference/Online", 2), ("Home Visit", 1.5),
              ("Unknown", 4.5)]
NATIONAL_CATEGORIES = [
    ("General Consultation Routine", 22), ("General Consultation Acute", 14), ("Clinical Triage", 10),
    ("Planned Clinics", 12), ("Planned Clinical Procedure", 13), ("Unplanned Clinical Activity", 3),
    ("Home Visit", 1), ("Structured Medication Review", 2), ("Care Home Visit", 0.6),
    ("Patient contact during Care Home Round", 0.5),
    ("Service provided by organisation external to the practice", 1.5),
    ("Non-contractual chargeable work", 0.5), ("Group Consultation and Group Education", 0.3),
    ("Walk-in", 0.8), ("Social Prescribing Service", 1), ("Inconsistent Mapping", 4), ("Unmapped", 6),
]
TIME_BANDS = [("Same Day", 42), ("1 Day", 8), ("2 to 7 Days", 20), ("8  to 14 Days", 12),
              ("15  to 21 Days", 7), ("22  to 28 Days", 5), ("More than 28 Days", 5),
              ("Unknown / Data Issue", 1)]
APPT_STATUSES = [("Attended", 90), ("DNA", 4.5), ("Unknown", 5.5)]
DIMENSIONS = [HCP_TYPES, APPT_MODES, NATIONAL_CATEGORIES, TIME_BANDS, APPT_STATUSES]
DIM_ORDER = [{v: i for i, (v, _) in enumerate(d)} for d in DIMENSIONS]

GPAD_REGIONS_SOUTH = {"London", "East of England", "South East", "South West"}   # London_East_South file
GPAD_PER_REGION = 8
# Forced picks so that names with commas appear (GP_NAME, PCN_NAME, SUB_ICB_LOCATION_NAME).
GPAD_FORCED = ["B81004",   # "EASTGATE MEDICAL GROUP, HORNSEA"
               "B86013",   # PCN "BURMANTOFTS, HAREHILLS & RICHMOND HILL PCN"
               "C82016"]   # PCN "MELTON, SYSTON AND VALE PCN"; sub-ICB "NHS Leicester, Leicestershire and Rutland ICB - 04C"
GPAD_MONTHS = [(2025, 7), (2025, 8), (2025, 9), (2025, 10)]


def gpad_month_token(y, m):
    return f"01{MONTH_ABBR[m - 1].upper()}{y}"


def select_gpad_practices(mapping):
    rng = random.Random("gpad-practices-v1")
    by_region = defaultdict(list)
    for r in mapping:
        by_region[r["REGION_NAME"]].append(r)
    chosen = {}
    for region in sorted(by_region):
        rows = sorted(by_region[region], key=lambda r: r["PRACTICE_CODE"])
        forced = [r for r in rows if r["PRACTICE_CODE"] in GPAD_FORCED]
        rest = [r for r in rows if r["PRACTICE_CODE"] not in GPAD_FORCED]
        picked = forced + rng.sample(rest, min(len(rest), GPAD_PER_REGION - len(forced)))
        for r in picked:
            chosen[r["PRACTICE_CODE"]] = r
    practices = [chosen[c] for c in sorted(chosen)]
    # Suppliers (modelled): mostly EMIS/TPP, a few MEDICUS; at least one of each.
    srng = random.Random("gpad-suppliers-v1")
    supplier = {p["PRACTICE_CODE"]: pick(srng, [("EMIS", 55), ("TPP", 40), ("MEDICUS", 5)]) for p in practices}
    for code, want in zip(sorted(supplier)[3::11], ["MEDICUS", "TPP", "EMIS"]):
        supplier[code] = want
    size = {p["PRACTICE_CODE"]: random.Random("gpad-size-" + p["PRACTICE_CODE"]).randint(2500, 16000)
            for p in practices}
    return practices, supplier, size


def gpad_practice_rows(p, supplier, list_size, y, m):
    """Rows of one practice-month: 60-150 distinct positive combinations + a few blank counts."""
    code = p["PRACTICE_CODE"]
    rng = random.Random(f"gpad-rows-{code}-{y}-{m:02d}")
    target = rng.randint(60, 150)
    monthly_total = list_size * rng.uniform(0.38, 0.55)
    combos = {}
    guard = 0
    while len(combos) < target and guard < 100000:
        guard += 1
        key = tuple(pick(rng, d) for d in DIMENSIONS)
        if key in combos:
            continue
        share = 1.0
        for d, v in zip(DIMENSIONS, key):
            total = sum(w for _, w in d)
            share *= dict(d)[v] / total
        n = max(1, int(monthly_total * share * rng.lognormvariate(0, 0.5) + 0.5))
        combos[key] = str(n)
    # A few rows with a blank COUNT_OF_APPOINTMENTS (distinct combinations, never duplicates).
    blanks = 1 if rng.random() < 0.2 else 0
    while blanks:
        key = tuple(pick(rng, d) for d in DIMENSIONS)
        if key not in combos:
            combos[key] = ""
            blanks -= 1
    month = gpad_month_token(y, m)
    rows = []
    for key in sorted(combos, key=lambda k: tuple(DIM_ORDER[i][v] for i, v in enumerate(k))):
        hcp, mode, cat, band, status = key
        rows.append([month, code, p["PRACTICE_NAME"], supplier[code], p["PCN_ODS_CODE"], p["PCN_NAME"],
                     p["CCG_ODS_CODE"], p["CCG_NAME"], hcp, mode, cat, band, combos[key], status])
    return rows


def restate(rows_by_practice, codes):
    """Copy of a month with some COUNT_OF_APPOINTMENTS changed for exactly `codes`."""
    out = {}
    for code, rows in rows_by_practice.items():
        if code not in codes:
            out[code] = rows
            continue
        rng = random.Random(f"gpad-restate-{code}")
        new = [list(r) for r in rows]
        positive = [i for i, r in enumerate(new) if r[12] != ""]
        for i in sorted(rng.sample(positive, rng.randint(3, 8))):
            old = int(new[i][12])
            delta = rng.choice([d for d in range(-3, 13) if d != 0 and old + d >= 1])
            new[i][12] = str(old + delta)
        out[code] = new
    return out


def flatten(rows_by_practice, codes=None):
    return [r for c in sorted(rows_by_practice) if codes is None or c in codes for r in rows_by_practice[c]]


def appointments_files(samples_root):
    mapping = load_qof_mapping(samples_root)
    practices, supplier, size = select_gpad_practices(mapping)
    months = {}
    for (y, m) in GPAD_MONTHS:
        months[(y, m)] = {p["PRACTICE_CODE"]: gpad_practice_rows(p, supplier, size[p["PRACTICE_CODE"]], y, m)
                          for p in practices}
    # Restatement of September in the October edition: 3 practices, one from each of 3 regions.
    rrng = random.Random("gpad-restated-practices-v1")
    regions = sorted({p["REGION_NAME"] for p in practices})
    restated_regions = rrng.sample(regions, 3)
    restated = sorted(rrng.choice(sorted(p["PRACTICE_CODE"] for p in practices if p["REGION_NAME"] == reg))
                      for reg in restated_regions)
    sep_restated = restate(months[(2025, 9)], set(restated))

    mapping_rows = [[p["PRACTICE_CODE"], p["PRACTICE_NAME"], supplier[p["PRACTICE_CODE"]], p["PCN_ODS_CODE"],
                     p["PCN_NAME"], p["CCG_ODS_CODE"], p["CCG_NAME"], p["STP_ODS_CODE"], p["STP_NAME"],
                     p["REGION_ODS_CODE"], p["REGION_NAME"]] for p in practices]
    mapping_csv = csv_bytes(GPAD_MAPPING_HEADER, mapping_rows)

    south = {p["PRACTICE_CODE"] for p in practices if p["REGION_NAME"] in GPAD_REGIONS_SOUTH}
    north = {p["PRACTICE_CODE"] for p in practices} - south
    jul = csv_bytes(GPAD_HEADER, flatten(months[(2025, 7)]))
    aug = csv_bytes(GPAD_HEADER, flatten(months[(2025, 8)]))
    sep = csv_bytes(GPAD_HEADER, flatten(months[(2025, 9)]))
    sep_v2 = csv_bytes(GPAD_HEADER, flatten(sep_restated))
    oct_south = csv_bytes(GPAD_HEADER, flatten(months[(2025, 10)], south))
    oct_north = csv_bytes(GPAD_HEADER, flatten(months[(2025, 10)], north))

    sep_members = [("Practice_Level_Crosstab_Jul_25.csv", jul), ("Practice_Level_Crosstab_Aug_25.csv", aug),
                   ("Practice_Level_Crosstab_Sep_25.csv", sep), ("Mapping.csv", mapping_csv)]
    oct_members = [("Practice_Level_Crosstab_Aug_25.csv", aug), ("Practice_Level_Crosstab_Sep_25.csv", sep_v2),
                   ("Practice_Level_Crosstab_London_East_South_Oct_25.csv", oct_south),
                   ("Practice_Level_Crosstab_Midlands_North_Oct_25.csv", oct_north), ("Mapping.csv", mapping_csv)]
    files = {
        "Practice_Level_Crosstab_Sep_25.zip": zip_members(sep_members, (2025, 10, 30, 9, 30, 0)),
        "Practice_Level_Crosstab_Oct_25.zip": zip_members(oct_members, (2025, 11, 27, 9, 30, 0)),
    }
    facts = {
        "practices": [p["PRACTICE_CODE"] for p in practices],
        "regions": Counter(p["REGION_NAME"] for p in practices),
        "south": sorted(south), "north": sorted(north),
        "restated": restated,
        "suppliers": Counter(supplier.values()),
        "members": {"Practice_Level_Crosstab_Sep_25.zip": sep_members,
                    "Practice_Level_Crosstab_Oct_25.zip": oct_members},
    }
    return files, facts


# ---------------------------------------------------------------------------
# b. Quality and Outcomes Framework raw data
# ---------------------------------------------------------------------------
QOF_REGIONS = ["EAST_OF_ENGLAND", "LONDON", "MIDLANDS", "NORTH_EAST_AND_YORKSHIRE", "NORTH_WEST",
               "SOUTH_EAST", "SOUTH_WEST"]
QOF_PER_REGION = 12
ACH_HEADER = ["PRACTICE_CODE", "INDICATOR_CODE", "MEASURE", "VALUE"]
ACH_REGION_HEADER = ["REGION_ODS_CODE", "REGION_ONS_CODE", "REGION_NAME"] + ACH_HEADER
PREV_HEADER = ["PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PRACTICE_LIST_SIZE"]
IND_HEADER = ["INDICATOR_CODE", "INDICATOR_POINT_VALUE", "GROUP_CODE", "GROUP_DESCRIPTION", "DOMAIN_CODE",
              "DOMAIN_DESCRIPTION", "PATIENT_LIST_TYPE"]
GEO_HEADER = ["NAT_ONS_CODE", "NAT_CODE", "NAT_COUNTRY", "REGION_ODS_CODE", "REGION_ONS_CODE", "REGION_NAME",
              "ICB_ODS_CODE", "ICB_ONS_CODE", "ICB_NAME", "SUB_ICB_ODS_CODE", "SUB_ICB_ONS_CODE", "SUB_ICB_NAME",
              "PCN_ODS_CODE", "PCN_NAME", "PRACTICE_CODE", "PRACTICE_NAME"]
GEO_HEADER_1920 = ["NAT_ONS_CODE", "NAT_CODE", "COUNTRY", "REGION_ODS_CODE", "REGION_ONS_CODE", "REGION_NAME",
                   "STP_ODS_CODE", "STP_ONS_CODE", "STP_NAME", "CCG_ODS_CODE", "CCG_ONS_CODE", "CCG_NAME",
                   "PCN_ODS_CODE", "PCN_NAME", "PRACTICE_CODE", "PRACTICE_NAME"]
ORG_HEADER = ["PRACTICE_CODE", "REVISED_MAX_POINTS"]
VALIDATION_HEADER = ["PRACTICE_CODE", "VALIDATION_OUTCOME"]

# Share of the whole list in each PATIENT_LIST_TYPE (modelled).
LIST_TYPE_SHARE = {"TOTAL": 1.0, "06OV": 0.93, "15OV": 0.84, "16OV": 0.83, "17OV": 0.82, "18OV": 0.80,
                   "40OV": 0.52, "45OV": 0.45, "50OV": 0.38, "06_19": 0.16, "30_74": 0.55, "25_49_F": 0.18,
                   "50_64_F": 0.09, "25_64_F": 0.27, "79UN": 0.95, "80OV": 0.05, "0_1": 0.011, "1_2": 0.012,
                   "4_5": 0.012, "79_80": 0.011}
# Prevalence of each register within its list type (modelled, roughly the national figures).
PREVALENCE = {"AF": 0.021, "AST": 0.065, "CAN": 0.035, "CHD": 0.030, "CKD": 0.040, "COPD": 0.019,
              "DEM": 0.007, "DEP": 0.13, "DM": 0.075, "EP": 0.008, "HF": 0.010, "HYP": 0.14, "LD": 0.006,
              "MH": 0.0095, "NDH": 0.07, "OB": 0.10, "OST": 0.009, "PAD": 0.006, "PC": 0.005, "RA": 0.008,
              "STIA": 0.019}
LOWER, UPPER = 0.40, 0.80          # modelled payment thresholds for every indicator
# 2019-20 uses a subset of the 2023-24 codes (not the real 2019-20 list).
QOF_1920_DROP_GROUPS = {"QIPDD", "QIOA", "QIPDD_MI", "VI", "NDH", "CS"}
QOF_YEARS = {  # token -> (financial year start, zip name, regional?, national achievement?, zip time)
    "2324": (2023, "QOF2324.zip", True, True, (2024, 10, 10, 9, 30, 0)),
    "2223": (2022, "QOF 2022-23 Raw data .csv files.zip", True, False, (2023, 10, 12, 9, 30, 0)),
    "1920": (2019, "QOF_1920.zip", False, True, (2020, 8, 20, 9, 30, 0)),
}


def load_indicators(samples_root):
    """The real 2023-24 indicator list, renamed to the published MAPPING_INDICATORS columns,
    with each indicator's measure set from NHS's own achievement template."""
    qof = samples_root / "qof"
    rows = read_csv_dicts(qof / "NHSD_template_PREVIOUS_INDICATOR_MAPPINGS.csv")
    measures = defaultdict(list)
    for r in read_csv_dicts(qof / "NHSD_template_PREVIOUS_ACHIEVEMENTS_PCAS.csv"):
        measures[r["INDICATOR_CODE"]].append(r["MEASURE"])
    out = []
    for r in rows:
        code = r["INDICATOR_CODE"]
        assert measures[code], code
        out.append(dict(code=code, points=r["INDICATOR_POINT_VALUE"], group=r["INDICATOR_GROUP_CODE"],
                        group_desc=r["INDICATOR_GROUP_DESCRIPTION"], domain=r["DOMAIN_CODE"],
                        domain_desc=r["DOMAIN_DESCRIPTION"], list_type=r["PATIENT_LIST_TYPE"],
                        add_list_type=r["PATIENT_ADD_LIST_TYPE"], measures=measures[code]))
    return out


def fmt_points(x):
    x = round(x + 1e-9, 2)
    return str(int(x)) if x == int(x) else f"{x:.2f}"


def select_qof_practices(mapping, map2020):
    rng = random.Random("qof-practices-v1")
    by_region = defaultdict(list)
    for r in mapping:
        if r["PRACTICE_CODE"] in map2020:
            by_region[r["REGION_NAME"]].append(r)
    chosen = []
    for region in sorted(by_region):
        rows = sorted(by_region[region], key=lambda r: r["PRACTICE_CODE"])
        chosen += rng.sample(rows, min(len(rows), QOF_PER_REGION))
    return sorted(chosen, key=lambda r: r["PRACTICE_CODE"])


def qof_practice_values(code, token, indicators):
    """Synthetic prevalence and achievement rows of one practice for one year."""
    rng = random.Random(f"qof-values-{token}-{code}")
    total = rng.randint(2000, 20000)
    lists = {t: max(1, int(total * s * rng.uniform(0.95, 1.05))) if t != "TOTAL" else total
             for t, s in LIST_TYPE_SHARE.items()}
    group_type = {}
    for ind in indicators:
        group_type.setdefault(ind["group"], ind["list_type"])
    registers = {}
    for ind in indicators:
        if "REGISTER" in ind["measures"] and ind["group"] not in registers:
            g = ind["group"]
            base = lists[group_type[g]]
            registers[g] = min(base, int(base * PREVALENCE[g] * rng.uniform(0.6, 1.4)))
    prevalence = [[code, g, str(registers[g]), group_type[g], str(lists[group_type[g]])] for g in sorted(registers)]

    ach = []
    for ind in indicators:
        pv = float(ind["points"])
        irng = random.Random(f"qof-ind-{token}-{code}-{ind['code']}")
        g = ind["group"]
        reg = registers.get(g)
        if reg is not None:
            base = reg
            if ind["add_list_type"] != "TOTAL":
                base = int(reg * LIST_TYPE_SHARE[ind["add_list_type"]] / LIST_TYPE_SHARE[ind["list_type"]])
                base = min(base, reg)
        else:
            add = ind["add_list_type"] if ind["add_list_type"] != "TOTAL" else ind["list_type"]
            base = int(lists[add] * random.Random("qof-share-" + ind["code"]).uniform(0.1, 0.6))
        eligible = int(base * irng.uniform(0.85, 1.0))
        pcas = int(eligible * irng.uniform(0.01, 0.12))
        den = eligible - pcas
        num = int(den * irng.uniform(0.45, 0.98))
        roll = irng.random()
        blank_all = roll < 0.01 and "NUMERATOR" in ind["measures"]
        blank_pcas = 0.01 <= roll < 0.04
        if ind["measures"] == ["ACHIEVED_POINTS"]:          # QI indicators: all or nothing
            points = pv if irng.random() < 0.9 else 0.0
        elif "NUMERATOR" in ind["measures"]:
            if blank_all or den == 0:
                points = 0.0
            else:
                points = pv * min(1.0, max(0.0, (num / den - LOWER) / (UPPER - LOWER)))
        else:                                               # register indicators
            points = pv if reg else 0.0
        points = round(points + 1e-9, 2)
        values = {"REGISTER": str(reg) if reg is not None else "",
                  "NUMERATOR": "" if blank_all else str(num),
                  "DENOMINATOR": "" if blank_all else str(den),
                  "PCAS": "" if blank_all or blank_pcas else str(pcas),
                  "ACHIEVED_POINTS": fmt_points(points)}
        for measure in ind["measures"]:
            ach.append([code, ind["code"], measure, values[measure]])
    return prevalence, ach, total


def qof_files(samples_root):
    mapping = load_qof_mapping(samples_root)
    map2020 = {r["PRACTICE_CODE"]: r for r in
               read_csv_dicts(samples_root / "registrations" / "gp-reg-pat-prac-map_2020-09.csv")}
    practices = select_qof_practices(mapping, map2020)
    indicators_all = load_indicators(samples_root)
    files, facts = {}, {"practices": [p["PRACTICE_CODE"] for p in practices],
                        "regions": Counter(p["REGION_NAME"] for p in practices), "members": {}}
    for token, (fy, zip_name, regional, national, when) in QOF_YEARS.items():
        indicators = [i for i in indicators_all
                      if token != "1920" or i["group"] not in QOF_1920_DROP_GROUPS]
        max_points = sum(float(i["points"]) for i in indicators)
        prev_rows, ach_rows, org_rows, val_rows = [], [], [], []
        vrng = random.Random(f"qof-validation-{token}")
        for p in practices:
            code = p["PRACTICE_CODE"]
            prev, ach, _ = qof_practice_values(code, token, indicators)
            prev_rows += prev
            ach_rows.append((p, ach))
            # A few practices get a revised maximum (modelled: contract change in year).
            orng = random.Random(f"qof-maxpoints-{token}-{code}")
            revised = max_points - (orng.randint(500, 4000) / 100 if orng.random() < 0.08 else 0)
            org_rows.append([code, fmt_points(revised)])
            val_rows.append([code, "Passed" if vrng.random() < 0.93 else "Passed with warnings"])
        ind_rows = [[i["code"], i["points"], i["group"], i["group_desc"], i["domain"], i["domain_desc"],
                     i["list_type"]] for i in indicators]
        if token == "1920":
            geo_rows = []
            for p in practices:
                m = map2020[p["PRACTICE_CODE"]]
                geo_rows.append(["E92000001", "ENG", "England", m["COMM_REGION_CODE"], m["ONS_COMM_REGION_CODE"],
                                 m["COMM_REGION_NAME"], m["STP_CODE"], m["ONS_STP_CODE"], m["STP_NAME"],
                                 m["CCG_CODE"], m["ONS_CCG_CODE"], m["CCG_NAME"], m["PCN_CODE"], m["PCN_NAME"],
                                 m["PRACTICE_CODE"], m["PRACTICE_NAME"]])
            geo = csv_bytes(GEO_HEADER_1920, geo_rows)
        else:
            geo_rows = [[p["NAT_ONS_CODE"], p["NAT_CODE"], p["NAT_COUNTRY"], p["REGION_ODS_CODE"],
                         p["REGION_ONS_CODE"], p["REGION_NAME"], p["STP_ODS_CODE"], p["STP_ONS_CODE"],
                         p["STP_NAME"], p["CCG_ODS_CODE"], p["CCG_ONS_CODE"], p["CCG_NAME"], p["PCN_ODS_CODE"],
                         p["PCN_NAME"], p["PRACTICE_CODE"], p["PRACTICE_NAME"]] for p in practices]
            geo = csv_bytes(GEO_HEADER, geo_rows)
        members = [(f"PREVALENCE_{token}.csv", csv_bytes(PREV_HEADER, prev_rows))]
        if regional:
            for reg in QOF_REGIONS:
                rows = [[p["REGION_ODS_CODE"], p["REGION_ONS_CODE"], p["REGION_NAME"]] + r
                        for p, ach in ach_rows if region_token(p["REGION_NAME"]) == reg for r in ach]
                members.append((f"ACHIEVEMENT_{reg}_{token}.csv", csv_bytes(ACH_REGION_HEADER, rows)))
        if national:
            members.append((f"ACHIEVEMENT_{token}.csv", csv_bytes(ACH_HEADER, [r for _, ach in ach_rows for r in ach])))
        members.append((f"MAPPING_INDICATORS_{token}.csv", csv_bytes(IND_HEADER, ind_rows)))
        members.append((f"MAPPING_NHS_GEOGRAPHIES_{token}.csv", geo))
        if token != "1920":
            members.append((f"ORGANISATION_REFERENCE_{token}.csv", csv_bytes(ORG_HEADER, org_rows)))
            members.append((f"PRACTICE_VALIDATION_OUTCOMES_{token}.csv", csv_bytes(VALIDATION_HEADER, val_rows)))
        members.sort(key=lambda m: m[0])
        files[zip_name] = zip_members(members, when)
        facts["members"][zip_name] = members
        facts[f"indicators_{token}"] = len(indicators)
        facts[f"max_points_{token}"] = fmt_points(max_points)
    return files, facts


# ---------------------------------------------------------------------------
# c. NHS Payments to General Practice (real bytes)
# ---------------------------------------------------------------------------
PAYMENTS = [("nhspaymentsgp_22-23_first2000.csv", "nhspaymentsgp-22-23-prac-csv.csv"),
            ("nhspaymentsgp_21-22_first2000.csv", "nhspaymentsgp-21-22-prac-csv-v2.csv")]


def payments_files(samples_root):
    return {name: (samples_root / "payments" / sample).read_bytes() for sample, name in PAYMENTS}


# ---------------------------------------------------------------------------
# d. ODS Data Search and Export reports
# ---------------------------------------------------------------------------
ODS_STATUS = {"A": "ACTIVE", "C": "INACTIVE", "D": "DORMANT", "P": "PROPOSED"}
ODS_SETTING = {"4": "RO76", "1": "RO87", "2": "RO80", "3": "RO80|RO87", "0": "RO177"}   # else RO<n+250>
PCN_OPEN = "20190701"
UNALLOCATED = "U"
MOVE_END, MOVE_START = "20230331", "20230401"
# Non-English core partners of English PCNs (codes and parents modelled). PCN chosen by region.
FOREIGN_PARTNERS = [
    ("W91016", "BORDER MEDICAL PRACTICE", "7A1", "BETSI CADWALADR UNIVERSITY LHB", "North West"),
    ("W95010", "VALLEYS HEALTH CENTRE", "7A6", "ANEURIN BEVAN UNIVERSITY LHB", "Midlands"),
    ("S10002", "SOLWAY SURGERY", "", "", "North East and Yorkshire"),
]


def quoted_line(fields):
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields)


def epraccur_dse(raw):
    """The legacy epraccur sample re-coded to the DSE code set; every other byte unchanged
    (line endings become CRLF)."""
    text = raw.decode("ascii")
    lines = text.splitlines()
    out = []
    settings = Counter()
    for line in lines:
        fields = next(csv.reader([line]))
        assert len(fields) == 27 and quoted_line(fields) == line, line
        fields[12] = ODS_STATUS[fields[12]]
        s = fields[25]
        fields[25] = ODS_SETTING.get(s, f"RO{int(s) + 250}")
        settings[(s, fields[25])] += 1
        out.append(quoted_line(fields))
    return (CRLF.join(out) + CRLF).encode("ascii"), settings


def ods_files(samples_root):
    raw = (samples_root / "ods" / "epraccur_2023-12_first2000.csv").read_bytes()
    epraccur, settings = epraccur_dse(raw)
    legacy = {r[0]: r for r in csv.reader(io.StringIO(raw.decode("ascii")))}

    # Practices the mapping marks as not in a PCN (PCN_ODS_CODE "U", "Unallocated") are no
    # PCN's core partner: they have no epcncorepartnerdetails row, and "U" is no epcn row.
    all_mapping = load_qof_mapping(samples_root)
    mapping = [r for r in all_mapping if r["PCN_ODS_CODE"] != UNALLOCATED]
    members = defaultdict(list)
    for r in mapping:
        members[r["PCN_ODS_CODE"]].append(r)
    subicb_name = {r["CCG_ODS_CODE"]: r["CCG_NAME"].upper() for r in mapping}
    pcns = {}
    for code in sorted(members):
        rows = sorted(members[code], key=lambda r: r["PRACTICE_CODE"])
        # Parent sub-ICB: the one most member practices belong to (ties: lowest code).
        counts = Counter(r["CCG_ODS_CODE"] for r in rows)
        sub = min(counts, key=lambda c: (-counts[c], c))
        # Address (modelled): the first member practice's address in the epraccur sample, if any.
        lead = next((legacy[r["PRACTICE_CODE"]] for r in rows if r["PRACTICE_CODE"] in legacy), None)
        addr = lead[4:10] if lead else [""] * 6
        pcns[code] = dict(code=code, name=rows[0]["PCN_NAME"], sub=sub, sub_name=subicb_name[sub],
                          region=rows[0]["REGION_NAME"], addr=addr)
    epcn_rows = [[p["code"], p["name"], p["sub"], p["sub_name"], PCN_OPEN, ""] + p["addr"] for p in pcns.values()]
    epcn = csv_bytes(None, epcn_rows, quote_all=True)

    def member_row(code, name, psub, psub_name, pcn, start, end):
        p = pcns[pcn]
        match = "Y" if psub == p["sub"] else "N"
        return [code, name, psub, psub_name, pcn, p["name"], p["sub"], p["sub_name"], start, end, match]

    # Three practices that moved PCN on 1 April 2023: the old PCN is another PCN with the same
    # parent sub-ICB (modelled); the mapping's (2023-24) PCN is the new one.
    mrng = random.Random("ods-movers-v1")
    by_sub = defaultdict(list)
    for p in pcns.values():
        by_sub[p["sub"]].append(p["code"])
    candidates = sorted(r["PRACTICE_CODE"] for r in mapping if len(by_sub[r["CCG_ODS_CODE"]]) >= 2
                        and pcns[r["PCN_ODS_CODE"]]["sub"] == r["CCG_ODS_CODE"])
    movers = sorted(mrng.sample(candidates, 3))
    rows, moves = [], {}
    for r in mapping:
        code, pcn, sub = r["PRACTICE_CODE"], r["PCN_ODS_CODE"], r["CCG_ODS_CODE"]
        psub_name = r["CCG_NAME"].upper()
        if code in movers:
            old = mrng.choice(sorted(c for c in by_sub[sub] if c != pcn))
            moves[code] = (old, pcn)
            rows.append(member_row(code, r["PRACTICE_NAME"], sub, psub_name, old, PCN_OPEN, MOVE_END))
            rows.append(member_row(code, r["PRACTICE_NAME"], sub, psub_name, pcn, MOVE_START, ""))
        else:
            rows.append(member_row(code, r["PRACTICE_NAME"], sub, psub_name, pcn, PCN_OPEN, ""))
    foreign = {}
    frng = random.Random("ods-foreign-v1")
    for code, name, psub, psub_name, region in FOREIGN_PARTNERS:
        pcn = frng.choice(sorted(c for c, p in pcns.items() if p["region"] == region))
        foreign[code] = pcn
        rows.append(member_row(code, name, psub, psub_name, pcn, PCN_OPEN, ""))
    rows.sort(key=lambda r: (r[4], r[0], r[8]))
    partners = csv_bytes(None, rows, quote_all=True)

    files = {"report=epraccur": epraccur, "report=epcn": epcn, "report=epcncorepartnerdetails": partners}
    facts = {"settings": settings, "pcns": len(pcns), "movers": moves, "foreign": foreign,
             "partner_rows": len(rows), "unallocated": len(all_mapping) - len(mapping),
             "multi_sub_icb_pcns": sum(1 for c in members if len({r["CCG_ODS_CODE"] for r in members[c]}) > 1)}
    return files, facts
