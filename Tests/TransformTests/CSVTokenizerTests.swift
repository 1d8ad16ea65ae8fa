import Transform
import XCTest

final class CSVTokenizerTests: XCTestCase {
    private func parse(_ text: String, chunk: Int = 3, _ options: CSVOptions = CSVOptions(source: "t.csv")) throws -> [[String]] {
        try CSVTokenizer.parse(Array(text.utf8), options: options, chunkSize: chunk)
    }

    private func parse(bytes: [UInt8], chunk: Int = 2, _ options: CSVOptions = CSVOptions(source: "t.csv")) throws -> [[String]] {
        try CSVTokenizer.parse(bytes, options: options, chunkSize: chunk)
    }

    private func error(_ text: String, _ options: CSVOptions = CSVOptions(source: "t.csv"), chunk: Int = 4) -> String {
        error(bytes: Array(text.utf8), options, chunk: chunk)
    }

    private func error(bytes: [UInt8], _ options: CSVOptions = CSVOptions(source: "t.csv"), chunk: Int = 4) -> String {
        do {
            let records = try CSVTokenizer.parse(bytes, options: options, chunkSize: chunk)
            return "no error: \(records)"
        } catch {
            return String(describing: error)
        }
    }

    func testQuotedFieldsKeepCommasDoubledQuotesAndLineBreaks() throws {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line1\r\nline2\"\r\n"
        for chunk in [1, 2, 5, 64] {
            XCTAssertEqual(try parse(text, chunk: chunk), [["a", "b", "c"], ["x, y", "say \"hi\"", "line1\r\nline2"]], "chunk \(chunk)")
        }
    }

