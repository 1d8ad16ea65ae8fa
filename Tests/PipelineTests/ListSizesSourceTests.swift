import Foundation
import TestSupport
import XCTest

/// Patients Registered at a GP Practice, on the real published files (Fixtures/publisher holds
/// complete months, byte-exact) and edited copies: header eras, date styles, refusals, and the
/// API views the developer API reads.
final class ListSizesSourceTests: XCTestCase {
    var h: Harness!

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    /// Every real registrations file in the publisher mirror.
    static let publishedFiles: [String] = {
        let root = Fixtures.url("publisher/files.digital.nhs.uk")
        return FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.lastPathComponent.hasPrefix("gp-reg-pat-prac-") && ["csv", "zip"].contains($0.pathExtension) }
            .map(\.path).sorted()
    }()

    func testEveryRealFileReconcilesToItsOwnTotal() throws {
        XCTAssertEqual(Self.publishedFiles.count, 9)
        for file in Self.publishedFiles where file.hasSuffix(".csv") {
            let result = try h.pipeline("load", "list-sizes", file)
            XCTAssertEqual(result.status, 0, "\(file): \(result.stderr)")
            let line = try XCTUnwrap(result.lines.first)
            let period = String(line.split(separator: " ")[1].dropLast())  // "2025-10:"
            if file.hasSuffix("gp-reg-pat-prac-map.csv") {
                let rows = try Run.program("python3", ["-c", "import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], newline=''))))", file])
                XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.practice_map WHERE valid_to IS NULL AND period = '\(period)-01'"),
                               rows.stdout.trimmingCharacters(in: .whitespacesAndNewlines), file)
            } else {
                XCTAssertEqual(try h.database.value("SELECT sum(patients) FROM api.list_sizes WHERE month = '\(period)-01' AND dataset = 'list-sizes-all'"),
                               String(try Harness.pythonPatientTotal(file)), file)
            }
        }
        XCTAssertEqual(try h.database.value("SELECT sum(patients) FROM api.list_sizes WHERE month = '2025-10-01'"), "63919527",
                       "the figure the October 2025 publication page states")
    }

    /// Segments are written once, with the PCN, ICB and region of the map in force, when the map
    /// comes first in the publication (as a refresh orders an edition's files); when it comes
    /// after the files it serves, the rule after activation still gives them its hierarchy.
    func testSegmentsAreWrittenOnceWithTheirHierarchyAndAMapLoadedLastStillGivesIt() throws {
        let map = Fixtures.registrations("gp-reg-pat-prac-map_2020-09.csv"), all = Fixtures.registrations("gp-reg-pat-prac-all_2021-01.csv")
        let differing = """
            SELECT count(*) FROM data.list_sizes l
            LEFT JOIN data.practice_map m ON m.org = l.org AND m.valid_to IS NULL
            WHERE l.valid_to IS NULL AND (l.pcn, l.icb, l.region, l.hierarchy_period) IS DISTINCT FROM (m.pcn, m.icb, m.region, m.period)
            """
        func statistics() throws -> (inserted: Int, updated: Int) {
            let row = try h.database.psql("SELECT n_tup_ins, n_tup_upd FROM pg_stat_user_tables WHERE relid = 'data.list_sizes'::regclass")[0]
            return (Int(row[0]) ?? -1, Int(row[1]) ?? -1)
        }
        let first = try h.pipeline("load", "list-sizes", map, all)
        XCTAssertEqual(first.status, 0, first.stderr)
        let filled = Int(try h.database.value("SELECT count(*) FROM data.list_sizes WHERE valid_to IS NULL AND icb IS NOT NULL")) ?? 0
        XCTAssertGreaterThan(filled, 10)
        XCTAssertEqual(try h.database.value(differing), "0", "every practice has the map's hierarchy")
        let segments = Int(try h.database.value("SELECT count(*) FROM data.list_sizes")) ?? 0
        XCTAssertTrue(try eventually { try statistics().inserted >= segments }, "the load's statistics reached the server")
        XCTAssertEqual(try statistics().updated, 0, "no segment was rewritten after its COPY")

        let other = try Harness()
        defer { try? other.assertIntegrityIfMigrated() }
        h = other
        let reversed = try h.pipeline("load", "list-sizes", all, map)
        XCTAssertEqual(reversed.status, 0, reversed.stderr)
        XCTAssertEqual(try h.database.value(differing), "0", "the map loaded last still gives every practice its hierarchy")
        XCTAssertTrue(try eventually { try statistics().updated >= filled }, "set after activation instead")
    }

    func testBothHeaderErasAndEveryDateStyleLoadIntoTheRightPeriod() throws {
        let cases: [(String, String, String)] = [
            ("gp-reg-pat-prac-all_2021-01.csv", "list-sizes-all", "2021-01"),        // CCG_* era, 01JAN2021
            ("gp-reg-pat-prac-all_2025-10.csv", "list-sizes-all", "2025-10"),        // SUB_ICB_* era, 2025-10-01
            ("gp-reg-pat-prac-map_2022-01.csv", "practice-map", "2022-01"),          // 01Jan2022
            ("gp-reg-pat-prac-map_2020-09.csv", "practice-map", "2020-09"),          // 01-Sep-20
            ("gp-reg-pat-prac-quin-age_2017-09_fixture.csv", "list-sizes-quin-age", "2017-09"),  // 01SEP2017
        ]
        for (file, dataset, period) in cases {
            let result = try h.pipeline("load", "list-sizes", Fixtures.registrations(file))
            XCTAssertEqual(result.status, 0, "\(file): \(result.stderr)")
            XCTAssertTrue(result.stdout.hasPrefix("\(dataset) \(period): revision "), "\(file): \(result.stdout)")
        }
        // The CCG-era sub-ICB column lands in the same place as the ICB-era one.
        XCTAssertEqual(try h.database.value("SELECT sub_icb FROM api.list_sizes WHERE org = 'A84002' AND month = '2021-01-01'"), "00L")
    }

    func testAnUnknownHeaderIsRefusedNamingMissingAndUnexpectedColumnsAndNothingIsLoaded() throws {
        let renamed = try h.edited(Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv"), as: "gp-reg-pat-prac-all.csv",
                                   "rows[0][9] = 'NUM_PATIENTS'\nrows[0].append('NOTES')\nfor r in rows[1:]: r.append('')")
        let result = try h.pipeline("load", "list-sizes", renamed)
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.stderr, "\(renamed):1: header does not match list-sizes-all: missing NUMBER_OF_PATIENTS; unexpected 'NUM_PATIENTS', 'NOTES'\n")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.files"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.list_sizes"), "0")
    }

    func testAPeriodThatDisagreesWithTheExtractDateIsRefused() throws {
        let file = Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")
        let result = try h.pipeline("load", "list-sizes", file, "--period", "2025-11-01")
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.stderr, "\(file):2:2: EXTRACT_DATE 2025-10-01 is in period 2025-10, not 2025-11 as --period says\n")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", file, "--period", "2025-10-01").status, 0)
    }

    /// Every level a multi-level file publishes is kept, under its level (`org_type`), so the
    /// API serves the publication's own PCN, ICB and region totals.
    func testMultiLevelFilesKeepEveryLevelUnderItsOrgType() throws {
        let quin = try h.scratch.write("gp-reg-pat-prac-quin-age.csv", """
            PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS
            GP_PRAC_PAT_LIST,2025-10-01,Comm Region,Y63,E40000012,,ALL,ALL,8000000
            GP_PRAC_PAT_LIST,2025-10-01,ICB,QHM,E54000050,,ALL,ALL,3000000
            GP_PRAC_PAT_LIST,2025-10-01,PCN,U12345,,,ALL,ALL,40000
            GP_PRAC_PAT_LIST,2025-10-01,GP,A81001,E38000247,TS18 1HU,MALE,0_4,120
            GP_PRAC_PAT_LIST,2025-10-01,GP,A81001,E38000247,TS18 1HU,MALE,95+,3
            GP_PRAC_PAT_LIST,2025-10-01,GP,A81002,E38000247,TS18 2AW,FEMALE,ALL,9000

            """)
        let result = try h.pipeline("load", "list-sizes", quin)
        XCTAssertEqual(result.stdout, "list-sizes-quin-age 2025-10: revision 1 is now current (6 rows: +6 added, ~0 changed, -0 removed, =0 unchanged)\n", result.stderr)
        XCTAssertEqual(try h.database.psql("SELECT org_type, org, sex, age, patients FROM api.list_sizes ORDER BY org_type, org, age"),
                       [["COMM_REGION", "Y63", "ALL", "ALL", "8000000"], ["GP", "A81001", "MALE", "0_4", "120"], ["GP", "A81001", "MALE", "95+", "3"],
                        ["GP", "A81002", "FEMALE", "ALL", "9000"], ["ICB", "QHM", "ALL", "ALL", "3000000"], ["PCN", "U12345", "ALL", "ALL", "40000"]])
        XCTAssertEqual(try h.database.value("SELECT sum(patients) FROM api.list_sizes WHERE org_type = 'GP'"), "9123")
        // A level the loader does not know is refused by name, and nothing of the file is kept.
        let unknown = try h.scratch.write("gp-reg-pat-prac-quin-age-2.csv", """
            PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS
            GP_PRAC_PAT_LIST,2025-11-01,GP,A81001,E38000247,TS18 1HU,MALE,0_4,121
            GP_PRAC_PAT_LIST,2025-11-01,Cluster,X99,,,ALL,ALL,5

            """)
        let refused = try h.pipeline("load", "list-sizes", unknown)
        XCTAssertEqual(refused.status, 65)
        XCTAssertEqual(refused.stderr, "\(unknown):3:3: unknown code 'Cluster' in ORG_TYPE (known: CCG, COMM_REGION, Comm Region, ENGLAND, GP, ICB, NATIONAL, National, PCN, REGION, SUB_ICB, SUB_ICB_LOCATION, SUB_ICB_LOCATION_CODE)\n")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.list_sizes WHERE month = '2025-11-01'"), "0")
    }

    func testAZippedFileLoadsAndIsRecognisedByItsEntryName() throws {
        let zip = try XCTUnwrap(Self.publishedFiles.first { $0.hasSuffix(".zip") })
        let result = try h.pipeline("load", "list-sizes", zip)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "list-sizes-quin-age 2017-09: revision 1 is now current (172 rows: +172 added, ~0 changed, -0 removed, =0 unchanged)\n")
        XCTAssertEqual(try h.revisions()[0]["inputs"] as? [String], ["\(zip):gp-reg-pat-prac-quin-age.csv"].map { ($0 as NSString).lastPathComponent })
    }

    func testTheSameKeyTwiceInOneFileIsRefusedNamingBothLines() throws {
        let doubled = try h.edited(Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv"), as: "gp-reg-pat-prac-all.csv",
                                   "rows.insert(3, list(rows[2]))")
        let result = try h.pipeline("load", "list-sizes", doubled)
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.stderr, "\(doubled):4: duplicate key A81002/ALL/ALL (first on line 3)\n")
    }

    func testPracticeHierarchyComesFromTheMapOfTheMonthOrTheNewestEarlierOne() throws {
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2021-01.csv")).status, 0)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.list_sizes WHERE pcn IS NOT NULL"), "0", "no map loaded yet")
        // The September 2020 map is the newest before January 2021: it fills PCN, ICB (STP) and region.
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-map_2020-09.csv")).status, 0)
        let map = try h.database.psql("SELECT pcn, icb, region FROM data.practice_map WHERE org = 'A84002'")
        XCTAssertEqual(try h.database.psql("SELECT pcn, icb, region FROM api.list_sizes WHERE org = 'A84002' AND month = '2021-01-01'"), map)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.list_sizes WHERE month = '2021-01-01' AND pcn IS NULL"),
                       try h.database.value("SELECT count(*) FROM api.list_sizes l WHERE month = '2021-01-01' AND NOT EXISTS (SELECT 1 FROM data.practice_map m WHERE m.org = l.org)"),
                       "only practices missing from the map lack a PCN")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.practices"), "300")
        XCTAssertEqual(try h.database.value("SELECT name FROM api.practices WHERE practice = 'A81001'"), "THE DENSHAM SURGERY")
    }

    /// Each filter the developer API offers is answered by one index on one table: for every
    /// filter column there is a partial index on current segments that leads with it, and
    /// with statistics in place (as autovacuum leaves them) every API query plans as an index
    /// read of the segment table, never a sequential scan.
    func testEveryAPIFilterIsOneIndexedRead() throws {
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-map_2020-09.csv")).status, 0)
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2021-01.csv")).status, 0)
        let filters: [(table: String, column: String)] = [
            ("list_sizes", "org"), ("list_sizes", "period"), ("list_sizes", "pcn"), ("list_sizes", "sub_icb"),
            ("list_sizes", "icb"), ("list_sizes", "region"),
            ("practice_map", "org"), ("practice_map", "period"), ("practice_map", "pcn"), ("practice_map", "sub_icb"),
            ("practice_map", "icb"), ("practice_map", "region"),
        ]
        for filter in filters {
            let leading = try h.database.value("""
                SELECT count(*) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
                WHERE n.nspname = 'data' AND t.relname = '\(filter.table)' AND a.attname = '\(filter.column)'
                  AND (pg_get_expr(i.indpred, i.indrelid) LIKE '%valid_to IS NULL%'
                       OR (SELECT attnum FROM pg_attribute WHERE attrelid = t.oid AND attname = 'valid_to') = ANY (i.indkey::int2[]))
                """)
            // Partial on the current segments, or with valid_to among its keys (one_current leads
            // with the organisation): either way `valid_to IS NULL` is an index condition.
            XCTAssertGreaterThanOrEqual(Int(leading) ?? 0, 1, "an index of current segments leads with data.\(filter.table).\(filter.column)")
        }
        try h.database.psql("ANALYZE data.list_sizes; ANALYZE data.practice_map")
        let queries = [
            "SELECT * FROM api.list_sizes WHERE org = 'A81001'",
            "SELECT * FROM api.list_sizes WHERE month = '2021-01-01'",
            "SELECT * FROM api.list_sizes WHERE pcn = 'U12345' AND month = '2021-01-01'",
            "SELECT * FROM api.list_sizes WHERE sub_icb = '00L'",
            "SELECT * FROM api.list_sizes WHERE icb = 'QHM'",
            "SELECT * FROM api.list_sizes WHERE region = 'Y63' AND month = '2021-01-01'",
            "SELECT * FROM api.practices WHERE practice = 'A81001'",
            "SELECT * FROM api.practices WHERE pcn = 'U12345'",
            "SELECT * FROM api.practices WHERE icb = 'QHM'",
        ]
        for query in queries {
            let plan = try h.database.psql("SET enable_seqscan = off; EXPLAIN (COSTS OFF) \(query)").map { $0.joined() }.joined(separator: "\n")
            let indexRead = plan.split(separator: "\n").contains { line in
                line.contains("Index") && line.contains("Scan") && (line.contains("list_sizes_") || line.contains("practice_map_") || line.contains("practice_directory_"))
            }
            XCTAssertTrue(indexRead, "\(query) reads an index:\n\(plan)")
            XCTAssertFalse(plan.contains("Seq Scan"), "\(query):\n\(plan)")
            XCTAssertFalse(plan.contains("Join") && !plan.contains("InitPlan"), "\(query) joins nothing:\n\(plan)")
        }
    }
}
