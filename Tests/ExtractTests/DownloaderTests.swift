import Extract
import Foundation
import TestSupport
import Transform
import XCTest

/// The downloader against a real HTTP server on 127.0.0.1 (Tests/http/fixture_server.py), used
/// as a mirror of `https://files.digital.nhs.uk`, with each fault the reliability catalogue names.
final class DownloaderTests: XCTestCase {
    var site: TemporaryDirectory!
    var server: FixtureServer!
    var cache: TemporaryDirectory!
    let csvPath = "/files.digital.nhs.uk/AB/CDEF01/gp-reg-pat-prac-all.csv"
    let zipPath = "/files.digital.nhs.uk/AB/CDEF02/Practice_Level_Crosstab_Oct_25.zip"
    var csvURL: String { "https:/" + csvPath }
    var zipURL: String { "https:/" + zipPath }

    override func setUpWithError() throws {
        site = try TemporaryDirectory("site")
        // ~120 KB of real registrations data, and a real zip.
        let sample = try Fixtures.bytes("samples/registrations/gp-reg-pat-prac-map_2022-01.csv")
        try write(csvPath, Data(sample + sample))
        try write(zipPath, Data(try Fixtures.bytes("zips/infozip_deflated.zip")))
        try write("/pages/error.html", Data("<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Service unavailable</h1></body></html>".utf8))
        server = try FixtureServer(root: site.url)
        cache = try TemporaryDirectory("cache")
    }

    override func tearDown() {
        server = nil
        site = nil
        cache = nil
    }

    func write(_ path: String, _ data: Data) throws {
        let url = site.url.appendingPathComponent(String(path.dropFirst()))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func sha(_ path: String) throws -> String {
        SHA256.hex(SHA256.hash(Array(try Data(contentsOf: site.url.appendingPathComponent(String(path.dropFirst()))))))
    }

    func downloader(_ configure: (inout DownloadPolicy) -> Void = { _ in }) -> Downloader {
        var policy = DownloadPolicy(allowedHosts: ["files.digital.nhs.uk", "digital.nhs.uk"])
        policy.backoffBase = 0.05
        policy.maxAttempts = 4
        policy.maxTotalSeconds = 20
        configure(&policy)
        return Downloader(cache: DownloadCache(root: cache.url), policy: policy, mirror: Mirror(server.base))
    }

    func errorText(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return String(describing: error) }
    }

    func testAFetchIsStoredByContentAndTheNextIsAConditional304WithoutBody() throws {
        let d = downloader()
        let first = try d.fetch(csvURL)
        XCTAssertFalse(first.notModified)
        XCTAssertEqual(first.record.sha256, try sha(csvPath))
        XCTAssertTrue(first.path.hasSuffix("/objects/\(first.record.sha256.prefix(2))/\(first.record.sha256)"))
        XCTAssertEqual(first.url, csvURL, "provenance is the publisher's URL, not the mirror's")
        let second = try d.fetch(csvURL)
        XCTAssertTrue(second.notModified)
        XCTAssertEqual(second.path, first.path)
        let log = try server.requests(path: csvPath)
        XCTAssertEqual(log.map { $0["status"] as? Int }, [200, 304])
        let headers = try XCTUnwrap(log[1]["headers"] as? [String: String])
        XCTAssertEqual(headers["if-none-match"], first.record.etag)
        XCTAssertEqual(log[1]["bytes_sent"] as? Int ?? 0 < 1000, true, "no body the second time")
    }

    func testNotFoundMeansNotPublished() throws {
        try server.faults(csvPath, [["status": 404]])
        XCTAssertEqual(errorText { _ = try downloader().fetch(csvURL) }, "\(csvURL): not published (HTTP 404)")
    }

