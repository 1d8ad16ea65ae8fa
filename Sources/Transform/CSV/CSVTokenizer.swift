/// A byte-level, chunk-fed RFC 4180 reader: feed it chunks of any size, it calls back with each
/// complete record and keeps the partial tail for the next chunk; `finish()` flushes the last one.
///
/// - Quoted fields may hold commas, doubled quotes and line breaks (kept byte-exact, CRLF included).
/// - Record terminators: LF, CRLF or a bare CR, mixed freely; the last line may lack one.
/// - One leading UTF-8 byte-order mark is stripped; another anywhere else is an error.
/// - Blank lines are skipped (a line holding only `""` is a record with one empty field).
/// - Field bytes are never trimmed or normalised: NHS values carry meaningful double spaces.
/// - Errors name the line where the record starts and the 1-based field: unterminated quote,
///   bare quote in an unquoted field, text after a closing quote, ragged record, a field over
///   `maxFieldBytes`, NUL bytes, invalid UTF-8 (unless Windows-1252 is declared, then transcoded).
///
/// Memory is one record's bytes, bounded by the field cap, whatever the file size.
public final class CSVTokenizer {
    // Hot-path state of a single-threaded object: `@exclusivity(unchecked)` drops Swift's dynamic
    // exclusivity checks, which cost ~15% of a load's CPU (docs/performance.md).
    @exclusivity(unchecked) public private(set) var options: CSVOptions
    @exclusivity(unchecked) public private(set) var dialect = CSVDialect()
    /// Records delivered so far (the header included).
    @exclusivity(unchecked) public private(set) var recordCount = 0

    private enum State: UInt8 { case fieldStart, unquoted, quoted, quoteSeen, afterCR }

    @exclusivity(unchecked) private var state: State = .fieldStart
    @exclusivity(unchecked) private var line = 1
    @exclusivity(unchecked) private var recordLine = 1
    @exclusivity(unchecked) private var recordStarted = false
    @exclusivity(unchecked) private var lastWasCR = false          // inside a quoted field: a CR was just appended
    @exclusivity(unchecked) private var expectedFields: Int?
    @exclusivity(unchecked) private var bomProbe: [UInt8] = []
    @exclusivity(unchecked) private var bomDone = false
    @exclusivity(unchecked) private var finished = false

    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var bufferCount = 0
    @exclusivity(unchecked) private var bufferCapacity: Int
    @exclusivity(unchecked) private var ends: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var fieldCount = 0
    @exclusivity(unchecked) private var endsCapacity: Int
    @exclusivity(unchecked) private var fieldStartOffset = 0
    @exclusivity(unchecked) private var transcodeBuffer: [UInt8] = []
    @exclusivity(unchecked) private var transcodeEnds: [Int] = []

    public init(options: CSVOptions) {
        self.options = options
        bufferCapacity = 4096
        buffer = .allocate(capacity: bufferCapacity)
        // Never more slots than the cap allows: the cap is checked only when the slots run out.
        endsCapacity = max(1, min(64, options.maxFields))
        ends = .allocate(capacity: endsCapacity)
        if case .exactly(let n) = options.fieldCount { expectedFields = n }
    }

    deinit {
        buffer.deallocate()
        ends.deallocate()
    }

    /// Sets the encoding rule once the file has been recognised (its header is ASCII, so the
    /// rule only matters from the next record on).
    public func declare(encoding: CSVOptions.Encoding) {
        options.encoding = encoding
    }

