/// A sheet's header as found by `SheetTableReader`: the row it is on (and the second header row
/// under it, when there is one) and the column names, cleaned for matching by name.
public struct SheetHeader: Sendable, Equatable {
    /// The sheet row of the (first) header row.
    public let row: Int
    /// The sheet row of the second header row (`Count`/`%` under group headings), if any.
    public let subRow: Int?
    /// One name per column: the cleaned header cell, or with a second header row, the group
    /// heading (carried right across the cells it spans) and the sub-heading (`Total calls %`).
    /// Empty for a column with no heading.
    public let names: [String]

    public init(row: Int, subRow: Int?, names: [String]) {
        self.row = row
        self.subRow = subRow
        self.names = names
    }

    /// The first sheet row after the header.
    public var lastRow: Int { subRow ?? row }

    /// The 0-based column whose name matches `name` (compared as `CSVLayout.normalize` does,
    /// after `clean`), or nil.
    public func index(of name: String) -> Int? {
        let key = CSVLayout.normalize(Self.clean(name))
        return names.firstIndex { CSVLayout.normalize($0) == key }
    }

    /// A header cell as a name: footnote markers (`Month [1]`, `PCN Code [2, 3]`) removed, line
    /// breaks and runs of spaces made one space, ends trimmed.
    public static func clean(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        // Drop every `[digits, digits]` group (publications number their footnotes this way).
        var i = 0
        var kept: [Unicode.Scalar] = []
        while i < scalars.count {
            if scalars[i] == "[" {
                var j = i + 1
                var digits = 0
                while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == "," || scalars[j] == " " {
                    if ("0"..."9").contains(scalars[j]) { digits += 1 }
                    j += 1
                }
                if j < scalars.count, scalars[j] == "]", digits > 0 {
                    i = j + 1
                    continue
                }
            }
            kept.append(scalars[i])
            i += 1
        }
        scalars = kept
        var out = ""
        var pendingSpace = false
        for scalar in scalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.unicodeScalars.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
