import Extract
import Foundation
import Load
import Transform

/// `pipeline load SOURCE FILE... [--period YYYY-MM-DD] [--published YYYY-MM-DD] [--dry-run]`:
/// loads files (plain CSV or zips of CSVs) as one publication of SOURCE.
struct LoadCommand {
    static let usage = "usage: pipeline load SOURCE FILE... [--period YYYY-MM-DD] [--published YYYY-MM-DD] [--dry-run] [--wait-lock] [--database-url URL]"

    let args: Arguments
    let sourceID: String
    let files: [String]
    let period: String?
    let published: CalendarDate?
    let dryRun: Bool

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: WarehouseSession.options.union(NetworkSetup.options).union(["period", "published", "url"]),
                             flags: WarehouseSession.flags.union(["dry-run"]))
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
        let source = try context.sources([sourceID])[0]
        let expected: ReportingPeriod?
        if let period {
            let kind = source.periodKind
            guard let parsed = ReportingPeriod.parse(period, kind: kind) else {
                throw UsageError("--period must look like 2025-10-01 (or 2025-10, 2023-24), not '\(period)'")
            }
            expected = parsed
        } else {
            expected = nil
        }
        let settings = try context.settings(args)
        let session = try WarehouseSession(args: args, context: context, command: "load \(source.id)", writes: true, settings: settings)
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
                let options = LoadOptions(dryRun: dryRun, published: published, isCancelled: { Signals.cancelled })
                var inputs = files.map { LocalFile(path: $0) }
                if let url = args.value("url") {
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
}

extension LoadCommand {
    /// `--url`: one file fetched with the same checks, cache and provenance as `refresh`, for
    /// when the publisher's pages refuse scripted clients. Hosts come from the source's
    /// declaration, so a URL elsewhere is refused.
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

/// RFC 7231 dates (`Sun, 06 Nov 1994 08:49:37 GMT`).
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

/// How a load's outcome is shown and recorded.
enum Report {
    static func print(_ result: PublicationLoader.Result, dryRun: Bool, out: Output) {
        for file in result.files where file.skippedAsKnown {
            out.line("\(PrintableText.escaped(file.file)): unchanged (the same bytes were loaded before); nothing written")
        }
        for scope in result.scopes {
            let counts = "\(scope.rows) rows: +\(scope.added) added, ~\(scope.changed) changed, -\(scope.removed) removed, =\(scope.unchanged) unchanged"
            let prefix = "\(scope.dataset) \(scope.period.label):"
            switch (scope.status, dryRun) {
            case (.current, false):
                out.line("\(prefix) revision \(scope.revision ?? 0) is now current (\(counts))")
            case (.current, true):
                out.line("\(prefix) would become a new current revision (\(counts))")
            case (.recorded, false):
                out.line("\(prefix) revision \(scope.revision ?? 0) recorded, not current: published before the current edition (\(counts))")
            case (.recorded, true):
                out.line("\(prefix) would be recorded, not current: published before the current edition (\(counts))")
            case (.unchanged, _):
                out.line("\(prefix) unchanged (\(scope.rows) rows identical to the current revision); nothing written")
            case (.knownFile, _):
                out.line("\(prefix) unchanged (the same file was loaded before); nothing written")
            }
        }
        if dryRun { out.line("dry run: nothing was written") }
    }

    /// One `load.done` line per scope (JSON only: the report on stdout says it for people).
    static func log(_ result: PublicationLoader.Result, log: Log, started: Date) {
        for scope in result.scopes {
            log.info("load.done", "", [
                ("stage", .string("load")), ("dataset", .string(scope.dataset)), ("period", .string(scope.period.label)),
                ("status", .string(scope.status.rawValue)), ("revision", scope.revision.map { .int(Int($0)) } ?? .null),
                ("rows", .int(scope.rows)), ("added", .int(scope.added)), ("changed", .int(scope.changed)),
                ("removed", .int(scope.removed)), ("unchanged", .int(scope.unchanged)),
            ])
        }
        log.info("load.summary", "", [
            ("stage", .string("load")), ("rows_read", .int(result.rowsRead)), ("bytes", .int(Int(result.bytesRead))),
            ("files_skipped", .int(result.files.filter(\.skippedAsKnown).count)), ("duration_s", .seconds(since: started)),
            ("rows_per_s", .int(Int(Double(result.rowsRead) / max(Date().timeIntervalSince(started), 0.001)))),
        ])
    }

    static func outcome(_ result: PublicationLoader.Result) -> String {
        result.scopes.contains { $0.status == .current || $0.status == .recorded } ? "ok" : "nothing_new"
    }

    static func counts(_ result: PublicationLoader.Result) -> [String: Int] {
        [
            "revisions": result.scopes.filter { $0.status == .current || $0.status == .recorded }.count,
            "rows_read": result.rowsRead,
            "bytes_read": Int(result.bytesRead),
            "added": result.scopes.reduce(0) { $0 + $1.added },
            "changed": result.scopes.reduce(0) { $0 + $1.changed },
            "removed": result.scopes.reduce(0) { $0 + $1.removed },
            "files_skipped": result.files.filter(\.skippedAsKnown).count,
        ]
    }
}
