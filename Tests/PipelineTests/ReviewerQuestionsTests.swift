import Foundation
import TestSupport
import XCTest

/// The README's two reviewer questions, run as written against a warehouse holding every
/// bundled publication and a republication of March 2026 with one practice's list size changed:
/// what the latest republication changed, and a practice's value as published on a date.
final class ReviewerQuestionsTests: PublisherSiteTestCase {
    func readmeSQL() throws -> [String] {
        let readme = try String(contentsOf: Fixtures.root.appendingPathComponent("README.md"), encoding: .utf8)
        let block = try XCTUnwrap(readme.components(separatedBy: "<!-- reviewer-sql -->\n```sql\n").dropFirst().first?
            .components(separatedBy: "```").first)
        return block.split(separator: "\n").map(String.init)
    }

    func testTheREADMEsReviewerQuestionsAreOneLineEachAndAnswered() throws {
        let lines = try readmeSQL()
        XCTAssertEqual(lines.count, 2, "two questions, one line each")
        h.extraEnvironment["PIPELINE_NOW"] = "2026-03-20T06:00:00Z"
        XCTAssertEqual(try h.pipeline("refresh", "list-sizes").status, 0)
        let march = site.url.path + "/files.digital.nhs.uk/68/62F9CC/gp-reg-pat-prac-all.csv"
        let republished = try h.edited(march, as: "gp-reg-pat-prac-all.csv", """
            for r in rows[1:]:
                if r[5] == 'A81001': r[9] = str(int(r[9]) + 10)
            """)
        XCTAssertEqual(try h.pipeline("load", "list-sizes", republished, "--published", "2026-04-02").status, 0)

        // What the latest republication changed: A81001's total, once removed and once added.
        let changes = try h.database.psql(lines[0])
        XCTAssertEqual(changes.count, 2, "one changed value: a removed row and an added one")
        XCTAssertEqual(changes.prefix(4).map { "\($0[0]) \($0[3]) \($0[6])" }.sorted(), ["added A81001 3753", "removed A81001 3743"])
        // The value as published on 20 March (the first edition), and after the republication.
        XCTAssertEqual(try h.database.value(lines[1]), "3743")
        XCTAssertEqual(try h.database.value(lines[1].replacingOccurrences(of: "2026-03-20", with: "2026-04-03")), "3753")
        // The same through the command line.
        let show = try h.pipeline("show", "list-sizes", "2026-03", "--practice", "a81001", "--as-published", "2026-03-20")
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertEqual(show.lines.first, "api.list_sizes: 1 row for 2026-03 as published on 2026-03-20")
        XCTAssertTrue(show.lines[2].hasPrefix("2026-03-01\tGP\tA81001\tALL\tALL\t3743\t"), show.stdout)
    }
}
