import Foundation
import Publications
import TestSupport
import Transform
import XCTest

/// The two roles `pipeline migrate` creates: a login in `warehouse_loader` runs the whole refresh
/// without being a superuser or owning anything; a login in `warehouse_reader` reads every `api`
/// object and nothing else, and writes nothing.
final class RolesTests: PublisherSiteTestCase {
    func login(_ name: String) -> String {
        h.database.url.replacingOccurrences(of: "user=etl", with: "user=\(name)")
    }

    func testALoaderLoginRefreshesEverythingAndAReaderLoginReadsOnlyTheAPI() throws {
        let migrate = try h.pipeline("migrate")
        XCTAssertEqual(migrate.status, 0, migrate.stderr)
        XCTAssertEqual(try h.database.value("""
            SELECT string_agg(rolname || ':' || rolcanlogin::int || rolsuper::int || rolcreatedb::int || rolcreaterole::int, ',' ORDER BY rolname)
            FROM pg_roles WHERE rolname IN ('warehouse_reader', 'warehouse_loader')
            """), "warehouse_loader:0000,warehouse_reader:0000", "both roles exist, NOLOGIN, no superuser, CREATEDB or CREATEROLE")
        let suffix = h.database.name
        let loader = "loader_\(suffix)", reader = "reader_\(suffix)"
        try h.database.psql("CREATE ROLE \(loader) LOGIN IN ROLE warehouse_loader; CREATE ROLE \(reader) LOGIN IN ROLE warehouse_reader")
        defer { _ = try? h.database.psql("REASSIGN OWNED BY \(loader), \(reader) TO etl; DROP OWNED BY \(loader), \(reader); DROP ROLE \(loader); DROP ROLE \(reader)") }

        // The cron login: every source, found, fetched and loaded; nothing it owns.
        h.extraEnvironment["DATABASE_URL"] = login(loader)
        h.extraEnvironment["PIPELINE_NOW"] = "2026-11-21T06:00:00Z"
        let refresh = try h.pipeline("refresh")
        XCTAssertEqual(refresh.status, 0, refresh.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT source) FROM etl.revisions WHERE loaded_by IS NOT NULL"), "6")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM pg_class WHERE relowner = '\(loader)'::regrole"), "0")
        XCTAssertEqual(try h.database.value("SELECT rolsuper FROM pg_roles WHERE rolname = '\(loader)'"), "f")
        let again = try h.pipeline("refresh")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try h.pipeline("revisions", "--json").status, 0)
        // Schema changes stay with the owner.
        let denied = try Run.program("psql", [login(loader), "-qXAtc", "CREATE TABLE data.x (a int)"])
        XCTAssertNotEqual(denied.status, 0)
        XCTAssertTrue(denied.stderr.contains("permission denied for schema data"), denied.stderr)

        // The API's login: every object of every source, and the functions.
        let registry = try SourceRegistry(Publications.all)
        for object in registry.apiObjects {
            let read = try Run.program("psql", [login(reader), "-v", "ON_ERROR_STOP=1", "-qXAtc", "SELECT count(*) FROM api.\(object.name)"])
            XCTAssertEqual(read.status, 0, "api.\(object.name): \(read.stderr)")
            XCTAssertNotEqual(read.stdout, "0\n", "api.\(object.name) has rows for the reader")
        }
        let functions = try Run.program("psql", [login(reader), "-v", "ON_ERROR_STOP=1", "-qXAtc", """
            SELECT (SELECT count(*) FROM api.search_practices('surgery')) > 0,
                   (SELECT revision FROM api.as_published('list-sizes-all', '2026-03-01', '2026-12-31')) IS NOT NULL
            """])
        XCTAssertEqual(functions.stdout, "t|t\n", functions.stderr)
        for forbidden in ["SELECT count(*) FROM data.list_sizes", "SELECT count(*) FROM etl.runs",
                          "INSERT INTO api.practices (practice) VALUES ('X')", "DELETE FROM api.pcns",
                          "CREATE TABLE api.x (a int)", "SELECT api.financial_year('2023/24'); DROP VIEW api.list_sizes"] {
            let result = try Run.program("psql", [login(reader), "-v", "ON_ERROR_STOP=1", "-qXAtc", forbidden])
            XCTAssertNotEqual(result.status, 0, "the reader may not: \(forbidden)")
            XCTAssertTrue(result.stderr.contains("permission denied") || result.stderr.contains("must be owner"), "\(forbidden): \(result.stderr)")
        }
    }

    /// On a cluster of its own (roles are cluster-wide): an owner without CREATEROLE gets the
    /// SQL to hand a DBA, and once a DBA ran it, migrate renews the grants.
    func testALoginThatMayNotCreateRolesGetsTheSQLForADBA() throws {
        let cluster = try ThrowawayCluster()
        try cluster.psql("CREATE ROLE owner LOGIN NOCREATEROLE")
        try cluster.psql("CREATE DATABASE w OWNER owner")
        // pg_trgm is created once by a superuser (it needs CREATE on the database).
        try cluster.psql("CREATE SCHEMA ext AUTHORIZATION owner; CREATE EXTENSION pg_trgm SCHEMA ext", database: "w")
        h.extraEnvironment["DATABASE_URL"] = cluster.url(database: "w", user: "owner")
        let migrate = try h.pipeline("migrate")
        XCTAssertEqual(migrate.status, 0, migrate.stderr)
        XCTAssertTrue(migrate.stdout.contains("roles warehouse_reader and warehouse_loader do not exist and this login may not create them; ask a DBA to run:"),
                      migrate.stdout)
        XCTAssertEqual(try cluster.psql("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'warehouse_%'"), [["0"]], "nothing was changed")
        // The DBA runs exactly what was printed.
        let printed = migrate.stdout.components(separatedBy: "ask a DBA to run:\n")[1]
        let dba = try Run.program("psql", [cluster.url(database: "w"), "-v", "ON_ERROR_STOP=1", "-qX"], stdin: Data(printed.utf8))
        XCTAssertEqual(dba.status, 0, dba.stderr)
        XCTAssertEqual(try cluster.psql("SELECT has_table_privilege('warehouse_reader', 'api.list_sizes', 'SELECT'), has_table_privilege('warehouse_reader', 'data.list_sizes', 'SELECT')", database: "w"),
                       [["t", "f"]])
        let again = try h.pipeline("migrate")
        XCTAssertEqual(again.stdout, "schema is up to date (version 7)\n", again.stderr)
    }
}
