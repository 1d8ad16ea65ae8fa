import Transform

/// Network Contract DES management information (NHS England, "MI Network Contract DES", NCDes):
/// monthly achievement per GP practice, indicator and measure, and the indicator metadata of
/// each service year (nhs-formats-2.md §2, nhs-formats.md §9).
///
/// The monthly file `NCDes<Month><yy>.csv` (zipped as `.zip`) is long:
/// `PRACTICE_CODE,PRACTICE_NAME,QUALITY_SERVICE,ACH_DATE,IND_CODE,MEASURE,VALUE`, ACH_DATE
/// `dd/mm/yyyy` (the month's end), VALUE `*` when suppressed (NULL, the token kept). The month
/// comes from each row's ACH_DATE, so a month republished later is a revision of that month.
///
/// `NCDes<Month><yy>_By_Ruleset.zip` holds the same rows split into one CSV per ruleset, named
/// `NCDes<Month><yy>_<Ruleset>.csv` (ruleset names have spaces and `&`): its own dataset, giving
/// the month's indicator-to-ruleset assignment, and the month's rows when the single file was
/// not loaded. A practice is in every ruleset's file, and the loader keeps an organisation's
/// rows of one scope in one file, so this dataset is keyed by indicator (each is in one
/// ruleset's file), the practice a dimension.
///
/// The files carry no PCN, ICB or ruleset. `HierarchyFill` cannot give the PCN: it copies a
/// segment-level column of the newest map for the organisation, while ODS memberships are rows
/// inside a segment with start and end dates (and a practice may have moved PCN since). So the
/// API rows are a derived table (`pcn_des_values`), rebuilt per month when the month changes,
/// and updated in place when the memberships, the practice map or the indicator metadata change:
/// the PCN is the ODS membership in force on the achievement date (`pcn_status` says why it is
/// NULL), the ICB from the practice map of the month or the newest before it (HierarchyFill's
/// rule, in SQL because the by-ruleset rows are not keyed by practice), the ruleset from the
/// month's by-ruleset zip, else the metadata.
public struct PcnDes: SourceDeclaration {
    public let id = "pcn-des"
    public let title = "Network Contract DES (MI), NCDes"
    public let listing = EditionListing.digitalNHSSeries(
        url: "https://digital.nhs.uk/data-and-information/publications/statistical/mi-network-contract-des",
        editionSlugs: ["england-{month}-{yyyy}", "{month}-{yyyy}"])
    public let periodKind = ReportingPeriod.Kind.month
    // Monthly management information, published some weeks after the month ends [INFERRED, not
    // verified against the series page: expected from day 40, overdue after day 100].
    public let cadence = Cadence(every: "month", expectedAfterDays: 40, publishedWithinDays: 100)
    public let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
    // Order matters: a file belongs to the first family whose glob it fits.
    public let files = [
        FileFamily("indicator metadata", match: ["NCD*metadata*.csv", "NCD*metadata*.zip"], datasets: ["pcn-des-indicators"]),
        FileFamily("monthly achievement by ruleset", match: ["NCDes*_By_Ruleset*.zip"], datasets: ["pcn-des-by-ruleset"]),
        FileFamily("monthly achievement", match: ["NCDes*.csv", "NCDes*.zip"], datasets: ["pcn-des", "pcn-des-by-ruleset"]),
    ]

    public init() {}

    public static let achievement = DatasetSpec(
        id: "pcn-des", source: "pcn-des", title: "Achievement per practice, indicator and measure (NCDes<Month><yy>.csv)",
        table: "pcn_des", periodKind: .month,
        dimensions: [.init("indicator"), .init("measure")], measures: [.init("value", .decimal)],
        attributes: [.init("practice_name"), .init("quality_service"), .init("ach_date")],
        suppressionTokens: ["*"])

