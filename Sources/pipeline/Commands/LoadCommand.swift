import Operations
import Extract
import Foundation
import Load
import Transform

/// `pipeline load SOURCE FILE... [--period YYYY-MM-DD] [--published YYYY-MM-DD] [--dry-run]`:
/// loads files (plain CSV or zips of CSVs) as one publication of SOURCE.
struct LoadCommand {
    static let usage = "usage: pipeline load SOURCE FILE... [--period YYYY-MM-DD] [--published YYYY-MM-DD] [--dry-run] [--accept-anomalies] [--wait-lock] [--database-url URL]"

    let args: Arguments
    let sourceID: String
    let files: [String]
    let period: String?
    let published: CalendarDate?
    let dryRun: Bool

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse.union(CommonOptions.network).union(["period", "published", "url"]),
                             flags: CommonOptions.warehouseFlags.union(["dry-run", "accept-anomalies"]))
        guard args.positionals.count >= 2 || (args.positionals.count == 1 && args.value("url") != nil) else {
            throw UsageError(Self.usage)
        }
        sourceID = args.positionals[0]
        files = Array(args.positionals.dropFirst())
        period = args.value("period")
        if let text = args.value("published") {
            guard let date = CalendarDate(iso: text) else { throw UsageError("--published must be YYYY-MM-DD, not '\(text)'") }
            published = date
        } else {
            published = nil
        }
        dryRun = args.flag("dry-run")
    }

    func run(context: Context) throws {
        var job = LoadJob(source: sourceID, files: files)
        job.url = args.value("url")
        job.period = period
        job.published = published
        job.dryRun = dryRun
        job.waitLock = args.flag("wait-lock")
        job.acceptAnomalies = args.flag("accept-anomalies")
        try job.run(context: context, settings: context.settings(flags: args.optionValues))
    }
}
