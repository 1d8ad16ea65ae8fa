import Transform

/// Submissions via Online Consultation Systems in General Practice (NHS England, monthly).
///
/// Two datasets, both monthly revision scopes (nhs-formats.md §8):
///
/// - `online-consultations`: the practice-level long CSV, split into `…_north_regions.csv` and
///   `…_south_regions.csv` (one row per practice, month and METRIC; MONTH is `dd/mm/yyyy`).
///   Each edition restates earlier months, so, as for appointments, the month comes from each
///   row: a restated month whose rows did not change writes nothing, one that changed becomes a
///   revision of that month alone. SUPPLIER is the practice's supplier list as published
///   (`ACCURX LIMITED, TPP`, `No Data`), PCN `U`/`Unallocated` kept as published.
/// - `online-consultations-time`: the day-and-time file in both its editions: up to about
///   October 2025 one row per practice, month, WEEKDAY and SUBMISSION_TIME band with one VALUE
///   (stored with `date` = the month's first day and the weekday as published); from then one
///   row per practice, DATE and band with CLINICAL, ADMIN, UNKNOWN_OTHER and TOTAL (VALUE of
///   the older edition is the total). The newer edition names no supplier, so the time rows take
///   the practice's supplier of that month from the practice-level dataset (a hierarchy fill):
///   both editions then answer a supplier filter the same way.
///
/// Where an edition publishes only its Excel workbook, the practice-level table (Table 2, one
/// row per practice for the workbook's month) is read into the practice-level dataset, its
/// columns stored under the CSV's metric names.
public struct OnlineConsultations: SourceDeclaration {
    public let id = "online-consultations"
    public let title = "Submissions via Online Consultation Systems in General Practice"
    public let listing = EditionListing.digitalNHSSeries(
        url: "https://digital.nhs.uk/data-and-information/publications/statistical/submissions-via-online-consultation-systems-in-general-practice",
        editionSlugs: ["{month}-{yyyy}", "{mon}-{yyyy}"])
    public let periodKind = ReportingPeriod.Kind.month
    public let cadence = Cadence(every: "month", expectedAfterDays: 50, publishedWithinDays: 70)
    public let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
    public let files = [Self.practiceFiles, Self.timeFiles, Self.workbookFiles]

    static let practiceFiles = FileFamily(
        "practice-level csv (north and south regions)",
        match: ["Submissions via OC Systems*regions*.csv", "Submissions via OC Systems*regions*.zip"], datasets: ["online-consultations"])
    static let timeFiles = FileFamily(
        "submissions by day and time", match: ["*OC Systems*Day and Time*.zip", "*OC Systems*Day and Time*.csv"],
        datasets: ["online-consultations-time"])
    static let workbookFiles = FileFamily(
        "monthly workbook (Table 2, practice level), read where no practice-level csv is published",
        match: ["Submissions via OC Systems in General Practice - *.xlsx"], datasets: ["online-consultations"])

    public init() {}

    public static let practiceLevel = DatasetSpec(
        id: "online-consultations", source: "online-consultations",
        title: "Online consultation submissions per practice, month and metric (…_north_regions.csv, …_south_regions.csv)",
        table: "online_consultations", periodKind: .month,
        dimensions: [.init("metric")], measures: [.init("value", .decimal)],
        attributes: ["practice_name", "pcn", "pcn_name", "sub_icb", "sub_icb_name", "icb", "icb_name", "region", "region_name",
                     "supplier"].map { .init($0) },
        suppressionTokens: ["*", "NA", "N/A", "-"])

