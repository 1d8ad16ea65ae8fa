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
///   one row per practice, staff group, role and measure (FTE or Headcount); `NA` as above. It
///   names practices only: their PCN, sub-ICB, ICB and region come from the same month's detailed CSV.
/// - The PCN-level individual CSV (`… Primary Care Networks – <Month YYYY> Individual Level.csv`),
///   Windows-1252, one row per post, keyed by PCN, source, staff group, roles, the publisher's
///   identifier and an occurrence number for posts repeated on consecutive lines (`PostMapper`).
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
        FileFamily("PCN-level individual CSV", match: ["*Primary Care Networks*Individual Level*.csv"], datasets: ["nwrs-pcn-individual"]),
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
        attributes: [.init("practice_name")],
        suppressionTokens: ["NA"],
        // The file names the practice only: where it sat is the same month's detailed CSV's.
        hierarchy: HierarchyFill(from: "nwrs-practices-detailed", columns: ["pcn", "sub_icb", "icb", "region"], match: .samePeriod))

    public static let pcnIndividual = DatasetSpec(
        id: "nwrs-pcn-individual", source: "nwrs",
        title: "PCN workforce, one row per post (Primary Care Networks – <Month YYYY> Individual Level.csv)",
        table: "nwrs_pcn_individual", periodKind: .month,
        dimensions: ["data_source", "staff_group", "staff_role", "detailed_staff_role", "unique_identifier", "occurrence"].map { .init($0) },
        measures: [.init("fte", .decimal)],
        attributes: ["pcn_name", "sub_icb", "sub_icb_name", "icb", "icb_name", "region", "region_name"].map { .init($0) })

    /// The rows as the file gives them, before `PostMapper` numbers repeated posts.
    static let pcnPosts = DatasetSpec(
        id: pcnIndividual.id, source: "nwrs", title: pcnIndividual.title, table: pcnIndividual.table, periodKind: .month,
        dimensions: Array(pcnIndividual.dimensions.dropLast()), measures: pcnIndividual.measures, attributes: pcnIndividual.attributes)

    public var datasets: [DatasetSpec] { [Self.detailed, Self.highLevel, Self.pcnIndividual] }

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
                    APIColumn("pcn", .field("pcn"), "PCN code from the practice's row in the same month's detailed CSV (Unaligned: in no PCN); NULL when that month's detailed CSV is not loaded or lacks the practice"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code, from the same month's detailed CSV"),
                    APIColumn("icb", .field("icb"), "ICB code, from the same month's detailed CSV"),
                    APIColumn("region", .field("region"), "NHS England region code, from the same month's detailed CSV"),
                    APIColumn("staff_group", .field("staff_group"), "GP, Nurses, Direct Patient Care or Admin/Non-Clinical, as published"),
                    APIColumn("detailed_staff_role", .field("detailed_staff_role"), "Total, Partner/Provider, Practice Nurse, …, as published"),
                    APIColumn("measure", .field("measure"), "FTE (full-time equivalent) or Headcount, as published"),
                    APIColumn("value", .field("value"), "The published figure; NULL when the file says NA (not available)"),
                    APIColumn("value_raw", .field("value_raw"), "'NA' when value is NULL because the file said so"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from"),
                ],
                filters: ["snapshot", "practice", "pcn", "icb", "region"],
                key: ["snapshot", "practice", "staff_group", "detailed_staff_role", "measure"]),
            APIObject(
                "nwrs_pcn_individual",
                comment: "PCN workforce, one row per post (Primary Care Networks workforce, '<Month YYYY> Individual Level.csv'): "
                    + "staff employed by the PCN (NWRS Staff) or through contracted services, with their FTE",
                rows: .current(datasets: [Self.pcnIndividual.id]),
                columns: [
                    APIColumn("snapshot", .period, "The census month (its first day), from the file's name; every row's CENSUS_YEAR and CENSUS_MONTH agree"),
                    APIColumn("pcn", .org, "PCN code (PCN_CODE)"),
                    APIColumn("pcn_name", .field("pcn_name"), "PCN name as published"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published (SUB_ICB_CODE)"),
                    APIColumn("sub_icb_name", .field("sub_icb_name"), "Sub-ICB location name as published"),
                    APIColumn("icb", .field("icb"), "ICB code as published (ICB_CODE)"),
                    APIColumn("icb_name", .field("icb_name"), "ICB name as published"),
                    APIColumn("region", .field("region"), "NHS England commissioning region code as published (COMM_REGION_CODE)"),
                    APIColumn("region_name", .field("region_name"), "NHS England commissioning region name as published"),
                    APIColumn("data_source", .field("data_source"), "NWRS Staff or NWRS contracted services, as published (Data_source)"),
                    APIColumn("staff_group", .field("staff_group"), "Staff group as published"),
                    APIColumn("staff_role", .field("staff_role"), "Staff role as published (Pharmacists, Social Prescribing Link Workers, …)"),
                    APIColumn("detailed_staff_role", .field("detailed_staff_role"), "Detailed staff role as published"),
                    APIColumn("unique_identifier", .field("unique_identifier"), "The publisher's identifier of the person, as published ('NULL' for contracted services, which have none)"),
                    APIColumn("occurrence", .field("occurrence"), "1, or 2, 3, … for posts repeating every other key column on the lines just after (the same person twice in one role)"),
                    APIColumn("fte", .field("fte"), "Full-time equivalent of the post; NULL when the cell is empty"),
                    APIColumn("revision", .revision, "The revision whose file this post was read from"),
                ],
                filters: ["snapshot", "pcn", "icb", "region"],
                key: ["snapshot", "pcn", "data_source", "staff_group", "staff_role", "detailed_staff_role", "unique_identifier", "occurrence"]),
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
        attributes: [C("PRAC_NAME")],
        // Geography, should an edition carry it, is the detailed CSV's (the hierarchy fill).
        ignored: [C("PCN_CODE", required: false), C("PCN_NAME", required: false), C("SUB_ICB_CODE", "CCG_CODE", required: false),
                  C("SUB_ICB_NAME", "CCG_NAME", required: false), C("ICB_CODE", "STP_CODE", required: false), C("ICB_NAME", "STP_NAME", required: false),
                  C("REGION_CODE", "COMM_REGION_CODE", required: false), C("REGION_NAME", "COMM_REGION_NAME", required: false)])

    /// Windows-1252 (the March 2020 file has an en dash as byte 0x96); the census month is in
    /// both the name and every row.
    static let pcnLayout = CSVLayout(
        org: C("PCN_CODE"), period: .external,
        dimensions: [C("DATA_SOURCE"), C("STAFF_GROUP"), C("STAFF_ROLE"), C("DETAILED_STAFF_ROLE"), C("UNIQUE_IDENTIFIER")],
        measures: [C("FTE")],
        attributes: [C("PCN_NAME"), C("SUB_ICB_CODE", "SUB_ICB_LOCATION_CODE", "CCG_CODE"), C("SUB_ICB_NAME", "SUB_ICB_LOCATION_NAME", "CCG_NAME"),
                     C("ICB_CODE", "STP_CODE"), C("ICB_NAME", "STP_NAME"), C("COMM_REGION_CODE", "REGION_CODE"),
                     C("COMM_REGION_NAME", "REGION_NAME")],
        ignored: [C("CENSUS_YEAR"), C("CENSUS_MONTH")],
        encoding: .windows1252)

    /// The practice-level detailed and high-level CSVs and the PCN-level individual CSV; the
    /// practice individual-level CSV, the definitions workbooks and anything else are left out.
    public func wants(entryName: String) -> Bool {
        guard Self.isCSV(entryName) else { return false }
        let name = Self.baseName(entryName).lowercased()
        return (name.contains("practice level") && (name.contains("detailed") || name.contains("high level")))
            || (name.contains("primary care networks") && name.contains("individual level"))
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        let period = Self.period(fromName: fileName)
        if header.contains("PRAC_CODE") && header.contains("STAFF_GROUP") && header.contains("VALUE") {
            return FileReading(spec: Self.highLevel, layout: Self.highLevelLayout, period: period, restatesEarlierPeriods: true)
        }
        if header.contains("PCN_CODE") && header.contains("UNIQUE_IDENTIFIER") && header.contains("FTE") {
            return FileReading(spec: Self.pcnIndividual, layout: Self.pcnLayout, period: period, restatesEarlierPeriods: true,
                               makeMapper: { header, source, period in try PostMapper(header: header, source: source, period: period) })
        }
        guard header.contains("PRAC_CODE") && header.contains("TOTAL_PATIENTS") else {
            throw TransformError(.unsupported, file: fileName,
                                 "not a General Practice Workforce CSV (no PRAC_CODE and TOTAL_PATIENTS, PRAC_CODE and STAFF_GROUP, or PCN_CODE and UNIQUE_IDENTIFIER columns)")
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

    /// Reads the PCN individual-level CSV through a `LayoutMapper`, then numbers posts that repeat
    /// every key column on consecutive lines (the same person twice in one role; contracted
    /// services, whose identifier is `NULL`): 1, 2, 3. The publisher writes such repeats one after
    /// the other, so one previous key is all the memory this needs; a repeat further away is
    /// refused by the segment assembler as a duplicate key naming both lines. Every row's
    /// CENSUS_YEAR and CENSUS_MONTH must be the file's census month.
    final class PostMapper: RecordMapper {
        let spec = Workforce.pcnIndividual
        private let inner: LayoutMapper
        private var posted = MappedRow(spec: Workforce.pcnPosts)
        private let source: String
        private let period: ReportingPeriod
        private let censusYear: Int
        private let censusMonth: Int
        private var previousOrg = ""
        private var previous: [[UInt8]] = []
        private var occurrence = 0
        private let scratch = ValueScratch(slots: 1)

        init(header: [String], source: String, period: ReportingPeriod?) throws {
            inner = try LayoutMapper(spec: Workforce.pcnPosts, layout: Workforce.pcnLayout, header: header, source: source, period: period)
            self.source = source
            self.period = period!  // the inner mapper refuses a file without one
            let names = header.map(CSVLayout.normalize)
            censusYear = names.firstIndex(of: "CENSUS_YEAR")!
            censusMonth = names.firstIndex(of: "CENSUS_MONTH")!
        }

        func map(_ record: CSVRecord, into row: inout MappedRow, emit: (inout MappedRow) throws -> Void) throws {
            try check(record, censusYear, expected: period.start.year)
            try check(record, censusMonth, expected: period.start.month)
            try inner.map(record, into: &posted) { post in
                row.period = post.period
                row.org = post.org
                row.attributes = post.attributes
                row.line = post.line
                for d in post.dimensions.indices { row.dimensions[d] = post.dimensions[d] }
                row.measures[0] = post.measures[0]
                row.raws[0] = post.raws[0]
                let key = post.dimensions.map { Array($0) }
                if post.org == previousOrg && key == previous {
                    occurrence += 1
                } else {
                    (previousOrg, previous, occurrence) = (post.org, key, 1)
                }
                row.dimensions[post.dimensions.count] = scratch.store(0, Array(String(occurrence).utf8))
                try emit(&row)
            }
        }

        private func check(_ record: CSVRecord, _ index: Int, expected: Int) throws {
            let text = record.string(index)
            guard Int(text) == expected else {
                throw TransformError(.value, file: source, line: record.line, column: index + 1,
                                     "\(TransformError.shown(text)) in \(inner.header[index]) is not \(expected): the file is for \(period.label)")
            }
        }
    }
}
