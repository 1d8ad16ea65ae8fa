/// Converts one field to a stored value by kind, with linear-time hand-written parsers.
///
/// | input | integer / decimal | date | text |
/// |---|---|---|---|
/// | empty (or only spaces) | NULL | NULL | NULL |
/// | a declared suppression token (`*`, `-`, `N/A`, `NA`, …) | NULL, token kept | NULL, token kept | kept |
/// | ` 12 ` | 12 (spaces around numbers are trimmed) | — | kept byte-exact |
/// | `+5`, `007`, `12.50` | 5, 7, 12.5 (canonical form) | — | kept |
/// | `1,234`, `1e3`, `NaN`, `12.5` for an integer | refused, naming line and column | — | kept |
/// | `-5` for a count | refused, naming line and column | — | kept |
public enum ValueParser {
    public enum Outcome {
        /// The stored bytes (nil: NULL). Valid until the scratch slot is reused.
        case value(UnsafeRawBufferPointer?)
        /// NULL, with the original token kept beside it.
        case suppressed(UnsafeRawBufferPointer)
        /// Not a value of this kind: the reason, for a message that names line and column.
        case invalid(String)
    }

    public static func parse(
        _ bytes: UnsafeRawBufferPointer, kind: ValueKind, suppression: [[UInt8]], dateFormats: [NHSDate.Format],
        scratch: ValueScratch, slot: Int
    ) -> Outcome {
        if kind == .text {
            return .value(bytes.isEmpty ? nil : bytes)
        }
        var start = 0, end = bytes.count
        while start < end && bytes[start] == 32 { start += 1 }
        while end > start && bytes[end - 1] == 32 { end -= 1 }
        if start == end { return .value(nil) }
        let trimmed = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        for token in suppression where token.count == trimmed.count && token.elementsEqual(trimmed) {
            return .suppressed(trimmed)
        }
        switch kind {
        case .integer, .decimal, .count:
            let fraction = kind == .decimal
            if isCanonical(trimmed, allowFraction: fraction) { return .value(trimmed) }
            guard let canonical = canonicalNumber(trimmed, allowFraction: fraction) else {
                return .invalid(fraction ? "invalid number" : "invalid integer")
            }
            if kind == .count && canonical.first == 45 {
                return .invalid("negative count")
            }
            return .value(scratch.store(slot, canonical))
        case .date:
            guard let date = NHSDate.parse(trimmed, formats: dateFormats) else { return .invalid("invalid date") }
            return .value(scratch.store(slot, date.iso.utf8))
        case .text:
            return .value(trimmed)
        }
    }

    /// For a dataset whose every negative number is a sentinel (the GP Patient Survey's `-97`,
    /// `-98`, `-99`, `-999`, and any other it may add): a negative value becomes NULL with the
    /// field as published (spaces trimmed) kept as its token.
    public static func negativeAsSuppressed(_ outcome: Outcome, field bytes: UnsafeRawBufferPointer) -> Outcome {
        guard case .value(let value?) = outcome, value.first == 45 else { return outcome }
        var start = 0, end = bytes.count
        while start < end && bytes[start] == 32 { start += 1 }
        while end > start && bytes[end - 1] == 32 { end -= 1 }
        return .suppressed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
    }

    /// Already canonical: digits only, no leading zero, short enough for a bigint (the common case).
    @inline(__always)
    static func isCanonical(_ b: UnsafeRawBufferPointer, allowFraction: Bool) -> Bool {
        guard b.count <= 18, b.count == 1 || b[0] != 48 else { return false }
        for c in b where c < 48 || c > 57 { return false }
        return true
    }

    /// `[+-]digits[.digits]` → canonical text: no `+`, no leading zeros, no trailing
    /// fractional zeros, `-0` as `0`. Nil when the text is not such a number (or an integer
    /// does not fit in 64 bits).
    public static func canonicalNumber(_ b: UnsafeRawBufferPointer, allowFraction: Bool) -> [UInt8]? {
        guard !b.isEmpty else { return nil }
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
        return out
    }

    /// String convenience for tests and messages.
    public static func canonicalNumber(_ text: String, allowFraction: Bool) -> String? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { canonicalNumber($0, allowFraction: allowFraction) }.map { String(decoding: $0, as: UTF8.self) }
    }
}
