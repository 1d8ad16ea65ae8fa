import CLibPQ
import Foundation

/// One libpq connection, owned by one task. Every statement takes its values as parameters
/// (`PQexecParams`) or through `COPY ... FROM STDIN`; no SQL is ever built from data.
public final class PGConnection {
    private let conn: OpaquePointer
    private let cancelHandle: OpaquePointer?
    /// Kept (never printed) to open a side connection that names who holds a lock we timed out on.
    private let conninfo: String?
    private let applicationName: String

    /// Connects with `conninfo` (a URI or `key=value` string) or, when it is nil, libpq's own
    /// defaults (PG* variables, `~/.pgpass`, service files). The password, wherever it comes
    /// from, never appears in an error or log line.
    public init(conninfo: String?, applicationName: String) throws {
        // Entries before `dbname` are defaults that the caller's connection string overrides:
        // the application name shows who we are in pg_stat_activity, and keepalives bound how
        // long a black-holed network can hang a run.
        let keywords = ["fallback_application_name", "connect_timeout", "keepalives", "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "dbname"]
        let values = [applicationName, "15", "1", "30", "10", "3", conninfo ?? ""]
        let connection = withArrayOfCStrings(keywords) { k in
            withArrayOfCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let connection else { throw LoadError(.connection, "could not allocate a libpq connection") }
        if PQstatus(connection) != CONNECTION_OK {
            let message = Self.clean(PQerrorMessage(connection))
            PQfinish(connection)
            throw LoadError(.connection, "could not connect to PostgreSQL: \(message)")
        }
        conn = connection
        cancelHandle = PQgetCancel(connection)
        self.conninfo = conninfo
        self.applicationName = applicationName
        // Notices ("relation already exists, skipping") are not errors; keep them off stderr.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        // Pin the search path: every object we use is schema-qualified, and nothing resolves
        // through a schema another role could create objects in.
        _ = try execute("SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false)")
        // Segment arrays are TOASTed; lz4 compresses several times faster than the default pglz.
        // Servers built without lz4 (or before PostgreSQL 14) keep their default.
        if PQserverVersion(conn) >= 140_000 {
            _ = try? execute("SET default_toast_compression = 'lz4'")
        }
    }

    /// Nil when libpq can parse `conninfo` (a URI or `key=value` string); else libpq's reason,
    /// with quoted fragments (which may be part of a password) blanked.
    public static func malformation(of conninfo: String) -> String? {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &message) else {
            let text = message.map { String(cString: $0) } ?? "not a connection string"
            if let message { PQfreemem(message) }
            var out = "", quoted = false
            for c in clean(text) {
                if c == "\"" { quoted.toggle(); out += quoted ? "\"…" : "\""; continue }
                if !quoted { out.append(c) }
            }
            return out
        }
        PQconninfoFree(options)
        return nil
    }

    /// Whether a failed connection attempt may succeed if tried again shortly (the server is
    /// starting, restarting, or briefly unreachable), as opposed to a refusal (bad password, no
    /// such role or database, no pg_hba entry) that waiting cannot fix.
    public static func mayConnectLater(_ error: LoadError) -> Bool {
        guard error.code == .connection else { return false }
        let transient = ["Connection refused", "No such file or directory", "the database system is starting up",
                         "the database system is shutting down", "the database system is in recovery mode", "timeout expired",
                         "too many clients", "server closed the connection unexpectedly", "Network is unreachable",
                         "Connection timed out", "No route to host"]
        return transient.contains { error.message.contains($0) }
    }

    deinit {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        PQfinish(conn)
    }

    /// The server process serving this connection.
    public var backendPID: Int32 { PQbackendPID(conn) }

    /// `user@host:port/dbname`, for logs; never includes a password.
    public var target: String {
        func s(_ p: UnsafeMutablePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        return "\(s(PQuser(conn)))@\(s(PQhost(conn))):\(s(PQport(conn)))/\(s(PQdb(conn)))"
    }

    /// The port this connection dialled (a socket file's number, for a Unix socket).
    public var dialledPort: Int? {
        PQport(conn).flatMap { Int(String(cString: $0)) }
    }

    /// The server's version number, e.g. 150018.
    public var serverVersion: Int { Int(PQserverVersion(conn)) }

    /// True between BEGIN and COMMIT/ROLLBACK.
    public var inTransaction: Bool {
        let status = PQtransactionStatus(conn)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// A handle that cancels this connection's running statement from any thread (a signal
    /// handler's queue); it stays valid after the connection closes (then it does nothing useful).
    public func makeCanceller() -> Canceller { Canceller(PQgetCancel(conn)) }

    /// Asks the server to cancel the running statement. Safe from another thread.
    public func cancel() {
        guard let cancelHandle else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancelHandle, &buffer, 256)
    }

    /// Runs one statement with text parameters (nil is SQL NULL) and returns its result.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws -> PGResult {
        let result: OpaquePointer? = withParameterPointers(parameters) { pointers in
            PQexecParams(conn, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        return try check(result)
    }

    /// Runs a script of several statements without parameters (migrations).
    public func executeScript(_ sql: String) throws {
        let result = PQexec(conn, sql)
        _ = try check(result)
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            rollbackQuietly()
            throw error
        }
    }

    /// ROLLBACK, ignoring errors (used on paths that are already failing).
    public func rollbackQuietly() {
        if PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) != PQTRANS_IDLE {
            PQclear(PQexec(conn, "ROLLBACK"))
        }
    }

    // MARK: COPY

    /// Starts `COPY ... FROM STDIN (FORMAT binary)`, which the caller drives through the
    /// returned writer and must `finish()` or abort.
    public func startBinaryCopy(_ sql: String) throws -> BinaryCopyWriter {
        let start = PQexec(conn, sql)
        guard let start, PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try check(start)
            throw LoadError(.sql, "COPY did not start")
        }
        PQclear(start)
        return try BinaryCopyWriter(connection: self)
    }

