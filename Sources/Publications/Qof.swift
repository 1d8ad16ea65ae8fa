import Foundation
import Transform

/// Quality and Outcomes Framework (NHS England, annual, April–March): the raw-data zip.
///
/// Zip and file names are irregular (`QOF2324.zip`, `QOF 2022-23 Raw data .csv files.zip`,
/// `QOF_2122_V2.zip` holding `PREVALENCE_2122_V2.csv`, 2017-18's unsuffixed `PREVALENCE.csv`), so
/// files are recognised by their name's prefix and the year comes from the `yyzz` token in the
/// name (`2324` = 2023-24), else from the edition page. Since 2022-23 achievement is split into
/// seven regional files (`ACHIEVEMENT_LONDON_2324.csv`, …) beside a national copy made only for
/// the website contractor: the regional files are read, the national one left alone
/// (nhs-formats.md §4). Practice validation outcomes have no published layout and are not read.
///
/// Editions before 2019-20 named their files otherwise, and each known family is read by name:
/// 2015-16 to 2018-19 `ACHIEVEMENT_EXCEPTIONS.csv` (or `ACHIEVEMENT…`), `PREVALENCE….csv` with
/// `INDICATOR_GROUP_CODE`, the indicator list as `INDICATOR_MAPPINGS….csv`, and
/// `ORGANISATION_REFERENCE….csv` carrying the practice's CCG, STP and region (read as the year's
/// organisation mapping; its REVISED_MAXIMUM_POINTS is then not stored); 2013-14 and 2014-15
/// `PREVALENCE_BY_PRAC_v2.csv` / `prevalencebyprac.csv` (one register per group, over the whole
/// list) and `PRAC_CONTROL.csv` (CCG, area team, region; the area team stands where the STP and
/// ICB later do). Files of those years whose rows need another file to mean anything (the
/// wide `INDICATORS_BY_PRAC.csv`, register sizes, exception counts, the three indicator
/// reference files) are known and left out, logged; a CSV of any other family is refused by
/// name, never guessed.
public struct Qof: SourceDeclaration {
    public let id = "qof"
    public let title = "Quality and Outcomes Framework"
    public let listing = EditionListing.digitalNHSSeries(
        url: "https://digital.nhs.uk/data-and-information/publications/statistical/quality-and-outcomes-framework-achievement-prevalence-and-exceptions-data",
        editionSlugs: ["{yyyy}-{yy}", "england-{yyyy}-{yy}"])
    public let periodKind = ReportingPeriod.Kind.financialYear
    public let cadence = Cadence(every: "year", expectedAfterDays: 540, publishedWithinDays: 620)
    public let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
    public let files = [
        FileFamily("raw data zip", match: ["QOF*.zip", "qof*csv*.zip", "*Raw data*.zip"],
                   datasets: ["qof-achievement", "qof-prevalence", "qof-indicators", "qof-organisations", "qof-org-reference"]),
    ]

    public init() {}

    public static let achievement = DatasetSpec(
        id: "qof-achievement", source: "qof", title: "Achievement per practice, indicator and measure (ACHIEVEMENT_*)",
        table: "qof_achievement", periodKind: .financialYear,
        dimensions: [.init("indicator"), .init("measure")], measures: [.init("value", .decimal)],
        hierarchy: HierarchyFill(from: "qof-organisations", columns: ["pcn", "sub_icb", "icb", "region"], match: .samePeriod))

    public static let prevalence = DatasetSpec(
        id: "qof-prevalence", source: "qof", title: "Disease registers and list sizes per practice (PREVALENCE_*)",
        table: "qof_prevalence", periodKind: .financialYear,
        dimensions: [.init("group_code"), .init("patient_list_type")],
        measures: [.init("register", .count), .init("list_size", .count)],
        hierarchy: HierarchyFill(from: "qof-organisations", columns: ["pcn", "sub_icb", "icb", "region"], match: .samePeriod))

