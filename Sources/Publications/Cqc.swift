import Foundation
import Transform

/// Care Quality Commission: GP practice ratings from CQC's monthly bulk workbook, and the single
/// assessment framework (key questions and quality statements) as versioned reference data
/// (nhs-formats-2.md §3).
///
/// CQC lists its bulk files on one page, `using-cqc-data`, named `DD_Month_YYYY_<name>.ods`
/// under `/system/files/YYYY-MM/` (older ones under `/sites/default/files/`): that is a
/// download page whose file names give the month, so each month is one snapshot edition.
///
/// - `cqc-ratings`: `Latest_ratings.ods`, sheet `Locations`: one row per location, service or
///   population group and Domain (Overall, Safe, Effective, Caring, Responsive, Well-led), with
///   its Latest Rating and Publication Date (`dd/mm/yyyy`, or an ODS date cell). The header row
///   moves (CQC put a notice block above it in September 2026), so it is found by its names.
///   Only `Location Type` = `Primary Medical Services` rows are kept (GP practices and other
///   primary medical services); the sheet's 300,000 other rows are care homes, dentists, trusts.
///   The location (CQC's Location ID) is the key; `Location ODS Code` links it to a practice.
///   A location without one is kept (and counted: `practice` is NULL) and never matched by
///   name or postcode: CQC does not say which practice it is.
/// - `cqc-framework`: the single assessment framework's quality statements per key question.
///   CQC publishes no machine-readable framework (nhs-formats-2.md §3a), so this reads a CSV
///   `*_SAF_quality_statements.csv` (Framework version, Key question, Quality statement) that
///   only the offline mirror links today; the framework version column keeps revisions of the
///   framework apart. A month that lists the same file again (byte for byte) loads nothing, so
///   the framework is served from the snapshot it was first published in.
///
/// With a subscription key in the environment (`CQC_SUBSCRIPTION_KEY`, sent as CQC's API wants
/// it in `Ocp-Apim-Subscription-Key`, never in a URL, argv, log or message), locations come from
/// CQC's API instead (`api.service.cqc.org.uk/public/v1`): the paged `locations` list of GP
/// practices (primary inspection category P2; `totalPages`) is the index, each location's
/// detail (`locations/{locationId}`) one JSON file of the month's snapshot, tabulated into the
/// Locations sheet's columns (its `currentRatings`: the Overall row, then one per key question)
/// so the same layout, filter and API objects serve it. Without a key the bulk workbook is read:
/// it carries the same ratings and the ODS code.
public struct Cqc: SourceDeclaration {
    public let id = "cqc"
    public let title = "CQC ratings of GP practices and the single assessment framework"
    public let listing = EditionListing.downloadPage(DownloadPageListing(
        url: "https://www.cqc.org.uk/about-us/transparency/using-cqc-data",
        periodTemplates: ["{dd}_{month}_{yyyy}_*"]))
    public let periodKind = ReportingPeriod.Kind.month
    // About monthly, on the 1st or 5th of the month (nhs-formats-2.md §3b).
    public let cadence = Cadence(every: "month", expectedAfterDays: 5, publishedWithinDays: 40)
    public let hosts = ["www.cqc.org.uk", "api.service.cqc.org.uk"]
    public let files = [
        FileFamily("latest ratings workbook (sheet Locations)", match: ["*_Latest_ratings.ods"], datasets: ["cqc-ratings"]),
        FileFamily("API location detail (JSON, with a subscription key)", match: ["cqc-location-*.json"], datasets: ["cqc-ratings"]),
        FileFamily("assessment framework quality statements", match: ["*_SAF_quality_statements.csv"], datasets: ["cqc-framework"]),
    ]

    public init() {}

    /// CQC's API, read instead of the bulk workbook when `CQC_SUBSCRIPTION_KEY` is set.
    public var keyedListing: EditionListing? {
        .webAPI(WebAPIListing(
            indexURL: "https://api.service.cqc.org.uk/public/v1/locations?page={page}&perPage=500&primaryInspectionCategoryCode=P2",
            paging: .init(totalPagesField: "totalPages"), itemsPath: ["locations"], idField: "locationId",
            dataURL: "https://api.service.cqc.org.uk/public/v1/locations/{id}", fileName: "cqc-location-{id}.json",
            secretHeaders: [.init(header: "Ocp-Apim-Subscription-Key", environmentVariable: "CQC_SUBSCRIPTION_KEY")]))
    }

