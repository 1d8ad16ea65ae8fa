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
    @exclusivity(unchecked) private var keyLines: [Int: Int] = [:]      // hash of dimensions -> row index
    @exclusivity(unchecked) private var firstLine = 0
    @exclusivity(unchecked) private var content: [UInt8] = []
    @exclusivity(unchecked) public private(set) var segmentsEmitted = 0
    @exclusivity(unchecked) public private(set) var rowsAdded = 0
    /// The scratch row a mapper fills in place before `commit` (reused: no copy per row).
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
        content.reserveCapacity(64 * 1024)
    }

    /// Adds `row` (as the mapper left it), emitting the previous segment when it starts a new one.
    public func commit(emit: (Segment) throws -> Void) throws {
        try add(row, emit: emit)
    }

    /// Adds one row, emitting the previous segment when this row starts a new one.
    public func add(_ row: borrowing MappedRow, emit: (Segment) throws -> Void) throws {
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
        var hasher = Hasher()
        for d in row.dimensions { hasher.combine(d) }
        let dimensionHash = hasher.finalize()
        if let earlier = keyLines[dimensionHash] {
            if (0..<row.dimensions.count).allSatisfy({ segment.dimensions[$0][earlier] == row.dimensions[$0] }) {
                throw TransformError(
                    .duplicateKey, file: source, line: row.line,
                    "duplicate key \(describeKey(row)) (first on line \(segment.lines[earlier]))")
            }
            try checkDuplicateSlowly(row)  // a hash collision: compare every row
        } else {
            keyLines[dimensionHash] = segment.rowCount
        }
        segment.lines.append(Int32(truncatingIfNeeded: row.line))
        for d in row.dimensions.indices { segment.dimensions[d].append(row.dimensions[d]) }
        for m in row.measures.indices {
            segment.measures[m].append(row.measures[m])
            segment.raws[m].append(row.raws[m])
        }
        rowsAdded += 1
    }

    /// Emits the last segment.
    public func finish(emit: (Segment) throws -> Void) throws {
        if open { try close(emit) }
        open = false
    }

    private func checkDuplicateSlowly(_ row: borrowing MappedRow) throws {
        for i in 0..<segment.rowCount where (0..<row.dimensions.count).allSatisfy({ segment.dimensions[$0][i] == row.dimensions[$0] }) {
            throw TransformError(.duplicateKey, file: source, line: row.line, "duplicate key \(describeKey(row)) (first on line \(segment.lines[i]))")
        }
    }

    private func describeKey(_ row: borrowing MappedRow) -> String {
        ([row.org] + row.dimensions).joined(separator: "/")
    }

    private func close(_ emit: (Segment) throws -> Void) throws {
        segment.hash = hashContent()
        segment.dimensionsHash = hashDimensions()
        finished.insert(SegmentKey(period: segment.period, org: segment.org))
        keyLines.removeAll(keepingCapacity: true)
        segmentsEmitted += 1
        try emit(segment)
    }

    /// SHA-256 over a length-prefixed serialisation (unambiguous whatever the values hold).
    private func hashContent() -> [UInt8] {
        content.removeAll(keepingCapacity: true)
        for attribute in segment.attributes { put(attribute) }
        for row in 0..<segment.rowCount {
            for d in segment.dimensions.indices { put(segment.dimensions[d][row]) }
            for m in segment.measures.indices {
                put(segment.measures[m][row])
                put(segment.raws[m][row])
            }
        }
        return digest()
    }

    /// SHA-256 of the dimension columns only (the keys, in order).
    private func hashDimensions() -> [UInt8] {
        content.removeAll(keepingCapacity: true)
        for d in segment.dimensions.indices {
            for value in segment.dimensions[d] { put(value) }
        }
        return digest()
    }

    private func digest() -> [UInt8] {
        var sha = SHA256()
        content.withUnsafeBytes { sha.update($0) }
        return Array(sha.finalize().prefix(16))
    }

    private func put(_ value: String?) {
        guard let value else {
            content.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF])
            return
        }
        let n = value.utf8.count
        content.append(UInt8(truncatingIfNeeded: n)); content.append(UInt8(truncatingIfNeeded: n >> 8))
        content.append(UInt8(truncatingIfNeeded: n >> 16)); content.append(UInt8(truncatingIfNeeded: n >> 24))
        content.append(contentsOf: value.utf8)
    }
}
