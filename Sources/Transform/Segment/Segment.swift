/// All of one organisation's rows for one period of one dataset, held as columns: the unit the
/// warehouse stores, compares and versions (docs/warehouse-design.md).
///
/// Rows keep file order. `hash` covers the attributes and every row's dimensions, measures and
/// suppression tokens (not line numbers), so an identical segment in a republished file is
/// recognised without sending it to the database.
public final class Segment {
    public let spec: DatasetSpec
    // Hot-path state of a single-threaded object: `@exclusivity(unchecked)` drops Swift's dynamic
    // exclusivity checks, which cost ~15% of a load's CPU (docs/performance.md).
    @exclusivity(unchecked) public internal(set) var period: ReportingPeriod
    @exclusivity(unchecked) public internal(set) var org: String = ""
    @exclusivity(unchecked) public internal(set) var lines: [Int32] = []
    /// One column per dimension.
    @exclusivity(unchecked) public internal(set) var dimensions: [ColumnBuffer]
    /// One column per measure: canonical bytes, NULL where empty or suppressed.
    @exclusivity(unchecked) public internal(set) var measures: [ColumnBuffer]
    /// One column per measure: the suppression token where the measure is NULL because of one.
    @exclusivity(unchecked) public internal(set) var raws: [ColumnBuffer]
    @exclusivity(unchecked) public internal(set) var attributes: [String?]
    /// First 16 bytes of the SHA-256 of the canonical content.
    @exclusivity(unchecked) public internal(set) var hash: [UInt8] = []
    /// First 16 bytes of the SHA-256 of the dimension columns alone: equal when two segments
    /// hold the same keys in the same order, so rows can be compared position by position.
    @exclusivity(unchecked) public internal(set) var dimensionsHash: [UInt8] = []

    public var rowCount: Int { lines.count }

    init(spec: DatasetSpec) {
        self.spec = spec
        period = ReportingPeriod(kind: spec.periodKind, start: CalendarDate(year: 2000, month: 1, day: 1)!)
        dimensions = Array(repeating: ColumnBuffer(), count: spec.dimensions.count)
        measures = Array(repeating: ColumnBuffer(), count: spec.measures.count)
        raws = Array(repeating: ColumnBuffer(), count: spec.measures.count)
        attributes = Array(repeating: nil, count: spec.attributes.count)
    }

    /// True when measure `measure` carries a suppression token on any row.
    public func hasRaws(_ measure: Int) -> Bool { raws[measure].hasValues }

    /// Computes `hash` and `dimensionsHash`; called once the segment is complete, before it is
    /// compared or written.
    public func seal() {
        hash = hashContent()
        dimensionsHash = hashDimensions()
    }

    /// Makes this segment hold what `other` holds (the column storage is shared until either
    /// side changes it), so `other` can be refilled while this one is written.
    func take(from other: Segment) {
        period = other.period
        org = other.org
        lines = other.lines
        dimensions = other.dimensions
        measures = other.measures
        raws = other.raws
        attributes = other.attributes
        hash = other.hash
        dimensionsHash = other.dimensionsHash
    }

    /// SHA-256 over an unambiguous, column-major encoding of the content: attributes
    /// (length-prefixed, NULL marked), then each dimension, measure and token column with its
    /// row count, null flags and end offsets. Line numbers are not content.
    private func hashContent() -> [UInt8] {
        var sha = SHA256()
        for attribute in attributes {
            if var value = attribute {
                var n = UInt32(value.utf8.count).littleEndian
                withUnsafeBytes(of: &n) { sha.update($0) }
                value.withUTF8 { sha.update(UnsafeRawBufferPointer($0)) }
            } else {
                var marker = UInt32.max
                withUnsafeBytes(of: &marker) { sha.update($0) }
            }
        }
        for column in dimensions { column.hash(into: &sha) }
        for m in measures.indices {
            measures[m].hash(into: &sha)
            raws[m].hash(into: &sha)
        }
        return Array(sha.finalize().prefix(16))
    }

    /// SHA-256 of the dimension columns only (the keys, in order).
    private func hashDimensions() -> [UInt8] {
        var sha = SHA256()
        for column in dimensions { column.hash(into: &sha) }
        return Array(sha.finalize().prefix(16))
    }

    func reset(period: ReportingPeriod, org: String, attributes: [String?]) {
        self.period = period
        self.org = org
        self.attributes = attributes
        lines.removeAll(keepingCapacity: true)
        for d in dimensions.indices { dimensions[d].removeAll() }
        for m in measures.indices {
            measures[m].removeAll()
            raws[m].removeAll()
        }
        hash = []
        dimensionsHash = []
    }
}

/// Identifies a segment: a period and an organisation.
public struct SegmentKey: Hashable, Sendable {
    public let period: ReportingPeriod
    public let org: String

    public init(period: ReportingPeriod, org: String) {
        self.period = period
        self.org = org
    }
}
