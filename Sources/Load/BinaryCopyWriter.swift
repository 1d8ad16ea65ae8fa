import Transform

/// Writes rows in PostgreSQL's binary COPY format, in chunks of about 256 KB that a
/// `CopySender` sends from a thread of its own.
///
/// Why binary: once the client worked in two stages, a load waited on the server's COPY, and
/// a third of that was parsing array text (`array_in` with `int4in`, `int8in`, `textin` per
/// element; perf of the backend). In binary form the server copies lengths and bytes instead.
///
/// The caller writes each row's fields in the table's column order with the method for the
/// column's exact type (binary input does not convert: an `int8` sent for an `integer` column
/// is refused). Values arrive as the canonical bytes the transform stage produced
/// (`ValueParser`): integers as optional `-` and digits, decimals as `-?digits(.digits)`, dates
/// as ISO text, text as UTF-8.
///
/// Format: https://www.postgresql.org/docs/current/sql-copy.html (binary format), and the
/// element encodings of `int4send`, `int8send`, `date_send`, `numeric_send`, `array_send`.
public final class BinaryCopyWriter {
    private let connection: PGConnection
    private let sender: CopySender
    // Hot-path state of a single-threaded object: `@exclusivity(unchecked)` drops Swift's dynamic
    // exclusivity checks (docs/performance.md).
    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var count = 0
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var rowStart = 0
    @exclusivity(unchecked) private var fieldsInRow = 0
    @exclusivity(unchecked) private var finished = false
    /// False between handing `buffer` to the sender and taking the next chunk (a failed take
    /// leaves the writer holding no chunk of its own).
    @exclusivity(unchecked) private var ownsBuffer = true
    /// Rows written so far.
    @exclusivity(unchecked) public private(set) var rows = 0
    /// Bytes handed to libpq so far.
    @exclusivity(unchecked) public private(set) var bytesSent = 0

    static let flushSize = 256 * 1024

    enum OID {
        static let int4: UInt32 = 23
        static let int8: UInt32 = 20
        static let text: UInt32 = 25
        static let date: UInt32 = 1082
        static let numeric: UInt32 = 1700
    }

    init(connection: PGConnection) throws {
        self.connection = connection
        sender = CopySender(connection: connection, chunkCapacity: Self.flushSize * 2)
        let chunk = try sender.take()
        buffer = chunk.base
        capacity = chunk.capacity
        // Signature, flags, header extension length.
        let signature: [UInt8] = [80, 71, 67, 79, 80, 89, 10, 255, 13, 10, 0]
        let p = reserve(signature.count + 8)
        for (i, b) in signature.enumerated() { p[i] = b }
        count += signature.count
        put32(0)
        put32(0)
        beginRow()
    }

    deinit {
        if !finished { sender.stop() }
        if ownsBuffer { buffer.deallocate() }
    }

    // MARK: bytes

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

    @inline(__always) private func put16(_ v: UInt16) {
        let p = reserve(2)
        p[0] = UInt8(v >> 8); p[1] = UInt8(v & 0xff)
        count += 2
    }

    @inline(__always) private func put32(_ v: UInt32) {
        let p = reserve(4)
        p[0] = UInt8(v >> 24); p[1] = UInt8((v >> 16) & 0xff); p[2] = UInt8((v >> 8) & 0xff); p[3] = UInt8(v & 0xff)
        count += 4
    }

    @inline(__always) private func put64(_ v: UInt64) {
        put32(UInt32(truncatingIfNeeded: v >> 32))
        put32(UInt32(truncatingIfNeeded: v))
    }

    @inline(__always) private func patch32(at offset: Int, _ v: UInt32) {
        buffer[offset] = UInt8(v >> 24); buffer[offset + 1] = UInt8((v >> 16) & 0xff)
        buffer[offset + 2] = UInt8((v >> 8) & 0xff); buffer[offset + 3] = UInt8(v & 0xff)
    }

