import Foundation
import Transform

/// What the warehouse knows about one source: the newest period it serves and the last time a
/// run looked for new editions. The schedule (`refresh --due`, `pipeline sources`) is computed
/// from this and the source's cadence.
public struct SourceState: Sendable {
    public var source: String
    /// The newest period with a current revision, and that period's newest current revision.
    public var newestPeriod: CalendarDate?
    public var newestRevision: Int64?
    public var lastCheck: SourceCheck?

    public init(source: String) { self.source = source }
}

/// One look at a source by a run: what edition it found and how it ended.
public struct SourceCheck: Sendable {
    public var run: Int64?
    public var checkedAt: Date
    public var period: CalendarDate?
    /// `ok`, `nothing_new`, `not_yet_published`, `refused`, `failed`, `cancelled`.
    public var outcome: String
    public var error: String?

    public init(run: Int64?, checkedAt: Date, period: CalendarDate?, outcome: String, error: String?) {
        self.run = run
        self.checkedAt = checkedAt
        self.period = period
        self.outcome = outcome
        self.error = error
    }

    /// True when a person should look (the last attempt was refused or failed).
    public var isFailing: Bool { outcome == "refused" || outcome == "failed" }
}

public enum SourceStates {
    /// The state of each named source (every name gets an entry, loaded or not).
    public static func read(_ warehouse: Warehouse, sources: [String]) throws -> [String: SourceState] {
        var states: [String: SourceState] = [:]
        for name in sources { states[name] = SourceState(source: name) }
        let loaded = try warehouse.connection.execute("""
            SELECT DISTINCT ON (source) source, period::text, max(current_revision) OVER (PARTITION BY source, period)
            FROM etl.scopes
            WHERE current_revision IS NOT NULL AND source = ANY($1::text[])
            ORDER BY source, period DESC
            """, [PGArray.literal(sources)])
        for i in 0..<loaded.rowCount {
            let name = loaded.string(i, 0)!
            states[name]?.newestPeriod = CalendarDate(iso: loaded.string(i, 1)!)
            states[name]?.newestRevision = loaded.string(i, 2).flatMap { Int64($0) }
        }
        let checks = try warehouse.connection.execute("""
            SELECT DISTINCT ON (source) source, run_id, extract(epoch FROM checked_at)::float8::text, period::text, outcome, error
            FROM etl.source_checks
            WHERE source = ANY($1::text[])
            ORDER BY source, checked_at DESC, check_id DESC
            """, [PGArray.literal(sources)])
        for i in 0..<checks.rowCount {
            let name = checks.string(i, 0)!
            states[name]?.lastCheck = SourceCheck(
                run: checks.string(i, 1).flatMap { Int64($0) },
                checkedAt: Date(timeIntervalSince1970: Double(checks.string(i, 2)!) ?? 0),
                period: checks.string(i, 3).flatMap { CalendarDate(iso: $0) },
                outcome: checks.string(i, 4)!, error: checks.string(i, 5))
        }
        return states
    }

    /// Records one look at a source, outside any load transaction (so failures are kept too).
    public static func record(_ warehouse: Warehouse, source: String, at time: Date, period: CalendarDate?, outcome: String,
                              error: String?, counts: [String: Int]) {
        warehouse.connection.rollbackQuietly()
        let json = Warehouse.countsJSON(counts)
        _ = try? warehouse.connection.execute("""
            INSERT INTO etl.source_checks (source, run_id, checked_at, period, outcome, error, counts)
            VALUES ($1, $2::bigint, to_timestamp($3::float8), $4::date, $5, $6, $7::jsonb)
            """, [source, warehouse.runID.map { String($0) }, String(time.timeIntervalSince1970), period?.iso, outcome, error, json])
    }

    /// URLs of files already recorded for a source (for `backfill --dry-run`).
    public static func knownURLs(_ warehouse: Warehouse, source: String, urls: [String]) throws -> Set<String> {
        let result = try warehouse.connection.execute(
            "SELECT url FROM etl.files WHERE source = $1 AND url = ANY($2::text[])", [source, PGArray.literal(urls)])
        return Set((0..<result.rowCount).compactMap { result.string($0, 0) })
    }
}
