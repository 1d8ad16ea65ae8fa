/// Groups consecutive mapped rows into segments (one per period and organisation), checks each
/// segment, hashes it and hands it to `emit`. The `Segment` passed to `emit` is reused for the
/// next one: copy what you keep.
///
/// Checks: the same natural key twice (refused naming both lines), an attribute that differs
/// within one organisation's rows (refused naming both lines), and an organisation that comes
/// back after its rows were closed (`Ungrouped`, so the caller can regroup the file).
public final class SegmentAssembler {
    public let spec: DatasetSpec
    public let source: String
    private let segment: Segment
    // Hot-path state of a single-threaded object: `@exclusivity(unchecked)` drops Swift's dynamic
    // exclusivity checks, which cost ~15% of a load's CPU (docs/performance.md).
    @exclusivity(unchecked) private var open = false
    @exclusivity(unchecked) private var finished = Set<SegmentKey>()
    @exclusivity(unchecked) private var keyRows = KeyTable()      // hash of dimensions -> row index
    @exclusivity(unchecked) private var firstLine = 0
    @exclusivity(unchecked) public private(set) var segmentsEmitted = 0
    @exclusivity(unchecked) public private(set) var rowsAdded = 0
    /// The scratch row a mapper fills in place (reused: no copy per row).
    @exclusivity(unchecked) public var row: MappedRow

    /// The file's rows for one organisation are not contiguous.
    public struct Ungrouped: Error, CustomStringConvertible {
        public let source: String
        public let org: String
        public let line: Int
        public var description: String { "\(source):\(line): rows for \(org) are not contiguous" }
    }

    public init(spec: DatasetSpec, source: String) {
        self.spec = spec
        self.source = source
        self.segment = Segment(spec: spec)
        self.row = MappedRow(spec: spec)
    }

    /// Adds one row, emitting the previous segment when this row starts a new one.
    public func add(_ row: inout MappedRow, emit: (Segment) throws -> Void) throws {
        if !open || row.org != segment.org || row.period != segment.period {
            if open { try close(emit) }
            let key = SegmentKey(period: row.period, org: row.org)
            if finished.contains(key) { throw Ungrouped(source: source, org: row.org, line: row.line) }
            segment.reset(period: row.period, org: row.org, attributes: row.attributes)
            firstLine = row.line
            open = true
        } else if row.attributes != segment.attributes {
            let a = row.attributes.indices.first { row.attributes[$0] != segment.attributes[$0] }!
            throw TransformError(
                .value, file: source, line: row.line,
                "\(spec.attributes[a].name) of \(row.org) is \(TransformError.shown(row.attributes[a] ?? "")) here but \(TransformError.shown(segment.attributes[a] ?? "")) on line \(firstLine)")
        }
        let index = segment.rowCount
        if row.dimensions.isEmpty && index > 0 {
            // A dataset without dimensions has one row per organisation and period.
            throw TransformError(.duplicateKey, file: source, line: row.line, "duplicate key \(row.org) (first on line \(segment.lines[0]))")
        }
        for d in row.dimensions.indices { segment.dimensions[d].append(row.dimensions[d]) }
        if !row.dimensions.isEmpty {
            if let earlier = keyRows.firstRow(withHash: KeyTable.hash(row.dimensions), elseInsert: index),
               let first = firstDuplicate(of: index, candidate: earlier) {
                // Keep the segment consistent before refusing (the caller abandons it anyway).
                throw TransformError(
                    .duplicateKey, file: source, line: row.line,
                    "duplicate key \(row.keyDescription) (first on line \(segment.lines[first]))")
            }
        }
        segment.lines.append(Int32(truncatingIfNeeded: row.line))
        for m in row.measures.indices {
            segment.measures[m].append(row.measures[m])
            segment.raws[m].append(row.raws[m])
        }
        rowsAdded += 1
    }

    /// The earlier row with the same key as row `index` (its dimensions already appended):
    /// `candidate` when the hashes did not collide, else found by scanning.
    private func firstDuplicate(of index: Int, candidate: Int) -> Int? {
        func same(_ a: Int, _ b: Int) -> Bool {
            segment.dimensions.allSatisfy { $0.equals(a, $0, b) }
        }
        if same(candidate, index) { return candidate }
        return (0..<index).first { same($0, index) }
    }

    /// Emits the last segment.
    public func finish(emit: (Segment) throws -> Void) throws {
        if open { try close(emit) }
        open = false
    }

    private func close(_ emit: (Segment) throws -> Void) throws {
        // Hashing is left to whoever takes the segment (`Segment.seal`), which may be another
        // thread (`SegmentHandoff`).
        finished.insert(SegmentKey(period: segment.period, org: segment.org))
        keyRows.removeAll()
        segmentsEmitted += 1
        try emit(segment)
    }
}
