import Extract
import Foundation
import Load
import Transform

/// An open warehouse for one command: connected, migrated, and for commands that write,
/// holding the run lock and recording the run in etl.runs from start to outcome.
public final class WarehouseSession {
    public let warehouse: Warehouse
    public let writes: Bool
    public let log: Log
    /// Migrations this session applied (usually none).
    public private(set) var migrationsApplied: [String] = []
    private let started = Date()
    private var finished = false

    /// `settings`: the command's own, when it has them (saves reading the config again).
    /// `waitLock`: wait for another run's lock instead of refusing at once.
    public init(context: Context, command: String, writes: Bool, waitLock: Bool = false, settings: Settings? = nil) throws {
        let settings = try settings ?? context.settings()
        let target = try DatabaseTarget.resolve(settings)
        let conninfo: String?
        switch target.kind {
        case .conninfo(let text):
            if target.origin == "--database-url", DatabaseTarget.carriesPassword(text) {
                DatabaseTarget.scrubPasswordFromArguments()
                context.log.warning("database.password_in_argv", "--database-url carries a password, which other users can read from the process list; use ~/.pgpass, PGPASSWORD or DATABASE_URL instead")
            }
            if let problem = PGConnection.malformation(of: text) {
                throw ConfigError("the database connection string from \(target.origin) is malformed: \(problem); `pipeline config` shows where each setting comes from")
            }
            conninfo = text
        case .libpqDefaults:
            conninfo = nil
        case .embedded(let embedded):
            try embedded.ensureRunning { context.log.info("database.embedded", $0, [("data_dir", .string(embedded.dataDir.path))]) }
            conninfo = embedded.conninfo
        }
        warehouse = try Self.connect(conninfo: conninfo, command: command, context: context,
                                     retryFor: settings.seconds(.connectRetry), origin: target.origin)
        try Self.checkDirect(warehouse, allowPooler: settings.text(.pooler) == "session")
        try warehouse.connection.setTimeouts(lockSeconds: settings.seconds(.lockTimeout), statementSeconds: settings.seconds(.statementTimeout))
        self.writes = writes
        self.log = context.log
        let canceller = warehouse.connection.makeCanceller()
        Signals.whenCancelled { canceller.cancel() }
        migrationsApplied = try warehouse.migrate()
        for name in migrationsApplied { context.log.info("migrate.applied", "", [("migration", .string(name))]) }
        guard writes else { return }
        if try warehouse.isStandby() {
            throw ConfigError("\(warehouse.connection.target) is a read-only standby (pg_is_in_recovery): readers may use it; point `pipeline \(command)` at the primary")
        }
        try warehouse.lock(wait: waitLock) { context.log.info("lock.wait", $0) }
        try warehouse.startRun(command: command, arguments: Self.redact(context.argv), versions: [
            "tool": Operations.version, "libpq": LibPQ.versionString, "zlib": Zlib.version,
        ])
        context.log.runID = warehouse.runID
        try warehouse.markAbandonedRuns()
    }

    /// Refuses a connection that reaches the server through a proxy or pooler (the port dialled
    /// is not the port the server listens on), unless the operator says it keeps one server
    /// session per client: the run lock (a session advisory lock) and the session's timeouts
    /// would otherwise land on whichever server connection a transaction pooler hands out.
    static func checkDirect(_ warehouse: Warehouse, allowPooler: Bool) throws {
        guard !allowPooler, let dialled = warehouse.connection.dialledPort, let listening = try warehouse.serverPort(),
              dialled != listening else { return }
        throw ConfigError("the warehouse connection goes through a proxy or pooler (dialled port \(dialled), the server listens on \(listening)): "
                          + "the loader keeps its run lock and settings in one session, which transaction pooling breaks; connect the loader "
                          + "to the server directly (readers may use the pooler), or set database.pooler=session (PIPELINE_DB_POOLER) "
                          + "if it keeps one server session per client")
    }

    /// Connects, retrying with backoff (0.25 s doubling to 5 s) while the server refuses
    /// connections in a way that waiting can fix, for at most `retryFor` seconds. The final error
    /// says where the connection setting came from.
    static func connect(conninfo: String?, command: String, context: Context, retryFor: TimeInterval, origin: String) throws -> Warehouse {
        let deadline = Date().addingTimeInterval(retryFor)
        var delay = 0.25, attempts = 0
        while true {
            attempts += 1
            do {
                return try Warehouse(conninfo: conninfo, applicationName: "pipeline \(command)", registry: context.registry)
            } catch let error as LoadError where error.code == .connection {
                let wait = min(delay, deadline.timeIntervalSinceNow)
                guard PGConnection.mayConnectLater(error), wait > 0 else {
                    let tried = attempts > 1 ? " (\(attempts) attempts over \(Int(retryFor.rounded())) s)" : ""
                    throw LoadError(.connection, error.message + tried + "; the database setting came from \(origin) (`pipeline config` shows it)",
                                    sqlState: error.sqlState, detail: error.detail)
                }
                context.log.warning("database.retry", "cannot connect yet; trying again in \(String(format: "%.2g", wait)) s",
                                    [("attempt", .int(attempts))])
                Thread.sleep(forTimeInterval: wait)
                delay = min(delay * 2, 5)
            }
        }
    }

    /// Arguments as recorded in etl.runs: connection strings are never stored, and a URL's
    /// credentials (`https://user:secret@mirror/…`) are blanked.
    public static func redact(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var skipNext = false
        for arg in arguments {
            if skipNext { out.append("***"); skipNext = false; continue }
            if arg == "--database-url" { out.append(arg); skipNext = true; continue }
            if arg.hasPrefix("--database-url=") { out.append("--database-url=***"); continue }
            out.append(arg.contains("://") ? DatabaseTarget.redacted(arg) : arg)
        }
        return out
    }

    /// Records the outcome (once) and releases the lock.
    public func finish(outcome: String, error: (any Error)? = nil, counts: [String: Int] = [:]) {
        guard !finished else { return }
        finished = true
        if writes {
            // Stored as printed: an entry name's control characters escaped (`runs` shows this text).
            warehouse.finishRun(outcome: outcome, error: error.map { PrintableText.escaped(Secrets.redact(String(describing: $0))) }, counts: counts)
            warehouse.unlock()
            // Text mode says nothing here: the report on stdout (or the error) already did.
            let fields: [(String, JSONText.Value)] = [
                ("outcome", .string(outcome)),
                ("counts", .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
                ("duration_s", .seconds(since: started)),
            ]
            // A run that threw ends `run.failed` (logged by the program), then `run.done`.
            if error != nil { log.holdUntilFailureLogged("run.done", fields) } else { log.info("run.done", "", fields) }
        }
    }

    /// How a run (or one source's part of it) that threw is recorded.
    public static func outcome(of error: any Error) -> String {
        if Signals.cancelled { return "cancelled" }
        switch RunStatus.of(error) {
        case .dataRefused: return "refused"
        case .interrupted, .terminated: return "cancelled"
        default: return "failed"
        }
    }

    /// Runs `body`; on error records the failure (refused for bad input, cancelled, failed) and rethrows.
    public func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            finish(outcome: Self.outcome(of: error), error: error)
            throw error
        }
    }
}
