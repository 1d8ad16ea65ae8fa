/// The warehouse schema's history, applied in order by `pipeline migrate` (and before every
/// load). Applied migrations are recorded with a checksum; editing one after it shipped is
/// refused, so a schema is always the sum of the same steps. Add, never edit.
public enum Migrations {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    public static let all: [Migration] = [
        Migration(version: 1, name: "bookkeeping: runs, files, scopes, revisions, steps", sql: bookkeeping),
        Migration(version: 2, name: "list sizes and practice map segments", sql: listSizes),
        Migration(version: 3, name: "api views for list sizes and practices; as-published lookups", sql: listSizesAPI),
        Migration(version: 4, name: "source checks: what each run found for each source", sql: sourceChecks),
    ]

    static let bookkeeping = """
        CREATE SCHEMA IF NOT EXISTS etl;
        CREATE SCHEMA IF NOT EXISTS data;
        CREATE SCHEMA IF NOT EXISTS api;
        COMMENT ON SCHEMA etl IS 'Loader bookkeeping: runs, files, revision scopes, revisions, activation steps';
        COMMENT ON SCHEMA data IS 'Dataset segments: one row per dataset, period and organisation, every version kept';
        COMMENT ON SCHEMA api IS 'Views and functions for the developer API: current values, always with their period';

        -- One invocation of the pipeline command.
        CREATE TABLE etl.runs (
            run_id bigserial PRIMARY KEY,
            command text NOT NULL,
            arguments text[] NOT NULL DEFAULT '{}',
            started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            finished_at timestamptz,
            outcome text NOT NULL DEFAULT 'running'
                CHECK (outcome IN ('running', 'ok', 'nothing_new', 'refused', 'failed', 'cancelled', 'abandoned')),
            error text,
            counts jsonb NOT NULL DEFAULT '{}',
            host text,
            os_pid integer,
            os_user text,
            backend_pid integer NOT NULL DEFAULT pg_backend_pid(),
            db_user text NOT NULL DEFAULT current_user,
            tool_version text,
            libpq_version text,
            zlib_version text
        );
        CREATE INDEX runs_started ON etl.runs (started_at DESC);

        -- Every distinct file (by SHA-256) the loader has processed for a source, with where it came from.
        CREATE TABLE etl.files (
            file_id bigserial PRIMARY KEY,
            source text NOT NULL,
            sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            name text NOT NULL,
            size bigint NOT NULL,
            published date,
            url text,
            page text,
            etag text,
            last_modified text,
            fetched_at timestamptz,
            run_id bigint REFERENCES etl.runs,
            recorded_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (source, sha256)
        );

        -- A revision scope: one dataset for one period. Its editions form revisions.
        CREATE TABLE etl.scopes (
            scope_id serial PRIMARY KEY,
            source text NOT NULL,
            dataset text NOT NULL,
            period date NOT NULL,
            period_kind text NOT NULL,
            current_revision bigint,
            current_step integer NOT NULL DEFAULT 0,
            UNIQUE (dataset, period)
        );

        -- One edition of one scope. `step` is the activation step whose content is this edition;
        -- NULL for an edition recorded but never current (published before the current one), whose
        -- content is kept as detached segments.
        CREATE TABLE etl.revisions (
            revision_id bigserial PRIMARY KEY,
            scope_id integer NOT NULL REFERENCES etl.scopes,
            source text NOT NULL,
            dataset text NOT NULL,
            period date NOT NULL,
            file_id bigint NOT NULL REFERENCES etl.files,
            inputs text[] NOT NULL,
            header text[],
            published date NOT NULL,
            loaded_at timestamptz NOT NULL DEFAULT now(),
            loaded_by text NOT NULL,
            run_id bigint REFERENCES etl.runs,
            step integer,
            rows integer NOT NULL,
            added integer NOT NULL,
            changed integer NOT NULL,
            removed integer NOT NULL,
            unchanged integer NOT NULL,
            rolled_back_at timestamptz,
            rolled_back_by text
        );
        CREATE INDEX revisions_scope ON etl.revisions (scope_id, revision_id);
        CREATE INDEX revisions_dataset_period ON etl.revisions (dataset, period);

        -- The log of what each scope served: step n made `revision_id` current (NULL: nothing).
        CREATE TABLE etl.steps (
            scope_id integer NOT NULL REFERENCES etl.scopes,
            step integer NOT NULL,
            revision_id bigint REFERENCES etl.revisions,
            activated_at timestamptz NOT NULL DEFAULT now(),
            actor text NOT NULL,
            reason text NOT NULL CHECK (reason IN ('load', 'rollback')),
            run_id bigint REFERENCES etl.runs,
            PRIMARY KEY (scope_id, step)
        );

        -- The revision log as reviewers read it.
        CREATE VIEW etl.revision_log AS
        SELECT r.revision_id AS revision, r.source, r.dataset, r.period, f.name AS file, f.sha256, f.size,
               r.published, r.loaded_at, r.loaded_by, r.rows, r.added, r.changed, r.removed, r.unchanged,
               CASE WHEN s.current_revision = r.revision_id THEN 'current'
                    WHEN r.rolled_back_at IS NOT NULL THEN 'rolled_back'
                    ELSE 'superseded' END AS status,
               r.rolled_back_at, r.rolled_back_by, r.step, r.inputs, r.header, r.run_id,
               f.url, f.page, f.etag, f.last_modified, f.fetched_at
        FROM etl.revisions r
        JOIN etl.files f ON f.file_id = r.file_id
        JOIN etl.scopes s ON s.scope_id = r.scope_id;
        """

