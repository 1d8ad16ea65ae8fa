import Foundation
import TestSupport
import XCTest

/// What a hostile or huge archive can do to the messages a person reads: entry names with
/// control characters are shown escaped (`\x1B`) in error lines, the run log, `runs`,
/// `revisions` and `inspect`, never raw; a refused archive of 70,000 entries is one short line,
/// and entries left out are named up to five, then counted.
final class MessageSafetyTests: XCTestCase {
    var h: Harness!

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    /// Writes a zip with Python's zipfile: `entries` maps entry names to files (or text).
    func zip(_ name: String, _ entries: [(String, source: String?, text: String?)], appendTo base: String? = nil) throws -> String {
        let path = h.scratch.url.appendingPathComponent(name).path
        if let base { try FileManager.default.copyItem(atPath: base, toPath: path) }
        let spec = try JSONSerialization.data(withJSONObject: entries.map { ["name": $0.0, "source": $0.source ?? "", "text": $0.text ?? ""] })
        let specPath = h.scratch.url.appendingPathComponent(name + ".json").path
        try spec.write(to: URL(fileURLWithPath: specPath))
        let script = """
            import json, sys, zipfile
            with zipfile.ZipFile(sys.argv[1], sys.argv[3], zipfile.ZIP_DEFLATED) as z:
                for e in json.load(open(sys.argv[2])):
                    if e['source']:
                        z.write(e['source'], e['name'])
                    else:
                        z.writestr(e['name'], e['text'])
            """
        let result = try Run.program("python3", ["-c", script, path, specPath, base == nil ? "w" : "a"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return path
    }

    func assertNoRawControls(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let raw = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
        XCTAssertTrue(raw.isEmpty, "\(what) printed raw control characters: \(raw.map { String($0.value, radix: 16) })", file: file, line: line)
    }

    func testControlCharactersInEntryNamesAreEscapedWhereverTheyArePrinted() throws {
        let retitle = "gp-reg-pat-prac-all\u{1B}]0;owned\u{07}.csv"
        let good = try zip("names\u{1B}[1m.zip", [(retitle, Fixtures.registrations("gp-reg-pat-prac-all_2021-01.csv"), nil)])
        let loaded = try h.pipeline("load", "list-sizes", good)
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        let revisions = try h.pipeline("revisions")
        XCTAssertTrue(revisions.stdout.hasSuffix("\tnames\\x1B[1m.zip\n"), revisions.stdout)
        assertNoRawControls(revisions.stdout, "revisions")
        // JSON keeps the names (provenance) with JSON's own escapes.
        let json = try h.pipeline("revisions", "--json")
        XCTAssertTrue(json.stdout.contains(#""inputs":["names\u001b[1m.zip:gp-reg-pat-prac-all\u001b]0;owned\u0007.csv"]"#), json.stdout)
        assertNoRawControls(json.stdout, "revisions --json")
        let listing = try h.pipeline("inspect", good)
        XCTAssertTrue(listing.stdout.hasPrefix("gp-reg-pat-prac-all\\x1B]0;owned\\x07.csv\tdeflated\t"), listing.stdout)

        // A refused entry: the error line, the stored run record and `runs` all show it escaped.
        let clear = "gp-reg-pat-prac-all\u{1B}[2J\u{1B}[H\r\n.csv"
        let bad = try zip("bad.zip", [(clear, nil, "PUBLICATION,EXTRACT_DATE\n\"unterminated\n")])
        let refused = try h.pipeline("load", "list-sizes", bad)
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertEqual(refused.stderrLines.count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.hasPrefix(bad + ":gp-reg-pat-prac-all\\x1B[2J\\x1B[H\\x0D\\x0A.csv:1: header does not match"), refused.stderr)
        assertNoRawControls(refused.stderr, "the error line")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.runs WHERE error ~ '[[:cntrl:]]'"), "0", "stored escaped")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.runs WHERE strpos(error, '\\x1B[2J') > 0"), "1")
        let runs = try h.pipeline("runs")
        XCTAssertEqual(runs.status, 0, runs.stderr)
        XCTAssertTrue(runs.stdout.contains("\trefused: \(bad):gp-reg-pat-prac-all\\x1B[2J\\x1B[H\\x0D\\x0A.csv:1: header does not match"), runs.stdout)
        XCTAssertEqual(runs.lines.count, 3, "header and two runs, one line each")
        assertNoRawControls(runs.stdout, "runs")
        assertNoRawControls(try h.pipeline("runs", "--json").stdout, "runs --json")
    }

    func testARunRecordedRawBeforeTheFixIsStillPrintedEscaped() throws {
        XCTAssertEqual(try h.pipeline("migrate").status, 0)
        _ = try h.database.psql("""
            INSERT INTO etl.runs (command, finished_at, outcome, error)
            VALUES ('load', now(), 'refused', 'x.zip:' || chr(27) || '[31mred' || chr(7) || '.csv: bad')
            """)
        let runs = try h.pipeline("runs")
        XCTAssertEqual(runs.status, 0, runs.stderr)
        XCTAssertTrue(runs.stdout.contains("refused: x.zip:\\x1B[31mred\\x07.csv: bad"), runs.stdout)
        assertNoRawControls(runs.stdout, "runs")
    }

    /// Tests/fixture-tools/make_big_zips.py's archive: 70,000 stored `d/NNNNNN.csv`.
    func manyEntries() throws -> String {
        let script = Fixtures.root.appendingPathComponent("Tests/fixture-tools/make_big_zips.py").path
        let made = try Run.program("python3", [script, h.scratch.path, "manyentries"])
        XCTAssertEqual(made.status, 0, made.stderr)
        return made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testASeventyThousandEntryArchiveIsRefusedInOneShortLine() throws {
        let path = try manyEntries()
        let result = try h.pipeline("load", "gp-appointments", path)
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr, "\(path): the archive holds no gp-appointments CSV files (70,000 entries: d/000000.csv, d/000001.csv, d/000002.csv, d/000003.csv, d/000004.csv and 69,995 more)\n")
    }

    func testEntriesLeftOutAreNamedUpToFiveThenCounted() throws {
        let crosstab = h.scratch.url.appendingPathComponent("Practice_Level_Crosstab_Sep_25.csv").path
        let unzip = try Run.program("unzip", ["-q", "-o", Fixtures.path("publisher/files.digital.nhs.uk/FD/45A960/Practice_Level_Crosstab_Oct_25.zip"),
                                              "Practice_Level_Crosstab_Sep_25.csv", "-d", h.scratch.path])
        XCTAssertEqual(unzip.status, 0, unzip.stderr)
        let path = try zip("big.zip", [("Practice_Level_Crosstab_Sep_25.csv", crosstab, nil)], appendTo: try manyEntries())
        let result = try h.pipeline("--log-format", "json", "load", "gp-appointments", path)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("gp-appointments 2025-09: revision 1 is now current ("), result.stdout)
        XCTAssertEqual(result.lines.count, 1, result.stdout)
        let events = try result.stderrLines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let named = events.filter { $0["event"] as? String == "load.entry_left_out" }
        XCTAssertEqual(named.compactMap { $0["entry"] as? String }, (0..<5).map { String(format: "d/%06d.csv", $0) })
        let counted = events.filter { $0["event"] as? String == "load.entries_left_out" }
        XCTAssertEqual(counted.count, 1)
        XCTAssertEqual(counted.first?["count"] as? Int, 69_995)
        XCTAssertEqual(counted.first?["message"] as? String, "big.zip: 69,995 more entries are not gp-appointments files this loader reads; left out")
        XCTAssertLessThan(events.filter { $0["event"] as? String != "migrate.applied" }.count, 20, result.stderr)
    }
}
