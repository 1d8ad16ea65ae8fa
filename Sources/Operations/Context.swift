import Foundation
import Transform

/// What every operation is given: where data and log lines go, the sources the program knows,
/// the clock, and how the program names a status in its logs.
public final class Context {
    /// Data: reports, listings, JSON output. Discarded under `--quiet`.
    public let out: Output
    public let log: Log
    /// The whole command line, for the run record (connection strings are redacted there).
    public let argv: [String]
    /// `--config FILE`.
    public let configFlag: String?
    /// `PIPELINE_NOW` (an ISO 8601 instant) replays the schedule on another day; else now.
    public let now: Date
    /// The sources this program knows (checked at start-up).
    public let registry: SourceRegistry
    /// The program's exit code for a status, for log lines (`exit_status`); nil: none.
    public let exitCode: (@Sendable (RunStatus) -> Int)?
    private let started = Date()

    /// The command's clock: `now` plus the time the command has run. Check times are recorded
    /// by it, so a replayed day stays consistent.
    public func clock() -> Date { now.addingTimeInterval(Date().timeIntervalSince(started)) }

    public init(out: Output, log: Log, argv: [String], configFlag: String?, now: Date, registry: SourceRegistry,
                exitCode: (@Sendable (RunStatus) -> Int)? = nil) {
        self.registry = registry
        self.out = out
        self.log = log
        self.argv = argv
        self.configFlag = configFlag
        self.now = now
        self.exitCode = exitCode
    }

    /// The named sources (every one when none are named), in declaration order.
    public func sources(_ names: [String]) throws -> [any SourceDeclaration] {
        var selected: [any SourceDeclaration] = []
        for name in names.isEmpty ? registry.ids : names {
            guard let source = registry.source(name) else {
                throw UsageError("unknown source '\(name)'\(Suggestion.clause(name, among: registry.ids)); known: \(registry.ids.joined(separator: ", "))")
            }
            selected.append(source)
        }
        return selected
    }

    /// Settings with the command's own flags applied (option name → value).
    public func settings(flags: [String: String] = [:]) throws -> Settings {
        try Settings(configFlag: configFlag, flags: flags)
    }

    /// Log fields naming a status, with the exit code the program gives it when it said how.
    public func statusFields(_ status: RunStatus) -> [(String, JSONText.Value)] {
        exitCode.map { [("exit_status", .int($0(status)))] } ?? [("status", .string("\(status)"))]
    }
}
