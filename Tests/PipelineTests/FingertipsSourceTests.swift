import Foundation
import TestSupport
import XCTest

/// OHID Fingertips through its API, from the saved answers: the profile's indicator metadata is
/// the index, each indicator's data CSV one file; every served row reconciled with an
/// independent reading in Python; an indicator whose LastUploadedAt did not move costs no request on the next refresh;
/// a re-uploaded indicator is counted exactly; bad files are refused.
final class FingertipsSourceTests: PublisherSiteTestCase {
    let index = "/fingertips.phe.org.uk/api/indicator_metadata/by_profile_id/profile_id=20"

    override func setUpWithError() throws {
        try super.setUpWithError()
        h.extraEnvironment["PIPELINE_NOW"] = "2026-11-21T06:00:00Z"
    }

    func dataPath(_ iid: String) -> String {
        "/fingertips.phe.org.uk/api/all_data/csv/by_indicator_id/indicator_ids=\(iid)&child_area_type_id=7&parent_area_type_id=15"
    }

    func siteFile(_ iid: String) -> String { site.url.path + dataPath(iid) }

    /// Python's reading of the data CSVs: GP rows only (England's two comparator rows left out),
    /// a blank cell NULL (empty here), the period as published with its start date (a financial
    /// year from 1 April, its quarter three months later each), one line per row.
    func python(_ files: [String]) throws -> [String] {
        let script = """
            import csv, json, sys
            for path in json.loads(sys.argv[1]):
                for r in csv.DictReader(open(path, encoding='utf-8', newline='')):
                    if r['Area Type'] != 'GP': continue
                    tp = r['Time period']
                    if '/' in tp:
                        y, m = int(tp[:4]), 4
                        if ' Q' in tp: m += 3 * (int(tp[-1]) - 1)
                        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
                    else:
                        s = int(r['Time period Sortable']); y, m = s // 10000, max(s // 100 % 100, 1)
                    num = lambda v: '' if v == '' else repr(float(v))
                    print('|'.join([r['Indicator ID'], r['Area Code'], r['Sex'], r['Age'], tp, '%04d-%02d-01' % (y, m),
                                    num(r['Value']), num(r['Lower CI 95.0 limit']), num(r['Upper CI 99.8 limit']),
                                    num(r['Count']), num(r['Denominator']), r['Value note'],
                                    r['Compared to England value or percentiles'], r['Indicator Name'], r['Area Name']]))
            """
        let text = String(decoding: try JSONSerialization.data(withJSONObject: files), as: UTF8.self)
        let result = try Run.program("python3", ["-c", script, text])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.lines.sorted()
    }

