@testable import Extract
import Foundation
import Publications
import TestSupport
import Transform
import XCTest

/// Reading saved digital.nhs.uk pages (Fixtures/publisher, modelled on NHS England's page
/// templates) and the declarations' naming rules.
final class PublicationPagesTests: XCTestCase {
    let series = "https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice"
    let source = ListSizes()
    let slugs = ["{month}-{yyyy}", "{mon}-{yyyy}"]

    func page(_ slug: String? = nil) throws -> String {
        var path = "publisher/digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice"
        if let slug { path += "/" + slug }
        return try String(contentsOf: Fixtures.url(path + "/index.html"), encoding: .utf8)
    }

    func testTheSeriesPageListsEveryEditionNewestFirstWithItsDate() throws {
        let editions = try PublicationPages.editions(html: page(), seriesURL: series, slugs: slugs, kind: .month)
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
        XCTAssertEqual(november.files.map { source.family(forFile: $0.name)?.datasets }, [["list-sizes-all"], nil, nil], "reports are not data")
    }

    func testAPageWithoutTheMarkersStillYieldsEditionsFromLinksOfTheRightShape() throws {
        let html = """
            <html><body><ul><li><a href="/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/february-2026">Feb</a></li>
            <li><a href="https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/oct-2018">Oct 2018</a></li>
            <li><a href="/data-and-information/publications/statistical/other-series/march-2026">other</a></li></ul></body></html>
            """
        let editions = try PublicationPages.editions(html: html, seriesURL: series, slugs: slugs, kind: .month)
        XCTAssertEqual(editions.map(\.period.label), ["2026-02", "2018-10"])
    }

    func testAnUnrecognisablePageIsAnError() {
        XCTAssertThrowsError(try PublicationPages.editions(html: "<html><h1>Service unavailable</h1></html>", seriesURL: series, slugs: slugs, kind: .month)) { error in
            XCTAssertEqual(String(describing: error), "\(series): the series page lists no editions whose names fit the source's edition slugs (page moved or redesigned?)")
        }
        XCTAssertThrowsError(try PublicationPages.editionPage(html: "<html><p>nothing</p></html>", pageURL: series + "/x")) { error in
            XCTAssertEqual(String(describing: error), "\(series)/x: the edition page links no files (page moved or redesigned?)")
        }
    }

    func testFileNamesAreDecodedAndMatchedCaseInsensitively() throws {
        let html = #"<a href="https://files.digital.nhs.uk/32/40B931/QOF%202022-23%20Raw%20data%20.csv%20files.zip">x</a><a href="https://files.digital.nhs.uk/AA/BBBBBB/GP-REG-PAT-PRAC-MAP_v2.zip">y</a>"#
        let files = try PublicationPages.editionPage(html: html, pageURL: series + "/x").files
        XCTAssertEqual(files.map(\.name), ["QOF 2022-23 Raw data .csv files.zip", "GP-REG-PAT-PRAC-MAP_v2.zip"])
        XCTAssertEqual(source.family(forFile: files[1].name)?.datasets, ["practice-map"], "a _v2 reissue matches the same dataset")
    }

    func testSlugTemplatesGiveThePeriod() throws {
        func month(_ slug: String) -> String? { SlugTemplate.period(slugs, slug, kind: .month)?.label }
        XCTAssertEqual(month("october-2025"), "2025-10")
        XCTAssertEqual(month("oct-2018"), "2018-10")
        XCTAssertEqual(month("sept-2019"), "2019-09")
        XCTAssertNil(month("october-2025-supporting-information"))
        let yearly = ["{yyyy}-{yy}", "england-{yyyy}-{yy}", "{dd}-{month}-{yyyy}"]
        func year(_ slug: String) -> ReportingPeriod? { SlugTemplate.period(yearly, slug, kind: .financialYear) }
        XCTAssertEqual(year("2023-24")?.label, "2023-24")
        XCTAssertEqual(year("england-2021-22")?.apiYear, "2021/22")
        XCTAssertNil(year("2023-25"), "the second year must follow the first")
        XCTAssertEqual(year("30-april-2023")?.start, CalendarDate(year: 2023, month: 4, day: 1))
        // File names: `*` runs, a year token not glued to more digits.
        XCTAssertEqual(SlugTemplate.period(["gpps_{yyyy}_*"], "GPPS_2024_Practice_data_(weighted)_(csv)_PUBLIC.csv", kind: .surveyYear)?.label, "2024")
        XCTAssertNil(SlugTemplate.period(["gpps_{yyyy}_*"], "GPPS_20245_x.csv", kind: .surveyYear))
        XCTAssertEqual(SlugTemplate.period(["*/downloads/{yyyy}/*"], "/downloads/2025/practice.csv", kind: .surveyYear)?.label, "2025")
    }

    func testPageDatesAndEntities() {
        XCTAssertEqual(PublicationPages.parseDate("Published: 9 April 2026"), CalendarDate(year: 2026, month: 4, day: 9))
        XCTAssertEqual(PublicationPages.parseDate(" 13 Nov 2025 "), CalendarDate(year: 2025, month: 11, day: 13))
        XCTAssertEqual(PublicationPages.parseDate("8 Sept 2020"), CalendarDate(year: 2020, month: 9, day: 8))
        XCTAssertNil(PublicationPages.parseDate("31 Feb 2020"))
        XCTAssertEqual(HTMLScanner.decodeEntities("A &amp; B &#8211; C&#x2013;D &nbsp;&unknown;"), "A & B – C–D  &unknown;")
    }
}
