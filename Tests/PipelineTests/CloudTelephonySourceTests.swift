import Foundation
import TestSupport
import XCTest

/// Cloud Based Telephony in General Practice, refreshed from the saved publisher site
/// (Fixtures/publisher, made by Tests/fixture-tools/mirror_cloud_telephony.py): the by day and
/// time, by durations and calls answered zips of two months, the unmapped-account files in them
/// kept apart as their own datasets, a month published only as its summary workbook (Table 3),
/// what the `api` objects serve against Python's reading of the same files, a republished zip
/// counted exactly, and refusals.
final class CloudTelephonySourceTests: PublisherSiteTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        h.extraEnvironment["PIPELINE_NOW"] = "2026-02-10T06:00:00Z"
    }

    /// The served copy of a fixture file, by the end of its name.
    func served(_ suffix: String) throws -> String {
        let names = FileManager.default.enumerator(atPath: site.url.path)!.compactMap { $0 as? String }
        return site.url.path + "/" + (try XCTUnwrap(names.first { $0.hasSuffix(suffix) }, suffix))
    }

    func normalised(_ lines: [String]) -> [String] {
        lines.map { $0.replacingOccurrences(of: #"revision \d+"#, with: "revision N", options: .regularExpression) }
    }

    func python(_ code: String, _ arguments: [String]) throws -> [String] {
        let result = try Run.program("python3", ["-c", code] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.lines.sorted()
    }

    /// Rewrites the one non-unmapped CSV inside a served zip with a Python function body
    /// `edit(header, rows)` that returns (header, rows); the unmapped entry is kept as it was.
    func editZip(_ path: String, _ edit: String) throws -> String {
        let script = """
            import csv, io, sys, zipfile
            path = sys.argv[1]
            \(edit)
            src = zipfile.ZipFile(io.BytesIO(open(path, 'rb').read()))
            out_note = ''
            with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as out:
                for info in src.infolist():
                    data = src.read(info.filename)
                    if 'Unmapped' not in info.filename:
                        rows = list(csv.reader(io.StringIO(data.decode('utf-8'), newline='')))
                        header, body, out_note = edit(rows[0], rows[1:])
                        buf = io.StringIO(); csv.writer(buf, lineterminator='\\r\\n').writerows([header] + body)
                        data = buf.getvalue().encode('utf-8')
                    out.writestr(info, data)
            print(out_note)
            """
        let result = try Run.program("python3", ["-c", script, path])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testEachMonthLoadsEveryFamilyAndKeepsUnmappedAccountsApart() throws {
        let october = try h.pipeline("refresh", "cloud-telephony", "--period", "2025-10")
        XCTAssertEqual(october.status, 0, october.stderr)
        XCTAssertEqual(Set(normalised(october.lines)), [
            "cloud-telephony 2025-10: revision N is now current (24 rows: +24 added, ~0 changed, -0 removed, =0 unchanged)",
            "cloud-telephony-time 2025-10: revision N is now current (2232 rows: +2232 added, ~0 changed, -0 removed, =0 unchanged)",
            "cloud-telephony-durations 2025-10: revision N is now current (1240 rows: +1240 added, ~0 changed, -0 removed, =0 unchanged)",
            "cloud-telephony-unmapped 2025-10: revision N is now current (2 rows: +2 added, ~0 changed, -0 removed, =0 unchanged)",
            "cloud-telephony-unmapped-time 2025-10: revision N is now current (2 rows: +2 added, ~0 changed, -0 removed, =0 unchanged)",
            "cloud-telephony-unmapped-durations 2025-10: revision N is now current (1 rows: +1 added, ~0 changed, -0 removed, =0 unchanged)",
        ])
        let november = try h.pipeline("refresh", "cloud-telephony", "--period", "2025-11")
        XCTAssertEqual(november.status, 0, november.stderr)
        XCTAssertEqual(Set(normalised(november.lines)), [
            "cloud-telephony 2025-11: revision N is now current (24 rows: +24 added, ~0 changed, -0 removed, =0 unchanged)",
            "cloud-telephony-time 2025-11: revision N is now current (2160 rows: +2160 added, ~0 changed, -0 removed, =0 unchanged)",
            "cloud-telephony-durations 2025-11: revision N is now current (1200 rows: +1200 added, ~0 changed, -0 removed, =0 unchanged)",
            "cloud-telephony-unmapped 2025-11: revision N is now current (2 rows: +2 added, ~0 changed, -0 removed, =0 unchanged)",
            "cloud-telephony-unmapped-time 2025-11: revision N is now current (2 rows: +2 added, ~0 changed, -0 removed, =0 unchanged)",
            "cloud-telephony-unmapped-durations 2025-11: revision N is now current (1 rows: +1 added, ~0 changed, -0 removed, =0 unchanged)",
        ])
        // The unmapped accounts are never practice rows; they are served on their own.
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cloud_telephony WHERE practice NOT IN (SELECT practice FROM api.cloud_telephony_time)"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cloud_telephony WHERE practice LIKE 'UNMAPPED%'"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cloud_telephony_time WHERE practice LIKE 'UNMAPPED%'"), "0")
        XCTAssertEqual(try h.database.psql("SELECT breakdown, count(*) FROM api.cloud_telephony_unmapped WHERE month = '2025-11-01' GROUP BY 1 ORDER BY 1"),
                       [["calls answered", "2"], ["day and time", "2"], ["duration", "1"]])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE source = 'cloud-telephony'"), "12")
        // Both band kinds under one object, told apart by breakdown; the filters answer.
        XCTAssertEqual(try h.database.psql("SELECT breakdown, count(*) FROM api.cloud_telephony_time WHERE month = '2025-11-01' GROUP BY 1 ORDER BY 1"),
                       [["day and time", "2160"], ["duration", "1200"]])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cloud_telephony_time WHERE dimension = 'TOTAL' AND indicator = 'CBT003'"), "244")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cloud_telephony WHERE indicator = 'CBT001'"), "8")

        let again = try h.pipeline("refresh", "cloud-telephony", "--period", "2025-11")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.lines.count, 1, again.stdout)
        XCTAssertTrue(again.stdout.hasPrefix("cloud-telephony 2025-11: nothing new"), again.stdout)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE source = 'cloud-telephony'"), "12")
    }

    /// The unmapped accounts as served against Python's reading of the unmapped entries.
    func testTheUnmappedAccountsServeWhatTheirFilesSay() throws {
        XCTAssertEqual(try h.pipeline("refresh", "cloud-telephony", "--period", "2025-10").status, 0)
        XCTAssertEqual(try h.pipeline("refresh", "cloud-telephony", "--period", "2025-11").status, 0)
        let expected = try python("""
            import csv, glob, io, sys, zipfile
            for path in glob.glob(sys.argv[1] + '/**/*.zip', recursive=True):
                z = zipfile.ZipFile(path)
                for name in z.namelist():
                    if 'Unmapped' not in name: continue
                    for r in csv.DictReader(io.TextIOWrapper(z.open(name), encoding='utf-8', newline='')):
                        r = {k.strip(): v for k, v in r.items()}
                        kind = 'duration' if 'Duration' in r else 'day and time' if 'Time_Band' in r else 'calls answered'
                        band = r.get('Duration', r.get('Time_Band', ''))
                        print('|'.join([r['Date'][:8] + '01', r['ACCOUNT_ID'], r.get('SUB_ICB_LOCATION_CODE', ''), r['Date'], r['Indicator'],
                                        kind, band, r['Value']]))
            """, [site.url.path + "/files.digital.nhs.uk"])
        let served = try h.database.psql("""
            SELECT concat_ws('|', month, account, coalesce(sub_icb, ''), date, indicator, breakdown, dimension, trim_scale(value))
            FROM api.cloud_telephony_unmapped
            """).map { $0.joined() }.sorted()
        XCTAssertEqual(served, expected)
        XCTAssertEqual(served.count, 10)
    }

    /// September 2025 published only its summary workbook: Table 3's practice rows (not the
    /// national Total row) become the month's calls answered values under the CSV's codes,
    /// reconciled to Python's reading of the sheet (Tests/fixture-tools/xlsx_rows.py).
    func testAMonthPublishedOnlyAsItsSummaryWorkbookLoadsTable3() throws {
        let september = try h.pipeline("refresh", "cloud-telephony", "--period", "2025-09")
        XCTAssertEqual(september.status, 0, september.stderr)
        XCTAssertEqual(normalised(september.lines),
                       ["cloud-telephony 2025-09: revision N is now current (24 rows: +24 added, ~0 changed, -0 removed, =0 unchanged)"])
        let workbook = try served("Cloud Based Telephony Publication Summary September 2025.xlsx")
        let tool = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixture-tools/xlsx_rows.py").path
        let expected = try python("""
            import json, subprocess, sys
            rows = [json.loads(l)[1] for l in subprocess.run(['python3', sys.argv[1], sys.argv[2], 'Table 3'], check=True,
                                                             capture_output=True, text=True).stdout.splitlines()]
            at = next(i for i, r in enumerate(rows) if r and r[0].startswith('Month'))
            codes = {11: 'CBT001', 12: 'CBT003', 14: 'CBT002', 16: 'CBT005', 18: 'CBT004', 20: 'CBT006'}  # the count columns
            for r in rows[at + 2:]:
                if len(r) < 2 or not r[1] or r[1] == 'Total': continue
                r = r + [''] * (22 - len(r))
                for column, code in codes.items():
                    value = r[column]
                    print('|'.join([r[0], r[1], r[3], r[5], code, '' if value in ('', '*') else value, '*' if value == '*' else '']))
            """, [tool, workbook])
        let served = try h.database.psql("""
            SELECT concat_ws('|', month, practice, pcn, sub_icb, indicator, coalesce(trim_scale(value)::text, ''), coalesce(value_raw, ''))
            FROM api.cloud_telephony WHERE month = '2025-09-01'
            """).map { $0.joined() }.sorted()
        XCTAssertEqual(served, expected)
        XCTAssertEqual(try h.database.psql("SELECT coalesce(value_raw, 'blank'), count(*) FROM api.cloud_telephony WHERE value IS NULL GROUP BY 1 ORDER BY 1"),
                       [["*", "1"], ["blank", "1"]])
        let again = try h.pipeline("refresh", "cloud-telephony", "--period", "2025-09")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.hasPrefix("cloud-telephony 2025-09: nothing new"), again.stdout)
    }

    /// Both api objects against Python's own reading of the zips (header names stripped of
    /// whitespace as the publisher's code does; unmapped entries skipped): `*` NULL with the
    /// token kept, blanks NULL.
    func testTheAPIObjectsServeWhatTheFilesSay() throws {
        XCTAssertEqual(try h.pipeline("refresh", "cloud-telephony", "--period", "2025-10").status, 0)
        XCTAssertEqual(try h.pipeline("refresh", "cloud-telephony", "--period", "2025-11").status, 0)
        let root = site.url.path + "/files.digital.nhs.uk"
        let reckoning = """
            import csv, glob, io, sys, zipfile
            from decimal import Decimal
            root = sys.argv[1]; what = sys.argv[2]
            def num(v):
                if v in ('*', 'NA', 'N/A', '-'): return '', v
                if v == '': return '', ''
                return format(Decimal(v).normalize(), 'f'), ''
            for path in sorted(glob.glob(root + '/*/*/Cloud Based Telephony*.zip')):
                z = zipfile.ZipFile(path)
                for name in z.namelist():
                    if 'Unmapped' in name: continue
                    for raw in csv.DictReader(io.TextIOWrapper(z.open(name), encoding='utf-8', newline='')):
                        r = {k.strip(): v for k, v in raw.items()}
                        value, token = num(r['Value'])
                        month = r['Date'][:8] + '01'
                        if 'Calls Answered' in name and what == 'monthly':
                            print('|'.join([month, r['PRACTICE_CODE'], r['PCN_CODE'], r['SUB_ICB_LOCATION_CODE'], r['Indicator'], value, token]))
                        elif 'Duration' in r and what == 'time':
                            print('|'.join([r['Date'], month, r['PRACTICE_CODE'], '', '', r['Indicator'], 'duration', r['Duration'], value, token]))
                        elif 'Time_Band' in r and what == 'time':
                            print('|'.join([r['Date'], month, r['PRACTICE_CODE'], r['PCN_CODE'], r['SUB_ICB_LOCATION_CODE'], r['Indicator'],
                                            'day and time', r['Time_Band'], value, token]))
            """
        let monthly = try h.database.psql("""
            SELECT concat_ws('|', month, practice, pcn, sub_icb, indicator, coalesce(trim_scale(value)::text, ''), coalesce(value_raw, ''))
            FROM api.cloud_telephony
            """).map { $0.joined(separator: "\t") }.sorted()
        XCTAssertEqual(monthly.count, 48)
        XCTAssertEqual(monthly, try python(reckoning, [root, "monthly"]))
        XCTAssertEqual(try h.database.psql("SELECT coalesce(value_raw, ''), count(*) FROM api.cloud_telephony WHERE value IS NULL GROUP BY 1 ORDER BY 1"),
                       [["", "2"], ["*", "2"]], "one blank and one suppressed value a month")

        let time = try h.database.psql("""
            SELECT concat_ws('|', date, month, practice, coalesce(pcn, ''), coalesce(sub_icb, ''), indicator, breakdown, dimension,
                             coalesce(trim_scale(value)::text, ''), coalesce(value_raw, ''))
            FROM api.cloud_telephony_time
            """).map { $0.joined(separator: "\t") }.sorted()
        XCTAssertEqual(time.count, 3472 + 3360)
        let expectedTime = try python(reckoning, [root, "time"])
        XCTAssertEqual(expectedTime.count, time.count)
        XCTAssertEqual(Set(time).symmetricDifference(expectedTime).sorted().prefix(20), [])
        XCTAssertEqual(try h.database.psql("SELECT breakdown, coalesce(value_raw, ''), count(*) FROM api.cloud_telephony_time WHERE value IS NULL GROUP BY 1, 2 ORDER BY 1, 2"),
                       [["day and time", "", "2"], ["day and time", "*", "2"], ["duration", "*", "2"]])
    }

    /// The publisher replaces November's day-and-time zip: two values corrected, one practice's
    /// rows of one day withdrawn (18 rows). Only that dataset's November changes, counted exactly.
    func testARepublishedZipIsCountedExactly() throws {
        XCTAssertEqual(try h.pipeline("refresh", "cloud-telephony", "--period", "2025-11").status, 0)
        let zip = try served("November 2025 - By Day and Time.zip")
        let withdrawn = try editZip(zip, """
            def edit(header, body):
                practice = body[0][1]
                out = []
                for i, r in enumerate(body):
                    if r[0] == '2025-11-03' and r[1] == practice: continue
                    if i in (200, 300): r[6] = str(int(r[6]) + 1)
                    out.append(r)
                return header, out, practice
            """)
        XCTAssertFalse(withdrawn.isEmpty)
        let republished = try h.pipeline("refresh", "cloud-telephony", "--period", "2025-11")
        XCTAssertEqual(republished.status, 0, republished.stderr)
        XCTAssertEqual(normalised(republished.lines), [
            "cloud-telephony-time 2025-11: revision N is now current (2142 rows: +0 added, ~2 changed, -18 removed, =2140 unchanged)",
            "cloud-telephony-unmapped-time 2025-11: unchanged (2 rows identical to the current revision); nothing written",
        ])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cloud_telephony_time WHERE date = '2025-11-03' AND practice = '\(withdrawn)' AND breakdown = 'day and time'"), "0")
        let log = try h.database.psql("""
            SELECT dataset, period, added, changed, removed FROM etl.revision_log
            WHERE source = 'cloud-telephony' AND status = 'current' ORDER BY dataset, period
            """)
        XCTAssertEqual(log, [["cloud-telephony", "2025-11-01", "24", "0", "0"], ["cloud-telephony-durations", "2025-11-01", "1200", "0", "0"],
                             ["cloud-telephony-time", "2025-11-01", "0", "2", "18"], ["cloud-telephony-unmapped", "2025-11-01", "2", "0", "0"],
                             ["cloud-telephony-unmapped-durations", "2025-11-01", "1", "0", "0"], ["cloud-telephony-unmapped-time", "2025-11-01", "2", "0", "0"]])
    }

    /// Rewrites one part of a served workbook with a Python expression over its text `s`.
    func editWorkbook(_ path: String, part: String, _ expression: String) throws {
        let result = try Run.program("python3", ["-c", """
            import io, re, sys, zipfile
            path, part, expr = sys.argv[1:4]
            src = zipfile.ZipFile(io.BytesIO(open(path, 'rb').read()))
            with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as out:
                for info in src.infolist():
                    data = src.read(info)
                    if info.filename == part:
                        s = data.decode('utf-8'); data = eval(expr).encode('utf-8')
                    out.writestr(info, data)
            """, path, part, expression])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testABadCellOrAMissingTableInTheSummaryWorkbookIsRefusedNamingIt() throws {
        let workbook = try served("Cloud Based Telephony Publication Summary September 2025.xlsx")
        let original = try Data(contentsOf: URL(fileURLWithPath: workbook))
        try editWorkbook(workbook, part: "xl/worksheets/sheet2.xml",
                         #"re.sub(r'<c r="M13"[^>]*>.*?</c>', '<c r="M13" t="inlineStr"><is><t>1.5x</t></is></c>', s)"#)
        let bad = try h.pipeline("refresh", "cloud-telephony", "--period", "2025-09")
        XCTAssertEqual(bad.status, 65)
        XCTAssertEqual(bad.stderrLines.last,
                       "Cloud Based Telephony Publication Summary September 2025.xlsx:Table 3!M13: invalid number '1.5x' in 'Answered Count'")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cloud_telephony"), "0")

        try original.write(to: URL(fileURLWithPath: workbook))
        try editWorkbook(workbook, part: "xl/workbook.xml", #"s.replace('name="Table 3"', 'name="Table 3a"')"#)
        let missing = try h.pipeline("refresh", "cloud-telephony", "--period", "2025-09")
        XCTAssertEqual(missing.status, 65)
        let line = try XCTUnwrap(missing.stderrLines.last)
        XCTAssertTrue(line.hasPrefix("Cloud Based Telephony Publication Summary September 2025.xlsx"), line)
        XCTAssertTrue(line.contains("Table 3"), line)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")
    }

    func testARenamedColumnOrANewDateStyleIsRefusedAndNothingOfThePublicationIsVisible() throws {
        let zip = try served("November 2025 - Calls Answered Metric.zip")
        let original = try Data(contentsOf: URL(fileURLWithPath: zip))
        _ = try editZip(zip, """
            def edit(header, body):
                return [h.replace('Value', 'Calls') for h in header], body, ''
            """)
        let renamed = try h.pipeline("refresh", "cloud-telephony", "--period", "2025-11")
        XCTAssertEqual(renamed.status, 65)
        XCTAssertEqual(renamed.stderrLines.last,
                       "Cloud Based Telephony Data in General Practice - November 2025 - Calls Answered Metric.zip:Cloud Based Telephony Data in General Practice - November 2025 - Calls Answered Metric.csv:1: header does not match cloud-telephony: missing VALUE; unexpected ' Calls'")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cloud_telephony"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cloud_telephony_time"), "0", "not the other zips of the same edition either")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")

        try original.write(to: URL(fileURLWithPath: zip))
        let durations = try served("November 2025 - By Durations.zip")
        _ = try editZip(durations, """
            def edit(header, body):
                body[3][0] = 'Nov-25'
                return header, body, ''
            """)
        let restyled = try h.pipeline("refresh", "cloud-telephony", "--period", "2025-11")
        XCTAssertEqual(restyled.status, 65)
        // Line 5 of the file, column 1 (the header as published: `Date ` with its stray space).
        XCTAssertEqual(restyled.stderrLines.last,
                       "Cloud Based Telephony Data in General Practice - November 2025 - By Durations.zip:Cloud Based Telephony Data in General Practice - November 2025 - By Durations.csv:5:1: invalid date 'Nov-25' in Date ")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.cloud_telephony"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")

        let other = h.scratch.url.appendingPathComponent("cbt.csv").path
        try "Date,PRACTICE_CODE,Calls\n2025-11-01,A81001,3\n".write(toFile: other, atomically: true, encoding: .utf8)
        let unknown = try h.pipeline("load", "cloud-telephony", other)
        XCTAssertEqual(unknown.status, 65)
        XCTAssertEqual(unknown.stderrLines.last,
                       "\(other): not a cloud based telephony file (no Duration column for the durations file, no time band for the day-and-time file, no Indicator column for the calls answered file, no GP Practice (ODS_CODE) for the summary workbook's Table 3)")
    }
}
