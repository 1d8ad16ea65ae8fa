import Transform

/// GP Patient Survey (Ipsos for NHS England): practice results once a year (fieldwork January–April,
/// published about July), one weighted practice CSV per survey year, linked from the survey's own
/// download page `https://www.gp-patient.co.uk/SurveysAndReports` (not digital.nhs.uk; nhs-formats.md §6).
///
/// The files are wide (hundreds of columns) and stored long, like NHS Payments: one row per
/// practice, survey year and published column, the column name as `measure`. Question numbers move
/// between years (trust is Q22 in 2017, Q89 later) and the 2024 questionnaire is a new one whose
/// columns are named otherwise (`overallexp.pcteval`, dots inside names), so measures are kept as
/// published and never mapped across years. Percentages are fractions 0–1 as published; response
/// counts (`received`, `Q28base`, `….baseevalw`) are measures beside them.
///
/// Two header editions: 2017–2023 (`Practice_Code, Practice_Name, CCG_Code, CCG_Name, [ICS_Code,
/// ICS_Name in 2022–23,] STP_Code, STP_Name, CR_Code, CR_Name, distributed, received, resprate, Q…`)
/// and 2024 on (`ad_practicecode, ad_practicename, …`). Suppressed and not-applicable results are
/// negative sentinels in the CSV: NULL, the sentinel kept in `value_raw`.
public struct GPPatientSurvey: SourceDeclaration {
    public let id = "gp-patient-survey"
    public let title = "GP Patient Survey (practice results)"
    public let listing = EditionListing.downloadPage(DownloadPageListing(
        url: "https://www.gp-patient.co.uk/SurveysAndReports", periodTemplates: ["gpps_{yyyy}_*"]))
    public let periodKind = ReportingPeriod.Kind.surveyYear
    /// The survey year's results appear in July (about 190 days after 1 January).
    public let cadence = Cadence(every: "year", expectedAfterDays: 190, publishedWithinDays: 230)
    public let hosts = ["www.gp-patient.co.uk", "gp-patient.co.uk"]
    public let files = [
        FileFamily("weighted practice data (csv)", match: ["GPPS_*_Practice_data_(weighted)_(csv)*.csv"], datasets: ["gpps-practices"]),
    ]

    public init() {}

    /// The negative sentinels seen in the survey's CSVs for a suppressed (fewer than 10
    /// respondents, or a small count in a small practice) or not-applicable result. No result of
    /// the survey is negative, so every negative number is read as a sentinel, listed here or
    /// not (`negativeIsSuppressed`): NULL, the number kept as published in `value_raw`.
    static let sentinels: Set<String> = ["-97", "-98", "-99", "-999"]

    public static let practices = DatasetSpec(
        id: "gpps-practices", source: "gp-patient-survey",
        title: "GP Patient Survey results per practice and published column (GPPS_<yyyy>_Practice_data_(weighted)_(csv)), stored long",
        table: "gp_patient_survey", periodKind: .surveyYear,
        dimensions: [.init("measure")], measures: [.init("value", .decimal)],
        attributes: ["practice_name", "sub_icb", "ics", "region"].map { .init($0) },
        suppressionTokens: sentinels,
        // The survey files name no PCN: the practice's PCN is the practice map's in force at the
        // end of the survey year (the newest loaded on or before its December).
        hierarchy: HierarchyFill(from: "practice-map", columns: ["pcn"], match: .latestOnOrBefore),
        negativeIsSuppressed: true)

    public var datasets: [DatasetSpec] { [Self.practices] }

    /// The registered-list-size bands `list_band` takes (the practice's total registered
    /// patients, all ages and sexes, in the survey year's January list sizes).
    static let bandComment = "'<2500', '2500-4999', '5000-9999', '10000-14999', '15000-19999', '20000+'"

    /// The band of a list size given as SQL (`patients`), NULL when unknown.
    static func band(_ patients: String) -> String {
        """
        CASE WHEN \(patients) IS NULL THEN NULL WHEN \(patients) < 2500 THEN '<2500' WHEN \(patients) < 5000 THEN '2500-4999'
             WHEN \(patients) < 10000 THEN '5000-9999' WHEN \(patients) < 15000 THEN '10000-14999'
             WHEN \(patients) < 20000 THEN '15000-19999' ELSE '20000+' END
        """
    }

