import Foundation
import Publications
import TestSupport
import Transform
import XCTest

/// Walks the contract table itself (../shared/docs/api-contract.md) against a warehouse holding
/// every bundled publication: for each object whose source this build has, the object exists;
/// every filter is a column of that name (or the search function) and, with sequential scans
/// off, an index or recheck condition on it; the period column and `revision` are never NULL;
/// every column is commented; the commented key is unique.
final class APIContractTests: XCTestCase {
    struct Row {
        let object: String
        let filters: [String]
        let period: String?
        let sources: [String]
    }

    static func contract() throws -> [Row] {
        let url = Fixtures.root.deletingLastPathComponent().appendingPathComponent("shared/docs/api-contract.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows: [Row] = []
        for line in text.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            // | endpoint or use | `object` | filters | period column | source |
            guard cells.count >= 6, cells[2].hasPrefix("`") else { continue }
            let object = cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let filters = cells[3] == "(none)" ? [] : cells[3].components(separatedBy: CharacterSet(charactersIn: ",(+)"))
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let period = cells[4].hasPrefix("(") ? nil : cells[4]
            let sources = cells[5].components(separatedBy: CharacterSet(charactersIn: ", ")).filter { !$0.isEmpty }
            rows.append(Row(object: object, filters: filters, period: period, sources: sources))
        }
        return rows
    }

    func testEveryContractObjectOfTheSourcesThisBuildHasMeetsTheContract() throws {
        let contract = try Self.contract()
        XCTAssertEqual(contract.count, 28, "the contract lists 28 objects")
        let registry = try SourceRegistry(Publications.all)
        let declared = Dictionary(uniqueKeysWithValues: registry.apiObjects.map { ($0.name, $0) })
        let database = try LoadedWarehouse.copy()
        try database.psql("ANALYZE")
        var checked = 0
        for row in contract {
            guard let first = row.sources.first, registry.source(first) != nil else { continue }
            let name = "api.\(row.object)"
            guard let object = declared[row.object] else {
                XCTFail("\(name) (source \(first)) is not declared")
                continue
            }
            checked += 1
            let columns = Dictionary(uniqueKeysWithValues: try database.psql("""
                SELECT attname, format_type(atttypid, atttypmod), coalesce(col_description(attrelid, attnum), '')
                FROM pg_attribute WHERE attrelid = '\(name)'::regclass AND attnum > 0
                """).map { ($0[0], ($0[1], $0[2])) })
            XCTAssertEqual(columns.filter { $0.value.1.isEmpty }.map(\.key), [], "\(name): columns without a comment")
            XCTAssertNotNil(columns["revision"], "\(name) has a revision column")
            XCTAssertEqual(try database.value("SELECT count(*) FROM \(name) WHERE revision IS NULL"), "0", "\(name): revision never NULL")
            XCTAssertNotEqual(try database.value("SELECT count(*) FROM \(name)"), "0", "\(name) has rows on the fixtures")
            if let period = row.period {
                XCTAssertNotNil(columns[period], "\(name) has its period column \(period)")
                XCTAssertEqual(try database.value("SELECT count(*) FROM \(name) WHERE \(period) IS NULL"), "0", "\(name): \(period) never NULL")
            }
            // The key, as the comment states it, is unique.
            let comment = try database.value("SELECT replace(obj_description('\(name)'::regclass), E'\\n', ' ')")
            let key = try XCTUnwrap(comment.range(of: "key: (").map { comment[$0.upperBound...].prefix { $0 != ")" } }, "\(name) states its key")
            XCTAssertEqual(try database.value("SELECT count(*) FROM (SELECT 1 FROM \(name) GROUP BY \(key) HAVING count(*) > 1) d"), "0",
                           "\(name): key (\(key)) is unique")
            for filter in row.filters {
                if filter == "search" {
                    let sample = try database.value("SELECT \(object.search?.code ?? "x") FROM \(name) LIMIT 1")
                    XCTAssertEqual(try database.value("SELECT count(*) > 0 FROM api.search_\(row.object)('\(sample.lowercased())')"), "t",
                                   "api.search_\(row.object) finds a code, whatever its case")
                    continue
                }
                guard let (type, _) = columns[filter] else {
                    XCTFail("\(name): no column \(filter)")
                    continue
                }
                // The rarest value on the fixtures (a value most rows have is read fastest whole);
                // when even that is most of the rows, a value the fixtures lack.
                let rare = try database.psql("""
                    SELECT \(filter)::text, count(*) * 10 < (SELECT count(*) FROM \(name)) FROM \(name) WHERE \(filter) IS NOT NULL
                    GROUP BY 1 ORDER BY count(*), 1 LIMIT 1
                    """)[0]
                let sample = rare[1] == "t" || type == "boolean" || type == "date" ? rare[0] : (type.hasPrefix("int") || type == "bigint" || type == "numeric" ? "-1" : "X0000")
                let value = type == "boolean" || type.hasPrefix("int") || type == "bigint" || type == "numeric" ? sample : "'\(sample)'"
                let plan = try database.psql("SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT * FROM \(name) WHERE \(filter) = \(value)")
                    .map { $0.joined() }.joined(separator: "\n")
                var underlying = [filter]
                switch object.column(filter)?.value {
                case .field(let stored): underlying.append(stored)
                case .period, .periodLabel: underlying.append("period")
                case .org: underlying.append("org")
                default: break
                }
                let conditions = plan.split(separator: "\n").filter { $0.contains("Index Cond:") || $0.contains("Recheck Cond:") }
                XCTAssertTrue(conditions.contains { line in underlying.contains { line.contains($0) } && line.contains(sample) },
                              "\(name) WHERE \(filter) = \(value): no index condition on it:\n\(plan)")
                XCTAssertFalse(plan.contains("Seq Scan"), "\(name) WHERE \(filter):\n\(plan)")
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 12, "the objects of the five first sources")
    }
}
