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
    ]

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
