import Foundation
import TestSupport
import XCTest

/// Faults during a real load (a generated 300,000-row single-year-of-age file, so the COPY
/// lasts long enough to interrupt): kill -9, a terminated backend, SIGTERM, a second run, and
/// a password on the command line. Each leaves the previous current edition exactly as it was,
/// and a re-run converges to one revision per distinct edition.
final class FaultTests: XCTestCase {
    var h: Harness!
    static let files = try! TemporaryDirectory("fault-files")
    static let edition1 = generate("v1", changed: nil)
    static let edition2 = generate("v2", changed: 2)

    /// v1 and v2 (2 % of counts changed) of the same month, generated once per run.
    static func generate(_ name: String, changed: Int?) -> String {
        let base = files.url.appendingPathComponent("v1/gp-reg-pat-prac-sing-age-male.csv").path
        let target = files.url.appendingPathComponent("\(name)/gp-reg-pat-prac-sing-age-male.csv").path
        if !FileManager.default.fileExists(atPath: target) {
            try! FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let script = Fixtures.root.appendingPathComponent("bench/gen_single_age.py").path
            var args = [script, "300000", base]
            if let changed { args += ["--changed", String(changed), target] }
            let result = try! Run.program("python3", args)
            precondition(result.status == 0, result.stderr)
        }
        return target
    }

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    func loadFirstEdition() throws -> String {
        let result = try h.pipeline("load", "list-sizes", Self.edition1, "--published", "2025-11-13")
        XCTAssertEqual(result.status, 0, result.stderr)
        return try state()
    }

    /// Everything a reader could see: revision log, current totals, and segment rows.
    func state() throws -> String {
        try h.database.psql("""
            SELECT (SELECT string_agg(revision || ':' || status, ',' ORDER BY revision) FROM etl.revision_log),
                   (SELECT sum(patients) FROM api.list_sizes), (SELECT count(*) FROM data.list_sizes)
            """).description
    }

