import Transform
import XCTest

/// The sheet readers over XML fed in small chunks (so tags, characters and `<!DOCTYPE` fall
/// across chunk boundaries), without a zip: rows, values, caps and refusals.
final class SheetStreamTests: XCTestCase {
    /// Bytes handed out `chunk` at a time.
    final class ChunkedBytes: ByteSource {
        private let bytes: [UInt8]
        private let chunk: Int
        private var offset = 0
        init(_ text: String, chunk: Int = 7) {
            bytes = Array(text.utf8)
            self.chunk = chunk
        }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let n = min(chunk, buffer.count, bytes.count - offset)
            buffer.copyBytes(from: bytes[offset..<(offset + n)])
            offset += n
            return n
        }
    }

    static let main = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

    func sheet(_ rows: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet \(Self.main)><sheetData>\(rows)</sheetData></worksheet>"
    }

    func rows(_ xml: String, strings: [String]? = ["zero", "one"], styles: CellStyles = CellStyles(formats: [.number, .date]),
              system: SerialDate.System = .from1900, limits: SheetLimits = .standard, minimumWidth: Int = 0) throws -> [[String]] {
        var table: SharedStrings? = nil
        if let strings {
            let sst = "<sst \(Self.main)>" + strings.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>"
            table = try SharedStrings.read(ChunkedBytes(sst), part: "xl/sharedStrings.xml", file: "t.xlsx", sheet: "S", limits: limits)
        }
        let reader = XLSXSheetReader(context: SheetRowsContext(file: "t.xlsx", sheet: "S", part: "xl/worksheets/sheet1.xml", limits: limits),
                                     strings: table, styles: styles, dateSystem: system)
        var out: [[String]] = []
        try reader.forEachRow(ChunkedBytes(xml), minimumWidth: minimumWidth) { record in
            out.append([String(record.line)] + record.strings)
        }
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

    func testSparseRowsAndCellsBecomeNumberedRecordsWithEmptyGaps() throws {
        let xml = sheet("""
            <row r="2"><c r="B2" t="s"><v>1</v></c><c r="D2"><v>4.5</v></c></row>\
            <row r="3"><c r="A3" s="0"/></row>\
            <row r="5" spans="1:3"><c t="s"><v>0</v></c><c/><c><v>7</v></c></row>\
            <row><c r="C6" t="inlineStr"><is><r><t>in</t></r><r><t xml:space="preserve"> line</t></r><rPh><t>x</t></rPh></is></c></row>
            """)
        XCTAssertEqual(try rows(xml), [["2", "", "one", "", "4.5"], ["5", "zero", "", "7"], ["6", "", "", "in line"]])
        XCTAssertEqual(try rows(xml, minimumWidth: 5), [["2", "", "one", "", "4.5", ""], ["5", "zero", "", "7", "", ""], ["6", "", "", "in line", "", ""]])
    }

    func testValuesByCellType() throws {
        let xml = sheet("""
            <row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="e"><v>#N/A</v></c>\
            <c r="D1" t="str"><f>A1&amp;B1</f><v>x &lt; y</v></c><c r="E1" s="1"><v>46054</v></c><c r="F1" s="0"><v>46054</v></c>\
            <c r="G1"><v>1.5E-3</v></c><c r="H1" t="n"><v>-0</v></c><c r="I1"><f>1/0</f></c><c r="J1" t="d"><v>2026-02-01</v></c></row>
            """)
        XCTAssertEqual(try rows(xml), [["1", "TRUE", "FALSE", "#N/A", "x < y", "2026-02-01", "46054", "0.0015", "-0", "", "2026-02-01"]])
        XCTAssertEqual(try rows(sheet("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c></row>"), system: .from1904), [["1", "1904-01-01"]])
    }

    func testRefusalsNameTheCell() {
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"14\"><c r=\"C14\" t=\"s\"><v>9</v></c></row>")) },
                       "t.xlsx:S!C14: shared string 9 does not exist (the table has 2)")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"2\"><c r=\"B2\" t=\"s\"><v>0</v></c></row>"), strings: nil) },
                       "t.xlsx:S!B2: the cell refers to shared string 0 but the workbook has no shared-strings part")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"3\"><c r=\"A3\"><v>12abc</v></c></row>")) },
                       "t.xlsx:S!A3: number '12abc' is not a number")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"3\"><c r=\"D3\" t=\"b\"><v>yes</v></c></row>")) },
                       "t.xlsx:S!D3: boolean 'yes' is not 0 or 1")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"4\"><c r=\"A4\" s=\"1\"><v>60</v></c></row>")) },
                       "t.xlsx:S!A4: date serial '60' is 29 February 1900, a day that never existed (Excel's 1900 leap-year bug)")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"4\"><c r=\"A4\" t=\"x\"><v>1</v></c></row>")) },
                       "t.xlsx:S!A4: unknown cell type 'x'")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"4\"><c r=\"C4\"><v>1</v></c><c r=\"B4\"><v>2</v></c></row>")) },
                       "t.xlsx:S!B4: cell B4 comes after C4: cells out of order or repeated")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"4\"><c r=\"C5\"><v>1</v></c></row>")) },
                       "t.xlsx:S!row 4: cell C5 is inside row 4")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"4\"/><row r=\"4\"/>")) },
                       "t.xlsx:S!row 4: row 4 comes after row 4: rows out of order or repeated")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"4\"><c r=\"ZZZZ4\"><v>1</v></c></row>")) },
                       "t.xlsx:S!row 4: cell reference 'ZZZZ4' is not a cell")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"1048577\"><c><v>1</v></c></row>")) },
                       "t.xlsx:S: row number '1048577' after row 0 is not a sheet row")
    }

    func testMalformedTruncatedEmptyAndDoctypeSheetsAreRefused() {
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"B2\"><v>2</c></row>")) },
                       "t.xlsx:S!B2: malformed XML in xl/worksheets/sheet1.xml at line 2, column 157: an end tag does not match its start tag (libxml2 error 76)")
        let truncated = String(sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"B2\"><v>2</v></c></row>").dropLast(30))
        XCTAssertTrue(error { _ = try rows(truncated) }.hasPrefix("t.xlsx:S!B2: malformed XML in xl/worksheets/sheet1.xml at line 2, column "), error { _ = try rows(truncated) })
        XCTAssertEqual(error { _ = try rows("") }, "t.xlsx:S: xl/worksheets/sheet1.xml is empty: no XML element in it")
        XCTAssertEqual(error { _ = try rows("   \n") }, "t.xlsx:S: xl/worksheets/sheet1.xml is empty: no XML element in it")
        // Split across 7-byte chunks, the declaration is still seen, and nothing is expanded.
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]><worksheet \(Self.main)><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>"
        XCTAssertEqual(error { _ = try rows(laughs) },
                       "t.xlsx:S: xl/worksheets/sheet1.xml has a document type declaration (<!DOCTYPE>), which no workbook part has: refused")
    }

    func testRowsDeliveredBeforeAnErrorStopAtIt() {
        // libxml2 parses in recover mode; nothing after the first error may reach the caller.
        var seen: [Int] = []
        let reader = XLSXSheetReader(context: SheetRowsContext(file: "t.xlsx", sheet: "S", part: "p"), strings: nil, styles: .none, dateSystem: .from1900)
        XCTAssertThrowsError(try reader.forEachRow(ChunkedBytes(sheet("<row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c><v>2</x></c></row><row r=\"3\"><c><v>3</v></c></row>"), chunk: 4096)) {
            seen.append($0.line)
        })
        XCTAssertEqual(seen, [1])
    }

    func testCapsOnCellsRowsAndTheSharedStringsTable() {
        let small = SheetLimits(maxSharedStrings: 2, maxSharedStringBytes: 8, maxCellBytes: 5, maxRowBytes: 9)
        XCTAssertEqual(error { _ = try rows(sheet(""), strings: ["a", "b", "c"], limits: small) },
                       "t.xlsx:S: the shared-strings table (xl/sharedStrings.xml) has more than 2 strings, over the cap: refused")
        XCTAssertEqual(error { _ = try rows(sheet(""), strings: ["abcde", "fghij"], limits: small) },
                       "t.xlsx:S: the shared-strings table (xl/sharedStrings.xml) has more than 8 bytes of text, over the cap: refused")
        XCTAssertEqual(error { _ = try rows(sheet(""), strings: ["abcdef"], limits: small) },
                       "t.xlsx:S: shared string 0 in xl/sharedStrings.xml is over the cap of 5 bytes")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"2\"><c r=\"C2\" t=\"inlineStr\"><is><t>abcdef</t></is></c></row>"), limits: small) },
                       "t.xlsx:S!C2: cell over the cap of 5 bytes")
        XCTAssertEqual(error { _ = try rows(sheet("<row r=\"2\"><c><v>12345</v></c><c><v>12345</v></c></row>"), limits: small) },
                       "t.xlsx:S!B2: row over the cap of 9 bytes")
    }

    func testMapperErrorsFromTheRowCallbackArePlacedInTheSheet() {
        let reader = XLSXSheetReader(context: SheetRowsContext(file: "t.xlsx", sheet: "Table 2", part: "p"), strings: nil, styles: .none, dateSystem: .from1900)
        XCTAssertEqual(error {
            try reader.forEachRow(ChunkedBytes(sheet("<row r=\"14\"><c r=\"C14\"><v>1</v></c></row>"))) { record in
                throw TransformError(.value, file: "t.xlsx", line: record.line, column: 3, "invalid count")
            }
        }, "t.xlsx:Table 2!C14: invalid count")
    }

    // MARK: OpenDocument

    static let odsNamespaces = "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""

    func content(_ tables: String) -> String {
        "<?xml version=\"1.0\"?><office:document-content \(Self.odsNamespaces)><office:body><office:spreadsheet>\(tables)</office:spreadsheet></office:body></office:document-content>"
    }

    func odsRows(_ xml: String, sheet: String, limits: SheetLimits = .standard) throws -> [[String]] {
        var out: [[String]] = []
        try ODSContentReader(file: "t.ods", limits: limits).forEachRow(ChunkedBytes(xml), sheet: sheet) { record in
            out.append([String(record.line)] + record.strings)
        }
        return out
    }

    func testOpenDocumentRepeatsExpandOnlyWhatHoldsValues() throws {
        let xml = content("""
            <table:table table:name="First"><table:table-row><table:table-cell office:value-type="string"><text:p>skip me</text:p></table:table-cell></table:table-row></table:table>\
            <table:table table:name="Data"><table:table-column table:number-columns-repeated="16384"/>\
            <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"/>\
            <table:table-cell office:value-type="float" office:value="1E-3" table:number-columns-repeated="2"><text:p>0.001</text:p></table:table-cell>\
            <table:table-cell table:number-columns-repeated="16380"/></table:table-row>\
            <table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>\
            <table:table-row><table:table-cell office:value-type="boolean" office:boolean-value="false"><text:p>FALSE</text:p></table:table-cell></table:table-row>\
            <table:table-row table:number-rows-repeated="48573"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>\
            </table:table>
            """)
        XCTAssertEqual(try odsRows(xml, sheet: "Data"), [["1", "", "", "0.001", "0.001"], ["2", "", "", "0.001", "0.001"], ["1000003", "FALSE"]])
        XCTAssertEqual(try ODSContentReader(file: "t.ods").tables(ChunkedBytes(xml, chunk: 4096)),
                       [.init(name: "First", lastRow: 1, columns: 1), .init(name: "Data", lastRow: 1_000_003, columns: 4)])
        XCTAssertEqual(error { _ = try odsRows(xml, sheet: "Missing") }, "t.ods:Missing: no such sheet (the workbook has 'First', 'Data')")
    }

    func testOpenDocumentTextAndRefusals() {
        let text = content("""
            <table:table table:name="T"><table:table-row><table:table-cell office:value-type="string">\
            <office:annotation><text:p>a comment</text:p></office:annotation><text:p>a<text:s text:c="2"/>b</text:p><text:p><text:span>c</text:span><text:tab/>d<text:line-break/>e</text:p>\
            </table:table-cell><table:table-cell office:value-type="string" office:string-value="attribute wins"><text:p>shown</text:p></table:table-cell>\
            <table:table-cell office:value-type="time" office:time-value="PT07H05M09S"/><table:table-cell office:value-type="date" office:date-value="2022-04-01"/>\
            <table:table-cell office:value-type="percentage" office:value="0.125"/><table:table-cell office:value-type="currency" office:currency="GBP" office:value="-3"/></table:table-row></table:table>
            """)
        XCTAssertEqual(try? odsRows(text, sheet: "T"), [["1", "a  b\nc\td\ne", "attribute wins", "07:05:09", "2022-04-01", "0.125", "-3"]])
        let past = content("<table:table table:name=\"T\"><table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/><table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"2\"/></table:table-row></table:table>")
        XCTAssertEqual(error { _ = try odsRows(past, sheet: "T") }, "t.ods:T!XFD1: a cell past column XFD")
        let badCount = content("<table:table table:name=\"T\"><table:table-row table:number-rows-repeated=\"-5\"/></table:table>")
        XCTAssertEqual(error { _ = try odsRows(badCount, sheet: "T") }, "t.ods:T!A1: number of repeated rows '-5' is not a positive number")
        let noValue = content("<table:table table:name=\"T\"><table:table-row><table:table-cell/><table:table-cell office:value-type=\"float\"/></table:table-row></table:table>")
        XCTAssertEqual(error { _ = try odsRows(noValue, sheet: "T") }, "t.ods:T!B1: a float cell without office:value")
        let big = content("<table:table table:name=\"T\"><table:table-row><table:table-cell><text:p>ab<text:s text:c=\"1000000000\"/></text:p></table:table-cell></table:table-row></table:table>")
        XCTAssertEqual(error { _ = try odsRows(big, sheet: "T", limits: SheetLimits(maxCellBytes: 100)) }, "t.ods:T!A1: cell over the cap of 100 bytes")
    }

    // MARK: Finding the header

    func feed(_ rows: [[String]], search: SheetTableReader.Search) throws -> (SheetHeader?, [[String]]) {
        let table = SheetTableReader(search: search, file: "t.xlsx", sheet: "Table 3")
        var header: SheetHeader?
        var data: [[String]] = []
        let builderRows = rows.enumerated().filter { !$0.element.allSatisfy(\.isEmpty) }
        for (index, cells) in builderRows {
            let text = "<row r=\"\(index + 1)\">" + cells.map { "<c t=\"inlineStr\"><is><t xml:space=\"preserve\">\($0)</t></is></c>" }.joined() + "</row>"
            let reader = XLSXSheetReader(context: SheetRowsContext(file: "t.xlsx", sheet: "Table 3", part: "p"), strings: nil, styles: .none, dateSystem: .from1900)
            try reader.forEachRow(ChunkedBytes(sheet(text), chunk: 4096)) { record in
                try table.feed(record, onHeader: { header = $0 }, onRow: { data.append([String($0.line)] + $0.strings) })
            }
        }
        try table.finish(onHeader: { header = $0 })
        return (header, data)
    }

    func testTheHeaderIsFoundByContentWithASecondHeaderRowAndATotalRowSkipped() throws {
        let rows = [
            ["Practice level table"], [], ["Month [1]", "GP Practice \n(ODS_CODE)", "ICB Code  [2]", "Total calls [4]", "", "Answered"],
            ["", "", "", "Count", "%", "Count", "%"], ["2026-02-01", "ENGLAND", "", "1000", "100", "900", "90"],
            ["2026-02-01", "A81001", "QHM", "10", "1.5"], ["Notes"],
        ]
        let search = SheetTableReader.Search(required: ["GP Practice (ODS_CODE)", "Month"], subHeadings: ["Count", "%"]) { record, header in
            let code = record.string(header.index(of: "GP Practice (ODS_CODE)")!)
            return code == "ENGLAND" || code.isEmpty
        }
        let (header, data) = try feed(rows, search: search)
        XCTAssertEqual(header, SheetHeader(row: 3, subRow: 4, names: ["Month", "GP Practice (ODS_CODE)", "ICB Code", "Total calls Count", "Total calls %", "Answered Count", "Answered %"]))
        XCTAssertEqual(data, [["6", "2026-02-01", "A81001", "QHM", "10", "1.5", "", ""]])
    }

    func testAHeaderWithoutASecondRowAndAMissingHeader() throws {
        let (header, data) = try feed([["title"], ["Code", "Name"], ["A1", "x"]], search: .init(required: ["code"], subHeadings: ["Count"]))
        XCTAssertEqual(header, SheetHeader(row: 2, subRow: nil, names: ["Code", "Name"]))
        XCTAssertEqual(data, [["3", "A1", "x"]])
        let (onlyHeader, none) = try feed([["Code", "Name"]], search: .init(required: ["Code"]))
        XCTAssertEqual(onlyHeader?.row, 1)
        XCTAssertEqual(none, [])
        XCTAssertEqual(error { _ = try feed([["a"], ["Code"]], search: .init(required: ["Code", "Name"])) },
                       "t.xlsx:Table 3: no header row with 'Code', 'Name' in the first 50 rows")
        XCTAssertEqual(error { _ = try feed([["a"], ["b"], ["Code"]], search: .init(required: ["Code"], withinRows: 2)) },
                       "t.xlsx:Table 3: no header row with 'Code' in the first 2 rows")
    }
}