    /// The same rows split into one CSV per ruleset (`NCDes<Month><yy>_<Ruleset>.csv` in
    /// `NCDes<Month><yy>_By_Ruleset.zip`), the ruleset (a name with spaces and `&`) from the
    /// entry's name. Its own scope: it gives each month's published indicator-to-ruleset
    /// assignment, and the month's rows when the single file was not loaded.
    public static let byRuleset = DatasetSpec(
        id: "pcn-des-by-ruleset", source: "pcn-des", title: "Achievement per practice, ruleset, indicator and measure (NCDes<Month><yy>_By_Ruleset.zip)",
        table: "pcn_des_by_ruleset", periodKind: .month,
        dimensions: [.init("practice"), .init("measure")], measures: [.init("value", .decimal), .init("practice_name")],
        attributes: [.init("ruleset"), .init("quality_service"), .init("ach_date")],
        suppressionTokens: ["*"])

    public static let indicators = DatasetSpec(
        id: "pcn-des-indicators", source: "pcn-des", title: "Indicators, their rulesets and measures per service year (NCD metadata)",
        table: "pcn_des_indicators", periodKind: .financialYear,
        dimensions: [.init("measure")], measures: [.init("measure_type"), .init("measure_description")],
        attributes: [.init("ruleset"), .init("description"), .init("indicator_type"), .init("quality_service"), .init("service_year")])

