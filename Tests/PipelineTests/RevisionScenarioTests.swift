import Foundation
import TestSupport
import XCTest

/// The revision model, scenarios a–h of the warehouse issue, on real registrations files
/// (Fixtures/samples/registrations, cut-down real NHS files) and edited republications of them.
final class RevisionScenarioTests: XCTestCase {
    var h: Harness!
    let october = Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    /// A republication of October 2025 in the K82057 pattern: three counts corrected, one
    /// postcode changed, one practice withdrawn, one added.
    func republishedOctober() throws -> String {
        try h.edited(october, as: "gp-reg-pat-prac-all.csv", """
            rows[1][9] = str(int(rows[1][9]) + 10)
            rows[2][9] = str(int(rows[2][9]) - 7)
            rows[3][9] = '1'
            rows[4][6] = 'ZZ1 1ZZ'
            withdrawn = rows.pop(5)
            rows.append(['GP_PRAC_PAT_LIST', '2025-10-01', 'GP', '00L', 'E38000130', 'Y99999', 'NE1 1AA', 'ALL', 'ALL', '123'])
            """)
    }

    // a. the first edition of a period: every row added.
    func testFirstEditionAddsEveryRow() throws {
        let result = try h.pipeline("load", "list-sizes", october, "--published", "2025-11-13")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "list-sizes-all 2025-10: revision 1 is now current (300 rows: +300 added, ~0 changed, -0 removed, =0 unchanged)\n")
        let log = try h.revisions()
        XCTAssertEqual(log.count, 1)
        XCTAssertEqual(log[0]["status"] as? String, "current")
        XCTAssertEqual(log[0]["added"] as? Int, 300)
        XCTAssertEqual(log[0]["period"] as? String, "2025-10-01")
        XCTAssertEqual(log[0]["published"] as? String, "2025-11-13")
        XCTAssertEqual(log[0]["file"] as? String, "gp-reg-pat-prac-all_2025-10.csv")
        XCTAssertEqual(log[0]["sha256"] as? String, SHA256Hex.of(file: october))
        XCTAssertEqual(try h.database.value("SELECT sum(patients) FROM api.list_sizes WHERE month = '2025-10-01'"),
                       String(try Harness.pythonPatientTotal(october)))
    }

    // b. the same bytes again: nothing written, reported as unchanged (exit 0).
    func testSameBytesAgainWritesNothing() throws {
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october).status, 0)
        let before = try h.database.psql("SELECT count(*), max(xmin::text::bigint) FROM data.list_sizes")
        let again = try h.pipeline("load", "list-sizes", october)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, "\(october): unchanged (the same bytes were loaded before); nothing written\n")
        // A copy elsewhere (a new inode: no fingerprint) is read, hashed, and still recognised.
        let copy = try h.scratch.copy(october, as: "elsewhere/gp-reg-pat-prac-all.csv")
        let copied = try h.pipeline("load", "list-sizes", copy)
        XCTAssertEqual(copied.status, 0, copied.stderr)
        XCTAssertEqual(copied.stdout, "\(copy): unchanged (the same bytes were loaded before); nothing written\n")
        XCTAssertEqual(try h.database.psql("SELECT count(*), max(xmin::text::bigint) FROM data.list_sizes"), before, "no row written")
        XCTAssertEqual(try h.revisions().count, 1)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.files"), "1")
        XCTAssertEqual(try h.database.value("SELECT string_agg(outcome, ',' ORDER BY run_id) FROM etl.runs"), "ok,nothing_new,nothing_new")
    }

    // c. a republished edition: one new revision, exact counts, old values kept, current view new.
    func testRepublishedEditionCountsEveryChangeExactlyAndKeepsTheOldValues() throws {
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october, "--published", "2025-11-13").status, 0)
        let old = try h.database.psql("SELECT org, patients FROM api.list_sizes WHERE org IN ('A81001', 'A81002') ORDER BY org")
        let v2 = try republishedOctober()
        let result = try h.pipeline("load", "list-sizes", v2, "--published", "2025-11-20")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "list-sizes-all 2025-10: revision 2 is now current (300 rows: +1 added, ~4 changed, -1 removed, =295 unchanged)\n")
        let log = try h.revisions()
        XCTAssertEqual(log.map { $0["status"] as? String }, ["superseded", "current"])
        XCTAssertEqual(log[1]["changed"] as? Int, 4)
        // Current view: new values, the withdrawn practice gone, the new one present.
        XCTAssertEqual(try h.database.value("SELECT patients FROM api.list_sizes WHERE org = 'A81001'"), String(Int(old[0][1])! + 10))
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.list_sizes WHERE org = 'A81006'"), "0")
        XCTAssertEqual(try h.database.value("SELECT patients FROM api.list_sizes WHERE org = 'Y99999'"), "123")
        // Earlier values stay queryable: the diff between the two editions lists exactly the changes.
        let diff = try h.pipeline("diff", "list-sizes", "2025-10")
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertEqual(diff.lines.dropFirst().filter { $0.contains("\tpatients\t") || $0.contains("patients=") }.map { $0.components(separatedBy: "\t")[1] },
                       ["A81001/ALL/ALL", "A81002/ALL/ALL", "A81004/ALL/ALL", "A81006/ALL/ALL", "Y99999/ALL/ALL"])
        XCTAssertTrue(diff.lines.contains("list-sizes-all\tA81001/ALL/ALL\tpatients\t\(old[0][1])\t\(Int(old[0][1])! + 10)\tchanged"), diff.stdout)
        XCTAssertTrue(diff.lines.contains("list-sizes-all\tA81005/ALL/ALL\tpostcode\tTS14 7DJ\tZZ1 1ZZ\tchanged"), diff.stdout)
        // A removed or added row is one line with its values.
        let removed = diff.lines.filter { $0.hasPrefix("list-sizes-all\tA81006/ALL/ALL\t") }
        XCTAssertEqual(removed.count, 1, diff.stdout)
        XCTAssertTrue(removed.first?.hasPrefix("list-sizes-all\tA81006/ALL/ALL\t*\t") == true && removed.first?.hasSuffix("\t∅\tremoved") == true, diff.stdout)
        XCTAssertTrue(removed.first?.contains("patients=14609") == true, diff.stdout)
        let added = diff.lines.filter { $0.hasPrefix("list-sizes-all\tY99999/ALL/ALL\t") }
        XCTAssertEqual(added.count, 1, diff.stdout)
        XCTAssertTrue(added.first?.hasPrefix("list-sizes-all\tY99999/ALL/ALL\t*\t∅\t") == true && added.first?.hasSuffix("\tadded") == true, diff.stdout)
        XCTAssertTrue(added.first?.contains("patients=123") == true && added.first?.contains("postcode=NE1 1AA") == true, diff.stdout)
        XCTAssertEqual(try h.database.value("SELECT patients[1] FROM data.list_sizes WHERE org = 'A81001' AND revision_id = 1"), old[0][1], "the first edition's value is kept")
    }

    // d. an edition with an earlier published date, loaded later: recorded, not current.
    func testEarlierPublishedEditionLoadedLaterIsRecordedNotCurrent() throws {
        let v2 = try republishedOctober()
        XCTAssertEqual(try h.pipeline("load", "list-sizes", v2, "--published", "2025-11-20").status, 0)
        let result = try h.pipeline("load", "list-sizes", october, "--published", "2025-11-13")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "list-sizes-all 2025-10: revision 2 recorded, not current: published before the current edition (300 rows: +1 added, ~4 changed, -1 removed, =295 unchanged)\n")
        XCTAssertEqual(try h.revisions().map { $0["status"] as? String }, ["current", "superseded"])
        XCTAssertEqual(try h.database.value("SELECT patients FROM api.list_sizes WHERE org = 'Y99999'"), "123", "current view unchanged")
        // Its content is kept: compared with the current edition it differs in exactly those rows.
        let diff = try h.pipeline("diff", "list-sizes", "2025-10", "--from", "1", "--to", "2")
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertEqual(Set(diff.lines.dropFirst().map { $0.components(separatedBy: "\t")[1] }),
                       ["A81001/ALL/ALL", "A81002/ALL/ALL", "A81004/ALL/ALL", "A81005/ALL/ALL", "A81006/ALL/ALL", "Y99999/ALL/ALL"])
    }

    // e. one revision is one transaction: an error late in the file leaves the previous current state.
    func testAnErrorOnTheLastLineLeavesThePreviousCurrentStateIntact() throws {
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october, "--published", "2025-11-13").status, 0)
        let snapshot = try h.database.psql("SELECT org, patients FROM api.list_sizes ORDER BY org")
        let broken = try h.edited(october, as: "gp-reg-pat-prac-all.csv", "rows[1][9] = '999999'\nrows[-1][9] = 'ab\"c'")
        let result = try h.pipeline("load", "list-sizes", broken, "--published", "2025-11-20")
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.stderr, "\(broken):301:10: invalid integer 'ab\"c' in NUMBER_OF_PATIENTS\n")
        XCTAssertEqual(try h.database.psql("SELECT org, patients FROM api.list_sizes ORDER BY org"), snapshot)
        XCTAssertEqual(try h.revisions().count, 1)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.list_sizes"), "300", "no partial rows")
        XCTAssertEqual(try h.database.value("SELECT outcome FROM etl.runs ORDER BY run_id DESC LIMIT 1"), "refused")
    }

    /// Segments are compared and written on a second thread while the file is still being read
    /// (`SegmentHandoff`): an error that thread meets on an early line is still the one
    /// reported, not a later line's error the reader reached first, and nothing is written.
    func testTheEarliestErrorIsReportedWhenTheWriterAndTheReaderBothFail() throws {
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october, "--published", "2025-11-13").status, 0)
        let broken = try h.edited(october, as: "gp-reg-pat-prac-all.csv", "rows[2][1] = '2025-11-01'\nrows[5][9] = 'ab\"c'")
        let result = try h.pipeline("load", "list-sizes", broken, "--published", "2025-11-20")
        XCTAssertEqual(result.status, 65)
        XCTAssertTrue(result.stderr.hasPrefix("\(broken):3: rows for 2025-10 (line 2) and 2025-11 (line 3) in one file"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertEqual(try h.revisions().count, 1)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.list_sizes"), "300", "no partial rows")
    }

    // g. rollback: the previous edition is current again; the log records who and when.
    func testRollbackMakesThePreviousEditionCurrentAndRecordsWhoAndWhen() throws {
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october, "--published", "2025-11-13").status, 0)
        let first = try h.database.psql("SELECT org, patients, postcode FROM api.list_sizes ORDER BY org")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", try republishedOctober(), "--published", "2025-11-20").status, 0)
        let result = try h.pipeline("rollback", "2")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "rolled back revision 2 (list-sizes-all 2025-10-01); revision 1 is current again\n")
        XCTAssertEqual(try h.database.psql("SELECT org, patients, postcode FROM api.list_sizes ORDER BY org"), first)
        let log = try h.revisions()
        XCTAssertEqual(log.map { $0["status"] as? String }, ["current", "rolled_back"])
        XCTAssertEqual(log[1]["rolled_back_by"] as? String, "\(ProcessInfo.processInfo.environment["USER"] ?? "root")@\(ProcessInfo.processInfo.hostName)")
        XCTAssertNotNil(log[1]["rolled_back_at"] as? String)
        XCTAssertEqual(try h.database.psql("SELECT step, revision_id, reason FROM etl.steps ORDER BY step"),
                       [["1", "1", "load"], ["2", "2", "load"], ["3", "1", "rollback"]])
        let again = try h.pipeline("rollback", "2")
        XCTAssertEqual(again.status, 65)
        XCTAssertTrue(again.stderr.hasPrefix("revision 2 was already rolled back ("), again.stderr)
        // Rolling back the only remaining edition leaves the period with nothing current.
        XCTAssertEqual(try h.pipeline("rollback", "1").stdout, "rolled back revision 1 (list-sizes-all 2025-10-01); no revision is current any more\n")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.list_sizes"), "0")
    }

    // h. "as published": what was current for a dataset and period on a given date.
    func testAsPublishedAnswersWhatWasOutOnAGivenDate() throws {
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october, "--published", "2025-11-13").status, 0)
        XCTAssertEqual(try h.pipeline("load", "list-sizes", try republishedOctober(), "--published", "2025-11-20").status, 0)
        func asPublished(_ date: String) throws -> String {
            try h.database.value("SELECT revision FROM api.as_published('list-sizes-all', '2025-10-01', '\(date)')")
        }
        XCTAssertEqual(try asPublished("2025-11-12"), "", "nothing was out yet")
        XCTAssertEqual(try asPublished("2025-11-13"), "1")
        XCTAssertEqual(try asPublished("2025-11-19"), "1")
        XCTAssertEqual(try asPublished("2025-12-01"), "2")
        XCTAssertEqual(try h.pipeline("rollback", "2").status, 0)
        XCTAssertEqual(try asPublished("2025-12-01"), "1", "a rolled-back edition is not answered")
        XCTAssertEqual(try h.database.value("SELECT revision FROM api.as_served('list-sizes-all', '2025-10-01', now())"), "1")
    }
}

enum SHA256Hex {
    static func of(file: String) -> String {
        let result = try! Run.program("sha256sum", [file])
        return String(result.stdout.prefix(64))
    }
}
