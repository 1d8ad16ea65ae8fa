import Extract
import Foundation
import TestSupport
import XCTest

/// What the downloader may reach: loopback only as the configured mirror, and nothing outside
/// the mirror's root, however a URL or a page link spells its way out (`..`, `%2e%2e`, `%2f`).
/// Real HTTP servers on 127.0.0.1 and a real mirror directory.
final class MirrorPolicyTests: XCTestCase {
    var world: TemporaryDirectory!
    var cache: TemporaryDirectory!
    let csv = "PRACTICE_CODE,PATIENTS\nA81001,1\n"
    let secret = "SECRET,DATA\nnot,yours\n"

    override func setUpWithError() throws {
        world = try TemporaryDirectory("world")
        cache = try TemporaryDirectory("cache")
        try world.write("mirror/files.digital.nhs.uk/AB/CDEF01/list.csv", csv)
        try world.write("mirror/files.digital.nhs.uk/AB/report=epraccur", csv)
        try world.write("mirror/files.digital.nhs.uk/AB/CDEF01/with space.csv", csv)
        try world.write("mirror/secret.csv", secret)   // inside the mirror, outside every host
        try world.write("secret.csv", secret)          // outside the mirror
        try world.write("mirror/files.digital.nhs.uk/AB/CDEF01/sub/secret.csv", secret)
    }

    override func tearDown() {
        world = nil
        cache = nil
    }

    func downloader(mirror: String?) -> Downloader {
        var policy = DownloadPolicy(allowedHosts: ["files.digital.nhs.uk", "digital.nhs.uk"])
        policy.backoffBase = 0.05
        policy.maxAttempts = 2
        policy.maxTotalSeconds = 10
        return Downloader(cache: DownloadCache(root: cache.url), policy: policy, mirror: mirror.flatMap(Mirror.init))
    }

    func outcome(_ d: Downloader, _ url: String) -> String {
        do {
            let result = try d.fetch(url)
            return String(decoding: try Data(contentsOf: URL(fileURLWithPath: result.path)), as: UTF8.self)
        } catch let error as ExtractError {
            return "\(error.code): \(error)"
        } catch {
            return "other: \(error)"
        }
    }

    // MARK: loopback only through the mirror

    func testLoopbackURLsAreRefusedUnlessTheyAreTheMirror() throws {
        let server = try FixtureServer(root: world.url.appendingPathComponent("mirror"))
        for d in [downloader(mirror: nil), downloader(mirror: server.base)] {
            let direct = "\(server.base)/files.digital.nhs.uk/AB/CDEF01/list.csv"
            XCTAssertEqual(outcome(d, direct), "refused: \(direct): only https URLs are fetched (got http)")
            let named = "http://localhost:\(server.port)/files.digital.nhs.uk/AB/CDEF01/list.csv"
            XCTAssertEqual(outcome(d, named), "refused: \(named): only https URLs are fetched (got http)")
            let https = "https://localhost:\(server.port)/x.csv"
            XCTAssertEqual(outcome(d, https), "refused: \(https): host localhost is not on the allow-list (digital.nhs.uk, files.digital.nhs.uk)")
        }
        XCTAssertEqual(try server.requests().count, 0, "nothing reached the loopback server")
        // Through the explicit mirror, the same server serves the publisher's URL.
        XCTAssertEqual(outcome(downloader(mirror: server.base), "https://files.digital.nhs.uk/AB/CDEF01/list.csv"), csv)
    }

    func testARedirectFromTheMirrorToAnotherLoopbackServiceIsRefusedUnfetched() throws {
        let mirror = try FixtureServer(root: world.url.appendingPathComponent("mirror"))
        let service = try FixtureServer(root: world.url)
        let target = "\(service.base)/secret.csv"
        try mirror.faults("/files.digital.nhs.uk/AB/CDEF01/list.csv", [["status": 302, "redirect": target]])
        let url = "https://files.digital.nhs.uk/AB/CDEF01/list.csv"
        XCTAssertEqual(outcome(downloader(mirror: mirror.base), url),
                       "refused: \(url): redirect refused: only https URLs are fetched (got http) (to \(target))")
        XCTAssertEqual(try service.requests().count, 0, "the loopback service was never asked")
        // Same host, another port that merely shares the mirror's prefix as text, is another service too.
        let lookalike = "http://127.0.0.1:\(mirror.port)0/x.csv"
        try mirror.faults("/files.digital.nhs.uk/AB/CDEF01/list.csv", [["status": 302, "redirect": lookalike]])
        XCTAssertTrue(outcome(downloader(mirror: mirror.base), url).hasPrefix("refused: \(url): redirect refused: "))
    }

    func testARedirectOutOfAnHTTPMirrorsBasePathIsRefused() throws {
        let server = try FixtureServer(root: world.url)
        let base = "\(server.base)/mirror"
        try server.faults("/mirror/files.digital.nhs.uk/AB/CDEF01/list.csv", [["status": 302, "redirect": "/secret.csv"]])
        let url = "https://files.digital.nhs.uk/AB/CDEF01/list.csv"
        XCTAssertEqual(outcome(downloader(mirror: base), url),
                       "refused: \(url): redirect refused: only https URLs are fetched (got http) (to \(server.base)/secret.csv)")
        XCTAssertEqual(try server.requests(path: "/secret.csv").count, 0)
        // A redirect that stays under the base is followed.
        try server.faults("/mirror/files.digital.nhs.uk/AB/CDEF01/list.csv", [["status": 302, "redirect": "/mirror/files.digital.nhs.uk/AB/report=epraccur"]])
        XCTAssertEqual(outcome(downloader(mirror: base), url), csv)
    }

