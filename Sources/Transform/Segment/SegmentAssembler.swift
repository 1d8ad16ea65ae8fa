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
    @exclusivity(unchecked) private var keyRows: [Int: Int] = [:]      // hash of dimensions -> row index
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
            var hasher = Hasher()
            for d in row.dimensions { hasher.combine(bytes: d) }
            let key = hasher.finalize()
            if let earlier = keyRows[key] {
                if let first = firstDuplicate(of: index, candidate: earlier) {
                    // Keep the segment consistent before refusing (the caller abandons it anyway).
                    throw TransformError(
                        .duplicateKey, file: source, line: row.line,
                        "duplicate key \(row.keyDescription) (first on line \(segment.lines[first]))")
                }
            } else {
                keyRows[key] = index
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
        segment.hash = hashContent()
        segment.dimensionsHash = hashDimensions()
        finished.insert(SegmentKey(period: segment.period, org: segment.org))
        keyRows.removeAll(keepingCapacity: true)
        segmentsEmitted += 1
        try emit(segment)
    }

    /// SHA-256 over an unambiguous, column-major encoding of the content: attributes
    /// (length-prefixed, NULL marked), then each dimension, measure and token column with its
    /// row count, null flags and end offsets. Line numbers are not content.
    private func hashContent() -> [UInt8] {
        var sha = SHA256()
        for attribute in segment.attributes {
            if var value = attribute {
                var n = UInt32(value.utf8.count).littleEndian
                withUnsafeBytes(of: &n) { sha.update($0) }
                value.withUTF8 { sha.update(UnsafeRawBufferPointer($0)) }
            } else {
                var marker = UInt32.max
                withUnsafeBytes(of: &marker) { sha.update($0) }
            }
        }
        for column in segment.dimensions { column.hash(into: &sha) }
        for m in segment.measures.indices {
            segment.measures[m].hash(into: &sha)
            segment.raws[m].hash(into: &sha)
        }
        return Array(sha.finalize().prefix(16))
    }

    /// SHA-256 of the dimension columns only (the keys, in order).
    private func hashDimensions() -> [UInt8] {
        var sha = SHA256()
        for column in segment.dimensions { column.hash(into: &sha) }
        return Array(sha.finalize().prefix(16))
    }
}
