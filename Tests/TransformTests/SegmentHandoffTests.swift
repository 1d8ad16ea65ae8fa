@testable import Transform
import Publications
import XCTest

/// The handoff between the thread that reads a file and the one that writes its segments:
/// every segment arrives once, in order, holding what it held when handed over; an error of
/// the writing side stops the reader; a reader that fails still gets the writer's earlier error.
final class SegmentHandoffTests: XCTestCase {
    struct Stop: Error, Equatable { let org: String }

    /// The assembler's way: one Segment refilled for every organisation.
    func fill(_ segment: Segment, _ n: Int) {
        segment.reset(period: segment.period, org: String(format: "P%05d", n), attributes: segment.attributes)
        for row in 0..<(n % 7 + 1) * 300 {  // 300 to 2,100 rows: batches close on rows and on count
            segment.lines.append(Int32(n * 10_000 + row))
        }
    }

    func testEverySegmentArrivesOnceInOrderWithTheContentItHadWhenHandedOver() throws {
        let segment = Segment(spec: ListSizes.all)
        var seen: [(String, Int, Int32)] = []
        let handoff = SegmentHandoff { seen.append(($0.org, $0.rowCount, $0.lines.last!)) }
        for n in 0..<2_000 {
            fill(segment, n)
            try handoff.submit(segment)
        }
        try handoff.finish()
        XCTAssertEqual(seen.count, 2_000)
        for (n, item) in seen.enumerated() {
            XCTAssertEqual(item.0, String(format: "P%05d", n))
            XCTAssertEqual(item.1, (n % 7 + 1) * 300)
            XCTAssertEqual(item.2, Int32(n * 10_000 + item.1 - 1))
        }
    }

    func testAnErrorOfTheWritingSideStopsTheReaderAndNothingAfterItIsWritten() throws {
        let segment = Segment(spec: ListSizes.all)
        var written: [String] = []
        let handoff = SegmentHandoff {
            if $0.org == "P00010" { throw Stop(org: $0.org) }
            written.append($0.org)
        }
        var thrown: (any Error)?
        var submitted = 0
        for n in 0..<10_000 {
            fill(segment, n)
            do { try handoff.submit(segment) } catch { thrown = error; break }
            submitted += 1
        }
        XCTAssertEqual(thrown as? Stop, Stop(org: "P00010"), "the reader learns of it at a later segment")
        XCTAssertLessThan(submitted, 10_000, "and stops there, not at the end of the file")
        XCTAssertThrowsError(try handoff.finish()) { XCTAssertEqual($0 as? Stop, Stop(org: "P00010")) }
        XCTAssertEqual(written, (0..<10).map { String(format: "P%05d", $0) })
    }

    func testAReaderThatFailsStillGetsTheWritersEarlierErrorAndEverythingBeforeItIsWritten() throws {
        let segment = Segment(spec: ListSizes.all)
        var written: [String] = []
        let failing = SegmentHandoff {
            if $0.org == "P00002" { throw Stop(org: $0.org) }
            written.append($0.org)
        }
        for n in 0..<5 {
            fill(segment, n)
            try failing.submit(segment)  // a batch holds all five: the writer has not seen them yet
        }
        XCTAssertEqual(failing.stop() as? Stop, Stop(org: "P00002"))
        XCTAssertEqual(written, ["P00000", "P00001"])
        XCTAssertNotNil(failing.stop(), "stopping twice is harmless")

        written = []
        let healthy = SegmentHandoff { written.append($0.org) }
        for n in 0..<5 {
            fill(segment, n)
            try healthy.submit(segment)
        }
        XCTAssertNil(healthy.stop())
        XCTAssertEqual(written.count, 5, "what was handed over before the reader failed is written (then rolled back by the caller)")
    }

    func testTheKeyTableFindsEveryRepeatedKeyAcrossGrowthAndAfterBeingEmptied() {
        var table = KeyTable(capacity: 4)
        let keys = (0..<5_000).map { Array("K\($0)".utf8) }
        for round in 0..<2 {
            for (row, key) in keys.enumerated() {
                let hash = key.withUnsafeBytes { KeyTable.hash([$0]) }
                XCTAssertNil(table.firstRow(withHash: hash, elseInsert: row), "round \(round): \(row) is new")
            }
            for (row, key) in keys.enumerated() {
                let hash = key.withUnsafeBytes { KeyTable.hash([$0]) }
                XCTAssertEqual(table.firstRow(withHash: hash, elseInsert: row + 10_000), row)
            }
            table.removeAll()
        }
        // Field boundaries count: ("AB", "C") and ("A", "BC") are different keys.
        let ab = Array("AB".utf8), c = Array("C".utf8), a = Array("A".utf8), bc = Array("BC".utf8)
        let one = ab.withUnsafeBytes { x in c.withUnsafeBytes { y in KeyTable.hash([x, y]) } }
        let two = a.withUnsafeBytes { x in bc.withUnsafeBytes { y in KeyTable.hash([x, y]) } }
        XCTAssertNotEqual(one, two)
    }
}
