import Foundation
import TestSupport
import XCTest

/// `pipeline inspect` on workbooks, run as a user runs it: sheet listings, rows as JSON arrays,
/// the summary, a workbook inside a zip, and one-line refusals with exit 65.
final class InspectWorkbookEndToEndTests: XCTestCase {
    let oc = Fixtures.path("samples/oc_cbt/Submissions via OC Systems in General Practice - February 2026.xlsx")
    let epcn = Fixtures.path("samples/ods/epcn_2022-04.zip")

    func testListsAWorkbooksSheets() throws {
        let result = try Run.pipeline(["inspect", oc])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines, ["Title sheet\tvisible\tA3:N48", "Data Quality\tvisible\tA3:N44", "Table 1\tvisible\tA2:U38",
                                      "Table 2\tvisible\tA1:S6586", "Table 3\tvisible\tA1:K4811"])
        let json = try Run.pipeline(["inspect", "--json", Fixtures.path("sheets/sparse.xlsx")])
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertEqual(json.lines, ["{\"sheet\":\"Sparse\",\"state\":\"visible\",\"dimension\":\"A1:F9\"}",
                                    "{\"sheet\":\"Hidden\",\"state\":\"hidden\",\"dimension\":null}"])
        let ods = try Run.pipeline(["inspect", Fixtures.path("sheets/values.ods")])
        XCTAssertEqual(ods.lines, ["Values\tvisible\tA1:B11", "Repeats\tvisible\tA1:H8", "Empty\tvisible\t-"])
    }

    func testPrintsASheetsRowsLikeACSVOneLinePerSheetRow() throws {
        let result = try Run.pipeline(["inspect", oc, "--sheet", "Table 2", "--rows", "13"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines.count, 13)
        XCTAssertEqual(Array(result.lines[0..<7]), Array(repeating: "[]", count: 7))
        XCTAssertEqual(result.lines[7], "[\"Return to Contents\"]")
        XCTAssertEqual(result.lines[11], "[\"Month [1]\",\"GP Code\",\"GP Name\",\"PCN Code [2, 3]\",\"PCN Name [3]\",\"Sub ICB Code\",\"Sub ICB Name\",\"ICB Code\",\"ICB Name\",\"Region Code\",\"Region Name\",\"Supplier [4, 5, 6]\",\"Submissions [7]\",\"Clinical Submissions [7]\",\"Administrative Submissions [7]\",\"Other/Unknown Type Submissions [7]\",\"Registered Patient Count [8]\",\"Rate per 1,000 Registered Patients [9, 10]\",\"Participation\"]")
        XCTAssertEqual(result.lines[12], "[\"2026-02-01\",\"A81001\",\"THE DENSHAM SURGERY\",\"U89141\",\"STOCKTON PCN\",\"16C\",\"NHS NORTH EAST AND NORTH CUMBRIA ICB - 16C\",\"QHM\",\"NHS NORTH EAST AND NORTH CUMBRIA INTEGRATED CARE BOARD\",\"Y63\",\"NORTH EAST AND YORKSHIRE\",\"ECONSULT HEALTH LIMITED\",\"157\",\"133\",\"24\",\"0\",\"3753\",\"41.833200106581401\",\"1\"]")
        let all = try Run.pipeline(["inspect", Fixtures.path("sheets/dates_1904.xlsx"), "--sheet", "Dates", "--rows", "all"])
        XCTAssertEqual(all.lines, ["[\"1904-01-01\",\"1904-01-02\",\"1905-01-01\",\"2025-04-02\",\"1904-03-01\"]"])
    }

    func testSummaryAndAWorkbookInsideAZip() throws {
        let result = try Run.pipeline(["inspect", epcn, "--entry", "ePCN.xlsx", "--sheet", "PCN Core Partner Details"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines, ["sheet: PCN Core Partner Details", "rows: 7360", "columns: 11", "last_row: 7360"])
        let json = try Run.pipeline(["inspect", "--json", Fixtures.path("sheets/values.ods"), "--sheet", "Repeats"])
        XCTAssertEqual(json.lines, ["{\"sheet\":\"Repeats\",\"rows\":5,\"columns\":8,\"last_row\":8}"])
        let listing = try Run.pipeline(["inspect", epcn, "--entry", "ePCN.xlsx"])
        XCTAssertEqual(listing.lines, ["PCNDetails\tvisible\tA1:L1319", "PCN Core Partner Details\tvisible\tA1:K7360"])
        let rows = try Run.pipeline(["inspect", epcn, "--entry", "ePCN.xlsx", "--sheet", "PCNDetails", "--rows", "2"])
        XCTAssertEqual(rows.lines, [
            "[\"PCN Code\",\"PCN Name\",\"Current Clinical \\nCommissioning \\nGroup Code\",\"Clinical\\nCommissioning\\nGroup Name\",\"Open Date\",\"Close Date\",\"Address Line 1\",\"Address Line 2\",\"Address Line 3\",\"Address Line 4\",\"Address Line 5\",\"Postcode\"]",
            "[\"U16464\",\"BARNSLEY PCN\",\"02P\",\"NHS BARNSLEY CCG\",\"20191001\",\"\",\"OAKS PARK PRIMARY CARE CENTRE\",\"THORNTON ROAD\",\"\",\"BARNSLEY\",\"\",\"S70 3NE\"]",
        ])
        // The zip itself is not a workbook: its entries are listed as before.
        let zip = try Run.pipeline(["inspect", epcn])
        XCTAssertEqual(zip.lines.map { $0.split(separator: "\t").first.map(String.init) ?? "" }, ["ePCN.xlsx", "ePCN.xlsx Specification.pdf"])
        let docx = try Run.pipeline(["inspect", Fixtures.path("sheets/document.docx")])
        XCTAssertEqual(docx.status, 0, docx.stderr)
        XCTAssertEqual(docx.lines.map { $0.split(separator: "\t").first.map(String.init) ?? "" }, ["[Content_Types].xml", "word/document.xml"])
    }

    func testRefusalsExit65WithOneLineNamingWorkbookSheetAndCell() throws {
        let sheets = Fixtures.path("sheets")
        let cases: [([String], String)] = [
            ([oc, "--sheet", "Table 9"], "\(oc):Table 9: no such sheet (the workbook has 'Title sheet', 'Data Quality', 'Table 1', 'Table 2', 'Table 3')"),
            (["\(sheets)/bad_number.xlsx", "--sheet", "Data"], "\(sheets)/bad_number.xlsx:Data!B14: number 'x' is not a number"),
            (["\(sheets)/dates_1900.xlsx", "--sheet", "Leap bug"], "\(sheets)/dates_1900.xlsx:Leap bug!A2: date serial '60' is 29 February 1900, a day that never existed (Excel's 1900 leap-year bug)"),
            (["\(sheets)/no_shared_strings.xlsx", "--sheet", "Sheet1"], "\(sheets)/no_shared_strings.xlsx:Sheet1!B2: the cell refers to shared string 0 but the workbook has no shared-strings part"),
            (["\(sheets)/broken.ods", "--sheet", "Data"], "\(sheets)/broken.ods:Data!A2: malformed XML in content.xml at line 2, column 547: the document ends early or has content after its end (libxml2 error 5)"),
            (["\(sheets)/doctype.xlsx"], "\(sheets)/doctype.xlsx:Data: xl/worksheets/sheet1.xml has a document type declaration (<!DOCTYPE>), which no workbook part has: refused"),
            ([epcn, "--entry", "ePCN.xlsx", "--sheet", "Nope"], "\(epcn):ePCN.xlsx:Nope: no such sheet (the workbook has 'PCNDetails', 'PCN Core Partner Details')"),
            ([epcn, "--sheet", "PCNDetails"], "\(epcn): not a workbook (no spreadsheet declared in a [Content_Types].xml or an OpenDocument mimetype), so it has no sheets"),
        ]
        for (arguments, message) in cases {
            let result = try Run.pipeline(["inspect"] + arguments)
            XCTAssertEqual(result.status, 65, arguments.joined(separator: " "))
            XCTAssertEqual(result.stderr, message + "\n")
            XCTAssertEqual(result.stdout, "")
        }
        // Rows before the bad one have been printed, as for a CSV; the error is the last word.
        let partial = try Run.pipeline(["inspect", "\(sheets)/truncated_xml.xlsx", "--sheet", "Data", "--rows", "all"])
        XCTAssertEqual(partial.status, 65)
        XCTAssertEqual(partial.lines.count, 5)
        XCTAssertEqual(partial.stderr, "\(sheets)/truncated_xml.xlsx:Data!B5: malformed XML in xl/worksheets/sheet1.xml at line 2, column 529: the document ends early or has content after its end (libxml2 error 5)\n")
        XCTAssertEqual(try Run.pipeline(["inspect", oc, "--rows", "3"]).status, 64)
        XCTAssertEqual(try Run.pipeline(["inspect", oc, "--sheet", "Table 1", "--cat"]).status, 64)
    }
}
