import Extract
import Foundation
import TestSupport
import Transform
import XCTest

/// ZIP64 at real scale: an entry over 4 GiB and an archive of more than 65,535 entries,
/// generated at test time by Tests/fixture-tools/make_big_zips.py (never committed).
final class Zip64Tests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zip64-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func make(_ kind: String) throws -> String {
        let script = Fixtures.root.appendingPathComponent("Tests/fixture-tools/make_big_zips.py").path
        let result = try Run.program("python3", [script, directory.path, kind])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testEntryOverFourGiBStreamsWithItsCRCVerified() throws {
        let path = try make("over4g")
        // Zeros compress about 1000:1, so the ratio guard is relaxed for this one archive.
        let archive = try ZipArchive(path: path, limits: ZipLimits(maxRatio: 2000))
        let entry = try XCTUnwrap(archive.entry(named: "zeros.bin"))
        XCTAssertEqual(entry.uncompressedSize, 4_295_032_832)
        XCTAssertTrue(entry.isZip64)
        var total: UInt64 = 0
        try archive.reader(for: entry).forEachChunk(bufferSize: 1 << 20) { total += UInt64($0.count) }
        XCTAssertEqual(total, 4_295_032_832, "no 32-bit wrap")

        let listing = try Run.pipeline(["inspect", "--json", path])
        XCTAssertEqual(listing.status, 0, listing.stderr)
        XCTAssertEqual(listing.stdout, "{\"name\":\"zeros.bin\",\"method\":\"deflated\",\"compressed_size\":\(entry.compressedSize),\"size\":4295032832,\"crc32\":\"e50d43f3\"}\n")
    }

    func testArchiveWithSeventyThousandEntries() throws {
        let path = try make("manyentries")
        let archive = try ZipArchive(path: path)
        XCTAssertEqual(archive.entries.count, 70_000)
        let last = try XCTUnwrap(archive.entry(named: "d/069999.csv"))
        var text = ""
        try archive.reader(for: last).forEachChunk { text += String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(text, "a,b\n69999,x\n")
    }
}