    func testTooManyRequestsHonoursRetryAfterThenSucceeds() throws {
        try server.faults(csvPath, [["status": 429, "retry_after": "1"]])
        let started = Date()
        let result = try downloader().fetch(csvURL)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 1.0, "waited as Retry-After asked")
        XCTAssertEqual(result.attempts, 2)
        XCTAssertEqual(result.record.sha256, try sha(csvPath))
    }

    func testServerErrorThenSuccessIsRetried() throws {
        try server.faults(csvPath, [["status": 500], ["status": 503]])
        let result = try downloader().fetch(csvURL)
        XCTAssertEqual(result.attempts, 3)
        XCTAssertEqual(try server.requests(path: csvPath).map { $0["status"] as? Int }, [500, 503, 200])
    }

    func testRetriesRunOutWithinTheBudgetAsATemporaryFailure() throws {
        try server.faults(csvPath, [["status": 503]], repeat: true)
        XCTAssertEqual(errorText { _ = try downloader().fetch(csvURL) }, "\(csvURL): gave up after 4 attempts: HTTP 503")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.url.appendingPathComponent("tmp").path), [], "no partial file left")
    }

    func testATruncatedBodyIsResumedWithRangeAndVerified() throws {
        try server.faults(csvPath, [["truncate": 0.5]])
        let result = try downloader().fetch(csvURL)
        XCTAssertEqual(result.record.sha256, try sha(csvPath))
        let log = try server.requests(path: csvPath)
        XCTAssertEqual(log.count, 2)
        let range = (log[1]["headers"] as? [String: String])?["range"]
        XCTAssertTrue(range?.hasPrefix("bytes=") == true && range != "bytes=0-", "resumed from where it stopped: \(range ?? "none")")
        XCTAssertEqual(log[1]["status"] as? Int, 206)
    }

    func testAResetConnectionIsRetried() throws {
        try server.faults(csvPath, [["reset": 0.3]])
        XCTAssertEqual(try downloader().fetch(csvURL).record.sha256, try sha(csvPath))
    }

    func testARangeAnsweredWithTheWholeFileRestartsFromZero() throws {
        try server.faults(csvPath, [["truncate": 0.5], ["ignore_range": true]])
        let result = try downloader().fetch(csvURL)
        XCTAssertEqual(result.record.sha256, try sha(csvPath), "never appended a whole file to a partial one")
        XCTAssertEqual(try server.requests(path: csvPath).map { $0["status"] as? Int }, [200, 200])
    }

    func testAFileRepublishedBetweenTwoRequestsIsFetchedWhole() throws {
        try server.faults(csvPath, [["truncate": 0.5]])
        let d = downloader()
        // The first response is cut short; the publisher then replaces the file.
        d.onRetry = { [site, csvPath] _ in
            let url = site!.url.appendingPathComponent(String(csvPath.dropFirst()))
            try? Data("PRACTICE_CODE,PATIENTS\nA81001,1\n".utf8).write(to: url)
        }
        let result = try d.fetch(csvURL)
        XCTAssertEqual(result.record.sha256, try sha(csvPath), "the new content, whole")
        let log = try server.requests(path: csvPath)
        XCTAssertEqual(log.last?["status"] as? Int, 200, "If-Range no longer matched, so the server sent everything")
        // And a later fetch notices the change by ETag.
        try write(csvPath, Data("PRACTICE_CODE,PATIENTS\nA81001,2\n".utf8))
        let again = try d.fetch(csvURL)
        XCTAssertFalse(again.notModified)
        XCTAssertEqual(again.record.sha256, try sha(csvPath))
    }

    func testASlowBodyPastTheTimeBudgetFailsAsTemporary() throws {
        try server.faults(csvPath, [["slow": 4096]], repeat: true)
        let d = downloader { $0.maxTotalSeconds = 1.5; $0.maxAttempts = 2 }
        let started = Date()
        let message = errorText { _ = try d.fetch(csvURL) }
        XCTAssertTrue(message.hasPrefix("\(csvURL): gave up after"), message)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "bounded by the budget")
    }

    func testARedirectOffTheAllowListIsRefused() throws {
        try server.faults(csvPath, [["status": 302, "redirect": "https://evil.example/x.csv"]])
        XCTAssertEqual(errorText { _ = try downloader().fetch(csvURL) },
                       "\(csvURL): redirect refused: host evil.example is not on the allow-list (digital.nhs.uk, files.digital.nhs.uk) (to https://evil.example/x.csv)")
    }

    func testARedirectWithinTheMirrorIsFollowed() throws {
        try server.faults(csvPath, [["status": 302, "redirect": zipPath]])
        XCTAssertEqual(try downloader().fetch(csvURL, expect: .zip).record.sha256, try sha(zipPath))
    }

    func testAnHTMLPageWhereAZipWasExpectedIsNamedAsSuch() throws {
        try server.faults(zipPath, [["body_file": "pages/error.html", "content_type": "text/html", "status": 200]])
        XCTAssertEqual(errorText { _ = try downloader().fetch(zipURL, expect: .zip) },
                       "\(zipURL): not a zip archive: it looks like an HTML page (starts with '<!doctype html>'); content-type text/html")
        XCTAssertNil(DownloadCache(root: cache.url).record(for: zipURL), "nothing promoted")
    }

    func testAGzipEncodedBodyIsDecodedExactlyOnce() throws {
        try server.faults(zipPath, [["gzip": true]])
        let result = try downloader().fetch(zipURL, expect: .zip)
        XCTAssertEqual(result.record.sha256, try sha(zipPath))
    }

    func testOnlyHTTPSToAllowedHostsIsFetched() throws {
        let d = downloader()
        XCTAssertEqual(errorText { _ = try d.fetch("http://files.digital.nhs.uk/x.csv") },
                       "http://files.digital.nhs.uk/x.csv: only https URLs are fetched (got http)")
        XCTAssertEqual(errorText { _ = try d.fetch("https://evil.example/x.csv") },
                       "https://evil.example/x.csv: host evil.example is not on the allow-list (digital.nhs.uk, files.digital.nhs.uk)")
    }
}
