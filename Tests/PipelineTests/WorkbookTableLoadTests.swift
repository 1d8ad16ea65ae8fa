import Foundation
import Operations
@testable import pipeline
import Publications
import TestSupport
import Transform
import XCTest

/// A source reading a table from a workbook sheet, declared in one value and nothing else: the
/// loader finds the header by content (title rows above it, footnote markers and a line break in
/// its names, a Count/% second header row), skips what the source says is not a row (a national
/// total, the notes), and sends every row through the same `recognise` and mapper as a CSV's.
/// A value the mapper refuses is named by workbook, sheet and cell; nothing of the file is kept.
final class WorkbookTableLoadTests: XCTestCase {
    struct ToyCalls: SourceDeclaration {
        let id = "toy-calls"
        let title = "Toy calls per practice"
        let listing = EditionListing.digitalNHSSeries(url: "https://digital.nhs.uk/data-and-information/publications/statistical/toy-calls",
                                                      editionSlugs: ["{month}-{yyyy}"])
        let periodKind = ReportingPeriod.Kind.month
        let cadence = Cadence(every: "month", expectedAfterDays: 5, publishedWithinDays: 20)
        let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
        let files = [FileFamily("summary workbook", match: ["*.xlsx"], datasets: ["toy-calls"])]
        /// `strict`: the `%` column read as a whole number, which row 9's `1.5` is not.
        let strict: Bool
        var calls: DatasetSpec {
            DatasetSpec(id: "toy-calls", source: "toy-calls", title: "Calls per practice and month", table: "toy_calls", periodKind: .month,
                        dimensions: [], measures: [.init("calls", .integer), .init("calls_pct", strict ? .integer : .decimal), .init("answered", .integer)],
                        attributes: [.init("pcn_name"), .init("icb")])
        }
        var datasets: [DatasetSpec] { [calls] }

        func sheetTable(forFile name: String) -> SheetTable? {
            SheetTable(sheet: "Table 3", search: SheetTableReader.Search(required: ["GP Practice (ODS_CODE)", "Month"], subHeadings: ["Count", "%"]) { record, header in
                guard let code = header.index(of: "GP Practice (ODS_CODE)") else { return true }
                return record.isEmpty(code) || record.string(code) == "ENGLAND"
            })
        }

        func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
            typealias C = CSVLayout.Column
            return FileReading(spec: calls, layout: CSVLayout(
                org: C("GP Practice (ODS_CODE)"), period: .column(C("Month"), formats: [.iso]),
                measures: [C("Total calls Count"), C("Total calls %"), C("Answered Count")],
                attributes: [C("PCN Name"), C("ICB Code")], ignored: [C("Answered %")]))
        }
    }

    /// Runs the command line in this process with `source` beside the bundled ones; returns
    /// the exit status and what went to standard error.
    func run(_ source: ToyCalls, _ arguments: String..., database: TestDatabase) throws -> (Int32, String) {
        let cache = try TemporaryDirectory("cache")
        let errors = try TemporaryDirectory("stderr")
        setenv("DATABASE_URL", database.url, 1)
        setenv("PIPELINE_CACHE_DIR", cache.path, 1)
        defer { unsetenv("DATABASE_URL"); unsetenv("PIPELINE_CACHE_DIR") }
        let saved = dup(2)
        let file = open(errors.path + "/err", O_WRONLY | O_CREAT, 0o600)
        dup2(file, 2)
        let status = Program.run(arguments, sources: Publications.all + [source])
        dup2(saved, 2)
        close(saved)
        close(file)
        return (status.rawValue, try String(contentsOfFile: errors.path + "/err", encoding: .utf8))
    }

    func testASheetTableLoadsThroughTheCSVMapperAndABadCellIsNamedBySheetAndCell() throws {
        let database = try TestDatabase()
        let workbook = Fixtures.path("sheets/headers.xlsx")

        let (refused, message) = try run(ToyCalls(strict: true), "load", "toy-calls", workbook, database: database)
        XCTAssertEqual(refused, 65)
        XCTAssertEqual(message.split(separator: "\n").last.map(String.init), "\(workbook):Table 3!F9: invalid integer '1.5' in Total calls %")
        XCTAssertEqual(try database.value("SELECT count(*) FROM etl.revisions"), "0")
        XCTAssertEqual(try database.value("SELECT count(*) FROM data.toy_calls"), "0")

        let fresh = try TestDatabase()  // the strict toy declared calls_pct a whole number
        let (status, errors) = try run(ToyCalls(strict: false), "load", "toy-calls", workbook, database: fresh)
        XCTAssertEqual(status, 0, errors)
        XCTAssertEqual(try fresh.psql("SELECT period, org, calls, calls_pct, coalesce(answered::text, 'NULL'), pcn_name, icb FROM data.toy_calls WHERE valid_to IS NULL ORDER BY org"),
                       [["2026-02-01", "A81001", "10", "1.5", "9", "STOCKTON PCN", "QHM"],
                        ["2026-02-01", "A81002", "20", "3", "18", "STOCKTON PCN", "QHM"]],
                       "the two practice rows; the total row and the notes are not rows")
        XCTAssertEqual(try fresh.value("SELECT array_to_string(inputs, ',') FROM etl.revisions"), "headers.xlsx")
    }
}