    public static let indicators = DatasetSpec(
        id: "qof-indicators", source: "qof", title: "Indicators, their groups, domains and points (MAPPING_INDICATORS_*)",
        table: "qof_indicators", periodKind: .financialYear, dimensions: [],
        measures: [.init("point_value", .decimal), .init("group_code"), .init("group_description"), .init("domain_code"),
                   .init("domain_description"), .init("patient_list_type"), .init("patient_add_list_type")])

    public static let organisations = DatasetSpec(
        id: "qof-organisations", source: "qof", title: "Practice to PCN, sub-ICB, ICB and region for the year (MAPPING_NHS_GEOGRAPHIES_*)",
        table: "qof_organisations", periodKind: .financialYear, dimensions: [],
        measures: ["practice_name", "pcn", "pcn_name", "sub_icb", "ons_sub_icb", "sub_icb_name", "icb", "ons_icb", "icb_name",
                   "region", "ons_region", "region_name"].map { .init($0) })

    public static let orgReference = DatasetSpec(
        id: "qof-org-reference", source: "qof", title: "Revised maximum points per practice (ORGANISATION_REFERENCE_*)",
        table: "qof_org_reference", periodKind: .financialYear, dimensions: [], measures: [.init("revised_max_points", .decimal)])

    public var datasets: [DatasetSpec] { [Self.achievement, Self.prevalence, Self.indicators, Self.organisations, Self.orgReference] }

    /// `2023/24`, as the API names a financial year.
    static let year = APIColumn("year", .periodLabel, "The financial year as the API names it (2023/24)")
    static let period = APIColumn("period", .period, "The first day of the financial year (1 April)")

