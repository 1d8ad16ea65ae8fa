import Transform

/// Patients Registered at a GP Practice (NHS England, monthly): practice totals, five-year
/// bands, single years of age by sex, and the practice → PCN → sub-ICB → ICB → region map.
/// Each file family of a month is its own dataset and revision scope.
///
/// Header editions accepted (nhs-formats.md §1d, §2): `CCG_*` (to mid-2022) and
/// `SUB_ICB_LOCATION_*`; `STP_*` and `ICB_*` in the map; the count column as
/// `NUMBER_OF_PATIENTS`, `Number of Patients` or `Number of patients`; EXTRACT_DATE as
/// `01JAN2021`, `2025-10-01`, `01Jan2022` or `01-Sep-20`. Multi-level files keep practice rows only.
public struct ListSizes: SourceDeclaration {
    public let id = "list-sizes"
    public let title = "Patients Registered at a GP Practice"
    public let listing = EditionListing.digitalNHSSeries(
        url: "https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice",
        editionSlugs: ["{month}-{yyyy}", "{mon}-{yyyy}"])
    public let periodKind = ReportingPeriod.Kind.month
    public let cadence = Cadence(every: "month", expectedAfterDays: 7, publishedWithinDays: 21)
    public let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
    public let files = [
        FileFamily("practice totals", match: ["gp-reg-pat-prac-all*.csv", "gp-reg-pat-prac-all*.zip"], datasets: ["list-sizes-all"]),
        FileFamily("five-year age bands", match: ["gp-reg-pat-prac-quin-age*.csv", "gp-reg-pat-prac-quin-age*.zip"], datasets: ["list-sizes-quin-age"]),
        FileFamily("single year of age, female", match: ["gp-reg-pat-prac-sing-age-female*.csv", "gp-reg-pat-prac-sing-age-female*.zip"],
                   datasets: ["list-sizes-sya-female"]),
        FileFamily("single year of age, male", match: ["gp-reg-pat-prac-sing-age-male*.csv", "gp-reg-pat-prac-sing-age-male*.zip"],
                   datasets: ["list-sizes-sya-male"]),
        FileFamily("practice map", match: ["gp-reg-pat-prac-map*.csv", "gp-reg-pat-prac-map*.zip"], datasets: ["practice-map"]),
    ]

    public init() {}

    static let extractDateFormats: [NHSDate.Format] = [.dayMonthNameYear, .iso, .dayMonthNameShortYear, .dayMonthNameLongYear]

    static func counts(_ id: String, _ title: String) -> DatasetSpec {
        DatasetSpec(
            id: id, source: "list-sizes", title: title, table: "list_sizes", periodKind: .month,
            dimensions: [.init("sex"), .init("age")], measures: [.init("patients", .integer)],
            attributes: [.init("sub_icb"), .init("ons_code"), .init("postcode")],
            hierarchy: HierarchyFill(from: "practice-map", columns: ["pcn", "icb", "region"], match: .latestOnOrBefore))
    }

    public static let all = counts("list-sizes-all", "Practice totals (gp-reg-pat-prac-all)")
    public static let quinary = counts("list-sizes-quin-age", "Five-year age bands (gp-reg-pat-prac-quin-age)")
    public static let singleAgeFemale = counts("list-sizes-sya-female", "Single year of age, female (gp-reg-pat-prac-sing-age-female)")
    public static let singleAgeMale = counts("list-sizes-sya-male", "Single year of age, male (gp-reg-pat-prac-sing-age-male)")
    public static let map = DatasetSpec(
        id: "practice-map", source: "list-sizes", title: "Practice to PCN, sub-ICB, ICB and region map (gp-reg-pat-prac-map)",
        table: "practice_map", periodKind: .month, dimensions: [],
        measures: ["practice_name", "practice_postcode", "pcn", "pcn_name", "sub_icb", "ons_sub_icb", "sub_icb_name",
                   "icb", "ons_icb", "icb_name", "region", "ons_region", "region_name", "supplier"].map { .init($0) })

