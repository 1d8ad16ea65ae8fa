/// Streams an OpenDocument spreadsheet's `content.xml` into rows, the way `XLSXSheetReader`
/// does for XLSX: the same `CSVRecord`s (`line` is the sheet row), the same text for values,
/// the same error locations (`file.ods:Sheet!C14: …`).
///
/// `table:table` elements are sheets; `table:table-row` and `table:table-cell` carry
/// `table:number-rows-repeated` / `table:number-columns-repeated`, which writers use for runs
/// of identical rows and cells, up to the sheet's full 1,048,576 × 16,384 for the empty space
/// after the data. Empty runs only move the row or column counter (nothing is expanded);
/// repeated non-empty cells and rows are delivered once per repetition.
///
/// Values by `office:value-type`: `float`, `percentage`, `currency` from `office:value`
/// (numbers as `XLSXSheetReader` writes them); `date` from `office:date-value` as written
/// (ISO 8601); `time` from `office:time-value` (`PT13H30M00S` → `13:30:00`); `boolean` as
/// `TRUE`/`FALSE`; `string` and untyped cells from their text: `text:p` paragraphs joined by a
/// line break, `text:s` as its count of spaces, `text:tab`, `text:line-break`; annotations
/// (comments) left out.
public final class ODSContentReader {
    public let file: String
    public let part: String
    public let limits: SheetLimits

    public init(file: String, part: String = "content.xml", limits: SheetLimits = .standard) {
        self.file = file
        self.part = part
        self.limits = limits
    }

    /// One sheet as the listing sees it: its name and the rows and columns that hold values.
    public struct Table: Sendable, Equatable {
        public let name: String
        /// The last row with a value (0 when the sheet is empty).
        public let lastRow: Int
        /// The widest row's width.
        public let columns: Int

        public init(name: String, lastRow: Int, columns: Int) {
            self.name = name
            self.lastRow = lastRow
            self.columns = columns
        }
    }

    /// Every sheet, in order, with its used extent (reads the whole part).
    public func tables(_ source: any ByteSource) throws -> [Table] {
        let handler = ODSContentHandler(reader: self, target: nil, minimumWidth: 0, body: { _ in })
        try XMLEventReader.read(source, part: part, file: file, sheet: nil, localNames: false, handler: handler)
        return handler.tables
    }

    /// Calls `body` with each non-empty row of the sheet named `sheet`; refuses a workbook
    /// without it, naming the sheets it has.
    public func forEachRow(_ source: any ByteSource, sheet: String, minimumWidth: Int = 0, _ body: (CSVRecord) throws -> Void) throws {
        try withoutActuallyEscaping(body) { body in
            let handler = ODSContentHandler(reader: self, target: sheet, minimumWidth: minimumWidth, body: body)
            let context = SheetRowsContext(file: file, sheet: sheet, part: part, limits: limits)
            do {
                try XMLEventReader.read(source, part: part, file: file, sheet: sheet, localNames: false, handler: handler)
            } catch {
                throw context.relocated(error)
            }
            if !handler.found {
                let names = handler.tables.map { TransformError.shown($0.name) }.joined(separator: ", ")
                throw TransformError(.missing, file: file, sheet: sheet, "no such sheet (the workbook has \(names.isEmpty ? "none" : names))")
            }
        }
    }
}

final class ODSContentHandler: XMLEventHandler {
    private let reader: ODSContentReader
    private let target: String?
    private let minimumWidth: Int
    private let body: (CSVRecord) throws -> Void
    private let row = SheetRowBuilder()
    private(set) var tables: [ODSContentReader.Table] = []
    private(set) var found = false

    private var context: SheetRowsContext?   // the sheet being read, when one is
    private var tableName = ""
    private var rowNumber = 0                // rows before the current one
    private var rowRepeat = 1
    private var inRow = false
    private var column = 0                   // cells before the current one
    private var lastRow = 0, widest = 0
    private var rowBytes = 0

    private var inCell = false
    private var cellRepeat = 1
    private var cellValue: [UInt8]?          // from the cell's attributes
    private var textValue: [UInt8] = []
    private var paragraphs = 0
    private var inParagraph = 0
    private var annotationDepth = 0

    init(reader: ODSContentReader, target: String?, minimumWidth: Int, body: @escaping (CSVRecord) throws -> Void) {
        self.reader = reader
        self.target = target
        self.minimumWidth = minimumWidth
        self.body = body
    }

    var position: (row: Int?, column: Int?) {
        guard context != nil, inRow else { return (nil, nil) }
        return (rowNumber + 1, column + 1)
    }

    var currentSheet: String? { context?.sheet }

    private func fail(_ code: TransformError.Code, _ reason: String) -> TransformError {
        TransformError(code, file: reader.file, sheet: tableName, row: rowNumber + 1, column: column + 1, reason)
    }

    func start(_ name: String, _ attributes: [String: String]) throws {
        guard context != nil else {
            if name == "table:table" { startTable(attributes) }
            return
        }
        switch name {
        case "table:table-cell", "table:covered-table-cell":
            guard inRow else { return }
            inCell = true
            cellRepeat = try count(attributes["table:number-columns-repeated"], what: "columns")
            cellValue = try value(attributes)
            textValue.removeAll(keepingCapacity: true)
            paragraphs = 0
        case "table:table-row":
            inRow = true
            rowRepeat = try count(attributes["table:number-rows-repeated"], what: "rows")
            column = 0
            rowBytes = 0
            row.reset()
        case "office:annotation":
            annotationDepth += 1
        case _ where !inCell || annotationDepth > 0:
            break
        case "text:p", "text:h":
            if paragraphs > 0 { textValue.append(10) }
            paragraphs += 1
            inParagraph += 1
        case "text:s":
            let spaces = try count(attributes["text:c"], what: "spaces")
            guard textValue.count + spaces <= reader.limits.maxCellBytes else { throw fail(.limit, "cell over the cap of \(reader.limits.maxCellBytes) bytes") }
            textValue.append(contentsOf: repeatElement(UInt8(ascii: " "), count: spaces))
        case "text:tab":
            textValue.append(9)
        case "text:line-break":
            textValue.append(10)
        default:
            break
        }
    }