    public var datasets: [DatasetSpec] { [Self.achievement, Self.byRuleset, Self.indicators] }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "pcn_des",
                comment: "Network Contract DES achievement per practice, month, indicator and measure (MI Network Contract DES, "
                    + "NCDes<Month><yy>.csv, else the month's NCDes<Month><yy>_By_Ruleset.zip), the current edition of each month, "
                    + "with the practice's PCN on the achievement date (ODS memberships), its ICB (practice map) and the indicator's "
                    + "ruleset (by-ruleset zip, else NCD metadata). History of the rows as published: api.pcn_des_published",
                rows: .derived(table: "pcn_des_values"),
                columns: [
                    APIColumn("date", .field("achievement_date"), "The achievement date as published (ACH_DATE, the last day of the month)"),
                    APIColumn("month", .field("period"), "The month of the achievement date (first day): the revision scope"),
                    APIColumn("practice", .field("practice"), "Practice ODS code (PRACTICE_CODE)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published (UNALLOCATED when NHS England could not map it)"),
                    APIColumn("pcn", .field("pcn"), "The PCN the practice belonged to on the achievement date (ODS epcncorepartnerdetails); NULL when unknown, pcn_status says why"),
                    APIColumn("pcn_name", .field("pcn_name"), "That PCN's name (ODS)"),
                    APIColumn("pcn_status", .field("pcn_status"),
                              "member (a membership covers the date), no membership at date (ODS lists the practice, but no membership covers the date), "
                                  + "not in ODS memberships (no loaded membership file lists the practice) or ODS not loaded"),
                    APIColumn("icb", .field("icb"), "ICB code, from the practice map of the month (or the newest before it); NULL when none is loaded"),
                    APIColumn("ruleset", .field("ruleset"),
                              "The indicator's ruleset (Access, Cancer, SMRs & Medicines Optimisation, …): as the month's by-ruleset zip files it, "
                                  + "else from the NCD metadata of the service year (else the nearest loaded year); NULL when neither lists the indicator"),
                    APIColumn("indicator", .field("indicator"), "Indicator code as published (IND_CODE: CAN04, SMR01A, …)"),
                    APIColumn("measure", .field("measure"), "Measure as published (Numerator, Denominator, an exclusion or PCA code, MI Count, …)"),
                    APIColumn("value", .field("value"), "The value (a count); NULL when suppressed"),
                    APIColumn("value_raw", .field("value_raw"), "The suppression token (*) when value is NULL because of one"),
                    APIColumn("quality_service", .field("quality_service"), "Quality service as published (QUALITY_SERVICE, e.g. NCD2425)"),
                    APIColumn("dataset", .field("dataset"),
                              "Which file the month is served from: pcn-des (NCDes<Month><yy>.csv) or, when that was not loaded, "
                                  + "pcn-des-by-ruleset (NCDes<Month><yy>_By_Ruleset.zip)"),
                    APIColumn("revision", .field("revision"), "The revision whose file this value was read from (etl.revision_log)"),
                    APIColumn("line", .field("line"), "The line of that file (for the by-ruleset zip, of the ruleset's CSV in it) the value was read from"),
                ],
                filters: ["date", "practice", "pcn", "icb", "ruleset", "indicator"],
                key: ["date", "practice", "indicator", "measure"]),
            APIObject(
                "pcn_des_published",
                comment: "Network Contract DES rows as published in NCDes<Month><yy>.csv, the current edition of each month, without "
                    + "what the warehouse adds (api.pcn_des has PCN, ICB and ruleset); its _as_published and _changes functions give "
                    + "the history of each month",
                rows: .current(datasets: [Self.achievement.id]),
                columns: [
                    APIColumn("month", .period, "The month of the achievement date (first day)"),
                    APIColumn("practice", .org, "Practice ODS code (PRACTICE_CODE)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published"),
                    APIColumn("ach_date", .field("ach_date"), "ACH_DATE as published (dd/mm/yyyy)"),
                    APIColumn("indicator", .field("indicator"), "Indicator code as published (IND_CODE)"),
                    APIColumn("measure", .field("measure"), "Measure as published (MEASURE)"),
                    APIColumn("value", .field("value"), "The value; NULL when suppressed"),
                    APIColumn("value_raw", .field("value_raw"), "The suppression token (*) when value is NULL because of one"),
                    APIColumn("quality_service", .field("quality_service"), "Quality service as published (QUALITY_SERVICE)"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from"),
                    APIColumn("line", .line, "The line of the file the value was read from"),
                ],
                filters: ["month", "practice"],
                key: ["month", "practice", "indicator", "measure"]),
            APIObject(
                "pcn_des_indicators",
                comment: "Network Contract DES indicators per service year: ruleset, description and measures (NCD metadata CSV)",
                rows: .current(datasets: [Self.indicators.id]),
                columns: [
                    APIColumn("year", .periodLabel, "The service (financial) year as the API names it (2024/25)"),
                    APIColumn("indicator", .org, "Indicator code (INDICATOR_ID)"),
                    APIColumn("ruleset", .field("ruleset"), "Ruleset as published (names may contain spaces and &)"),
                    APIColumn("description", .field("description"), "Indicator description as published"),
                    APIColumn("indicator_type", .field("indicator_type"), "Indicator type as published (FI, MIC, …)"),
                    APIColumn("measure", .field("measure"), "Measure as published (Numerator, Denominator, Rule n: … for exclusions and PCAs)"),
                    APIColumn("measure_type", .field("measure_type"), "Numerator, Denominator, Exclusion, PCA or Single Count, as published"),
                    APIColumn("measure_description", .field("measure_description"), "Measure description as published"),
                    APIColumn("quality_service", .field("quality_service"), "Quality service as published (NCD)"),
                    APIColumn("revision", .revision, "The revision whose file this row was read from"),
                ],
                filters: ["year", "indicator", "ruleset"],
                key: ["year", "indicator", "measure"]),
        ]
    }

    // MARK: the derived rows behind api.pcn_des

    /// The ISO achievement date from the published ACH_DATE (`30/09/2024`, or ISO), over `column`.
    /// The loader parsed the same column for the period, so it is one of the two.
    static func achievementDate(_ column: String) -> String {
        "CASE WHEN \(column) LIKE '__/__/____' THEN to_date(\(column), 'DD/MM/YYYY') ELSE \(column)::date END"
    }

    /// The first day of the financial year containing `date` (SQL).
    static func financialYear(_ date: String) -> String {
        "make_date(extract(year FROM \(date))::int - (extract(month FROM \(date))::int < 4)::int, 4, 1)"
    }

    /// For each `(org, period, ach)` of `practices` (SQL), the ODS membership in force on `ach`:
    /// from the newest snapshot that has one (snapshots keep ended memberships), the latest
    /// started; and a status saying why there is none.
    static func pcnOnDate(_ practices: String) -> String {
        """
        SELECT g.org, g.period, x.pcn, x.pcn_name,
               CASE WHEN x.pcn IS NOT NULL THEN 'member'
                    WHEN EXISTS (SELECT 1 FROM data.ods_pcn_members m WHERE m.valid_to IS NULL AND m.org = g.org) THEN 'no membership at date'
                    WHEN EXISTS (SELECT 1 FROM data.ods_pcn_members m WHERE m.valid_to IS NULL) THEN 'not in ODS memberships'
                    ELSE 'ODS not loaded' END AS status
        FROM (\(practices)) g
        LEFT JOIN LATERAL (
            SELECT u.pcn, u.pcn_name
            FROM data.ods_pcn_members m
            CROSS JOIN LATERAL unnest(m.pcn, m.pcn_name, m.start_date, m.end_date) AS u(pcn, pcn_name, start_date, end_date)
            WHERE m.valid_to IS NULL AND m.org = g.org AND u.start_date <= g.ach AND (u.end_date IS NULL OR u.end_date >= g.ach)
            ORDER BY m.period DESC, u.start_date DESC, u.pcn
            LIMIT 1
        ) x ON true
        """
    }

    /// For each `(period, indicator)` of `pairs` (SQL), the ruleset: the one the month's
    /// by-ruleset zip filed it under, else the metadata of the month's service year, else the
    /// nearest earlier year's, else the nearest later one's.
    static func rulesetOf(_ pairs: String) -> String {
        """
        SELECT p.period, p.indicator, coalesce(
            (SELECT r.ruleset FROM data.pcn_des_month_rulesets r WHERE r.period = p.period AND r.indicator = p.indicator),
            (SELECT i.ruleset FROM data.pcn_des_indicators i
             WHERE i.valid_to IS NULL AND i.org = p.indicator
             ORDER BY i.period > \(financialYear("p.period")), abs(i.period - \(financialYear("p.period"))), i.period
             LIMIT 1)
        ) AS ruleset
        FROM (\(pairs)) p
        """
    }

    /// The current rows of month `$1` the API serves, in one shape: the single file's when the
    /// month has one, else the by-ruleset zip's (the same rows split by ruleset).
    static let servedRows = """
        SELECT 'pcn-des' AS dataset, s.period, s.org AS practice, s.ach_date, s.quality_service, s.revision_id,
               u.indicator, u.measure, u.value, u.value_raw, s.practice_name, u.line
        FROM data.pcn_des s
        CROSS JOIN LATERAL unnest(s.indicator, s.measure, s.value, s.value_raw, s.line) AS u(indicator, measure, value, value_raw, line)
        WHERE s.valid_to IS NULL AND s.period = $1::date
        UNION ALL
        SELECT 'pcn-des-by-ruleset', b.period, u.practice, b.ach_date, b.quality_service, b.revision_id,
               b.org, u.measure, u.value, u.value_raw, u.practice_name, u.line
        FROM data.pcn_des_by_ruleset b
        CROSS JOIN LATERAL unnest(b.practice, b.measure, b.value, b.value_raw, b.practice_name, b.line)
            AS u(practice, measure, value, value_raw, practice_name, line)
        WHERE b.valid_to IS NULL AND b.period = $1::date
          AND NOT EXISTS (SELECT 1 FROM data.pcn_des s WHERE s.valid_to IS NULL AND s.period = $1::date)
        """

    /// For each `(practice, period)` of `pairs` (SQL), the ICB of the newest practice map on or
    /// before the month (as `HierarchyFill(match: .latestOnOrBefore)` does for other sources).
    static func icbOf(_ pairs: String) -> String {
        """
        SELECT d.practice, d.period, (
            SELECT h.icb FROM data.practice_map h WHERE h.valid_to IS NULL AND h.org = d.practice AND h.period <= d.period
            ORDER BY h.period DESC LIMIT 1
        ) AS icb
        FROM (\(pairs)) d
        """
    }

    /// Rebuilds the month `$1` from the current segments.
    ///
    /// The month's segments were written in this transaction and have no statistics: the planner
    /// takes each unnest for 10 rows and each CTE for a handful, and joins the rows to the
    /// practices' PCN and ICB by nested loops over CTE scans, quadratic in practices × rows
    /// (14 s for 300 practices; hours for a national month). Hash joins are what these sizes
    /// need: the segment tables are analysed first (ANALYZE counts this transaction's own rows),
    /// nested loops are switched off for this one statement (the LATERAL lookups, which only a
    /// nested loop can run, still run as one; JIT, which the switch's cost penalty would set
    /// off, too), and the per-practice and per-indicator lookups are materialised: once per
    /// practice, not once per row. A national month (1.9 M rows): 26 s → 14 s for this statement.
    static let monthRebuild: [String] = [
        "DELETE FROM data.pcn_des_values WHERE period = $1::date",
        "ANALYZE data.pcn_des, data.pcn_des_by_ruleset",
        "SET LOCAL enable_nestloop = off",
        "SET LOCAL jit = off",
        """
        WITH served AS (\(servedRows)),
        practices AS (SELECT DISTINCT practice, period, \(achievementDate("ach_date")) AS ach FROM served),
        pcns AS MATERIALIZED (\(pcnOnDate("SELECT practice AS org, period, ach FROM practices"))),
        icbs AS MATERIALIZED (\(icbOf("SELECT practice, period FROM practices"))),
        rulesets AS MATERIALIZED (\(rulesetOf("SELECT DISTINCT period, indicator FROM served")))
        INSERT INTO data.pcn_des_values
            (period, achievement_date, practice, practice_name, pcn, pcn_name, pcn_status, icb, ruleset, indicator, measure, value, value_raw,
             quality_service, dataset, revision, line)
        SELECT r.period, d.ach, r.practice, r.practice_name, p.pcn, p.pcn_name, p.status, i.icb, q.ruleset, r.indicator, r.measure, r.value,
               r.value_raw, r.quality_service, r.dataset, r.revision_id, r.line
        FROM served r
        JOIN practices d ON d.practice = r.practice AND d.period = r.period
        JOIN pcns p ON p.org = r.practice AND p.period = r.period
        JOIN icbs i ON i.practice = r.practice AND i.period = r.period
        LEFT JOIN rulesets q ON q.period = r.period AND q.indicator = r.indicator
        """,
        "SET LOCAL enable_nestloop = on",
        "SET LOCAL jit = on",
    ]

    /// The indicator-to-ruleset assignment of month `$1` as its by-ruleset zip files it.
    static let monthRulesetsRebuild: [String] = [
        "DELETE FROM data.pcn_des_month_rulesets WHERE period = $1::date",
        """
        INSERT INTO data.pcn_des_month_rulesets (period, indicator, ruleset)
        SELECT b.period, b.org, b.ruleset FROM data.pcn_des_by_ruleset b
        WHERE b.valid_to IS NULL AND b.period = $1::date AND b.ruleset IS NOT NULL
        """,
    ]

    /// Every month's PCNs again (memberships changed), written only where they differ.
    static let pcnUpdate = """
        UPDATE data.pcn_des_values v SET pcn = p.pcn, pcn_name = p.pcn_name, pcn_status = p.status
        FROM (\(pcnOnDate("SELECT DISTINCT practice AS org, period, achievement_date AS ach FROM data.pcn_des_values"))) p
        WHERE v.practice = p.org AND v.period = p.period
          AND (v.pcn, v.pcn_name, v.pcn_status) IS DISTINCT FROM (p.pcn, p.pcn_name, p.status)
        """

    /// Every month's rulesets again (metadata changed), written only where they differ.
    static let rulesetUpdate = """
        UPDATE data.pcn_des_values v SET ruleset = q.ruleset
        FROM (\(rulesetOf("SELECT DISTINCT period, indicator FROM data.pcn_des_values"))) q
        WHERE v.period = q.period AND v.indicator = q.indicator AND v.ruleset IS DISTINCT FROM q.ruleset
        """

    /// The ICBs of the months a new practice map (of month `$1`) may serve, written only where they differ.
    static let icbUpdate = """
        UPDATE data.pcn_des_values v SET icb = x.icb
        FROM (\(icbOf("SELECT DISTINCT practice, period FROM data.pcn_des_values WHERE period >= $1::date"))) x
        WHERE v.practice = x.practice AND v.period = x.period AND v.icb IS DISTINCT FROM x.icb
        """

    public var derivedTables: [DerivedTable] {
        [
            // Declared first: its refresh runs before the month's rows are rebuilt from it.
            DerivedTable(
                "pcn_des_month_rulesets",
                comment: "Each month's indicator-to-ruleset assignment as its NCDes by-ruleset zip files it",
                definition: """
                    CREATE TABLE data.pcn_des_month_rulesets (
                        period date NOT NULL, indicator text NOT NULL, ruleset text NOT NULL,
                        PRIMARY KEY (period, indicator)
                    );
                    """,
                refreshes: [.init(after: .activated(dataset: Self.byRuleset.id), Self.monthRulesetsRebuild)]),
            DerivedTable(
                "pcn_des_values",
                comment: "Current NCDes values, one per published row, with PCN on the achievement date, ICB and ruleset (behind api.pcn_des)",
                definition: """
                    CREATE TABLE data.pcn_des_values (
                        period date NOT NULL, achievement_date date NOT NULL, practice text NOT NULL, practice_name text,
                        pcn text, pcn_name text, pcn_status text NOT NULL, icb text, ruleset text,
                        indicator text NOT NULL, measure text NOT NULL, value numeric, value_raw text, quality_service text,
                        dataset text NOT NULL, revision bigint NOT NULL, line integer NOT NULL,
                        PRIMARY KEY (practice, period, indicator, measure)
                    );
                    CREATE INDEX pcn_des_values_date ON data.pcn_des_values (achievement_date);
                    CREATE INDEX pcn_des_values_period ON data.pcn_des_values (period);
                    CREATE INDEX pcn_des_values_pcn ON data.pcn_des_values (pcn, period) WHERE pcn IS NOT NULL;
                    CREATE INDEX pcn_des_values_icb ON data.pcn_des_values (icb, period) WHERE icb IS NOT NULL;
                    CREATE INDEX pcn_des_values_ruleset ON data.pcn_des_values (ruleset, period) WHERE ruleset IS NOT NULL;
                    CREATE INDEX pcn_des_values_indicator ON data.pcn_des_values (indicator, period);
                    """,
                refreshes: [
                    .init(after: .activated(dataset: Self.achievement.id), Self.monthRebuild),
                    .init(after: .activated(dataset: Self.byRuleset.id), Self.monthRebuild),
                    .init(after: .activated(dataset: ListSizes.map.id), [Self.icbUpdate]),
                    .init(after: .activated(dataset: Ods.members.id), [Self.pcnUpdate]),
                    .init(after: .activated(dataset: Self.indicators.id), [Self.rulesetUpdate]),
                ]),
        ]
    }

    // MARK: reading

    typealias C = CSVLayout.Column

    /// One month per file; an edition may carry an earlier month's re-issue (`NCDesSeptember24_v2`
    /// on the October page), never a later one.
    static let achievementLayout: CSVLayout = {
        var layout = CSVLayout(
            org: C("PRACTICE_CODE"), period: .column(C("ACH_DATE"), formats: [.slashed, .iso]),
            dimensions: [C("IND_CODE"), C("MEASURE")], measures: [C("VALUE")],
            attributes: [C("PRACTICE_NAME"), C("QUALITY_SERVICE"), C("ACH_DATE")])
        layout.periodsInFile = .oneRestated
        return layout
    }()

    /// A by-ruleset entry: the ruleset is the name's part after the month
    /// (`NCDesSeptember24_SMRs & Medicines Optimisation.csv`), constant for the file.
    static func byRulesetLayout(_ ruleset: String) -> CSVLayout {
        var layout = CSVLayout(
            org: C("IND_CODE"), key: .code, period: .column(C("ACH_DATE"), formats: [.slashed, .iso]),
            dimensions: [C("PRACTICE_CODE"), C("MEASURE")], measures: [C("VALUE"), C("PRACTICE_NAME")],
            attributes: [C("RULESET", absent: ruleset), C("QUALITY_SERVICE"), C("ACH_DATE")])
        layout.periodsInFile = .oneRestated
        return layout
    }

    /// The ruleset an entry name gives (`NCDes<Month><yy>_<Ruleset>.csv`), nil for the single
    /// file (`NCDesSeptember24.csv`, or a re-issue `NCDesSeptember24_v2.csv`).
    static func ruleset(fromName name: String) -> String? {
        let stem = baseName(name).hasSuffix(".csv") || baseName(name).hasSuffix(".CSV") ? String(baseName(name).dropLast(4)) : baseName(name)
        guard stem.lowercased().hasPrefix("ncdes"), let underscore = stem.firstIndex(of: "_") else { return nil }
        let rest = String(stem[stem.index(after: underscore)...])
        let lower = rest.lowercased()
        if rest.isEmpty || lower == "by_ruleset" || lower.hasPrefix("v") && lower.dropFirst().allSatisfy(\.isNumber) { return nil }
        return rest
    }

    /// The metadata names INDICATOR_ID twice (columns 5 and 10, same values); the second is
    /// renamed so the header can be read by name, and left unread.
    static let repeatedIndicator = "INDICATOR_ID (repeated)"

    static let indicatorsLayout = CSVLayout(
        org: C("INDICATOR_ID"), key: .code, period: .external,
        dimensions: [C("MEASURE")], measures: [C("MEASURE_TYPE"), C("MEASURE_DESCRIPTION")],
        attributes: [C("Ruleset"), C("INDICATOR_DESCRIPTION"), C("INDICATOR_TYPE"), C("QUALITY_SERVICE"), C("SERVICE_YEAR")],
        ignored: [C("AID", required: false), C("Service", required: false), C(repeatedIndicator, required: false),
                  C("Care domain (CQRS short domain name)", required: false), C("DPO_FLG", required: false), C("DPO", required: false),
                  C("DPO_DESCRIPTION", required: false), C("DPO_BREAKDOWN", required: false), C("CQRS short code", required: false)])

    static func renameRepeatedIndicator(_ header: [String]) -> [String] {
        var seen = false
        return header.map { name in
            guard CSVLayout.normalize(name) == "INDICATOR_ID" else { return name }
            defer { seen = true }
            return seen ? repeatedIndicator : name
        }
    }

    static func isMetadata(_ fileName: String) -> Bool {
        let name = baseName(fileName).lowercased()
        return name.hasPrefix("ncd") && name.contains("metadata")
    }

    /// A ruleset's CSV may hold the header only (a ruleset none of whose indicators has rows
    /// that month); the single monthly file may not.
    public func mayBeEmpty(entryName: String) -> Bool {
        Self.ruleset(fromName: entryName) != nil
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        if Self.isMetadata(fileName) || header.contains("INDICATOR_ID") && header.contains("RULESET") {
            guard let year = Qof.period(fromName: fileName) else {
                throw TransformError(.unsupported, file: fileName,
                                     "NCD metadata file whose name gives no service year (expected e.g. NCD_metadata_2024-25.csv)")
            }
            return FileReading(spec: Self.indicators, layout: Self.indicatorsLayout, period: year, headerFix: Self.renameRepeatedIndicator)
        }
        guard header.contains("PRACTICE_CODE") && header.contains("IND_CODE") || Self.baseName(fileName).lowercased().hasPrefix("ncdes") else {
            throw TransformError(.unsupported, file: fileName,
                                 "not a Network Contract DES file this loader knows (expected NCDes<Month><yy>.csv or the NCD metadata)")
        }
        if let ruleset = Self.ruleset(fromName: fileName) {
            return FileReading(spec: Self.byRuleset, layout: Self.byRulesetLayout(ruleset))
        }
        return FileReading(spec: Self.achievement, layout: Self.achievementLayout)
    }
}
