import Transform

/// Appointments in General Practice (NHS England, monthly): the practice-level crosstab.
///
/// Each monthly zip (`Practice_Level_Crosstab_<Mon>_<YY>.zip`) restates the last three months,
/// one CSV per month or, some months, one per region group
/// (`Practice_Level_Crosstab_London_East_South_Oct_25.csv` + `…_Midlands_North_Oct_25.csv`),
/// beside a `Mapping.csv` that is not practice-by-month data. The month comes from each row's
/// `APPOINTMENT_MONTH_START_DATE` (`01OCT2025`), so one zip updates three monthly scopes: a
/// restated month whose rows did not change writes nothing; one that changed becomes a
/// revision of that month alone (nhs-formats.md §3a). Category values are kept byte-exact
/// (`8  to 14 Days` has two spaces). A blank count is NULL.
public struct Appointments: SourceDeclaration {
    public let id = "gp-appointments"
    public let title = "Appointments in General Practice"
    public let listing = EditionListing.digitalNHSSeries(
        url: "https://digital.nhs.uk/data-and-information/publications/statistical/appointments-in-general-practice",
        editionSlugs: ["{month}-{yyyy}", "{mon}-{yyyy}"])
    public let periodKind = ReportingPeriod.Kind.month
    public let cadence = Cadence(every: "month", expectedAfterDays: 50, publishedWithinDays: 65)
    public let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
    public let files = [
        FileFamily("practice-level crosstab", match: ["Practice_Level_Crosstab*.zip", "Practice_Level_Crosstab*.csv"], datasets: ["gp-appointments"]),
    ]

    public init() {}

    public static let practiceLevel = DatasetSpec(
        id: "gp-appointments", source: "gp-appointments", title: "Appointments per practice, month and category (Practice_Level_Crosstab)",
        table: "gp_appointments", periodKind: .month,
        dimensions: ["hcp_type", "appt_mode", "national_category", "time_between_book_and_appt", "appt_status"].map { .init($0) },
        measures: [.init("count", .count)],
        attributes: ["practice_name", "supplier", "pcn", "pcn_name", "sub_icb", "sub_icb_name"].map { .init($0) },
        hierarchy: HierarchyFill(from: "practice-map", columns: ["icb", "region"], match: .latestOnOrBefore),
        // Appointments swing with the seasons (August to September is about +20 %, December
        // about -20 %): only a change of half or more, or a tenth of practices gone, is refused.
        gate: QualityGate(maxOrganisationDrop: 0.10, maxTotalChange: 0.50))

    public var datasets: [DatasetSpec] { [Self.practiceLevel] }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "gp_appointments",
                comment: "Appointments per practice, month and category (Appointments in General Practice, Practice_Level_Crosstab), "
                    + "the current edition of each month (a month restated by a later zip is the later one)",
                rows: .current(datasets: [Self.practiceLevel.id]),
                columns: [
                    APIColumn("month", .period, "The month of the appointments (first day; APPOINTMENT_MONTH_START_DATE)"),
                    APIColumn("practice", .org, "Practice ODS code (GP_CODE)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published (GP_NAME)"),
                    APIColumn("supplier", .field("supplier"), "GP system supplier as published (SUPPLIER)"),
                    APIColumn("pcn", .field("pcn"), "PCN code as published (PCN_CODE)"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published (SUB_ICB_LOCATION_CODE, formerly CCG_CODE)"),
                    APIColumn("icb", .field("icb"), "ICB code, from the practice map of the month (or the newest before it)"),
                    APIColumn("region", .field("region"), "NHS England region code, from the practice map"),
                    APIColumn("hcp_type", .field("hcp_type"), "Health care professional type, byte-exact as published"),
                    APIColumn("appt_mode", .field("appt_mode"), "Appointment mode (face-to-face, telephone, …) as published"),
                    APIColumn("national_category", .field("national_category"), "National appointment category as published"),
                    APIColumn("time_between_book_and_appt", .field("time_between_book_and_appt"), "Booking-to-appointment interval band as published"),
                    APIColumn("appt_status", .field("appt_status"), "Attended, DNA or Unknown, as published"),
                    APIColumn("count", .field("count"), "Number of appointments; NULL when the published count was blank"),
                    APIColumn("count_raw", .field("count_raw"), "The suppression token when count is NULL because of one"),
                    APIColumn("revision", .revision, "The revision whose file this count was read from"),
                    APIColumn("line", .line, "The line of the file the count was read from"),
                ],
                filters: ["month", "practice", "pcn", "sub_icb", "icb", "region", "supplier"],
                key: ["month", "practice", "line"]),
            APIObject(
                "gp_appointments_practice_months",
                comment: "One row per practice and month of api.gp_appointments, without its rows: how many rows the practice's "
                    + "crosstab held and the appointments they add up to, from totals kept with each practice-month, so counts "
                    + "and sums over a PCN, sub-ICB, ICB or region read one row per practice",
                rows: .currentSegments(datasets: [Self.practiceLevel.id]),
                columns: [
                    APIColumn("month", .period, "The month of the appointments (first day)"),
                    APIColumn("practice", .org, "Practice ODS code (GP_CODE)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published (GP_NAME)"),
                    APIColumn("supplier", .field("supplier"), "GP system supplier as published (SUPPLIER)"),
                    APIColumn("pcn", .field("pcn"), "PCN code as published (PCN_CODE)"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published"),
                    APIColumn("icb", .field("icb"), "ICB code, from the practice map of the month (or the newest before it)"),
                    APIColumn("region", .field("region"), "NHS England region code, from the practice map"),
                    APIColumn("row_count", .rowCount, "Rows of api.gp_appointments for this practice and month"),
                    APIColumn("appointments", .total("count"), "Sum of count over those rows (blank counts add nothing); NULL when every count was blank"),
                    APIColumn("revision", .revision, "The revision whose file these rows were read from"),
                ],
                filters: ["month", "practice", "pcn", "sub_icb", "icb", "region", "supplier"],
                key: ["month", "practice"]),
        ]
    }

    typealias C = CSVLayout.Column
    /// One month per CSV; the zip on a month's page restates the two months before it.
    static let layout: CSVLayout = {
        var layout = CSVLayout(
            org: C("GP_CODE"), period: .column(C("APPOINTMENT_MONTH_START_DATE"), formats: [.dayMonthNameYear, .iso, .dayMonthNameShortYear]),
            dimensions: [C("HCP_TYPE"), C("APPT_MODE"), C("NATIONAL_CATEGORY"), C("TIME_BETWEEN_BOOK_AND_APPT"), C("APPT_STATUS")],
            measures: [C("COUNT_OF_APPOINTMENTS")],
            attributes: [C("GP_NAME"), C("SUPPLIER"), C("PCN_CODE"), C("PCN_NAME"), C("SUB_ICB_LOCATION_CODE", "CCG_CODE"),
                         C("SUB_ICB_LOCATION_NAME", "CCG_NAME")])
        layout.periodsInFile = .oneRestated
        return layout
    }()

    /// Practice-level crosstab CSVs only: `Mapping.csv` and any other CSV in the zip are left alone.
    public func wants(entryName: String) -> Bool {
        Self.isCSV(entryName) && Self.baseName(entryName).lowercased().hasPrefix("practice_level_crosstab")
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        guard header.contains("GP_CODE") && header.contains("COUNT_OF_APPOINTMENTS") else {
            throw TransformError(.unsupported, file: fileName,
                                 "not a practice-level appointments crosstab (no GP_CODE and COUNT_OF_APPOINTMENTS columns)")
        }
        return FileReading(spec: Self.practiceLevel, layout: Self.layout)
    }
}
