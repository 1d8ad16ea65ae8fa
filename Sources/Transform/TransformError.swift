/// An error in the content of a file: CSV syntax, encoding, headers, values, periods.
///
/// `description` is one stable line, `file:line:column: reason`, where `file` is the name the
/// caller gave (for an archive entry, `archive.zip:entry.csv`), `line` is the line on which the
/// offending record starts and `column` the 1-based field number. Either may be absent when the
/// error concerns the whole file. In a workbook, `sheet` is set and the location reads
/// `file.xlsx:Sheet!C14: reason` (`line` is the sheet row, `column` the 1-based column, shown as
/// its letters). Values quoted in the reason are escaped and cut short, so a hostile file cannot
/// forge log lines.
public struct TransformError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        case syntax          // CSV structure: quotes, ragged records
        case encoding        // invalid UTF-8, NUL bytes, stray byte-order marks, UTF-16
        case limit           // a field or record over its cap
        case header          // columns missing, unexpected, duplicated
        case value           // a value that does not parse (date, number, code)
        case period          // the file's period disagrees with what the caller asked for
        case duplicateKey    // the same natural key twice in one file
        case empty           // a file with no data rows
        case unsupported     // a file this source does not know how to read
        case missing         // a workbook sheet or part that is not there
    }

    public let code: Code
    public let file: String
    public let line: Int?
    public let column: Int?
    public let reason: String
    /// The workbook sheet, when the file is a spreadsheet.
    public let sheet: String?

    public init(_ code: Code, file: String, line: Int? = nil, column: Int? = nil, _ reason: String) {
        self.init(code, file: file, sheet: nil, row: line, column: column, reason)
    }

    /// An error in a workbook sheet: `row` is the sheet row, `column` the 1-based column.
    public init(_ code: Code, file: String, sheet: String?, row: Int? = nil, column: Int? = nil, _ reason: String) {
        self.code = code
        self.file = file
        self.line = row
        self.column = column
        self.reason = reason
        self.sheet = sheet
    }

    /// The same error placed in `sheet` (a mapper's line and column become a row and column
    /// there); an error that already names a sheet is returned unchanged.
    public func inSheet(_ sheet: String) -> TransformError {
        self.sheet == nil ? TransformError(code, file: file, sheet: sheet, row: line, column: column, reason) : self
    }

    public var description: String {
        var s = file
        if let sheet {
            s += ":" + sheet
            switch (line, column) {
            case let (row?, column?): s += "!" + CellReference.columnName(column - 1) + String(row)
            case let (row?, nil): s += "!row \(row)"
            case let (nil, column?): s += "!column " + CellReference.columnName(column - 1)
            case (nil, nil): break
            }
            return s + ": " + reason
        }
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        return s + ": " + reason
    }

    /// A value made safe to show in one line: control characters as `\xNN`, at most 60 characters.
    public static func shown(_ value: String) -> String {
        var out = ""
        var count = 0
        for scalar in value.unicodeScalars {
            if count == 60 { out += "…"; break }
            if PrintableText.isControl(scalar) {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            } else if scalar == "'" {
                out += "\\'"
            } else {
                out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return "'" + out + "'"
    }
}

extension String {
    package func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
