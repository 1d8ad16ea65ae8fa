import Transform

/// The distinct values of one row-level column (a dimension or measure inside the row arrays)
/// per scope (a dataset's period) in its current content:
/// `data.<table>_<column>_values (<column>, scope_id)`, primary key in that order. An `api`
/// filter on such a column is an index condition on this table, which names the scopes holding
/// the value; only their segments are unnested (`APIObjectSQL.createView` joins each row to its
/// posting).
///
/// Why per scope and not per segment, nor a copy of the rows (docs/performance.md, "Row-level
/// filters from postings"): a copy of every current row with a GIN index over every filter
/// (`data.<object>_rows`, earlier versions) was most of the load time of the sources it served.
/// Postings per segment (value, scope, practice) were as many rows as the data for these
/// publications, where nearly every practice of a period has every metric or indicator, and
/// made a month read hash them all; per scope they are a few rows a period, cost nothing to
/// keep, and a filter reads the periods (and, where datasets share a table, the services) that
/// hold the value. Hierarchy columns are segment-level, so a hierarchy refresh never touches them.
///
/// Kept in the transaction that changes a scope's current edition (a load or a rollback):
/// the scope's postings are deleted and written again from its current segments. They hold
/// nothing but what current segments say, so they can always be rebuilt from them.
struct Postings: Equatable {
    let table: SegmentTable
    /// The stored row-level column.
    let column: String

    static func == (a: Postings, b: Postings) -> Bool { a.name == b.name }

    /// `data.<table>_<column>_values`.
    var name: String { "data.\(table.spec.table)_\(column)_values" }

    /// The column's SQL type, as its elements have it in the segment table.
    var type: String {
        if let field = (table.spec.dimensions + table.spec.measures).first(where: { $0.name == column }) { return field.kind.sqlType }
        return "text"  // a suppression token column (`<measure>_raw`)
    }

    var createStatements: [String] {
        [
            """
            CREATE TABLE \(name) (
                \(column) \(type) NOT NULL,
                scope_id integer NOT NULL,
                PRIMARY KEY (\(column), scope_id)
            )
            """,
            "COMMENT ON TABLE \(name) IS " + APIObjectSQL.literal(
                "The distinct \(column) values of each scope's current segments in \(table.name) (rebuilt per scope by the loader): the index behind api filters on \(column)"),
        ]
    }

    /// Replaces the postings of a scope with the distinct non-NULL values of its current
    /// segments: statements with their parameters.
    ///
    /// `samples`: one organisation per distinct key list (`dims_hash`) among the scope's current
    /// segments, which a load knows. A dimension's values are then read from those segments
    /// alone, each found by period, organisation and scope on `_current`, instead of from every
    /// segment of the scope (a month of 6,500 practices with one key list: one segment read
    /// instead of 6,500, ~6 ms). Without them (a rollback), or for a measure column, every
    /// current segment of the scope is read.
    func refresh(scope: Int, samples: [String]?) -> [(sql: String, parameters: [String?])] {
        let id = String(scope)
        let delete = (sql: "DELETE FROM \(name) WHERE scope_id = $1::int", parameters: [id] as [String?])
        guard let samples, table.dimensionColumns.contains(column) else {
            return [delete, (insert(where: SegmentTable.scope("s.") + " AND s.valid_to IS NULL"), [id])]
        }
        let fromSamples = """
            INSERT INTO \(name) (\(column), scope_id)
            SELECT DISTINCT v.value, $1::int
            FROM unnest($2::text[]) AS o(org)
            CROSS JOIN LATERAL (SELECT s.\(column) FROM \(table.name) s
                                WHERE \(SegmentTable.scope("s.")) AND s.org = o.org AND s.valid_to IS NULL LIMIT 1) AS d
            CROSS JOIN LATERAL unnest(d.\(column)) AS v(value)
            WHERE v.value IS NOT NULL
            """
        return [delete, (fromSamples, [id, PGArray.literal(samples)])]
    }

    /// Writes the postings of every current segment (a table created on upgrade).
    var fillAll: String { insert(where: "s.valid_to IS NULL") }

    private func insert(where condition: String) -> String {
        guard table.dimensionColumns.contains(column) else {
            return """
                INSERT INTO \(name) (\(column), scope_id)
                SELECT DISTINCT v.value, s.scope_id
                FROM \(table.name) s CROSS JOIN LATERAL unnest(s.\(column)) AS v(value)
                WHERE \(condition) AND v.value IS NOT NULL
                """
        }
        // Segments with the same `dims_hash` hold the same key columns, so one segment per
        // scope and hash gives every value of a dimension: a national GP Contract month-end
        // unnests a handful of segments instead of 195,300 values (~55 ms -> a few ms).
        return """
            INSERT INTO \(name) (\(column), scope_id)
            SELECT DISTINCT v.value, d.scope_id
            FROM (SELECT DISTINCT ON (s.scope_id, s.dims_hash) s.scope_id, s.\(column) FROM \(table.name) s
                  WHERE \(condition) ORDER BY s.scope_id, s.dims_hash) d
            CROSS JOIN LATERAL unnest(d.\(column)) AS v(value)
            WHERE v.value IS NOT NULL
            """
    }

    /// The postings the declarations need: one per segment table and row-level column that a
    /// `.current` object filters on (objects sharing a table share its postings).
    static func all(in registry: SourceRegistry) -> [Postings] {
        var found: [Postings] = []
        for object in registry.apiObjects {
            for postings in APIObjectSQL(object: object, registry: registry).postings where !found.contains(postings) {
                found.append(postings)
            }
        }
        return found
    }
}
