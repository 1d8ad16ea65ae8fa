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
/// not attributed to one. They are not practice rows (no practice code), and no real one has been
/// seen to give their layout, so they are kept apart: `wants(entryName:)` leaves them out and the
/// loader logs each one left out, rather than refusing an edition over a guessed layout.
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
    public let files = [Self.answeredFiles, Self.timeFiles, Self.durationFiles]

    static let answeredFiles = FileFamily(
        "calls answered metric (practice, month, indicator)",
        match: ["*Calls Answered Metric*.zip", "*Calls Answered Metric*.csv"], datasets: ["cloud-telephony"])
    static let timeFiles = FileFamily(
        "by day and time (practice, day, indicator, time band)",
        match: ["*By Day and Time*.zip", "*By Day and Time*.csv"], datasets: ["cloud-telephony-time"])
    static let durationFiles = FileFamily(
        "by durations (practice, day, indicator, duration band)",
        match: ["*By Durations*.zip", "*By Durations*.csv"], datasets: ["cloud-telephony-durations"])

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

    public var datasets: [DatasetSpec] { [Self.practiceLevel, Self.dayAndTime, Self.durations] }

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

    /// Unmapped accounts are not practices: their files are skipped (and logged as such).
    public func wants(entryName: String) -> Bool {
        Self.isCSV(entryName) && !Self.baseName(entryName).lowercased().contains("unmapped")
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        if header.contains("DURATION") {
            return FileReading(spec: Self.durations, layout: Self.durationsLayout)
        }
        if !header.isDisjoint(with: ["TIME_BAND", "TIMEBAND", "TIME", "TIME_PERIOD", "HOUR"]) {
            return FileReading(spec: Self.dayAndTime, layout: Self.dayAndTimeLayout)
        }
        // With no band column, a file of practice, month and indicator is the calls-answered file.
        if header.contains("INDICATOR") {
            return FileReading(spec: Self.practiceLevel, layout: Self.answeredLayout)
        }
        throw TransformError(.unsupported, file: fileName,
                             "not a cloud based telephony file (no Duration column for the durations file, no time band for the day-and-time file, no Indicator column for the calls answered file)")
    }
}