    @inline(__always) private func putBytes(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let p = reserve(bytes.count)
        UnsafeMutableRawPointer(p).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    private func beginRow() {
        rowStart = count
        put16(0)  // the field count, set by endRow
        fieldsInRow = 0
    }

    /// Starts a field of `length` bytes.
    @inline(__always) private func field(_ length: Int) {
        fieldsInRow += 1
        put32(UInt32(truncatingIfNeeded: Int32(length)))
    }

    /// Starts a field whose length is set when it ends (`endField`); returns where it starts.
    @inline(__always) private func openField() -> Int {
        fieldsInRow += 1
        let at = count
        put32(0)
        return at
    }

    @inline(__always) private func closeField(_ at: Int) {
        patch32(at: at, UInt32(truncatingIfNeeded: count - at - 4))
    }

    // MARK: fields

    /// An SQL NULL.
    public func null() {
        fieldsInRow += 1
        put32(UInt32.max)  // -1
    }

    public func int4(_ value: Int) {
        field(4)
        put32(UInt32(truncatingIfNeeded: Int32(truncatingIfNeeded: value)))
    }

    public func int8(_ value: Int64) {
        field(8)
        put64(UInt64(bitPattern: value))
    }

    public func text(_ value: String?) {
        guard var value else { return null() }
        value.withUTF8 { bytes in
            field(bytes.count)
            putBytes(UnsafeRawBufferPointer(bytes))
        }
    }

    public func bytea(_ bytes: [UInt8]) {
        field(bytes.count)
        bytes.withUnsafeBytes { putBytes($0) }
    }

    /// A date field from ISO text (`2025-10-01`).
    public func date(iso: String) throws {
        var iso = iso
        let days = try iso.withUTF8 { try Self.postgresDays(UnsafeRawBufferPointer($0)) }
        field(4)
        put32(UInt32(bitPattern: days))
    }

    /// A date field.
    public func date(_ date: CalendarDate) {
        field(4)
        put32(UInt32(bitPattern: Self.postgresDays(year: date.year, month: date.month, day: date.day)))
    }

    /// Row `row` of a segment column as one field of `kind`'s type (or NULL).
    public func value(_ column: ColumnBuffer, row: Int, kind: ValueKind) throws {
        try column.withValue(row) { bytes in
            guard let bytes else { return null() }
            let at = openField()
            try element(bytes, kind: kind)
            closeField(at)
        }
    }

    /// A segment column as a one-dimensional array of `kind`'s type; NULL rows are NULL elements.
    public func array(_ column: ColumnBuffer, kind: ValueKind) throws {
        let at = openField()
        put32(1)
        put32(column.hasNulls ? 1 : 0)
        put32(Self.oid(kind))
        put32(UInt32(column.count))
        put32(1)
        try column.bytes.withUnsafeBytes { all in
            try column.ends.withUnsafeBufferPointer { ends in
                var start = 0
                for row in 0..<ends.count {
                    let end = Int(ends[row])
                    if column.hasNulls && column.isNull(row) {
                        put32(UInt32.max)
                    } else {
                        let lengthAt = count
                        put32(0)
                        try element(UnsafeRawBufferPointer(rebasing: all[start..<end]), kind: kind)
                        patch32(at: lengthAt, UInt32(truncatingIfNeeded: count - lengthAt - 4))
                    }
                    start = end
                }
            }
        }
        closeField(at)
    }

    /// An int4 array.
    public func array(_ values: [Int32]) {
        field(20 + values.count * 8)
        put32(1)
        put32(0)
        put32(OID.int4)
        put32(UInt32(values.count))
        put32(1)
        let p = reserve(values.count * 8)
        var i = 0
        for value in values {
            let v = UInt32(bitPattern: value)
            p[i] = 0; p[i + 1] = 0; p[i + 2] = 0; p[i + 3] = 4
            p[i + 4] = UInt8(v >> 24); p[i + 5] = UInt8((v >> 16) & 0xff); p[i + 6] = UInt8((v >> 8) & 0xff); p[i + 7] = UInt8(v & 0xff)
            i += 8
        }
        count += i
    }

    /// Ends the current row; sends the buffer to the server when it is large enough.
    public func endRow() throws {
        buffer[rowStart] = UInt8(fieldsInRow >> 8)
        buffer[rowStart + 1] = UInt8(fieldsInRow & 0xff)
        rows += 1
        if count >= Self.flushSize { try flush() }
        beginRow()
    }

    /// Queues the buffer for the sender and continues in a free chunk.
    private func flush() throws {
        guard count > 0 else { return }
        try sender.send(.init(base: buffer, count: count, capacity: capacity))
        ownsBuffer = false
        bytesSent += count
        count = 0
        let next = try sender.take()
        buffer = next.base
        capacity = next.capacity
        ownsBuffer = true
    }

    /// Sends what is left and the trailer, ends the COPY; returns the server's row count.
    public func finish() throws -> Int {
        precondition(!finished, "COPY finished twice")
        finished = true
        count = rowStart  // the row begun after the last one has no fields
        put16(UInt16.max)  // -1: the trailer
        do {
            try flush()
            try sender.finish()
        } catch {
            sender.stop()
            throw error
        }
        return try connection.endCopy()
    }

    /// Ends the COPY with an error so the server discards it (what was queued is not sent).
    public func abandon(reason: String) {
        if !finished {
            finished = true
            sender.stop()
        }
        connection.abortCopy(reason: reason)
    }

    // MARK: element encodings

    static func oid(_ kind: ValueKind) -> UInt32 {
        switch kind {
        case .text: return OID.text
        case .integer, .count: return OID.int8
        case .decimal: return OID.numeric
        case .date: return OID.date
        }
    }

    /// One value's binary form, from its canonical text.
    @inline(__always) private func element(_ bytes: UnsafeRawBufferPointer, kind: ValueKind) throws {
        switch kind {
        case .text:
            putBytes(bytes)
        case .integer, .count:
            put64(UInt64(bitPattern: try Self.integer(bytes)))
        case .decimal:
            try numeric(bytes)
        case .date:
            put32(UInt32(bitPattern: try Self.postgresDays(bytes)))
        }
    }

    /// `-?digits`, as the transform stage leaves every integer (it fits in 64 bits).
    static func integer(_ b: UnsafeRawBufferPointer) throws -> Int64 {
        var i = 0, negative = false
        if b.first == 45 { negative = true; i = 1 }
        guard i < b.count else { throw Self.notCanonical(b, "integer") }
        var magnitude: UInt64 = 0
        while i < b.count {
            let d = b[i] &- 48
            guard d < 10 else { throw Self.notCanonical(b, "integer") }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { throw Self.notCanonical(b, "integer") }
            magnitude = s
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw Self.notCanonical(b, "integer") }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw Self.notCanonical(b, "integer") }
        return Int64(magnitude)
    }

