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
    /// A web API item's change marker (Fingertips' `DataChange.LastUploadedAt`), kept with the
    /// bytes it came with in `etl.change_markers`.
    public var changeMarker: String?

    public init(name: String, sha256: String, size: Int64, published: CalendarDate?, url: String? = nil,
                page: String? = nil, etag: String? = nil, lastModified: String? = nil, fetchedAt: Date? = nil,
                changeMarker: String? = nil) {
        self.changeMarker = changeMarker
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
        /// The same file was loaded before: nothing written.
        case knownFile = "known_file"
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
    /// The quality gate's verdict for a new revision of a gated dataset (`passed against …`,
    /// `accepted: …`, `no comparable edition`); nil when the dataset has no gate or nothing was written.
    public var gate: String? = nil
}

/// Options for one publication load.
public struct LoadOptions: Sendable {
    public var dryRun: Bool
    /// Compare files already loaded against the current revision again instead of skipping
    /// them (after a parser fix; `backfill --force`). Identical content still writes nothing.
    public var force: Bool
    /// Overrides every input's own date.
    public var published: CalendarDate?
    /// Who is loading, for the log.
    public var actor: String
    /// Checked between segments; when it returns true the load stops and rolls back.
    public var isCancelled: @Sendable () -> Bool
    /// Load an edition that fails its dataset's quality gate (the breach is still recorded).
    public var acceptAnomalies: Bool
    /// The publication page's key facts (figure, caption), for datasets that reconcile to one.
    public var keyFacts: [(figure: String, caption: String)] = []

    public init(dryRun: Bool = false, force: Bool = false, published: CalendarDate? = nil, actor: String = Actor.description,
                acceptAnomalies: Bool = false, isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.acceptAnomalies = acceptAnomalies
        self.dryRun = dryRun
        self.force = force
        self.published = published
        self.actor = actor
        self.isCancelled = isCancelled
    }
}

/// Writes one publication (one or more files) as revisions, in one transaction.
///
/// Segments arrive one at a time (`accept`). For each scope the writer fetches the current
/// segments' hashes once; a segment whose hash matches is counted as unchanged and never sent.
/// Others are COPYed straight into the segment table under a pre-allocated revision: as current
/// from the next step (the deferred `one_current` constraint lets old and new coexist until the
/// old ones are closed, before commit), or, for an edition published before the current one, as
/// detached content. `finish` counts added, changed, removed and unchanged rows exactly, closes
/// what the new edition replaced and commits. Nothing is visible to readers until COMMIT.
public final class RevisionWriter {
    private let warehouse: Warehouse
    private let connection: PGConnection
    private let source: String
    private let options: LoadOptions
    private var scopes: [ScopeKey: ScopeState] = [:]
    private var scopeOrder: [ScopeKey] = []
    private var copy: (table: String, writer: BinaryCopyWriter)?
    private var inputs: [(name: String, header: [String], published: CalendarDate)] = []
    private var open = true
    /// Bytes of segment data sent to the server so far (for progress).
    public private(set) var bytesSent = 0
    private var checkpoints = 0
    /// Hierarchy lookups by source dataset and period, shared by the scopes of one load that
    /// fill from the same map for the same period (a month's four list-size datasets).
    private var hierarchyLookups: [String: [String: [String?]]] = [:]