    public var apiObjects: [APIObject] {
        let hierarchy = [
            APIColumn("pcn", .field("pcn"), "PCN code from the year's QOF organisation mapping"),
            APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB code from the year's QOF organisation mapping"),
            APIColumn("icb", .field("icb"), "ICB code from the year's QOF organisation mapping"),
            APIColumn("region", .field("region"), "Region code from the year's QOF organisation mapping"),
        ]
        return [
            APIObject(
                "qof_years",
                comment: "QOF years the warehouse serves, with how many QOF datasets each has and when the newest was published",
                rows: .query("""
                    SELECT to_char(s.period, 'YYYY') || '/' || to_char(s.period + interval '1 year', 'YY') AS year,
                           to_char(s.period, 'YYYY') || '-' || to_char(s.period + interval '1 year', 'YY') AS financial_year,
                           s.period, count(*) AS datasets, max(r.published) AS published, max(s.current_revision) AS revision
                    FROM etl.scopes s JOIN etl.revisions r ON r.revision_id = s.current_revision
                    WHERE s.source = 'qof'
                    GROUP BY s.period
                    """),
                columns: [
                    APIColumn("year", .field("year"), "The financial year as the API names it (2023/24)"),
                    APIColumn("financial_year", .field("financial_year"), "The financial year as QOF writes it (2023-24)"),
                    APIColumn("period", .field("period"), "The first day of the financial year"),
                    APIColumn("datasets", .field("datasets"), "How many QOF datasets the year has"),
                    APIColumn("published", .field("published"), "The publication date of the year's newest current edition"),
                    APIColumn("revision", .field("revision"), "The newest current revision among the year's datasets"),
                ],
                key: ["year"]),
            APIObject(
                "qof_indicators",
                comment: "QOF indicators of each year: group, domain and points (QOF raw data, MAPPING_INDICATORS_*); "
                    + "active when the indicator is in the newest loaded year's mapping",
                rows: .derived(table: "qof_indicator_list"),
                columns: [
                    APIColumn("year", .periodLabel, "The financial year as the API names it (2023/24)"),
                    APIColumn("period", .field("period"), "The first day of the financial year (1 April)"),
                    APIColumn("indicator", .field("indicator"), "Indicator code (HYP008, …)"),
                    APIColumn("domain", .field("domain"), "Domain code (CL clinical, PH public health, …)"),
                    APIColumn("domain_description", .field("domain_description"), "Domain description"),
                    APIColumn("group_code", .field("group_code"), "Indicator group (register) code"),
                    APIColumn("group_description", .field("group_description"), "Indicator group description"),
                    APIColumn("point_value", .field("point_value"), "Points available for the indicator"),
                    APIColumn("patient_list_type", .field("patient_list_type"), "Patient list type the indicator counts"),
                    APIColumn("active", .field("active"), "True when the indicator is in the newest loaded QOF year's mapping"),
                    APIColumn("revision", .field("revision"), "The revision whose file this row was read from"),
                ],
                filters: ["year", "domain", "indicator", "active"],
                key: ["year", "indicator"]),
            APIObject(
                "qof_prevalence",
                comment: "Disease registers and list sizes per practice and year (QOF raw data, PREVALENCE_*)",
                rows: .current(datasets: [Self.prevalence.id]),
                columns: [
                    Self.year, Self.period,
                    APIColumn("practice", .org, "Practice ODS code"),
                    APIColumn("indicator", .field("group_code"), "Register (indicator group) code: HYP, DM, …"),
                    APIColumn("patient_list_type", .field("patient_list_type"), "Which list the register is measured against (TOTAL, 18OV, …)"),
                    APIColumn("register", .field("register"), "Patients on the register"),
                    APIColumn("list_size", .field("list_size"), "Patients on the practice list of that type"),
                    APIColumn("prevalence", .expression("round(100.0 * u.register / nullif(u.list_size, 0), 4)", type: "numeric"),
                              "Register as a percentage of the list; NULL when the list is empty"),
                ] + hierarchy + [
                    APIColumn("revision", .revision, "The revision whose file this row was read from"),
                ],
                filters: ["year", "practice", "indicator", "pcn", "sub_icb", "icb", "region"],
                key: ["year", "practice", "indicator", "patient_list_type"]),
            APIObject(
                "qof_prevalence_national",
                comment: "QOF registers and list sizes for England per year and register: the practices' rows summed",
                rows: .derived(table: "qof_prevalence_national"),
                columns: [
                    APIColumn("year", .periodLabel, "The financial year as the API names it (2023/24)"),
                    APIColumn("period", .field("period"), "The first day of the financial year"),
                    APIColumn("indicator", .field("group_code"), "Register (indicator group) code"),
                    APIColumn("patient_list_type", .field("patient_list_type"), "Which list the register is measured against"),
                    APIColumn("register", .field("register"), "Patients on the register, England"),
                    APIColumn("list_size", .field("list_size"), "Patients on the lists, England"),
                    APIColumn("prevalence", .expression("round(100.0 * s.register / nullif(s.list_size, 0), 4)", type: "numeric"),
                              "Register as a percentage of the list"),
                    APIColumn("practices", .field("practices"), "Practices summed"),
                    APIColumn("revision", .field("revision"), "The revision of the year's prevalence file"),
                ],
                filters: ["year", "indicator"],
                key: ["year", "indicator", "patient_list_type"]),
            APIObject(
                "qof_achievement",
                comment: "QOF achievement per practice, indicator and measure (QOF raw data, ACHIEVEMENT_*: regional files, "
                    + "else the national one)",
                rows: .current(datasets: [Self.achievement.id]),
                columns: [
                    Self.year, Self.period,
                    APIColumn("practice", .org, "Practice ODS code"),
                    APIColumn("indicator", .field("indicator"), "Indicator code (HYP008, …)"),
                    APIColumn("measure", .field("measure"), "What the value measures (ACHIEVED_POINTS, NUMERATOR, …), as published"),
                    APIColumn("value", .field("value"), "The value as published"),
                ] + hierarchy + [
                    APIColumn("revision", .revision, "The revision whose file this value was read from"),
                ],
                filters: ["year", "practice", "indicator", "pcn", "sub_icb", "icb", "region"],
                key: ["year", "practice", "indicator", "measure"]),
        ]
    }

