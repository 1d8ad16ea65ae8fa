import Foundation
import Transform

/// The warehouse as the pipeline sees it: one connection, the schema, the run lock and the
/// run log. Loads, queries and rollbacks go through the types that take a `Warehouse`.
public final class Warehouse {
    public let connection: PGConnection
    /// The sources this program knows: the warehouse's tables and `api` objects follow them.
    public let registry: SourceRegistry
    /// The run this process is recording, once `startRun` was called.
    public private(set) var runID: Int64?

    /// The advisory lock every run holds (session level, on this connection): two int4 keys,
    /// "NHSW" and 1. The server frees it when the connection ends, however the process ends.
    static let lockKeys = (Int32(0x4E48_5357), Int32(1))

    public init(conninfo: String?, applicationName: String, registry: SourceRegistry) throws {
        connection = try PGConnection(conninfo: conninfo, applicationName: applicationName)
        self.registry = registry
    }

    // MARK: the server

    /// True on a hot standby (read-only; a loader must write to the primary).
    public func isStandby() throws -> Bool {
        try connection.execute("SELECT pg_catalog.pg_is_in_recovery()").string(0, 0) == "t"
    }

    /// The port the server listens on (compared with the one dialled, to see a proxy between).
    public func serverPort() throws -> Int? {
        try connection.execute("SELECT pg_catalog.current_setting('port')").string(0, 0).flatMap { Int($0) }
    }

    /// True when every run recorded is a `demo` run (the warehouse holds the bundled fixtures only).
    public func holdsDemoRunsOnly() throws -> Bool {
        try connection.execute("""
            SELECT EXISTS (SELECT 1 FROM etl.runs WHERE command = 'demo') AND NOT EXISTS (SELECT 1 FROM etl.runs WHERE command <> 'demo')
            """).string(0, 0) == "t"
    }

    // MARK: schema

    /// Creates database `name` through the server's maintenance database when it is missing
    /// (the embedded cluster's first start). `name` is code-given: `[a-z_]+` only.
    public static func createDatabaseIfMissing(_ name: String, adminConninfo: String) throws {
        precondition(name.allSatisfy { $0 == "_" || ("a"..."z").contains($0) }, "a plain database name")
        let admin = try PGConnection(conninfo: adminConninfo, applicationName: "pipeline embedded")
        if try admin.execute("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", [name]).rowCount == 0 {
            try admin.execute("CREATE DATABASE \(name)")
        }
    }

