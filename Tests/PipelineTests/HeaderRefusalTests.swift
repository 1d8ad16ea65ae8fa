import Foundation
import TestSupport
import XCTest

/// Header refusals say what is really wrong, in one line: a file without its header row is
/// called that (not "duplicate column 'ALL'"), and a header past the field cap names the first
/// field over it; a very wide header lists a few unexpected columns and counts the rest.
final class HeaderRefusalTests: XCTestCase {
    var h: Harness!

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    func testAFileWithoutItsHeaderRowIsRefusedAsSuch() throws {
        for (sample, named) in [("gp-reg-pat-prac-all_2025-10.csv", "'2025-10-01' in column 2"), ("gp-reg-pat-prac-all_2021-01.csv", "'01JAN2021' in column 2")] {
            let headerless = try h.edited(Fixtures.registrations(sample), as: "gp-reg-pat-prac-all.csv", "rows = rows[1:]")
            let result = try h.pipeline("load", "list-sizes", headerless)
            XCTAssertEqual(result.status, 65, result.stderr)
            XCTAssertEqual(result.stderr, "\(headerless):1: the header row is missing: line 1 holds data (\(named)), not the list-sizes-all column names\n")
        }
        XCTAssertEqual(try h.pipeline("revisions", "list-sizes", "--json").stdout, "", "nothing loaded")
    }

    func testAHeaderWithARepeatedNameIsStillADuplicateColumn() throws {
        let doubled = try h.edited(Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv"), as: "gp-reg-pat-prac-all.csv", "rows[0][8] = 'SEX'")
        let result = try h.pipeline("load", "list-sizes", doubled)
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr, "\(doubled):1:9: duplicate column 'SEX' (also column 8)\n")
    }

    /// A header of 1,000,000 columns: the known ones, then C9 … C999999 (a row to match).
    func wideFile() throws -> String {
        let path = h.scratch.url.appendingPathComponent("gp-reg-pat-prac-all.csv").path
        let script = """
            import sys
            head = 'PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS'.split(',')
            head += ['C%d' % i for i in range(len(head), 1000000)]
            row = ['GP_PRAC_PAT_LIST', '2025-10-01', 'GP', '16C', 'E38000247', 'A81001', 'TS18 1HU', 'ALL', 'ALL', '3827'] + ['x'] * (1000000 - 10)
            with open(sys.argv[1], 'w') as f:
                f.write(','.join(head) + '\\n' + ','.join(row) + '\\n')
            """
        let made = try Run.program("python3", ["-c", script, path])
        XCTAssertEqual(made.status, 0, made.stderr)
        return path
    }

    func testAMillionColumnHeaderNamesTheFirstFieldOverTheCap() throws {
        let path = try wideFile()
        let result = try h.pipeline("load", "list-sizes", path)
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr, "\(path):1:20001: record has more than 20000 fields\n")
    }

    func testAMillionColumnHeaderUnderARaisedCapListsTenUnexpectedColumnsAndCountsTheRest() throws {
        let path = try wideFile()
        h.extraEnvironment["PIPELINE_CSV_MAX_FIELDS"] = "2000000"
        let result = try h.pipeline("load", "list-sizes", path)
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr, "\(path):1: header does not match list-sizes-all: unexpected 'C10', 'C11', 'C12', 'C13', 'C14', 'C15', 'C16', 'C17', 'C18', 'C19' and 999,980 more\n")
    }
}
