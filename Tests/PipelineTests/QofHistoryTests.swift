import Foundation
import TestSupport
import XCTest

/// QOF editions before 2019-20, whose files and columns were named otherwise (modelled zips made
/// by Tests/fixture-tools/make_qof_history.py: no real file of those years was found), and the
/// real 2019-20 and 2020-21 files: each loads, what the API serves reconciles to Python's own
/// reading of the zip, known families that are not read are left out, and a family the loader
/// does not know is refused by name.
final class QofHistoryTests: XCTestCase {
    var h: Harness!

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    static func history(_ name: String) -> String { Fixtures.path("qof-history/" + name) }

    /// Python over a zip's CSVs (names and columns matched here, independently of the loader):
    /// `prevalence` prints practice|group|list type|register|list size, `achievement`
    /// practice|indicator|measure|value, `organisations` practice|CCG|STP or area team|region,
    /// `points` practice|revised maximum points, `indicators` indicator|points|group.
    func python(_ zip: String, _ what: String) throws -> [String] {
        let script = """
            import csv, io, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1]); what = sys.argv[2]
            def rows(prefixes):
                for name in z.namelist():
                    if any(name.upper().startswith(p) for p in prefixes):
                        for r in csv.DictReader(io.TextIOWrapper(z.open(name), encoding='utf-8-sig', newline='')):
                            yield {k.upper(): v for k, v in r.items()}
            def first(r, *names):
                return next((r[n] for n in names if n in r), None)
            if what == 'prevalence':
                for r in rows(['PREVALENCE']):
                    print('|'.join([first(r, 'PRACTICE_CODE', 'PRACTICECODE'), first(r, 'GROUP_CODE', 'INDICATOR_GROUP_CODE', 'INDICATOR_GROUP'),
                                    first(r, 'PATIENT_LIST_TYPE') or 'TOTAL', first(r, 'REGISTER', 'REGISTER_SIZE', 'DISEASE_REGISTER_SIZE'),
                                    first(r, 'PATIENT_LIST_SIZE', 'PRACTICE_LIST_SIZE', 'PRACTICE_LISTSIZE')]))
            elif what == 'achievement':
                for r in rows(['ACHIEVEMENT']):
                    print('|'.join([r['PRACTICE_CODE'], r['INDICATOR_CODE'], r['MEASURE'], r['VALUE']]))
            elif what == 'organisations':
                for r in rows(['ORGANISATION_REFERENCE', 'PRAC_CONTROL', 'MAPPING_NHS_GEOGRAPHIES']):
                    if 'REVISED_MAXIMUM_POINTS' in r and 'CCG_CODE' not in r: continue  # points only (2019-20 on)
                    print('|'.join([first(r, 'PRACTICE_CODE', 'PRACTICECODE'), first(r, 'CCG_CODE', 'CCGCODE', 'CCG_ODS_CODE'),
                                    first(r, 'STP_CODE', 'AREA_TEAM_CODE', 'ATCODE', 'STP_ODS_CODE'),
                                    first(r, 'REGION_CODE', 'REGIONCODE', 'REGION_ODS_CODE')]))
            elif what == 'points':
                for r in rows(['ORGANISATION_REFERENCE']):
                    print('|'.join([r['PRACTICE_CODE'], first(r, 'REVISED_MAXIMUM_POINTS', 'REVISED_MAX_POINTS')]))
            elif what == 'indicators':
                for r in rows(['INDICATOR_MAPPINGS', 'MAPPING_INDICATORS']):
                    print('|'.join([r['INDICATOR_CODE'], r['INDICATOR_POINT_VALUE'], first(r, 'GROUP_CODE', 'INDICATOR_GROUP_CODE')]))
            """
        let result = try Run.program("python3", ["-c", script, zip, what])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.lines.sorted()
    }

    func served(_ sql: String) throws -> [String] {
        try h.database.psql(sql).map { $0.joined() }.sorted()
    }

    /// Prevalence (and the geography that fills its hierarchy) of every modelled edition, with
    /// achievement and indicators where the edition has them in a readable family.
    func testEveryEditionFrom2013To2019LoadsItsFamiliesByNameAndReconciles() throws {
        let editions: [(zip: String, period: String, year: String, achievement: Bool)] = [
            ("qof-1314-csvfilescqrsdata.zip", "2013-14", "2013/14", false),
            ("qof-1415-csvfiles-v2.zip", "2014-15", "2014/15", false),
            ("qof-1718-csv.zip", "2017-18", "2017/18", true),
            ("QOF_1819_v2.zip", "2018-19", "2018/19", true),
        ]
        for edition in editions {
            let zip = Self.history(edition.zip)
            let result = try h.pipeline("load", "qof", zip, "--period", edition.period)
            XCTAssertEqual(result.status, 0, "\(edition.zip): \(result.stderr)")
            let year = "year = '\(edition.year)'"
            XCTAssertEqual(try served("""
                SELECT concat_ws('|', practice, indicator, patient_list_type, register, list_size) FROM api.qof_prevalence WHERE \(year)
                """), try python(zip, "prevalence"), edition.zip)
            let period = "period = api.financial_year('\(edition.year)')"
            XCTAssertEqual(try served("""
                SELECT concat_ws('|', org, sub_icb, icb, region) FROM data.qof_organisations WHERE valid_to IS NULL AND \(period)
                """), try python(zip, "organisations"), edition.zip)
            // Every practice's rows carry the year's geography (no PCN existed before 2019).
            XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.qof_prevalence WHERE \(year) AND (icb IS NULL OR region IS NULL OR pcn IS NOT NULL)"), "0")
            if edition.achievement {
                XCTAssertEqual(try served("""
                    SELECT concat_ws('|', practice, indicator, measure, coalesce(trim_scale(value)::text, '')) FROM api.qof_achievement WHERE \(year)
                    """), try python(zip, "achievement"), edition.zip)
                XCTAssertEqual(try served("SELECT concat_ws('|', indicator, trim_scale(point_value), group_code) FROM api.qof_indicators WHERE \(year)"),
                               try python(zip, "indicators"), edition.zip)
            } else {
                // The 2013-15 wide achievement and reference files are known and left out, said so.
                XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.qof_achievement WHERE \(year)"), "0")
                XCTAssertTrue(result.stderr.uppercased().contains("INDICATORS") && result.stderr.contains("left out"), result.stderr)
            }
        }
        XCTAssertEqual(try h.database.value("SELECT string_agg(year, ',' ORDER BY year) FROM api.qof_years"), "2013/14,2014/15,2017/18,2018/19")
        // The same zip again writes nothing.
        let again = try h.pipeline("load", "qof", Self.history("qof-1718-csv.zip"), "--period", "2017-18")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE source = 'qof' AND period = '2017-04-01'"), "4")
    }

