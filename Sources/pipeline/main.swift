#if canImport(Glibc)
import Glibc
#endif
import Extract
import Foundation
import Load
import Operations
import Publications
import Transform

/// The `pipeline` command: dispatches to one subcommand and turns its outcome into an exit status.
enum Program {
    static var version: String { Operations.version }

    static let usage = """
        usage: pipeline COMMAND [ARGS] [--config FILE] [--log-format text|json] [--log-level info|warning|error] [--quiet]
          demo                                                          load every bundled publication offline, then show the revision log
          refresh [SOURCE...] [--due] [--period P] [--dry-run]          find, fetch and load what is new (--due: only sources that may have news)
          backfill SOURCE --from P --to P [--dry-run] [--force]         every edition in a range, oldest first
          load SOURCE FILE... [--period P] [--published D] [--dry-run]  load files as one publication
          load SOURCE --url URL                                         fetch one file by hand, then load it
          check SOURCE FILE...                                          every check of a load (quality gates included); writes nothing
          sources [--json]                                              each source: newest period, last check, next due, overdue
          runs [--limit N] [--json]                                     the run log, newest first
          status                                                        lock holder, failing and overdue sources (exit 3 if any)
          revisions [SOURCE] [--period P] [--json]                      the revision log
          diff SOURCE PERIOD [--dataset D] [--from R] [--to R] [--all] [--json]  row-level changes between editions
          show SOURCE PERIOD [--as-published D] [--practice X] [--json] the rows the api serves for a period (as published on D)
          rollback REVISION                                             withdraw an edition
          inspect PATH [--entry NAME] [--rows N|all] [--cat] [--json]   look inside a zip or CSV file
          migrate                                                       apply schema migrations
          db start|stop|status                                          the embedded PostgreSQL
          db url | db psql [-- ARGS]                                    the warehouse's connection string (no password); psql on it
          config                                                        every setting and where it came from
          help COMMAND, COMMAND --help                                  a command's usage, every option explained
          --version                                                     print versions
        Warehouse: --database-url, else DATABASE_URL, else Config/pipeline.json's database_url, else
        PG* variables, else the project's embedded PostgreSQL (.pipeline/postgres).
        Fetching: --mirror URL|DIR, --cache-dir DIR. Lock: --wait-lock waits for another run.
        """

    /// Runs one command line against the given sources (a test may add a source of its own).
    static func run(_ argv: [String], sources: [any SourceDeclaration] = Publications.all) -> ExitStatus {
        let out = Output.standard, err = Output.error
        defer { out.flush(); err.flush() }
        let global: GlobalOptions
        let log: Log
        do {
            global = try GlobalOptions(argv)
            // Versions and help need no settings (a broken config file must not hide them).
            switch global.rest.first {
            case "--version", "version":
                out.line("pipeline \(version) (libpq \(LibPQ.versionString), zlib \(Zlib.version))")
                return .ok
            case "--help", "help", "-h":
                if global.rest.count > 1 {
                    guard let text = CommandHelp.text(for: global.rest[1]) else {
                        throw UsageError("unknown command '\(global.rest[1])'" + Suggestion.clause(global.rest[1], among: CommandHelp.texts.keys.sorted()))
                    }
                    out.line(text)
                } else {
                    out.line(usage)
                }
                return .ok
            default:
                break
            }
            let format = try global.logFormat ?? Settings(configFlag: global.config).text(.logFormat) ?? "text"
            log = Log(format: Log.Format(rawValue: format) ?? .text, output: err)
            if let level = global.logLevel { log.minimumLevel = level }
        } catch {
            err.line("\(ExitStatus.of(error) == .usage ? "error: " : "")\(error)")
            return ExitStatus.of(error)
        }
        guard let command = global.rest.first else {
            err.line("error: " + usage)
            return .usage
        }
        var now = Date()
        if let text = ProcessInfo.processInfo.environment["PIPELINE_NOW"], !text.isEmpty {
            guard let date = ISO8601DateFormatter().date(from: text) else {
                err.line("PIPELINE_NOW must be an ISO 8601 instant such as 2026-04-10T06:00:00Z, not '\(text)'")
                return .config
            }
            now = date
        }
        let registry: SourceRegistry
        do {
            // The declarations are checked before anything is fetched or written.
            registry = try SourceRegistry(sources)
        } catch {
            log.error("declarations.invalid", String(describing: error), [("exit_status", .int(Int(ExitStatus.config.rawValue)))])
            return .config
        }
        let context = Context(out: global.quiet ? .discard : out, log: log, argv: argv, configFlag: global.config, now: now, registry: registry,
                              exitCode: { Int(ExitStatus($0).rawValue) })
        // After the failure line below, when there is one: `run.done` is a run's last line.
        defer { log.releaseHeld() }
        let rest = Array(global.rest.dropFirst())
        // `pipeline COMMAND --help`: the command's usage with every option explained.
        if let help = CommandHelp.text(for: command), rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
            out.line(help)
            return .ok
        }
        do {
            switch command {
            case "inspect": try InspectCommand(rest).run(out: context.out)
            case "demo": return try DemoCommand(rest).run(context: context)
            case "refresh": return try RefreshCommand(rest).run(context: context)
            case "backfill": return try BackfillCommand(rest).run(context: context)
            case "load": try LoadCommand(rest).run(context: context)
            // Reads the files and runs every check a load runs (quality gates included) against
            // the warehouse, then rolls back: a load's --dry-run under the name operators look for.
            case "check": try LoadCommand(rest + ["--dry-run"]).run(context: context)
            case "sources": try SourcesCommand(rest).run(context: context)
            case "runs": try RunsCommand(rest).run(context: context)
            case "status": return try StatusCommand(rest).run(context: context)
            case "revisions": try RevisionsCommand(rest).run(context: context)
            case "diff": try DiffCommand(rest).run(context: context)
            case "show": try ShowCommand(rest).run(context: context)
            case "rollback": try RollbackCommand(rest).run(context: context)
            case "migrate": try MigrateCommand(rest).run(context: context)
            case "db": return try DatabaseCommand(rest).run(context: context)
            case "config": try ConfigCommand(rest).run(context: context)
            default:
                throw UsageError("unknown command '\(command)'" + Suggestion.clause(command, among: CommandHelp.texts.keys.sorted()))
            }
            return .ok
        } catch {
            out.flush()
            var status = ExitStatus.of(error)
            if Signals.cancelled {
                status = Signals.signal == SIGINT ? .interrupted : .terminated
                log.error("run.cancelled", "cancelled: rolled back; nothing of this run was kept", [("exit_status", .int(Int(status.rawValue)))])
                return status
            }
            let message: String
            switch status {
            case .usage: message = "error: \(error)"
            case .internalError: message = "internal error: \(error)"
            default: message = String(describing: error)
            }
            log.error("run.failed", message, [("exit_status", .int(Int(status.rawValue)))])
            // Under a usage error, for a person: the command's usage line (or the command list
            // for an unknown command), unless the error already is that line.
            if status == .usage, log.format == .text, !message.contains("usage: ") {
                if let line = CommandHelp.usageLine(command) {
                    err.line(line)
                    err.line("(pipeline \(command) --help explains every option)")
                } else {
                    err.line(usage)
                }
            }
            return status
        }
    }
}

Signals.install()
exit(Program.run(Array(CommandLine.arguments.dropFirst())).rawValue)
