import Foundation
@testable import Load
import Publications
import TestSupport
import Transform
import XCTest

/// A warehouse built by v0.2.0 (Fixtures/upgrade: a schema-and-data dump of every bundled
/// publication and a rollback, made by Tests/fixture-tools/make_upgrade_dump.sh from that
/// release) upgrades in place with `pipeline migrate`: every `api` object serves the same rows
/// afterwards (under the names the API contract gave some columns since), the revision history
/// is untouched, no table is dropped, and loading goes on.
final class UpgradeInPlaceTests: XCTestCase {
    /// Columns the API contract renamed (object → old name → new name).
    static let renamed: [String: [String: String]] = [
        "practices": ["ods_code": "practice"],
        "pcns": ["code": "pcn"],
        "qof_indicators": ["domain_code": "domain"],
        "qof_prevalence": ["group_code": "indicator"],
        "qof_prevalence_national": ["group_code": "indicator"],
    ]
    /// Columns whose values the contract changed on purpose: a PCN known only from its practices
    /// had no snapshot (NULL); it now has theirs.
    static let redefined: [String: Set<String>] = ["pcns": ["snapshot"]]

    func testAV020WarehouseUpgradesWithEveryObjectServingTheSameRows() throws {
        let h = try Harness()
        let db = h.database
        let restore = try Run.program("bash", ["-c", "set -o pipefail; gunzip -c \"$1\" | psql -v ON_ERROR_STOP=1 -qX \"$2\" >/dev/null",
                                               "restore", Fixtures.path("upgrade/warehouse-v0.2.0.sql.gz"), db.url])
        XCTAssertEqual(restore.status, 0, restore.stderr)
        let views = try db.psql("SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v' ORDER BY 1").map { $0[0] }
        XCTAssertEqual(views.count, 12, "the v0.2.0 warehouse's api views: \(views)")
        let tables = try db.psql("SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace IN ('data'::regnamespace, 'etl'::regnamespace) AND c.relkind = 'r' ORDER BY 1").map { $0[0] }
        // What every object served, and the history, as it was before the upgrade.
        try db.psql("CREATE SCHEMA before")
        for view in views { try db.psql("CREATE TABLE before.\(view) AS SELECT * FROM api.\(view)") }
        let history = ["etl.revisions", "etl.steps", "etl.scopes", "etl.files", "etl.runs", "etl.source_checks"]
        for table in history { try db.psql("CREATE TABLE before.etl_\(table.dropFirst(4)) AS SELECT * FROM \(table)") }
        let segments = try db.value("SELECT sum(n) FROM (SELECT count(*) AS n FROM data.list_sizes UNION ALL SELECT count(*) FROM data.gp_appointments) x")

        let migrate = try h.pipeline("migrate")
        XCTAssertEqual(migrate.status, 0, migrate.stderr)
        XCTAssertTrue(migrate.stdout.contains("applied migration 7 declared schema"), migrate.stdout)
        XCTAssertTrue(migrate.stdout.contains("declared schema: api objects generated for list-sizes, ods, gp-appointments, qof, nhs-payments"), migrate.stdout)
        // v0.2.0 kept one current segment per organisation with exclusion constraints: now unique ones.
        XCTAssertTrue(migrate.stdout.contains("replaced data.gp_appointments's one_current (an exclusion constraint) with UNIQUE NULLS NOT DISTINCT (org, scope_id, valid_to, detached_revision)"), migrate.stdout)
        XCTAssertTrue(migrate.stdout.contains("dropped index data.gp_appointments_org"), migrate.stdout)
        XCTAssertEqual(try db.value("SELECT count(*) FROM pg_constraint WHERE conname LIKE '%_one_current' AND contype = 'x'"), "0")

        for view in views {
            let old = try db.psql("SELECT attname FROM pg_attribute WHERE attrelid = 'before.\(view)'::regclass AND attnum > 0 ORDER BY attnum")
                .map { $0[0] }.filter { !(Self.redefined[view]?.contains($0) ?? false) }
            let before = old.joined(separator: ", ")
            let after = old.map { Self.renamed[view]?[$0] ?? $0 }.joined(separator: ", ")
            let rows = try db.value("SELECT count(*) FROM before.\(view)")
            let differing = try db.value("""
                SELECT count(*) FROM ((SELECT \(before) FROM before.\(view) EXCEPT ALL SELECT \(after) FROM api.\(view))
                                      UNION ALL (SELECT \(after) FROM api.\(view) EXCEPT ALL SELECT \(before) FROM before.\(view))) d
                """)
            XCTAssertEqual(differing, "0", "api.\(view) serves the same \(rows) rows after the upgrade")
            XCTAssertNotEqual(rows, "0", "api.\(view) has rows to compare")
        }
        for table in history {
            let copy = "before.etl_\(table.dropFirst(4))"
            // The columns the table had (a later migration may add one, e.g. revisions' totals).
            let columns = try db.value("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '\(copy)'::regclass AND attnum > 0 AND NOT attisdropped")
            XCTAssertEqual(try db.value("""
                SELECT count(*) FROM ((SELECT \(columns) FROM \(copy) EXCEPT ALL SELECT \(columns) FROM \(table))
                                      UNION ALL (SELECT \(columns) FROM \(table) EXCEPT ALL SELECT \(columns) FROM \(copy))) d
                """), "0", "\(table) is untouched")
        }
        let after = try db.psql("SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace IN ('data'::regnamespace, 'etl'::regnamespace) AND c.relkind = 'r' ORDER BY 1").map { $0[0] }
        XCTAssertEqual(Set(tables).subtracting(after), [], "no table was dropped")
        XCTAssertEqual(try db.value("SELECT sum(n) FROM (SELECT count(*) AS n FROM data.list_sizes UNION ALL SELECT count(*) FROM data.gp_appointments) x"), segments)

        // The upgraded warehouse goes on loading: the bundled site again is nothing new, and a
        // second migrate does nothing.
        XCTAssertEqual(try h.pipeline("migrate").stdout, "schema is up to date (version \(Migrations.all.last!.version))\n")
        h.extraEnvironment["PIPELINE_MIRROR"] = Fixtures.path("publisher")
        let newest = try db.value("SELECT max(revision_id) FROM etl.revisions")
        let demo = try h.pipeline("demo")
        XCTAssertEqual(demo.status, 0, demo.stderr)
        // Every source the dump holds is nothing new; sources added since v0.2.0 load now.
        XCTAssertEqual(try db.value("""
            SELECT count(*) FROM etl.revisions r
            WHERE r.source IN (SELECT source FROM before.etl_revisions) AND r.revision_id NOT IN (SELECT revision_id FROM before.etl_revisions)
            """), "0", demo.stdout)
        XCTAssertEqual(try h.pipeline("demo").stdout.contains("demo: nothing new"), true)
        try h.assertIntegrity()
    }

