import Foundation
@testable import Publications
import TestSupport
import Transform
import XCTest

/// General Practice Workforce (`nwrs`) from the saved publisher site (Fixtures/publisher, made by
/// Tests/fixture-tools/mirror_nwrs.py: the real 805-column header of NHS England's definitions
/// workbook, modelled numbers) served on 127.0.0.1: every header edition and the back-series
/// re-issue reconciled to the files by an independent reckoning in Python, republications
/// counted exactly, bad files refused with nothing visible.
final class WorkforceSourceTests: PublisherSiteTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        h.extraEnvironment["PIPELINE_NOW"] = "2026-11-21T06:00:00Z"
    }

    /// A file of the served site by name (its folders are content hashes).
    func served(_ name: String) throws -> String {
        let root = site.url.appendingPathComponent("files.digital.nhs.uk")
        let found = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.lastPathComponent == name }
        XCTAssertEqual(found.count, 1, name)
        return try XCTUnwrap(found.first).path
    }

    static let dash = "\u{2013}"
    static func detailedName(_ month: String) -> String { "1 General Practice \(dash) \(month) Practice Level - Detailed.csv" }
    static func highLevelName(_ month: String) -> String { "3 General Practice \(dash) \(month) Practice Level - High level.csv" }

    struct Reckoning {
        var sums: [String: Decimal]
        var tokens: Int
        var cells: Int
        var practices: Int
        var columns: Int
        var flags: [String: [String]]
    }

    /// Python's reading of a detailed CSV inside a zip: per column that is not an identity column
    /// (named here independently of the loader, every header edition's spelling), the sum of its
    /// numbers, with the count of `NA` cells, of numeric cells and of practices; each practice's
    /// PCN and four source flags.
    func pythonDetailed(zip: String, entry: String) throws -> Reckoning {
        let script = """
            import csv, io, json, sys, zipfile
            from decimal import Decimal
            identity = {'PRAC_CODE', 'PRAC_NAME', 'PCN_CODE', 'PCN_NAME', 'SUB_ICB_CODE', 'SUB_ICB_NAME', 'ICB_CODE', 'ICB_NAME',
                        'REGION_CODE', 'REGION_NAME', 'CCG_CODE', 'CCG_NAME', 'STP_CODE', 'STP_NAME', 'COMM_REGION_CODE',
                        'COMM_REGION_NAME', 'GP_SOURCE', 'NURSE_SOURCE', 'DPC_SOURCE', 'ADMIN_SOURCE'}
            with zipfile.ZipFile(sys.argv[1]) as z:
                rows = list(csv.reader(io.TextIOWrapper(z.open(sys.argv[2]), encoding='utf-8-sig', newline='')))
            header, body = rows[0], rows[1:]
            sums, tokens, cells, flags = {}, 0, 0, {}
            for row in body:
                d = dict(zip(header, row))
                flags[d['PRAC_CODE']] = [d.get('PCN_CODE', ''), d.get('GP_SOURCE', ''), d.get('NURSE_SOURCE', ''), d.get('DPC_SOURCE', ''), d.get('ADMIN_SOURCE', '')]
                for name, value in d.items():
                    if name in identity:
                        continue
                    cells += 1
                    sums.setdefault(name, Decimal(0))
                    if value == 'NA':
                        tokens += 1
                    elif value != '':
                        sums[name] += Decimal(value)
            print(json.dumps({'sums': {k: str(v) for k, v in sums.items()}, 'tokens': tokens, 'cells': cells,
                              'practices': len(body), 'columns': len(header), 'flags': flags}))
            """
        let result = try Run.program("python3", ["-c", script, zip, entry])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return Reckoning(sums: (json["sums"] as! [String: String]).mapValues { Decimal(string: $0)! }, tokens: json["tokens"] as! Int,
                         cells: json["cells"] as! Int, practices: json["practices"] as! Int, columns: json["columns"] as! Int,
                         flags: json["flags"] as! [String: [String]])
    }

    /// What `api.nwrs` serves for a snapshot must be what Python read from its file.
    func assertServed(_ snapshot: String, match expected: Reckoning, file: StaticString = #filePath, line: UInt = #line) throws {
        let rows = try h.database.psql("SELECT measure, coalesce(sum(value), 0)::text FROM api.nwrs WHERE snapshot = '\(snapshot)' GROUP BY measure")
        let stored = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], Decimal(string: $0[1])!) })
        XCTAssertEqual(Set(stored.keys), Set(expected.sums.keys), "\(snapshot): one measure per published column", file: file, line: line)
        for (measure, total) in expected.sums where stored[measure] != total {
            XCTFail("\(snapshot) \(measure): \(String(describing: stored[measure])) served, \(total) in the file", file: file, line: line)
        }
        XCTAssertEqual(try h.database.psql("""
            SELECT count(*), count(value_raw), count(DISTINCT practice) FROM api.nwrs WHERE snapshot = '\(snapshot)'
            """)[0], [String(expected.cells), String(expected.tokens), String(expected.practices)],
                       "\(snapshot): every cell, every NA kept beside its NULL, every practice", file: file, line: line)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.nwrs WHERE snapshot = '\(snapshot)' AND value_raw IS NOT NULL AND (value_raw <> 'NA' OR value IS NOT NULL)"),
                       "0", file: file, line: line)
        let flags = try h.database.psql("""
            SELECT DISTINCT practice, coalesce(pcn, ''), coalesce(gp_source, ''), coalesce(nurse_source, ''), coalesce(dpc_source, ''), coalesce(admin_source, '')
            FROM api.nwrs WHERE snapshot = '\(snapshot)'
            """)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: flags.map { ($0[0], Array($0.dropFirst())) }), expected.flags,
                       "\(snapshot): PCN and source flags as published", file: file, line: line)
    }

    func testRefreshLoadsTheNewest805ColumnEditionAndEveryCellReconcilesToTheFile() throws {
        let result = try h.pipeline("refresh", "nwrs")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines.map { $0.replacingOccurrences(of: #"revision \d+"#, with: "revision N", options: .regularExpression) }, [
            "nwrs-pcn-individual 2025-10: revision N is now current (534 rows: +534 added, ~0 changed, -0 removed, =0 unchanged)",
            "nwrs-practices-detailed 2025-10: revision N is now current (7910 rows: +7910 added, ~0 changed, -0 removed, =0 unchanged)",
            "nwrs-practices-high-level 2025-10: revision N is now current (180 rows: +180 added, ~0 changed, -0 removed, =0 unchanged)",
        ])
        // The definitions workbook and the individual-level CSV in the zip are left out, by name.
        XCTAssertTrue(result.stderr.contains("0 General Practice Detailed Practice-Level CSV. Overall Definitions.xlsx: not a nwrs file this loader reads; left out"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Individual Level.csv: not a nwrs file this loader reads; left out"), result.stderr)

        let zip = try served("GPWPracticeCSV.102025.zip")
        let expected = try pythonDetailed(zip: zip, entry: Self.detailedName("October 2025"))
        XCTAssertEqual(expected.columns, 805, "the header of the definitions workbook")
        XCTAssertGreaterThan(expected.tokens, 0, "the fixture has NA cells")
        try assertServed("2025-10-01", match: expected)
        // NA: NULL with the token kept; the practice's flag says why; Unaligned kept as published.
        XCTAssertEqual(try h.database.psql("SELECT value, value_raw, nurse_source FROM api.nwrs WHERE practice = 'B84001' AND measure = 'TOTAL_NURSES_FTE'"),
                       [["", "NA", "No valid or current data"]])
        XCTAssertEqual(try h.database.value("SELECT DISTINCT pcn || ' ' || pcn_name FROM api.nwrs WHERE practice = 'A88001'"), "Unaligned Unaligned")
        XCTAssertEqual(try h.database.value("SELECT DISTINCT icb || '|' || icb_name || '|' || region FROM api.nwrs WHERE practice = 'A81001'"),
                       "QHM|NHS North East and North Cumbria ICB|Y63")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.nwrs WHERE pcn = 'U89141'"), "791", "one practice's 791 columns")

        // The high-level CSV: every figure as published, NA kept.
        let highLevel = try Run.program("python3", ["-c", """
            import csv, io, sys, zipfile
            from decimal import Decimal
            rows = list(csv.DictReader(io.TextIOWrapper(zipfile.ZipFile(sys.argv[1]).open(sys.argv[2]), encoding='utf-8', newline='')))
            print(len(rows), sum(Decimal(r['VALUE']) for r in rows if r['VALUE'] != 'NA'), sum(r['VALUE'] == 'NA' for r in rows))
            """, zip, Self.highLevelName("October 2025")])
        XCTAssertEqual(highLevel.status, 0, highLevel.stderr)
        let served = try h.database.psql("SELECT count(*), sum(value), count(value_raw) FROM api.nwrs_high_level WHERE snapshot = '2025-10-01'")[0]
        let reckoned = highLevel.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        XCTAssertEqual(served[0], reckoned[0])
        XCTAssertEqual(Decimal(string: served[1]), Decimal(string: reckoned[1]))
        XCTAssertEqual(served[2], reckoned[2])
        // The high-level file names practices only: their PCN and ICB are the detailed file's.
        XCTAssertEqual(try h.database.psql("SELECT DISTINCT practice, pcn, icb FROM api.nwrs_high_level WHERE practice IN ('A81001', 'A88001') ORDER BY 1"),
                       [["A81001", "U89141", "QHM"], ["A88001", "Unaligned", "QHM"]])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.nwrs_high_level WHERE pcn IS NULL OR icb IS NULL OR region IS NULL"), "0")

        XCTAssertEqual(try h.database.psql("SELECT snapshot, practices, published, array_to_string(datasets, ',') FROM api.nwrs_snapshots"),
                       [["2025-10-01", "10", "2025-11-27", "nwrs-pcn-individual,nwrs-practices-detailed,nwrs-practices-high-level"]])

        let again = try h.pipeline("refresh", "nwrs")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.lines, ["nwrs 2025-10: nothing new (GPWPracticeCSV.102025.zip (not modified), 1.Primary Care Networks \(Self.dash) October 2025 Individual Level.csv (not modified))"])
    }

    func testEveryHeaderEditionLoadsAndEachBackSeriesReissueIsARevisionOfEveryMonthItRestates() throws {
        let backfill = try h.pipeline("backfill", "nwrs", "--from", "2021-09", "--to", "2025-10")
        XCTAssertEqual(backfill.status, 0, backfill.stderr)
        // Six pages. December 2021 re-issues September 2021 after the FTE method change; July 2022
        // re-issues September 2021, December 2021 and March 2022 in the ICB geography.
        XCTAssertEqual(try h.database.psql("""
            SELECT dataset, period, status, added, changed, removed, unchanged, file FROM etl.revision_log
            WHERE dataset = 'nwrs-practices-detailed' ORDER BY revision
            """).map { $0.joined(separator: " ") }, [
            "nwrs-practices-detailed 2021-09-01 superseded 7430 0 0 0 GPWPracticeCSV.092021.zip",
            "nwrs-practices-detailed 2021-12-01 superseded 7430 0 0 0 GPWPracticeCSV.122021.zip",
            "nwrs-practices-detailed 2021-09-01 superseded 0 1920 0 5510 GPWPracticeCSV.backseries.method.zip",
            "nwrs-practices-detailed 2022-03-01 superseded 7430 0 0 0 GPWPracticeCSV.032022.zip",
            "nwrs-practices-detailed 2022-07-01 current 7430 0 0 0 GPWPracticeCSV.072022.zip",
            "nwrs-practices-detailed 2021-09-01 current 0 7430 0 0 GPWPracticeCSV.backseries.ICB.zip",
            "nwrs-practices-detailed 2021-12-01 current 0 7430 0 0 GPWPracticeCSV.backseries.ICB.zip",
            "nwrs-practices-detailed 2022-03-01 current 0 7430 0 0 GPWPracticeCSV.backseries.ICB.zip",
            "nwrs-practices-detailed 2023-02-01 current 7900 0 0 0 GPWPracticeCSV.022023.zip",
            "nwrs-practices-detailed 2025-10-01 current 7910 0 0 0 GPWPracticeCSV.102025.zip",
        ], "every row of a month re-issued for the ICB geography changed: its sub-ICB, ICB and region names are the new ones")
        // The method change: exactly the cells whose figure differs between the two September 2021 files.
        let differing = try Run.program("python3", ["-c", """
            import csv, io, sys, zipfile
            from decimal import Decimal
            def cells(path, entry):
                rows = list(csv.reader(io.TextIOWrapper(zipfile.ZipFile(path).open(entry), encoding='utf-8', newline='')))
                return {(r[0], name): value for r in rows[1:] for name, value in zip(rows[0], r)}
            a, b = cells(sys.argv[1], sys.argv[3]), cells(sys.argv[2], sys.argv[3])
            def number(v):
                try:
                    return Decimal(v)
                except ArithmeticError:
                    return v
            print(sum(1 for k in a if number(a[k]) != number(b[k])))
            """, try served("GPWPracticeCSV.092021.zip"), try served("GPWPracticeCSV.backseries.method.zip"), Self.detailedName("September 2021")])
        XCTAssertEqual(differing.status, 0, differing.stderr)
        XCTAssertEqual(differing.stdout, "1920\n")
        XCTAssertEqual(try h.database.psql("""
            SELECT period, added || ' ' || changed || ' ' || removed || ' ' || unchanged, file FROM etl.revision_log
            WHERE dataset = 'nwrs-practices-high-level' AND (changed > 0 OR period < '2022-03-01') ORDER BY revision
            """), [["2021-09-01", "180 0 0 0", "GPWPracticeCSV.092021.zip"], ["2021-12-01", "180 0 0 0", "GPWPracticeCSV.122021.zip"],
                   ["2021-09-01", "0 75 0 105", "GPWPracticeCSV.backseries.method.zip"],
                   ["2022-03-01", "0 1 0 179", "GPWPracticeCSV.backseries.ICB.zip"]],
                       "the high-level files name practices only: the ICB re-issue changed none of 2021's, and one figure of March 2022's")
        let corrected = try h.pipeline("diff", "nwrs", "2022-03", "--dataset", "nwrs-practices-detailed")
        XCTAssertEqual(corrected.status, 0, corrected.stderr)
        XCTAssertEqual(corrected.lines.filter { $0.contains("\tvalue\t") }.count, 1, corrected.stdout)
        XCTAssertTrue(corrected.lines.contains { $0.hasPrefix("nwrs-practices-detailed\tA81001/TOTAL_GP_HC\tvalue\t") }, corrected.stdout)

        // Each header edition (757 columns, CCG-era names; 757 ICB-era; 804; 805) reconciles.
        let files = [
            ("2021-09-01", "GPWPracticeCSV.backseries.ICB.zip", "September 2021", 757),
            ("2021-12-01", "GPWPracticeCSV.backseries.ICB.zip", "December 2021", 757),
            ("2022-03-01", "GPWPracticeCSV.backseries.ICB.zip", "March 2022", 757),
            ("2022-07-01", "GPWPracticeCSV.072022.zip", "July 2022", 757),
            ("2023-02-01", "GPWPracticeCSV.022023.zip", "February 2023", 804),
            ("2025-10-01", "GPWPracticeCSV.102025.zip", "October 2025", 805),
        ]
        for (snapshot, zip, month, columns) in files {
            let expected = try pythonDetailed(zip: try served(zip), entry: Self.detailedName(month))
            XCTAssertEqual(expected.columns, columns, snapshot)
            try assertServed(snapshot, match: expected)
        }
        // The first March 2022 edition, as it was published: CCG-era columns read as sub-ICB and ICB.
        let original = try pythonDetailed(zip: try served("GPWPracticeCSV.032022.zip"), entry: Self.detailedName("March 2022"))
        XCTAssertEqual(original.sums.count, 757 - 14)
        let asPublished = try h.pipeline("show", "nwrs", "2022-03", "--as-published", "2022-05-01", "--practice", "A81001", "--json")
        XCTAssertEqual(asPublished.status, 0, asPublished.stderr)
        let first = try XCTUnwrap(asPublished.lines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }, asPublished.stdout)
        XCTAssertEqual(first["sub_icb"] as? String, "16C")
        XCTAssertEqual(first["sub_icb_name"] as? String, "NHS Tees Valley CCG")
        XCTAssertEqual(first["icb"] as? String, "QHM")
        XCTAssertEqual(try h.database.value("SELECT DISTINCT sub_icb_name FROM api.nwrs WHERE practice = 'A81001' AND snapshot = '2022-03-01'"),
                       "NHS North East and North Cumbria ICB - 16C Tees Valley", "served: the re-issue")

        XCTAssertEqual(try h.database.psql("SELECT snapshot, practices, published, revision = (SELECT max(current_revision) FROM etl.scopes c WHERE c.period = s.snapshot AND c.source = 'nwrs') FROM api.nwrs_snapshots s ORDER BY snapshot"), [
            ["2020-03-01", "0", "2022-09-01", "t"], ["2021-09-01", "10", "2022-09-01", "t"], ["2021-12-01", "10", "2022-09-01", "t"],
            ["2022-03-01", "10", "2022-09-01", "t"], ["2022-07-01", "10", "2022-09-01", "t"],
            ["2023-02-01", "10", "2023-03-30", "t"], ["2025-10-01", "10", "2025-11-27", "t"],
        ], "the months re-issued on the July 2022 page (with the PCN file of March 2020) as re-issued")

        // Again: every file known, nothing written.
        let again = try h.pipeline("backfill", "nwrs", "--from", "2021-09", "--to", "2025-10")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE source = 'nwrs'"), "20")
    }

    /// Rewrites the served October 2025 zip in place: `edit` is Python run with `rows` (the
    /// detailed CSV, header first) in scope; every other entry is kept byte for byte.
    func republishOctober(_ edit: String, entry: String = WorkforceSourceTests.detailedName("October 2025")) throws {
        let zip = try served("GPWPracticeCSV.102025.zip")
        let script = """
            import csv, io, os, sys, zipfile
            path, entry = sys.argv[1], sys.argv[2]
            with zipfile.ZipFile(path) as a, zipfile.ZipFile(path + '.new', 'w', zipfile.ZIP_DEFLATED) as z:
                for info in a.infolist():
                    data = a.read(info.filename)
                    if info.filename == entry:
                        rows = list(csv.reader(io.StringIO(data.decode('utf-8'), newline='')))
            \(edit.split(separator: "\n").map { "            " + $0 }.joined(separator: "\n"))
                        out = io.StringIO()
                        csv.writer(out, lineterminator='\\r\\n').writerows(rows)
                        data = out.getvalue().encode('utf-8')
                    z.writestr(info, data)
            os.replace(path + '.new', path)
            """
        let result = try Run.program("python3", ["-c", script, zip, entry])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testARepublishedEditionIsCountedExactlyInTheRevisionLog() throws {
        XCTAssertEqual(try h.pipeline("refresh", "nwrs").status, 0)
        // The publisher replaces October 2025: three figures corrected (one of them now NA), one
        // practice gone, one new.
        try republishOctober("""
            h = rows[0]
            find = lambda code: next(r for r in rows if r[0] == code)
            find('A81001')[h.index('TOTAL_GP_FTE')] = '99.5'
            find('A82004')[h.index('TOTAL_PATIENTS')] = '12345'
            find('B84001')[h.index('TOTAL_GP_HC')] = 'NA'
            new = list(find('A81001')); new[0] = 'A81999'; new[1] = 'NEW PRACTICE'
            rows = [r for r in rows if r[0] != 'B86001'] + [new]
            """)
        let republished = try h.pipeline("refresh", "nwrs", "--period", "2025-10")
        XCTAssertEqual(republished.status, 0, republished.stderr)
        XCTAssertEqual(republished.lines.map { $0.replacingOccurrences(of: #"revision \d+"#, with: "revision N", options: .regularExpression) }, [
            "nwrs-practices-detailed 2025-10: revision N is now current (7910 rows: +791 added, ~3 changed, -791 removed, =7116 unchanged)",
            "nwrs-practices-high-level 2025-10: unchanged (180 rows identical to the current revision); nothing written",
        ])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "4", "exactly one new revision")
        let diff = try h.pipeline("diff", "nwrs", "2025-10", "--dataset", "nwrs-practices-detailed", "--json")
        XCTAssertEqual(diff.status, 0, diff.stderr)
        let changed = diff.lines.compactMap { line -> String? in
            guard let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], row["change"] as? String == "changed" else { return nil }
            let key = row["key"] as? [String: Any]
            return "\(key?["org"] ?? "")/\(key?["measure"] ?? "")"
        }
        XCTAssertEqual(Set(changed), ["A81001/TOTAL_GP_FTE", "A82004/TOTAL_PATIENTS", "B84001/TOTAL_GP_HC"], diff.stdout)
        XCTAssertEqual(try h.database.psql("SELECT value, value_raw FROM api.nwrs WHERE practice = 'B84001' AND measure = 'TOTAL_GP_HC'"), [["", "NA"]])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.nwrs WHERE practice = 'B86001'"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.nwrs WHERE practice = 'A81999'"), "791")
        let expected = try pythonDetailed(zip: try served("GPWPracticeCSV.102025.zip"), entry: Self.detailedName("October 2025"))
        try assertServed("2025-10-01", match: expected)
    }

    func testBadFilesAreRefusedNamingFileLineAndColumnAndNothingOfThePublicationIsVisible() throws {
        XCTAssertEqual(try h.pipeline("refresh", "nwrs").status, 0)
        let before = try h.database.psql("SELECT count(*), sum(value) FROM api.nwrs")

        // A value that is neither a number nor NA, in a republished zip: exit 65, one line naming
        // the entry, line and column; nothing of the republication is visible.
        try republishOctober("rows[3][rows[0].index('TOTAL_GP_FTE')] = '1,5'")
        let refused = try h.pipeline("refresh", "nwrs", "--period", "2025-10")
        XCTAssertEqual(refused.status, 65, refused.stderr)
        let column = 87  // TOTAL_GP_FTE: column CI of the 805-column edition
        XCTAssertTrue(refused.stderrLines.last?.hasSuffix("GPWPracticeCSV.102025.zip:\(Self.detailedName("October 2025")):4:\(column): invalid number '1,5' in 'TOTAL_GP_FTE'") == true,
                      refused.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "3")
        XCTAssertEqual(try h.database.psql("SELECT count(*), sum(value) FROM api.nwrs"), before)

        // A renamed identity column: the header is refused, naming what is missing.
        let extract = h.scratch.url.appendingPathComponent("extracted.csv").path
        let unzip = try Run.program("python3", ["-c", "import sys, zipfile; open(sys.argv[3], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
                                                try served("GPWPracticeCSV.102025.zip"), Self.detailedName("October 2025"), extract])
        XCTAssertEqual(unzip.status, 0, unzip.stderr)
        let renamed = try h.edited(extract, as: Self.detailedName("November 2025"), "rows[0][rows[0].index('SUB_ICB_CODE')] = 'SUBICB_CODE'")
        let header = try h.pipeline("load", "nwrs", renamed)
        XCTAssertEqual(header.status, 65)
        XCTAssertEqual(header.stderrLines.last, "\(renamed):1: header does not match nwrs-practices-detailed: missing SUB_ICB_CODE")
        // The census month in a style the name reader does not know: not guessed.
        let isoNamed = try h.edited(extract, as: "1 General Practice \(Self.dash) 2025-11 Practice Level - Detailed.csv", "")
        let unnamed = try h.pipeline("load", "nwrs", isoNamed)
        XCTAssertEqual(unnamed.status, 65)
        XCTAssertEqual(unnamed.stderrLines.last, "\(isoNamed): the period of nwrs-practices-detailed files is not in the file; give --period")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "3")

        // A file for a later month than the page it is published on is misfiled, not a re-issue.
        let pages = site.url.appendingPathComponent("digital.nhs.uk/data-and-information/publications/statistical/general-and-personal-medical-services")
        let page = pages.appendingPathComponent("28-february-2023/index.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        let october = try String(contentsOf: pages.appendingPathComponent("31-october-2025/index.html"), encoding: .utf8)
        let link = #"https://files\.digital\.nhs\.uk/[0-9A-F]{2}/[0-9A-F]{6}/GPWPracticeCSV\.%@\.zip"#
        let feb = try XCTUnwrap(html.range(of: link.replacingOccurrences(of: "%@", with: "022023"), options: .regularExpression))
        let octURL = String(october[try XCTUnwrap(october.range(of: link.replacingOccurrences(of: "%@", with: "102025"), options: .regularExpression))])
        try html.replacingOccurrences(of: String(html[feb]), with: octURL).write(to: page, atomically: true, encoding: .utf8)
        try republishOctober("rows[3][rows[0].index('TOTAL_GP_FTE')] = '1.5'")
        let misfiled = try h.pipeline("refresh", "nwrs", "--period", "2023-02")
        XCTAssertEqual(misfiled.status, 65, misfiled.stderr)
        XCTAssertEqual(misfiled.stderrLines.last, "GPWPracticeCSV.102025.zip:\(Self.detailedName("October 2025")): the file's name says 2025-10, but it was published on the page for 2023-02")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "3")
    }

    static let pcnFile = "1.Primary Care Networks \(dash) March 2020 Individual Level.csv"

    func testThePCNIndividualFileIsAReissueOfMarch2020AndEveryPostReconcilesToTheRealFile() throws {
        let backfill = try h.pipeline("backfill", "nwrs", "--from", "2022-07", "--to", "2022-07")
        XCTAssertEqual(backfill.status, 0, backfill.stderr)
        XCTAssertTrue(backfill.stdout.contains("nwrs-pcn-individual 2020-03: revision "), backfill.stdout)
        // Python over the real file (Windows-1252): posts, FTE per PCN and source, the en dash.
        let file = try served(Self.pcnFile)
        let reckoned = try Run.program("python3", ["-c", """
            import csv, json, sys, collections
            from decimal import Decimal
            rows = list(csv.DictReader(open(sys.argv[1], encoding='cp1252', newline='')))
            fte = collections.defaultdict(Decimal)
            for r in rows:
                fte[r['PCN_CODE'] + '/' + r['Data_source']] += Decimal(r['FTE'])
            print(json.dumps({'posts': len(rows), 'pcns': len({r['PCN_CODE'] for r in rows}), 'fte': {k: str(v) for k, v in fte.items()},
                              'dash': sum('\\u2013' in r['DETAILED_STAFF_ROLE'] for r in rows)}))
            """, file])
        XCTAssertEqual(reckoned.status, 0, reckoned.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(reckoned.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(try h.database.psql("SELECT count(*), count(DISTINCT pcn) FROM api.nwrs_pcn_individual WHERE snapshot = '2020-03-01'")[0],
                       [String(json["posts"] as! Int), String(json["pcns"] as! Int)])
        let served = Dictionary(uniqueKeysWithValues: try h.database.psql("""
            SELECT pcn || '/' || data_source, sum(fte)::text FROM api.nwrs_pcn_individual WHERE snapshot = '2020-03-01' GROUP BY 1
            """).map { ($0[0], Decimal(string: $0[1])!) })
        XCTAssertEqual(served, (json["fte"] as! [String: String]).mapValues { Decimal(string: $0)! })
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.nwrs_pcn_individual WHERE detailed_staff_role LIKE '%\u{2013}%'"),
                       String(json["dash"] as! Int), "byte 0x96 read as an en dash")
        XCTAssertGreaterThan(json["dash"] as! Int, 0)
        // Posts repeated on consecutive lines are numbered, not refused.
        XCTAssertEqual(try h.database.psql("SELECT occurrence, count(*) FROM api.nwrs_pcn_individual GROUP BY 1 ORDER BY 1"),
                       [["1", "528"], ["2", "5"], ["3", "1"]])
        XCTAssertEqual(try h.database.value("SELECT array_to_string(inputs, ',') FROM etl.revisions WHERE dataset = 'nwrs-pcn-individual'"), Self.pcnFile)
        XCTAssertEqual(try h.database.value("SELECT published FROM api.nwrs_snapshots WHERE snapshot = '2020-03-01'"), "2022-09-01",
                       "published on the July 2022 page")

        // A census month in a new style is refused naming line and column; so is a month that
        // is not the file's; nothing is loaded.
        let edited = try Run.program("python3", ["-c", """
            import sys
            lines = open(sys.argv[1], 'rb').read().split(b'\\r\\n')
            cells = lines[5].split(b',')
            cells[2] = sys.argv[3].encode()
            lines[5] = b','.join(cells)
            open(sys.argv[2], 'wb').write(b'\\r\\n'.join(lines))
            """, file, h.scratch.url.appendingPathComponent(Self.pcnFile).path, "Mar"])
        XCTAssertEqual(edited.status, 0, edited.stderr)
        let target = h.scratch.url.appendingPathComponent(Self.pcnFile).path
        let refused = try h.pipeline("load", "nwrs", target)
        XCTAssertEqual(refused.status, 65)
        XCTAssertEqual(refused.stderrLines.last, "\(target):6:3: 'Mar' in CENSUS_MONTH is not 3: the file is for 2020-03")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE dataset = 'nwrs-pcn-individual'"), "1")
    }
}

