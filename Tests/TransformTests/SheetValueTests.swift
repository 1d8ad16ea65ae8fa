import Transform
import XCTest

/// The value rules of the sheet readers: cell references, number formats, serial dates,
/// number text, header cleaning and where errors say they are.
final class SheetValueTests: XCTestCase {
    func testCellReferencesRoundTripAndRefuseWhatIsNotACell() {
        XCTAssertEqual(CellReference.columnName(0), "A")
        XCTAssertEqual(CellReference.columnName(25), "Z")
        XCTAssertEqual(CellReference.columnName(26), "AA")
        XCTAssertEqual(CellReference.columnName(16_383), "XFD")
        XCTAssertEqual(CellReference.parse("C14")?.column, 2)
        XCTAssertEqual(CellReference.parse("C14")?.row, 14)
        XCTAssertEqual(CellReference.parse("$AB$12")?.column, 27)
        XCTAssertEqual(CellReference.parse("XFD1048576")?.column, 16_383)
        XCTAssertEqual(CellReference.parse("XFD1048576")?.row, 1_048_576)
        for bad in ["", "A", "12", "A0", "XFE1", "A1048577", "1A", "A1B", "AAAA1", "A-1"] {
            XCTAssertNil(CellReference.parse(bad), bad)
        }
        for column in [0, 1, 25, 26, 51, 52, 701, 702, 16_383] {
            XCTAssertEqual(CellReference.parseColumn(CellReference.columnName(column)), column)
        }
    }

    func testNumberFormatsThatAreDatesTimesOrNumbers() {
        XCTAssertEqual(NumberFormat.builtIn(14), .date)
        XCTAssertEqual(NumberFormat.builtIn(17), .date)
        XCTAssertEqual(NumberFormat.builtIn(22), .dateTime)
        XCTAssertEqual(NumberFormat.builtIn(20), .time)
        XCTAssertEqual(NumberFormat.builtIn(46), .number)
        XCTAssertEqual(NumberFormat.builtIn(0), .number)
        XCTAssertEqual(NumberFormat.builtIn(10), .number)
        XCTAssertEqual(NumberFormat.classify("dd/mm/yyyy"), .date)
        XCTAssertEqual(NumberFormat.classify("mmm\\-yy"), .date)
        XCTAssertEqual(NumberFormat.classify("[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy"), .date)
        XCTAssertEqual(NumberFormat.classify("dd/mm/yyyy hh:mm"), .dateTime)
        XCTAssertEqual(NumberFormat.classify("h:mm AM/PM"), .time)
        XCTAssertEqual(NumberFormat.classify("mm:ss"), .time)
        XCTAssertEqual(NumberFormat.classify("[h]:mm:ss"), .number)
        XCTAssertEqual(NumberFormat.classify("General"), .number)
        XCTAssertEqual(NumberFormat.classify("0.0%"), .number)
        XCTAssertEqual(NumberFormat.classify("\"Day\" 0.00"), .number)
        XCTAssertEqual(NumberFormat.classify("[Red]#,##0;[Blue]dd"), .number)
        XCTAssertEqual(NumberFormat.classify("_-* #,##0.00_-;\\-* #,##0.00_-;_-* \"-\"??_-;_-@_-"), .number)
    }

    func testSerialDatesIn1900SystemKeepExcelsLeapYearBug() throws {
        func text(_ serial: Double, _ format: NumberFormat = .date, _ system: SerialDate.System = .from1900) throws -> String {
            try SerialDate.text(serial: serial, format: format, system: system)
        }
        XCTAssertEqual(try text(1), "1900-01-01")
        XCTAssertEqual(try text(59), "1900-02-28")
        XCTAssertEqual(try text(61), "1900-03-01")
        XCTAssertEqual(try text(25_569), "1970-01-01")
        XCTAssertEqual(try text(46_054), "2026-02-01")
        XCTAssertEqual(try text(2_958_465), "9999-12-31")
        XCTAssertEqual(try text(45_748.5), "2025-04-01T12:00:00")
        XCTAssertEqual(try text(45_748.5, .dateTime), "2025-04-01T12:00:00")
        XCTAssertEqual(try text(45_748, .dateTime), "2025-04-01T00:00:00")
        XCTAssertEqual(try text(0.75, .time), "18:00:00")
        XCTAssertEqual(try text(1.25, .time), "1900-01-01T06:00:00")
        XCTAssertEqual(try text(45_748.999_999_99), "2025-04-02")
        XCTAssertThrowsError(try text(60)) { XCTAssertEqual($0 as? SerialDate.Problem, .nonexistentLeapDay) }
        XCTAssertThrowsError(try text(0)) { XCTAssertEqual($0 as? SerialDate.Problem, .outOfRange) }
        XCTAssertThrowsError(try text(-1)) { XCTAssertEqual($0 as? SerialDate.Problem, .outOfRange) }
        XCTAssertThrowsError(try text(2_958_466)) { XCTAssertEqual($0 as? SerialDate.Problem, .outOfRange) }
        XCTAssertThrowsError(try text(.infinity)) { XCTAssertEqual($0 as? SerialDate.Problem, .notANumber) }
    }

