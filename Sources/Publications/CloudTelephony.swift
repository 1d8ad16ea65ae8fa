import Transform

/// Cloud Based Telephony in General Practice (NHS England, monthly; official statistics in
/// development, series from October 2024; nhs-formats.md §8).
///
/// Each month's page has zips whose names say "By Day and Time", "By Durations" and "Calls
/// Answered Metric"; the CSVs inside are long (one row per practice, indicator and band, codes
/// `CBT001` inbound calls, `CBT002` ended in the IVR, `CBT003` answered, …). The publisher's
/// own code strips whitespace from header names, so names are matched normalised (` Date `
/// reads as `DATE`). Three datasets, each a monthly revision scope:
///
/// - `cloud-telephony`: the calls-answered file, one value per practice, month and indicator.
/// - `cloud-telephony-time` and `cloud-telephony-durations`: the day-and-time and durations
///   files, one value per practice, day, indicator and band, in one table; `breakdown` says
///   which file's band (`day and time` or `duration`) so the two never collide on one key.
///
/// The zips also hold "unmapped" files: telephony accounts that cover several practices and are
/// not attributed to one (an `ACCOUNT_ID`, no practice code). They are kept apart from the
/// practice rows as their own datasets (`cloud-telephony-unmapped*`, one per file family, in one
/// table with the same `breakdown` rule), served by `api.cloud_telephony_unmapped`; no real one
/// has been seen, so their layout is the modelled one (Fixtures/publisher/README.md).
///
/// Where an edition publishes only its summary workbook (`Cloud Based Telephony Publication
/// Summary <Month YYYY>.xlsx`), its Table 3 (practice call outcomes: header found by content,
/// `Count`/`%` second header row, a national `Total` row first) is read into the calls-answered
/// dataset, its count columns stored under the CSV's indicator codes; its percentages are
/// derivable and not stored, and Tables 4 and 5 (wait-time and duration bands per practice for
/// the month, which no dataset holds at that grain) are not read.
///
/// The files carry PCN and sub-ICB codes but no ICB: the ICB comes from the practice map of the
/// month (or the newest before it), as for appointments.
public struct CloudTelephony: SourceDeclaration {
    public let id = "cloud-telephony"
    public let title = "Cloud Based Telephony in General Practice"
    public let listing = EditionListing.digitalNHSSeries(
        url: "https://digital.nhs.uk/data-and-information/publications/statistical/cloud-based-telephony-data-in-general-practice",
        editionSlugs: ["{month}-{yyyy}", "{mon}-{yyyy}"])
    public let periodKind = ReportingPeriod.Kind.month
    public let cadence = Cadence(every: "month", expectedAfterDays: 50, publishedWithinDays: 70)
    public let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
    public let files = [Self.answeredFiles, Self.timeFiles, Self.durationFiles, Self.workbookFiles]

    static let answeredFiles = FileFamily(
        "calls answered metric (practice, month, indicator)",
        match: ["*Calls Answered Metric*.zip", "*Calls Answered Metric*.csv"], datasets: ["cloud-telephony", "cloud-telephony-unmapped"])
    static let timeFiles = FileFamily(
        "by day and time (practice, day, indicator, time band)",
        match: ["*By Day and Time*.zip", "*By Day and Time*.csv"], datasets: ["cloud-telephony-time", "cloud-telephony-unmapped-time"])
    static let durationFiles = FileFamily(
        "by durations (practice, day, indicator, duration band)",
        match: ["*By Durations*.zip", "*By Durations*.csv"], datasets: ["cloud-telephony-durations", "cloud-telephony-unmapped-durations"])
    static let workbookFiles = FileFamily(
        "summary workbook (Table 3, practice call outcomes), read where the edition publishes no calls answered file",
        match: ["Cloud Based Telephony Publication Summary *.xlsx"], datasets: ["cloud-telephony"])

    public init() {}

    public static let practiceLevel = DatasetSpec(
        id: "cloud-telephony", source: "cloud-telephony",
        title: "Cloud based telephony calls per practice, month and indicator (Calls Answered Metric file)",
        table: "cloud_telephony", periodKind: .month,
        dimensions: [.init("indicator")], measures: [.init("value", .decimal)],
        attributes: ["pcn", "sub_icb"].map { .init($0) },
        suppressionTokens: ["*", "NA", "N/A", "-"],
        hierarchy: HierarchyFill(from: "practice-map", columns: ["icb"], match: .latestOnOrBefore))

