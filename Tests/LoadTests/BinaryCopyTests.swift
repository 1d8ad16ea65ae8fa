@testable import Load
import TestSupport
import Transform
import XCTest

/// Segments go to the server in binary COPY form (`BinaryCopyWriter`), encoded by the client
/// from the canonical text the transform stage keeps. Each value must be stored exactly as the
/// server's own text input would store it: checked here against `::numeric`, `::bigint` and
/// `::date` casts of the same text, on a real server.
final class BinaryCopyTests: XCTestCase {
    func column(_ values: [String?]) -> ColumnBuffer {
        var buffer = ColumnBuffer()
        for value in values {
            if let value {
                var bytes = Array(value.utf8)
                bytes.withUnsafeBytes { buffer.append($0) }
            } else {
                buffer.append(nil)
            }
        }
        return buffer
    }

    func testNumbersDatesAndTextArriveAsTheServerWouldParseThem() throws {
        let database = try TestDatabase()
        defer { database.drop() }
        let connection = try PGConnection(conninfo: database.url, applicationName: "binary-copy-test")
        let decimals: [String?] = ["0", "1", "-1", "0.5", "-0.5", "12.5", "123.4567", "1234.56789", "99999999.00001", "0.0001",
                                   "10000", "-123456789012345678901234.5", "3.14159265358979323846", nil, "7"]
        let integers: [String?] = ["0", "1", "-1", "9223372036854775807", "-9223372036854775808", "10000", "123456789", nil, "42", "-7",
                                   "5", "6", "8", "9", "10"]
        let dates: [String?] = ["2000-01-01", "1999-12-31", "2025-10-01", "2024-02-29", "1970-01-01", "2100-03-01", "1900-01-01", nil,
                                "2023-04-30", "2026-12-31", "2000-02-29", "2001-01-01", "1899-12-31", "2038-01-19", "2012-06-15"]
        let texts: [String?] = ["plain", "", "tab\there", "line\nbreak", "quote\"d", "back\\slash", "comma,{brace}", "NULL", nil, "é ✓",
                                "a b", " lead", "trail ", "x", "y"]
        _ = try connection.execute("CREATE TABLE public.t (n numeric[], i bigint[], d date[], s text[], one numeric, day date, l integer[])")
        let writer = try connection.startBinaryCopy("COPY public.t (n, i, d, s, one, day, l) FROM STDIN (FORMAT binary)")
        try writer.array(column(decimals), kind: .decimal)
        try writer.array(column(integers), kind: .integer)
        try writer.array(column(dates), kind: .date)
        try writer.array(column(texts), kind: .text)
        try writer.value(column(["-0.25"]), row: 0, kind: .decimal)
        writer.date(CalendarDate(year: 2025, month: 3, day: 31)!)
        writer.array([1, -2, 2_147_483_647])
        try writer.endRow()
        XCTAssertEqual(try writer.finish(), 1)

        let result = try connection.execute("SELECT n::text, i::text, d::text, s::text, one::text, day::text, l::text FROM public.t")
        func literal(_ values: [String?], quoted: Bool = false) -> String {
            "{" + values.map { value in
                guard let value else { return "NULL" }
                return quoted ? "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" : value
            }.joined(separator: ",") + "}"
        }
        // The server's own reading of the same text, for comparison.
        let expected = try connection.execute("SELECT $1::numeric[]::text, $2::bigint[]::text, $3::date[]::text, $4::text[]::text",
                                              [literal(decimals), literal(integers), literal(dates), literal(texts, quoted: true)])
        for c in 0..<4 { XCTAssertEqual(result.string(0, c), expected.string(0, c), "column \(c)") }
        XCTAssertEqual(result.string(0, 4), "-0.25")
        XCTAssertEqual(result.string(0, 5), "2025-03-31")
        XCTAssertEqual(result.string(0, 6), "{1,-2,2147483647}")
    }

    func testATextThatIsNotCanonicalIsRefusedNotStoredWrong() throws {
        XCTAssertThrowsError(try "12a".utf8.withContiguousStorageIfAvailable { try BinaryCopyWriter.integer(UnsafeRawBufferPointer($0)) }!)
        XCTAssertThrowsError(try "9223372036854775808".utf8.withContiguousStorageIfAvailable { try BinaryCopyWriter.integer(UnsafeRawBufferPointer($0)) }!)
        XCTAssertThrowsError(try "2025-1-01".utf8.withContiguousStorageIfAvailable { try BinaryCopyWriter.postgresDays(UnsafeRawBufferPointer($0)) }!)
        XCTAssertEqual(BinaryCopyWriter.postgresDays(year: 2000, month: 1, day: 1), 0)
        XCTAssertEqual(BinaryCopyWriter.postgresDays(year: 1999, month: 12, day: 31), -1)
    }
}
