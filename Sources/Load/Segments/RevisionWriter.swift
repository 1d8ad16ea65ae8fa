import Foundation
import Transform

/// A file given to a load, as the revision log records it.
public struct InputFile: Sendable {
    /// The name shown in the log (a file name or URL's last component).
    public var name: String
    public var sha256: String
    public var size: Int64
    /// The file's own date (zip entry time, file modification time, HTTP Last-Modified).
    public var published: CalendarDate?
    public var url: String?
    public var page: String?
    public var etag: String?
    public var lastModified: String?
    public var fetchedAt: Date?

    public init(name: String, sha256: String, size: Int64, published: CalendarDate?, url: String? = nil,
                page: String? = nil, etag: String? = nil, lastModified: String? = nil, fetchedAt: Date? = nil) {
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.published = published
        self.url = url
        self.page = page
        self.etag = etag
        self.lastModified = lastModified
        self.fetchedAt = fetchedAt
    }
}

/// What a load did to one revision scope (a dataset and period).
public struct ScopeOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// A new revision that is now current.
        case current
        /// A new revision recorded but not current (published before the current one).
        case recorded
        /// The edition's content equals the current one: nothing written.
        case unchanged
    }

    public var source: String
    public var dataset: String
    public var period: ReportingPeriod
    public var status: Status
    public var revision: Int64?
    public var rows: Int
    public var added: Int
    public var changed: Int
    public var removed: Int
    public var unchanged: Int
}

/// Options for one publication load.
public struct LoadOptions: Sendable {
    public var dryRun: Bool
    /// Overrides every input's own date.
    public var published: CalendarDate?
    /// Who is loading, for the log.
    public var actor: String
    /// Checked between segments; when it returns true the load stops and rolls back.
    public var isCancelled: @Sendable () -> Bool

    public init(dryRun: Bool = false, published: CalendarDate? = nil, actor: String = Actor.description,
                isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.dryRun = dryRun
        self.published = published
        self.actor = actor
        self.isCancelled = isCancelled
    }
}

/// Writes one publication (one or more files) as revisions, in one transaction.
///
/// Segments arrive one at a time (`accept`). For each scope the writer fetches the current
/// segments' hashes once; a segment whose hash matches is counted as unchanged and never sent;
/// others are COPYed into a session-private staging table. `finish` counts added, changed,
/// removed and unchanged rows exactly, then either makes the edition current (closing the
/// segments it replaces at a new step) or, when it was published before the current edition,
/// records it as detached content. Nothing is visible to readers until COMMIT.
public final class RevisionWriter {
    private let warehouse: Warehouse
    private let connection: PGConnection
    private let source: String
    private let options: LoadOptions
    private var scopes: [ScopeKey: ScopeState] = [:]
    private var scopeOrder: [ScopeKey] = []
    private var copy: (target: String, writer: CopyWriter)?
    private var stagingCreated = Set<String>()
    private var inputs: [(name: String, header: [String])] = []
    private var open = true
    /// Bytes of segment data sent to the server so far (for progress).
    public private(set) var bytesSent = 0

    private struct ScopeKey: Hashable {
        let dataset: String
        let period: ReportingPeriod
    }

    private final class ScopeState {
        let spec: DatasetSpec
        let period: ReportingPeriod
        let scopeID: Int
        let currentStep: Int
        let currentRevision: Int64?
        let currentPublished: CalendarDate?
        var current: [String: (hash: String, rows: Int)]
        var seen: [String: Int] = [:]          // org -> input index
        var inputs = Set<Int>()
        var unchangedRows = 0
        var stagedSegments = 0
        var rows = 0
        /// A first edition (no current revision): segments go straight into the segment table
        /// under this pre-allocated revision id and step, with nothing to compare.
        var direct: (revision: Int64, step: Int)?

        init(spec: DatasetSpec, period: ReportingPeriod, scopeID: Int, currentStep: Int, currentRevision: Int64?,
             currentPublished: CalendarDate?, current: [String: (hash: String, rows: Int)]) {
            self.spec = spec
            self.period = period
            self.scopeID = scopeID
            self.currentStep = currentStep
            self.currentRevision = currentRevision
            self.currentPublished = currentPublished
            self.current = current
        }
    }

    public init(warehouse: Warehouse, source: String, options: LoadOptions) throws {
        self.warehouse = warehouse
        self.connection = warehouse.connection
        self.source = source
        self.options = options
        try connection.execute("BEGIN")
    }

    deinit { if open { abort() } }

    /// Registers an input (a CSV file or archive entry) and returns its index for `accept`.
    public func addInput(name: String, header: [String]) -> Int {
        inputs.append((name, header))
        return inputs.count - 1
    }

