import Extract
import Foundation
import TestSupport
import Transform
import XCTest

/// Where the end-of-central-directory record is looked for, checked against Python's zipfile:
/// bytes after the record and a comment length running past the end of the file are read with
/// the data intact (as zipfile and Go's archive/zip read them); a file with no whole record is
/// still refused as truncated (zipfile refuses it too).
final class ZipEndRecordParityTests: XCTestCase {
    /// Prints one JSON line: the file entries' [size, sha256] in directory order, or "refused".
    private static let pythonContents = """
        import hashlib, json, sys, zipfile
        try:
            with zipfile.ZipFile(sys.argv[1]) as z:
                out = [[i.file_size, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist() if not i.filename.endswith('/')]
        except zipfile.BadZipFile:
            out = 'refused'
        print(json.dumps(out))
        """

    private var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory("eocd") }
    override func tearDown() { directory = nil }

    /// Python's reading of `path`: entries as "size sha256", or ["refused"].
    private func python(_ path: String) throws -> [String] {
        let result = try Run.program("python3", ["-c", Self.pythonContents, path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let decoded = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: .fragmentsAllowed)
        if let entries = decoded as? [[Any]] { return entries.map { "\($0[0]) \($0[1])" } }
        return ["\(decoded)"]
    }

    /// Ours: entries as "size sha256", or the refusal.
    private func ours(_ path: String) -> [String] {
        do {
            let archive = try ZipArchive(path: path)
            return try archive.entries.filter { !$0.isDirectory }.map {
                let (sha, size) = try ZipFixtureTests.digest(archive, $0)
                return "\(size) \(sha)"
            }
        } catch {
            return ["refused: \(error)"]
        }
    }

    func testEveryGoodFixtureReadsAsPythonReadsIt() throws {
        let good = ZipFixtureTests.manifest.fixtures.filter { $0.expect == "ok" }.map(\.file)
        XCTAssertTrue(good.contains("trailing_bytes.zip") && good.contains("comment_overrun.zip"))
        for file in good {
            let path = Fixtures.path("zips/" + file)
            XCTAssertEqual(ours(path), try python(path), file)
        }
    }

    func testTrailingBytesAndAnOverrunningCommentLengthAreReadWithTheirDataIntact() throws {
        for file in ["trailing_bytes.zip", "comment_overrun.zip"] {
            let archive = try ZipArchive(path: Fixtures.path("zips/" + file))
            XCTAssertEqual(archive.entries.map(\.name), ["practices.csv", "empty.csv"], file)
            let (sha, size) = try ZipFixtureTests.digest(archive, archive.entries[0])
            let original = try XCTUnwrap(ZipFixtureTests.manifest.fixtures.first { $0.file == "infozip_stored.zip" }?.entries?.first)
            XCTAssertEqual(size, original.size, file)
            XCTAssertEqual(sha, original.sha256, file)
        }
        // And through the command a user runs.
        let cat = try Run.pipeline(["inspect", Fixtures.path("zips/trailing_bytes.zip"), "--entry", "practices.csv", "--cat"])
        XCTAssertEqual(cat.status, 0, cat.stderr)
        XCTAssertEqual(Array(cat.stdout.utf8).count, 2917)
    }

    func testAnArchiveWithoutAWholeEndRecordIsStillTruncatedAndPythonAgrees() throws {
        for file in ["truncated_half.zip", "truncated_no_eocd.zip", "truncated_in_eocd.zip"] {
            let path = Fixtures.path("zips/" + file)
            XCTAssertEqual(ours(path), ["refused: \(path): truncated archive: no end-of-central-directory record"], file)
            XCTAssertEqual(try python(path), ["refused"], file)
        }
    }

    /// A real Info-ZIP archive made now, with trailing bytes of several lengths (shorter than a
    /// record, one record long, longer; zeros and text) and with its comment cut short.
    func testInfoZIPArchivesWithTrailersAndCutCommentsMatchPython() throws {
        let sample = Fixtures.path("samples/registrations/gp-reg-pat-prac-map_2022-01.csv")
        let plain = directory.url.appendingPathComponent("plain.zip").path
        let made = try Run.program("zip", ["-q", "-j", "-9", plain, sample])
        XCTAssertEqual(made.status, 0, made.stderr)
        let commented = directory.url.appendingPathComponent("commented.zip").path
        try FileManager.default.copyItem(atPath: plain, toPath: commented)
        let comment = try Run.program("sh", ["-c", "printf 'extract of 2022-01, see the publication page for notes' | zip -q -z \"$1\"", "sh", commented])
        XCTAssertEqual(comment.status, 0, comment.stderr)
        let plainBytes = Array(try Data(contentsOf: URL(fileURLWithPath: plain)))
        let commentedBytes = Array(try Data(contentsOf: URL(fileURLWithPath: commented)))
        let expected = try python(plain)
        XCTAssertEqual(expected.count, 1)
        XCTAssertNotEqual(expected, ["refused"])
        var variants: [(String, [UInt8])] = []
        for length in [1, 21, 22, 23, 512, 40_000] {
            variants.append(("zeros\(length)", plainBytes + [UInt8](repeating: 0, count: length)))
            variants.append(("text\(length)", plainBytes + Array(String(repeating: "<!-- footer -->\n", count: length / 16 + 1).utf8.prefix(length))))
        }
        for cut in [1, 10, 53] {
            variants.append(("comment-cut\(cut)", Array(commentedBytes.dropLast(cut))))
        }
        for (name, bytes) in variants {
            let path = directory.url.appendingPathComponent(name + ".zip").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(try python(path), expected, "Python reads \(name)")
            XCTAssertEqual(ours(path), expected, name)
        }
    }
}
