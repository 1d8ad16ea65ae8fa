import Foundation
import TestSupport
import XCTest

/// A reviewer's open transaction holding a lock on a warehouse table does not make a load wait
/// forever: after `database.lock_timeout_seconds` the load stops with exit 75, writes nothing,
/// and names the session in the way (pid, application name, transaction start, tables).
final class LockWaitTests: XCTestCase {
    func testALoadBlockedByAReviewersLockStopsAfterTheTimeoutNamingTheSession() throws {
        let h = try Harness()
        let october = Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october).status, 0)

        // The reviewer: a psql session that locks the table and keeps its transaction open.
        let reviewer = try RunningProcess("/usr/bin/env", ["psql", h.database.url, "-v", "ON_ERROR_STOP=1", "-c",
                                                   "BEGIN; LOCK TABLE data.list_sizes IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;"],
                                          environment: ["PGAPPNAME": "reviewer-notebook"])
        defer {
            _ = try? h.database.value("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'reviewer-notebook'")
            _ = reviewer.wait()
        }
        // Wait until the lock is held.
        var held = false
        for _ in 0..<100 where !held {
            held = try h.database.value("""
                SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                WHERE a.datname = current_database() AND a.application_name = 'reviewer-notebook' AND l.relation = 'data.list_sizes'::regclass AND l.granted
                """) == "1"
            if !held { Thread.sleep(forTimeInterval: 0.1) }
        }
        XCTAssertTrue(held, "the reviewer holds the lock")
        let reviewerPID = try h.database.value("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'reviewer-notebook'")

        h.extraEnvironment["PIPELINE_LOCK_TIMEOUT"] = "1"
        let november = Fixtures.registrations("gp-reg-pat-prac-all_2025-11.csv")
        let started = Date()
        let result = try h.pipeline("load", "list-sizes", november)
        XCTAssertEqual(result.status, 75, result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "stopped after the lock timeout, not after the reviewer finished")
        let line = try XCTUnwrap(result.stderr.split(separator: "\n").last.map(String.init))
        XCTAssertTrue(line.contains("lock timeout"), line)
        XCTAssertTrue(line.contains("held by pid \(reviewerPID) (application 'reviewer-notebook', transaction started "), line)
        XCTAssertTrue(line.contains("data.list_sizes"), line)
        XCTAssertTrue(line.contains("nothing was written"), line)

        // The reviewer's session ends (its backend would otherwise sleep on after psql exits).
        _ = try h.database.value("SELECT pg_terminate_backend(\(reviewerPID))")
        _ = reviewer.wait()
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT month) FROM api.list_sizes"), "1", "November was not loaded")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", november).status, 0, "a re-run after the reviewer finished converges")
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT month) FROM api.list_sizes"), "2")
    }
}
