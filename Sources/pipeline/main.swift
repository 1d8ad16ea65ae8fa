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
          --version                                                     print versions
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
            default:
                throw UsageError("unknown command '\(command)'\n" + usage)
            }
            return .ok
        } catch {
            out.flush()
            let status = ExitStatus.of(error)
            switch status {
            case .usage: err.line("error: \(error)")
            case .internalError: err.line("internal error: \(error)")
            default: err.line(String(describing: error))
            }
            return status
        }
    }
}

exit(Program.run(Array(CommandLine.arguments.dropFirst())).rawValue)
