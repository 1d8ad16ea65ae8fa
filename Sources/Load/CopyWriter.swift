/// Writes rows in PostgreSQL's COPY text format, buffered into large `PQputCopyData` calls.
///
/// Fields are tab-separated; backslash, tab, newline and carriage return are escaped; `\N` is
/// NULL. Arrays are written as array literals (elements quoted when they need it), then escaped
/// for COPY like any other field. Data never becomes SQL text.
public final class CopyWriter {
    private let connection: PGConnection
    private var buffer: [UInt8] = []
    private var fieldsInRow = 0
    private var finished = false
    /// Rows written so far.
    public private(set) var rows = 0
    /// Bytes handed to libpq so far.
    public private(set) var bytesSent = 0

    init(connection: PGConnection) {
        self.connection = connection
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    static let flushSize = 256 * 1024

    @inline(__always) private func separator() {
        if fieldsInRow > 0 { buffer.append(9) }
        fieldsInRow += 1
    }

    /// A text field, or NULL.
    public func text(_ value: String?) {
        separator()
        guard let value else { buffer.append(contentsOf: [92, 78]); return }  // \N
        appendEscaped(value.utf8)
    }

    /// An integer field, or NULL.
    public func int(_ value: Int?) {
        separator()
        guard let value else { buffer.append(contentsOf: [92, 78]); return }
        buffer.append(contentsOf: String(value).utf8)
    }

    /// A field whose text needs no escaping (digits, hex, ISO dates); the caller guarantees it.
    public func plain(_ value: String) {
        separator()
        buffer.append(contentsOf: value.utf8)
    }

    /// A bytea field from raw bytes (hex form).
    public func bytea(_ bytes: [UInt8]) {
        separator()
        buffer.append(contentsOf: [92, 92, 120])  // "\\x" escaped for COPY as \\x
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        for b in bytes {
            buffer.append(digits[Int(b >> 4)])
            buffer.append(digits[Int(b & 15)])
        }
    }

    /// An array field; nil elements are NULL. Elements are quoted as array syntax requires.
    public func array(_ values: [String?]) {
        separator()
        buffer.append(UInt8(ascii: "{"))
        for (i, value) in values.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            guard let value else { buffer.append(contentsOf: Array("NULL".utf8)); continue }
            appendArrayElement(value)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// An array of non-null strings.
    public func array(_ values: [String]) {
        separator()
        buffer.append(UInt8(ascii: "{"))
        for (i, value) in values.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            appendArrayElement(value)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// An int4 array.
    public func array(_ values: [Int32]) {
        separator()
        buffer.append(UInt8(ascii: "{"))
        for (i, value) in values.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: String(value).utf8)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// An SQL NULL for a whole field (e.g. an array column that is absent).
    public func null() {
        separator()
        buffer.append(contentsOf: [92, 78])
    }

    /// Ends the current row; sends the buffer to the server when it is large enough.
    public func endRow() throws {
        buffer.append(10)
        fieldsInRow = 0
        rows += 1
        if buffer.count >= Self.flushSize { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try connection.putCopyData($0) }
        bytesSent += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Sends what is left and ends the COPY; returns the server's row count.
    public func finish() throws -> Int {
        precondition(!finished, "COPY finished twice")
        finished = true
        try flush()
        return try connection.endCopy()
    }

    // Array element: quoted when empty, "NULL", or holding {}",\ or white space; inside
    // quotes, " and \ take a backslash. The result is then COPY-escaped.
    private func appendArrayElement(_ value: String) {
        var needsQuotes = value.isEmpty
        if !needsQuotes {
            for b in value.utf8 {
                switch b {
                case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: "\\"),
                    32, 9, 10, 13, 11, 12:
                    needsQuotes = true
                default: break
                }
                if needsQuotes { break }
            }
            if !needsQuotes && value.utf8.count == 4 && value.uppercased() == "NULL" { needsQuotes = true }
        }
        if !needsQuotes {
            appendEscaped(value.utf8)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for b in value.utf8 {
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                buffer.append(contentsOf: [92, 92])  // array backslash, escaped for COPY
            }
            appendEscapedByte(b)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    @inline(__always) private func appendEscaped(_ bytes: String.UTF8View) {
        for b in bytes { appendEscapedByte(b) }
    }

    @inline(__always) private func appendEscapedByte(_ b: UInt8) {
        switch b {
        case 92: buffer.append(92); buffer.append(92)
        case 9: buffer.append(92); buffer.append(UInt8(ascii: "t"))
        case 10: buffer.append(92); buffer.append(UInt8(ascii: "n"))
        case 13: buffer.append(92); buffer.append(UInt8(ascii: "r"))
        default: buffer.append(b)
        }
    }
}
