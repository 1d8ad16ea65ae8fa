import Transform

/// Writes rows in PostgreSQL's COPY text format, buffered into large `PQputCopyData` calls.
///
/// Fields are tab-separated; backslash, tab, newline and carriage return are escaped; `\N` is
/// NULL. Arrays are written as array literals (elements quoted when they need it), then escaped
/// for COPY like any other field. Data never becomes SQL text.
///
/// Hot path: each field reserves its worst-case size once, then writes through a local pointer,
/// so the per-byte work has no bounds or exclusivity checks.
public final class CopyWriter {
    private let connection: PGConnection
    // Hot-path state of a single-threaded object: `@exclusivity(unchecked)` drops Swift's dynamic
    // exclusivity checks, which cost ~15% of a load's CPU (docs/performance.md).
    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var count = 0
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var fieldsInRow = 0
    @exclusivity(unchecked) private var finished = false
    /// Rows written so far.
    @exclusivity(unchecked) public private(set) var rows = 0
    /// Bytes handed to libpq so far.
    @exclusivity(unchecked) public private(set) var bytesSent = 0

    static let flushSize = 256 * 1024

    init(connection: PGConnection) {
        self.connection = connection
        capacity = Self.flushSize * 2
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    // Per byte: 0 plain; 1 needs COPY escaping (\ tab LF CR); 2 forces array quoting ({ } " , space...).
    private static let byteClass: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in [92, 9, 10, 13] { t[b] = 1 }
        for b in [UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""), UInt8(ascii: ","), 32, 11, 12] { t[Int(b)] = 2 }
        t[92] = 3  // backslash: COPY escape and array quoting
        t[9] = 3; t[10] = 3; t[13] = 3  // white space also forces array quoting
        return t
    }()

    /// Makes room for `n` more bytes and returns where to write them.
    @inline(__always) private func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity {
            var newCapacity = capacity * 2
            while newCapacity < count + n { newCapacity *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            bigger.update(from: buffer, count: count)
            buffer.deallocate()
            buffer = bigger
            capacity = newCapacity
        }
        return buffer + count
    }

    @inline(__always) private func separator() {
        if fieldsInRow > 0 {
            reserve(1).pointee = 9
            count += 1
        }
        fieldsInRow += 1
    }

    @inline(__always) private func appendNull() {
        let p = reserve(2)
        p[0] = 92; p[1] = 78  // \N
        count += 2
    }

    /// A text field, or NULL.
    public func text(_ value: String?) {
        separator()
        guard var value else { return appendNull() }
        value.withUTF8 { bytes in
            let p = reserve(bytes.count * 2)
            count += Self.escape(bytes, into: p)
        }
    }

    /// An integer field, or NULL.
    public func int(_ value: Int?) {
        separator()
        guard let value else { return appendNull() }
        plainBytes(String(value))
    }

    /// A field whose text needs no escaping (digits, hex, ISO dates); the caller guarantees it.
    public func plain(_ value: String) {
        separator()
        plainBytes(value)
    }

    private func plainBytes(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            let p = reserve(bytes.count)
            p.update(from: bytes.baseAddress!, count: bytes.count)
            count += bytes.count
        }
    }

    /// A bytea field from raw bytes (hex form, `\\x…` once COPY-escaped).
    public func bytea(_ bytes: [UInt8]) {
        separator()
        let p = reserve(3 + bytes.count * 2)
        p[0] = 92; p[1] = 92; p[2] = 120
        var i = 3
        for b in bytes {
            p[i] = Self.hexDigit(b >> 4)
            p[i + 1] = Self.hexDigit(b & 15)
            i += 2
        }
        count += i
    }

    @inline(__always) private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 87 + v }

    /// An array of non-null strings.
    public func array(_ values: [String]) {
        separator()
        let p = reserve(1)
        p.pointee = UInt8(ascii: "{")
        count += 1
        for i in values.indices {
            if i > 0 { reserve(1).pointee = UInt8(ascii: ","); count += 1 }
            var value = values[i]
            value.withUTF8 { appendElement($0) }
        }
        reserve(1).pointee = UInt8(ascii: "}")
        count += 1
    }

    /// An array field; nil elements are NULL.
    public func array(_ values: [String?]) {
        separator()
        reserve(1).pointee = UInt8(ascii: "{")
        count += 1
        for i in values.indices {
            if i > 0 { reserve(1).pointee = UInt8(ascii: ","); count += 1 }
            if var value = values[i] {
                value.withUTF8 { appendElement($0) }
            } else {
                let p = reserve(4)
                p[0] = 78; p[1] = 85; p[2] = 76; p[3] = 76  // NULL
                count += 4
            }
        }
        reserve(1).pointee = UInt8(ascii: "}")
        count += 1
    }

    /// An array field from a segment column; NULL rows are NULL elements.
    public func array(_ column: ColumnBuffer) {
        separator()
        reserve(1).pointee = UInt8(ascii: "{")
        count += 1
        column.bytes.withUnsafeBufferPointer { all in
            column.ends.withUnsafeBufferPointer { ends in
                var start = 0
                for row in 0..<ends.count {
                    if row > 0 { reserve(1).pointee = UInt8(ascii: ","); count += 1 }
                    let end = Int(ends[row])
                    if column.hasNulls && column.isNull(row) {
                        let p = reserve(4)
                        p[0] = 78; p[1] = 85; p[2] = 76; p[3] = 76  // NULL
                        count += 4
                    } else {
                        appendElement(UnsafeBufferPointer(rebasing: all[start..<end]))
                    }
                    start = end
                }
            }
        }
        reserve(1).pointee = UInt8(ascii: "}")
        count += 1
    }

    /// A text field from row `row` of a segment column, or NULL.
    public func text(_ column: ColumnBuffer, row: Int) {
        separator()
        column.withValue(row) { value in
            guard let value else { return appendNull() }
            let p = reserve(value.count * 2)
            count += Self.escape(UnsafeBufferPointer(start: value.baseAddress?.assumingMemoryBound(to: UInt8.self), count: value.count), into: p)
        }
    }

    /// An int4 array.
    public func array(_ values: [Int32]) {
        separator()
        let p = reserve(2 + values.count * 12)
        var i = 0
        p[i] = UInt8(ascii: "{"); i += 1
        for (n, value) in values.enumerated() {
            if n > 0 { p[i] = UInt8(ascii: ","); i += 1 }
            i += Self.writeDecimal(value, into: p + i)
        }
        p[i] = UInt8(ascii: "}"); i += 1
        count += i
    }

    /// An SQL NULL for a whole field.
    public func null() {
        separator()
        appendNull()
    }

    /// Ends the current row; sends the buffer to the server when it is large enough.
    public func endRow() throws {
        reserve(1).pointee = 10
        count += 1
        fieldsInRow = 0
        rows += 1
        if count >= Self.flushSize { try flush() }
    }

    private func flush() throws {
        guard count > 0 else { return }
        try connection.putCopyData(UnsafeRawBufferPointer(start: buffer, count: count))
        bytesSent += count
        count = 0
    }

    /// Sends what is left and ends the COPY; returns the server's row count.
    public func finish() throws -> Int {
        precondition(!finished, "COPY finished twice")
        finished = true
        try flush()
        return try connection.endCopy()
    }

    /// One array element: as is when it has no special bytes (the common case), else quoted,
    /// with `"` and `\` backslashed for the array parser, then COPY-escaped. Empty strings and
    /// the word NULL are quoted so they stay strings.
    @inline(__always) private func appendElement(_ bytes: UnsafeBufferPointer<UInt8>) {
        var special: UInt8 = 0
        Self.byteClass.withUnsafeBufferPointer { table in
            for b in bytes { special |= table[Int(b)] }
        }
        let isNullWord = bytes.count == 4 && (bytes[0] | 32) == 110 && (bytes[1] | 32) == 117 && (bytes[2] | 32) == 108 && (bytes[3] | 32) == 108
        if special == 0 && !bytes.isEmpty && !isNullWord {
            let p = reserve(bytes.count)
            p.update(from: bytes.baseAddress!, count: bytes.count)
            count += bytes.count
            return
        }
        // Worst case: every byte becomes \\\\ (array backslash, then COPY-escaped), plus quotes.
        let p = reserve(bytes.count * 4 + 2)
        var i = 0
        p[i] = UInt8(ascii: "\""); i += 1
        for b in bytes {
            if b == UInt8(ascii: "\"") || b == 92 {
                p[i] = 92; p[i + 1] = 92; i += 2  // the array's backslash, escaped for COPY
            }
            i += Self.escapeByte(b, into: p + i)
        }
        p[i] = UInt8(ascii: "\""); i += 1
        count += i
    }

    /// COPY-escapes `bytes` into `p`; returns the bytes written (at most twice the input).
    @inline(__always) private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into p: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0
        for b in bytes { i += escapeByte(b, into: p + i) }
        return i
    }

    @inline(__always) private static func escapeByte(_ b: UInt8, into p: UnsafeMutablePointer<UInt8>) -> Int {
        switch b {
        case 92: p[0] = 92; p[1] = 92; return 2
        case 9: p[0] = 92; p[1] = UInt8(ascii: "t"); return 2
        case 10: p[0] = 92; p[1] = UInt8(ascii: "n"); return 2
        case 13: p[0] = 92; p[1] = UInt8(ascii: "r"); return 2
        default: p[0] = b; return 1
        }
    }

    /// Writes `value` in decimal; returns the digits written.
    @inline(__always) private static func writeDecimal(_ value: Int32, into p: UnsafeMutablePointer<UInt8>) -> Int {
        var v = Int64(value)
        var i = 0
        if v < 0 { p[0] = 45; i = 1; v = -v }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(48 + v % 10)
                v /= 10
                n += 1
            } while v > 0
            for k in 0..<n { p[i + k] = d[n - 1 - k] }
        }
        return i + n
    }
}