    public static let dayAndTime = DatasetSpec(
        id: "online-consultations-time", source: "online-consultations",
        title: "Online consultation submissions per practice, day (or month and weekday) and time band (day-and-time file)",
        table: "online_consultations_time", periodKind: .month,
        dimensions: [.init("date", .date), .init("weekday"), .init("submission_time")],
        measures: [.init("total", .integer), .init("clinical", .integer), .init("admin", .integer), .init("unknown_other", .integer)],
        attributes: ["practice_name", "pcn", "pcn_name", "sub_icb"].map { .init($0) },
        suppressionTokens: ["*", "NA", "N/A", "-"],
        hierarchy: HierarchyFill(from: "online-consultations", columns: ["supplier"], match: .samePeriod))

    public var datasets: [DatasetSpec] { [Self.practiceLevel, Self.dayAndTime] }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "online_consultations",
                comment: "Online consultation submissions per practice, month and metric (Submissions via Online Consultation Systems "
                    + "in General Practice: the practice-level CSVs …_north_regions.csv and …_south_regions.csv), the current edition "
                    + "of each month (a month restated by a later edition is the later one)",
                rows: .current(datasets: [Self.practiceLevel.id]),
                columns: [
                    APIColumn("month", .period, "The month of the submissions (first day; MONTH)"),
                    APIColumn("practice", .org, "Practice ODS code (GP_CODE)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published (GP_NAME)"),
                    APIColumn("pcn", .field("pcn"), "PCN code as published (PCN_CODE; U when the practice is in no PCN)"),
                    APIColumn("pcn_name", .field("pcn_name"), "PCN name as published (PCN_NAME; Unallocated when in no PCN)"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published (SUB_ICB_LOCATION_CODE)"),
                    APIColumn("icb", .field("icb"), "ICB code as published (ICB_CODE)"),
                    APIColumn("region", .field("region"), "NHS England region code as published (REGION_CODE)"),
                    APIColumn("supplier", .field("supplier"),
                              "Online consultation system supplier(s) as published (SUPPLIER): several are comma-separated in one value; "
                                  + "No Data when none submitted"),
                    APIColumn("metric", .field("metric"),
                              "What the value measures, as published (METRIC: OC_TOTAL_SUBMISSIONS, OC_SUBMISSION_TYPE_CLINICAL, "
                                  + "OC_SUBMISSION_TYPE_ADMIN, OC_SUBMISSION_TYPE_OTHER, OC_RATE_PER_1000_REGISTERED_PATIENTS, "
                                  + "PATIENTS_REGISTERED, OC_PARTICIPATION, …)"),
                    APIColumn("value", .field("value"),
                              "The value: submissions, patients, a rate per 1,000 registered patients or a 1/0 flag, as the metric says; "
                                  + "NULL when the file had a suppression token or a blank"),
                    APIColumn("value_raw", .field("value_raw"), "The suppression token when value is NULL because of one"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from"),
                    APIColumn("line", .line, "The line of the file the value was read from"),
                ],
                filters: ["month", "practice", "pcn", "icb", "supplier", "metric"],
                key: ["month", "practice", "metric"]),
            APIObject(
                "online_consultations_time",
                comment: "Online consultation submissions per practice and time band, by day (day-and-time file from about November "
                    + "2025: DATE) or by month and weekday (earlier edition: MONTH and WEEKDAY, date is then the month's first day), "
                    + "the current edition of each month",
                rows: .current(datasets: [Self.dayAndTime.id]),
                columns: [
                    APIColumn("date", .field("date"),
                              "The day of the submissions (DATE); for the month-and-weekday edition, the first day of the month (MONTH)"),
                    APIColumn("month", .period, "The month the date is in (first day)"),
                    APIColumn("practice", .org, "Practice ODS code (GP_CODE)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published (GP_NAME; NULL where the file has none)"),
                    APIColumn("pcn", .field("pcn"), "PCN code as published (PCN_CODE)"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published (SUB_ICB_LOCATION_CODE)"),
                    APIColumn("supplier", .field("supplier"),
                              "The practice's online consultation supplier(s) that month, from the practice-level file of the same month "
                                  + "(NULL until that month's practice-level file is loaded)"),
                    APIColumn("per", .expression("CASE WHEN u.weekday = '' THEN 'day' ELSE 'month and weekday' END", type: "text"),
                              "What a row counts: 'day' (one day's submissions) or 'month and weekday' (all of the month's submissions "
                                  + "made on that weekday)"),
                    APIColumn("weekday", .expression("coalesce(nullif(u.weekday, ''), to_char(u.date, 'FMDay'))", type: "text"),
                              "Day of the week (Monday …): as published (WEEKDAY), else the date's"),
                    APIColumn("submission_time", .field("submission_time"), "Time band of the submissions as published (SUBMISSION_TIME)"),
                    APIColumn("total", .field("total"), "Submissions (TOTAL, or VALUE in the month-and-weekday edition); NULL when suppressed"),
                    APIColumn("clinical", .field("clinical"), "Clinical submissions (CLINICAL); NULL in the month-and-weekday edition"),
                    APIColumn("admin", .field("admin"), "Administrative submissions (ADMIN); NULL in the month-and-weekday edition"),
                    APIColumn("unknown_other", .field("unknown_other"),
                              "Other or unknown-type submissions (UNKNOWN_OTHER); NULL in the month-and-weekday edition"),
                    APIColumn("total_raw", .field("total_raw"), "The suppression token when total is NULL because of one"),
                    APIColumn("revision", .revision, "The revision whose file this row was read from"),
                    APIColumn("line", .line, "The line of the file the row was read from"),
                ],
                filters: ["date", "practice", "pcn", "supplier"],
                key: ["date", "practice", "weekday", "submission_time"]),
        ]
    }

