import Foundation
import Transform

/// The SQL of one declared `api` object: its view, its search function, the indexes its
/// filters need, and its comments. Identifiers come from declarations (checked at start-up to
/// be plain lower-case identifiers), never from data.
struct APIObjectSQL {
    let object: APIObject
    let registry: SourceRegistry

    /// `data.period_label(date, kind)`: a period as the API names it (`2023/24`, `2026`,
    /// `2025-10`), immutable so that an expression index can serve filters on it.
    static let periodLabelFunction = "data.period_label"

    /// The segment table behind `.current` rows, and the datasets it holds.
    var segmentTable: SegmentTable? {
        guard let spec = object.segmentDatasets.first.flatMap(registry.dataset) else { return nil }
        return SegmentTable(spec)
    }

    var viewName: String { "api." + object.name }

    // MARK: the view

    /// The postings behind the object's filters on row-level columns (a dimension or measure
    /// inside the row arrays, which no index of the segment table can serve): the view joins
    /// each row to its posting, so such a filter is an index condition on the postings and
    /// reads only the scopes holding the value (`Postings`).
    var postings: [Postings] {
        guard case .current = object.rows, let table = segmentTable, !table.flat else { return [] }
        var found: [Postings] = []
        for filter in object.filters {
            guard case .field(let name) = object.column(filter)?.value, !table.isSegmentLevel(name) else { continue }
            let postings = Postings(table: table, column: name)
            if !found.contains(postings) { found.append(postings) }
        }
        return found
    }

    /// `data.<object>_rows`: where versions before postings copied a filtered object's current
    /// rows (dropped on upgrade; the name stays reserved, `DeclarationCheck`).
    var formerRowsTable: String { "data.\(object.name)_rows" }

    var createView: String {
        switch object.rows {
        case .current, .currentSegments:
            return "CREATE VIEW \(viewName) AS\n" + selectFromSegments(where: "s.valid_to IS NULL", postings: postings)
        case .derived(let table):
            return "CREATE VIEW \(viewName) AS\nSELECT \(selectList)\nFROM data.\(table) s"
        case .query(let sql):
            return "CREATE VIEW \(viewName) AS\nSELECT \(selectList)\nFROM (\n\(sql)\n) s"
        }
    }

    var selectList: String { selectList(posted: []) }

    /// The select list, with the columns in `posted` read from their postings (alias
    /// `p_<column>`): a filter on the posting's column is an index condition on its key, and
    /// turns the outer join into an inner one (a row whose value is NULL has no posting; the
    /// posting's column is then NULL too, as the row's value).
    func selectList(posted: Set<String>) -> String {
        object.columns.map { column in
            if case .field(let name) = column.value, posted.contains(name) { return "p_\(name).\(name) AS \(column.name)" }
            return "\(expression(for: column.value)) AS \(column.name)"
        }.joined(separator: ",\n       ")
    }

    /// The object's columns over segments chosen by `condition` (alias `s`; the dataset
    /// restriction is added when other datasets share the table). `extra` columns go first.
    /// `postings`: row-level columns served from their postings (the current view only).
    func selectFromSegments(where condition: String, extra: [String] = [], postings: [Postings] = []) -> String {
        let table = segmentTable!
        var from = "FROM \(table.name) s"
        let unnested = rowLevelColumns(in: table)
        if !unnested.isEmpty {
            // Set-returning functions in a select list run in lockstep (ProjectSet) and stream;
            // `unnest(a, b, …)` in FROM is a function scan, which first copies each segment's
            // rows into a tuplestore: a sub-ICB month (22,000 rows) ran in 6 ms instead of 13–25
            // ms (docs/performance.md, "Reading at history size").
            from += "\nCROSS JOIN LATERAL (SELECT \(unnested.map { "unnest(s.\($0)) AS \($0)" }.joined(separator: ", "))) AS u"
        }
        for posting in postings {
            let c = posting.column, p = "p_" + c
            from += "\nLEFT JOIN \(posting.name) \(p) ON \(p).\(c) = u.\(c) AND \(p).scope_id = s.scope_id"
        }
        for table in lookupTables {
            let l = Self.lookupAlias(table)
            from += "\nLEFT JOIN data.\(table) \(l) ON \(l).org = s.org AND \(l).period = s.period"
        }
        var conditions = [condition]
        if !object.segmentDatasets.isEmpty {
            let datasets = object.segmentDatasets
            let sharing = registry.datasets.filter { $0.table == table.spec.table }.map(\.id)
            if Set(sharing) != Set(datasets) {
                conditions.append("s.dataset IN (\(datasets.map { Self.literal($0) }.joined(separator: ", ")))")
            }
        }
        return "SELECT \((extra + [selectList(posted: Set(postings.map(\.column)))]).joined(separator: ", "))\n\(from)\nWHERE \(conditions.joined(separator: " AND "))"
    }