    /// Ends a COPY in progress with an error so the server discards it.
    public func abortCopy(reason: String) {
        _ = PQputCopyEnd(conn, reason)
        while let result = PQgetResult(conn) { PQclear(result) }
    }

    func putCopyData(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        let status = PQputCopyData(conn, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        if status != 1 {
            throw LoadError(.connection, "COPY failed: \(Self.clean(PQerrorMessage(conn)))")
        }
    }

    func endCopy() throws -> Int {
        if PQputCopyEnd(conn, nil) != 1 {
            throw LoadError(.connection, "COPY failed: \(Self.clean(PQerrorMessage(conn)))")
        }
        var rows = 0
        var firstError: (any Error)?
        while let result = PQgetResult(conn) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                rows = Int(String(cString: PQcmdTuples(result))) ?? 0
                PQclear(result)
            } else if firstError == nil {
                do { _ = try check(result) } catch { firstError = error }
            } else {
                PQclear(result)
            }
        }
        if let firstError { throw firstError }
        return rows
    }

    /// Runs `COPY ... TO STDOUT` and hands each row (text format, newline included) to `body`.
    public func copyOut(_ sql: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let start = PQexec(conn, sql)
        guard let start, PQresultStatus(start) == PGRES_COPY_OUT else {
            _ = try check(start)
            throw LoadError(.sql, "COPY TO did not start")
        }
        PQclear(start)
        var failure: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>? = nil
            let n = PQgetCopyData(conn, &buffer, 0)
            if n > 0, let buffer {
                if failure == nil {
                    do { try body(UnsafeRawBufferPointer(start: buffer, count: Int(n))) } catch { failure = error }
                }
                PQfreemem(buffer)
            } else {
                break
            }
        }
        while let result = PQgetResult(conn) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil {
                do { _ = try check(result) } catch { failure = error }
            } else {
                PQclear(result)
            }
        }
        if let failure { throw failure }
    }

    // MARK: results and errors

    private func check(_ result: OpaquePointer?) throws -> PGResult {
        guard let result else {
            throw LoadError(.connection, "lost the connection to PostgreSQL: \(Self.clean(PQerrorMessage(conn)))")
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PGResult(result)
        default:
            var error = Self.error(from: result, connection: conn)
            PQclear(result)
            if error.sqlState == "53100" {
                // disk_full: the message names a file under the server's data directory; say what it means.
                error = LoadError(error.code, error.message, sqlState: error.sqlState,
                                  detail: "the database server's disk (its data directory or the table's tablespace) is full; nothing was written: free space on the server and run again")
            }
            if error.sqlState == "55P03", let holders = lockHolders() {
                error = LoadError(error.code, error.message, sqlState: error.sqlState, detail: holders, constraint: error.constraint)
            }
            throw error
        }
    }

    /// Sets the longest this connection waits for a lock and runs one statement (0: no limit),
    /// so a reviewer's open transaction cannot make a load wait forever.
    public func setTimeouts(lockSeconds: Double, statementSeconds: Double) throws {
        func ms(_ seconds: Double) -> String { String(Int((seconds * 1000).rounded())) }
        try execute("SELECT pg_catalog.set_config('lock_timeout', $1, false), pg_catalog.set_config('statement_timeout', $2, false)",
                    [ms(lockSeconds), ms(statementSeconds)])
    }

    /// After a lock timeout: the other sessions holding locks on the warehouse's tables, oldest
    /// transaction first, as one line (pid, application, when its transaction started, state).
    /// Read through a side connection, since this one's transaction is aborted. Nil when none is
    /// found (the holder already finished) or the side connection fails.
    private func lockHolders() -> String? {
        guard let side = try? PGConnection(conninfo: conninfo, applicationName: applicationName + " (lock check)") else { return nil }
        let rows = try? side.execute("""
            SELECT a.pid::text, coalesce(nullif(a.application_name, ''), 'unnamed'),
                   coalesce(to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), 'no transaction'),
                   coalesce(a.state, 'unknown'), string_agg(DISTINCT n.nspname || '.' || c.relname, ', ')
            FROM pg_catalog.pg_locks l
            JOIN pg_catalog.pg_class c ON c.oid = l.relation
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
            WHERE l.granted AND l.pid <> $1::int
              AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) AND n.nspname IN ('data', 'etl', 'api')
            GROUP BY a.pid, a.application_name, a.xact_start, a.state
            ORDER BY a.xact_start NULLS LAST
            LIMIT 4
            """, [String(backendPID)])
        guard let rows, rows.rowCount > 0 else { return nil }
        let shown = (0..<min(rows.rowCount, 3)).map { r in
            "pid \(rows.string(r, 0) ?? "?") (application '\(rows.string(r, 1) ?? "")', transaction started \(rows.string(r, 2) ?? "?"), \(rows.string(r, 3) ?? "?"), holding \(rows.string(r, 4) ?? "?"))"
        }
        let more = rows.rowCount > 3 ? " and more" : ""
        return "waited lock_timeout for a lock held by " + shown.joined(separator: "; ") + more
            + "; nothing was written: end that session or raise database.lock_timeout_seconds, then run again"
    }

    static func error(from result: OpaquePointer, connection: OpaquePointer) -> LoadError {
        func field(_ code: Int32) -> String? {
            guard let p = PQresultErrorField(result, code) else { return nil }
            return String(cString: p)
        }
        let state = field(Int32(UInt8(ascii: "C")))
        let primary = field(Int32(UInt8(ascii: "M"))) ?? clean(PQerrorMessage(connection))
        let detail = field(Int32(UInt8(ascii: "D")))
        let constraint = field(Int32(UInt8(ascii: "n")))
        let lost = PQstatus(connection) != CONNECTION_OK
        return LoadError(lost ? .connection : .sql, primary, sqlState: state, detail: detail, constraint: constraint)
    }

    static func clean(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        return String(cString: message).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

/// Cancels a connection's running statement from any thread (libpq's PQcancel is thread-safe).
public final class Canceller: @unchecked Sendable {
    private let handle: OpaquePointer?

    init(_ handle: OpaquePointer?) { self.handle = handle }

    deinit { if let handle { PQfreeCancel(handle) } }

    public func cancel() {
        guard let handle else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(handle, &buffer, 256)
    }
}

/// A query result; values are read straight from libpq's memory, freed with the object.
public final class PGResult {
    private let result: OpaquePointer
    public let rowCount: Int
    public let columnCount: Int

    init(_ result: OpaquePointer) {
        self.result = result
        rowCount = Int(PQntuples(result))
        columnCount = Int(PQnfields(result))
    }

    deinit { PQclear(result) }

    /// The value at (row, column) as text, or nil for SQL NULL.
    public func string(_ row: Int, _ column: Int) -> String? {
        if PQgetisnull(result, Int32(row), Int32(column)) == 1 { return nil }
        return String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }

    public func int(_ row: Int, _ column: Int) -> Int? { string(row, column).flatMap { Int($0) } }

    public func bool(_ row: Int, _ column: Int) -> Bool? { string(row, column).map { $0 == "t" } }

    /// The value's bytes without making a String (for hashes compared as text).
    public func withBytes<T>(_ row: Int, _ column: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let p = PQgetvalue(result, Int32(row), Int32(column))!
        return body(UnsafeRawBufferPointer(start: p, count: Int(PQgetlength(result, Int32(row), Int32(column)))))
    }

    /// Rows affected by INSERT/UPDATE/DELETE.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    /// The column's name.
    public func columnName(_ column: Int) -> String { String(cString: PQfname(result, Int32(column))) }
}

/// Calls `body` with a NULL-terminated array of C strings.
func withArrayOfCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let duplicates: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = duplicates.map { UnsafePointer($0) }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Calls `body` with parameter value pointers; nil parameters are NULL pointers (SQL NULL).
func withParameterPointers<T>(_ parameters: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
    if parameters.isEmpty { return body(nil) }
    let duplicates: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
    defer { duplicates.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = duplicates.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
