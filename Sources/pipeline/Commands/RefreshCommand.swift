import Extract
import Foundation
import Load
import Transform

/// `pipeline refresh [SOURCE...] [--due] [--period P] [--dry-run]`: for each source (every one
/// declared when none are named) find the newest publication, fetch what changed, and
/// load it. `--due` first asks each source's schedule whether anything can be new, so an hourly
/// cron costs nothing between publications.
struct RefreshCommand {
    static let usage = "usage: pipeline refresh [SOURCE...] [--due] [--period P] [--dry-run] [--mirror URL] [--cache-dir DIR] [--wait-lock]"

    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: WarehouseSession.options.union(NetworkSetup.options).union(["period"]),
                             flags: WarehouseSession.flags.union(["dry-run", "due"]))
        if args.flag("due") && args.value("period") != nil { throw UsageError("--due and --period do not go together") }
    }

    func run(context: Context) throws -> ExitStatus {
        let settings = try context.settings(args)
        let selected = try context.sources(args.positionals)
        let dryRun = args.flag("dry-run")
        let session = try WarehouseSession(args: args, context: context, command: "refresh", writes: !dryRun, settings: settings)
        return try session.run {
            var work = selected
            if args.flag("due") {
                let states = try SourceStates.read(session.warehouse, sources: selected.map(\.id))
                work = selected.filter { source in
                    let state = states[source.id]!
                    let verdict = SourceSchedule(cadence: source.cadence, periodKind: source.periodKind)
                        .evaluate(newest: state.newestPeriod, lastChecked: state.lastCheck?.checkedAt, now: context.now)
                    context.log.info("schedule", verdict.due ? "" : "\(source.id): not due (\(verdict.reason))",
                                     [("source", .string(source.id)), ("due", .bool(verdict.due)), ("reason", .string(verdict.reason))])
                    if let overdue = verdict.overdueSince, let expected = verdict.expected {
                        context.log.warning("schedule.overdue", "\(source.id): \(expected.label) is overdue (expected by \(CalendarDate.utc(overdue)))",
                                            [("source", .string(source.id)), ("period", .string(expected.label))])
                    }
                    return verdict.due
                }
                if work.isEmpty {
                    context.out.line("nothing due")
                    session.finish(outcome: "nothing_new", counts: ["sources_due": 0])
                    return .ok
                }
            }
            let downloader = try NetworkSetup.downloader(settings, hosts: Set(work.flatMap(\.hosts)), log: context.log)
            let refresher = Refresher(session: session, downloader: downloader, settings: settings, context: context)
            var tally = RunTally()
            for source in work {
                let period = try args.value("period").map { text -> ReportingPeriod in
                    guard let p = ReportingPeriod.parse(text, kind: source.periodKind) else { throw UsageError("--period must look like 2025-10-01 or 2023-24, not '\(text)'") }
                    return p
                }
                do {
                    tally.add(try refresher.refresh(source: source, period: period, dryRun: dryRun))
                } catch {
                    // One source's trouble does not stop the others; the exit status reports the worst.
                    if Signals.cancelled { throw error }
                    context.log.error("source.failed", String(describing: error), [("source", .string(source.id)), ("exit_status", .int(Int(ExitStatus.of(error).rawValue)))])
                    tally.fail(error)
                }
            }
            if !dryRun { session.finish(outcome: tally.outcome, counts: tally.counts) }
            return tally.worst
        }
    }
}

/// The outcome of a run over several sources or editions: counts, and the worst exit status.
struct RunTally {
    var worst = ExitStatus.ok
    var loaded: [PublicationLoader.Result] = []
    var notes: [String: Int] = [:]

    mutating func add(_ outcome: Refresher.Outcome) {
        switch outcome {
        case .loaded(let result): loaded.append(result)
        case .nothingNew: notes["nothing_new", default: 0] += 1
        case .notYetPublished:
            // Only an asked-for period can be "not yet listed"; worth a status a cron wrapper sees.
            notes["not_yet_published", default: 0] += 1
            worst = Self.worse(worst, .unavailable)
        case .dryRun: break
        }
    }

    mutating func fail(_ error: any Error) {
        worst = Self.worse(worst, ExitStatus.of(error))
        notes["failed", default: 0] += 1
    }

    var counts: [String: Int] {
        var counts = notes
        for result in loaded {
            for (key, value) in Report.counts(result) { counts[key, default: 0] += value }
        }
        return counts
    }

