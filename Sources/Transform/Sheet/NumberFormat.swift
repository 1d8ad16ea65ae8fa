/// What a cell's number format says its number is: a plain number, or a date and/or time kept
/// as a serial day count. Decided from the format code, as Excel shows it (ECMA-376 §18.8.30).
public enum NumberFormat: Sendable, Equatable {
    case number
    /// Day, month or year parts only (`dd/mm/yyyy`, `mmm-yy`).
    case date
    /// Date and time parts (`dd/mm/yyyy hh:mm`).
    case dateTime
    /// Time of day only (`hh:mm:ss`).
    case time

    /// Built-in format ids that are dates in every locale (14–22, 45–47); the East Asian
    /// locale-dependent ids are not dates in an English workbook.
    public static func builtIn(_ id: Int) -> NumberFormat {
        switch id {
        case 14, 15, 16, 17: return .date
        case 22: return .dateTime
        case 18, 19, 20, 21, 45, 47: return .time
        case 46: return .number  // [h]:mm:ss is a duration, not a time of day
        default: return .number
        }
    }

    /// Classifies a custom format code. Only the first section (positive numbers) counts;
    /// quoted text, `\`-escaped and `_`/`*` padding characters and `[…]` colours and locales
    /// are skipped; elapsed-time formats (`[h]:mm`) are durations, so numbers.
    public static func classify(_ code: String) -> NumberFormat {
        var hasDate = false, hasTime = false, hasMonthOrMinute = false
        var bytes = Array(code.utf8)[...]
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: ";"):
                bytes = []
            case UInt8(ascii: "\""):
                while let b = bytes.popFirst(), b != UInt8(ascii: "\"") {}
            case UInt8(ascii: "\\"), UInt8(ascii: "_"), UInt8(ascii: "*"):
                _ = bytes.popFirst()
            case UInt8(ascii: "["):
                var inner: [UInt8] = []
                while let b = bytes.popFirst(), b != UInt8(ascii: "]") { inner.append(b | 0x20) }
                if !inner.isEmpty, inner.allSatisfy({ $0 == UInt8(ascii: "h") || $0 == UInt8(ascii: "m") || $0 == UInt8(ascii: "s") }) {
                    return .number
                }
            default:
                switch byte | 0x20 {
                case UInt8(ascii: "d"), UInt8(ascii: "y"): hasDate = true
                case UInt8(ascii: "h"), UInt8(ascii: "s"): hasTime = true
                case UInt8(ascii: "m"): hasMonthOrMinute = true
                default:
                    // `General` has no date letters but does contain an `e`, `n`, `r`, `a`, `l`.
                    break
                }
            }
        }
        // `m` is a month beside days or years, or with nothing else; a minute beside hours or seconds.
        if hasMonthOrMinute && !hasTime { hasDate = true }
        switch (hasDate, hasTime) {
        case (true, true): return .dateTime
        case (true, false): return .date
        case (false, true): return .time
        case (false, false): return .number
        }
    }
}
