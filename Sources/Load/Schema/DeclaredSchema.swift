import Foundation
import Transform

/// Everything the source declarations generate in the warehouse: segment tables, the tables
/// sources derive, the index behind every `api` filter, the `api` views and search functions,
/// and a comment on each. `Warehouse.migrate` applies it after the numbered migrations.
///
/// Upgrades are additive: a missing table is created, a missing column added, a missing index
/// built; a column whose type differs from its declaration is refused (that change needs a
/// reviewed migration). Tables are never dropped here (a source's own `upgrades` may drop a
/// table it derived and no longer uses, e.g. PCN DES's per-value copy). Schema `api` holds generated objects only,
/// so it is rebuilt whole: readers see the old objects or the new ones, never a mix.
struct DeclaredSchema {
    let registry: SourceRegistry

    var segmentTables: [SegmentTable] {
        registry.segmentTables.map { SegmentTable($0.datasets[0]) }
    }

    var apiObjects: [APIObjectSQL] {
        registry.apiObjects.map { APIObjectSQL(object: $0, registry: registry) }
    }

    /// Indexes by name (a name declared twice is built once).
    var indexes: [(name: String, sql: String)] {
        var seen = Set<String>()
        var all: [(name: String, sql: String)] = []
        let hierarchySources = registry.segmentTables.filter { $0.datasets.contains { registry.givesHierarchy($0.id) } }
            .map { SegmentTable($0.datasets[0]).orgIndex }
        for index in segmentTables.flatMap(\.baseIndexes) + hierarchySources + apiObjects.flatMap(\.filterIndexes)
        where seen.insert(index.name).inserted {
            all.append(index)
        }
        return all
    }

    /// Functions the indexes and views use, in schema `data` so that rebuilding `api` never
    /// touches an index.
    static let dataFunctions = [
        """
        CREATE OR REPLACE FUNCTION data.period_label(p date, kind text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE kind
                WHEN 'financial_year' THEN extract(year FROM p)::int::text || '/' || lpad(((extract(year FROM p)::int + 1) % 100)::text, 2, '0')
                WHEN 'survey_year' THEN extract(year FROM p)::int::text
                WHEN 'quarter' THEN extract(year FROM p)::int::text || '-Q' || extract(quarter FROM p)::int::text
                WHEN 'month' THEN extract(year FROM p)::int::text || '-' || lpad(extract(month FROM p)::int::text, 2, '0')
                ELSE extract(year FROM p)::int::text || '-' || lpad(extract(month FROM p)::int::text, 2, '0') || '-' || lpad(extract(day FROM p)::int::text, 2, '0')
            END
        $$
        """,
        "COMMENT ON FUNCTION data.period_label(date, text) IS 'A period as the API names it: 2023/24 (financial year), 2026 (survey year), 2025-Q2, 2025-10, or the ISO date'",
    ]

    /// The `api` functions that belong to no source: which edition was published or served when.
    static let coreAPI = [
        """
        CREATE FUNCTION api.financial_year(year text) RETURNS date LANGUAGE sql IMMUTABLE STRICT AS $$
            SELECT make_date(substr(year, 1, 4)::int, 4, 1)
            WHERE year ~ '^[0-9]{4}[-/][0-9]{2}$' AND (substr(year, 1, 4)::int + 1) % 100 = substr(year, 6, 2)::int
        $$
        """,
        "COMMENT ON FUNCTION api.financial_year(text) IS 'The first day (1 April) of a financial year written 2023/24 or 2023-24; NULL for anything else'",
        """
        CREATE FUNCTION api.as_published(p_dataset text, p_period date, p_on date)
        RETURNS TABLE (revision bigint, published date, loaded_at timestamptz, file text, sha256 text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT r.revision_id, r.published, r.loaded_at, f.name, f.sha256
            FROM etl.revisions r JOIN etl.files f ON f.file_id = r.file_id
            WHERE r.dataset = p_dataset AND r.period = p_period AND r.published <= p_on AND r.rolled_back_at IS NULL
            ORDER BY r.published DESC, r.revision_id DESC
            LIMIT 1
        $$
        """,
        "COMMENT ON FUNCTION api.as_published(text, date, date) IS 'The edition of a dataset''s period the publisher had out on a date (the latest published on or before it, rolled-back editions left out)'",
        """
        CREATE FUNCTION api.as_served(p_dataset text, p_period date, p_at timestamptz)
        RETURNS TABLE (revision bigint, step integer, activated_at timestamptz, actor text, reason text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT st.revision_id, st.step, st.activated_at, st.actor, st.reason
            FROM etl.scopes sc JOIN etl.steps st ON st.scope_id = sc.scope_id
            WHERE sc.dataset = p_dataset AND sc.period = p_period AND st.activated_at <= p_at
            ORDER BY st.step DESC
            LIMIT 1
        $$
        """,
        "COMMENT ON FUNCTION api.as_served(text, date, timestamptz) IS 'The edition of a dataset''s period the warehouse served at a moment (its own timeline of loads and rollbacks)'",
    ]