    fileprivate struct ScopeKey: Hashable {
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
        let current: [String: CurrentSegment]
        /// The revision this load writes, allocated when the scope is first met.
        let revision: Int64
        /// The edition becomes current (at `currentStep + 1`) rather than detached.
        let becomesCurrent: Bool
        let published: CalendarDate
        var seen: [String: Int] = [:]          // org -> input index
        var inputs = Set<Int>()
        var unchangedRows = 0
        var writtenSegments = 0
        var rows = 0
        /// Rows of written segments whose organisation had no current segment.
        var addedRows = 0
        /// Organisations whose written segment replaces a current one with the same keys in the
        /// same order (every replaced one, for datasets without dimensions), and their rows.
        var aligned: [String] = []
        var alignedRows = 0
        /// Organisations whose new segment has different keys (or key order) than the current one.
        var misaligned: [String] = []
        /// What the edition holds, for a gated dataset.
        var totals = EditionTotals()
        /// The hierarchy columns written with each organisation's segment (`HierarchyUpdate.lookup`).
        var hierarchy: [String: [String?]]?
        /// One organisation per distinct key list (`dims_hash`) among the segments the edition
        /// holds (written or unchanged): where postings of key columns read their values.
        var keySamples: [Hash128: String] = [:]

        init(spec: DatasetSpec, period: ReportingPeriod, scopeID: Int, currentStep: Int, currentRevision: Int64?,
             currentPublished: CalendarDate?, current: [String: CurrentSegment], revision: Int64, published: CalendarDate) {
            self.spec = spec
            self.period = period
            self.scopeID = scopeID
            self.currentStep = currentStep
            self.currentRevision = currentRevision
            self.currentPublished = currentPublished
            self.current = current
            self.revision = revision
            self.published = published
            // Publisher order decides: an edition dated before the current one is recorded, not served.
            becomesCurrent = currentRevision == nil || published >= (currentPublished ?? published)
        }

        var step: Int { currentStep + 1 }
    }

    public init(warehouse: Warehouse, source: String, options: LoadOptions) throws {
        self.warehouse = warehouse
        self.connection = warehouse.connection
        self.source = source
        self.options = options
        try connection.execute("BEGIN")
        try connection.execute("SET LOCAL enable_seqscan = off")
        // Nor bitmap scans: the history BRIN (scope, step) can only be read through one, and on a
        // table just written its ranges are not yet summarised, so it hands back every page
        // written since the last vacuum; with statistics from before the COPY it still looked
        // cheapest for a scope's current segments (100-330 ms each, a backfill's month after
        // month). Every statement of a load reads one scope through a btree.
        try connection.execute("SET LOCAL enable_bitmapscan = off")
        // Off with it goes JIT: a statement that can only scan a table sequentially (emptying a
        // small derived table) is costed at 10^10 and would be JIT-compiled, optimised and
        // inlined, 80-200 ms each for a table of a few dozen rows (docs/performance.md).
        try connection.execute("SET LOCAL jit = off")
    }

    deinit { if open { abort() } }

    /// Registers an input (a CSV file or archive entry) and returns its index for `accept`.
    /// `published` is the edition's date (the option, the publisher's, or the file's own).
    public func addInput(name: String, header: [String], published: CalendarDate?) -> Int {
        inputs.append((name, header, options.published ?? published ?? CalendarDate.utc(Date())))
        return inputs.count - 1
    }

    /// Takes one segment read from input `input`.
    public func accept(_ segment: Segment, input: Int) throws {
        if options.isCancelled() { throw LoadError(.cancelled, "cancelled") }
        let key = ScopeKey(dataset: segment.spec.id, period: segment.period)
        let scope = try scopes[key] ?? openScope(key, spec: segment.spec, published: inputs[input].published)
        if let other = scope.seen[segment.org] {
            throw TransformError(
                .duplicateKey, file: inputs[input].name, line: Int(segment.lines[0]),
                "\(segment.org) for \(segment.period.label) is also in \(inputs[other].name)")
        }
        scope.seen[segment.org] = input
        scope.inputs.insert(input)
        scope.rows += segment.rowCount
        if segment.spec.gate != nil { scope.totals.add(segment) }
        let keys = segment.spec.dimensions.isEmpty ? nil : Hash128(segment.dimensionsHash)
        if let keys, scope.keySamples[keys] == nil { scope.keySamples[keys] = segment.org }
        if let current = scope.current[segment.org] {
            if current.hash == Hash128(segment.hash) {
                scope.unchangedRows += segment.rowCount
                return
            }
            if let keys, current.dimensionsHash != keys {
                scope.misaligned.append(segment.org)
            } else {
                scope.aligned.append(segment.org)
                scope.alignedRows += segment.rowCount
            }
        } else {
            scope.addedRows += segment.rowCount
        }
        let table = SegmentTable(segment.spec)
        let writer = try copyWriter(for: table)
        try table.write(segment, scopeID: scope.scopeID, validFrom: scope.becomesCurrent ? scope.step : 0,
                        validTo: scope.becomesCurrent ? nil : 0, revision: scope.revision,
                        detached: scope.becomesCurrent ? nil : scope.revision, hierarchy: scope.hierarchy?[segment.org], to: writer)
        scope.writtenSegments += 1
    }

