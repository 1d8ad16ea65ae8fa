import Foundation
import TestSupport
import XCTest

/// Submissions via Online Consultation Systems, refreshed from the saved publisher site
/// (Fixtures/publisher, made by Tests/fixture-tools/mirror_online_consultations.py): the
/// practice-level north/south CSVs restating earlier months, the day-and-time file in both its
/// editions, what the two `api` objects serve against Python's reading of the same files, a
/// republished half of a split edition, and refusals.
final class OnlineConsultationsSourceTests: PublisherSiteTestCase {
    let series = "/digital.nhs.uk/data-and-information/publications/statistical/submissions-via-online-consultation-systems-in-general-practice"

    override func setUpWithError() throws {
        try super.setUpWithError()
        h.extraEnvironment["PIPELINE_NOW"] = "2026-04-10T06:00:00Z"
    }

    /// The served copy of a fixture file, by the end of its name.
    func served(_ suffix: String) throws -> String {
        let names = FileManager.default.enumerator(atPath: site.url.path)!.compactMap { $0 as? String }
        return site.url.path + "/" + (try XCTUnwrap(names.first { $0.hasSuffix(suffix) }, suffix))
    }

    /// Output lines with revision numbers replaced by N.
    func normalised(_ lines: [String]) -> [String] {
        lines.map { $0.replacingOccurrences(of: #"revision \d+"#, with: "revision N", options: .regularExpression) }
    }

    /// Python over the served files: `code` prints lines; compared sorted.
    func python(_ code: String, _ arguments: [String]) throws -> [String] {
        let result = try Run.program("python3", ["-c", code] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.lines.sorted()
    }

    func testEditionsRestatingEarlierMonthsBecomeRevisionsOfThoseMonthsOnly() throws {
        let october = try h.pipeline("refresh", "online-consultations", "--period", "2025-10")
        XCTAssertEqual(october.status, 0, october.stderr)
        XCTAssertEqual(Set(normalised(october.lines)), [
            "online-consultations 2025-08: revision N is now current (161 rows: +161 added, ~0 changed, -0 removed, =0 unchanged)",
            "online-consultations 2025-09: revision N is now current (161 rows: +161 added, ~0 changed, -0 removed, =0 unchanged)",
            "online-consultations 2025-10: revision N is now current (154 rows: +154 added, ~0 changed, -0 removed, =0 unchanged)",
            "online-consultations-time 2025-09: revision N is now current (196 rows: +196 added, ~0 changed, -0 removed, =0 unchanged)",
            "online-consultations-time 2025-10: revision N is now current (196 rows: +196 added, ~0 changed, -0 removed, =0 unchanged)",
        ])
        // The late practice (no October rows in the October edition) has no supplier for October yet.
        let late = try h.database.value("""
            SELECT practice FROM api.online_consultations WHERE month = '2025-09-01' AND metric = 'OC_TOTAL_SUBMISSIONS'
            EXCEPT SELECT practice FROM api.online_consultations WHERE month = '2025-10-01'
            """)
        XCTAssertFalse(late.isEmpty)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations_time WHERE date = '2025-10-01' AND practice = '\(late)' AND supplier IS NULL"), "49")

        // November restates September unchanged and October with two values changed and the
        // late practice's seven rows: one revision of October, none of September.
        let november = try h.pipeline("refresh", "online-consultations", "--period", "2025-11")
        XCTAssertEqual(november.status, 0, november.stderr)
        XCTAssertEqual(Set(normalised(november.lines)), [
            "online-consultations 2025-09: unchanged (161 rows identical to the current revision); nothing written",
            "online-consultations 2025-10: revision N is now current (161 rows: +7 added, ~2 changed, -0 removed, =152 unchanged)",
            "online-consultations 2025-11: revision N is now current (161 rows: +161 added, ~0 changed, -0 removed, =0 unchanged)",
            "online-consultations-time 2025-11: revision N is now current (840 rows: +840 added, ~0 changed, -0 removed, =0 unchanged)",
        ])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE source = 'online-consultations'"), "8")
        XCTAssertEqual(try h.database.psql("SELECT period, count(*) FROM etl.revisions WHERE dataset = 'online-consultations' GROUP BY 1 ORDER BY 1"),
                       [["2025-08-01", "1"], ["2025-09-01", "1"], ["2025-10-01", "2"], ["2025-11-01", "1"]])
        // The restated October gave the late practice its supplier in the time rows too.
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations_time WHERE practice = '\(late)' AND supplier IS NULL"), "0")
        XCTAssertEqual(try h.database.value("SELECT value FROM api.online_consultations WHERE month = '2025-10-01' AND metric = 'OC_TOTAL_SUBMISSIONS' AND value = 9999"), "9999")

        let again = try h.pipeline("refresh", "online-consultations", "--period", "2025-11")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.lines.count, 1, again.stdout)
        XCTAssertTrue(again.stdout.hasPrefix("online-consultations 2025-11: nothing new"), again.stdout)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE source = 'online-consultations'"), "8")
    }

    /// Both api objects against Python's own reading of the files: each month from the newest
    /// edition carrying it; blanks NULL, `*` NULL with the token kept; the time rows of both
    /// editions with the practice's supplier of that month.
    func testTheAPIObjectsServeWhatTheFilesSay() throws {
        XCTAssertEqual(try h.pipeline("refresh", "online-consultations", "--period", "2025-10").status, 0)
        XCTAssertEqual(try h.pipeline("refresh", "online-consultations", "--period", "2025-11").status, 0)
        let root = site.url.path + "/files.digital.nhs.uk"
        let reckoning = """
            import csv, glob, io, sys, zipfile, datetime
            from decimal import Decimal
            root = sys.argv[1]; what = sys.argv[2]
            def edition(path):  # 'October 2025' in the name -> (2025, 10)
                for i, m in enumerate(['January','February','March','April','May','June','July','August','September','October','November','December']):
                    if m + ' 2025' in path: return (2025, i + 1)
                    if m + ' 2026' in path: return (2026, i + 1)
            def iso(d): return d[6:10] + '-' + d[3:5] + '-' + d[0:2]
            def num(v):
                if v in ('*', 'NA', 'N/A', '-'): return '', v
                if v == '': return '', ''
                return format(Decimal(v).normalize(), 'f'), ''
            current = {}   # month -> (edition, rows)
            for path in sorted(glob.glob(root + '/*/*/Submissions via OC Systems*regions.csv')):
                by_month = {}
                for r in csv.DictReader(open(path, newline='', encoding='utf-8')):
                    by_month.setdefault(iso(r['MONTH']), []).append(r)
                for month, rows in by_month.items():
                    e = edition(path)
                    if month not in current or current[month][0] < e: current[month] = (e, [])
                    if current[month][0] == e: current[month][1].extend(rows)
            supplier = {}
            for month, (_, rows) in current.items():
                for r in rows:
                    supplier[(month, r['GP_CODE'])] = r['SUPPLIER']
                    if what == 'practice':
                        value, raw = num(r['VALUE'])
                        print('|'.join([month, r['GP_CODE'], r['PCN_CODE'], r['ICB_CODE'], r['SUPPLIER'], r['METRIC'], value, raw]))
            if what == 'time':
                for path in sorted(glob.glob(root + '/*/*/*2025 - Day and Time.zip')):  # the editions loaded
                    z = zipfile.ZipFile(path)
                    for r in csv.DictReader(io.TextIOWrapper(z.open(z.namelist()[0]), encoding='utf-8', newline='')):
                        if 'WEEKDAY' in r:
                            date = iso(r['MONTH']); weekday = r['WEEKDAY']; per = 'month and weekday'
                            total, raw = num(r['VALUE']); clinical = admin = other = ''
                        else:
                            date = iso(r['DATE']); per = 'day'
                            weekday = datetime.date.fromisoformat(date).strftime('%A')
                            total, raw = num(r['TOTAL']); clinical, admin, other = (num(r[k])[0] for k in ('CLINICAL', 'ADMIN', 'UNKNOWN_OTHER'))
                        print('|'.join([date, r['GP_CODE'], r['PCN_CODE'], supplier.get((date[:8] + '01', r['GP_CODE']), ''), per, weekday,
                                        r['SUBMISSION_TIME'], total, clinical, admin, other, raw]))
            """
        let practice = try h.database.psql("""
            SELECT concat_ws('|', month, practice, pcn, icb, supplier, metric, coalesce(trim_scale(value)::text, ''), coalesce(value_raw, ''))
            FROM api.online_consultations
            """).map { $0.joined(separator: "\t") }.sorted()
        let expectedPractice = try python(reckoning, [root, "practice"])
        XCTAssertEqual(practice.count, 161 * 4)
        XCTAssertEqual(practice, expectedPractice)
        XCTAssertEqual(try h.database.psql("SELECT value_raw, count(*) FROM api.online_consultations WHERE value IS NULL GROUP BY 1 ORDER BY 1 NULLS FIRST"),
                       [["", "1"], ["*", "1"]], "one blank, one suppressed (September)")

        let time = try h.database.psql("""
            SELECT concat_ws('|', date, practice, pcn, coalesce(supplier, ''), per, weekday, submission_time, coalesce(total::text, ''),
                             coalesce(clinical::text, ''), coalesce(admin::text, ''), coalesce(unknown_other::text, ''), coalesce(total_raw, ''))
            FROM api.online_consultations_time
            """).map { $0.joined(separator: "\t") }.sorted()
        let expectedTime = try python(reckoning, [root, "time"])
        XCTAssertEqual(time.count, 196 * 2 + 840)
        XCTAssertEqual(time, expectedTime)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations_time WHERE total IS NULL AND total_raw = '*'"), "1")
        // The supplier list with a comma in it is one value, and a filter on it is exact.
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT practice) FROM api.online_consultations WHERE supplier LIKE '%, %'"), "2")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations WHERE pcn = 'U' AND month = '2025-11-01'"), "7")
    }

    /// The publisher replaces the north half of the November edition: two values corrected in
    /// November, one practice's November rows withdrawn, one October value corrected. The south
    /// half (same bytes) is read again, so its practices stay; each month's change is counted.
    func testARepublishedHalfOfASplitEditionIsCountedExactly() throws {
        XCTAssertEqual(try h.pipeline("refresh", "online-consultations", "--period", "2025-11").status, 0)
        let north = try served("November 2025_north_regions.csv")
        let script = """
            import csv, sys
            rows = list(csv.reader(open(sys.argv[1], newline='')))
            header, body = rows[0], rows[1:]
            nov = [r for r in body if r[0] == '01/11/2025']
            first, second = nov[0][1], [r[1] for r in nov if r[1] != nov[0][1]][0]
            withdrawn = [r[1] for r in nov if r[1] not in (first, second)][0]
            out = [header]
            for r in body:
                if r[0] == '01/11/2025' and r[1] == withdrawn: continue
                if r[0] == '01/11/2025' and r[1] in (first, second) and r[12] == 'OC_TOTAL_SUBMISSIONS': r[13] = str(int(r[13]) + 1)
                if r[0] == '01/10/2025' and r[1] == first and r[12] == 'PATIENTS_REGISTERED': r[13] = str(int(r[13]) + 1)
                out.append(r)
            csv.writer(open(sys.argv[1], 'w', newline=''), lineterminator='\\r\\n').writerows(out)
            print(withdrawn)
            """
        let edit = try Run.program("python3", ["-c", script, north])
        XCTAssertEqual(edit.status, 0, edit.stderr)
        let withdrawn = edit.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let southPractices = try h.database.value("SELECT count(DISTINCT practice) FROM api.online_consultations WHERE month = '2025-11-01' AND region NOT IN ('Y60', 'Y62', 'Y63')")

        let republished = try h.pipeline("refresh", "online-consultations", "--period", "2025-11")
        XCTAssertEqual(republished.status, 0, republished.stderr)
        XCTAssertEqual(Set(normalised(republished.lines)), [
            "online-consultations 2025-09: unchanged (161 rows identical to the current revision); nothing written",
            "online-consultations 2025-10: revision N is now current (161 rows: +0 added, ~1 changed, -0 removed, =160 unchanged)",
            "online-consultations 2025-11: revision N is now current (154 rows: +0 added, ~2 changed, -7 removed, =152 unchanged)",
        ])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations WHERE month = '2025-11-01' AND practice = '\(withdrawn)'"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT practice) FROM api.online_consultations WHERE month = '2025-11-01' AND region NOT IN ('Y60', 'Y62', 'Y63')"),
                       southPractices, "the unchanged south half is still there")
        let log = try h.database.psql("""
            SELECT period, added, changed, removed FROM etl.revision_log
            WHERE dataset = 'online-consultations' AND status = 'current' AND period >= '2025-10-01' ORDER BY period
            """)
        XCTAssertEqual(log, [["2025-10-01", "0", "1", "0"], ["2025-11-01", "0", "2", "7"]])
    }

    /// A metric filter is answered from the postings of each month's metrics: when a
    /// republication drops a metric from one practice's month, the filter no longer finds that
    /// practice there (and still finds every other); when it drops a metric from the whole month,
    /// the month's posting goes and the filter finds nothing there (and still finds the other
    /// months). Rolling the republication back finds both again.
    func testMetricsARepublicationDropsAreNoLongerFoundByTheFilter() throws {
        XCTAssertEqual(try h.pipeline("refresh", "online-consultations", "--period", "2025-11").status, 0)
        let files = [try served("November 2025_north_regions.csv"), try served("November 2025_south_regions.csv")]
        // Drops the first November practice's first metric row, and every November row of the
        // last metric of the file; prints practice, metric, the metric dropped from the month.
        let script = """
            import csv, sys
            first = list(csv.reader(open(sys.argv[1], newline='')))
            gone = next(r for r in first[1:] if r[0] == '01/11/2025')
            whole = [r for r in first[1:] if r[0] == '01/11/2025'][-1][12]
            assert whole != gone[12]
            for path in sys.argv[1:]:
                rows = list(csv.reader(open(path, newline='')))
                out = [rows[0]] + [r for r in rows[1:] if r != gone and not (r[0] == '01/11/2025' and r[12] == whole)]
                csv.writer(open(path, 'w', newline=''), lineterminator='\\r\\n').writerows(out)
            print(gone[1], gone[12], whole)
            """
        let edit = try Run.program("python3", ["-c", script] + files)
        XCTAssertEqual(edit.status, 0, edit.stderr)
        let parts = edit.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let (practice, metric, whole) = (parts[0], parts[1], parts[2])
        let pair = "month = '2025-11-01' AND practice = '\(practice)' AND metric = '\(metric)'"
        func count(_ condition: String) throws -> String { try h.database.value("SELECT count(*) FROM api.online_consultations WHERE \(condition)") }
        XCTAssertEqual(try count(pair), "1")
        let practices = try count("month = '2025-11-01' AND metric = '\(metric)'")
        let wholeBefore = try count("month = '2025-11-01' AND metric = '\(whole)'")
        let wholeOctober = try count("month = '2025-10-01' AND metric = '\(whole)'")
        XCTAssertNotEqual(wholeBefore, "0")
        XCTAssertNotEqual(wholeOctober, "0")

        let republished = try h.pipeline("refresh", "online-consultations", "--period", "2025-11")
        XCTAssertEqual(republished.status, 0, republished.stderr)
        XCTAssertTrue(normalised(republished.lines).contains { $0.hasPrefix("online-consultations 2025-11: revision N is now current") },
                      republished.stdout)
        XCTAssertEqual(try count(pair), "0", "the metric dropped from the practice is not found")
        XCTAssertEqual(try count("month = '2025-11-01' AND metric = '\(metric)'"), String(Int(practices)! - 1), "every other practice still has it")
        XCTAssertEqual(try count("month = '2025-11-01' AND metric = '\(whole)'"), "0", "the metric dropped from the month is not found")
        XCTAssertEqual(try count("metric = '\(whole)' AND month = '2025-10-01'"), wholeOctober, "nor lost from October")
        XCTAssertEqual(try h.database.value("""
            SELECT count(*) FROM data.online_consultations_metric_values v JOIN etl.scopes sc USING (scope_id)
            WHERE sc.period = '2025-11-01' AND v.metric = '\(whole)'
            """), "0", "November's posting of the dropped metric is gone")
        // What the filter finds is what the files say: Python over both halves of the edition.
        XCTAssertEqual(try python("""
            import csv, sys
            n = 0
            for path in sys.argv[1:]:
                for r in list(csv.reader(open(path, newline='')))[1:]:
                    if r[0] == '01/11/2025' and r[12] == '\(metric)': n += 1
            print(n)
            """, files), [try count("month = '2025-11-01' AND metric = '\(metric)'")])
        XCTAssertEqual(try count("month = '2025-11-01' AND practice = '\(practice)'"),
                       try count("month = '2025-11-01' AND practice = '\(practice)' AND metric <> '\(metric)'"), "the practice's other metrics are served")

        let revision = try h.database.value("SELECT current_revision FROM etl.scopes WHERE dataset = 'online-consultations' AND period = '2025-11-01'")
        let rollback = try h.pipeline("rollback", revision)
        XCTAssertEqual(rollback.status, 0, rollback.stderr)
        XCTAssertEqual(try count(pair), "1", "found again after the rollback")
        XCTAssertEqual(try count("month = '2025-11-01' AND metric = '\(metric)'"), practices)
        XCTAssertEqual(try count("month = '2025-11-01' AND metric = '\(whole)'"), wholeBefore)
    }

    /// At a size where the plan matters (six months of 1,200 practices, bench/gen_sources.py's
    /// national-shaped files), a metric only the newest month publishes is found through its
    /// postings: the plan reads the table of segments once, by that month's scope (not a
    /// sequential scan, not the other months' segments), and serves that month's rows
    /// (Python's count of the files), with or without sequential scans enabled.
    func testAMetricFilterReadsOnlyTheMonthsThatPublishIt() throws {
        let directory = try TemporaryDirectory("oc-months")
        let generated = try Run.program("python3", [Fixtures.root.appendingPathComponent("bench/gen_sources.py").path, "oc", "1200", "6", directory.path])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        let files = ["north", "south"].map { directory.path + "/Submissions via OC Systems in General Practice - November 2025_\($0)_regions.csv" }
        // OC_CAPABILITY left out of every month but November; prints how many rows have it.
        let counted = try python("""
            import csv, sys
            n = 0
            for path in sys.argv[1:]:
                rows = list(csv.reader(open(path, newline='')))
                out = [rows[0]] + [r for r in rows[1:] if not (r[12] == 'OC_CAPABILITY' and r[0] != '01/11/2025')]
                n += sum(1 for r in out[1:] if r[12] == 'OC_CAPABILITY')
                csv.writer(open(path, 'w', newline=''), lineterminator='\\r\\n').writerows(out)
            print(n)
            """, files)
        XCTAssertEqual(counted, ["1200"])
        let load = try h.pipeline(["load", "online-consultations"] + files + ["--published", "2025-12-11"])
        XCTAssertEqual(load.status, 0, load.stderr)
        try h.database.psql("ANALYZE")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.online_consultations WHERE valid_to IS NULL"), "7200")
        for settings in ["", "SET enable_seqscan = off;"] {
            let plan = try h.database.psql("""
                \(settings) EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM api.online_consultations WHERE metric = 'OC_CAPABILITY'
                """).map { $0.joined() }
            let text = plan.joined(separator: "\n")
            XCTAssertTrue(plan.contains { $0.contains("Index Cond: (metric = 'OC_CAPABILITY'::text)") } || settings.isEmpty, text)
            XCTAssertEqual(plan.first?.firstMatch(of: /actual rows=(\d+) loops=1/).map { String($0.1) }, "1200", text)
            // The one read of the segments, and the conditions under it.
            let start = try XCTUnwrap(plan.firstIndex { $0.contains(" on online_consultations s ") }, text)
            XCTAssertEqual(plan.filter { $0.contains(" on online_consultations s ") }.count, 1, text)
            XCTAssertFalse(plan[start].contains("Seq Scan"), text)
            XCTAssertTrue(plan[start].contains("(actual rows=1200 loops=1)"), text)
            let indent = plan[start].prefix { $0 == " " }.count
            let under = plan[(start + 1)...].prefix { $0.prefix { $0 == " " }.count > indent }
            XCTAssertTrue(under.contains { $0.contains("Cond: (scope_id = p_metric.scope_id)") || $0.contains("Cond: ((scope_id = p_metric.scope_id)") }, text)
            // Other months' segments are not read (a block range of the history index may hold a few).
            let skipped = under.compactMap { $0.firstMatch(of: /Rows Removed by (?:Index Recheck|Filter): (\d+)/).map { Int($0.1)! } }.reduce(0, +)
            XCTAssertLessThan(skipped, 6000, text)
        }
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations WHERE metric = 'OC_CAPABILITY' AND month = '2025-11-01'"), "1200")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations WHERE metric = 'OC_CAPABILITY' AND month = '2025-10-01'"), "0")
    }

    func testARenamedColumnOrANewDateStyleIsRefusedAndNothingOfThePublicationIsVisible() throws {
        let south = try served("November 2025_south_regions.csv")
        let original = try String(contentsOfFile: south, encoding: .utf8)
        try original.replacingOccurrences(of: ",METRIC,VALUE\r\n", with: ",METRIC,OC_VALUE\r\n").write(toFile: south, atomically: true, encoding: .utf8)
        let renamed = try h.pipeline("refresh", "online-consultations", "--period", "2025-11")
        XCTAssertEqual(renamed.status, 65)
        XCTAssertEqual(renamed.stderrLines.last,
                       "Submissions via OC Systems in General Practice - November 2025_south_regions.csv:1: header does not match online-consultations: missing VALUE; unexpected 'OC_VALUE'")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations_time"), "0", "not the time file of the same edition either")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")

        // A month written in a new style, on line 5 of the file.
        var lines = original.components(separatedBy: "\r\n")
        lines[4] = lines[4].replacingOccurrences(of: "01/11/2025,", with: "Nov-25,")
        try lines.joined(separator: "\r\n").write(toFile: south, atomically: true, encoding: .utf8)
        let restyled = try h.pipeline("refresh", "online-consultations", "--period", "2025-11")
        XCTAssertEqual(restyled.status, 65)
        XCTAssertEqual(restyled.stderrLines.last,
                       "Submissions via OC Systems in General Practice - November 2025_south_regions.csv:5:1: invalid date 'Nov-25' in MONTH")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")

        // A file that is neither family's layout is named as such.
        let daily = h.scratch.url.appendingPathComponent("oc.csv").path
        try "DATE,GP_CODE,CALLS\n01/11/2025,A81001,3\n".write(toFile: daily, atomically: true, encoding: .utf8)
        let unknown = try h.pipeline("load", "online-consultations", daily)
        XCTAssertEqual(unknown.status, 65)
        XCTAssertEqual(unknown.stderrLines.last,
                       "\(daily): not an online consultations file (no METRIC column for the practice-level file, no SUBMISSION_TIME for the day-and-time file, no GP Code and Submissions for the workbook's table)")
    }

    /// The real February 2026 workbook (../shared/samples/oc_cbt), loaded whole: Table 2 against
    /// an independent reading of the sheet (Tests/fixture-tools/xlsx_rows.py), every practice and
    /// column, stored under the CSV's metric names.
    func testTheRealWorkbooksPracticeTableLoadsUnderTheCSVsMetricNames() throws {
        let workbook = Fixtures.root.deletingLastPathComponent()
            .appendingPathComponent("shared/samples/oc_cbt/Submissions via OC Systems in General Practice - February 2026.xlsx").path
        let result = try h.pipeline("load", "online-consultations", workbook)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "online-consultations 2026-02: revision 1 is now current (43190 rows: +43190 added, ~0 changed, -0 removed, =0 unchanged)\n")
        let script = """
            import json, subprocess, sys
            from decimal import Decimal
            rows = [json.loads(l) for l in subprocess.run([sys.executable, sys.argv[1], sys.argv[2], 'Table 2'], check=True,
                                                          capture_output=True, text=True).stdout.splitlines()]
            header = next(c for n, c in rows if c and c[0] == 'Month [1]')
            names = {'Submissions [7]': 'OC_TOTAL_SUBMISSIONS', 'Clinical Submissions [7]': 'OC_SUBMISSION_TYPE_CLINICAL',
                     'Administrative Submissions [7]': 'OC_SUBMISSION_TYPE_ADMIN', 'Other/Unknown Type Submissions [7]': 'OC_SUBMISSION_TYPE_OTHER',
                     'Registered Patient Count [8]': 'PATIENTS_REGISTERED', 'Rate per 1,000 Registered Patients [9, 10]': 'OC_RATE_PER_1000_REGISTERED_PATIENTS',
                     'Participation': 'OC_PARTICIPATION'}
            for n, c in rows:
                if n <= 12 or len(c) < len(header) or not c[0][:1].isdigit(): continue
                r = dict(zip(header, c))
                for column, metric in names.items():
                    print('|'.join([r['Month [1]'], r['GP Code'], r['PCN Code [2, 3]'], r['ICB Code'], r['Supplier [4, 5, 6]'], metric,
                                    format(Decimal(r[column]).normalize(), 'f')]))
            """
        let tool = Fixtures.root.appendingPathComponent("Tests/fixture-tools/xlsx_rows.py").path
        let expected = try python(script, [tool, workbook])
        let stored = try h.database.psql("""
            SELECT concat_ws('|', month, practice, pcn, icb, supplier, metric, trim_scale(value)::text) FROM api.online_consultations
            """).map { $0.joined(separator: "\t") }.sorted()
        XCTAssertEqual(stored.count, 43190)
        XCTAssertEqual(stored, expected)
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT practice) FROM api.online_consultations WHERE metric = 'OC_PARTICIPATION' AND value = 0"), "24")
    }

    /// Rewrites one part of a served workbook with a Python `re.sub`.
    func editWorkbook(_ path: String, part: String, _ pattern: String, _ replacement: String) throws {
        let script = """
            import re, sys, zipfile, io
            path, part, pattern, replacement = sys.argv[1:5]
            src = zipfile.ZipFile(io.BytesIO(open(path, 'rb').read()))
            with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as out:
                for info in src.infolist():
                    data = src.read(info.filename)
                    if info.filename == part:
                        text, n = re.subn(pattern, replacement, data.decode('utf-8'), count=1)
                        assert n == 1, pattern
                        data = text.encode('utf-8')
                    out.writestr(info, data)
            """
        let result = try Run.program("python3", ["-c", script, path, part, pattern, replacement])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// The February 2026 edition publishes only its workbook: Table 2 is found under its title
    /// rows by its header, read to the notes under it, and stored as the CSVs' metrics. A
    /// November edition's workbook beside its CSVs is left out. A bad cell or a header that is
    /// not there is refused naming the workbook, sheet and cell, and nothing of it is visible.
    func testAnEditionWithOnlyItsWorkbookLoadsItsPracticeTable() throws {
        let dryRun = try h.pipeline("refresh", "online-consultations", "--period", "2025-11", "--dry-run")
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        XCTAssertTrue(dryRun.lines.contains("  would ignore Submissions via OC Systems in General Practice - November 2025.xlsx (no dataset matches)"), dryRun.stdout)
        XCTAssertEqual(try h.pipeline("refresh", "online-consultations", "--period", "2025-11").status, 0)

        let workbook = try served("February 2026.xlsx")
        let original = try Data(contentsOf: URL(fileURLWithPath: workbook))
        // The rows' Month must agree with --period, as a CSV's MONTH must.
        let misfiled = try h.pipeline("load", "online-consultations", workbook, "--period", "2026-01")
        XCTAssertEqual(misfiled.status, 65)
        XCTAssertEqual(misfiled.stderrLines.last, "\(workbook):Table 2!A13: Month 2026-02-01 is in period 2026-02, not 2026-01 as --period says")
        try editWorkbook(workbook, part: "xl/worksheets/sheet4.xml", #"(<c r="M14"[^>]*?)><v>[0-9]+</v>"#, #"\1 t="inlineStr"><is><t>lots</t></is>"#)
        let badCell = try h.pipeline("refresh", "online-consultations")
        XCTAssertEqual(badCell.status, 65)
        XCTAssertEqual(badCell.stderrLines.last, "Submissions via OC Systems in General Practice - February 2026.xlsx:Table 2!M14: invalid number 'lots' in 'Submissions'")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations WHERE month = '2026-02-01'"), "0")

        try original.write(to: URL(fileURLWithPath: workbook))
        try editWorkbook(workbook, part: "xl/sharedStrings.xml", #"<t>GP Code</t>"#, "<t>Practice Code</t>")
        let noHeader = try h.pipeline("refresh", "online-consultations")
        XCTAssertEqual(noHeader.status, 65)
        XCTAssertEqual(noHeader.stderrLines.last,
                       "Submissions via OC Systems in General Practice - February 2026.xlsx:Table 2: no header row with 'Month', 'GP Code', 'Submissions' in the first 40 rows")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations WHERE month = '2026-02-01'"), "0")

        try original.write(to: URL(fileURLWithPath: workbook))
        let february = try h.pipeline("refresh", "online-consultations")
        XCTAssertEqual(february.status, 0, february.stderr)
        XCTAssertEqual(normalised(february.lines), [
            "online-consultations 2026-02: revision N is now current (161 rows: +161 added, ~0 changed, -0 removed, =0 unchanged)",
            "online-consultations-time 2026-02: revision N is now current (784 rows: +784 added, ~0 changed, -0 removed, =0 unchanged)",
        ])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.online_consultations_time WHERE month = '2026-02-01' AND supplier IS NULL"), "0",
                       "the February time rows take each practice's supplier from the workbook's table")
        XCTAssertEqual(try h.database.psql("""
            SELECT metric, trim_scale(value)::text FROM api.online_consultations WHERE month = '2026-02-01' AND practice = 'A81001' ORDER BY metric
            """), [["OC_PARTICIPATION", "1"], ["OC_RATE_PER_1000_REGISTERED_PATIENTS", "41.833200106581401"], ["OC_SUBMISSION_TYPE_ADMIN", "24"],
                   ["OC_SUBMISSION_TYPE_CLINICAL", "133"], ["OC_SUBMISSION_TYPE_OTHER", "0"], ["OC_TOTAL_SUBMISSIONS", "157"],
                   ["PATIENTS_REGISTERED", "3753"]], "Table 2's row 13, as the real workbook has it")
        XCTAssertEqual(try h.database.value("SELECT array_to_string(inputs, ',') FROM etl.revisions WHERE period = '2026-02-01'"),
                       "Submissions via OC Systems in General Practice - February 2026.xlsx")
        // The same metric filter serves CSV months and the workbook's month.
        XCTAssertEqual(try h.database.value("SELECT string_agg(DISTINCT month::text, ',') FROM api.online_consultations WHERE metric = 'OC_TOTAL_SUBMISSIONS'"),
                       "2025-09-01,2025-10-01,2025-11-01,2026-02-01")
    }
}