    public var datasets: [DatasetSpec] { [Self.all, Self.quinary, Self.singleAgeFemale, Self.singleAgeMale, Self.map] }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "list_sizes",
                comment: "Registered patients per practice and month, by sex and age (Patients Registered at a GP Practice: "
                    + "gp-reg-pat-prac-all, -quin-age, -sing-age-female, -sing-age-male), the current edition of each month",
                rows: .current(datasets: [Self.all.id, Self.quinary.id, Self.singleAgeFemale.id, Self.singleAgeMale.id]),
                columns: [
                    APIColumn("month", .period, "The month the counts are for (first day; EXTRACT_DATE)"),
                    APIColumn("org_type", .expression("'GP'::text", type: "text"), "Organisation level: GP (practice rows only)"),
                    APIColumn("org", .org, "Practice ODS code"),
                    APIColumn("sex", .field("sex"), "MALE, FEMALE or ALL, as published"),
                    APIColumn("age", .field("age"), "Age as published: a single year (0–94, 95+), a five-year band, or ALL"),
                    APIColumn("patients", .field("patients"), "Registered patients (persons); NULL when suppressed"),
                    APIColumn("pcn", .field("pcn"), "The practice's PCN code, from the practice map of the month (or the newest before it)"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code as published in the file"),
                    APIColumn("icb", .field("icb"), "ICB code, from the practice map"),
                    APIColumn("region", .field("region"), "NHS England commissioning region code, from the practice map"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from (etl.revision_log)"),
                    APIColumn("dataset", .dataset, "Which file family: list-sizes-all, -quin-age, -sya-female or -sya-male"),
                    APIColumn("postcode", .field("postcode"), "The practice's postcode as published"),
                    APIColumn("patients_raw", .field("patients_raw"), "The suppression token when patients is NULL because of one"),
                    APIColumn("line", .line, "The line of the file the value was read from"),
                ],
                filters: ["month", "org", "pcn", "sub_icb", "icb", "region"],
                key: ["dataset", "month", "org", "sex", "age"]),
        ]
    }

    typealias C = CSVLayout.Column
    static let patients = C("NUMBER_OF_PATIENTS", "Number of Patients", "Number of patients")
    static let extractDate = CSVLayout.PeriodRule.column(C("EXTRACT_DATE"), formats: extractDateFormats)
    static let subICB = C("SUB_ICB_LOCATION_CODE", "CCG_CODE")
    static let onsSubICB = C("ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE")

    static let allLayout = CSVLayout(
        org: C("CODE"), period: extractDate, dimensions: [C("SEX"), C("AGE")], measures: [patients],
        attributes: [subICB, onsSubICB, C("POSTCODE")], ignored: [C("PUBLICATION")],
        filters: [.init(C("TYPE", "ORG_TYPE"), keep: ["GP"])])

    static let quinaryLayout = CSVLayout(
        org: C("ORG_CODE"), period: extractDate, dimensions: [C("SEX"), C("AGE_GROUP_5")], measures: [patients],
        attributes: [C("SUB_ICB_LOCATION_CODE", "CCG_CODE", required: false), C("ONS_CODE", "ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE"), C("POSTCODE")],
        ignored: [C("PUBLICATION")], filters: [.init(C("ORG_TYPE"), keep: ["GP"])])

    static let singleAgeLayout = CSVLayout(
        org: C("ORG_CODE"), period: extractDate, dimensions: [C("SEX"), C("AGE")], measures: [patients],
        attributes: [C("SUB_ICB_LOCATION_CODE", "CCG_CODE", required: false), C("ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE", "ONS_CODE", required: false), C("POSTCODE")],
        ignored: [C("PUBLICATION")], filters: [.init(C("ORG_TYPE"), keep: ["GP"])])

    static let mapLayout = CSVLayout(
        org: C("PRACTICE_CODE"), period: extractDate,
        measures: [
            C("PRACTICE_NAME"), C("PRACTICE_POSTCODE"), C("PCN_CODE"), C("PCN_NAME"),
            C("SUB_ICB_LOCATION_CODE", "CCG_CODE"), C("ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE"), C("SUB_ICB_LOCATION_NAME", "CCG_NAME"),
            // The STP was the ICB's predecessor (2016–2022); its codes fill the ICB columns for CCG-era maps.
            C("ICB_CODE", "STP_CODE"), C("ONS_ICB_CODE", "ONS_STP_CODE"), C("ICB_NAME", "STP_NAME"),
            C("COMM_REGION_CODE"), C("ONS_COMM_REGION_CODE"), C("COMM_REGION_NAME"), C("SUPPLIER_NAME", required: false),
        ],
        ignored: [C("PUBLICATION")])

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let name = fileName.lowercased()
        let header = Set(firstRecord.map(CSVLayout.normalize))
        if name.contains("quin-age") || (header.contains("AGE_GROUP_5") && !name.contains("sing-age")) {
            return FileReading(spec: Self.quinary, layout: Self.quinaryLayout)
        }
        if name.contains("sing-age-female") { return FileReading(spec: Self.singleAgeFemale, layout: Self.singleAgeLayout) }
        if name.contains("sing-age-male") { return FileReading(spec: Self.singleAgeMale, layout: Self.singleAgeLayout) }
        if name.contains("prac-map") || header.contains("PRACTICE_CODE") && header.contains("PCN_CODE") {
            return FileReading(spec: Self.map, layout: Self.mapLayout)
        }
        if name.contains("prac-all") || header.contains("CODE") && header.contains("TYPE") {
            return FileReading(spec: Self.all, layout: Self.allLayout)
        }
        throw TransformError(
            .unsupported, file: fileName,
            "not a Patients Registered file this loader knows (expected gp-reg-pat-prac-all, -quin-age, -sing-age-female, -sing-age-male or -map)")
    }
}
