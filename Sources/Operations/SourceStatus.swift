import Extract
import Foundation
import Load
import Transform

/// One source's schedule and state, as `sources` and `status` show it.
public struct SourceStatus {
    public let source: any SourceDeclaration
    public let state: SourceState
    public let verdict: SourceSchedule.Verdict

    public var newest: ReportingPeriod? { state.newestPeriod.map { ReportingPeriod(kind: source.periodKind, start: $0) } }
    /// The day the awaited edition was due by, when it is overdue.
    public var overdueSince: CalendarDate? { verdict.overdueSince.map(CalendarDate.utc) }

    public static func all(_ warehouse: Warehouse, sources: [any SourceDeclaration], now: Date) throws -> [SourceStatus] {
        let states = try SourceStates.read(warehouse, sources: sources.map(\.id))
        return sources.map { source in
            let state = states[source.id]!
            let verdict = SourceSchedule(cadence: source.cadence, periodKind: source.periodKind)
                .evaluate(newest: state.newestPeriod, lastChecked: state.lastCheck?.checkedAt, now: now)
            return SourceStatus(source: source, state: state, verdict: verdict)
        }
    }

    public var json: JSONText.Value {
        .object([
            ("source", .string(source.id)), ("name", .string(source.title)), ("cadence", .string(source.cadence.every)),
            ("newest_period", .optional(newest?.label)), ("newest_revision", state.newestRevision.map { .int(Int($0)) } ?? .null),
            ("last_check", .optional(state.lastCheck.map { $0.checkedAt.utcText })),
            ("last_outcome", .optional(state.lastCheck?.outcome)), ("last_error", .optional(state.lastCheck?.error)),
            ("due", .bool(verdict.due)), ("next_due", .string(verdict.nextDue.utcText)), ("reason", .string(verdict.reason)),
            ("expected_period", .optional(verdict.expected?.label)), ("overdue", .bool(verdict.overdueSince != nil)),
        ])
    }
}
