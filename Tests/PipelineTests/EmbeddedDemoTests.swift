import Foundation
import TestSupport
import XCTest

/// What a newcomer and cron see: the README's demo on the embedded PostgreSQL (twice), the
/// README's crontab line (twice), and secrets kept out of logs, run records and child processes.
final class EmbeddedDemoTests: XCTestCase {
    var project: TemporaryDirectory!
    var cache: TemporaryDirectory!

    /// Variables that would point the pipeline at a database or change its settings.
    static let configuring = ["DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE", "PGUSER", "PGPASSWORD",
                              "PIPELINE_MIRROR", "PIPELINE_CONFIG", "PIPELINE_CATALOG", "PIPELINE_PG_DATA", "PIPELINE_LOG_FORMAT"]

    override func setUpWithError() throws {
        // A checkout of our own: the real Config/, and Fixtures/ by reference.
        project = try TemporaryDirectory("project")
        try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("Config"), to: project.url.appendingPathComponent("Config"))
        try FileManager.default.createSymbolicLink(at: project.url.appendingPathComponent("Fixtures"), withDestinationURL: Fixtures.root.appendingPathComponent("Fixtures"))
        chmod(project.path, 0o755)  // the embedded server runs as `postgres` when the tests run as root
        cache = try TemporaryDirectory("cache")
    }

    override func tearDownWithError() throws {
        if let project, FileManager.default.fileExists(atPath: project.url.appendingPathComponent(".pipeline/postgres/postmaster.pid").path) {
            let stopped = try inProject(["db", "stop"])
            XCTAssertEqual(stopped.status, 0, stopped.stderr)
        }
        project = nil
        cache = nil
    }

    /// Runs the built pipeline from the project directory with no database configured.
    func inProject(_ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
        try Run.program(Run.pipelinePath, arguments, environment: ["PIPELINE_CACHE_DIR": cache.path].merging(environment) { _, b in b },
                        removingEnvironment: Self.configuring, currentDirectory: project.path)
    }

    func testTheREADMEDemoLoadsEveryBundledPublicationIntoTheEmbeddedWarehouseThenIsANoOp() throws {
        let readme = try String(contentsOf: Fixtures.root.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("```sh\nswift run pipeline demo\n```"), "the README's first command is the one tested here")

        let first = try inProject(["demo"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("creating the embedded PostgreSQL cluster in \(project.path)/.pipeline/postgres"), first.stderr)
        XCTAssertTrue(first.stdout.contains("demo: 105 new revisions from list-sizes, ods, gp-appointments, qof, nhs-payments, gp-contract, pcn-des, online-consultations, cloud-telephony, nwrs, cqc, gp-patient-survey, fingertips. The revision log:"), first.stdout)
        let log = first.lines.drop { !$0.hasPrefix("rev\t") }
        XCTAssertEqual(log.count, 106, "a header and one line per revision:\n\(first.stdout)")
        let listSizes = log.dropFirst().filter { $0.contains("\tlist-sizes-") || $0.contains("\tpractice-map\t") }
        XCTAssertEqual(listSizes.map { $0.split(separator: "\t")[3] }, [
            "2017-09-01", "2020-09-01", "2021-01-01", "2022-01-01", "2025-10-01", "2025-11-01", "2025-12-01", "2026-01-01", "2026-03-01",
        ], "every bundled edition, oldest first")
        // The appointments editions restate months: September's restatement is a second
        // revision of that month, and the revision log shows the first as superseded.
        XCTAssertEqual(log.filter { $0.contains("\tgp-appointments\t2025-09-01\t") }.map { $0.split(separator: "\t")[1] }, ["superseded", "current"])

        let second = try inProject(["demo"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("demo: nothing new; every bundled edition was loaded before. The revision log:"), second.stdout)
        XCTAssertEqual(Array(second.lines.drop { !$0.hasPrefix("rev\t") }), Array(log), "the same nine revisions, nothing added")
        XCTAssertFalse(second.stderr.contains("starting the embedded"), "the server kept running between commands")

        // Every other command uses the same embedded warehouse.
        let runs = try inProject(["runs", "--json"])
        XCTAssertEqual(runs.lines.count, 2)
        XCTAssertTrue(runs.lines[0].contains("\"outcome\":\"nothing_new\""), runs.stdout)
        XCTAssertTrue(runs.lines[1].contains("\"outcome\":\"ok\""), runs.stdout)
        // The socket is inside the 0700 data directory: no TCP listener, nobody else admitted.
        let attributes = try FileManager.default.attributesOfItem(atPath: project.url.appendingPathComponent(".pipeline/postgres").path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        XCTAssertTrue(FileManager.default.fileExists(atPath: project.url.appendingPathComponent(".pipeline/postgres/.s.PGSQL.5432").path))

        // Right after the demo, `status` does not call the bundled (old) editions overdue.
        let status = try inProject(["status"])
        XCTAssertEqual(status.status, 0, status.stdout + status.stderr)
        XCTAssertTrue(status.stdout.contains("overdue sources: not judged: the warehouse holds the bundled demo editions only"), status.stdout)
        // `db status` exits 0 while the server runs, 3 (as `pg_ctl status` does) once stopped.
        XCTAssertEqual(try inProject(["db", "status"]).status, 0)
        XCTAssertEqual(try inProject(["db", "stop"]).status, 0)
        let stopped = try inProject(["db", "status"])
        XCTAssertEqual(stopped.status, 3, stopped.stdout)
        XCTAssertTrue(stopped.stdout.hasPrefix("stopped: "), stopped.stdout)
    }

    func testTheREADMECrontabLineLoadsOnceThenReportsNothingNewAndMailsOnlyOnTrouble() throws {
        let database = try TestDatabase()
        let server = try FixtureServer.servingCopyOfPublisherSite()
        let home = try TemporaryDirectory("home")

        let readme = try String(contentsOf: Fixtures.root.appendingPathComponent("README.md"), encoding: .utf8)
        let block = try XCTUnwrap(readme.components(separatedBy: "<!-- crontab -->").dropFirst().first?.components(separatedBy: "<!-- /crontab -->").first)
        let line = try XCTUnwrap(block.split(separator: "\n").first { $0.first?.isNumber == true })
        // Cron runs everything after the five time fields with /bin/sh.
        var command = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)[5].trimmingCharacters(in: .whitespaces)
        XCTAssertTrue(command.hasPrefix("cd /srv/nhs-pipeline && .build/release/pipeline refresh --due"), command)
        command = command.replacingOccurrences(of: "cd /srv/nhs-pipeline", with: "cd '\(project.path)'")
            .replacingOccurrences(of: ".build/release/pipeline", with: "'\(Run.pipelinePath)'")
        let environment = ["HOME": home.path, "DATABASE_URL": database.url, "PIPELINE_MIRROR": server.base,
                           "PIPELINE_CACHE_DIR": cache.path, "PIPELINE_BACKOFF_BASE": "0.05", "PIPELINE_DOWNLOAD_ATTEMPTS": "2"]
        func cron() throws -> RunResult {
            try Run.program("/bin/sh", ["-c", command], environment: environment, removingEnvironment: Self.configuring)
        }
        func runOutcomes() throws -> [String] {
            let text = try String(contentsOfFile: home.url.appendingPathComponent("nhs-pipeline.jsonl").path, encoding: .utf8)
            return try text.split(separator: "\n").compactMap { line -> String? in
                let event = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
                return event["event"] as? String == "run.done" ? event["outcome"] as? String : nil
            }
        }

        let first = try cron()
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout + first.stderr, "", "nothing for cron to mail")
        XCTAssertEqual(try runOutcomes(), ["ok"])
        // Every catalogued source's newest edition (37 scopes: ODS 3, appointments 3, QOF 5, payments 1, registrations 1,
        // GP contract 6, PCN DES 3, online consultations 2: the February 2026 workbook and day-and-time file, workforce 3,
        // cloud telephony 6: November 2025's calls answered, day-and-time and durations files and their three unmapped-account files, CQC 2: September 2026 ratings and framework, GP Patient Survey 1, Fingertips 1).
        XCTAssertEqual(try database.value("SELECT count(*) FROM etl.revisions"), "37")

        let second = try cron()
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.stdout + second.stderr, "")
        XCTAssertEqual(try runOutcomes(), ["ok", "nothing_new"])
        XCTAssertEqual(try database.value("SELECT count(*) FROM etl.revisions"), "37", "nothing written the second time")

        // The publisher's site fails: the run is recorded as failed and cron has one line to mail.
        try database.psql("DELETE FROM etl.source_checks")  // due again at once
        try server.faults("/digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice",
                          [["status": 503]], repeat: true)
        let third = try cron()
        XCTAssertEqual(third.stdout, "nhs-pipeline refresh needs a look: exit 75 (log: ~/nhs-pipeline.jsonl)\n")
        XCTAssertEqual(try runOutcomes(), ["ok", "nothing_new", "failed"])
    }

    func testSecretsStayOutOfLogsRunRecordsAndChildProcesses() throws {
        let secret = "s3cret-\(UUID().uuidString.prefix(8))"
        // 1. The embedded server's tools and the server itself never see PGPASSWORD.
        let started = try inProject(["migrate", "--log-format", "json"], environment: ["PGPASSWORD": secret])
        XCTAssertEqual(started.status, 0, started.stderr)
        let pidText = try String(contentsOfFile: project.url.appendingPathComponent(".pipeline/postgres/postmaster.pid").path, encoding: .utf8)
        let postmaster = try XCTUnwrap(pidText.split(separator: "\n").first.map(String.init))
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(postmaster)/environ"))
        let cmdline = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(postmaster)/cmdline"))
        XCTAssertFalse(String(decoding: environ, as: UTF8.self).contains(secret), "the server's environment")
        XCTAssertFalse(String(decoding: environ, as: UTF8.self).contains("PGPASSWORD"))
        XCTAssertFalse(String(decoding: cmdline, as: UTF8.self).contains(secret), "the server's command line")
        XCTAssertTrue(String(decoding: environ, as: UTF8.self).contains("LC_ALL=C"), "it got the fixed environment")

        // 2. A password in the connection string (here: DATABASE_URL, and --database-url on the
        // command line) appears in no log line, no run record and not in our own process list.
        let database = try TestDatabase()
        let url = database.url + " password=\(secret)"
        let server = try FixtureServer.servingCopyOfPublisherSite()
        let env = ["DATABASE_URL": url, "PIPELINE_MIRROR": server.base, "PIPELINE_CACHE_DIR": cache.path]
        let viaEnvironment = try Run.program(Run.pipelinePath, ["refresh", "--log-format", "json"], environment: env)
        XCTAssertEqual(viaEnvironment.status, 0, viaEnvironment.stderr)
        let running = try RunningProcess(Run.pipelinePath, ["refresh", "--database-url", url, "--log-format", "json"],
                                         environment: ["PIPELINE_MIRROR": server.base, "PIPELINE_CACHE_DIR": cache.path, "DATABASE_URL": ""])
        // The last look at its command line while it runs (after it connected, as ps would see it
        // for the rest of a long load).
        var seen = ""
        while running.process.isRunning {
            let now = running.visibleCommandLine
            if !now.isEmpty { seen = now }
            usleep(2_000)
        }
        let viaFlag = running.wait()
        XCTAssertEqual(viaFlag.status, 0, viaFlag.stderr)
        XCTAssertTrue(seen.contains("--database-url"), seen)
        XCTAssertFalse(seen.contains(secret), "blanked from the process list: \(seen)")
        XCTAssertTrue(viaFlag.stderr.contains("carries a password"), "and the user is told not to")
        for output in [viaEnvironment.stdout, viaEnvironment.stderr, viaFlag.stdout, viaFlag.stderr] {
            XCTAssertFalse(output.contains(secret), output)
        }
        let stored = try database.value("""
            SELECT string_agg(concat_ws(' ', array_to_string(arguments, ' '), error, counts::text), ' | ') FROM etl.runs
            """) + (try database.value("SELECT string_agg(concat_ws(' ', error, counts::text), ' | ') FROM etl.source_checks"))
        XCTAssertFalse(stored.contains(secret), stored)
        XCTAssertTrue(stored.contains("--database-url ***"), stored)

        // A mirror URL's credentials are blanked from the run record too.
        let mirrorSecret = "m1rror-\(UUID().uuidString.prefix(6))"
        let withCredentials = server.base.replacingOccurrences(of: "http://", with: "http://fetcher:\(mirrorSecret)@")
        let viaMirror = try Run.program(Run.pipelinePath, ["refresh", "list-sizes", "--mirror", withCredentials, "--log-format", "json"], environment: env)
        XCTAssertEqual(viaMirror.status, 0, viaMirror.stderr)
        XCTAssertFalse(viaMirror.stderr.contains(mirrorSecret))
        let recorded = try database.value("SELECT array_to_string(arguments, ' ') FROM etl.runs ORDER BY run_id DESC LIMIT 1")
        XCTAssertFalse(recorded.contains(mirrorSecret), recorded)
        XCTAssertTrue(recorded.contains("http://fetcher:***@127.0.0.1"), recorded)

        // 3. A config file may not hold one at all.
        let config = project.url.appendingPathComponent("Config/pipeline.json")
        let original = try Data(contentsOf: config)
        defer { try? original.write(to: config) }
        try #"{"database_url": "postgresql://etl:\#(secret)@localhost/warehouse"}"#.write(to: config, atomically: true, encoding: .utf8)
        let refused = try inProject(["runs"])
        XCTAssertEqual(refused.status, 78)
        XCTAssertEqual(refused.stderr, "\(project.path)/Config/pipeline.json: database_url carries a password; keep passwords in ~/.pgpass or PGPASSWORD, not in a config file\n")
    }

    func testConfigFileEnvironmentAndFlagsOverrideInThatOrderAndMistakesAreNamed() throws {
        let config = project.url.appendingPathComponent("Config/pipeline.json")
        try #"{"download": {"idle_timeout_seconds": 12, "max_attempts": 3}, "cache_dir": "var/cache"}"#.write(to: config, atomically: true, encoding: .utf8)
        let shown = try inProject(["config", "--download-timeout", "7"], environment: ["PIPELINE_DOWNLOAD_ATTEMPTS": "4", "PIPELINE_CACHE_DIR": ""])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains("download.idle_timeout_seconds = 7\t(--download-timeout)"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("download.max_attempts = 4\t(PIPELINE_DOWNLOAD_ATTEMPTS)"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("cache_dir = \(project.path)/var/cache\t(pipeline.json)"), "relative to the project: \(shown.stdout)")
        XCTAssertTrue(shown.stdout.contains("download.backoff_base_seconds = 1\t(default)"), shown.stdout)

        try #"{"download": {"idle_timout_seconds": 12}}"#.write(to: config, atomically: true, encoding: .utf8)
        let typo = try inProject(["config"])
        XCTAssertEqual(typo.status, 78)
        XCTAssertTrue(typo.stderr.hasPrefix("\(config.path): unknown setting 'download.idle_timout_seconds' (known: "), typo.stderr)

        try "{}".write(to: config, atomically: true, encoding: .utf8)
        let badValue = try inProject(["config"], environment: ["PIPELINE_ZIP_MAX_RATIO": "lots"])
        XCTAssertEqual(badValue.status, 78)
        XCTAssertEqual(badValue.stderr, "PIPELINE_ZIP_MAX_RATIO: limits.zip_max_ratio must be a positive whole number, not 'lots'\n")
    }
}
