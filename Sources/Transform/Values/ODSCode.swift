/// Organisation Data Service codes: practices (`A81001`), PCNs (`U12345`), sub-ICB locations
/// (`00L`), ICBs (`QHM`), regions (`Y63`), Welsh (`W…`) and Channel Islands codes.
public enum ODSCode {
    /// The code as text if it is 3–10 upper-case letters or digits, else a value error naming
    /// the file, line and column (`gp-reg-pat-prac-all.csv:7:6: invalid ODS code 'R'`).
    public static func validated(_ bytes: UnsafeRawBufferPointer, file: String, line: Int, column: Int) throws -> String {
        guard (3...10).contains(bytes.count), bytes.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }) else {
            let text = String(decoding: bytes, as: UTF8.self)
            throw TransformError(.value, file: file, line: line, column: column, "invalid ODS code \(TransformError.shown(text))")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A key that is not an ODS code (a QOF indicator code): non-empty, at most 64 bytes, no
    /// spaces at either end, no control characters.
    public static func validatedKey(_ bytes: UnsafeRawBufferPointer, file: String, line: Int, column: Int) throws -> String {
        guard (1...64).contains(bytes.count), bytes.first != 32, bytes.last != 32, bytes.allSatisfy({ $0 >= 32 && $0 != 127 }) else {
            throw TransformError(.value, file: file, line: line, column: column, "invalid code \(TransformError.shown(String(decoding: bytes, as: UTF8.self)))")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True when `text` has the shape of an ODS code.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (3...10).contains(bytes.count) && bytes.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }
    }
}
