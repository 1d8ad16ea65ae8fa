/// Streams one XLSX worksheet part (`xl/worksheets/sheetN.xml`) into rows.
///
/// Each `<row>` with at least one non-empty cell becomes a `CSVRecord` whose `line` is the
/// sheet row number and whose fields are the cells from column A on: cells the file leaves out
/// (sparse cells) and empty cells are empty fields, trailing ones dropped (or padded up to
/// `minimumWidth`). Rows the file leaves out, or that hold nothing, are not delivered.
///
/// Values as text: shared (`t="s"`) and inline (`t="inlineStr"`) strings as written; numbers
/// byte for byte (exponent forms in plain decimal); numbers whose style is a date or time
/// format as ISO 8601 from the serial (1900 or 1904 system); booleans `TRUE`/`FALSE`; error
/// values (`#N/A`) and formula strings as text; a formula's cached value, never the formula.
///
/// Refuses, naming the cell (`file.xlsx:Sheet!C14: …`): rows or cells out of order or outside
/// the sheet, a cell reference on the wrong row, a shared string that does not exist, a number
/// that is not one, a serial that is not a date, a cell or row over its cap, malformed XML.
public final class XLSXSheetReader {
    public let context: SheetRowsContext
    let strings: SharedStrings?
    let styles: CellStyles
    let dateSystem: SerialDate.System

    public init(context: SheetRowsContext, strings: SharedStrings?, styles: CellStyles, dateSystem: SerialDate.System) {
        self.context = context
        self.strings = strings
        self.styles = styles
        self.dateSystem = dateSystem
    }

    /// Calls `body` with each non-empty row, in order; the record is valid only during the call.
    public func forEachRow(_ source: any ByteSource, minimumWidth: Int = 0, _ body: (CSVRecord) throws -> Void) throws {
        try withoutActuallyEscaping(body) { body in
            let handler = WorksheetHandler(reader: self, minimumWidth: minimumWidth, body: body)
            do {
                try XMLEventReader.read(source, part: context.part, file: context.file, sheet: context.sheet,
                                        localNames: true, handler: handler)
            } catch {
                throw context.relocated(error)
            }
        }
    }

    /// The `<dimension ref="A1:L1319">` the writer recorded (read from the start of the part
    /// only); nil when the part has none before its rows.
    public static func dimension(_ source: any ByteSource, context: SheetRowsContext) throws -> String? {
        let handler = DimensionHandler()
        try XMLEventReader.read(source, part: context.part, file: context.file, sheet: context.sheet,
                                localNames: true, handler: handler)
        return handler.ref
    }
}

/// Reads `<dimension>` and stops at `<sheetData>`.
final class DimensionHandler: XMLEventHandler {
    var ref: String?
    func start(_ name: String, _ attributes: [String: String]) throws {
        if name == "dimension" {
            ref = attributes["ref"]
            throw XMLStopReading()
        }
        if name == "sheetData" { throw XMLStopReading() }
    }

    func end(_ name: String) throws {}
    func text(_ text: String) throws {}
}

/// `<sheetData><row r="14"><c r="C14" t="s" s="3"><v>7</v></c>…</row></sheetData>`.
final class WorksheetHandler: XMLEventHandler {
    private let reader: XLSXSheetReader
    private let context: SheetRowsContext
    private let minimumWidth: Int
    private let body: (CSVRecord) throws -> Void
    private let row = SheetRowBuilder()

    private var inSheetData = false
    private var rowNumber = 0          // current (or last) row
    private var inRow = false
    private var lastColumn = -1        // last cell's column in the current row
    private var cellType: String?
    private var cellStyle = 0
    private var inCell = false
    private var capture = false        // inside <v>, or a <t> of an inline string
    private var inInline = false
    private var phoneticDepth = 0
    private var hasValue = false
    private var value: [UInt8] = []

    init(reader: XLSXSheetReader, minimumWidth: Int, body: @escaping (CSVRecord) throws -> Void) {
        self.reader = reader
        self.context = reader.context
        self.minimumWidth = minimumWidth
        self.body = body
        value.reserveCapacity(256)
    }

    var position: (row: Int?, column: Int?) {
        guard rowNumber > 0 else { return (nil, nil) }
        return (rowNumber, lastColumn >= 0 ? lastColumn + 1 : nil)
    }

    func start(_ name: String, _ attributes: [String: String]) throws {
        switch name {
        case "c" where inRow:
            try startCell(attributes)
        case "v" where inCell:
            capture = true
            hasValue = true
        case "is" where inCell:
            inInline = true
            hasValue = true
        case "t" where inInline:
            capture = phoneticDepth == 0
        case "rPh" where inInline:
            phoneticDepth += 1
        case "row" where inSheetData:
            try startRow(attributes)
        case "sheetData":
            inSheetData = true
        default:
            break
        }
    }

    func end(_ name: String) throws {
        switch name {
        case "v", "t":
            capture = false
        case "rPh" where inInline:
            phoneticDepth -= 1
        case "is":
            inInline = false
        case "c" where inCell:
            inCell = false
            try endCell()
        case "row" where inRow:
            inRow = false
            if !row.isEmpty {
                try body(row.record(row: rowNumber, minimumWidth: minimumWidth))
            }
        case "sheetData":
            inSheetData = false
        default:
            break
        }
    }

