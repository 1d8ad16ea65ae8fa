/// Hierarchy columns (PCN, sub-ICB, ICB, region) of a dataset whose files do not carry them,
/// filled by the loader from another dataset's current content for the same organisation, in
/// the transaction that changed either. They are not content: not hashed, not counted as
/// changes, not in the revision log; they show where each organisation sat.
public struct HierarchyFill: Sendable, Equatable {
    /// The dataset giving the hierarchy (`practice-map`); it has columns of the same names.
    public let from: String
    /// The columns filled.
    public let columns: [String]
    public let match: Match

    public enum Match: Sendable, Equatable {
        /// The source's newest period on or before the last month this period covers (a
        /// month's own map, or the map in force at the end of a financial year).
        case latestOnOrBefore
        /// The source's content for the same period only (QOF's own organisation mapping).
        case samePeriod
    }

    public init(from: String, columns: [String], match: Match) {
        self.from = from
        self.columns = columns
        self.match = match
    }
}
