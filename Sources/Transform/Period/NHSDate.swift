/// Fixed-format parsers for the date styles NHS files use (nhs-formats.md, trap 2). Each format
/// is matched by position and length, never by regex, so hostile input costs linear time.
public enum NHSDate {
    public enum Format: String, Sendable, CaseIterable {
        case iso = "YYYY-MM-DD"             // 2025-10-01
        case dayMonthNameYear = "DDMONYYYY" // 01JAN2021, 01Jan2022 (any letter case)
        case dayMonthNameShortYear = "DD-Mon-YY" // 01-Sep-20, 01-Apr-17
        case dayMonthNameLongYear = "DD-Mon-YYYY" // 01-Sep-2020
        case monthNameYear = "MONYYYY"      // MAR2019 (first of the month)
        case slashed = "DD/MM/YYYY"         // 01/10/2025
        case compact = "YYYYMMDD"           // 19740401 (ODS)
    }

    /// Every format, for fields known to drift between editions.
    public static let anyFormat: [Format] = Format.allCases

    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

    /// Parses `text` with the first of `formats` that fits; nil when none does.
    public static func parse(_ text: String, formats: [Format] = anyFormat) -> CalendarDate? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { parse(UnsafeRawBufferPointer($0), formats: formats) }
    }

    /// Parses raw field bytes.
    public static func parse(_ b: UnsafeRawBufferPointer, formats: [Format] = anyFormat) -> CalendarDate? {
        for format in formats {
            if let date = parse(b, format: format) { return date }
        }
        return nil
    }

    private static func parse(_ b: UnsafeRawBufferPointer, format: Format) -> CalendarDate? {
        switch format {
        case .iso:
            guard b.count == 10, b[4] == 45, b[7] == 45, let y = digits(b, 0, 4), let m = digits(b, 5, 2), let d = digits(b, 8, 2)
            else { return nil }
            return CalendarDate(year: y, month: m, day: d)
        case .dayMonthNameYear:
            guard b.count == 9, let d = digits(b, 0, 2), let m = monthName(b, 2), let y = digits(b, 5, 4) else { return nil }
            return CalendarDate(year: y, month: m, day: d)
        case .dayMonthNameShortYear:
            guard b.count == 9, b[2] == 45, b[6] == 45, let d = digits(b, 0, 2), let m = monthName(b, 3), let yy = digits(b, 7, 2)
            else { return nil }
            // Two-digit years only occur in this century's files (2017 onwards in the samples).
            return CalendarDate(year: 2000 + yy, month: m, day: d)
        case .dayMonthNameLongYear:
            guard b.count == 11, b[2] == 45, b[6] == 45, let d = digits(b, 0, 2), let m = monthName(b, 3), let y = digits(b, 7, 4)
            else { return nil }
            return CalendarDate(year: y, month: m, day: d)
        case .monthNameYear:
            guard b.count == 7, let m = monthName(b, 0), let y = digits(b, 3, 4) else { return nil }
            return CalendarDate(year: y, month: m, day: 1)
        case .slashed:
            guard b.count == 10, b[2] == 47, b[5] == 47, let d = digits(b, 0, 2), let m = digits(b, 3, 2), let y = digits(b, 6, 4)
            else { return nil }
            return CalendarDate(year: y, month: m, day: d)
        case .compact:
            guard b.count == 8, let y = digits(b, 0, 4), let m = digits(b, 4, 2), let d = digits(b, 6, 2) else { return nil }
            return CalendarDate(year: y, month: m, day: d)
        }
    }

    private static func digits(_ b: UnsafeRawBufferPointer, _ at: Int, _ count: Int) -> Int? {
        var value = 0
        for i in at..<(at + count) {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return nil }
            value = value * 10 + Int(c - 48)
        }
        return value
    }

    private static func monthName(_ b: UnsafeRawBufferPointer, _ at: Int) -> Int? {
        var name = [UInt8](repeating: 0, count: 3)
        for i in 0..<3 {
            var c = b[at + i]
            if c >= 97 && c <= 122 { c -= 32 }
            name[i] = c
        }
        let text = String(decoding: name, as: UTF8.self)
        return monthNames.firstIndex(of: text).map { $0 + 1 }
    }
}
