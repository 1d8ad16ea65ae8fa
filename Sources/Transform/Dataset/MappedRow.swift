/// One canonical row, written by a mapper into a scratch value that is reused for every
/// record (so mapping allocates nothing per row beyond strings too long to store inline).
public struct MappedRow: Sendable {
    public var period: ReportingPeriod
    /// The ODS code of the organisation the row is about.
    public var org: String
    /// One per `DatasetSpec.dimensions`.
    public var dimensions: [String]
    /// One per `DatasetSpec.measures`: canonical text, or nil.
    public var measures: [String?]
    /// One per measure: the original token when a suppression marker made the value nil.
    public var raws: [String?]
    /// One per `DatasetSpec.attributes`.
    public var attributes: [String?]
    /// The line where the record starts in its file.
    public var line: Int

    public init(spec: DatasetSpec) {
        period = ReportingPeriod(kind: spec.periodKind, start: CalendarDate(year: 2000, month: 1, day: 1)!)
        org = ""
        dimensions = Array(repeating: "", count: spec.dimensions.count)
        measures = Array(repeating: nil, count: spec.measures.count)
        raws = Array(repeating: nil, count: spec.measures.count)
        attributes = Array(repeating: nil, count: spec.attributes.count)
        line = 0
    }
}

/// Turns CSV records into canonical rows for one dataset.
public protocol RecordMapper: AnyObject {
    var spec: DatasetSpec { get }
    /// Fills `row` from `record`; returns false when the record is filtered out (not an error).
    func map(_ record: CSVRecord, into row: inout MappedRow) throws -> Bool
}
