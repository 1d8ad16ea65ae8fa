import Transform

/// The SQL for one dataset's segment table, generated from its `DatasetSpec`. Identifiers come
/// only from the spec (code, reviewed with the migrations); values always travel as parameters
/// or through COPY.
///
/// Two shapes: datasets with dimensions keep each measure as an array (one element per row of
/// the segment); datasets without dimensions have one row per segment and plain columns.
struct SegmentTable {
    let spec: DatasetSpec

    init(_ spec: DatasetSpec) { self.spec = spec }

    var name: String { "data." + spec.table }
    var staging: String { "pg_temp.staging_" + spec.table }
    var flat: Bool { spec.dimensions.isEmpty }

    var attributeColumns: [String] { spec.attributes.map(\.name) }
    var dimensionColumns: [String] { spec.dimensions.map(\.name) }
    var measureColumns: [String] { spec.measures.map(\.name) }
    /// Suppression tokens are kept only for measures that can be numbers.
    var rawColumns: [String] { spec.numericMeasures.map { spec.measures[$0].name + "_raw" } }
    /// Each segment's sum of a whole-number measure (`DatasetSpec.totalledMeasures`).
    var totalColumns: [String] { spec.totalledMeasures.map { spec.measures[$0].name + "_total" } }

    /// Columns holding the segment's content, in COPY order after the bookkeeping ones.
    var contentColumns: [String] { attributeColumns + (flat ? [] : ["dims_hash"]) + ["line"] + dimensionColumns + measureColumns + rawColumns + totalColumns }
    /// Every column staged for a segment.
    var stagedColumns: [String] { ["scope_id", "org", "seg_hash", "row_count"] + contentColumns }

    private func type(_ field: DatasetSpec.Field) -> String { flat ? field.kind.sqlType : field.kind.sqlType + "[]" }

    /// COPY straight into the segment table: the content, then the hierarchy the writer looked
    /// up for each organisation (`DerivedData` keeps it right after activation). Binary: the
    /// server copies each array element's bytes instead of parsing its text
    /// (`BinaryCopyWriter`; the order and types below are `columnDefinitions`').
    var copyIntoTable: String {
        let hierarchy = spec.hierarchy == nil ? "" : ", " + (hierarchyColumns + ["hierarchy_period"]).joined(separator: ", ")
        return "COPY \(name) (\(insertColumns)\(hierarchy)) FROM STDIN (FORMAT binary)"
    }

    /// Writes one segment as a row of the segment table.
    /// `hierarchy`: the hierarchy columns' values then their source period, for a dataset that
    /// has a hierarchy (nil: not known, all NULL).
    func write(_ segment: Segment, scopeID: Int, validFrom: Int, validTo: Int?, revision: Int64, detached: Int64?,
               hierarchy: [String?]?, to writer: BinaryCopyWriter) throws {
        writer.int4(scopeID)
        writer.text(spec.id)
        writer.date(segment.period.start)
        writer.text(segment.org)
        writer.int4(validFrom)
        if let validTo { writer.int4(validTo) } else { writer.null() }
        writer.int8(revision)
        if let detached { writer.int8(detached) } else { writer.null() }
        writer.bytea(segment.hash)
        writer.int4(segment.rowCount)
        for attribute in segment.attributes { writer.text(attribute) }
        if !flat { writer.bytea(segment.dimensionsHash) }
        if flat {
            writer.int4(Int(segment.lines[0]))
            for m in segment.measures.indices { try writer.value(segment.measures[m], row: 0, kind: spec.measures[m].kind) }
            for m in spec.numericMeasures { try writer.value(segment.raws[m], row: 0, kind: .text) }
        } else {
            writer.array(segment.lines)
            for d in segment.dimensions.indices { try writer.array(segment.dimensions[d], kind: spec.dimensions[d].kind) }
            for m in segment.measures.indices { try writer.array(segment.measures[m], kind: spec.measures[m].kind) }
            for m in spec.numericMeasures {
                if segment.hasRaws(m) { try writer.array(segment.raws[m], kind: .text) } else { writer.null() }
            }
            for m in spec.totalledMeasures {
                if let total = segment.measures[m].integerSum() { writer.int8(Int64(total)) } else { writer.null() }
            }
        }
        if spec.hierarchy != nil {
            for i in 0..<hierarchyColumns.count { writer.text(hierarchy?[i] ?? nil) }
            if let period = hierarchy?[hierarchyColumns.count] ?? nil { try writer.date(iso: period) } else { writer.null() }
        }
        try writer.endRow()
    }

