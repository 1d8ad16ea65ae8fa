#!/usr/bin/env python3
"""Writes a practice-level-publication-shaped .xlsx with ROWS data rows and 20 columns.

Standard library only (zipfile), deterministic (fixed seed and timestamps). The sheet `Table 2`
has title rows, a header row on row 4 with footnote markers, a national total row, then the
practice rows: a month date (a date-formatted serial number), codes and names from the shared
strings table, counts, a rate with decimals, a boolean and an occasional inline string. The
sheet XML is written row by row, so the generator's memory does not grow with ROWS.
usage: gen_xlsx.py ROWS OUT.xlsx
"""
import random, sys, zipfile

HEADER = ["Month [1]", "GP Code", "GP Name", "PCN Code [2, 3]", "PCN Name [3]", "Sub ICB Code", "Sub ICB Name",
          "ICB Code", "ICB Name", "Region Code", "Region Name", "Supplier [4]", "Submissions [7]",
          "Clinical Submissions [7]", "Administrative Submissions [7]", "Other Submissions [7]",
          "Registered Patient Count [8]", "Rate per 1,000 Registered Patients [9]", "Participation", "Note"]
SUPPLIERS = ["Accurx", "eConsult", "Klinik", "Patchs", "Engage Consult", "Rapid Health"]
PRACTICES = 6300
STAMP = (2026, 1, 1, 0, 0, 0)


def column(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Strings:
    def __init__(self):
        self.index = {}
        self.items = []

    def ref(self, text):
        if text not in self.index:
            self.index[text] = len(self.items)
            self.items.append(text)
        return self.index[text]


def practice(p):
    letter = "ABCDEFGHJKLMNPY"[p % 15]
    return ["%s%05d" % (letter, 81000 + p), "THE %d SURGERY" % p if p % 7 else "THE %d MEDICAL CENTRE & CLINIC" % p,
            "U%05d" % (10000 + p // 5), "CENTRAL %d PCN" % (p // 5), "%02d%s" % (p % 100, "ABCDEFGHJK"[p % 10]),
            "NHS Sub ICB %d" % (p % 106), "QHM" if p % 2 else "QOQ", "NHS ICB %d" % (p % 42),
            "Y%02d" % (56 + p % 7), "Region %d" % (p % 7)]


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(20260201)
    strings = Strings()
    date_serial = 46054  # 2026-02-01 in the 1900 date system
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        def put(name, text):
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)

        put("[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '</Types>')
        put("_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
        put("xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Table 2" sheetId="1" r:id="rId1"/></sheets></workbook>')
        put("xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>')
        put("xl/styles.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="mmm\\-yy"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="3"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="2" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '</styleSheet>')

        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            buf = []

            def flush(force=False):
                if force or len(buf) > 2000:
                    f.write("".join(buf).encode())
                    buf.clear()

            def srow(r, cells):
                parts = ['<row r="%d">' % r]
                for i, (kind, value) in enumerate(cells):
                    ref = "%s%d" % (column(i), r)
                    if kind == "s":
                        parts.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, strings.ref(value)))
                    elif kind == "n":
                        parts.append('<c r="%s"><v>%s</v></c>' % (ref, value))
                    elif kind == "d":
                        parts.append('<c r="%s" s="1"><v>%d</v></c>' % (ref, value))
                    elif kind == "r":
                        parts.append('<c r="%s" s="2"><v>%s</v></c>' % (ref, value))
                    elif kind == "b":
                        parts.append('<c r="%s" t="b"><v>%d</v></c>' % (ref, value))
                    elif kind == "i":
                        parts.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, esc(value)))
                parts.append("</row>")
                buf.append("".join(parts))
                flush()

            buf.append('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                       '<dimension ref="A1:T%d"/><sheetData>' % (rows + 5))
            srow(1, [("s", "Submissions via Online Consultation Systems in General Practice, February 2026")])
            srow(2, [("s", "Practice level")])
            srow(4, [("s", h) for h in HEADER])
            total = [("d", date_serial)] + [("s", "England")] + [("s", "")] * 10 + \
                [("n", "%d" % (rows * 40)), ("n", "%d" % (rows * 25)), ("n", "%d" % (rows * 10)), ("n", "%d" % (rows * 5)),
                 ("n", "%d" % (rows * 9000)), ("r", "4.44"), ("b", 1)]
            srow(5, total)
            for n in range(rows):
                p = n % PRACTICES
                fields = practice(p)
                submissions = int(rnd.expovariate(1 / 400))
                clinical = submissions * 6 // 10
                admin = submissions * 3 // 10
                patients = 2000 + rnd.randrange(20000)
                cells = [("d", date_serial)] + [("s", v) for v in fields] + [("s", SUPPLIERS[(p + n // PRACTICES) % len(SUPPLIERS)])]
                cells += [("n", str(submissions)), ("n", str(clinical)), ("n", str(admin)),
                          ("n", str(submissions - clinical - admin)), ("n", str(patients)),
                          ("r", repr(round(submissions * 1000 / patients, 6))), ("b", 1 if submissions else 0)]
                if n % 97 == 0:
                    cells.append(("i", "estimated <partial>"))
                srow(6 + n, cells)
            buf.append("</sheetData></worksheet>")
            flush(True)

        info = zipfile.ZipInfo("xl/sharedStrings.xml", STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w") as f:
            f.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="%d">'
                     % len(strings.items)).encode())
            for s in strings.items:
                f.write(("<si><t>%s</t></si>" % esc(s) if s else "<si><t/></si>").encode())
            f.write(b"</sst>")


if __name__ == "__main__":
    main()