    /// The day-and-time and durations files are two revision scopes (each holds every practice
    /// of the month, and a practice-month is read from one file of a dataset) sharing one table
    /// of one shape: `breakdown` keeps their rows apart.
    static func bands(_ id: String, _ file: String) -> DatasetSpec {
        DatasetSpec(
            id: id, source: "cloud-telephony",
            title: "Cloud based telephony calls per practice, day, indicator and \(file) band (\(file) file)",
            table: "cloud_telephony_time", periodKind: .month,
            dimensions: [.init("date", .date), .init("indicator"), .init("breakdown"), .init("dimension")],
            measures: [.init("value", .decimal)],
            attributes: ["pcn", "sub_icb"].map { .init($0) },
            suppressionTokens: ["*", "NA", "N/A", "-"],
            hierarchy: HierarchyFill(from: "practice-map", columns: ["icb"], match: .latestOnOrBefore))
    }

    public static let dayAndTime = bands("cloud-telephony-time", "By Day and Time")
    public static let durations = bands("cloud-telephony-durations", "By Durations")

    /// Accounts not mapped to a practice, one dataset per file family (an account is in all
    /// three files of a month) sharing one table; `breakdown` keeps the families' rows apart.
    static func unmapped(_ id: String, _ file: String) -> DatasetSpec {
        DatasetSpec(
            id: id, source: "cloud-telephony",
            title: "Cloud based telephony calls of accounts not mapped to a practice (\(file) unmapped file)",
            table: "cloud_telephony_unmapped", periodKind: .month,
            dimensions: [.init("date", .date), .init("indicator"), .init("breakdown"), .init("dimension")],
            measures: [.init("value", .decimal)],
            attributes: [.init("sub_icb")],
            suppressionTokens: ["*", "NA", "N/A", "-"])
    }

    public static let unmappedAnswered = unmapped("cloud-telephony-unmapped", "Calls Answered Metric")
    public static let unmappedTime = unmapped("cloud-telephony-unmapped-time", "By Day and Time")
    public static let unmappedDurations = unmapped("cloud-telephony-unmapped-durations", "By Durations")

