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
/// inside a segment with start and end dates (and a practice may have moved PCN since). So
/// api.pcn_des serves the current segments joined to small tables the loader keeps (rebuilt per
/// month when the month changes, updated in place when the memberships, the practice map or the
/// indicator metadata change): per practice and month, the PCN of the ODS membership in force on
/// the achievement date (`pcn_status` says why it is NULL) and the ICB from the practice map of
/// the month or the newest before it (HierarchyFill's rule, in SQL because the by-ruleset rows
/// are not keyed by practice); per indicator and month, the ruleset from the month's by-ruleset
/// zip, else the metadata. A copy of every value (1.9 M rows a national month) cost 14 s of a
/// 21 s load.
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
                rows: .query(Self.servedView),
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

    // MARK: what api.pcn_des adds to the segments

    /// The ISO achievement date from the published ACH_DATE (`30/09/2024`, or ISO), over `column`.
    /// The loader parsed the same column for the period, so it is one of the two. Immutable
    /// functions only (not `to_date` or a cast): the segment tables index it for the date filter.
    static func achievementDate(_ column: String) -> String {
        "CASE WHEN \(column) LIKE '__/__/____' THEN make_date(substr(\(column), 7, 4)::int, substr(\(column), 4, 2)::int, substr(\(column), 1, 2)::int) "
            + "ELSE make_date(substr(\(column), 1, 4)::int, substr(\(column), 6, 2)::int, substr(\(column), 9, 2)::int) END"
    }

    /// The index behind the date filter on a segment table's current segments.
    static func dateIndex(_ table: String) -> String {
        "CREATE INDEX IF NOT EXISTS \(table)_achievement_date ON data.\(table) ((\(achievementDate("ach_date")))) WHERE valid_to IS NULL"
    }

    /// The first day of the financial year containing `date` (SQL).
    static func financialYear(_ date: String) -> String {
        "make_date(extract(year FROM \(date))::int - (extract(month FROM \(date))::int < 4)::int, 4, 1)"
    }

    /// True (SQL) when the month of `period` (a column) has current rows of the single file:
    /// then the month is served from it, else from its by-ruleset zip.
    static func hasSingleFile(_ period: String) -> String {
        "EXISTS (SELECT 1 FROM data.pcn_des s1 WHERE s1.valid_to IS NULL AND s1.period = \(period))"
    }

    /// The practices the API serves in the months whose period satisfies `months` (SQL after
    /// the column, `= $1::date` or `IN (…)`), one row each: `dataset, practice, period,
    /// achievement_date`. The single file holds one segment per practice (nothing unnested);
    /// a by-ruleset month lists its practices inside every indicator's segment.
    static func servedPractices(_ months: String) -> String {
        """
        SELECT 'pcn-des' AS dataset, s.org AS practice, s.period, \(achievementDate("s.ach_date")) AS achievement_date
        FROM data.pcn_des s
        WHERE s.valid_to IS NULL AND s.period \(months)
        UNION ALL
        (SELECT DISTINCT ON (b.period, u.practice) 'pcn-des-by-ruleset', u.practice, b.period, \(achievementDate("b.ach_date"))
         FROM data.pcn_des_by_ruleset b
         CROSS JOIN LATERAL unnest(b.practice) AS u(practice)
         WHERE b.valid_to IS NULL AND b.period \(months) AND NOT \(hasSingleFile("b.period"))
         ORDER BY b.period, u.practice, b.ach_date)
        """
    }

    /// For each row of `practices` (SQL: `dataset, practice, period, achievement_date`), what
    /// api.pcn_des says of the practice that month. The PCN is the ODS membership in force on the
    /// achievement date: from the newest snapshot that has one (snapshots keep ended
    /// memberships), the latest started; the status says why there is none. The ICB is the
    /// newest practice map's on or before the month (as `HierarchyFill(match: .latestOnOrBefore)`
    /// does for other sources). Per-row lookups, no joins: linear in practices whatever the
    /// planner thinks of tables written in this transaction.
    static func practiceFacts(_ practices: String) -> String {
        """
        SELECT g.period, g.practice, g.achievement_date, g.dataset, x.pcn, x.pcn_name,
               CASE WHEN x.pcn IS NOT NULL THEN 'member'
                    WHEN EXISTS (SELECT 1 FROM data.ods_pcn_members m WHERE m.valid_to IS NULL AND m.org = g.practice) THEN 'no membership at date'
                    WHEN EXISTS (SELECT 1 FROM data.ods_pcn_members m WHERE m.valid_to IS NULL) THEN 'not in ODS memberships'
                    ELSE 'ODS not loaded' END AS pcn_status,
               (SELECT h.icb FROM data.practice_map h WHERE h.valid_to IS NULL AND h.org = g.practice AND h.period <= g.period
                ORDER BY h.period DESC LIMIT 1) AS icb
        FROM (\(practices)) g
        LEFT JOIN LATERAL (
            SELECT u.pcn, u.pcn_name
            FROM data.ods_pcn_members m
            CROSS JOIN LATERAL unnest(m.pcn, m.pcn_name, m.start_date, m.end_date) AS u(pcn, pcn_name, start_date, end_date)
            WHERE m.valid_to IS NULL AND m.org = g.practice AND u.start_date <= g.achievement_date
              AND (u.end_date IS NULL OR u.end_date >= g.achievement_date)
            ORDER BY m.period DESC, u.start_date DESC, u.pcn
            LIMIT 1
        ) x ON true
        """
    }

    /// For each `(dataset, period, indicator)` of `indicators` (SQL), the ruleset: the one the
    /// month's by-ruleset zip filed it under, else the metadata of the month's service year,
    /// else the nearest earlier year's, else the nearest later one's.
    static func indicatorFacts(_ indicators: String) -> String {
        """
        SELECT p.period, p.indicator, p.dataset, coalesce(
            (SELECT r.ruleset FROM data.pcn_des_month_rulesets r WHERE r.period = p.period AND r.indicator = p.indicator),
            (SELECT i.ruleset FROM data.pcn_des_indicators i
             WHERE i.valid_to IS NULL AND i.org = p.indicator
             ORDER BY i.period > \(financialYear("p.period")), abs(i.period - \(financialYear("p.period"))), i.period
             LIMIT 1)
        ) AS ruleset
        FROM (\(indicators)) p
        """
    }

    /// Rebuilds the two small tables for the months whose period satisfies `months` (SQL after
    /// the column). The practice months go last: the upgrade's `months` are those the practice
    /// months lack. A national month: 6,300 practice months and 66 indicator months, in place of
    /// 1.9 M copied values and their 7 indexes.
    static func rebuild(months: String) -> [String] {
        [
            "DELETE FROM data.pcn_des_indicator_months WHERE period \(months)",
            // Segments with the same dimensions hash have the same indicator array (most
            // practices publish the same indicators and measures in the same order): one of each
            // is unnested, not the month's 1.9 M rows.
            """
            INSERT INTO data.pcn_des_indicator_months (period, indicator, dataset, ruleset)
            \(indicatorFacts("""
                SELECT DISTINCT 'pcn-des' AS dataset, d.period, u.indicator
                FROM (SELECT DISTINCT ON (s.period, s.dims_hash) s.period, s.indicator FROM data.pcn_des s
                      WHERE s.valid_to IS NULL AND s.period \(months) ORDER BY s.period, s.dims_hash) d
                CROSS JOIN LATERAL unnest(d.indicator) AS u(indicator)
                UNION ALL
                SELECT DISTINCT 'pcn-des-by-ruleset', b.period, b.org FROM data.pcn_des_by_ruleset b
                WHERE b.valid_to IS NULL AND b.period \(months) AND NOT \(hasSingleFile("b.period"))
                """))
            """,
            "DELETE FROM data.pcn_des_practice_months WHERE period \(months)",
            """
            INSERT INTO data.pcn_des_practice_months (period, practice, achievement_date, dataset, pcn, pcn_name, pcn_status, icb)
            \(practiceFacts(servedPractices(months)))
            """,
            // Readers plan their joins on these tables right after the commit.
            "ANALYZE data.pcn_des_indicator_months, data.pcn_des_practice_months",
        ]
    }

    /// The month `$1` after a new edition of it (or a rollback) in either dataset.
    static let monthRebuild = rebuild(months: "= $1::date")

    /// The indicator-to-ruleset assignment of month `$1` as its by-ruleset zip files it.
    static let monthRulesetsRebuild: [String] = [
        "DELETE FROM data.pcn_des_month_rulesets WHERE period = $1::date",
        """
        INSERT INTO data.pcn_des_month_rulesets (period, indicator, ruleset)
        SELECT b.period, b.org, b.ruleset FROM data.pcn_des_by_ruleset b
        WHERE b.valid_to IS NULL AND b.period = $1::date AND b.ruleset IS NOT NULL
        """,
    ]

    /// The practice months whose period satisfies `months` again (SQL after the column: the
    /// memberships or a practice map changed), written only where they differ.
    static func practiceUpdate(months: String) -> String {
        """
        UPDATE data.pcn_des_practice_months v SET pcn = n.pcn, pcn_name = n.pcn_name, pcn_status = n.pcn_status, icb = n.icb
        FROM (\(practiceFacts("SELECT dataset, practice, period, achievement_date FROM data.pcn_des_practice_months WHERE period \(months)"))) n
        WHERE v.practice = n.practice AND v.period = n.period
          AND (v.pcn, v.pcn_name, v.pcn_status, v.icb) IS DISTINCT FROM (n.pcn, n.pcn_name, n.pcn_status, n.icb)
        """
    }

    /// Every month's rulesets again (metadata changed), written only where they differ.
    static let rulesetUpdate = """
        UPDATE data.pcn_des_indicator_months v SET ruleset = q.ruleset
        FROM (\(indicatorFacts("SELECT dataset, period, indicator FROM data.pcn_des_indicator_months"))) q
        WHERE v.period = q.period AND v.indicator = q.indicator AND v.ruleset IS DISTINCT FROM q.ruleset
        """

    /// api.pcn_des: the current rows of each month's served file, joined to the two small
    /// tables by their keys, so that each filter starts at its own index and reaches the other
    /// side by key: practice at the single file's segments (`org`) or the practice months, date at
    /// the segments (an index on the parsed ACH_DATE), PCN and ICB at the practice months, then
    /// the practices' segments by `(org, period)`; indicator and ruleset at the indicator months,
    /// then the month's segments (`(period, org)`), or the by-ruleset segment of the indicator.
    /// The `dataset` of the small tables keeps a month to the file that serves it.
    ///
    /// No index of `(indicator, month, practice)` postings: it would send an indicator filter to
    /// the segments of the practices that have the indicator, and every practice has every
    /// indicator in a month's file (416,000 postings a national month, built for nothing).
    static let servedView = """
        SELECT 'pcn-des' AS dataset, s.period, \(achievementDate("s.ach_date")) AS achievement_date, s.org AS practice, s.practice_name,
               p.pcn, p.pcn_name, p.pcn_status, p.icb, q.ruleset, u.indicator, u.measure, u.value, u.value_raw, s.quality_service,
               s.revision_id AS revision, u.line
        FROM data.pcn_des s
        JOIN data.pcn_des_practice_months p ON p.practice = s.org AND p.period = s.period AND p.dataset = 'pcn-des'
        CROSS JOIN LATERAL (SELECT unnest(s.indicator) AS indicator, unnest(s.measure) AS measure, unnest(s.value) AS value,
                                   unnest(s.value_raw) AS value_raw, unnest(s.line) AS line) u
        JOIN data.pcn_des_indicator_months q ON q.indicator = u.indicator AND q.period = s.period AND q.dataset = 'pcn-des'
        WHERE s.valid_to IS NULL
        UNION ALL
        SELECT 'pcn-des-by-ruleset', b.period, \(achievementDate("b.ach_date")), u.practice, u.practice_name,
               p.pcn, p.pcn_name, p.pcn_status, p.icb, q.ruleset, b.org, u.measure, u.value, u.value_raw, b.quality_service,
               b.revision_id, u.line
        FROM data.pcn_des_by_ruleset b
        JOIN data.pcn_des_indicator_months q ON q.indicator = b.org AND q.period = b.period AND q.dataset = 'pcn-des-by-ruleset'
        CROSS JOIN LATERAL (SELECT unnest(b.practice) AS practice, unnest(b.practice_name) AS practice_name, unnest(b.measure) AS measure,
                                   unnest(b.value) AS value, unnest(b.value_raw) AS value_raw, unnest(b.line) AS line) u
        JOIN data.pcn_des_practice_months p ON p.practice = u.practice AND p.period = b.period AND p.dataset = 'pcn-des-by-ruleset'
        WHERE b.valid_to IS NULL
        """

    /// Months with current rows that the practice months lack (a warehouse upgraded from the
    /// per-value table, which the small tables replace).
    static let missingMonths = """
        IN (SELECT period FROM data.pcn_des WHERE valid_to IS NULL
            UNION SELECT period FROM data.pcn_des_by_ruleset WHERE valid_to IS NULL
            EXCEPT SELECT period FROM data.pcn_des_practice_months)
        """

    /// The date filter's indexes on the segment tables (one entry per segment). Until this
    /// version api.pcn_des read `data.pcn_des_values`, a copy of every value (1.9 M rows a
    /// national month, 14 s of its 21 s load): dropped (with the view over it, which the `api`
    /// rebuild right after replaces), and the small tables filled for the months it held.
    public var upgrades: [String] {
        [Self.dateIndex(Self.achievement.table), Self.dateIndex(Self.byRuleset.table), "DROP TABLE IF EXISTS data.pcn_des_values CASCADE"]
            + Self.rebuild(months: Self.missingMonths)
    }

    public var derivedTables: [DerivedTable] {
        [
            // Declared first: its refresh runs before the month is rebuilt from it.
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
                "pcn_des_indicator_months",
                comment: "Each month's indicators as api.pcn_des serves them: the file serving the month and the indicator's ruleset",
                definition: """
                    CREATE TABLE data.pcn_des_indicator_months (
                        indicator text NOT NULL, period date NOT NULL, dataset text NOT NULL, ruleset text,
                        PRIMARY KEY (indicator, period)
                    );
                    CREATE INDEX pcn_des_indicator_months_ruleset ON data.pcn_des_indicator_months (ruleset, period) WHERE ruleset IS NOT NULL;
                    """,
                refreshes: [
                    // One statement list for both small tables (run once per activation).
                    .init(after: .activated(dataset: Self.achievement.id), Self.monthRebuild),
                    .init(after: .activated(dataset: Self.byRuleset.id), Self.monthRebuild),
                    .init(after: .activated(dataset: Self.indicators.id), [Self.rulesetUpdate]),
                ]),
            DerivedTable(
                "pcn_des_practice_months",
                comment: "Each month's practices as api.pcn_des serves them: achievement date, the file serving the month, "
                    + "the PCN on that date (ODS memberships) and why it is NULL, and the ICB (practice map)",
                definition: """
                    CREATE TABLE data.pcn_des_practice_months (
                        practice text NOT NULL, period date NOT NULL, achievement_date date NOT NULL, dataset text NOT NULL,
                        pcn text, pcn_name text, pcn_status text NOT NULL, icb text,
                        PRIMARY KEY (practice, period)
                    );
                    CREATE INDEX pcn_des_practice_months_pcn ON data.pcn_des_practice_months (pcn, period) WHERE pcn IS NOT NULL;
                    CREATE INDEX pcn_des_practice_months_icb ON data.pcn_des_practice_months (icb, period) WHERE icb IS NOT NULL;
                    """,
                refreshes: [
                    .init(after: .activated(dataset: ListSizes.map.id), [Self.practiceUpdate(months: ">= $1::date")]),
                    .init(after: .activated(dataset: Ods.members.id), [Self.practiceUpdate(months: "IS NOT NULL")]),
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
