/// Migrations 1–6, as they shipped before sources were declared (v0.2.0), kept verbatim: a
/// warehouse records each one's checksum, so these texts must never change. They name tables
/// of particular sources, which nothing else in Load does; everything since is generated from
/// the source declarations (`DeclaredSchema`).
enum ShippedMigrations {
    static let all: [Migrations.Migration] = [
        .init(version: 1, name: "bookkeeping: runs, files, scopes, revisions, steps", sql: bookkeeping),
        .init(version: 2, name: "list sizes and practice map segments", sql: listSizes),
        .init(version: 3, name: "api views for list sizes and practices; as-published lookups", sql: listSizesAPI),
        .init(version: 4, name: "source checks: what each run found for each source", sql: sourceChecks),
        .init(version: 5, name: "segments for ODS, appointments, QOF and payments; derived directories and summaries", sql: moreSources),
        .init(version: 6, name: "api views for practices, PCNs, appointments, QOF and payments", sql: moreSourcesAPI),
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

    /// The bookkeeping columns every segment table starts with, and its two constraints.
    private static func segmentTable(_ name: String, _ columns: String) -> String {
        """
        CREATE TABLE data.\(name) (
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
        \(columns)
        );
        ALTER TABLE data.\(name) ADD CONSTRAINT \(name)_one_current
            EXCLUDE USING btree (scope_id WITH =, org WITH =) WHERE (valid_to IS NULL) DEFERRABLE INITIALLY DEFERRED;
        CREATE INDEX \(name)_history ON data.\(name) USING brin (scope_id, valid_from);
        CREATE INDEX \(name)_org ON data.\(name) (org, period) WHERE valid_to IS NULL;
        CREATE INDEX \(name)_period ON data.\(name) (period) WHERE valid_to IS NULL;
        """
    }

    /// One partial index per hierarchy filter, leaving out NULLs (see `listSizes`).
    private static func filterIndexes(_ table: String, _ columns: [String]) -> String {
        columns.map { "CREATE INDEX \(table)_\($0) ON data.\(table) (\($0), period) WHERE valid_to IS NULL AND \($0) IS NOT NULL;" }
            .joined(separator: "\n")
    }

    /// Segment tables for ODS, Appointments, QOF and Payments (columns as their `DatasetSpec`s
    /// generate them: attributes, hierarchy enrichment, then the row arrays), and the derived
    /// tables `DerivedData` keeps: practice and PCN directories, QOF prevalence for England,
    /// payments per PCN.
    static let moreSources = [
        // Trigram search for api.search_practices, in a schema of its own (search_path is pinned
        // to pg_catalog, where an extension does not belong). A trusted extension: the migrating
        // role needs CREATE on the database, or a superuser to create it once beforehand.
        "CREATE SCHEMA IF NOT EXISTS ext; CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA ext;",
        segmentTable("ods_practices", """
                line integer NOT NULL,
                name text, region text, icb text, address_1 text, address_2 text, address_3 text, address_4 text, address_5 text,
                postcode text, open_date date, close_date date, status text, status_code text, sub_type text, sub_icb text,
                join_date date, left_date date, phone text, amended text, provider text, prescribing_setting text,
                open_date_raw text, close_date_raw text, join_date_raw text, left_date_raw text
            """),
        segmentTable("ods_pcns", """
                line integer NOT NULL,
                name text, sub_icb text, sub_icb_name text, open_date date, close_date date,
                address_1 text, address_2 text, address_3 text, address_4 text, address_5 text, postcode text,
                open_date_raw text, close_date_raw text
            """),
        segmentTable("ods_pcn_members", """
                dims_hash bytea NOT NULL,
                line integer[] NOT NULL,
                pcn text[] NOT NULL, start_date date[] NOT NULL,
                partner_name text[] NOT NULL, practice_sub_icb text[] NOT NULL, practice_sub_icb_name text[] NOT NULL,
                pcn_name text[] NOT NULL, pcn_sub_icb text[] NOT NULL, pcn_sub_icb_name text[] NOT NULL, end_date date[] NOT NULL,
                sub_icb_match text[] NOT NULL, end_date_raw text[]
            """),
        "CREATE INDEX ods_pcn_members_pcn ON data.ods_pcn_members USING gin (pcn) WHERE valid_to IS NULL;",
        segmentTable("gp_appointments", """
                practice_name text, supplier text, pcn text, pcn_name text, sub_icb text, sub_icb_name text,
                icb text, region text, hierarchy_period date,
                dims_hash bytea NOT NULL,
                line integer[] NOT NULL,
                hcp_type text[] NOT NULL, appt_mode text[] NOT NULL, national_category text[] NOT NULL,
                time_between_book_and_appt text[] NOT NULL, appt_status text[] NOT NULL,
                count bigint[] NOT NULL, count_raw text[]
            """),
        filterIndexes("gp_appointments", ["pcn", "sub_icb", "icb", "region", "supplier"]),
        segmentTable("qof_achievement", """
                pcn text, sub_icb text, icb text, region text, hierarchy_period date,
                dims_hash bytea NOT NULL,
                line integer[] NOT NULL,
                indicator text[] NOT NULL, measure text[] NOT NULL, value numeric[] NOT NULL, value_raw text[]
            """),
        filterIndexes("qof_achievement", ["pcn", "sub_icb", "icb", "region"]),
        "CREATE INDEX qof_achievement_indicator ON data.qof_achievement USING gin (indicator) WHERE valid_to IS NULL;",
        segmentTable("qof_prevalence", """
                pcn text, sub_icb text, icb text, region text, hierarchy_period date,
                dims_hash bytea NOT NULL,
                line integer[] NOT NULL,
                group_code text[] NOT NULL, patient_list_type text[] NOT NULL, register bigint[] NOT NULL, list_size bigint[] NOT NULL,
                register_raw text[], list_size_raw text[]
            """),
        filterIndexes("qof_prevalence", ["pcn", "sub_icb", "icb", "region"]),
        segmentTable("qof_indicators", """
                line integer NOT NULL,
                point_value numeric, group_code text, group_description text, domain_code text, domain_description text,
                patient_list_type text, patient_add_list_type text, point_value_raw text
            """),
        segmentTable("qof_organisations", """
                line integer NOT NULL,
                practice_name text, pcn text, pcn_name text, sub_icb text, ons_sub_icb text, sub_icb_name text,
                icb text, ons_icb text, icb_name text, region text, ons_region text, region_name text
            """),
        segmentTable("qof_org_reference", """
                line integer NOT NULL,
                revised_max_points numeric, revised_max_points_raw text
            """),
        segmentTable("nhs_payments", """
                region text, region_name text, sub_icb text, sub_icb_name text, pcn text, pcn_name text, practice_name text,
                address text, postcode text, open_date text, close_date text, contract_type text, dispensing text,
                practice_type text, rurality text, atypical text, patient_data_quarter text,
                icb text, hierarchy_period date,
                dims_hash bytea NOT NULL,
                line integer[] NOT NULL,
                measure text[] NOT NULL, value numeric[] NOT NULL, value_raw text[]
            """),
        filterIndexes("nhs_payments", ["pcn", "sub_icb", "icb", "region"]),
        """
        -- Derived (DerivedData): rebuilt from current content in the transaction that changed it.
        CREATE TABLE data.practice_directory (
            ods_code text PRIMARY KEY, name text, status text, open_date date, close_date date, postcode text,
            pcn text, pcn_name text, sub_icb text, icb text, region text, supplier text,
            snapshot date NOT NULL, origin text NOT NULL CHECK (origin IN ('ods', 'practice-map'))
        );
        CREATE INDEX practice_directory_pcn ON data.practice_directory (pcn) WHERE pcn IS NOT NULL;
        CREATE INDEX practice_directory_sub_icb ON data.practice_directory (sub_icb) WHERE sub_icb IS NOT NULL;
        CREATE INDEX practice_directory_icb ON data.practice_directory (icb) WHERE icb IS NOT NULL;
        CREATE INDEX practice_directory_region ON data.practice_directory (region) WHERE region IS NOT NULL;
        CREATE INDEX practice_directory_name ON data.practice_directory USING gin (name ext.gin_trgm_ops);

        CREATE TABLE data.pcn_directory (
            pcn text PRIMARY KEY, name text, sub_icb text, icb text, region text, member_count integer NOT NULL,
            open_date date, close_date date, snapshot date
        );
        CREATE INDEX pcn_directory_sub_icb ON data.pcn_directory (sub_icb) WHERE sub_icb IS NOT NULL;
        CREATE INDEX pcn_directory_icb ON data.pcn_directory (icb) WHERE icb IS NOT NULL;
        CREATE INDEX pcn_directory_region ON data.pcn_directory (region) WHERE region IS NOT NULL;

        CREATE TABLE data.qof_prevalence_national (
            period date NOT NULL, group_code text NOT NULL, patient_list_type text NOT NULL,
            register bigint, list_size bigint, practices integer NOT NULL,
            PRIMARY KEY (period, group_code, patient_list_type)
        );

        CREATE TABLE data.nhs_payments_pcns (
            period date NOT NULL, pcn text NOT NULL, pcn_name text, icb text, measure text NOT NULL, value numeric,
            practices integer NOT NULL,
            PRIMARY KEY (pcn, period, measure)
        );
        CREATE INDEX nhs_payments_pcns_period ON data.nhs_payments_pcns (period);
        CREATE INDEX nhs_payments_pcns_icb ON data.nhs_payments_pcns (icb, period) WHERE icb IS NOT NULL;
        """,
    ].joined(separator: "\n")

    static let moreSourcesAPI = """
        -- The first day of a financial year as the API names it (2023/24) or the source writes it
        -- (2023-24): filters compare `period` to it, so they use the period indexes.
        CREATE FUNCTION api.financial_year(year text) RETURNS date LANGUAGE sql IMMUTABLE STRICT AS $$
            SELECT make_date(substr(year, 1, 4)::int, 4, 1)
            WHERE year ~ '^[0-9]{4}[-/][0-9]{2}$' AND (substr(year, 1, 4)::int + 1) % 100 = substr(year, 6, 2)::int
        $$;

        -- Every practice: the newest ODS snapshot (status, dates, current PCN), else the newest
        -- practice map. `snapshot` is the period the row was read from.
        DROP VIEW api.practices;
        CREATE VIEW api.practices AS
        SELECT d.ods_code, d.name, d.status, d.open_date, d.close_date, d.postcode, d.pcn, d.pcn_name,
               d.sub_icb, d.icb, d.region, d.supplier, d.snapshot, d.origin
        FROM data.practice_directory d;

        -- Search by name (any part, case-insensitive) or exact code: one bitmap read of two indexes.
        CREATE FUNCTION api.search_practices(q text)
        RETURNS SETOF api.practices LANGUAGE sql STABLE AS $$
            SELECT * FROM api.practices
            WHERE ods_code = upper(q)
               OR name ILIKE '%' || replace(replace(replace(q, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
        $$;

        CREATE VIEW api.pcns AS
        SELECT p.pcn AS code, p.name, p.sub_icb, p.icb, p.region, p.member_count, p.open_date, p.close_date, p.snapshot
        FROM data.pcn_directory p;

        -- Practice-to-PCN memberships as published, ended ones and partners outside England flagged.
        CREATE VIEW api.pcn_members AS
        SELECT m.period AS snapshot, m.org AS practice, u.pcn, u.pcn_name, u.start_date, u.end_date,
               u.partner_name, u.practice_sub_icb, u.pcn_sub_icb, u.sub_icb_match,
               u.end_date IS NOT NULL AS ended,
               CASE left(m.org, 1) WHEN 'W' THEN 'Wales' WHEN 'S' THEN 'Scotland' ELSE 'England' END AS partner_country,
               m.revision_id AS revision
        FROM data.ods_pcn_members m
        CROSS JOIN LATERAL unnest(m.pcn, m.pcn_name, m.start_date, m.end_date, m.partner_name, m.practice_sub_icb, m.pcn_sub_icb, m.sub_icb_match)
            AS u(pcn, pcn_name, start_date, end_date, partner_name, practice_sub_icb, pcn_sub_icb, sub_icb_match)
        WHERE m.valid_to IS NULL;

        CREATE VIEW api.gp_appointments AS
        SELECT a.period AS month, a.org AS practice, a.practice_name, a.supplier, a.pcn, a.sub_icb, a.icb, a.region,
               u.hcp_type, u.appt_mode, u.national_category, u.time_between_book_and_appt, u.appt_status,
               u.count, u.count_raw, a.revision_id AS revision, u.line
        FROM data.gp_appointments a
        CROSS JOIN LATERAL unnest(a.hcp_type, a.appt_mode, a.national_category, a.time_between_book_and_appt, a.appt_status,
                                  a.count, coalesce(a.count_raw, array_fill(NULL::text, ARRAY[a.row_count])), a.line)
            AS u(hcp_type, appt_mode, national_category, time_between_book_and_appt, appt_status, count, count_raw, line)
        WHERE a.valid_to IS NULL;

        -- QOF years: `year` as the API asks for it (2023/24), `financial_year` as the source writes it.
        CREATE VIEW api.qof_years AS
        SELECT to_char(s.period, 'YYYY') || '/' || to_char(s.period + interval '1 year', 'YY') AS year,
               to_char(s.period, 'YYYY') || '-' || to_char(s.period + interval '1 year', 'YY') AS financial_year,
               s.period, count(*) AS datasets, max(r.published) AS published
        FROM etl.scopes s JOIN etl.revisions r ON r.revision_id = s.current_revision
        WHERE s.source = 'qof'
        GROUP BY s.period;

        CREATE VIEW api.qof_indicators AS
        SELECT to_char(i.period, 'YYYY') || '/' || to_char(i.period + interval '1 year', 'YY') AS year, i.period,
               i.org AS indicator, i.point_value, i.group_code, i.group_description, i.domain_code, i.domain_description,
               i.patient_list_type, i.revision_id AS revision
        FROM data.qof_indicators i WHERE i.valid_to IS NULL;

        CREATE VIEW api.qof_prevalence AS
        SELECT to_char(q.period, 'YYYY') || '/' || to_char(q.period + interval '1 year', 'YY') AS year, q.period,
               q.org AS practice, u.group_code, u.patient_list_type, u.register, u.list_size,
               round(100.0 * u.register / nullif(u.list_size, 0), 4) AS prevalence,
               q.pcn, q.sub_icb, q.icb, q.region, q.revision_id AS revision
        FROM data.qof_prevalence q
        CROSS JOIN LATERAL unnest(q.group_code, q.patient_list_type, q.register, q.list_size) AS u(group_code, patient_list_type, register, list_size)
        WHERE q.valid_to IS NULL;

        CREATE VIEW api.qof_prevalence_national AS
        SELECT to_char(n.period, 'YYYY') || '/' || to_char(n.period + interval '1 year', 'YY') AS year, n.period,
               n.group_code, n.patient_list_type, n.register, n.list_size,
               round(100.0 * n.register / nullif(n.list_size, 0), 4) AS prevalence, n.practices
        FROM data.qof_prevalence_national n;

        CREATE VIEW api.qof_achievement AS
        SELECT to_char(q.period, 'YYYY') || '/' || to_char(q.period + interval '1 year', 'YY') AS year, q.period,
               q.org AS practice, u.indicator, u.measure, u.value, q.pcn, q.sub_icb, q.icb, q.region, q.revision_id AS revision
        FROM data.qof_achievement q
        CROSS JOIN LATERAL unnest(q.indicator, q.measure, q.value) AS u(indicator, measure, value)
        WHERE q.valid_to IS NULL;

        -- `measure` is the payment column's name as published (trimmed); `value_raw` the
        -- suppression token (`N/A`, `-`) where the value is NULL because of one.
        CREATE VIEW api.nhs_payments_practices AS
        SELECT to_char(p.period, 'YYYY') || '/' || to_char(p.period + interval '1 year', 'YY') AS year, p.period,
               p.org AS practice, p.practice_name, p.pcn, p.sub_icb, p.icb, p.region, p.contract_type,
               u.measure, u.value, u.value_raw, p.revision_id AS revision
        FROM data.nhs_payments p
        CROSS JOIN LATERAL unnest(p.measure, p.value, coalesce(p.value_raw, array_fill(NULL::text, ARRAY[p.row_count])))
            AS u(measure, value, value_raw)
        WHERE p.valid_to IS NULL;

        -- Practices' payments summed per PCN (the publisher's PCN-level file is not read).
        CREATE VIEW api.nhs_payments_pcns AS
        SELECT to_char(n.period, 'YYYY') || '/' || to_char(n.period + interval '1 year', 'YY') AS year, n.period,
               n.pcn, n.pcn_name, n.icb, n.measure, n.value, n.practices
        FROM data.nhs_payments_pcns n;
        """
}
