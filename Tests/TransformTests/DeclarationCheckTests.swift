import Transform
import XCTest

/// The start-up check: declarations that do not fit together are refused as a whole, each
/// problem named, before anything is fetched or written.
final class DeclarationCheckTests: XCTestCase {
    /// A minimal source, adjustable per test.
    struct Toy: SourceDeclaration {
        var id = "toy"
        var title = "Toy counts"
        var listing = EditionListing.fixedDownloads([FixedDownload(url: "https://example.org/toy.csv", name: "toy.csv")])
        var periodKind = ReportingPeriod.Kind.month
        var cadence = Cadence(every: "month", expectedAfterDays: 0, publishedWithinDays: 31)
        var hosts = ["example.org"]
        var files = [FileFamily("counts", match: ["toy*.csv"], datasets: ["toy-counts"])]
        var datasets = [DatasetSpec(id: "toy-counts", source: "toy", title: "Counts", table: "toy_counts", periodKind: .month,
                                    dimensions: [], measures: [.init("count", .integer)], attributes: [.init("pcn")])]
        var apiObjects = [APIObject("toy_counts", comment: "Counts", rows: .current(datasets: ["toy-counts"]),
                                    columns: [APIColumn("month", .period, "Month"), APIColumn("practice", .org, "Practice"),
                                              APIColumn("pcn", .field("pcn"), "PCN"), APIColumn("count", .field("count"), "Count")],
                                    filters: ["month", "practice", "pcn"], key: ["month", "practice"])]

        func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
            throw TransformError(.unsupported, file: fileName, "toy")
        }
    }

    func problems(_ sources: [any SourceDeclaration]) -> [String] {
        do {
            _ = try SourceRegistry(sources)
            return []
        } catch let error as DeclarationError {
            return error.problems
        } catch {
            return ["unexpected \(error)"]
        }
    }

    func testAWellFormedSourceIsAccepted() {
        XCTAssertEqual(problems([Toy()]), [])
    }

    func testAFileFamilyNamingAnUndeclaredDatasetIsRefused() {
        var toy = Toy()
        toy.files = [FileFamily("raw data zip", match: ["toy*.zip"], datasets: ["toy"])]
        XCTAssertEqual(problems([toy]), ["toy: file family 'raw data zip' names dataset toy, which no source declares"])
    }

    func testAFilterNamingAColumnTheObjectLacksIsRefused() {
        var toy = Toy()
        let o = toy.apiObjects[0]
        toy.apiObjects = [APIObject(o.name, comment: o.comment, rows: o.rows, columns: o.columns, filters: ["month", "icb"], key: o.key)]
        XCTAssertEqual(problems([toy]), ["api.toy_counts: filter icb is not one of its columns"])
    }

    func testAColumnReadingAFieldTheDatasetDoesNotStoreIsRefused() {
        var toy = Toy()
        let o = toy.apiObjects[0]
        toy.apiObjects = [APIObject(o.name, comment: o.comment, rows: o.rows, columns: o.columns + [APIColumn("icb", .field("icb"), "ICB")],
                                    filters: ["icb"], key: o.key)]
        XCTAssertEqual(problems([toy]), ["api.toy_counts: column icb reads icb, which dataset toy-counts does not store"])
    }

    func testALookupOfATableNoSourceDerivesIsRefused() {
        var toy = Toy()
        let o = toy.apiObjects[0]
        toy.apiObjects = [APIObject(o.name, comment: o.comment, rows: o.rows,
                                    columns: o.columns + [APIColumn("band", .lookup(table: "toy_bands", column: "band"), "Band")],
                                    filters: ["band"], key: o.key)]
        XCTAssertEqual(problems([toy]), ["api.toy_counts: column band looks up table toy_bands, which no source derives"])
    }

    func testTwoDatasetsClaimingOneTableAreRefused() {
        var other = Toy()
        other.id = "other"
        other.files = [FileFamily("counts", match: ["other*.csv"], datasets: ["other-counts"])]
        other.datasets = [DatasetSpec(id: "other-counts", source: "other", title: "Other", table: "toy_counts", periodKind: .month,
                                      dimensions: [], measures: [.init("count", .integer)], attributes: [.init("pcn")])]
        other.apiObjects = []
        XCTAssertEqual(problems([Toy(), other]), ["datasets toy-counts and other-counts both claim table toy_counts"])
    }

    func testAnAPIObjectDeclaredTwiceIsRefused() {
        var other = Toy()
        other.id = "other"
        other.files = []
        other.datasets = []
        other.apiObjects = [APIObject("toy_counts", comment: "again", rows: .current(datasets: ["toy-counts"]),
                                      columns: [APIColumn("month", .period, "Month")], key: ["month"])]
        XCTAssertEqual(problems([Toy(), other]), ["other: api.toy_counts is declared twice"])
    }

    func testAFilterInsideTheRowsIsAcceptedAndItsTableNamesReserved() {
        var toy = Toy()
        toy.datasets = [DatasetSpec(id: "toy-counts", source: "toy", title: "Counts", table: "toy_counts", periodKind: .month,
                                    dimensions: [.init("category")], measures: [.init("count", .integer)], attributes: [.init("pcn")])]
        let o = toy.apiObjects[0]
        toy.apiObjects = [APIObject(o.name, comment: o.comment, rows: o.rows, columns: o.columns + [APIColumn("category", .field("category"), "C")],
                                    filters: ["category"], key: o.key)]
        XCTAssertEqual(problems([toy]), [], "served from a materialised table of its rows")
        toy.apiObjects = [APIObject("toy", comment: "x", rows: o.rows, columns: o.columns, key: o.key)]
        toy.datasets = [DatasetSpec(id: "toy-counts", source: "toy", title: "Counts", table: "toy_rows", periodKind: .month,
                                    dimensions: [], measures: [.init("count", .integer)], attributes: [.init("pcn")])]
        XCTAssertEqual(problems([toy]), ["api.toy: table toy_rows is reserved for its rows"])
        // The postings of a row-level column are data.<table>_<column>_values.
        toy.datasets = [DatasetSpec(id: "toy-counts", source: "toy", title: "Counts", table: "toy_counts", periodKind: .month,
                                    dimensions: [.init("category")], measures: [.init("count", .integer)], attributes: [.init("pcn")]),
                        DatasetSpec(id: "toy-other", source: "toy", title: "Other", table: "toy_counts_category_values", periodKind: .month,
                                    dimensions: [], measures: [.init("count", .integer)], attributes: [.init("pcn")])]
        XCTAssertEqual(problems([toy]), ["table toy_counts_category_values is reserved for the postings of toy_counts.category"])
    }

    func testEveryProblemIsReportedAtOnce() {
        var toy = Toy()
        toy.files = [FileFamily("raw", match: ["x"], datasets: ["nope"])]
        toy.datasets[0] = DatasetSpec(id: "toy-counts", source: "toy", title: "Counts", table: "Toy Counts", periodKind: .month,
                                      dimensions: [], measures: [.init("count", .integer)], attributes: [.init("pcn")],
                                      hierarchy: HierarchyFill(from: "map", columns: ["icb"], match: .latestOnOrBefore))
        XCTAssertEqual(problems([toy]), [
            "toy-counts: table name 'Toy Counts' is not a lower-case SQL identifier",
            "toy: file family 'raw' names dataset nope, which no source declares",
            "toy-counts: hierarchy from map, which no source declares",
        ])
        XCTAssertEqual(String(describing: DeclarationError(problems: ["a", "b"])), "source declarations do not fit together: a; b")
    }
}
