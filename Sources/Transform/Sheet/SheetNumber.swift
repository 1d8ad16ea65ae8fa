/// Numbers as workbooks store them (`<v>` in XLSX, `office:value` in ODS): checked to be a
/// decimal number and kept byte for byte, except that exponent forms (`1.5E-3`, which writers
/// use for very small or large values) are rewritten in plain decimal (`0.0015`) by moving the
/// point, so no digit is invented or lost and the CSV mappers read them as they read a CSV.
public enum SheetNumber {
    /// The plain decimal text of `text`, or nil when it is not a number.
    public static func canonical(_ text: [UInt8]) -> [UInt8]? {
        if isPlain(text) { return text }
        var i = 0
        var negative = false
        if i < text.count, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
            negative = text[i] == UInt8(ascii: "-")
            i += 1
        }
        var integer: [UInt8] = [], fraction: [UInt8] = []
        while i < text.count, isDigit(text[i]) { integer.append(text[i]); i += 1 }
        var hasPoint = false
        if i < text.count, text[i] == UInt8(ascii: ".") {
            hasPoint = true
            i += 1
            while i < text.count, isDigit(text[i]) { fraction.append(text[i]); i += 1 }
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return nil }
        if i == text.count {
            // No exponent: as written, less a leading plus sign or a bare trailing point.
            var out = Array(text[(text.first == UInt8(ascii: "+") ? 1 : 0)...])
            if hasPoint && fraction.isEmpty { out.removeLast() }
            if integer.isEmpty { out.insert(UInt8(ascii: "0"), at: negative ? 1 : 0) }
            return out
        }
        guard text[i] | 0x20 == UInt8(ascii: "e") else { return nil }
        i += 1
        var exponentNegative = false
        if i < text.count, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
            exponentNegative = text[i] == UInt8(ascii: "-")
            i += 1
        }
        var exponent = 0, exponentDigits = 0
        while i < text.count, isDigit(text[i]) {
            exponent = exponent * 10 + Int(text[i] - 48)
            exponentDigits += 1
            guard exponent <= 400 else { return nil }  // past any double: refuse rather than write 10^9 zeros
            i += 1
        }
        guard exponentDigits > 0, i == text.count else { return nil }
        if exponentNegative { exponent = -exponent }
        let digits = integer + fraction
        let point = integer.count + exponent
        var whole: [UInt8], decimals: [UInt8]
        if point <= 0 {
            whole = []
            decimals = [UInt8](repeating: UInt8(ascii: "0"), count: -point) + digits
        } else if point >= digits.count {
            whole = digits + [UInt8](repeating: UInt8(ascii: "0"), count: point - digits.count)
            decimals = []
        } else {
            whole = Array(digits[..<point])
            decimals = Array(digits[point...])
        }
        while whole.count > 1, whole.first == UInt8(ascii: "0") { whole.removeFirst() }
        if whole.isEmpty { whole = [UInt8(ascii: "0")] }
        while decimals.last == UInt8(ascii: "0") { decimals.removeLast() }
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        out += whole
        if !decimals.isEmpty { out += [UInt8(ascii: ".")] + decimals }
        return out
    }

    /// The common case, checked without allocating: digits, at most one point with digits on
    /// both sides, an optional leading minus sign.
    private static func isPlain(_ text: [UInt8]) -> Bool {
        var digitsBefore = 0, digitsAfter = 0, point = false
        for (i, b) in text.enumerated() {
            if isDigit(b) {
                if point { digitsAfter += 1 } else { digitsBefore += 1 }
            } else if b == UInt8(ascii: ".") && !point {
                point = true
            } else if !(b == UInt8(ascii: "-") && i == 0) {
                return false
            }
        }
        return digitsBefore > 0 && (!point || digitsAfter > 0)
    }

    @inline(__always) private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}
