import Transform

/// Keeps the organisation hierarchy (PCN, ICB, region) on current segments of datasets whose
/// files do not carry it, so every API filter is a single indexed read on one table.
///
/// The hierarchy for a practice in month M comes from the practice map of M, or failing that
/// the newest earlier map. It is enrichment, not content: it is not part of a segment's hash
/// or of a revision's row counts, and it is written only when it differs.
enum Enrichment {
    static func afterActivation(of spec: DatasetSpec, scopeID: Int, period: ReportingPeriod, on connection: PGConnection) throws {
        guard spec.table == "list_sizes" || spec.table == "practice_map" else { return }
        // No map loaded yet: nothing to copy from.
        guard try connection.execute("SELECT 1 FROM data.practice_map LIMIT 1").rowCount > 0 else { return }
        switch spec.table {
        case "list_sizes":
            // Segments kept from earlier steps already carry their hierarchy.
            try connection.execute(hierarchyUpdate(condition: "l.scope_id = $1::int AND l.valid_from = (SELECT current_step FROM etl.scopes WHERE scope_id = $1::int)"), [String(scopeID)])
        case "practice_map":
            try connection.execute(hierarchyUpdate(condition: "l.period >= $1::date"), [period.start.iso])
        default:
            break
        }
    }

    /// Sets pcn/icb/region on current list-size segments matching `condition` (on alias `l`) from the
    /// practice map current for their month (or the newest earlier one).
    private static func hierarchyUpdate(condition: String) -> String {
        """
        UPDATE data.list_sizes s
        SET pcn = m.pcn, icb = m.icb, region = m.region, hierarchy_period = m.period
        FROM (
            SELECT l.ctid AS tid, h.*
            FROM data.list_sizes l
            CROSS JOIN LATERAL (
                SELECT pm.pcn, pm.icb, pm.region, pm.period FROM data.practice_map pm
                WHERE pm.valid_to IS NULL AND pm.org = l.org AND pm.period <= l.period
                ORDER BY pm.period DESC LIMIT 1
            ) h
            WHERE l.valid_to IS NULL AND \(condition)
        ) m
        WHERE s.ctid = m.tid
          AND (s.pcn, s.icb, s.region, s.hierarchy_period) IS DISTINCT FROM (m.pcn, m.icb, m.region, m.period)
        """
    }
}