    /// Segment tables. Bookkeeping columns first, then attributes, enrichment, and the row arrays.
    /// No surrogate key and no foreign keys: each would cost the server work per segment during
    /// the load (a sequence call and a B-tree insert, a trigger at commit). A segment is
    /// identified by (scope_id, org, valid_from) or, for detached content, detached_revision;
    /// its revision exists by construction (written in the same transaction) and tests check
    /// there are no orphans. History is found through a BRIN index: a scope's segments are
    /// appended together.
    /// Hierarchy indexes leave out NULLs (an equality filter implies NOT NULL, so they still serve
    /// it): a month loaded before its practice map costs them nothing.
    /// `one_current`: at most one current segment per scope and organisation, checked at commit,
    /// so a load can write a new edition's segments before closing the ones they replace.
    /// The other indexes are partial indexes on current segments, one per API filter.
    static let listSizes = """
        CREATE TABLE data.list_sizes (
            scope_id integer NOT NULL,
            dataset text NOT NULL,
            period date NOT NULL,
            org text NOT NULL,
            valid_from integer NOT NULL,
            valid_to integer,
            revision_id bigint NOT NULL,
            detached_revision bigint,
            seg_hash bytea NOT NULL,
            row_count integer NOT NULL,
            sub_icb text,
            ons_code text,
            postcode text,
            pcn text,
            icb text,
            region text,
            hierarchy_period date,
            dims_hash bytea NOT NULL,
            line integer[] NOT NULL,
            sex text[] NOT NULL,
            age text[] NOT NULL,
            patients bigint[] NOT NULL,
            patients_raw text[]
        );
        ALTER TABLE data.list_sizes ADD CONSTRAINT list_sizes_one_current
            EXCLUDE USING btree (scope_id WITH =, org WITH =) WHERE (valid_to IS NULL) DEFERRABLE INITIALLY DEFERRED;
        CREATE INDEX list_sizes_history ON data.list_sizes USING brin (scope_id, valid_from);
        CREATE INDEX list_sizes_org ON data.list_sizes (org, period) WHERE valid_to IS NULL;
        CREATE INDEX list_sizes_period ON data.list_sizes (period, dataset) WHERE valid_to IS NULL;
        CREATE INDEX list_sizes_pcn ON data.list_sizes (pcn, period) WHERE valid_to IS NULL AND pcn IS NOT NULL;
        CREATE INDEX list_sizes_sub_icb ON data.list_sizes (sub_icb, period) WHERE valid_to IS NULL AND sub_icb IS NOT NULL;
        CREATE INDEX list_sizes_icb ON data.list_sizes (icb, period) WHERE valid_to IS NULL AND icb IS NOT NULL;
        CREATE INDEX list_sizes_region ON data.list_sizes (region, period) WHERE valid_to IS NULL AND region IS NOT NULL;

        -- One row per practice and month: no dimensions, so values are plain columns.
        CREATE TABLE data.practice_map (
            scope_id integer NOT NULL,
            dataset text NOT NULL,
            period date NOT NULL,
            org text NOT NULL,
            valid_from integer NOT NULL,
            valid_to integer,
            revision_id bigint NOT NULL,
            detached_revision bigint,
            seg_hash bytea NOT NULL,
            row_count integer NOT NULL,
            line integer NOT NULL,
            practice_name text,
            practice_postcode text,
            pcn text,
            pcn_name text,
            sub_icb text,
            ons_sub_icb text,
            sub_icb_name text,
            icb text,
            ons_icb text,
            icb_name text,
            region text,
            ons_region text,
            region_name text,
            supplier text
        );
        ALTER TABLE data.practice_map ADD CONSTRAINT practice_map_one_current
            EXCLUDE USING btree (scope_id WITH =, org WITH =) WHERE (valid_to IS NULL) DEFERRABLE INITIALLY DEFERRED;
        CREATE INDEX practice_map_history ON data.practice_map USING brin (scope_id, valid_from);
        CREATE INDEX practice_map_org ON data.practice_map (org, period) WHERE valid_to IS NULL;
        CREATE INDEX practice_map_period ON data.practice_map (period) WHERE valid_to IS NULL;
        CREATE INDEX practice_map_pcn ON data.practice_map (pcn, period) WHERE valid_to IS NULL AND pcn IS NOT NULL;
        CREATE INDEX practice_map_sub_icb ON data.practice_map (sub_icb, period) WHERE valid_to IS NULL AND sub_icb IS NOT NULL;
        CREATE INDEX practice_map_icb ON data.practice_map (icb, period) WHERE valid_to IS NULL AND icb IS NOT NULL;
        CREATE INDEX practice_map_region ON data.practice_map (region, period) WHERE valid_to IS NULL AND region IS NOT NULL;
        """

