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
    /// `one_current`: one segment per organisation, scope and end (`valid_to`, NULL while
    /// current; a detached edition's own `detached_revision`), so at most one current segment
    /// per scope and organisation. Checked at commit, so a load writes a new edition before
    /// closing the one it replaces. A unique constraint with NULLS NOT DISTINCT rather than an
    /// exclusion constraint on the current rows: an exclusion constraint searches the index
    /// again for every row inserted, a third of the server's COPY time for small segments;
    /// a unique one checks during the insertion's own descent (docs/performance.md).
    /// Organisation first: its index is also the one behind a filter on the organisation (with
    /// `valid_to IS NULL` as an index condition), so a segment costs one index entry less.
    var createStatements: [String] {
        return ["CREATE TABLE \(name) (\n    " + columnDefinitions.map(\.sql).joined(separator: ",\n    ") + "\n)", oneCurrent.sql]
    }

    /// The `one_current` constraint (above): its name, its definition as
    /// `pg_get_constraintdef` prints it, and the statement adding it.
    var oneCurrent: (name: String, definition: String, sql: String) {
        let constraint = "\(spec.table)_one_current"
        let definition = "UNIQUE NULLS NOT DISTINCT (org, scope_id, valid_to, detached_revision) DEFERRABLE INITIALLY DEFERRED"
        return (constraint, definition, "ALTER TABLE \(name) ADD CONSTRAINT \(constraint) \(definition)")
    }

    /// The indexes every segment table has besides `one_current`'s, by name.
    /// - `_history` (BRIN): a scope's segments of every step, appended together.
    /// - `_current`: a period's current segments in organisation order, with their scope. It
    ///   serves a filter on the period; keyset pages of a period's rows (`practice >= $2 AND
    ///   (practice, line) > ($2, $3) ORDER BY practice, line`: the page starts at its practice
    ///   instead of after a sort of the whole period); and every statement of a load that reads
    ///   one scope's current segments (`period = … AND scope_id = …`: the scope an index
    ///   condition, checked on the index entry, so the other datasets a table holds for the
    ///   period cost no heap visit).
    var baseIndexes: [(name: String, sql: String)] {
        let table = spec.table
        return [
            ("\(table)_history", "CREATE INDEX IF NOT EXISTS \(table)_history ON \(name) USING brin (scope_id, valid_from)"),
            ("\(table)_current", "CREATE INDEX IF NOT EXISTS \(table)_current ON \(name) (period, org, scope_id) WHERE valid_to IS NULL"),
        ]
    }

    /// The index behind a filter on the period.
    var periodIndex: (name: String, sql: String) { baseIndexes[1] }

    /// `(org, period)` of the current segments, on a table another dataset takes its hierarchy
    /// from (the practice map): a fill finds an organisation's newest map on or before a month
    /// with one backward probe, where `one_current` would give every map of the practice
    /// (24 heap visits a practice with two years loaded, 240 ms a month of a backfill).
    var orgIndex: (name: String, sql: String) {
        ("\(spec.table)_org", "CREATE INDEX IF NOT EXISTS \(spec.table)_org ON \(name) (org, period) WHERE valid_to IS NULL")
    }

    /// Indexes earlier versions built that `baseIndexes` and `one_current` now replace (dropped
    /// on upgrade).
    var supersededIndexes: [String] { ["data.\(spec.table)_period", "data.\(spec.table)_org", "data.\(spec.table)_period_org"] }

    /// A condition on alias `alias` (`""` or `"t."`) choosing scope $1's segments through
    /// `_current` (with `valid_to IS NULL`) or `_history`: the scope's period as an index
    /// condition beside the scope itself.
    static func scope(_ alias: String = "") -> String {
        "\(alias)scope_id = $1 AND \(alias)period = (SELECT period FROM etl.scopes WHERE scope_id = $1)"
    }

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