    /// Every statement, in order, as the checksum sees them (table statements are the full
    /// definitions, although only missing parts are applied).
    var fingerprintText: String {
        var parts: [String] = []
        for table in segmentTables { parts += table.createStatements }
        parts += indexes.map(\.sql)
        for derived in registry.derivedTables { parts.append(derived.definition) }
        parts += registry.sources.flatMap(\.upgrades)
        parts += Postings.all(in: registry).flatMap(\.createStatements)
        parts += Self.dataFunctions + Self.coreAPI
        for object in apiObjects {
            parts += [object.createView] + (object.createSearch.map { [$0] } ?? []) + object.comments
            if object.segmentTable != nil { parts += [object.createAsPublished, object.createChanges(types: [:])] }
        }
        parts += tableComments
        return parts.joined(separator: ";\n")
    }

    var checksum: String { SHA256.hex(SHA256.hash(Array(fingerprintText.utf8))) }

    /// `COMMENT ON TABLE` for segment and derived tables, from the declarations.
    var tableComments: [String] {
        registry.segmentTables.map { table, datasets in
            "COMMENT ON TABLE data.\(table) IS " + APIObjectSQL.literal(
                "Segments (one row per dataset, period and organisation, every version kept) of: "
                    + datasets.map { "\($0.id) (\($0.title))" }.joined(separator: "; "))
        } + registry.derivedTables.map { "COMMENT ON TABLE data.\($0.name) IS " + APIObjectSQL.literal($0.comment) }
    }

    /// Brings the warehouse to what the declarations describe, inside the caller's transaction.
    /// Returns what it did, for the log.
    func apply(on connection: PGConnection) throws -> [String] {
        var done: [String] = []
        for table in segmentTables {
            if try exists(table.name, on: connection) {
                done += try reconcileColumns(of: table, on: connection)
                done += try replaceOneCurrent(of: table, on: connection)
            } else {
                for statement in table.createStatements { try connection.execute(statement) }
                done.append("created \(table.name)")
            }
        }
        // Indexes of derived tables may use these functions.
        for function in Self.dataFunctions { try connection.execute(function) }
        for derived in registry.derivedTables where try !exists("data." + derived.name, on: connection) {
            try connection.executeScript(derived.definition)
            done.append("created data.\(derived.name)")
        }
        done += try applyPostings(on: connection)
        for source in registry.sources {
            for statement in source.upgrades { try connection.execute(statement) }
        }
        for index in indexes where try !exists("data." + index.name, on: connection) {
            try connection.execute(index.sql)
            done.append("built index data.\(index.name)")
        }
        let declared = Set(indexes.map { "data." + $0.name })
        for table in segmentTables {
            for index in table.supersededIndexes where !declared.contains(index) {
                let onTable = try connection.execute(
                    "SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = to_regclass($1) AND indrelid = $2::regclass", [index, table.name])
                guard onTable.rowCount == 1 else { continue }
                try connection.execute("DROP INDEX \(index)")
                done.append("dropped index \(index) (superseded by \(table.name)'s _current index and one_current)")
            }
        }
        // Schema `api` is rebuilt whole: generated objects only.
        let existing = try connection.execute("""
            SELECT 'VIEW', c.oid::regclass::text FROM pg_catalog.pg_class c
            WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v'
            UNION ALL
            SELECT 'FUNCTION', p.oid::regprocedure::text FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'api'::regnamespace
            """)
        // A view's drop may take a function with it (a search returns the view's rows).
        for row in 0..<existing.rowCount {
            try connection.execute("DROP \(existing.string(row, 0)!) IF EXISTS \(existing.string(row, 1)!) CASCADE")
        }
        for statement in Self.coreAPI { try connection.execute(statement) }
        for object in apiObjects {
            try connection.execute(object.createView)
            if let search = object.createSearch { try connection.execute(search) }
            for comment in object.comments { try connection.execute(comment) }
            guard object.segmentTable != nil else { continue }
            try connection.execute(object.createAsPublished)
            let found = try connection.execute("""
                SELECT attname, pg_catalog.format_type(atttypid, atttypmod) FROM pg_catalog.pg_attribute
                WHERE attrelid = $1::regclass AND attnum > 0 ORDER BY attnum
                """, [object.viewName])
            let types = Dictionary(uniqueKeysWithValues: (0..<found.rowCount).map { (found.string($0, 0)!, found.string($0, 1)!) })
            try connection.execute(object.createChanges(types: types))
            let name = object.object.name
            try connection.execute("COMMENT ON FUNCTION api.\(name)_as_published(date) IS "
                + APIObjectSQL.literal("The rows of api.\(name) as the publisher had them out on a date: per period, the latest edition published on or before it"))
            try connection.execute("COMMENT ON FUNCTION api.\(name)_changes(date) IS "
                + APIObjectSQL.literal("What the latest change of a period of api.\(name) did: rows added, and rows removed (a changed value is both)"))
        }
        for comment in tableComments { try connection.execute(comment) }
        // The rebuilt objects carry no grants yet.
        try Roles.grant(on: connection)
        return done
    }

