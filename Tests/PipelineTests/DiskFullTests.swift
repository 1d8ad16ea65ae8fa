import Foundation
import TestSupport
import XCTest

/// A full disk is a temporary failure (exit 75) named for what is full, not a bug (exit 1):
/// the download cache on a full filesystem names its directory; the database server out of
/// disk (SQLSTATE 53100) says so. Nothing is written either way. Each case uses a real 64 KiB
/// tmpfs, which needs root to mount.
final class DiskFullTests: PublisherSiteTestCase {
    private var mounted: [String] = []

    override func tearDownWithError() throws {
        for point in mounted.reversed() { _ = try? Run.program("umount", ["-l", point]) }
        try super.tearDownWithError()
    }

    /// A directory holding a 64 KiB tmpfs, owned by `owner`.
    private func tinyFilesystem(_ name: String, owner: String? = nil) throws -> String {
        guard getuid() == 0 else {
            // A missing privilege is a failure, never a skip: a skipped test would read as passed.
            throw TestDatabase.Unavailable(description: "mounting a small tmpfs needs root (run the tests as root, as .ci/run does)")
        }
        let point = h.scratch.url.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        let mount = try Run.program("mount", ["-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", point])
        XCTAssertEqual(mount.status, 0, mount.stderr)
        mounted.append(point)
        if let owner { XCTAssertEqual(try Run.program("chown", [owner, point]).status, 0) }
        return point
    }

    func testAFullCacheDirectoryExits75NamingIt() throws {
        let cache = try tinyFilesystem("cache")
        h.extraEnvironment["PIPELINE_CACHE_DIR"] = cache
        let result = try h.pipeline("refresh", "list-sizes", "--period", "2025-10")
        XCTAssertEqual(result.status, 75, result.stderr)
        let last = try XCTUnwrap(result.stderrLines.last)
        XCTAssertTrue(last.hasPrefix(cache), last)
        XCTAssertTrue(last.contains(": no space left on the disk holding this directory while writing the download of "), last)
        XCTAssertTrue(last.hasSuffix("gp-reg-pat-prac-all.csv; free space there (or point the setting elsewhere) and run again"), last)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")
    }

    func testTheDatabaseOutOfDiskExits75SayingSoAndKeepsTheCurrentEdition() throws {
        // A small October (20 rows) fits; November's 6,000 practices do not.
        let october = try h.edited(Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv"), as: "gp-reg-pat-prac-all.csv", "rows = rows[:21]")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october).status, 0)
        let before = try h.database.value("SELECT sum(patients) FROM api.list_sizes")
        // The segment table moves to a 64 KiB tablespace the next month cannot fit in.
        let space = try tinyFilesystem("tablespace", owner: "postgres")
        let name = "tiny_\(h.database.name)"
        try h.database.psql("CREATE TABLESPACE \(name) LOCATION '\(space)'")
        defer { _ = try? h.database.psql("DROP TABLESPACE IF EXISTS \(name)") }
        try h.database.psql("ALTER TABLE data.list_sizes SET TABLESPACE \(name)")
        defer { _ = try? h.database.psql("ALTER TABLE data.list_sizes SET TABLESPACE pg_default") }

        let result = try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-11.csv"))
        try h.database.psql("ALTER TABLE data.list_sizes SET TABLESPACE pg_default")
        XCTAssertEqual(result.status, 75, result.stderr)
        let last = try XCTUnwrap(result.stderrLines.last)
        XCTAssertTrue(last.contains("(SQLSTATE 53100)"), last)
        XCTAssertTrue(last.contains("the database server's disk (its data directory or the table's tablespace) is full; nothing was written"), last)
        XCTAssertEqual(try h.database.value("SELECT sum(patients) FROM api.list_sizes"), before, "October is still what is current")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "1")
    }
}