    /// A warehouse from before postings kept the current rows of every object filtered inside its
    /// rows in `data.<object>_rows`, with the view reading that copy: `pipeline migrate` drops
    /// the copies, builds the postings from the current segments, and every such object serves
    /// the same rows as before; loading goes on.
    func testRowCopiesOfEarlierVersionsGiveWayToPostingsBuiltFromTheSegments() throws {
        let database = try LoadedWarehouse.copy()
        let cache = try TemporaryDirectory("cache")
        let registry = try SourceRegistry(Publications.all)
        let objects = registry.apiObjects.map { APIObjectSQL(object: $0, registry: registry) }.filter { !$0.postings.isEmpty }
        XCTAssertGreaterThanOrEqual(objects.count, 8, objects.map(\.object.name).joined(separator: ", "))
        // What the earlier version had: the rows copied, the views over the copies, no postings.
        try database.psql("CREATE SCHEMA before")
        for object in objects {
            let name = object.object.name
            try database.psql("CREATE TABLE before.\(name) AS SELECT * FROM api.\(name)")
            try database.psql("DROP VIEW api.\(name) CASCADE")
            try database.psql("CREATE TABLE \(object.formerRowsTable) AS SELECT 0 AS scope_id, * FROM before.\(name)")
            try database.psql("CREATE VIEW api.\(name) AS SELECT * FROM \(object.formerRowsTable)")
        }
        for postings in Postings.all(in: registry) { try database.psql("DROP TABLE \(postings.name)") }
        try database.psql("UPDATE etl.declared_schema SET checksum = 'before postings'")

        let environment = ["DATABASE_URL": database.url, "PIPELINE_CACHE_DIR": cache.path]
        let migrate = try Run.pipeline(["migrate"], environment: environment)
        XCTAssertEqual(migrate.status, 0, migrate.stderr)
        XCTAssertTrue(migrate.stdout.contains("dropped data.online_consultations_rows"), migrate.stdout)
        XCTAssertTrue(migrate.stdout.contains("created data.online_consultations_metric_values"), migrate.stdout)
        for object in objects {
            let name = object.object.name
            XCTAssertEqual(try database.value("SELECT to_regclass('\(object.formerRowsTable)') IS NULL"), "t", "\(object.formerRowsTable) is dropped")
            let columns = try database.value("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'before.\(name)'::regclass AND attnum > 0")
            XCTAssertEqual(try database.value("""
                SELECT count(*) FROM ((SELECT \(columns) FROM before.\(name) EXCEPT ALL SELECT \(columns) FROM api.\(name))
                                      UNION ALL (SELECT \(columns) FROM api.\(name) EXCEPT ALL SELECT \(columns) FROM before.\(name))) d
                """), "0", "api.\(name) serves the same rows after the upgrade")
            XCTAssertNotEqual(try database.value("SELECT count(*) FROM before.\(name)"), "0", "api.\(name) has rows to compare")
        }
        for postings in Postings.all(in: registry) {
            let values = "SELECT DISTINCT v, scope_id FROM \(postings.table.name) s, unnest(s.\(postings.column)) v WHERE s.valid_to IS NULL AND v IS NOT NULL"
            XCTAssertEqual(try database.value("""
                SELECT count(*) FROM ((SELECT \(postings.column), scope_id FROM \(postings.name) EXCEPT \(values))
                                      UNION ALL (\(values) EXCEPT SELECT \(postings.column), scope_id FROM \(postings.name))) d
                """), "0", "\(postings.name) is built from the current segments")
        }
        XCTAssertEqual(try Run.pipeline(["migrate"], environment: environment).stdout, "schema is up to date (version \(Migrations.all.last!.version))\n")
    }
}
