/// How a source's CSV files are to be read.
public struct CSVOptions: Sendable, Equatable {
    /// Text encoding rule.
    public enum Encoding: String, Sendable, Equatable {
        /// UTF-8 only; invalid bytes are an error naming the line and column.
        case utf8
        /// Fields that are valid UTF-8 stay so; other fields are read as Windows-1252 and
        /// transcoded (for sources declared to publish in that code page).
        case windows1252
    }

    /// Which field counts a record may have.
    public enum FieldCount: Sendable, Equatable {
        /// Every record has as many fields as the first (the header, usually).
        case sameAsFirst
        /// Every record has exactly this many (header-less files with declared columns).
        case exactly(Int)
        /// No check (for tools that only want to look).
        case any
    }

    /// Name used in error messages, e.g. `gp-reg-pat-prac-all.csv` or `QOF2324.zip:PREVALENCE_2324.csv`.
    public var source: String
    public var encoding: Encoding
    public var fieldCount: FieldCount
    /// Largest field, in bytes, before the reader stops with an error (bounds memory on hostile input).
    public var maxFieldBytes: Int
    /// Largest number of fields in one record.
    public var maxFields: Int

    public init(
        source: String, encoding: Encoding = .utf8, fieldCount: FieldCount = .sameAsFirst,
        maxFieldBytes: Int = 1 << 20, maxFields: Int = 20_000
    ) {
        self.source = source
        self.encoding = encoding
        self.fieldCount = fieldCount
        self.maxFieldBytes = maxFieldBytes
        self.maxFields = maxFields
    }
}

/// What the reader saw of a file's dialect.
public struct CSVDialect: Sendable, Equatable {
    public var hasBOM = false
    public var lfCount = 0
    public var crlfCount = 0
    public var crCount = 0

    public init() {}

    /// `LF`, `CRLF`, `CR`, `mixed`, or `none` (a single line with no terminator).
    public var lineEnding: String {
        let kinds = [("LF", lfCount), ("CRLF", crlfCount), ("CR", crCount)].filter { $0.1 > 0 }
        switch kinds.count {
        case 0: return "none"
        case 1: return kinds[0].0
        default: return "mixed"
        }
    }
}
