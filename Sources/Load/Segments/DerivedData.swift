import Foundation
import Transform

/// What the loader keeps up to date after a scope's current edition changes (a load or a
/// rollback), in the same transaction, so every API filter stays one indexed read on one table:
///
/// - *Hierarchy*: the columns a dataset declares it takes from another (`HierarchyFill`), set on
///   its new current segments; and, when the activated dataset is itself a hierarchy source,
///   set again on every dataset filled from it whose periods it may now serve.
/// - *Postings*: the distinct row-level values of each scope's current segments that `api`
///   filters read (`Postings`), written again for the activated scope.
/// - *Derived tables*: the statements a source declares to run after a dataset is activated
///   or its hierarchy filled again.
///
/// None of this is content: it is not part of a segment's hash, a revision's row counts or the
/// revision log. It is recomputed from current content, and written only where it differs.
struct DerivedData {
    let registry: SourceRegistry
    let connection: PGConnection

    /// Updates what depends on the scope just activated. Refreshes that rebuild a whole table
    /// (`.oncePerLoad`) go to `later` when given (the writer runs each once after the load's
    /// last activation), else run now.
    /// `samples`: one organisation per distinct key list of the scope's current segments, when
    /// the caller knows them (a load), for postings of key columns.
    func afterActivation(of spec: DatasetSpec, scopeID: Int, period: ReportingPeriod, later: DeferredRefreshes? = nil,
                         samples: [String]? = nil) throws {
        if let fill = spec.hierarchy {
            let newSegments = SegmentTable.scope("l.") + " AND l.valid_from = (SELECT current_step FROM etl.scopes WHERE scope_id = $1)"
            try hierarchyUpdate(spec, fill).apply(condition: newSegments, parameters: [String(scopeID)], on: connection)
        }
        // Datasets whose hierarchy this one gives: rows whose best source may now be this period.
        for dependent in registry.datasets where dependent.hierarchy?.from == spec.id {
            // Datasets sharing a table share their fill: update the table once.
            guard registry.datasets.first(where: { $0.table == dependent.table })?.id == dependent.id else { continue }
            let update = hierarchyUpdate(dependent, dependent.hierarchy!)
            let condition = update.fill.match == .samePeriod
                ? "l.period = $1::date"
                : "\(update.periodEnd("l.period")) >= $1::date"
            try update.apply(condition: condition, parameters: [period.start.iso], on: connection)
            try runRefreshes(for: .hierarchyChanged(dataset: dependent.id), period: period, later: later)
        }
        // Postings hold row-level values only, which the hierarchy never changes: the
        // activated scope's are all that can differ.
        for postings in Postings.all(in: registry) where postings.table.spec.table == spec.table {
            for statement in postings.refresh(scope: scopeID, samples: samples) {
                try connection.execute(statement.sql, statement.parameters)
            }
        }
        try runRefreshes(for: .activated(dataset: spec.id), period: period, later: later)
    }

    func hierarchyUpdate(_ target: DatasetSpec, _ fill: HierarchyFill) -> HierarchyUpdate {
        let source = registry.dataset(fill.from)!
        let shared = registry.datasets.filter { $0.table == source.table }.count > 1
        return HierarchyUpdate(target: target, fill: fill, sourceTable: "data." + source.table, sourceDataset: shared ? fill.from : nil)
    }

    /// Runs every derived-table refresh with this trigger (each statement list once, even when
    /// two tables share it), `$1` the period's first day.
    private func runRefreshes(for trigger: DerivedTable.Refresh.Trigger, period: ReportingPeriod, later: DeferredRefreshes?) throws {
        var ran: [[String]] = []
        for table in registry.derivedTables {
            for refresh in table.refreshes where refresh.trigger == trigger && !ran.contains(refresh.statements) {
                ran.append(refresh.statements)
                if refresh.timing == .oncePerLoad, let later {
                    later.add(refresh.statements)
                    continue
                }
                try run(refresh.statements, period: period)
            }
        }
    }

    func run(_ statements: [String], period: ReportingPeriod?) throws {
        for statement in statements {
            try connection.execute(statement, statement.contains("$1") ? [period?.start.iso] : [])
        }
    }
}

