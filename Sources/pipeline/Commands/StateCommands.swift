import Operations
import Extract
import Foundation
import Load
import Transform

/// `pipeline sources [--json]`: each declared source with its cadence, newest loaded period and
/// revision, last check and outcome, next due time and overdue flag.
struct SourcesCommand {
    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse, flags: ["json"])
        guard args.positionals.isEmpty else { throw UsageError("usage: pipeline sources [--json]") }
    }

    func run(context: Context) throws {
        let settings = try context.settings(flags: args.optionValues)
        let session = try WarehouseSession(context: context, command: "sources", writes: false, settings: settings)
        let rows = try SourceStatus.all(session.warehouse, sources: context.sources([]), now: context.now)
        if args.flag("json") {
            for row in rows { context.out.line(row.json.text) }
            return
        }
        context.out.line(["source", "name", "cadence", "newest", "revision", "last_check", "outcome", "next_due", "overdue"].joined(separator: "\t"))
        for row in rows {
            context.out.line([
                row.source.id, row.source.title, row.source.cadence.every, row.newest?.label ?? "-",
                row.state.newestRevision.map { String($0) } ?? "-", row.state.lastCheck.map { $0.checkedAt.utcText } ?? "-",
                row.state.lastCheck?.outcome ?? "-", row.verdict.due ? "now" : row.verdict.nextDue.utcText,
                row.overdueSince.map { "yes: \(row.verdict.expected!.label) expected by \($0.iso)" } ?? "no",
            ].joined(separator: "\t"))
        }
    }
}

/// `pipeline runs [--limit N] [--json]`: one line per run, newest first.
struct RunsCommand {
    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse.union(["limit"]), flags: ["json"])
        guard args.positionals.isEmpty else { throw UsageError("usage: pipeline runs [--limit N] [--json]") }
    }

    func run(context: Context) throws {
        let limit = try args.int("limit") ?? 20
        let session = try WarehouseSession(context: context, command: "runs", writes: false, settings: context.settings(flags: args.optionValues))
        let runs = try RunLog.recent(session.warehouse, limit: limit)
        if args.flag("json") {
            for run in runs { context.out.line(run.json.text) }
            return
        }
        if runs.isEmpty {
            context.out.line("no runs yet")
            return
        }
        context.out.line(["run", "started_at", "finished_at", "outcome", "command", "counts"].joined(separator: "\t"))
        for run in runs {
            let counts = run.counts.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let outcome = run.outcome + (run.error.map { ": " + $0.prefix(200) } ?? "")
            // Errors name archive entries, whose names may hold control characters (rows stored
            // before they were escaped on the way in are escaped here).
            context.out.line([String(run.run), run.startedAt, run.finishedAt ?? "-", outcome, run.command, counts.isEmpty ? "-" : counts]
                .map(PrintableText.escaped).joined(separator: "\t"))
        }
    }
}

/// `pipeline status`: one screen for whoever is on call: the lock holder, failing sources,
/// overdue sources, and the last run. Exits 3 when something needs a person (for monitors).
struct StatusCommand {
    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse, flags: [])
        guard args.positionals.isEmpty else { throw UsageError("usage: pipeline status") }
    }

    func run(context: Context) throws -> ExitStatus {
        let out = context.out
        let settings = try context.settings(flags: args.optionValues)
        let session = try WarehouseSession(context: context, command: "status", writes: false, settings: settings)
        let warehouse = session.warehouse
        out.line("warehouse: \(warehouse.connection.target) (schema version \(Migrations.all.last?.version ?? 0))")
        out.line("lock: " + (try warehouse.lockHolder().map { "held by \($0)" } ?? "free"))
        if let last = try RunLog.recent(warehouse, limit: 1).first {
            out.line("last run: \(last.run) \(last.command), \(last.outcome), started \(last.startedAt)")
        } else {
            out.line("last run: none yet")
        }
        let rows = try SourceStatus.all(warehouse, sources: context.sources([]), now: context.now)
        let failing = rows.filter { $0.state.lastCheck?.isFailing == true }
        // The demo loads the bundled fixtures, whose editions are years old by design: calling
        // them overdue would send a newcomer chasing nothing. Overdue is judged once any other
        // command has written to the warehouse.
        let demoOnly = try warehouse.holdsDemoRunsOnly()
        let overdue = demoOnly ? [] : rows.filter { $0.verdict.overdueSince != nil }
        out.line("failing sources: " + (failing.isEmpty ? "none" : ""))
        for row in failing {
            let check = row.state.lastCheck!
            out.line("  \(row.source.id): \(check.outcome) at \(check.checkedAt.utcText) (run \(check.run.map { String($0) } ?? "?")): \(PrintableText.escaped(check.error ?? ""))")
        }
        out.line("overdue sources: " + (demoOnly ? "not judged: the warehouse holds the bundled demo editions only (run `pipeline refresh`)"
                                         : overdue.isEmpty ? "none" : ""))
        for row in overdue {
            out.line("  \(row.source.id): \(row.verdict.expected!.label) expected by \(row.overdueSince!.iso); newest loaded \(row.newest?.label ?? "none")")
        }
        return failing.isEmpty && overdue.isEmpty ? .ok : .attention
    }
}