    /// True when a file with these bytes was loaded before for this source (asked between
    /// segments: a COPY in progress is ended first, and the next segment starts another).
    public func knowsFile(sha256: String) throws -> Bool {
        try endCopy()
        return try warehouse.hasFile(source: source, sha256: sha256)
    }

    /// True while segments are being sent (a COPY is open): asking anything of the server now
    /// first waits for it to take in everything queued.
    public var isWriting: Bool { copy != nil }

    private func copyWriter(for table: SegmentTable) throws -> BinaryCopyWriter {
        if let copy, copy.table == table.spec.table { return copy.writer }
        try endCopy()
        let writer = try connection.startBinaryCopy(table.copyIntoTable)
        copy = (table.spec.table, writer)
        return writer
    }

    private func endCopy() throws {
        guard let active = copy else { return }
        copy = nil
        bytesSent += active.writer.bytesSent
        _ = try active.writer.finish()
    }

    private func openScope(_ key: ScopeKey, spec: DatasetSpec, published: CalendarDate) throws -> ScopeState {
        try endCopy()
        try connection.execute("""
            INSERT INTO etl.scopes (source, dataset, period, period_kind) VALUES ($1, $2, $3::date, $4)
            ON CONFLICT (dataset, period) DO NOTHING
            """, [spec.source, spec.id, key.period.start.iso, spec.periodKind.rawValue])
        let row = try connection.execute("""
            SELECT s.scope_id, s.current_step, s.current_revision, r.published,
                   nextval(pg_catalog.pg_get_serial_sequence('etl.revisions', 'revision_id'))
            FROM etl.scopes s LEFT JOIN etl.revisions r ON r.revision_id = s.current_revision
            WHERE s.dataset = $1 AND s.period = $2::date
            FOR UPDATE OF s
            """, [spec.id, key.period.start.iso])
        let scopeID = row.int(0, 0)!
        let hashes = try connection.execute(SegmentTable(spec).currentHashes, [String(scopeID)])
        var current: [String: CurrentSegment] = [:]
        current.reserveCapacity(hashes.rowCount)
        for i in 0..<hashes.rowCount {
            current[hashes.string(i, 0)!] = CurrentSegment(
                hash: hashes.withBytes(i, 1) { Hash128(hex: $0) }, rows: Int32(hashes.int(i, 2)!),
                dimensionsHash: hashes.withBytes(i, 3) { Hash128(hex: $0) }, address: hashes.withBytes(i, 4) { RowAddress(text: $0) })
        }
        let state = ScopeState(
            spec: spec, period: key.period, scopeID: scopeID, currentStep: row.int(0, 1)!,
            currentRevision: row.string(0, 2).flatMap { Int64($0) },
            currentPublished: row.string(0, 3).flatMap { CalendarDate(iso: $0) }, current: current,
            revision: Int64(row.string(0, 4)!)!, published: published)
        // A hierarchy source met in this load: lookups made before it are stale from here on.
        if warehouse.registry.givesHierarchy(spec.id) { hierarchyLookups = [:] }
        if let fill = spec.hierarchy, state.becomesCurrent {
            let update = DerivedData(registry: warehouse.registry, connection: connection).hierarchyUpdate(spec, fill)
            let cacheKey = "\(fill.from) \(fill.match) \(spec.periodKind) \(key.period.start.iso)"
            if hierarchyLookups[cacheKey] == nil { hierarchyLookups[cacheKey] = try update.lookup(period: key.period, on: connection) }
            state.hierarchy = hierarchyLookups[cacheKey]
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
        // In the same transaction as the rows: a marker is held only with what it vouches for,
        // and derived tables rebuilt below can read it.
        for file in files.values {
            guard let marker = file.changeMarker, let url = file.url else { continue }
            try connection.execute(Warehouse.upsertChangeMarker, [source, url, file.name, marker, file.sha256, warehouse.runID.map { String($0) }])
        }

        var outcomes: [ScopeOutcome] = []
        let ordered = scopeOrder.sorted { ($0.dataset, $0.period) < ($1.dataset, $1.period) }
        for key in ordered {
            let scope = scopes[key]!
            if options.isCancelled() { throw LoadError(.cancelled, "cancelled") }
            outcomes.append(try finishScope(scope, fileIDs: fileIDs, alreadyKnown: alreadyKnown))
        }
        // Derived data reads current content across datasets (the directory joins practices,
        // PCNs and memberships): only once every scope of the publication is closed and activated.
        let derived = DerivedData(registry: warehouse.registry, connection: connection)
        let later = DeferredRefreshes()
        for (outcome, key) in zip(outcomes, ordered) where outcome.status == .current {
            let scope = scopes[key]!
            try derived.afterActivation(of: scope.spec, scopeID: scope.scopeID, period: scope.period, later: later,
                                        samples: scope.spec.dimensions.isEmpty ? nil : scope.keySamples.values.sorted())
        }
        for statements in later.lists { try derived.run(statements, period: nil) }
        if options.dryRun {
            connection.rollbackQuietly()
        } else {
            try connection.execute("COMMIT")
        }
        open = false
        return outcomes
    }

    private func finishScope(_ scope: ScopeState, fileIDs: [Int: Int64], alreadyKnown: Set<Int>) throws -> ScopeOutcome {
        let spec = scope.spec
        let table = SegmentTable(spec)
        var outcome = ScopeOutcome(
            source: spec.source, dataset: spec.id, period: scope.period, status: .unchanged, revision: nil,
            rows: scope.rows, added: 0, changed: 0, removed: 0, unchanged: scope.rows)
        let scopeID = String(scope.scopeID), revision = String(scope.revision)
        let writtenAt = String(scope.becomesCurrent ? scope.step : 0)
        let removedOrgs = scope.current.keys.filter { scope.seen[$0] == nil }.sorted()
        // The same bytes were loaded before (found out only after reading them). `--force`
        // re-reads them to compare with what is current; an edition that would only be recorded
        // (not current) was recorded when those bytes were first loaded.
        if scope.inputs.isSubset(of: alreadyKnown) && (!options.force || !scope.becomesCurrent) {
            if scope.writtenSegments > 0 {
                try connection.execute(table.deleteWritten(detached: !scope.becomesCurrent), [scopeID, revision, writtenAt])
            }
            outcome.status = .knownFile
            return outcome
        }
        if scope.writtenSegments == 0 && removedOrgs.isEmpty { return outcome }

        // Organisations new to the scope and those dropped are counted here; replaced
        // segments, row by row, in SQL.
        var added = scope.addedRows, changed = 0, unchanged = scope.unchangedRows
        var removed = removedOrgs.reduce(0) { $0 + Int(scope.current[$1]?.rows ?? 0) }
        if table.flat {
            changed = scope.aligned.count
        } else if !scope.aligned.isEmpty || !scope.misaligned.isEmpty {
            // Each replaced segment is paired with the one written for its organisation by row
            // address: the current one's the client kept, the written one's read once here.
            let written = try connection.execute(table.writtenSegments(detached: !scope.becomesCurrent), [scopeID, revision, writtenAt])
            var writtenAddress: [String: RowAddress] = [:]
            writtenAddress.reserveCapacity(written.rowCount)
            for i in 0..<written.rowCount { writtenAddress[written.string(i, 0)!] = written.withBytes(i, 1) { RowAddress(text: $0) } }
            func pairs(_ orgs: [String]) -> [String?] {
                [RowAddress.literal(orgs.map { writtenAddress[$0]! }), RowAddress.literal(orgs.map { scope.current[$0]!.address })]
            }
            let counts = try connection.execute(table.countChanges(withMisaligned: !scope.misaligned.isEmpty),
                                                pairs(scope.aligned) + (scope.misaligned.isEmpty ? [] : pairs(scope.misaligned)))
            changed += counts.int(0, 0)! + counts.int(0, 2)!
            unchanged += scope.alignedRows - counts.int(0, 0)! + counts.int(0, 4)!
            added += counts.int(0, 1)!
            removed += counts.int(0, 3)!
        }

        let contributing = scope.inputs.sorted()
        outcome.gate = try checkGate(scope, file: inputs[contributing[0]].name)
        try insertRevision(scope: scope, fileID: fileIDs[contributing[0]]!, contributing: contributing,
                           added: added, changed: changed, removed: removed, unchanged: unchanged, gate: outcome.gate)
        if scope.becomesCurrent {
            let closed = scope.aligned + scope.misaligned + removedOrgs
            if !closed.isEmpty {
                try connection.execute(table.closeCurrent, [RowAddress.literal(closed.map { scope.current[$0]!.address }), String(scope.step)])
            }
            try activate(scopeID: scope.scopeID, step: scope.step, revision: scope.revision, reason: "load")
            outcome.status = .current
        } else {
            // The current segments this edition has too, unchanged.
            let replaced = Set(scope.aligned).union(scope.misaligned)
            let kept = scope.current.filter { scope.seen[$0.key] != nil && !replaced.contains($0.key) }.map(\.value.address)
            try connection.execute(table.insertDetachedUnchanged, [RowAddress.literal(kept), revision])
            outcome.status = .recorded
        }
        outcome.revision = scope.revision
        outcome.added = added
        outcome.changed = changed
        outcome.removed = removed
        outcome.unchanged = unchanged
        return outcome
    }

    private func insertRevision(scope: ScopeState, fileID: Int64, contributing: [Int],
                                added: Int, changed: Int, removed: Int, unchanged: Int, gate: String?) throws {
        let spec = scope.spec
        let totals: String? = spec.gate == nil ? nil : JSONText.Value.object([
            ("organisations", .int(scope.totals.organisations)), ("rows", .int(scope.totals.rows)),
            ("sums", .object(scope.totals.sums.sorted { $0.key < $1.key }.map { ($0.key, .double($0.value)) })),
            ("gate", .optional(gate)),
        ]).text
        try connection.execute("""
            INSERT INTO etl.revisions (revision_id, scope_id, source, dataset, period, file_id, inputs, header, published, loaded_by, run_id,
                                       rows, added, changed, removed, unchanged, totals)
            VALUES ($1::bigint, $2::int, $3, $4, $5::date, $6::bigint, $7::text[], $8::text[], $9::date, $10, $11::bigint,
                    $12::int, $13::int, $14::int, $15::int, $16::int, $17::jsonb)
            """, [String(scope.revision), String(scope.scopeID), spec.source, spec.id, scope.period.start.iso, String(fileID),
                  PGArray.literal(contributing.map { inputs[$0].name }), PGArray.literal(inputs[contributing[0]].header),
                  scope.published.iso, options.actor, warehouse.runID.map { String($0) },
                  String(scope.rows), String(added), String(changed), String(removed), String(unchanged), totals])
    }

    /// The dataset's quality gate for this edition, against the same period's current edition
    /// or else the current edition of the period just before (nothing further back is
    /// comparable). Throws, naming the file and every breach, unless `acceptAnomalies`.
    private func checkGate(_ scope: ScopeState, file: String) throws -> String? {
        guard let gate = scope.spec.gate else { return nil }
        // A total the page states is checked whatever the warehouse holds.
        let stated = gate.statedTotal.flatMap { scope.totals.breach(of: $0, facts: options.keyFacts) }
        let row = try connection.execute("""
            SELECT r.totals::text, r.revision_id, s.period::text FROM etl.scopes s JOIN etl.revisions r ON r.revision_id = s.current_revision
            WHERE s.dataset = $1 AND s.period <= $2::date
            ORDER BY s.period DESC LIMIT 1
            """, [scope.spec.id, scope.period.start.iso])
        func verdict(_ breaches: [String], against label: String?) throws -> String {
            if breaches.isEmpty { return label.map { "passed against \($0)" } ?? "no comparable edition" }
            let finding = "\(scope.spec.id) \(scope.period.label)\(label.map { " against \($0)" } ?? ""): " + breaches.joined(separator: "; ")
            guard options.acceptAnomalies else {
                throw LoadError(.refused, "\(file): quality gate: \(finding); nothing was loaded (--accept-anomalies loads it anyway)")
            }
            return "accepted: " + finding
        }
        guard row.rowCount == 1, let text = row.string(0, 0), let period = row.string(0, 2).flatMap(CalendarDate.init(iso:)),
              let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return try verdict(stated.map { [$0] } ?? [], against: nil)
        }
        let before = ReportingPeriod(kind: scope.spec.periodKind, start: period)
        guard before == scope.period || before.next == scope.period else { return try verdict(stated.map { [$0] } ?? [], against: nil) }
        let baseline = EditionTotals(organisations: json["organisations"] as? Int ?? 0, rows: json["rows"] as? Int ?? 0,
                                     sums: (json["sums"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue })
        let label = before == scope.period ? "the current \(before.label) edition (revision \(row.string(0, 1) ?? "?"))"
            : "\(before.label) (revision \(row.string(0, 1) ?? "?"))"
        return try verdict((stated.map { [$0] } ?? []) + scope.totals.breaches(of: gate, against: baseline), against: label)
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
    // MARK: taking back one input

    /// What the writer held before an input was read, so a file whose rows turn out not to be
    /// grouped by organisation can be taken back and read again grouped (see `PublicationLoader`).
    public struct Checkpoint {
        fileprivate let savepoint: String
        fileprivate let scopeOrder: [ScopeKey]
        fileprivate let states: [ScopeKey: Snapshot]
    }

    /// A scope's counts at a checkpoint.
    fileprivate struct Snapshot {
        let seen: [String: Int]
        let inputs: Set<Int>
        let unchangedRows: Int
        let writtenSegments: Int
        let rows: Int
        let addedRows: Int
        let aligned: [String]
        let alignedRows: Int
        let misaligned: [String]
        let keySamples: [Hash128: String]
    }

    /// Marks the point before an input (a savepoint in the transaction and the writer's counts).
    public func checkpoint() throws -> Checkpoint {
        try endCopy()
        checkpoints += 1
        let name = "before_input_\(checkpoints)"
        try connection.execute("SAVEPOINT \(name)")
        var states: [ScopeKey: Snapshot] = [:]
        for (key, scope) in scopes {
            states[key] = Snapshot(seen: scope.seen, inputs: scope.inputs, unchangedRows: scope.unchangedRows, writtenSegments: scope.writtenSegments,
                                   rows: scope.rows, addedRows: scope.addedRows, aligned: scope.aligned, alignedRows: scope.alignedRows,
                                   misaligned: scope.misaligned, keySamples: scope.keySamples)
        }
        return Checkpoint(savepoint: name, scopeOrder: scopeOrder, states: states)
    }

    /// Ends a checkpoint whose input was read without trouble (keeps the transaction flat:
    /// nested savepoints would each cost a subtransaction for the rest of the load).
    public func release(_ checkpoint: Checkpoint) throws {
        try endCopy()
        try connection.execute("RELEASE SAVEPOINT \(checkpoint.savepoint)")
    }

    /// Takes back everything written since `checkpoint` (rows, scopes opened, counts).
    public func rollback(to checkpoint: Checkpoint) throws {
        if let active = copy {
            copy = nil
            active.writer.abandon(reason: "input taken back to be regrouped")
        }
        try connection.execute("ROLLBACK TO SAVEPOINT \(checkpoint.savepoint)")
        scopeOrder = checkpoint.scopeOrder
        for key in Array(scopes.keys) {
            guard let state = checkpoint.states[key] else {
                scopes[key] = nil
                continue
            }
            let scope = scopes[key]!
            scope.seen = state.seen
            scope.inputs = state.inputs
            scope.unchangedRows = state.unchangedRows
            scope.writtenSegments = state.writtenSegments
            scope.rows = state.rows
            scope.addedRows = state.addedRows
            scope.aligned = state.aligned
            scope.alignedRows = state.alignedRows
            scope.keySamples = state.keySamples
            scope.misaligned = state.misaligned
        }
    }

    public func abort() {
        if let active = copy {
            copy = nil
            active.writer.abandon(reason: "load abandoned")
        }
        connection.rollbackQuietly()
        open = false
    }
}

/// What the writer remembers of a current segment: 48 bytes, whatever the scope's size.
struct CurrentSegment {
    let hash: Hash128
    let rows: Int32
    let dimensionsHash: Hash128
    let address: RowAddress
}

/// Where a row is in its table (PostgreSQL's `ctid`: block and line pointer).
struct RowAddress {
    let block: UInt32
    let offset: UInt16

    /// From `ctid` text, `(block,offset)`.
    init(text: UnsafeRawBufferPointer) {
        var block: UInt32 = 0, offset: UInt32 = 0, afterComma = false
        for c in text {
            if c == UInt8(ascii: ",") { afterComma = true } else if c >= 48 && c <= 57 {
                if afterComma { offset = offset &* 10 &+ UInt32(c &- 48) } else { block = block &* 10 &+ UInt32(c &- 48) }
            }
        }
        self.block = block
        self.offset = UInt16(truncatingIfNeeded: offset)
    }

    /// A `tid[]` parameter.
    static func literal(_ addresses: [RowAddress]) -> String {
        var text = "{"
        text.reserveCapacity(addresses.count * 14 + 2)
        for (i, address) in addresses.enumerated() {
            if i > 0 { text += "," }
            text += "\"(\(address.block),\(address.offset))\""
        }
        return text + "}"
    }
}

/// A 16-byte truncated SHA-256 held as two integers (no heap allocation).
struct Hash128: Hashable {
    let high: UInt64
    let low: UInt64

    init(_ bytes: [UInt8]) {
        var h: UInt64 = 0, l: UInt64 = 0
        for i in 0..<min(8, bytes.count) { h = h << 8 | UInt64(bytes[i]) }
        for i in 8..<min(16, bytes.count) { l = l << 8 | UInt64(bytes[i]) }
        high = h
        low = l
    }

    /// From lower-case hex text (as `encode(x, 'hex')` returns it); empty text is zero.
    init(hex: UnsafeRawBufferPointer) {
        var h: UInt64 = 0, l: UInt64 = 0
        for (i, c) in hex.prefix(32).enumerated() {
            let v = UInt64(c <= 57 ? c &- 48 : c &- 87) & 15
            if i < 16 { h = h << 4 | v } else { l = l << 4 | v }
        }
        high = h
        low = l
    }
}

enum ISO8601 {
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
