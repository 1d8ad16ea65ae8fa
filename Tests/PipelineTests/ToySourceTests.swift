import Foundation
import Operations
@testable import pipeline
import Publications
import TestSupport
import Transform
import XCTest

/// A source added in one declaration and nothing else: a CSV of practice code, month and one
/// count. Run through the whole `pipeline` command line in this process with the toy added to
/// the bundled sources, it gets its table, an indexed and commented `api` view, `load` and
/// `refresh` from the local HTTP server, with no other file of the project touched.
final class ToySourceTests: XCTestCase {
    /// The whole declaration.
    struct ToyCounts: SourceDeclaration {
        let id = "toy-counts"
        let title = "Toy counts per practice"
        let listing = EditionListing.digitalNHSSeries(url: "https://digital.nhs.uk/data-and-information/publications/statistical/toy-counts",
                                                      editionSlugs: ["{month}-{yyyy}"])
        let periodKind = ReportingPeriod.Kind.month
        let cadence = Cadence(every: "month", expectedAfterDays: 5, publishedWithinDays: 20)
        let hosts = ["digital.nhs.uk", "files.digital.nhs.uk"]
        let files = [FileFamily("counts", match: ["toy-counts*.csv"], datasets: ["toy-counts"])]
        static let counts = DatasetSpec(id: "toy-counts", source: "toy-counts", title: "Counts per practice and month", table: "toy_counts",
                                        periodKind: .month, dimensions: [], measures: [.init("count", .integer)],
                                        hierarchy: HierarchyFill(from: "practice-map", columns: ["pcn", "icb"], match: .latestOnOrBefore))
        var datasets: [DatasetSpec] { [Self.counts] }
        var apiObjects: [APIObject] {
            [APIObject("toy_counts", comment: "Toy counts per practice and month (toy-counts-*.csv)", rows: .current(datasets: [Self.counts.id]),
                       columns: [APIColumn("month", .period, "The month (first day)"), APIColumn("practice", .org, "Practice ODS code"),
                                 APIColumn("count", .field("count"), "The count; NULL when blank"),
                                 APIColumn("pcn", .field("pcn"), "PCN from the practice map"), APIColumn("icb", .field("icb"), "ICB from the practice map"),
                                 APIColumn("revision", .revision, "The revision whose file the count was read from")],
                       filters: ["month", "practice", "pcn"], key: ["month", "practice"])]
        }

