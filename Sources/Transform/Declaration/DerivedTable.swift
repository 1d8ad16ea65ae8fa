/// A table a source keeps from current content (a directory, a national summary), rebuilt in
/// the transaction that changed what it reads, so readers never see it disagree with the data.
/// Its SQL is hand-written because it does not fit the segment pattern; it sits in the
/// declaring source's file and Load runs it as given.
public struct DerivedTable: Sendable {
    /// `data.<name>`.
    public let name: String
    public let comment: String
    /// `CREATE TABLE data.<name> …` and its indexes; run once, when the table does not exist.
    public let definition: String
    /// What to run and when. `$1` is the first day of the period that changed (date).
    public let refreshes: [Refresh]

    public struct Refresh: Sendable {
        public enum Trigger: Sendable, Equatable {
            /// A new current edition (or a rollback) of this dataset.
            case activated(dataset: String)
            /// The hierarchy columns of this dataset were filled again (after a map changed);
            /// `$1` is then the first day of the map's period.
            case hierarchyChanged(dataset: String)
        }

        public let trigger: Trigger
        public let statements: [String]

        public init(after trigger: Trigger, _ statements: [String]) {
            self.trigger = trigger
            self.statements = statements
        }
    }

    public init(_ name: String, comment: String, definition: String, refreshes: [Refresh]) {
        self.name = name
        self.comment = comment
        self.definition = definition
        self.refreshes = refreshes
    }
}