    // MARK: history functions

    /// The datasets behind a `.current` object.
    var datasets: [String] { object.segmentDatasets }

    /// True for an object of one row per segment (`.currentSegments`): nothing is unnested.
    var perSegment: Bool {
        if case .currentSegments = object.rows { return true }
        return false
    }

    /// A predicate on alias `s`: the segment is part of the content scope `c.scope_id` had at
    /// step `c.<stepColumn>`, or of detached revision `c.revision_id` (recorded, never current).
    static func content(step stepColumn: String) -> String {
        """
        ((c.\(stepColumn) IS NOT NULL AND s.valid_from > 0 AND s.valid_from <= c.\(stepColumn) AND (s.valid_to IS NULL OR s.valid_to > c.\(stepColumn)))
          OR (c.\(stepColumn) IS NULL AND s.valid_from = 0 AND s.detached_revision = c.revision_id))
        """
    }

    /// `api.<name>_as_published(on date)`: the object's rows as the publisher had them out on a
    /// date: per period, the latest edition published on or before it (rolled-back ones left
    /// out). Runs as its owner, so a reader needs nothing in `data` or `etl`.
    var createAsPublished: String {
        let chosen = """
            SELECT DISTINCT ON (r.scope_id) r.scope_id, r.revision_id, r.step
            FROM etl.revisions r
            WHERE r.dataset IN (\(datasets.map { Self.literal($0) }.joined(separator: ", "))) AND r.published <= p_on AND r.rolled_back_at IS NULL
            ORDER BY r.scope_id, r.published DESC, r.revision_id DESC
            """
        let select = selectFromSegments(where: "s.scope_id IN (SELECT scope_id FROM chosen) AND EXISTS (SELECT 1 FROM chosen c WHERE c.scope_id = s.scope_id AND \(Self.content(step: "step")))")
        return """
            CREATE FUNCTION api.\(object.name)_as_published(p_on date)
            RETURNS SETOF \(viewName) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            WITH chosen AS (
            \(chosen)
            )
            \(select)
            $$
            """
    }

    /// Columns compared by `_changes`: all but where a row came from (`revision`, `line`),
    /// which differ between editions for rows that did not change.
    var comparedColumns: [APIColumn] {
        object.columns.filter { $0.value != .revision && $0.value != .line }
    }

    /// `api.<name>_changes(period date)`: what the latest change of each scope of that period
    /// did: rows the current content has and the content served before it lacked (`added`),
    /// and the other way round (`removed`); a changed value is a removed row and an added one.
    /// `types`: the SQL type of every compared column, as the view has it.
    func createChanges(types: [String: String]) -> String {
        let names = comparedColumns.map(\.name)
        let scopes = """
            SELECT sc.scope_id, sc.current_step AS now_step, NULL::bigint AS revision_id,
                   (SELECT max(st.step) FROM etl.steps st WHERE st.scope_id = sc.scope_id AND st.step < sc.current_step) AS before_step
            FROM etl.scopes sc
            WHERE sc.dataset IN (\(datasets.map { Self.literal($0) }.joined(separator: ", "))) AND sc.period = p_period
            """
        func rows(_ step: String) -> String {
            "SELECT \(names.joined(separator: ", ")) FROM (" + selectFromSegments(
                where: "s.scope_id IN (SELECT scope_id FROM scopes) AND EXISTS (SELECT 1 FROM scopes c WHERE c.scope_id = s.scope_id AND c.\(step) IS NOT NULL AND \(Self.content(step: step)))"
            ) + ") x"
        }
        return """
            CREATE FUNCTION api.\(object.name)_changes(p_period date)
            RETURNS TABLE (change text, \(names.map { "\($0) \(types[$0] ?? "text")" }.joined(separator: ", ")))
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            WITH scopes AS (
            \(scopes)
            ), now_rows AS (\(rows("now_step"))), before_rows AS (\(rows("before_step")))
            SELECT 'added', * FROM (SELECT * FROM now_rows EXCEPT ALL SELECT * FROM before_rows) a
            UNION ALL
            SELECT 'removed', * FROM (SELECT * FROM before_rows EXCEPT ALL SELECT * FROM now_rows) r
            $$
            """
    }

