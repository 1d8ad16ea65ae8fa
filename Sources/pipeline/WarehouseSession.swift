import Extract
import Foundation
import Load
import Transform

/// An open warehouse for one command: connected, migrated, and for commands that write,
/// holding the run lock and recording the run in etl.runs from start to outcome.
final class WarehouseSession {
    let warehouse: Warehouse
    let writes: Bool
    private var finished = false

    /// Options every warehouse command accepts.
    static let options: Set<String> = ["database-url"]
    static let flags: Set<String> = ["wait-lock"]

    init(args: Arguments, command: String, arguments: [String], writes: Bool, err: Output) throws {
        let target = DatabaseTarget.resolve(flag: args.value("database-url"))
        if let conninfo = target.conninfo, target.origin == "--database-url", DatabaseTarget.carriesPassword(conninfo) {
            DatabaseTarget.scrubPasswordFromArguments()
            err.line("warning: --database-url carries a password, which other users can read from the process list; use ~/.pgpass, PGPASSWORD or DATABASE_URL instead")
        }
        warehouse = try Warehouse(conninfo: target.conninfo, applicationName: "pipeline \(command)")
        self.writes = writes
        let canceller = warehouse.connection.makeCanceller()
        Signals.whenCancelled { canceller.cancel() }
        try warehouse.migrate()
        guard writes else { return }
        try warehouse.lock(wait: args.flag("wait-lock")) { err.line($0) }
        try warehouse.startRun(command: command, arguments: Self.redact(arguments), versions: [
            "tool": Program.version, "libpq": LibPQ.versionString, "zlib": Zlib.version,
        ])
        try warehouse.markAbandonedRuns()
    }

    /// Arguments as recorded in etl.runs: connection strings are never stored.
    static func redact(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var skipNext = false
        for arg in arguments {
            if skipNext { out.append("***"); skipNext = false; continue }
            if arg == "--database-url" { out.append(arg); skipNext = true; continue }
            if arg.hasPrefix("--database-url=") { out.append("--database-url=***"); continue }
            out.append(arg)
        }
        return out
    }

    /// Records the outcome (once) and releases the lock.
    func finish(outcome: String, error: (any Error)? = nil, counts: [String: Int] = [:]) {
        guard !finished else { return }
        finished = true
        if writes {
            warehouse.finishRun(outcome: outcome, error: error.map { String(describing: $0) }, counts: counts)
            warehouse.unlock()
        }
    }

    /// Runs `body`; on error records the failure (refused for bad input, cancelled, failed) and rethrows.
    func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            let status = ExitStatus.of(error)
            let outcome: String
            switch status {
            case .dataRefused: outcome = "refused"
            case .interrupted, .terminated: outcome = "cancelled"
            default: outcome = "failed"
            }
            finish(outcome: outcome, error: error)
            throw error
        }
    }
}

extension LoadError: ExitCoded {
    var exitStatus: ExitStatus {
        switch code {
        case .connection: return .temporaryFailure
        case .lockHeld: return .cannotCreate
        case .notFound, .refused: return .dataRefused
        case .config, .migration: return .config
        case .cancelled: return .terminated
        case .sql: return isTransient ? .temporaryFailure : .internalError
        }
    }
}
