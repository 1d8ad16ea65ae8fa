/// One object in schema `api`, as a source declares it: the developer API reads it (one object
/// per endpoint, ../shared/docs/api-contract.md). Load generates the view, the index behind
/// every filter, and a `COMMENT ON` for the object and each column from this value.
public struct APIObject: Sendable {
    /// `api.<name>`.
    public let name: String
    /// What the object is and which publication and file it comes from.
    public let comment: String
    public let rows: Rows
    public let columns: [APIColumn]
    /// Columns the API filters on: each must be an index condition on its own.
    public let filters: [String]
    /// The columns that identify a row (for stable pagination); unique on every fixture.
    public let key: [String]
    /// Declares `api.search_<name>(q text)`: the rows whose `code` column equals `q` (upper-cased)
    /// or whose `name` column contains it, case-insensitively.
    public let search: Search?

    /// Where an object's rows come from.
    public enum Rows: Sendable {
        /// The current content of these datasets (they share one segment table): one row per
        /// published row, or per segment for datasets without dimensions.
        case current(datasets: [String])
        /// The current segments of these datasets without their rows: one row per organisation
        /// and period, holding only what a segment knows of itself (its attributes and
        /// hierarchy, `.rowCount`, `.total`). Counts and sums over many organisations read one
        /// row per segment, never the row arrays.
        case currentSegments(datasets: [String])
        /// A table a source keeps itself (`DerivedTable`), read as it is.
        case derived(table: String)
        /// A hand-written query, for an object that fits neither (kept in its source's file).
        /// It may read `data` and `etl` tables; it is not checked for indexed filters.
        case query(String)
    }

    public struct Search: Sendable {
        public let code: String
        public let name: String
        public let comment: String

        public init(code: String, name: String, comment: String) {
            self.code = code
            self.name = name
            self.comment = comment
        }
    }

    public init(_ name: String, comment: String, rows: Rows, columns: [APIColumn], filters: [String] = [], key: [String],
                search: Search? = nil) {
        self.name = name
        self.comment = comment
        self.rows = rows
        self.columns = columns
        self.filters = filters
        self.key = key
        self.search = search
    }

    public func column(_ name: String) -> APIColumn? { columns.first { $0.name == name } }

    /// The datasets whose current segments the object reads (empty for other objects).
    public var segmentDatasets: [String] {
        switch rows {
        case .current(let datasets), .currentSegments(let datasets): return datasets
        case .derived, .query: return []
        }
    }
}

/// One column of an `api` object: its name (as the API filter names it), where its value comes
/// from, and what it means (units; what NULL means).
public struct APIColumn: Sendable {
    public let name: String
    public let value: Value
    public let comment: String

    /// Values come from the row's segment (alias `s`: the segment table's row, or the derived
    /// table's row) or, for datasets with dimensions, the unnested row (alias `u`).
    public enum Value: Sendable, Equatable {
        /// The first day of the reporting period (date).
        case period
        /// The period as the API names it: `2025/26` for a financial year, `2026` for a survey
        /// year, the ISO date otherwise (text).
        case periodLabel
        /// The organisation (or other key) the segment is about.
        case org
        /// The revision whose file the row was read from.
        case revision
        /// The line of that file the row was read from.
        case line
        /// The dataset (revision scope) the row belongs to.
        case dataset
        /// A stored column by name: an attribute, hierarchy column, dimension, measure or
        /// `<measure>_raw` (or a derived table's column).
        case field(String)
        /// How many published rows the segment holds (integer).
        case rowCount
        /// The sum of a whole-number measure over the segment's rows, NULLs left out (bigint).
        case total(String)
        /// A hand-written SQL expression over `s` and `u`, with its type.
        case expression(String, type: String)
        /// A column of a small table the source derives with one row per organisation and
        /// period (`org`, `period`), joined to each segment: a value that comes from another
        /// dataset (a practice's list size band) without a copy of every row. A filter on it is
        /// served by the small table's own index, which reaches the segments by organisation
        /// and period.
        case lookup(table: String, column: String)
    }

    public init(_ name: String, _ value: Value, _ comment: String) {
        self.name = name
        self.value = value
        self.comment = comment
    }
}
