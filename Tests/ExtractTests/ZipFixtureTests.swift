import Extract
import Foundation
import TestSupport
import Transform
import XCTest

/// The committed corpus in Fixtures/zips (see Tests/fixture-tools/README.md): archives from
/// Info-ZIP, Python's zipfile and 7-Zip, replicas of macOS Archive Utility, WinZip and WinRAR,
/// and crafted hostile archives.
final class ZipFixtureTests: XCTestCase {
    struct Manifest: Decodable {
        struct Item: Decodable {
            struct Entry: Decodable {
                let name: String
                let sha256: String
                let size: Int
                let method: Int
            }
            let file: String
            let origin: String
            let expect: String
            let entries: [Entry]?
            let category: String?
            let entry: String?
        }
        let fixtures: [Item]
    }

    static let manifest: Manifest = {
        let data = try! Data(contentsOf: Fixtures.url("zips/MANIFEST.json"))
        return try! JSONDecoder().decode(Manifest.self, from: data)
    }()

    /// Streams an entry through `reader` with a given buffer size and returns (sha256, size).
    static func digest(_ archive: ZipArchive, _ entry: ZipEntry, bufferSize: Int = 256 * 1024) throws -> (String, Int) {
        var hasher = SHA256()
        var size = 0
        try archive.reader(for: entry).forEachChunk(bufferSize: bufferSize) {
            hasher.update($0)
            size += $0.count
        }
        return (SHA256.hex(hasher.finalize()), size)
    }

    func testEveryGoodArchiveRoundTripsByteExact() throws {
        let good = Self.manifest.fixtures.filter { $0.expect == "ok" }
        XCTAssertGreaterThanOrEqual(good.count, 20)
        for item in good {
            let archive = try ZipArchive(path: Fixtures.path("zips/" + item.file))
            let files = archive.entries.filter { !$0.isDirectory }
            XCTAssertEqual(Set(files.map(\.name)), Set(item.entries!.map(\.name)), item.file)
            for expected in item.entries! {
                let entry = try XCTUnwrap(archive.entry(named: expected.name), "\(item.file): \(expected.name)")
                XCTAssertEqual(Int(entry.method), expected.method, "\(item.file): \(expected.name)")
                for bufferSize in [1, 7, 256 * 1024] where bufferSize > 1 || expected.size < 5000 {
                    let (sha, size) = try Self.digest(archive, entry, bufferSize: bufferSize)
                    XCTAssertEqual(size, expected.size, "\(item.file): \(expected.name)")
                    XCTAssertEqual(sha, expected.sha256, "\(item.file): \(expected.name) at buffer \(bufferSize)")
                }
            }
        }
    }

    func testNamesDecodeByFlagUnicodeExtraUTF8AndCP437() throws {
        func names(_ file: String) throws -> [String] {
            try ZipArchive(path: Fixtures.path("zips/" + file)).entries.map(\.name)
        }
        XCTAssertTrue(try names("py_utf8_names.zip").contains("données/été – 2024.csv"), "UTF-8 flag")
        XCTAssertEqual(try names("cp437_name.zip"), ["café.csv"], "CP437 byte 0x82")
        XCTAssertTrue(try names("winrar.zip").contains("Café practices.csv"), "WinRAR OEM name")
        XCTAssertTrue(try names("winzip.zip").contains("Surgeries – Ynys Môn.csv"), "Info-ZIP Unicode Path extra field")
        let mac = try names("macos_archive_utility.zip")
        XCTAssertTrue(mac.contains("Meddygfeydd – Tŷ Elli.csv".decomposedStringWithCanonicalMapping), "UTF-8 without the flag (NFD): \(mac)")
    }

