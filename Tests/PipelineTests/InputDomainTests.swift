import Foundation
import TestSupport
import XCTest

/// Inputs that parse but cannot be true are refused (exit 65, one line naming file, line and
/// column) and leave the current edition as it was: a negative count, a stray row from another
/// month inside a month's file, and an extract of one month published on another month's page.
final class InputDomainTests: PublisherSiteTestCase {
    func testANegativeCountIsRefusedAndTheCurrentEditionStays() throws {
        let october = Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october).status, 0)
        let before = try h.database.value("SELECT patients FROM api.list_sizes WHERE org = 'A81004' AND month = '2025-10-01' AND sex = 'ALL' AND age = 'ALL'")
        XCTAssertEqual(before, "11431")

        // Line 4 is A81004's row; NUMBER_OF_PATIENTS is column 10.
        let negative = try h.edited(october, as: "gp-reg-pat-prac-all.csv", "rows[3][9] = '-5'")
        let result = try h.pipeline("load", "list-sizes", negative)
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr, "\(negative):4:10: negative count '-5' in NUMBER_OF_PATIENTS\n")
        XCTAssertEqual(try h.database.value("SELECT patients FROM api.list_sizes WHERE org = 'A81004' AND month = '2025-10-01' AND sex = 'ALL' AND age = 'ALL'"),
                       before, "the current edition is untouched")
        XCTAssertEqual(try h.revisions().count, 1, "no revision was added")
    }

    func testARowFromAnotherMonthInsideAMonthsFileIsRefusedNamingBoth() throws {
        let october = Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")
        let stray = try h.edited(october, as: "gp-reg-pat-prac-all.csv", "rows[40][1] = '2025-11-01'")
        let result = try h.pipeline("load", "list-sizes", stray)
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr, "\(stray):41: rows for 2025-10 (line 2) and 2025-11 (line 41) in one file: a list-sizes-all file holds one period\n")
        XCTAssertEqual(try h.pipeline("revisions", "list-sizes", "--json").stdout, "", "nothing loaded: October did not lose a practice, November did not gain one")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.list_sizes"), "0")
    }

    func testAFebruaryExtractOnTheMarchPageIsRefused() throws {
        // The March 2026 page's file, replaced by the same rows dated February.
        let served = site.url.appendingPathComponent("files.digital.nhs.uk/68/62F9CC/gp-reg-pat-prac-all.csv").path
        let february = try h.edited(served, as: "february.csv", "for r in rows[1:]: r[1] = '2026-02-01'")
        try FileManager.default.removeItem(atPath: served)
        try FileManager.default.copyItem(atPath: february, toPath: served)

        let result = try h.pipeline("refresh", "list-sizes", "--period", "2026-03")
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertTrue(result.stderr.contains("gp-reg-pat-prac-all.csv:2: the rows are for 2026-02, but the file was published on the page for 2026-03"),
                      result.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.list_sizes"), "0", "neither February nor March became current")
    }

    /// The restated months of an appointments zip are earlier than its page's month, one per
    /// file: still loaded (the rule for a restating family is "this month or an earlier one").
    func testAppointmentsZipRestatingEarlierMonthsStillLoads() throws {
        let result = try h.pipeline("refresh", "gp-appointments", "--period", "2025-10")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try h.database.value("SELECT string_agg(DISTINCT to_char(month, 'YYYY-MM'), ',' ORDER BY to_char(month, 'YYYY-MM')) FROM api.gp_appointments"),
                       "2025-08,2025-09,2025-10")
    }
}
