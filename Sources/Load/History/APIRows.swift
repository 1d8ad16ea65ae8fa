import Transform

/// Rows of an `api` object for one period, current or as the publisher had them out on a date,
/// optionally for one organisation: what `pipeline show` prints.
public enum APIRows {
    public struct Table: Sendable {
        public let object: String
        public let columns: [String]
        public let rows: [[String?]]
    }

    /// The objects of `source` that read its datasets' current rows (the ones `show` can print).
    public static func objects(of source: any SourceDeclaration) -> [APIObject] {
        source.apiObjects.filter { object in
            guard case .current = object.rows else { return false }
            return object.columns.contains { $0.value == .period } && object.columns.contains { $0.value == .org }
        }
    }

    /// `period`: the period's first day; `org`: an organisation code, or nil for all.
    public static func read(_ warehouse: Warehouse, object: APIObject, period: CalendarDate, org: String?, asPublished: CalendarDate?) throws -> Table {
        let periodColumn = object.columns.first { $0.value == .period }!.name
        let orgColumn = object.columns.first { $0.value == .org }!.name
        let from = asPublished == nil ? "api.\(object.name)" : "api.\(object.name)_as_published($3::date)"
        let key = object.key.joined(separator: ", ")
        let result = try warehouse.connection.execute("""
            SELECT * FROM \(from) WHERE \(periodColumn) = $1::date AND ($2::text IS NULL OR \(orgColumn) = $2) ORDER BY \(key)
            """, [period.iso, org] + (asPublished.map { [$0.iso] } ?? []))
        let columns = (0..<result.columnCount).map { result.columnName($0) }
        let rows = (0..<result.rowCount).map { row in (0..<result.columnCount).map { result.string(row, $0) } }
        return Table(object: "api." + object.name, columns: columns, rows: rows)
    }
}
