@testable import Publications
import Transform
import XCTest

/// Years read from the publishers' irregular file names.
final class FileNamePeriodTests: XCTestCase {
    func testQOFNames() {
        let cases: [(String, String?)] = [
            ("PREVALENCE_2324.csv", "2023-24"), ("QOF2324.zip:ACHIEVEMENT_LONDON_2324.csv", "2023-24"),
            ("QOF_2122_V2.zip:PREVALENCE_2122_V2.csv", "2021-22"), ("QOF2021_v2.zip", "2020-21"),
            ("QOF 2022-23 Raw data .csv files.zip", "2022-23"), ("PREVALENCE 2021-22.csv", "2021-22"),
            ("qof-1718-csv.zip", "2017-18"), ("PREVALENCE.csv", nil), ("MAPPING_2023.csv", nil),
        ]
        for (name, expected) in cases {
            XCTAssertEqual(Qof.period(fromName: name)?.label, expected, name)
        }
    }

    func testPaymentsNames() {
        let cases: [(String, String?)] = [
            ("nhspaymentsgp-21-22-prac-csv-v2.csv", "2021-22"), ("nhspaymentsgp_14-15_first2000.csv", "2014-15"),
            ("nhspaymentsgp-24-25-prac-csv.csv", "2024-25"), ("payments.csv", nil), ("nhspaymentsgp-21-23.csv", nil),
            ("x-99-00.csv", "1999-00"),
        ]
        for (name, expected) in cases {
            XCTAssertEqual(Payments.period(fromName: name)?.label, expected, name)
        }
    }

    func testQOFEntriesChosenAndAllowedEmpty() {
        let source = Qof()
        let entries = ["ACHIEVEMENT_2324.csv", "ACHIEVEMENT_LONDON_2324.csv", "ACHIEVEMENT_SOUTH_WEST_2324.csv", "PREVALENCE_2324.csv",
                       "PRACTICE_VALIDATION_OUTCOMES_2324.csv", "README.txt", "__MACOSX/._PREVALENCE_2324.csv"]
        XCTAssertEqual(source.select(entries: entries), ["ACHIEVEMENT_LONDON_2324.csv", "ACHIEVEMENT_SOUTH_WEST_2324.csv", "PREVALENCE_2324.csv"],
                       "the national achievement copy is left out when regional files are there")
        XCTAssertEqual(source.select(entries: ["ACHIEVEMENT_2122_V2.csv", "PREVALENCE_2122_V2.csv"]), ["ACHIEVEMENT_2122_V2.csv", "PREVALENCE_2122_V2.csv"])
        XCTAssertTrue(source.mayBeEmpty(entryName: "ACHIEVEMENT_SOUTH_WEST_2324.csv"))
        XCTAssertFalse(source.mayBeEmpty(entryName: "PREVALENCE_2324.csv"))
        XCTAssertFalse(source.mayBeEmpty(entryName: "ACHIEVEMENT_2324.csv"))
    }
}