    /// Applies pending migrations, then what the source declarations generate (when it changed
    /// since it was last done), in one transaction serialised across processes. Returns what was
    /// applied. Refuses a database whose history differs from ours.
    @discardableResult
    public func migrate() throws -> [String] {
        // Most commands find the schema up to date: check with reads only, so a login without
        // DDL rights (warehouse_loader) runs every command but `migrate` itself.
        if try isUpToDate() { return [] }
        var applied: [String] = []
        try connection.transaction {
            // Serialise concurrent migrators; the lock ends with the transaction.
            try connection.execute("SELECT pg_advisory_xact_lock($1::int, 0)", [String(Self.lockKeys.0)])
            try connection.execute("""
                CREATE SCHEMA IF NOT EXISTS etl;
                """)
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS etl.schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let done = try connection.execute("SELECT version, checksum FROM etl.schema_migrations ORDER BY version")
            var known: [Int: String] = [:]
            for row in 0..<done.rowCount { known[done.int(row, 0)!] = done.string(row, 1)! }
            for migration in Migrations.all {
                let checksum = SHA256.hex(SHA256.hash(Array(migration.sql.utf8)))
                if let existing = known[migration.version] {
                    if existing != checksum {
                        throw LoadError(.migration, "migration \(migration.version) (\(migration.name)) differs from the one applied to this database; refusing to run against a schema this binary did not make")
                    }
                    continue
                }
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO etl.schema_migrations (version, name, checksum) VALUES ($1::int, $2, $3)",
                    [String(migration.version), migration.name, checksum])
                applied.append("\(migration.version) \(migration.name)")
            }
            if let newest = known.keys.max(), newest > (Migrations.all.last?.version ?? 0) {
                throw LoadError(.migration, "the database has schema version \(newest), newer than this binary knows (\(Migrations.all.last?.version ?? 0)); upgrade the pipeline")
            }
            let declared = DeclaredSchema(registry: registry)
            let checksum = declared.checksum
            let recorded = try connection.execute("SELECT checksum FROM etl.declared_schema")
            if recorded.rowCount == 0 || recorded.string(0, 0) != checksum {
                let changes = try declared.apply(on: connection)
                applied += changes.map { "declared schema: " + $0 }
                applied.append("declared schema: api objects generated for \(registry.ids.joined(separator: ", "))")
                try connection.execute("""
                    INSERT INTO etl.declared_schema (id, checksum, sources, applied_at) VALUES (1, $1, $2::text[], now())
                    ON CONFLICT (id) DO UPDATE SET checksum = excluded.checksum, sources = excluded.sources, applied_at = excluded.applied_at
                    """, [checksum, PGArray.literal(registry.ids)])
            }
        }
        return applied
    }

    /// True when every migration is applied and the declared schema's checksum is recorded.
    private func isUpToDate() throws -> Bool {
        let state = try connection.execute("""
            SELECT to_regclass('etl.schema_migrations') IS NOT NULL AND to_regclass('etl.declared_schema') IS NOT NULL
            """)
        guard state.bool(0, 0) == true else { return false }
        let versions = try connection.execute("SELECT coalesce(max(version), 0), count(*) FROM etl.schema_migrations")
        guard versions.int(0, 0) == Migrations.all.last?.version, versions.int(0, 1) == Migrations.all.count else { return false }
        let recorded = try connection.execute("SELECT checksum FROM etl.declared_schema")
        return recorded.rowCount == 1 && recorded.string(0, 0) == DeclaredSchema(registry: registry).checksum
    }

    /// Creates `warehouse_reader` and `warehouse_loader` when missing and grants them what they
    /// need; when this login may not create roles, returns the SQL for a DBA (nothing is changed).
    public func ensureRoles() throws -> RoleOutcome {
        if try Roles.exist(on: connection) {
            try connection.transaction { try Roles.grant(on: connection) }
            return .existed
        }
        let allowed = try connection.execute("SELECT rolcreaterole OR rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")
        guard allowed.bool(0, 0) == true else {
            return .needsDBA(Roles.creationSQL + Roles.grants)
        }
        do {
            try connection.transaction {
                for statement in Roles.creationSQL { try connection.execute(statement) }
                try Roles.grant(on: connection)
            }
        } catch {
            // Roles belong to the cluster: a migration of another database on it may have created
            // them between our check and our CREATE ROLE (a duplicate or "tuple concurrently
            // updated"). Then they exist, and granting is all that is left to do here.
            guard try Roles.exist(on: connection) else { throw error }
            try connection.transaction { try Roles.grant(on: connection) }
            return .existed
        }
        return .created
    }

    // MARK: the run lock

    /// Takes the warehouse lock. When another run holds it: waits if `wait`, else throws
    /// `LoadError(.lockHeld)` naming the holder (run, command, host, pid, since when).
    public func lock(wait: Bool, onWait: (String) -> Void = { _ in }) throws {
        let keys = [String(Self.lockKeys.0), String(Self.lockKeys.1)]
        let got = try connection.execute("SELECT pg_try_advisory_lock($1::int, $2::int)", keys)
        if got.bool(0, 0) == true { return }
        let holder = try lockHolder() ?? "a session that has just let go of it"
        if !wait {
            throw LoadError(.lockHeld, "another run holds the warehouse lock: \(holder)")
        }
        onWait("waiting for the warehouse lock held by \(holder)")
        try connection.execute("SELECT pg_advisory_lock($1::int, $2::int)", keys)
    }

    public func unlock() {
        _ = try? connection.execute("SELECT pg_advisory_unlock($1::int, $2::int)", [String(Self.lockKeys.0), String(Self.lockKeys.1)])
    }

    /// Who holds the warehouse lock, or nil when nobody does:
    /// "run 12 (load SOURCE), pid 4242 on host db1, since 2026-11-21 17:58:03Z".
    public func lockHolder() throws -> String? {
        let result = try connection.execute("""
            SELECT l.pid, r.run_id, r.command, r.host, r.os_pid,
                   to_char(coalesce(r.started_at, a.backend_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"'),
                   a.application_name
            FROM pg_catalog.pg_locks l
            JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
            LEFT JOIN etl.runs r ON r.backend_pid = l.pid AND r.finished_at IS NULL
            WHERE l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
              AND l.locktype = 'advisory' AND l.classid = $1::int::oid AND l.objid = $2::int::oid AND l.objsubid = 2 AND l.granted
            ORDER BY r.run_id DESC NULLS LAST
            LIMIT 1
            """, [String(Self.lockKeys.0), String(Self.lockKeys.1)])
        guard result.rowCount == 1 else { return nil }
        if let run = result.string(0, 1) {
            return "run \(run) (\(result.string(0, 2) ?? "?")), pid \(result.string(0, 4) ?? "?") on host \(result.string(0, 3) ?? "?"), since \(result.string(0, 5) ?? "?")"
        }
        return "\(result.string(0, 6) ?? "a session") (backend pid \(result.string(0, 0) ?? "?")), since \(result.string(0, 5) ?? "?")"
    }

    // MARK: runs

    /// Records the start of a run; the id goes into every revision it writes.
    @discardableResult
    public func startRun(command: String, arguments: [String], versions: [String: String]) throws -> Int64 {
        let result = try connection.execute("""
            INSERT INTO etl.runs (command, arguments, host, os_pid, os_user, tool_version, libpq_version, zlib_version)
            VALUES ($1, $2::text[], $3, $4::int, $5, $6, $7, $8) RETURNING run_id
            """, [command, PGArray.literal(arguments), ProcessInfo.processInfo.hostName, String(getpid()),
                  Actor.osUser, versions["tool"], versions["libpq"], versions["zlib"]])
        runID = Int64(result.string(0, 0)!)
        return runID!
    }

    /// Records how the run ended.
    public func finishRun(outcome: String, error: String?, counts: [String: Int]) {
        guard let runID else { return }
        connection.rollbackQuietly()
        let json = Self.countsJSON(counts)
        // A cancel request sent on SIGTERM is asynchronous and may land on this statement
        // instead of the one it was meant for: try again rather than leave the run "running".
        for _ in 0..<3 {
            do {
                try connection.execute(
                    "UPDATE etl.runs SET finished_at = clock_timestamp(), outcome = $2, error = $3, counts = $4::jsonb WHERE run_id = $1::bigint",
                    [String(runID), outcome, error, json])
                return
            } catch {
                connection.rollbackQuietly()
            }
        }
    }

    /// Counts as a JSON object (keys are code-given names; values integers).
    static func countsJSON(_ counts: [String: Int]) -> String {
        "{" + counts.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):\($0.value)" }.joined(separator: ",") + "}"
    }

    /// True when the warehouse has processed a file with these bytes for this source.
    public func hasFile(source: String, sha256: String) throws -> Bool {
        try connection.execute("SELECT 1 FROM etl.files WHERE source = $1 AND sha256 = $2", [source, sha256]).rowCount > 0
    }

    /// The change marker held for a web API item's URL and the bytes it vouches for, when
    /// those bytes are still among the source's files.
    public func changeMarker(source: String, url: String) throws -> (marker: String, sha256: String)? {
        let result = try connection.execute("""
            SELECT m.marker, m.sha256 FROM etl.change_markers m
            WHERE m.source = $1 AND m.url = $2
              AND EXISTS (SELECT 1 FROM etl.files f WHERE f.source = m.source AND f.sha256 = m.sha256)
            """, [source, url])
        guard result.rowCount == 1, let marker = result.string(0, 0), let sha = result.string(0, 1) else { return nil }
        return (marker, sha)
    }

    /// Remembers `marker` for a web API item whose bytes (`sha256`) the warehouse holds.
    public func recordChangeMarker(source: String, url: String, name: String, marker: String, sha256: String) throws {
        try connection.execute(Self.upsertChangeMarker, [source, url, name, marker, sha256, runID.map { String($0) }])
    }

    static let upsertChangeMarker = """
        INSERT INTO etl.change_markers (source, url, name, marker, sha256, run_id) VALUES ($1, $2, $3, $4, $5, $6::bigint)
        ON CONFLICT (source, url) DO UPDATE SET name = excluded.name, marker = excluded.marker, sha256 = excluded.sha256,
            recorded_at = now(), run_id = excluded.run_id
        WHERE (etl.change_markers.marker, etl.change_markers.sha256, etl.change_markers.name)
              IS DISTINCT FROM (excluded.marker, excluded.sha256, excluded.name)
        """

    /// Marks runs that were left `running` by a process that died (their backend is gone).
    public func markAbandonedRuns() throws {
        try connection.execute("""
            UPDATE etl.runs r SET outcome = 'abandoned', finished_at = clock_timestamp(),
                   error = 'the process ended without recording an outcome (killed, or its connection was lost)'
            WHERE r.outcome = 'running' AND r.run_id <> coalesce($1::bigint, 0)
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = r.backend_pid AND a.backend_start <= r.started_at)
            """, [runID.map { String($0) }])
    }
}

/// Who is acting, for the revision log and rollbacks: OS user and host.
public enum Actor {
    public static var osUser: String {
        if let name = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"], !name.isEmpty {
            return name
        }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return String(getuid())
    }

    public static var description: String { "\(osUser)@\(ProcessInfo.processInfo.hostName)" }
}

/// Text literals for array parameters (`{"a","b"}`), passed as values, never spliced into SQL.
enum PGArray {
    static func literal(_ values: [String]) -> String {
        "{" + values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }
}