    static let nationalRefresh = """
        INSERT INTO data.qof_prevalence_national (period, group_code, patient_list_type, register, list_size, practices, revision)
        SELECT q.period, u.group_code, u.patient_list_type, sum(u.register), sum(u.list_size), count(DISTINCT q.org), max(q.revision_id)
        FROM data.qof_prevalence q
        CROSS JOIN LATERAL unnest(q.group_code, q.patient_list_type, q.register, q.list_size) AS u(group_code, patient_list_type, register, list_size)
        WHERE q.valid_to IS NULL AND %PERIOD%
        GROUP BY q.period, u.group_code, u.patient_list_type
        """

    /// The indicator list behind api.qof_indicators: every year's mapping, `active` marking the
    /// newest year's indicators (so a new year changes the others' flag).
    static let indicatorListRebuild = [
        "DELETE FROM data.qof_indicator_list",
        """
        INSERT INTO data.qof_indicator_list (period, indicator, domain, domain_description, group_code, group_description, point_value,
                                             patient_list_type, active, revision)
        SELECT i.period, i.org, i.domain_code, i.domain_description, i.group_code, i.group_description, i.point_value, i.patient_list_type,
               i.period = max(i.period) OVER (), i.revision_id
        FROM data.qof_indicators i WHERE i.valid_to IS NULL
        """,
    ]

    public var derivedTables: [DerivedTable] {
        [
            DerivedTable(
                "qof_prevalence_national",
                comment: "QOF prevalence for England: the practices' registers and lists summed per year and register",
                definition: """
                    CREATE TABLE data.qof_prevalence_national (
                        period date NOT NULL, group_code text NOT NULL, patient_list_type text NOT NULL,
                        register bigint, list_size bigint, practices integer NOT NULL,
                        PRIMARY KEY (period, group_code, patient_list_type)
                    );
                    """,
                refreshes: [
                    .init(after: .activated(dataset: Self.prevalence.id), [
                        "DELETE FROM data.qof_prevalence_national WHERE period = $1::date",
                        Self.nationalRefresh.replacingOccurrences(of: "%PERIOD%", with: "q.period = $1::date"),
                    ]),
                ]),
            DerivedTable(
                "qof_indicator_list",
                comment: "QOF indicators of every loaded year, active when in the newest year's mapping (behind api.qof_indicators)",
                definition: """
                    CREATE TABLE data.qof_indicator_list (
                        period date NOT NULL, indicator text NOT NULL, domain text, domain_description text, group_code text,
                        group_description text, point_value numeric, patient_list_type text, active boolean NOT NULL, revision bigint NOT NULL,
                        PRIMARY KEY (indicator, period)
                    );
                    CREATE INDEX qof_indicator_list_year ON data.qof_indicator_list (data.period_label(period, 'financial_year'));
                    CREATE INDEX qof_indicator_list_domain ON data.qof_indicator_list (domain);
                    CREATE INDEX qof_indicator_list_active ON data.qof_indicator_list (active);
                    """,
                refreshes: [.init(after: .activated(dataset: Self.indicators.id), Self.indicatorListRebuild)]),
        ]
    }

    /// v0.2.0's national prevalence had no revision and no index for its API filters.
    public var upgrades: [String] {
        [
            "ALTER TABLE data.qof_prevalence_national ADD COLUMN IF NOT EXISTS revision bigint",
            "CREATE INDEX IF NOT EXISTS qof_prevalence_national_year ON data.qof_prevalence_national (data.period_label(period, 'financial_year'))",
            "CREATE INDEX IF NOT EXISTS qof_prevalence_national_group ON data.qof_prevalence_national (group_code)",
            "DELETE FROM data.qof_prevalence_national",
            Self.nationalRefresh.replacingOccurrences(of: "%PERIOD%", with: "true"),
        ] + Self.indicatorListRebuild
    }

