import Operations
import Extract
import Foundation
import Load
import Transform

/// `pipeline demo`: the main job, offline. Loads every edition of every source that has saved
/// pages in the checkout's `Fixtures/publisher` (a copy of the publisher's site), oldest first,
/// then prints the revision log. With no database configured it uses the embedded PostgreSQL.
/// A second run finds every file already loaded and writes nothing.
struct DemoCommand {
    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse.union(CommonOptions.network), flags: CommonOptions.warehouseFlags)
        guard args.positionals.isEmpty else { throw UsageError("usage: pipeline demo [--mirror DIR]") }
    }

    func run(context: Context) throws -> ExitStatus {
        var job = DemoJob()
        job.waitLock = args.flag("wait-lock")
        return ExitStatus(try job.run(context: context, settings: context.settings(flags: args.optionValues)))
    }
}