    /// Zips `files` (paths) under `name` in the scratch directory, optionally adding one entry
    /// whose contents are `extra`.
    func zipped(_ name: String, _ files: [String], extra: (String, String)? = nil) throws -> String {
        let out = h.scratch.url.appendingPathComponent(name).path
        let result = try Run.program("python3", ["-c", """
            import os, sys, zipfile
            out, extra_name, extra_text = sys.argv[1:4]
            with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
                for path in sys.argv[4:]:
                    z.write(path, os.path.basename(path))
                if extra_name:
                    z.writestr(extra_name, extra_text)
            """, out, extra?.0 ?? "", extra?.1 ?? ""] + files)
        XCTAssertEqual(result.status, 0, result.stderr)
        return out
    }

    /// The real 2020-21 files (REVISED_MAXIMUM_POINTS, not the template's spelling) and 2019-20
    /// prevalence (cut to 400 lines) reconcile to Python.
    func testTheReal2019To2021FilesLoadAndReconcile() throws {
        let real = ["MAPPING_INDICATORS_2021_v2.csv", "ORGANISATION_REFERENCE_2021.csv", "MAPPING_NHS_GEOGRAPHIES_2021.csv",
                    "PRACTICE_VALIDATION_OUTCOMES_2021.csv"].map { Fixtures.path("samples/qof/" + $0) }
        let zip = try zipped("QOF2021_v2.zip", real)
        let result = try h.pipeline("load", "qof", zip)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("PRACTICE_VALIDATION_OUTCOMES_2021.csv: not a qof file this loader reads; left out"), result.stderr)
        XCTAssertEqual(try served("SELECT concat_ws('|', org, trim_scale(revised_max_points)) FROM data.qof_org_reference WHERE valid_to IS NULL"),
                       try python(zip, "points"))
        XCTAssertEqual(try served("SELECT concat_ws('|', org, sub_icb, icb, region) FROM data.qof_organisations WHERE valid_to IS NULL"),
                       try python(zip, "organisations"))
        XCTAssertEqual(try served("SELECT concat_ws('|', indicator, trim_scale(point_value), group_code) FROM api.qof_indicators WHERE year = '2020/21'"),
                       try python(zip, "indicators"))

        let prevalence = try zipped("QOF_1920.zip", [Fixtures.path("samples/qof/PREVALENCE_1920.csv")])
        XCTAssertEqual(try h.pipeline("load", "qof", prevalence).status, 0)
        XCTAssertEqual(try served("""
            SELECT concat_ws('|', practice, indicator, patient_list_type, register, list_size) FROM api.qof_prevalence WHERE year = '2019/20'
            """), try python(prevalence, "prevalence"))
    }

    func testAFamilyTheLoaderDoesNotKnowIsRefusedByNameAndNothingIsVisible() throws {
        let zip = try zipped("QOF_1819_v2.zip", [], extra: ("PCN_ACHIEVEMENT_SUMMARY_1819.csv", "PCN_CODE,VALUE\r\nU00001,1\r\n"))
        // The modelled 2018-19 zip with one file of a family no QOF loader has seen.
        try FileManager.default.createDirectory(at: h.scratch.url.appendingPathComponent("merged"), withIntermediateDirectories: true)
        let path = h.scratch.url.appendingPathComponent("merged/QOF_1819_v2.zip").path
        let made = try Run.program("python3", ["-c", """
            import sys, zipfile
            src, extra, out = sys.argv[1:4]
            with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as w:
                for z in (zipfile.ZipFile(src), zipfile.ZipFile(extra)):
                    for info in z.infolist():
                        w.writestr(info.filename, z.read(info))
            """, Self.history("QOF_1819_v2.zip"), zip, path])
        XCTAssertEqual(made.status, 0, made.stderr)
        let refused = try h.pipeline("load", "qof", path, "--period", "2018-19")
        XCTAssertEqual(refused.status, 65)
        XCTAssertEqual(refused.stderrLines.last,
                       "\(path):PCN_ACHIEVEMENT_SUMMARY_1819.csv: not a QOF file this loader knows (expected ACHIEVEMENT*, PREVALENCE*, "
                        + "MAPPING_INDICATORS* or INDICATOR_MAPPINGS*, MAPPING_NHS_GEOGRAPHIES*, PRAC_CONTROL* or ORGANISATION_REFERENCE*)")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions WHERE source = 'qof'"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.qof_prevalence"), "0")
    }
}