    typealias C = CSVLayout.Column

    static let achievementLayout = CSVLayout(
        org: C("PRACTICE_CODE"), period: .external, dimensions: [C("INDICATOR_CODE"), C("MEASURE")], measures: [C("VALUE")],
        ignored: [C("REGION_ODS_CODE", required: false), C("REGION_ONS_CODE", required: false), C("REGION_NAME", required: false)])

    /// 2013-15 `prevalencebyprac.csv` and `PREVALENCE_BY_PRAC_v2.csv` named the columns
    /// differently and had no list type (one register per group, over the whole list).
    static let prevalenceLayout = CSVLayout(
        org: C("PRACTICE_CODE", "PRACTICECODE"), period: .external,
        dimensions: [C("GROUP_CODE", "INDICATOR_GROUP_CODE", "INDICATOR_GROUP"), C("PATIENT_LIST_TYPE", required: false)],
        constantDimensions: [nil, "TOTAL"],
        measures: [C("REGISTER", "DISEASE_REGISTER_SIZE", "REGISTER_SIZE"), C("PRACTICE_LIST_SIZE", "PRACTICE_LISTSIZE", "PATIENT_LIST_SIZE")],
        ignored: [C("REGISTER_DESCRIPTION", required: false), C("PREVALENCE", required: false), C("PRACTICE_NAME", required: false),
                  C("INDICATOR_GROUP_DESCRIPTION", required: false)])

    static let indicatorsLayout = CSVLayout(
        org: C("INDICATOR_CODE"), key: .code, period: .external,
        measures: [C("INDICATOR_POINT_VALUE"), C("GROUP_CODE", "INDICATOR_GROUP_CODE"), C("GROUP_DESCRIPTION", "INDICATOR_GROUP_DESCRIPTION"),
                   C("DOMAIN_CODE"), C("DOMAIN_DESCRIPTION"), C("PATIENT_LIST_TYPE"), C("PATIENT_ADD_LIST_TYPE", required: false)],
        // 2015-16 to 2018-19 `INDICATOR_MAPPINGS` also describe each indicator; not stored.
        ignored: [C("INDICATOR_DESCRIPTION", required: false)])

    /// 2019-20 and the manual mapping use CCG_/STP_ names; 2023-24 publishes SUB_ICB_/ICB_.
    static let organisationsLayout = CSVLayout(
        org: C("PRACTICE_CODE"), period: .external,
        measures: [C("PRACTICE_NAME"), C("PCN_ODS_CODE", "PCN_CODE"), C("PCN_NAME"),
                   C("SUB_ICB_ODS_CODE", "SUB_ICB_CODE", "CCG_ODS_CODE", "CCG_CODE"), C("SUB_ICB_ONS_CODE", "CCG_ONS_CODE"),
                   C("SUB_ICB_NAME", "CCG_NAME"), C("ICB_ODS_CODE", "ICB_CODE", "STP_ODS_CODE", "STP_CODE"),
                   C("ICB_ONS_CODE", "STP_ONS_CODE"), C("ICB_NAME", "STP_NAME"),
                   C("REGION_ODS_CODE", "REGION_CODE"), C("REGION_ONS_CODE"), C("REGION_NAME")],
        ignored: [C("NAT_ONS_CODE", required: false), C("NAT_CODE", required: false), C("COUNTRY", "NAT_COUNTRY", required: false)])

    /// The template says REVISED_MAX_POINTS; the real 2020-21 file REVISED_MAXIMUM_POINTS.
    static let orgReferenceLayout = CSVLayout(org: C("PRACTICE_CODE"), period: .external, measures: [C("REVISED_MAX_POINTS", "REVISED_MAXIMUM_POINTS")])

