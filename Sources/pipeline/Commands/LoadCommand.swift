import Extract
import Foundation
import Load
import Transform

/// `pipeline load SOURCE FILE... [--period YYYY-MM-DD] [--published YYYY-MM-DD] [--dry-run]`:
/// loads files (plain CSV or zips of CSVs) as one publication of SOURCE.
struct LoadCommand {
    static let usage = "usage: pipeline load SOURCE FILE... [--period YYYY-MM-DD] [--published YYYY-MM-DD] [--dry-run] [--wait-lock] [--database-url URL]"

    let args: Arguments
    let source: any SourceDefinition
    let files: [String]
    let period: String?
    let published: CalendarDate?
    let dryRun: Bool

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: WarehouseSession.options.union(["period", "published", "cache-dir", "url"]),
                             flags: WarehouseSession.flags.union(["dry-run"]))
        guard args.positionals.count >= 2 || (args.positionals.count == 1 && args.value("url") != nil) else {
            throw UsageError(Self.usage)
        }
        guard let source = SourceRegistry.source(args.positionals[0]) else {
            throw UsageError("unknown source '\(args.positionals[0])'; known: \(SourceRegistry.all.map(\.id).joined(separator: ", "))")
        }
        self.source = source
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

    func run(out: Output, err: Output, arguments: [String]) throws {
        let expected: ReportingPeriod?
        if let period {
            let kind = source.datasets.first?.periodKind ?? .month
            guard let parsed = ReportingPeriod.parse(period, kind: kind) else {
                throw UsageError("--period must look like 2025-10-01 (or 2025-10, 2023-24), not '\(period)'")
            }
            expected = parsed
        } else {
            expected = nil
        }
        let session = try WarehouseSession(args: args, command: "load \(source.id)", arguments: arguments, writes: true, err: err)
        try session.run {
            let progress = Progress(label: "load \(source.id)")
            defer { progress?.finish() }
            let loader = PublicationLoader(
                warehouse: session.warehouse, source: source, fingerprints: FingerprintStore(cacheDirectory: CacheDirectory.resolve(args.value("cache-dir"))),
                progress: progress)
            let options = LoadOptions(dryRun: dryRun, published: published, isCancelled: { Signals.cancelled })
            let result = try loader.load(files.map { LocalFile(path: $0) }, period: expected, options: options)
            progress?.finish()
            Report.print(result, dryRun: dryRun, out: out)
            session.finish(outcome: Report.outcome(result), counts: Report.counts(result))
        }
    }
}

/// The default cache directory: `--cache-dir`, `PIPELINE_CACHE_DIR`, `$XDG_CACHE_HOME/nhs-pipeline`,
/// or `~/.cache/nhs-pipeline`.
enum CacheDirectory {
    static func resolve(_ flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let flag { return URL(fileURLWithPath: flag) }
        if let dir = environment["PIPELINE_CACHE_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appendingPathComponent("nhs-pipeline") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/nhs-pipeline")
    }
}

/// How a load's outcome is shown and recorded.
enum Report {
    static func print(_ result: PublicationLoader.Result, dryRun: Bool, out: Output) {
        for file in result.files where file.skippedAsKnown {
            out.line("\(file.file): unchanged (the same bytes were loaded before); nothing written")
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
