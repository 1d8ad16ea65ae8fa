/// Text from outside (file and entry names, page titles, error lines that quote them) made
/// safe to print: control characters become `\xNN`, so a name can neither start a new line or
/// column nor send a terminal escape sequence (recolour, retitle, clear the screen).
public enum PrintableText {
    /// C0 controls (line breaks and tabs included), DEL and the C1 controls (0x9B is an 8-bit
    /// CSI on some terminals).
    @inline(__always)
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
    }

    /// `text` with every control character written as `\xNN` (upper-case hex); anything else,
    /// backslashes included, unchanged.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out.append(contentsOf: ("\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