    // Byte classes for the unquoted scan: 0 = ordinary.
    private static let comma: UInt8 = 1, quote: UInt8 = 2, cr: UInt8 = 3, lf: UInt8 = 4, nul: UInt8 = 5
    private static let unquotedClass: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        t[Int(UInt8(ascii: ","))] = comma
        t[Int(UInt8(ascii: "\""))] = quote
        t[13] = cr
        t[10] = lf
        t[0] = nul
        return t
    }()
    // Inside quotes only the quote, line breaks (for line counting) and NUL stop the scan.
    private static let quotedClass: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        t[Int(UInt8(ascii: "\""))] = quote
        t[13] = cr
        t[10] = lf
        t[0] = nul
        return t
    }()

    private func error(_ code: TransformError.Code, column: Int? = nil, _ reason: String) -> TransformError {
        TransformError(code, file: options.source, line: recordLine, column: column, reason)
    }

    /// Parses `chunk`, calling `onRecord` for every record it completes.
    public func feed(_ chunk: UnsafeRawBufferPointer, _ onRecord: (CSVRecord) throws -> Void) throws {
        precondition(!finished, "feed after finish")
        guard var base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), chunk.count > 0 else { return }
        var count = chunk.count
        if !bomDone {
            // Gather up to three bytes across chunk boundaries before judging the byte-order mark.
            while bomProbe.count < 3 && count > 0 {
                bomProbe.append(base.pointee)
                base += 1
                count -= 1
            }
            if bomProbe.count < 3 { return }
            try resolveBOM(onRecord)
        }
        try scan(base, count, onRecord)
    }

    /// Flushes the final record; errors if the input ended inside a quoted field.
    public func finish(_ onRecord: (CSVRecord) throws -> Void) throws {
        if finished { return }
        if !bomDone { try resolveBOM(onRecord) }
        finished = true
        switch state {
        case .quoted:
            throw error(.syntax, column: fieldCount + 1, "unterminated quoted field (the file ends inside quotes)")
        case .quoteSeen, .unquoted:
            try endField()
            try emit(onRecord)
        case .fieldStart:
            if fieldCount > 0 {
                try endField()
                try emit(onRecord)
            }
        case .afterCR:
            dialect.crCount += 1
        }
    }

    private func resolveBOM(_ onRecord: (CSVRecord) throws -> Void) throws {
        bomDone = true
        let probe = bomProbe
        bomProbe = []
        if probe.count >= 2 && ((probe[0] == 0xFF && probe[1] == 0xFE) || (probe[0] == 0xFE && probe[1] == 0xFF)) {
            throw TransformError(.encoding, file: options.source, line: 1, "UTF-16 text is not supported (the file starts with a UTF-16 byte-order mark)")
        }
        if probe == [0xEF, 0xBB, 0xBF] {
            dialect.hasBOM = true
            return
        }
        try probe.withUnsafeBufferPointer { try scan($0.baseAddress!, $0.count, onRecord) }
    }

    // MARK: - The state machine

    private func scan(_ start: UnsafePointer<UInt8>, _ count: Int, _ onRecord: (CSVRecord) throws -> Void) throws {
        var p = start
        let end = start + count
        try Self.unquotedClass.withUnsafeBufferPointer { uclass in
            try Self.quotedClass.withUnsafeBufferPointer { qclass in
                while p < end {
                    switch state {
                    case .fieldStart:
                        switch uclass[Int(p.pointee)] {
                        case Self.quote:
                            state = .quoted
                            recordStarted = true
                            lastWasCR = false
                            p += 1
                        case Self.comma:
                            recordStarted = true
                            try endField()
                            p += 1
                        case Self.cr:
                            p += 1
                            try terminate(onRecord)
                            state = .afterCR
                        case Self.lf:
                            p += 1
                            try terminate(onRecord)
                            dialect.lfCount += 1
                        case Self.nul:
                            throw error(.encoding, column: fieldCount + 1, "NUL byte in field")
                        default:
                            state = .unquoted
                            recordStarted = true
                        }
                    case .unquoted:
                        // Copied byte by byte as it is classified: most fields are a few bytes,
                        // for which a scan then a memcpy call cost more than the copy itself.
                        if bufferCount + (end - p) > bufferCapacity { grow(to: bufferCount + (end - p)) }
                        let runStart = p
                        var q = buffer + bufferCount
                        while p < end {
                            let byte = p.pointee
                            if uclass[Int(byte)] != 0 { break }
                            q.pointee = byte
                            q += 1
                            p += 1
                        }
                        if p > runStart {
                            bufferCount += p - runStart
                            if bufferCount - fieldStartOffset > options.maxFieldBytes {
                                throw error(.limit, column: fieldCount + 1, "field longer than \(options.maxFieldBytes) bytes")
                            }
                        }
                        if p == end { return }
                        switch uclass[Int(p.pointee)] {
                        case Self.comma:
                            try endField()
                            state = .fieldStart
                            p += 1
                        case Self.cr:
                            try endField()
                            p += 1
                            try emitAndAdvance(onRecord)
                            state = .afterCR
                        case Self.lf:
                            try endField()
                            p += 1
                            try emitAndAdvance(onRecord)
                            dialect.lfCount += 1
                            state = .fieldStart
                        case Self.quote:
                            throw error(.syntax, column: fieldCount + 1, "bare quote in unquoted field")
                        default:
                            throw error(.encoding, column: fieldCount + 1, "NUL byte in field")
                        }
                    case .quoted:
                        let runStart = p
                        while p < end && qclass[Int(p.pointee)] == 0 { p += 1 }
                        if p > runStart {
                            try append(runStart, p - runStart)
                            lastWasCR = false
                        }
                        if p == end { return }
                        switch qclass[Int(p.pointee)] {
                        case Self.quote:
                            state = .quoteSeen
                        case Self.cr:
                            try append(p, 1)
                            line += 1
                            lastWasCR = true
                        case Self.lf:
                            try append(p, 1)
                            if !lastWasCR { line += 1 }
                            lastWasCR = false
                        default:
                            throw error(.encoding, column: fieldCount + 1, "NUL byte in field")
                        }
                        p += 1
                    case .quoteSeen:
                        let byte = p.pointee
                        if byte == UInt8(ascii: "\"") {
                            var q = byte
                            try append(&q, 1)
                            state = .quoted
                            lastWasCR = false
                            p += 1
                        } else if byte == UInt8(ascii: ",") {
                            try endField()
                            state = .fieldStart
                            p += 1
                        } else if byte == 13 {
                            try endField()
                            p += 1
                            try emitAndAdvance(onRecord)
                            state = .afterCR
                        } else if byte == 10 {
                            try endField()
                            p += 1
                            try emitAndAdvance(onRecord)
                            dialect.lfCount += 1
                            state = .fieldStart
                        } else {
                            throw error(.syntax, column: fieldCount + 1, "unexpected text after a closing quote")
                        }
                    case .afterCR:
                        if p.pointee == 10 {
                            dialect.crlfCount += 1
                            p += 1
                        } else {
                            dialect.crCount += 1
                        }
                        state = .fieldStart
                    }
                }
            }
        }
    }

    /// A line terminator seen at the start of a field: ends the record, or skips a blank line.
    @inline(__always)
    private func terminate(_ onRecord: (CSVRecord) throws -> Void) throws {
        if fieldCount > 0 {
            try endField()
            try emitAndAdvance(onRecord)
        } else {
            line += 1
            recordLine = line
        }
    }

    @inline(__always)
    private func emitAndAdvance(_ onRecord: (CSVRecord) throws -> Void) throws {
        try emit(onRecord)
        line += 1
        recordLine = line
    }

    @inline(__always)
    private func append(_ bytes: UnsafePointer<UInt8>, _ n: Int) throws {
        if bufferCount + n > bufferCapacity { grow(to: bufferCount + n) }
        (buffer + bufferCount).update(from: bytes, count: n)
        bufferCount += n
        if bufferCount - fieldStartOffset > options.maxFieldBytes {
            throw error(.limit, column: fieldCount + 1, "field longer than \(options.maxFieldBytes) bytes")
        }
    }

    private func grow(to needed: Int) {
        var capacity = bufferCapacity * 2
        while capacity < needed { capacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        bigger.update(from: buffer, count: bufferCount)
        buffer.deallocate()
        buffer = bigger
        bufferCapacity = capacity
    }

    @inline(__always)
    private func endField() throws {
        if fieldCount == endsCapacity {
            if fieldCount >= options.maxFields {
                throw error(.limit, column: fieldCount + 1, "record has more than \(options.maxFields) fields")
            }
            // Grown up to the cap exactly, so the field past it is the one named.
            let capacity = min(endsCapacity * 2, options.maxFields)
            let bigger = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
            bigger.update(from: ends, count: fieldCount)
            ends.deallocate()
            ends = bigger
            endsCapacity = capacity
        }
        ends[fieldCount] = bufferCount
        fieldCount += 1
        fieldStartOffset = bufferCount
    }

    private func emit(_ onRecord: (CSVRecord) throws -> Void) throws {
        let fields = fieldCount
        if let expected = expectedFields {
            if fields != expected {
                throw error(.syntax, column: min(fields, expected) + 1, "ragged record: expected \(expected) fields, found \(fields)")
            }
        } else if options.fieldCount == .sameAsFirst {
            expectedFields = fields
        }
        defer {
            bufferCount = 0
            fieldCount = 0
            fieldStartOffset = 0
            recordStarted = false
            recordCount += 1
        }
        if !Self.isASCII(buffer, bufferCount) {
            if let transcoded = try checkText() {
                try transcoded.0.withUnsafeBufferPointer { bytes in
                    try transcoded.1.withUnsafeBufferPointer { fieldEnds in
                        try onRecord(CSVRecord(line: recordLine, count: fields, storage: bytes.baseAddress ?? UnsafePointer(buffer), ends: fieldEnds.baseAddress!))
                    }
                }
                return
            }
        }
        try onRecord(CSVRecord(line: recordLine, count: fields, storage: buffer, ends: ends))
    }

    /// Eight bytes at a time: the common case for NHS files is pure ASCII.
    @inline(__always)
    private static func isASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if p[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Validates a non-ASCII record. Returns transcoded bytes and field ends when a
    /// Windows-1252 field had to be converted, nil when the record is fine as it is.
    private func checkText() throws -> ([UInt8], [Int])? {
        var needsTranscoding = false
        var start = 0
        for field in 0..<fieldCount {
            let end = ends[field]
            let bytes = UnsafeBufferPointer(start: buffer + start, count: end - start)
            if let problem = UTF8Check.firstProblem(bytes) {
                if problem.isByteOrderMark {
                    throw error(.encoding, column: field + 1, "byte-order mark (U+FEFF) inside the data")
                }
                if options.encoding == .windows1252 {
                    needsTranscoding = true
                } else {
                    throw error(.encoding, column: field + 1, "invalid UTF-8 (byte 0x\(String(bytes[problem.offset], radix: 16, uppercase: true)) at field offset \(problem.offset))")
                }
            }
            start = end
        }
        guard needsTranscoding else { return nil }
        transcodeBuffer.removeAll(keepingCapacity: true)
        transcodeEnds.removeAll(keepingCapacity: true)
        start = 0
        for field in 0..<fieldCount {
            let end = ends[field]
            let bytes = UnsafeBufferPointer(start: buffer + start, count: end - start)
            if UTF8Check.firstProblem(bytes) == nil {
                transcodeBuffer.append(contentsOf: bytes)
            } else {
                for byte in bytes {
                    guard let scalar = Windows1252.scalar(byte) else {
                        throw error(.encoding, column: field + 1, "byte 0x\(String(byte, radix: 16, uppercase: true)) is not defined in Windows-1252")
                    }
                    transcodeBuffer.append(contentsOf: String(Character(scalar)).utf8)
                }
            }
            transcodeEnds.append(transcodeBuffer.count)
            start = end
        }
        return (transcodeBuffer, transcodeEnds)
    }
}

/// Strict UTF-8 validation (no overlongs, no surrogates, nothing past U+10FFFF) that also
/// spots U+FEFF, which is only allowed as the stripped leading byte-order mark.
enum UTF8Check {
    struct Problem {
        var offset: Int
        var isByteOrderMark: Bool
    }

    static func firstProblem(_ b: UnsafeBufferPointer<UInt8>) -> Problem? {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let width: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: width = 2
            case 0xE0: width = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: width = 3
            case 0xED: width = 3; upper = 0x9F
            case 0xF0: width = 4; lower = 0x90
            case 0xF1...0xF3: width = 4
            case 0xF4: width = 4; upper = 0x8F
            default: return Problem(offset: i, isByteOrderMark: false)
            }
            guard i + width <= n else { return Problem(offset: i, isByteOrderMark: false) }
            guard b[i + 1] >= lower && b[i + 1] <= upper else { return Problem(offset: i, isByteOrderMark: false) }
            for k in 2..<max(width, 2) where b[i + k] & 0xC0 != 0x80 {
                return Problem(offset: i, isByteOrderMark: false)
            }
            if c == 0xEF && b[i + 1] == 0xBB && b[i + 2] == 0xBF { return Problem(offset: i, isByteOrderMark: true) }
            i += width
        }
        return nil
    }
}

/// The Windows-1252 code page: Latin-1 plus typographic characters in 0x80...0x9F.
enum Windows1252 {
    private static let high: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// The character for `byte`, or nil for the five bytes the code page leaves undefined.
    static func scalar(_ byte: UInt8) -> Unicode.Scalar? {
        if byte < 0x80 || byte >= 0xA0 { return Unicode.Scalar(byte) }
        let value = high[Int(byte) - 0x80]
        return value == 0 ? nil : Unicode.Scalar(value)
    }
}
