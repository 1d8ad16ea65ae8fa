import Foundation
import TestSupport
import XCTest

/// `pipeline refresh` and `pipeline load --url` against a real HTTP server on 127.0.0.1 that
/// serves a copy of the saved publisher site (Fixtures/publisher) as a mirror.
final class RefreshEndToEndTests: PublisherSiteTestCase {
    let marchFile = "/files.digital.nhs.uk/68/62F9CC/gp-reg-pat-prac-all.csv"
    let januaryFile = "/files.digital.nhs.uk/50/CBA221/gp-reg-pat-prac-all.csv"
    let seriesPage = "/digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice"

    func testRefreshLoadsTheNewestMonthWithProvenanceAndASecondRunDownloadsNothing() throws {
        let first = try h.pipeline("refresh", "list-sizes")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, "list-sizes-all 2026-03: revision 1 is now current (6169 rows: +6169 added, ~0 changed, -0 removed, =0 unchanged)\n")
        let revision = try XCTUnwrap(h.revisions().first)
        XCTAssertEqual(revision["url"] as? String, "https://files.digital.nhs.uk/68/62F9CC/gp-reg-pat-prac-all.csv", "the publisher's URL, not the mirror's")
        XCTAssertEqual(revision["page"] as? String, "https://digital.nhs.uk\(seriesPage.dropFirst("/digital.nhs.uk".count))/march-2026")
        XCTAssertEqual(revision["published"] as? String, "2026-03-12", "the edition page's publication date")
        XCTAssertEqual(revision["sha256"] as? String, SHA256Hex.of(file: site.url.path + marchFile))
        XCTAssertEqual(revision["size"] as? Int, 457_527)
        XCTAssertNotNil(revision["etag"] as? String)
        XCTAssertNotNil(revision["last_modified"] as? String)
        XCTAssertNotNil(revision["fetched_at"] as? String)
        // Every row traces to its revision and line of that file.
        XCTAssertEqual(try h.database.value("SELECT revision || ':' || line FROM api.list_sizes WHERE org = 'A81001'"), "1:2")