    public var datasets: [DatasetSpec] {
        [Self.practiceLevel, Self.dayAndTime, Self.durations, Self.unmappedAnswered, Self.unmappedTime, Self.unmappedDurations]
    }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "cloud_telephony",
                comment: "Cloud based telephony calls per practice, month and indicator (Cloud Based Telephony in General Practice: "
                    + "the Calls Answered Metric CSV), the current revision of each month; accounts not mapped to a practice are not here",
                rows: .current(datasets: [Self.practiceLevel.id]),
                columns: [
                    APIColumn("month", .period, "The month of the calls (first day)"),
                    APIColumn("practice", .org, "Practice ODS code (PRACTICE_CODE)"),
                    APIColumn("pcn", .field("pcn"), "PCN code as published (PCN_CODE; NULL where the file has none)"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published (SUB_ICB_LOCATION_CODE)"),
                    APIColumn("icb", .field("icb"), "ICB code, from the practice map of the month (or the newest before it); NULL when none is loaded"),
                    APIColumn("indicator", .field("indicator"),
                              "Indicator code as published (Indicator: CBT001 inbound calls, CBT002 calls ended in the IVR, CBT003 calls answered, …)"),
                    APIColumn("value", .field("value"), "Number of calls for the indicator; NULL when the file had a suppression token or a blank"),
                    APIColumn("value_raw", .field("value_raw"), "The suppression token when value is NULL because of one"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from"),
                    APIColumn("line", .line, "The line of the file the value was read from"),
                ],
                filters: ["month", "practice", "pcn", "icb", "indicator"],
                key: ["month", "practice", "indicator"]),
            APIObject(
                "cloud_telephony_time",
                comment: "Cloud based telephony calls per practice, day, indicator and band (Cloud Based Telephony in General Practice: "
                    + "the By Day and Time CSV, bands of the time of day, and the By Durations CSV, bands of wait or call length with a "
                    + "TOTAL band), the current revision of each month; accounts not mapped to a practice are not here",
                rows: .current(datasets: [Self.dayAndTime.id, Self.durations.id]),
                columns: [
                    APIColumn("date", .field("date"), "The day of the calls (Date)"),
                    APIColumn("month", .period, "The month the date is in (first day)"),
                    APIColumn("practice", .org, "Practice ODS code (PRACTICE_CODE)"),
                    APIColumn("pcn", .field("pcn"), "PCN code as published (PCN_CODE; NULL in the durations file, which has none)"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published (SUB_ICB_LOCATION_CODE; NULL where the file has none)"),
                    APIColumn("icb", .field("icb"), "ICB code, from the practice map of the month (or the newest before it); NULL when none is loaded"),
                    APIColumn("indicator", .field("indicator"), "Indicator code as published (Indicator: CBT001, CBT002, CBT003, …)"),
                    APIColumn("breakdown", .field("breakdown"),
                              "Which file and band kind the row is from: 'day and time' (By Day and Time) or 'duration' (By Durations)"),
                    APIColumn("dimension", .field("dimension"),
                              "The band as published: a time of day band (By Day and Time) or a duration band, TOTAL for all (By Durations)"),
                    APIColumn("value", .field("value"), "Number of calls; NULL when the file had a suppression token or a blank"),
                    APIColumn("value_raw", .field("value_raw"), "The suppression token when value is NULL because of one"),
                    APIColumn("revision", .revision, "The revision whose file this row was read from"),
                    APIColumn("line", .line, "The line of the file the row was read from"),
                ],
                filters: ["month", "practice", "pcn", "icb", "indicator", "dimension"],
                key: ["date", "practice", "indicator", "breakdown", "dimension"]),
            APIObject(
                "cloud_telephony_unmapped",
                comment: "Cloud based telephony calls of telephony accounts not mapped to a practice (an account covering several "
                    + "practices), from the unmapped files beside each month's Calls Answered Metric, By Day and Time and By Durations "
                    + "CSVs; kept apart from the practice rows; the current revision of each month",
                rows: .current(datasets: [Self.unmappedAnswered.id, Self.unmappedTime.id, Self.unmappedDurations.id]),
                columns: [
                    APIColumn("month", .period, "The month of the calls (first day)"),
                    APIColumn("account", .org, "The telephony account as published (ACCOUNT_ID); not a practice code"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published (SUB_ICB_LOCATION_CODE; NULL where the file has none)"),
                    APIColumn("date", .field("date"), "The day of the calls (Date; the month's first day in the calls answered file)"),
                    APIColumn("indicator", .field("indicator"), "Indicator code as published (Indicator: CBT001, CBT002, CBT003, …)"),
                    APIColumn("breakdown", .field("breakdown"),
                              "Which unmapped file the row is from: 'calls answered' (a monthly value), 'day and time' or 'duration'"),
                    APIColumn("dimension", .field("dimension"),
                              "The band as published (a time of day or duration band, TOTAL for all durations); empty for calls answered"),
                    APIColumn("value", .field("value"), "Number of calls; NULL when the file had a suppression token or a blank"),
                    APIColumn("value_raw", .field("value_raw"), "The suppression token when value is NULL because of one"),
                    APIColumn("revision", .revision, "The revision whose file this row was read from"),
                    APIColumn("line", .line, "The line of the file the row was read from"),
                ],
                filters: ["month", "account", "indicator"],
                key: ["date", "account", "indicator", "breakdown", "dimension"]),
        ]
    }

    typealias C = CSVLayout.Column

    /// Dates are ISO in the files modelled here; `dd/mm/yyyy` is the other style NHS England uses.
    static let dateFormats: [NHSDate.Format] = [.iso, .slashed]

    static let answeredLayout = CSVLayout(
        org: C("PRACTICE_CODE"), period: .column(C("DATE", "MONTH"), formats: dateFormats),
        dimensions: [C("INDICATOR")], measures: [C("VALUE")],
        attributes: [C("PCN_CODE", required: false), C("SUB_ICB_LOCATION_CODE", required: false)],
        dateFormats: dateFormats)

    /// The time-band column's name is not documented; the spellings seen in similar files.
    static let dayAndTimeLayout = CSVLayout(
        org: C("PRACTICE_CODE"), period: .column(C("DATE"), formats: dateFormats),
        dimensions: [C("DATE"), C("INDICATOR"), nil, C("TIME_BAND", "TIMEBAND", "TIME", "TIME_PERIOD", "HOUR")],
        constantDimensions: [nil, nil, "day and time", nil],
        measures: [C("VALUE")],
        attributes: [C("PCN_CODE", required: false), C("SUB_ICB_LOCATION_CODE", required: false)],
        dateFormats: dateFormats)

    static let durationsLayout = CSVLayout(
        org: C("PRACTICE_CODE"), period: .column(C("DATE"), formats: dateFormats),
        dimensions: [C("DATE"), C("INDICATOR"), nil, C("DURATION")],
        constantDimensions: [nil, nil, "duration", nil],
        measures: [C("VALUE")],
        attributes: [C("PCN_CODE", required: false), C("SUB_ICB_LOCATION_CODE", required: false)],
        dateFormats: dateFormats)

    /// The unmapped accounts' layouts (modelled): the practice file's with `ACCOUNT_ID` for the
    /// practice and no PCN.
    static func unmappedLayout(band: CSVLayout.Column?, breakdown: String) -> CSVLayout {
        CSVLayout(
            org: C("ACCOUNT_ID"), key: .code, period: .column(C("DATE"), formats: dateFormats),
            dimensions: [C("DATE"), C("INDICATOR"), nil, band], constantDimensions: [nil, nil, breakdown, band == nil ? "" : nil],
            measures: [C("VALUE")],
            attributes: [C("SUB_ICB_LOCATION_CODE", required: false)],
            dateFormats: dateFormats)
    }

    /// Table 3 of the summary workbook: names as cleaned (footnote markers gone, line breaks one
    /// space) with the second header row's `Count`/`%` appended; counts stored under the CSV's
    /// indicator codes, percentages and the hierarchy's names left out (the ICB comes from the
    /// practice map, as for the CSV).
    static let workbookLayout = LongLayout(
        org: C("GP Practice (ODS_CODE)"),
        attributes: [C("PCN Code"), C("Sub ICB Code")],
        ignored: [C("GP Name"), C("PCN Name"), C("Sub ICB Name"), C("ICB Code"), C("ICB Name"), C("Region Code"), C("Region Name"),
                  C("Answered %"), C("Ended during the IVR Stage %"), C("Missed %"), C("Call back requested %"), C("Call back made %")],
        period: .column(C("Month"), formats: [.iso, .slashed]),
        measureNames: [
            "Count of Inbound calls Total": "CBT001", "Ended during the IVR Stage Count": "CBT002", "Answered Count": "CBT003",
            "Missed Count": "CBT004", "Call back requested Count": "CBT005", "Call back made Count": "CBT006",
        ])

    /// Table 3's header is found by its names; the national `Total` row, blank-code rows and
    /// the notes under the table are not practices.
    public func sheetTable(forFile name: String) -> SheetTable? {
        guard Self.workbookFiles.matches(name) else { return nil }
        return SheetTable(sheet: "Table 3", search: SheetTableReader.Search(
            required: ["Month", "GP Practice (ODS_CODE)", "Answered"], withinRows: 40, subHeadings: ["Count", "%", "Total"]) { record, header in
            guard let month = header.index(of: "Month"), let code = header.index(of: "GP Practice (ODS_CODE)") else { return false }
            return record.isEmpty(month) || record.isEmpty(code) || record.string(code) == "Total" || record.string(month).hasSuffix(":")
        })
    }

    /// An edition with a calls answered file has Table 3's figures in it: the workbook is read
    /// only where the edition publishes no such file.
    public func select(editionFiles names: [String]) -> [String] {
        guard names.contains(where: Self.answeredFiles.matches) else { return names }
        return names.filter { !Self.workbookFiles.matches($0) }
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        let bands = ["TIME_BAND", "TIMEBAND", "TIME", "TIME_PERIOD", "HOUR"]
        if header.contains("ACCOUNT_ID") {
            if header.contains("DURATION") {
                return FileReading(spec: Self.unmappedDurations, layout: Self.unmappedLayout(band: C("DURATION"), breakdown: "duration"))
            }
            if !header.isDisjoint(with: bands) {
                return FileReading(spec: Self.unmappedTime,
                                   layout: Self.unmappedLayout(band: C("TIME_BAND", "TIMEBAND", "TIME", "TIME_PERIOD", "HOUR"), breakdown: "day and time"))
            }
            return FileReading(spec: Self.unmappedAnswered, layout: Self.unmappedLayout(band: nil, breakdown: "calls answered"))
        }
        if header.contains("GP_PRACTICE_ODS_CODE") {
            return FileReading(
                spec: Self.practiceLevel,
                layout: CSVLayout(org: C("GP Practice (ODS_CODE)"), period: .column(C("Month"), formats: [.iso, .slashed]), measures: [C("Answered Count")]),
                makeMapper: { header, source, period in
                    try LongMapper(spec: Self.practiceLevel, layout: Self.workbookLayout, header: header, source: source, period: period)
                })
        }
        if header.contains("DURATION") {
            return FileReading(spec: Self.durations, layout: Self.durationsLayout)
        }
        if !header.isDisjoint(with: bands) {
            return FileReading(spec: Self.dayAndTime, layout: Self.dayAndTimeLayout)
        }
        // With no band column, a file of practice, month and indicator is the calls-answered file.
        if header.contains("INDICATOR") {
            return FileReading(spec: Self.practiceLevel, layout: Self.answeredLayout)
        }
        throw TransformError(.unsupported, file: fileName,
                             "not a cloud based telephony file (no Duration column for the durations file, no time band for the day-and-time file, no Indicator column for the calls answered file, no GP Practice (ODS_CODE) for the summary workbook's Table 3)")
    }
}
