import Transform

/// Patients Registered at a GP Practice (NHS England, monthly): practice totals, five-year
/// bands, single years of age by sex, and the practice → PCN → sub-ICB → ICB → region map.
/// Each file family of a month is its own dataset and revision scope.
///
/// Header editions accepted (nhs-formats.md §1d, §2): `CCG_*` (to mid-2022) and
/// `SUB_ICB_LOCATION_*`; `STP_*` and `ICB_*` in the map; the count column as
/// `NUMBER_OF_PATIENTS`, `Number of Patients` or `Number of patients`; EXTRACT_DATE as
/// `01JAN2021`, `2025-10-01`, `01Jan2022` or `01-Sep-20`. Multi-level files keep practice rows only.
public struct ListSizes: SourceDeclaration {
    public let id = "list-sizes"
    public let title = "Patients Registered at a GP Practice"
    public let listing = EditionListing.digitalNHSSeries(
        url: "https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice",
        editionSlugs: ["{month}-{yyyy}", "{mon}-{yyyy}"])
    public let periodKind = ReportingPeriod.Kind.month
    public let cadence = Cadence(every: "month", expectedAfterDays: 7, publishedWithinDays: 21)
    public let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
    public let files = [
        FileFamily("practice totals", match: ["gp-reg-pat-prac-all*.csv", "gp-reg-pat-prac-all*.zip"], datasets: ["list-sizes-all"]),
        FileFamily("five-year age bands", match: ["gp-reg-pat-prac-quin-age*.csv", "gp-reg-pat-prac-quin-age*.zip"], datasets: ["list-sizes-quin-age"]),
        FileFamily("single year of age, female", match: ["gp-reg-pat-prac-sing-age-female*.csv", "gp-reg-pat-prac-sing-age-female*.zip"],
                   datasets: ["list-sizes-sya-female"]),
        FileFamily("single year of age, male", match: ["gp-reg-pat-prac-sing-age-male*.csv", "gp-reg-pat-prac-sing-age-male*.zip"],
                   datasets: ["list-sizes-sya-male"]),
        FileFamily("practice map", match: ["gp-reg-pat-prac-map*.csv", "gp-reg-pat-prac-map*.zip"], datasets: ["practice-map"]),
    ]

    public init() {}

    static let extractDateFormats: [NHSDate.Format] = [.dayMonthNameYear, .iso, .dayMonthNameShortYear, .dayMonthNameLongYear]

    /// `statedTotal`: the practice totals file adds up to the page's key fact (63,919,527 for
    /// October 2025, checked on the real file); the age breakdowns hold ALL rows beside their bands.
    static func counts(_ id: String, _ title: String, statedTotal: QualityGate.StatedTotal? = nil) -> DatasetSpec {
        DatasetSpec(
            id: id, source: "list-sizes", title: title, table: "list_sizes", periodKind: .month,
            dimensions: [.init("sex"), .init("age")], measures: [.init("patients", .count)],
            attributes: [.init("sub_icb"), .init("ons_code"), .init("postcode"), .init("org_type")],
            hierarchy: HierarchyFill(from: "practice-map", columns: ["pcn", "icb", "region"], match: .latestOnOrBefore),
            // England's list size moves by well under 1 % a month and practices close a few at a
            // time: a file with a twentieth fewer organisations or a tenth fewer patients is broken.
            gate: QualityGate(maxOrganisationDrop: 0.05, maxTotalChange: 0.10, statedTotal: statedTotal))
    }

    public static let all = counts("list-sizes-all", "Practice totals (gp-reg-pat-prac-all)",
                                   statedTotal: .init(measure: "patients", caption: "patients registered at gp practices in england"))
    public static let quinary = counts("list-sizes-quin-age", "Five-year age bands (gp-reg-pat-prac-quin-age)")
    public static let singleAgeFemale = counts("list-sizes-sya-female", "Single year of age, female (gp-reg-pat-prac-sing-age-female)")
    public static let singleAgeMale = counts("list-sizes-sya-male", "Single year of age, male (gp-reg-pat-prac-sing-age-male)")
    public static let map = DatasetSpec(
        id: "practice-map", source: "list-sizes", title: "Practice to PCN, sub-ICB, ICB and region map (gp-reg-pat-prac-map)",
        table: "practice_map", periodKind: .month, dimensions: [],
        measures: ["practice_name", "practice_postcode", "pcn", "pcn_name", "sub_icb", "ons_sub_icb", "sub_icb_name",
                   "icb", "ons_icb", "icb_name", "region", "ons_region", "region_name", "supplier"].map { .init($0) })