    /// A practice's total registered patients in the list sizes of month `period` (the practice
    /// rows of gp-reg-pat-prac-all: sex and age ALL), as a scalar subquery over `org` and
    /// `period` (SQL expressions): NULL when that month is not loaded or lacks the practice.
    static func listTotal(org: String, period: String) -> String {
        """
        (SELECT sum(u.patients)::bigint
         FROM data.list_sizes l CROSS JOIN LATERAL unnest(l.sex, l.age, l.patients) AS u(sex, age, patients)
         WHERE l.valid_to IS NULL AND l.org = \(org) AND l.period = \(period) AND l.dataset = 'list-sizes-all' AND l.org_type = 'GP'
           AND u.sex = 'ALL' AND u.age = 'ALL')
        """
    }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "gp_patient_survey",
                comment: "GP Patient Survey results per practice, survey year and published column (weighted practice data CSV), "
                    + "stored long; question numbers and column names change between years (new questionnaire from 2024), so compare a measure across years only where its wording is the same",
                rows: .current(datasets: [Self.practices.id]),
                columns: [
                    APIColumn("year", .periodLabel, "The survey year (2025): fieldwork January–April of that year, published about July"),
                    APIColumn("period", .period, "The first day of the survey year (1 January)"),
                    APIColumn("practice", .org, "Practice ODS code (Practice_Code; ad_practicecode from 2024)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published"),
                    APIColumn("pcn", .field("pcn"), "PCN code from the practice map in force at the end of the survey year (the newest loaded on or before its December; the survey files name no PCN); NULL when no map is loaded for it"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location (formerly CCG) code as published (CCG_Code; ad_subicbcode from 2024, NULL when the file has none)"),
                    APIColumn("ics", .field("ics"), "ICB code as published (ICS_Code in 2022–23, STP_Code before, ad_icbcode from 2024)"),
                    APIColumn("region", .field("region"), "NHS England region code as published (CR_Code; ad_regioncode from 2024)"),
                    APIColumn("list_patients", .lookup(table: Self.bandsTable, column: "list_patients"), "The practice's registered patients in the survey year's January list sizes (Patients Registered at a GP Practice); NULL when that month is not loaded or lacks the practice"),
                    APIColumn("list_band", .lookup(table: Self.bandsTable, column: "list_band"), "Band of list_patients: one of \(Self.bandComment) (lower bound inclusive); NULL when list_patients is"),
                    APIColumn("measure", .field("measure"), "The published column's name (Q28_12pct, Q28base, received, overallexp.pcteval, …): *pct / .pct fractions 0–1, *base / .base* respondent bases, as published"),
                    APIColumn("value", .field("value"), "The published number; NULL when the file had a negative sentinel (result suppressed: fewer than 10 respondents, or a small count in a small practice; or not applicable)"),
                    APIColumn("value_raw", .field("value_raw"), "The negative sentinel as published (-97, -98, -99, -999, or any other negative number) when value is NULL because of one; NULL otherwise"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from"),
                ],
                filters: ["year", "practice", "pcn", "ics", "region", "list_band"],
                key: ["year", "practice", "measure"]),
        ]
    }

    static let bandsTable = "gp_patient_survey_bands"

    /// Each practice's list size band per survey year, joined to the survey's segments: one row
    /// per practice and year, so a `list_band` filter starts at this table's index and reaches
    /// the practices' segments by organisation and year. Until this version the object read a
    /// copy of every value with the band beside it (`gp_patient_survey_banded`: 3.6 M rows and
    /// seven indexes for a national year, 53 of a 55 s load), dropped on upgrade.
    public var derivedTables: [DerivedTable] {
        [
            DerivedTable(
                Self.bandsTable,
                comment: "Each GP Patient Survey practice's registered patients and list size band in the survey year's January list sizes",
                definition: """
                    CREATE TABLE data.\(Self.bandsTable) (
                        period date NOT NULL, org text NOT NULL, list_patients bigint, list_band text,
                        PRIMARY KEY (org, period)
                    );
                    CREATE INDEX \(Self.bandsTable)_list_band ON data.\(Self.bandsTable) (list_band, period) WHERE list_band IS NOT NULL;
                    """,
                refreshes: [
                    // A survey year loaded (or rolled back): its practices, banded by its January's list sizes.
                    .init(after: .activated(dataset: Self.practices.id), [
                        "DELETE FROM data.\(Self.bandsTable) WHERE period = $1::date",
                        """
                        INSERT INTO data.\(Self.bandsTable) (period, org, list_patients, list_band)
                        SELECT b.period, b.org, b.patients, \(Self.band("b.patients"))
                        FROM (SELECT s.period, s.org, \(Self.listTotal(org: "s.org", period: "s.period")) AS patients
                              FROM data.gp_patient_survey s WHERE s.valid_to IS NULL AND s.period = $1::date) b
                        """,
                    ]),
                    // A January's list sizes loaded: that survey year's bands (other months band nothing).
                    .init(after: .activated(dataset: "list-sizes-all"), [
                        """
                        UPDATE data.\(Self.bandsTable) r SET list_patients = b.patients, list_band = \(Self.band("b.patients"))
                        FROM (SELECT x.org, \(Self.listTotal(org: "x.org", period: "x.period")) AS patients
                              FROM data.\(Self.bandsTable) x WHERE x.period = $1::date) b
                        WHERE r.period = $1::date AND r.org = b.org AND r.list_patients IS DISTINCT FROM b.patients
                        """,
                    ]),
                ]),
        ]
    }

    /// The per-value copy earlier versions served the object from is dropped (with the view over
    /// it, which the `api` rebuild right after replaces), and the bands filled for the years the
    /// warehouse holds.
    public var upgrades: [String] {
        [
            "DROP TABLE IF EXISTS data.gp_patient_survey_banded CASCADE",
            """
            INSERT INTO data.\(Self.bandsTable) (period, org, list_patients, list_band)
            SELECT b.period, b.org, b.patients, \(Self.band("b.patients"))
            FROM (SELECT s.period, s.org, \(Self.listTotal(org: "s.org", period: "s.period")) AS patients
                  FROM data.gp_patient_survey s WHERE s.valid_to IS NULL) b
            ON CONFLICT (org, period) DO NOTHING
            """,
        ]
    }

    typealias C = CSVLayout.Column

    /// 2017–2021: no ICS columns; the STP code is the ICB's forerunner.
    static let layout2017 = LongLayout(
        org: C("Practice_Code"),
        attributes: [C("Practice_Name"), C("CCG_Code"), C("STP_Code"), C("CR_Code")],
        ignored: [C("CCG_Name"), C("STP_Name"), C("CR_Name")])

    /// 2022–2023: ICS columns beside the STP ones (the ICS code is kept, the STP's left out).
    static let layout2022 = LongLayout(
        org: C("Practice_Code"),
        attributes: [C("Practice_Name"), C("CCG_Code"), C("ICS_Code"), C("CR_Code")],
        ignored: [C("CCG_Name"), C("ICS_Name"), C("STP_Code"), C("STP_Name"), C("CR_Name")])

    /// 2024 on: the new questionnaire's `ad_` (administrative data) columns.
    static let layout2024 = LongLayout(
        org: C("ad_practicecode"),
        attributes: [C("ad_practicename"), C("ad_subicbcode", required: false), C("ad_icbcode", required: false),
                     C("ad_regioncode", required: false)],
        ignored: [C("ad_subicbname", required: false), C("ad_icbname", required: false), C("ad_regionname", required: false)])

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        let layout: LongLayout
        let org: C
        if header.contains("AD_PRACTICECODE") {
            (layout, org) = (Self.layout2024, C("ad_practicecode"))
        } else if header.contains("PRACTICE_CODE") && header.contains("CCG_CODE") {
            (layout, org) = (header.contains("ICS_CODE") ? Self.layout2022 : Self.layout2017, C("Practice_Code"))
        } else {
            throw TransformError(.unsupported, file: fileName,
                                 "not a GP Patient Survey practice data file (no ad_practicecode, or Practice_Code and CCG_Code, column)")
        }
        return FileReading(
            spec: Self.practices, layout: CSVLayout(org: org, period: .external, measures: [C("VALUE")]),
            period: Self.period(fromName: fileName),
            makeMapper: { header, source, period in
                try LongMapper(spec: Self.practices, layout: layout, header: header, source: source, period: period)
            })
    }

    /// `GPPS_2025_Practice_data_(weighted)_(csv)_PUBLIC.csv`: the survey year after `GPPS_`.
    static func period(fromName name: String) -> ReportingPeriod? {
        let base = Array(Self.baseName(name).uppercased().utf8)
        let prefix = Array("GPPS_".utf8)
        guard base.count >= 9, Array(base[0..<5]) == prefix, base[5..<9].allSatisfy({ $0 >= 48 && $0 <= 57 }),
              base.count == 9 || !(base[9] >= 48 && base[9] <= 57),
              let year = Int(String(decoding: base[5..<9], as: UTF8.self)), (2000...2100).contains(year)
        else { return nil }
        return ReportingPeriod(kind: .surveyYear, start: CalendarDate(year: year, month: 1, day: 1)!)
    }
}
