import Extract
import Foundation
import TestSupport
import Transform
import XCTest

/// The discovery shapes beside digital.nhs.uk series (PublicationPagesTests) and fixed
/// downloads: a paged JSON web API and another site's download page, each read from saved
/// responses served by the fixture server on 127.0.0.1 as a mirror of the publisher's host.
final class DiscoveryShapesTests: XCTestCase {
    var site: TemporaryDirectory!
    var server: FixtureServer!
    var cache: TemporaryDirectory!

    override func setUpWithError() throws {
        site = try TemporaryDirectory("site")
        cache = try TemporaryDirectory("cache")
    }

    override func tearDown() {
        server = nil
        site = nil
        cache = nil
    }

    func write(_ path: String, _ text: String) throws {
        let url = site.url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func downloader(hosts: Set<String>) throws -> Downloader {
        if server == nil { server = try FixtureServer(root: site.url) }
        var policy = DownloadPolicy(allowedHosts: hosts)
        policy.backoffBase = 0.05
        policy.maxAttempts = 3
        return Downloader(cache: DownloadCache(root: cache.url), policy: policy, mirror: Mirror(server.base))
    }

    struct Shape: SourceDeclaration {
        let id = "shape"
        let title = "A source of some shape"
        let listing: EditionListing
        let periodKind: ReportingPeriod.Kind
        let cadence = Cadence(every: "month", expectedAfterDays: 0, publishedWithinDays: 31)
        let hosts: [String]
        let files: [FileFamily]
        let datasets: [DatasetSpec] = []

        func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
            throw TransformError(.unsupported, file: fileName, "not read here")
        }
    }

    // MARK: a paged JSON web API

    let api = EditionListing.webAPI(WebAPIListing(
        indexURL: "https://api.example.org/v1/indicators?page={page}", paging: .init(totalPagesField: "totalPages"),
        itemsPath: ["items"], idField: "IID", changeField: "DataChange.LastUploadedAt",
        dataURL: "https://api.example.org/v1/data/csv?indicator_ids={id}&area_type_id=7", fileName: "indicator-{id}.csv"))

