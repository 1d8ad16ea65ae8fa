#if canImport(Glibc)
import Glibc
#endif
import Extract
import Load
import Transform

/// The `pipeline` command: dispatches to one subcommand and turns its outcome into an exit status.
enum Program {
    static let version = "0.1.0"

    static let usage = """
        usage: pipeline COMMAND [ARGS]
          inspect PATH [--entry NAME] [--rows N|all] [--cat] [--json]   look inside a zip or CSV file
          load SOURCE FILE... [--period P] [--published D] [--dry-run]  load files as one publication
          load SOURCE --url URL                                         fetch one file by hand, then load it
          refresh [SOURCE...] [--period P] [--dry-run] [--mirror URL]   find, fetch and load what is new
          revisions [SOURCE] [--period P] [--json]                      the revision log
          diff SOURCE PERIOD [--dataset D] [--from R] [--to R] [--json] row-level changes between editions
          rollback REVISION                                             withdraw an edition
          migrate                                                       apply schema migrations
          --version                                                     print versions
        Warehouse: --database-url URL, else DATABASE_URL, else libpq defaults (PG* variables, ~/.pgpass).
        """

    static func run(_ argv: [String]) -> ExitStatus {
        let out = Output.standard, err = Output.error
        defer { out.flush(); err.flush() }
        guard let command = argv.first else {
            err.line("error: " + usage)
            return .usage
        }
        let rest = Array(argv.dropFirst())
        do {
            switch command {
            case "--version", "version":
                out.line("pipeline \(version) (libpq \(LibPQ.versionString), zlib \(Zlib.version))")
            case "--help", "help", "-h":
                out.line(usage)
            case "inspect":
                try InspectCommand(rest).run(out: out)
            case "load":
                try LoadCommand(rest).run(out: out, err: err, arguments: argv)
            case "refresh":
                return try RefreshCommand(rest).run(out: out, err: err, arguments: argv)
            case "revisions":
                try RevisionsCommand(rest).run(out: out, err: err, arguments: argv)
            case "diff":
                try DiffCommand(rest).run(out: out, err: err, arguments: argv)
            case "rollback":
                try RollbackCommand(rest).run(out: out, err: err, arguments: argv)
            case "migrate":
                try MigrateCommand(rest).run(out: out, err: err)
            default:
                throw UsageError("unknown command '\(command)'\n" + usage)
            }
            return .ok
        } catch {
            out.flush()
            var status = ExitStatus.of(error)
            if Signals.cancelled {
                status = Signals.signal == SIGINT ? .interrupted : .terminated
                err.line("cancelled: rolled back; nothing of this run was kept")
                return status
            }
            switch status {
            case .usage: err.line("error: \(error)")
            case .internalError: err.line("internal error: \(error)")
            default: err.line(String(describing: error))
            }
            return status
        }
    }
}

Signals.install()
exit(Program.run(Array(CommandLine.arguments.dropFirst())).rawValue)
