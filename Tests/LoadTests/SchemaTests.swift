@testable import Load
import TestSupport
import Transform
import XCTest

/// The migrations and the dataset specs describe the same tables: a spec change without a
/// migration (or a migration that forgot a column) fails here, not in a load.
final class SchemaTests: XCTestCase {
    /// Columns a segment table may have beyond what its spec generates: the hierarchy that
    /// `DerivedData` fills.
    static let hierarchy: Set<String> = ["pcn", "sub_icb", "icb", "region", "hierarchy_period"]

    func testEverySegmentTableHasExactlyTheColumnsItsDatasetSpecGenerates() throws {
        let database = try TestDatabase()
        let warehouse = try Warehouse(conninfo: database.url, applicationName: "schema test")
        try warehouse.migrate()
        XCTAssertEqual(try warehouse.migrate(), [], "a second migrate applies nothing")
        var tables = Set<String>()
        for spec in SourceRegistry.datasets {
            let table = SegmentTable(spec)
            tables.insert(spec.table)
            let rows = try database.psql("""
                SELECT column_name FROM information_schema.columns WHERE table_schema = 'data' AND table_name = '\(spec.table)' ORDER BY ordinal_position
                """).map { $0[0] }
            XCTAssertFalse(rows.isEmpty, "data.\(spec.table) exists")
            let generated = table.insertColumns.split(separator: ", ").map(String.init)
            XCTAssertEqual(Set(generated).subtracting(rows), [], "\(spec.id): columns its spec writes but data.\(spec.table) lacks")
            let extra = Set(rows).subtracting(generated)
            XCTAssertTrue(extra.isSubset(of: Self.hierarchy), "\(spec.id): unexpected columns in data.\(spec.table): \(extra.sorted())")
            for rule in HierarchyRule.all where rule.table == spec.table {
                XCTAssertTrue(Set(rule.columns + ["hierarchy_period"]).isSubset(of: rows), "\(rule.table) has the columns its hierarchy rule sets")
            }
            // Types: a dataset with dimensions stores arrays.
            let types = Dictionary(uniqueKeysWithValues: try database.psql("""
                SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = 'data' AND table_name = '\(spec.table)'
                """).map { ($0[0], $0[1]) })
            let udt: [ValueKind: String] = [.text: "text", .integer: "int8", .decimal: "numeric", .date: "date"]
            let prefix = spec.dimensions.isEmpty ? "" : "_"
            for field in spec.dimensions + spec.measures {
                XCTAssertEqual(types[field.name], prefix + udt[field.kind]!, "\(spec.table).\(field.name)")
            }
            for field in spec.attributes { XCTAssertEqual(types[field.name], "text", "\(spec.table).\(field.name)") }
            // Every table keeps at most one current segment per scope and organisation.
            XCTAssertEqual(try database.value("""
                SELECT count(*) FROM pg_constraint WHERE conname = '\(spec.table)_one_current' AND contype = 'x' AND condeferred
                """), "1", spec.table)
        }
        XCTAssertEqual(tables.count, 12)
    }
}