/// `pipeline config`: every setting, its value and where it came from (secrets blanked).
struct ConfigCommand {
    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse.union(CommonOptions.network), flags: [])
        guard args.positionals.isEmpty else { throw UsageError("usage: pipeline config") }
    }

    func run(context: Context) throws {
        let settings = try context.settings(flags: args.optionValues)
        context.out.line("project: \(settings.project?.path ?? "none found")")
        context.out.line("config file: \(settings.configFile?.path ?? "none (built-in defaults)")")
        for knob in Knob.all {
            var value = settings[knob].value ?? "(unset)"
            if knob.key == Knob.cacheDir.key && settings[knob].value == nil { value = "(unset: \(settings.cacheDirectory.path))" }
            if knob.key == Knob.databaseURL.key, let text = settings[knob].value { value = DatabaseTarget.redacted(text) }
            context.out.line("\(knob.key) = \(value)\t(\(settings[knob].origin))")
        }
        let target = try DatabaseTarget.resolve(settings)
        switch target.kind {
        case .conninfo: context.out.line("database: the configured one (\(target.origin))")
        case .libpqDefaults: context.out.line("database: libpq defaults (PG* variables)")
        case .embedded(let embedded): context.out.line("database: embedded PostgreSQL in \(embedded.dataDir.path) (binaries \(embedded.binDir.path))")
        }
    }
}

/// `pipeline db start|stop|status`: the embedded PostgreSQL (used when no database is configured).
struct DatabaseCommand {
    static let usage = "usage: pipeline db start|stop|status|url|psql [-- PSQL-ARGS...]"
    let args: Arguments
    /// Arguments after `--`, for `db psql`.
    let psqlArguments: [String]

    init(_ argv: [String]) throws {
        let split = argv.firstIndex(of: "--")
        psqlArguments = split.map { Array(argv[($0 + 1)...]) } ?? []
        args = try Arguments(Array(argv[..<(split ?? argv.endIndex)]), options: CommonOptions.warehouse, flags: [])
        guard args.positionals.count == 1, ["start", "stop", "status", "url", "psql"].contains(args.positionals[0]) else {
            throw UsageError(Self.usage)
        }
        if !psqlArguments.isEmpty && args.positionals[0] != "psql" { throw UsageError(Self.usage) }
    }

    func run(context: Context) throws -> ExitStatus {
        let settings = try context.settings(flags: args.optionValues)
        let target = try DatabaseTarget.resolve(settings)
        switch args.positionals[0] {
        case "url":
            if case .embedded(let embedded) = target.kind { try embedded.ensureRunning { context.log.info("database.embedded", $0) } }
            context.out.line(target.connectionString)
            return .ok
        case "psql":
            if case .embedded(let embedded) = target.kind { try embedded.ensureRunning { context.log.info("database.embedded", $0) } }
            context.out.flush()
            return ExitStatus(try target.openPsql(settings: settings, extra: psqlArguments))
        default:
            break
        }
        guard case .embedded(let embedded) = target.kind else {
            throw UsageError("a database is configured (\(target.origin)); `pipeline db` manages only the embedded one")
        }
        switch args.positionals[0] {
        case "start":
            try embedded.ensureRunning { context.log.info("database.embedded", $0) }
            context.out.line("running: \(embedded.dataDir.path), socket \(embedded.socketDir.path)")
        case "stop":
            context.out.line(try embedded.stop() ? "stopped \(embedded.dataDir.path)" : "not running: \(embedded.dataDir.path)")
        default:
            if try embedded.isRunning() {
                context.out.line("running: \(embedded.dataDir.path), socket \(embedded.socketDir.path)")
            } else {
                context.out.line(embedded.isInitialised ? "stopped: \(embedded.dataDir.path)" : "not created yet: \(embedded.dataDir.path)")
                // As `pg_ctl status`: 3 when no server is running, so a script can test it.
                return .attention
            }
        }
        return .ok
    }
}