    func testSerialDatesIn1904System() throws {
        func text(_ serial: Double) throws -> String { try SerialDate.text(serial: serial, format: .date, system: .from1904) }
        XCTAssertEqual(try text(0), "1904-01-01")
        XCTAssertEqual(try text(60), "1904-03-01")
        XCTAssertEqual(try text(366), "1905-01-01")
        XCTAssertEqual(try text(24_107), "1970-01-01")
        XCTAssertEqual(try text(44_592), "2026-02-01")  // 46,054 in the 1900 system, less 1,462 days
    }

    func testNumbersKeepTheirDigitsAndLoseExponents() {
        func canonical(_ text: String) -> String? { SheetNumber.canonical(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) } }
        XCTAssertEqual(canonical("41.833200106581401"), "41.833200106581401")
        XCTAssertEqual(canonical("1.50"), "1.50")
        XCTAssertEqual(canonical("-7"), "-7")
        XCTAssertEqual(canonical("+7"), "7")
        XCTAssertEqual(canonical(".5"), "0.5")
        XCTAssertEqual(canonical("-.5"), "-0.5")
        XCTAssertEqual(canonical("5."), "5")
        XCTAssertEqual(canonical("1.5E-3"), "0.0015")
        XCTAssertEqual(canonical("-2.5e+4"), "-25000")
        XCTAssertEqual(canonical("1E-05"), "0.00001")
        XCTAssertEqual(canonical("1.2345678901234567E+20"), "123456789012345670000")
        XCTAssertEqual(canonical("9.999E2"), "999.9")
        XCTAssertEqual(canonical("0E0"), "0")
        for bad in ["", "-", ".", "1.2.3", "1e", "1e+", "abc", "12abc", "1,000", " 1", "1E500", "0x10", "NaN", "1E99999999999"] {
            XCTAssertNil(canonical(bad), bad)
        }
    }

    func testHeaderCellsAreCleanedOfFootnoteMarkersAndLineBreaks() {
        XCTAssertEqual(SheetHeader.clean("Month [1]"), "Month")
        XCTAssertEqual(SheetHeader.clean("PCN Code [2, 3]"), "PCN Code")
        XCTAssertEqual(SheetHeader.clean("Feb-26 [10,11]"), "Feb-26")
        XCTAssertEqual(SheetHeader.clean("GP Practice \n(ODS_CODE)"), "GP Practice (ODS_CODE)")
        XCTAssertEqual(SheetHeader.clean("ICB Code  [2]"), "ICB Code")
        XCTAssertEqual(SheetHeader.clean("Current Clinical \r\nCommissioning \nGroup Code"), "Current Clinical Commissioning Group Code")
        XCTAssertEqual(SheetHeader.clean("Rate [per 1,000]"), "Rate [per 1,000]")
        XCTAssertEqual(SheetHeader.clean("[1]"), "")
        XCTAssertEqual(CSVLayout.normalize(SheetHeader.clean("GP Practice \n(ODS_CODE)")), "GP_PRACTICE_ODS_CODE")
    }

    func testErrorsInASheetNameTheCell() {
        XCTAssertEqual(TransformError(.value, file: "file.xlsx", sheet: "Table 2", row: 14, column: 3, "bad").description, "file.xlsx:Table 2!C14: bad")
        XCTAssertEqual(TransformError(.value, file: "a.zip:b.xlsx", sheet: "S", row: 1, column: 28, "bad").description, "a.zip:b.xlsx:S!AB1: bad")
        XCTAssertEqual(TransformError(.syntax, file: "file.xlsx", sheet: "S", row: 2, "bad").description, "file.xlsx:S!row 2: bad")
        XCTAssertEqual(TransformError(.missing, file: "file.xlsx", sheet: "S", "gone").description, "file.xlsx:S: gone")
        // A mapper's file:line:column becomes the sheet's cell.
        let mapped = TransformError(.value, file: "file.xlsx", line: 14, column: 3, "invalid")
        XCTAssertEqual(mapped.description, "file.xlsx:14:3: invalid")
        XCTAssertEqual(mapped.inSheet("Table 2").description, "file.xlsx:Table 2!C14: invalid")
        XCTAssertEqual(mapped.inSheet("Table 2").inSheet("Other").description, "file.xlsx:Table 2!C14: invalid")
    }
}
