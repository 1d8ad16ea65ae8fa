import Transform

/// The DDL of a segment table, generated from its dataset's spec: bookkeeping columns, the
/// values its files give, the hierarchy the loader fills, and the row arrays. The same columns
/// `SegmentTable` writes, in the order the shipped migrations used.
extension SegmentTable {
    /// A stored column and its PostgreSQL type.
    struct ColumnDefinition: Equatable {
        let name: String
        let type: String
        let notNull: Bool

        var sql: String { "\(name) \(type)\(notNull ? " NOT NULL" : "")" }
    }

    static let bookkeeping: [ColumnDefinition] = [
        .init(name: "scope_id", type: "integer", notNull: true),
        .init(name: "dataset", type: "text", notNull: true),
        .init(name: "period", type: "date", notNull: true),
        .init(name: "org", type: "text", notNull: true),
        .init(name: "valid_from", type: "integer", notNull: true),
        .init(name: "valid_to", type: "integer", notNull: false),
        .init(name: "revision_id", type: "bigint", notNull: true),
        .init(name: "detached_revision", type: "bigint", notNull: false),
        .init(name: "seg_hash", type: "bytea", notNull: true),
        .init(name: "row_count", type: "integer", notNull: true),
    ]

    /// Hierarchy columns the loader fills (not content), and the period of the map they came from.
    var hierarchyColumns: [String] { spec.hierarchy?.columns ?? [] }

    /// Every column of the table, in order.
    var columnDefinitions: [ColumnDefinition] {
        var columns = Self.bookkeeping
        columns += spec.attributes.map { .init(name: $0.name, type: "text", notNull: false) }
        if spec.hierarchy != nil {
            columns += hierarchyColumns.map { .init(name: $0, type: "text", notNull: false) }
            columns.append(.init(name: "hierarchy_period", type: "date", notNull: false))
        }
        if flat {
            columns.append(.init(name: "line", type: "integer", notNull: true))
            columns += spec.measures.map { .init(name: $0.name, type: $0.kind.sqlType, notNull: false) }
            columns += rawColumns.map { .init(name: $0, type: "text", notNull: false) }
        } else {
            columns.append(.init(name: "dims_hash", type: "bytea", notNull: true))
            columns.append(.init(name: "line", type: "integer[]", notNull: true))
            columns += spec.dimensions.map { .init(name: $0.name, type: $0.kind.sqlType + "[]", notNull: true) }
            columns += spec.measures.map { .init(name: $0.name, type: $0.kind.sqlType + "[]", notNull: true) }
            columns += rawColumns.map { .init(name: $0, type: "text[]", notNull: false) }
            // NULL in segments written before these columns existed (an upgraded warehouse):
            // readers fall back to summing the row values (`APIObjectSQL.expression`).
            columns += totalColumns.map { .init(name: $0, type: "bigint", notNull: false) }
        }
        return columns
    }

    /// Whether a stored field is one value per segment (an attribute, a hierarchy column, or any
    /// value of a dataset without dimensions) rather than one per row inside the arrays.
    func isSegmentLevel(_ column: String) -> Bool {
        flat || spec.attributes.contains { $0.name == column } || hierarchyColumns.contains(column) || column == "hierarchy_period"
    }

    /// `CREATE TABLE` with its constraint and the indexes every segment table has.
    /// No surrogate key and no foreign keys: each would cost the server work per segment during
    /// the load. History is found through a BRIN index: a scope's segments are appended together.
    ///
    /// `one_current`: one segment per scope, organisation and end (`valid_to`, NULL while
    /// current; a detached edition's own `detached_revision`), so at most one current segment
    /// per scope and organisation. Checked at commit, so a load writes a new edition before
    /// closing the one it replaces. A unique constraint with NULLS NOT DISTINCT rather than an
    /// exclusion constraint on the current rows: an exclusion constraint searches the index
    /// again for every row inserted, a third of the server's COPY time for small segments;
    /// a unique one checks during the insertion's own descent (docs/performance.md). Scope
    /// first and end second: a scope's current segments are one range of it.
    var createStatements: [String] {
        return ["CREATE TABLE \(name) (\n    " + columnDefinitions.map(\.sql).joined(separator: ",\n    ") + "\n)", oneCurrent.sql]
    }

    /// The `one_current` constraint (above), by name.
    var oneCurrent: (name: String, sql: String) {
        let constraint = "\(spec.table)_one_current"
        return (constraint, """
            ALTER TABLE \(name) ADD CONSTRAINT \(constraint)
                UNIQUE NULLS NOT DISTINCT (scope_id, valid_to, org, detached_revision) DEFERRABLE INITIALLY DEFERRED
            """)
    }

    /// The indexes every segment table has, by name. `_period_org` serves a filter on the period
    /// and, in organisation order, keyset pages of a period's rows (`practice >= $2 AND
    /// (practice, line) > ($2, $3) ORDER BY practice, line`: the page starts at its practice
    /// instead of after a sort of the whole period).
    var baseIndexes: [(name: String, sql: String)] {
        let table = spec.table
        return [
            ("\(table)_history", "CREATE INDEX IF NOT EXISTS \(table)_history ON \(name) USING brin (scope_id, valid_from)"),
            ("\(table)_org", "CREATE INDEX IF NOT EXISTS \(table)_org ON \(name) (org, period) WHERE valid_to IS NULL"),
            ("\(table)_period_org", "CREATE INDEX IF NOT EXISTS \(table)_period_org ON \(name) (period, org) WHERE valid_to IS NULL"),
        ]
    }

    /// Indexes earlier versions built that `baseIndexes` now replaces (dropped on upgrade).
    var supersededIndexes: [String] { ["data.\(spec.table)_period"] }

    /// The partial index behind an API filter on a segment-level column, leaving out NULLs (an
    /// equality filter implies NOT NULL, so it still serves it; rows loaded before their map cost
    /// it nothing).
    func filterIndex(_ column: String) -> (name: String, sql: String) {
        let index = "\(spec.table)_\(column)"
        return (index, "CREATE INDEX IF NOT EXISTS \(index) ON \(name) (\(column), period) WHERE valid_to IS NULL AND \(column) IS NOT NULL")
    }

    /// The expression index behind a filter on the period as the API names it (`2023/24`).
    func periodLabelIndex(function: String) -> (name: String, sql: String) {
        let index = "\(spec.table)_period_label"
        return (index, "CREATE INDEX IF NOT EXISTS \(index) ON \(name) (\(function)(period, '\(spec.periodKind.rawValue)')) WHERE valid_to IS NULL")
    }
}
