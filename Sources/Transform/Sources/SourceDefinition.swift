/// Everything the Transform stage knows about one publisher source: its datasets and how to
/// recognise and read each of its files. Adding a source = one conformance in
/// `Transform/Sources/`, one line in `SourceRegistry`, a catalogue entry in `Config/sources.json`
/// and a migration for its tables and API views (docs/adding-a-source.md).
public protocol SourceDefinition: Sendable {
    /// Source id: the CLI argument, config key and revision-log column (`list-sizes`).
    var id: String { get }
    var title: String { get }
    var datasets: [DatasetSpec] { get }
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
}

/// How to read one recognised file.
public struct FileReading: Sendable {
    public let spec: DatasetSpec
    public let layout: CSVLayout
    /// The period the file's name gives (`PREVALENCE_2324.csv`, `nhspaymentsgp-21-22-…`), for
    /// layouts whose rows do not carry one. It must agree with `--period` when both are given.
    public var period: ReportingPeriod?
    /// Corrects a known-bad header edition before columns are matched (the header as published
    /// is still what the revision log keeps).
    public var headerFix: (@Sendable ([String]) -> [String])?
    /// A custom mapper for files that are not one-row-per-record (wide files read long).
    public let makeMapper: (@Sendable (_ header: [String], _ source: String, _ period: ReportingPeriod?) throws -> any RecordMapper)?

    public init(spec: DatasetSpec, layout: CSVLayout, period: ReportingPeriod? = nil,
                headerFix: (@Sendable ([String]) -> [String])? = nil,
                makeMapper: (@Sendable (_ header: [String], _ source: String, _ period: ReportingPeriod?) throws -> any RecordMapper)? = nil) {
        self.spec = spec
        self.layout = layout
        self.period = period
        self.headerFix = headerFix
        self.makeMapper = makeMapper
    }

    /// True when the rows do not say which period they are in.
    public var periodIsExternal: Bool {
        if case .external = layout.period { return true }
        return false
    }

    /// The mapper for a file with this header.
    public func mapper(header: [String], source: String, period: ReportingPeriod?) throws -> any RecordMapper {
        let header = headerFix?(header) ?? header
        if let makeMapper { return try makeMapper(header, source, period) }
        return try LayoutMapper(spec: spec, layout: layout, header: header, source: source, period: period)
    }
}

/// The sources this build knows.
public enum SourceRegistry {
    public static let all: [any SourceDefinition] = [
        ListSizesSource(),
        OdsSource(),
        AppointmentsSource(),
        QofSource(),
        PaymentsSource(),
    ]

    public static func source(_ id: String) -> (any SourceDefinition)? {
        all.first { $0.id == id }
    }

    /// Every dataset of every source.
    public static var datasets: [DatasetSpec] { all.flatMap(\.datasets) }

    public static func dataset(_ id: String) -> DatasetSpec? { datasets.first { $0.id == id } }
}

extension SourceDefinition {
    public func wants(entryName: String) -> Bool {
        Self.isCSV(entryName)
    }

    public func select(entries: [String]) -> [String] { entries.filter(wants) }

    public func mayBeEmpty(entryName: String) -> Bool { false }

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
