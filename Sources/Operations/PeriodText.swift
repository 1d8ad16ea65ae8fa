import Transform

/// The one reading of a period a person types, for every command and option (`--period`,
/// `--from`/`--to`, `diff`'s and `show`'s PERIOD): `2026-03` or `2026-03-01` for a month (a
/// day means the period holding it), `2023-24` or `2023/24` for a financial year, `2025-Q2` for
/// a quarter, `2026` for a survey year. Anything else (`2026/03`, `March 2026`) is refused with
/// the forms accepted, rather than read one way by `load` and another by `diff`.
public enum PeriodText {
    public static let forms = "2026-03 or 2026-03-01 (a month), 2023-24 or 2023/24 (a financial year), 2025-Q2 (a quarter), 2026 (a survey year)"

    /// The period `text` names for a source whose periods are of `kind`; with no kind (a
    /// command not tied to one source) the kind the text itself says.
    public static func parse(_ text: String, kind: ReportingPeriod.Kind?, what: String = "a period") throws -> ReportingPeriod {
        guard let (written, start) = shape(text) else {
            throw UsageError("\(what) looks like \(forms); not '\(text)'")
        }
        guard let kind else { return ReportingPeriod(kind: written, start: start) }
        // A day names the period holding it, whatever the kind; other forms must be the kind's own.
        if written != .snapshot && written != kind && !(written == .month && kind == .snapshot) {
            throw UsageError("'\(text)' is \(describe(written)), but this source's periods are \(plural(kind)): \(what) looks like \(forms)")
        }
        return ReportingPeriod(kind: kind, start: start)
    }

    /// What the text's form says: its kind (`.snapshot` for a full date) and first day.
    static func shape(_ text: String) -> (ReportingPeriod.Kind, CalendarDate)? {
        let b = Array(text.utf8)
        func digits(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= b.count, r.allSatisfy({ b[$0] >= 48 && b[$0] <= 57 }) else { return nil }
            return Int(String(decoding: b[r], as: UTF8.self))
        }
        guard let year = digits(0..<4), year >= 1900 else { return nil }
        switch b.count {
        case 4:
            return CalendarDate(year: year, month: 1, day: 1).map { (.surveyYear, $0) }
        case 7 where b[4] == UInt8(ascii: "-") && b[5] == UInt8(ascii: "Q"):
            guard let q = digits(6..<7), (1...4).contains(q) else { return nil }
            return CalendarDate(year: year, month: (q - 1) * 3 + 1, day: 1).map { (.quarter, $0) }
        case 7 where b[4] == UInt8(ascii: "-") || b[4] == UInt8(ascii: "/"):
            guard let second = digits(5..<7) else { return nil }
            // YYYY-YY with YY the next year (and not a month: 2023-24) or YYYY/YY: a financial year.
            if second == (year + 1) % 100 && (b[4] == UInt8(ascii: "/") || second > 12 || second == 0) {
                return CalendarDate(year: year, month: 4, day: 1).map { (.financialYear, $0) }
            }
            guard b[4] == UInt8(ascii: "-"), (1...12).contains(second) else { return nil }
            return CalendarDate(year: year, month: second, day: 1).map { (.month, $0) }
        case 10 where b[4] == UInt8(ascii: "-") && b[7] == UInt8(ascii: "-"):
            guard let month = digits(5..<7), let day = digits(8..<10) else { return nil }
            return CalendarDate(year: year, month: month, day: day).map { (.snapshot, $0) }
        default:
            return nil
        }
    }

    static func plural(_ kind: ReportingPeriod.Kind) -> String {
        switch kind {
        case .month: return "months"
        case .financialYear: return "financial years"
        case .surveyYear: return "years"
        case .quarter: return "quarters"
        case .snapshot: return "days"
        }
    }

    static func describe(_ kind: ReportingPeriod.Kind) -> String {
        switch kind {
        case .month: return "a month"
        case .financialYear: return "a financial year"
        case .surveyYear: return "a year"
        case .quarter: return "a quarter"
        case .snapshot: return "a day"
        }
    }
}
