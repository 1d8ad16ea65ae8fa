import Foundation
import TestSupport
import XCTest

/// GP Patient Survey (`gp-patient-survey`) from the survey's own saved download page
/// (Fixtures/publisher/www.gp-patient.co.uk, made by Tests/fixture-tools/mirror_gp_patient_survey.py:
/// real practices, modelled files in both documented header editions) served on 127.0.0.1: every
/// year reconciled to its file by an independent reckoning in Python, sentinels kept, a
/// republished year counted exactly, bad files refused with nothing visible.
final class GPPatientSurveySourceTests: PublisherSiteTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        h.extraEnvironment["PIPELINE_NOW"] = "2026-11-21T06:00:00Z"
    }

    static func fileName(_ year: Int) -> String { "GPPS_\(year)_Practice_data_(weighted)_(csv)_PUBLIC.csv" }

    /// The served copy of a year's weighted file.
    func served(_ year: Int) -> String {
        let folder = year >= 2024 ? "\(year)" : "archive"
        return site.url.appendingPathComponent("www.gp-patient.co.uk/downloads/\(folder)/\(Self.fileName(year))").path
    }

    /// Python's reading of a practice CSV: every column that is not an identity column (named
    /// here independently of the loader, both header editions' spellings) is a measure; per
    /// measure the sum of its non-negative numbers; the count of cells, of negative sentinels
    /// and of practices; each practice's ICS (ICS_Code, else STP_Code, else ad_icbcode).
    func python(_ path: String) throws -> (sums: [String: Decimal], cells: Int, sentinels: Int, practices: Int, ics: [String: String]) {
        let script = """
            import csv, json, sys
            from decimal import Decimal
            identity = {'Practice_Code', 'Practice_Name', 'CCG_Code', 'CCG_Name', 'ICS_Code', 'ICS_Name', 'STP_Code', 'STP_Name',
                        'CR_Code', 'CR_Name', 'ad_practicecode', 'ad_practicename', 'ad_icbcode', 'ad_icbname', 'ad_regioncode',
                        'ad_regionname', 'ad_subicbcode', 'ad_subicbname'}
            rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
            sums, cells, sentinels, ics = {}, 0, 0, {}
            for r in rows:
                code = r.get('Practice_Code') or r['ad_practicecode']
                ics[code] = r.get('ICS_Code') or r.get('STP_Code') or r.get('ad_icbcode')
                for name, value in r.items():
                    if name in identity:
                        continue
                    cells += 1
                    sums.setdefault(name, Decimal(0))
                    if value.startswith('-'):
                        sentinels += 1
                    elif value != '':
                        sums[name] += Decimal(value)
            print(json.dumps({'sums': {k: str(v) for k, v in sums.items()}, 'cells': cells, 'sentinels': sentinels,
                              'practices': len(rows), 'ics': ics}))
            """
        let result = try Run.program("python3", ["-c", script, path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return ((json["sums"] as! [String: String]).mapValues { Decimal(string: $0)! }, json["cells"] as! Int,
                json["sentinels"] as! Int, json["practices"] as! Int, json["ics"] as! [String: String])
    }

    /// What `api.gp_patient_survey` serves for a year must be what Python read from its file.
    func assertReconciles(_ year: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try python(served(year))
        let rows = try h.database.psql("SELECT measure, coalesce(sum(value), 0)::text FROM api.gp_patient_survey WHERE year = '\(year)' GROUP BY measure")
        let stored = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], Decimal(string: $0[1])!) })
        XCTAssertEqual(Set(stored.keys), Set(expected.sums.keys), "\(year): one measure per published column", file: file, line: line)
        for (measure, total) in expected.sums where stored[measure] != total {
            XCTFail("\(year) \(measure): \(String(describing: stored[measure])) served, \(total) in the file", file: file, line: line)
        }
        XCTAssertEqual(try h.database.psql("SELECT count(*), count(value_raw), count(DISTINCT practice) FROM api.gp_patient_survey WHERE year = '\(year)'")[0],
                       [String(expected.cells), String(expected.sentinels), String(expected.practices)],
                       "\(year): every cell, every sentinel kept beside its NULL, every practice", file: file, line: line)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_patient_survey WHERE year = '\(year)' AND value_raw IS NOT NULL AND (value IS NOT NULL OR value_raw NOT LIKE '-%')"),
                       "0", file: file, line: line)
        let ics = try h.database.psql("SELECT DISTINCT practice, ics FROM api.gp_patient_survey WHERE year = '\(year)'")
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: ics.map { ($0[0], $0[1]) }), expected.ics, "\(year): ICS as published", file: file, line: line)
        XCTAssertGreaterThan(expected.sentinels, 0, "\(year): the fixture has suppressed results", file: file, line: line)
    }

    func testRefreshLoadsTheNewestYearFromTheSurveysOwnDownloadPageAndEveryCellReconciles() throws {
        // The practice map gives the PCN (the survey files name none); January's list sizes the band.
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-map_2022-01.csv")).status, 0)
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2026-01.csv")).status, 0)
        let result = try h.pipeline("refresh", "gp-patient-survey")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines.map { $0.replacingOccurrences(of: #"revision \d+"#, with: "revision N", options: .regularExpression) },
                       ["gpps-practices 2026: revision N is now current (132 rows: +132 added, ~0 changed, -0 removed, =0 unchanged)"])
        try assertReconciles(2026)
        // A sentinel: NULL with the sentinel kept; a dotted 2024-questionnaire name kept as published.
        XCTAssertEqual(try h.database.psql("""
            SELECT measure, coalesce(value::text, 'NULL'), value_raw FROM api.gp_patient_survey
            WHERE year = '2026' AND value_raw IS NOT NULL ORDER BY practice, measure
            """).map { $0.joined(separator: " ") }.count, 2)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_patient_survey WHERE measure = 'overallexp.pcteval'"), "12")
        XCTAssertEqual(try h.database.psql("SELECT DISTINCT practice, pcn, ics, region, period FROM api.gp_patient_survey WHERE practice = 'A81001'"),
                       [["A81001", "U89141", "QHM", "Y63", "2026-01-01"]])
        XCTAssertEqual(try assertBands(2026, listSizes: "gp-reg-pat-prac-all_2026-01.csv").count, 4, "the fixture spans four bands")

        let again = try h.pipeline("refresh", "gp-patient-survey")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.lines, ["gp-patient-survey 2026: nothing new (\(Self.fileName(2026)) (not modified))"])
    }

    func testEveryYearAndBothHeaderEditionsReconcileToTheirFiles() throws {
        let backfill = try h.pipeline("backfill", "gp-patient-survey", "--from", "2021", "--to", "2026")
        XCTAssertEqual(backfill.status, 0, backfill.stderr)
        XCTAssertEqual(try h.database.psql("SELECT period, status, added, file FROM etl.revision_log WHERE source = 'gp-patient-survey' ORDER BY period")
                        .map { $0.joined(separator: " ") }, [
            "2021-01-01 current 144 \(Self.fileName(2021))",
            "2023-01-01 current 144 \(Self.fileName(2023))",
            "2024-01-01 current 132 \(Self.fileName(2024))",
            "2025-01-01 current 132 \(Self.fileName(2025))",
            "2026-01-01 current 132 \(Self.fileName(2026))",
        ], "the unweighted variants and the annexes are left alone")
        for year in [2021, 2023, 2024, 2025, 2026] { try assertReconciles(year) }
        // 2023 names both ICS and STP: the ICS code is served; 2021 has only the STP code.
        XCTAssertEqual(try h.database.psql("SELECT DISTINCT year, ics FROM api.gp_patient_survey WHERE practice = 'A81001' ORDER BY 1"),
                       [["2021", "QHM"], ["2023", "QHM"], ["2024", "QHM"], ["2025", "QHM"], ["2026", "QHM"]])
        // Question numbers are kept per year, never mapped: Q90 in 2021, Q91 in 2023.
        XCTAssertEqual(try h.database.psql("SELECT year, count(*) FROM api.gp_patient_survey WHERE measure LIKE 'Q9%' GROUP BY year ORDER BY year"),
                       [["2021", "36"], ["2023", "36"]])
    }

    /// Python's band per practice of a survey year, from the January list sizes file (GP rows,
    /// sex and age ALL), against what the API serves; every row of a practice has its band.
    @discardableResult
    func assertBands(_ year: Int, listSizes: String, file: StaticString = #filePath, line: UInt = #line) throws -> Set<String> {
        let result = try Run.program("python3", ["-c", """
            import csv, json, sys
            sizes = {r['CODE']: int(r['NUMBER_OF_PATIENTS']) for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig', newline=''))
                     if r['TYPE'] == 'GP' and r['SEX'] == 'ALL' and r['AGE'] == 'ALL'}
            def band(n):
                for upper, name in [(2500, '<2500'), (5000, '2500-4999'), (10000, '5000-9999'), (15000, '10000-14999'), (20000, '15000-19999')]:
                    if n < upper:
                        return name
                return '20000+'
            rows = list(csv.DictReader(open(sys.argv[2], encoding='utf-8-sig', newline='')))
            codes = [r.get('Practice_Code') or r['ad_practicecode'] for r in rows]
            print(json.dumps({c: [str(sizes[c]), band(sizes[c])] if c in sizes else ['', ''] for c in codes}))
            """, Fixtures.registrations(listSizes), served(year)])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String]])
        let rows = try h.database.psql("""
            SELECT DISTINCT practice, coalesce(list_patients::text, ''), coalesce(list_band, '')
            FROM api.gp_patient_survey WHERE year = '\(year)'
            """)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: rows.map { ($0[0], [$0[1], $0[2]]) }), expected, "\(year): bands", file: file, line: line)
        return Set(expected.values.map { $0[1] })
    }

    func testTheListBandComesFromJanuarysListSizesWhicheverIsLoadedFirst() throws {
        XCTAssertEqual(try h.pipeline("backfill", "gp-patient-survey", "--from", "2021", "--to", "2026").status, 0)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_patient_survey WHERE list_band IS NOT NULL"), "0", "no list sizes yet")
        // A month other than January bands nothing; January 2026 bands 2026 only; January 2021 bands 2021.
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")).status, 0)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_patient_survey WHERE list_band IS NOT NULL"), "0")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2026-01.csv")).status, 0)
        XCTAssertEqual(try assertBands(2026, listSizes: "gp-reg-pat-prac-all_2026-01.csv"), ["2500-4999", "5000-9999", "10000-14999", "15000-19999"])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_patient_survey WHERE list_band IS NOT NULL AND year <> '2026'"), "0")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2021-01.csv")).status, 0)
        // The bundled January 2021 list sizes (300 lines cut from the real file) lack these practices: no band, as Python finds.
        XCTAssertEqual(try assertBands(2021, listSizes: "gp-reg-pat-prac-all_2021-01.csv"), [""])
        // A practice map loaded after the survey gives its PCNs (maps on or before each year's December).
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_patient_survey WHERE pcn IS NOT NULL"), "0", "no map yet")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-map_2022-01.csv")).status, 0)
        XCTAssertEqual(try h.database.psql("SELECT year, count(*) FILTER (WHERE pcn IS NULL), count(DISTINCT pcn) > 1 FROM api.gp_patient_survey GROUP BY year ORDER BY year"),
                       [["2021", "144", "f"], ["2023", "0", "t"], ["2024", "0", "t"], ["2025", "0", "t"], ["2026", "0", "t"]])
        XCTAssertEqual(try h.database.value("SELECT DISTINCT pcn FROM api.gp_patient_survey WHERE practice = 'A81001' AND year = '2026'"),
                       try h.database.value("SELECT pcn FROM data.practice_map WHERE org = 'A81001' AND valid_to IS NULL"))
        // The filter reads the band: every row of the band's practices.
        let band = try h.database.value("SELECT list_band FROM api.gp_patient_survey WHERE year = '2026' AND list_band IS NOT NULL ORDER BY practice LIMIT 1")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_patient_survey WHERE year = '2026' AND list_band = '\(band)'"),
                       try h.database.value("SELECT count(*) * 11 FROM (SELECT DISTINCT practice FROM api.gp_patient_survey WHERE year = '2026' AND list_band = '\(band)') p"))
        // A warehouse of an earlier version served the object from a copy of every value with its
        // band (data.gp_patient_survey_banded): `migrate` drops the copy and fills the bands for
        // every year it holds, which the object then serves as before.
        let before = try h.database.psql("SELECT year, practice, coalesce(list_band, '-'), count(*) FROM api.gp_patient_survey GROUP BY 1, 2, 3 ORDER BY 1, 2")
        try h.database.psql("""
            CREATE TABLE data.gp_patient_survey_banded AS SELECT * FROM api.gp_patient_survey;
            DELETE FROM data.gp_patient_survey_bands;
            UPDATE etl.declared_schema SET checksum = 'before the bands';
            """)
        let migrate = try h.pipeline("migrate")
        XCTAssertEqual(migrate.status, 0, migrate.stderr)
        XCTAssertEqual(try h.database.value("SELECT to_regclass('data.gp_patient_survey_banded') IS NULL"), "t", "the per-value copy is dropped")
        XCTAssertEqual(try h.database.psql("SELECT year, practice, coalesce(list_band, '-'), count(*) FROM api.gp_patient_survey GROUP BY 1, 2, 3 ORDER BY 1, 2"), before)
    }

    /// Python's count of what changes between two files of a year, by practice and column.
    func pythonDiff(_ before: String, _ after: String) throws -> String {
        let result = try Run.program("python3", ["-c", """
            import csv, sys
            def cells(path):
                rows = list(csv.reader(open(path, encoding='utf-8', newline='')))
                return {(r[0], name): value for r in rows[1:] for name, value in zip(rows[0], r) if not name.startswith('ad_')}, \\
                       {r[0]: r[1:6] for r in rows[1:]}
            (a, ia), (b, ib) = cells(sys.argv[1]), cells(sys.argv[2])
            added = sum(1 for k in b if k not in a)
            removed = sum(1 for k in a if k not in b)
            changed = sum(1 for k in b if k in a and (a[k] != b[k] or ia[k[0]] != ib[k[0]]))
            print(f"{len(b)} rows: +{added} added, ~{changed} changed, -{removed} removed, ={len(b) - added - changed} unchanged")
            """, before, after])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testARepublishedYearIsARevisionCountedExactly() throws {
        XCTAssertEqual(try h.pipeline("refresh", "gp-patient-survey").status, 0)
        let original = h.scratch.url.appendingPathComponent("original.csv").path
        try FileManager.default.copyItem(atPath: served(2026), toPath: original)
        // The publisher re-issues 2026: one practice withdrawn, one result corrected, one suppressed.
        let edited = try h.edited(original, as: "v2.csv", """
            rows[1:] = [r for r in rows[1:] if r[0] != 'A81004']
            rows[1][rows[0].index('overallexp.pcteval')] = '0.555000'
            rows[2][rows[0].index('gpcontactoverall.pcteval')] = '-99'
            """)
        try FileManager.default.removeItem(atPath: served(2026))
        try FileManager.default.copyItem(atPath: edited, toPath: served(2026))
        let expected = try pythonDiff(original, edited)
        XCTAssertEqual(expected, "121 rows: +0 added, ~2 changed, -11 removed, =119 unchanged")
        let result = try h.pipeline("refresh", "gp-patient-survey")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines.map { $0.replacingOccurrences(of: #"revision \d+"#, with: "revision N", options: .regularExpression) },
                       ["gpps-practices 2026: revision N is now current (\(expected))"])
        XCTAssertEqual(try h.database.psql("SELECT status, added, changed, removed, unchanged FROM etl.revision_log WHERE source = 'gp-patient-survey' ORDER BY revision")
                        .map { $0.joined(separator: " ") }, ["superseded 132 0 0 0", "current 0 2 11 119"])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_patient_survey WHERE practice = 'A81004'"), "0")
        XCTAssertEqual(try h.database.psql("SELECT coalesce(value::text, 'NULL'), value_raw FROM api.gp_patient_survey WHERE practice = 'A81002' AND measure = 'gpcontactoverall.pcteval'"),
                       [["NULL", "-99"]])
    }

    /// Any negative value in a result column is a sentinel, not only the four seen so far:
    /// NULL with the token kept as published; reconciled to Python's own count and sums.
    func testEveryNegativeValueIsASuppressionSentinelKeptRaw() throws {
        let edited = try h.edited(served(2025), as: Self.fileName(2025), """
            at = rows[0].index('overallexp_1.pct')
            rows[2][at] = '-1'; rows[3][at] = '-96'; rows[4][at] = '-0.5'; rows[5][at + 1] = '-1000'
            """)
        let result = try h.pipeline("load", "gp-patient-survey", edited)
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = try python(edited)
        let rows = try h.database.psql("SELECT measure, coalesce(sum(value), 0)::text FROM api.gp_patient_survey WHERE year = '2025' GROUP BY measure")
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: rows.map { ($0[0], Decimal(string: $0[1])!) }), expected.sums,
                       "the negatives are left out of every sum")
        XCTAssertEqual(try h.database.psql("SELECT count(*), count(value_raw) FROM api.gp_patient_survey WHERE year = '2025'")[0],
                       [String(expected.cells), String(expected.sentinels)])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_patient_survey WHERE value < 0"), "0")
        XCTAssertEqual(try h.database.psql("""
            SELECT value_raw FROM api.gp_patient_survey
            WHERE year = '2025' AND value IS NULL AND value_raw IN ('-1', '-96', '-0.5', '-1000') ORDER BY value_raw
            """).map { $0[0] }, ["-0.5", "-1", "-1000", "-96"])
    }

    func testBadFilesAreRefusedNamingFileLineAndColumnAndNothingOfThemIsVisible() throws {
        let renamed = try h.edited(served(2023), as: Self.fileName(2023), "rows[0][rows[0].index('CR_Code')] = 'Region_Code'")
        let r1 = try h.pipeline("load", "gp-patient-survey", renamed)
        XCTAssertEqual(r1.status, 65)
        XCTAssertEqual(r1.stderr, "\(renamed):1: header does not match gpps-practices: missing CR_CODE\n")
        let texted = try h.edited(served(2025), as: Self.fileName(2025), "rows[4][rows[0].index('overallexp_1.pct')] = '45%'")
        let r2 = try h.pipeline("load", "gp-patient-survey", texted)
        XCTAssertEqual(r2.status, 65)
        XCTAssertEqual(r2.stderr.components(separatedBy: "\n").count, 2, r2.stderr)
        XCTAssertTrue(r2.stderr.hasPrefix("\(texted):5:11: "), r2.stderr)
        XCTAssertTrue(r2.stderr.contains("'45%' in 'overallexp_1.pct'"), r2.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.gp_patient_survey"), "0")

        // Served: the newest year with a renamed practice column; the refresh fails with one line.
        let served2026 = served(2026)
        let broken = try h.edited(served2026, as: "broken.csv", "rows[0][0] = 'ad_practice_code'")
        try FileManager.default.removeItem(atPath: served2026)
        try FileManager.default.copyItem(atPath: broken, toPath: served2026)
        let refresh = try h.pipeline("refresh", "gp-patient-survey")
        XCTAssertEqual(refresh.status, 65, refresh.stdout)
        XCTAssertTrue(refresh.stderr.contains("\(Self.fileName(2026))"), refresh.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.gp_patient_survey"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revision_log WHERE source = 'gp-patient-survey'"), "0")
    }
}
