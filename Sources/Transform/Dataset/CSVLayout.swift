/// How one family of CSV files maps onto a `DatasetSpec`, across the header editions the
/// publisher has used. Columns are found by name (compared after `CSVLayout.normalize`), never
/// by position, except for header-less files whose columns are declared here in order.
public struct CSVLayout: Sendable {
    /// Where column names come from.
    public enum Header: Sendable {
        /// The first record is the header.
        case firstRecord
        /// No header row: the file's columns, in order (ODS publishes several such files).
        case declared([String])
    }

    /// Where a row's period comes from.
    public enum PeriodRule: Sendable {
        /// A date column, parsed with these formats; the period is the one containing the date.
        case column(Column, formats: [NHSDate.Format])
        /// Given by the caller (from the file name, the publication page, or `--period`).
        case external
    }

    /// How many periods the rows of one file (with a `.column` period) may span, checked as the
    /// file is read: a stray row dated the next month must not split a publication in two.
    public enum PeriodsInFile: Sendable {
        /// One, and the publication's own: the period its page (or `--period`) names.
        case one
        /// One per file, the page's own or an earlier one (a zip restating earlier months in a
        /// file each, as Appointments in General Practice does). Never a later one.
        case oneRestated
        /// Several by design (a quarter's months, a cumulative year to date): not checked.
        case several
    }

    /// A column: the spellings it has had, and whether a file may lack it.
    public struct Column: Sendable {
        public let spellings: [String]
        public let required: Bool
        /// For an optional attribute column: the value every row has when a file lacks the
        /// column (a multi-level file's `ORG_TYPE` is `GP` in files that hold practices only).
        public let absent: String?

        public init(_ spellings: String..., required: Bool = true, absent: String? = nil) {
            self.spellings = spellings.map(CSVLayout.normalize)
            self.required = required && absent == nil
            self.absent = absent
        }

        /// The canonical (first) spelling, for messages.
        public var name: String { spellings[0] }
    }

    /// Keeps only rows whose value in `column` is one of `keep` (e.g. ORG_TYPE = GP in the
    /// multi-level files). A file without the column keeps every row.
    public struct Filter: Sendable {
        public let column: Column
        public let keep: Set<String>
        /// When set, a value is a list (`RO76|RO87`) and a row is kept if any item is in `keep`.
        public let separator: UInt8?

        public init(_ column: Column, keep: Set<String>, separator: Character? = nil) {
            self.column = column
            self.keep = keep
            self.separator = separator.flatMap(\.asciiValue)
        }
    }

    /// What the key column holds.
    public enum Key: Sendable {
        /// An ODS organisation code (3–10 upper-case letters and digits), checked on every row.
        case ods
        /// Another identifier (a QOF indicator code): any non-empty value without spaces at
        /// either end, at most 64 bytes.
        case code
    }

    public var header: Header
    public var org: Column
    public var key: Key
    public var period: PeriodRule
    public var periodsInFile: PeriodsInFile = .one
    /// One per `spec.dimensions`, same order. A nil entry means the dimension is constant
    /// for this layout and takes `constantDimensions` value.
    public var dimensions: [Column?]
    public var constantDimensions: [String?]
    /// One per `spec.measures`; a missing optional column gives NULL.
    public var measures: [Column]
    /// One per `spec.measures` (or empty): a code set the published value is translated
    /// through (`A` and `ACTIVE` both to `active`). A value outside it is refused, naming it,
    /// so a new code set is noticed rather than stored.
    public var measureMaps: [[String: String]?]
    /// One per `spec.attributes`.
    public var attributes: [Column]
    /// One per `spec.attributes` (or empty): a code set for the attribute, as `measureMaps`.
    public var attributeMaps: [[String: String]?]
    /// Known columns that are not stored (e.g. PUBLICATION, which repeats one constant).
    public var ignored: [Column]
    public var filters: [Filter]
    public var encoding: CSVOptions.Encoding
    /// Date formats for `.date` measures and attributes.
    public var dateFormats: [NHSDate.Format]

    public init(
        header: Header = .firstRecord, org: Column, key: Key = .ods, period: PeriodRule, dimensions: [Column?] = [],
        constantDimensions: [String?]? = nil, measures: [Column], measureMaps: [[String: String]?] = [], attributes: [Column] = [],
        attributeMaps: [[String: String]?] = [],
        ignored: [Column] = [], filters: [Filter] = [], encoding: CSVOptions.Encoding = .utf8,
        dateFormats: [NHSDate.Format] = NHSDate.anyFormat
    ) {
        self.header = header
        self.org = org
        self.key = key
        self.period = period
        self.dimensions = dimensions
        self.constantDimensions = constantDimensions ?? dimensions.map { _ in nil }
        self.measures = measures
        self.measureMaps = measureMaps.isEmpty ? measures.map { _ in nil } : measureMaps
        precondition(self.measureMaps.count == measures.count, "one code map (or nil) per measure")
        self.attributes = attributes
        self.attributeMaps = attributeMaps.isEmpty ? attributes.map { _ in nil } : attributeMaps
        precondition(self.attributeMaps.count == attributes.count, "one code map (or nil) per attribute")
        self.ignored = ignored
        self.filters = filters
        self.encoding = encoding
        self.dateFormats = dateFormats
    }

    /// Header names compared case-insensitively, with runs of spaces and punctuation read as
    /// one `_` and the ends trimmed: `Number of Patients` = `NUMBER_OF_PATIENTS`, and a
    /// payments header's trailing space does not matter.
    public static func normalize(_ name: String) -> String {
        var out = ""
        var pendingSeparator = false
        for scalar in name.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingSeparator && !out.isEmpty { out += "_" }
                pendingSeparator = false
                out += String(scalar).uppercased()
            } else {
                pendingSeparator = true
            }
        }
        return out
    }
}