    func waitForCopy() throws {
        let copying = try eventually(timeout: 60) {
            try h.database.value("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'pipeline load list-sizes' AND state = 'active' AND query LIKE 'COPY%'
                """) == "1"
        }
        XCTAssertTrue(copying, "the load reached its COPY")
    }

    func waitForNoLoaderSessions() throws {
        XCTAssertTrue(try eventually {
            try h.database.value("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'pipeline%'") == "0"
        }, "the server let go of the dead client's session")
    }

    func testKillNineMidCopyLeavesThePreviousEditionAndTheRerunConverges() throws {
        let before = try loadFirstEdition()
        let run = try h.start(["load", "list-sizes", Self.edition2, "--published", "2025-11-20"])
        try waitForCopy()
        run.signal(SIGKILL)
        XCTAssertEqual(run.wait().status, SIGKILL, "killed (terminationStatus is the signal)")
        try waitForNoLoaderSessions()
        XCTAssertEqual(try state(), before, "no partial rows, the first edition still current")
        let rerun = try h.pipeline("load", "list-sizes", Self.edition2, "--published", "2025-11-20")
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains(" is now current ("), rerun.stdout)
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Self.edition2, "--published", "2025-11-20").status, 0)
        XCTAssertEqual(try h.database.value("SELECT string_agg(status, ',' ORDER BY revision) FROM etl.revision_log"), "superseded,current",
                       "exactly one revision per distinct edition")
        XCTAssertEqual(try h.database.value("SELECT string_agg(outcome, ',' ORDER BY run_id) FROM etl.runs"),
                       "ok,abandoned,ok,nothing_new", "the killed run is marked abandoned by the next one")
    }

    func testLostConnectionMidCopyIsATemporaryFailureAndTheRerunConverges() throws {
        let before = try loadFirstEdition()
        let run = try h.start(["load", "list-sizes", Self.edition2, "--published", "2025-11-20"])
        try waitForCopy()
        try h.database.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pipeline load list-sizes'")
        let result = run.wait()
        XCTAssertEqual(result.status, 75, result.stderr)
        XCTAssertTrue(result.stderr.contains("connection") || result.stderr.contains("terminat"), result.stderr)
        XCTAssertEqual(try state(), before)
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Self.edition2, "--published", "2025-11-20").status, 0)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "2")
    }

    func testSIGTERMAndSIGINTRollBackReleaseTheLockAndRecordTheRunAsCancelled() throws {
        let before = try loadFirstEdition()
        for (signal, status) in [(SIGTERM, Int32(143)), (SIGINT, Int32(130))] {
            let run = try h.start(["load", "list-sizes", Self.edition2, "--published", "2025-11-20"])
            try waitForCopy()
            let sent = Date()
            run.signal(signal)
            let result = run.wait()
            XCTAssertLessThan(Date().timeIntervalSince(sent), 5, "exits promptly")
            XCTAssertEqual(result.status, status, result.stderr)
            XCTAssertTrue(result.stderr.hasSuffix("cancelled: rolled back; nothing of this run was kept\n"), result.stderr)
            XCTAssertEqual(try state(), before)
            XCTAssertEqual(try h.database.value("SELECT outcome FROM etl.runs ORDER BY run_id DESC LIMIT 1"), "cancelled")
            XCTAssertEqual(try h.database.value("SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND locktype = 'advisory'"), "0", "lock released")
        }
        let runs = try h.pipeline("runs", "--json")
        XCTAssertEqual(runs.lines.filter { $0.contains("\"outcome\":\"cancelled\"") }.count, 2, runs.stdout)
    }

    func testASecondRunExitsNamingTheHolderOrWaitsWithWaitLock() throws {
        _ = try loadFirstEdition()
        let holder = try h.start(["load", "list-sizes", Self.edition2, "--published", "2025-11-20"])
        try waitForCopy()
        let small = Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")
        let refused = try h.pipeline("load", "list-sizes", small)
        XCTAssertEqual(refused.status, 73, refused.stderr)
        let host = ProcessInfo.processInfo.hostName
        XCTAssertTrue(refused.stderr.hasPrefix("another run holds the warehouse lock: run 2 (load list-sizes), pid \(holder.pid) on host \(host), since 20"),
                      refused.stderr)
        let waiting = try h.start(["load", "list-sizes", small, "--wait-lock"])
        XCTAssertEqual(holder.wait().status, 0)
        let waited = waiting.wait()
        XCTAssertEqual(waited.status, 0, waited.stderr)
        XCTAssertTrue(waited.stderr.hasPrefix("waiting for the warehouse lock held by run "), waited.stderr)
        // Revisions never interleave: each run's revisions are committed before the next run writes.
        XCTAssertEqual(try h.database.value("SELECT string_agg(dataset || '@' || run_id, ',' ORDER BY revision_id) FROM etl.revisions"),
                       "list-sizes-sya-male@1,list-sizes-sya-male@2,list-sizes-all@3")
    }

    func testAPasswordIsNeverShownNorKept() throws {
        let env = ProcessInfo.processInfo.environment
        let socket = try XCTUnwrap(env["ETL_TEST_PG_SOCKET_DIR"]), port = try XCTUnwrap(env["ETL_TEST_PG_PORT"])
        let secret = "s3cr3t-pw"
        let url = "postgresql://etl:\(secret)@/\(h.database.name)?host=\(socket)&port=\(port)"
        // Hold the lock so the pipeline waits long enough to be looked at.
        let holder = try RunningProcess("/usr/bin/env", ["psql", h.database.url, "-qXc",
            "SELECT pg_advisory_lock(\(0x4E48_5357), 1); SELECT pg_sleep(60)"])
        XCTAssertTrue(try eventually { try h.database.value("SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND locktype = 'advisory' AND granted") == "1" })
        h.extraEnvironment["DATABASE_URL"] = ""
        let run = try h.start(["load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv"), "--database-url", url, "--wait-lock"])
        XCTAssertTrue(try eventually { try h.database.value("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pipeline load list-sizes' AND wait_event_type = 'Lock'") == "1" })
        XCTAssertFalse(run.visibleCommandLine.contains(secret), "ps shows: \(run.visibleCommandLine)")
        XCTAssertTrue(run.visibleCommandLine.contains("--database-url"), run.visibleCommandLine)
        try h.database.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'psql' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()")
        _ = holder.wait()
        let result = run.wait()
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains(secret) || result.stderr.contains(secret))
        XCTAssertTrue(result.stderr.contains("warning: --database-url carries a password"), result.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.runs WHERE array_to_string(arguments, ' ') LIKE '%\(secret)%'"), "0")
        XCTAssertEqual(try h.database.value("SELECT arguments[array_length(arguments, 1) - 1] FROM etl.runs"), "***")
        // A refused connection's message names the server, never the password.
        let refused = try h.pipeline("revisions", "--database-url", "postgresql://etl:\(secret)@/nonexistent_db?host=\(socket)&port=\(port)")
        XCTAssertEqual(refused.status, 75)
        XCTAssertFalse(refused.stderr.contains(secret), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("\ncould not connect to PostgreSQL: connection to server on socket"), refused.stderr)
    }
}
