/// Quality and Outcomes Framework (NHS England, annual, April–March): the raw-data zip.
///
/// Zip and file names are irregular (`QOF2324.zip`, `QOF 2022-23 Raw data .csv files.zip`,
/// `QOF_2122_V2.zip` holding `PREVALENCE_2122_V2.csv`, 2017-18's unsuffixed `PREVALENCE.csv`), so
/// files are recognised by their name's prefix and the year comes from the `yyzz` token in the
/// name (`2324` = 2023-24), else from the edition page. Since 2022-23 achievement is split into
/// seven regional files (`ACHIEVEMENT_LONDON_2324.csv`, …) beside a national copy made only for
/// the website contractor: the regional files are read, the national one left alone
/// (nhs-formats.md §4). Practice validation outcomes have no published layout and are not read.
public struct QofSource: SourceDefinition {
    public let id = "qof"
    public let title = "Quality and Outcomes Framework"

    public init() {}

    public static let achievement = DatasetSpec(
        id: "qof-achievement", source: "qof", title: "Achievement per practice, indicator and measure (ACHIEVEMENT_*)",
        table: "qof_achievement", periodKind: .financialYear,
        dimensions: [.init("indicator"), .init("measure")], measures: [.init("value", .decimal)])

    public static let prevalence = DatasetSpec(
        id: "qof-prevalence", source: "qof", title: "Disease registers and list sizes per practice (PREVALENCE_*)",
        table: "qof_prevalence", periodKind: .financialYear,
        dimensions: [.init("group_code"), .init("patient_list_type")],
        measures: [.init("register", .integer), .init("list_size", .integer)])

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

    typealias C = CSVLayout.Column

    static let achievementLayout = CSVLayout(
        org: C("PRACTICE_CODE"), period: .external, dimensions: [C("INDICATOR_CODE"), C("MEASURE")], measures: [C("VALUE")],
        ignored: [C("REGION_ODS_CODE", required: false), C("REGION_ONS_CODE", required: false), C("REGION_NAME", required: false)])

    /// 2013-15 `prevalencebyprac.csv` named the columns differently and had no list type (one
    /// register per group, over the whole list).
    static let prevalenceLayout = CSVLayout(
        org: C("PRACTICE_CODE", "PRACTICECODE"), period: .external,
        dimensions: [C("GROUP_CODE", "INDICATOR_GROUP_CODE", "INDICATOR_GROUP"), C("PATIENT_LIST_TYPE", required: false)],
        constantDimensions: [nil, "TOTAL"],
        measures: [C("REGISTER", "DISEASE_REGISTER_SIZE", "REGISTER_SIZE"), C("PRACTICE_LIST_SIZE", "PRACTICE_LISTSIZE", "PATIENT_LIST_SIZE")],
        ignored: [C("REGISTER_DESCRIPTION", required: false), C("PREVALENCE", required: false)])

    static let indicatorsLayout = CSVLayout(
        org: C("INDICATOR_CODE"), key: .code, period: .external,
        measures: [C("INDICATOR_POINT_VALUE"), C("GROUP_CODE", "INDICATOR_GROUP_CODE"), C("GROUP_DESCRIPTION", "INDICATOR_GROUP_DESCRIPTION"),
                   C("DOMAIN_CODE"), C("DOMAIN_DESCRIPTION"), C("PATIENT_LIST_TYPE"), C("PATIENT_ADD_LIST_TYPE", required: false)])

    /// 2019-20 and the manual mapping use CCG_/STP_ names; 2023-24 publishes SUB_ICB_/ICB_.
    static let organisationsLayout = CSVLayout(
        org: C("PRACTICE_CODE"), period: .external,
        measures: [C("PRACTICE_NAME"), C("PCN_ODS_CODE", "PCN_CODE"), C("PCN_NAME"),
                   C("SUB_ICB_ODS_CODE", "SUB_ICB_CODE", "CCG_ODS_CODE", "CCG_CODE"), C("SUB_ICB_ONS_CODE", "CCG_ONS_CODE"),
                   C("SUB_ICB_NAME", "CCG_NAME"), C("ICB_ODS_CODE", "ICB_CODE", "STP_ODS_CODE", "STP_CODE"),
                   C("ICB_ONS_CODE", "STP_ONS_CODE"), C("ICB_NAME", "STP_NAME"),
                   C("REGION_ODS_CODE", "REGION_CODE"), C("REGION_ONS_CODE"), C("REGION_NAME")],
        ignored: [C("NAT_ONS_CODE", required: false), C("NAT_CODE", required: false), C("COUNTRY", "NAT_COUNTRY", required: false)])

    static let orgReferenceLayout = CSVLayout(org: C("PRACTICE_CODE"), period: .external, measures: [C("REVISED_MAX_POINTS")])

    enum Kind { case achievement, prevalence, indicators, organisations, orgReference }

    /// The kind of file a name is, from its prefix; nil for names this source does not read.
    static func kind(of entryName: String) -> Kind? {
        let name = Self.baseName(entryName).uppercased()
        if name.hasPrefix("ACHIEVEMENT") { return .achievement }
        if name.hasPrefix("PREVALENCE") { return .prevalence }
        if name.hasPrefix("MAPPING_INDICATORS") { return .indicators }
        if name.hasPrefix("MAPPING_NHS_GEOGRAPHIES") { return .organisations }
        if name.hasPrefix("ORGANISATION_REFERENCE") { return .orgReference }
        return nil
    }

    public func wants(entryName: String) -> Bool {
        Self.isCSV(entryName) && Self.kind(of: entryName) != nil
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
        case .organisations: return FileReading(spec: Self.organisations, layout: Self.organisationsLayout, period: period)
        case .orgReference: return FileReading(spec: Self.orgReference, layout: Self.orgReferenceLayout, period: period)
        case nil:
            throw TransformError(.unsupported, file: fileName,
                                 "not a QOF file this loader knows (expected ACHIEVEMENT_*, PREVALENCE_*, MAPPING_INDICATORS_*, MAPPING_NHS_GEOGRAPHIES_* or ORGANISATION_REFERENCE_*)")
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