    // MARK: nothing outside the mirror's root

    func testAMirrorDirectoryRefusesPathsThatClimbOutHoweverSpelled() throws {
        let d = downloader(mirror: world.url.appendingPathComponent("mirror").path)
        let escapes = [
            "https://files.digital.nhs.uk/../secret.csv",
            "https://files.digital.nhs.uk/AB/../../../secret.csv",
            "https://files.digital.nhs.uk/%2e%2e/%2E%2E/secret.csv",
            "https://files.digital.nhs.uk/AB/.%2e/.%2e/secret.csv",
        ]
        for url in escapes {
            XCTAssertEqual(outcome(d, url), "refused: \(url): refused: the path leaves the mirror's root ('..' above the host)")
        }
        for url in ["https://files.digital.nhs.uk/..%2fsecret.csv", "https://files.digital.nhs.uk/AB/%2e%2e%2f%2e%2e%2fsecret.csv",
                    "https://files.digital.nhs.uk/AB/..%5c..%5csecret.csv"] {
            XCTAssertEqual(outcome(d, url), "refused: \(url): refused: the path holds an encoded '/', '\\' or NUL")
        }
        let query = "https://files.digital.nhs.uk/AB/getReport?report=../../../secret.csv"
        XCTAssertEqual(outcome(d, query), "refused: \(query): refused: the query cannot be a file name")
        XCTAssertNil(try? FileManager.default.contentsOfDirectory(atPath: cache.url.appendingPathComponent("objects").path),
                     "nothing was copied into the cache")
    }

    func testAMirrorDirectoryStillServesOrdinaryAndNormalisablePaths() throws {
        let d = downloader(mirror: world.url.appendingPathComponent("mirror").path)
        XCTAssertEqual(outcome(d, "https://files.digital.nhs.uk/AB/CDEF01/list.csv"), csv)
        XCTAssertEqual(outcome(d, "https://files.digital.nhs.uk/AB/CDEF01/with%20space.csv"), csv)
        XCTAssertEqual(outcome(d, "https://files.digital.nhs.uk/AB/XX/../CDEF01/./list.csv"), csv, "a '..' that stays inside the host is resolved")
        XCTAssertEqual(outcome(d, "https://files.digital.nhs.uk/AB/?report=epraccur"), csv, "a query is one more segment")
        XCTAssertEqual(outcome(d, "https://files.digital.nhs.uk/AB/CDEF01/sub/secret.csv"), secret)
    }

    func testAnHTTPMirrorRefusesEscapesBeforeAskingTheServer() throws {
        let server = try FixtureServer(root: world.url)
        let d = downloader(mirror: "\(server.base)/mirror")
        for url in ["https://files.digital.nhs.uk/%2e%2e/%2e%2e/secret.csv", "https://files.digital.nhs.uk/..%2f..%2fsecret.csv"] {
            XCTAssertTrue(outcome(d, url).hasPrefix("refused: \(url): refused: "), outcome(d, url))
        }
        XCTAssertEqual(try server.requests().count, 0)
        XCTAssertEqual(outcome(d, "https://files.digital.nhs.uk/AB/CDEF01/with%20space.csv"), csv)
        XCTAssertEqual(try server.requests().map { $0["path"] as? String }, ["/mirror/files.digital.nhs.uk/AB/CDEF01/with%20space.csv"])
    }

    func testMappingKeepsTheMirrorsRoot() throws {
        let root = world.url.appendingPathComponent("mirror").standardizedFileURL.path
        let mirror = try XCTUnwrap(Mirror(root))
        XCTAssertEqual(try mirror.map(XCTUnwrap(URL(string: "https://digital.nhs.uk/a/b/../c"))).path, root + "/digital.nhs.uk/a/c")
        XCTAssertThrowsError(try mirror.map(XCTUnwrap(URL(string: "https://digital.nhs.uk/a/../../c"))))
        let remote = try XCTUnwrap(Mirror("http://127.0.0.1:8/base/"))
        XCTAssertEqual(try remote.map(XCTUnwrap(URL(string: "https://digital.nhs.uk/a%20b/c"))).absoluteString, "http://127.0.0.1:8/base/digital.nhs.uk/a%20b/c")
        XCTAssertTrue(remote.contains(try XCTUnwrap(URL(string: "http://127.0.0.1:8/base/x"))))
        XCTAssertFalse(remote.contains(try XCTUnwrap(URL(string: "http://127.0.0.1:8/basement/x"))))
        XCTAssertFalse(remote.contains(try XCTUnwrap(URL(string: "http://127.0.0.1:8/base/../x"))))
        XCTAssertFalse(remote.contains(try XCTUnwrap(URL(string: "http://127.0.0.1:80/base/x"))))
    }
}