    static let listSizesAPI = """
        -- Current registered-patient counts, one row per practice, month, family, sex and age.
        -- `revision` is the revision whose file this value was read from (its line is kept too).
        CREATE VIEW api.list_sizes AS
        SELECT s.period AS month, 'GP'::text AS org_type, s.org, r.sex, r.age, r.patients,
               s.pcn, s.sub_icb, s.icb, s.region, s.revision_id AS revision, s.dataset,
               s.postcode, r.patients_raw, r.line
        FROM data.list_sizes s
        CROSS JOIN LATERAL unnest(s.sex, s.age, s.patients, s.patients_raw, s.line) AS r(sex, age, patients, patients_raw, line)
        WHERE s.valid_to IS NULL;

        -- The practice directory from the newest month's practice map.
        CREATE VIEW api.practices AS
        SELECT m.org AS ods_code, m.practice_name AS name, m.practice_postcode AS postcode, m.pcn, m.pcn_name,
               m.sub_icb, m.icb, m.region, m.supplier, m.period AS month, m.revision_id AS revision
        FROM data.practice_map m
        WHERE m.valid_to IS NULL
          AND m.period = (SELECT max(period) FROM data.practice_map WHERE valid_to IS NULL);

        -- Which edition the publisher had out on a date: the latest published on or before it,
        -- leaving out editions an operator rolled back.
        CREATE FUNCTION api.as_published(p_dataset text, p_period date, p_on date)
        RETURNS TABLE (revision bigint, published date, loaded_at timestamptz, file text, sha256 text)
        LANGUAGE sql STABLE AS $$
            SELECT r.revision_id, r.published, r.loaded_at, f.name, f.sha256
            FROM etl.revisions r JOIN etl.files f ON f.file_id = r.file_id
            WHERE r.dataset = p_dataset AND r.period = p_period AND r.published <= p_on AND r.rolled_back_at IS NULL
            ORDER BY r.published DESC, r.revision_id DESC
            LIMIT 1
        $$;

        -- Which edition the warehouse served at a moment (its own timeline: loads and rollbacks).
        CREATE FUNCTION api.as_served(p_dataset text, p_period date, p_at timestamptz)
        RETURNS TABLE (revision bigint, step integer, activated_at timestamptz, actor text, reason text)
        LANGUAGE sql STABLE AS $$
            SELECT st.revision_id, st.step, st.activated_at, st.actor, st.reason
            FROM etl.scopes sc JOIN etl.steps st ON st.scope_id = sc.scope_id
            WHERE sc.dataset = p_dataset AND sc.period = p_period AND st.activated_at <= p_at
            ORDER BY st.step DESC
            LIMIT 1
        $$;
        """

    /// One row per source a run looked at (refresh, backfill, demo): what it found and how it
    /// ended. `pipeline sources` and `pipeline status` read the newest row per source; `refresh
    /// --due` reads when a source was last checked. Written after the load's transaction, so a
    /// failed load still leaves its failure here.
    static let sourceChecks = """
        CREATE TABLE etl.source_checks (
            check_id bigserial PRIMARY KEY,
            source text NOT NULL,
            run_id bigint REFERENCES etl.runs,
            checked_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            period date,
            outcome text NOT NULL
                CHECK (outcome IN ('ok', 'nothing_new', 'not_yet_published', 'refused', 'failed', 'cancelled')),
            error text,
            counts jsonb NOT NULL DEFAULT '{}'
        );
        CREATE INDEX source_checks_latest ON etl.source_checks (source, checked_at DESC);
        CREATE INDEX scopes_source_period ON etl.scopes (source, period DESC) WHERE current_revision IS NOT NULL;
        """
}
