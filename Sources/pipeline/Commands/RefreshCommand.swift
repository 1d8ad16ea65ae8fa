import Operations
import Extract
import Foundation
import Load
import Transform

/// `pipeline refresh [SOURCE...] [--due] [--period P] [--dry-run]`: for each source (every one
/// declared when none are named) find the newest publication, fetch what changed, and
/// load it. `--due` first asks each source's schedule whether anything can be new, so an hourly
/// cron costs nothing between publications.
struct RefreshCommand {
    static let usage = "usage: pipeline refresh [SOURCE...] [--due] [--period P] [--dry-run] [--accept-anomalies] [--mirror URL] [--cache-dir DIR] [--wait-lock]"

    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse.union(CommonOptions.network).union(["period"]),
                             flags: CommonOptions.warehouseFlags.union(["dry-run", "due", "accept-anomalies"]))
        if args.flag("due") && args.value("period") != nil { throw UsageError("--due and --period do not go together") }
    }

    func run(context: Context) throws -> ExitStatus {
        var job = RefreshJob()
        job.sources = args.positionals
        job.due = args.flag("due")
        job.acceptAnomalies = args.flag("accept-anomalies")
        job.period = args.value("period")
        job.dryRun = args.flag("dry-run")
        job.waitLock = args.flag("wait-lock")
        return ExitStatus(try job.run(context: context, settings: context.settings(flags: args.optionValues)))
    }
}

/// `pipeline backfill SOURCE --from P --to P [--dry-run] [--force]`: every edition of the
/// periods in the range, oldest first, each in its own transaction.
struct BackfillCommand {
    static let usage = "usage: pipeline backfill SOURCE --from PERIOD --to PERIOD [--dry-run] [--force] [--accept-anomalies] [--mirror URL] [--wait-lock]"

    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse.union(CommonOptions.network).union(["from", "to"]),
                             flags: CommonOptions.warehouseFlags.union(["dry-run", "force", "accept-anomalies"]))
        guard args.positionals.count == 1, args.value("from") != nil, args.value("to") != nil else { throw UsageError(Self.usage) }
    }

    func run(context: Context) throws -> ExitStatus {
        var job = BackfillJob(source: args.positionals[0], from: args.value("from")!, to: args.value("to")!)
        job.dryRun = args.flag("dry-run")
        job.force = args.flag("force")
        job.acceptAnomalies = args.flag("accept-anomalies")
        job.waitLock = args.flag("wait-lock")
        return ExitStatus(try job.run(context: context, settings: context.settings(flags: args.optionValues)))
    }
}