    /// The practice's geography before the 2019-20 mapping file: `ORGANISATION_REFERENCE` of
    /// 2015-16 to 2018-19 (CCG, STP, sub-region, region) and `PRAC_CONTROL` of 2013-14 and
    /// 2014-15 (CCG, area team, region; run-together names such as `PRACTICECODE` in 2013-14).
    /// No PCN existed yet; the STP or area team is stored where the ICB later is.
    static let legacyOrganisationsLayout = CSVLayout(
        org: C("PRACTICE_CODE", "PRACTICECODE"), period: .external,
        measures: [C("PRACTICE_NAME", "PRACTICENAME"), C("PCN_CODE", required: false), C("PCN_NAME", required: false),
                   C("CCG_CODE", "CCGCODE"), C("CCG_GEOGRAPHY_CODE", required: false), C("CCG_NAME", "CCGNAME"),
                   C("STP_CODE", "AREA_TEAM_CODE", "ATCODE"), C("STP_GEOGRAPHY_CODE", required: false), C("STP_NAME", "AREA_TEAM_NAME", "ATNAME"),
                   C("REGION_CODE", "REGIONCODE"), C("REGION_GEOGRAPHY_CODE", required: false), C("REGION_NAME", "REGIONNAME")],
        ignored: [C("SUBREGION_CODE", required: false), C("SUBREGION_GEOGRAPHY_CODE", required: false), C("SUBREGION_NAME", required: false),
                  C("COUNTRY", required: false), C("REVISED_MAXIMUM_POINTS", "REVISED_MAX_POINTS", required: false)])

    enum Kind { case achievement, prevalence, indicators, organisations, orgReference }

    /// The kind of file a name is, from its prefix; nil for names this source does not read.
    static func kind(of entryName: String) -> Kind? {
        let name = Self.baseName(entryName).uppercased()
        if name.hasPrefix("ACHIEVEMENT") { return .achievement }
        if name.hasPrefix("PREVALENCE") { return .prevalence }
        if name.hasPrefix("MAPPING_INDICATORS") || name.hasPrefix("INDICATOR_MAPPINGS") { return .indicators }
        if name.hasPrefix("MAPPING_NHS_GEOGRAPHIES") || name.hasPrefix("PRAC_CONTROL") { return .organisations }
        if name.hasPrefix("ORGANISATION_REFERENCE") { return .orgReference }
        return nil
    }

    /// Families QOF has published that are known and deliberately not read: validation
    /// outcomes and the PCA mapping (no layout the datasets hold), and 2013-15's wide
    /// achievement, register, exception and indicator reference files.
    static let leftOut = ["PRACTICE_VALIDATION_OUTCOMES", "MAPPING_PCAS", "INDICATORS_BY_PRAC", "INDICATORSBYPRAC", "REGISTER_SIZES",
                          "EXCEPTION_OUTPUT", "INDICATOR_REFERENCE", "INDICATOR_GRP_REFERENCE", "INDICATOR_DOM_REFERENCE"]

    static func isLeftOut(_ entryName: String) -> Bool {
        let name = Self.baseName(entryName).uppercased()
        return leftOut.contains { name.hasPrefix($0) }
    }

    /// Every CSV but the known families left out: one of a family this loader does not know
    /// reaches `recognise`, which refuses it by name.
    public func wants(entryName: String) -> Bool {
        Self.isCSV(entryName) && !Self.isLeftOut(entryName)
    }

    /// The national achievement file is left out when the regional ones are there: both hold
    /// the same practices.
    public func select(entries: [String]) -> [String] {
        let wanted = entries.filter(wants)
        let achievement = wanted.filter { Self.kind(of: $0) == .achievement }
        let regional = achievement.filter { !Self.isNationalAchievement($0) }
        if regional.isEmpty { return wanted }
        return wanted.filter { !(Self.kind(of: $0) == .achievement && Self.isNationalAchievement($0)) }
    }