    /// Takes one segment read from input `input`.
    public func accept(_ segment: Segment, input: Int) throws {
        if options.isCancelled() { throw LoadError(.cancelled, "cancelled") }
        let key = ScopeKey(dataset: segment.spec.id, period: segment.period)
        let scope = try scopes[key] ?? openScope(key, spec: segment.spec)
        if let other = scope.seen[segment.org] {
            throw TransformError(
                .duplicateKey, file: inputs[input].name, line: Int(segment.lines[0]),
                "\(segment.org) for \(segment.period.label) is also in \(inputs[other].name)")
        }
        scope.seen[segment.org] = input
        scope.inputs.insert(input)
        scope.rows += segment.rowCount
        if let current = scope.current[segment.org], current.hash == SHA256.hex(segment.hash) {
            scope.unchangedRows += segment.rowCount
            return
        }
        let table = SegmentTable(segment.spec)
        if let direct = scope.direct {
            let writer = try copyWriter(target: "data." + table.spec.table, sql: table.copyIntoTable)
            try table.writeDirect(segment, scopeID: scope.scopeID, step: direct.step, revision: direct.revision, to: writer)
        } else {
            if !stagingCreated.contains(table.spec.table) {
                try endCopy()
                try connection.execute(table.createStaging)
                stagingCreated.insert(table.spec.table)
            }
            let writer = try copyWriter(target: table.staging, sql: table.copyIntoStaging)
            try table.write(segment, scopeID: scope.scopeID, to: writer)
        }
        scope.stagedSegments += 1
    }

    private func copyWriter(target: String, sql: String) throws -> CopyWriter {
        if let copy, copy.target == target { return copy.writer }
        try endCopy()
        let writer = try connection.startCopy(sql)
        copy = (target, writer)
        return writer
    }

    private func endCopy() throws {
        guard let active = copy else { return }
        copy = nil
        bytesSent += active.writer.bytesSent
        _ = try active.writer.finish()
    }

    private func openScope(_ key: ScopeKey, spec: DatasetSpec) throws -> ScopeState {
        try endCopy()
        try connection.execute("""
            INSERT INTO etl.scopes (source, dataset, period, period_kind) VALUES ($1, $2, $3::date, $4)
            ON CONFLICT (dataset, period) DO NOTHING
            """, [spec.source, spec.id, key.period.start.iso, spec.periodKind.rawValue])
        let row = try connection.execute("""
            SELECT s.scope_id, s.current_step, s.current_revision, r.published
            FROM etl.scopes s LEFT JOIN etl.revisions r ON r.revision_id = s.current_revision
            WHERE s.dataset = $1 AND s.period = $2::date
            FOR UPDATE OF s
            """, [spec.id, key.period.start.iso])
        let scopeID = row.int(0, 0)!
        let hashes = try connection.execute(SegmentTable(spec).currentHashes, [String(scopeID)])
        var current: [String: (hash: String, rows: Int)] = [:]
        current.reserveCapacity(hashes.rowCount)
        for i in 0..<hashes.rowCount {
            current[hashes.string(i, 0)!] = (hashes.string(i, 1)!, hashes.int(i, 2)!)
        }
        let state = ScopeState(
            spec: spec, period: key.period, scopeID: scopeID, currentStep: row.int(0, 1)!,
            currentRevision: row.string(0, 2).flatMap { Int64($0) },
            currentPublished: row.string(0, 3).flatMap { CalendarDate(iso: $0) }, current: current)
        if state.currentRevision == nil {
            let id = try connection.execute("SELECT nextval(pg_catalog.pg_get_serial_sequence('etl.revisions', 'revision_id'))")
            state.direct = (Int64(id.string(0, 0)!)!, state.currentStep + 1)
        }
        scopes[key] = state
        scopeOrder.append(key)
        return state
    }

