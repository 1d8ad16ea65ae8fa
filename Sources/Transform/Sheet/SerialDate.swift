/// Excel's serial date numbers: a count of days (the fraction is the time of day) from the
/// workbook's epoch. In the 1900 system, serial 1 is 1 January 1900 and serial 60 is
/// 29 February 1900, a day that never existed (Lotus 1-2-3's leap-year bug, kept by Excel), so
/// from serial 61 (1 March 1900) on the count is one day ahead of the calendar. In the 1904
/// system (`date1904` in workbook.xml) serial 0 is 1 January 1904 and there is no such day.
public enum SerialDate {
    public enum System: Sendable, Equatable {
        case from1900
        case from1904
    }

    /// Why a serial is not a date.
    public enum Problem: Error, Equatable {
        case notANumber
        case outOfRange
        case nonexistentLeapDay
    }

    /// The ISO text for `serial` shown with `format`: `2026-02-01` for a date,
    /// `2026-02-01T13:30:00` for a date with a time (or a date format holding a fraction),
    /// `13:30:00` for a time of day alone. Times are rounded to the nearest second.
    public static func text(serial: Double, format: NumberFormat, system: System) throws(Problem) -> String {
        guard serial.isFinite else { throw .notANumber }
        guard serial >= 0, serial < 2_958_466 else { throw .outOfRange }  // 9999-12-31 is 2,958,465
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds == 86_400 {
            days += 1
            seconds = 0
        }
        let clock = String(seconds / 3600).leftPadded(to: 2) + ":" + String(seconds / 60 % 60).leftPadded(to: 2)
            + ":" + String(seconds % 60).leftPadded(to: 2)
        if format == .time && days == 0 { return clock }
        let date = try calendarDate(days: days, system: system)
        if format == .date && seconds == 0 { return date.iso }
        return date.iso + "T" + clock
    }

    /// The calendar date of whole-day serial `days`.
    public static func calendarDate(days: Int, system: System) throws(Problem) -> CalendarDate {
        let offset: Int  // days since 1970-01-01
        switch system {
        case .from1900:
            guard days >= 1 else { throw .outOfRange }  // serial 0 is the fictitious 0 January 1900
            guard days != 60 else { throw .nonexistentLeapDay }
            offset = days - 25_569 + (days < 60 ? 1 : 0)  // serial 25,569 is 1970-01-01
        case .from1904:
            offset = days - 24_107  // serial 24,107 is 1970-01-01
        }
        guard let date = civil(daysSince1970: offset) else { throw .outOfRange }
        return date
    }

    /// The reason a serial in a date-formatted cell was refused, for an error message.
    public static func describe(_ problem: Problem, serial: String, system: System) -> String {
        let shown = TransformError.shown(serial)
        switch problem {
        case .notANumber:
            return "date serial \(shown) is not a number"
        case .outOfRange:
            return "date serial \(shown) is not a day in the \(system == .from1900 ? "1900" : "1904") date system (before its first day or after 9999)"
        case .nonexistentLeapDay:
            return "date serial \(shown) is 29 February 1900, a day that never existed (Excel's 1900 leap-year bug)"
        }
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
    static func civil(daysSince1970 days: Int) -> CalendarDate? {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return CalendarDate(year: year, month: month, day: day)
    }
}
