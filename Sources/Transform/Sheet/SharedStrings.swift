/// An XLSX workbook's shared-strings table (`xl/sharedStrings.xml`), which cells of type `s`
/// index into. It has to be held while a sheet is read, so it is stored compactly (one byte
/// buffer and 32-bit offsets) and capped by `SheetLimits`: a table over the cap is refused
/// rather than allowed to take the memory a streamed sheet saves.
public final class SharedStrings {
    private var bytes: [UInt8] = []
    private var ends: [UInt32] = []

    public init() {}

    /// Number of strings.
    public var count: Int { ends.count }

    /// Bytes of text held.
    public var byteCount: Int { bytes.count }

    func append(_ text: [UInt8]) {
        bytes.append(contentsOf: text)
        ends.append(UInt32(bytes.count))
    }

    /// Calls `body` with string `index`'s UTF-8 bytes; nil when there is no such string.
    func withString<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard index >= 0, index < ends.count else { return nil }
        let start = index == 0 ? 0 : Int(ends[index - 1])
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<Int(ends[index])])) }
    }

    /// String `index`, or nil.
    public func string(_ index: Int) -> String? {
        withString(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads `xl/sharedStrings.xml` as it streams. `file` and `sheet` place errors; `part` is
    /// the part's name in the package.
    public static func read(_ source: any ByteSource, part: String, file: String, sheet: String?,
                            limits: SheetLimits) throws -> SharedStrings {
        let handler = SharedStringsHandler(file: file, sheet: sheet, part: part, limits: limits)
        try XMLEventReader.read(source, part: part, file: file, sheet: sheet, localNames: true, handler: handler)
        return handler.table
    }
}

/// `<sst><si><t>text</t></si><si><r><t>rich</t></r><r><t> text</t></r><rPh>…</rPh></si></sst>`:
/// an item's text is its `t` elements joined, outside phonetic runs (`rPh`).
final class SharedStringsHandler: XMLEventHandler {
    let table = SharedStrings()
    private let file: String, sheet: String?, part: String
    private let limits: SheetLimits
    private var item: [UInt8] = []
    private var inItem = false, inText = false
    private var phoneticDepth = 0

    init(file: String, sheet: String?, part: String, limits: SheetLimits) {
        self.file = file
        self.sheet = sheet
        self.part = part
        self.limits = limits
    }

    func start(_ name: String, _ attributes: [String: String]) throws {
        switch name {
        case "si":
            inItem = true
            item.removeAll(keepingCapacity: true)
        case "rPh":
            phoneticDepth += 1
        case "t":
            inText = inItem && phoneticDepth == 0
        default:
            break
        }
    }

    func end(_ name: String) throws {
        switch name {
        case "si":
            inItem = false
            guard table.count < limits.maxSharedStrings else {
                throw overCap("more than \(limits.maxSharedStrings) strings")
            }
            let text = OOXMLText.unescaped(item)
            guard table.byteCount + text.count <= limits.maxSharedStringBytes else {
                throw overCap("more than \(limits.maxSharedStringBytes) bytes of text")
            }
            table.append(text)
        case "rPh":
            phoneticDepth -= 1
        case "t":
            inText = false
        default:
            break
        }
    }

    func text(_ text: String) throws {
        guard inText else { return }
        item.append(contentsOf: text.utf8)
        if item.count > limits.maxCellBytes {
            throw TransformError(.limit, file: file, sheet: sheet, "shared string \(table.count) in \(part) is over the cap of \(limits.maxCellBytes) bytes")
        }
    }

    private func overCap(_ what: String) -> TransformError {
        TransformError(.limit, file: file, sheet: sheet, "the shared-strings table (\(part)) has \(what), over the cap: refused")
    }
}