    /// Records the files, writes a revision for every scope whose content changed, and commits
    /// (rolls back instead under `dryRun`). `files[i]` describes the file input `i` came from;
    /// scopes fed only by files already recorded for this source are left alone.
    public func finish(files: [Int: InputFile]) throws -> [ScopeOutcome] {
        try endCopy()
        try refreshStatistics()
        var fileIDs: [Int: Int64] = [:]
        var alreadyKnown = Set<Int>()
        var idBySHA: [String: (Int64, Bool)] = [:]
        for (input, file) in files.sorted(by: { $0.key < $1.key }) {
            if let known = idBySHA[file.sha256] {
                fileIDs[input] = known.0
                if known.1 { alreadyKnown.insert(input) }
                continue
            }
            let existing = try connection.execute(
                "SELECT file_id FROM etl.files WHERE source = $1 AND sha256 = $2", [source, file.sha256])
            if existing.rowCount == 1 {
                let id = Int64(existing.string(0, 0)!)!
                fileIDs[input] = id
                alreadyKnown.insert(input)
                idBySHA[file.sha256] = (id, true)
                continue
            }
            let inserted = try connection.execute("""
                INSERT INTO etl.files (source, sha256, name, size, published, url, page, etag, last_modified, fetched_at, run_id)
                VALUES ($1, $2, $3, $4::bigint, $5::date, $6, $7, $8, $9, $10::timestamptz, $11::bigint) RETURNING file_id
                """, [source, file.sha256, file.name, String(file.size), file.published?.iso, file.url, file.page, file.etag,
                      file.lastModified, file.fetchedAt.map(ISO8601.string), warehouse.runID.map { String($0) }])
            let id = Int64(inserted.string(0, 0)!)!
            fileIDs[input] = id
            idBySHA[file.sha256] = (id, false)
        }

        var outcomes: [ScopeOutcome] = []
        let ordered = scopeOrder.sorted { ($0.dataset, $0.period) < ($1.dataset, $1.period) }
        for key in ordered {
            let scope = scopes[key]!
            if options.isCancelled() { throw LoadError(.cancelled, "cancelled") }
            outcomes.append(try finishScope(scope, files: files, fileIDs: fileIDs, alreadyKnown: alreadyKnown))
        }
        if options.dryRun {
            connection.rollbackQuietly()
        } else {
            try connection.execute("COMMIT")
        }
        open = false
        return outcomes
    }

    private func finishScope(_ scope: ScopeState, files: [Int: InputFile], fileIDs: [Int: Int64], alreadyKnown: Set<Int>) throws -> ScopeOutcome {
        let spec = scope.spec
        let table = SegmentTable(spec)
        var outcome = ScopeOutcome(
            source: spec.source, dataset: spec.id, period: scope.period, status: .unchanged, revision: nil,
            rows: scope.rows, added: 0, changed: 0, removed: 0, unchanged: scope.rows)
        let removedOrgs = scope.current.keys.filter { scope.seen[$0] == nil }.sorted()
        if scope.inputs.isSubset(of: alreadyKnown) {
            if let direct = scope.direct {
                try connection.execute(table.deleteDirect, [String(scope.scopeID), String(direct.revision)])
            }
            return outcome
        }
        if let direct = scope.direct {
            return try finishFirstEdition(scope, direct: direct, files: files, fileIDs: fileIDs, outcome: outcome)
        }
        if scope.stagedSegments == 0 && removedOrgs.isEmpty { return outcome }

        let scopeParameter = [String(scope.scopeID)]
        var added = 0, changed = 0, removed = 0, unchanged = scope.unchangedRows
        if scope.stagedSegments > 0 {
            let counts = try connection.execute(table.countStagedChanges, scopeParameter)
            added = counts.int(0, 0)!
            changed = counts.int(0, 1)!
            removed = counts.int(0, 2)!
            unchanged += counts.int(0, 3)!
        }
        removed += removedOrgs.reduce(0) { $0 + (scope.current[$1]?.rows ?? 0) }

        let contributing = scope.inputs.sorted()
        let published = options.published
            ?? contributing.compactMap { files[$0]?.published }.max()
            ?? Self.today
        let becomesCurrent = scope.currentRevision == nil || published >= (scope.currentPublished ?? published)
        let revision = try insertRevision(id: nil, scope: scope, fileID: fileIDs[contributing[0]]!, contributing: contributing,
                                          published: published, added: added, changed: changed, removed: removed, unchanged: unchanged)
        let removedLiteral = PGArray.literal(removedOrgs)

        if becomesCurrent {
            let step = scope.currentStep + 1
            try connection.execute(table.closeReplaced, [String(scope.scopeID), String(step)])
            if !removedOrgs.isEmpty {
                try connection.execute(table.closeRemoved, [String(scope.scopeID), String(step), removedLiteral])
            }
            try connection.execute(table.insertStaged, [String(scope.scopeID), spec.id, scope.period.start.iso, String(step), String(revision)])
            try activate(scopeID: scope.scopeID, step: step, revision: revision, reason: "load")
            try Enrichment.afterActivation(of: spec, scopeID: scope.scopeID, period: scope.period, on: connection)
            outcome.status = .current
        } else {
            try connection.execute(table.insertDetachedStaged, [String(scope.scopeID), spec.id, scope.period.start.iso, String(revision)])
            try connection.execute(table.insertDetachedUnchanged, [String(scope.scopeID), String(revision), removedLiteral])
            outcome.status = .recorded
        }
        outcome.revision = revision
        outcome.added = added
        outcome.changed = changed
        outcome.removed = removed
        outcome.unchanged = unchanged
        return outcome
    }

