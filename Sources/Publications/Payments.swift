import Foundation
import Transform

/// NHS Payments to General Practice (NHS England, annual, one CSV per financial year).
///
/// Wide files whose money columns change every year (51–75 columns in 2014-15 … 2022-23,
/// nhs-formats.md §7), stored long: one row per practice, year and payment column, the column
/// name as published (trimmed) as `measure`. The identity columns are the segment's attributes.
/// Traps handled: an optional BOM, padded header names, `N/A` and `-` in numeric columns (NULL
/// with the token kept), and the mislabelled 2022-23 header (`CCG Code, Sub ICB NAME, Code,
/// CCG NAME` hold the sub-ICB code and name and the PCN code and name).
public struct Payments: SourceDeclaration {
    public let id = "nhs-payments"
    public let title = "NHS Payments to General Practice"
    public let listing = EditionListing.digitalNHSSeries(
        url: "https://digital.nhs.uk/data-and-information/publications/statistical/nhs-payments-to-general-practice",
        editionSlugs: ["england-{yyyy}-{yy}", "{yyyy}-{yy}"])
    public let periodKind = ReportingPeriod.Kind.financialYear
    public let cadence = Cadence(every: "year", expectedAfterDays: 540, publishedWithinDays: 620)
    public let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
    public let files = [
        FileFamily("practice-level payments", match: ["nhspaymentsgp-*-prac-csv*.csv", "nhspaymentsgp-*-prac-csv*.zip"],
                   datasets: ["nhs-payments-practices"]),
    ]

    public init() {}

    public static let practices = DatasetSpec(
        id: "nhs-payments-practices", source: "nhs-payments", title: "Payments per practice and payment type (nhspaymentsgp-*-prac-csv)",
        table: "nhs_payments", periodKind: .financialYear,
        dimensions: [.init("measure")], measures: [.init("value", .decimal)],
        attributes: ["region", "region_name", "sub_icb", "sub_icb_name", "pcn", "pcn_name", "practice_name", "address", "postcode",
                     "open_date", "close_date", "contract_type", "dispensing", "practice_type", "rurality", "atypical",
                     "patient_data_quarter"].map { .init($0) },
        suppressionTokens: ["N/A", "NA", "-", "*"],
        hierarchy: HierarchyFill(from: "practice-map", columns: ["icb"], match: .latestOnOrBefore),
        // The payment columns change every year (51–75 of them; COVID-era lines came and went),
        // so the sum of all values is not comparable year on year (+74 % from 2019-20 to 2020-21
        // in the real files); the practice count is.
        gate: QualityGate(maxOrganisationDrop: 0.05, maxTotalChange: nil))

