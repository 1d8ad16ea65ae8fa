import Foundation
import Transform

/// When a source may have something new, from its cadence, the newest period the warehouse
/// serves and when it was last checked. Pure: `now` is given, so it is testable and
/// `PIPELINE_NOW` can replay a day.
///
/// - Never loaded: due now.
/// - The next period's window is open (`expected_after_days` after it starts): due at every
///   run, so an hourly cron picks the edition up within the hour.
/// - Otherwise due again `recheck_hours` after the last check (a republished newest edition
///   is noticed within a day).
/// - Overdue: the next period's edition is later than `published_within_days`.
public struct SourceSchedule: Sendable {
    public let cadence: Cadence
    public let periodKind: ReportingPeriod.Kind

    public init(cadence: Cadence, periodKind: ReportingPeriod.Kind) {
        self.cadence = cadence
        self.periodKind = periodKind
    }

    public struct Verdict: Sendable, Equatable {
        public var due: Bool
        /// Why (or why not), for logs and `pipeline sources`.
        public var reason: String
        /// The period whose edition is awaited (nil when nothing was loaded yet).
        public var expected: ReportingPeriod?
        /// When the source next becomes due (now or earlier when `due`).
        public var nextDue: Date
        /// Set when the awaited edition is later than the cadence promises.
        public var overdueSince: Date?
    }

    public func evaluate(newest: CalendarDate?, lastChecked: Date?, now: Date) -> Verdict {
        guard let newest else {
            return Verdict(due: true, reason: "never loaded", expected: nil, nextDue: now, overdueSince: nil)
        }
        let expected = ReportingPeriod(kind: periodKind, start: newest).next
        let opens = expected.start.utcMidnight.addingTimeInterval(Double(cadence.expectedAfterDays) * 86_400)
        let deadline = expected.start.utcMidnight.addingTimeInterval(Double(cadence.publishedWithinDays) * 86_400)
        let overdueSince = now > deadline ? deadline : nil
        if now >= opens {
            let reason = overdueSince == nil ? "\(expected.label) may be out (expected from \(opens.day))" : "\(expected.label) is overdue (expected by \(deadline.day))"
            return Verdict(due: true, reason: reason, expected: expected, nextDue: opens, overdueSince: overdueSince)
        }
        let recheck = lastChecked.map { $0.addingTimeInterval(Double(cadence.recheckHours) * 3_600) } ?? now
        if now >= recheck {
            return Verdict(due: true, reason: "last checked over \(cadence.recheckHours) h ago", expected: expected, nextDue: recheck, overdueSince: nil)
        }
        return Verdict(due: false, reason: "\(expected.label) expected from \(opens.day); checked recently",
                       expected: expected, nextDue: min(opens, recheck), overdueSince: nil)
    }
}

extension Date {
    /// `2026-11-21` (UTC).
    var day: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: self)
    }
}