    /// A regional achievement file may have no rows (a region with no practices in a cut).
    public func mayBeEmpty(entryName: String) -> Bool {
        Self.kind(of: entryName) == .achievement && !Self.isNationalAchievement(entryName)
    }

    /// `ACHIEVEMENT_2324.csv`, `ACHIEVEMENT_2122_V2.csv` (no region between prefix and year).
    static func isNationalAchievement(_ entryName: String) -> Bool {
        let stem = Self.baseName(entryName).uppercased().dropLast(4)
        let parts = stem.split(separator: "_").filter { $0 != "V2" }
        return parts.count == 2 && parts[1].allSatisfy(\.isNumber)
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let period = Self.period(fromName: fileName)
        switch Self.kind(of: fileName) {
        case .achievement: return FileReading(spec: Self.achievement, layout: Self.achievementLayout, period: period)
        case .prevalence: return FileReading(spec: Self.prevalence, layout: Self.prevalenceLayout, period: period)
        case .indicators: return FileReading(spec: Self.indicators, layout: Self.indicatorsLayout, period: period)
        case .organisations:
            let legacy = Self.baseName(fileName).uppercased().hasPrefix("PRAC_CONTROL")
            return FileReading(spec: Self.organisations, layout: legacy ? Self.legacyOrganisationsLayout : Self.organisationsLayout, period: period)
        case .orgReference:
            // Until 2018-19 the file also carried the practice's geography: read as the mapping.
            let header = Set(firstRecord.map(CSVLayout.normalize))
            if header.contains("CCG_CODE") || header.contains("PRACTICE_NAME") {
                return FileReading(spec: Self.organisations, layout: Self.legacyOrganisationsLayout, period: period)
            }
            return FileReading(spec: Self.orgReference, layout: Self.orgReferenceLayout, period: period)
        case nil:
            throw TransformError(.unsupported, file: fileName,
                                 "not a QOF file this loader knows (expected ACHIEVEMENT*, PREVALENCE*, MAPPING_INDICATORS* or INDICATOR_MAPPINGS*, "
                                    + "MAPPING_NHS_GEOGRAPHIES*, PRAC_CONTROL* or ORGANISATION_REFERENCE*)")
        }
    }

    /// Two-digit years: QOF began in 2004-05, payments data in 2013-14; `99` is 1999.
    static func century(_ yy: Int) -> Int { yy >= 90 ? 1900 : 2000 }

    /// The financial year a QOF name gives: a four-digit `yyzz` token with zz = yy + 1
    /// (`_2324`, `QOF2021_v2` = 2020-21), or `yyyy-zz` (`QOF 2022-23 Raw data`).
    static func period(fromName name: String) -> ReportingPeriod? {
        let chars = Array(Self.baseName(name).utf8)
        func digit(_ i: Int) -> Int? { i >= 0 && i < chars.count && chars[i] >= 48 && chars[i] <= 57 ? Int(chars[i] - 48) : nil }
        var i = 0
        while i < chars.count {
            guard digit(i) != nil else { i += 1; continue }
            var j = i
            while digit(j) != nil { j += 1 }
            let run = j - i
            if run == 4 {
                // `2022-23` first: a calendar year followed by the next one's last two digits
                // (`2021-22` must not read as `2021` = 2020-21).
                if j < chars.count, chars[j] == 45, let c = digit(j + 1), let d = digit(j + 2), digit(j + 3) == nil,
                   let year = Int(String(decoding: chars[i..<j], as: UTF8.self)), (year + 1) % 100 == c * 10 + d {
                    return .init(kind: .financialYear, start: CalendarDate(year: year, month: 4, day: 1)!)
                }
                let a = digit(i)! * 10 + digit(i + 1)!, b = digit(i + 2)! * 10 + digit(i + 3)!
                if (a + 1) % 100 == b { return .init(kind: .financialYear, start: CalendarDate(year: Self.century(a) + a, month: 4, day: 1)!) }
            }
            i = j
        }
        return nil
    }
}
