import Transform

/// What the loader keeps up to date after a scope's current edition changes (a load or a
/// rollback), in the same transaction, so every API filter stays one indexed read on one table:
///
/// - *Hierarchy enrichment*: PCN, sub-ICB, ICB and region on current segments of datasets whose
///   files do not carry them, from the practice map of the period (or the newest earlier one),
///   or, for QOF, from the year's own organisation mapping.
/// - *Derived tables*: the practice and PCN directories (from ODS, else the practice map), QOF
///   prevalence for England, and payments per PCN.
///
/// None of this is content: it is not part of a segment's hash, a revision's row counts or the
/// revision log. It is recomputed from current content, and written only where it differs.
enum DerivedData {
    static func afterActivation(of spec: DatasetSpec, scopeID: Int, period: ReportingPeriod, on connection: PGConnection) throws {
        let newSegments = "l.scope_id = \(Placeholder.scope) AND l.valid_from = (SELECT current_step FROM etl.scopes WHERE scope_id = \(Placeholder.scope))"
        for rule in HierarchyRule.all where rule.table == spec.table {
            try rule.apply(condition: newSegments, parameters: [String(scopeID)], on: connection)
        }
        switch spec.table {
        case "practice_map":
            // Rows whose best map may now be this one: periods (ending) on or after it.
            for rule in HierarchyRule.all where rule.source == .practiceMap {
                try rule.apply(condition: "\(rule.periodEnd("l.period")) >= \(Placeholder.scope)::date", parameters: [period.start.iso], on: connection)
            }
            try Directory.rebuild(on: connection)
            // Payments per PCN carry the ICB the map gives: set where it changed, not rebuilt.
            try connection.execute(Summaries.paymentsPerPCNICB, [period.start.iso])
        case "qof_organisations":
            for rule in HierarchyRule.all where rule.source == .qofOrganisations {
                try rule.apply(condition: "l.period = \(Placeholder.scope)::date", parameters: [period.start.iso], on: connection)
            }
        case "ods_practices", "ods_pcns", "ods_pcn_members":
            try Directory.rebuild(on: connection)
        case "qof_prevalence":
            try connection.execute(Summaries.qofPrevalenceNational, [period.start.iso])
            try connection.execute(Summaries.qofPrevalenceNationalInsert, [period.start.iso])
        case "nhs_payments":
            try connection.execute(Summaries.paymentsPerPCNDelete, [period.start.iso])
            try connection.execute(Summaries.paymentsPerPCNInsert, [period.start.iso])
        default:
            break
        }
    }

    enum Placeholder {
        static let scope = "$1"
    }
}

/// Fills hierarchy columns of one segment table from a hierarchy source.
struct HierarchyRule {
    enum Source { case practiceMap, qofOrganisations }

    let table: String
    let source: Source
    /// Columns set from the source (same names in both tables).
    let columns: [String]
    let periodKind: ReportingPeriod.Kind

    static let all = [
        HierarchyRule(table: "list_sizes", source: .practiceMap, columns: ["pcn", "icb", "region"], periodKind: .month),
        HierarchyRule(table: "gp_appointments", source: .practiceMap, columns: ["icb", "region"], periodKind: .month),
        HierarchyRule(table: "nhs_payments", source: .practiceMap, columns: ["icb"], periodKind: .financialYear),
        HierarchyRule(table: "qof_achievement", source: .qofOrganisations, columns: ["pcn", "sub_icb", "icb", "region"], periodKind: .financialYear),
        HierarchyRule(table: "qof_prevalence", source: .qofOrganisations, columns: ["pcn", "sub_icb", "icb", "region"], periodKind: .financialYear),
    ]

    /// The last month a period of this table covers, as SQL over `column` (a date).
    func periodEnd(_ column: String) -> String {
        periodKind == .financialYear ? "(\(column) + interval '11 months')::date" : column
    }

