import Foundation
import TestSupport
import XCTest

/// NHS Payments to General Practice (nine real years, each a different column set) and ODS
/// practices (both code sets), loaded from the real samples and reconciled to their own files by
/// an independent reckoning in Python.
final class PaymentsAndODSTests: XCTestCase {
    var h: Harness!

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    static let paymentYears = ["14-15", "15-16", "16-17", "17-18", "18-19", "19-20", "20-21", "21-22", "22-23"]
    static func paymentsFile(_ year: String) -> String { Fixtures.path("samples/payments/nhspaymentsgp_\(year)_first2000.csv") }

    /// Python's sums of every numeric column of a payments file (identity columns named
    /// independently of the loader), with the count of suppression tokens and of practices.
    static func pythonPaymentTotals(_ path: String) throws -> (sums: [String: Decimal], tokens: Int, practices: Int) {
        let script = """
            import csv, json, re, sys
            from decimal import Decimal
            identity = {'NHS ENGLAND REGION CODE', 'NHS ENGLAND REGION NAME', 'CCG CODE', 'CCG NAME', 'SUB ICB NAME', 'CODE',
                        'PCN CODE', 'PCN NAME', 'PRACTICE CODE', 'PRACTICE NAME', 'PRACTICE ADDRESS', 'PRACTICE POSTCODE',
                        'PRACTICE OPEN DATE', 'PRACTICE CLOSE DATE', 'CONTRACT TYPE', 'DISPENSING PRACTICE', 'PRACTICE TYPE',
                        'PRACTICETYPE', 'PRACTICE RURALITY', 'PRACTICERURALITY', 'ATYPICAL CHARACTERISTICS',
                        'ATYPICALCHARACTERISTICS', 'QUARTER USED FOR PATIENT DATA'}
            def key(name):
                return re.sub(r'[^A-Z0-9]+', ' ', name.upper()).strip()
            sums, tokens, practices = {}, 0, 0
            with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
                rows = csv.reader(f)
                header = next(rows)
                for row in rows:
                    practices += 1
                    for name, value in zip(header, row):
                        if key(name) in identity:
                            continue
                        value = value.strip()
                        measure = name.strip(' ')
                        sums.setdefault(measure, Decimal(0))
                        if value in ('N/A', 'NA', '-', '*'):
                            tokens += 1
                        elif value:
                            sums[measure] += Decimal(value)
            print(json.dumps({'sums': {k: str(v) for k, v in sums.items()}, 'tokens': tokens, 'practices': practices}))
            """
        let result = try Run.program("python3", ["-c", script, path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let sums = (json["sums"] as! [String: String]).mapValues { Decimal(string: $0)! }
        return (sums, json["tokens"] as! Int, json["practices"] as! Int)
    }

    func testEveryRealPaymentsYearLoadsLongAndEveryColumnReconcilesToTheFile() throws {
        for year in Self.paymentYears {
            let file = Self.paymentsFile(year)
            let result = try h.pipeline("load", "nhs-payments", file)
            XCTAssertEqual(result.status, 0, "\(year): \(result.stderr)")
            let start = "20" + year.prefix(2) + "-04-01"
            XCTAssertTrue(result.stdout.hasPrefix("nhs-payments-practices 20\(year.prefix(2))-\(year.suffix(2)): revision "), result.stdout)

            let expected = try Self.pythonPaymentTotals(file)
            let rows = try h.database.psql("SELECT measure, coalesce(sum(value), 0)::text FROM api.nhs_payments_practices WHERE period = '\(start)' GROUP BY measure")
            let stored = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], Decimal(string: $0[1])!) })
            XCTAssertEqual(Set(stored.keys), Set(expected.sums.keys), "\(year): one measure per payment column, named as published")
            for (measure, total) in expected.sums {
                XCTAssertEqual(stored[measure], total, "\(year) \(measure)")
            }
            XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.nhs_payments_practices WHERE period = '\(start)' AND value_raw IS NOT NULL"),
                           String(expected.tokens), "\(year): every suppression token kept beside its NULL")
            XCTAssertEqual(try h.database.value("SELECT count(DISTINCT practice) FROM api.nhs_payments_practices WHERE period = '\(start)'"),
                           String(expected.practices))
        }
        XCTAssertEqual(try h.database.value("SELECT string_agg(DISTINCT year, ',' ORDER BY year) FROM api.nhs_payments_practices"),
                       "2014/15,2015/16,2016/17,2017/18,2018/19,2019/20,2020/21,2021/22,2022/23")
        // Padded header names are trimmed; the token is kept where the number is missing.
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.nhs_payments_practices WHERE measure = 'Appraisal Costs ' "), "0")
        XCTAssertGreaterThan(Int(try h.database.value("SELECT count(*) FROM api.nhs_payments_practices WHERE measure = 'Appraisal Costs'"))!, 0)
        XCTAssertEqual(try h.database.value("SELECT DISTINCT value_raw FROM api.nhs_payments_practices WHERE value_raw IS NOT NULL"), "N/A")
    }

    func testThe2022to23HeaderIsReadForWhatItHoldsAndPaymentsPerPCNAddUp() throws {
        XCTAssertEqual(try h.pipeline("load", "nhs-payments", Self.paymentsFile("22-23")).status, 0)
        // Published as "CCG Code, Sub ICB NAME, Code, CCG NAME": sub-ICB code and name, PCN code and name.
        XCTAssertEqual(try h.database.psql("SELECT sub_icb, sub_icb_name, pcn, pcn_name FROM data.nhs_payments WHERE org = 'A81001'"),
                       [["16C", "NHS NORTH EAST AND NORTH CUMBRIA ICB - 16C", "U89141", "STOCKTON PCN"]])
        // The revision log keeps the header as published.
        let header = try h.database.value("SELECT array_to_string(header[3:6], '|') FROM etl.revisions")
        XCTAssertEqual(header, "CCG Code|Sub ICB NAME|Code|CCG NAME")
        // Per PCN: the practices' sums.
        let pcnTotal = try h.database.value("SELECT value FROM api.nhs_payments_pcns WHERE pcn = 'U07032' AND measure = 'Global Sum' AND year = '2022/23'")
        let practiceTotal = try h.database.value("SELECT sum(value) FROM api.nhs_payments_practices WHERE pcn = 'U07032' AND measure = 'Global Sum'")
        XCTAssertEqual(try h.database.value("SELECT practices FROM api.nhs_payments_pcns WHERE pcn = 'U07032' AND measure = 'Global Sum'"),
                       try h.database.value("SELECT count(DISTINCT practice) FROM api.nhs_payments_practices WHERE pcn = 'U07032'"))
        XCTAssertEqual(Decimal(string: pcnTotal), Decimal(string: practiceTotal))
        XCTAssertNotEqual(pcnTotal, "")
        // A practice map loaded afterwards gives practices and PCN totals their ICB.
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-map_2022-01.csv")).status, 0)
        let icb = try h.database.value("SELECT DISTINCT icb FROM api.nhs_payments_practices WHERE practice = 'A81002'")
        XCTAssertNotEqual(icb, "")
        XCTAssertEqual(try h.database.value("SELECT DISTINCT icb FROM api.nhs_payments_pcns WHERE pcn = 'U07032'"), icb)
    }

    func testAPaymentsValueThatIsNeitherANumberNorASuppressionTokenIsRefusedNamingLineAndColumn() throws {
        let good = Self.paymentsFile("19-20")
        let bad = try h.edited(good, as: "nhspaymentsgp-19-20-prac-csv.csv", "rows[3][21] = 'twelve'")
        let result = try h.pipeline("load", "nhs-payments", bad)
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.stderrLines.last, "\(bad):4:22: invalid number 'twelve' in 'Global Sum'")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "0")
        // A year the file name does not give must come from --period.
        let unnamed = try h.scratch.copy(good, as: "payments.csv")
        let refused = try h.pipeline("load", "nhs-payments", unnamed)
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.contains("give --period"), refused.stderr)
        XCTAssertEqual(try h.pipeline("load", "nhs-payments", unnamed, "--period", "2019-20").status, 0)
        let mismatch = try h.pipeline("load", "nhs-payments", good, "--period", "2020-21")
        XCTAssertEqual(mismatch.status, 65)
        XCTAssertTrue(mismatch.stderr.contains("the file's name says 2019-20, not 2020-21 as --period says"), mismatch.stderr)
    }

    // MARK: ODS

    /// Python's count of GP practices (prescribing setting 4) per status in a legacy epraccur file.
    static func pythonPracticeStatuses(_ path: String) throws -> [String: Int] {
        let script = """
            import csv, json, sys, collections
            rows = [r for r in csv.reader(open(sys.argv[1], newline='')) if r[25] == '4']
            print(json.dumps(collections.Counter({'A': 'active', 'C': 'closed', 'D': 'dormant', 'P': 'proposed'}[r[12]] for r in rows)))
            """
        let result = try Run.program("python3", ["-c", script, path])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Int])
    }

    func testLegacyEpraccurKeepsGPPracticesOfEveryStatusAndNeedsAPeriod() throws {
        let file = Fixtures.path("samples/ods/epraccur_2023-12_first2000.csv")
        let unperiodic = try h.pipeline("load", "ods", file)
        XCTAssertEqual(unperiodic.status, 65)
        XCTAssertTrue(unperiodic.stderr.contains("give --period"), unperiodic.stderr)

        let result = try h.pipeline("load", "ods", file, "--period", "2023-12")
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = try Self.pythonPracticeStatuses(file)
        let rows = try h.database.psql("SELECT status, count(*) FROM data.ods_practices WHERE valid_to IS NULL GROUP BY status")
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: rows.map { ($0[0], Int($0[1])!) }), expected)
        XCTAssertEqual(try h.database.psql("""
            SELECT name, status, status_code, open_date, close_date, postcode, sub_icb, icb, region, prescribing_setting
            FROM data.ods_practices WHERE org = 'A81003'
            """), [["VICTORIA MEDICAL PRACTICE", "closed", "C", "1974-04-01", "2017-10-31", "TS26 8DB", "00K", "Q74", "Y54", "4"]])
        // The directory serves them, closed ones included, with their status.
        XCTAssertEqual(try h.database.value("SELECT status || ' ' || close_date FROM api.practices WHERE practice = 'A81003'"), "closed 2017-10-31")
        XCTAssertEqual(try h.database.value("SELECT practice FROM api.search_practices('densham')"), "A81001")
        XCTAssertEqual(try h.database.value("SELECT name FROM api.search_practices('a81001')"), "THE DENSHAM SURGERY")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.search_practices('100%')"), "0", "% is a character, not a wildcard")

        // The same practice twice, a header row: refused, naming where.
        let doubled = try h.edited(file, as: "epraccur.csv", "rows.insert(5, rows[2])")
        let duplicate = try h.pipeline("load", "ods", doubled, "--period", "2024-01")
        XCTAssertEqual(duplicate.status, 65)
        XCTAssertEqual(duplicate.stderrLines.last, "\(doubled):6: duplicate key A81003 (first on line 3)")
        let headed = try h.edited(file, as: "epraccur.csv", "rows.insert(0, ['Organisation Code'] + ['x'] * 26)")
        let header = try h.pipeline("load", "ods", headed, "--period", "2024-01")
        XCTAssertEqual(header.status, 65)
        XCTAssertEqual(header.stderrLines.last, "\(headed):1:1: expected a header-less ODS file starting with an organisation code, found 'Organisation Code'; export it without headers")
        // An unknown status code is refused, naming it.
        let edited = try h.edited(file, as: "epraccur.csv", "rows[1][12] = 'X'")
        let refused = try h.pipeline("load", "ods", edited, "--period", "2024-01")
        XCTAssertEqual(refused.status, 65)
        XCTAssertEqual(refused.stderrLines.last, "\(edited):2:13: unknown code 'X' in Status Code (known: A, ACTIVE, C, CLOSED, D, DORMANT, INACTIVE, P, PROPOSED)")
    }
}