    typealias C = CSVLayout.Column

    /// MONTH is `dd/mm/yyyy` in every file seen; ISO is accepted as the other style NHS England uses.
    static let monthFormats: [NHSDate.Format] = [.slashed, .iso]

    static let practiceLayout: CSVLayout = {
        var layout = CSVLayout(
            org: C("GP_CODE"), period: .column(C("MONTH"), formats: monthFormats),
            dimensions: [C("METRIC")], measures: [C("VALUE")],
            attributes: [C("GP_NAME"), C("PCN_CODE"), C("PCN_NAME"), C("SUB_ICB_LOCATION_CODE"), C("SUB_ICB_LOCATION_NAME"),
                         C("ICB_CODE"), C("ICB_NAME"), C("REGION_CODE"), C("REGION_NAME"), C("SUPPLIER")],
            dateFormats: monthFormats)
        // Each edition restates earlier months in the same file.
        layout.periodsInFile = .several
        return layout
    }()

    /// The month-and-weekday edition: MONTH is both the period and the row's `date`.
    static let weekdayLayout: CSVLayout = {
        var layout = CSVLayout(
            org: C("GP_CODE"), period: .column(C("MONTH"), formats: monthFormats),
            dimensions: [C("MONTH"), C("WEEKDAY"), C("SUBMISSION_TIME")],
            measures: [C("VALUE"), C("CLINICAL", required: false), C("ADMIN", required: false), C("UNKNOWN_OTHER", required: false)],
            attributes: [C("GP_NAME"), C("PCN_CODE"), C("PCN_NAME"), C("SUB_ICB_LOCATION_CODE")],
            // The hierarchy beyond the sub-ICB is the practice-level file's; the supplier is filled from it.
            ignored: [C("SUB_ICB_LOCATION_NAME"), C("ICB_CODE"), C("ICB_NAME"), C("REGION_CODE"), C("REGION_NAME"), C("SUPPLIER")],
            dateFormats: monthFormats)
        // Each edition restates earlier months in the same file.
        layout.periodsInFile = .several
        return layout
    }()