    /// Sets the columns on current segments of `table` matching `condition` (over alias `l`).
    func apply(condition: String, parameters: [String?], on connection: PGConnection) throws {
        let sourceTable: String, match: String
        switch source {
        case .practiceMap:
            sourceTable = "data.practice_map"
            match = "h.period <= \(periodEnd("l.period")) ORDER BY h.period DESC LIMIT 1"
        case .qofOrganisations:
            sourceTable = "data.qof_organisations"
            match = "h.period = l.period LIMIT 1"
        }
        guard try connection.execute("SELECT 1 FROM \(sourceTable) WHERE valid_to IS NULL LIMIT 1").rowCount > 0 else { return }
        // LEFT JOIN: a practice the newest source no longer has loses its old hierarchy too.
        let set = columns.map { "\($0) = m.\($0)" }.joined(separator: ", ")
        let picked = columns.map { "h.\($0)" }.joined(separator: ", ")
        let target = columns.map { "s.\($0)" }.joined(separator: ", ")
        let found = columns.map { "m.\($0)" }.joined(separator: ", ")
        try connection.execute("""
            UPDATE data.\(table) s
            SET \(set), hierarchy_period = m.period
            FROM (
                SELECT l.ctid AS tid, x.*
                FROM data.\(table) l
                LEFT JOIN LATERAL (
                    SELECT \(picked), h.period FROM \(sourceTable) h
                    WHERE h.valid_to IS NULL AND h.org = l.org AND \(match)
                ) x ON true
                WHERE l.valid_to IS NULL AND \(condition)
            ) m
            WHERE s.ctid = m.tid
              AND (\(target), s.hierarchy_period) IS DISTINCT FROM (\(found), m.period)
            """, parameters)
    }
}

/// The practice and PCN directories behind `api.practices` and `api.pcns`: the newest ODS
/// snapshot of practices with their current PCN membership, falling back to the newest
/// practice map for practices ODS does not have (or when ODS was never loaded).
enum Directory {
    /// The newest period with current content in a segment table.
    static func newestPeriod(_ table: String) -> String {
        "SELECT max(period) FROM data.\(table) WHERE valid_to IS NULL"
    }

    /// The current segments of that period.
    static func newestSnapshot(_ table: String) -> String {
        "SELECT * FROM data.\(table) WHERE valid_to IS NULL AND period = (\(newestPeriod(table)))"
    }

    static func rebuild(on connection: PGConnection) throws {
        try connection.execute("DELETE FROM data.practice_directory")
        try connection.execute("""
            WITH ods AS (\(newestSnapshot("ods_practices"))), membership AS (
                -- The current English membership in the newest snapshot (the latest start if several).
                SELECT DISTINCT ON (m.org) m.org, u.pcn, u.pcn_name
                FROM data.ods_pcn_members m
                CROSS JOIN LATERAL unnest(m.pcn, m.pcn_name, m.start_date, m.end_date) AS u(pcn, pcn_name, start_date, end_date)
                WHERE m.valid_to IS NULL AND m.period = (\(newestPeriod("ods_pcn_members"))) AND u.end_date IS NULL
                ORDER BY m.org, u.start_date DESC
            ), map AS (\(newestSnapshot("practice_map")))
            INSERT INTO data.practice_directory
                (ods_code, name, status, open_date, close_date, postcode, pcn, pcn_name, sub_icb, icb, region, supplier, snapshot, origin)
            SELECT coalesce(o.org, p.org),
                   coalesce(o.name, p.practice_name),
                   o.status, o.open_date, o.close_date,
                   coalesce(o.postcode, p.practice_postcode),
                   coalesce(ms.pcn, CASE WHEN o.org IS NULL OR NOT EXISTS (SELECT 1 FROM membership) THEN nullif(p.pcn, 'U') END),
                   coalesce(ms.pcn_name, CASE WHEN o.org IS NULL OR NOT EXISTS (SELECT 1 FROM membership) THEN CASE WHEN p.pcn <> 'U' THEN p.pcn_name END END),
                   coalesce(o.sub_icb, p.sub_icb), coalesce(o.icb, p.icb), coalesce(o.region, p.region),
                   p.supplier, coalesce(o.period, p.period), CASE WHEN o.org IS NULL THEN 'practice-map' ELSE 'ods' END
            FROM ods o
            FULL JOIN map p ON p.org = o.org
            LEFT JOIN membership ms ON ms.org = coalesce(o.org, p.org)
            """)
        try connection.execute("DELETE FROM data.pcn_directory")
        try connection.execute("""
            WITH pcns AS (\(newestSnapshot("ods_pcns"))), members AS (
                SELECT pcn, min(pcn_name) AS pcn_name, count(*) FILTER (WHERE status IS DISTINCT FROM 'closed') AS member_count,
                       min(sub_icb) AS sub_icb, min(icb) AS icb, min(region) AS region
                FROM data.practice_directory WHERE pcn IS NOT NULL GROUP BY pcn
            )
            INSERT INTO data.pcn_directory (pcn, name, sub_icb, icb, region, member_count, open_date, close_date, snapshot)
            SELECT coalesce(p.org, m.pcn), coalesce(p.name, m.pcn_name), coalesce(p.sub_icb, m.sub_icb), m.icb, m.region,
                   coalesce(m.member_count, 0), p.open_date, p.close_date, p.period
            FROM pcns p FULL JOIN members m ON m.pcn = p.org
            """)
    }
}

