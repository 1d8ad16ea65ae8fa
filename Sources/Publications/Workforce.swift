import Transform

/// General Practice Workforce (NHS England, NWRS): practice-level CSVs, one snapshot per census
/// month (annual September snapshots 2015–2020, quarterly December 2020 – June 2021, monthly
/// since July 2021), published on pages `…/general-and-personal-medical-services/<dd>-<month>-<yyyy>`
/// in a zip `GPWPracticeCSV.<MMYYYY>.zip` (nhs-formats.md §5).
///
/// - The detailed CSV (`1 General Practice – <Month YYYY> Practice Level - Detailed.csv`) is wide
///   (805 columns in the 2025 definitions, fewer before; positions shift between editions) and is
///   stored long, like NHS Payments: one row per practice, snapshot and published column, the
///   column name as `measure`. The identity columns, including the four source flags per staff
///   group (`GP_SOURCE` …: `Fully provided`, `Fully Estimated`, …), are the segment's attributes.
///   `NA` ("not available", from February 2023) gives NULL with the token kept. `PCN_CODE` is kept
///   as published: `Unaligned` for practices in no PCN, `NA` before PCNs existed.
/// - The high-level CSV (`3 General Practice – … Practice Level - High level.csv`) is long already:
///   one row per practice, staff group, role and measure (FTE or Headcount); `NA` as above.
/// - The PCN-level individual CSV (`… Primary Care Networks – <Month YYYY> Individual Level.csv`),
///   Windows-1252, one row per post: kept summed per PCN, source, staff group and role.
///
/// The snapshot is the census month, read from the file's name (`… – March 2022 …`, `….032022.zip`),
/// else the publication page's. The publisher re-issued the whole back-series twice (December 2021:
/// a method change; July 2022: ICB geography); files for earlier months published on a later
/// month's page are read as revisions of the months their names give (`restatesEarlierPeriods`).
public struct Workforce: SourceDeclaration {
    public let id = "nwrs"
    public let title = "General Practice Workforce (practice level)"
    public let listing = EditionListing.digitalNHSSeries(
        url: "https://digital.nhs.uk/data-and-information/publications/statistical/general-and-personal-medical-services",
        editionSlugs: ["{dd}-{month}-{yyyy}"])
    public let periodKind = ReportingPeriod.Kind.month
    /// A census month's figures appear about seven weeks after its last day.
    public let cadence = Cadence(every: "month", expectedAfterDays: 70, publishedWithinDays: 95)
    public let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
    public let files = [
        FileFamily("practice-level CSVs", match: ["GPWPracticeCSV*.zip", "*Practice Level*Detailed*.csv", "*Practice Level*High level*.csv"],
                   datasets: ["nwrs-practices-detailed", "nwrs-practices-high-level"]),
    ]

    public init() {}

    public static let detailed = DatasetSpec(
        id: "nwrs-practices-detailed", source: "nwrs",
        title: "Workforce per practice and published column (Practice Level - Detailed.csv), stored long",
        table: "nwrs_detailed", periodKind: .month,
        dimensions: [.init("measure")], measures: [.init("value", .decimal)],
        attributes: ["practice_name", "pcn", "pcn_name", "sub_icb", "sub_icb_name", "icb", "icb_name", "region", "region_name",
                     "gp_source", "nurse_source", "dpc_source", "admin_source"].map { .init($0) },
        suppressionTokens: ["NA"])

    public static let highLevel = DatasetSpec(
        id: "nwrs-practices-high-level", source: "nwrs",
        title: "Workforce per practice, staff group, role and measure (Practice Level - High level.csv)",
        table: "nwrs_high_level", periodKind: .month,
        dimensions: [.init("staff_group"), .init("detailed_staff_role"), .init("measure")], measures: [.init("value", .decimal)],
        attributes: ["practice_name", "pcn", "sub_icb", "icb", "region"].map { .init($0) },
        suppressionTokens: ["NA"])

