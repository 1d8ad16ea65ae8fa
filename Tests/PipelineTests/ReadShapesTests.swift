import Foundation
import TestSupport
import XCTest

/// The read shapes `bench/reads.sh` times at history size, checked for what they return on the
/// bundled publications: counts and sums per practice-month from the totals kept with each
/// segment (no row arrays read), and keyset pagination of a month on the documented key.
final class ReadShapesTests: XCTestCase {
    func testPracticeMonthTotalsEqualTheRowsTheyStandForAndReadNoRowArrays() throws {
        let database = try LoadedWarehouse.copy()
        try database.psql("ANALYZE")
        // Every practice-month: rows and appointments from the segment equal what the row view serves.
        let mismatches = try database.value("""
            SELECT count(*) FROM api.gp_appointments_practice_months m
            FULL JOIN (SELECT month, practice, count(*) AS n, sum(count) AS total FROM api.gp_appointments GROUP BY 1, 2) r USING (month, practice)
            WHERE (m.row_count, m.appointments) IS DISTINCT FROM (r.n, r.total)
            """)
        XCTAssertEqual(mismatches, "0")
        XCTAssertGreaterThan(Int(try database.value("SELECT count(*) FROM api.gp_appointments_practice_months")) ?? 0, 3)
        // Per ICB and month, as a benchmark asks it.
        XCTAssertEqual(try database.value("""
            SELECT count(*) FROM (SELECT month, icb, sum(row_count) AS n, sum(appointments) AS t FROM api.gp_appointments_practice_months GROUP BY 1, 2) m
            FULL JOIN (SELECT month, icb, count(*) AS n, sum(count) AS t FROM api.gp_appointments GROUP BY 1, 2) r USING (month, icb)
            WHERE (m.n, m.t) IS DISTINCT FROM (r.n, r.t)
            """), "0")
        let (month, icb) = try { () throws -> (String, String) in
            let row = try database.psql("SELECT month, icb FROM api.gp_appointments_practice_months WHERE icb IS NOT NULL ORDER BY 1, 2 LIMIT 1")[0]
            return (row[0], row[1])
        }()
        // Summing the totals reads no row array: the fallback for segments without a total
        // (below) is never run.
        let plan = try database.psql("""
            SET enable_seqscan = off;
            EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
            SELECT sum(row_count), sum(appointments) FROM api.gp_appointments_practice_months WHERE month = '\(month)' AND icb = '\(icb)'
            """).map { $0.joined() }
        XCTAssertEqual(plan.filter { $0.contains("unnest") && !$0.contains("never executed") }, [], "no row array is unnested:\n\(plan.joined(separator: "\n"))")
        XCTAssertTrue(plan.contains { $0.contains("Index Cond") }, "read through an index:\n\(plan.joined(separator: "\n"))")
        // A segment written before totals were kept (an upgraded warehouse) sums its rows instead.
        let before = try database.value("SELECT sum(appointments) FROM api.gp_appointments_practice_months")
        try database.psql("UPDATE data.gp_appointments SET count_total = NULL")
        XCTAssertEqual(try database.value("SELECT sum(appointments) FROM api.gp_appointments_practice_months"), before)
        XCTAssertEqual(try database.value("SELECT sum(count) FROM api.gp_appointments"), before)
    }

    func testKeysetPagesOfAMonthWalkEveryRowOnceInKeyOrder() throws {
        let database = try LoadedWarehouse.copy()
        try database.psql("ANALYZE")
        let month = try database.value("SELECT month FROM api.gp_appointments GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        let all = try database.psql("SELECT practice, line, count FROM api.gp_appointments WHERE month = '\(month)' ORDER BY practice, line")
        XCTAssertGreaterThan(all.count, 20)
        // The documented page: the key after the last row of the previous page (practice >= it
        // as well, so that the practice is an index condition).
        var walked: [[String]] = [], after = ("", "0"), pages = 0
        while true {
            let page = try database.psql("""
                SELECT practice, line, count FROM api.gp_appointments
                WHERE month = '\(month)' AND practice >= '\(after.0)' AND (practice, line) > ('\(after.0)', \(after.1))
                ORDER BY practice, line LIMIT 7
                """).filter { $0 != [""] }
            if page.isEmpty { break }
            walked += page
            after = (page.last![0], page.last![1])
            pages += 1
        }
        XCTAssertEqual(walked, all, "every row once, in key order, over \(pages) pages")
        // A page starts at its practice through the index, in key order: no sort of the whole
        // month comes first (sorts forbidden where the planner has another way; on these few
        // rows a sort would be cheaper, at history size it is what made OFFSET paging slow).
        let middle = all[all.count / 2]
        let plan = try database.psql("""
            SET enable_seqscan = off; SET enable_sort = off;
            EXPLAIN (COSTS OFF) SELECT * FROM api.gp_appointments
            WHERE month = '\(month)' AND practice >= '\(middle[0])' AND (practice, line) > ('\(middle[0])', \(middle[1]))
            ORDER BY practice, line LIMIT 100
            """).map { $0.joined() }
        let text = plan.joined(separator: "\n")
        XCTAssertTrue(plan.contains { $0.contains("Index Cond:") && $0.contains("org >= '\(middle[0])'::text") && $0.contains("period = '\(month)'::date") },
                      "the page starts at its practice through the index:\n\(text)")
        XCTAssertEqual(plan.filter { $0.contains("Sort") && !$0.contains("Incremental Sort") && !$0.contains("Presorted Key") && !$0.contains("Sort Key") }, [],
                       "no sort of the whole month before the page:\n\(text)")
    }
}
