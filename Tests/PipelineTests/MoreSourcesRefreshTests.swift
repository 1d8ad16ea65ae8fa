import Foundation
import TestSupport
import XCTest

/// ODS, Appointments, QOF and Payments found, fetched and loaded from the saved publisher site
/// (Fixtures/publisher) served by a real HTTP server on 127.0.0.1.
final class MoreSourcesRefreshTests: PublisherSiteTestCase {
    let appointments = "/digital.nhs.uk/data-and-information/publications/statistical/appointments-in-general-practice"
    let septemberZip = "/files.digital.nhs.uk/42/D7AA8F/Practice_Level_Crosstab_Sep_25.zip"
    let octoberZip = "/files.digital.nhs.uk/FD/45A960/Practice_Level_Crosstab_Oct_25.zip"
    let qof2324 = "/files.digital.nhs.uk/7A/678A49/QOF2324.zip"
    let dse = "/www.odsdatasearchandexport.nhs.uk/api/getReport"

    override func setUpWithError() throws {
        try super.setUpWithError()
        h.extraEnvironment["PIPELINE_NOW"] = "2026-11-21T06:00:00Z"
    }

    /// Runs Python over `file` (a path in the site) with `code`, printing one value.
    func python(_ code: String, _ arguments: [String]) throws -> String {
        let result = try Run.program("python3", ["-c", code] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testOneRefreshLoadsAllFourSourcesFromTheirSavedPages() throws {
        let result = try h.pipeline("refresh", "ods", "gp-appointments", "qof", "nhs-payments")
        XCTAssertEqual(result.status, 0, result.stderr)
        let scopes = try h.database.psql("SELECT dataset, period FROM etl.revision_log WHERE status = 'current' ORDER BY dataset, period").map { $0.joined(separator: " ") }
        XCTAssertEqual(scopes, [
            "gp-appointments 2025-08-01", "gp-appointments 2025-09-01", "gp-appointments 2025-10-01",
            "nhs-payments-practices 2022-04-01",
            "ods-pcn-members 2026-11-01", "ods-pcns 2026-11-01", "ods-practices 2026-11-01",
            "qof-achievement 2023-04-01", "qof-indicators 2023-04-01", "qof-org-reference 2023-04-01",
            "qof-organisations 2023-04-01", "qof-prevalence 2023-04-01",
        ], "the newest edition of each; ODS as a snapshot of the month it was fetched in")

        // Appointments: three months from one zip, October from its two regional halves; every
        // count as in the files (blank counts NULL), category values byte-exact.
        let zip = site.url.path + octoberZip
        let totals = try python("""
            import csv, io, sys, zipfile, collections
            z = zipfile.ZipFile(sys.argv[1]); sums = collections.Counter(); blanks = 0
            for name in z.namelist():
                if not name.startswith('Practice_Level_Crosstab'): continue
                for r in csv.DictReader(io.TextIOWrapper(z.open(name), newline='')):
                    if r['COUNT_OF_APPOINTMENTS'] == '': blanks += 1
                    else: sums[r['APPOINTMENT_MONTH_START_DATE']] += int(r['COUNT_OF_APPOINTMENTS'])
            print(sums['01AUG2025'], sums['01SEP2025'], sums['01OCT2025'], blanks)
            """, [zip])
        let stored = try h.database.psql("""
            SELECT (SELECT sum(count) FROM api.gp_appointments WHERE month = '2025-08-01'), (SELECT sum(count) FROM api.gp_appointments WHERE month = '2025-09-01'),
                   (SELECT sum(count) FROM api.gp_appointments WHERE month = '2025-10-01'), (SELECT count(*) FROM api.gp_appointments WHERE count IS NULL)
            """)[0].joined(separator: " ")
        XCTAssertEqual(stored, totals)
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT time_between_book_and_appt) FROM api.gp_appointments WHERE time_between_book_and_appt = '8  to 14 Days'"), "1",
                       "double spaces are kept")
        XCTAssertEqual(try h.database.value("SELECT array_to_string(inputs, ',') FROM etl.revisions WHERE dataset = 'gp-appointments' AND period = '2025-10-01'"),
                       "Practice_Level_Crosstab_Oct_25.zip:Practice_Level_Crosstab_London_East_South_Oct_25.csv,Practice_Level_Crosstab_Oct_25.zip:Practice_Level_Crosstab_Midlands_North_Oct_25.csv")

        // QOF: the regional achievement files, not the national copy, hold the rows.
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.qof_achievement WHERE year = '2023/24'"), "15180")
        let inputs = try h.database.value("SELECT array_to_string(inputs, ',') FROM etl.revisions WHERE dataset = 'qof-achievement'")
        XCTAssertFalse(inputs.contains("QOF2324.zip:ACHIEVEMENT_2324.csv"), inputs)
        XCTAssertTrue(inputs.contains("ACHIEVEMENT_LONDON_2324.csv"), inputs)
        let national = try python("""
            import csv, io, sys, zipfile, collections
            z = zipfile.ZipFile(sys.argv[1]); reg = collections.Counter(); size = collections.Counter()
            for r in csv.DictReader(io.TextIOWrapper(z.open('PREVALENCE_2324.csv'), newline='')):
                reg[r['GROUP_CODE']] += int(r['REGISTER'] or 0); size[r['GROUP_CODE']] += int(r['PRACTICE_LIST_SIZE'] or 0)
            print(reg['AF'], size['AF'], reg['DM'], size['DM'])
            """, [site.url.path + qof2324])
        XCTAssertEqual(try h.database.psql("""
            SELECT (SELECT sum(register) FROM api.qof_prevalence_national WHERE period = api.financial_year('2023/24') AND indicator = 'AF'),
                   (SELECT sum(list_size) FROM api.qof_prevalence_national WHERE period = api.financial_year('2023/24') AND indicator = 'AF'),
                   (SELECT sum(register) FROM api.qof_prevalence_national WHERE period = api.financial_year('2023/24') AND indicator = 'DM'),
                   (SELECT sum(list_size) FROM api.qof_prevalence_national WHERE period = api.financial_year('2023/24') AND indicator = 'DM')
            """)[0].joined(separator: " "), national)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.qof_prevalence WHERE year = '2023/24' AND (pcn IS NULL OR icb IS NULL OR region IS NULL)"),
                       try h.database.value("SELECT count(*) FROM api.qof_prevalence q JOIN data.qof_organisations o ON o.org = q.practice AND o.valid_to IS NULL WHERE o.pcn IS NULL"),
                       "every practice's hierarchy comes from the year's own mapping")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.qof_indicators WHERE year = '2023/24'"), "76")
        XCTAssertEqual(try h.database.value("SELECT string_agg(year || '=' || financial_year, ',') FROM api.qof_years"), "2023/24=2023-24")