    /// What api.fingertips_values serves, in the same shape (numbers read back as floats by
    /// Python's repr, so 32.3609392614188 compares exactly).
    func served(_ condition: String = "true") throws -> [String] {
        let rows = try h.database.psql("""
            SELECT concat_ws('|', indicator, practice, sex, age, period, period_start, coalesce(value::text, ''),
                             coalesce(lower_ci95::text, ''), coalesce(upper_ci998::text, ''), coalesce(count::text, ''),
                             coalesce(denominator::text, ''), coalesce(value_note, ''), compared_to_parent, indicator_name, practice_name)
            FROM api.fingertips_values WHERE \(condition)
            """).map { $0.joined(separator: "\t") }
        // Numbers through the same float reading as Python's.
        let script = """
            import sys
            for line in sys.stdin.read().splitlines():
                f = line.split('|')
                for i in (6, 7, 8, 9, 10):
                    f[i] = '' if f[i] == '' else repr(float(f[i]))
                print('|'.join(f))
            """
        let result = try Run.program("python3", ["-c", script], stdin: Data(rows.joined(separator: "\n").utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.lines.sorted()
    }

    func testRefreshLoadsEveryIndicatorAndEveryRowReconcilesWithPython() throws {
        let result = try h.pipeline("refresh", "fingertips")
        XCTAssertEqual(result.status, 0, result.stderr)
        let scopes = try h.database.psql("SELECT dataset, period, array_to_string(inputs, ',') FROM etl.revision_log WHERE source = 'fingertips' AND status = 'current' ORDER BY 1, 2")
            .map { $0.joined(separator: " ") }
        XCTAssertEqual(scopes, ["fingertips-values 2026-11-21 fingertips-indicator-90640.csv,fingertips-indicator-92590.csv,fingertips-indicator-93553.csv"])

        let expected = try python(["93553", "90640", "92590"].map(siteFile))
        XCTAssertEqual(expected.count, 60 + 2 * 60 + 4 * 2 * 20)
        XCTAssertEqual(try served(), expected)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.fingertips_values WHERE practice = 'E92000001'"), "0",
                       "England's comparator rows (published twice) are not practices")
        XCTAssertEqual(try h.database.psql("SELECT value_note FROM api.fingertips_values WHERE value IS NULL"),
                       [["Value suppressed for disclosure control due to small count"]])
        XCTAssertEqual(try h.database.psql("SELECT DISTINCT period, period_start FROM api.fingertips_values WHERE indicator = '92590' ORDER BY 2"),
                       [["2022/23 Q1", "2022-04-01"], ["2022/23 Q2", "2022-07-01"], ["2022/23 Q3", "2022-10-01"], ["2022/23 Q4", "2023-01-01"]])
        XCTAssertEqual(try h.database.psql("SELECT indicator, indicator_name, profile, snapshot, practices, periods FROM api.fingertips_indicators ORDER BY 1"), [
            ["90640", "Smoking prevalence in adults (15+), recorded (modelled)", "20", "2026-11-21", "60", "2021/22,2022/23"],
            ["92590", "Patients seen within two weeks (modelled)", "20", "2026-11-21", "20", "2022/23 Q1,2022/23 Q2,2022/23 Q3,2022/23 Q4"],
            ["93553", "Deprivation score (IMD 2019)", "20", "2026-11-21", "60", "2019"],
        ])
        XCTAssertEqual(try h.database.value("SELECT practice_name FROM api.fingertips_values WHERE practice = 'A81001' AND indicator = '93553'"),
                       "The Densham Surgery")
    }

    /// Python's count of what changes between two sets of indicator files, by natural key
    /// (indicator, practice, sex, age, category type, category, time period), GP rows only.
    func pythonDiff(before: [String], after: [String]) throws -> String {
        let script = """
            import csv, json, sys
            def rows(paths):
                out = {}
                for p in paths:
                    for r in csv.DictReader(open(p, encoding='utf-8', newline='')):
                        if r['Area Type'] != 'GP': continue
                        k = (r['Indicator ID'], r['Area Code'], r['Sex'], r['Age'], r['Category Type'], r['Category'], r['Time period'])
                        out[k] = tuple(v for c, v in r.items() if c not in ('Area Type',))
                return out
            a, b = rows(json.loads(sys.argv[1])), rows(json.loads(sys.argv[2]))
            added = sum(1 for k in b if k not in a); removed = sum(1 for k in a if k not in b)
            changed = sum(1 for k in b if k in a and a[k] != b[k])
            print(f"{len(b)} rows: +{added} added, ~{changed} changed, -{removed} removed, ={len(b) - added - changed} unchanged")
            """
        let args = try [before, after].map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let result = try Run.program("python3", ["-c", script] + args)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The requests the test server answered since the last clear, as `status path` lines.
    func requestLog() throws -> [String] {
        try server.requests().map { "\($0["status"] as? Int ?? 0) \($0["path"] as? String ?? "")" }.sorted()
    }

    func testAnUnchangedIndicatorCostsNoDataRequestAndAReuploadIsCountedExactly() throws {
        XCTAssertEqual(try h.pipeline("refresh", "fingertips").status, 0)
        XCTAssertEqual(try h.database.psql("SELECT indicator, last_uploaded FROM api.fingertips_indicators ORDER BY 1"), [
            ["90640", "2023-11-07 09:30:00"], ["92590", "2023-06-06 09:30:00"], ["93553", "2022-07-05 10:14:00"],
        ], "the index's DataChange.LastUploadedAt, not the day it was fetched")
        try server.clearRequests()
        let again = try h.pipeline("refresh", "fingertips")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("nothing new"), again.stdout)
        let log = try requestLog()
        XCTAssertEqual(log, ["304 \(index)"], "the index only (itself unchanged): no indicator whose LastUploadedAt did not move is asked for")

        // The same bytes under a moved marker (a re-upload that changed nothing) cost one
        // conditional request, once: the new marker is held for the next refresh.
        let indexPath = site.url.path + index
        let original = try String(contentsOfFile: indexPath, encoding: .utf8)
        try original.replacingOccurrences(of: "2023-06-06T09:30:00", with: "2026-11-19T08:00:00").write(toFile: indexPath, atomically: true, encoding: .utf8)
        try server.clearRequests()
        XCTAssertEqual(try h.pipeline("refresh", "fingertips").status, 0)
        XCTAssertEqual(try requestLog(), ["200 \(index)", "304 \(dataPath("92590"))"])
        XCTAssertEqual(try h.database.value("SELECT last_uploaded FROM api.fingertips_indicators WHERE indicator = '92590'"), "2026-11-19 08:00:00",
                       "the moved marker is what the indicator list says, though no revision was written")
        XCTAssertEqual(try h.revisions("fingertips").count, 1)
        try server.clearRequests()
        XCTAssertEqual(try h.pipeline("refresh", "fingertips").status, 0)
        XCTAssertEqual(try requestLog(), ["304 \(index)"])

        // 90640 re-uploaded: one practice's 2022/23 value corrected, one practice gone, one added.
        let path = siteFile("90640")
        let before = try String(contentsOfFile: path, encoding: .utf8)
        var lines = before.components(separatedBy: "\r\n")
        let a81002 = lines.firstIndex { $0.contains(",A81002,") && $0.contains(",2022/23,") }!
        lines[a81002] = lines[a81002].replacingOccurrences(of: ",11.8827,", with: ",11.9,")
        lines.removeAll { $0.contains(",A81004,") }
        let moved = lines.firstIndex { $0.contains(",A81002,") && $0.contains(",2022/23,") }!
        lines.insert(lines[moved].replacingOccurrences(of: "A81002,Queens Park Medical Centre", with: "Y99999,New Practice"), at: moved + 1)
        let saved = h.scratch.url.appendingPathComponent("90640-before.csv").path
        try before.write(toFile: saved, atomically: true, encoding: .utf8)
        try lines.joined(separator: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        let text = try String(contentsOfFile: indexPath, encoding: .utf8).replacingOccurrences(of: "2023-11-07T09:30:00", with: "2026-11-20T09:30:00")
        try text.write(toFile: indexPath, atomically: true, encoding: .utf8)
        try server.clearRequests()
        let third = try h.pipeline("refresh", "fingertips")
        XCTAssertEqual(third.status, 0, third.stdout + third.stderr)
        XCTAssertEqual(try requestLog(), ["200 \(dataPath("90640"))", "200 \(index)"],
                       "only the indicator whose marker moved is fetched; the others are read again from the cache, unasked")
        XCTAssertEqual(try h.database.value("SELECT last_uploaded FROM api.fingertips_indicators WHERE indicator = '90640'"), "2026-11-20 09:30:00")
        let counted = try pythonDiff(before: [saved, siteFile("92590"), siteFile("93553")], after: ["90640", "92590", "93553"].map(siteFile))
        XCTAssertEqual(counted, "339 rows: +1 added, ~1 changed, -2 removed, =337 unchanged")
        XCTAssertTrue(third.stdout.contains("fingertips-values 2026-11-21: revision 2 is now current (\(counted))"), third.stdout)
        XCTAssertEqual(try h.database.psql("SELECT value FROM api.fingertips_values WHERE practice = 'A81002' AND indicator = '90640' AND period = '2022/23'"),
                       [["11.9"]])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.fingertips_values WHERE practice = 'A81004' AND indicator = '90640'"), "0")
        XCTAssertEqual(try served(), try python(["93553", "90640", "92590"].map(siteFile)))
    }

    /// Rate limits and server errors through `pipeline refresh fingertips` against the local
    /// server: a 429 with `Retry-After` on the index and on a data request is waited out (for at
    /// least what it asks) and retried, as is a 503; the load is then whole.
    func testRateLimitsAndServerErrorsAreWaitedOutAndRetried() throws {
        try server.faults(index, [["status": 429, "retry_after": "1"]])
        try server.faults(dataPath("90640"), [["status": 503], ["status": 429, "retry_after": "1"]])
        let started = Date()
        let result = try h.pipeline("refresh", "fingertips")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 2, "each Retry-After of 1 s is honoured")
        XCTAssertTrue(result.stderr.contains("retrying https://fingertips.phe.org.uk/api/indicator_metadata/by_profile_id?profile_id=20 in 1.0 s after HTTP 429"), result.stderr)
        XCTAssertTrue(result.stderr.contains("retrying https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids=90640"), result.stderr)
        let statuses = { (path: String) in try self.server.requests().filter { $0["path"] as? String == path }.compactMap { $0["status"] as? Int } }
        XCTAssertEqual(try statuses(index), [429, 200])
        XCTAssertEqual(try statuses(dataPath("90640")), [503, 429, 200])
        XCTAssertEqual(try served(), try python(["93553", "90640", "92590"].map(siteFile)))
    }

    /// A server error that does not go away (on a moved indicator's data, or on the index) ends
    /// the refresh with exit 75 and one line naming the request; the data loaded before stays
    /// current, exactly as it was, and the failure is recorded against the source.
    func testAPersistentServerErrorLeavesThePreviousCurrentDataIntact() throws {
        XCTAssertEqual(try h.pipeline("refresh", "fingertips").status, 0)
        let before = try served()
        let log = try h.database.psql("SELECT revision, status, rows FROM etl.revision_log ORDER BY 1")

        try edit("90640", "rows[5][12] = '12.5'")
        let indexPath = site.url.path + index
        let text = try String(contentsOfFile: indexPath, encoding: .utf8).replacingOccurrences(of: "2023-11-07T09:30:00", with: "2026-11-20T09:30:00")
        try text.write(toFile: indexPath, atomically: true, encoding: .utf8)
        try server.faults(dataPath("90640"), [["status": 500]], repeat: true)
        let failed = try h.pipeline("refresh", "fingertips")
        XCTAssertEqual(failed.status, 75, failed.stderr)
        XCTAssertTrue(failed.stderr.hasSuffix("https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids=90640&child_area_type_id=7&parent_area_type_id=15: gave up after 6 attempts: HTTP 500\n"), failed.stderr)
        XCTAssertEqual(try served(), before)
        XCTAssertEqual(try h.database.psql("SELECT revision, status, rows FROM etl.revision_log ORDER BY 1"), log)
        XCTAssertEqual(try h.database.value("SELECT last_uploaded FROM api.fingertips_indicators WHERE indicator = '90640'"), "2023-11-07 09:30:00",
                       "the marker of what is loaded, not of what could not be fetched")

        try server.clearFaults()
        try server.faults(index, [["status": 502]], repeat: true)
        let noIndex = try h.pipeline("refresh", "fingertips")
        XCTAssertEqual(noIndex.status, 75, noIndex.stderr)
        XCTAssertTrue(noIndex.stderr.hasSuffix("https://fingertips.phe.org.uk/api/indicator_metadata/by_profile_id?profile_id=20: gave up after 6 attempts: HTTP 502\n"), noIndex.stderr)
        XCTAssertEqual(try served(), before)
        XCTAssertEqual(try h.database.psql("SELECT outcome FROM etl.source_checks WHERE source = 'fingertips' ORDER BY check_id"),
                       [["ok"], ["failed"], ["failed"]])

        // Once the server recovers, the moved indicator (and only it) is fetched and loaded.
        try server.clearFaults()
        try server.clearRequests()
        let recovered = try h.pipeline("refresh", "fingertips")
        XCTAssertEqual(recovered.status, 0, recovered.stderr)
        XCTAssertEqual(try requestLog(), ["200 \(dataPath("90640"))", "304 \(index)"], "the index fetched by the failed run is cached")
        XCTAssertEqual(try served(), try python(["93553", "90640", "92590"].map(siteFile)))
    }

    /// Rewrites one served indicator file with Python (`rows`, a list of lists, edited in place).
    func edit(_ iid: String, _ statement: String) throws {
        let result = try Run.program("python3", ["-c", """
            import csv, io, sys
            path = sys.argv[1]
            rows = list(csv.reader(open(path, encoding='utf-8', newline='')))
            \(statement)
            buf = io.StringIO(); csv.writer(buf, lineterminator='\\r\\n').writerows(rows)
            open(path, 'w', encoding='utf-8', newline='').write(buf.getvalue())
            """, siteFile(iid)])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testBadFilesAreRefusedNamingFileLineAndColumnAndNothingOfTheSnapshotIsVisible() throws {
        try edit("90640", "rows[0][11] = 'Period'")
        let renamed = try h.pipeline("refresh", "fingertips")
        XCTAssertEqual(renamed.status, 65, renamed.stdout)
        XCTAssertEqual(renamed.stderr.split(separator: "\n").filter { $0.hasPrefix("fingertips-indicator-90640.csv") },
                       ["fingertips-indicator-90640.csv:1: header does not match fingertips-values: missing TIME_PERIOD; unexpected 'Period'"], renamed.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.fingertips_values"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.fingertips_indicators"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revision_log WHERE source = 'fingertips'"), "0")

        try edit("90640", "rows[0][11] = 'Time period'; rows[9][23] = '2022-23'")
        let restyled = try h.pipeline("refresh", "fingertips")
        XCTAssertEqual(restyled.status, 65, restyled.stdout)
        XCTAssertEqual(restyled.stderr.split(separator: "\n").filter { $0.hasPrefix("fingertips-indicator-90640.csv") },
                       ["fingertips-indicator-90640.csv:10:24: invalid integer '2022-23' in Time period Sortable"], restyled.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.fingertips_values"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revision_log WHERE source = 'fingertips'"), "0")
    }

    /// PCN and ICB come from the practice directory, whichever is loaded first.
    func testPCNAndICBFollowThePracticeDirectoryWhicheverIsLoadedFirst() throws {
        XCTAssertEqual(try h.pipeline("refresh", "fingertips").status, 0)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.fingertips_values WHERE pcn IS NOT NULL OR icb IS NOT NULL"), "0", "no directory yet")
        let ods = try h.pipeline("refresh", "ods")
        XCTAssertEqual(ods.status, 0, ods.stderr)
        let mismatched = """
            SELECT count(*) FROM api.fingertips_values v LEFT JOIN data.practice_directory d ON d.ods_code = v.practice
            WHERE (v.pcn, v.icb) IS DISTINCT FROM (d.pcn, d.icb)
            """
        XCTAssertEqual(try h.database.value(mismatched), "0")
        XCTAssertNotEqual(try h.database.value("SELECT count(*) FROM api.fingertips_values WHERE pcn IS NOT NULL"), "0")
        let pcn = try h.database.value("SELECT min(pcn) FROM api.fingertips_values")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.fingertips_values WHERE pcn = '\(pcn)'"),
                       try h.database.value("SELECT count(*) FROM api.fingertips_values v JOIN data.practice_directory d ON d.ods_code = v.practice WHERE d.pcn = '\(pcn)'"))
    }

    /// The comparison column is named after the parent area type, and older responses called
    /// `Compared to goal` `Target data`: both read by name.
    func testTheComparisonColumnIsReadUnderTheParentAreaTypesName() throws {
        try edit("92590", "rows[0][21] = 'Compared to ICB value or percentiles'; rows[0][25] = 'Target data'")
        let result = try h.pipeline("refresh", "fingertips")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try h.database.psql("SELECT compared_to_parent, count(*) FROM api.fingertips_values WHERE indicator = '92590' GROUP BY 1 ORDER BY 1"),
                       [["Higher", "53"], ["Similar", "107"]])
    }
}
