/// A list of names for a one-line message: the first few, each cut to a sane length, then how
/// many more. An archive of 70,000 entries (or a page of as many links, or a header of a million
/// columns) must not make a 1 MB error line.
public enum ShortList {
    /// `a.csv, b.csv, c.csv and 69,997 more`; `none` for an empty list.
    public static func text(_ items: [String], limit: Int = 5, maxItemLength: Int = 100) -> String {
        guard !items.isEmpty else { return "none" }
        let shown = items.prefix(limit).map { item in
            item.count > maxItemLength ? String(item.prefix(maxItemLength)) + "…" : item
        }
        let rest = items.count - shown.count
        return shown.joined(separator: ", ") + (rest > 0 ? " and \(grouped(rest)) more" : "")
    }

    /// `69,997`.
    public static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
