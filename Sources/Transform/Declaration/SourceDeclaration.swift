/// Everything the pipeline knows about one publisher source, declared in one file under
/// `Sources/Publications`: its identity, where its editions are listed, its cadence and hosts,
/// its file families and the datasets they become, how each file is recognised and read, the
/// `api` objects it serves and the tables it derives. Each stage reads the part it owns:
/// Extract the listing and hosts, Transform the reading, Load the datasets, `api` objects and
/// derived tables. Nothing else in the program names a source (docs/adding-a-source.md).
public protocol SourceDeclaration: Sendable {
    /// Source id: the CLI argument, log field and revision-log column (`list-sizes`).
    var id: String { get }
    var title: String { get }
    var listing: EditionListing { get }
    /// The kind of period an edition reports on (a refresh's `--period` is read as this kind).
    var periodKind: ReportingPeriod.Kind { get }
    var cadence: Cadence { get }
    /// Hosts pages and files may come from, redirects included. Nothing else is fetched.
    var hosts: [String] { get }
    /// Published files that belong to the source, by name, and the datasets each may hold.
    var files: [FileFamily] { get }
    var datasets: [DatasetSpec] { get }
    var apiObjects: [APIObject] { get }
    var derivedTables: [DerivedTable] { get }
    /// Statements that bring data stored by an earlier version of this declaration up to date
    /// (a column it gained, a derived table to rebuild), hand-written because they name the
    /// source's tables. Run whenever the generated schema changes; each must be idempotent.
    var upgrades: [String] { get }

    /// Picks the dataset and layout for a file from its name and first record. Throws a
    /// `TransformError` naming the file when it is none of this source's files.
    func recognise(fileName: String, firstRecord: [String]) throws -> FileReading
    /// Whether an archive entry is one of this source's files (others are skipped and logged).
    func wants(entryName: String) -> Bool
    /// The entries of an archive to read, from all its names (default: those `wants` accepts).
    /// A source overrides this when one file makes another redundant (QOF's national
    /// achievement file beside the regional ones).
    func select(entries: [String]) -> [String]
    /// Whether an archive entry may hold a header and no rows (QOF's regional achievement file
    /// for a region with no practices). Any other empty entry is refused.
    func mayBeEmpty(entryName: String) -> Bool
    /// For a workbook (.xlsx, .ods) of one of this source's file families: the sheet holding
    /// the table to load and how to find its header; nil when the source reads no workbook
    /// (a workbook is then refused, naming it).
    func sheetTable(forFile name: String) -> SheetTable?
    /// Every table to load from a workbook of this source, in order (default: the one
    /// `sheetTable(forFile:)` names). A source overrides this when one workbook holds several
    /// datasets (ODS's `ePCN.xlsx`: PCNs on one sheet, memberships on another); each table is
    /// recognised from its header as a CSV is from its first record.
    func sheetTables(forFile name: String) -> [SheetTable]
    /// The files of one edition to load, from the names of those a family claims (default:
    /// all). A source overrides this when one file makes another redundant in the same edition
    /// (a summary workbook whose table the edition's CSVs also hold).
    func select(editionFiles names: [String]) -> [String]
    /// Why `name`, claimed by a family but not chosen by `select(editionFiles:)`, is left out of
    /// its edition, for the log (`… v2 supersedes … v1`); nil to leave it unexplained.
    func leftOutNote(editionFile name: String, chosen: [String]) -> String?
    /// A listing used instead of `listing` when every secret header it names has its
    /// environment variable set (CQC's API, given a subscription key); nil for none.
    var keyedListing: EditionListing? { get }
    /// A JSON file of this source (a web API item) as a table: its header first, then its
    /// rows, read from there as a CSV would be. Nil when the source reads no JSON (the file is
    /// then refused, naming it); throws a `TransformError` naming the file and entry.
    func table(fromJSON bytes: [UInt8], fileName: String) throws -> [[String]]?
}

extension SourceDeclaration {
    public var apiObjects: [APIObject] { [] }
    public var derivedTables: [DerivedTable] { [] }
    public var upgrades: [String] { [] }

    public func wants(entryName: String) -> Bool {
        Self.isCSV(entryName)
    }

    public func select(entries: [String]) -> [String] { entries.filter(wants) }

    public func mayBeEmpty(entryName: String) -> Bool { false }

    public func sheetTable(forFile name: String) -> SheetTable? { nil }

    public func sheetTables(forFile name: String) -> [SheetTable] { sheetTable(forFile: name).map { [$0] } ?? [] }

    public func select(editionFiles names: [String]) -> [String] { names }

    public func leftOutNote(editionFile name: String, chosen: [String]) -> String? { nil }

    public var keyedListing: EditionListing? { nil }

    public func table(fromJSON bytes: [UInt8], fileName: String) throws -> [[String]]? { nil }

    /// The family a published file name belongs to, if any.
    public func family(forFile name: String) -> FileFamily? {
        files.first { $0.matches(name) }
    }

    /// A CSV entry that is not a macOS resource fork.
    public static func isCSV(_ entryName: String) -> Bool {
        let name = entryName.lowercased()
        return name.hasSuffix(".csv") && !name.hasPrefix("__macosx/") && !name.contains("/._")
    }

    /// The last path component of an entry or file name.
    public static func baseName(_ name: String) -> String {
        String(name.split(separator: "/").last ?? Substring(name))
    }
}
