import Foundation
import TestSupport
import XCTest

/// `load --url` and `refresh` refuse what the fetch policy forbids, with exit 69, one line naming
/// the URL, nothing fetched and the current data untouched: loopback addresses other than the
/// configured mirror, and paths that climb out of the mirror (in a URL or a page link).
final class FetchPolicyEndToEndTests: PublisherSiteTestCase {
    let januaryFile = "/files.digital.nhs.uk/50/CBA221/gp-reg-pat-prac-all.csv"
    let marchPage = "digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/march-2026/index.html"
    let marchLink = "https://files.digital.nhs.uk/68/62F9CC/gp-reg-pat-prac-all.csv"

    func testLoadByURLRefusesLoopbackAddressesEvenWhenTheyServeTheMirror() throws {
        for url in ["\(server.base)\(januaryFile)", "http://localhost:\(server.port)\(januaryFile)"] {
            let result = try h.pipeline("load", "list-sizes", "--url", url)
            XCTAssertEqual(result.status, 69, result.stderr)
            XCTAssertEqual(result.stderr, "\(url): only https URLs are fetched (got http)\n")
        }
        XCTAssertEqual(try server.requests().count, 0, "nothing was fetched")
        XCTAssertEqual(try h.pipeline("revisions", "list-sizes", "--json").stdout, "", "nothing loaded")
        // The publisher's URL, through the mirror, still loads.
        XCTAssertEqual(try h.pipeline("load", "list-sizes", "--url", "https:/\(januaryFile)").status, 0)
    }

    /// Rewrites the March edition page's data link.
    func linkMarch(to url: String) throws {
        let page = site.url.appendingPathComponent(marchPage)
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertTrue(html.contains(marchLink))
        try html.replacingOccurrences(of: marchLink, with: url).write(to: page, atomically: true, encoding: .utf8)
    }

    func testAPageLinkToALoopbackServiceIsRefusedAndTheCurrentDataStays() throws {
        XCTAssertEqual(try h.pipeline("refresh", "list-sizes", "--period", "2021-01").status, 0)
        let service = try FixtureServer(root: site.url)
        let link = "\(service.base)/files.digital.nhs.uk/68/62F9CC/gp-reg-pat-prac-all.csv"
        try linkMarch(to: link)
        let result = try h.pipeline("refresh", "list-sizes")
        XCTAssertEqual(result.status, 69, result.stderr)
        XCTAssertEqual(result.stderrLines.last, "\(link): only https URLs are fetched (got http)")
        XCTAssertEqual(try service.requests().count, 0, "the loopback service was never asked")
        XCTAssertEqual(try h.database.value("SELECT string_agg(period::text, ',') FROM etl.scopes"), "2021-01-01")
    }

    func testAPageLinkThatClimbsOutOfTheHostIsRefusedUnfetched() throws {
        XCTAssertEqual(try h.pipeline("refresh", "list-sizes", "--period", "2021-01").status, 0)
        // A loadable file outside the host's tree, which the old mapping would have served.
        let outside = site.url.appendingPathComponent("elsewhere/gp-reg-pat-prac-all.csv")
        try FileManager.default.createDirectory(at: outside.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: site.url.appendingPathComponent("files.digital.nhs.uk/68/62F9CC/gp-reg-pat-prac-all.csv"), to: outside)
        let link = "https://files.digital.nhs.uk/%2e%2e/elsewhere/gp-reg-pat-prac-all.csv"
        try linkMarch(to: link)
        try server.clearRequests()
        let result = try h.pipeline("refresh", "list-sizes")
        XCTAssertEqual(result.status, 69, result.stderr)
        XCTAssertEqual(result.stderrLines.last, "\(link): refused: the path leaves the mirror's root ('..' above the host)")
        XCTAssertEqual(try server.requests().filter { ($0["path"] as? String)?.contains("elsewhere") == true }.count, 0)
        XCTAssertEqual(try h.database.value("SELECT string_agg(period::text, ',') FROM etl.scopes"), "2021-01-01")
    }

    func testAMirrorDirectoryIsNotAWayToReadFilesBesideIt() throws {
        let mirror = h.scratch.url.appendingPathComponent("mirror")
        try FileManager.default.createDirectory(at: mirror.appendingPathComponent("files.digital.nhs.uk"), withIntermediateDirectories: true)
        try h.scratch.copy(site.url.path + januaryFile, as: "outside/gp-reg-pat-prac-all.csv")
        for url in ["https://files.digital.nhs.uk/../../outside/gp-reg-pat-prac-all.csv",
                    "https://files.digital.nhs.uk/%2e%2e/%2e%2e/outside/gp-reg-pat-prac-all.csv"] {
            let result = try h.pipeline("load", "list-sizes", "--url", url, "--mirror", mirror.path)
            XCTAssertEqual(result.status, 69, result.stderr)
            XCTAssertEqual(result.stderr, "\(url): refused: the path leaves the mirror's root ('..' above the host)\n")
        }
        let slashed = "https://files.digital.nhs.uk/..%2f..%2foutside/gp-reg-pat-prac-all.csv"
        let result = try h.pipeline("load", "list-sizes", "--url", slashed, "--mirror", mirror.path)
        XCTAssertEqual(result.status, 69, result.stderr)
        XCTAssertEqual(result.stderr, "\(slashed): refused: the path holds an encoded '/', '\\' or NUL\n")
        XCTAssertEqual(try h.pipeline("revisions", "list-sizes", "--json").stdout, "", "nothing loaded")
    }
}
