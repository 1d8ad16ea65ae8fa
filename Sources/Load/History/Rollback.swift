import Transform

/// What a rollback did.
public struct RollbackOutcome: Sendable {
    public var revision: Int64
    public var dataset: String
    public var period: String
    /// The revision current afterwards (nil: the scope now has no current edition).
    public var nowCurrent: Int64?
    /// False when the revision was not current: it was only marked rolled back.
    public var contentChanged: Bool
}

/// Withdraws an edition: it stops being current and the edition served before it is current
/// again, at a new step of the scope's log. Nothing is deleted: the rolled-back edition stays
/// queryable, and the step records who did it and when.
public enum Rollback {
    public static func rollback(_ warehouse: Warehouse, revision: Int64, actor: String) throws -> RollbackOutcome {
        let connection = warehouse.connection
        return try connection.transaction {
            let found = try connection.execute("""
                SELECT r.scope_id, r.dataset, r.period::text, r.rolled_back_at::text, r.rolled_back_by, s.current_revision, s.current_step
                FROM etl.revisions r JOIN etl.scopes s ON s.scope_id = r.scope_id
                WHERE r.revision_id = $1::bigint FOR UPDATE OF s
                """, [String(revision)])
            guard found.rowCount == 1 else { throw LoadError(.notFound, "there is no revision \(revision)") }
            let scopeID = found.int(0, 0)!, dataset = found.string(0, 1)!, period = found.string(0, 2)!
            if let when = found.string(0, 3) {
                throw LoadError(.refused, "revision \(revision) was already rolled back (\(when) by \(found.string(0, 4) ?? "?"))")
            }
            try connection.execute(
                "UPDATE etl.revisions SET rolled_back_at = now(), rolled_back_by = $2 WHERE revision_id = $1::bigint",
                [String(revision), actor])
            let current = found.string(0, 5).flatMap { Int64($0) }
            guard current == revision else {
                return RollbackOutcome(revision: revision, dataset: dataset, period: period, nowCurrent: current, contentChanged: false)
            }
            guard let spec = warehouse.registry.dataset(dataset) else {
                throw LoadError(.refused, "dataset \(dataset) is not known to this build")
            }
            let table = SegmentTable(spec)
            let currentStep = found.int(0, 6)!
            let newStep = currentStep + 1
            let previous = try connection.execute("""
                SELECT st.step, st.revision_id FROM etl.steps st JOIN etl.revisions r ON r.revision_id = st.revision_id
                WHERE st.scope_id = $1::int AND st.step < $2::int AND r.rolled_back_at IS NULL AND st.revision_id <> $3::bigint
                ORDER BY st.step DESC LIMIT 1
                """, [String(scopeID), String(currentStep), String(revision)])
            var nowCurrent: Int64? = nil
            if previous.rowCount == 1 {
                let servedStep = previous.int(0, 0)!
                nowCurrent = Int64(previous.string(0, 1)!)!
                for sql in table.restoreStep {
                    try connection.execute(sql, [String(scopeID), String(servedStep), String(newStep)])
                }
            } else {
                try connection.execute(table.closeAll, [String(scopeID), String(newStep)])
            }
            try connection.execute("""
                INSERT INTO etl.steps (scope_id, step, revision_id, actor, reason, run_id) VALUES ($1::int, $2::int, $3::bigint, $4, 'rollback', $5::bigint)
                """, [String(scopeID), String(newStep), nowCurrent.map { String($0) }, actor, warehouse.runID.map { String($0) }])
            try connection.execute("UPDATE etl.scopes SET current_step = $2::int, current_revision = $3::bigint WHERE scope_id = $1::int",
                                   [String(scopeID), String(newStep), nowCurrent.map { String($0) }])
            let periodValue = ReportingPeriod(kind: spec.periodKind, start: CalendarDate(iso: period)!)
            try DerivedData(registry: warehouse.registry, connection: connection).afterActivation(of: spec, scopeID: scopeID, period: periodValue)
            return RollbackOutcome(revision: revision, dataset: dataset, period: period, nowCurrent: nowCurrent, contentChanged: true)
        }
    }
}
