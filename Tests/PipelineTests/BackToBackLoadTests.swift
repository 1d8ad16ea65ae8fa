import Foundation
import TestSupport
import XCTest

/// Months loaded one after another, then republications right after: what every monthly run
/// and every backfill does. The planner's statistics are then stale (they describe the table
/// before the last loads), and a statement planned on them once compared every new segment
/// with every current one: a republication of a 1.2 M-row month took three minutes instead of
/// two seconds. These tests look at the plans PostgreSQL ran (auto_explain, with the rows each
/// node touched) and check that no statement of a republication reads more than a small
/// multiple of its own scope's segments: no sequential scan over the other periods, no nested
/// loop that rereads the scope for each segment. Timing is left to bench/load.sh.
final class BackToBackLoadTests: XCTestCase {
    var h: Harness!
    let practices = 600
    let ages = ["0", "1", "2", "3", "4", "5", "6", "7", "95+", "ALL"]
    let months = ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01"]

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    func testRepublicationsRightAfterBackToBackMonthsReadOnlyTheirOwnScope() throws {
        XCTAssertEqual(try h.pipeline("migrate").status, 0)
        // Statistics stay as the loads leave them (no autovacuum racing the test): they know
        // only the first month, as after a backfill whose months came faster than autovacuum.
        try h.database.psql("ALTER TABLE data.list_sizes SET (autovacuum_enabled = off); ALTER TABLE data.practice_map SET (autovacuum_enabled = off)")
        for (index, month) in months.enumerated() {
            let load = try h.pipeline(["load", "list-sizes", try mapFile(month), try singleAgeFile(month), "--published", published(month, day: 10)])
            XCTAssertEqual(load.status, 0, load.stderr)
            XCTAssertTrue(load.stdout.contains("list-sizes-sya-male \(month.prefix(7)): revision \(2 * index + 2) is now current (\(practices * ages.count) rows: +\(practices * ages.count) added"), load.stdout)
            if index == 0 { try h.database.psql("ANALYZE data.list_sizes; ANALYZE data.practice_map") }
        }
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT scope_id) FROM data.list_sizes"), String(months.count))

