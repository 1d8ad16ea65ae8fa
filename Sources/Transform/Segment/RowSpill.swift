import Foundation

/// Regroups a file whose rows are not grouped by organisation, in bounded memory.
///
/// The streaming path needs each organisation's rows to be contiguous (one segment at a time).
/// When a file breaks that (`SegmentAssembler.Ungrouped`), its mapped rows are spilled to
/// `buckets` temporary files by a hash of the organisation code; each bucket is then read back
/// alone, its rows ordered by (period, organisation, position in the file), and fed to a
/// `SegmentAssembler`. Memory is one bucket (about the file's size / buckets), whatever the
/// file's size; the temporary files are removed when the spill is released.
public final class RowSpill {
    public let spec: DatasetSpec
    private let directory: URL
    private var handles: [FileHandle]
    private var buffers: [[UInt8]]
    private var sequence: UInt64 = 0
    /// Per-bucket write buffer: with up to 256 buckets, at most 16 MB held at once.
    private static let flushAt = 64 << 10

    public init(spec: DatasetSpec, buckets: Int, in parent: URL = FileManager.default.temporaryDirectory) throws {
        self.spec = spec
        let directory = parent.appendingPathComponent("nhs-pipeline-spill-\(UUID().uuidString)", isDirectory: true)
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let count = max(1, buckets)
        handles = try (0..<count).map { i in
            let url = directory.appendingPathComponent("\(i)")
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
            return try FileHandle(forWritingTo: url)
        }
        buffers = Array(repeating: [], count: count)
    }

    deinit {
        for handle in handles { try? handle.close() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Appends one mapped row (its slices are copied).
    public func add(_ row: inout MappedRow) throws {
        let bucket = Int(Self.fnv(row.org) % UInt64(handles.count))
        var out = buffers[bucket]
        buffers[bucket] = []
        Self.put(&out, UInt32(truncatingIfNeeded: row.period.start.year * 10_000 + row.period.start.month * 100 + row.period.start.day))
        Self.put(&out, UInt32(truncatingIfNeeded: row.line))
        Self.put64(&out, sequence)
        sequence += 1
        Self.put(&out, Array(row.org.utf8))
        for attribute in row.attributes { Self.put(&out, attribute.map { Array($0.utf8) }) }
        for dimension in row.dimensions { Self.put(&out, Array(dimension)) }
        for m in row.measures.indices {
            Self.put(&out, row.measures[m].map { Array($0) })
            Self.put(&out, row.raws[m].map { Array($0) })
        }
        if out.count >= Self.flushAt {
            try handles[bucket].write(contentsOf: out)
            out.removeAll(keepingCapacity: true)
        }
        buffers[bucket] = out
    }

    /// Reads the buckets back one at a time, feeding each organisation's rows, in file order,
    /// to `assembler`.
    public func drain(into assembler: SegmentAssembler, emit: (Segment) throws -> Void) throws {
        for bucket in handles.indices {
            if !buffers[bucket].isEmpty { try handles[bucket].write(contentsOf: buffers[bucket]) }
            buffers[bucket] = []
            try handles[bucket].close()
            let url = directory.appendingPathComponent("\(bucket)")
            let data = try Data(contentsOf: url)
            try FileManager.default.removeItem(at: url)
            try data.withUnsafeBytes { raw in
                var records: [(period: UInt32, org: Range<Int>, sequence: UInt64, start: Int)] = []
                var offset = 0
                while offset < raw.count {
                    let start = offset
                    let period = Self.u32(raw, &offset)
                    _ = Self.u32(raw, &offset)
                    let sequence = Self.u64(raw, &offset)
                    let org = Self.field(raw, &offset)!
                    for _ in spec.attributes { _ = Self.field(raw, &offset) }
                    for _ in spec.dimensions { _ = Self.field(raw, &offset) }
                    for _ in spec.measures { _ = Self.field(raw, &offset); _ = Self.field(raw, &offset) }
                    records.append((period, org, sequence, start))
                }
                records.sort { a, b in
                    if a.period != b.period { return a.period < b.period }
                    let x = UnsafeRawBufferPointer(rebasing: raw[a.org]), y = UnsafeRawBufferPointer(rebasing: raw[b.org])
                    if !x.elementsEqual(y) { return x.lexicographicallyPrecedes(y) }
                    return a.sequence < b.sequence
                }
                for record in records {
                    var offset = record.start
                    let packed = Int(Self.u32(raw, &offset))
                    let date = CalendarDate(year: packed / 10_000, month: packed / 100 % 100, day: packed % 100)!
                    assembler.row.period = ReportingPeriod(kind: spec.periodKind, start: date)
                    assembler.row.line = Int(Self.u32(raw, &offset))
                    _ = Self.u64(raw, &offset)
                    assembler.row.org = String(decoding: UnsafeRawBufferPointer(rebasing: raw[Self.field(raw, &offset)!]), as: UTF8.self)
                    for a in spec.attributes.indices {
                        assembler.row.attributes[a] = Self.field(raw, &offset).map { String(decoding: UnsafeRawBufferPointer(rebasing: raw[$0]), as: UTF8.self) }
                    }
                    for d in spec.dimensions.indices {
                        assembler.row.dimensions[d] = UnsafeRawBufferPointer(rebasing: raw[Self.field(raw, &offset)!])
                    }
                    for m in spec.measures.indices {
                        assembler.row.measures[m] = Self.field(raw, &offset).map { UnsafeRawBufferPointer(rebasing: raw[$0]) }
                        assembler.row.raws[m] = Self.field(raw, &offset).map { UnsafeRawBufferPointer(rebasing: raw[$0]) }
                    }
                    try assembler.add(&assembler.row, emit: emit)
                }
                // Segments copy what they keep, so the bucket's bytes may go.
                try assembler.finish(emit: emit)
            }
        }
    }

    // MARK: encoding: little-endian lengths; 0xFFFFFFFF marks NULL

    private static func put(_ out: inout [UInt8], _ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func put64(_ out: inout [UInt8], _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func put(_ out: inout [UInt8], _ bytes: [UInt8]?) {
        guard let bytes else { return put(&out, UInt32.max) }
        put(&out, UInt32(bytes.count))
        out.append(contentsOf: bytes)
    }

    private static func u32(_ raw: UnsafeRawBufferPointer, _ offset: inout Int) -> UInt32 {
        let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: v)
    }

    private static func u64(_ raw: UnsafeRawBufferPointer, _ offset: inout Int) -> UInt64 {
        let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: v)
    }

    private static func field(_ raw: UnsafeRawBufferPointer, _ offset: inout Int) -> Range<Int>? {
        let n = u32(raw, &offset)
        if n == UInt32.max { return nil }
        let range = offset..<(offset + Int(n))
        offset += Int(n)
        return range
    }

    static func fnv(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
