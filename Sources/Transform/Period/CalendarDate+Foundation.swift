import Foundation

extension CalendarDate {
    /// The UTC calendar date of an instant (publication days, snapshot months, "today").
    public static func utc(_ date: Date) -> CalendarDate {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Midnight UTC at the start of this date.
    public var utcMidnight: Date {
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components)!
    }
}