    // MARK: reading what is current
    //
    // How a load reaches segments, and why (docs/performance.md, "Plans that cannot fall off a
    // cliff"): statistics are stale right after a COPY (the planner believed a scope written
    // seconds ago held one row and compared every new segment with every current one, a
    // republication taking 150 times as long as the load), so no statement here leaves the
    // planner a join to choose. A scope's segments are read once through an index on the
    // scope (the writer runs with sequential scans disabled: see `RevisionWriter`); from
    // then on each segment is reached by its row address (ctid), which the client keeps.
    // A row address holds for the whole load: the writer holds the scope row lock and the
    // run lock, and nothing else updates those segments.

    /// `org, seg_hash (hex), row_count, dims_hash (hex), ctid` of the scope's current
    /// segments. $1 scope.
    var currentHashes: String {
        "SELECT org, encode(seg_hash, 'hex'), row_count, \(flat ? "''" : "encode(dims_hash, 'hex')"), ctid FROM \(name) WHERE \(Self.scope()) AND valid_to IS NULL"
    }

    /// `org, ctid` of the segments revision $2 wrote in scope $1 at step $3 (0: detached).
    func writtenSegments(detached: Bool) -> String {
        "SELECT org, ctid FROM \(name) WHERE \(Self.scope()) AND \(detached ? "valid_to = 0" : "valid_to IS NULL") AND valid_from = $3 AND revision_id = $2"
    }

    // MARK: counting what a new edition changes

    /// Pairs of segments (`n` written, `o` the current one it replaces) given by their row
    /// addresses in `new` and `old` (tid[] parameters, element by element), with `columns`.
    /// A lookup fenced by LIMIT cannot be flattened into a join: the only plan is a TID fetch
    /// per pair.
    private func pairs(new: String, old: String, columns: [String]) -> String {
        let list = columns.map { "x.\($0)" }.joined(separator: ", ")
        return """
            unnest(\(new), \(old)) AS w(n, o)
            CROSS JOIN LATERAL (SELECT \(list) FROM \(name) x WHERE x.ctid = w.n LIMIT 1) AS n
            CROSS JOIN LATERAL (SELECT \(list) FROM \(name) x WHERE x.ctid = w.o LIMIT 1) AS o
            """
    }

