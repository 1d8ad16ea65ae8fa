import Transform

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
///
/// Years of PCN snapshots exist only as ODS's legacy `epcn.zip`: `ePCN.xlsx` (beside its
/// specification PDF, left out) with the PCNs on sheet `PCNDetails` and the memberships on
/// `PCN Core Partner Details`. Both sheets are read into the same PCN and membership datasets
/// the DSE CSVs feed, their headers found by content (names with line breaks, the CCG-era
/// spellings before July 2022 and the sub-ICB ones after, read as the DSE CSV's fields).
public struct Ods: SourceDeclaration {
    public let id = "ods"
    public let title = "ODS practices and PCNs (Data Search and Export)"
    public let listing = EditionListing.fixedDownloads([
        FixedDownload(url: "https://www.odsdatasearchandexport.nhs.uk/api/getReport?report=epraccur", name: "epraccur.csv"),
        FixedDownload(url: "https://www.odsdatasearchandexport.nhs.uk/api/getReport?report=epcn", name: "epcn.csv"),
        FixedDownload(url: "https://www.odsdatasearchandexport.nhs.uk/api/getReport?report=epcncorepartnerdetails",
                      name: "epcncorepartnerdetails.csv"),
    ])
    public let periodKind = ReportingPeriod.Kind.month
    public let cadence = Cadence(every: "month", expectedAfterDays: 0, publishedWithinDays: 31)
    public let hosts = ["www.odsdatasearchandexport.nhs.uk"]
    public let files = [
        FileFamily("practices", match: ["epraccur*"], datasets: ["ods-practices"]),
        FileFamily("PCN memberships", match: ["epcncorepartner*"], datasets: ["ods-pcn-members"]),
        FileFamily("ePCN workbook (PCNs and memberships)", match: ["epcn.zip", "ePCN.xlsx"], datasets: ["ods-pcns", "ods-pcn-members"]),
        FileFamily("PCNs", match: ["epcn.*", "epcn"], datasets: ["ods-pcns"]),
    ]

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

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "practices",
                comment: "Every GP practice: the newest ODS snapshot (epraccur, with the current PCN from epcncorepartnerdetails), "
                    + "else the newest practice map of Patients Registered at a GP Practice",
                rows: .derived(table: "practice_directory"),
                columns: [
                    APIColumn("practice", .field("ods_code"), "Practice ODS code"),
                    APIColumn("name", .field("name"), "Practice name"),
                    APIColumn("status", .field("status"), "active, closed, dormant or proposed (ODS); NULL when the practice is known from the practice map only"),
                    APIColumn("open_date", .field("open_date"), "Date the practice opened (ODS)"),
                    APIColumn("close_date", .field("close_date"), "Date the practice closed (ODS); NULL while open"),
                    APIColumn("postcode", .field("postcode"), "Practice postcode"),
                    APIColumn("pcn", .field("pcn"), "Current PCN code; NULL when the practice belongs to none"),
                    APIColumn("pcn_name", .field("pcn_name"), "Current PCN name"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code"),
                    APIColumn("icb", .field("icb"), "ICB code"),
                    APIColumn("region", .field("region"), "NHS England region code"),
                    APIColumn("supplier", .field("supplier"), "GP system supplier (practice map)"),
                    APIColumn("snapshot", .field("snapshot"), "The period of the snapshot the row was read from (first day)"),
                    APIColumn("origin", .field("origin"), "ods or practice-map: which publication the row comes from"),
                    APIColumn("revision", .field("revision"), "The revision of the ODS file (or practice map) the row was read from"),
                ],
                filters: ["practice", "pcn", "sub_icb", "icb", "region"],
                key: ["practice"],
                search: .init(code: "practice", name: "name", comment: "Practices whose ODS code is q or whose name contains q (case-insensitive)")),
            APIObject(
                "pcns",
                comment: "Every primary care network: the newest ODS snapshot (epcn), with member counts from the practice directory",
                rows: .derived(table: "pcn_directory"),
                columns: [
                    APIColumn("pcn", .field("pcn"), "PCN ODS code"),
                    APIColumn("name", .field("name"), "PCN name"),
                    APIColumn("sub_icb", .field("sub_icb"), "Sub-ICB location code"),
                    APIColumn("icb", .field("icb"), "ICB code (from its member practices)"),
                    APIColumn("region", .field("region"), "NHS England region code (from its member practices)"),
                    APIColumn("member_count", .field("member_count"), "Practices currently in the PCN that are not closed"),
                    APIColumn("open_date", .field("open_date"), "Date the PCN opened (ODS)"),
                    APIColumn("close_date", .field("close_date"), "Date the PCN closed (ODS); NULL while open"),
                    APIColumn("snapshot", .field("snapshot"), "The ODS snapshot the row was read from, else (a PCN known from its practices only) theirs"),
                    APIColumn("origin", .field("origin"), "ods, or practices when ODS's PCN file does not list the PCN"),
                    APIColumn("revision", .field("revision"), "The revision of the ODS file (or of its practices' files) the row was read from"),
                ],
                filters: ["pcn", "sub_icb", "icb", "region"],
                key: ["pcn"],
                search: .init(code: "pcn", name: "name", comment: "PCNs whose ODS code is q or whose name contains q (case-insensitive)")),
            APIObject(
                "pcn_members",
                comment: "Practice-to-PCN memberships as published (ODS epcncorepartnerdetails), ended ones and partners outside England flagged",
                rows: .current(datasets: [Self.members.id]),
                columns: [
                    APIColumn("snapshot", .period, "The month of the ODS snapshot (first day)"),
                    APIColumn("practice", .org, "Partner organisation ODS code (a practice, possibly Welsh or Scottish)"),
                    APIColumn("pcn", .field("pcn"), "PCN ODS code"),
                    APIColumn("pcn_name", .field("pcn_name"), "PCN name"),
                    APIColumn("start_date", .field("start_date"), "Date the membership started"),
                    APIColumn("end_date", .field("end_date"), "Date the membership ended; NULL while current"),
                    APIColumn("partner_name", .field("partner_name"), "Partner organisation name"),
                    APIColumn("practice_sub_icb", .field("practice_sub_icb"), "The practice's sub-ICB location code"),
                    APIColumn("pcn_sub_icb", .field("pcn_sub_icb"), "The PCN's sub-ICB location code"),
                    APIColumn("sub_icb_match", .field("sub_icb_match"), "Whether the two sub-ICB locations match, as published"),
                    APIColumn("ended", .expression("u.end_date IS NOT NULL", type: "boolean"), "True when the membership has ended"),
                    APIColumn("partner_country", .expression("CASE left(s.org, 1) WHEN 'W' THEN 'Wales' WHEN 'S' THEN 'Scotland' ELSE 'England' END",
                                                             type: "text"), "England, Wales or Scotland, from the partner's code"),
                    APIColumn("revision", .revision, "The revision whose file this membership was read from"),
                ],
                filters: ["snapshot", "practice"],
                key: ["snapshot", "practice", "pcn", "start_date"]),
        ]
    }

    /// The directories behind `api.practices` and `api.pcns`, rebuilt whenever an ODS file or a
    /// practice map becomes current: practices of the newest ODS snapshot with their current
    /// English PCN membership, falling back to the newest practice map for practices ODS does
    /// not have (or when ODS was never loaded).
    public var derivedTables: [DerivedTable] {
        let rebuilt = Self.directoryRebuild
        let triggers = [Self.practices.id, Self.pcns.id, Self.members.id, ListSizes.map.id]
        return Self.directoryTables(rebuilt: rebuilt, triggers: triggers)
    }

    static let directoryRebuild: [String] = [
            "DELETE FROM data.practice_directory",
            """
            WITH ods AS (\(Self.newestSnapshot("ods_practices"))), membership AS (
                -- The current English membership in the newest snapshot (the latest start if several).
                SELECT DISTINCT ON (m.org) m.org, u.pcn, u.pcn_name
                FROM data.ods_pcn_members m
                CROSS JOIN LATERAL unnest(m.pcn, m.pcn_name, m.start_date, m.end_date) AS u(pcn, pcn_name, start_date, end_date)
                WHERE m.valid_to IS NULL AND m.period = (\(Self.newestPeriod("ods_pcn_members"))) AND u.end_date IS NULL
                ORDER BY m.org, u.start_date DESC
            ), map AS (\(Self.newestSnapshot("practice_map")))
            INSERT INTO data.practice_directory
                (ods_code, name, status, open_date, close_date, postcode, pcn, pcn_name, sub_icb, icb, region, supplier, snapshot, origin, revision)
            SELECT coalesce(o.org, p.org),
                   coalesce(o.name, p.practice_name),
                   o.status, o.open_date, o.close_date,
                   coalesce(o.postcode, p.practice_postcode),
                   coalesce(ms.pcn, CASE WHEN o.org IS NULL OR NOT EXISTS (SELECT 1 FROM membership) THEN nullif(p.pcn, 'U') END),
                   coalesce(ms.pcn_name, CASE WHEN o.org IS NULL OR NOT EXISTS (SELECT 1 FROM membership) THEN CASE WHEN p.pcn <> 'U' THEN p.pcn_name END END),
                   coalesce(o.sub_icb, p.sub_icb), coalesce(o.icb, p.icb), coalesce(o.region, p.region),
                   p.supplier, coalesce(o.period, p.period), CASE WHEN o.org IS NULL THEN 'practice-map' ELSE 'ods' END,
                   coalesce(o.revision_id, p.revision_id)
            FROM ods o
            FULL JOIN map p ON p.org = o.org
            LEFT JOIN membership ms ON ms.org = coalesce(o.org, p.org)
            """,
            "DELETE FROM data.pcn_directory",
            """
            WITH pcns AS (\(Self.newestSnapshot("ods_pcns"))), members AS (
                SELECT pcn, min(pcn_name) AS pcn_name, count(*) FILTER (WHERE status IS DISTINCT FROM 'closed') AS member_count,
                       min(sub_icb) AS sub_icb, min(icb) AS icb, min(region) AS region, max(snapshot) AS snapshot, max(revision) AS revision
                FROM data.practice_directory WHERE pcn IS NOT NULL GROUP BY pcn
            )
            INSERT INTO data.pcn_directory (pcn, name, sub_icb, icb, region, member_count, open_date, close_date, snapshot, origin, revision)
            SELECT coalesce(p.org, m.pcn), coalesce(p.name, m.pcn_name), coalesce(p.sub_icb, m.sub_icb), m.icb, m.region,
                   coalesce(m.member_count, 0), p.open_date, p.close_date, coalesce(p.period, m.snapshot),
                   CASE WHEN p.org IS NULL THEN 'practices' ELSE 'ods' END, coalesce(p.revision_id, m.revision)
            FROM pcns p FULL JOIN members m ON m.pcn = p.org
            """,
    ]

    static func directoryTables(rebuilt: [String], triggers: [String]) -> [DerivedTable] {
        [
            DerivedTable(
                "practice_directory",
                comment: "Every practice: newest ODS snapshot with its current PCN, else the newest practice map (behind api.practices)",
                definition: """
                    CREATE TABLE data.practice_directory (
                        ods_code text PRIMARY KEY, name text, status text, open_date date, close_date date, postcode text,
                        pcn text, pcn_name text, sub_icb text, icb text, region text, supplier text,
                        snapshot date NOT NULL, origin text NOT NULL CHECK (origin IN ('ods', 'practice-map')), revision bigint
                    );
                    CREATE INDEX practice_directory_pcn ON data.practice_directory (pcn) WHERE pcn IS NOT NULL;
                    CREATE INDEX practice_directory_sub_icb ON data.practice_directory (sub_icb) WHERE sub_icb IS NOT NULL;
                    CREATE INDEX practice_directory_icb ON data.practice_directory (icb) WHERE icb IS NOT NULL;
                    CREATE INDEX practice_directory_region ON data.practice_directory (region) WHERE region IS NOT NULL;
                    CREATE INDEX practice_directory_name ON data.practice_directory USING gin (name ext.gin_trgm_ops);
                    """,
                // One rebuild statement list serves both tables (the PCN directory counts the practices').
                refreshes: triggers.map { DerivedTable.Refresh(after: .activated(dataset: $0), rebuilt) }),
            DerivedTable(
                "pcn_directory",
                comment: "Every PCN: newest ODS snapshot, with member counts from the practice directory (behind api.pcns)",
                definition: """
                    CREATE TABLE data.pcn_directory (
                        pcn text PRIMARY KEY, name text, sub_icb text, icb text, region text, member_count integer NOT NULL,
                        open_date date, close_date date, snapshot date, origin text, revision bigint
                    );
                    CREATE INDEX pcn_directory_sub_icb ON data.pcn_directory (sub_icb) WHERE sub_icb IS NOT NULL;
                    CREATE INDEX pcn_directory_icb ON data.pcn_directory (icb) WHERE icb IS NOT NULL;
                    CREATE INDEX pcn_directory_region ON data.pcn_directory (region) WHERE region IS NOT NULL;
                    """,
                refreshes: []),
        ]
    }

    /// v0.2.0's directories had no revision (nor origin for PCNs): added, then rebuilt; PCN
    /// names get the trigram index name search uses.
    public var upgrades: [String] {
        [
            "ALTER TABLE data.practice_directory ADD COLUMN IF NOT EXISTS revision bigint",
            "ALTER TABLE data.pcn_directory ADD COLUMN IF NOT EXISTS origin text",
            "ALTER TABLE data.pcn_directory ADD COLUMN IF NOT EXISTS revision bigint",
            "CREATE INDEX IF NOT EXISTS pcn_directory_name ON data.pcn_directory USING gin (name ext.gin_trgm_ops)",
        ] + Self.directoryRebuild
    }

    /// The newest period with current content in a segment table.
    static func newestPeriod(_ table: String) -> String {
        "SELECT max(period) FROM data.\(table) WHERE valid_to IS NULL"
    }

    /// The current segments of that period.
    static func newestSnapshot(_ table: String) -> String {
        "SELECT * FROM data.\(table) WHERE valid_to IS NULL AND period = (\(newestPeriod(table)))"
    }

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

    /// A headed members file or sheet: the DSE names, and the ePCN workbook's CCG-era ones
    /// (before July 2022 the sub-ICB locations were CCGs).
    static func membersLayout(header: CSVLayout.Header) -> CSVLayout {
        CSVLayout(
            header: header, org: C("Partner Organisation Code"), period: .external,
            dimensions: [C("PCN Code"), C("Practice to PCN Relationship Start Date")],
            measures: [C("Partner Name"), C("Practice Parent Sub ICB Location Code", "Practice Parent CCG Code"),
                       C("Practice Parent Sub ICB Location Name", "Practice Parent CCG Name"),
                       C("PCN Name"), C("PCN Parent Sub ICB Location Code", "PCN Parent CCG Code"),
                       C("PCN Parent Sub ICB Location Name", "PCN Parent CCG Name"),
                       C("Practice to PCN Relationship End Date"),
                       C("Practice Sub ICB and PCN Sub ICB Match?", "Practice CCG and PCN CCG Match")],
            // A workbook cell formatted as a date reads as ISO; ODS's own cells are YYYYMMDD text.
            dateFormats: [.compact, .iso])
    }

    /// The ePCN workbook's `PCNDetails` sheet: the epcn fields by name (`Current Sub ICB Loc
    /// Code` and `Sub ICB Location`, or their CCG-era `Current Clinical Commissioning Group
    /// Code` and `Clinical Commissioning Group Name`).
    static let pcnSheetLayout = CSVLayout(
        org: C("PCN Code"), period: .external,
        measures: [C("PCN Name"), C("Current Sub ICB Loc Code", "Sub ICB Location Code", "Current Clinical Commissioning Group Code"),
                   C("Sub ICB Location", "Sub ICB Location Name", "Clinical Commissioning Group Name"), C("Open Date"), C("Close Date"),
                   C("Address Line 1"), C("Address Line 2"), C("Address Line 3"), C("Address Line 4"), C("Address Line 5"), C("Postcode")],
        dateFormats: [.compact, .iso])

    /// The two sheets of `ePCN.xlsx`, headers found by their names; a row with no code under
    /// a table is a blank or a note, not a PCN or a partner.
    public func sheetTables(forFile name: String) -> [SheetTable] {
        guard Self.baseName(name).lowercased() == "epcn.xlsx" else { return [] }
        func table(_ sheet: String, _ required: [String]) -> SheetTable {
            let key = required[0]
            return SheetTable(sheet: sheet, search: SheetTableReader.Search(required: required, withinRows: 20) { record, header in
                header.index(of: key).map { record.isEmpty($0) } ?? false
            })
        }
        return [table("PCNDetails", ["PCN Code", "PCN Name", "Open Date"]),
                table("PCN Core Partner Details", ["Partner Organisation Code", "PCN Code", "Practice to PCN Relationship Start Date"])]
    }

    /// The ePCN workbook (read sheet by sheet) and the CSVs of an archive; its PDF is left out.
    public func wants(entryName: String) -> Bool {
        Self.isCSV(entryName) || SheetTable.isWorkbookName(entryName) && !sheetTables(forFile: entryName).isEmpty
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let name = Self.baseName(fileName).lowercased()
        // The ePCN workbook's PCN sheet comes with its header (the DSE epcn.csv never does).
        if name == "epcn.xlsx" && firstRecord.first.map(CSVLayout.normalize) == "PCN_CODE" {
            return FileReading(spec: Self.pcns, layout: Self.pcnSheetLayout)
        }
        let headed = firstRecord.first.map(CSVLayout.normalize) == CSVLayout.normalize(Self.membersColumns[0])
        if name.hasPrefix("epcncorepartner") || name == "epcn.xlsx" && headed || (headed || firstRecord.count == Self.membersColumns.count) && !name.hasPrefix("epraccur") && !name.hasPrefix("epcn.") {
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
