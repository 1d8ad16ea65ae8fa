/// The two roles a deployment gives its logins (NOLOGIN both; a login joins one):
///
/// - `warehouse_reader`: USAGE on schema `api`, SELECT on its views, EXECUTE on its functions,
///   nothing in `data` or `etl` (the views and the as-published functions read those as their
///   owner). For the developer API's service login.
/// - `warehouse_loader`: what loading needs and no more: read and write the rows of `etl` and
///   `data`, use their sequences, read `api`; no DDL, no ownership, no superuser, no CREATEDB. For
///   the cron login that runs `refresh`. Schema changes stay with the owner (`pipeline migrate`).
///
/// `pipeline migrate` creates them when the migrating role may (CREATEROLE); otherwise it prints
/// `creationSQL` for a DBA. Grants are renewed whenever schema `api` is rebuilt.
public enum Roles {
    public static let reader = "warehouse_reader"
    public static let loader = "warehouse_loader"

    /// Creates both roles when missing; idempotent.
    public static let creationSQL = [
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'warehouse_reader') THEN
                CREATE ROLE warehouse_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'warehouse_loader') THEN
                CREATE ROLE warehouse_loader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
            END IF;
        END $$
        """,
        "COMMENT ON ROLE warehouse_reader IS 'Reads schema api (views and functions) only; give it to the developer API''s login'",
        "COMMENT ON ROLE warehouse_loader IS 'Reads and writes the rows of etl and data (loading); no DDL; give it to the loader''s login'",
    ]

    /// What each role may do, as of now (run by the schema's owner after `api` is rebuilt).
    static let grants = [
        "REVOKE ALL ON SCHEMA data, etl FROM warehouse_reader",
        "GRANT USAGE ON SCHEMA api TO warehouse_reader",
        "GRANT SELECT ON ALL TABLES IN SCHEMA api TO warehouse_reader",
        "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO warehouse_reader",
        "GRANT USAGE ON SCHEMA etl, data, api TO warehouse_loader",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA etl, data TO warehouse_loader",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA etl, data TO warehouse_loader",
        "GRANT SELECT ON ALL TABLES IN SCHEMA api TO warehouse_loader",
        "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api, data TO warehouse_loader",
    ]

    /// True when both roles exist.
    static func exist(on connection: PGConnection) throws -> Bool {
        try connection.execute("SELECT count(*) = 2 FROM pg_catalog.pg_roles WHERE rolname IN ('warehouse_reader', 'warehouse_loader')")
            .bool(0, 0) == true
    }

    /// Grants to the roles that exist (none when neither does).
    static func grant(on connection: PGConnection) throws {
        guard try exist(on: connection) else { return }
        for statement in grants { try connection.execute(statement) }
    }
}

/// What `pipeline migrate` did about the roles.
public enum RoleOutcome: Sendable, Equatable {
    case created
    case existed
    /// The migrating role may not create roles: the SQL for someone who may.
    case needsDBA([String])
}