    public var datasets: [DatasetSpec] { [Self.detailed, Self.highLevel] }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "nwrs_snapshots",
                comment: "General Practice Workforce census months the warehouse serves (one row per snapshot), with the datasets "
                    + "loaded for it, its practices in the detailed practice-level CSV and its newest current revision",
                rows: .query("""
                    SELECT s.period AS snapshot, array_agg(s.dataset ORDER BY s.dataset) AS datasets,
                           (SELECT count(*) FROM data.nwrs_detailed d WHERE d.valid_to IS NULL AND d.period = s.period)::integer AS practices,
                           max(r.published) AS published, max(s.current_revision) AS revision
                    FROM etl.scopes s JOIN etl.revisions r ON r.revision_id = s.current_revision
                    WHERE s.source = 'nwrs'
                    GROUP BY s.period
                    """),
                columns: [
                    APIColumn("snapshot", .field("snapshot"), "The census month (its first day; the census is taken on its last day)"),
                    APIColumn("datasets", .field("datasets"), "The workforce datasets loaded for the month (nwrs-practices-detailed, …)"),
                    APIColumn("practices", .field("practices"), "Practices in the month's detailed practice-level CSV (0 when only other files are loaded)"),
                    APIColumn("published", .field("published"), "The publication date of the month's newest current edition (a back-series re-issue's date once it restated the month)"),
                    APIColumn("revision", .field("revision"), "The newest current revision among the month's datasets"),
                ],
                key: ["snapshot"]),
            APIObject(
                "nwrs",
                comment: "Workforce per practice, census month and published column (General Practice Workforce, "
                    + "'Practice Level - Detailed.csv' in GPWPracticeCSV.<MMYYYY>.zip), stored long: one row per column as published",
                rows: .current(datasets: [Self.detailed.id]),
                columns: [
                    APIColumn("snapshot", .period, "The census month (its first day; the census is taken on its last day), from the file's name"),
                    APIColumn("practice", .org, "Practice ODS code (PRAC_CODE)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published (PRAC_NAME: the practice's latest name)"),
                    APIColumn("pcn", .field("pcn"), "PCN code as published (PCN_CODE): 'Unaligned' for practices in no PCN, 'NA' before PCNs existed, NULL when the file has no PCN column (before March 2020)"),
                    APIColumn("pcn_name", .field("pcn_name"), "PCN name as published (PCN_NAME)"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published (SUB_ICB_CODE; CCG_CODE in files before the July 2022 re-issue)"),
                    APIColumn("sub_icb_name", .field("sub_icb_name"), "Sub-ICB location name as published (SUB_ICB_NAME or CCG_NAME)"),
                    APIColumn("icb", .field("icb"), "ICB code as published (ICB_CODE; STP_CODE in files before the July 2022 re-issue)"),
                    APIColumn("icb_name", .field("icb_name"), "ICB name as published (ICB_NAME or STP_NAME)"),
                    APIColumn("region", .field("region"), "NHS England region code as published (REGION_CODE or COMM_REGION_CODE)"),
                    APIColumn("region_name", .field("region_name"), "NHS England region name as published"),
                    APIColumn("gp_source", .field("gp_source"), "How the practice's GP figures were obtained (GP_SOURCE: Fully provided, Includes FTE Estimates, Fully Estimated, No valid or current data, No data provided); NULL when the file has no such column"),
                    APIColumn("nurse_source", .field("nurse_source"), "As gp_source, for nurses (NURSE_SOURCE)"),
                    APIColumn("dpc_source", .field("dpc_source"), "As gp_source, for direct patient care staff (DPC_SOURCE)"),
                    APIColumn("admin_source", .field("admin_source"), "As gp_source, for admin/non-clinical staff (ADMIN_SOURCE)"),
                    APIColumn("measure", .field("measure"), "The published column's name (TOTAL_GP_FTE, TOTAL_NURSES_HC, TOTAL_PATIENTS, …): *_HC headcounts, *_FTE full-time equivalents, *_PATIENTS registered patients"),
                    APIColumn("value", .field("value"), "The published number; NULL when the file says NA (not available: the practice supplied no valid records for that staff group) or the cell is empty"),
                    APIColumn("value_raw", .field("value_raw"), "'NA' when value is NULL because the file said so; NULL otherwise"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from"),
                ],
                filters: ["snapshot", "practice", "pcn", "icb", "region"],
                key: ["snapshot", "practice", "measure"]),
            APIObject(
                "nwrs_high_level",
                comment: "Workforce per practice, census month, staff group, role and measure (General Practice Workforce, "
                    + "'Practice Level - High level.csv'); role rows count a person once per role held, so they may add up to more than the total",
                rows: .current(datasets: [Self.highLevel.id]),
                columns: [
                    APIColumn("snapshot", .period, "The census month (its first day), from the file's name"),
                    APIColumn("practice", .org, "Practice ODS code (PRAC_CODE)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published (PRAC_NAME)"),
                    APIColumn("pcn", .field("pcn"), "PCN code as published, when the file has one (Unaligned: in no PCN)"),
                    APIColumn("icb", .field("icb"), "ICB code as published, when the file has one"),
                    APIColumn("region", .field("region"), "NHS England region code as published, when the file has one"),
                    APIColumn("staff_group", .field("staff_group"), "GP, Nurses, Direct Patient Care or Admin/Non-Clinical, as published"),
                    APIColumn("detailed_staff_role", .field("detailed_staff_role"), "Total, Partner/Provider, Practice Nurse, …, as published"),
                    APIColumn("measure", .field("measure"), "FTE (full-time equivalent) or Headcount, as published"),
                    APIColumn("value", .field("value"), "The published figure; NULL when the file says NA (not available)"),
                    APIColumn("value_raw", .field("value_raw"), "'NA' when value is NULL because the file said so"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from"),
                ],
                filters: ["snapshot", "practice", "pcn", "icb", "region"],
                key: ["snapshot", "practice", "staff_group", "detailed_staff_role", "measure"]),
        ]
    }

    typealias C = CSVLayout.Column

    /// The detailed CSV's identity columns, with every header edition's spelling: the CCG-era
    /// files (before the July 2022 re-issue) name sub-ICB, ICB and region CCG_, STP_ and
    /// COMM_REGION_; files before March 2020 have no PCN columns; every other column is a measure.
    static let detailedLayout = LongLayout(
        org: C("PRAC_CODE"),
        attributes: [
            C("PRAC_NAME"), C("PCN_CODE", required: false), C("PCN_NAME", required: false),
            C("SUB_ICB_CODE", "SUB_ICB_LOCATION_CODE", "CCG_CODE"), C("SUB_ICB_NAME", "SUB_ICB_LOCATION_NAME", "CCG_NAME"),
            C("ICB_CODE", "STP_CODE"), C("ICB_NAME", "STP_NAME"),
            C("REGION_CODE", "COMM_REGION_CODE"), C("REGION_NAME", "COMM_REGION_NAME"),
            C("GP_SOURCE", required: false), C("NURSE_SOURCE", required: false), C("DPC_SOURCE", required: false),
            C("ADMIN_SOURCE", required: false),
        ])

    static let highLevelLayout = CSVLayout(
        org: C("PRAC_CODE"), period: .external,
        dimensions: [C("STAFF_GROUP"), C("DETAILED_STAFF_ROLE"), C("MEASURE")],
        measures: [C("VALUE")],
        attributes: [C("PRAC_NAME"), C("PCN_CODE", required: false), C("SUB_ICB_CODE", "CCG_CODE", required: false),
                     C("ICB_CODE", "STP_CODE", required: false), C("REGION_CODE", "COMM_REGION_CODE", required: false)],
        ignored: [C("PCN_NAME", required: false), C("SUB_ICB_NAME", "CCG_NAME", required: false), C("ICB_NAME", "STP_NAME", required: false),
                  C("REGION_NAME", "COMM_REGION_NAME", required: false)])

    /// The practice-level detailed and high-level CSVs; the individual-level CSV, the definitions
    /// workbooks and anything else in the zip are left out.
    public func wants(entryName: String) -> Bool {
        guard Self.isCSV(entryName) else { return false }
        let name = Self.baseName(entryName).lowercased()
        return (name.contains("practice level") && (name.contains("detailed") || name.contains("high level")))
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        let period = Self.period(fromName: fileName)
        if header.contains("PRAC_CODE") && header.contains("STAFF_GROUP") && header.contains("VALUE") {
            return FileReading(spec: Self.highLevel, layout: Self.highLevelLayout, period: period, restatesEarlierPeriods: true)
        }
        guard header.contains("PRAC_CODE") && header.contains("TOTAL_PATIENTS") else {
            throw TransformError(.unsupported, file: fileName,
                                 "not a General Practice Workforce practice-level CSV (no PRAC_CODE and TOTAL_PATIENTS, or PRAC_CODE and STAFF_GROUP, columns)")
        }
        return FileReading(
            spec: Self.detailed, layout: CSVLayout(org: C("PRAC_CODE"), period: .external, measures: [C("VALUE")]),
            period: period, restatesEarlierPeriods: true,
            makeMapper: { header, source, period in
                try LongMapper(spec: Self.detailed, layout: Self.detailedLayout, header: header, source: source, period: period)
            })
    }

    /// The census month a file's name gives: `… – March 2022 Practice Level - Detailed.csv`
    /// (a month's name, a space or `_`, four digits) or `GPWPracticeCSV.032022.zip` (six digits
    /// after a dot: month then year). Nil when the name has neither.
    static func period(fromName name: String) -> ReportingPeriod? {
        let base = Array(Self.baseName(name).lowercased().unicodeScalars)
        let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
        func isDigit(_ i: Int) -> Bool { i >= 0 && i < base.count && ("0"..."9").contains(base[i]) }
        /// The number in `count` digits at `from`, not part of a longer run of digits.
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= base.count, (from..<(from + count)).allSatisfy(isDigit), !isDigit(from + count), !isDigit(from - 1)
            else { return nil }
            return Int(String(String.UnicodeScalarView(base[from..<(from + count)])))
        }
        for (index, month) in months.enumerated() {
            let word = Array(month.unicodeScalars)
            guard base.count > word.count else { continue }
            for start in 0...(base.count - word.count) where Array(base[start..<(start + word.count)]) == word {
                let end = start + word.count
                if end < base.count, base[end] == " " || base[end] == "_", let year = digits(end + 1, 4), (2000...2100).contains(year) {
                    return ReportingPeriod(kind: .month, start: CalendarDate(year: year, month: index + 1, day: 1)!)
                }
            }
        }
        for i in base.indices where base[i] == "." {
            if let packed = digits(i + 1, 6) {
                let month = packed / 10000, year = packed % 10000
                if (1...12).contains(month), (2000...2100).contains(year) {
                    return ReportingPeriod(kind: .month, start: CalendarDate(year: year, month: month, day: 1)!)
                }
            }
        }
        return nil
    }
}
