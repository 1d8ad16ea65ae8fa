/// A forgiving, linear-time HTML tokenizer: enough to read publication pages (start tags with
/// attributes, end tags, text), never a full HTML parser. Comments, scripts and styles are
/// skipped; entities in text and attribute values are decoded for the common named and numeric
/// forms.
public enum HTMLScanner {
    public enum Token: Equatable, Sendable {
        case start(name: String, attributes: [String: String])
        case end(name: String)
        case text(String)
    }

    public static func tokens(_ html: String) -> [Token] {
        var tokens: [Token] = []
        let s = Array(html.utf8)
        var i = 0
        var textStart = 0
        func flushText(_ end: Int) {
            if end > textStart {
                let text = decodeEntities(String(decoding: s[textStart..<end], as: UTF8.self))
                if !text.allSatisfy(\.isWhitespace) { tokens.append(.text(text)) }
            }
        }
        while i < s.count {
            guard s[i] == UInt8(ascii: "<") else { i += 1; continue }
            flushText(i)
            if starts(s, i, "<!--") {
                i = find(s, i + 4, "-->").map { $0 + 3 } ?? s.count
                textStart = i
                continue
            }
            if i + 1 < s.count && (s[i + 1] == UInt8(ascii: "!") || s[i + 1] == UInt8(ascii: "?")) {
                i = find(s, i, ">").map { $0 + 1 } ?? s.count
                textStart = i
                continue
            }
            let closing = i + 1 < s.count && s[i + 1] == UInt8(ascii: "/")
            var j = i + (closing ? 2 : 1)
            let nameStart = j
            while j < s.count && isNameByte(s[j]) { j += 1 }
            if j == nameStart {  // a lone "<" in text
                i += 1
                continue
            }
            let name = String(decoding: s[nameStart..<j], as: UTF8.self).lowercased()
            var attributes: [String: String] = [:]
            // Attributes until the tag closes, honouring quotes.
            while j < s.count && s[j] != UInt8(ascii: ">") {
                if isSpace(s[j]) || s[j] == UInt8(ascii: "/") { j += 1; continue }
                let keyStart = j
                while j < s.count && !isSpace(s[j]) && s[j] != UInt8(ascii: "=") && s[j] != UInt8(ascii: ">") && s[j] != UInt8(ascii: "/") { j += 1 }
                let key = String(decoding: s[keyStart..<j], as: UTF8.self).lowercased()
                while j < s.count && isSpace(s[j]) { j += 1 }
                var value = ""
                if j < s.count && s[j] == UInt8(ascii: "=") {
                    j += 1
                    while j < s.count && isSpace(s[j]) { j += 1 }
                    if j < s.count && (s[j] == UInt8(ascii: "\"") || s[j] == UInt8(ascii: "'")) {
                        let quote = s[j]
                        let valueStart = j + 1
                        j = valueStart
                        while j < s.count && s[j] != quote { j += 1 }
                        value = String(decoding: s[valueStart..<min(j, s.count)], as: UTF8.self)
                        j = min(j + 1, s.count)
                    } else {
                        let valueStart = j
                        while j < s.count && !isSpace(s[j]) && s[j] != UInt8(ascii: ">") { j += 1 }
                        value = String(decoding: s[valueStart..<j], as: UTF8.self)
                    }
                }
                if !key.isEmpty && attributes[key] == nil { attributes[key] = decodeEntities(value) }
            }
            i = min(j + 1, s.count)
            tokens.append(closing ? .end(name: name) : .start(name: name, attributes: attributes))
            if !closing && (name == "script" || name == "style") {
                i = find(s, i, "</\(name)").map { $0 } ?? s.count
            }
            textStart = i
        }
        flushText(s.count)
        return tokens
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 45
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 || b == 12 }

    private static func starts(_ s: [UInt8], _ i: Int, _ prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        return i + p.count <= s.count && Array(s[i..<(i + p.count)]) == p
    }

    private static func find(_ s: [UInt8], _ from: Int, _ needle: String) -> Int? {
        let n = Array(needle.utf8)
        guard n.count > 0, from <= s.count - n.count else { return nil }
        var i = from
        while i <= s.count - n.count {
            if s[i] == n[0] && Array(s[i..<(i + n.count)]).elementsEqualIgnoringASCIICase(n) { return i }
            i += 1
        }
        return nil
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "–", "mdash": "—",
        "rsquo": "’", "lsquo": "‘", "pound": "£",
    ]

    /// `&amp;`, `&#39;`, `&#x2013;` and friends.
    public static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semi = after.prefix(10).firstIndex(of: ";") else {
                out += "&"
                rest = after
                continue
            }
            let entity = String(after[..<semi])
            var replacement: String?
            if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                replacement = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else if entity.hasPrefix("#") {
                replacement = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else {
                replacement = named[entity.lowercased()]
            }
            if let replacement {
                out += replacement
                rest = after[after.index(after: semi)...]
            } else {
                out += "&"
                rest = after
            }
        }
        out += rest
        return out
    }
}

extension Array where Element == UInt8 {
    func elementsEqualIgnoringASCIICase(_ other: [UInt8]) -> Bool {
        guard count == other.count else { return false }
        for (a, b) in zip(self, other) where (a | 0x20) != (b | 0x20) { return false }
        return true
    }
}

extension HTMLScanner.Token {
    /// The attribute's value for a start tag.
    public func attribute(_ name: String) -> String? {
        if case .start(_, let attributes) = self { return attributes[name] }
        return nil
    }

    /// True for a start tag whose `class` list contains `className`.
    public func hasClass(_ className: String) -> Bool {
        attribute("class")?.split(separator: " ").contains(Substring(className)) ?? false
    }

    public var startName: String? {
        if case .start(let name, _) = self { return name }
        return nil
    }
}
