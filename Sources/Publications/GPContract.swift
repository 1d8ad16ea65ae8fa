import Foundation
import Transform

/// GP Contract Services (NHS England, "[MI] GP Contract Services – England, yyyy-yy"): one page
/// per financial year, files added as each service's quarter or season ends (nhs-formats-2.md §1).
///
/// Every service file is the CQRS long shape, one row per practice × ACH_DATE × IND_CODE ×
/// MEASURE: `QUALITY_SERVICE,PRACTICE_CODE,PRACTICE_NAME,ACH_DATE,IND_CODE,MEASURE,MEASURE_TYPE,VALUE`
/// (the vaccination files may lack MEASURE_TYPE, as NCDes does). Traps handled:
/// - ACH_DATE is `30/04/2023` in Q1 2023-24 and ISO in other quarters: both are read, any other
///   style is refused naming file, line and column.
/// - VALUE is `*` when suppressed: NULL with the token kept in `value_raw`.
/// - Practice names hold commas (`"LODGE,HIGHFIELD & REDBOURN"`): a real CSV parser reads them.
/// - The year's zip is cumulative and re-issued under new hash paths, its name's spaces turned
///   to underscores: the rows carry their month, so each month is its own revision scope and a
///   restated quarter whose rows did not change writes nothing.
/// - Corrected files are re-issued as `… .csv v2`: the name still belongs to its family, and its
///   months become a new revision of the same scopes (added/changed/removed counted). An archive
///   holding both versions is read at its newest only, and so is a page linking both side by
///   side (the log says which supersedes which).
/// - The 24 Oct 2025 v1 held "duplicate data for one practice and one sub ICB": a file with a
///   key twice is refused naming both lines, and its v2 loads as usual.
///
/// Each service is its own dataset (one revision scope per service and ACH_DATE), so the Core
/// file and a vaccination file for the same month never replace each other's rows; all share
/// one table behind `api.gp_contract_values`. The period is the ACH_DATE itself (a snapshot
/// period), so the API's `date` is the date as published. The files carry no geography: the
/// practice directory behind `api.gp_contract_practices` takes PCN, sub-ICB, ICB and region from
/// ODS (else the list-sizes practice map), as `api.practices` has them.
public struct GPContract: SourceDeclaration {
    public let id = "gp-contract"
    public let title = "GP Contract Services"
    public let listing = EditionListing.digitalNHSSeries(
        url: "https://digital.nhs.uk/data-and-information/publications/statistical/gp-contract-services",
        editionSlugs: ["{yyyy}-{yy}", "england-{yyyy}-{yy}"])
    public let periodKind = ReportingPeriod.Kind.financialYear
    /// Core GP Contract is quarterly: a year's page appears with its first quarter's files
    /// (Q1 2025-26 in July) and later quarters are added to the same page, which the daily
    /// recheck of the newest edition picks up. A re-issue on an older year's page once a newer
    /// page exists needs `backfill` (refresh reads the newest edition only).
    public let cadence = Cadence(every: "quarter", expectedAfterDays: 90, publishedWithinDays: 130)
    public let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]

    public init() {}

    /// A service published on the page: its dataset id suffix and the file-name prefixes
    /// (compared case-insensitively, `_` read as a space) its CSVs start with.
    struct Service {
        let slug: String
        let title: String
        let prefixes: [String]
    }

    /// The services the 2025-26 page lists (nhs-formats-2.md §1). Files of a service not listed
    /// here match no family and are left alone (the dry run names them), never misread.
    static let services: [Service] = [
        .init(slug: "core", title: "Core GP Contract", prefixes: ["Core GP Contract"]),
        .init(slug: "childhood-influenza", title: "Childhood seasonal influenza", prefixes: ["Childhood seasonal influenza", "Childhood influenza"]),
        .init(slug: "seasonal-influenza", title: "Seasonal influenza", prefixes: ["Seasonal influenza"]),
        .init(slug: "mmr", title: "Measles, mumps, rubella (MMR)", prefixes: ["MMR", "Measles"]),
        .init(slug: "pcv-hib-menc", title: "PCV Hib/MenC", prefixes: ["PCV Hib MenC", "PCV"]),
        .init(slug: "pneumococcal", title: "Pneumococcal polysaccharide", prefixes: ["Pneumococcal polysaccharide", "Pneumococcal"]),
        .init(slug: "rsv", title: "Respiratory syncytial virus (RSV), 75 and over and in pregnancy", prefixes: ["RSV", "Respiratory syncytial virus"]),
        .init(slug: "6-in-1", title: "6-in-1", prefixes: ["6-in-1", "6 in 1"]),
        .init(slug: "hepb", title: "Hepatitis B (newborn babies)", prefixes: ["HepB", "Hepatitis B"]),
        .init(slug: "hpv", title: "Human papillomavirus (HPV)", prefixes: ["HPV", "Human papillomavirus"]),
        .init(slug: "menacwy", title: "Meningococcal ACWY (MenACWY)", prefixes: ["MenACWY", "Meningococcal ACWY"]),
        .init(slug: "menb", title: "Meningococcal B (MenB) infants", prefixes: ["MenB", "Meningococcal B"]),
        .init(slug: "pertussis", title: "Pertussis (pregnant women)", prefixes: ["Pertussis"]),
        .init(slug: "rotavirus", title: "Rotavirus", prefixes: ["Rotavirus"]),
    ]

    /// Globs for a name prefix: the CSV, its `… .csv v2` re-issue, and the underscored spelling.
    static func globs(_ prefix: String, extensions: [String] = [".csv", ".csv v*"]) -> [String] {
        let spellings = Set([prefix, prefix.replacingOccurrences(of: " ", with: "_")]).sorted()
        return spellings.flatMap { name in extensions.map { name + "*" + $0 } }
    }

    public var files: [FileFamily] {
        [
            FileFamily("Core GP Contract year zip (cumulative)", match: Self.globs("Core GP Contract", extensions: [".zip"]),
                       datasets: [Self.values[0].id]),
        ] + Self.services.enumerated().map { index, service in
            FileFamily("\(service.title) CSV", match: service.prefixes.flatMap { Self.globs($0) }, datasets: [Self.values[index].id])
        } + [
            FileFamily("CGPCMI01 Unpaid Carers CSV", match: Self.globs(Self.carersPrefix), datasets: [Self.carers.id]),
        ]
    }

    /// One dataset per service, one table for all.
    static let values: [DatasetSpec] = services.map { service in
        DatasetSpec(
            id: "gp-contract-\(service.slug)", source: "gp-contract", title: "\(service.title): values per practice, ACH_DATE, indicator and measure",
            table: "gp_contract_values", periodKind: .snapshot,
            dimensions: [.init("indicator"), .init("measure")],
            measures: [.init("value", .integer), .init("measure_type")],
            attributes: [.init("quality_service"), .init("practice_name")],
            suppressionTokens: ["*"])
    }

    /// `CGPCMI01 Unpaid Carers Qn yyyy-yy.csv` (from 2025-26): patients recorded as unpaid
    /// carers by sex, by age band and by ethnic group, on practice rows and sub-ICB rows. No
    /// published header was found (nhs-formats-2.md, open item 1): the spellings below are the
    /// modelled ones plus the CQRS/ODS names such a file would use; anything else is refused
    /// naming the columns, so the real header is noticed on its first load.
    static let carersPrefix = "CGPCMI01 Unpaid Carers"

    static let carers = DatasetSpec(
        id: "gp-contract-carers", source: "gp-contract",
        title: "CGPCMI01 Unpaid Carers: patients recorded as unpaid carers by sex, age band and ethnicity, per practice and sub-ICB",
        table: "gp_contract_carers", periodKind: .snapshot,
        dimensions: [.init("sex"), .init("age"), .init("ethnicity")],
        measures: [.init("value", .integer)],
        attributes: [.init("org_type"), .init("org_name"), .init("sub_icb"), .init("sub_icb_name"), .init("indicator"), .init("quality_service")],
        suppressionTokens: ["*"])

    public var datasets: [DatasetSpec] { Self.values + [Self.carers] }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "gp_contract_values",
                comment: "GP Contract Services values per practice, ACH_DATE, indicator and measure (Core GP Contract Qn yyyy-yy.csv "
                    + "and the vaccination programme files on the same page), the current edition of each date (a quarter restated by "
                    + "a later zip or a v2 re-issue is the later one)",
                rows: .current(datasets: Self.values.map(\.id)),
                columns: [
                    APIColumn("date", .period, "ACH_DATE as published (ISO): the last day of the month (or season) the value is for"),
                    APIColumn("practice", .org, "Practice ODS code (PRACTICE_CODE)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published (PRACTICE_NAME)"),
                    APIColumn("quality_service", .field("quality_service"), "The service as published (QUALITY_SERVICE: Core GP Contract 2023-24, …)"),
                    APIColumn("indicator", .field("indicator"), "Indicator code as published (IND_CODE: CCDCMI37, CGPCMI01, …)"),
                    APIColumn("measure", .field("measure"), "What the value counts, as published (MEASURE: Numerator, Denominator, COUNT, PCA Count (Rule 3: …))"),
                    APIColumn("measure_type", .field("measure_type"),
                              "MEASURE_TYPE as published (Numerator, Denominator, COUNT, PCA); NULL in files without that column"),
                    APIColumn("value", .field("value"), "Number of patients (or events) counted; NULL when suppressed (value_raw holds the token)"),
                    APIColumn("value_raw", .field("value_raw"), "The suppression token (*) when value is NULL because of one; NULL otherwise"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from"),
                ],
                filters: ["date", "practice", "indicator", "quality_service", "measure"],
                key: ["date", "practice", "quality_service", "indicator", "measure"]),
            APIObject(
                "gp_contract_carers",
                comment: "Patients recorded as unpaid carers (indicator CGPCMI01) per practice and per sub-ICB location, by sex, by age band "
                    + "and by ethnic group, each breakdown on its own rows with the others All (GP Contract Services, "
                    + "CGPCMI01 Unpaid Carers Qn yyyy-yy.csv), the current edition of each date",
                rows: .current(datasets: [Self.carers.id]),
                columns: [
                    APIColumn("date", .period, "ACH_DATE as published (ISO): the last day of the month the count is for"),
                    APIColumn("org_type", .field("org_type"), "Practice or Sub ICB, as published: which level the row counts"),
                    APIColumn("org", .org, "The practice's ODS code on practice rows, the sub-ICB location's code on sub-ICB rows"),
                    APIColumn("org_name", .field("org_name"), "The practice's or sub-ICB location's name as published"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published (the practice's, or the row's own)"),
                    APIColumn("sub_icb_name", .field("sub_icb_name"), "Sub-ICB location name as published"),
                    APIColumn("quality_service", .field("quality_service"), "The service as published (QUALITY_SERVICE: Core GP Contract 2025-26)"),
                    APIColumn("indicator", .field("indicator"), "Indicator code as published (IND_CODE: CGPCMI01)"),
                    APIColumn("sex", .field("sex"), "Sex as published (Female, Male; All on the age and ethnicity rows)"),
                    APIColumn("age", .field("age"), "Age band as published (0-17, 18-64, 65+; All on the sex and ethnicity rows)"),
                    APIColumn("ethnicity", .field("ethnicity"), "Ethnic group as published (White, Asian, …; All on the sex and age rows)"),
                    APIColumn("value", .field("value"), "Patients recorded as unpaid carers; NULL when suppressed (value_raw holds the token)"),
                    APIColumn("value_raw", .field("value_raw"), "The suppression token (*) when value is NULL because of one; NULL otherwise"),
                    APIColumn("revision", .revision, "The revision whose file this count was read from"),
                ],
                filters: ["date", "sub_icb", "indicator", "quality_service", "sex", "age", "ethnicity"],
                key: ["date", "org", "sex", "age", "ethnicity"]),
            APIObject(
                "gp_contract_indicators",
                comment: "GP Contract Services indicators per service year, from the values published (no indicator metadata file is "
                    + "published): the measures each indicator has, the dates it covers and how many practices the newest date has",
                rows: .derived(table: "gp_contract_indicator_list"),
                columns: [
                    APIColumn("snapshot", .field("snapshot"), "The newest ACH_DATE with values for the indicator (the state this row describes)"),
                    APIColumn("indicator", .field("indicator"), "Indicator code as published (IND_CODE)"),
                    APIColumn("quality_service", .field("quality_service"),
                              "The service as published (QUALITY_SERVICE: Core GP Contract 2023-24, …); empty when a file left it blank"),
                    APIColumn("measures", .field("measures"), "The indicator's MEASURE texts at the newest date, sorted and joined by '; ' (PCA rule codes included)"),
                    APIColumn("first_date", .field("first_date"), "The first ACH_DATE with values for the indicator"),
                    APIColumn("dates", .field("dates"), "How many ACH_DATEs have values for the indicator"),
                    APIColumn("practices", .field("practices"), "Practices with a value for the indicator at the newest date"),
                    APIColumn("revision", .field("revision"), "The newest revision the row was computed from"),
                ],
                filters: ["indicator", "quality_service"],
                key: ["quality_service", "indicator"],
                search: .init(code: "indicator", name: "measures",
                              comment: "Indicators whose code is q or whose measures contain q (a rule code such as FRAILASSDEC_DAT), case-insensitive")),
            APIObject(
                "gp_contract_practices",
                comment: "Every practice GP Contract Services publishes values for, with its newest published name and the PCN, sub-ICB, "
                    + "ICB and region the practice directory (ODS, else the list-sizes practice map) gives: the files carry no geography",
                rows: .query("""
                    SELECT p.practice, p.practice_name, d.pcn, d.pcn_name, d.sub_icb, d.icb, d.region, d.origin, p.first_date, p.snapshot, p.revision
                    FROM data.gp_contract_practice_list p
                    LEFT JOIN data.practice_directory d ON d.ods_code = p.practice
                    """),
                columns: [
                    APIColumn("practice", .field("practice"), "Practice ODS code (PRACTICE_CODE)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published at its newest date (PRACTICE_NAME)"),
                    APIColumn("pcn", .field("pcn"), "Current PCN code from the practice directory (ODS); NULL when the practice has none or is not in it"),
                    APIColumn("pcn_name", .field("pcn_name"), "Current PCN name from the practice directory"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code from the practice directory; NULL when the practice is not in it"),
                    APIColumn("icb", .field("icb"), "ICB code from the practice directory; NULL when the practice is not in it"),
                    APIColumn("region", .field("region"), "NHS England region code from the practice directory; NULL when the practice is not in it"),
                    APIColumn("geography_origin", .field("origin"), "Where the geography comes from: ods or practice-map; NULL when the practice is in neither"),
                    APIColumn("first_date", .field("first_date"), "The first ACH_DATE GP Contract Services has values for the practice"),
                    APIColumn("snapshot", .field("snapshot"), "The newest ACH_DATE GP Contract Services has values for the practice"),
                    APIColumn("revision", .field("revision"), "The revision of the newest GP Contract Services file the practice is in"),
                ],
                filters: ["practice", "pcn", "sub_icb", "icb", "region"],
                key: ["practice"],
                search: .init(code: "practice", name: "practice_name",
                              comment: "Practices whose ODS code is q or whose published name contains q (case-insensitive)")),
        ]
    }

    /// The indicators seen on one date (all services), recomputed when a service's date
    /// changes: the indicator list is then rebuilt from these few rows, not from the values.
    static let indicatorDatesRefresh = [
        "DELETE FROM data.gp_contract_indicator_dates WHERE date = $1::date",
        // From one segment per distinct key list (`dims_hash`), not from every value: the
        // practices of a date mostly publish the same indicators and measures in the same
        // order, so a national date (6,300 segments, 195,300 values) unnests a handful of
        // segments (550 ms with DISTINCT aggregates over every value, 20 ms this way). A
        // practice is counted once per segment holding the indicator: the service files each
        // carry their own QUALITY_SERVICE, so a practice has one segment per service and date.
        """
        INSERT INTO data.gp_contract_indicator_dates (date, quality_service, indicator, measures, practices, revision)
        WITH groups AS (
            SELECT coalesce(v.quality_service, '') AS qs, v.dims_hash, count(*) AS segments, max(v.revision_id) AS revision
            FROM data.gp_contract_values v
            WHERE v.valid_to IS NULL AND v.period = $1::date
            GROUP BY 1, 2
        ), keys AS (
            SELECT g.qs, g.dims_hash, g.segments, g.revision, u.indicator, u.measure
            FROM groups g
            CROSS JOIN LATERAL (
                SELECT s.indicator, s.measure FROM data.gp_contract_values s
                WHERE s.valid_to IS NULL AND s.period = $1::date AND s.dims_hash = g.dims_hash AND coalesce(s.quality_service, '') = g.qs
                LIMIT 1
            ) s
            CROSS JOIN LATERAL unnest(s.indicator, s.measure) AS u(indicator, measure)
        )
        SELECT $1::date, p.qs, p.indicator, m.measures, p.practices, p.revision
        FROM (
            SELECT qs, indicator, sum(segments)::int AS practices, max(revision) AS revision
            FROM (SELECT DISTINCT qs, dims_hash, segments, revision, indicator FROM keys) d
            GROUP BY qs, indicator
        ) p
        JOIN (
            SELECT qs, indicator, string_agg(DISTINCT measure, '; ' ORDER BY measure) AS measures FROM keys GROUP BY qs, indicator
        ) m ON m.qs = p.qs AND m.indicator = p.indicator
        """,
    ]

    /// The indicator list from every date's indicators: once per load, after the dates.
    static let indicatorListRebuild = [
        "DELETE FROM data.gp_contract_indicator_list",
        """
        INSERT INTO data.gp_contract_indicator_list (quality_service, indicator, snapshot, measures, first_date, dates, practices, revision)
        SELECT DISTINCT ON (quality_service, indicator) quality_service, indicator, date, measures,
               min(date) OVER w, count(*) OVER w, practices, max(revision) OVER w
        FROM data.gp_contract_indicator_dates
        WINDOW w AS (PARTITION BY quality_service, indicator)
        ORDER BY quality_service, indicator, date DESC
        """,
    ]

    /// Every practice with current values, its newest name, first and newest dates.
    static let practiceListRebuild = [
        "DELETE FROM data.gp_contract_practice_list",
        """
        INSERT INTO data.gp_contract_practice_list (practice, practice_name, first_date, snapshot, revision)
        SELECT DISTINCT ON (v.org) v.org, v.practice_name, min(v.period) OVER (PARTITION BY v.org), v.period, v.revision_id
        FROM data.gp_contract_values v
        WHERE v.valid_to IS NULL
        ORDER BY v.org, v.period DESC, v.revision_id DESC
        """,
    ]

    public var derivedTables: [DerivedTable] {
        let refreshes = Self.values.flatMap {
            [DerivedTable.Refresh(after: .activated(dataset: $0.id), Self.indicatorDatesRefresh),
             DerivedTable.Refresh(after: .activated(dataset: $0.id), Self.indicatorListRebuild + Self.practiceListRebuild, timing: .oncePerLoad)]
        }
        return [
            DerivedTable(
                "gp_contract_indicator_dates",
                comment: "GP Contract Services indicators seen per ACH_DATE and service, with their measures (behind api.gp_contract_indicators)",
                definition: """
                    CREATE TABLE data.gp_contract_indicator_dates (
                        date date NOT NULL, quality_service text NOT NULL, indicator text NOT NULL, measures text NOT NULL,
                        practices integer NOT NULL, revision bigint NOT NULL,
                        PRIMARY KEY (date, quality_service, indicator)
                    );
                    """,
                refreshes: refreshes),
            DerivedTable(
                "gp_contract_indicator_list",
                comment: "GP Contract Services indicators per service, from the values published (behind api.gp_contract_indicators)",
                definition: """
                    CREATE TABLE data.gp_contract_indicator_list (
                        quality_service text NOT NULL, indicator text NOT NULL, snapshot date NOT NULL, measures text NOT NULL,
                        first_date date NOT NULL, dates integer NOT NULL, practices integer NOT NULL, revision bigint NOT NULL,
                        PRIMARY KEY (quality_service, indicator)
                    );
                    CREATE INDEX gp_contract_indicator_list_indicator ON data.gp_contract_indicator_list (indicator);
                    CREATE INDEX gp_contract_indicator_list_measures ON data.gp_contract_indicator_list USING gin (measures ext.gin_trgm_ops);
                    """,
                refreshes: []),
            DerivedTable(
                "gp_contract_practice_list",
                comment: "Practices GP Contract Services publishes values for (behind api.gp_contract_practices)",
                definition: """
                    CREATE TABLE data.gp_contract_practice_list (
                        practice text PRIMARY KEY, practice_name text, first_date date NOT NULL, snapshot date NOT NULL, revision bigint NOT NULL
                    );
                    CREATE INDEX gp_contract_practice_list_name ON data.gp_contract_practice_list USING gin (practice_name ext.gin_trgm_ops);
                    """,
                refreshes: []),
        ]
    }

    typealias C = CSVLayout.Column

    /// Every service file: columns by name; ACH_DATE in either style the publisher has used.
    /// A quarterly file holds its three month-ends (a cumulative zip, the year to date): several
    /// periods per file by design.
    static let layout: CSVLayout = {
        var layout = CSVLayout(
            org: C("PRACTICE_CODE", "ORG_CODE"), period: .column(C("ACH_DATE"), formats: [.slashed, .iso]),
            dimensions: [C("IND_CODE"), C("MEASURE")],
            measures: [C("VALUE"), C("MEASURE_TYPE", required: false)],
            attributes: [C("QUALITY_SERVICE"), C("PRACTICE_NAME")])
        layout.periodsInFile = .several
        return layout
    }()

    /// The carers file: practice and sub-ICB rows, one row per breakdown cell.
    static let carersLayout: CSVLayout = {
        var layout = CSVLayout(
            org: C("ORG_CODE", "PRACTICE_CODE"), period: .column(C("ACH_DATE"), formats: [.slashed, .iso]),
            dimensions: [C("SEX", "GENDER"), C("AGE_BAND", "AGE", "AGE_GROUP"), C("ETHNICITY", "ETHNIC_GROUP", "ETHNIC_CATEGORY")],
            measures: [C("VALUE")],
            attributes: [C("ORG_TYPE", "ORG_LEVEL"), C("ORG_NAME", "PRACTICE_NAME"),
                         C("SUB_ICB_CODE", "SUB_ICB_LOCATION_CODE", "SUB_ICB_ODS_CODE"), C("SUB_ICB_NAME", "SUB_ICB_LOCATION_NAME"),
                         C("IND_CODE"), C("QUALITY_SERVICE")])
        layout.periodsInFile = .several
        return layout
    }()

    static func isCarers(_ entryName: String) -> Bool {
        Self.baseName(entryName).replacingOccurrences(of: "_", with: " ").lowercased().hasPrefix(Self.carersPrefix.lowercased())
    }

    // MARK: file names

    /// The name without a re-issue suffix, and the re-issue number (1 for the original):
    /// `Core GP Contract Q1 2025-26.csv v2` → (`Core GP Contract Q1 2025-26.csv`, 2);
    /// `… Q1 2025-26 v2.csv` and `…_v2.csv` likewise.
    static func version(of entryName: String) -> (name: String, version: Int) {
        let base = Self.baseName(entryName)
        let lower = base.lowercased()
        // `.csv v2` (the suffix after the extension, as the 2025-26 page names re-issues).
        if let range = lower.range(of: ".csv v", options: .backwards),
           let number = Int(lower[range.upperBound...]), number > 0 {
            return (String(base[..<range.lowerBound]) + ".csv", number)
        }
        // ` v2.csv`, `_v2.csv`, `-v2.csv`.
        if lower.hasSuffix(".csv") {
            let stem = lower.dropLast(4)
            if let v = stem.lastIndex(where: { $0 == "v" }), v > stem.startIndex,
               let number = Int(stem[stem.index(after: v)...]), number > 0,
               [" ", "_", "-"].contains(stem[stem.index(before: v)]) {
                let cut = base.index(base.startIndex, offsetBy: stem.distance(from: stem.startIndex, to: stem.index(before: v)))
                return (String(base[..<cut]) + ".csv", number)
            }
        }
        return (base, 1)
    }

    /// A CSV, possibly re-issued (`.csv v2`), that is not a macOS resource fork.
    static func isServiceCSV(_ entryName: String) -> Bool {
        let name = entryName.lowercased()
        return !name.hasPrefix("__macosx/") && !name.contains("/._") && Self.version(of: entryName).name.lowercased().hasSuffix(".csv")
    }

    /// The service a file belongs to, from its name's prefix.
    static func service(of entryName: String) -> Int? {
        let name = Self.baseName(entryName).replacingOccurrences(of: "_", with: " ").lowercased()
        return Self.services.firstIndex { service in service.prefixes.contains { name.hasPrefix($0.lowercased()) } }
    }

    public func wants(entryName: String) -> Bool {
        Self.isServiceCSV(entryName) && (Self.service(of: entryName) != nil || Self.isCarers(entryName))
    }

    /// Of an original and its re-issues in one archive, the newest only: both hold the same
    /// practices and months, and the re-issue is the correction.
    public func select(entries: [String]) -> [String] {
        let wanted = entries.filter(wants)
        var newest: [String: (entry: String, version: Int)] = [:]
        for entry in wanted {
            let (name, version) = Self.version(of: entry)
            let key = name.lowercased()
            if let seen = newest[key], seen.version >= version { continue }
            newest[key] = (entry, version)
        }
        let kept = Set(newest.values.map(\.entry))
        return wanted.filter(kept.contains)
    }

    /// A page linking an original and its re-issue side by side: the newest only, as in an
    /// archive (both hold the same practices and months; the re-issue is the correction).
    public func select(editionFiles names: [String]) -> [String] {
        var newest: [String: Int] = [:]
        for name in names where Self.isServiceCSV(name) {
            let (original, version) = Self.version(of: name)
            newest[original.lowercased()] = max(newest[original.lowercased()] ?? 0, version)
        }
        return names.filter { name in
            guard Self.isServiceCSV(name) else { return true }
            let (original, version) = Self.version(of: name)
            return newest[original.lowercased()] == version
        }
    }

    public func leftOutNote(editionFile name: String, chosen: [String]) -> String? {
        let (original, version) = Self.version(of: name)
        guard let newer = chosen.first(where: { Self.version(of: $0).name.lowercased() == original.lowercased() }) else { return nil }
        return "\(newer) (v\(Self.version(of: newer).version)) supersedes \(name) (v\(version)), linked beside it; v\(version) is left out"
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        if Self.isCarers(fileName) { return FileReading(spec: Self.carers, layout: Self.carersLayout) }
        guard let index = Self.service(of: fileName) else {
            throw TransformError(.unsupported, file: fileName,
                                 "not a GP Contract Services file this loader knows (expected Core GP Contract, a vaccination programme or CGPCMI01 Unpaid Carers)")
        }
        return FileReading(spec: Self.values[index], layout: Self.layout)
    }
}