        // The newest month republished right after it was loaded (its scope unknown to the
        // statistics), then the first month (which the statistics take for the whole table).
        for (month, revision) in [(months.last!, 13), (months.first!, 14)] {
            let plans = try explained {
                let republished = try h.pipeline(["load", "list-sizes", try singleAgeFile(month, republished: true), "--published", published(month, day: 20)])
                XCTAssertEqual(republished.status, 0, republished.stderr)
                // 60 practices with one count changed; one whose rows come in another order, with
                // one count changed; one withdrawn and one new.
                XCTAssertEqual(republished.stdout, "list-sizes-sya-male \(month.prefix(7)): revision \(revision) is now current (\(practices * ages.count) rows: +\(ages.count) added, ~61 changed, -\(ages.count) removed, =\(practices * ages.count - ages.count - 61) unchanged)\n")
                XCTAssertTrue(try h.database.value("SELECT totals->>'gate' FROM etl.revisions WHERE revision_id = \(revision)")
                    .hasPrefix("passed against the current \(month.prefix(7)) edition"))
            }
            let scope = try h.database.value("SELECT scope_id FROM etl.scopes WHERE dataset = 'list-sizes-sya-male' AND period = '\(month)'")
            let scopeSegments = Int(try h.database.value("SELECT count(*) FROM data.list_sizes WHERE scope_id = \(scope)"))!
            let otherSegments = Int(try h.database.value("SELECT count(*) FROM data.list_sizes WHERE scope_id <> \(scope)"))!
            XCTAssertGreaterThan(otherSegments, 4 * scopeSegments, "the other periods outweigh the scope, so a scan over them shows")
            let touching = plans.filter { $0.relations.contains("list_sizes") }
            XCTAssertGreaterThanOrEqual(touching.count, 3, "the republication's statements on data.list_sizes were seen")
            for plan in touching {
                XCTAssertFalse(plan.nodeTypes.contains("Seq Scan") && plan.scannedRelations.contains("list_sizes"),
                               "a sequential scan of data.list_sizes (\(month)):\n\(plan.query)")
                XCTAssertLessThanOrEqual(plan.rowsTouched, 3 * scopeSegments,
                                         "\(plan.rowsTouched) rows touched for a scope of \(scopeSegments) segments (\(month)):\n\(plan.query)\n\(plan.summary)")
            }
        }
    }

    // MARK: the files

    func published(_ month: String, day: Int) -> String {
        let parts = month.split(separator: "-").map { Int($0)! }
        let (year, next) = parts[1] == 12 ? (parts[0] + 1, 1) : (parts[0], parts[1] + 1)
        return String(format: "%04d-%02d-%02d", year, next, day)
    }

    func code(_ practice: Int) -> String { String(format: "%@%05d", ["A", "B", "C", "D", "E"][practice % 5], 10_000 + practice) }

    /// A single-year-of-age (male) file for `month`: `practices` practices, `ages` rows each,
    /// counts fixed by practice, age and month. The republished edition changes one count in
    /// every tenth practice, reverses the rows of practice 5 (and changes one of its counts),
    /// withdraws practice 7 and adds a new one.
    func singleAgeFile(_ month: String, republished: Bool = false) throws -> String {
        var lines = ["PUBLICATION,EXTRACT_DATE,ORG_TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,ORG_CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS"]
        let salt = Int(month.replacingOccurrences(of: "-", with: ""))! % 97
        var practiceList = Array(0..<practices)
        if republished {
            practiceList.removeAll { $0 == 7 }
            practiceList.append(practices + 1)
        }
        for p in practiceList {
            var rows: [String] = []
            for (a, age) in ages.enumerated() {
                var count = (p * 31 + a * 7 + salt) % 400
                if republished && ((p % 10 == 0 && a == 3) || (p == 5 && a == 1)) { count += 1 }
                rows.append("GP_PRAC_PAT_LIST,\(month),GP,\(String(format: "%02dA", p % 40)),E38\(String(format: "%06d", p % 40)),\(code(p)),NE1 \(p % 9)AB,MALE,\(age),\(count)")
            }
            if republished && p == 5 { rows.reverse() }
            lines += rows
        }
        return try h.scratch.write("\(month)\(republished ? "-v2" : "")/gp-reg-pat-prac-sing-age-male.csv", lines.joined(separator: "\n") + "\n")
    }

    /// The practice map of `month` (ICB era): every practice in one of 40 PCNs.
    func mapFile(_ month: String) throws -> String {
        var lines = ["PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ICB_CODE,ONS_ICB_CODE,ICB_NAME,COMM_REGION_CODE,ONS_COMM_REGION_CODE,COMM_REGION_NAME"]
        for p in 0...practices + 1 {
            let pcn = String(format: "U%05d", p % 40)
            lines.append("GP_PRAC_PAT_LIST,\(month),\(code(p)),PRACTICE \(p),NE1 \(p % 9)AB,\(pcn),\(pcn) PCN,\(String(format: "%02dA", p % 40)),E38\(String(format: "%06d", p % 40)),SUB-ICB \(p % 40),QH\(p % 4),E54\(String(format: "%06d", p % 4)),ICB \(p % 4),Y6\(p % 2),E4000000\(p % 2),REGION \(p % 2)")
        }
        return try h.scratch.write("\(month)/gp-reg-pat-prac-map.csv", lines.joined(separator: "\n") + "\n")
    }

    // MARK: the plans

    /// Runs `body` with auto_explain logging every statement of this test's database with the
    /// rows each plan node touched, and returns those plans (read from the throwaway cluster's
    /// server log, which Tests/with-postgres.sh keeps in its socket directory).
    func explained(_ body: () throws -> Void) throws -> [ExecutedPlan] {
        let directory = try XCTUnwrap(ProcessInfo.processInfo.environment["ETL_TEST_PG_SOCKET_DIR"],
                                      "run the tests under Tests/with-postgres.sh (it keeps the server log these tests read)")
        let log = URL(fileURLWithPath: directory).appendingPathComponent("server.log")
        try h.database.psql("""
            ALTER DATABASE \(h.database.name) SET session_preload_libraries = 'auto_explain';
            ALTER DATABASE \(h.database.name) SET auto_explain.log_min_duration = 0;
            ALTER DATABASE \(h.database.name) SET auto_explain.log_analyze = on;
            ALTER DATABASE \(h.database.name) SET auto_explain.log_timing = off;
            ALTER DATABASE \(h.database.name) SET auto_explain.log_format = 'json';
            ALTER DATABASE \(h.database.name) SET auto_explain.log_level = 'log';
            """)
        let start = try Data(contentsOf: log).count
        try body()
        try h.database.psql("ALTER DATABASE \(h.database.name) RESET ALL")
        let text = String(decoding: try Data(contentsOf: log).dropFirst(start), as: UTF8.self)
        return try ExecutedPlan.all(inServerLog: text)
    }
}