/// Files whose rows are not grouped by organisation are regrouped on disk and load exactly as
/// the grouped file does.
final class RegroupingTests: XCTestCase {
    var h: Harness!

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    func testAnInterleavedFileLoadsToTheSameSegmentsAsTheGroupedOne() throws {
        let grouped = h.scratch.url.appendingPathComponent("grouped/Practice_Level_Crosstab_Oct_25.csv").path
        try FileManager.default.createDirectory(atPath: (grouped as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let generated = try Run.program("python3", [Fixtures.root.appendingPathComponent("bench/gen_appointments.py").path, "40000", grouped])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        // Round-robin over practices: every practice's rows keep their order but are scattered.
        let interleaved = h.scratch.url.appendingPathComponent("Practice_Level_Crosstab_Oct_25.csv").path
        let script = """
            import sys, collections
            lines = open(sys.argv[1], newline='').read().split('\\n')
            header, rows = lines[0], [l for l in lines[1:] if l]
            by = collections.OrderedDict()
            for row in rows:
                by.setdefault(row.split(',')[1], []).append(row)
            out = [header]
            queues = list(by.values())
            while any(queues):
                for q in queues:
                    if q:
                        out.append(q.pop(0))
            open(sys.argv[2], 'w', newline='').write('\\n'.join(out) + '\\n')
            """
        XCTAssertEqual(try Run.program("python3", ["-c", script, grouped, interleaved]).status, 0)

        let first = try h.pipeline("load", "gp-appointments", grouped, "--log-format", "json")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertFalse(first.stderr.contains("load.regroup"), "a grouped file streams")
        let again = try h.pipeline("load", "gp-appointments", interleaved)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("are not contiguous"), again.stderr)
        XCTAssertEqual(again.stdout, "gp-appointments 2025-10: unchanged (40000 rows identical to the current revision); nothing written\n")

        // And from scratch, the interleaved file gives the grouped file's segments, hash for hash.
        let hashes = try h.database.value("SELECT md5(string_agg(org || encode(seg_hash, 'hex'), ',' ORDER BY org)) FROM data.gp_appointments")
        try h.database.psql("DELETE FROM data.gp_appointments; DELETE FROM etl.steps; DELETE FROM etl.revisions; DELETE FROM etl.files; DELETE FROM etl.scopes")
        XCTAssertEqual(try h.pipeline("load", "gp-appointments", interleaved).status, 0)
        XCTAssertEqual(try h.database.value("SELECT md5(string_agg(org || encode(seg_hash, 'hex'), ',' ORDER BY org)) FROM data.gp_appointments"), hashes)
        XCTAssertEqual(try h.database.value("SELECT sum(count) FROM api.gp_appointments"),
                       try Run.program("python3", ["-c", "import csv,sys; print(sum(int(r['COUNT_OF_APPOINTMENTS'] or 0) for r in csv.DictReader(open(sys.argv[1]))))", grouped])
                        .stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let scratch = h.cache.url.appendingPathComponent("tmp").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch), "buckets are written in the cache's scratch directory")
        let spills = try FileManager.default.contentsOfDirectory(atPath: scratch).filter { $0.hasPrefix("nhs-pipeline-spill-") }
        XCTAssertEqual(spills, [], "and removed")
    }
}
