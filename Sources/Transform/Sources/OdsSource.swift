/// Organisation Data Service reference data (NHS England): GP practices (`epraccur`), primary
/// care networks (`epcn`) and practice-to-PCN memberships (`epcncorepartnerdetails`).
///
/// All three are published without a header row (ODS's own 27-, 12- and 11-field specs), every
/// field quoted, dates `YYYYMMDD`; the membership file also comes "with headers". `epraccur`
/// exists in two code sets (nhs-formats.md §1a): the legacy file (status `A/C/D/P`, prescribing
/// setting `4` = GP practice) and the current Data Search and Export feed (status names such
/// as `ACTIVE`, role ids such as `RO76`). Both are read; only GP practices are kept, every status
/// (closed practices included), with the status as published beside a common vocabulary.
/// Memberships keep ended relationships and Welsh and Scottish partners; the API views flag them.
/// The files carry no date: the period is the month of the snapshot (`--period`, or the month
/// the refresh fetched it).
public struct OdsSource: SourceDefinition {
    public let id = "ods"
    public let title = "ODS practices and PCNs"

    public init() {}

    public static let practices = DatasetSpec(
        id: "ods-practices", source: "ods", title: "GP practices (epraccur)", table: "ods_practices", periodKind: .month,
        dimensions: [],
        measures: [.init("name"), .init("region"), .init("icb"), .init("address_1"), .init("address_2"), .init("address_3"),
                   .init("address_4"), .init("address_5"), .init("postcode"), .init("open_date", .date), .init("close_date", .date),
                   .init("status"), .init("status_code"), .init("sub_type"), .init("sub_icb"), .init("join_date", .date),
                   .init("left_date", .date), .init("phone"), .init("amended"), .init("provider"), .init("prescribing_setting")])

    public static let pcns = DatasetSpec(
        id: "ods-pcns", source: "ods", title: "Primary care networks (epcn)", table: "ods_pcns", periodKind: .month,
        dimensions: [],
        measures: [.init("name"), .init("sub_icb"), .init("sub_icb_name"), .init("open_date", .date), .init("close_date", .date),
                   .init("address_1"), .init("address_2"), .init("address_3"), .init("address_4"), .init("address_5"), .init("postcode")])

    public static let members = DatasetSpec(
        id: "ods-pcn-members", source: "ods", title: "Practice to PCN memberships (epcncorepartnerdetails)", table: "ods_pcn_members",
        periodKind: .month,
        dimensions: [.init("pcn"), .init("start_date", .date)],
        measures: [.init("partner_name"), .init("practice_sub_icb"), .init("practice_sub_icb_name"), .init("pcn_name"),
                   .init("pcn_sub_icb"), .init("pcn_sub_icb_name"), .init("end_date", .date), .init("sub_icb_match")])

    public var datasets: [DatasetSpec] { [Self.practices, Self.pcns, Self.members] }

    typealias C = CSVLayout.Column

    /// The 27 fields of ODS's epraccur spec, in order (names as NHS's own code assigns them).
    static let epraccurColumns = [
        "Organisation Code", "Name", "National Grouping", "High Level Health Geography", "Address Line 1", "Address Line 2",
        "Address Line 3", "Address Line 4", "Address Line 5", "Postcode", "Open Date", "Close Date", "Status Code",
        "Organisation Sub-Type Code", "Commissioner", "Join Provider/Purchaser Date", "Left Provider/Purchaser Date",
        "Contact Telephone Number", "Null 1", "Null 2", "Null 3", "Amended Record Indicator", "Null 4", "Provider/Purchaser",
        "Null 5", "Prescribing Setting", "Null 6",
    ]

    /// Legacy codes and DSE names to one vocabulary. `INACTIVE` is the ODS API's word for a
    /// closed organisation; anything else is refused so a new code set is noticed.
    static let statuses: [String: String] = [
        "A": "active", "C": "closed", "D": "dormant", "P": "proposed",
        "ACTIVE": "active", "CLOSED": "closed", "INACTIVE": "closed", "DORMANT": "dormant", "PROPOSED": "proposed",
    ]

