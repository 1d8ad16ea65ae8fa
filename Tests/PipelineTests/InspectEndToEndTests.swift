import Foundation
import TestSupport
import XCTest

/// Runs the built `pipeline inspect` and compares what a user sees.
final class InspectEndToEndTests: XCTestCase {
    func testCSVSummaryOfARealRegistrationsFile() throws {
        let result = try Run.pipeline(["inspect", Fixtures.path("samples/registrations/gp-reg-pat-prac-all_2021-01.csv")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines, [
            "bom: no",
            "line_ending: CRLF",
            "header: [\"PUBLICATION\",\"EXTRACT_DATE\",\"TYPE\",\"CCG_CODE\",\"ONS_CCG_CODE\",\"CODE\",\"POSTCODE\",\"SEX\",\"AGE\",\"NUMBER_OF_PATIENTS\"]",
            "records: 300",
        ])
    }

    func testCSVSummaryAsJSONOnAPaymentsFileWithBOM() throws {
        let result = try Run.pipeline(["inspect", "--json", Fixtures.path("samples/payments/nhspaymentsgp_22-23_first2000.csv")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
        XCTAssertEqual(object["bom"] as? Bool, true)
        XCTAssertEqual(object["line_ending"] as? String, "CRLF")
        XCTAssertEqual(object["records"] as? Int, 150)
        XCTAssertEqual((object["header"] as? [String])?.prefix(4), ["NHS England (Region) code", "NHS England (Region) Name", "CCG Code", "Sub ICB NAME"])
    }

    func testRowsPrintsRecordsAsJSONArraysHeaderFirst() throws {
        let result = try Run.pipeline(["inspect", "--rows", "2", Fixtures.path("samples/registrations/gp-reg-pat-prac-map_2022-01.csv")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines.count, 2)
        XCTAssertTrue(result.lines[0].hasPrefix("[\"PUBLICATION\",\"EXTRACT_DATE\",\"PRACTICE_CODE\""))
        XCTAssertTrue(result.lines[1].hasPrefix("[\"GP_PRAC_PAT_LIST\",\"01Jan2022\","), result.lines[1])
    }

    func testBadCSVExitsWith65AndOneLineNamingLineAndColumn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.csv")
        try Data("a,b\n1,2\n3,\"x\"y\n".utf8).write(to: file)
        let result = try Run.pipeline(["inspect", file.path])
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.stderr, "\(file.path):3:2: unexpected text after a closing quote\n")
        XCTAssertEqual(result.stdout, "")
    }

    func testUsageErrorsExit64() throws {
        XCTAssertEqual(try Run.pipeline(["inspect"]).status, 64)
        XCTAssertEqual(try Run.pipeline(["inspect", "x.csv", "--bogus"]).status, 64)
        XCTAssertEqual(try Run.pipeline(["inspect", "x.zip", "--cat"]).status, 64)
        XCTAssertEqual(try Run.pipeline(["nosuchcommand"]).status, 64)
    }
}
