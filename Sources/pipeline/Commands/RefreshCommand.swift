import Extract
import Foundation
import Load
import Transform

/// `pipeline refresh [SOURCE...] [--period P] [--dry-run] [--mirror BASE_URL]`: for each source
/// (all in the catalogue when none are named) find the newest publication, fetch what changed,
/// and load it.
struct RefreshCommand {
    static let usage = "usage: pipeline refresh [SOURCE...] [--period P] [--dry-run] [--mirror BASE_URL] [--cache-dir DIR] [--config FILE] [--wait-lock]"
    static let networkOptions: Set<String> = ["mirror", "cache-dir", "config", "download-timeout", "max-download-seconds"]

    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: WarehouseSession.options.union(Self.networkOptions).union(["period"]),
                             flags: WarehouseSession.flags.union(["dry-run"]))
    }

    func run(out: Output, err: Output, arguments: [String]) throws -> ExitStatus {
        let catalog = try SourceCatalog.load(from: CatalogLocation.resolve(args.value("config")))
        var selected: [(any SourceDefinition, SourceCatalog.Entry)] = []
        let names = args.positionals.isEmpty ? catalog.sources.map(\.id) : args.positionals
        for name in names {
            guard let source = SourceRegistry.source(name) else { throw UsageError("unknown source '\(name)'; known: \(SourceRegistry.all.map(\.id).joined(separator: ", "))") }
            guard let entry = catalog.entry(name) else { throw UsageError("source '\(name)' has no entry in the catalogue") }
            selected.append((source, entry))
        }
        let dryRun = args.flag("dry-run")
        let session = try WarehouseSession(args: args, command: "refresh", arguments: arguments, writes: !dryRun, err: err)
        return try session.run {
            let downloader = try NetworkSetup.downloader(args: args, hosts: Set(selected.flatMap(\.1.hosts)), err: err)
            let refresher = Refresher(session: session, downloader: downloader, fingerprints: nil, out: out, err: err)
            var worst = ExitStatus.ok
            var loaded: [PublicationLoader.Result] = []
            var notes: [String: Int] = [:]
            for (source, entry) in selected {
                let period = try args.value("period").map { text -> ReportingPeriod in
                    guard let p = ReportingPeriod.parse(text, kind: entry.period) else { throw UsageError("--period must look like 2025-10-01 or 2023-24, not '\(text)'") }
                    return p
                }
                do {
                    switch try refresher.refresh(source: source, entry: entry, period: period, dryRun: dryRun) {
                    case .loaded(let result): loaded.append(result)
                    case .nothingNew: notes["nothing_new", default: 0] += 1
                    case .notYetPublished:
                        notes["not_yet_published", default: 0] += 1
                        worst = Self.worse(worst, .unavailable)
                    case .dryRun: break
                    }
                } catch {
                    // One source's trouble does not stop the others; the exit status reports the worst.
                    if Signals.cancelled { throw error }
                    err.line(String(describing: error))
                    worst = Self.worse(worst, ExitStatus.of(error))
                    notes["failed", default: 0] += 1
                }
            }
            if !dryRun {
                var counts = notes
                for result in loaded {
                    for (key, value) in Report.counts(result) { counts[key, default: 0] += value }
                }
                let outcome: String
                if worst == .ok || worst == .unavailable {
                    outcome = loaded.contains { Report.outcome($0) == "ok" } ? "ok" : "nothing_new"
                } else {
                    outcome = worst == .dataRefused ? "refused" : "failed"
                }
                session.finish(outcome: outcome, counts: counts)
            }
            return worst
        }
    }

    /// The more serious of two statuses (a person must look at data refusals first).
    static func worse(_ a: ExitStatus, _ b: ExitStatus) -> ExitStatus {
        let order: [ExitStatus] = [.ok, .unavailable, .temporaryFailure, .cannotCreate, .dataRefused, .config, .internalError]
        return (order.firstIndex(of: a) ?? 0) >= (order.firstIndex(of: b) ?? 0) ? a : b
    }
}

/// The downloader for a command: cache directory, mirror, hosts and timeouts from the options.
enum NetworkSetup {
    static func downloader(args: Arguments, hosts: Set<String>, err: Output) throws -> Downloader {
        let cache = DownloadCache(root: CacheDirectory.resolve(args.value("cache-dir")))
        cache.removeStalePartials()
        var policy = DownloadPolicy(allowedHosts: hosts)
        let env = ProcessInfo.processInfo.environment
        if let text = args.value("download-timeout") ?? env["PIPELINE_DOWNLOAD_TIMEOUT"], let seconds = TimeInterval(text) { policy.idleTimeout = seconds }
        if let text = args.value("max-download-seconds") ?? env["PIPELINE_MAX_DOWNLOAD_SECONDS"], let seconds = TimeInterval(text) { policy.maxTotalSeconds = seconds }
        if let text = env["PIPELINE_BACKOFF_BASE"], let seconds = TimeInterval(text) { policy.backoffBase = seconds }
        var mirror: Mirror?
        if let base = args.value("mirror") ?? env["PIPELINE_MIRROR"], !base.isEmpty {
            guard let parsed = Mirror(base) else { throw UsageError("--mirror must be a URL or a directory, not '\(base)'") }
            mirror = parsed
        }
        let downloader = Downloader(cache: cache, policy: policy, mirror: mirror)
        downloader.onEvent = { note in Output.error.line(note) }
        return downloader
    }
}