/// National and per-PCN summaries recomputed for one period.
enum Summaries {
    static let qofPrevalenceNational = "DELETE FROM data.qof_prevalence_national WHERE period = $1::date"
    static let qofPrevalenceNationalInsert = """
        INSERT INTO data.qof_prevalence_national (period, group_code, patient_list_type, register, list_size, practices)
        SELECT q.period, u.group_code, u.patient_list_type, sum(u.register), sum(u.list_size), count(DISTINCT q.org)
        FROM data.qof_prevalence q
        CROSS JOIN LATERAL unnest(q.group_code, q.patient_list_type, q.register, q.list_size) AS u(group_code, patient_list_type, register, list_size)
        WHERE q.valid_to IS NULL AND q.period = $1::date
        GROUP BY q.period, u.group_code, u.patient_list_type
        """

    static let paymentsPerPCNDelete = "DELETE FROM data.nhs_payments_pcns WHERE period = $1::date"
    /// Practices' payments summed per PCN, for years the publisher has no PCN-level file.
    static let paymentsPerPCNInsert = """
        INSERT INTO data.nhs_payments_pcns (period, pcn, pcn_name, icb, measure, value, practices)
        SELECT p.period, p.pcn, min(p.pcn_name), min(p.icb), u.measure, sum(u.value), count(DISTINCT p.org)
        FROM data.nhs_payments p
        CROSS JOIN LATERAL unnest(p.measure, p.value) AS u(measure, value)
        WHERE p.valid_to IS NULL AND p.period = $1::date AND p.pcn IS NOT NULL AND p.pcn <> 'U'
        GROUP BY p.period, p.pcn, u.measure
        """

    /// The ICB of each PCN's summary, after a practice map (whose month is $1) changed the
    /// practices' ICBs for the years ending on or after it.
    static let paymentsPerPCNICB = """
        UPDATE data.nhs_payments_pcns s SET icb = x.icb
        FROM (
            SELECT p.period, p.pcn, min(p.icb) AS icb FROM data.nhs_payments p
            WHERE p.valid_to IS NULL AND p.pcn IS NOT NULL AND p.pcn <> 'U' AND (p.period + interval '11 months')::date >= $1::date
            GROUP BY p.period, p.pcn
        ) x
        WHERE s.period = x.period AND s.pcn = x.pcn AND s.icb IS DISTINCT FROM x.icb
        """
}
