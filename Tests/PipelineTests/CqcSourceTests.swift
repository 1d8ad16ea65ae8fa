import Foundation
import TestSupport
import XCTest

/// CQC (`cqc`) from the saved download page `using-cqc-data` (Fixtures/publisher, made by
/// Tests/fixture-tools/mirror_cqc.py; modelled files) served on 127.0.0.1: the ratings workbook
/// of each header edition (header on row 1 with text dates; under a notice block with date
/// cells) and the framework CSV reconciled to an independent reckoning in Python over the same
/// files, the location-to-practice link by ODS code (none where CQC gives none), a republished
/// month counted exactly, bad files refused with nothing visible.
final class CqcSourceTests: PublisherSiteTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        h.extraEnvironment["PIPELINE_NOW"] = "2026-09-10T06:00:00Z"
    }

    /// A file of the served site by name.
    func served(_ name: String) throws -> String {
        let root = site.url.appendingPathComponent("www.cqc.org.uk")
        let found = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.lastPathComponent == name }
        XCTAssertEqual(found.count, 1, name)
        return try XCTUnwrap(found.first).path
    }

    /// Python's reading of a Latest_ratings.ods: sheet Locations parsed from content.xml with
    /// ElementTree (date cells by their office:date-value, text dates dd/mm/yyyy turned ISO),
    /// the header row found by Location ID, rows of Location Type Primary Medical Services only:
    /// one line per rating, `location|ods code|group|domain|rating|date` (blank as empty).
    func python(_ workbook: String) throws -> [String] {
        let script = """
            import sys, zipfile, xml.etree.ElementTree as ET
            O = '{urn:oasis:names:tc:opendocument:xmlns:office:1.0}'
            T = '{urn:oasis:names:tc:opendocument:xmlns:table:1.0}'
            X = '{urn:oasis:names:tc:opendocument:xmlns:text:1.0}'
            root = ET.fromstring(zipfile.ZipFile(sys.argv[1]).read('content.xml'))
            sheet = next(t for t in root.iter(T + 'table') if t.get(T + 'name') == 'Locations')
            rows = []
            for r in sheet.iter(T + 'table-row'):
                cells = []
                for c in r.iter(T + 'table-cell'):
                    v = c.get(O + 'date-value') or ''.join(''.join(p.itertext()) for p in c.iter(X + 'p'))
                    cells += [v] * int(c.get(T + 'number-columns-repeated', '1'))
                rows.append(cells)
            at = next(i for i, r in enumerate(rows) if 'Location ID' in r)
            h = rows[at]
            out = []
            for r in rows[at + 1:]:
                d = dict(zip(h, r + [''] * (len(h) - len(r))))
                if not d['Location ID'] or d['Location Type'] != 'Primary Medical Services':
                    continue
                date = d['Publication Date']
                if '/' in date:
                    dd, mm, yy = date.split('/'); date = yy + '-' + mm + '-' + dd
                out.append('|'.join([d['Location ID'], d['Location ODS Code'], d['Service / Population Group'], d['Domain'], d['Latest Rating'], date]))
            print('\\n'.join(sorted(out)))
            """
        let result = try Run.program("python3", ["-c", script, workbook])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.lines
    }

    /// What api.cqc_ratings serves for a snapshot, in the reckoning's shape.
    func servedRatings(_ snapshot: String) throws -> [String] {
        try h.database.psql("""
            SELECT x FROM (
                SELECT location || '|' || coalesce(practice, '') || '|' || service_group || '|' || key_question || '|' || coalesce(rating, '')
                       || '|' || coalesce(publication_date::text, '') AS x
                FROM api.cqc_ratings WHERE snapshot = '\(snapshot)') r
            ORDER BY x COLLATE "C"
            """).map { $0[0] }
    }

    /// Rewrites a served workbook's content.xml in place: in its Locations sheet, the first
    /// occurrence of each `old` becomes `new`.
    func republish(_ name: String, _ edits: [(String, String)]) throws {
        let path = try served(name)
        let script = """
            import json, os, sys, zipfile
            path, edits = sys.argv[1], json.loads(sys.argv[2])
            with zipfile.ZipFile(path) as a, zipfile.ZipFile(path + '.new', 'w') as z:
                for info in a.infolist():
                    data = a.read(info.filename)
                    if info.filename == 'content.xml':
                        text = data.decode('utf-8')
                        start = text.index('table:name="Locations"')
                        head, sheet = text[:start], text[start:]
                        for old, new in edits:
                            assert old in sheet, old
                            sheet = sheet.replace(old, new, 1)
                        data = (head + sheet).encode('utf-8')
                    z.writestr(info, data)
            os.replace(path + '.new', path)
            """
        let json = String(data: try JSONSerialization.data(withJSONObject: edits.map { [$0.0, $0.1] }), encoding: .utf8)!
        let result = try Run.program("python3", ["-c", script, path, json])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testRefreshLoadsTheNewestMonthAndEveryRatingReconcilesToTheWorkbook() throws {
        let result = try h.pipeline("refresh", "cqc")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines.map { $0.replacingOccurrences(of: #"revision \d+"#, with: "revision N", options: .regularExpression) }, [
            "cqc-framework 2026-09: revision N is now current (34 rows: +34 added, ~0 changed, -0 removed, =0 unchanged)",
            "cqc-ratings 2026-09: revision N is now current (66 rows: +66 added, ~0 changed, -0 removed, =0 unchanged)",
        ])
        let expected = try python(try served("01_September_2026_Latest_ratings.ods"))
        XCTAssertEqual(expected.count, 66, "the care home's and the dentist's rows are not primary medical services")
        XCTAssertEqual(try servedRatings("2026-09-01"), expected)
        // Non-ratings as published; a blank cell is NULL.
        XCTAssertEqual(try h.database.psql("""
            SELECT coalesce(rating, '(blank)'), count(*) FROM api.cqc_ratings WHERE snapshot = '2026-09-01' GROUP BY 1 ORDER BY 1
            """), [["(blank)", "1"], ["Good", "32"], ["Inadequate", "1"], ["Not Rated", "1"], ["Not applicable", "4"],
                   ["Outstanding", "5"], ["Requires improvement", "22"]])
        // The link: by the ODS code CQC publishes; the location without one is kept and not linked.
        XCTAssertEqual(try h.database.psql("""
            SELECT count(DISTINCT location), count(DISTINCT practice), count(DISTINCT location) FILTER (WHERE practice IS NULL)
            FROM api.cqc_ratings WHERE snapshot = '2026-09-01'
            """), [["5", "4", "1"]])
        XCTAssertEqual(try h.database.value("SELECT rating FROM api.cqc_ratings WHERE practice = 'A81001' AND key_question = 'Responsive' AND service_group = 'Overall'"),
                       "Outstanding")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cqc_ratings WHERE key_question = 'Well-led'"), "5")

        // The framework: 34 quality statements under the five key questions, as in the CSV.
        let framework = try Run.program("python3", ["-c", """
            import csv, sys, collections
            rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
            print(' '.join(f'{k}={v}' for k, v in sorted(collections.Counter(r['Key question'] for r in rows).items())))
            """, try served("01_September_2026_SAF_quality_statements.csv")])
        XCTAssertEqual(framework.status, 0, framework.stderr)
        let counts = try h.database.psql("SELECT key_question || '=' || count(*) FROM api.cqc_framework WHERE snapshot = '2026-09-01' GROUP BY key_question ORDER BY key_question COLLATE \"C\"")
        XCTAssertEqual(counts.map { $0[0] }.joined(separator: " ") + "\n", framework.stdout)
        XCTAssertEqual(try h.database.value("SELECT key_question FROM api.cqc_framework WHERE quality_statement = 'Safeguarding'"), "Safe")

        let again = try h.pipeline("refresh", "cqc")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.lines, ["cqc 2026-09: nothing new (01_September_2026_Latest_ratings.ods (not modified), 01_September_2026_SAF_quality_statements.csv (not modified))"])
    }

    func testBothHeaderEditionsLoadAndTheICBComesFromThePracticeMap() throws {
        // The practice map of January 2022 (the newest in the mirror) gives the practices' ICB.
        let map = try h.pipeline("backfill", "list-sizes", "--from", "2022-01", "--to", "2022-01")
        XCTAssertEqual(map.status, 0, map.stderr)
        let backfill = try h.pipeline("backfill", "cqc", "--from", "2026-08", "--to", "2026-09")
        XCTAssertEqual(backfill.status, 0, backfill.stderr)
        for (snapshot, file) in [("2026-08-01", "01_August_2026_Latest_ratings.ods"), ("2026-09-01", "01_September_2026_Latest_ratings.ods")] {
            XCTAssertEqual(try servedRatings(snapshot), try python(try served(file)), snapshot)
        }
        // August: header on row 1, dates as text; the combined-service location was still rated.
        XCTAssertEqual(try h.database.psql("SELECT snapshot, rating, publication_date, line FROM api.cqc_ratings WHERE location = '1-199783902' AND key_question = 'Overall' ORDER BY 1"),
                       [["2026-08-01", "Good", "2022-06-09", "56"], ["2026-09-01", "Not Rated", "2026-07-30", "63"]])
        // Every linked practice has the practice map's ICB; the unlinked location has none.
        XCTAssertEqual(try h.database.psql("SELECT DISTINCT coalesce(practice, '-'), coalesce(icb, '-') FROM api.cqc_ratings ORDER BY 1"),
                       [["-", "-"], ["A81001", "QHM"], ["A81002", "QHM"], ["A81004", "QHM"], ["A81005", "QHM"]])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cqc_ratings WHERE icb = 'QHM' AND rating = 'Good'"), "58")
        // September lists the same framework file as August (byte for byte): it is not loaded
        // again, so the framework is served from the month it was first published.
        XCTAssertEqual(try h.database.psql("SELECT snapshot, count(*) FROM api.cqc_framework GROUP BY 1 ORDER BY 1"), [["2026-08-01", "34"]])
    }

    func testARepublishedMonthIsCountedExactlyInTheRevisionLog() throws {
        XCTAssertEqual(try h.pipeline("refresh", "cqc").status, 0)
        // CQC replaces September: A81002's Safe rating corrected, the urgent treatment centre
        // (the location without an ODS code) gone.
        try republish("01_September_2026_Latest_ratings.ods", [("<text:p>Inadequate</text:p>", "<text:p>Requires improvement</text:p>")])
        let script = """
            import os, sys, zipfile, re
            path = sys.argv[1]
            with zipfile.ZipFile(path) as a, zipfile.ZipFile(path + '.new', 'w') as z:
                for info in a.infolist():
                    data = a.read(info.filename)
                    if info.filename == 'content.xml':
                        rows = re.split(r'(?=<table:table-row>)', data.decode('utf-8'))
                        rows = [r for r in rows if '1-2837410245' not in r or '</table:table>' in r]
                        data = ''.join(rows).encode('utf-8')
                    z.writestr(info, data)
            os.replace(path + '.new', path)
            """
        XCTAssertEqual(try Run.program("python3", ["-c", script, try served("01_September_2026_Latest_ratings.ods")]).status, 0)
        let republished = try h.pipeline("refresh", "cqc", "--period", "2026-09")
        XCTAssertEqual(republished.status, 0, republished.stderr)
        XCTAssertEqual(republished.lines.map { $0.replacingOccurrences(of: #"revision \d+"#, with: "revision N", options: .regularExpression) }, [
            "cqc-ratings 2026-09: revision N is now current (60 rows: +0 added, ~1 changed, -6 removed, =59 unchanged)",
        ])
        XCTAssertEqual(try servedRatings("2026-09-01"), try python(try served("01_September_2026_Latest_ratings.ods")))
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cqc_ratings WHERE practice IS NULL"), "0")
        XCTAssertEqual(try h.database.psql("SELECT dataset, status, added, changed, removed, unchanged FROM etl.revision_log WHERE dataset = 'cqc-ratings' ORDER BY revision"),
                       [["cqc-ratings", "superseded", "66", "0", "0", "0"], ["cqc-ratings", "current", "0", "1", "6", "59"]])
    }

    func testBadWorkbooksAreRefusedNamingFileSheetAndCellAndNothingOfThemIsVisible() throws {
        try republish("01_September_2026_Latest_ratings.ods", [("<text:p>Latest Rating</text:p>", "<text:p>Current Rating</text:p>")])
        let renamed = try h.pipeline("refresh", "cqc")
        XCTAssertEqual(renamed.status, 65, renamed.stdout)
        XCTAssertEqual(renamed.stderr.split(separator: "\n").last.map(String.init), "01_September_2026_Latest_ratings.ods:Locations!row 8: header does not match cqc-ratings: missing LATEST_RATING; unexpected 'Current Rating'", renamed.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cqc_ratings"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cqc_framework"), "0", "nothing of the edition")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revision_log WHERE source = 'cqc'"), "0")

        // August: a Publication Date in a new style.
        try republish("01_August_2026_Latest_ratings.ods", [("<text:p>09/06/2022</text:p>", "<text:p>2022.06.09</text:p>")])
        let restyled = try h.pipeline("backfill", "cqc", "--from", "2026-08", "--to", "2026-08")
        XCTAssertEqual(restyled.status, 65, restyled.stdout)
        XCTAssertEqual(restyled.stderr.split(separator: "\n").last.map(String.init),
                       "01_August_2026_Latest_ratings.ods:Locations!U56: invalid date '2022.06.09' in Publication Date", restyled.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cqc_ratings"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cqc_framework"), "0")
    }

    // MARK: CQC's API, with a subscription key

    static let key = "cqc-test-key-7f3a9c21e5"
    let apiIndex = "/api.service.cqc.org.uk/public/v1/locations/page=2&perPage=500&primaryInspectionCategoryCode=P2"

    /// Python's reading of the served API location details: the Overall row, then one per key
    /// question (currentRatings.overall.keyQuestionRatings), in `servedRatings`' shape.
    func pythonAPI() throws -> [String] {
        let script = """
            import glob, json, os, sys
            out = []
            for path in glob.glob(os.path.join(sys.argv[1], '*')):
                if os.path.basename(path).startswith('page='): continue
                d = json.load(open(path, encoding='utf-8'))
                o = d.get('currentRatings', {}).get('overall', {})
                rows = [('Overall', o.get('rating', ''), o.get('reportDate', ''))]
                rows += [(q['name'], q.get('rating', ''), q.get('reportDate', '')) for q in o.get('keyQuestionRatings', [])]
                for domain, rating, date in rows:
                    out.append('|'.join([d['locationId'], d.get('odsCode', ''), 'Overall', domain, rating, date]))
            print('\\n'.join(sorted(out)))
            """
        let result = try Run.program("python3", ["-c", script, site.url.appendingPathComponent("api.service.cqc.org.uk/public/v1/locations").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.lines
    }

    /// With `CQC_SUBSCRIPTION_KEY` set, locations and ratings come from CQC's paged API: both
    /// index pages (the second answered 429 with Retry-After first), one detail per location,
    /// every request to the API host carrying the key in `Ocp-Apim-Subscription-Key` and no
    /// request to the bulk files; what api.cqc_ratings serves is Python's reading of the
    /// responses, the location without an ODS code kept (not linked); a second run writes nothing.
    func testWithASubscriptionKeyRatingsComeFromThePagedAPI() throws {
        h.extraEnvironment["CQC_SUBSCRIPTION_KEY"] = Self.key
        try server.faults(apiIndex, [["status": 429, "retry_after": "1"]])
        let result = try h.pipeline("refresh", "cqc")
        XCTAssertEqual(result.status, 0, result.stderr)
        let requests = try server.requests()
        let paths = requests.map { "\($0["status"] as? Int ?? 0) \($0["path"] as? String ?? "")" }
        XCTAssertEqual(paths.filter { $0.contains("/page=") }, [
            "200 /api.service.cqc.org.uk/public/v1/locations/page=1&perPage=500&primaryInspectionCategoryCode=P2",
            "429 \(apiIndex)", "200 \(apiIndex)",
        ])
        XCTAssertEqual(paths.filter { !$0.contains("/page=") }.count, 5, "one detail per location: \(paths)")
        XCTAssertEqual(paths.filter { $0.contains("www.cqc.org.uk") }, [], "the bulk files are not read")
        for request in requests {
            let headers = request["headers"] as? [String: String] ?? [:]
            XCTAssertEqual(headers["ocp-apim-subscription-key"], Self.key, "\(request["path"] ?? "")")
        }
        XCTAssertTrue(result.stderr.contains("retrying https://api.service.cqc.org.uk/public/v1/locations?page=2&perPage=500&primaryInspectionCategoryCode=P2 in 1.0 s after HTTP 429"), result.stderr)

        let expected = try pythonAPI()
        XCTAssertEqual(expected.count, 5 * 6)
        XCTAssertEqual(try servedRatings("2026-09-01"), expected)
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT location) FROM api.cqc_ratings WHERE practice IS NULL"), "1",
                       "the location CQC gives no ODS code is kept and counted, not linked")
        XCTAssertEqual(try h.database.value("SELECT string_agg(DISTINCT primary_inspection_category, ',') FROM api.cqc_ratings"), "GP Practices")

        let again = try h.pipeline("refresh", "cqc")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("nothing new"), again.stdout)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE source = 'cqc'"), "1")
    }

    /// The key never appears in argv, the log (text or JSON), the run log, the source checks,
    /// the cache or an error, when a run fails on an API request and when a response is bad.
    func testTheSubscriptionKeyNeverAppearsInArgvLogsTheRunLogOrErrors() throws {
        h.extraEnvironment["CQC_SUBSCRIPTION_KEY"] = Self.key
        let detail = "/api.service.cqc.org.uk/public/v1/locations/1-553213406"
        try server.faults(detail, [["status": 500]], repeat: true)
        let failed = try h.pipeline("refresh", "cqc")
        XCTAssertEqual(failed.status, 75, failed.stderr)
        XCTAssertTrue(failed.stderr.hasSuffix("https://api.service.cqc.org.uk/public/v1/locations/1-553213406: gave up after 6 attempts: HTTP 500\n"), failed.stderr)

        try server.clearFaults()
        let path = site.url.appendingPathComponent("api.service.cqc.org.uk/public/v1/locations/1-553213406").path
        try "{\"locationId\": \"1-553213406\", \"currentRatings\": {\"overall\": {\"rating\": \"Good\", \"keyQuestionRatings\": [{\"rating\": \"Good\"}]}}}"
            .write(toFile: path, atomically: true, encoding: .utf8)
        h.extraEnvironment["PIPELINE_LOG_FORMAT"] = "json"
        let bad = try h.pipeline("refresh", "cqc")
        XCTAssertEqual(bad.status, 65, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("cqc-location-1-553213406.json: currentRatings.overall.keyQuestionRatings[0] has no name"), bad.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cqc_ratings"), "0", "nothing of the snapshot is visible")

        var everything = [failed.stdout, failed.stderr, bad.stdout, bad.stderr]
        everything += try h.database.psql("SELECT command, array_to_string(arguments, ' '), coalesce(error, ''), counts::text FROM etl.runs").flatMap { $0 }
        everything += try h.database.psql("SELECT coalesce(error, ''), counts::text FROM etl.source_checks").flatMap { $0 }
        XCTAssertTrue(everything.joined().contains("1-553213406"), "the failures were recorded")
        for text in everything { XCTAssertFalse(text.contains(Self.key), text) }
        let grep = try Run.program("grep", ["-rl", Self.key, h.cache.url.path])
        XCTAssertEqual(grep.stdout, "", "the cache holds no copy of the key")
        XCTAssertEqual(try server.requests().filter { ($0["headers"] as? [String: String])?["ocp-apim-subscription-key"] != Self.key }.count, 0)
    }
}
