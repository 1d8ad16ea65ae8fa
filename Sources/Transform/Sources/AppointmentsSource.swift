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
public struct AppointmentsSource: SourceDefinition {
    public let id = "gp-appointments"
    public let title = "Appointments in General Practice"

    public init() {}

    public static let practiceLevel = DatasetSpec(
        id: "gp-appointments", source: "gp-appointments", title: "Appointments per practice, month and category (Practice_Level_Crosstab)",
        table: "gp_appointments", periodKind: .month,
        dimensions: ["hcp_type", "appt_mode", "national_category", "time_between_book_and_appt", "appt_status"].map { .init($0) },
        measures: [.init("count", .integer)],
        attributes: ["practice_name", "supplier", "pcn", "pcn_name", "sub_icb", "sub_icb_name"].map { .init($0) })

    public var datasets: [DatasetSpec] { [Self.practiceLevel] }

    typealias C = CSVLayout.Column
    static let layout = CSVLayout(
        org: C("GP_CODE"), period: .column(C("APPOINTMENT_MONTH_START_DATE"), formats: [.dayMonthNameYear, .iso, .dayMonthNameShortYear]),
        dimensions: [C("HCP_TYPE"), C("APPT_MODE"), C("NATIONAL_CATEGORY"), C("TIME_BETWEEN_BOOK_AND_APPT"), C("APPT_STATUS")],
        measures: [C("COUNT_OF_APPOINTMENTS")],
        attributes: [C("GP_NAME"), C("SUPPLIER"), C("PCN_CODE"), C("PCN_NAME"), C("SUB_ICB_LOCATION_CODE", "CCG_CODE"),
                     C("SUB_ICB_LOCATION_NAME", "CCG_NAME")])

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