    func text(_ text: String) throws {
        guard capture else { return }
        value.append(contentsOf: text.utf8)
        if value.count > context.limits.maxCellBytes {
            throw context.error(.limit, row: rowNumber, column: lastColumn, "cell over the cap of \(context.limits.maxCellBytes) bytes")
        }
    }

    private func startRow(_ attributes: [String: String]) throws {
        var number = rowNumber + 1
        if let r = attributes["r"] {
            guard let n = Int(r), n >= 1, n <= CellReference.maxRow else {
                throw context.error(.syntax, row: rowNumber > 0 ? rowNumber : nil, "row number \(TransformError.shown(r)) after row \(rowNumber) is not a sheet row")
            }
            number = n
        }
        guard number > rowNumber else {
            throw context.error(.syntax, row: number, "row \(number) comes after row \(rowNumber): rows out of order or repeated")
        }
        guard number <= CellReference.maxRow else {
            throw context.error(.syntax, "more than \(CellReference.maxRow) rows")
        }
        rowNumber = number
        inRow = true
        lastColumn = -1
        rowBytes = 0
        row.reset()
    }

    private func startCell(_ attributes: [String: String]) throws {
        var column = lastColumn + 1
        if let r = attributes["r"] {
            guard let (c, rowOfCell) = CellReference.parse(r) else {
                throw context.error(.syntax, row: rowNumber, column: lastColumn >= 0 ? lastColumn + 1 : nil, "cell reference \(TransformError.shown(r)) is not a cell")
            }
            guard rowOfCell == rowNumber else {
                throw context.error(.syntax, row: rowNumber, "cell \(r) is inside row \(rowNumber)")
            }
            column = c
        }
        guard column > lastColumn else {
            throw context.error(.syntax, row: rowNumber, column: column, "cell \(CellReference.name(row: rowNumber, column: column)) comes after \(CellReference.name(row: rowNumber, column: lastColumn)): cells out of order or repeated")
        }
        guard column <= CellReference.maxColumn else {
            throw context.error(.syntax, row: rowNumber, "a cell past column \(CellReference.columnName(CellReference.maxColumn))")
        }
        lastColumn = column
        cellType = attributes["t"]
        cellStyle = attributes["s"].flatMap { Int($0) } ?? 0
        inCell = true
        hasValue = false
        value.removeAll(keepingCapacity: true)
    }

    private func endCell() throws {
        guard hasValue else { return }
        func fail(_ reason: String) -> TransformError { context.error(.value, row: rowNumber, column: lastColumn, reason) }
        switch cellType {
        case "s":
            guard let index = Self.index(value) else {
                throw fail("shared-string index \(TransformError.shown(String(decoding: value, as: UTF8.self))) is not a number")
            }
            guard let strings = reader.strings else {
                throw fail("the cell refers to shared string \(index) but the workbook has no shared-strings part")
            }
            let found: Void? = try strings.withString(index) { bytes in
                try checkRow(adding: bytes.count)
                row.set(column: lastColumn, bytes)
            }
            if found == nil {
                throw fail("shared string \(index) does not exist (the table has \(strings.count))")
            }
        case "inlineStr", "str", "e", "d":
            // Inline and formula strings, error values (`#N/A`) and ISO dates are text as written.
            let text = cellType == "inlineStr" ? OOXMLText.unescaped(value) : value
            try checkRow(adding: text.count)
            row.set(column: lastColumn, text)
        case "b":
            switch value {
            case [UInt8(ascii: "1")]: row.set(column: lastColumn, Self.trueText)
            case [UInt8(ascii: "0")]: row.set(column: lastColumn, Self.falseText)
            default: throw fail("boolean \(TransformError.shown(String(decoding: value, as: UTF8.self))) is not 0 or 1")
            }
        case nil, "n":
            if value.isEmpty { return }
            guard let number = SheetNumber.canonical(value) else {
                throw fail("number \(TransformError.shown(String(decoding: value, as: UTF8.self))) is not a number")
            }
            let format = reader.styles.format(cellStyle)
            if format == .number {
                try checkRow(adding: number.count)
                row.set(column: lastColumn, number)
                return
            }
            let serial = Double(String(decoding: number, as: UTF8.self)) ?? .nan
            do {
                row.set(column: lastColumn, Array(try SerialDate.text(serial: serial, format: format, system: reader.dateSystem).utf8))
            } catch {
                throw fail(SerialDate.describe(error, serial: String(decoding: value, as: UTF8.self), system: reader.dateSystem))
            }
        case let other?:
            throw fail("unknown cell type \(TransformError.shown(other))")
        }
    }

    private var rowBytes = 0
    private static let trueText = Array("TRUE".utf8), falseText = Array("FALSE".utf8)

    /// A shared-string index from the cell's bytes, without making a String of them.
    private static func index(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 10 else { return nil }
        var n = 0
        for b in bytes {
            guard b >= 48 && b <= 57 else { return nil }
            n = n * 10 + Int(b - 48)
        }
        return n
    }

    private func checkRow(adding count: Int) throws {
        rowBytes += count
        if rowBytes > context.limits.maxRowBytes {
            throw context.error(.limit, row: rowNumber, column: lastColumn, "row over the cap of \(context.limits.maxRowBytes) bytes")
        }
    }
}