    var outcome: String {
        if worst == .ok || worst == .unavailable {
            return loaded.contains { Report.outcome($0) == "ok" } ? "ok" : "nothing_new"
        }
        return worst == .dataRefused ? "refused" : "failed"
    }

    /// The more serious of two statuses (a person must look at data refusals first).
    static func worse(_ a: ExitStatus, _ b: ExitStatus) -> ExitStatus {
        let order: [ExitStatus] = [.ok, .attention, .unavailable, .temporaryFailure, .cannotCreate, .dataRefused, .usage, .config,
                                   .internalError, .interrupted, .terminated]
        return (order.firstIndex(of: a) ?? 0) >= (order.firstIndex(of: b) ?? 0) ? a : b
    }
}

/// `pipeline backfill SOURCE --from P --to P [--dry-run] [--force]`: every edition of the
/// periods in the range, oldest first, each in its own transaction.
struct BackfillCommand {
    static let usage = "usage: pipeline backfill SOURCE --from PERIOD --to PERIOD [--dry-run] [--force] [--mirror URL] [--wait-lock]"

    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: WarehouseSession.options.union(NetworkSetup.options).union(["from", "to"]),
                             flags: WarehouseSession.flags.union(["dry-run", "force"]))
        guard args.positionals.count == 1, args.value("from") != nil, args.value("to") != nil else { throw UsageError(Self.usage) }
    }

    func run(context: Context) throws -> ExitStatus {
        let settings = try context.settings(args)
        let source = try context.sources(args.positionals)[0]
        func period(_ name: String) throws -> ReportingPeriod {
            let text = args.value(name)!
            guard let p = ReportingPeriod.parse(text, kind: source.periodKind) else {
                throw UsageError("--\(name) must look like 2025-10 (or 2025-10-01, 2023-24), not '\(text)'")
            }
            return p
        }
        let from = try period("from"), to = try period("to")
        guard from <= to else { throw UsageError("--from \(from.label) is after --to \(to.label)") }
        let dryRun = args.flag("dry-run")
        let session = try WarehouseSession(args: args, context: context, command: "backfill \(source.id)", writes: !dryRun, settings: settings)
        return try session.run {
            let downloader = try NetworkSetup.downloader(settings, hosts: Set(source.hosts), log: context.log)
            let refresher = Refresher(session: session, downloader: downloader, settings: settings, context: context)
            var tally = RunTally()
            for outcome in try refresher.backfill(source: source, range: from...to, dryRun: dryRun, force: args.flag("force")) {
                tally.add(outcome)
            }
            if dryRun { context.out.line("dry run: nothing was fetched or written") }
            if !dryRun { session.finish(outcome: tally.outcome, counts: tally.counts) }
            return tally.worst
        }
    }
}

/// The downloader for a command: cache directory, mirror, hosts and timeouts from the settings.
enum NetworkSetup {
    /// Flags of the commands that fetch.
    static let options: Set<String> = ["mirror", "cache-dir", "download-timeout", "max-download-seconds"]

    static func downloader(_ settings: Settings, hosts: Set<String>, log: Log) throws -> Downloader {
        let cache = DownloadCache(root: settings.cacheDirectory)
        cache.removeStalePartials()
        var policy = DownloadPolicy(allowedHosts: hosts)
        policy.idleTimeout = settings.seconds(.downloadIdleTimeout)
        policy.maxTotalSeconds = settings.seconds(.downloadMaxSeconds)
        policy.maxAttempts = max(1, settings.int(.downloadMaxAttempts))
        policy.backoffBase = settings.seconds(.backoffBase)
        policy.maxBytes = Int64(settings.int(.downloadMaxBytes))
        var mirror: Mirror?
        if let base = settings.text(.mirror), !base.isEmpty {
            Secrets.register(DatabaseTarget.password(in: base))  // a mirror URL may carry credentials too
            guard let parsed = Mirror(base) else { throw UsageError("mirror must be a URL or a directory, not '\(base)' (from \(settings[.mirror].origin))") }
            mirror = parsed
        }
        let downloader = Downloader(cache: cache, policy: policy, mirror: mirror)
        downloader.onRetry = { event in
            log.warning("fetch.retry", "retrying \(event.url) in \(String(format: "%.1f", event.waitSeconds)) s after \(event.problem) (attempt \(event.attempt))",
                        [("stage", .string("fetch")), ("url", .string(event.url)), ("attempt", .int(event.attempt)),
                         ("wait_s", .double((event.waitSeconds * 10).rounded() / 10)), ("problem", .string(event.problem))])
        }
        return downloader
    }
}
