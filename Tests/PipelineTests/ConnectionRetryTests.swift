import Foundation
import TestSupport
import XCTest

/// Connecting: a server that is (re)starting is waited for, with backoff, for
/// `database.connect_retry_seconds`; a server that never comes gives exit 75 saying where the
/// connection setting came from; a malformed connection string is a configuration error (78),
/// never silently replaced by another database, and never echoes its password.
final class ConnectionRetryTests: XCTestCase {
    func testARestartingServerIsWaitedForWithBackoff() throws {
        let cluster = try ThrowawayCluster()
        cluster.stop()
        let h = try Harness()
        h.extraEnvironment["DATABASE_URL"] = cluster.url()
        h.extraEnvironment["PIPELINE_CONNECT_RETRY"] = "60"
        let run = try h.start(["revisions", "list-sizes"])
        Thread.sleep(forTimeInterval: 1.5)
        try cluster.start()
        let result = run.wait()
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("warning: cannot connect yet; trying again in"), result.stderr)
    }

    func testAServerThatNeverComesGivesUpAfterTheRetryTimeNamingTheSetting() throws {
        let cluster = try ThrowawayCluster()
        cluster.stop()
        let h = try Harness()
        h.extraEnvironment["DATABASE_URL"] = cluster.url()
        h.extraEnvironment["PIPELINE_CONNECT_RETRY"] = "1"
        let started = Date()
        let result = try h.pipeline("revisions", "list-sizes")
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(result.status, 75, result.stderr)
        XCTAssertGreaterThanOrEqual(elapsed, 1, "retried for the configured time")
        XCTAssertLessThan(elapsed, 20)
        let last = try XCTUnwrap(result.stderrLines.last)
        XCTAssertTrue(last.hasPrefix("could not connect to PostgreSQL: "), last)
        XCTAssertTrue(last.contains("attempts over 1 s); the database setting came from DATABASE_URL (`pipeline config` shows it)"), last)
    }

    func testAMalformedConnectionStringIsAConfigurationErrorWithoutItsPassword() throws {
        let h = try Harness()
        h.extraEnvironment["DATABASE_URL"] = "postgresql://etl:s3cr3t-pw@/warehouse?bogus_option=1"
        let result = try h.pipeline("revisions", "list-sizes")
        XCTAssertEqual(result.status, 78, result.stderr)
        XCTAssertFalse(result.stderr.contains("s3cr3t-pw"), result.stderr)
        XCTAssertTrue(result.stderr.contains("the database connection string from DATABASE_URL is malformed: invalid URI query parameter"), result.stderr)
    }
}
