/// NHS Payments to General Practice (NHS England, annual, one CSV per financial year).
///
/// Wide files whose money columns change every year (51–75 columns in 2014-15 … 2022-23,
/// nhs-formats.md §7), stored long: one row per practice, year and payment column, the column
/// name as published (trimmed) as `measure`. The identity columns are the segment's attributes.
/// Traps handled: an optional BOM, padded header names, `N/A` and `-` in numeric columns (NULL
/// with the token kept), and the mislabelled 2022-23 header (`CCG Code, Sub ICB NAME, Code,
/// CCG NAME` hold the sub-ICB code and name and the PCN code and name).
public struct PaymentsSource: SourceDefinition {
    public let id = "nhs-payments"
    public let title = "NHS Payments to General Practice"

    public init() {}

    public static let practices = DatasetSpec(
        id: "nhs-payments-practices", source: "nhs-payments", title: "Payments per practice and payment type (nhspaymentsgp-*-prac-csv)",
        table: "nhs_payments", periodKind: .financialYear,
        dimensions: [.init("measure")], measures: [.init("value", .decimal)],
        attributes: ["region", "region_name", "sub_icb", "sub_icb_name", "pcn", "pcn_name", "practice_name", "address", "postcode",
                     "open_date", "close_date", "contract_type", "dispensing", "practice_type", "rurality", "atypical",
                     "patient_data_quarter"].map { .init($0) },
        suppressionTokens: ["N/A", "NA", "-", "*"])

    public var datasets: [DatasetSpec] { [Self.practices] }

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
