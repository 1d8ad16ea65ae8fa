/// Text as OOXML stores it in `<t>` elements: characters XML cannot carry (control characters)
/// are written `_xHHHH_` (ECMA-376 §22.9.2.19), and a literal `_x` sequence as `_x005F_x…`.
enum OOXMLText {
    /// `text` with every `_xHHHH_` escape replaced by its character.
    static func unescaped(_ text: [UInt8]) -> [UInt8] {
        guard text.count >= 7, text.contains(UInt8(ascii: "_")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == UInt8(ascii: "_"), i + 6 < text.count, text[i + 1] == UInt8(ascii: "x"), text[i + 6] == UInt8(ascii: "_"),
               let value = hex(text[(i + 2)..<(i + 6)]), let scalar = Unicode.Scalar(value)
            {
                out.append(contentsOf: String(Character(scalar)).utf8)
                i += 7
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    private static func hex(_ digits: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for d in digits {
            switch d {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value * 16 + UInt32(d - 48)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value * 16 + UInt32(d - 55)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value * 16 + UInt32(d - 87)
            default: return nil
            }
        }
        return value
    }
}