    /// Each refusal, with the exact line a user sees.
    func testEveryHostileArchiveIsRefusedWithItsMessage() throws {
        let expected: [String: String] = [
            "plain.txt.zip": "plain.txt.zip: not a zip archive (first bytes 50 52 41 43)",
            "html_page.zip": "html_page.zip: not a zip archive: it looks like an HTML page (starts with '<!doctype html>')",
            "prefix_data.zip": "prefix_data.zip: not a zip archive: it looks like an HTML page (starts with '<!doctype html>')",
            "truncated_half.zip": "truncated_half.zip: truncated archive: no end-of-central-directory record",
            "truncated_no_eocd.zip": "truncated_no_eocd.zip: truncated archive: no end-of-central-directory record",
            "truncated_in_eocd.zip": "truncated_in_eocd.zip: truncated archive: no end-of-central-directory record",
            "truncated_in_entry.zip": "truncated_in_entry.zip: truncated archive: the central directory should span bytes 1866-1987 but the end record is at 1731",
            "unsafe_dotdot.zip": "unsafe_dotdot.zip:../../evil.csv: unsafe entry name: path traversal ('..')",
            "unsafe_absolute.zip": "unsafe_absolute.zip:/tmp/x.csv: unsafe entry name: absolute path",
            "unsafe_drive.zip": "unsafe_drive.zip:C:\\x.csv: unsafe entry name: drive-letter path",
            "unsafe_backslash_dotdot.zip": "unsafe_backslash_dotdot.zip:..\\..\\x.csv: unsafe entry name: path traversal ('..')",
            "unsafe_mixed_slash.zip": "unsafe_mixed_slash.zip:a/..\\..\\x.csv: unsafe entry name: path traversal ('..')",
            "unsafe_root_dotdot.zip": "unsafe_root_dotdot.zip:/../secret.csv: unsafe entry name: absolute path",
            "unsafe_unc.zip": "unsafe_unc.zip:\\\\host\\share\\x.csv: unsafe entry name: absolute path",
            "symlink.zip": "symlink.zip:link.csv: symbolic link entries are not allowed",
            "duplicate_name.zip": "duplicate_name.zip:data.csv: duplicate entry name",
            "encrypted_zipcrypto.zip": "encrypted_zipcrypto.zip:practices.csv: encrypted entry (traditional PKWARE encryption) is not supported",
            "aes_method99.zip": "aes_method99.zip:practices.csv: encrypted entry (AES, method 99) is not supported",
            "deflate64.zip": "deflate64.zip:practices.csv: unsupported compression method 9 (Deflate64)",
            "bzip2.zip": "bzip2.zip:practices.csv: unsupported compression method 12 (BZIP2)",
            "lzma.zip": "lzma.zip:practices.csv: unsupported compression method 14 (LZMA)",
            "header_mismatch_name.zip": "header_mismatch_name.zip:data.csv: local header names 'evil.sh', central directory names 'data.csv'",
            "header_mismatch_method.zip": "header_mismatch_method.zip:data.csv: local header says method 0, central directory says 8",
            "header_mismatch_csize.zip": "header_mismatch_csize.zip:data.csv: local header sizes/CRC (944/2917/d079dbc8) disagree with central directory (844/2917/d079dbc8)",
            "crc_stored_flipped.zip": "crc_stored_flipped.zip:practices.csv: checksum mismatch (CRC-32 in header d079dbc8, data 7818c3c1)",
            "crc_deflated_wrong.zip": "crc_deflated_wrong.zip:practices.csv: checksum mismatch (CRC-32 in header 0ed46527, data d079dbc8)",
            "deflate_unterminated.zip": "deflate_unterminated.zip:practices.csv: deflate stream ended before its final block (data truncated at 2917 bytes)",
            "size_mismatch.zip": "size_mismatch.zip:practices.csv: inflates past its declared size of 1000 bytes",
            "bomb.zip": "bomb.zip:zeros.csv: inflates more than 200:1 (13107200 bytes from 65232); refusing a likely zip bomb",
            "overlapping.zip": "overlapping.zip:b.csv: overlapping entries: 'b.csv' starts at byte 40, inside 'a.csv'",
            "descriptor_mismatch.zip": "descriptor_mismatch.zip:practices.csv: data descriptor does not match the central directory",
            "bogus_count_16.zip": "bogus_count_16.zip: corrupt central directory: 65535 entries cannot fit in 51 bytes",
            "bogus_count_zip64.zip": "bogus_count_zip64.zip: the archive lists 4000000000 entries, over the cap of 250000",
            "empty_archive.zip": "empty_archive.zip: the archive contains no files",
            "directory_with_data.zip": "directory_with_data.zip:data/: directory entry carries 67 bytes of data",
        ]
        let bad = Self.manifest.fixtures.filter { $0.expect == "error" }
        XCTAssertEqual(Set(bad.map(\.file)), Set(expected.keys), "every hostile fixture has an expected message")
        for item in bad {
            let message = Self.refusal(item.file, entry: item.entry)
            XCTAssertEqual(message, expected[item.file], item.file)
        }
    }

    /// Opens the archive and reads every entry; returns the first error's text with the
    /// fixture directory removed from the front (messages name the path as the user gave it).
    static func refusal(_ file: String, entry: String?) -> String? {
        let directory = Fixtures.path("zips") + "/"
        let path = directory + file
        do {
            let head = try FileInput(path: path)
            let prefix = try head.bytes(at: 0, count: Int(min(head.size, 512)))
            if !ZipArchive.hasZipSignature(prefix) {
                throw ExtractError(.notZip, path: path, ZipArchive.describeNonZip(prefix))
            }
            let archive = try ZipArchive(path: path)
            for entry in archive.entries where !entry.isDirectory { _ = try digest(archive, entry) }
            return nil
        } catch {
            let text = String(describing: error)
            return text.hasPrefix(directory) ? String(text.dropFirst(directory.count)) : "unexpected path in: " + text
        }
    }

    func testInflateCapIsConfigurable() throws {
        let limits = ZipLimits(maxEntryBytes: 1000)
        let archive = try ZipArchive(path: Fixtures.path("zips/py_deflated.zip"), limits: limits)
        let entry = try XCTUnwrap(archive.entry(named: "practices.csv"))
        XCTAssertThrowsError(try Self.digest(archive, entry)) { error in
            XCTAssertTrue(String(describing: error).hasSuffix("py_deflated.zip:practices.csv: inflates past the cap of 1000 bytes"), "\(error)")
        }
    }

    func testArchiveMadeByInfoZIPAtTestTimeFromARealSampleRoundTrips() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = Fixtures.path("samples/payments/nhspaymentsgp_22-23_first2000.csv")
        let zipPath = dir.appendingPathComponent("p.zip").path
        let zip = try Run.program("zip", ["-q", "-j", "-9", zipPath, sample])
        XCTAssertEqual(zip.status, 0, zip.stderr)
        let archive = try ZipArchive(path: zipPath)
        let (sha, size) = try Self.digest(archive, archive.entries[0])
        let original = try Fixtures.bytes("samples/payments/nhspaymentsgp_22-23_first2000.csv")
        XCTAssertEqual(size, original.count)
        XCTAssertEqual(sha, SHA256.hex(SHA256.hash(original)))
    }
}
