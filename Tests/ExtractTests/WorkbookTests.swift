import Extract
import Foundation
import Publications
import TestSupport
import Transform
import XCTest

/// Workbooks opened from disk (and from inside a zip): real published XLSX files reconciled
/// with an independent Python reading, the edge-case and hostile fixtures in Fixtures/sheets,
/// and a sheet feeding the CSV mappers unchanged.
final class WorkbookTests: XCTestCase {
    static let ocWorkbook = "samples/oc_cbt/Submissions via OC Systems in General Practice - February 2026.xlsx"
    static let workforceWorkbook = "samples/workforce/0 General Practice Detailed Practice-Level CSV. Overall Definitions.xlsx"

    func open(_ fixture: String, limits: SheetLimits = .standard) throws -> any Workbook {
        try XCTUnwrap(try Workbooks.open(ZipArchive(path: Fixtures.path(fixture)), limits: limits))
    }

    func openEPCN() throws -> any Workbook {
        let outer = try ZipArchive(path: Fixtures.path("samples/ods/epcn_2022-04.zip"))
        return try XCTUnwrap(try Workbooks.open(entry: XCTUnwrap(outer.entry(named: "ePCN.xlsx")), of: outer))
    }

    /// Every row holding a value, as (row number, cells).
    func rows(_ workbook: any Workbook, _ sheet: String) throws -> [[String]] {
        var out: [[String]] = []
        try workbook.forEachRow(sheet: sheet) { out.append([String($0.line)] + $0.strings) }
        return out
    }