/// The census month read from the publisher's file names (and nothing guessed from others).
final class WorkforceFileNameTests: XCTestCase {
    func testCensusMonthsFromFileNames() {
        let dash = "\u{2013}"
        let cases: [(String, String?)] = [
            ("1 General Practice \(dash) October 2025 Practice Level - Detailed.csv", "2025-10"),
            ("3 General Practice \(dash) March 2022 Practice Level - High level.csv", "2022-03"),
            ("GPWPracticeCSV.backseries.ICB.zip:1 General Practice \(dash) March 2022 Practice Level - Detailed.csv", "2022-03"),
            ("GPWPracticeCSV.062021.zip", "2021-06"), ("GPWPracticeCSV.102025.zip", "2025-10"),
            ("1.Primary Care Networks \(dash) March 2020 Individual Level.csv", "2020-03"),
            ("Primary Care Networks - July 2023 Individual Level.csv", "2023-07"), ("gpw_september_2015.csv", "2015-09"),
            ("1 General Practice \(dash) 2025-11 Practice Level - Detailed.csv", nil), ("GPWPracticeCSV.132025.zip", nil),
            ("GPWPracticeCSV.1020255.zip", nil), ("PCN_workforce_Individual_Level_2020-03.csv", nil), ("marching 2022.csv", nil),
            ("May 20255.csv", nil),
        ]
        for (name, expected) in cases {
            XCTAssertEqual(Workforce.period(fromName: name)?.label, expected, name)
        }
    }
}
