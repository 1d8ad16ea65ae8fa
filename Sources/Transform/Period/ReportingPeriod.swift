/// The period a value reports on: a month, a financial year (April–March), a survey year,
/// a quarter, or a snapshot date. Stored as its first day plus its kind.
public struct ReportingPeriod: Hashable, Comparable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case month
        case financialYear = "financial_year"
        case surveyYear = "survey_year"
        case quarter
        case snapshot
    }

    public let kind: Kind
    /// First day of the period (for a snapshot, the snapshot date).
    public let start: CalendarDate

    public init(kind: Kind, start: CalendarDate) {
        self.kind = kind
        switch kind {
        case .month: self.start = start.monthStart
        case .financialYear:
            let year = start.month >= 4 ? start.year : start.year - 1
            self.start = CalendarDate(year: year, month: 4, day: 1)!
        case .surveyYear: self.start = CalendarDate(year: start.year, month: 1, day: 1)!
        case .quarter:
            self.start = CalendarDate(year: start.year, month: (start.month - 1) / 3 * 3 + 1, day: 1)!
        case .snapshot: self.start = start
        }
    }

    public static func month(_ date: CalendarDate) -> ReportingPeriod { ReportingPeriod(kind: .month, start: date) }

    public static func < (a: ReportingPeriod, b: ReportingPeriod) -> Bool { a.start < b.start }

    /// How people write it: `2025-10`, `2023-24`, `2024`, `2025-Q2`, `2025-10-01`.
    public var label: String {
        switch kind {
        case .month: return String(start.year) + "-" + String(start.month).leftPadded(to: 2)
        case .financialYear: return String(start.year) + "-" + String((start.year + 1) % 100).leftPadded(to: 2)
        case .surveyYear: return String(start.year)
        case .quarter: return String(start.year) + "-Q" + String((start.month - 1) / 3 + 1)
        case .snapshot: return start.iso
        }
    }

    /// The financial year as the developer API asks for it: `2023/24`.
    public var apiYear: String? {
        kind == .financialYear ? String(start.year) + "/" + String((start.year + 1) % 100).leftPadded(to: 2) : nil
    }

    public var description: String { label }

    /// Whether a row of period `other` belongs to this period as `--period` names it: the same
    /// period, or (when the kinds differ) one starting inside this one, as a month-end date
    /// (a snapshot) falls in the financial year `2023/24`.
    public func holds(_ other: ReportingPeriod) -> Bool {
        if kind == other.kind { return self == other }
        return start <= other.start && other.start < next.start
    }

    /// The period after this one (for backfill ranges and due dates).
    public var next: ReportingPeriod {
        switch kind {
        case .month: return ReportingPeriod(kind: kind, start: start.adding(months: 1))
        case .quarter: return ReportingPeriod(kind: kind, start: start.adding(months: 3))
        case .financialYear, .surveyYear: return ReportingPeriod(kind: kind, start: start.adding(months: 12))
        case .snapshot: return ReportingPeriod(kind: kind, start: start.adding(months: 1))
        }
    }

    /// Parses what a user types for a period of `kind`: `2025-10-01`, `2025-10`, `2023-24`,
    /// `2023/24`, `2024`, `2025-Q2`. Nil when it does not fit.
    public static func parse(_ text: String, kind: Kind) -> ReportingPeriod? {
        if let date = NHSDate.parse(text, formats: [.iso]) { return ReportingPeriod(kind: kind, start: date) }
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" }).map(String.init)
        if parts.count == 2, let y = Int(parts[0]), parts[0].count == 4 {
            if parts[1].hasPrefix("Q"), let q = Int(parts[1].dropFirst()), (1...4).contains(q) {
                return ReportingPeriod(kind: .quarter, start: CalendarDate(year: y, month: (q - 1) * 3 + 1, day: 1)!)
            }
            if let second = Int(parts[1]) {
                if kind == .financialYear && parts[1].count == 2 && second == (y + 1) % 100 {
                    return ReportingPeriod(kind: kind, start: CalendarDate(year: y, month: 4, day: 1)!)
                }
                if parts[1].count == 2, let date = CalendarDate(year: y, month: second, day: 1) {
                    return ReportingPeriod(kind: kind, start: date)
                }
            }
        }
        if parts.count == 1, text.count == 4, let y = Int(text), let date = CalendarDate(year: y, month: kind == .financialYear ? 4 : 1, day: 1) {
            return ReportingPeriod(kind: kind, start: date)
        }
        return nil
    }
}