    func testAPagedIndexListsEveryItemWithItsChangeMarkerAcrossPagesAndRetries() throws {
        // The mirror keeps a query as one more path segment (`…/indicators/page=1`).
        try write("api.example.org/v1/indicators/page=1", #"""
            {"totalPages": 2, "items": [{"IID": 93553, "DataChange.LastUploadedAt": "2026-10-01T09:00:00"},
                                        {"IID": 241, "DataChange": {"LastUploadedAt": "2025-02-11T10:30:00"}}]}
            """#)
        try write("api.example.org/v1/indicators/page=2", #"{"totalPages": 2, "items": [{"IID": 90619}, {"IID": 93553}]}"#)
        let source = Shape(listing: api, periodKind: .snapshot, hosts: ["api.example.org"],
                           files: [FileFamily("indicator data", match: ["indicator-*.csv"], datasets: ["x"])])
        let d = try downloader(hosts: ["api.example.org"])
        try server.faults("/api.example.org/v1/indicators/page=2", [["status": 429, "retry_after": "0"]])
        let discovery = Discovery(source: source, downloader: d, now: Date(timeIntervalSince1970: 1_795_000_000))
        guard case .found(let publication) = try discovery.discover() else { return XCTFail("not found") }
        XCTAssertEqual(publication.edition.period.label, "2026-11-18", "a snapshot as of today")
        XCTAssertEqual(publication.files.map(\.file.name), ["indicator-93553.csv", "indicator-241.csv", "indicator-90619.csv"],
                       "every item once, in index order")
        XCTAssertEqual(publication.files.map(\.file.url)[0], "https://api.example.org/v1/data/csv?indicator_ids=93553&area_type_id=7")
        XCTAssertEqual(publication.files.map(\.file.changeMarker), ["2026-10-01T09:00:00", "2025-02-11T10:30:00", nil],
                       "a dotted key or a nested object; none when the item has no marker")
        XCTAssertEqual(try server.requests(path: "/api.example.org/v1/indicators/page=2").compactMap { $0["status"] as? Int }, [429, 200])
    }

    /// Fingertips' `indicator_metadata/by_profile_id` is one object keyed by indicator id, not a list.
    func testAnIndexKeyedByItemIdListsItsItemsInKeyOrder() throws {
        try write("api.example.org/v1/meta/profile_id=20", #"""
            {"93553": {"IID": 93553, "DataChange": {"LastUploadedAt": "2022-07-05T10:14:00"}},
             "241": {"IID": 241, "DataChange": {"LastUploadedAt": "2025-02-11T10:30:00"}}}
            """#)
        let keyed = EditionListing.webAPI(WebAPIListing(
            indexURL: "https://api.example.org/v1/meta?profile_id=20", idField: "IID", changeField: "DataChange.LastUploadedAt",
            dataURL: "https://api.example.org/v1/data/csv?indicator_ids={id}", fileName: "indicator-{id}.csv"))
        let source = Shape(listing: keyed, periodKind: .snapshot, hosts: ["api.example.org"],
                           files: [FileFamily("indicator data", match: ["indicator-*.csv"], datasets: ["x"])])
        let discovery = Discovery(source: source, downloader: try downloader(hosts: ["api.example.org"]))
        guard case .found(let publication) = try discovery.discover() else { return XCTFail("not found") }
        XCTAssertEqual(publication.files.map(\.file.name), ["indicator-241.csv", "indicator-93553.csv"], "numeric keys in numeric order")
        XCTAssertEqual(publication.files.map(\.file.changeMarker), ["2025-02-11T10:30:00", "2022-07-05T10:14:00"])
    }

    func testAnIndexThatIsNotWhatItShouldBeIsADiscoveryErrorNamingTheRequest() throws {
        let source = Shape(listing: api, periodKind: .snapshot, hosts: ["api.example.org"], files: [])
        let d = try downloader(hosts: ["api.example.org"])
        func error(_ body: String) throws -> String {
            try write("api.example.org/v1/indicators/page=1", body)
            do {
                _ = try Discovery(source: source, downloader: d).discover()
                return "no error"
            } catch {
                return String(describing: error)
            }
        }
        let url = "https://api.example.org/v1/indicators?page=1"
        XCTAssertEqual(try error("<html>maintenance</html>"), "\(url): the API index is not JSON ('<html>maintenance</html>')")
        XCTAssertEqual(try error(#"{"totalPages": 1, "results": []}"#), "\(url): the API index has no item list at items")
        XCTAssertEqual(try error(#"{"items": [{"IID": 1}]}"#), "\(url): the API index page has no totalPages")
        XCTAssertEqual(try error(#"{"totalPages": 1, "items": [{"name": "x"}]}"#), "\(url): item 1 of the API index has no IID")
        XCTAssertEqual(try error(#"{"totalPages": 1, "items": [{"IID": "1&x=../y"}]}"#),
                       "\(url): item 1 of the API index has an identifier that cannot go into a URL: '1&x=../y'")
    }

    // MARK: another site's download page

    func testADownloadPageGivesOneEditionPerPeriodItsFileNamesName() throws {
        try write("www.gp-patient.co.uk/SurveysAndReports/index.html", """
            <html><body><h1>Surveys and reports</h1>
            <a href="/downloads/2025/GPPS_2025_Practice_data_(weighted)_(csv)_PUBLIC.csv">2025 practice data</a>
            <a href="/downloads/2025/GPPS_2025_Technical_Annex.pdf">annex</a>
            <a href="https://www.gp-patient.co.uk/downloads/archive/GPPS_2023_Practice_data_(weighted)_(csv)_PUBLIC.csv">2023</a>
            <a href="/downloads/2024/GPPS_2024_Practice_data_(weighted)_(csv)_PUBLIC.csv">2024</a>
            <a href="/about.html">about</a></body></html>
            """)
        let source = Shape(listing: .downloadPage(DownloadPageListing(url: "https://www.gp-patient.co.uk/SurveysAndReports",
                                                                      periodTemplates: ["gpps_{yyyy}_*"])),
                           periodKind: .surveyYear, hosts: ["www.gp-patient.co.uk"],
                           files: [FileFamily("practice data", match: ["GPPS_*_Practice_data_(weighted)*.csv"], datasets: ["x"])])
        let discovery = Discovery(source: source, downloader: try downloader(hosts: ["www.gp-patient.co.uk"]))
        XCTAssertEqual(try discovery.editions().map(\.period.label), ["2025", "2024", "2023"])
        guard case .found(let newest) = try discovery.discover() else { return XCTFail("not found") }
        XCTAssertEqual(newest.files.map(\.file.url), ["https://www.gp-patient.co.uk/downloads/2025/GPPS_2025_Practice_data_(weighted)_(csv)_PUBLIC.csv"])
        XCTAssertEqual(newest.ignored.map(\.name), ["GPPS_2025_Technical_Annex.pdf"], "the year's other files are left alone")
        guard case .found(let older) = try discovery.discover(period: ReportingPeriod(kind: .surveyYear, start: CalendarDate(year: 2023, month: 1, day: 1)!))
        else { return XCTFail("2023 not found") }
        XCTAssertEqual(older.files.map(\.file.name), ["GPPS_2023_Practice_data_(weighted)_(csv)_PUBLIC.csv"])
        guard case .notYetPublished = try discovery.discover(period: ReportingPeriod(kind: .surveyYear, start: CalendarDate(year: 2026, month: 1, day: 1)!))
        else { return XCTFail("2026 is not listed") }
    }
}
