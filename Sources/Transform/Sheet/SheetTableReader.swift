/// Finds a sheet's header row by its content and hands on the data rows under it, so a source
/// can read a published table whose title rows, notes and header position change between
/// editions.
///
/// Feed it every row a sheet reader delivers. Within the first `search.withinRows` rows, the
/// first row that has a cell for every required name is the header. If the next non-empty row
/// holds nothing but sub-headings (`Count`, `%`), it is a second header row and the names are
/// joined with the group heading above (carried across merged cells). Every later row goes to
/// the caller, padded to the header's width, except those `search.skip` rejects (a national
/// total row above the practice rows, notes under the table).
public final class SheetTableReader {
    /// What the header looks like.
    public struct Search: Sendable {
        /// Column names the header must have (cleaned and normalised before comparing).
        public var required: [String]
        /// How many sheet rows from the top to look in.
        public var withinRows: Int
        /// Texts that make a row under the header a second header row (compared case-insensitively).
        public var subHeadings: Set<String>
        /// Rows under the header to leave out (a total row; blank-key rows).
        public var skip: (@Sendable (CSVRecord, SheetHeader) -> Bool)?

        public init(required: [String], withinRows: Int = 50, subHeadings: Set<String> = [],
                    skip: (@Sendable (CSVRecord, SheetHeader) -> Bool)? = nil) {
            self.required = required
            self.withinRows = withinRows
            self.subHeadings = Set(subHeadings.map { SheetHeader.clean($0).lowercased() })
            self.skip = skip
        }
    }

    public let search: Search
    public let file: String
    public let sheet: String
    /// The header, once found and settled (after the row that might be a second header row).
    public private(set) var header: SheetHeader?
    private var candidate: (row: Int, cells: [String])?
    private let requiredKeys: [String]
    private var padded: UnsafeMutablePointer<Int>?
    private var paddedCapacity = 0

    public init(search: Search, file: String, sheet: String) {
        self.search = search
        self.file = file
        self.sheet = sheet
        requiredKeys = search.required.map { CSVLayout.normalize(SheetHeader.clean($0)) }
    }

    deinit { padded?.deallocate() }

    /// Takes the next row. `onHeader` is called once, when the header is settled (an error it
    /// throws about a header line is placed on the header row); `onRow` with each data row.
    public func feed(_ record: CSVRecord, onHeader: (SheetHeader) throws -> Void,
                              onRow: (CSVRecord) throws -> Void) throws {
        if let header {
            let row = widened(record, to: header.names.count)
            if let skip = search.skip, skip(row, header) { return }
            try onRow(row)
            return
        }
        if let candidate {
            let cells = record.strings
            let isSubHeading = cells.contains { !$0.isEmpty }
                && cells.allSatisfy { $0.isEmpty || search.subHeadings.contains(SheetHeader.clean($0).lowercased()) }
            if isSubHeading {
                try settle(SheetHeader(row: candidate.row, subRow: record.line, names: Self.joined(candidate.cells, cells)), onHeader)
                return
            }
            try settle(SheetHeader(row: candidate.row, subRow: nil, names: candidate.cells.map(SheetHeader.clean)), onHeader)
            try feed(record, onHeader: onHeader, onRow: onRow)
            return
        }
        guard record.line <= search.withinRows else {
            throw notFound()
        }
        let cells = record.strings
        let keys = Set(cells.map { CSVLayout.normalize(SheetHeader.clean($0)) })
        if requiredKeys.allSatisfy(keys.contains) {
            candidate = (record.line, cells)
        }
    }

    /// Call after the last row: settles a header that was the last row, refuses a sheet
    /// without one.
    public func finish(onHeader: (SheetHeader) throws -> Void) throws {
        if header != nil { return }
        guard let candidate else { throw notFound() }
        try settle(SheetHeader(row: candidate.row, subRow: nil, names: candidate.cells.map(SheetHeader.clean)), onHeader)
    }

    private func settle(_ found: SheetHeader, _ onHeader: (SheetHeader) throws -> Void) throws {
        header = found
        candidate = nil
        do {
            try onHeader(found)
        } catch let error as TransformError where error.sheet == nil && error.file == file {
            // Header checks (HeaderColumns) speak of line 1, the header line of a CSV.
            throw TransformError(error.code, file: file, sheet: sheet, row: error.line == nil ? nil : found.row, column: error.column, error.reason)
        }
    }

    private func notFound() -> TransformError {
        TransformError(.header, file: file, sheet: sheet,
                       "no header row with \(search.required.map(TransformError.shown).joined(separator: ", ")) in the first \(search.withinRows) rows")
    }

    /// Group headings carried right across empty (merged) cells, joined with the sub-headings.
    static func joined(_ top: [String], _ sub: [String]) -> [String] {
        var names: [String] = []
        var group = ""
        for i in 0..<max(top.count, sub.count) {
            let heading = i < top.count ? SheetHeader.clean(top[i]) : ""
            let subHeading = i < sub.count ? SheetHeader.clean(sub[i]) : ""
            if !heading.isEmpty { group = heading }
            if subHeading.isEmpty {
                names.append(heading)
                group = heading.isEmpty ? "" : group
            } else {
                names.append(group.isEmpty ? subHeading : group + " " + subHeading)
            }
        }
        return names
    }

    /// `record` with at least `width` fields (a sheet row stops at its last value).
    private func widened(_ record: CSVRecord, to width: Int) -> CSVRecord {
        guard record.count < width else { return record }
        if paddedCapacity < width {
            padded?.deallocate()
            padded = .allocate(capacity: width)
            paddedCapacity = width
        }
        let ends = padded!
        let last = record.count == 0 ? 0 : record.ends[record.count - 1]
        for i in 0..<width { ends[i] = i < record.count ? record.ends[i] : last }
        return CSVRecord(line: record.line, count: width, storage: record.storage, ends: UnsafePointer(ends))
    }
}
