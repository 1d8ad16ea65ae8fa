/// A file's header, resolved by name: each `CSVLayout.Column` found under any of its spellings
/// (compared after `CSVLayout.normalize`), empty and duplicate names refused with their column,
/// and a record of which columns were claimed, so the mapper can name what is missing and what
/// is unexpected. Shared by every mapper, so all of them read headers the same way.
struct HeaderColumns {
    let header: [String]
    let source: String
    private var positions: [String: Int] = [:]
    private(set) var used = Set<Int>()
    private(set) var missing: [String] = []

    init(_ header: [String], source: String) throws {
        self.header = header
        self.source = source
        for (i, name) in header.enumerated() {
            let key = CSVLayout.normalize(name)
            if key.isEmpty {
                throw TransformError(.header, file: source, line: 1, column: i + 1, "empty column name in the header")
            }
            if let first = positions[key] {
                throw TransformError(.header, file: source, line: 1, column: i + 1, "duplicate column \(TransformError.shown(name)) (also column \(first + 1))")
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

    /// Refuses the header when a required column is missing or (`allowUnclaimed` false) a
    /// column is unexpected, naming them all.
    func check(dataset: String, allowUnclaimed: Bool = false) throws {
        let unexpected = allowUnclaimed ? [] : unclaimed.map { header[$0] }
        guard !missing.isEmpty || !unexpected.isEmpty else { return }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing " + missing.joined(separator: ", ")) }
        if !unexpected.isEmpty { parts.append("unexpected " + unexpected.map(TransformError.shown).joined(separator: ", ")) }
        throw TransformError(.header, file: source, line: 1, "header does not match \(dataset): " + parts.joined(separator: "; "))
    }
}
