/// The warehouse schema's history, applied in order by `pipeline migrate` (and before every
/// command that opens the warehouse). Applied migrations are recorded with a checksum; editing
/// one after it shipped is refused, so a schema is always the sum of the same steps. Add, never
/// edit. Numbered migrations hold the loader's own bookkeeping; the tables, indexes and `api`
/// objects of the sources are generated from their declarations after them (`DeclaredSchema`).
public enum Migrations {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    public static let all: [Migration] = ShippedMigrations.all + [
        Migration(version: 7, name: "declared schema: the checksum of what the source declarations generated", sql: declaredSchemaState),
        Migration(version: 8, name: "revision totals: what each edition of a gated dataset held, and its quality gate's verdict", sql: revisionTotals),
        Migration(version: 9, name: "change markers: the web API marker each held file was fetched under", sql: changeMarkers),
    ]

    /// A web API item's change marker (Fingertips' `DataChange.LastUploadedAt`) beside the bytes
    /// it was loaded or recognised with, so an item whose marker did not move is not asked for
    /// again. One row per item URL: the marker last seen with bytes the warehouse holds.
    static let changeMarkers = """
        CREATE TABLE etl.change_markers (
            source text NOT NULL,
            url text NOT NULL,
            name text NOT NULL,
            marker text NOT NULL,
            sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            recorded_at timestamptz NOT NULL DEFAULT now(),
            run_id bigint REFERENCES etl.runs,
            PRIMARY KEY (source, url)
        );
        CREATE INDEX change_markers_name ON etl.change_markers (source, name);
        COMMENT ON TABLE etl.change_markers IS 'Per web API item (URL): the change marker last seen with bytes the warehouse holds (sha256 in etl.files)';
        """

    /// Organisations, rows and each numeric measure's total per revision, so the next edition's
    /// quality gate compares with figures kept, not recomputed from the segments.
    static let revisionTotals = """
        ALTER TABLE etl.revisions ADD COLUMN totals jsonb;
        COMMENT ON COLUMN etl.revisions.totals IS 'For datasets with a quality gate: {"organisations", "rows", "sums": {measure: total}, "gate": verdict}';
        """

    /// One row: the checksum of the schema last generated from the declarations, so a command
    /// whose declarations did not change skips the work.
    static let declaredSchemaState = """
        CREATE TABLE etl.declared_schema (
            id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
            checksum text NOT NULL,
            sources text[] NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE etl.declared_schema IS 'The checksum of the tables, indexes and api objects last generated from the source declarations';
        """
}
