import Foundation
import TestSupport
import Transform
import XCTest

/// Every real NHS CSV in Fixtures/samples parses to exactly the records Python's `csv` module
/// reads (with `newline=''`, the module's RFC 4180 mode), at several chunk sizes.
final class CSVPythonParityTests: XCTestCase {
    private static let pythonDump = """
        import csv, json, sys
        with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
            for row in csv.reader(f):
                if row:  # csv yields [] for a blank line; our reader skips blank lines by design
                    print(json.dumps(row, ensure_ascii=False))
        """

    func testEverySampleCSVMatchesPythonCSV() throws {
        let root = Fixtures.url("samples")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "csv" }.sorted { $0.path < $1.path }
        XCTAssertGreaterThanOrEqual(files.count, 30, "all sample families are present")
        for file in files {
            let python = try Run.program("python3", ["-c", Self.pythonDump, file.path])
            XCTAssertEqual(python.status, 0, python.stderr)
            let expected = try python.lines.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
            XCTAssertFalse(expected.isEmpty, file.lastPathComponent)
            let bytes = Array(try Data(contentsOf: file))
            // Field counts are not compared here (Python does not check them); the strict rule is
            // tested below and in CSVTokenizerTests.
            let options = CSVOptions(source: file.lastPathComponent, fieldCount: .any)
            for chunk in [1, 7, 4096, 1 << 20] where chunk > 1 || bytes.count < 30_000 {
                let records = try CSVTokenizer.parse(bytes, options: options, chunkSize: chunk)
                XCTAssertEqual(records.count, expected.count, "\(file.lastPathComponent) at chunk \(chunk)")
                XCTAssertTrue(records == expected, "\(file.lastPathComponent) differs from Python at chunk \(chunk)")
            }
        }
    }

    func testTheRaggedSyntheticWorkforceFixtureIsRefusedWhereverItIsRead() throws {
        // caip-analytics' synthetic workforce fixture has 43 fields on line 3 under a 41-field header;
        // Python's csv reads it without complaint, our default rule refuses it.
        let bytes = try Fixtures.bytes("samples/workforce/SYNTHETIC_fixture_workforce-sample.csv")
        XCTAssertThrowsError(try CSVTokenizer.parse(bytes, options: CSVOptions(source: "workforce.csv"))) { error in
            XCTAssertEqual(String(describing: error), "workforce.csv:3:42: ragged record: expected 41 fields, found 43")
        }
    }

    func testHostileButValidShapesMatchPython() throws {
        // Shapes from the reliability catalogue that Python and RFC 4180 agree on.
        let cases: [String] = [
            "a,b\r\n\"x\r\ny\",2\r\n",
            "a,b\n\"\"\"\",\"\"\n",
            "a,b\n\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",@SUM(1)\n",
            "PCN_NAME,N\n\"HILLS, BROOKS & DALES GROUP PCN\",3\r",
            "a\r\rb\r",
            "\u{FEFF}\"PUBLICATION\",X\n1,2",
        ]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parity-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (i, text) in cases.enumerated() {
            let file = dir.appendingPathComponent("case\(i).csv")
            try Data(text.utf8).write(to: file)
            let python = try Run.program("python3", ["-c", Self.pythonDump, file.path])
            let expected = try python.lines.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
            let ours = try CSVTokenizer.parse(Array(text.utf8), options: CSVOptions(source: "case\(i)", fieldCount: .any), chunkSize: 1)
            XCTAssertEqual(ours, expected, "case \(i): \(text.debugDescription)")
        }
    }
}
