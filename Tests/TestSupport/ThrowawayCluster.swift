import Foundation

/// A PostgreSQL cluster of a test's own (initdb, then a server on a private Unix socket), for
/// what the shared test cluster cannot show: cluster-wide state such as roles, a replica, a
/// pooler in front. Stopped and removed when released.
public final class ThrowawayCluster: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let port: Int
    public let superuser = "etl"
    private let bin: String

    /// A connection string for `database` as `user` (the superuser by default).
    public func url(database: String = "postgres", user: String? = nil) -> String {
        "host=\(directory.path) port=\(port) user=\(user ?? superuser) dbname=\(database)"
    }

    public var dataDirectory: String { directory.path + "/data" }

    /// `extraOptions`: `-c name=value` settings for the server.
    public init(port: Int = 56000 + Int.random(in: 0..<999), extraOptions: [String] = []) throws {
        guard let bin = ProcessInfo.processInfo.environment["ETL_TEST_PG_BIN"] else {
            throw TestDatabase.Unavailable(description: "ETL_TEST_PG_BIN is not set: run the tests through Tests/with-postgres.sh")
        }
        self.bin = bin
        self.port = port
        directory = try TemporaryDirectory("cluster")
        try Self.asServerUser(["chown", "-R", "postgres", directory.path], root: true)
        try Self.asServerUser(["chmod", "755", directory.path], root: true)
        let initdb = try Self.asServerUser([bin + "/initdb", "-D", dataDirectory, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C"])
        guard initdb.status == 0 else { throw TestDatabase.Unavailable(description: "initdb failed: \(initdb.stderr)") }
        try start(extraOptions: extraOptions)
    }

    /// A hot standby of `primary`: `pg_basebackup -R` (streaming replication over the
    /// primary's Unix socket), started read-only on its own socket.
    public init(standbyOf primary: ThrowawayCluster, port: Int = 57000 + Int.random(in: 0..<999)) throws {
        bin = primary.bin
        self.port = port
        directory = try TemporaryDirectory("standby")
        try Self.asServerUser(["chown", "-R", "postgres", directory.path], root: true)
        try Self.asServerUser(["chmod", "755", directory.path], root: true)
        let backup = try Self.asServerUser([bin + "/pg_basebackup", "-h", primary.directory.path, "-p", String(primary.port), "-U", primary.superuser,
                                            "-D", dataDirectory, "-R", "-X", "stream", "-c", "fast"])
        guard backup.status == 0 else { throw TestDatabase.Unavailable(description: "pg_basebackup failed: \(backup.stderr)") }
        try start(extraOptions: ["-c hot_standby=on"])
    }

    public func start(extraOptions: [String] = []) throws {
        let options = (["-c listen_addresses=", "-p \(port)", "-k \(directory.path)", "-c fsync=off"] + extraOptions).joined(separator: " ")
        // pg_ctl's output goes to a file: the server it leaves running would otherwise hold our
        // pipes open, and reading them to the end would never finish.
        let started = try Self.asServerUser([bin + "/pg_ctl", "-D", dataDirectory, "-l", directory.path + "/server.log", "-w", "-t", "30", "-o", options, "start"],
                                            output: directory.path + "/pg_ctl.out")
        guard started.status == 0 else {
            let log = (try? String(contentsOfFile: directory.path + "/server.log", encoding: .utf8)) ?? ""
            throw TestDatabase.Unavailable(description: "the throwaway cluster did not start: \(started.stderr) \(log.suffix(500))")
        }
    }

    public func stop() {
        _ = try? Self.asServerUser([bin + "/pg_ctl", "-D", dataDirectory, "-m", "immediate", "stop"])
    }

    /// psql against the cluster; rows split by tab.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> [[String]] {
        let result = try Run.program("psql", [url(database: database), "-v", "ON_ERROR_STOP=1", "-qXAt", "-F", "\t", "-c", sql])
        if result.status != 0 { throw TestDatabase.Unavailable(description: "psql failed: \(result.stderr)") }
        return result.lines.map { $0.components(separatedBy: "\t") }
    }

    deinit { stop() }

    /// Runs a command as the `postgres` user when we are root (PostgreSQL refuses root).
    /// `output`: a file for the command's stdout and stderr instead of pipes.
    @discardableResult
    static func asServerUser(_ argv: [String], root: Bool = false, output: String? = nil) throws -> RunResult {
        if root && getuid() != 0 { return RunResult(status: 0, stdout: "", stderr: "", stdoutData: Data()) }
        let command = getuid() == 0 && !root ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv : argv
        guard let output else { return try Run.program(command[0], Array(command.dropFirst())) }
        // The server left running must hold nothing of ours: Foundation learns that a child
        // exited when the descriptors it gave it close, so every descriptor above stderr is
        // closed before exec, and output goes to a file.
        let script = "for fd in $(ls /proc/$$/fd); do if [ \"$fd\" -gt 2 ] && [ -e /proc/$$/fd/$fd ]; then eval \"exec $fd>&-\"; fi; done; exec \"$@\" >\"$0\" 2>&1 </dev/null"
        let result = try Run.program("/bin/bash", ["-c", script, output] + command)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return RunResult(status: result.status, stdout: text, stderr: text, stdoutData: Data(text.utf8))
    }
}
