/// Published files that belong to a source, by name: globs (`*` any run, `?` one character)
/// compared case-insensitively with the URL-decoded file name. Names no family matches are
/// left alone (reports, PDFs, summary workbooks the loader does not read).
public struct FileFamily: Sendable, Equatable {
    /// What the file is, for listings (`practice totals`, `raw data zip`).
    public let name: String
    public let match: [String]
    /// The datasets files of this family may hold (an archive may hold several).
    public let datasets: [String]

    public init(_ name: String, match: [String], datasets: [String]) {
        self.name = name
        self.match = match
        self.datasets = datasets
    }

    public func matches(_ fileName: String) -> Bool {
        let name = fileName.lowercased()
        return match.contains { Glob.matches(pattern: $0.lowercased(), name) }
    }
}

/// `*` and `?` globs, linear in practice on file names.
public enum Glob {
    public static func matches(pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