    /// The dated edition: one row per practice, day and band; no weekday (the view derives it).
    static let dailyLayout: CSVLayout = {
        var layout = CSVLayout(
            org: C("GP_CODE"), period: .column(C("DATE"), formats: monthFormats),
            dimensions: [C("DATE"), nil, C("SUBMISSION_TIME")], constantDimensions: [nil, "", nil],
            measures: [C("TOTAL"), C("CLINICAL"), C("ADMIN"), C("UNKNOWN_OTHER")],
            attributes: [C("GP_NAME", required: false), C("PCN_CODE"), C("PCN_NAME", required: false), C("SUB_ICB_LOCATION_CODE")],
            dateFormats: monthFormats)
        // Each edition restates earlier months in the same file.
        layout.periodsInFile = .several
        return layout
    }()

    /// The workbook's Table 2: one row per practice for the workbook's month, header on row 12
    /// with footnote markers (`Month [1]`, `PCN Code [2, 3]`), Month an Excel date. Its value
    /// columns are stored under the CSV's METRIC names, so a month read from the workbook
    /// answers the same `metric` filter.
    static let workbookLayout = LongLayout(
        org: C("GP Code"),
        attributes: [C("GP Name"), C("PCN Code"), C("PCN Name"), C("Sub ICB Code"), C("Sub ICB Name"), C("ICB Code"), C("ICB Name"),
                     C("Region Code"), C("Region Name"), C("Supplier")],
        period: .column(C("Month"), formats: [.iso, .slashed]),
        measureNames: [
            "Submissions": "OC_TOTAL_SUBMISSIONS", "Clinical Submissions": "OC_SUBMISSION_TYPE_CLINICAL",
            "Administrative Submissions": "OC_SUBMISSION_TYPE_ADMIN", "Other/Unknown Type Submissions": "OC_SUBMISSION_TYPE_OTHER",
            "Registered Patient Count": "PATIENTS_REGISTERED", "Rate per 1,000 Registered Patients": "OC_RATE_PER_1000_REGISTERED_PATIENTS",
            "Participation": "OC_PARTICIPATION",
        ])

    /// Table 2's header is found by its names; the rows with no month or no practice code under
    /// the table are its source line and footnotes (`Notes:` beside note 1), not practices.
    public func sheetTable(forFile name: String) -> SheetTable? {
        guard Self.workbookFiles.matches(name) else { return nil }
        return SheetTable(sheet: "Table 2", search: SheetTableReader.Search(required: ["Month", "GP Code", "Submissions"], withinRows: 40) { record, header in
            guard let month = header.index(of: "Month"), let code = header.index(of: "GP Code") else { return false }
            return record.isEmpty(month) || record.isEmpty(code) || record.string(month).hasSuffix(":")
        })
    }

    /// An edition with practice-level CSVs has its workbook's Table 2 in them (for its newest
    /// month): the workbook is read only where the edition publishes no CSV.
    public func select(editionFiles names: [String]) -> [String] {
        guard names.contains(where: Self.practiceFiles.matches) else { return names }
        return names.filter { !Self.workbookFiles.matches($0) }
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        if header.contains("GP_CODE") && header.contains("SUBMISSIONS") {
            return FileReading(
                spec: Self.practiceLevel,
                layout: CSVLayout(org: C("GP Code"), period: .column(C("Month"), formats: [.iso, .slashed]), measures: [C("Submissions")]),
                makeMapper: { header, source, period in
                    try LongMapper(spec: Self.practiceLevel, layout: Self.workbookLayout, header: header, source: source, period: period)
                })
        }
        if header.contains("METRIC") {
            return FileReading(spec: Self.practiceLevel, layout: Self.practiceLayout)
        }
        if header.contains("SUBMISSION_TIME") {
            return FileReading(spec: Self.dayAndTime, layout: header.contains("WEEKDAY") ? Self.weekdayLayout : Self.dailyLayout)
        }
        throw TransformError(.unsupported, file: fileName,
                             "not an online consultations file (no METRIC column for the practice-level file, no SUBMISSION_TIME for the day-and-time file, no GP Code and Submissions for the workbook's table)")
    }
}
