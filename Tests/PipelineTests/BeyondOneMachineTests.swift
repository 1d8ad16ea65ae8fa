import Foundation
import TestSupport
import XCTest

/// Readers on a real hot standby (`pg_basebackup -R`) and connections through a real pgbouncer:
/// a standby serves every `api` object and only whole publications; the loader refuses to write
/// to a standby and to run through a transaction pooler (its run lock and settings live in one
/// session), while readers use the pooler freely. docs/scaling.md says how a deployment grows.
final class BeyondOneMachineTests: XCTestCase {
    func countsOfEveryAPIObject(_ cluster: ThrowawayCluster) throws -> [[String]] {
        let objects = try cluster.psql("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'api' AND c.relkind IN ('v', 'm', 'r') ORDER BY 1
            """, database: "warehouse").map { $0[0] }
        XCTAssertGreaterThan(objects.count, 10)
        return try objects.map { [$0, try cluster.psql("SELECT count(*) FROM api.\($0)", database: "warehouse")[0][0]] }
    }

    func waitForReplay(_ standby: ThrowawayCluster, of primary: ThrowawayCluster) throws {
        let target = try primary.psql("SELECT pg_current_wal_lsn()")[0][0]
        for _ in 0..<200 {
            if try standby.psql("SELECT pg_last_wal_replay_lsn() >= '\(target)'::pg_lsn")[0][0] == "t" { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("the standby did not catch up")
    }

    func testReadersOnAHotStandbySeeWholePublicationsAndEveryAPIObject() throws {
        let primary = try ThrowawayCluster()
        try primary.psql("CREATE DATABASE warehouse")
        let standby = try ThrowawayCluster(standbyOf: primary)
        let h = try Harness()
        h.extraEnvironment["DATABASE_URL"] = primary.url(database: "warehouse")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")).status, 0)
        try waitForReplay(standby, of: primary)

        // While November loads on the primary, a reader on the standby polls November's rows:
        // it sees none, then all of them, never a part.
        final class Observations: @unchecked Sendable {
            let lock = NSLock()
            var seen: Set<String> = []
            var finished = false
        }
        let observed = Observations()
        let reader = Thread {
            while !(observed.lock.withLock { observed.finished }) {
                if let count = try? standby.psql("SELECT count(*) FROM api.list_sizes WHERE month = '2025-11-01'", database: "warehouse")[0][0] {
                    observed.lock.withLock { _ = observed.seen.insert(count) }
                }
            }
        }
        reader.start()
        let loaded = try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-11.csv"))
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        try waitForReplay(standby, of: primary)
        Thread.sleep(forTimeInterval: 0.2)
        observed.lock.withLock { observed.finished = true }
        let seen = observed.lock.withLock { observed.seen }
        let whole = try primary.psql("SELECT count(*) FROM api.list_sizes WHERE month = '2025-11-01'", database: "warehouse")[0][0]
        XCTAssertNotEqual(whole, "0")
        XCTAssertTrue(seen.allSatisfy { $0 == "0" || $0 == whole }, "the standby showed \(seen) of \(whole) rows")
        XCTAssertTrue(seen.contains(whole), "the reader saw the whole month once replayed")

        // Every api object answers on the standby with the primary's rows.
        XCTAssertEqual(try countsOfEveryAPIObject(standby), try countsOfEveryAPIObject(primary))

        // The loader is pointed at the primary, never the standby.
        h.extraEnvironment["DATABASE_URL"] = standby.url(database: "warehouse")
        let refused = try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-12.csv"))
        XCTAssertEqual(refused.status, 78, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("is a read-only standby (pg_is_in_recovery): readers may use it; point `pipeline load list-sizes` at the primary"),
                      refused.stderr)
        XCTAssertEqual(try h.pipeline("revisions", "list-sizes").status, 0, "reading commands work on the standby")
    }

    func testTheLoaderRefusesATransactionPoolerWhileReadersUseIt() throws {
        let cluster = try ThrowawayCluster()
        try cluster.psql("CREATE DATABASE warehouse")
        let pooler = try PgBouncer(before: cluster, database: "warehouse", mode: "transaction")
        let h = try Harness()
        h.extraEnvironment["DATABASE_URL"] = cluster.url(database: "warehouse")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")).status, 0)

        h.extraEnvironment["DATABASE_URL"] = pooler.url(database: "warehouse")
        let refused = try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-11.csv"))
        XCTAssertEqual(refused.status, 78, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("the warehouse connection goes through a proxy or pooler (dialled port \(pooler.port), the server listens on \(cluster.port))"),
                      refused.stderr)
        XCTAssertEqual(try cluster.psql("SELECT count(*) FROM etl.revisions", database: "warehouse")[0][0], "1", "nothing written through the pooler")

        // Readers (the API) go through the pooler: plain reads of api objects work there.
        let read = try Run.program("psql", [pooler.url(database: "warehouse"), "-qXAtc", "SELECT count(DISTINCT org) FROM api.list_sizes WHERE month = '2025-10-01'"])
        XCTAssertEqual(read.status, 0, read.stderr)
        XCTAssertEqual(read.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "300")

        // A pooler that keeps one server session per client is allowed when the operator says so.
        let sessionPooler = try PgBouncer(before: cluster, database: "warehouse", mode: "session")
        h.extraEnvironment["DATABASE_URL"] = sessionPooler.url(database: "warehouse")
        h.extraEnvironment["PIPELINE_DB_POOLER"] = "session"
        let loaded = try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-11.csv"))
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        XCTAssertEqual(try cluster.psql("SELECT count(*) FROM etl.revisions", database: "warehouse")[0][0], "2")
    }
}