        try server.clearRequests()
        let second = try h.pipeline("refresh", "list-sizes")
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.stdout, "list-sizes 2026-03: nothing new (gp-reg-pat-prac-all.csv (not modified))\n")
        let requests = try server.requests()
        XCTAssertEqual(requests.map { $0["status"] as? Int }, [304, 304, 304], "series page, edition page and file: all conditional, no body")
        XCTAssertEqual(try h.revisions().count, 1)
        XCTAssertEqual(try h.database.value("SELECT string_agg(outcome, ',' ORDER BY run_id) FROM etl.runs"), "ok,nothing_new")
    }

    func testARepublishedFileBecomesANewRevision() throws {
        XCTAssertEqual(try h.pipeline("refresh", "list-sizes").status, 0)
        // The publisher replaces the March file in place (same URL): one practice corrected.
        let file = site.url.path + marchFile
        var text = try String(contentsOfFile: file, encoding: .utf8)
        let before = try XCTUnwrap(text.range(of: #"(?<=A81001,TS18 1HU,ALL,ALL,)[0-9]+"#, options: .regularExpression))
        let oldCount = Int(text[before])!
        text = text.replacingOccurrences(of: "A81001,TS18 1HU,ALL,ALL,", with: "A81001,TS18 1HU,ALL,ALL,1")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        // The page's key fact (the file's total, which the load reconciles to) is corrected with it.
        let page = site.url.appendingPathComponent("digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/march-2026/index.html")
        var html = try String(contentsOf: page, encoding: .utf8)
        let figure = try XCTUnwrap(html.range(of: #"(?<=nhsd-t-heading-xl nhsd-!t-margin-bottom-1">)[0-9,]+"#, options: .regularExpression))
        let total = Int(html[figure].filter { $0 != "," })! + Int("1\(oldCount)")! - oldCount
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_GB")
        html.replaceSubrange(figure, with: formatter.string(from: NSNumber(value: total))!)
        try html.write(to: page, atomically: true, encoding: .utf8)
        let result = try h.pipeline("refresh", "list-sizes")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "list-sizes-all 2026-03: revision 2 is now current (6169 rows: +0 added, ~1 changed, -0 removed, =6168 unchanged)\n")
    }

    func testDryRunFetchesOnlyPagesAndWritesNothing() throws {
        let result = try h.pipeline("refresh", "list-sizes", "--dry-run")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines, [
            "list-sizes 2026-03: Patients Registered at a GP Practice, March 2026, published 2026-03-12",
            "  would fetch https://files.digital.nhs.uk/68/62F9CC/gp-reg-pat-prac-all.csv and load it as list-sizes-all",
        ])
        XCTAssertEqual(try server.requests().filter { ($0["path"] as? String)?.hasPrefix("/files.") == true }.count, 0)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")
    }

    func testAnHTMLPageInPlaceOfTheDataFileIsRefusedAndNothingChanges() throws {
        XCTAssertEqual(try h.pipeline("refresh", "list-sizes").status, 0)
        try server.faults(januaryFile, [["body": "<!DOCTYPE html><html><body>Just a moment…</body></html>", "content_type": "text/html", "status": 200]])
        let result = try h.pipeline("refresh", "list-sizes", "--period", "2021-01")
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.stderrLines.last, "https://files.digital.nhs.uk/50/CBA221/gp-reg-pat-prac-all.csv: not a data file: it looks like an HTML page (starts with '<!doctype html>'); content-type text/html",
                       "one line naming the URL and what arrived instead")
        XCTAssertEqual(try h.database.value("SELECT string_agg(period::text, ',') FROM etl.scopes"), "2026-03-01")
    }

    func testTransientFailuresAreRetriedAndAnExhaustedBudgetExits75WithNothingWritten() throws {
        try server.faults(marchFile, [["status": 503], ["status": 429, "retry_after": "0"]])
        let retried = try h.pipeline("refresh", "list-sizes")
        XCTAssertEqual(retried.status, 0, retried.stderr)
        XCTAssertTrue(retried.stderr.contains("retrying https://files.digital.nhs.uk/68/62F9CC/gp-reg-pat-prac-all.csv in "), retried.stderr)
        try server.faults(januaryFile, [["status": 503]], repeat: true)
        let exhausted = try h.pipeline("refresh", "list-sizes", "--period", "2021-01")
        XCTAssertEqual(exhausted.status, 75, exhausted.stderr)
        XCTAssertTrue(exhausted.stderr.hasSuffix("https://files.digital.nhs.uk/50/CBA221/gp-reg-pat-prac-all.csv: gave up after 6 attempts: HTTP 503\n"), exhausted.stderr)
        XCTAssertEqual(try h.revisions().count, 1)
    }

    func testAMovedSeriesPageAndAnUnpublishedPeriodAreDistinctOutcomes() throws {
        let notYet = try h.pipeline("refresh", "list-sizes", "--period", "2026-06")
        XCTAssertEqual(notYet.status, 69)
        XCTAssertEqual(notYet.stdout, "list-sizes 2026-06: not yet published (the series page does not list it)\n")
        try server.faults(seriesPage, [["status": 404]], repeat: true)
        let moved = try h.pipeline("refresh", "list-sizes")
        XCTAssertEqual(moved.status, 69)
        XCTAssertEqual(moved.stderr, "https://digital.nhs.uk\(seriesPage.dropFirst("/digital.nhs.uk".count)): the series page is gone (not published (HTTP 404)); has the publication moved?\n")
        try server.clearFaults()
        try server.faults(seriesPage, [["body": "<html><body><h1>Maintenance</h1></body></html>", "content_type": "text/html", "status": 200]])
        let unreadable = try h.pipeline("refresh", "list-sizes")
        XCTAssertEqual(unreadable.status, 69)
        XCTAssertTrue(unreadable.stderr.hasSuffix(": the series page lists no editions whose names fit the source's edition slugs (page moved or redesigned?)\n"), unreadable.stderr)
    }

    func testLoadByURLFetchesOneFileWithTheSameChecksAndProvenance() throws {
        let url = "https://files.digital.nhs.uk/50/CBA221/gp-reg-pat-prac-all.csv"
        let result = try h.pipeline("load", "list-sizes", "--url", url)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "list-sizes-all 2021-01: revision 1 is now current (6658 rows: +6658 added, ~0 changed, -0 removed, =0 unchanged)\n")
        XCTAssertEqual(try h.revisions().first?["url"] as? String, url)
        let refused = try h.pipeline("load", "list-sizes", "--url", "https://evil.example/gp-reg-pat-prac-all.csv")
        XCTAssertEqual(refused.status, 69)
        XCTAssertEqual(refused.stderr, "https://evil.example/gp-reg-pat-prac-all.csv: host evil.example is not on the allow-list (digital.nhs.uk, files.digital.nhs.uk)\n")
    }
}