        // ODS: GP practices of the current code set, memberships regrouped (the file is sorted by
        // PCN), movers in their new PCN, partners outside England kept and flagged.
        let gpPractices = try python("""
            import csv, sys
            print(sum(1 for r in csv.reader(open(sys.argv[1], newline='')) if 'RO76' in r[25].split('|')))
            """, [site.url.path + dse + "/report=epraccur"])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.ods_practices WHERE valid_to IS NULL"), gpPractices)
        XCTAssertEqual(try h.database.value("SELECT pcn FROM api.practices WHERE practice = 'A89017'"),
                       try h.database.value("SELECT pcn FROM api.pcn_members WHERE practice = 'A89017' AND NOT ended"))
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.pcn_members WHERE practice = 'A89017' AND ended"), "1")
        XCTAssertEqual(try h.database.value("SELECT string_agg(practice || ':' || partner_country, ',' ORDER BY practice) FROM api.pcn_members WHERE partner_country <> 'England'"),
                       "S10002:Scotland,W91016:Wales,W95010:Wales")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.practices WHERE practice LIKE 'W%' OR practice LIKE 'S%'"), "0",
                       "the directory lists English practices")
        XCTAssertEqual(try h.database.value("SELECT member_count FROM api.pcns WHERE pcn = (SELECT pcn FROM api.practices WHERE practice = 'A89017')"),
                       try h.database.value("SELECT count(*) FROM api.practices WHERE pcn = (SELECT pcn FROM api.practices WHERE practice = 'A89017') AND status <> 'closed'"))
        XCTAssertTrue(result.stderr.contains("are not contiguous"), "the membership file was regrouped: \(result.stderr)")

        // A second refresh fetches conditionally and writes nothing.
        let again = try h.pipeline("refresh", "ods", "gp-appointments", "qof", "nhs-payments")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.lines.filter { $0.contains("nothing new") }.count, 4, again.stdout)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "12")
    }

    func testBothODSCodeSetsGiveTheSamePractices() throws {
        // The saved DSE file was made from the December 2023 legacy file (status and setting
        // codes translated): the practices they share must load identically.
        XCTAssertEqual(try h.pipeline("refresh", "ods").status, 0)
        let legacy = try h.pipeline("load", "ods", Fixtures.path("samples/ods/epraccur_2023-12_first2000.csv"), "--period", "2023-12")
        XCTAssertEqual(legacy.status, 0, legacy.stderr)
        let columns = "org, name, region, icb, address_1, address_2, address_3, address_4, address_5, postcode, open_date, close_date, status, sub_type, sub_icb, join_date, left_date, phone, amended, provider"
        let differences = try h.database.value("""
            SELECT count(*) FROM (
                (SELECT \(columns) FROM data.ods_practices WHERE valid_to IS NULL AND period = '2023-12-01'
                 EXCEPT SELECT \(columns) FROM data.ods_practices WHERE valid_to IS NULL AND period = '2026-11-01')
            ) d
            """)
        XCTAssertEqual(differences, "0")
        XCTAssertEqual(try h.database.psql("SELECT DISTINCT status_code, status FROM data.ods_practices WHERE valid_to IS NULL ORDER BY 1"),
                       [["A", "active"], ["ACTIVE", "active"], ["C", "closed"], ["D", "dormant"], ["DORMANT", "dormant"], ["INACTIVE", "closed"]])
        // The directory serves the newest snapshot.
        XCTAssertEqual(try h.database.value("SELECT DISTINCT snapshot FROM api.practices"), "2026-11-01")
    }

    func testASameMonthODSRecheckWithPracticesAndPCNsChangedRebuildsTheDirectory() throws {
        XCTAssertEqual(try h.pipeline("refresh", "ods").status, 0)
        // The next day ODS has renamed a practice and a PCN (both files change).
        let practices = site.url.path + dse + "/report=epraccur", pcns = site.url.path + dse + "/report=epcn"
        let pcn = try h.database.value("SELECT pcn FROM api.practices WHERE practice = 'A89017'")
        let oldName = try h.database.value("SELECT name FROM api.pcns WHERE pcn = '\(pcn)'")
        for (file, from, to) in [(practices, "\"THE DENSHAM SURGERY\"", "\"THE DENSHAM PRACTICE\""), (pcns, "\"\(oldName)\"", "\"RENAMED PCN\"")] {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            XCTAssertTrue(text.contains(from), from)
            try text.replacingOccurrences(of: from, with: to).write(toFile: file, atomically: true, encoding: .utf8)
        }
        h.extraEnvironment["PIPELINE_NOW"] = "2026-11-22T06:00:00Z"
        let recheck = try h.pipeline("refresh", "ods")
        XCTAssertEqual(recheck.status, 0, recheck.stderr)
        XCTAssertEqual(recheck.lines.filter { $0.contains("is now current") }.count, 2, recheck.stdout)
        XCTAssertEqual(try h.database.value("SELECT name FROM api.practices WHERE practice = 'A81001'"), "THE DENSHAM PRACTICE")
        XCTAssertEqual(try h.database.value("SELECT name FROM api.pcns WHERE pcn = '\(pcn)'"), "RENAMED PCN")
    }

    func testARepublishedAppointmentsZipRestatingTwoUnchangedMonthsAndOneChangedMakesOneRevision() throws {
        let first = try h.pipeline("refresh", "gp-appointments", "--period", "2025-09")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.lines.count, 3, first.stdout)  // July, August, September
        // The publisher replaces the September zip in place: July and August the same, September
        // restated as the October edition has it (three practices' counts corrected).
        let script = """
            import sys, zipfile
            sep, octo, out = sys.argv[1:4]
            with zipfile.ZipFile(sep) as a, zipfile.ZipFile(octo) as b, zipfile.ZipFile(out + '.new', 'w', zipfile.ZIP_DEFLATED) as z:
                for name in a.namelist():
                    data = b.read(name) if name == 'Practice_Level_Crosstab_Sep_25.csv' else a.read(name)
                    z.writestr(name, data)
            import os; os.replace(out + '.new', out)
            """
        let target = site.url.path + septemberZip
        XCTAssertEqual(try Run.program("python3", ["-c", script, target, site.url.path + octoberZip, target]).status, 0)
        let republished = try h.pipeline("refresh", "gp-appointments", "--period", "2025-09")
        XCTAssertEqual(republished.status, 0, republished.stderr)
        let revision = try h.database.value("SELECT max(revision_id) FROM etl.revisions")
        XCTAssertEqual(republished.lines, [
            "gp-appointments 2025-07: unchanged (4451 rows identical to the current revision); nothing written",
            "gp-appointments 2025-08: unchanged (4193 rows identical to the current revision); nothing written",
            "gp-appointments 2025-09: revision \(revision) is now current (3858 rows: +0 added, ~15 changed, -0 removed, =3843 unchanged)",
        ])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "4", "exactly one new revision")
        let diff = try h.pipeline("diff", "gp-appointments", "2025-09", "--json")
        let practices = Set(diff.lines.compactMap { line -> String? in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["key"] as? [String: Any])?["org"] as? String
        })
        XCTAssertEqual(practices, ["C84656", "D83076", "E85033"], diff.stdout)
        XCTAssertEqual(diff.lines.count, 15, "one line per changed count")

        // The October edition: August unchanged, September already as restated, October new.
        let october = try h.pipeline("refresh", "gp-appointments")
        XCTAssertEqual(october.status, 0, october.stderr)
        XCTAssertEqual(october.lines.filter { $0.contains("is now current") }.map { $0.replacingOccurrences(of: #"revision \d+"#, with: "revision N", options: .regularExpression) }, [
            "gp-appointments 2025-10: revision N is now current (4200 rows: +4200 added, ~0 changed, -0 removed, =0 unchanged)",
        ])
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), "5", "one more revision: October's")
    }

    func testForcedBackfillOfRestatingZipsConvergesAndEmptyOrMisfiledFilesAreRefused() throws {
        XCTAssertEqual(try h.pipeline("backfill", "gp-appointments", "--from", "2025-07", "--to", "2025-10").status, 0)
        let revisions = try h.database.value("SELECT count(*) FROM etl.revisions")
        XCTAssertEqual(revisions, "5", "July, August, September twice (restated), October")
        // --force twice: the older zip's September is not current and was recorded before.
        for _ in 0..<2 {
            let forced = try h.pipeline("backfill", "gp-appointments", "--from", "2025-07", "--to", "2025-10", "--force")
            XCTAssertEqual(forced.status, 0, forced.stderr)
            XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), revisions)
        }

        // A crosstab entry with only its header is a broken file, not an empty region.
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as a, zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:
                for name in a.namelist():
                    data = a.read(name)
                    z.writestr(name, data.split(b'\\r\\n', 1)[0] + b'\\r\\n' if name == 'Practice_Level_Crosstab_Jul_25.csv' else data)
            """
        let broken = h.scratch.url.appendingPathComponent("Practice_Level_Crosstab_Sep_25.zip").path
        XCTAssertEqual(try Run.program("python3", ["-c", script, site.url.path + septemberZip, broken]).status, 0)
        let refused = try h.pipeline("load", "gp-appointments", broken, "--published", "2025-12-01")
        XCTAssertEqual(refused.status, 65)
        XCTAssertEqual(refused.stderrLines.last, "\(broken):Practice_Level_Crosstab_Jul_25.csv: no data rows after the header")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM etl.revisions"), revisions)

        // A file published on the page of another year than its name says is refused.
        let page = site.url.appendingPathComponent("digital.nhs.uk/data-and-information/publications/statistical/nhs-payments-to-general-practice/england-2022-23/index.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        try html.replacingOccurrences(of: "https://files.digital.nhs.uk/F3/A2A965/nhspaymentsgp-22-23-prac-csv.csv",
                                      with: "https://files.digital.nhs.uk/FE/D02CD6/nhspaymentsgp-21-22-prac-csv-v2.csv")
            .write(to: page, atomically: true, encoding: .utf8)
        let misfiled = try h.pipeline("refresh", "nhs-payments")
        XCTAssertEqual(misfiled.status, 65, misfiled.stderr)
        XCTAssertEqual(misfiled.stderrLines.last, "nhspaymentsgp-21-22-prac-csv-v2.csv: the file's name says 2021-22, but it was published on the page for 2022-23")
    }

    func testEveryQOFHeaderEditionAndZipNameLoads() throws {
        let backfill = try h.pipeline("backfill", "qof", "--from", "2019-20", "--to", "2023-24")
        XCTAssertEqual(backfill.status, 0, backfill.stderr)
        XCTAssertTrue(backfill.stderr.contains("warning: qof: the series page lists no edition for 2020-21, 2021-22"), backfill.stderr)
        XCTAssertEqual(try h.database.value("SELECT string_agg(year, ',' ORDER BY year) FROM api.qof_years"), "2019/20,2022/23,2023/24")
        // 2019-20's mapping has CCG_/STP_ columns: they land as sub-ICB and ICB.
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.qof_organisations WHERE period = '2019-04-01' AND valid_to IS NULL AND (sub_icb IS NULL OR icb IS NULL)"), "0")
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM data.qof_organisations WHERE period = '2019-04-01' AND valid_to IS NULL"), "60")
        // The 2022-23 zip's name has spaces; its entries give the year.
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT dataset) FROM etl.revisions WHERE period = '2022-04-01'"), "5")
        XCTAssertEqual(try h.database.value("SELECT file FROM etl.revision_log WHERE period = '2022-04-01' LIMIT 1"), "QOF 2022-23 Raw data .csv files.zip")
        // Regional files with no practices are left out, not refused.
        XCTAssertTrue(backfill.stderr.contains("ACHIEVEMENT_SOUTH_EAST_2324.csv: no rows to load; left out"), backfill.stderr)
    }
}