    func end(_ name: String) throws {
        guard context != nil else { return }
        switch name {
        case "table:table-cell", "table:covered-table-cell":
            guard inCell else { return }
            inCell = false
            try endCell()
        case "table:table-row":
            guard inRow else { return }
            inRow = false
            try endRow()
        case "table:table":
            try endTable()
        case "office:annotation":
            annotationDepth -= 1
        case "text:p", "text:h":
            if inCell && annotationDepth == 0 { inParagraph -= 1 }
        default:
            break
        }
    }

    func text(_ text: String) throws {
        guard inCell, inParagraph > 0, annotationDepth == 0 else { return }
        textValue.append(contentsOf: text.utf8)
        if textValue.count > reader.limits.maxCellBytes { throw fail(.limit, "cell over the cap of \(reader.limits.maxCellBytes) bytes") }
    }

    private func startTable(_ attributes: [String: String]) {
        tableName = attributes["table:name"] ?? "Sheet\(tables.count + 1)"
        if target == nil || target == tableName {
            found = found || target != nil
            context = SheetRowsContext(file: reader.file, sheet: tableName, part: reader.part, limits: reader.limits)
            rowNumber = 0
            lastRow = 0
            widest = 0
        } else {
            tables.append(.init(name: tableName, lastRow: 0, columns: 0))
        }
    }

    private func endTable() throws {
        tables.append(.init(name: tableName, lastRow: lastRow, columns: widest))
        context = nil
        if target != nil { throw XMLStopReading() }
    }

    /// A repeat count: at least 1; a number past the sheet's size is capped, since only
    /// non-empty repeats are ever expanded and those are checked against the sheet's edges.
    private func count(_ text: String?, what: String) throws -> Int {
        guard let text else { return 1 }
        guard let n = Int(text), n >= 1 else { throw fail(.syntax, "number of repeated \(what) \(TransformError.shown(text)) is not a positive number") }
        return min(n, CellReference.maxRow + 1)
    }

    /// The value a typed cell carries in its attributes; nil for text cells.
    private func value(_ attributes: [String: String]) throws -> [UInt8]? {
        guard let type = attributes["office:value-type"] else { return nil }
        func required(_ key: String) throws -> String {
            guard let v = attributes[key] else { throw fail(.value, "a \(type) cell without \(key)") }
            return v
        }
        switch type {
        case "float", "percentage", "currency":
            let text = try required("office:value")
            guard let number = SheetNumber.canonical(Array(text.utf8)) else {
                throw fail(.value, "number \(TransformError.shown(text)) is not a number")
            }
            return number
        case "date":
            return Array(try required("office:date-value").utf8)
        case "time":
            let text = try required("office:time-value")
            return Array((Self.clock(text) ?? text).utf8)
        case "boolean":
            switch try required("office:boolean-value") {
            case "true": return Array("TRUE".utf8)
            case "false": return Array("FALSE".utf8)
            case let other: throw fail(.value, "boolean \(TransformError.shown(other)) is not true or false")
            }
        case "string":
            return attributes["office:string-value"].map { Array($0.utf8) }
        default:
            return nil
        }
    }

    /// `PT13H30M05S` → `13:30:05` (ISO 8601 durations as ODF writes times of day).
    static func clock(_ text: String) -> String? {
        guard text.hasPrefix("PT") else { return nil }
        var parts = [0, 0, 0], current = ""
        for ch in text.dropFirst(2) {
            switch ch {
            case "0"..."9", ".": current.append(ch)
            case "H": parts[0] = Int(current) ?? -1; current = ""
            case "M": parts[1] = Int(current) ?? -1; current = ""
            case "S": parts[2] = Int((Double(current) ?? -1).rounded()); current = ""
            default: return nil
            }
        }
        guard current.isEmpty, parts.allSatisfy({ $0 >= 0 }) else { return nil }
        return parts.map { String($0).leftPadded(to: 2) }.joined(separator: ":")
    }

    private func endCell() throws {
        defer { column += cellRepeat }
        let text = cellValue ?? textValue
        guard !text.isEmpty else { return }
        guard column + cellRepeat - 1 <= CellReference.maxColumn else {
            throw fail(.syntax, "a cell past column \(CellReference.columnName(CellReference.maxColumn))")
        }
        rowBytes += text.count * cellRepeat
        guard rowBytes <= reader.limits.maxRowBytes else { throw fail(.limit, "row over the cap of \(reader.limits.maxRowBytes) bytes") }
        for k in 0..<cellRepeat { row.set(column: column + k, text) }
    }

    private func endRow() throws {
        defer { rowNumber += rowRepeat }
        guard !row.isEmpty else { return }
        guard rowNumber + rowRepeat <= CellReference.maxRow else {
            throw fail(.syntax, "a row past row \(CellReference.maxRow)")
        }
        lastRow = rowNumber + rowRepeat
        widest = max(widest, row.width)
        guard target != nil else { return }
        for k in 1...rowRepeat {
            try body(row.record(row: rowNumber + k, minimumWidth: minimumWidth))
        }
    }
}
