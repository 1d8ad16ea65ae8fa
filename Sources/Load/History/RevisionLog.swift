import Foundation
import Transform

/// One line of the revision log.
public struct RevisionRecord: Sendable {
    public var revision: Int64
    public var source: String
    public var dataset: String
    public var period: String
    public var file: String
    public var sha256: String
    public var size: Int64
    public var published: String
    public var loadedAt: String
    public var loadedBy: String
    public var rows: Int
    public var added: Int
    public var changed: Int
    public var removed: Int
    public var unchanged: Int
    public var status: String
    public var rolledBackAt: String?
    public var rolledBackBy: String?
    public var step: Int?
    public var inputs: [String]
    public var url: String?
    public var page: String?
    public var etag: String?
    public var lastModified: String?
    public var fetchedAt: String?
    public var run: Int64?

    /// The record as an ordered JSON object (keys as `pipeline revisions --json` documents them).
    public var json: JSONText.Value {
        .object([
            ("revision", .int(Int(revision))), ("source", .string(source)), ("dataset", .string(dataset)),
            ("period", .string(period)), ("file", .string(file)), ("sha256", .string(sha256)), ("size", .int(Int(size))),
            ("published", .string(published)), ("loaded_at", .string(loadedAt)), ("loaded_by", .string(loadedBy)),
            ("rows", .int(rows)), ("added", .int(added)), ("changed", .int(changed)), ("removed", .int(removed)),
            ("unchanged", .int(unchanged)), ("status", .string(status)),
            ("rolled_back_at", .optional(rolledBackAt)), ("rolled_back_by", .optional(rolledBackBy)),
            ("inputs", .array(inputs.map { .string($0) })), ("url", .optional(url)), ("page", .optional(page)),
            ("etag", .optional(etag)), ("last_modified", .optional(lastModified)), ("fetched_at", .optional(fetchedAt)),
            ("run", run.map { .int(Int($0)) } ?? .null),
        ])
    }
}

/// Reads the revision log.
public enum RevisionLog {
    /// Revisions, oldest first, optionally for one source, period (first day) or dataset.
    public static func list(_ warehouse: Warehouse, source: String? = nil, period: String? = nil, dataset: String? = nil) throws -> [RevisionRecord] {
        let result = try warehouse.connection.execute("""
            SELECT revision, source, dataset, period::text, file, sha256, size, published::text,
                   to_char(loaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), loaded_by, rows, added, changed, removed, unchanged,
                   status, to_char(rolled_back_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), rolled_back_by, step,
                   array_to_json(inputs)::text, url, page, etag, last_modified,
                   to_char(fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), run_id
            FROM etl.revision_log
            WHERE ($1::text IS NULL OR source = $1) AND ($2::date IS NULL OR period = $2::date) AND ($3::text IS NULL OR dataset = $3)
            ORDER BY revision
            """, [source, period, dataset])
        return (0..<result.rowCount).map { i in
            let inputs = (try? JSONDecoder().decode([String].self, from: Data((result.string(i, 19) ?? "[]").utf8))) ?? []
            return RevisionRecord(
                revision: Int64(result.string(i, 0)!)!, source: result.string(i, 1)!, dataset: result.string(i, 2)!,
                period: result.string(i, 3)!, file: result.string(i, 4)!, sha256: result.string(i, 5)!,
                size: Int64(result.string(i, 6)!)!, published: result.string(i, 7)!, loadedAt: result.string(i, 8)!,
                loadedBy: result.string(i, 9)!, rows: result.int(i, 10)!, added: result.int(i, 11)!, changed: result.int(i, 12)!,
                removed: result.int(i, 13)!, unchanged: result.int(i, 14)!, status: result.string(i, 15)!,
                rolledBackAt: result.string(i, 16), rolledBackBy: result.string(i, 17), step: result.int(i, 18), inputs: inputs,
                url: result.string(i, 20), page: result.string(i, 21), etag: result.string(i, 22), lastModified: result.string(i, 23),
                fetchedAt: result.string(i, 24), run: result.string(i, 25).flatMap { Int64($0) })
        }
    }
}
