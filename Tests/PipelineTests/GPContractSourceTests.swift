import Foundation
import TestSupport
import XCTest

/// GP Contract Services found, fetched and loaded from the saved publisher pages (Fixtures/publisher,
/// served on 127.0.0.1), reconciled with Python's reading of the same files.
final class GPContractSourceTests: PublisherSiteTestCase {
    let series = "digital.nhs.uk/data-and-information/publications/statistical/gp-contract-services"

    override func setUpWithError() throws {
        try super.setUpWithError()
        h.extraEnvironment["PIPELINE_NOW"] = "2026-11-21T06:00:00Z"
    }

    /// A file of the saved site by name: its path on disk and its URL as a page links it.
    func siteFile(_ name: String) throws -> (path: String, url: String) {
        let root = site.url.appendingPathComponent("files.digital.nhs.uk")
        for a in try FileManager.default.contentsOfDirectory(atPath: root.path) {
            for b in (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(a).path)) ?? [] {
                let path = root.appendingPathComponent(a).appendingPathComponent(b).appendingPathComponent(name).path
                if FileManager.default.fileExists(atPath: path) {
                    let encoded = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
                    return (path, "https://files.digital.nhs.uk/\(a)/\(b)/\(encoded)")
                }
            }
        }
        // The saved site is the fixture: a file missing from it is a broken fixture, not a skip.
        throw TestDatabase.Unavailable(description: "no \(name) in the saved site (regenerate it with Tests/fixture-tools/make_publisher_mirror.py)")
    }

    /// Replaces one linked file by another on an edition page (the publisher swapping a file).
    func relink(_ edition: String, from old: String, to new: String) throws {
        let page = site.url.appendingPathComponent("\(series)/\(edition)/index.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        let (from, to) = (try siteFile(old).url, try siteFile(new).url)
        XCTAssertTrue(html.contains(from), "\(edition) links \(old)")
        try html.replacingOccurrences(of: from, with: to).write(to: page, atomically: true, encoding: .utf8)
    }

    /// Every value of the service files given (CSVs, `.csv v2` re-issues and zips of them) as
    /// Python reads them: one line per row, dates in ISO, `*` kept as the raw token.
    func pythonRows(_ paths: [String]) throws -> [String] {
        let script = """
            import csv, io, sys, zipfile
            out = []
            def take(stream):
                for r in csv.DictReader(io.TextIOWrapper(stream, encoding='utf-8', newline='')):
                    d = r['ACH_DATE']
                    if '/' in d: d = d[6:10] + '-' + d[3:5] + '-' + d[0:2]
                    v = r['VALUE']
                    out.append('|'.join([d, r['PRACTICE_CODE'], r['PRACTICE_NAME'], r['QUALITY_SERVICE'], r['IND_CODE'], r['MEASURE'],
                                         r.get('MEASURE_TYPE', ''), '' if v == '*' else v, v if v == '*' else '']))
            for path in sys.argv[1:]:
                if path.endswith('.zip'):
                    z = zipfile.ZipFile(path)
                    for name in z.namelist():
                        if name.endswith('.csv'): take(z.open(name))
                else:
                    take(open(path, 'rb'))
            print('\\n'.join(sorted(out)))
            """
        let result = try Run.program("python3", ["-c", script] + paths)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    func servedRows(_ condition: String = "true") throws -> [String] {
        try h.database.psql("""
            SELECT concat_ws('|', date, practice, practice_name, quality_service, indicator, measure, coalesce(measure_type, ''),
                             coalesce(value::text, ''), coalesce(value_raw, ''))
            FROM api.gp_contract_values WHERE \(condition)
            """).map { $0.joined() }.sorted()
    }

    /// The carers file as Python reads it: one line per row.
    func pythonCarers(_ path: String) throws -> [String] {
        let script = """
            import csv, sys
            out = []
            for r in csv.DictReader(open(sys.argv[1], encoding='utf-8', newline='')):
                v = r['VALUE']
                out.append('|'.join([r['ACH_DATE'], r['ORG_TYPE'], r['ORG_CODE'], r['ORG_NAME'], r['SUB_ICB_CODE'], r['SUB_ICB_NAME'],
                                     r['QUALITY_SERVICE'], r['IND_CODE'], r['SEX'], r['AGE_BAND'], r['ETHNICITY'],
                                     '' if v == '*' else v, v if v == '*' else '']))
            print('\\n'.join(sorted(out)))
            """
        let result = try Run.program("python3", ["-c", script, path])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    func servedCarers() throws -> [String] {
        try h.database.psql("""
            SELECT concat_ws('|', date, org_type, org, org_name, sub_icb, sub_icb_name, quality_service, indicator, sex, age, ethnicity,
                             coalesce(value::text, ''), coalesce(value_raw, ''))
            FROM api.gp_contract_carers
            """).map { $0.joined() }.sorted()
    }

    func testBackfillLoadsEveryServiceFileAndServesExactlyWhatPythonReads() throws {
        let result = try h.pipeline("backfill", "gp-contract", "--from", "2023-24", "--to", "2025-26")
        XCTAssertEqual(result.status, 0, result.stderr)
        // Each service and ACH_DATE is its own scope: Core's six months of 2023-24 (Q1 with
        // dd/mm/yyyy dates, Q2 with ISO), the flu season, and 2025-26's Q1 re-issue.
        XCTAssertEqual(try h.database.psql("SELECT dataset || ' ' || period FROM etl.revision_log WHERE status = 'current' ORDER BY 1").map { $0.joined() }, [
            "gp-contract-carers 2025-04-30", "gp-contract-carers 2025-05-31", "gp-contract-carers 2025-06-30",
            "gp-contract-core 2023-04-30", "gp-contract-core 2023-05-31", "gp-contract-core 2023-06-30",
            "gp-contract-core 2023-07-31", "gp-contract-core 2023-08-31", "gp-contract-core 2023-09-30",
            "gp-contract-core 2025-04-30", "gp-contract-core 2025-05-31", "gp-contract-core 2025-06-30",
            "gp-contract-seasonal-influenza 2024-03-31",
        ])
        let files = try ["Core_GP_Contract_2324_csv_files.zip", "Seasonal influenza 2023-24.csv", "Core GP Contract Q1 2025-26.csv v2"].map { try siteFile($0).path }
        let expected = try pythonRows(files)
        XCTAssertEqual(expected.count, 600 + 744 + 32 + 744)
        let served = try servedRows()
        XCTAssertEqual(served.count, expected.count)
        XCTAssertEqual(Set(served).symmetricDifference(expected).sorted().prefix(5), [], "every row as Python reads it")
        // Suppressed cells: NULL with the token kept; names with commas whole; no MEASURE_TYPE in the flu file.
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_contract_values WHERE value IS NULL AND value_raw = '*'"),
                       String(expected.filter { $0.hasSuffix("|*") }.count))
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_contract_values WHERE value IS NULL AND value_raw IS NULL"), "0")
        XCTAssertEqual(try h.database.value("SELECT DISTINCT practice_name FROM api.gp_contract_values WHERE practice = 'B85009'"),
                       "NORTH ROAD SUITE,RAVENSTHORPE HEALTH CTR")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_contract_values WHERE quality_service = 'Seasonal Influenza 2023-24' AND measure_type IS NOT NULL"), "0")
        // The carers file: practice and sub-ICB rows by sex, age band and ethnicity, suppressed cells NULL.
        let carers = try pythonCarers(try siteFile("CGPCMI01 Unpaid Carers Q1 2025-26.csv v2").path)
        XCTAssertEqual(try servedCarers(), carers)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_contract_carers WHERE value IS NULL AND value_raw = '*'"),
                       String(carers.filter { $0.hasSuffix("|*") }.count))
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT org) FROM api.gp_contract_carers WHERE sub_icb = '16C' AND org_type = 'Practice'"), "6")

        // Indicators: one row per service year and indicator, with its measures and dates.
        XCTAssertEqual(try h.database.psql("SELECT quality_service, count(*), max(dates), to_char(max(snapshot), 'YYYY-MM-DD') FROM api.gp_contract_indicators GROUP BY 1 ORDER BY 1").map { $0.joined(separator: " ") }, [
            "Core GP Contract 2023-24 16 6 2023-09-30", "Core GP Contract 2025-26 16 3 2025-06-30", "Seasonal Influenza 2023-24 2 1 2024-03-31",
        ])
        XCTAssertEqual(try h.database.value("SELECT measures FROM api.gp_contract_indicators WHERE indicator = 'CCDCMI37' AND quality_service = 'Core GP Contract 2023-24'"),
                       "Denominator; Numerator; PCA Count (Rule 3: EXPDISSCR_DAT, EXPCONSCRLAT_DAT)")
        XCTAssertEqual(try h.database.value("SELECT string_agg(indicator, ',' ORDER BY indicator) FROM api.search_gp_contract_indicators('frailassdec')"), "CCDCMI30,CCDCMI30")
        XCTAssertEqual(try h.database.value("SELECT practices FROM api.gp_contract_indicators WHERE indicator = 'CGPCMI01' AND quality_service = 'Core GP Contract 2023-24'"), "8")

        // Practices: every practice published, geography from the practice directory (none loaded: NULL).
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_contract_practices"), "9")
        XCTAssertEqual(try h.database.value("SELECT practice_name || ' ' || snapshot || ' ' || first_date FROM api.gp_contract_practices WHERE practice = 'A81009'"),
                       "VILLAGE MEDICAL CENTRE 2023-05-31 2023-04-30")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_contract_practices WHERE icb IS NOT NULL"), "0")
        let ods = try h.pipeline("refresh", "ods")
        XCTAssertEqual(ods.status, 0, ods.stderr)
        XCTAssertEqual(try h.database.psql("SELECT practice, sub_icb, geography_origin FROM api.gp_contract_practices WHERE practice IN ('A81001', 'A89015', 'B85009') ORDER BY 1").map { $0.joined(separator: " ") },
                       ["A81001 16C ods", "A89015 00P ods", "B85009 X2C4Y ods"], "the sub-ICB ODS gives, as the carers file has it")
        XCTAssertEqual(try h.database.value("SELECT string_agg(practice, ',') FROM api.search_gp_contract_practices('fulwell')"), "A89015")

        // Re-issued in place? No: a second backfill finds every file known.
        let again = try h.pipeline("backfill", "gp-contract", "--from", "2023-24", "--to", "2025-26")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.lines.filter { $0.contains("nothing new") }.count, 2, again.stdout)
    }

    func testTheCumulativeZipReissuedWithQ2RestatesQ1WithoutWritingIt() throws {
        // First the year's zip as first issued (Q1 only, spaces in its name).
        try relink("2023-24", from: "Core_GP_Contract_2324_csv_files.zip", to: "Core GP Contract_2324 csv files.zip")
        let first = try h.pipeline("refresh", "gp-contract", "--period", "2023-24")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.lines.filter { $0.contains("is now current") }.count, 4, first.stdout)  // three months and the flu season
        XCTAssertEqual(try h.database.value("SELECT to_char(max(published), 'YYYY-MM-DD') FROM etl.revisions"), "2023-11-09")

        // Then the re-issue under a new path and name, Q1 unchanged inside it and Q2 added.
        try relink("2023-24", from: "Core GP Contract_2324 csv files.zip", to: "Core_GP_Contract_2324_csv_files.zip")
        let second = try h.pipeline("refresh", "gp-contract", "--period", "2023-24")
        XCTAssertEqual(second.status, 0, second.stderr)
        let revisions = try h.database.psql("SELECT revision_id FROM etl.revisions WHERE period >= '2023-07-01' AND period < '2024-01-01' ORDER BY period").map { $0[0] }
        XCTAssertEqual(second.lines.filter { $0.hasPrefix("gp-contract") }, [
            "gp-contract-core 2023-04-30: unchanged (217 rows identical to the current revision); nothing written",
            "gp-contract-core 2023-05-31: unchanged (197 rows identical to the current revision); nothing written",
            "gp-contract-core 2023-06-30: unchanged (186 rows identical to the current revision); nothing written",
            "gp-contract-core 2023-07-31: revision \(revisions[0]) is now current (248 rows: +248 added, ~0 changed, -0 removed, =0 unchanged)",
            "gp-contract-core 2023-08-31: revision \(revisions[1]) is now current (248 rows: +248 added, ~0 changed, -0 removed, =0 unchanged)",
            "gp-contract-core 2023-09-30: revision \(revisions[2]) is now current (248 rows: +248 added, ~0 changed, -0 removed, =0 unchanged)",
        ], second.stdout)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "7")
        XCTAssertEqual(try servedRows("date < '2024-01-01' AND indicator NOT LIKE 'SFL%'"), try pythonRows([try siteFile("Core_GP_Contract_2324_csv_files.zip").path]))
    }

    func testAV2ReissueIsOneRevisionOfTheMonthItCorrectsCountedExactly() throws {
        try relink("2025-26", from: "Core GP Contract Q1 2025-26.csv v2", to: "Core GP Contract Q1 2025-26.csv")
        try relink("2025-26", from: "CGPCMI01 Unpaid Carers Q1 2025-26.csv v2", to: "CGPCMI01 Unpaid Carers Q1 2025-26.csv")
        let first = try h.pipeline("refresh", "gp-contract")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.lines.filter { $0.contains("is now current") }.count, 6, first.stdout)
        let v1 = try pythonRows([try siteFile("Core GP Contract Q1 2025-26.csv").path])
        XCTAssertEqual(try servedRows(), v1)

        // 22 July 2025: the page links the v2 instead; April's CGPCMI01 counts were double counted.
        try relink("2025-26", from: "Core GP Contract Q1 2025-26.csv", to: "Core GP Contract Q1 2025-26.csv v2")
        try relink("2025-26", from: "CGPCMI01 Unpaid Carers Q1 2025-26.csv", to: "CGPCMI01 Unpaid Carers Q1 2025-26.csv v2")
        let second = try h.pipeline("refresh", "gp-contract")
        XCTAssertEqual(second.status, 0, second.stderr)
        func revision(_ dataset: String) throws -> String {
            try h.database.value("SELECT max(revision_id) FROM etl.revisions WHERE dataset = '\(dataset)'")
        }
        // Every practice row of April's carers file moved but the four suppressed cells; all 35 sub-ICB rows moved.
        XCTAssertEqual(second.lines.filter { $0.hasPrefix("gp-contract") }, [
            "gp-contract-carers 2025-04-30: revision \(try revision("gp-contract-carers")) is now current (131 rows: +0 added, ~127 changed, -0 removed, =4 unchanged)",
            "gp-contract-carers 2025-05-31: unchanged (131 rows identical to the current revision); nothing written",
            "gp-contract-carers 2025-06-30: unchanged (131 rows identical to the current revision); nothing written",
            "gp-contract-core 2025-04-30: revision \(try revision("gp-contract-core")) is now current (248 rows: +0 added, ~8 changed, -0 removed, =240 unchanged)",
            "gp-contract-core 2025-05-31: unchanged (248 rows identical to the current revision); nothing written",
            "gp-contract-core 2025-06-30: unchanged (248 rows identical to the current revision); nothing written",
        ], second.stdout)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "8", "two new revisions, April's of each file")
        XCTAssertEqual(try h.database.value("SELECT file FROM etl.revision_log WHERE status = 'current' AND period = '2025-04-30' AND dataset = 'gp-contract-core'"),
                       "Core GP Contract Q1 2025-26.csv v2")
        XCTAssertEqual(try h.database.value("SELECT status FROM etl.revision_log WHERE period = '2025-04-30' AND file = 'Core GP Contract Q1 2025-26.csv'"),
                       "superseded")
        // What changed, as the API tells it: the eight April CGPCMI01 counts, halved.
        XCTAssertEqual(try h.database.psql("SELECT change, count(*), sum(value) FROM api.gp_contract_values_changes('2025-04-30') GROUP BY change ORDER BY change").map { $0.joined(separator: " ") },
                       ["added 8 \(try h.database.value("SELECT sum(value) FROM api.gp_contract_values WHERE date = '2025-04-30' AND indicator = 'CGPCMI01'"))",
                        "removed 8 \(2 * Int(try h.database.value("SELECT sum(value) FROM api.gp_contract_values WHERE date = '2025-04-30' AND indicator = 'CGPCMI01'"))!)"])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_contract_values_changes('2025-04-30') WHERE indicator <> 'CGPCMI01'"), "0")
        let show = try h.pipeline("show", "gp-contract", "2025-04-30", "--practice", "a81001", "--as-published", "2025-07-11")
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertEqual(show.lines.filter { $0.hasPrefix("api.") }, ["api.gp_contract_values: 31 rows for 2025-04-30 as published on 2025-07-11",
                                                                      "api.gp_contract_carers: 12 rows for 2025-04-30 as published on 2025-07-11"])
        let diff = try h.pipeline("diff", "gp-contract", "2025-04-30", "--dataset", "gp-contract-core", "--json")
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertEqual(diff.lines.count, 8, "one line per changed count:\n\(diff.stdout)")
        XCTAssertTrue(diff.lines.allSatisfy { $0.contains("CGPCMI01") }, diff.stdout)
        XCTAssertEqual(try servedRows(), try pythonRows([try siteFile("Core GP Contract Q1 2025-26.csv v2").path]))
        XCTAssertEqual(try servedCarers(), try pythonCarers(try siteFile("CGPCMI01 Unpaid Carers Q1 2025-26.csv v2").path))
    }

    /// Rewrites one entry of a zip (or a CSV) of the served site with Python `edit` over `lines`.
    func editServed(_ name: String, entry: String? = nil, _ edit: String) throws {
        let path = try siteFile(name).path
        let script = """
            import sys, zipfile, io, os
            path, entry = sys.argv[1], sys.argv[2]
            def change(data):
                lines = data.decode('utf-8').split('\\n')
                \(edit)
                return '\\n'.join(lines).encode('utf-8')
            if entry:
                with zipfile.ZipFile(path) as a, zipfile.ZipFile(path + '.new', 'w', zipfile.ZIP_DEFLATED) as z:
                    for n in a.namelist():
                        z.writestr(n, change(a.read(n)) if n == entry else a.read(n))
                os.replace(path + '.new', path)
            else:
                data = open(path, 'rb').read()
                open(path, 'wb').write(change(data))
            """
        let result = try Run.program("python3", ["-c", script, path, entry ?? ""])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testARenamedColumnOrADateInANewStyleIsRefusedAndNothingOfThePublicationIsVisible() throws {
        // A date style the publisher has not used, deep in Q2: Q1 (read first, from the same zip) is not served either.
        try editServed("Core_GP_Contract_2324_csv_files.zip", entry: "Core GP Contract Q2 2023-24.csv",
                       "import re; lines[400] = re.sub(r'20\\d\\d-\\d\\d-\\d\\d', '31-Aug-2023', lines[400], count=1)")
        let dated = try h.pipeline("refresh", "gp-contract", "--period", "2023-24")
        XCTAssertEqual(dated.status, 65, dated.stderr)
        XCTAssertEqual(dated.stderrLines.last,
                       "Core_GP_Contract_2324_csv_files.zip:Core GP Contract Q2 2023-24.csv:401:4: invalid date '31-Aug-2023' in ACH_DATE")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_contract_values"), "0")

        // A renamed column in the v2 re-issue.
        try editServed("Core GP Contract Q1 2025-26.csv v2", "lines[0] = lines[0].replace('MEASURE_TYPE,VALUE', 'MEASURE_TYPE,VALUES')")
        let renamed = try h.pipeline("refresh", "gp-contract", "--period", "2025-26")
        XCTAssertEqual(renamed.status, 65, renamed.stderr)
        XCTAssertEqual(renamed.stderrLines.last,
                       "Core GP Contract Q1 2025-26.csv v2:1: header does not match gp-contract-core: missing VALUE; unexpected 'VALUES'")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_contract_values"), "0")
    }

    /// `pipeline load gp-contract --period 2023/24 FILE`: the period is the financial year, and
    /// every row's month-end ACH_DATE must fall in it (the real Q1 2023-24 file loads; the same
    /// file under 2024/25 is refused naming the first row's date cell, and nothing is loaded).
    func testLoadWithAFinancialYearPeriodTakesEveryMonthEndInThatYear() throws {
        let file = h.scratch.url.appendingPathComponent("Core GP Contract Q1 2023-24.csv").path
        let extracted = try Run.program("python3", ["-c", """
            import sys, zipfile
            open(sys.argv[2], 'wb').write(zipfile.ZipFile(sys.argv[1]).read('Core GP Contract Q1 2023-24.csv'))
            """, try siteFile("Core_GP_Contract_2324_csv_files.zip").path, file])
        XCTAssertEqual(extracted.status, 0, extracted.stderr)

        let wrongYear = try h.pipeline("load", "gp-contract", "--period", "2024/25", file)
        XCTAssertEqual(wrongYear.status, 65, wrongYear.stderr)
        XCTAssertEqual(wrongYear.stderrLines.last, "\(file):2:4: ACH_DATE 30/04/2023 is in period 2023-04-30, not in 2024-25 as --period says")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")

        let loaded = try h.pipeline("load", "gp-contract", "--period", "2023/24", file)
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        XCTAssertEqual(try h.database.psql("SELECT period FROM etl.revision_log WHERE status = 'current' ORDER BY 1").map { $0[0] },
                       ["2023-04-30", "2023-05-31", "2023-06-30"], "one scope per month-end date, all in 2023/24")
        XCTAssertEqual(try servedRows(), try pythonRows([file]))
    }

    /// A page linking an original and its v2 side by side: the v2 is loaded (both give the
    /// same practices and months; the re-issue is the correction) and the log says so.
    func testAPageLinkingAFileAndItsReissueSideBySideLoadsTheReissue() throws {
        let page = site.url.appendingPathComponent("\(series)/2025-26/index.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        let v2 = try siteFile("Core GP Contract Q1 2025-26.csv v2").url, v1 = try siteFile("Core GP Contract Q1 2025-26.csv").url
        try html.replacingOccurrences(of: "href=\"\(v2)\"", with: "href=\"\(v1)\">v1</a> <a href=\"\(v2)\"").write(to: page, atomically: true, encoding: .utf8)
        let both = try h.pipeline("refresh", "gp-contract")
        XCTAssertEqual(both.status, 0, both.stderr)
        XCTAssertTrue(both.stderr.contains("Core GP Contract Q1 2025-26.csv v2 (v2) supersedes Core GP Contract Q1 2025-26.csv (v1), linked beside it; v1 is left out"),
                      both.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revision_log WHERE file = 'Core GP Contract Q1 2025-26.csv'"), "0")
        XCTAssertEqual(try h.database.value("SELECT file FROM etl.revision_log WHERE status = 'current' AND period = '2025-04-30' AND dataset = 'gp-contract-core'"),
                       "Core GP Contract Q1 2025-26.csv v2")
        XCTAssertEqual(try servedRows(), try pythonRows([try siteFile("Core GP Contract Q1 2025-26.csv v2").path]))
        let dry = try h.pipeline("refresh", "gp-contract", "--dry-run")
        XCTAssertTrue(dry.stdout.contains("would ignore Core GP Contract Q1 2025-26.csv"), dry.stdout)
        XCTAssertEqual(try h.pipeline("refresh", "gp-contract").stdout.contains("nothing new"), true, "a second run writes nothing")
    }

    func testAReissueWithDuplicatedRowsIsRefusedAsSuch() throws {
        // 24 October 2025: a v1 released "duplicate data for one practice and one sub ICB". Such
        // a file is refused, naming both lines; nothing of the edition is served.
        try editServed("CGPCMI01 Unpaid Carers Q1 2025-26.csv v2", "lines.insert(3, lines[2])")
        let duplicated = try h.pipeline("refresh", "gp-contract")
        XCTAssertEqual(duplicated.status, 65, duplicated.stderr)
        XCTAssertEqual(duplicated.stderrLines.last,
                       "CGPCMI01 Unpaid Carers Q1 2025-26.csv v2:4: duplicate key A81001/Female/All/All (first on line 3)")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")

    }

    func testAnArchiveHoldingAFileAndItsReissueIsReadAtTheReissueOnly() throws {
        let zip = h.scratch.url.appendingPathComponent("Core GP Contract 2025-26 csv files.zip").path
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[3], 'w', zipfile.ZIP_DEFLATED) as z:
                z.write(sys.argv[1], 'Core GP Contract Q1 2025-26.csv')
                z.write(sys.argv[2], 'Core GP Contract Q1 2025-26 v2.csv')
            """
        let made = try Run.program("python3", ["-c", script, try siteFile("Core GP Contract Q1 2025-26.csv").path,
                                               try siteFile("Core GP Contract Q1 2025-26.csv v2").path, zip])
        XCTAssertEqual(made.status, 0, made.stderr)
        let loaded = try h.pipeline("load", "gp-contract", zip)
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        XCTAssertEqual(try h.database.value("SELECT string_agg(DISTINCT array_to_string(inputs, ','), ';') FROM etl.revisions"),
                       "Core GP Contract 2025-26 csv files.zip:Core GP Contract Q1 2025-26 v2.csv")
        XCTAssertEqual(try servedRows(), try pythonRows([try siteFile("Core GP Contract Q1 2025-26.csv v2").path]))
    }
}
