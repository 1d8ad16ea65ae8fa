#!/usr/bin/env python3
"""Writes the small edge-case and hostile workbooks in Fixtures/sheets/ (XLSX and OpenDocument).

Standard library only (zipfile; the XML is written by hand, so every byte is deliberate) and
deterministic (fixed timestamps), so a second run gives byte-identical files.
usage: make_sheet_fixtures.py [OUTDIR]      (default: Fixtures/sheets beside this repository)
Each workbook is described in Fixtures/sheets/README.md (also written here).
"""
import os, sys, zipfile

STAMP = (2026, 1, 1, 0, 0, 0)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
README = []


def write_zip(path, parts, stored_first=None):
    with zipfile.ZipFile(path, "w") as z:
        for name, data, method in parts:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode() if isinstance(data, str) else data)


def xlsx(path, sheets, strings=None, styles=None, date1904=False, extra_parts=(), drop_parts=(), describe=""):
    """sheets: list of (name, sheet xml body inside <worksheet>, state). strings: list of si inner xml."""
    overrides = ['<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>']
    rels = []
    sheet_elems = []
    parts = []
    for i, (name, body, state) in enumerate(sheets, 1):
        overrides.append('<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % i)
        rels.append('<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>' % (i, REL, i))
        st = ' state="%s"' % state if state else ""
        sheet_elems.append('<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>' % (name, i, st, i))
        if not body.startswith("RAW:") and "<sheetData" not in body:
            body = "<sheetData>%s</sheetData>" % body
        xml = body if body.startswith("RAW:") else DECL + '<worksheet xmlns="%s" xmlns:r="%s">%s</worksheet>' % (MAIN, REL, body)
        if xml.startswith("RAW:"):
            xml = xml[4:]
        parts.append(("xl/worksheets/sheet%d.xml" % i, xml))
    n = len(sheets)
    if styles is not None:
        n += 1
        rels.append('<Relationship Id="rId%d" Type="%s/styles" Target="styles.xml"/>' % (n, REL))
        overrides.append('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>')
        parts.append(("xl/styles.xml", DECL + '<styleSheet xmlns="%s">%s</styleSheet>' % (MAIN, styles)))
    if strings is not None:
        n += 1
        rels.append('<Relationship Id="rId%d" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % (n, REL))
        overrides.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        parts.append(("xl/sharedStrings.xml", DECL + '<sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>'
                      % (MAIN, len(strings), len(strings), "".join("<si>%s</si>" % s for s in strings))))
    pr = '<workbookPr date1904="1"/>' if date1904 else '<workbookPr/>'
    head = [
        ("[Content_Types].xml", DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + '</Types>'),
        ("_rels/.rels", DECL + '<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % (PKG_REL, REL)),
        ("xl/workbook.xml", DECL + '<workbook xmlns="%s" xmlns:r="%s">%s<sheets>%s</sheets></workbook>' % (MAIN, REL, pr, "".join(sheet_elems))),
        ("xl/_rels/workbook.xml.rels", DECL + '<Relationships xmlns="%s">%s</Relationships>' % (PKG_REL, "".join(rels))),
    ]
    allparts = [(name, data, zipfile.ZIP_DEFLATED) for name, data in head + parts + list(extra_parts) if name not in drop_parts]
    write_zip(path, allparts)
    README.append((os.path.basename(path), describe))


def t(text):
    return "<t>%s</t>" % text if text == text.strip() else '<t xml:space="preserve">%s</t>' % text


def row(r, cells):
    return '<row r="%d">%s</row>' % (r, "".join(cells))


def s(ref, index, style=None):
    return '<c r="%s"%s t="s"><v>%d</v></c>' % (ref, ' s="%d"' % style if style is not None else "", index)


def n(ref, value, style=None):
    return '<c r="%s"%s><v>%s</v></c>' % (ref, ' s="%d"' % style if style is not None else "", value)


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline(ref, text):
    return '<c r="%s" t="inlineStr"><is>%s</is></c>' % (ref, t(esc(text)))


DATE_STYLES = ('<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="[h]:mm:ss"/>'
               '<numFmt numFmtId="166" formatCode="&quot;Day&quot; 0.00"/></numFmts>'
               '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
               # 0 General, 1 builtin date 14, 2 custom date 164, 3 datetime 22, 4 time 20, 5 elapsed [h] (a number),
               # 6 quoted "Day" text with 0.00 (a number), 7 mmm-yy builtin 17
               '<cellXfs count="8"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/>'
               '<xf numFmtId="22" applyNumberFormat="1"/><xf numFmtId="20" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/>'
               '<xf numFmtId="166" applyNumberFormat="1"/><xf numFmtId="17" applyNumberFormat="1"/></cellXfs>')


def make_xlsx(out):
    # Dates in the 1900 system: the days around Excel's fictitious 29 February 1900, a date-time, a
    # time, numbers whose formats look date-like but are not.
    xlsx(os.path.join(out, "dates_1900.xlsx"), [
        ("Dates", row(1, [inline("A1", "serial"), inline("B1", "shown")])
         + row(2, [n("A2", "1"), n("B2", "1", 1)])
         + row(3, [n("A3", "59"), n("B3", "59", 2)])
         + row(4, [n("A4", "61"), n("B4", "61", 1)])
         + row(5, [n("A5", "45748"), n("B5", "45748", 7)])
         + row(6, [n("A6", "45748.5"), n("B6", "45748.5", 3)])
         + row(7, [n("A7", "0.75"), n("B7", "0.75", 4)])
         + row(8, [n("A8", "1.5"), n("B8", "1.5", 5)])
         + row(9, [n("A9", "2.5"), n("B9", "2.5", 6)])
         + row(10, [n("A10", "45748.99999999"), n("B10", "45748.99999999", 1)]), None),
        ("Leap bug", row(1, [inline("A1", "serial 60")]) + row(2, [n("A2", "60", 1)]), None),
        ("Negative", row(1, [n("A1", "-1", 1)]), None),
    ], styles=DATE_STYLES,
        describe="1900 date system: serials 1, 59, 61 around the fictitious 29 Feb 1900, a date-time, a time, an elapsed-time "
                 "and a quoted-text format that are numbers; sheet `Leap bug` holds serial 60 (refused), `Negative` a negative serial.")

    xlsx(os.path.join(out, "dates_1904.xlsx"), [
        ("Dates", row(1, [n("A1", "0", 1), n("B1", "1", 1), n("C1", "366", 1), n("D1", "44287", 1), n("E1", "60", 1)]), None),
    ], styles=DATE_STYLES, date1904=True,
        describe="1904 date system (workbookPr date1904=1): serials 0, 1, 366, 44287 and 60 (a real day here).")

    strings = [t("Code"), t("Name"), t("A81001"), "<r><t>Rich </t></r><r><rPr><b/></rPr><t>text</t></r><rPh sb=\"0\" eb=\"1\"><t>phonetic</t></rPh>",
               t("line one\nline two"), t("carriage_x000D_return"), "<t/>", t("  padded  ")]
    sparse = (
        '<dimension ref="A1:F9"/><sheetData>'
        + row(1, [s("A1", 0), s("B1", 1), inline("F1", "Far")])
        + row(3, [s("A3", 2), s("C3", 3), '<c r="D3" t="b"><v>1</v></c>', '<c r="E3" t="b"><v>0</v></c>'])
        # cells without r attributes follow one another from column A
        + '<row r="4"><c t="s"><v>4</v></c><c t="s"><v>5</v></c><c><v>1.5E-3</v></c><c><v>-2.5e+4</v></c></row>'
        + row(5, ['<c r="A5" t="e"><v>#N/A</v></c>', '<c r="B5" t="str"><f>CONCAT("a","b")</f><v>ab</v></c>',
                  '<c r="C5"><f>1+1</f><v>2</v></c>', '<c r="D5"><f>1/0</f></c>', '<c r="E5" s="0"/>', s("F5", 7)])
        # a row of empty cells only (formatting) and a row holding an empty shared string are not delivered
        + row(6, ['<c r="A6" s="0"/>', '<c r="B6" s="0"/>'])
        + row(7, [s("A7", 6)])
        + row(9, [inline("B9", "last <one> & only"), '<c r="C9" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c>',
                  '<c r="D9" t="d"><v>2026-02-01T00:00:00</v></c>'])
        + '</sheetData>')
    xlsx(os.path.join(out, "sparse.xlsx"), [("Sparse", sparse, None), ("Hidden", row(1, [inline("A1", "x")]), "hidden")],
         strings=strings,
         describe="sparse rows (1, 3, 4, 5, 9; 6 and 7 hold nothing) and cells, cells without `r`, rich text with a phonetic run, "
                  "`_x000D_`, booleans, `#N/A`, formula results (string, number, none), exponent numbers, inline strings (rich too), "
                  "an ISO date cell (`t=\"d\"`); a hidden second sheet.")

    # The OpenXML SDK writes every element with an `x:` prefix.
    prefixed = (DECL + '<x:worksheet xmlns:x="%s"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>prefixed</x:t></x:is></x:c>'
                '<x:c r="B1"><x:v>42</x:v></x:c></x:row></x:sheetData></x:worksheet>' % MAIN)
    xlsx(os.path.join(out, "prefixed.xlsx"), [("Sheet1", "RAW:" + prefixed, None)],
         describe="elements with an `x:` namespace prefix (as the OpenXML SDK writes them), no shared-strings or styles part.")

    xlsx(os.path.join(out, "no_shared_strings.xlsx"), [("Sheet1", row(1, [inline("A1", "ok")]) + row(2, [s("B2", 0)]), None)],
         describe="a cell of type `s` (B2) in a workbook without a shared-strings part.")

    xlsx(os.path.join(out, "bad_string_index.xlsx"), [("Sheet1", row(1, [s("A1", 0)]) + row(2, [s("C2", 5)]), None)],
         strings=[t("only one")], describe="C2 refers to shared string 5 of a one-string table.")

    broken = ('<sheetData>' + row(1, [inline("A1", "fine")]) + row(2, [n("A2", "1"), n("B2", "2")])
              + '<row r="3"><c r="A3"><v>3</c></row></sheetData>')
    xlsx(os.path.join(out, "broken_xml.xlsx"), [("Data", broken, None)],
         describe="malformed sheet XML: `<v>` closed by `</c>` in cell A3.")

    good = DECL + '<worksheet xmlns="%s"><sheetData>%s' % (MAIN, "".join(row(r, [n("A%d" % r, str(r)), inline("B%d" % r, "row %d" % r)]) for r in range(1, 6)))
    xlsx(os.path.join(out, "truncated_xml.xlsx"), [("Data", "RAW:" + good, None)],
         describe="sheet XML that stops after row 5 without closing `sheetData` or `worksheet` (the zip itself is sound).")

    xlsx(os.path.join(out, "out_of_order.xlsx"), [("Data", row(1, [n("A1", "1")]) + row(3, [n("A3", "3")]) + row(2, [n("A2", "2")]), None)],
         describe="row 2 after row 3.")

    xlsx(os.path.join(out, "bad_number.xlsx"), [("Data", row(1, [n("A1", "1")]) + row(14, [n("A14", "7"), n("B14", "x"), n("C14", "12abc")]), None)],
         describe="C14 (and B14) hold values that are not numbers in number cells; the error names B14, the first.")

    laughs = (DECL + '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
              '<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData></worksheet>' % MAIN)
    xlsx(os.path.join(out, "doctype.xlsx"), [("Data", "RAW:" + laughs, None)],
         describe="a sheet with a document type declaration and nested entities (refused before any expansion).")

    xlsx(os.path.join(out, "missing_part.xlsx"), [("Present", row(1, [inline("A1", "here")]), None), ("Gone", row(1, [inline("A1", "gone")]), None)],
         drop_parts={"xl/worksheets/sheet2.xml"},
         describe="the workbook lists sheet `Gone` whose part xl/worksheets/sheet2.xml is not in the zip.")

    many = [t("s%d" % i) for i in range(120)]
    xlsx(os.path.join(out, "many_strings.xlsx"), [("Data", row(1, [s("A1", 0), s("B1", 119)]), None)], strings=many,
         describe="a 120-string shared-strings table (the tests read it with a cap of 100).")

    # A publication-shaped table: title rows, a header found by content on row 6 with footnote markers
    # and an embedded line break, group headings over Count/% pairs (merged: the % cell is empty),
    # a national total row before the practice rows, notes under the table.
    hs = ["Practice level table", "Month [1]", "GP Practice \n(ODS_CODE)", "PCN Name [2,3]", "ICB Code  [2]",
          "Total calls [4]", "Answered", "Count", "%", "ENGLAND", "A81001", "THE DENSHAM SURGERY", "STOCKTON PCN",
          "QHM", "A81002", "QUEENS PARK", "Notes: [1] month of activity", "Published 26 March 2026"]
    body = ('<sheetData>' + row(1, [s("A1", 0)]) + row(2, [s("A2", 17)])
            + row(6, [s("A6", 1), s("B6", 2), s("C6", 3), s("D6", 4), s("E6", 5), s("G6", 6)])
            + row(7, [s("E7", 7), s("F7", 8), s("G7", 7), s("H7", 8)])
            + row(8, [n("A8", "46054", 1), s("B8", 9), n("E8", "1000"), n("F8", "100"), n("G8", "900"), n("H8", "90")])
            + row(9, [n("A9", "46054", 1), s("B9", 10), s("C9", 12), s("D9", 13), n("E9", "10"), n("F9", "1.5"), n("G9", "9"), n("H9", "90")])
            + row(10, [n("A10", "46054", 1), s("B10", 14), s("C10", 12), s("D10", 13), n("E10", "20"), n("F10", "3"), n("G10", "18")])
            + row(12, [s("A12", 16)]) + '</sheetData><mergeCells count="2"><mergeCell ref="E6:F6"/><mergeCell ref="G6:H6"/></mergeCells>')
    xlsx(os.path.join(out, "headers.xlsx"), [("Table 3", body, None)], strings=[t(x) if "\n" not in x else "<t>%s</t>" % x for x in hs],
         styles=DATE_STYLES,
         describe="a published table: title rows, header on row 6 (footnote markers, a line break, a double space), group "
                  "headings over a Count/% second header row, a national total row, two practice rows (H10 empty), notes on row 12.")


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"')


def ods(path, tables, describe, raw_content=None):
    content = raw_content if raw_content is not None else (
        DECL + '<office:document-content %s><office:body><office:spreadsheet>%s</office:spreadsheet></office:body></office:document-content>'
        % (ODS_NS, "".join('<table:table table:name="%s">%s</table:table>' % (name, body) for name, body in tables)))
    manifest = (DECL + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    # The mimetype entry comes first and is stored, as OpenDocument requires.
    write_zip(path, [("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
                     ("content.xml", content, zipfile.ZIP_DEFLATED),
                     ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)])
    README.append((os.path.basename(path), describe))


def cell(inner="", **attrs):
    a = "".join(' %s="%s"' % (k.replace("__", ":").replace("_", "-"), v) for k, v in attrs.items())
    return "<table:table-cell%s>%s</table:table-cell>" % (a, inner) if inner else "<table:table-cell%s/>" % a


def p(text):
    return "<text:p>%s</text:p>" % text


def make_ods(out):
    col = "<table:table-column table:number-columns-repeated=\"1024\"/>"
    values = (col
              + '<table:table-row>' + cell(p("Type"), office__value_type="string") + cell(p("Value"), office__value_type="string") + '</table:table-row>'
              + '<table:table-row>' + cell(p("float"), office__value_type="string") + cell(p("3.5"), office__value_type="float", office__value="3.5") + '</table:table-row>'
              + '<table:table-row>' + cell(p("percentage"), office__value_type="string") + cell(p("12.5%"), office__value_type="percentage", office__value="0.125") + '</table:table-row>'
              + '<table:table-row>' + cell(p("currency"), office__value_type="string") + cell(p("£1,234.50"), office__value_type="currency", office__currency="GBP", office__value="1234.5") + '</table:table-row>'
              + '<table:table-row>' + cell(p("date"), office__value_type="string") + cell(p("01/04/2022"), office__value_type="date", office__date_value="2022-04-01") + '</table:table-row>'
              + '<table:table-row>' + cell(p("datetime"), office__value_type="string") + cell(p("01/04/2022 13:30"), office__value_type="date", office__date_value="2022-04-01T13:30:00") + '</table:table-row>'
              + '<table:table-row>' + cell(p("time"), office__value_type="string") + cell(p("13:30:05"), office__value_type="time", office__time_value="PT13H30M05S") + '</table:table-row>'
              + '<table:table-row>' + cell(p("boolean"), office__value_type="string") + cell(p("TRUE"), office__value_type="boolean", office__boolean_value="true") + '</table:table-row>'
              + '<table:table-row>' + cell(p("tiny"), office__value_type="string") + cell(p("1E-05"), office__value_type="float", office__value="1E-05") + '</table:table-row>'
              + '<table:table-row>' + cell(p("spaces"), office__value_type="string")
              + cell('<text:p>a<text:s text:c="3"/>b<text:s/>c<text:tab/>d</text:p>', office__value_type="string") + '</table:table-row>'
              + '<table:table-row>' + cell(p("paragraphs"), office__value_type="string")
              + cell('<office:annotation><dc:creator>someone</dc:creator><text:p>a comment, not a value</text:p></office:annotation>'
                     '<text:p>first</text:p><text:p><text:span>second</text:span> line</text:p>', office__value_type="string") + '</table:table-row>'
              + '<table:table-row table:number-rows-repeated="1048564">' + cell(table__number_columns_repeated="1024") + '</table:table-row>')
    # Repeats: a value repeated across 3 columns, a gap of 2 empty columns, a covered (merged) cell,
    # 16,000 trailing empty columns; a non-empty row repeated twice, 3 empty rows, then a header row
    # that has moved down, and a million trailing empty rows.
    repeats = ('<table:table-header-rows><table:table-row>' + cell(p("x"), office__value_type="string", table__number_columns_repeated="3")
               + cell(table__number_columns_repeated="2") + cell(p("merged"), office__value_type="string", table__number_columns_spanned="2")
               + '<table:covered-table-cell/>' + cell(p("7"), office__value_type="float", office__value="7")
               + cell(table__number_columns_repeated="16000") + '</table:table-row></table:table-header-rows>'
               + '<table:table-row table:number-rows-repeated="2">' + cell(p("same"), office__value_type="string") + cell(p("2"), office__value_type="float", office__value="2") + '</table:table-row>'
               + '<table:table-row table:number-rows-repeated="3">' + cell(table__number_columns_repeated="1024") + '</table:table-row>'
               + '<table:table-row-group><table:table-row>' + cell(p("Location ID [1]"), office__value_type="string") + cell(p("Location Name"), office__value_type="string")
               + cell(p("Location") + p("Inspection Directorate"), office__value_type="string") + '</table:table-row>'
               + '<table:table-row>' + cell(p("1-000000001"), office__value_type="string") + cell(p("The Surgery"), office__value_type="string") + cell(p("Primary Medical Services"), office__value_type="string") + '</table:table-row></table:table-row-group>'
               + '<table:table-row table:number-rows-repeated="1048000">' + cell(table__number_columns_repeated="16384") + '</table:table-row>')
    ods(os.path.join(out, "values.ods"), [("Values", values), ("Repeats", repeats), ("Empty", '<table:table-row table:number-rows-repeated="1048576">' + cell(table__number_columns_repeated="16384") + '</table:table-row>')],
        describe="sheet `Values`: each office:value-type, text:s/tab, two paragraphs, an annotation (left out), 1,048,564 trailing empty "
                 "rows; `Repeats`: repeated cells and rows, a covered cell, 16,000 trailing empty columns, a header row that moved to "
                 "row 7 inside a row group, a million trailing empty rows; `Empty`: a whole empty sheet.")

    ods(os.path.join(out, "broken.ods"), None, describe="content.xml cut short inside a cell.",
        raw_content=DECL + '<office:document-content %s><office:body><office:spreadsheet><table:table table:name="Data"><table:table-row>'
        '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>cut' % ODS_NS)

    ods(os.path.join(out, "bad_value.ods"), [("Data", '<table:table-row>' + cell(p("a"), office__value_type="string") + '</table:table-row><table:table-row>'
                                              + cell() + cell(table__number_columns_repeated="2") + cell(p("?"), office__value_type="float", office__value="n/a") + '</table:table-row>')],
        describe="D2 is a float cell whose office:value is `n/a`.")


def make_other(out):
    # An OOXML package that is not a workbook: a word-processing document.
    write_zip(os.path.join(out, "document.docx"), [
        ("[Content_Types].xml", DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>', zipfile.ZIP_DEFLATED),
        ("word/document.xml", DECL + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>', zipfile.ZIP_DEFLATED),
    ])
    README.append(("document.docx", "an OOXML package that is not a workbook (a word-processing document): listed as a zip, not refused."))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Fixtures", "sheets")
    os.makedirs(out, exist_ok=True)
    make_xlsx(out)
    make_ods(out)
    make_other(out)
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("# Edge-case and hostile workbooks\n\nGenerated by `Tests/fixture-tools/make_sheet_fixtures.py` (standard library only, "
                "deterministic; the XML is written by hand). Real published workbooks are under `Fixtures/samples/`.\n\n"
                "| file | what it holds |\n|---|---|\n")
        for name, describe in README:
            f.write("| %s | %s |\n" % (name, describe))


if __name__ == "__main__":
    main()
