import Load
import XCTest

final class LibPQTests: XCTestCase {
    /// CVE-2025-1094 (quoting of invalid UTF-8) is fixed from libpq 15.11; refuse older.
    func testLinkedLibPQIsRecentEnough() {
        XCTAssertGreaterThanOrEqual(LibPQ.version, 150_011, "libpq \(LibPQ.versionString)")
    }
}
