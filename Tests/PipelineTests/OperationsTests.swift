import Foundation
import TestSupport
import XCTest

/// Running the pipeline unattended: `refresh --due` on a schedule, `backfill` over a range with a
/// failure in the middle, the run log, `status`, JSON logs and the progress line. Against a
/// real HTTP server on 127.0.0.1 serving the saved publisher site; `PIPELINE_NOW` sets the day.
final class OperationsTests: PublisherSiteTestCase {
    let seriesPath = "/digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice"
    let decemberFile = "/files.digital.nhs.uk/A4/66AE86/gp-reg-pat-prac-all.csv"

    func on(_ instant: String, _ arguments: String...) throws -> RunResult {
        h.extraEnvironment["PIPELINE_NOW"] = instant
        return try h.pipeline(arguments)
    }

    func fileRequests() throws -> [[String: Any]] {
        try server.requests().filter { ($0["path"] as? String)?.hasPrefix("/files.") == true }
    }

    func testRefreshDueFetchesOnlyWhenTheScheduleSaysSomethingCanBeNew() throws {
        // Never loaded: due at once; loads the newest edition (March 2026, published 12 March).
        let first = try on("2026-03-20T06:00:00Z", "refresh", "list-sizes", "--due")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("list-sizes-all 2026-03: revision 1 is now current"), first.stdout)

        // An hour later: April's edition cannot be out before 8 April and March was just checked.
        try server.clearRequests()
        let hourLater = try on("2026-03-20T07:00:00Z", "refresh", "list-sizes", "--due")
        XCTAssertEqual(hourLater.status, 0, hourLater.stderr)
        XCTAssertEqual(hourLater.stdout, "nothing due\n")
        XCTAssertTrue(hourLater.stderr.contains("list-sizes: not due (2026-04 expected from 2026-04-08; checked recently)"), hourLater.stderr)
        XCTAssertEqual(try server.requests().count, 0, "nothing was fetched, not even the series page")

        // A day later: rechecked (a republication of March would be noticed), nothing new, all 304s.
        let dayLater = try on("2026-03-21T08:00:00Z", "refresh", "list-sizes", "--due")
        XCTAssertEqual(dayLater.status, 0, dayLater.stderr)
        XCTAssertEqual(dayLater.stdout, "list-sizes 2026-03: nothing new (gp-reg-pat-prac-all.csv (not modified))\n")
        XCTAssertEqual(try server.requests().map { $0["status"] as? Int }, [304, 304, 304])

        // In April's window every run checks; past 22 April it is overdue: still exit 0 (cron
        // stays quiet), a warning in the log, and `status` flags it.
        try server.clearRequests()
        let overdue = try on("2026-04-25T08:00:00Z", "refresh", "list-sizes", "--due")
        XCTAssertEqual(overdue.status, 0, overdue.stderr)
        XCTAssertTrue(overdue.stderr.contains("warning: list-sizes: 2026-04 is overdue (expected by 2026-04-22)"), overdue.stderr)
        XCTAssertEqual(try server.requests().count, 3)
        let status = try on("2026-04-25T09:00:00Z", "status")
        XCTAssertEqual(status.status, 3, "something needs a person")
        XCTAssertTrue(status.stdout.contains("overdue sources: \n  list-sizes: 2026-04 expected by 2026-04-22; newest loaded 2026-03"), status.stdout)

