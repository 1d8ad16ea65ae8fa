/// An error from the warehouse: connection, SQL, COPY, or a rule of the revision model.
///
/// Carries the server's SQLSTATE, primary message, detail and constraint name, never the
/// values bound to a statement (they are data, possibly sensitive), and says whether trying
/// again later may succeed.
public struct LoadError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        case connection      // could not connect, or the connection was lost
        case sql             // the server refused a statement
        case lockHeld        // another run holds the warehouse lock
        case notFound        // a revision, dataset or period that does not exist
        case refused         // a request the revision model does not allow
        case config          // a configuration the loader will not run with
        case cancelled       // SIGINT/SIGTERM arrived; everything was rolled back
        case migration       // the schema history does not match this binary
    }

    public let code: Code
    public let message: String
    public let sqlState: String?
    public let detail: String?
    public let constraint: String?

    public init(_ code: Code, _ message: String, sqlState: String? = nil, detail: String? = nil, constraint: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.constraint = constraint
    }

    public var description: String {
        var s = message
        if let sqlState { s += " (SQLSTATE \(sqlState))" }
        if let detail, !detail.isEmpty { s += ": " + detail }
        return s
    }

    /// Connection loss, serialization failures, deadlocks, admin shutdowns, timeouts.
    public var isTransient: Bool {
        if code == .connection { return true }
        guard let state = sqlState else { return false }
        return state.hasPrefix("08") || state == "40001" || state == "40P01" || state.hasPrefix("57P")
            || state == "55P03" || state == "57014" || state == "53300" || state == "53100"
    }
}
