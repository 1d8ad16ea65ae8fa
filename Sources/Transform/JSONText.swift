/// Minimal JSON text writing for JSON Lines output: strings escaped per RFC 8259, and
/// ordered objects (Foundation's encoder does not keep key order, which reviewers rely on).
public enum JSONText {
    /// `value` as a JSON string literal.
    public static func string(_ value: String) -> String {
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // C1 controls too (valid either way): JSON Lines read on a terminal stay inert.
                if PrintableText.isControl(scalar) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }

    /// A JSON value built in code, written with keys in the order given.
    public indirect enum Value: Sendable, Equatable {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
        case null
        case array([Value])
        case object([(String, Value)])

        public static func == (a: Value, b: Value) -> Bool { a.text == b.text }

        /// Compact JSON text.
        public var text: String {
            switch self {
            case .string(let s): return JSONText.string(s)
            case .int(let n): return String(n)
            case .double(let d): return d.isFinite ? String(d) : "null"
            case .bool(let b): return b ? "true" : "false"
            case .null: return "null"
            case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
            case .object(let pairs): return "{" + pairs.map { JSONText.string($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
            }
        }
    }

    /// A JSON array of strings, written straight from a CSV record.
    public static func array(_ record: CSVRecord) -> String {
        var out = "["
        for i in 0..<record.count {
            if i > 0 { out += "," }
            out += string(record.string(i))
        }
        return out + "]"
    }
}

extension JSONText.Value {
    /// `.string` or `.null`.
    public static func optional(_ s: String?) -> JSONText.Value { s.map { .string($0) } ?? .null }
    /// `.int` or `.null`.
    public static func optional(_ n: Int?) -> JSONText.Value { n.map { .int($0) } ?? .null }
}
