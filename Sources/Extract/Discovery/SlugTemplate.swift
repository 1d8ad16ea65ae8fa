import Transform

/// Names that carry a period, read through templates: edition slugs such as `october-2025`,
/// `oct-2018`, `2023-24`, `england-2021-22`, `30-april-2023`, and file names such as
/// `GPPS_2024_Practice_data.csv` (`GPPS_{yyyy}_*`). Tokens: `{yyyy}`, `{yy}` (the second year
/// of a financial year), `{dd}`, `{month}`, `{mon}`; `*` matches any run of characters.
enum SlugTemplate {
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    static func match(_ template: String, _ slug: String) -> CalendarDate? {
        match(Substring(template), Substring(slug), year: nil, month: 1, day: 1)
    }

    private static func match(_ template: Substring, _ slug: Substring, year: Int?, month: Int, day: Int) -> CalendarDate? {
        var year = year, month = month, day = day
        var t = template, s = slug
        while !t.isEmpty {
            if t.hasPrefix("*") {
                // Try every split point; the first that matches the rest wins.
                let rest = t.dropFirst()
                var tail = s
                while true {
                    if let date = match(rest, tail, year: year, month: month, day: day) { return date }
                    guard !tail.isEmpty else { return nil }
                    tail = tail.dropFirst()
                }
            }
            if t.hasPrefix("{") {
                guard let close = t.firstIndex(of: "}") else { return nil }
                let token = t[t.index(after: t.startIndex)..<close]
                t = t[t.index(after: close)...]
                switch token {
                case "yyyy":
                    guard let v = take(&s, digits: 4) else { return nil }
                    year = v
                case "yy":
                    // The second year of a financial year: must follow the first; the period
                    // starts on 1 April of the first.
                    guard let v = take(&s, digits: 2), let y = year, v == (y + 1) % 100 else { return nil }
                    month = 4
                    day = 1
                case "dd":
                    guard let v = take(&s, digits: 2) ?? take(&s, digits: 1) else { return nil }
                    day = v
                case "month":
                    guard let index = months.firstIndex(where: { s.hasPrefix($0) }) else { return nil }
                    month = index + 1
                    s = s.dropFirst(months[index].count)
                case "mon":
                    guard let index = months.firstIndex(where: { s.hasPrefix($0.prefix(3)) }) else { return nil }
                    month = index + 1
                    s = s.dropFirst(3)
                    if s.hasPrefix("t") && months[index] == "september" { s = s.dropFirst() }  // "sept"
                default:
                    return nil
                }
            } else {
                guard s.first == t.first else { return nil }
                s = s.dropFirst()
                t = t.dropFirst()
            }
        }
        guard s.isEmpty, let year else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    private static func take(_ s: inout Substring, digits: Int) -> Int? {
        let prefix = s.prefix(digits)
        guard prefix.count == digits, prefix.allSatisfy(\.isASCII), let v = Int(prefix) else { return nil }
        // A longer run of digits is not this token (`20245` is not a year).
        if let next = s.dropFirst(digits).first, next.isASCII, next.isNumber { return nil }
        s = s.dropFirst(digits)
        return v
    }

    /// The period the first fitting template gives, of `kind`.
    static func period(_ templates: [String], _ name: String, kind: ReportingPeriod.Kind) -> ReportingPeriod? {
        for template in templates {
            if let date = match(template.lowercased(), name.lowercased()) { return ReportingPeriod(kind: kind, start: date) }
        }
        return nil
    }
}