    /// Gives the planner true row counts before the set-based statements run. Temp tables are
    /// never analyzed by autovacuum, and a segment table that a previous load just filled has no
    /// statistics yet: without this, the planner believes "1 row" and picks nested loops that
    /// compare every staged segment with every current one (seconds become minutes).
    private func refreshStatistics() throws {
        for table in stagingCreated.sorted() {
            // Only the join columns: statistics on the row arrays cost seconds and help nothing.
            try connection.execute("ANALYZE pg_temp.staging_\(table) (scope_id, org)")
            let stats = try connection.execute("""
                SELECT n_live_tup, n_mod_since_analyze, (last_analyze IS NULL AND last_autoanalyze IS NULL)
                FROM pg_catalog.pg_stat_user_tables WHERE schemaname = 'data' AND relname = $1
                """, [table])
            guard stats.rowCount == 1 else { continue }
            let live = stats.int(0, 0) ?? 0, modified = stats.int(0, 1) ?? 0, never = stats.bool(0, 2) ?? true
            if (never && live + modified > 0) || modified > live / 10 + 1000 {
                try connection.execute("ANALYZE data.\(table) (scope_id, org, valid_to, period)")
            }
        }
    }

    /// A first edition, already written to the segment table: every row is added.
    private func finishFirstEdition(_ scope: ScopeState, direct: (revision: Int64, step: Int), files: [Int: InputFile],
                                    fileIDs: [Int: Int64], outcome: ScopeOutcome) throws -> ScopeOutcome {
        var outcome = outcome
        let contributing = scope.inputs.sorted()
        let published = options.published ?? contributing.compactMap { files[$0]?.published }.max() ?? Self.today
        try insertRevision(id: direct.revision, scope: scope, fileID: fileIDs[contributing[0]]!, contributing: contributing,
                           published: published, added: scope.rows, changed: 0, removed: 0, unchanged: 0)
        try activate(scopeID: scope.scopeID, step: direct.step, revision: direct.revision, reason: "load")
        try Enrichment.afterActivation(of: scope.spec, scopeID: scope.scopeID, period: scope.period, on: connection)
        outcome.status = .current
        outcome.revision = direct.revision
        outcome.added = scope.rows
        outcome.unchanged = 0
        return outcome
    }

    @discardableResult
    private func insertRevision(id: Int64?, scope: ScopeState, fileID: Int64, contributing: [Int], published: CalendarDate,
                                added: Int, changed: Int, removed: Int, unchanged: Int) throws -> Int64 {
        let spec = scope.spec
        let row = try connection.execute("""
            INSERT INTO etl.revisions (revision_id, scope_id, source, dataset, period, file_id, inputs, header, published, loaded_by, run_id,
                                       rows, added, changed, removed, unchanged)
            VALUES (coalesce($16::bigint, nextval(pg_catalog.pg_get_serial_sequence('etl.revisions', 'revision_id'))),
                    $1::int, $2, $3, $4::date, $5::bigint, $6::text[], $7::text[], $8::date, $9, $10::bigint,
                    $11::int, $12::int, $13::int, $14::int, $15::int)
            RETURNING revision_id
            """, [String(scope.scopeID), spec.source, spec.id, scope.period.start.iso, String(fileID),
                  PGArray.literal(contributing.map { inputs[$0].name }), PGArray.literal(inputs[contributing[0]].header),
                  published.iso, options.actor, warehouse.runID.map { String($0) },
                  String(scope.rows), String(added), String(changed), String(removed), String(unchanged), id.map { String($0) }])
        return Int64(row.string(0, 0)!)!
    }

    /// Moves the scope's current pointer to `revision` at `step` and logs the step.
    private func activate(scopeID: Int, step: Int, revision: Int64, reason: String) throws {
        try connection.execute("""
            INSERT INTO etl.steps (scope_id, step, revision_id, actor, reason, run_id) VALUES ($1::int, $2::int, $3::bigint, $4, $5, $6::bigint)
            """, [String(scopeID), String(step), String(revision), options.actor, reason, warehouse.runID.map { String($0) }])
        try connection.execute("UPDATE etl.scopes SET current_step = $2::int, current_revision = $3::bigint WHERE scope_id = $1::int",
                               [String(scopeID), String(step), String(revision)])
        try connection.execute("UPDATE etl.revisions SET step = $2::int WHERE revision_id = $1::bigint", [String(revision), String(step)])
    }

    /// Abandons the load: aborts any COPY and rolls back. Nothing of it remains.
    public func abort() {
        if let active = copy {
            copy = nil
            _ = active
            connection.abortCopy(reason: "load abandoned")
        }
        connection.rollbackQuietly()
        open = false
    }

    static var today: CalendarDate {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
    }
}

enum ISO8601 {
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
