/// A1-style cell references: column letters (`A`…`XFD`) and 1-based row numbers.
public enum CellReference {
    /// The highest column a sheet can have (XFD), 0-based: 16,383.
    public static let maxColumn = 16_383
    /// The highest row a sheet can have, 1-based.
    public static let maxRow = 1_048_576

    /// Letters for a 0-based column: 0 → `A`, 25 → `Z`, 26 → `AA`.
    public static func columnName(_ index: Int) -> String {
        guard index >= 0 else { return "?" }
        var n = index + 1
        var letters: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(UInt8(65 + r))
            n = (n - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// `C14` for row 14, 0-based column 2.
    public static func name(row: Int, column: Int) -> String { columnName(column) + String(row) }

    /// Parses `AB12` (letters, then a row number) into a 0-based column and 1-based row; `$`
    /// anchors are allowed. Nil when the text is not a reference or lies outside a sheet.
    public static func parse(_ text: String) -> (column: Int, row: Int)? {
        var column = 0, row = 0, letters = 0, digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "$"):
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard digits == 0, letters < 3 else { return nil }
                column = column * 26 + Int((byte & 0xDF) - 64)
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard letters > 0, digits < 7 else { return nil }
                row = row * 10 + Int(byte - 48)
                digits += 1
            default:
                return nil
            }
        }
        guard letters > 0, digits > 0, column - 1 <= maxColumn, row >= 1, row <= maxRow else { return nil }
        return (column - 1, row)
    }

    /// Parses the column letters alone (`AB` → 27); nil when not letters or past `XFD`.
    public static func parseColumn(_ text: String) -> Int? {
        guard let (column, _) = parse(text + "1") else { return nil }
        return column
    }
}
