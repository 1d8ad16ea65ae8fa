@testable import Load
import Publications
import TestSupport
import Transform
import XCTest

/// The warehouse is what the declarations say: every segment table has exactly the columns its
/// dataset generates, every `api` object the declared columns with comments and its key, and
/// every declared filter is an index condition on the filtered column, on a warehouse holding
/// every bundled publication. Nothing here lists
/// tables or objects by hand: adding a source adds its checks.
final class DeclaredSchemaTests: XCTestCase {
    var database: TestDatabase!
    var registry: SourceRegistry!

    override func setUpWithError() throws {
        database = try LoadedWarehouse.copy()
        registry = try SourceRegistry(Publications.all)
        let warehouse = try Warehouse(conninfo: database.url, applicationName: "schema test", registry: registry)
        XCTAssertEqual(try warehouse.migrate(), [], "the loaded warehouse is up to date: migrate applies nothing")
        try database.psql("ANALYZE")
    }

    func testEverySegmentTableHasExactlyTheColumnsItsDatasetGenerates() throws {
        XCTAssertFalse(registry.segmentTables.isEmpty)
        for (table, datasets) in registry.segmentTables {
            let generated = SegmentTable(datasets[0]).columnDefinitions
            let found = try database.psql("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a
                WHERE a.attrelid = 'data.\(table)'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
                """)
            XCTAssertEqual(Set(found.map { $0[0] }), Set(generated.map(\.name)), "data.\(table): columns")
            let types = Dictionary(uniqueKeysWithValues: found.map { ($0[0], $0[1]) })
            for column in generated {
                XCTAssertEqual(types[column.name].map(DeclaredSchema.normalType), DeclaredSchema.normalType(column.type), "data.\(table).\(column.name)")
            }
            // Writes go through COPY with the spec's columns: every one of them exists.
            let written = SegmentTable(datasets[0]).insertColumns.split(separator: ", ").map(String.init)
            XCTAssertEqual(Set(written).subtracting(types.keys), [], "data.\(table): columns the loader writes")
            XCTAssertEqual(try database.value("""
                SELECT count(*) FROM pg_constraint WHERE conname = '\(table)_one_current' AND contype = 'u' AND condeferred
                """), "1", "data.\(table) keeps at most one current segment per scope and organisation")
            XCTAssertFalse(try database.value("SELECT obj_description('data.\(table)'::regclass)").isEmpty, "data.\(table) is commented")
        }
        for derived in registry.derivedTables {
            XCTAssertEqual(try database.value("SELECT to_regclass('data.\(derived.name)') IS NOT NULL"), "t", derived.name)
        }
    }

    /// `one_current` refuses, at commit, a second current segment for a scope and organisation
    /// (a load writes the new one first and closes the old one before commit), and allows it
    /// once the first is closed.
    func testASecondCurrentSegmentForAnOrganisationIsRefusedAtCommit() throws {
        let table = "data.list_sizes"
        let one = "(SELECT ctid FROM \(table) WHERE valid_to IS NULL ORDER BY scope_id, org LIMIT 1)"
        let copy = "INSERT INTO \(table) SELECT * FROM \(table) WHERE ctid = \(one)"
        let before = try database.value("SELECT count(*) FROM \(table)")
        XCTAssertThrowsError(try database.psql("BEGIN; \(copy); COMMIT")) { error in
            XCTAssertTrue("\(error)".contains("list_sizes_one_current"), "\(error)")
        }
        XCTAssertEqual(try database.value("SELECT count(*) FROM \(table)"), before, "nothing of the refused transaction is kept")
        // The same, with the first closed before commit, as a republication does it.
        try database.psql("BEGIN; \(copy); UPDATE \(table) SET valid_to = valid_from + 1 WHERE ctid = \(one); COMMIT")
        XCTAssertEqual(try database.value("""
            SELECT count(*) FROM (SELECT 1 FROM \(table) WHERE valid_to IS NULL GROUP BY scope_id, org HAVING count(*) > 1) d
            """), "0")
        XCTAssertEqual(try database.value("SELECT count(*) FROM \(table)"), String(Int(before)! + 1))
    }

    func testEveryAPIObjectHasItsDeclaredColumnsCommentsAndKey() throws {
        XCTAssertFalse(registry.apiObjects.isEmpty)
        for object in registry.apiObjects {
            let columns = try database.psql("""
                SELECT a.attname, coalesce(col_description(a.attrelid, a.attnum), '') FROM pg_attribute a
                WHERE a.attrelid = 'api.\(object.name)'::regclass AND a.attnum > 0 ORDER BY a.attnum
                """)
            XCTAssertEqual(columns.map { $0[0] }, object.columns.map(\.name), "api.\(object.name)")
            for (column, declared) in zip(columns, object.columns) {
                XCTAssertEqual(column[1], declared.comment, "api.\(object.name).\(column[0]) is commented")
            }
            let comment = try database.value("SELECT replace(obj_description('api.\(object.name)'::regclass), E'\\n', ' | ')")
            XCTAssertTrue(comment.hasSuffix(" | key: (\(object.key.joined(separator: ", ")))"), "api.\(object.name): \(comment)")
            if object.search != nil {
                XCTAssertFalse(try database.value("SELECT obj_description('api.search_\(object.name)(text)'::regprocedure)").isEmpty)
            }
        }
    }

    /// With sequential scans off, each filter alone is an index (or bitmap recheck) condition
    /// that names the filtered column: not merely some index somewhere in the plan.
    func testEveryDeclaredFilterIsAnIndexConditionOnItsColumn() throws {
        var checked = 0
        for object in registry.apiObjects {
            for filter in object.filters {
                let column = try XCTUnwrap(object.column(filter))
                let type = try database.value("""
                    SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'api.\(object.name)'::regclass AND attname = '\(filter)'
                    """)
                let value: String
                switch type {
                case "date": value = "'2023-04-01'"
                case "boolean": value = "true"
                case "integer", "bigint", "numeric": value = "1"
                default: value = column.value == .periodLabel ? "'2023/24'" : "'X12345'"
                }
                let plan = try database.psql("SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT * FROM api.\(object.name) WHERE \(filter) = \(value)")
                    .map { $0.joined() }.joined(separator: "\n")
                let stored: String
                switch column.value {
                case .period, .periodLabel: stored = "period"
                case .org: stored = "org"
                case .field(let name): stored = name
                default: stored = filter
                }
                let conditions = plan.split(separator: "\n").filter { $0.contains("Index Cond:") || $0.contains("Recheck Cond:") }
                // A materialised object's rows table names the column as the filter.
                XCTAssertTrue(conditions.contains { ($0.contains(stored) || $0.contains(filter)) && $0.contains(value) },
                              "api.\(object.name) WHERE \(filter): no index condition on \(stored):\n\(plan)")
                XCTAssertFalse(plan.contains("Seq Scan"), "api.\(object.name) WHERE \(filter):\n\(plan)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, registry.apiObjects.reduce(0) { $0 + $1.filters.count })
    }

    func testFinancialYearsAsTheAPINamesThem() throws {
        XCTAssertEqual(try database.psql("""
            SELECT api.financial_year('2023/24'), api.financial_year('2023-24'), api.financial_year('2023/25') IS NULL,
                   data.period_label('2023-04-01', 'financial_year'), data.period_label('1999-04-01', 'financial_year'),
                   data.period_label('2026-01-01', 'survey_year'), data.period_label('2025-10-01', 'month')
            """), [["2023-04-01", "2023-04-01", "t", "2023/24", "1999/00", "2026", "2025-10"]])
    }

    /// A filter on a value inside the row arrays (a metric, an indicator, a sex) is answered from
    /// its postings: they hold exactly the distinct values of every scope's current segments, the rows
    /// served are every current row with that value (counted here from the segments' own
    /// arrays), and the filter is an index condition on the postings. (That the plan then reads
    /// only the periods holding the value, at a size where that matters, is
    /// OnlineConsultationsSourceTests.testAMetricFilterReadsOnlyTheMonthsThatPublishIt.)
    func testRowLevelFiltersAreServedFromPostingsOfTheCurrentSegments() throws {
        var checked = 0
        for object in registry.apiObjects {
            let sql = APIObjectSQL(object: object, registry: registry)
            for postings in sql.postings {
                let table = postings.table.name, column = postings.column
                let filter = try XCTUnwrap(object.filters.first { object.column($0)?.value == .field(column) })
                let datasets = object.segmentDatasets.map { "'\($0)'" }.joined(separator: ", ")
                let values = "SELECT DISTINCT v, scope_id FROM \(table) s, unnest(s.\(column)) v WHERE s.valid_to IS NULL AND v IS NOT NULL"
                XCTAssertEqual(try database.value("""
                    SELECT count(*) FROM ((SELECT \(column), scope_id FROM \(postings.name) EXCEPT \(values))
                                          UNION ALL (\(values) EXCEPT SELECT \(column), scope_id FROM \(postings.name))) d
                    """), "0", "\(postings.name) holds the distinct values of each scope's current segments")
                // The rarest value of the object's own datasets, and one no row has.
                let rarest = try database.value("""
                    SELECT v::text FROM \(table) s, unnest(s.\(column)) v
                    WHERE s.valid_to IS NULL AND s.dataset IN (\(datasets)) AND v IS NOT NULL GROUP BY 1 ORDER BY count(*), 1 LIMIT 1
                    """)
                XCTAssertFalse(rarest.isEmpty, "api.\(object.name) has \(filter) values on the fixtures")
                for literal in ["'\(rarest)'"] + (postings.type == "text" ? ["'no such value'"] : []) {
                    XCTAssertEqual(try database.value("SELECT count(*) FROM api.\(object.name) WHERE \(filter) = \(literal)"),
                                   try database.value("""
                                       SELECT count(*) FROM \(table) s, unnest(s.\(column)) v WHERE s.valid_to IS NULL AND s.dataset IN (\(datasets)) AND v = \(literal)
                                       """), "api.\(object.name) WHERE \(filter) = \(literal): every row with the value")
                    let plan = try database.psql("SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT * FROM api.\(object.name) WHERE \(filter) = \(literal)")
                        .map { $0.joined() }
                    XCTAssertTrue(plan.contains { $0.contains(" on \(postings.name.dropFirst(5)) p_\(column)") },
                                  "api.\(object.name) WHERE \(filter): read through its postings:\n\(plan.joined(separator: "\n"))")
                    XCTAssertTrue(plan.contains { $0.contains("Index Cond:") && $0.contains("\(column) = \(literal)") },
                                  "api.\(object.name) WHERE \(filter): an index condition on the postings:\n\(plan.joined(separator: "\n"))")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 12, "QOF, online consultations, cloud telephony and GP Contract objects")
    }
}
