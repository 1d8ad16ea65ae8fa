/// A file's header, resolved by name: each `CSVLayout.Column` found under any of its spellings
/// (compared after `CSVLayout.normalize`), empty and duplicate names refused with their column,
/// and a record of which columns were claimed, so the mapper can name what is missing and what
/// is unexpected. Shared by every mapper, so all of them read headers the same way.
///
/// A refused first line that holds data rather than names (no expected column found, and a
/// number or a date among its fields) is reported as a missing header: a header-less export's
/// `ALL,ALL` is not a "duplicate column".
struct HeaderColumns {
    let header: [String]
    let source: String
    private var positions: [String: Int] = [:]
    private(set) var used = Set<Int>()
    private(set) var missing: [String] = []
    /// The first empty or duplicate name, reported by `check` (after the columns were looked
    /// for, so a line of data can be told from a header with a slip in it).
    private var malformed: TransformError?

    init(_ header: [String], source: String) throws {
        self.header = header
        self.source = source
        for (i, name) in header.enumerated() {
            let key = CSVLayout.normalize(name)
            if key.isEmpty {
                malformed = malformed ?? TransformError(.header, file: source, line: 1, column: i + 1, "empty column name in the header")
                continue
            }
            if let first = positions[key] {
                malformed = malformed ?? TransformError(.header, file: source, line: 1, column: i + 1, "duplicate column \(TransformError.shown(name)) (also column \(first + 1))")
                continue
            }
            positions[key] = i
        }
    }

    /// The column's index, claiming it; nil (noted as missing when required) when absent.
    mutating func find(_ column: CSVLayout.Column) -> Int? {
        for spelling in column.spellings {
            if let index = positions[spelling] {
                used.insert(index)
                return index
            }
        }
        if column.required { missing.append(column.name) }
        return nil
    }

    /// Columns no `find` claimed, in header order.
    var unclaimed: [Int] { header.indices.filter { !used.contains($0) } }

    /// Refuses the header when a name is empty or repeated, a required column is missing or
    /// (`allowUnclaimed` false) a column is unexpected, naming them (the first ten unexpected,
    /// then how many more).
    func check(dataset: String, allowUnclaimed: Bool = false) throws {
        let unexpected = allowUnclaimed ? [] : unclaimed.map { header[$0] }
        guard malformed != nil || !missing.isEmpty || !unexpected.isEmpty else { return }
        if used.isEmpty, let sample = header.first(where: Self.looksLikeData) {
            throw TransformError(.header, file: source, line: 1,
                                 "the header row is missing: line 1 holds data (\(TransformError.shown(sample)) in column \(header.firstIndex(of: sample)! + 1)), not the \(dataset) column names")
        }
        if let malformed { throw malformed }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing " + missing.joined(separator: ", ")) }
        if !unexpected.isEmpty { parts.append("unexpected " + ShortList.text(unexpected.map(TransformError.shown), limit: 10)) }
        throw TransformError(.header, file: source, line: 1, "header does not match \(dataset): " + parts.joined(separator: "; "))
    }

    /// A number (`3827`, `-1.5`) or a date (`2025-10-01`, `01/10/2025`, `01OCT2025`): what a
    /// data row holds and a column name never is.
    static func looksLikeData(_ field: String) -> Bool {
        let text = field.trimmingSpaces
        guard let first = text.utf8.first, first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") || first == UInt8(ascii: "-") else { return false }
        if Double(text) != nil { return true }
        let digits = text.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
        return digits >= 4 && text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/")
            || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
    }
}
