import Foundation
import TestSupport
import XCTest

/// Every filter of every developer-API view is one indexed read of one table (no sequential
/// scan, no join), and every view returns the reporting period beside each value.
final class APIReadTests: XCTestCase {
    func testEveryAPIFilterIsOneIndexedReadOfOneTable() throws {
        let h = try Harness()
        XCTAssertEqual(try h.pipeline("migrate").status, 0)
        try h.database.psql("ANALYZE")
        let queries = [
            "SELECT * FROM api.practices WHERE ods_code = 'A81001'",
            "SELECT * FROM api.practices WHERE pcn = 'U12345'",
            "SELECT * FROM api.practices WHERE sub_icb = '16C'",
            "SELECT * FROM api.practices WHERE icb = 'QHM'",
            "SELECT * FROM api.practices WHERE region = 'Y63'",
            "SELECT * FROM api.search_practices('densham')",
            "SELECT * FROM api.pcns WHERE code = 'U12345'",
            "SELECT * FROM api.pcns WHERE sub_icb = '16C'",
            "SELECT * FROM api.pcns WHERE icb = 'QHM'",
            "SELECT * FROM api.pcns WHERE region = 'Y63'",
            "SELECT * FROM api.gp_appointments WHERE practice = 'A81001'",
            "SELECT * FROM api.gp_appointments WHERE month = '2025-10-01'",
            "SELECT * FROM api.gp_appointments WHERE pcn = 'U12345' AND month = '2025-10-01'",
            "SELECT * FROM api.gp_appointments WHERE sub_icb = '16C'",
            "SELECT * FROM api.gp_appointments WHERE icb = 'QHM'",
            "SELECT * FROM api.gp_appointments WHERE region = 'Y63'",
            "SELECT * FROM api.gp_appointments WHERE supplier = 'EMIS' AND month = '2025-10-01'",
            "SELECT * FROM api.qof_achievement WHERE practice = 'A81001'",
            "SELECT * FROM api.qof_achievement WHERE period = '2023-04-01'",
            "SELECT * FROM api.qof_achievement WHERE pcn = 'U12345'",
            "SELECT * FROM api.qof_achievement WHERE sub_icb = '16C'",
            "SELECT * FROM api.qof_achievement WHERE icb = 'QHM'",
            "SELECT * FROM api.qof_achievement WHERE region = 'Y63'",
            "SELECT * FROM api.qof_prevalence WHERE practice = 'A81001'",
            "SELECT * FROM api.qof_prevalence WHERE period = api.financial_year('2023/24')",
            "SELECT * FROM api.qof_prevalence WHERE pcn = 'U12345'",
            "SELECT * FROM api.qof_prevalence WHERE icb = 'QHM'",
            "SELECT * FROM api.qof_prevalence WHERE region = 'Y63'",
            "SELECT * FROM api.qof_prevalence_national WHERE period = '2023-04-01'",
            "SELECT * FROM api.qof_indicators WHERE period = '2023-04-01'",
            "SELECT * FROM api.nhs_payments_practices WHERE practice = 'A81001'",
            "SELECT * FROM api.nhs_payments_practices WHERE period = api.financial_year('2022/23')",
            "SELECT * FROM api.nhs_payments_practices WHERE pcn = 'U12345'",
            "SELECT * FROM api.nhs_payments_practices WHERE sub_icb = '16C'",
            "SELECT * FROM api.nhs_payments_practices WHERE icb = 'QHM'",
            "SELECT * FROM api.nhs_payments_practices WHERE region = 'Y63'",
            "SELECT * FROM api.nhs_payments_pcns WHERE pcn = 'U12345'",
            "SELECT * FROM api.nhs_payments_pcns WHERE period = '2022-04-01'",
            "SELECT * FROM api.nhs_payments_pcns WHERE icb = 'QHM' AND period = '2022-04-01'",
            "SELECT * FROM api.list_sizes WHERE org = 'A81001'",
        ]
        for query in queries {
            let plan = try h.database.psql("SET enable_seqscan = off; EXPLAIN (COSTS OFF) \(query)").map { $0.joined() }.joined(separator: "\n")
            XCTAssertTrue(plan.contains("Index Scan") || plan.contains("Bitmap Index Scan") || plan.contains("Index Only Scan"),
                          "\(query) reads an index:\n\(plan)")
            XCTAssertFalse(plan.contains("Seq Scan"), "\(query):\n\(plan)")
            XCTAssertFalse(plan.contains("Join"), "\(query) joins nothing:\n\(plan)")
        }
        XCTAssertEqual(try h.database.psql("SELECT api.financial_year('2023/24'), api.financial_year('2023-24'), api.financial_year('2023/25') IS NULL"),
                       [["2023-04-01", "2023-04-01", "t"]])
        // The period is beside every value.
        for view in ["gp_appointments", "qof_achievement", "qof_prevalence", "qof_prevalence_national", "qof_indicators",
                     "nhs_payments_practices", "nhs_payments_pcns", "list_sizes"] {
            let columns = try h.database.psql("SELECT column_name FROM information_schema.columns WHERE table_schema = 'api' AND table_name = '\(view)'").map { $0[0] }
            XCTAssertTrue(columns.contains("period") || columns.contains("month"), "api.\(view) returns its period: \(columns)")
        }
        for view in ["qof_achievement", "qof_prevalence", "qof_prevalence_national", "qof_indicators", "nhs_payments_practices", "nhs_payments_pcns"] {
            let columns = try h.database.psql("SELECT column_name FROM information_schema.columns WHERE table_schema = 'api' AND table_name = '\(view)'").map { $0[0] }
            XCTAssertTrue(columns.contains("year"), "api.\(view) has the year as the API asks for it")
        }
    }
}