    /// Rows changed among aligned pairs, then rows added, changed, removed and unchanged among
    /// misaligned ones, for written segments that replace a current one. Pairs whose keys are
    /// the same and in the same order ($1 new, $2 old: tid[]) compare position by position (the
    /// client knows their row count, so unchanged rows are the rest); pairs whose keys moved
    /// ($3 new, $4 old, only `withMisaligned`) are joined on their keys. Organisations new to
    /// the scope, and those the edition dropped, are counted by the client. Only for datasets
    /// with dimensions (a flat segment is one row: a written pair is one changed row).
    func countChanges(withMisaligned: Bool) -> String {
        let attributesDiffer = attributeColumns.isEmpty
            ? "false"
            : "(\(attributeColumns.map { "o.\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(attributeColumns.map { "n.\($0)" }.joined(separator: ", ")))"
        let values = measureColumns + rawColumns
        // Aligned pairs: set-returning functions in the select list run in lockstep
        // (ProjectSet), much cheaper than a LATERAL scan per pair. Their arguments are columns
        // of a fenced subquery, so nothing but the unnesting runs once per row.
        let perPair = values.indices.map { "o.\(values[$0]) AS o\($0), n.\(values[$0]) AS n\($0)" }.joined(separator: ", ")
        let zipped = values.indices.map { "unnest(o\($0)) AS a\($0), unnest(n\($0)) AS b\($0)" }.joined(separator: ", ")
        let valuesDiffer = values.indices.map { "a\($0) IS DISTINCT FROM b\($0)" }.joined(separator: " OR ")
        let d = dimensionColumns.indices.map { "d\($0)" }
        let v = values.indices.map { "v\($0)" }
        let join = d.map { "x.\($0) = y.\($0)" }.joined(separator: " AND ")
        let xyDiffer = values.indices.map { "x.v\($0) IS DISTINCT FROM y.v\($0)" }.joined(separator: " OR ")
        let newDims = dimensionColumns.map { "n.\($0)" }.joined(separator: ", ")
        let oldDims = dimensionColumns.map { "o.\($0)" }.joined(separator: ", ")
        let newValues = values.map { "n.\($0)" }.joined(separator: ", ")
        let oldValues = values.map { "o.\($0)" }.joined(separator: ", ")
        let misaligned = withMisaligned ? """
            (
                SELECT coalesce(sum(c.added), 0) AS added, coalesce(sum(c.changed), 0) AS changed,
                       coalesce(sum(c.removed), 0) AS removed, coalesce(sum(c.unchanged), 0) AS unchanged
                FROM \(pairs(new: "$3::tid[]", old: "$4::tid[]", columns: attributeColumns + dimensionColumns + values))
                CROSS JOIN LATERAL (
                    SELECT count(*) FILTER (WHERE y.k IS NULL) AS added,
                           count(*) FILTER (WHERE x.k AND y.k AND (\(attributesDiffer) OR \(xyDiffer))) AS changed,
                           count(*) FILTER (WHERE x.k IS NULL) AS removed,
                           count(*) FILTER (WHERE x.k AND y.k AND NOT (\(attributesDiffer) OR \(xyDiffer))) AS unchanged
                    FROM (SELECT true AS k, * FROM unnest(\(newDims), \(newValues)) AS u(\((d + v).joined(separator: ", ")))) AS x
                    FULL JOIN (SELECT true AS k, * FROM unnest(\(oldDims), \(oldValues)) AS u(\((d + v).joined(separator: ", ")))) AS y ON \(join)
                ) AS c
            ) AS misaligned
            """ : "(SELECT 0 AS added, 0 AS changed, 0 AS removed, 0 AS unchanged) AS misaligned"
        return """
            SELECT aligned.changed, misaligned.added, misaligned.changed, misaligned.removed, misaligned.unchanged
            FROM (
                SELECT count(*) AS changed
                FROM (SELECT attributes_differ, \(zipped)
                      FROM (SELECT \(attributesDiffer) AS attributes_differ, \(perPair)
                            FROM \(pairs(new: "$1::tid[]", old: "$2::tid[]", columns: attributeColumns + values)) OFFSET 0) AS pair
                     ) AS rows
                WHERE attributes_differ OR \(valuesDiffer)
            ) AS aligned, \(misaligned)
            """
    }

    // MARK: activation

    /// Closes the current segments at the row addresses $1 (tid[]) at step $2: those a new
    /// edition replaced and those of organisations it no longer has.
    var closeCurrent: String {
        "UPDATE \(name) SET valid_to = $2::int WHERE ctid = ANY($1::tid[])"
    }

    var insertColumns: String {
        (["scope_id", "dataset", "period", "org", "valid_from", "valid_to", "revision_id", "detached_revision", "seg_hash", "row_count"]
            + contentColumns).joined(separator: ", ")
    }

    /// Completes a detached edition (revision $2) with copies of the current segments it left
    /// unchanged, at the row addresses $1 (tid[]).
    var insertDetachedUnchanged: String {
        """
        INSERT INTO \(name) (\(insertColumns))
        SELECT t.scope_id, t.dataset, t.period, t.org, 0, 0, t.revision_id, $2::bigint, t.seg_hash, t.row_count, \(contentColumns.map { "t.\($0)" }.joined(separator: ", "))
        FROM \(name) t
        WHERE t.ctid = ANY($1::tid[])
        """
    }

    /// Removes what revision $2 wrote in scope $1 at step $3 (0: detached): a file that turned
    /// out to be known.
    func deleteWritten(detached: Bool) -> String {
        "DELETE FROM \(name) WHERE \(Self.scope()) AND \(detached ? "valid_to = 0" : "valid_to IS NULL") AND valid_from = $3 AND revision_id = $2"
    }

    // MARK: history

    /// A predicate selecting the segments of one revision's content, for alias `t`:
    /// a step's content, or a detached revision's.
    static func contentPredicate(step: Int?, revision: Int64, stepParameter: String, revisionParameter: String) -> String {
        if step != nil {
            return "(t.valid_from > 0 AND t.valid_from <= \(stepParameter) AND (t.valid_to IS NULL OR t.valid_to > \(stepParameter)))"
        }
        return "(t.valid_from = 0 AND t.detached_revision = \(revisionParameter))"
    }

    /// Re-makes step $2's content current at step $3 (rollback). First closes the current
    /// segments written after step $2 (every other current segment was already valid at $2),
    /// then copies back the segments of step $2 that were closed since. At step $2 each
    /// organisation had one segment, so the copies never meet a current segment. $1 scope.
    var restoreStep: [String] {
        [
            """
            UPDATE \(name) t SET valid_to = $3
            WHERE \(Self.scope("t.")) AND t.valid_to IS NULL AND t.valid_from > $2
            """,
            """
            INSERT INTO \(name) (\(insertColumns))
            SELECT t.scope_id, t.dataset, t.period, t.org, $3, NULL, t.revision_id, NULL, t.seg_hash, t.row_count, \(contentColumns.map { "t.\($0)" }.joined(separator: ", "))
            FROM \(name) t
            WHERE t.scope_id = $1 AND t.valid_from > 0 AND t.valid_from <= $2 AND t.valid_to IS NOT NULL AND t.valid_to > $2
            """,
        ]
    }

    /// Closes every current segment of scope $1 at step $2 (rolling back the only edition).
    var closeAll: String {
        "UPDATE \(name) SET valid_to = $2 WHERE \(Self.scope()) AND valid_to IS NULL"
    }

    /// The row-level differences between two contents of scope $1. Each row: org, the
    /// dimension values, then old and new of every attribute and value column (text).
    /// `fromPredicate`/`toPredicate` select contents for alias `t`; the empty predicate `false`
    /// stands for "nothing" (a first edition compared with an empty scope).
    func diffQuery(fromPredicate: String, toPredicate: String) -> String {
        let values = attributeColumns + measureColumns + rawColumns
        let rowValues = flat ? values : attributeColumns + measureColumns + rawColumns
        func expand(_ alias: String, _ set: String) -> String {
            if flat {
                return "SELECT org, \(values.joined(separator: ", ")) FROM \(set)"
            }
            let unnested = dimensionColumns + measureColumns + rawColumns
            return """
                SELECT \(set).org, \(attributeColumns.map { "\(set).\($0)" }.joined(separator: ", "))\(attributeColumns.isEmpty ? "" : ", ")u.*
                FROM \(set) CROSS JOIN LATERAL unnest(\(unnested.map { "\(set).\($0)" }.joined(separator: ", "))) AS u(\(unnested.joined(separator: ", ")))
                """
        }
        let keys = ["org"] + (flat ? [] : dimensionColumns)
        let joinOn = keys.map { "a.\($0) = b.\($0)" }.joined(separator: " AND ")
        let keyOut = keys.map { "coalesce(a.\($0), b.\($0))" }.joined(separator: ", ")
        let pairs = rowValues.map { "a.\($0)::text, b.\($0)::text" }.joined(separator: ", ")
        let differ = "(\(rowValues.map { "a.\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(rowValues.map { "b.\($0)" }.joined(separator: ", ")))"
        return """
            WITH fa AS (SELECT t.ctid AS tid, t.* FROM \(name) t WHERE t.scope_id = $1 AND \(fromPredicate)),
                 fb AS (SELECT t.ctid AS tid, t.* FROM \(name) t WHERE t.scope_id = $1 AND \(toPredicate)),
                 ca AS (SELECT * FROM fa WHERE NOT EXISTS (SELECT 1 FROM fb WHERE fb.tid = fa.tid)),
                 cb AS (SELECT * FROM fb WHERE NOT EXISTS (SELECT 1 FROM fa WHERE fa.tid = fb.tid)),
                 a AS (\(expand("a", "ca"))),
                 b AS (\(expand("b", "cb")))
            SELECT \(keyOut), (a.org IS NULL)::int + 2 * (b.org IS NULL)::int, \(pairs)
            FROM a FULL JOIN b ON \(joinOn)
            WHERE a.org IS NULL OR b.org IS NULL OR \(differ)
            ORDER BY \(keys.indices.map { String($0 + 1) }.joined(separator: ", "))
            """
    }

    /// Column names reported by `diffQuery`, after the key columns.
    var diffValueColumns: [String] { attributeColumns + measureColumns + rawColumns }
}
