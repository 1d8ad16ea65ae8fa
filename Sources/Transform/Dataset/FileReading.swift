/// How to read one recognised file.
public struct FileReading: Sendable {
    public let spec: DatasetSpec
    public let layout: CSVLayout
    /// The period the file's name gives (`PREVALENCE_2324.csv`, `nhspaymentsgp-21-22-…`), for
    /// layouts whose rows do not carry one. It must agree with `--period` when both are given.
    public var period: ReportingPeriod?
    /// The name's period may be earlier than the publication page's: the publisher re-issues a
    /// back-series on a later month's page (GP Workforce, July 2022), each file a revision of the
    /// month its name gives. A later period than the page's is still refused.
    public var restatesEarlierPeriods: Bool
    /// Corrects a known-bad header edition before columns are matched (the header as published
    /// is still what the revision log keeps).
    public var headerFix: (@Sendable ([String]) -> [String])?
    /// A custom mapper for files that are not one-row-per-record (wide files read long).
    public let makeMapper: (@Sendable (_ header: [String], _ source: String, _ period: ReportingPeriod?) throws -> any RecordMapper)?

    public init(spec: DatasetSpec, layout: CSVLayout, period: ReportingPeriod? = nil, restatesEarlierPeriods: Bool = false,
                headerFix: (@Sendable ([String]) -> [String])? = nil,
                makeMapper: (@Sendable (_ header: [String], _ source: String, _ period: ReportingPeriod?) throws -> any RecordMapper)? = nil) {
        self.spec = spec
        self.layout = layout
        self.period = period
        self.restatesEarlierPeriods = restatesEarlierPeriods
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
