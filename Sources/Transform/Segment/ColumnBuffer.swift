/// One column of a segment: every row's value as bytes, end to end, with end offsets and a
/// null flag per row. No per-value objects, so appending, hashing and COPY encoding are
/// memcpy-shaped.
public struct ColumnBuffer: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// `ends[i]` is where value `i` stops in `bytes` (it starts where value `i - 1` stopped).
    public private(set) var ends: [Int32] = []
    /// 1 where the value is NULL (its byte range is empty).
    public private(set) var nulls: [UInt8] = []
    /// True once any value was NULL (lets encoders skip the per-row check).
    public private(set) var hasNulls = false
    /// True once any value was not NULL.
    public private(set) var hasValues = false

    public init() {}

    public var count: Int { ends.count }

    @inline(__always)
    public mutating func append(_ value: UnsafeRawBufferPointer?) {
        if let value {
            bytes.append(contentsOf: value)
            nulls.append(0)
            hasValues = true
        } else {
            nulls.append(1)
            hasNulls = true
        }
        ends.append(Int32(truncatingIfNeeded: bytes.count))
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        nulls.removeAll(keepingCapacity: true)
        hasNulls = false
        hasValues = false
    }

    @inline(__always)
    public func isNull(_ row: Int) -> Bool { nulls[row] != 0 }

    @inline(__always)
    func range(_ row: Int) -> Range<Int> {
        (row == 0 ? 0 : Int(ends[row - 1]))..<Int(ends[row])
    }

    /// Calls `body` with row `row`'s bytes, or nil for NULL.
    @inline(__always)
    public func withValue<T>(_ row: Int, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        if nulls[row] != 0 { return try body(nil) }
        let r = range(row)
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[r])) }
    }

    /// Row `row` as a String (nil for NULL).
    public func string(_ row: Int) -> String? {
        withValue(row) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// True when row `a` of this column equals row `b` of `other`, byte for byte.
    @inline(__always)
    public func equals(_ a: Int, _ other: ColumnBuffer, _ b: Int) -> Bool {
        if nulls[a] != other.nulls[b] { return false }
        let ra = range(a), rb = other.range(b)
        guard ra.count == rb.count else { return false }
        return bytes.withUnsafeBufferPointer { x in
            other.bytes.withUnsafeBufferPointer { y in
                for k in 0..<ra.count where x[ra.lowerBound + k] != y[rb.lowerBound + k] { return false }
                return true
            }
        }
    }

    /// Feeds an unambiguous encoding (row count, null flags, end offsets, bytes) to `hasher`.
    func hash(into hasher: inout SHA256) {
        var n = UInt64(count).littleEndian
        withUnsafeBytes(of: &n) { hasher.update($0) }
        nulls.withUnsafeBytes { hasher.update($0) }
        ends.withUnsafeBytes { hasher.update($0) }
        bytes.withUnsafeBytes { hasher.update($0) }
    }
}

extension ColumnBuffer {
    /// The exact sum of a column of canonical whole numbers (`-12`), NULLs left out; nil when
    /// every value is NULL (as SQL's `sum`) or the sum does not fit in 64 bits. Linear, no
    /// allocation.
    public func integerSum() -> Int? {
        var total = 0, any = false, overflow = false
        bytes.withUnsafeBufferPointer { b in
            var start = 0
            for row in 0..<ends.count {
                let end = Int(ends[row])
                defer { start = end }
                if nulls[row] != 0 || end == start { continue }
                var i = start, negative = false, value = 0
                if b[i] == 45 { negative = true; i += 1 }
                while i < end { value = value &* 10 &+ Int(b[i] &- 48); i += 1 }
                if end - start > 18 { overflow = true }
                let (sum, over) = total.addingReportingOverflow(negative ? -value : value)
                total = sum; overflow = overflow || over; any = true
            }
        }
        return any && !overflow ? total : nil
    }

    /// The sum of the column's values read as canonical decimal numbers (`-12.5`; NULL adds
    /// nothing), for quality gates. Linear, no allocation.
    public func numericSum() -> Double {
        var total = 0.0
        bytes.withUnsafeBufferPointer { b in
            var start = 0
            for row in 0..<ends.count {
                let end = Int(ends[row])
                defer { start = end }
                if nulls[row] != 0 || end == start { continue }
                var i = start, negative = false
                if b[i] == 45 { negative = true; i += 1 }
                var whole = 0.0, fraction = 0.0, scale = 1.0, inFraction = false
                while i < end {
                    let c = b[i]
                    if c == 46 { inFraction = true } else if c >= 48 && c <= 57 {
                        if inFraction { scale /= 10; fraction += Double(c - 48) * scale } else { whole = whole * 10 + Double(c - 48) }
                    }
                    i += 1
                }
                total += negative ? -(whole + fraction) : whole + fraction
            }
        }
        return total
    }
}
