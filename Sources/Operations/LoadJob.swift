import Extract
import Foundation
import Load
import Transform

/// `load`: files (plain CSV or zips of CSVs, and/or one fetched by URL) loaded as one
/// publication of a source, in one transaction.
public struct LoadJob {
    public var source: String
    public var files: [String]
    /// `--url`: one file fetched with the same checks, cache and provenance as `refresh`, for
    /// when the publisher's pages refuse scripted clients.
    public var url: String?
    /// The period every row must be in (files whose rows carry none take it).
    public var period: String?
    public var published: CalendarDate?
    public var dryRun = false
    public var waitLock = false
    /// Load editions that fail their quality gate (the breach is recorded).
    public var acceptAnomalies = false

    public init(source: String, files: [String]) {
        self.source = source
        self.files = files
    }

    public func run(context: Context, settings: Settings) throws {
        let source = try context.sources([self.source])[0]
        let expected: ReportingPeriod?
        if let period {
            expected = try PeriodText.parse(period, kind: source.periodKind, what: "--period")
        } else {
            expected = nil
        }
        let session = try WarehouseSession(context: context, command: "load \(source.id)", writes: true, waitLock: waitLock, settings: settings)
        try session.run {
            try context.log.with([("source", .string(source.id))]) {
                let started = Date()
                let progress = Progress(label: "load \(source.id)")
                defer { progress?.finish() }
                let loader = PublicationLoader(
                    warehouse: session.warehouse, source: source, fingerprints: FingerprintStore(cacheDirectory: settings.cacheDirectory),
                    zipLimits: settings.zipLimits, csvLimits: settings.csvLimits, progress: progress)
                loader.log = context.log
                let cache = DownloadCache(root: settings.cacheDirectory)
                cache.removeStalePartials()
                loader.spillDirectory = cache.scratchDirectory
                let options = LoadOptions(dryRun: dryRun, published: published, acceptAnomalies: acceptAnomalies, isCancelled: { Signals.cancelled })
                var inputs = files.map { LocalFile(path: $0) }
                if let url {
                    inputs.append(try fetchByHand(url, source: source, settings: settings, log: context.log))
                }
                let result = try loader.load(inputs, period: expected, options: options)
                progress?.finish()
                Report.print(result, dryRun: dryRun, out: context.out)
                Report.log(result, log: context.log, started: started)
                session.finish(outcome: Report.outcome(result), counts: Report.counts(result))
            }
        }
    }

    /// Hosts come from the source's declaration, so a URL elsewhere is refused.
    func fetchByHand(_ url: String, source: any SourceDeclaration, settings: Settings, log: Log) throws -> LocalFile {
        let downloader = try NetworkSetup.downloader(settings, hosts: Set(source.hosts), log: log)
        let name = (URL(string: url)?.lastPathComponent).map { $0.removingPercentEncoding ?? $0 } ?? url
        let fetched = try downloader.fetch(url, expect: name.lowercased().hasSuffix(".zip") ? .zip : .data)
        var local = LocalFile(path: fetched.path, displayName: name)
        local.url = url
        local.etag = fetched.record.etag
        local.lastModified = fetched.record.lastModified
        local.fetchedAt = fetched.record.fetchedAt
        local.sha256 = fetched.record.sha256
        if let modified = fetched.record.lastModified.flatMap(HTTPDate.parse) { local.published = CalendarDate.utc(modified) }
        return local
    }
}