    func error(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return String(describing: error)
        }
    }

    /// `Tests/fixture-tools/xlsx_rows.py`: zipfile + xml.etree, written from the format spec.
    func pythonRows(_ fixture: String, _ sheet: String, entry: String? = nil) throws -> [[String]] {
        let script = Fixtures.root.appendingPathComponent("Tests/fixture-tools/xlsx_rows.py").path
        let result = try Run.program("python3", [script, Fixtures.path(fixture), sheet] + (entry.map { ["--entry", $0] } ?? []))
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.lines.map { line in
            let pair = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any])
            return [String(try XCTUnwrap(pair[0] as? Int))] + (try XCTUnwrap(pair[1] as? [String]))
        }
    }

    func testRealWorkbooksMatchAnIndependentPythonReading() throws {
        let epcn = try openEPCN()
        let oc = try open(Self.ocWorkbook)
        let workforce = try open(Self.workforceWorkbook)
        let cases: [(any Workbook, String, String, String?, Int)] = [
            (epcn, "samples/ods/epcn_2022-04.zip", "PCNDetails", "ePCN.xlsx", 1319),
            (epcn, "samples/ods/epcn_2022-04.zip", "PCN Core Partner Details", "ePCN.xlsx", 7360),
            (oc, Self.ocWorkbook, "Title sheet", nil, 30),
            (oc, Self.ocWorkbook, "Data Quality", nil, 25),
            (oc, Self.ocWorkbook, "Table 1", nil, 26),
            (oc, Self.ocWorkbook, "Table 2", nil, 6186),
            (oc, Self.ocWorkbook, "Table 3", nil, 25),
            (workforce, Self.workforceWorkbook, "Practice-Level CSV Definitions", nil, 806),
        ]
        for (workbook, fixture, sheet, entry, count) in cases {
            let swift = try rows(workbook, sheet)
            XCTAssertEqual(swift.count, count, sheet)
            XCTAssertEqual(swift, try pythonRows(fixture, sheet, entry: entry), sheet)
        }
        // What the comparison covers, seen directly: a date-formatted month, counts stored as
        // text, a 17-digit rate, booleans, header cells with line breaks.
        let table2 = try rows(oc, "Table 2")
        XCTAssertEqual(table2[4], ["13", "2026-02-01", "A81001", "THE DENSHAM SURGERY", "U89141", "STOCKTON PCN", "16C",
                                   "NHS NORTH EAST AND NORTH CUMBRIA ICB - 16C", "QHM", "NHS NORTH EAST AND NORTH CUMBRIA INTEGRATED CARE BOARD",
                                   "Y63", "NORTH EAST AND YORKSHIRE", "ECONSULT HEALTH LIMITED", "157", "133", "24", "0", "3753", "41.833200106581401", "1"])
        XCTAssertEqual(try rows(oc, "Table 1").first { $0[0] == "11" }?.prefix(8), ["11", "", "", "Feb-26 [10,11]", "Jan-26 [9]", "Dec-25 [7,8]", "2025-11-01", "2025-10-01"])
        XCTAssertEqual(try rows(epcn, "PCNDetails")[0][3], "Current Clinical \nCommissioning \nGroup Code")
        XCTAssertEqual(Set(try rows(epcn, "PCN Core Partner Details").dropFirst().map { $0[11] }), ["TRUE", "FALSE"])
    }

    func testSheetsAreListedWithStateAndDimension() throws {
        XCTAssertEqual(try open(Self.ocWorkbook).sheets().map { "\($0.name)|\($0.state)|\($0.dimension ?? "-")" },
                       ["Title sheet|visible|A3:N48", "Data Quality|visible|A3:N44", "Table 1|visible|A2:U38", "Table 2|visible|A1:S6586", "Table 3|visible|A1:K4811"])
        XCTAssertEqual(try openEPCN().sheets().map(\.name), ["PCNDetails", "PCN Core Partner Details"])
        XCTAssertEqual(try openEPCN().displayName, Fixtures.path("samples/ods/epcn_2022-04.zip") + ":ePCN.xlsx")
        XCTAssertEqual(try open("sheets/sparse.xlsx").sheets(), [.init(name: "Sparse", state: "visible", dimension: "A1:F9"), .init(name: "Hidden", state: "hidden", dimension: nil)])
        XCTAssertEqual(try open("sheets/values.ods").sheets(),
                       [.init(name: "Values", state: "visible", dimension: "A1:B11"), .init(name: "Repeats", state: "visible", dimension: "A1:H8"),
                        .init(name: "Empty", state: "visible", dimension: nil)])
        XCTAssertNil(try Workbooks.open(ZipArchive(path: Fixtures.path("samples/ods/epcn_2022-04.zip"))))
        XCTAssertNil(try Workbooks.open(ZipArchive(path: Fixtures.path("sheets/document.docx"))))
    }

    func testAWorkbookInsideAZipLeavesNoTemporaryFile() throws {
        // What this process holds open (other test processes may be opening workbooks in the
        // same temporary directory at the same time, so the directory itself proves nothing).
        func heldWorkbookFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
                .compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
                .filter { $0.contains("pipeline-workbook-") }
        }
        let before = try heldWorkbookFiles()
        let workbook = try openEPCN()
        let held = try heldWorkbookFiles().filter { !before.contains($0) }
        XCTAssertEqual(held.count, 1, "the inflated workbook is read through one descriptor: \(held)")
        XCTAssertTrue(held.allSatisfy { $0.hasSuffix(" (deleted)") }, "unlinked as soon as it is open: \(held)")
        XCTAssertEqual(try rows(workbook, "PCNDetails").count, 1319, "and still readable through the open descriptor")
        let outer = try ZipArchive(path: Fixtures.path("samples/ods/epcn_2022-04.zip"))
        let pdf = try XCTUnwrap(outer.entry(named: "ePCN.xlsx Specification.pdf"))
        let beforeRefusal = try heldWorkbookFiles()
        XCTAssertEqual(error { _ = try Workbooks.open(entry: pdf, of: outer) },
                       Fixtures.path("samples/ods/epcn_2022-04.zip") + ":ePCN.xlsx Specification.pdf: not a zip archive (first bytes 25 50 44 46)")
        XCTAssertEqual(try heldWorkbookFiles(), beforeRefusal, "a refused entry leaves no file open")
        withExtendedLifetime(workbook) {}
    }

    func testEdgeCaseWorkbooks() throws {
        XCTAssertEqual(try rows(open("sheets/dates_1900.xlsx"), "Dates"), [
            ["1", "serial", "shown"], ["2", "1", "1900-01-01"], ["3", "59", "1900-02-28"], ["4", "61", "1900-03-01"],
            ["5", "45748", "2025-04-01"], ["6", "45748.5", "2025-04-01T12:00:00"], ["7", "0.75", "18:00:00"], ["8", "1.5", "1.5"],
            ["9", "2.5", "2.5"], ["10", "45748.99999999", "2025-04-02"],
        ])
        XCTAssertEqual(try rows(open("sheets/dates_1904.xlsx"), "Dates"), [["1", "1904-01-01", "1904-01-02", "1905-01-01", "2025-04-02", "1904-03-01"]])
        XCTAssertEqual(try rows(open("sheets/sparse.xlsx"), "Sparse"), [
            ["1", "Code", "Name", "", "", "", "Far"], ["3", "A81001", "", "Rich text", "TRUE", "FALSE"],
            ["4", "line one\nline two", "carriage\rreturn", "0.0015", "-25000"], ["5", "#N/A", "ab", "2", "", "", "  padded  "],
            ["9", "", "last <one> & only", "inline", "2026-02-01T00:00:00"],
        ])
        XCTAssertEqual(try rows(open("sheets/sparse.xlsx"), "Hidden"), [["1", "x"]])
        XCTAssertEqual(try rows(open("sheets/prefixed.xlsx"), "Sheet1"), [["1", "prefixed", "42"]])
        let ods = try open("sheets/values.ods")
        XCTAssertEqual(try rows(ods, "Values"), [
            ["1", "Type", "Value"], ["2", "float", "3.5"], ["3", "percentage", "0.125"], ["4", "currency", "1234.5"], ["5", "date", "2022-04-01"],
            ["6", "datetime", "2022-04-01T13:30:00"], ["7", "time", "13:30:05"], ["8", "boolean", "TRUE"], ["9", "tiny", "0.00001"],
            ["10", "spaces", "a   b c\td"], ["11", "paragraphs", "first\nsecond line"],
        ])
        XCTAssertEqual(try rows(ods, "Repeats"), [
            ["1", "x", "x", "x", "", "", "merged", "", "7"], ["2", "same", "2"], ["3", "same", "2"],
            ["7", "Location ID [1]", "Location Name", "Location\nInspection Directorate"], ["8", "1-000000001", "The Surgery", "Primary Medical Services"],
        ])
        XCTAssertEqual(try rows(ods, "Empty"), [])
    }

    func testRefusalsNameWorkbookSheetAndCell() throws {
        func failure(_ fixture: String, _ sheet: String, limits: SheetLimits = .standard) -> String {
            error { _ = try rows(open(fixture, limits: limits), sheet) }
        }
        let dir = Fixtures.path("sheets")
        XCTAssertEqual(failure("sheets/sparse.xlsx", "Table 9"), "\(dir)/sparse.xlsx:Table 9: no such sheet (the workbook has 'Sparse', 'Hidden')")
        XCTAssertEqual(failure("sheets/values.ods", "Table 9"), "\(dir)/values.ods:Table 9: no such sheet (the workbook has 'Values', 'Repeats', 'Empty')")
        XCTAssertEqual(failure("sheets/missing_part.xlsx", "Gone"), "\(dir)/missing_part.xlsx:Gone: the workbook has no xl/worksheets/sheet2.xml part")
        XCTAssertEqual(try rows(open("sheets/missing_part.xlsx"), "Present"), [["1", "here"]])
        XCTAssertEqual(failure("sheets/no_shared_strings.xlsx", "Sheet1"), "\(dir)/no_shared_strings.xlsx:Sheet1!B2: the cell refers to shared string 0 but the workbook has no shared-strings part")
        XCTAssertEqual(failure("sheets/bad_string_index.xlsx", "Sheet1"), "\(dir)/bad_string_index.xlsx:Sheet1!C2: shared string 5 does not exist (the table has 1)")
        XCTAssertEqual(failure("sheets/bad_number.xlsx", "Data"), "\(dir)/bad_number.xlsx:Data!B14: number 'x' is not a number")
        XCTAssertEqual(failure("sheets/dates_1900.xlsx", "Leap bug"), "\(dir)/dates_1900.xlsx:Leap bug!A2: date serial '60' is 29 February 1900, a day that never existed (Excel's 1900 leap-year bug)")
        XCTAssertEqual(failure("sheets/dates_1900.xlsx", "Negative"), "\(dir)/dates_1900.xlsx:Negative!A1: date serial '-1' is not a day in the 1900 date system (before its first day or after 9999)")
        XCTAssertEqual(failure("sheets/broken_xml.xlsx", "Data"), "\(dir)/broken_xml.xlsx:Data!A3: malformed XML in xl/worksheets/sheet1.xml at line 2, column 322: an end tag does not match its start tag (libxml2 error 76)")
        XCTAssertEqual(failure("sheets/truncated_xml.xlsx", "Data"), "\(dir)/truncated_xml.xlsx:Data!B5: malformed XML in xl/worksheets/sheet1.xml at line 2, column 529: the document ends early or has content after its end (libxml2 error 5)")
        XCTAssertEqual(failure("sheets/out_of_order.xlsx", "Data"), "\(dir)/out_of_order.xlsx:Data!row 2: row 2 comes after row 3: rows out of order or repeated")
        XCTAssertEqual(failure("sheets/doctype.xlsx", "Data"), "\(dir)/doctype.xlsx:Data: xl/worksheets/sheet1.xml has a document type declaration (<!DOCTYPE>), which no workbook part has: refused")
        XCTAssertEqual(failure("sheets/many_strings.xlsx", "Data", limits: SheetLimits(maxSharedStrings: 100)),
                       "\(dir)/many_strings.xlsx:Data: the shared-strings table (xl/sharedStrings.xml) has more than 100 strings, over the cap: refused")
        XCTAssertEqual(try rows(open("sheets/many_strings.xlsx", limits: SheetLimits(maxSharedStrings: 120)), "Data"), [["1", "s0", "s119"]])
        XCTAssertEqual(failure("sheets/broken.ods", "Data"), "\(dir)/broken.ods:Data!A2: malformed XML in content.xml at line 2, column 547: the document ends early or has content after its end (libxml2 error 5)")
        XCTAssertEqual(failure("sheets/bad_value.ods", "Data"), "\(dir)/bad_value.ods:Data!D2: number 'n/a' is not a number")
    }

    /// The ePCN workbook's PCN sheet through the same `LayoutMapper` that reads the CSV
    /// extracts: the header found by content (its cells have line breaks), every PCN mapped.
    func testASheetFeedsTheCSVMapperUnchanged() throws {
        let workbook = try openEPCN()
        func C(_ name: String) -> CSVLayout.Column { CSVLayout.Column(name) }
        let layout = CSVLayout(
            org: C("PCN Code"), period: .external,
            measures: [C("PCN Name"), C("Current Clinical Commissioning Group Code"), C("Clinical Commissioning Group Name"),
                       C("Open Date"), C("Close Date"), C("Address Line 1"), C("Address Line 2"),
                       C("Address Line 3"), C("Address Line 4"), C("Address Line 5"), C("Postcode")],
            dateFormats: [.compact])
        var mapper: LayoutMapper?
        var row = MappedRow(spec: Ods.pcns)
        var mapped: [String: [String?]] = [:]
        try workbook.forEachTableRow(sheet: "PCNDetails", search: .init(required: ["PCN Code", "Current Clinical Commissioning Group Code"]),
                                     onHeader: { header in
            XCTAssertEqual(header.row, 1)
            mapper = try LayoutMapper(spec: Ods.pcns, layout: layout, header: header.names, source: workbook.displayName,
                                      period: ReportingPeriod(kind: .month, start: CalendarDate(year: 2022, month: 4, day: 1)!))
        }) { record in
            try mapper!.map(record, into: &row) { row in
                mapped[row.org] = row.measures.map { $0.map { String(decoding: $0, as: UTF8.self) } }
            }
        }
        XCTAssertEqual(mapped.count, 1318)
        XCTAssertEqual(mapped["U16464"], ["BARNSLEY PCN", "02P", "NHS BARNSLEY CCG", "2019-10-01", nil, "OAKS PARK PRIMARY CARE CENTRE",
                                          "THORNTON ROAD", nil, "BARNSLEY", nil, "S70 3NE"])
    }

    /// CQC's bulk files move their header down between editions: found by content in an .ods too.
    func testAHeaderThatMovedIsFoundInAnOpenDocumentSheet() throws {
        let workbook = try open("sheets/values.ods")
        var header: SheetHeader?
        var data: [[String]] = []
        try workbook.forEachTableRow(sheet: "Repeats", search: .init(required: ["Location ID", "Location Inspection Directorate"]),
                                     onHeader: { header = $0 }) { data.append([String($0.line)] + $0.strings) }
        XCTAssertEqual(header, SheetHeader(row: 7, subRow: nil, names: ["Location ID", "Location Name", "Location Inspection Directorate"]))
        XCTAssertEqual(data, [["8", "1-000000001", "The Surgery", "Primary Medical Services"]])
    }

    /// A mapper's refusal (`file:line:column`) comes out as the sheet's cell, and a header
    /// refusal names the header row found by content.
    func testMapperRefusalsNameTheSheetCell() throws {
        let workbook = try open("sheets/headers.xlsx")
        let spec = DatasetSpec(id: "oc-test", source: "test", title: "test", table: "t", periodKind: .month, dimensions: [],
                               measures: [.init("calls", .integer), .init("calls_pct", .integer)])
        func read(_ columns: [String]) -> String {
            let layout = CSVLayout(org: .init("GP Practice (ODS_CODE)"), period: .column(.init("Month"), formats: [.iso]),
                                   measures: columns.map { CSVLayout.Column($0) }, ignored: ["PCN Name", "ICB Code", "Answered Count", "Answered %"].map { CSVLayout.Column($0) })
            var mapper: LayoutMapper?
            var row = MappedRow(spec: spec)
            let search = SheetTableReader.Search(required: ["GP Practice (ODS_CODE)", "Month"], subHeadings: ["Count", "%"]) { record, header in
                record.string(header.index(of: "GP Practice (ODS_CODE)")!) == "ENGLAND"
            }
            return error {
                try workbook.forEachTableRow(sheet: "Table 3", search: search, onHeader: { header in
                    mapper = try LayoutMapper(spec: spec, layout: layout, header: header.names, source: workbook.displayName, period: nil)
                }) { record in try mapper!.map(record, into: &row) { _ in } }
            }
        }
        let file = Fixtures.path("sheets/headers.xlsx")
        XCTAssertEqual(read(["Total calls Count", "Total calls %"]), "\(file):Table 3!F9: invalid integer '1.5' in Total calls %")
        XCTAssertEqual(read(["Total calls Count", "Calls answered"]),
                       "\(file):Table 3!row 6: header does not match oc-test: missing CALLS_ANSWERED; unexpected 'Total calls %'")
    }
}
