/// One parsed CSV record, borrowed from the tokenizer: valid only inside the callback that
/// received it (its bytes live in the tokenizer's reusable buffer). Copy what you keep.
public struct CSVRecord {
    /// The 1-based line on which the record starts.
    public let line: Int
    /// Number of fields.
    public let count: Int
    let storage: UnsafePointer<UInt8>
    let ends: UnsafePointer<Int>

    init(line: Int, count: Int, storage: UnsafePointer<UInt8>, ends: UnsafePointer<Int>) {
        self.line = line
        self.count = count
        self.storage = storage
        self.ends = ends
    }

    /// The raw (unquoted, unescaped) bytes of field `index`.
    @inline(__always)
    public subscript(index: Int) -> UnsafeRawBufferPointer {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeRawBufferPointer(start: storage + start, count: ends[index] - start)
    }

    /// Field `index` as a String (the bytes are already valid UTF-8).
    public func string(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }

    /// True when field `index` is empty.
    @inline(__always)
    public func isEmpty(_ index: Int) -> Bool {
        (index == 0 ? 0 : ends[index - 1]) == ends[index]
    }

    /// Every field as a String.
    public var strings: [String] { (0..<count).map(string) }

    /// True when field `index` equals `text` byte for byte.
    public func field(_ index: Int, equals text: StaticString) -> Bool {
        let field = self[index]
        guard field.count == text.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return field.elementsEqual(expected)
    }
}
