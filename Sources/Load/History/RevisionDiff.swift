import Transform

/// One row-level difference between two editions: a key, a column, its old and new value.
public struct DiffLine: Sendable, Equatable {
    public enum Change: String, Sendable { case added, removed, changed }

    public var dataset: String
    public var fromRevision: Int64?
    public var toRevision: Int64
    /// ("org", code) then each dimension's (name, value).
    public var key: [(String, String)]
    public var column: String
    public var old: String?
    public var new: String?
    public var change: Change

    public static func == (a: DiffLine, b: DiffLine) -> Bool {
        a.dataset == b.dataset && a.key.map(\.1) == b.key.map(\.1) && a.column == b.column && a.old == b.old && a.new == b.new
            && a.change == b.change
    }

    /// `A81001/MALE/45`.
    public var keyText: String { key.map(\.1).joined(separator: "/") }

    public var json: JSONText.Value {
        .object([
            ("dataset", .string(dataset)), ("from", fromRevision.map { .int(Int($0)) } ?? .null), ("to", .int(Int(toRevision))),
            ("key", .object(key.map { ($0.0, .string($0.1)) })), ("column", .string(column)),
            ("old", .optional(old)), ("new", .optional(new)), ("change", .string(change.rawValue)),
        ])
    }
}

/// Compares the content of two editions of a scope, row by row.
public enum RevisionDiff {
    struct Edition {
        let revision: Int64
        let step: Int?
    }

    /// The differences between revisions `from` and `to` of `source`'s datasets for `period`
    /// (first day, ISO). `to` defaults to the current revision, `from` to the one served before
    /// it (nothing, for a first edition, so every row shows as added).
    public static func compute(
        _ warehouse: Warehouse, source: String, period: String, dataset: String? = nil, from: Int64? = nil, to: Int64? = nil,
        _ emit: (DiffLine) throws -> Void
    ) throws {
        let connection = warehouse.connection
        var scopes = try connection.execute("""
            SELECT scope_id, dataset, current_revision FROM etl.scopes
            WHERE source = $1 AND period = $2::date AND ($3::text IS NULL OR dataset = $3) ORDER BY dataset
            """, [source, period, dataset])
        if let to, dataset == nil {
            // --to names the scope.
            scopes = try connection.execute("""
                SELECT s.scope_id, s.dataset, s.current_revision FROM etl.scopes s JOIN etl.revisions r ON r.scope_id = s.scope_id
                WHERE r.revision_id = $1::bigint AND s.source = $2 AND s.period = $3::date
                """, [String(to), source, period])
        }
        guard scopes.rowCount > 0 else {
            throw LoadError(.notFound, "no \(source) revisions for period \(period)\(dataset.map { " and dataset \($0)" } ?? "")\(to.map { " containing revision \($0)" } ?? "")")
        }
        for i in 0..<scopes.rowCount {
            let scopeID = scopes.int(i, 0)!
            let datasetID = scopes.string(i, 1)!
            guard let spec = warehouse.registry.dataset(datasetID) else { continue }
            guard let toRevision = to ?? scopes.string(i, 2).flatMap({ Int64($0) }) else { continue }
            let toEdition = try edition(toRevision, scopeID: scopeID, connection: connection)
            let fromEdition: Edition?
            if let from {
                fromEdition = try edition(from, scopeID: scopeID, connection: connection)
            } else {
                fromEdition = try previous(of: toEdition, scopeID: scopeID, connection: connection)
            }
            try diff(spec: spec, scopeID: scopeID, from: fromEdition, to: toEdition, connection: connection, emit)
        }
    }

    private static func edition(_ revision: Int64, scopeID: Int, connection: PGConnection) throws -> Edition {
        let row = try connection.execute("SELECT step FROM etl.revisions WHERE revision_id = $1::bigint AND scope_id = $2::int",
                                         [String(revision), String(scopeID)])
        guard row.rowCount == 1 else {
            throw LoadError(.notFound, "revision \(revision) is not an edition of this dataset and period")
        }
        return Edition(revision: revision, step: row.int(0, 0))
    }

    /// The edition served just before `edition` became current (or, for an edition never
    /// current, the one being served when it was loaded).
    private static func previous(of edition: Edition, scopeID: Int, connection: PGConnection) throws -> Edition? {
        let row: PGResult
        if let step = edition.step {
            row = try connection.execute("""
                SELECT st.revision_id, r.step FROM etl.steps st LEFT JOIN etl.revisions r ON r.revision_id = st.revision_id
                WHERE st.scope_id = $1::int AND st.step < $2::int ORDER BY st.step DESC LIMIT 1
                """, [String(scopeID), String(step)])
        } else {
            row = try connection.execute("""
                SELECT st.revision_id, r.step FROM etl.steps st LEFT JOIN etl.revisions r ON r.revision_id = st.revision_id
                WHERE st.scope_id = $1::int AND st.activated_at <= (SELECT loaded_at FROM etl.revisions WHERE revision_id = $2::bigint)
                ORDER BY st.step DESC LIMIT 1
                """, [String(scopeID), String(edition.revision)])
        }
        guard row.rowCount == 1, let revision = row.string(0, 0).flatMap({ Int64($0) }) else { return nil }
        return Edition(revision: revision, step: row.int(0, 1))
    }

    private static func predicate(_ edition: Edition?, parameter: Int) -> (String, [String?]) {
        guard let edition else { return ("false", [nil]) }
        let p = "$\(parameter)::int"
        if let step = edition.step {
            return ("(t.valid_from > 0 AND t.valid_from <= \(p) AND (t.valid_to IS NULL OR t.valid_to > \(p)))", [String(step)])
        }
        return ("(t.valid_from = 0 AND t.detached_revision = $\(parameter)::bigint)", [String(edition.revision)])
    }

    private static func diff(spec: DatasetSpec, scopeID: Int, from: Edition?, to: Edition, connection: PGConnection,
                             _ emit: (DiffLine) throws -> Void) throws {
        let table = SegmentTable(spec)
        let (fromPredicate, fromParameters) = predicate(from, parameter: 2)
        let (toPredicate, toParameters) = predicate(to, parameter: 3)
        // "false" takes no parameter; keep $2 referenced so the parameter list stays positional.
        let fromSQL = from == nil ? "($2::text IS NULL AND false)" : fromPredicate
        let result = try connection.execute(
            table.diffQuery(fromPredicate: fromSQL, toPredicate: toPredicate),
            [String(scopeID)] + fromParameters + toParameters)
        let keyNames = ["org"] + (table.flat ? [] : table.dimensionColumns)
        let values = table.diffValueColumns
        for row in 0..<result.rowCount {
            let key = keyNames.enumerated().map { ($0.element, result.string(row, $0.offset) ?? "") }
            let code = result.int(row, keyNames.count)!
            let change: DiffLine.Change = code == 1 ? .added : code == 2 ? .removed : .changed
            for (v, column) in values.enumerated() {
                let old = result.string(row, keyNames.count + 1 + 2 * v)
                let new = result.string(row, keyNames.count + 2 + 2 * v)
                if old == new { continue }
                try emit(DiffLine(dataset: spec.id, fromRevision: from?.revision, toRevision: to.revision, key: key,
                                  column: column, old: old, new: new, change: change))
            }
        }
    }
}
