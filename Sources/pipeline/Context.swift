import Foundation
import Transform

/// What every command is given: where data and log lines go, the options every command takes,
/// and the settings (config file, environment, flags).
final class Context {
    /// Data: reports, listings, JSON output. Discarded under `--quiet`.
    let out: Output
    let log: Log
    /// The whole command line, for the run record (connection strings are redacted there).
    let argv: [String]
    /// `--config FILE`.
    let configFlag: String?
    /// `PIPELINE_NOW` (an ISO 8601 instant) replays the schedule on another day; else now.
    let now: Date
    /// The sources this program knows (checked at start-up).
    let registry: SourceRegistry
    private let started = Date()

    /// The command's clock: `now` plus the time the command has run. Check times are recorded
    /// by it, so a replayed day stays consistent.
    func clock() -> Date { now.addingTimeInterval(Date().timeIntervalSince(started)) }

    init(out: Output, log: Log, argv: [String], configFlag: String?, now: Date, registry: SourceRegistry) {
        self.registry = registry
        self.out = out
        self.log = log
        self.argv = argv
        self.configFlag = configFlag
        self.now = now
    }

    /// The named sources (every one when none are named), in declaration order.
    func sources(_ names: [String]) throws -> [any SourceDeclaration] {
        var selected: [any SourceDeclaration] = []
        for name in names.isEmpty ? registry.ids : names {
            guard let source = registry.source(name) else {
                throw UsageError("unknown source '\(name)'; known: \(registry.ids.joined(separator: ", "))")
            }
            selected.append(source)
        }
        return selected
    }

    /// Settings with the command's own flags applied.
    func settings(_ args: Arguments? = nil) throws -> Settings {
        try Settings(configFlag: configFlag, args: args)
    }

    /// Options every command accepts, taken out of argv before the command parses the rest:
    /// `--config FILE`, `--log-format text|json`, `--quiet`.
    struct GlobalOptions {
        var config: String?
        var logFormat: String?
        var quiet = false
        var rest: [String] = []

        init(_ argv: [String]) throws {
            var index = 0
            var positionalOnly = false
            while index < argv.count {
                let arg = argv[index]
                index += 1
                if positionalOnly || arg == "--" {
                    positionalOnly = true
                    rest.append(arg)
                    continue
                }
                func value(_ name: String) throws -> String? {
                    if arg == "--" + name {
                        guard index < argv.count else { throw UsageError("--\(name) needs a value") }
                        index += 1
                        return argv[index - 1]
                    }
                    if arg.hasPrefix("--\(name)=") { return String(arg.dropFirst(name.count + 3)) }
                    return nil
                }
                if let v = try value("config") { config = v; continue }
                if let v = try value("log-format") {
                    guard Log.Format(rawValue: v) != nil else { throw UsageError("--log-format must be text or json, not '\(v)'") }
                    logFormat = v
                    continue
                }
                if arg == "--quiet" { quiet = true; continue }
                rest.append(arg)
            }
        }
    }
}
