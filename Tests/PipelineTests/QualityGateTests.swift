import Foundation
import TestSupport
import XCTest

/// Quality gates: an edition that parses but holds far fewer organisations, or a measure total
/// far from the comparable edition's (the same period's current one, else the previous
/// period's), is refused with the figures (exit 65, nothing loaded) unless accepted with
/// `--accept-anomalies`; `pipeline check` runs the gates and writes nothing; the verdict is kept
/// with the revision.
final class QualityGateTests: XCTestCase {
    /// Organisations and the patients total of a registrations file, reckoned by Python.
    func pythonFigures(_ path: String) throws -> (organisations: Int, patients: Int) {
        let script = """
            import csv, sys
            orgs, total = set(), 0
            with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
                for row in csv.DictReader(f):
                    orgs.add(row['CODE']); total += int(row['NUMBER_OF_PATIENTS'])
            print(len(orgs), total)
            """
        let result = try Run.program("python3", ["-c", script, path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let parts = result.stdout.split(separator: " ").map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        return (parts[0], parts[1])
    }

    static func grouped(_ n: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_GB")
        return formatter.string(from: NSNumber(value: n))!
    }

    func testATruncatedMonthIsRefusedWithItsFiguresCheckedWithoutWritingAndLoadedOnlyWhenAccepted() throws {
        let h = try Harness()
        let november = Fixtures.registrations("gp-reg-pat-prac-all_2025-11.csv")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")).status, 0)
        let second = try h.pipeline("load", "list-sizes", november)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertFalse(second.stdout.contains("quality gate"), "a gate passed is not repeated under every load")
        XCTAssertEqual(try h.database.value("SELECT totals->>'gate' FROM etl.revisions WHERE revision_id = 2"), "passed against 2025-10 (revision 1)")

        // December cut short: the first 150 of its 300 organisations.
        let truncated = try h.edited(Fixtures.registrations("gp-reg-pat-prac-all_2025-12.csv"), as: "gp-reg-pat-prac-all.csv", "rows = rows[:151]")
        let (orgs, patients) = try pythonFigures(truncated)
        let (orgsBefore, patientsBefore) = try pythonFigures(november)
        // Named as the revision log names inputs (the file, or archive:entry).
        let expected = "gp-reg-pat-prac-all.csv: quality gate: list-sizes-all 2025-12 against 2025-11 (revision 2): "
            + "\(Self.grouped(orgs)) organisations where it had \(Self.grouped(orgsBefore)) "
        for command in ["check", "load"] {
            let refused = try h.pipeline(command, "list-sizes", truncated)
            XCTAssertEqual(refused.status, 65, refused.stderr)
            let line = try XCTUnwrap(refused.stderrLines.last)
            XCTAssertTrue(line.hasPrefix(expected), "\(command): \(line)")
            XCTAssertTrue(line.contains("patients totals \(Self.grouped(patients)) where it had \(Self.grouped(patientsBefore))"), line)
            XCTAssertTrue(line.hasSuffix("limit ±10%); nothing was loaded (--accept-anomalies loads it anyway)"), line)
            XCTAssertEqual(try h.revisions().count, 2, "\(command): nothing written")
            XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.list_sizes WHERE month = '2025-12-01'"), "0")
        }

        let accepted = try h.pipeline("load", "list-sizes", truncated, "--accept-anomalies")
        XCTAssertEqual(accepted.status, 0, accepted.stderr)
        XCTAssertTrue(accepted.stdout.contains("  quality gate: accepted: list-sizes-all 2025-12 against 2025-11 (revision 2): "), accepted.stdout)
        XCTAssertEqual(try h.database.value("SELECT totals->>'gate' LIKE 'accepted: %' FROM etl.revisions WHERE period = '2025-12-01'"), "t")
        XCTAssertEqual(try h.database.value("SELECT (totals->>'organisations')::int FROM etl.revisions WHERE period = '2025-12-01'"), String(orgs))
        XCTAssertEqual(try h.database.value("SELECT count(DISTINCT org) FROM api.list_sizes WHERE month = '2025-12-01'"), String(orgs))
    }

    /// A republication is compared with the same month's current edition; a month with no
    /// month before it in the warehouse has nothing comparable and loads.
    func testARepublicationIsComparedWithTheCurrentEditionOfItsMonth() throws {
        let h = try Harness()
        let first = try h.pipeline("load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2026-03.csv"))
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try h.database.value("SELECT totals->>'gate' FROM etl.revisions"), "no comparable edition")
        let halved = try h.edited(Fixtures.registrations("gp-reg-pat-prac-all_2026-03.csv"), as: "gp-reg-pat-prac-all.csv",
                                  "for r in rows[1:]: r[9] = str(int(r[9]) // 2)")
        let refused = try h.pipeline("load", "list-sizes", halved)
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertTrue(try XCTUnwrap(refused.stderrLines.last).contains("list-sizes-all 2026-03 against the current 2026-03 edition (revision 1): patients totals "),
                      refused.stderr)
    }

    /// The publication page's key fact is the practice totals file's sum: a file that does not
    /// add up to what the page states is refused naming both figures.
    func testThePracticeTotalsReconcileToThePagesKeyFact() throws {
        let h = try Harness()
        let (site, server) = try h.servePublisherSite()
        defer { _ = server }
        let loaded = try h.pipeline("refresh", "list-sizes", "--period", "2025-10")
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        XCTAssertEqual(try h.database.value("SELECT sum(patients) FROM api.list_sizes WHERE month = '2025-10-01'"), "63919527", "the real file adds up to the real page's figure")

        // November's page states a figure its file does not add up to.
        let page = site.url.appendingPathComponent("digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/november-2025/index.html")
        var html = try String(contentsOf: page, encoding: .utf8)
        let figure = try XCTUnwrap(html.range(of: #"(?<=nhsd-t-heading-xl nhsd-!t-margin-bottom-1">)[0-9,]+"#, options: .regularExpression))
        let stated = String(html[figure])
        html.replaceSubrange(figure, with: "60,000,000")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let refused = try h.pipeline("refresh", "list-sizes", "--period", "2025-11")
        XCTAssertEqual(refused.status, 65, refused.stderr)
        let line = try XCTUnwrap(refused.stderrLines.last)
        XCTAssertTrue(line.hasPrefix("gp-reg-pat-prac-all.csv: quality gate: list-sizes-all 2025-11 against 2025-10 (revision "), line)
        XCTAssertTrue(line.contains("patients totals \(stated) where the publication page states 60,000,000 ('Patients registered at GP practices in England"), line)
        XCTAssertEqual(try h.database.value("SELECT count(*) FROM api.list_sizes WHERE month = '2025-11-01'"), "0")
    }
}
