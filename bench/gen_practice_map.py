#!/usr/bin/env python3
"""Writes a list-sizes practice map (gp-reg-pat-prac-map.csv) for the generated practices the
read benchmarks load: 6,300 practices, a PCN per 5, 100 sub-ICBs, 42 ICBs, 7 regions.

  gen_practice_map.py PATH EXTRACT_DATE CODES
      CODES: `appointments` for the codes bench/gen_appointments.py writes,
             `ncdes` for those bench/gen_ncdes.py writes
"""
import sys


def codes(style):
    if style == "appointments":
        return ["%s%05d" % ("ABCDEFGHJKLMNPY"[p % 15], 81000 + p) for p in range(6300)]
    if style == "ncdes":
        return ["ABCDEFGHJKLMNPY"[p % 15] + str(81001 + p // 15) for p in range(6300)]
    sys.exit(f"gen_practice_map.py: unknown code style {style!r}")


def main(path, extract_date, style):
    with open(path, "w") as f:
        f.write("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,ONS_SUB_ICB_LOCATION_CODE,"
                "SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,"
                "COMM_REGION_NAME,SUPPLIER_NAME\n")
        for p, code in enumerate(codes(style)):
            s = p % 100
            sub = "%02d%s" % (s, "ABCDEFGHJK"[p % 10])
            pcn = "U%05d" % (10000 + p // 5)
            f.write(",".join(["GP_PRAC_PAT_LIST", extract_date, code, "PRACTICE " + code, "LS1 1AA", pcn, "PCN " + pcn,
                              "E38%06d" % (100 + s), sub, "SUB-ICB " + sub, "E54%06d" % (s % 42), "QH%d" % (s % 42), "ICB QH%d" % (s % 42),
                              "E40%06d" % (s % 7), "Y6%d" % (s % 7), "REGION Y6%d" % (s % 7), "EMIS"]) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