        func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
            typealias C = CSVLayout.Column
            return FileReading(spec: Self.counts, layout: CSVLayout(org: C("PRACTICE_CODE"), period: .column(C("MONTH"), formats: [.iso]),
                                                                   measures: [C("COUNT")]))
        }
    }

    func testAToySourceDeclaredInOneValueLoadsRefreshesAndIsServedIndexed() throws {
        let database = try TestDatabase()
        let cache = try TemporaryDirectory("cache")
        let site = try TemporaryDirectory("toy-site")
        let series = "digital.nhs.uk/data-and-information/publications/statistical/toy-counts"
        try site.write("\(series)/index.html", """
            <html><body><ul data-uipath="ps.series.publications-list.list">
            <li><a class="cta__button" href="/data-and-information/publications/statistical/toy-counts/march-2026">Toy counts, March 2026</a>
            <p class="callout-box__content-description-date">Published: 10 March 2026</p></li></ul></body></html>
            """)
        try site.write("\(series)/march-2026/index.html", """
            <html><body><h1>Toy counts, March 2026</h1><dl><dt>Publication Date:</dt><dd>10 March 2026</dd></dl>
            <div data-uipath="ps.publication.resources-attachments"><a href="https://files.digital.nhs.uk/AA/000001/toy-counts-mar-26.csv">counts</a></div>
            </body></html>
            """)
        try site.write("files.digital.nhs.uk/AA/000001/toy-counts-mar-26.csv", "PRACTICE_CODE,MONTH,COUNT\nA81001,2026-03-01,12\nA81002,2026-03-01,\nA81004,2026-03-01,7\n")
        let server = try FixtureServer(root: site.url)
        let sources = Publications.all + [ToyCounts()]
        func pipeline(_ arguments: String...) -> Int32 {
            setenv("DATABASE_URL", database.url, 1)
            setenv("PIPELINE_CACHE_DIR", cache.path, 1)
            setenv("PIPELINE_MIRROR", server.base, 1)
            defer { unsetenv("DATABASE_URL"); unsetenv("PIPELINE_CACHE_DIR"); unsetenv("PIPELINE_MIRROR") }
            return Program.run(arguments, sources: sources).rawValue
        }

        XCTAssertEqual(pipeline("refresh", "toy-counts"), 0)
        XCTAssertEqual(try database.psql("SELECT month, practice, coalesce(count::text, 'NULL'), revision IS NOT NULL FROM api.toy_counts ORDER BY practice"),
                       [["2026-03-01", "A81001", "12", "t"], ["2026-03-01", "A81002", "NULL", "t"], ["2026-03-01", "A81004", "7", "t"]])
        XCTAssertEqual(pipeline("refresh", "toy-counts"), 0, "the same edition again: nothing new")
        XCTAssertEqual(try database.value("SELECT count(*) FROM etl.revisions WHERE source = 'toy-counts'"), "1")

        // A republication loaded by hand: one count changed, one practice gone.
        let file = try cache.write("toy-counts-mar-26-v2.csv", "PRACTICE_CODE,MONTH,COUNT\nA81001,2026-03-01,13\nA81002,2026-03-01,\n")
        XCTAssertEqual(pipeline("load", "toy-counts", file), 0)
        XCTAssertEqual(try database.psql("SELECT added, changed, removed, unchanged FROM etl.revisions WHERE source = 'toy-counts' ORDER BY revision_id DESC LIMIT 1"),
                       [["0", "1", "1", "1"]])
        XCTAssertEqual(try database.value("SELECT string_agg(practice || '=' || coalesce(count::text, 'NULL'), ',' ORDER BY practice) FROM api.toy_counts"),
                       "A81001=13,A81002=NULL")

        // The generated table, view, comments and filter indexes.
        XCTAssertEqual(try database.value("SELECT obj_description('api.toy_counts'::regclass)"), "Toy counts per practice and month (toy-counts-*.csv)")
        XCTAssertEqual(try database.value("SELECT col_description('api.toy_counts'::regclass, 3)"), "The count; NULL when blank")
        try database.psql("ANALYZE")
        for (filter, value) in [("month", "'2026-03-01'"), ("practice", "'A81001'"), ("pcn", "'U12345'")] {
            let plan = try database.psql("SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT * FROM api.toy_counts WHERE \(filter) = \(value)")
                .map { $0.joined() }.joined(separator: "\n")
            let column = filter == "month" ? "period" : filter == "practice" ? "org" : filter
            // The filter's own column in an index or recheck condition (alone, or first of several).
            let condition = plan.split(separator: "\n").contains { line in
                (line.contains("Index Cond: (") || line.contains("Recheck Cond: (")) && line.contains("(\(column) = \(value)")
            }
            XCTAssertTrue(condition, "\(filter):\n\(plan)")
        }
        // The bundled sources are untouched by the toy's presence.
        XCTAssertEqual(try database.value("SELECT count(*) FROM etl.revisions WHERE source <> 'toy-counts'"), "0")
        XCTAssertEqual(pipeline("sources"), 0)
    }

    func testDeclarationsThatDoNotFitAreRefusedBeforeAnythingIsWritten() throws {
        let database = try TestDatabase()
        struct Broken: SourceDeclaration {
            let id = "toy-counts"
            let title = "Broken"
            let listing = EditionListing.fixedDownloads([FixedDownload(url: "https://example.org/x.csv", name: "x.csv")])
            let periodKind = ReportingPeriod.Kind.month
            let cadence = Cadence(every: "month", expectedAfterDays: 0, publishedWithinDays: 31)
            let hosts = ["example.org"]
            let files = [FileFamily("raw data zip", match: ["x*.zip"], datasets: ["qof"])]
            let datasets: [DatasetSpec] = []
            var apiObjects: [APIObject] {
                [APIObject("list_sizes", comment: "again", rows: .current(datasets: ["list-sizes-all"]),
                           columns: [APIColumn("month", .period, "m")], filters: ["icb"], key: ["month"])]
            }
            func recognise(fileName: String, firstRecord: [String]) throws -> FileReading { throw TransformError(.unsupported, file: fileName, "x") }
        }
        setenv("DATABASE_URL", database.url, 1)
        defer { unsetenv("DATABASE_URL") }
        let errors = try TemporaryDirectory("stderr")
        let saved = dup(2)
        let file = open(errors.path + "/err", O_WRONLY | O_CREAT, 0o600)
        dup2(file, 2)
        let status = Program.run(["refresh"], sources: Publications.all + [Broken()])
        dup2(saved, 2)
        close(file)
        XCTAssertEqual(status.rawValue, 78)
        let message = try String(contentsOfFile: errors.path + "/err", encoding: .utf8)
        XCTAssertEqual(message, "source declarations do not fit together: toy-counts: file family 'raw data zip' names dataset qof, which no source declares; "
                       + "toy-counts: api.list_sizes is declared twice; api.list_sizes: filter icb is not one of its columns\n")
        XCTAssertEqual(try database.value("SELECT to_regclass('etl.runs') IS NULL"), "t", "nothing was written")
    }
}