/// Whole-table refreshes a load has triggered, each kept once, in the order first met.
final class DeferredRefreshes {
    private(set) var lists: [[String]] = []

    func add(_ statements: [String]) {
        if !lists.contains(statements) { lists.append(statements) }
    }
}

/// Fills a dataset's hierarchy columns from the dataset its declaration names.
struct HierarchyUpdate {
    let target: DatasetSpec
    let fill: HierarchyFill
    /// The source dataset's table, and its id when other datasets share that table.
    let sourceTable: String
    let sourceDataset: String?

    /// The last month a period of the target covers, as SQL over `column` (a date).
    func periodEnd(_ column: String) -> String {
        switch target.periodKind {
        case .financialYear, .surveyYear: return "(\(column) + interval '11 months')::date"
        case .quarter: return "(\(column) + interval '2 months')::date"
        case .month, .snapshot: return column
        }
    }

    /// What the update would set on a segment of `period` written now, by organisation: the
    /// columns' values then the source period (ISO), as the source's current content in this
    /// transaction has them (segments written earlier in the same load included, the newest step
    /// first). The writer puts these in the COPY, so that the update after activation, which
    /// stays the rule, finds nothing to change in the usual case (the map loaded before the
    /// files it serves) instead of rewriting every new segment (docs/performance.md, "Backfill").
    func lookup(period: ReportingPeriod, on connection: PGConnection) throws -> [String: [String?]] {
        let ofDataset = sourceDataset.map { " AND h.dataset = " + APIObjectSQL.literal($0) } ?? ""
        let match = fill.match == .samePeriod ? "h.period = $1::date" : "h.period <= \(periodEnd("$1::date"))"
        let result = try connection.execute("""
            SELECT DISTINCT ON (h.org) h.org, \(fill.columns.map { "h.\($0)" }.joined(separator: ", ")), h.period::text
            FROM \(sourceTable) h
            WHERE h.valid_to IS NULL\(ofDataset) AND \(match)
            ORDER BY h.org, h.period DESC, h.valid_from DESC
            """, [period.start.iso])
        var values: [String: [String?]] = [:]
        values.reserveCapacity(result.rowCount)
        for row in 0..<result.rowCount {
            values[result.string(row, 0)!] = (1...fill.columns.count + 1).map { result.string(row, $0) }
        }
        return values
    }

    /// Sets the columns on current segments of the target's table matching `condition` (over alias `l`).
    func apply(condition: String, parameters: [String?], on connection: PGConnection) throws {
        let source = sourceTable, table = "data." + target.table
        let ofDataset = sourceDataset.map { " AND h.dataset = " + APIObjectSQL.literal($0) } ?? ""
        let match: String
        switch fill.match {
        case .latestOnOrBefore: match = "h.period <= \(periodEnd("l.period")) ORDER BY h.period DESC LIMIT 1"
        case .samePeriod: match = "h.period = l.period LIMIT 1"
        }
        guard try connection.execute("SELECT 1 FROM \(source) h WHERE h.valid_to IS NULL\(ofDataset) LIMIT 1").rowCount > 0 else { return }
        // LEFT JOIN: a practice the newest source no longer has loses its old hierarchy too.
        let columns = fill.columns
        let set = columns.map { "\($0) = m.\($0)" }.joined(separator: ", ")
        let picked = columns.map { "h.\($0)" }.joined(separator: ", ")
        let current = columns.map { "s.\($0)" }.joined(separator: ", ")
        let found = columns.map { "m.\($0)" }.joined(separator: ", ")
        try connection.execute("""
            UPDATE \(table) s
            SET \(set), hierarchy_period = m.period
            FROM (
                SELECT l.ctid AS tid, x.*
                FROM \(table) l
                LEFT JOIN LATERAL (
                    SELECT \(picked), h.period FROM \(source) h
                    WHERE h.valid_to IS NULL\(ofDataset) AND h.org = l.org AND \(match)
                ) x ON true
                WHERE l.valid_to IS NULL AND \(condition)
            ) m
            WHERE s.ctid = m.tid
              AND (\(current), s.hierarchy_period) IS DISTINCT FROM (\(found), m.period)
            """, parameters)
    }
}