    /// The Locations sheet's columns, which a location from the API is tabulated into.
    static let apiTableHeader = [
        "Location ID", "Location ODS Code", "Location Name", "Location Type", "Location Primary Inspection Category", "Location Post Code",
        "Location Local Authority", "Location Region", "URL", "Provider ID", "Provider Name", "Brand ID", "Brand Name", "Care Home?",
        "Location Street Address", "Location Address Line 2", "Location City", "Service / Population Group", "Domain", "Latest Rating",
        "Publication Date", "Report Type", "Inherited Rating (Y/N)",
    ]

    /// One location's detail from CQC's API as Locations-sheet rows: the Overall rating, then
    /// each key question's (`currentRatings.overall.keyQuestionRatings`), all for the location
    /// as a whole (service group Overall). A location not yet rated gives one Overall row with
    /// no rating, so it is still kept and counted. Fields CQC's API does not carry (provider
    /// name, report type, inherited) are blank.
    public func table(fromJSON bytes: [UInt8], fileName: String) throws -> [[String]]? {
        guard fileName.hasPrefix("cqc-location-") else { return nil }
        func refuse(_ why: String) -> TransformError { TransformError(.value, file: fileName, why) }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw refuse("not JSON (starts with \(TransformError.shown(String(decoding: bytes.prefix(40), as: UTF8.self))))")
        }
        guard let location = json as? [String: Any] else { throw refuse("not a location object") }
        func text(_ object: [String: Any], _ key: String) -> String {
            switch object[key] {
            case let s as String: return s
            case let n as NSNumber: return n.stringValue
            default: return ""
            }
        }
        let id = text(location, "locationId")
        guard !id.isEmpty else { throw refuse("no locationId") }
        let categories = location["inspectionCategories"] as? [[String: Any]] ?? []
        let primary = categories.first { text($0, "primary") == "true" } ?? categories.first
        let fixed = [id, text(location, "odsCode"), text(location, "name"), text(location, "type"), primary.map { text($0, "name") } ?? "",
                     text(location, "postalCode"), text(location, "localAuthority"), text(location, "region"),
                     "https://www.cqc.org.uk/location/\(id)", text(location, "providerId"), "", text(location, "brandId"),
                     text(location, "brandName"), text(location, "careHome"), text(location, "postalAddressLine1"),
                     text(location, "postalAddressLine2"), text(location, "postalAddressTownCity")]
        let overall = (location["currentRatings"] as? [String: Any])?["overall"] as? [String: Any]
        var rows = [Self.apiTableHeader, fixed + ["Overall", "Overall", overall.map { text($0, "rating") } ?? "",
                                                  overall.map { text($0, "reportDate") } ?? "", "", ""]]
        for (index, item) in ((overall?["keyQuestionRatings"] as? [Any]) ?? []).enumerated() {
            guard let question = item as? [String: Any], !text(question, "name").isEmpty else {
                throw refuse("currentRatings.overall.keyQuestionRatings[\(index)] has no name")
            }
            rows.append(fixed + ["Overall", text(question, "name"), text(question, "rating"), text(question, "reportDate"), "", ""])
        }
        return rows
    }

    public static let ratings = DatasetSpec(
        id: "cqc-ratings", source: "cqc",
        title: "Latest CQC rating per primary medical services location, service or population group and key question (Latest_ratings.ods, Locations)",
        table: "cqc_ratings", periodKind: .month,
        dimensions: [.init("service_group"), .init("key_question")],
        measures: [.init("rating"), .init("publication_date", .date), .init("report_type"), .init("inherited_rating")],
        attributes: ["ods_code", "location_name", "location_type", "primary_inspection_category", "postcode", "local_authority",
                     "region", "url", "provider_id", "provider_name", "brand_id", "brand_name"].map { .init($0) })

    public static let framework = DatasetSpec(
        id: "cqc-framework", source: "cqc", title: "Single assessment framework: quality statements per key question (*_SAF_quality_statements.csv)",
        table: "cqc_framework", periodKind: .month, dimensions: [],
        measures: [.init("key_question"), .init("framework_version")])

    public var datasets: [DatasetSpec] { [Self.ratings, Self.framework] }

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "cqc_framework",
                comment: "CQC's single assessment framework: each quality statement and the key question it belongs to, per monthly "
                    + "snapshot (the framework is versioned reference data; framework_version says which)",
                rows: .current(datasets: [Self.framework.id]),
                columns: [
                    APIColumn("snapshot", .period, "The month of the snapshot (first day), from the file name's date"),
                    APIColumn("quality_statement", .org, "The quality statement as published (Safeguarding, Learning culture, …)"),
                    APIColumn("key_question", .field("key_question"), "The key question it belongs to (Safe, Effective, Caring, Responsive, Well-led)"),
                    APIColumn("framework_version", .field("framework_version"), "The framework version as published"),
                    APIColumn("revision", .revision, "The revision whose file this row was read from"),
                    APIColumn("line", .line, "The line of the file the row was read from"),
                ],
                filters: ["key_question", "quality_statement"],
                key: ["snapshot", "quality_statement"]),
            APIObject(
                "cqc_ratings",
                comment: "Latest CQC ratings of primary medical services locations (GP practices) per key question (Domain) and service "
                    + "or population group, from CQC's monthly Latest_ratings.ods (sheet Locations), one snapshot per month; practice "
                    + "is the location's ODS code as CQC publishes it, NULL when CQC gives none (never matched by name)",
                rows: .derived(table: "cqc_rating_values"),
                columns: [
                    APIColumn("snapshot", .field("period"), "The month of the snapshot (first day), from the file name's date"),
                    APIColumn("location", .field("location"), "CQC Location ID (Location ID)"),
                    APIColumn("practice", .field("practice"),
                              "The practice's ODS code as CQC publishes it (Location ODS Code); NULL when CQC gives none: such a location "
                                  + "is not linked to a practice"),
                    APIColumn("icb", .field("icb"),
                              "The practice's ICB from the newest practice map (gp-reg-pat-prac-map) on or before the snapshot; NULL when "
                                  + "the location has no ODS code or no map knows the practice"),
                    APIColumn("location_name", .field("location_name"), "Location Name as published"),
                    APIColumn("primary_inspection_category", .field("primary_inspection_category"),
                              "Location Primary Inspection Category as published (GP Practices, …)"),
                    APIColumn("service_group", .field("service_group"),
                              "Service / Population Group as published (Overall for the location; a population group such as Older people)"),
                    APIColumn("key_question", .field("key_question"), "Domain as published: Overall, Safe, Effective, Caring, Responsive or Well-led"),
                    APIColumn("rating", .field("rating"),
                              "Latest Rating as published (Outstanding, Good, Requires improvement, Inadequate, or the non-ratings Not "
                                  + "Rated and Not applicable); NULL when the cell is blank"),
                    APIColumn("publication_date", .field("publication_date"), "Publication Date of the report the rating comes from"),
                    APIColumn("report_type", .field("report_type"), "Report Type as published"),
                    APIColumn("inherited_rating", .field("inherited_rating"), "Inherited Rating (Y/N) as published"),
                    APIColumn("postcode", .field("postcode"), "Location Post Code as published"),
                    APIColumn("local_authority", .field("local_authority"), "Location Local Authority as published"),
                    APIColumn("provider_id", .field("provider_id"), "CQC Provider ID"),
                    APIColumn("provider_name", .field("provider_name"), "Provider Name as published"),
                    APIColumn("url", .field("url"), "The location's page on cqc.org.uk (URL)"),
                    APIColumn("revision", .field("revision"), "The revision whose file this row was read from"),
                    APIColumn("line", .field("line"), "The sheet row the rating was read from"),
                ],
                filters: ["practice", "icb", "key_question", "rating"],
                key: ["snapshot", "location", "service_group", "key_question"]),
        ]
    }

    /// The current ratings of month `$1`, one row per published row, with the practice's ICB.
    static let monthRebuild: [String] = [
        "DELETE FROM data.cqc_rating_values WHERE period = $1::date",
        """
        INSERT INTO data.cqc_rating_values
            (period, location, practice, icb, location_name, primary_inspection_category, service_group, key_question, rating,
             publication_date, report_type, inherited_rating, postcode, local_authority, provider_id, provider_name, url, revision, line)
        SELECT s.period, s.org, s.ods_code, \(icbOf("s.ods_code", "s.period")), s.location_name, s.primary_inspection_category,
               u.service_group, u.key_question, u.rating, u.publication_date, u.report_type, u.inherited_rating, s.postcode,
               s.local_authority, s.provider_id, s.provider_name, s.url, s.revision_id, u.line
        FROM data.cqc_ratings s
        CROSS JOIN LATERAL unnest(s.service_group, s.key_question, s.rating, s.publication_date, s.report_type, s.inherited_rating, s.line)
            AS u(service_group, key_question, rating, publication_date, report_type, inherited_rating, line)
        WHERE s.valid_to IS NULL AND s.period = $1::date
        """,
    ]

    /// The ICB of practice `practice` in the newest practice map on or before `period` (as
    /// `HierarchyFill(match: .latestOnOrBefore)` does for sources keyed by practice); NULL
    /// for a location without an ODS code: it is not linked, not guessed.
    static func icbOf(_ practice: String, _ period: String) -> String {
        """
        (SELECT h.icb FROM data.practice_map h WHERE h.valid_to IS NULL AND h.org = \(practice) AND h.period <= \(period)
         ORDER BY h.period DESC LIMIT 1)
        """
    }

    /// The ICBs of the months a new practice map (of month `$1`) may serve, written only where they differ.
    static let icbUpdate = """
        UPDATE data.cqc_rating_values v SET icb = \(icbOf("v.practice", "v.period"))
        WHERE v.period >= $1::date AND v.practice IS NOT NULL AND v.icb IS DISTINCT FROM \(icbOf("v.practice", "v.period"))
        """

    public var derivedTables: [DerivedTable] {
        [
            DerivedTable(
                "cqc_rating_values",
                comment: "Current CQC ratings, one per published row, with the practice's ICB (behind api.cqc_ratings)",
                definition: """
                    CREATE TABLE data.cqc_rating_values (
                        period date NOT NULL, location text NOT NULL, practice text, icb text, location_name text,
                        primary_inspection_category text, service_group text NOT NULL, key_question text NOT NULL, rating text,
                        publication_date date, report_type text, inherited_rating text, postcode text, local_authority text,
                        provider_id text, provider_name text, url text, revision bigint NOT NULL, line integer NOT NULL,
                        PRIMARY KEY (period, location, service_group, key_question)
                    );
                    CREATE INDEX cqc_rating_values_practice ON data.cqc_rating_values (practice, period) WHERE practice IS NOT NULL;
                    CREATE INDEX cqc_rating_values_icb ON data.cqc_rating_values (icb, period) WHERE icb IS NOT NULL;
                    CREATE INDEX cqc_rating_values_key_question ON data.cqc_rating_values (key_question, period);
                    CREATE INDEX cqc_rating_values_rating ON data.cqc_rating_values (rating, period) WHERE rating IS NOT NULL;
                    """,
                refreshes: [
                    .init(after: .activated(dataset: Self.ratings.id), Self.monthRebuild),
                    .init(after: .activated(dataset: ListSizes.map.id), [Self.icbUpdate]),
                ]),
        ]
    }

    typealias C = CSVLayout.Column

    /// Publication Date: `dd/mm/yyyy` as text, or an ODS date cell (read as ISO).
    static let dateFormats: [NHSDate.Format] = [.slashed, .iso]

    /// The Locations sheet. Every spelling CQC's files use for a column is listed (Care Home? vs
    /// Care home?, Post Code vs Postal Code, Commissioning CCG Name vs Commissioning CCG).
    static let ratingsLayout = CSVLayout(
        org: C("Location ID"), key: .code, period: .external,
        dimensions: [C("Service / Population Group"), C("Domain")],
        measures: [C("Latest Rating"), C("Publication Date"), C("Report Type"), C("Inherited Rating (Y/N)")],
        attributes: [C("Location ODS Code"), C("Location Name"), C("Location Type"), C("Location Primary Inspection Category"),
                     C("Location Post Code", "Location Postal Code"), C("Location Local Authority"), C("Location Region"), C("URL"),
                     C("Provider ID"), C("Provider Name"), C("Brand ID"), C("Brand Name")],
        ignored: [C("Care Home?"), C("Location Street Address"), C("Location Address Line 2"), C("Location City"),
                  C("Location NHS Region", required: false), C("Location ONSPD CCG Code", required: false),
                  C("Location ONSPD CCG", required: false), C("Location Commissioning CCG Code", required: false),
                  C("Location Commissioning CCG Name", "Location Commissioning CCG", required: false)],
        filters: [.init(C("Location Type"), keep: ["Primary Medical Services"])],
        dateFormats: dateFormats)

    static let frameworkLayout = CSVLayout(
        org: C("Quality statement"), key: .code, period: .external, measures: [C("Key question"), C("Framework version")])

    /// The Locations table's header is found by its names (it was row 1, then row 8 under a
    /// notice); rows under it with no Location ID are the notice's or blank, not locations. Only
    /// two names find it, so a renamed rating column is refused by the layout, by name.
    public func sheetTable(forFile name: String) -> SheetTable? {
        guard name.hasSuffix("_Latest_ratings.ods") else { return nil }
        return SheetTable(sheet: "Locations", search: SheetTableReader.Search(required: ["Location ID", "Domain"], withinRows: 40) { record, header in
            guard let id = header.index(of: "Location ID") else { return false }
            return record.isEmpty(id)
        })
    }

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        if header.contains("LOCATION_ID") && header.contains("DOMAIN") {
            return FileReading(spec: Self.ratings, layout: Self.ratingsLayout)
        }
        if header.contains("QUALITY_STATEMENT") {
            return FileReading(spec: Self.framework, layout: Self.frameworkLayout)
        }
        throw TransformError(.unsupported, file: fileName,
                             "not a CQC file this loader reads (no Location ID and Domain for the ratings sheet, no Quality statement for the framework)")
    }
}
