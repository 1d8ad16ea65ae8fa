import Foundation
import TestSupport
import XCTest

/// `pipeline diff` as a person reads it: a first edition is summarised (its rows with `--all`),
/// an added or removed row is one line, and key parts holding `/` stay tellable apart.
final class DiffOutputTests: XCTestCase {
    var h: Harness!
    let october = Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv")

    override func setUpWithError() throws { h = try Harness() }
    override func tearDownWithError() throws {
        try h?.assertIntegrityIfMigrated()
        h = nil
    }

    func testAFirstEditionIsSummarisedAndListedOnlyWithAll() throws {
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october).status, 0)
        let summary = try h.pipeline("diff", "list-sizes", "2025-10")
        XCTAssertEqual(summary.status, 0, summary.stderr)
        XCTAssertEqual(summary.stdout, "list-sizes-all 2025-10: revision 1 is the first edition, 300 rows (nothing to compare with; --all lists them)\n")
        let all = try h.pipeline("diff", "list-sizes", "2025-10", "--all")
        XCTAssertEqual(all.status, 0, all.stderr)
        XCTAssertEqual(all.lines.first, "dataset\tkey\tcolumn\told\tnew\tchange")
        XCTAssertEqual(all.lines.count, 301, "the header, then one line per row")
        XCTAssertTrue(all.lines.dropFirst().allSatisfy { $0.contains("\t*\t∅\t") && $0.hasSuffix("\tadded") }, all.stdout)
        XCTAssertTrue(all.lines.contains { $0.hasPrefix("list-sizes-all\tA81001/ALL/ALL\t*\t∅\t") && $0.contains("patients=3827") }, all.stdout)
    }

    func testARemovedRowIsOneLine() throws {
        XCTAssertEqual(try h.pipeline("load", "list-sizes", october, "--published", "2025-11-13").status, 0)
        let withdrawn = try h.edited(october, as: "gp-reg-pat-prac-all.csv", "rows.pop(1)")
        XCTAssertEqual(try h.pipeline("load", "list-sizes", withdrawn, "--published", "2025-11-20").status, 0)
        let diff = try h.pipeline("diff", "list-sizes", "2025-10")
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertEqual(diff.lines.count, 2, diff.stdout)
        XCTAssertTrue(diff.lines[1].hasPrefix("list-sizes-all\tA81001/ALL/ALL\t*\t") && diff.lines[1].hasSuffix("\t∅\tremoved"), diff.stdout)
        XCTAssertTrue(diff.lines[1].contains("patients=3827") && diff.lines[1].contains("postcode=TS18 1HU"), diff.stdout)
    }

    func testAKeyPartHoldingASlashIsEscaped() throws {
        let payments = Fixtures.path("samples/payments/nhspaymentsgp_22-23_first2000.csv")
        let first = try h.edited(payments, as: "nhspaymentsgp_22-23_first.csv", "rows[0][rows[0].index('Global Sum')] = 'Global Sum/Adjusted'")
        XCTAssertEqual(try h.pipeline("load", "nhs-payments", first, "--published", "2023-10-01").status, 0)
        let second = try h.edited(first, as: "nhspaymentsgp_22-23_second.csv", "rows[1][rows[0].index('Global Sum/Adjusted')] = '1'")
        let loaded = try h.pipeline("load", "nhs-payments", second, "--published", "2023-11-01")
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        let diff = try h.pipeline("diff", "nhs-payments", "2022-23")
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertEqual(diff.lines.count, 2, diff.stdout)
        let cells = diff.lines[1].components(separatedBy: "\t")
        XCTAssertEqual(cells[1].components(separatedBy: "/").first, "A81001", diff.stdout)
        XCTAssertTrue(cells[1].hasSuffix("/Global Sum\\/Adjusted"), diff.stdout)
        XCTAssertEqual(cells[4], "1", diff.stdout)
    }
}