    public var datasets: [DatasetSpec] { [Self.all, Self.quinary, Self.singleAgeFemale, Self.singleAgeMale, Self.map] }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "list_sizes",
                comment: "Registered patients per practice and month, by sex and age (Patients Registered at a GP Practice: "
                    + "gp-reg-pat-prac-all, -quin-age, -sing-age-female, -sing-age-male), the current edition of each month",
                rows: .current(datasets: [Self.all.id, Self.quinary.id, Self.singleAgeFemale.id, Self.singleAgeMale.id]),
                columns: [
                    APIColumn("month", .period, "The month the counts are for (first day; EXTRACT_DATE)"),
                    APIColumn("org_type", .field("org_type"), "Organisation level as published: GP, PCN, SUB_ICB, ICB, COMM_REGION or NATIONAL"),
                    APIColumn("org", .org, "The organisation's code (a practice's ODS code for GP rows)"),
                    APIColumn("sex", .field("sex"), "MALE, FEMALE or ALL, as published"),
                    APIColumn("age", .field("age"), "Age as published: a single year (0–94, 95+), a five-year band, or ALL"),
                    APIColumn("patients", .field("patients"), "Registered patients (persons); NULL when suppressed"),
                    APIColumn("pcn", .field("pcn"), "The practice's PCN code, from the practice map of the month (or the newest before it)"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published in the file"),
                    APIColumn("icb", .field("icb"), "ICB code, from the practice map"),
                    APIColumn("region", .field("region"), "NHS England commissioning region code, from the practice map"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from (etl.revision_log)"),
                    APIColumn("dataset", .dataset, "Which file family: list-sizes-all, -quin-age, -sya-female or -sya-male"),
                    APIColumn("postcode", .field("postcode"), "The practice's postcode as published"),
                    APIColumn("patients_raw", .field("patients_raw"), "The suppression token when patients is NULL because of one"),
                    APIColumn("line", .line, "The line of the file the value was read from"),
                ],
                filters: ["month", "org_type", "org", "pcn", "sub_icb", "icb", "region"],
                key: ["dataset", "month", "org", "sex", "age"]),
            APIObject(
                "practice_population",
                comment: "Registered patients per practice and financial year: the mean of the year's monthly list sizes "
                    + "(Patients Registered at a GP Practice, gp-reg-pat-prac-all) with how many months it covers, beside the "
                    + "registered and weighted patients NHS Payments to General Practice published for the year",
                rows: .derived(table: "practice_population"),
                columns: [
                    APIColumn("year", .periodLabel, "The financial year as the API names it (2023/24)"),
                    APIColumn("period", .field("period"), "The first day of the financial year (1 April)"),
                    APIColumn("practice", .field("practice"), "Practice ODS code"),
                    APIColumn("registered", .field("registered"), "Mean registered patients over the year's loaded months; NULL when no month is loaded"),
                    APIColumn("months", .field("months"), "How many monthly list sizes the mean covers (0–12)"),
                    APIColumn("payments_registered", .field("payments_registered"),
                              "Number of Registered Patients (Last Known Figure) in NHS Payments for the year; NULL when not published or not loaded"),
                    APIColumn("payments_weighted", .field("payments_weighted"),
                              "Number of Weighted Patients (Last Known Figure) in NHS Payments for the year; NULL when not published or not loaded"),
                    APIColumn("revision", .field("revision"), "The newest revision the row was computed from (a list-size month or the payments year)"),
                ],
                filters: ["practice", "year"],
                key: ["practice", "year"]),
        ]
    }

    /// The financial year (its 1 April) containing a date, as SQL over `date`.
    static func financialYear(_ date: String) -> String {
        "make_date(extract(year FROM \(date))::int - (extract(month FROM \(date))::int < 4)::int, 4, 1)"
    }

    /// Rebuilds `practice_population` for the financial years `years` (SQL yielding `start` dates).
    static func populationRefresh(years: String) -> [String] {
        [
            "DELETE FROM data.practice_population WHERE period IN (\(years))",
            """
            WITH years AS (\(years)), lists AS (
                SELECT \(financialYear("s.period")) AS period, s.org, avg(u.patients) AS registered, count(*) AS months,
                       max(s.revision_id) AS revision
                FROM data.list_sizes s
                CROSS JOIN LATERAL unnest(s.sex, s.age, s.patients) AS u(sex, age, patients)
                WHERE s.valid_to IS NULL AND s.dataset = 'list-sizes-all' AND u.sex = 'ALL' AND u.age = 'ALL'
                  AND s.period >= (SELECT min(start) FROM years) AND s.period < (SELECT max(start) FROM years) + interval '1 year'
                  AND \(financialYear("s.period")) IN (SELECT start FROM years)
                  -- The months' scopes of this dataset, checked on the index entries: the table's
                  -- three other datasets (single-year ages: 97 rows a segment) are never visited.
                  AND s.scope_id = ANY (ARRAY(SELECT c.scope_id FROM etl.scopes c WHERE c.dataset = 'list-sizes-all'
                                              AND \(financialYear("c.period")) IN (SELECT start FROM years)))
                GROUP BY 1, s.org
            ), payments AS (
                SELECT p.period, p.org,
                       max(u.value) FILTER (WHERE u.measure = 'Number of Registered Patients (Last Known Figure)') AS registered,
                       max(u.value) FILTER (WHERE u.measure = 'Number of Weighted Patients (Last Known Figure)') AS weighted,
                       max(p.revision_id) AS revision
                FROM data.nhs_payments p
                CROSS JOIN LATERAL unnest(p.measure, p.value) AS u(measure, value)
                WHERE p.valid_to IS NULL AND p.period IN (SELECT start FROM years)
                GROUP BY p.period, p.org
            )
            INSERT INTO data.practice_population (period, practice, registered, months, payments_registered, payments_weighted, revision)
            SELECT coalesce(l.period, p.period), coalesce(l.org, p.org), round(l.registered, 1), coalesce(l.months, 0),
                   p.registered, p.weighted, greatest(l.revision, p.revision)
            FROM lists l FULL JOIN payments p ON p.period = l.period AND p.org = l.org
            """,
        ]
    }

    /// Practice populations per financial year (behind api.practice_population), recomputed
    /// for the year of a list-size month or a payments year when either changes.
    public var derivedTables: [DerivedTable] {
        let oneYear = "SELECT \(Self.financialYear("$1::date")) AS start"
        return [
            DerivedTable(
                "practice_population",
                comment: "Registered patients per practice and financial year, from the monthly list sizes and NHS Payments",
                definition: """
                    CREATE TABLE data.practice_population (
                        period date NOT NULL, practice text NOT NULL, registered numeric, months integer NOT NULL,
                        payments_registered numeric, payments_weighted numeric, revision bigint NOT NULL,
                        PRIMARY KEY (practice, period)
                    );
                    CREATE INDEX practice_population_year ON data.practice_population (data.period_label(period, 'financial_year'));
                    """,
                refreshes: [
                    .init(after: .activated(dataset: Self.all.id), Self.populationRefresh(years: oneYear)),
                    .init(after: .activated(dataset: "nhs-payments-practices"), Self.populationRefresh(years: oneYear)),
                ]),
        ]
    }

    /// v0.2.0 kept practice rows only (every one GP) and had no practice populations.
    public var upgrades: [String] {
        ["UPDATE data.list_sizes SET org_type = 'GP' WHERE org_type IS NULL"]
            + Self.populationRefresh(years: """
                SELECT DISTINCT \(Self.financialYear("period")) AS start FROM data.list_sizes WHERE valid_to IS NULL AND dataset = 'list-sizes-all'
                UNION SELECT DISTINCT period FROM data.nhs_payments WHERE valid_to IS NULL
                """)
    }

    typealias C = CSVLayout.Column
    static let patients = C("NUMBER_OF_PATIENTS", "Number of Patients", "Number of patients")
    static let extractDate = CSVLayout.PeriodRule.column(C("EXTRACT_DATE"), formats: extractDateFormats)
    static let subICB = C("SUB_ICB_LOCATION_CODE", "CCG_CODE")
    static let onsSubICB = C("ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE")

    /// The organisation level as published, in one vocabulary (nhs-formats.md §2c: the multi-level
    /// quin-age file has GP, PCN, SUB_ICB_LOCATION_CODE, ICB and Comm Region rows). A level not
    /// listed is refused, so a new one is noticed rather than stored under a wrong name.
    static let orgTypes: [String: String] = [
        "GP": "GP", "PCN": "PCN", "SUB_ICB_LOCATION_CODE": "SUB_ICB", "SUB_ICB_LOCATION": "SUB_ICB", "SUB_ICB": "SUB_ICB",
        "CCG": "SUB_ICB", "ICB": "ICB", "Comm Region": "COMM_REGION", "COMM_REGION": "COMM_REGION", "REGION": "COMM_REGION",
        "NATIONAL": "NATIONAL", "National": "NATIONAL", "ENGLAND": "NATIONAL",
    ]
    static let orgType = C("ORG_TYPE", "TYPE", absent: "GP")

    static let allLayout = CSVLayout(
        org: C("CODE"), period: extractDate, dimensions: [C("SEX"), C("AGE")], measures: [patients],
        attributes: [subICB, onsSubICB, C("POSTCODE"), orgType], attributeMaps: [nil, nil, nil, orgTypes], ignored: [C("PUBLICATION")])

    static let quinaryLayout = CSVLayout(
        org: C("ORG_CODE"), period: extractDate, dimensions: [C("SEX"), C("AGE_GROUP_5")], measures: [patients],
        attributes: [C("SUB_ICB_LOCATION_CODE", "CCG_CODE", required: false), C("ONS_CODE", "ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE"), C("POSTCODE"), orgType],
        attributeMaps: [nil, nil, nil, orgTypes], ignored: [C("PUBLICATION")])

    static let singleAgeLayout = CSVLayout(
        org: C("ORG_CODE"), period: extractDate, dimensions: [C("SEX"), C("AGE")], measures: [patients],
        attributes: [C("SUB_ICB_LOCATION_CODE", "CCG_CODE", required: false), C("ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE", "ONS_CODE", required: false), C("POSTCODE"), orgType],
        attributeMaps: [nil, nil, nil, orgTypes], ignored: [C("PUBLICATION")])

    static let mapLayout = CSVLayout(
        org: C("PRACTICE_CODE"), period: extractDate,
        measures: [
            C("PRACTICE_NAME"), C("PRACTICE_POSTCODE"), C("PCN_CODE"), C("PCN_NAME"),
            C("SUB_ICB_LOCATION_CODE", "CCG_CODE"), C("ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE"), C("SUB_ICB_LOCATION_NAME", "CCG_NAME"),
            // The STP was the ICB's predecessor (2016–2022); its codes fill the ICB columns for CCG-era maps.
            C("ICB_CODE", "STP_CODE"), C("ONS_ICB_CODE", "ONS_STP_CODE"), C("ICB_NAME", "STP_NAME"),
            C("COMM_REGION_CODE"), C("ONS_COMM_REGION_CODE"), C("COMM_REGION_NAME"), C("SUPPLIER_NAME", required: false),
        ],
        ignored: [C("PUBLICATION")])

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let name = fileName.lowercased()
        let header = Set(firstRecord.map(CSVLayout.normalize))
        if name.contains("quin-age") || (header.contains("AGE_GROUP_5") && !name.contains("sing-age")) {
            return FileReading(spec: Self.quinary, layout: Self.quinaryLayout)
        }
        if name.contains("sing-age-female") { return FileReading(spec: Self.singleAgeFemale, layout: Self.singleAgeLayout) }
        if name.contains("sing-age-male") { return FileReading(spec: Self.singleAgeMale, layout: Self.singleAgeLayout) }
        if name.contains("prac-map") || header.contains("PRACTICE_CODE") && header.contains("PCN_CODE") {
            return FileReading(spec: Self.map, layout: Self.mapLayout)
        }
        if name.contains("prac-all") || header.contains("CODE") && header.contains("TYPE") {
            return FileReading(spec: Self.all, layout: Self.allLayout)
        }
        throw TransformError(
            .unsupported, file: fileName,
            "not a Patients Registered file this loader knows (expected gp-reg-pat-prac-all, -quin-age, -sing-age-female, -sing-age-male or -map)")
    }
}