    func testLFCRLFAndBareCRAreAllRecordTerminators() throws {
        XCTAssertEqual(try parse("a,b\n1,2\r\n3,4\r5,6"), [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]])
        XCTAssertEqual(try parse("a,b\r1,2\r"), [["a", "b"], ["1", "2"]], "a trailing CR is not kept in the last field")
    }

    func testDialectReportsLineEndingsAndBOM() throws {
        let tokenizer = CSVTokenizer(options: CSVOptions(source: "t.csv"))
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("\"A\",B\r\n1,2\r\n".utf8)
        var records: [[String]] = []
        for byte in bytes { try [byte].withUnsafeBytes { try tokenizer.feed($0) { records.append($0.strings) } } }
        try tokenizer.finish { records.append($0.strings) }
        XCTAssertEqual(records, [["A", "B"], ["1", "2"]], "one BOM stripped before a quoted header")
        XCTAssertTrue(tokenizer.dialect.hasBOM)
        XCTAssertEqual(tokenizer.dialect.lineEnding, "CRLF")

        let mixed = CSVTokenizer(options: CSVOptions(source: "t.csv"))
        try Array("a\n1\r\n2\r3".utf8).withUnsafeBytes { try mixed.feed($0) { _ in } }
        try mixed.finish { _ in }
        XCTAssertEqual(mixed.dialect.lineEnding, "mixed")
        XCTAssertFalse(mixed.dialect.hasBOM)
    }

    func testBlankLinesAreSkippedButAQuotedEmptyFieldIsARecord() throws {
        XCTAssertEqual(try parse("a\n\n1\r\n\r\n\"\"\n2\n\n", CSVOptions(source: "t.csv")), [["a"], ["1"], [""], ["2"]])
    }

    func testLastLineWithoutNewlineAndEmptyTrailingField() throws {
        XCTAssertEqual(try parse("a,b\n1,"), [["a", "b"], ["1", ""]])
        XCTAssertEqual(try parse("a,b\n1,\"\""), [["a", "b"], ["1", ""]])
    }

    func testValuesAreByteExactIncludingDoubleSpaces() throws {
        XCTAssertEqual(try parse("T\n8  to 14 Days\n Devon  STP \n"), [["T"], ["8  to 14 Days"], [" Devon  STP "]])
    }

    func testEvenQuoteRunIsAQuoteValue() throws {
        XCTAssertEqual(try parse("a\n\"\"\"\"\"\"\"\"\n", CSVOptions(source: "t.csv")), [["a"], ["\"\"\""]])
    }

    func testRecordLineNumbersCountLineBreaksInsideQuotes() throws {
        var lines: [Int] = []
        let tokenizer = CSVTokenizer(options: CSVOptions(source: "t.csv"))
        try Array("h\n\"a\r\nb\"\n\nc\n".utf8).withUnsafeBytes { try tokenizer.feed($0) { lines.append($0.line) } }
        try tokenizer.finish { lines.append($0.line) }
        XCTAssertEqual(lines, [1, 2, 5])
    }

    // MARK: errors, each with the exact line a user sees

    func testUnterminatedQuoteNamesTheRecordStart() {
        XCTAssertEqual(error("a,b\n1,\"open\n2,3\n"), "t.csv:2:2: unterminated quoted field (the file ends inside quotes)")
    }

    func testBareQuoteInUnquotedField() {
        XCTAssertEqual(error("a,b\nab\"c,d\n"), "t.csv:2:1: bare quote in unquoted field")
    }

    func testTextAfterClosingQuote() {
        XCTAssertEqual(error("a,b\n\"a \"word\",b\n"), "t.csv:2:1: unexpected text after a closing quote")
        XCTAssertEqual(error("a,b\nx,\"a\"x\n"), "t.csv:2:2: unexpected text after a closing quote")
        XCTAssertEqual(error("a\n\"\"\"\"\"\"\"\n"), "t.csv:2:1: unterminated quoted field (the file ends inside quotes)", "an odd quote run never closes")
    }

    func testRaggedRecordsAreRefusedNotPadded() {
        XCTAssertEqual(error("a,b,c\n1,2\n"), "t.csv:2:3: ragged record: expected 3 fields, found 2")
        XCTAssertEqual(error("a,b\n1,2,\n"), "t.csv:2:3: ragged record: expected 2 fields, found 3")
        XCTAssertEqual(error("a,b\n \n"), "t.csv:2:2: ragged record: expected 2 fields, found 1", "whitespace-only line is a record")
    }

    func testDeclaredColumnCountForHeaderlessFiles() {
        let options = CSVOptions(source: "epraccur.csv", fieldCount: .exactly(3))
        XCTAssertEqual(error("\"A\",\"B\",\"C\"\n\"D\",\"E\"\n", options), "epraccur.csv:2:3: ragged record: expected 3 fields, found 2")
        XCTAssertEqual(error("\"A\",\"B\"\n", options), "epraccur.csv:1:3: ragged record: expected 3 fields, found 2")
    }

    func testFieldCapBoundsMemory() {
        let options = CSVOptions(source: "t.csv", maxFieldBytes: 10)
        XCTAssertEqual(error("a,b\n1,12345678901\n", options), "t.csv:2:2: field longer than 10 bytes")
        XCTAssertEqual(error("a,b\n1,\"1234567\n8901\n", options), "t.csv:2:2: field longer than 10 bytes", "an open quote trips the cap, not memory")
        XCTAssertEqual(error("a,b\n1,1234567890\n", options), "no error: [[\"a\", \"b\"], [\"1\", \"1234567890\"]]", "exactly at the cap is fine")
    }

    func testInvalidUTF8IsRefusedWithLineAndColumn() {
        XCTAssertEqual(error(bytes: Array("a,b\n1,x".utf8) + [0xC3, 0x28] + [10]), "t.csv:2:2: invalid UTF-8 (byte 0xC3 at field offset 1)")
        XCTAssertEqual(error(bytes: Array("a\n".utf8) + [0xC0, 0xAF, 10]), "t.csv:2:1: invalid UTF-8 (byte 0xC0 at field offset 0)", "overlong")
        XCTAssertEqual(error(bytes: Array("a\n".utf8) + [0xED, 0xA0, 0x80, 10]), "t.csv:2:1: invalid UTF-8 (byte 0xED at field offset 0)", "surrogate")
    }

    func testNULByteIsRefused() {
        XCTAssertEqual(error(bytes: Array("a,b\n1,x".utf8) + [0, 10]), "t.csv:2:2: NUL byte in field")
    }

    func testStrayByteOrderMarks() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        XCTAssertEqual(error(bytes: bom + bom + Array("a\n1\n".utf8)), "t.csv:1:1: byte-order mark (U+FEFF) inside the data")
        XCTAssertEqual(error(bytes: Array("a\n".utf8) + bom + Array("1\n".utf8)), "t.csv:2:1: byte-order mark (U+FEFF) inside the data")
    }

    func testUTF16IsRefused() {
        XCTAssertEqual(error(bytes: [0xFF, 0xFE, 0x61, 0x00]), "t.csv:1: UTF-16 text is not supported (the file starts with a UTF-16 byte-order mark)")
    }

    func testWindows1252IsTranscodedOnlyWhenDeclared() throws {
        let bytes = Array("NAME\n".utf8) + Array("ST MARY".utf8) + [0x92] + Array("S SURGERY\n".utf8)
        XCTAssertEqual(error(bytes: bytes), "t.csv:2:1: invalid UTF-8 (byte 0x92 at field offset 7)")
        let records = try parse(bytes: bytes, CSVOptions(source: "t.csv", encoding: .windows1252))
        XCTAssertEqual(records, [["NAME"], ["ST MARY\u{2019}S SURGERY"]])
        let utf8Still = try parse(bytes: Array("N\ncafé\n".utf8), CSVOptions(source: "t.csv", encoding: .windows1252))
        XCTAssertEqual(utf8Still, [["N"], ["café"]], "valid UTF-8 fields are left alone under the Windows-1252 rule")
        XCTAssertEqual(
            error(bytes: Array("N\nx".utf8) + [0x81, 10], CSVOptions(source: "t.csv", encoding: .windows1252)),
            "t.csv:2:1: byte 0x81 is not defined in Windows-1252")
    }

    func testTooManyFields() {
        XCTAssertEqual(error(String(repeating: "a,", count: 100) + "a\n", CSVOptions(source: "t.csv", maxFields: 64)), "t.csv:1:65: record has more than 64 fields")
        // The field past the cap is named, whatever the cap and however wide the record.
        let million = String(repeating: "C,", count: 999_999) + "C\n"
        XCTAssertEqual(error(million, CSVOptions(source: "t.csv"), chunk: 1 << 16), "t.csv:1:20001: record has more than 20000 fields")
        XCTAssertEqual(error(million, CSVOptions(source: "t.csv", maxFields: 100), chunk: 1 << 16), "t.csv:1:101: record has more than 100 fields")
        XCTAssertEqual(error(String(repeating: "a,", count: 10) + "a\n", CSVOptions(source: "t.csv", maxFields: 10)), "t.csv:1:11: record has more than 10 fields")
        XCTAssertEqual(try parse(String(repeating: "a,", count: 9) + "a\n", CSVOptions(source: "t.csv", maxFields: 10)).first?.count, 10, "exactly the cap is fine")
    }
}
