import Extract
import Foundation
import Load
import Transform

/// `refresh`: for each source (every one declared when none are named) find the newest
/// publication (or one period's), fetch what changed, and load it. With `due`, first ask each
/// source's schedule whether anything can be new, so an hourly cron costs nothing between
/// publications. One source's trouble does not stop the others; the status reports the worst.
public struct RefreshJob {
    public var sources: [String] = []
    public var due = false
    /// A period as the user typed it (`2026-03`, `2023-24`), read as each source's period kind.
    public var period: String?
    public var dryRun = false
    public var waitLock = false
    /// Load editions that fail their quality gate.
    public var acceptAnomalies = false

    public init() {}

    public func run(context: Context, settings: Settings) throws -> RunStatus {
        if due && period != nil { throw UsageError("--due and --period do not go together") }
        let selected = try context.sources(sources)
        let session = try WarehouseSession(context: context, command: "refresh", writes: !dryRun, waitLock: waitLock, settings: settings)
        return try session.run {
            var work = selected
            if due {
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
            refresher.acceptAnomalies = acceptAnomalies
            var tally = RunTally()
            for source in work {
                let asked = try period.map { try PeriodText.parse($0, kind: source.periodKind, what: "--period") }
                do {
                    tally.add(try refresher.refresh(source: source, period: asked, dryRun: dryRun))
                } catch {
                    if Signals.cancelled { throw error }
                    context.log.error("source.failed", String(describing: error), [("source", .string(source.id))] + context.statusFields(RunStatus.of(error)))
                    tally.fail(error)
                }
            }
            // For a person at a terminal; cron mail and pipes keep the per-edition lines only.
            if context.out.isTerminal { Report.summary(tally.loaded, out: context.out) }
            if !dryRun { session.finish(outcome: tally.outcome, counts: tally.counts) }
            return tally.worst
        }
    }
}

/// `backfill`: every edition of one source for the periods in a range, oldest first, each in
/// its own transaction; editions already loaded cost a conditional request and write nothing,
/// so a re-run after a failure resumes where it stopped.
public struct BackfillJob {
    public var source: String
    public var from: String
    public var to: String
    public var dryRun = false
    public var force = false
    /// Load editions that fail their quality gate.
    public var acceptAnomalies = false
    public var waitLock = false

    public init(source: String, from: String, to: String) {
        self.source = source
        self.from = from
        self.to = to
    }

    public func run(context: Context, settings: Settings) throws -> RunStatus {
        let source = try context.sources([self.source])[0]
        func period(_ name: String, _ text: String) throws -> ReportingPeriod {
            try PeriodText.parse(text, kind: source.periodKind, what: "--\(name)")
        }
        let from = try period("from", self.from), to = try period("to", self.to)
        guard from <= to else { throw UsageError("--from \(from.label) is after --to \(to.label)") }
        let session = try WarehouseSession(context: context, command: "backfill \(source.id)", writes: !dryRun, waitLock: waitLock, settings: settings)
        return try session.run {
            let downloader = try NetworkSetup.downloader(settings, hosts: Set(source.hosts), log: context.log)
            let refresher = Refresher(session: session, downloader: downloader, settings: settings, context: context)
            refresher.acceptAnomalies = acceptAnomalies
            var tally = RunTally()
            for outcome in try refresher.backfill(source: source, range: from...to, dryRun: dryRun, force: force) {
                tally.add(outcome)
            }
            if dryRun { context.out.line("dry run: nothing was fetched or written") }
            // For a person at a terminal; cron mail and pipes keep the per-edition lines only.
            if context.out.isTerminal { Report.summary(tally.loaded, out: context.out) }
            if !dryRun { session.finish(outcome: tally.outcome, counts: tally.counts) }
            return tally.worst
        }
    }
}