        XCTAssertEqual(try h.database.value("SELECT string_agg(outcome, ',' ORDER BY run_id) FROM etl.runs"), "ok,nothing_new,nothing_new,nothing_new")
        XCTAssertEqual(try h.revisions().count, 1)
    }

    func testBackfillLoadsOldestFirstResumesAfterAFailureAndForceReloads() throws {
        // Dry run: the plan, no data file fetched, nothing written.
        let plan = try h.pipeline("backfill", "list-sizes", "--from", "2025-10", "--to", "2026-03", "--dry-run")
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertEqual(plan.lines.filter { $0.hasPrefix("list-sizes ") }.map { String($0.prefix(18)) },
                       ["list-sizes 2025-10", "list-sizes 2025-11", "list-sizes 2025-12", "list-sizes 2026-01", "list-sizes 2026-03"])
        XCTAssertEqual(plan.lines.filter { $0.hasPrefix("  would fetch") }.count, 5)
        XCTAssertTrue(plan.stderr.contains("warning: list-sizes: the series page lists no edition for 2026-02"), plan.stderr)
        XCTAssertEqual(try fileRequests().count, 0)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.runs"), "0", "a dry run records nothing")

        // December's file keeps failing: October and November are loaded and kept, then it stops.
        h.extraEnvironment["PIPELINE_DOWNLOAD_ATTEMPTS"] = "2"
        try server.faults(decemberFile, [["status": 503]], repeat: true)
        let failed = try h.pipeline("backfill", "list-sizes", "--from", "2025-10", "--to", "2026-03")
        XCTAssertEqual(failed.status, 75, failed.stderr)
        XCTAssertEqual(failed.stderrLines.last, "https://files.digital.nhs.uk/A4/66AE86/gp-reg-pat-prac-all.csv: gave up after 2 attempts: HTTP 503")
        XCTAssertEqual(try h.database.value("SELECT string_agg(period::text, ',' ORDER BY revision_id) FROM etl.revisions"), "2025-10-01,2025-11-01")
        XCTAssertEqual(try h.database.value("SELECT outcome FROM etl.runs ORDER BY run_id DESC LIMIT 1"), "failed")
        XCTAssertEqual(try h.database.value("SELECT outcome FROM etl.source_checks ORDER BY check_id DESC LIMIT 1"), "failed")

        // Fixed: the re-run skips what is loaded and carries on from December, oldest first.
        try server.clearFaults()
        let resumed = try h.pipeline("backfill", "list-sizes", "--from", "2025-10", "--to", "2026-03")
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(resumed.lines, [
            "list-sizes 2025-10: nothing new (gp-reg-pat-prac-all.csv (not modified))",
            "list-sizes 2025-11: nothing new (gp-reg-pat-prac-all.csv (not modified))",
            "list-sizes-all 2025-12: revision 3 is now current (6196 rows: +6196 added, ~0 changed, -0 removed, =0 unchanged)",
            "list-sizes-all 2026-01: revision 4 is now current (6171 rows: +6171 added, ~0 changed, -0 removed, =0 unchanged)",
            "list-sizes-all 2026-03: revision 5 is now current (6169 rows: +6169 added, ~0 changed, -0 removed, =0 unchanged)",
        ])
        XCTAssertEqual(try h.database.value("SELECT string_agg(period::text, ',' ORDER BY revision_id) FROM etl.revisions"),
                       "2025-10-01,2025-11-01,2025-12-01,2026-01-01,2026-03-01")

        // --force fetches and reads again; identical content still writes nothing.
        try server.clearRequests()
        let forced = try h.pipeline("backfill", "list-sizes", "--from", "2026-01", "--to", "2026-01", "--force")
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(forced.stdout, "list-sizes-all 2026-01: unchanged (6171 rows identical to the current revision); nothing written\n")
        XCTAssertEqual(try fileRequests().map { $0["status"] as? Int }, [200], "fetched unconditionally")
        // After a rollback, --force reinstates the edition from the same file.
        XCTAssertEqual(try h.pipeline("rollback", "5").status, 0)
        let reinstated = try h.pipeline("backfill", "list-sizes", "--from", "2026-03", "--to", "2026-03", "--force")
        XCTAssertEqual(reinstated.status, 0, reinstated.stderr)
        XCTAssertTrue(reinstated.stdout.hasSuffix(" is now current (6169 rows: +6169 added, ~0 changed, -0 removed, =0 unchanged)\n"), reinstated.stdout)
        XCTAssertEqual(try h.database.value("SELECT status FROM etl.revision_log WHERE period = '2026-03-01' ORDER BY revision DESC LIMIT 1"), "current")
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT file_id) FROM etl.revisions WHERE period = '2026-03-01'"), "1")

        let unlisted = try h.pipeline("backfill", "list-sizes", "--from", "2019-01", "--to", "2019-03")
        XCTAssertEqual(unlisted.status, 69, unlisted.stderr)
    }

    func testRunsListsEveryRunNewestFirstWithItsOutcomeAndCounts() throws {
        let file = Fixtures.registrations("gp-reg-pat-prac-all_2021-01.csv")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", file).status, 0)
        XCTAssertEqual(try h.pipeline("load", "list-sizes", file).status, 0)
        let bad = try h.scratch.write("gp-reg-pat-prac-all.csv", "PUBLICATION,EXTRACT_DATE,TYPE,CODE\nx,01JAN2021,GP,A81001\n")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", bad).status, 65)
        h.extraEnvironment["PIPELINE_DOWNLOAD_ATTEMPTS"] = "1"
        try server.faults(seriesPath, [["status": 503]], repeat: true)
        XCTAssertEqual(try h.pipeline("refresh", "list-sizes").status, 75)

        let result = try h.pipeline("runs", "--json")
        XCTAssertEqual(result.status, 0, result.stderr)
        let runs = try result.lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(runs.map { $0["outcome"] as? String }, ["failed", "refused", "nothing_new", "ok"])
        XCTAssertEqual(runs.map { $0["run"] as? Int }, [4, 3, 2, 1])
        XCTAssertEqual(runs.map { $0["command"] as? String }, ["refresh", "load list-sizes", "load list-sizes", "load list-sizes"])
        for run in runs {
            for key in ["run", "started_at", "finished_at", "command", "outcome", "counts"] { XCTAssertNotNil(run[key], key) }
        }
        let counts = try XCTUnwrap(runs[3]["counts"] as? [String: Int])
        XCTAssertEqual(counts["revisions"], 1)
        XCTAssertEqual(counts["added"], 300, "the cut-down sample's 300 practices")
        XCTAssertEqual((runs[2]["counts"] as? [String: Int])?["files_skipped"], 1)
        XCTAssertTrue((runs[1]["error"] as? String)?.contains("gp-reg-pat-prac-all.csv") == true)

        let limited = try h.pipeline("runs", "--limit", "2")
        XCTAssertEqual(limited.lines.count, 3, "a header and two runs")
        XCTAssertTrue(limited.lines[1].hasPrefix("4\t"), limited.stdout)
    }

    func testStatusNamesTheLockHolderAndFailingSources() throws {
        XCTAssertEqual(try on("2026-03-20T06:00:00Z", "refresh", "list-sizes").status, 0)
        let healthy = try on("2026-03-20T07:00:00Z", "status")
        XCTAssertEqual(healthy.status, 0, healthy.stdout + healthy.stderr)
        XCTAssertTrue(healthy.stdout.contains("lock: free\n"), healthy.stdout)
        XCTAssertTrue(healthy.stdout.contains("failing sources: none\noverdue sources: none\n"), healthy.stdout)

        h.extraEnvironment["PIPELINE_DOWNLOAD_ATTEMPTS"] = "1"
        try server.faults(seriesPath, [["status": 503]], repeat: true)
        XCTAssertEqual(try on("2026-03-21T07:00:00Z", "refresh", "list-sizes").status, 75)
        // Someone else holds the warehouse lock (a psql session standing in for a long load).
        let holder = try RunningProcess("/usr/bin/env", ["psql", h.database.url, "-qXc",
                                                         "SELECT pg_advisory_lock(\(0x4E48_5357), 1); SELECT pg_sleep(60)"])
        defer { holder.signal(SIGTERM); _ = holder.wait() }
        XCTAssertTrue(try eventually { try h.database.value("SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND locktype = 'advisory' AND granted") == "1" })
        let status = try on("2026-03-21T08:00:00Z", "status")
        XCTAssertEqual(status.status, 3)
        XCTAssertTrue(status.stdout.contains("lock: held by psql (backend pid "), status.stdout)
        XCTAssertTrue(status.stdout.contains("failing sources: \n  list-sizes: failed at 2026-03-21T07:00:"), status.stdout)
        XCTAssertTrue(status.stdout.contains("gave up after 1 attempts: HTTP 503"), status.stdout)

        let sources = try on("2026-03-21T08:00:00Z", "sources", "--json")
        let row = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(sources.lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(row["source"] as? String, "list-sizes")
        XCTAssertEqual(row["newest_period"] as? String, "2026-03")
        XCTAssertEqual(row["newest_revision"] as? Int, 1)
        XCTAssertEqual(row["last_outcome"] as? String, "failed")
        XCTAssertEqual(row["overdue"] as? Bool, false)
        XCTAssertTrue((row["next_due"] as? String)?.hasPrefix("2026-03-22T07:00:") == true, "a day after the last check: \(row)")
    }

    func testJSONLogsCarryRunSourceStageCountsAndDurationOnStderrAndDataStaysOnStdout() throws {
        let result = try h.pipeline("refresh", "list-sizes", "--log-format", "json")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "list-sizes-all 2026-03: revision 1 is now current (6169 rows: +6169 added, ~0 changed, -0 removed, =0 unchanged)\n")
        let events = try result.stderrLines.map { line -> [String: Any] in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
        }
        XCTAssertFalse(events.isEmpty)
        for event in events {
            // Schema migrations are applied before the run is recorded; every other line names it.
            if event["event"] as? String != "migrate.applied" { XCTAssertEqual(event["run"] as? Int, 1, "\(event)") }
            XCTAssertNotNil(event["ts"])
            XCTAssertNotNil(event["level"])
        }
        let byEvent = Dictionary(events.map { ($0["event"] as! String, $0) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(byEvent["discover.found"]?["period"] as? String, "2026-03")
        XCTAssertEqual(byEvent["fetch.done"]?["bytes"] as? Int, 457_527)
        XCTAssertEqual(byEvent["fetch.done"]?["stage"] as? String, "fetch")
        XCTAssertEqual(byEvent["fetch.done"]?["source"] as? String, "list-sizes")
        XCTAssertEqual(byEvent["load.done"]?["added"] as? Int, 6169)
        XCTAssertEqual(byEvent["load.done"]?["revision"] as? Int, 1)
        XCTAssertEqual(byEvent["load.summary"]?["rows_read"] as? Int, 6169)
        XCTAssertNotNil(byEvent["load.summary"]?["duration_s"] as? Double)
        XCTAssertEqual(byEvent["run.done"]?["outcome"] as? String, "ok")
        XCTAssertEqual((byEvent["run.done"]?["counts"] as? [String: Int])?["revisions"], 1)

        // A retry is a warning; a failure an error line with its exit status.
        try server.faults("/files.digital.nhs.uk/50/CBA221/gp-reg-pat-prac-all.csv", [["status": 503]], repeat: true)
        h.extraEnvironment["PIPELINE_DOWNLOAD_ATTEMPTS"] = "2"
        let failed = try h.pipeline("refresh", "list-sizes", "--period", "2021-01", "--log-format", "json", "--quiet")
        XCTAssertEqual(failed.status, 75)
        XCTAssertEqual(failed.stdout, "", "--quiet: nothing on stdout")
        let failures = try failed.stderrLines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(failures.filter { $0["event"] as? String == "fetch.retry" }.map { $0["level"] as? String }, ["warning"])
        let error = try XCTUnwrap(failures.first { $0["event"] as? String == "source.failed" })
        XCTAssertEqual(error["level"] as? String, "error")
        XCTAssertEqual(error["exit_status"] as? Int, 75)
        XCTAssertEqual(failures.last?["event"] as? String, "run.done")
        XCTAssertEqual(failures.last?["outcome"] as? String, "failed")
    }

    func testAProgressLineAppearsOnATerminalAndNeverUnderCron() throws {
        let file = Fixtures.registrations("gp-reg-pat-prac-all_2021-01.csv")
        let plain = try h.pipeline("load", "list-sizes", file)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertFalse(plain.stderr.contains("rows/s"), "no progress when stderr is not a terminal")
        XCTAssertFalse(plain.stderr.contains("\u{1B}["))

        // script(1) gives the command a pseudo-terminal, as a person at a shell would.
        let another = Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")
        let command = ([Run.pipelinePath, "load", "list-sizes", another]).map { "'\($0)'" }.joined(separator: " ")
        let onTerminal = try Run.program("script", ["-qec", command, "/dev/null"], environment: h.environment)
        XCTAssertEqual(onTerminal.status, 0, onTerminal.stdout)
        // A bar, per cent and bytes of the file's size, then rows and rows/s.
        XCTAssertTrue(onTerminal.stdout.contains("load list-sizes  [####################]  100%  22.3 of 22.3 kB  "), onTerminal.stdout)
        XCTAssertTrue(onTerminal.stdout.contains("  300 rows ("), onTerminal.stdout)
        XCTAssertTrue(onTerminal.stdout.contains(" rows/s)"), onTerminal.stdout)
        XCTAssertTrue(onTerminal.stdout.contains("\r\u{1B}[2K"), "the line is redrawn in place and cleared at the end")

        // A backfill: each download against its Content-Length, each load says which edition of how many.
        let backfill = ([Run.pipelinePath, "backfill", "list-sizes", "--from", "2025-11", "--to", "2025-12"]).map { "'\($0)'" }.joined(separator: " ")
        // (A warehouse of its own: next to the 300-practice sample above, a national month would
        // rightly fail its quality gate.)
        let fresh = try Harness()
        fresh.extraEnvironment = h.extraEnvironment
        let editions = try Run.program("script", ["-qec", backfill, "/dev/null"], environment: fresh.environment)
        XCTAssertEqual(editions.status, 0, editions.stdout)
        XCTAssertTrue(editions.stdout.contains("fetch gp-reg-pat-prac-all.csv (edition 1 of 2)  ["), editions.stdout)
        XCTAssertTrue(editions.stdout.contains(" of 459.8 kB  "), editions.stdout)
        XCTAssertTrue(editions.stdout.contains("load list-sizes 2025-11 (edition 1 of 2)  [####################]  100%"), editions.stdout)
        XCTAssertTrue(editions.stdout.contains("load list-sizes 2025-12 (edition 2 of 2)  ["), editions.stdout)
        // It ends with a summary table: one line per dataset and period, then the totals.
        let table = editions.stdout.components(separatedBy: "\r\n").drop { !$0.hasPrefix("dataset ") }
        XCTAssertEqual(table.first?.split(separator: " ").map(String.init), ["dataset", "period", "status", "rows", "added", "changed", "removed", "seconds"])
        XCTAssertTrue(table.contains { $0.hasPrefix("list-sizes-all  2025-11  current") }, editions.stdout)
        XCTAssertTrue(table.contains { $0.hasPrefix("list-sizes-all  2025-12  current") }, editions.stdout)
        let rowsOf = { (prefix: String) in table.first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").compactMap { Int($0) }.first } ?? -1 }
        XCTAssertEqual(rowsOf("total "), rowsOf("list-sizes-all  2025-11") + rowsOf("list-sizes-all  2025-12"), editions.stdout)
        XCTAssertGreaterThan(rowsOf("total "), 12000)
    }
}