    /// The row arrays a view over a segment table must unnest: those its columns read, and
    /// `line` always (one output row per published row, whichever columns are chosen).
    func rowLevelColumns(in table: SegmentTable) -> [String] {
        guard !table.flat, !perSegment else { return [] }
        let arrays = ["line"] + table.dimensionColumns + table.measureColumns + table.rawColumns
        var used = Set(["line"])
        for column in object.columns {
            switch column.value {
            case .field(let name) where !table.isSegmentLevel(name): used.insert(name)
            case .expression(let sql, _): for name in arrays where sql.contains("u." + name) { used.insert(name) }
            default: break
            }
        }
        return arrays.filter(used.contains)
    }

    /// The small tables the object's `.lookup` columns read, in column order.
    var lookupTables: [String] {
        var tables: [String] = []
        for column in object.columns {
            if case .lookup(let table, _) = column.value, !tables.contains(table) { tables.append(table) }
        }
        return tables
    }

    static func lookupAlias(_ table: String) -> String { "l_" + table }

    /// The SQL for one column's value (`s`: the segment or table row; `u`: the unnested row).
    func expression(for value: APIColumn.Value) -> String {
        let table = segmentTable
        switch value {
        case .period: return "s.period"
        case .periodLabel:
            let kind = table?.spec.periodKind ?? .financialYear
            return "\(Self.periodLabelFunction)(s.period, \(Self.literal(kind.rawValue)))"
        case .org: return "s.org"
        case .revision: return "s.revision_id"
        case .dataset: return "s.dataset"
        case .rowCount: return "s.row_count"
        case .total(let measure):
            // Segments written before totals were stored (an upgraded warehouse) sum their rows.
            return "coalesce(s.\(measure)_total, (SELECT sum(x) FROM unnest(s.\(measure)) AS x)::bigint)"
        case .line: return table.map { $0.flat ? "s.line" : "u.line" } ?? "s.line"
        case .field(let name):
            guard let table, !table.isSegmentLevel(name) else { return "s.\(name)" }
            return "u.\(name)"
        case .expression(let sql, let type): return "(\(sql))::\(type)"
        case .lookup(let table, let column): return "\(Self.lookupAlias(table)).\(column)"
        }
    }

    // MARK: search

    /// `api.search_<name>(q)`: rows whose code is `q` (upper-cased) or whose name contains it,
    /// case-insensitively (`%` and `_` in `q` match themselves).
    var createSearch: String? {
        guard let search = object.search else { return nil }
        return """
            CREATE FUNCTION api.search_\(object.name)(q text)
            RETURNS SETOF \(viewName) LANGUAGE sql STABLE AS $$
                SELECT * FROM \(viewName)
                WHERE \(search.code) = upper(q)
                   OR \(search.name) ILIKE '%' || replace(replace(replace(q, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
            $$
            """
    }

    // MARK: indexes

    /// The index each filter of a `.current` object needs on its segment table (tables a source
    /// derives carry the indexes its own definition declares).
    var filterIndexes: [(name: String, sql: String)] {
        guard let table = segmentTable else { return [] }
        var indexes: [(name: String, sql: String)] = []
        for filter in object.filters {
            guard let column = object.column(filter) else { continue }
            switch column.value {
            case .period: indexes.append(table.periodIndex)
            case .org: break  // one_current's index: organisation first
            case .periodLabel: indexes.append(table.periodLabelIndex(function: "\(Self.periodLabelFunction)") )
            case .field(let name) where table.isSegmentLevel(name): indexes.append(table.filterIndex(name))
            default: break
            }
        }
        return indexes
    }

    // MARK: comments

    var comments: [String] {
        var statements = ["COMMENT ON VIEW \(viewName) IS \(Self.literal(object.comment + "\nkey: (" + object.key.joined(separator: ", ") + ")"))"]
        for column in object.columns {
            statements.append("COMMENT ON COLUMN \(viewName).\(column.name) IS \(Self.literal(column.comment))")
        }
        if let search = object.search {
            statements.append("COMMENT ON FUNCTION api.search_\(object.name)(text) IS \(Self.literal(search.comment))")
        }
        return statements
    }

    /// A SQL string literal of code-given text (comments, dataset ids): quotes doubled.
    static func literal(_ text: String) -> String {
        // Every run generates the schema to check its checksum: Foundation's
        // replacingOccurrences (through NSString) was a fifth of a no-op run's instructions.
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}
