import Foundation
import TestSupport
import XCTest

/// ODS's legacy `epcn.zip` (`ePCN.xlsx` beside its specification PDF): the real April 2022
/// snapshot loads both sheets into the PCN and membership datasets the DSE CSVs feed, and what
/// is stored and served reconciles to the sheets as an independent Python reader
/// (Tests/fixture-tools/xlsx_rows.py, standard library only) reads them.
final class OdsWorkbookTests: XCTestCase {
    var h: Harness!

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    static let sample = Fixtures.path("samples/ods/epcn_2022-04.zip")
    static let xlsxRows = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixture-tools/xlsx_rows.py").path

    /// Python's reading of both sheets: `pcns` prints code|name|sub-ICB|open|close|postcode,
    /// `members` partner|pcn|start|end|country, dates as ISO (the header row is the first row
    /// holding the sheet's first column name, found the same way by content).
    func python(_ what: String, _ path: String) throws -> [String] {
        let script = """
            import json, subprocess, sys
            tool, path, what = sys.argv[1:4]
            sheet = 'PCNDetails' if what == 'pcns' else 'PCN Core Partner Details'
            rows = [json.loads(l)[1] for l in subprocess.run(['python3', tool, path, sheet, '--entry', 'ePCN.xlsx'],
                                                             check=True, capture_output=True, text=True).stdout.splitlines()]
            first = 'PCN Code' if what == 'pcns' else 'Partner Organisation Code'
            at = next(i for i, r in enumerate(rows) if ' '.join(r[0].split()) == first)
            def iso(d): return d[0:4] + '-' + d[4:6] + '-' + d[6:8] if d else ''
            for r in rows[at + 1:]:
                r = r + [''] * (12 - len(r))
                if not r[0]: continue
                if what == 'pcns':
                    print('|'.join([r[0], r[1], r[2], iso(r[4]), iso(r[5]), r[11]]))
                else:
                    country = {'W': 'Wales', 'S': 'Scotland'}.get(r[0][0], 'England')
                    print('|'.join([r[0], r[4], iso(r[8]), iso(r[9]), country]))
            """
        let result = try Run.program("python3", ["-c", script, Self.xlsxRows, path, what])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.lines.sorted()
    }

    func testTheRealEPCNWorkbookLoadsBothSheetsAndReconcilesToPython() throws {
        let result = try h.pipeline("load", "ods", Self.sample, "--period", "2022-04")
        XCTAssertEqual(result.status, 0, result.stderr)
        let pcns = try python("pcns", Self.sample)
        let members = try python("members", Self.sample)
        XCTAssertGreaterThan(pcns.count, 1_000)
        XCTAssertGreaterThan(members.count, 7_000)
        // One revision per dataset, counted as the sheets' rows.
        XCTAssertEqual(result.lines.map { $0.replacingOccurrences(of: #"revision \d+"#, with: "revision N", options: .regularExpression) }.sorted(), [
            "ods-pcn-members 2022-04: revision N is now current (\(members.count) rows: +\(members.count) added, ~0 changed, -0 removed, =0 unchanged)",
            "ods-pcns 2022-04: revision N is now current (\(pcns.count) rows: +\(pcns.count) added, ~0 changed, -0 removed, =0 unchanged)",
        ])

        let stored = try h.database.psql("""
            SELECT concat_ws('|', org, name, sub_icb, coalesce(open_date::text, ''), coalesce(close_date::text, ''), coalesce(postcode, ''))
            FROM data.ods_pcns WHERE valid_to IS NULL AND period = '2022-04-01'
            """).map { $0.joined() }.sorted()
        XCTAssertEqual(stored, pcns)
        let served = try h.database.psql("""
            SELECT concat_ws('|', practice, pcn, start_date, coalesce(end_date::text, ''), partner_country)
            FROM api.pcn_members WHERE snapshot = '2022-04-01'
            """).map { $0.joined() }.sorted()
        XCTAssertEqual(served, members)
        // The CCG-era names are read as the DSE fields; the workbook's TRUE/FALSE match as published.
        XCTAssertEqual(try h.database.psql("SELECT pcn_sub_icb, sub_icb_match FROM api.pcn_members WHERE practice = 'C85628' AND pcn = 'U16464'"),
                       [["02P", "TRUE"]])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcns"), String(pcns.count))
        XCTAssertEqual(try h.database.value("SELECT name || ' ' || sub_icb FROM api.pcns WHERE pcn = 'U16464'"), "BARNSLEY PCN 02P")

        // The same bytes again: nothing new.
        let again = try h.pipeline("load", "ods", Self.sample, "--period", "2022-04")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE source = 'ods'"), "2")
    }

    /// Rewrites one part of the sample's `ePCN.xlsx` with a Python expression over its text `s`.
    func edited(_ part: String, _ expression: String) throws -> String {
        let out = h.scratch.url.appendingPathComponent("edited/epcn.zip").path
        try? FileManager.default.removeItem(atPath: out)
        try FileManager.default.createDirectory(atPath: (out as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let script = """
            import io, re, sys, zipfile
            src, out, part, expr = sys.argv[1:5]
            outer = zipfile.ZipFile(src)
            inner = zipfile.ZipFile(io.BytesIO(outer.read('ePCN.xlsx')))
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as w:
                for info in inner.infolist():
                    data = inner.read(info)
                    if info.filename == part:
                        s = data.decode('utf-8'); data = eval(expr).encode('utf-8')
                    w.writestr(info.filename, data)
            with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as w:
                for info in outer.infolist():
                    w.writestr(info.filename, buf.getvalue() if info.filename == 'ePCN.xlsx' else outer.read(info))
            """
        let result = try Run.program("python3", ["-c", script, Self.sample, out, part, expression])
        XCTAssertEqual(result.status, 0, result.stderr)
        return out
    }

    func testABadCellOrAMissingSheetIsRefusedNamingItAndNothingIsVisible() throws {
        // An open date in a new style, in the PCN sheet's row 14.
        let badDate = try edited("xl/worksheets/sheet1.xml",
                                 #"re.sub(r'<c r="E14"[^>]*>.*?</c>', '<c r="E14" t="inlineStr"><is><t>01/10/2019</t></is></c>', s)"#)
        let refused = try h.pipeline("load", "ods", badDate, "--period", "2022-04")
        XCTAssertEqual(refused.status, 65)
        XCTAssertEqual(refused.stderrLines.last, "\(badDate):ePCN.xlsx:PCNDetails!E14: invalid date '01/10/2019' in Open Date")
        // A membership sheet renamed away: refused by name; the PCN sheet before it is not kept.
        let renamed = try edited("xl/workbook.xml", #"s.replace('name="PCN Core Partner Details"', 'name="Partners"')"#)
        let missing = try h.pipeline("load", "ods", renamed, "--period", "2022-04")
        XCTAssertEqual(missing.status, 65)
        let line = try XCTUnwrap(missing.stderrLines.last)
        XCTAssertTrue(line.hasPrefix("\(renamed):ePCN.xlsx"), line)
        XCTAssertTrue(line.contains("PCN Core Partner Details"), line)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE source = 'ods'"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.ods_pcns"), "0")
    }
}