    /// Postings tables: created and filled from current segments when missing. The row copies
    /// earlier versions kept for the same filters (`data.<object>_rows`) are dropped: they held
    /// nothing but a copy of current segments, and nothing would keep them up to date now.
    private func applyPostings(on connection: PGConnection) throws -> [String] {
        var done: [String] = []
        for object in apiObjects where object.segmentTable != nil {
            guard try exists(object.formerRowsTable, on: connection) else { continue }
            try connection.execute("DROP TABLE \(object.formerRowsTable) CASCADE")
            done.append("dropped \(object.formerRowsTable) (its filters are served from postings)")
        }
        for postings in Postings.all(in: registry) where try !exists(postings.name, on: connection) {
            for statement in postings.createStatements { try connection.execute(statement) }
            try connection.execute(postings.fillAll)
            done.append("created \(postings.name) from the current segments of \(postings.table.name)")
        }
        return done
    }

    private func exists(_ qualifiedName: String, on connection: PGConnection) throws -> Bool {
        try connection.execute("SELECT to_regclass($1) IS NOT NULL", [qualifiedName]).bool(0, 0) == true
    }

    /// Replaces a `one_current` constraint of an earlier version (an exclusion constraint on
    /// the current rows, or a unique one in another column order) with the declared one
    /// (`SegmentTable.oneCurrent`). Building it checks every stored segment.
    private func replaceOneCurrent(of table: SegmentTable, on connection: PGConnection) throws -> [String] {
        let constraint = table.oneCurrent
        let found = try connection.execute(
            "SELECT contype, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass AND conname = $2",
            [table.name, constraint.name])
        if found.rowCount == 1 && found.string(0, 1) == constraint.definition { return [] }
        let was = found.rowCount == 0 ? "none" : found.string(0, 0) == "x" ? "an exclusion constraint" : "a unique constraint in another order"
        if found.rowCount == 1 { try connection.execute("ALTER TABLE \(table.name) DROP CONSTRAINT \(constraint.name)") }
        try connection.execute(constraint.sql)
        return ["replaced \(table.name)'s one_current (\(was)) with \(constraint.definition)"]
    }

    /// Adds declared columns an existing table lacks; refuses one whose type differs.
    private func reconcileColumns(of table: SegmentTable, on connection: PGConnection) throws -> [String] {
        let found = try connection.execute("""
            SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
            FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
            """, [table.name])
        var types: [String: String] = [:]
        for row in 0..<found.rowCount { types[found.string(row, 0)!] = found.string(row, 1)! }
        var done: [String] = []
        for column in table.columnDefinitions {
            guard let type = types[column.name] else {
                try connection.execute("ALTER TABLE \(table.name) ADD COLUMN \(column.name) \(column.type)")
                done.append("added \(table.name).\(column.name)")
                continue
            }
            if Self.normalType(type) != Self.normalType(column.type) {
                throw LoadError(.migration, "\(table.name).\(column.name) is \(type) in the warehouse but declared \(column.type); changing a stored column's type needs a migration")
            }
        }
        return done
    }

    /// `format_type` spells `integer[]` and `bigint` as we do, except `numeric` arrays and a few
    /// aliases; compare on a common spelling.
    static func normalType(_ type: String) -> String {
        type.replacingOccurrences(of: "int4", with: "integer").replacingOccurrences(of: "int8", with: "bigint")
    }
}
