/// Converts one field to a stored value by kind, with linear-time hand-written parsers.
///
/// | input | integer / decimal | text |
/// |---|---|---|
/// | empty (or only spaces) | NULL | NULL |
/// | a declared suppression token (`*`, `-`, `N/A`, `NA`, …) | NULL, token kept | kept |
/// | ` 12 ` | 12 (spaces around numbers are trimmed) | kept byte-exact |
/// | `+5`, `007` | 5, 7 | kept |
/// | `1,234`, `1e3`, `NaN`, `12.5` for an integer | refused, naming line and column | kept |
public enum ValueParser {
    public enum Result: Equatable {
        case value(String?)
        case suppressed(String)
        case invalid(String)
    }

    public static func parse(
        _ bytes: UnsafeRawBufferPointer, kind: ValueKind, suppression: Set<String>, dateFormats: [NHSDate.Format]
    ) -> Result {
        if kind == .text {
            return .value(bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
        }
        var start = 0, end = bytes.count
        while start < end && bytes[start] == 32 { start += 1 }
        while end > start && bytes[end - 1] == 32 { end -= 1 }
        if start == end { return .value(nil) }
        let trimmed = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        if !suppression.isEmpty {
            let token = String(decoding: trimmed, as: UTF8.self)
            if suppression.contains(token) { return .suppressed(token) }
        }
        switch kind {
        case .integer:
            return canonicalNumber(trimmed, allowFraction: false).map { .value($0) } ?? .invalid("invalid integer")
        case .decimal:
            return canonicalNumber(trimmed, allowFraction: true).map { .value($0) } ?? .invalid("invalid number")
        case .date:
            return NHSDate.parse(trimmed, formats: dateFormats).map { .value($0.iso) } ?? .invalid("invalid date")
        case .text:
            return .value(nil)  // handled above
        }
    }

    /// `[+-]digits[.digits]` → canonical text: no `+`, no leading zeros, no trailing
    /// fractional zeros, `-0` as `0`. Nil when the text is not such a number (or an integer
    /// does not fit in 64 bits).
    public static func canonicalNumber(_ b: UnsafeRawBufferPointer, allowFraction: Bool) -> String? {
        // Fast path, most NHS values: plain digits, no sign, no leading zero, short enough.
        if b.count <= 18 && (b.count == 1 || b[0] != 48) && b.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return String(decoding: b, as: UTF8.self)
        }
        var i = 0
        var negative = false
        if b[0] == 43 || b[0] == 45 {  // + -
            negative = b[0] == 45
            i = 1
        }
        let intStart = i
        while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
        let intEnd = i
        var fracStart = i, fracEnd = i
        if i < b.count && b[i] == 46 {  // .
            guard allowFraction else { return nil }
            i += 1
            fracStart = i
            while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
            fracEnd = i
        }
        guard i == b.count, intEnd > intStart || fracEnd > fracStart else { return nil }
        var digitsStart = intStart
        while digitsStart < intEnd - 1 && b[digitsStart] == 48 { digitsStart += 1 }
        while fracEnd > fracStart && b[fracEnd - 1] == 48 { fracEnd -= 1 }
        var out = [UInt8]()
        out.reserveCapacity(b.count + 1)
        if intEnd == intStart { out.append(48) } else { out.append(contentsOf: b[digitsStart..<intEnd]) }
        if fracEnd > fracStart {
            out.append(46)
            out.append(contentsOf: b[fracStart..<fracEnd])
        }
        if !allowFraction {
            // Must fit in a bigint: at most 19 digits, and not above 9223372036854775807.
            let max = Array("9223372036854775807".utf8)
            if out.count > 19 || (out.count == 19 && max.lexicographicallyPrecedes(out)) { return nil }
        }
        if negative && !(out.count == 1 && out[0] == 48) { out.insert(45, at: 0) }
        return String(decoding: out, as: UTF8.self)
    }
}
