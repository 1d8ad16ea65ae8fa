import Foundation
import Publications
import TestSupport
import Transform
import XCTest

/// One test's world: its own database, cache directory and scratch directory, and the built
/// `pipeline` binary pointed at them through the environment (as cron would).
final class Harness {
    let database: TestDatabase
    let cache: TemporaryDirectory
    let scratch: TemporaryDirectory
    var extraEnvironment: [String: String] = [:]

    init() throws {
        database = try TestDatabase()
        cache = try TemporaryDirectory("cache")
        scratch = try TemporaryDirectory("work")
    }

    var environment: [String: String] {
        ["DATABASE_URL": database.url, "PIPELINE_CACHE_DIR": cache.path].merging(extraEnvironment) { _, new in new }
    }

    @discardableResult
    func pipeline(_ arguments: String...) throws -> RunResult {
        try Run.pipeline(arguments, environment: environment)
    }

    @discardableResult
    func pipeline(_ arguments: [String]) throws -> RunResult {
        try Run.pipeline(arguments, environment: environment)
    }

    func start(_ arguments: [String]) throws -> RunningProcess {
        try RunningProcess(Run.pipelinePath, arguments, environment: environment)
    }

    /// Serves a copy of the saved publisher site and points the pipeline at it as its mirror
    /// (with short retry waits).
    func servePublisherSite() throws -> (site: TemporaryDirectory, server: FixtureServer) {
        let server = try FixtureServer.servingCopyOfPublisherSite()
        extraEnvironment["PIPELINE_MIRROR"] = server.base
        extraEnvironment["PIPELINE_BACKOFF_BASE"] = "0.05"
        return (server.site!, server)
    }

    /// The integrity the schema does not declare (segment tables have no foreign keys, by
    /// design): every segment belongs to a known scope and revision, and no organisation has
    /// two current segments in a scope.
    func assertIntegrity(file: StaticString = #filePath, line: UInt = #line) throws {
        for (table, _) in try SourceRegistry(Publications.all).segmentTables {
            let orphans = try database.value("""
                SELECT count(*) FROM data.\(table) s
                WHERE NOT EXISTS (SELECT 1 FROM etl.scopes c WHERE c.scope_id = s.scope_id)
                   OR NOT EXISTS (SELECT 1 FROM etl.revisions r WHERE r.revision_id = s.revision_id)
                   OR (s.detached_revision IS NOT NULL AND NOT EXISTS (SELECT 1 FROM etl.revisions r WHERE r.revision_id = s.detached_revision))
                """)
            XCTAssertEqual(orphans, "0", "orphan segments in data.\(table)", file: file, line: line)
            let doubled = try database.value(
                "SELECT count(*) FROM (SELECT 1 FROM data.\(table) WHERE valid_to IS NULL GROUP BY scope_id, org HAVING count(*) > 1) d")
            XCTAssertEqual(doubled, "0", "two current segments for one organisation in data.\(table)", file: file, line: line)
        }
    }

    /// `assertIntegrity`, when the test got as far as creating the schema.
    func assertIntegrityIfMigrated(file: StaticString = #filePath, line: UInt = #line) throws {
        guard (try? database.value("SELECT to_regclass('etl.scopes') IS NOT NULL")) == "t" else { return }
        try assertIntegrity(file: file, line: line)
    }

    /// `pipeline revisions --json` as dictionaries.
    func revisions(_ source: String = "list-sizes") throws -> [[String: Any]] {
        let result = try pipeline("revisions", source, "--json")
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// Python's sum of NUMBER_OF_PATIENTS over practice rows of a registrations CSV (an
    /// independent reckoning of what the warehouse must hold).
    static func pythonPatientTotal(_ path: String) throws -> Int {
        let script = """
            import csv, sys
            total = 0
            with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
                for row in csv.DictReader(f):
                    kind = row.get('TYPE', row.get('ORG_TYPE', 'GP'))
                    if kind != 'GP':
                        continue
                    total += int([v for k, v in row.items() if k.replace(' ', '_').upper() == 'NUMBER_OF_PATIENTS'][0])
            print(total)
            """
        let result = try Run.program("python3", ["-c", script, path])
        XCTAssertEqual(result.status, 0, result.stderr)
        return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    /// Rewrites a CSV with Python: `edit` is Python code run with `rows` (list of lists, header
    /// first) in scope; the result keeps LF line endings.
    func edited(_ source: String, as name: String, _ edit: String) throws -> String {
        let target = scratch.url.appendingPathComponent(name).path
        let script = """
            import csv, sys
            rows = list(csv.reader(open(sys.argv[1], newline='')))
            \(edit.split(separator: "\n").map { String($0) }.joined(separator: "\n"))
            with open(sys.argv[2], 'w', newline='') as f:
                csv.writer(f, lineterminator='\\n').writerows(rows)
            """
        let result = try Run.program("python3", ["-c", script, source, target])
        XCTAssertEqual(result.status, 0, result.stderr)
        return target
    }
}

extension Fixtures {
    static func registrations(_ name: String) -> String { path("samples/registrations/" + name) }
}

/// Tests that run the pipeline against a copy of the saved publisher site served on 127.0.0.1
/// (its mirror), each with its own database and cache; segment integrity is checked after each.
class PublisherSiteTestCase: XCTestCase {
    var h: Harness!
    var site: TemporaryDirectory!
    var server: FixtureServer!

    override func setUpWithError() throws {
        h = try Harness()
        (site, server) = try h.servePublisherSite()
    }

    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        server = nil
        site = nil
        h = nil
    }
}
