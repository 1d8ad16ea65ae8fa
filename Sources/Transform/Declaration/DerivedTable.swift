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

        /// When the statements run.
        public enum Timing: Sendable, Equatable {
            /// Once per period the trigger fired for, `$1` that period's first day.
            case perPeriod
            /// Once per load, after every period's refreshes: a rebuild of the whole table from
            /// current content, which a file of three months would otherwise run three times.
            case oncePerLoad
        }

        public let trigger: Trigger
        public let statements: [String]
        public let timing: Timing

        public init(after trigger: Trigger, _ statements: [String], timing: Timing = .perPeriod) {
            self.trigger = trigger
            self.statements = statements
            self.timing = timing
        }
    }

    public init(_ name: String, comment: String, definition: String, refreshes: [Refresh]) {
        self.name = name
        self.comment = comment
        self.definition = definition
        self.refreshes = refreshes
    }
}