/// One statement's plan as auto_explain logged it (JSON, with actual row counts).
struct ExecutedPlan {
    let query: String
    let root: [String: Any]

    /// Plans in a PostgreSQL server log (stderr format: an entry's continuation lines start with a tab).
    static func all(inServerLog text: String) throws -> [ExecutedPlan] {
        var entries: [[Substring]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\t"), !entries.isEmpty { entries[entries.count - 1].append(line.dropFirst()) } else { entries.append([line]) }
        }
        return try entries.filter { $0[0].contains("LOG:  duration:") && $0[0].hasSuffix("plan:") }.map { entry in
            let object = try JSONSerialization.jsonObject(with: Data(entry.dropFirst().joined(separator: "\n").utf8)) as! [String: Any]
            return ExecutedPlan(query: object["Query Text"] as? String ?? "", root: object["Plan"] as! [String: Any])
        }
    }

    private var nodes: [[String: Any]] {
        var all: [[String: Any]] = [], pending = [root]
        while let node = pending.popLast() {
            all.append(node)
            pending += node["Plans"] as? [[String: Any]] ?? []
        }
        return all
    }

    private static func number(_ node: [String: Any], _ key: String) -> Double { (node[key] as? NSNumber)?.doubleValue ?? 0 }

    var nodeTypes: Set<String> { Set(nodes.compactMap { $0["Node Type"] as? String }) }
    var relations: Set<String> { Set(nodes.compactMap { $0["Relation Name"] as? String }) }
    var scannedRelations: Set<String> { Set(nodes.filter { $0["Node Type"] as? String == "Seq Scan" }.compactMap { $0["Relation Name"] as? String }) }

    /// Rows the plan read from data.list_sizes (returned or filtered out, every loop) plus the
    /// rows its joins compared and threw away. A lossy bitmap recheck is left out: one range
    /// of the history index spans 1 MB of table (every period, at this test's size; a few
    /// hundred segments of one period at national size).
    var rowsTouched: Int {
        var total = 0.0
        for node in nodes {
            let loops = max(Self.number(node, "Actual Loops"), 1)
            if node["Relation Name"] as? String == "list_sizes" {
                total += (Self.number(node, "Actual Rows") + Self.number(node, "Rows Removed by Filter")) * loops
            }
            total += Self.number(node, "Rows Removed by Join Filter") * loops
        }
        return Int(total)
    }

    var summary: String {
        nodes.map { node in
            "\(node["Node Type"] ?? "") \(node["Relation Name"] ?? "") rows=\(node["Actual Rows"] ?? "") loops=\(node["Actual Loops"] ?? "") filtered=\(node["Rows Removed by Filter"] ?? 0) joinFiltered=\(node["Rows Removed by Join Filter"] ?? 0)"
        }.joined(separator: "\n")
    }
}