    static let practicesLayout = CSVLayout(
        header: .declared(epraccurColumns), org: C("Organisation Code"), period: .external,
        measures: [C("Name"), C("National Grouping"), C("High Level Health Geography"), C("Address Line 1"), C("Address Line 2"),
                   C("Address Line 3"), C("Address Line 4"), C("Address Line 5"), C("Postcode"), C("Open Date"), C("Close Date"),
                   C("Status Code"), C("Status Code"), C("Organisation Sub-Type Code"), C("Commissioner"),
                   C("Join Provider/Purchaser Date"), C("Left Provider/Purchaser Date"), C("Contact Telephone Number"),
                   C("Amended Record Indicator"), C("Provider/Purchaser"), C("Prescribing Setting")],
        measureMaps: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, statuses, nil, nil, nil, nil, nil, nil, nil, nil, nil],
        ignored: ["Null 1", "Null 2", "Null 3", "Null 4", "Null 5", "Null 6"].map { C($0) },
        // GP practices only: prescribing setting 4 (legacy) or role RO76 (DSE; a list such as `RO76|RO87` counts).
        filters: [.init(C("Prescribing Setting"), keep: ["4", "RO76"], separator: "|")],
        dateFormats: [.compact])

    static let epcnColumns = [
        "PCN Code", "PCN Name", "Sub ICB Location Code", "Sub ICB Location Name", "Open Date", "Close Date",
        "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5", "Postcode",
    ]

    static let pcnsLayout = CSVLayout(
        header: .declared(epcnColumns), org: C("PCN Code"), period: .external,
        measures: [C("PCN Name"), C("Sub ICB Location Code"), C("Sub ICB Location Name"), C("Open Date"), C("Close Date"),
                   C("Address Line 1"), C("Address Line 2"), C("Address Line 3"), C("Address Line 4"), C("Address Line 5"), C("Postcode")],
        dateFormats: [.compact])

    /// The "(Include headers)" variant's names; the header-less file has the same fields in order.
    static let membersColumns = [
        "Partner Organisation Code", "Partner Name", "Practice Parent Sub ICB Location Code", "Practice Parent Sub ICB Location Name",
        "PCN Code", "PCN Name", "PCN Parent Sub ICB Location Code", "PCN Parent Sub ICB Location Name",
        "Practice to PCN Relationship Start Date", "Practice to PCN Relationship End Date", "Practice Sub ICB and PCN Sub ICB Match?",
    ]

    static func membersLayout(header: CSVLayout.Header) -> CSVLayout {
        CSVLayout(
            header: header, org: C("Partner Organisation Code"), period: .external,
            dimensions: [C("PCN Code"), C("Practice to PCN Relationship Start Date")],
            measures: [C("Partner Name"), C("Practice Parent Sub ICB Location Code"), C("Practice Parent Sub ICB Location Name"),
                       C("PCN Name"), C("PCN Parent Sub ICB Location Code"), C("PCN Parent Sub ICB Location Name"),
                       C("Practice to PCN Relationship End Date"), C("Practice Sub ICB and PCN Sub ICB Match?")],
            dateFormats: [.compact])
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let name = Self.baseName(fileName).lowercased()
        let headed = firstRecord.first.map(CSVLayout.normalize) == CSVLayout.normalize(Self.membersColumns[0])
        if name.hasPrefix("epcncorepartner") || (headed || firstRecord.count == Self.membersColumns.count) && !name.hasPrefix("epraccur") && !name.hasPrefix("epcn.") {
            return FileReading(spec: Self.members, layout: Self.membersLayout(header: headed ? .firstRecord : .declared(Self.membersColumns)))
        }
        // The practice and PCN files must come without a header row: a header would otherwise
        // be read as a row (and, in epraccur, silently dropped by the GP-practice filter).
        if !headed, let first = firstRecord.first, !ODSCode.isValid(first) {
            throw TransformError(.header, file: fileName, line: 1, column: 1,
                                 "expected a header-less ODS file starting with an organisation code, found \(TransformError.shown(first)); export it without headers")
        }
        if name.hasPrefix("epraccur") || firstRecord.count == Self.epraccurColumns.count {
            return FileReading(spec: Self.practices, layout: Self.practicesLayout)
        }
        if name.hasPrefix("epcn") || firstRecord.count == Self.epcnColumns.count {
            return FileReading(spec: Self.pcns, layout: Self.pcnsLayout)
        }
        throw TransformError(.unsupported, file: fileName,
                             "not an ODS file this loader knows (expected epraccur, epcn or epcncorepartnerdetails; \(firstRecord.count) fields)")
    }
}
