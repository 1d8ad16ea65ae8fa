import Extract
import Foundation
import TestSupport
import Transform
import XCTest

/// Reading saved digital.nhs.uk pages (Fixtures/publisher, modelled on NHS England's page
/// templates) and the catalogue's naming rules.
final class PublicationPagesTests: XCTestCase {
    let series = "https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice"
    var entry: SourceCatalog.Entry!

    override func setUpWithError() throws {
        entry = try XCTUnwrap(SourceCatalog.load(from: Fixtures.root.appendingPathComponent("Config/sources.json")).entry("list-sizes"))
    }

    func page(_ slug: String? = nil) throws -> String {
        var path = "publisher/digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice"
        if let slug { path += "/" + slug }
        return try String(contentsOf: Fixtures.url(path + "/index.html"), encoding: .utf8)
    }

    func testTheSeriesPageListsEveryEditionNewestFirstWithItsDate() throws {
        let editions = try PublicationPages.editions(html: page(), seriesURL: series, entry: entry)
        XCTAssertEqual(editions.map(\.period.label), ["2026-03", "2026-01", "2025-12", "2025-11", "2025-10", "2022-01", "2021-01", "2020-09", "2017-09"])
        XCTAssertEqual(editions[0].url, series + "/march-2026")
        XCTAssertEqual(editions[0].listedDate, CalendarDate(year: 2026, month: 3, day: 12), "'Published: 12 March 2026' on the latest card")
        XCTAssertEqual(editions[4].listedDate, CalendarDate(year: 2025, month: 10, day: 16))
        XCTAssertEqual(editions[0].title, "Patients Registered at a GP Practice, March 2026")
    }

    func testAnEditionPageGivesItsDateFilesAndRevisionNotice() throws {
        let october = try PublicationPages.editionPage(html: page("october-2025"), pageURL: series + "/october-2025")
        XCTAssertEqual(october.published, CalendarDate(year: 2025, month: 10, day: 16), "the Publication Date, not the notice's or the snapshot's date")
        XCTAssertEqual(october.files.map(\.url), ["https://files.digital.nhs.uk/8F/DBD9AF/gp-reg-pat-prac-all.csv"], "each file once, though its URL appears twice")
        XCTAssertTrue(october.notice?.hasPrefix("Updated publication files An issue was found") == true, october.notice ?? "no notice")
        let november = try PublicationPages.editionPage(html: page("november-2025"), pageURL: series + "/november-2025")
        XCTAssertEqual(november.files.map(\.name), ["gp-reg-pat-prac-all.csv", "gp-reg-pat-prac-summary-nov-25.xlsx", "gp-reg-pat-prac-data-quality-statement.pdf"])
        XCTAssertEqual(november.files.map { entry.dataset(forFile: $0.name) }, ["list-sizes-all", nil, nil], "reports are not data")
    }

    func testAPageWithoutTheMarkersStillYieldsEditionsFromLinksOfTheRightShape() throws {
        let html = """
            <html><body><ul><li><a href="/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/february-2026">Feb</a></li>
            <li><a href="https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/oct-2018">Oct 2018</a></li>
            <li><a href="/data-and-information/publications/statistical/other-series/march-2026">other</a></li></ul></body></html>
            """
        let editions = try PublicationPages.editions(html: html, seriesURL: series, entry: entry)
        XCTAssertEqual(editions.map(\.period.label), ["2026-02", "2018-10"])
    }

    func testAnUnrecognisablePageIsAnError() {
        XCTAssertThrowsError(try PublicationPages.editions(html: "<html><h1>Service unavailable</h1></html>", seriesURL: series, entry: entry)) { error in
            XCTAssertEqual(String(describing: error), "\(series): the series page lists no editions this catalogue entry recognises (page moved or redesigned?)")
        }
        XCTAssertThrowsError(try PublicationPages.editionPage(html: "<html><p>nothing</p></html>", pageURL: series + "/x")) { error in
            XCTAssertEqual(String(describing: error), "\(series)/x: the edition page links no files (page moved or redesigned?)")
        }
    }

    func testFileNamesAreDecodedAndMatchedCaseInsensitively() throws {
        let html = #"<a href="https://files.digital.nhs.uk/32/40B931/QOF%202022-23%20Raw%20data%20.csv%20files.zip">x</a><a href="https://files.digital.nhs.uk/AA/BBBBBB/GP-REG-PAT-PRAC-MAP_v2.zip">y</a>"#
        let files = try PublicationPages.editionPage(html: html, pageURL: series + "/x").files
        XCTAssertEqual(files.map(\.name), ["QOF 2022-23 Raw data .csv files.zip", "GP-REG-PAT-PRAC-MAP_v2.zip"])
        XCTAssertEqual(entry.dataset(forFile: files[1].name), "practice-map", "a _v2 reissue matches the same dataset")
    }

    func testSlugTemplatesGiveThePeriod() throws {
        XCTAssertEqual(entry.period(forSlug: "october-2025")?.label, "2025-10")
        XCTAssertEqual(entry.period(forSlug: "oct-2018")?.label, "2018-10")
        XCTAssertEqual(entry.period(forSlug: "sept-2019")?.label, "2019-09")
        XCTAssertNil(entry.period(forSlug: "october-2025-supporting-information"))
        let catalog = try JSONDecoder.snake.decode(SourceCatalog.self, from: Data("""
            {"sources": [{"id": "x", "name": "x", "series": "https://digital.nhs.uk/x", "edition_slugs": ["{yyyy}-{yy}", "england-{yyyy}-{yy}", "{dd}-{month}-{yyyy}"],
              "period": "financial_year", "cadence": {"every": "year", "published_within_days": 300}, "hosts": [], "files": []}]}
            """.utf8))
        let x = catalog.sources[0]
        XCTAssertEqual(x.period(forSlug: "2023-24")?.label, "2023-24")
        XCTAssertEqual(x.period(forSlug: "england-2021-22")?.apiYear, "2021/22")
        XCTAssertNil(x.period(forSlug: "2023-25"), "the second year must follow the first")
        XCTAssertEqual(x.period(forSlug: "30-april-2023")?.start, CalendarDate(year: 2023, month: 4, day: 1))
    }

    func testPageDatesAndEntities() {
        XCTAssertEqual(PublicationPages.parseDate("Published: 9 April 2026"), CalendarDate(year: 2026, month: 4, day: 9))
        XCTAssertEqual(PublicationPages.parseDate(" 13 Nov 2025 "), CalendarDate(year: 2025, month: 11, day: 13))
        XCTAssertEqual(PublicationPages.parseDate("8 Sept 2020"), CalendarDate(year: 2020, month: 9, day: 8))
        XCTAssertNil(PublicationPages.parseDate("31 Feb 2020"))
        XCTAssertEqual(HTMLScanner.decodeEntities("A &amp; B &#8211; C&#x2013;D &nbsp;&unknown;"), "A & B – C–D  &unknown;")
    }
}

extension JSONDecoder {
    static var snake: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
