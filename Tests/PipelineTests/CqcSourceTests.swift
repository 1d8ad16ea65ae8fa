import Foundation
import TestSupport
import XCTest

/// CQC (`cqc`) from the saved download page `using-cqc-data` (Fixtures/publisher, made by
/// Tests/fixture-tools/mirror_cqc.py; modelled files) served on 127.0.0.1.
final class CqcSourceTests: PublisherSiteTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        h.extraEnvironment["PIPELINE_NOW"] = "2026-09-10T06:00:00Z"
    }

    func testExplore() throws {
        let result = try h.pipeline("refresh", "cqc")
        print("STDOUT", result.stdout, "STDERR", result.stderr, "STATUS", result.status)
        print(try h.database.psql("SELECT * FROM api.cqc_ratings ORDER BY 1,2 LIMIT 5"))
        print(try h.database.psql("SELECT snapshot, count(*), count(practice), count(icb), count(rating) FROM api.cqc_ratings GROUP BY 1"))
        print(try h.database.psql("SELECT * FROM api.cqc_framework LIMIT 3"))
    }
}
