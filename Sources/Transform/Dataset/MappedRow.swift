/// One canonical row, written by a mapper into a scratch value reused for every record.
///
/// Row values are byte slices: of the CSV record being mapped, or of storage the mapper owns
/// (a canonicalised number, a constant). They are valid only until the mapper's next call,
/// which is all the `SegmentAssembler` needs: it copies them into the segment's columns.
public struct MappedRow {
    public var period: ReportingPeriod
    /// The ODS code of the organisation the row is about.
    public var org: String
    /// One per `DatasetSpec.attributes` (values that belong to the organisation as a whole).
    public var attributes: [String?]
    /// The line where the record starts in its file.
    public var line: Int
    /// One per `DatasetSpec.dimensions`.
    public var dimensions: [UnsafeRawBufferPointer]
    /// One per `DatasetSpec.measures`: canonical bytes, or nil for NULL.
    public var measures: [UnsafeRawBufferPointer?]
    /// One per measure: the original token when a suppression marker made the value NULL.
    public var raws: [UnsafeRawBufferPointer?]

    public init(spec: DatasetSpec) {
        period = ReportingPeriod(kind: spec.periodKind, start: CalendarDate(year: 2000, month: 1, day: 1)!)
        org = ""
        attributes = Array(repeating: nil, count: spec.attributes.count)
        line = 0
        dimensions = Array(repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: spec.dimensions.count)
        measures = Array(repeating: nil, count: spec.measures.count)
        raws = Array(repeating: nil, count: spec.measures.count)
    }

    /// The row's natural key for messages: `A81001/MALE/45`.
    public var keyDescription: String {
        ([org] + dimensions.map { String(decoding: $0, as: UTF8.self) }).joined(separator: "/")
    }
}

/// Turns CSV records into canonical rows for one dataset.
public protocol RecordMapper: AnyObject {
    var spec: DatasetSpec { get }
    /// Fills `row` from `record`, calling `emit` once per canonical row (none when the record
    /// is filtered out, several when a wide record is read long).
    func map(_ record: CSVRecord, into row: inout MappedRow, emit: (inout MappedRow) throws -> Void) throws
}

/// Storage a mapper owns for bytes that are not slices of the record: canonicalised numbers,
/// ISO dates, constants. Grows as needed; slices stay valid until the next `store` into the
/// same slot.
public final class ValueScratch {
    private var slots: [UnsafeMutableRawBufferPointer]

    public init(slots: Int) {
        self.slots = (0..<slots).map { _ in .allocate(byteCount: 32, alignment: 1) }
    }

    deinit { slots.forEach { $0.deallocate() } }

    /// Copies `bytes` into slot `slot` and returns the copy.
    public func store(_ slot: Int, _ bytes: some Collection<UInt8>) -> UnsafeRawBufferPointer {
        if slots[slot].count < bytes.count {
            slots[slot].deallocate()
            slots[slot] = .allocate(byteCount: max(bytes.count, slots[slot].count * 2), alignment: 1)
        }
        let n = bytes.count
        UnsafeMutableRawBufferPointer(rebasing: slots[slot][0..<n]).copyBytes(from: bytes)
        return UnsafeRawBufferPointer(rebasing: slots[slot][0..<n])
    }
}