    public var datasets: [DatasetSpec] { [Self.practices] }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "nhs_payments_practices",
                comment: "Payments per practice, year and payment column (NHS Payments to General Practice, nhspaymentsgp-*-prac-csv), stored long",
                rows: .current(datasets: [Self.practices.id]),
                columns: [
                    APIColumn("year", .periodLabel, "The financial year as the API names it (2022/23)"),
                    APIColumn("period", .period, "The first day of the financial year (1 April)"),
                    APIColumn("practice", .org, "Practice ODS code"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published"),
                    APIColumn("pcn", .field("pcn"), "PCN code as published (absent before 2019-20)"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB (formerly CCG) code as published"),
                    APIColumn("icb", .field("icb"), "ICB code, from the practice map in force at the end of the year"),
                    APIColumn("region", .field("region"), "NHS England region code as published"),
                    APIColumn("contract_type", .field("contract_type"), "GMS, PMS, APMS, … as published"),
                    APIColumn("measure", .field("measure"), "The payment column's name as published (trimmed)"),
                    APIColumn("value", .field("value"), "Pounds; NULL when the file had a suppression token"),
                    APIColumn("value_raw", .field("value_raw"), "The suppression token (N/A, -) when value is NULL because of one"),
                    APIColumn("revision", .revision, "The revision whose file this value was read from"),
                ],
                filters: ["year", "practice", "pcn", "sub_icb", "icb", "region", "contract_type"],
                key: ["year", "practice", "measure"]),
            APIObject(
                "nhs_payments_pcns",
                comment: "Practices' payments summed per PCN, year and payment column (the publisher's PCN-level file is not read)",
                rows: .derived(table: "nhs_payments_pcns"),
                columns: [
                    APIColumn("year", .periodLabel, "The financial year as the API names it (2022/23)"),
                    APIColumn("period", .field("period"), "The first day of the financial year"),
                    APIColumn("pcn", .field("pcn"), "PCN code"),
                    APIColumn("pcn_name", .field("pcn_name"), "PCN name"),
                    APIColumn("icb", .field("icb"), "ICB code of the PCN's practices"),
                    APIColumn("measure", .field("measure"), "The payment column's name as published"),
                    APIColumn("value", .field("value"), "Pounds, summed over the PCN's practices"),
                    APIColumn("practices", .field("practices"), "Practices summed"),
                    APIColumn("revision", .field("revision"), "The revision of the year's practice-level file"),
                ],
                filters: ["year", "pcn", "icb"],
                key: ["year", "pcn", "measure"]),
        ]
    }

    /// Practices' payments summed per PCN for the years `%PERIOD%` selects.
    static let perPCN = """
        INSERT INTO data.nhs_payments_pcns (period, pcn, pcn_name, icb, measure, value, practices, revision)
        SELECT p.period, p.pcn, min(p.pcn_name), min(p.icb), u.measure, sum(u.value), count(DISTINCT p.org), max(p.revision_id)
        FROM data.nhs_payments p
        CROSS JOIN LATERAL unnest(p.measure, p.value) AS u(measure, value)
        WHERE p.valid_to IS NULL AND %PERIOD% AND p.pcn IS NOT NULL AND p.pcn <> 'U'
        GROUP BY p.period, p.pcn, u.measure
        """

    /// v0.2.0's per-PCN sums had no revision and no index for the year as the API names it.
    public var upgrades: [String] {
        [
            "ALTER TABLE data.nhs_payments_pcns ADD COLUMN IF NOT EXISTS revision bigint",
            "CREATE INDEX IF NOT EXISTS nhs_payments_pcns_year ON data.nhs_payments_pcns (data.period_label(period, 'financial_year'))",
            "DELETE FROM data.nhs_payments_pcns",
            Self.perPCN.replacingOccurrences(of: "%PERIOD%", with: "true"),
        ]
    }

    public var derivedTables: [DerivedTable] {
        [
            DerivedTable(
                "nhs_payments_pcns",
                comment: "Practices' payments summed per PCN, year and payment column",
                definition: """
                    CREATE TABLE data.nhs_payments_pcns (
                        period date NOT NULL, pcn text NOT NULL, pcn_name text, icb text, measure text NOT NULL, value numeric,
                        practices integer NOT NULL,
                        PRIMARY KEY (pcn, period, measure)
                    );
                    CREATE INDEX nhs_payments_pcns_period ON data.nhs_payments_pcns (period);
                    CREATE INDEX nhs_payments_pcns_icb ON data.nhs_payments_pcns (icb, period) WHERE icb IS NOT NULL;
                    """,
                refreshes: [
                    .init(after: .activated(dataset: Self.practices.id), [
                        "DELETE FROM data.nhs_payments_pcns WHERE period = $1::date",
                        Self.perPCN.replacingOccurrences(of: "%PERIOD%", with: "p.period = $1::date"),
                    ]),
                    // A practice map changed the practices' ICBs for the years ending on or after
                    // its month ($1): set each PCN summary's ICB where it changed, not rebuilt.
                    .init(after: .hierarchyChanged(dataset: Self.practices.id), [
                        """
                        UPDATE data.nhs_payments_pcns s SET icb = x.icb
                        FROM (
                            SELECT p.period, p.pcn, min(p.icb) AS icb FROM data.nhs_payments p
                            WHERE p.valid_to IS NULL AND p.pcn IS NOT NULL AND p.pcn <> 'U' AND (p.period + interval '11 months')::date >= $1::date
                            GROUP BY p.period, p.pcn
                        ) x
                        WHERE s.period = x.period AND s.pcn = x.pcn AND s.icb IS DISTINCT FROM x.icb
                        """,
                    ]),
                ]),
        ]
    }

    typealias C = CSVLayout.Column
    static let layout = LongLayout(
        org: C("Practice Code"),
        attributes: [
            C("NHS England (Region) code"), C("NHS England (Region) Name"),
            C("Sub ICB Location Code", "Sub ICB Code", "CCG Code"), C("Sub ICB Location Name", "Sub ICB NAME", "CCG NAME"),
            C("PCN Code", required: false), C("PCN Name", required: false),
            C("Practice Name"), C("Practice Address"), C("Practice Postcode"), C("Practice Open Date"), C("Practice Close Date"),
            C("Contract Type"), C("Dispensing Practice"),
            C("Practice Type", "PracticeType", required: false), C("Practice Rurality", "PracticeRurality", required: false),
            C("Atypical Characteristics", "AtypicalCharacteristics", required: false),
            C("Quarter used for patient data", required: false),
        ])

    /// The 2022-23 file names columns 3–6 `CCG Code, Sub ICB NAME, Code, CCG NAME`; their values
    /// are the sub-ICB code and name and the PCN code and name (checked against the practices'
    /// published PCNs: `U33392, BARNET 2 PCN` under `Code, CCG NAME`).
    static let mislabelled = ["CCG_CODE", "SUB_ICB_NAME", "CODE", "CCG_NAME"]

    static func fixHeader(_ header: [String]) -> [String] {
        guard header.count > 6, header[2...5].map(CSVLayout.normalize) == mislabelled else { return header }
        var fixed = header
        fixed.replaceSubrange(2...5, with: ["Sub ICB Location Code", "Sub ICB Location Name", "PCN Code", "PCN Name"])
        return fixed
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        guard header.contains("PRACTICE_CODE") && header.contains("CONTRACT_TYPE") else {
            throw TransformError(.unsupported, file: fileName,
                                 "not an NHS Payments to General Practice practice-level file (no Practice Code and Contract Type columns)")
        }
        return FileReading(
            spec: Self.practices, layout: CSVLayout(org: C("Practice Code"), period: .external, measures: [C("VALUE")]),
            period: Self.period(fromName: fileName), headerFix: Self.fixHeader,
            makeMapper: { header, source, period in
                try LongMapper(spec: Self.practices, layout: Self.layout, header: header, source: source, period: period)
            })
    }

    /// `nhspaymentsgp-21-22-prac-csv.csv`, `nhspaymentsgp_14-15_first2000.csv`: the financial
    /// year from the first `YY-YY` (consecutive years) in the name.
    static func period(fromName name: String) -> ReportingPeriod? {
        let base = Array(Self.baseName(name).utf8)
        guard base.count >= 5 else { return nil }
        for i in 0...(base.count - 5) {
            let s = base[i..<(i + 5)]
            guard s.enumerated().allSatisfy({ $0.offset == 2 ? ($0.element == 45 || $0.element == 95) : ($0.element >= 48 && $0.element <= 57) })
            else { continue }
            let a = Int(String(decoding: s.prefix(2), as: UTF8.self))!, b = Int(String(decoding: s.suffix(2), as: UTF8.self))!
            if (a + 1) % 100 == b, i == 0 || !(base[i - 1] >= 48 && base[i - 1] <= 57), i + 5 == base.count || !(base[i + 5] >= 48 && base[i + 5] <= 57) {
                return ReportingPeriod(kind: .financialYear, start: CalendarDate(year: (a >= 90 ? 1900 : 2000) + a, month: 4, day: 1)!)
            }
        }
        return nil
    }
}
