import Foundation
import Transform

/// One invocation of the pipeline, as `pipeline runs` shows it.
public struct RunRecord: Sendable {
    public var run: Int64
    public var command: String
    public var arguments: [String]
    public var startedAt: String
    public var finishedAt: String?
    /// `ok`, `nothing_new`, `refused`, `failed`, `cancelled`, or `running` while it runs. A run
    /// whose process died without saying how it ended is reported as `failed` (its error says so).
    public var outcome: String
    public var error: String?
    public var counts: [String: Int]
    public var host: String?
    public var user: String?

    public var json: JSONText.Value {
        .object([
            ("run", .int(Int(run))), ("started_at", .string(startedAt)), ("finished_at", .optional(finishedAt)),
            ("command", .string(command)), ("outcome", .string(outcome)),
            ("counts", .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("error", .optional(error)), ("arguments", .array(arguments.map { .string($0) })),
            ("host", .optional(host)), ("user", .optional(user)),
        ])
    }
}

/// Reads `etl.runs`.
public enum RunLog {
    /// The newest `limit` runs, newest first.
    public static func recent(_ warehouse: Warehouse, limit: Int) throws -> [RunRecord] {
        let result = try warehouse.connection.execute("""
            SELECT run_id, command, array_to_json(arguments)::text,
                   to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   outcome, error, counts::text, host, os_user
            FROM etl.runs
            ORDER BY run_id DESC
            LIMIT $1::int
            """, [String(limit)])
        return (0..<result.rowCount).map { i in
            let outcome = result.string(i, 5)!
            return RunRecord(
                run: Int64(result.string(i, 0)!)!, command: result.string(i, 1)!,
                arguments: decode([String].self, result.string(i, 2)) ?? [],
                startedAt: result.string(i, 3)!, finishedAt: result.string(i, 4),
                outcome: outcome == "abandoned" ? "failed" : outcome, error: result.string(i, 6),
                counts: decode([String: Int].self, result.string(i, 7)) ?? [:],
                host: result.string(i, 8), user: result.string(i, 9))
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        text.flatMap { try? JSONDecoder().decode(type, from: Data($0.utf8)) }
    }
}