    /// `numeric_send`'s form of `-?digits(.digits)`: base-10000 digit groups aligned on the
    /// decimal point, the weight of the first group, the sign, and the display scale (the
    /// number of fractional digits written, as `numeric_in` keeps it). Leading and trailing
    /// zero groups are allowed; the server strips them.
    private func numeric(_ b: UnsafeRawBufferPointer) throws {
        var i = 0, negative = false
        if b.first == 45 { negative = true; i = 1 }
        let intStart = i
        while i < b.count && b[i] &- 48 < 10 { i += 1 }
        let intEnd = i
        var fracStart = i, fracEnd = i
        if i < b.count && b[i] == 46 {
            i += 1
            fracStart = i
            while i < b.count && b[i] &- 48 < 10 { i += 1 }
            fracEnd = i
        }
        guard i == b.count, intEnd > intStart || fracEnd > fracStart else { throw Self.notCanonical(b, "number") }
        let intDigits = intEnd - intStart, fracDigits = fracEnd - fracStart
        let intGroups = (intDigits + 3) / 4, fracGroups = (fracDigits + 3) / 4
        let groups = intGroups + fracGroups
        put16(UInt16(groups))
        put16(UInt16(bitPattern: Int16(intGroups - 1)))
        put16(negative ? 0x4000 : 0)
        put16(UInt16(fracDigits))
        // Integer part, right-aligned in its groups.
        let lead = intGroups * 4 - intDigits
        for g in 0..<intGroups {
            var v = 0
            for k in 0..<4 {
                let pos = g * 4 + k - lead
                v = v * 10 + (pos >= 0 ? Int(b[intStart + pos] - 48) : 0)
            }
            put16(UInt16(v))
        }
        // Fraction, left-aligned in its groups.
        for g in 0..<fracGroups {
            var v = 0
            for k in 0..<4 {
                let pos = g * 4 + k
                v = v * 10 + (pos < fracDigits ? Int(b[fracStart + pos] - 48) : 0)
            }
            put16(UInt16(v))
        }
    }

    /// Days from 2000-01-01 (PostgreSQL's date epoch) of ISO `YYYY-MM-DD`.
    static func postgresDays(_ b: UnsafeRawBufferPointer) throws -> Int32 {
        guard b.count == 10, b[4] == 45, b[7] == 45 else { throw Self.notCanonical(b, "date") }
        func digits(_ from: Int, _ n: Int) throws -> Int {
            var v = 0
            for k in from..<(from + n) {
                let d = b[k] &- 48
                guard d < 10 else { throw Self.notCanonical(b, "date") }
                v = v * 10 + Int(d)
            }
            return v
        }
        return postgresDays(year: try digits(0, 4), month: try digits(5, 2), day: try digits(8, 2))
    }

    /// Howard Hinnant's days-from-civil, shifted to PostgreSQL's epoch.
    static func postgresDays(year: Int, month: Int, day: Int) -> Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let unixDays = era * 146_097 + doe - 719_468
        return Int32(unixDays - 10_957)
    }

    private static func notCanonical(_ b: UnsafeRawBufferPointer, _ what: String) -> LoadError {
        LoadError(.sql, "internal: \(TransformError.shown(String(decoding: b, as: UTF8.self))) is not a canonical \(what)")
    }
}
