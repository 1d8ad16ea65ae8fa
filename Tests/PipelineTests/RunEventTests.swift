import Foundation
import TestSupport
import XCTest

/// How a run ends in the log: `run.done` (with the outcome) is the last line of every recorded
/// run, after `run.failed` when it failed; JSON events carry `message` only when they have one.
final class RunEventTests: XCTestCase {
    var h: Harness!

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    func events(_ result: RunResult) throws -> [[String: Any]] {
        try result.stderrLines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], $0) }
    }

    func testARefusedRunLogsTheFailureThenRunDoneAndNoEmptyMessages() throws {
        let bad = try h.edited(Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv"), as: "gp-reg-pat-prac-all.csv", "rows[0][8] = 'SEX'")
        let result = try h.pipeline("--log-format", "json", "load", "list-sizes", bad)
        XCTAssertEqual(result.status, 65, result.stderr)
        let log = try events(result)
        XCTAssertEqual(log.suffix(2).map { $0["event"] as? String }, ["run.failed", "run.done"], result.stderr)
        let failed = log[log.count - 2], done = log[log.count - 1]
        XCTAssertEqual(failed["level"] as? String, "error")
        XCTAssertEqual(failed["exit_status"] as? Int, 65)
        XCTAssertEqual(failed["message"] as? String, "\(bad):1:9: duplicate column 'SEX' (also column 8)")
        XCTAssertEqual(done["level"] as? String, "info")
        XCTAssertEqual(done["outcome"] as? String, "refused")
        XCTAssertEqual(done["run"] as? Int, failed["run"] as? Int)
        XCTAssertNil(done["message"], "no empty message key")
        for event in log where event["message"] != nil {
            XCTAssertNotEqual(event["message"] as? String, "", "\(event)")
        }
        // In text mode the same run prints the one error line and nothing else.
        let text = try h.pipeline("load", "list-sizes", bad)
        XCTAssertEqual(text.stderr, "\(bad):1:9: duplicate column 'SEX' (also column 8)\n")
    }

    func testASuccessfulRunEndsWithRunDoneAndMessageLessEventsHaveNoMessageKey() throws {
        let result = try h.pipeline("--log-format", "json", "load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2021-01.csv"))
        XCTAssertEqual(result.status, 0, result.stderr)
        let log = try events(result)
        XCTAssertEqual(log.last?["event"] as? String, "run.done")
        XCTAssertEqual(log.last?["outcome"] as? String, "ok")
        XCTAssertFalse(log.contains { $0["event"] as? String == "run.failed" })
        XCTAssertEqual(log.filter { ($0["message"] as? String)?.isEmpty == true }.count, 0, result.stderr)
        XCTAssertNil(log.last?["message"])
    }
}
