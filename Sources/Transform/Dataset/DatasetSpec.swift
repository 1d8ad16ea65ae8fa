/// What one dataset stores, independent of how any edition of its files is laid out.
///
/// A row's natural key is ODS code + period + `dimensions`. Rows are grouped into one
/// *segment* per (period, ODS code) — see docs/warehouse-design.md — so `attributes` are the
/// values that belong to the organisation as a whole in that file (postcode, sub-ICB code),
/// while `measures` vary row by row. Column names are SQL identifiers chosen in code.
public struct DatasetSpec: Sendable, Equatable {
    /// Dataset id: the revision scope's name, e.g. `list-sizes-all`.
    public let id: String
    /// Source id, e.g. `list-sizes`.
    public let source: String
    /// Human title, for listings.
    public let title: String
    /// The segment table in schema `data` (several datasets of one shape may share it).
    public let table: String
    public let periodKind: ReportingPeriod.Kind
    public let dimensions: [Field]
    public let measures: [Field]
    public let attributes: [Field]
    /// Tokens that mean "no value" in a measure; stored as NULL with the token kept beside it.
    public let suppressionTokens: Set<String>
    /// Every negative number in a measure is a suppression sentinel (NULL, the number kept as
    /// its token), listed or not: for publications where no real value is ever negative.
    public let negativeIsSuppressed: Bool
    /// Organisation hierarchy (PCN, ICB, …) the files lack, filled from another dataset.
    public let hierarchy: HierarchyFill?
    /// What an edition must pass against the comparable one before it becomes current.
    public let gate: QualityGate?

    public init(
        id: String, source: String, title: String, table: String, periodKind: ReportingPeriod.Kind,
        dimensions: [Field], measures: [Field], attributes: [Field] = [], suppressionTokens: Set<String> = [],
        hierarchy: HierarchyFill? = nil, gate: QualityGate? = nil, negativeIsSuppressed: Bool = false
    ) {
        self.negativeIsSuppressed = negativeIsSuppressed
        self.id = id
        self.source = source
        self.title = title
        self.table = table
        self.periodKind = periodKind
        self.dimensions = dimensions
        self.measures = measures
        self.attributes = attributes
        self.suppressionTokens = suppressionTokens
        self.hierarchy = hierarchy
        self.gate = gate
    }

    /// A stored column: its SQL name and how values are checked and kept.
    public struct Field: Sendable, Equatable {
        public let name: String
        public let kind: ValueKind

        public init(_ name: String, _ kind: ValueKind = .text) {
            self.name = name
            self.kind = kind
        }
    }

    /// Every stored field by name (attributes, dimensions, measures), for checking declarations.
    public var fields: [Field] { attributes + dimensions + measures }

    /// Measures that can hold numbers and so may carry suppression tokens.
    public var numericMeasures: [Int] {
        measures.indices.filter { measures[$0].kind != .text }
    }

    /// Whole-number measures of a dataset with dimensions: each segment stores their sum
    /// (`<measure>_total`), so totals and counts over many organisations are answered from one
    /// value per segment instead of every row's (docs/performance.md, "Reading at history size").
    public var totalledMeasures: [Int] {
        dimensions.isEmpty ? [] : measures.indices.filter { [.integer, .count].contains(measures[$0].kind) }
    }
}

/// How a value is checked and stored.
public enum ValueKind: String, Sendable, Equatable {
    /// Kept byte-exact; empty is NULL.
    case text
    /// A whole number that fits in 64 bits; empty is NULL.
    case integer
    /// A count of people or events: a whole number, never below 0. A negative value is refused
    /// (it is a broken file, not data), naming line and column.
    case count
    /// A decimal number (no exponent, no thousands separators); empty is NULL.
    case decimal
    /// A calendar date in one of the dataset's declared formats; stored as ISO.
    case date

    /// The PostgreSQL type of one element.
    public var sqlType: String {
        switch self {
        case .text: return "text"
        case .integer, .count: return "bigint"
        case .decimal: return "numeric"
        case .date: return "date"
        }
    }
}
