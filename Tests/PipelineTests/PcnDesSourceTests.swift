import Foundation
import TestSupport
import XCTest

/// MI Network Contract DES (NCDes): the monthly CSVs and the 2024-25 metadata from the saved
/// publisher site, reconciled row by row with an independent reckoning in Python over the same
/// files (values, suppression tokens, the PCN on the achievement date from the ODS memberships,
/// the ruleset from the metadata); republished months counted exactly; bad files refused.
final class PcnDesSourceTests: PublisherSiteTestCase {
    let ods = "/www.odsdatasearchandexport.nhs.uk/api/getReport/report=epcncorepartnerdetails"

    override func setUpWithError() throws {
        try super.setUpWithError()
        h.extraEnvironment["PIPELINE_NOW"] = "2026-11-21T06:00:00Z"
    }

    /// The path of a file of the served site by its stored name.
    func siteFile(_ name: String) throws -> String {
        let root = site.url.appendingPathComponent("files.digital.nhs.uk")
        let found = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.lastPathComponent == name }
        XCTAssertEqual(found.count, 1, name)
        return try XCTUnwrap(found.first).path
    }

    /// Python's reading of NCDes files (a CSV, a zip of one, or a by-ruleset zip whose entries'
    /// names give the ruleset; for a month in several, the last wins, and a month's single file
    /// wins over its by-ruleset zip), with the PCN each practice had on the achievement date
    /// according to the ODS membership file, and the ruleset the month's by-ruleset zip files the
    /// indicator under, else the one the metadata gives: one line per published row.
    func python(files: [String], memberships: String? = nil, metadata: String? = nil) throws -> [String] {
        let script = """
            import csv, io, json, sys, zipfile
            args = json.loads(sys.argv[1])
            single, by_ruleset, filed = {}, {}, {}
            def read(text, into, ruleset=None):
                for r in csv.DictReader(text):
                    d, m, y = r['ACH_DATE'].split('/')
                    into.setdefault(y + '-' + m, []).append((y + '-' + m + '-' + d, r))
                    if ruleset: filed[(y + '-' + m, r['IND_CODE'])] = ruleset
            for spec in args['files']:
                seen = {}
                if spec.endswith('_By_Ruleset.zip'):
                    z = zipfile.ZipFile(spec)
                    for name in z.namelist():
                        ruleset = name[:-4].split('_', 1)[1]
                        read(io.TextIOWrapper(z.open(name), encoding='utf-8', newline=''), seen, ruleset)
                    by_ruleset.update(seen)
                    continue
                if spec.endswith('.zip'):
                    z = zipfile.ZipFile(spec)
                    read(io.TextIOWrapper(z.open(z.namelist()[0]), encoding='utf-8', newline=''), seen)
                else:
                    read(open(spec, encoding='utf-8', newline=''), seen)
                single.update(seen)
            months = dict(by_ruleset, **single)
            members = []
            if args.get('memberships'):
                for f in csv.reader(open(args['memberships'], encoding='utf-8', newline='')):
                    members.append((f[0], f[4], f[8], f[9]))
            rulesets = {}
            if args.get('metadata'):
                rows = csv.reader(open(args['metadata'], encoding='utf-8-sig', newline=''))
                header = next(rows)
                ind, rule = header.index('INDICATOR_ID'), header.index('Ruleset')
                for f in rows:
                    rulesets[f[ind]] = f[rule]
            def pcn(practice, date):
                day = date.replace('-', '')
                mine = [m for m in members if m[0] == practice]
                now = sorted((m for m in mine if m[2] <= day and (m[3] == '' or m[3] >= day)), key=lambda m: (m[2], m[1]))
                if now: return now[-1][1], 'member'
                if mine: return '', 'no membership at date'
                return '', 'not in ODS memberships' if members else 'ODS not loaded'
            for month in sorted(months):
                for date, r in months[month]:
                    value, raw = (r['VALUE'], '') if r['VALUE'] != '*' else ('', '*')
                    code, status = pcn(r['PRACTICE_CODE'], date)
                    print('|'.join([date, r['PRACTICE_CODE'], r['IND_CODE'], r['MEASURE'], value, raw, code, status,
                                    filed.get((month, r['IND_CODE']), rulesets.get(r['IND_CODE'], ''))]))
            """
        var json: [String: Any] = ["files": files]
        if let memberships { json["memberships"] = memberships }
        if let metadata { json["metadata"] = metadata }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        let result = try Run.program("python3", ["-c", script, text])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.lines.sorted()
    }

    /// What api.pcn_des serves, in the same shape.
    func served(_ condition: String = "true") throws -> [String] {
        try h.database.psql("""
            SELECT concat_ws('|', date, practice, indicator, measure, coalesce(value::text, ''), coalesce(value_raw, ''),
                             coalesce(pcn, ''), pcn_status, coalesce(ruleset, ''))
            FROM api.pcn_des WHERE \(condition)
            """).map { $0.joined(separator: "\t") }.sorted()
    }

    /// The ODS membership file as the loader knows it by name.
    func membershipsFile() throws -> String {
        let copy = h.scratch.url.appendingPathComponent("epcncorepartnerdetails.csv").path
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: site.url.path + ods, toPath: copy)
        return copy
    }

    func testRefreshLoadsTheNewestEditionAndEveryRowReconcilesWithPython() throws {
        let result = try h.pipeline("refresh", "ods", "pcn-des")
        XCTAssertEqual(result.status, 0, result.stderr)
        let scopes = try h.database.psql("SELECT dataset, period, array_to_string(inputs, ',') FROM etl.revision_log WHERE source = 'pcn-des' AND status = 'current' ORDER BY 1, 2")
            .map { $0.joined(separator: " ") }
        XCTAssertEqual(scopes, [
            "pcn-des 2024-09-01 NCDesSeptember24_v2.zip:NCDesSeptember24.csv",
            "pcn-des 2024-10-01 NCDesOctober24.zip:NCDesOctober24.csv",
            "pcn-des-indicators 2024-04-01 NCD_metadata_2024-25.csv",
        ], "the October 2024 edition: its month, September re-issued, and the 2024-25 metadata")

        let expected = try python(files: [try siteFile("NCDesSeptember24_v2.zip"), try siteFile("NCDesOctober24.zip")],
                                  memberships: site.url.path + ods, metadata: try siteFile("NCD_metadata_2024-25.csv"))
        XCTAssertEqual(expected.count, 374)
        XCTAssertEqual(try served(), expected)
        XCTAssertEqual(expected.filter { $0.contains("||*|") }.count, 8, "four suppressed values a month")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des WHERE value IS NULL AND value_raw = '*'"), "8")
        // Every status is one a reader can act on; the movers sit in their new PCN in 2024.
        XCTAssertEqual(try h.database.psql("SELECT DISTINCT practice, pcn, pcn_status FROM api.pcn_des WHERE practice IN ('A89017', 'A81633', 'Y99999') ORDER BY 1"),
                       [["A81633", "", "not in ODS memberships"], ["A89017", "U14646", "member"], ["Y99999", "", "not in ODS memberships"]])
        XCTAssertEqual(try h.database.value("SELECT DISTINCT practice_name FROM api.pcn_des WHERE practice = 'B81004'"), "EASTGATE MEDICAL GROUP, HORNSEA")

        let again = try h.pipeline("refresh", "ods", "pcn-des")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.lines.filter { $0.contains("nothing new") }.count, 2, again.stdout)
    }

    /// The PCN is the membership in force on the achievement date, kept right whichever of the
    /// two is loaded first: March 2023 takes the movers' old PCN, 2024 their new one; the ICB
    /// comes from the practice map of the month or the newest before it, the ruleset from the
    /// metadata (2022-23 has none loaded: the nearest year's).
    func testThePCNIsTheMembershipOnTheAchievementDateWhicheverIsLoadedFirst() throws {
        let march = try siteFile("NCDesMarch23.csv"), september = try siteFile("NCDesSeptember24.zip")
        for file in [march, september] { XCTAssertEqual(try h.pipeline("load", "pcn-des", file).status, 0) }
        XCTAssertEqual(try served(), try python(files: [march, september]), "before ODS: every PCN unknown, and why")
        XCTAssertEqual(try h.database.value("SELECT DISTINCT pcn_status FROM api.pcn_des"), "ODS not loaded")

        let members = try membershipsFile()
        let ods = try h.pipeline("load", "ods", members, "--period", "2026-11")
        XCTAssertEqual(ods.status, 0, ods.stderr)
        XCTAssertEqual(try served(), try python(files: [march, september], memberships: members))
        XCTAssertEqual(try h.database.psql("SELECT DISTINCT date, pcn FROM api.pcn_des WHERE practice = 'A89017' ORDER BY 1"),
                       [["2023-03-31", "U69720"], ["2024-09-30", "U14646"]], "Coalfields PCN until 31 March 2023, Sunderland West 1 after")

        let metadata = try siteFile("NCD_metadata_2024-25.csv")
        XCTAssertEqual(try h.pipeline("load", "pcn-des", metadata).status, 0)
        XCTAssertEqual(try served(), try python(files: [march, september], memberships: members, metadata: metadata))
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des WHERE ruleset IS NULL"), "0")

        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des WHERE icb IS NOT NULL"), "0", "no practice map yet")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-map_2022-01.csv")).status, 0)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des WHERE icb IS DISTINCT FROM (SELECT m.icb FROM data.practice_map m WHERE m.org = practice AND m.valid_to IS NULL)"),
                       "0", "every practice's ICB from the January 2022 map (NULL for the one it lacks)")
        XCTAssertEqual(try h.database.value("SELECT string_agg(DISTINCT practice, ',') FROM api.pcn_des WHERE icb IS NULL"), "A89015,A89017,B81004,Y99999",
                       "the practices the map sample (its first lines) lacks")

        // A date no membership covers (the PCN DES began in July 2019).
        let early = try h.scratch.write("NCDesJune19.csv", """
            PRACTICE_CODE,PRACTICE_NAME,QUALITY_SERVICE,ACH_DATE,IND_CODE,MEASURE,VALUE
            A81001,THE DENSHAM SURGERY,NCD1920,30/06/2019,CAN04,Numerator,3

            """)
        XCTAssertEqual(try h.pipeline("load", "pcn-des", early).status, 0)
        XCTAssertEqual(try h.database.psql("SELECT pcn, pcn_status FROM api.pcn_des WHERE date = '2019-06-30'"), [["", "no membership at date"]])
    }

    /// Python's count of what changes between two editions of a month, by natural key.
    func pythonDiff(_ before: String, _ after: String) throws -> String {
        let script = """
            import csv, io, sys, zipfile
            def rows(path):
                text = io.TextIOWrapper(zipfile.ZipFile(path).open(zipfile.ZipFile(path).namelist()[0]), encoding='utf-8', newline='') \\
                    if path.endswith('.zip') else open(path, encoding='utf-8', newline='')
                return {(r['PRACTICE_CODE'], r['IND_CODE'], r['MEASURE']): (r['VALUE'], r['PRACTICE_NAME'], r['QUALITY_SERVICE'], r['ACH_DATE'])
                        for r in csv.DictReader(text)}
            a, b = rows(sys.argv[1]), rows(sys.argv[2])
            added = sum(1 for k in b if k not in a)
            removed = sum(1 for k in a if k not in b)
            changed = sum(1 for k in b if k in a and a[k] != b[k])
            print(f"{len(b)} rows: +{added} added, ~{changed} changed, -{removed} removed, ={len(b) - added - changed} unchanged")
            """
        let result = try Run.program("python3", ["-c", script, before, after])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testARepublishedMonthIsARevisionOfThatMonthCountedExactly() throws {
        let first = try siteFile("NCDesSeptember24.zip"), reissue = try siteFile("NCDesSeptember24_v2.zip")
        XCTAssertEqual(try h.pipeline("load", "pcn-des", first).stdout,
                       "pcn-des 2024-09: revision 1 is now current (187 rows: +187 added, ~0 changed, -0 removed, =0 unchanged)\n")
        let v2 = try h.pipeline("load", "pcn-des", reissue)
        XCTAssertEqual(v2.stdout, "pcn-des 2024-09: revision 2 is now current (\(try pythonDiff(first, reissue)))\n", v2.stderr)
        XCTAssertEqual(try pythonDiff(first, reissue), "187 rows: +0 added, ~11 changed, -0 removed, =176 unchanged", "EHCH01 numerators corrected")
        // The rows as published keep their history: each corrected value is one removed row and one added.
        XCTAssertEqual(try h.database.value("""
            SELECT string_agg(change || ':' || n, ',' ORDER BY change)
            FROM (SELECT change, count(*) AS n FROM api.pcn_des_published_changes('2024-09-01') GROUP BY change) c
            """), "added:11,removed:11")

        // A third edition drops a practice, adds an indicator for another and suppresses a value.
        let unzipped = h.scratch.url.appendingPathComponent("NCDesSeptember24.csv").path
        XCTAssertEqual(try Run.program("python3", ["-c", "import zipfile, sys; open(sys.argv[2], 'wb').write(zipfile.ZipFile(sys.argv[1]).read('NCDesSeptember24.csv'))",
                                                   reissue, unzipped]).status, 0)
        let v3 = try h.edited(unzipped, as: "NCDesSeptember24_v3.csv", """
            rows[1:] = [r for r in rows[1:] if r[0] != 'A81004']
            rows.append(['A81005', 'SPRINGWOOD SURGERY', 'NCD2425', '30/09/2024', 'PC01', 'Numerator', '7'])
            rows.append(['A81005', 'SPRINGWOOD SURGERY', 'NCD2425', '30/09/2024', 'PC01', 'Denominator', '9'])
            next(r for r in rows if r[0] == 'A81001' and r[4] == 'VI01' and r[5] == 'Numerator')[6] = '*'
            """)
        let third = try h.pipeline("load", "pcn-des", v3)
        let expected = try pythonDiff(reissue, v3)
        XCTAssertEqual(expected, "172 rows: +2 added, ~1 changed, -17 removed, =169 unchanged")
        let log = try h.revisions("pcn-des")
        // (The appended rows are regrouped by practice before loading, which uses a revision number.)
        let newest = try XCTUnwrap(log.last?["revision"] as? Int)
        XCTAssertEqual(third.stdout, "pcn-des 2024-09: revision \(newest) is now current (\(expected))\n", third.stderr)
        XCTAssertEqual(log.map { "\($0["status"]!) \($0["added"]!)/\($0["changed"]!)/\($0["removed"]!)/\($0["unchanged"]!)" },
                       ["superseded 187/0/0/0", "superseded 0/11/0/176", "current 2/1/17/169"])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des"), "172")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des WHERE practice = 'A81004'"), "0")
        // A changed practice's rows come from the newest file; unchanged practices keep the
        // revision they were first read from (segments that did not change are not rewritten).
        XCTAssertEqual(try h.database.value("SELECT string_agg(DISTINCT revision::text, ',') FROM api.pcn_des WHERE practice = 'A81001'"), String(newest))
        XCTAssertEqual(try h.database.value("SELECT max(revision) FROM api.pcn_des"), String(newest))
        XCTAssertEqual(try h.database.psql("SELECT coalesce(value::text, 'NULL'), value_raw FROM api.pcn_des WHERE practice = 'A81001' AND indicator = 'VI01' AND measure = 'Numerator'"),
                       [["NULL", "*"]])
    }

    func testBadFilesAreRefusedNamingFileLineAndColumnAndNothingOfThemIsVisible() throws {
        let march = try siteFile("NCDesMarch23.csv")
        let renamed = try h.edited(march, as: "NCDesMarch23.csv", "rows[0][4] = 'INDICATOR_CODE'")
        let r1 = try h.pipeline("load", "pcn-des", renamed)
        XCTAssertEqual(r1.status, 65)
        XCTAssertEqual(r1.stderr, "\(renamed):1: header does not match pcn-des: missing IND_CODE; unexpected 'INDICATOR_CODE'\n")
        let restyled = try h.edited(march, as: "NCDesMarch23_v2.csv", "rows[40][3] = '2023-Mar-31'")
        let r2 = try h.pipeline("load", "pcn-des", restyled)
        XCTAssertEqual(r2.status, 65)
        XCTAssertEqual(r2.stderr, "\(restyled):41:4: invalid date '2023-Mar-31' in ACH_DATE\n")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.files"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.pcn_des"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des"), "0")

        // Served by the publisher: the October edition's own file with a renamed column. The
        // refresh fails with the same one line, and nothing of the edition becomes visible.
        let october = try siteFile("NCDesOctober24.zip")
        XCTAssertEqual(try Run.program("python3", ["-c", """
            import io, sys, zipfile
            path = sys.argv[1]
            data = zipfile.ZipFile(path).read('NCDesOctober24.csv').decode().replace('MEASURE,VALUE', 'MEASURE_NAME,VALUE', 1)
            with zipfile.ZipFile(path, 'w') as z: z.writestr('NCDesOctober24.csv', data)
            """, october]).status, 0)
        let refresh = try h.pipeline("refresh", "pcn-des")
        XCTAssertEqual(refresh.status, 65, refresh.stdout)
        XCTAssertTrue(refresh.stderr.contains("NCDesOctober24.zip:NCDesOctober24.csv:1: header does not match pcn-des: missing MEASURE; unexpected 'MEASURE_NAME'"),
                      refresh.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des WHERE date = '2024-10-31'"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revision_log WHERE source = 'pcn-des'"), "0",
                       "neither the re-issued September nor the metadata of the same edition")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des_indicators"), "0")
    }

    /// The by-ruleset zip: one CSV per ruleset (names with spaces and `&`, one with no rows),
    /// the month's rows when the single file is missing, and the ruleset each indicator is filed
    /// under when it is not (the single file wins for the rows whichever loads first).
    func testTheByRulesetZipGivesRulesetsAndTheMonthWhenTheSingleFileIsMissing() throws {
        let august = try siteFile("NCDesAugust24_By_Ruleset.zip")
        let loaded = try h.pipeline("load", "pcn-des", august)
        XCTAssertEqual(loaded.stdout, "pcn-des-by-ruleset 2024-08: revision 1 is now current (187 rows: +187 added, ~0 changed, -0 removed, =0 unchanged)\n", loaded.stderr)
        XCTAssertTrue(loaded.stderr.contains("NCDesAugust24_Proactive Care.csv: no rows to load; left out"), loaded.stderr)
        XCTAssertEqual(try h.revisions("pcn-des").first?["inputs"] as? [String], [
            "Access", "Cancer", "Enhanced Health in Care Homes", "Environmental Sustainability", "SMRs & Medicines Optimisation",
            "Tackling Health Inequalities", "Vaccination & Immunisation",
        ].map { "NCDesAugust24_By_Ruleset.zip:NCDesAugust24_\($0).csv" })
        XCTAssertEqual(try served(), try python(files: [august]))
        XCTAssertEqual(try h.database.value("SELECT string_agg(DISTINCT dataset, ',') FROM api.pcn_des"), "pcn-des-by-ruleset")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des WHERE ruleset = 'SMRs & Medicines Optimisation'"), "22")

        // September: both files; the single file's rows are served, with the zip's rulesets.
        let septemberByRuleset = try siteFile("NCDesSeptember24_By_Ruleset.zip"), september = try siteFile("NCDesSeptember24.zip")
        for file in [septemberByRuleset, september] { XCTAssertEqual(try h.pipeline("load", "pcn-des", file).status, 0) }
        XCTAssertEqual(try served(), try python(files: [august, septemberByRuleset, september]))
        XCTAssertEqual(try h.database.psql("SELECT DISTINCT date, dataset FROM api.pcn_des ORDER BY 1"),
                       [["2024-08-31", "pcn-des-by-ruleset"], ["2024-09-30", "pcn-des"]])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_des WHERE ruleset IS NULL"), "0", "no metadata loaded: the zip's rulesets")
        let metadata = try siteFile("NCD_metadata_2024-25.csv")
        XCTAssertEqual(try h.pipeline("load", "pcn-des", metadata).status, 0)
        XCTAssertEqual(try served(), try python(files: [august, septemberByRuleset, september], metadata: metadata))
    }

    /// A warehouse of the version that kept every value in `data.pcn_des_values` (behind the
    /// view) upgrades with `pipeline migrate`: the copy is dropped, the small tables are built for
    /// the months it held (the single file's and the by-ruleset zip's), api.pcn_des serves the same
    /// rows, and loading goes on.
    func testAWarehouseWithThePerValueCopyUpgradesInPlace() throws {
        let august = try siteFile("NCDesAugust24_By_Ruleset.zip"), september = try siteFile("NCDesSeptember24.zip")
        let members = try membershipsFile()
        XCTAssertEqual(try h.pipeline("load", "ods", members, "--period", "2026-11").status, 0)
        for file in [august, september] { XCTAssertEqual(try h.pipeline("load", "pcn-des", file).status, 0) }
        let expected = try python(files: [august, september], memberships: members)
        XCTAssertEqual(try served(), expected)
        // What that version had: the copy and a view over it; none of the small tables or indexes.
        try h.database.psql("""
            CREATE TABLE data.pcn_des_values AS SELECT * FROM api.pcn_des;
            DROP VIEW api.pcn_des;
            CREATE VIEW api.pcn_des AS SELECT * FROM data.pcn_des_values;
            DROP TABLE data.pcn_des_practice_months, data.pcn_des_indicator_months;
            DROP INDEX data.pcn_des_achievement_date, data.pcn_des_by_ruleset_achievement_date;
            UPDATE etl.declared_schema SET checksum = 'the previous version';
            """)
        let migrate = try h.pipeline("migrate")
        XCTAssertEqual(migrate.status, 0, migrate.stderr)
        XCTAssertTrue(migrate.stdout.contains("created data.pcn_des_practice_months"), migrate.stdout)
        XCTAssertEqual(try h.database.value("SELECT to_regclass('data.pcn_des_values') IS NULL"), "t", "the copy is dropped")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'pcn_des%achievement_date'"), "2")
        XCTAssertEqual(try served(), expected)
        XCTAssertEqual(try h.database.psql("SELECT DISTINCT date, dataset FROM api.pcn_des ORDER BY 1"),
                       [["2024-08-31", "pcn-des-by-ruleset"], ["2024-09-30", "pcn-des"]])
        XCTAssertEqual(try h.pipeline("migrate").stdout.hasPrefix("schema is up to date"), true)

        let october = try siteFile("NCDesOctober24.zip")
        XCTAssertEqual(try h.pipeline("load", "pcn-des", october).status, 0)
        XCTAssertEqual(try served(), try python(files: [august, september, october], memberships: members))
    }

    /// NHS England's real 2024-25 metadata: INDICATOR_ID twice in the header, 66 indicators in
    /// 11 rulesets whose names have spaces and `&`.
    func testTheRealMetadataLoadsWithItsRepeatedColumnAndRulesetNames() throws {
        let metadata = try siteFile("NCD_metadata_2024-25.csv")
        let result = try h.pipeline("load", "pcn-des", metadata)
        XCTAssertEqual(result.stdout, "pcn-des-indicators 2024-25: revision 1 is now current (302 rows: +302 added, ~0 changed, -0 removed, =0 unchanged)\n", result.stderr)
        let counts = try Run.program("python3", ["-c", """
            import csv, sys
            rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
            print(len({r['INDICATOR_ID'] for r in rows}), len({r['Ruleset'] for r in rows}),
                  sum(1 for r in rows if r['Ruleset'] == 'SMRs & Medicines Optimisation'))
            """, metadata])
        XCTAssertEqual(try h.database.psql("""
            SELECT count(DISTINCT indicator), count(DISTINCT ruleset), count(*) FILTER (WHERE ruleset = 'SMRs & Medicines Optimisation')
            FROM api.pcn_des_indicators WHERE year = '2024/25'
            """)[0].joined(separator: " "), counts.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(try h.database.psql("SELECT ruleset, measure_type FROM api.pcn_des_indicators WHERE indicator = 'CAN04' AND measure = 'Rule 4: FAECIMMDEC_DAT'"),
                       [["Cancer", "PCA"]])
        // Saved by a spreadsheet (a BOM, CRLF line ends), another year's file reads the same.
        let resaved = h.scratch.url.appendingPathComponent("NCD_metadata_2025-26.csv").path
        XCTAssertEqual(try Run.program("python3", ["-c", "import sys; open(sys.argv[2], 'wb').write(b'\\xef\\xbb\\xbf' + open(sys.argv[1], 'rb').read().replace(b'\\n', b'\\r\\n'))",
                                                   metadata, resaved]).status, 0)
        let bom = try h.pipeline("load", "pcn-des", resaved)
        XCTAssertEqual(bom.stdout, "pcn-des-indicators 2025-26: revision 2 is now current (302 rows: +302 added, ~0 changed, -0 removed, =0 unchanged)\n", bom.stderr)
        XCTAssertEqual(try h.database.value("""
            SELECT count(*) FROM ((SELECT indicator, ruleset, description, measure, measure_type FROM api.pcn_des_indicators WHERE year = '2024/25'
                                   EXCEPT SELECT indicator, ruleset, description, measure, measure_type FROM api.pcn_des_indicators WHERE year = '2025/26')) d
            """), "0")
        let unnamed = h.scratch.url.appendingPathComponent("NCD_metadata.csv").path
        try FileManager.default.copyItem(atPath: metadata, toPath: unnamed)
        let refused = try h.pipeline("load", "pcn-des", unnamed)
        XCTAssertEqual(refused.status, 65)
        XCTAssertEqual(refused.stderr, "\(unnamed): NCD metadata file whose name gives no service year (expected e.g. NCD_metadata_2024-25.csv)\n")
    }
}
