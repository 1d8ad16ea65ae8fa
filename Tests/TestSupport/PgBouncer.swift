import Foundation

/// A real pgbouncer (Debian's package) in front of a throwaway cluster, on a Unix socket of its
/// own, as a deployment puts one in front of the warehouse for the API's readers.
public final class PgBouncer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let port: Int
    private let process: RunningProcess

    /// `mode`: pgbouncer's `pool_mode` (`transaction`, `session`).
    public init(before cluster: ThrowawayCluster, database: String, mode: String, port: Int = 58000 + Int.random(in: 0..<999)) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/pgbouncer") else {
            throw TestDatabase.Unavailable(description: "pgbouncer is not installed (Debian package pgbouncer; .ci/run installs it)")
        }
        self.port = port
        directory = try TemporaryDirectory("pgbouncer")
        let config = """
            [databases]
            \(database) = host=\(cluster.directory.path) port=\(cluster.port) dbname=\(database) user=\(cluster.superuser)
            [pgbouncer]
            listen_addr =
            listen_port = \(port)
            unix_socket_dir = \(directory.path)
            auth_type = trust
            auth_file = \(directory.path)/users.txt
            pool_mode = \(mode)
            default_pool_size = 4
            logfile = \(directory.path)/pgbouncer.log
            pidfile = \(directory.path)/pgbouncer.pid
            """
        try config.write(toFile: directory.path + "/pgbouncer.ini", atomically: true, encoding: .utf8)
        try "\"\(cluster.superuser)\" \"\"\n".write(toFile: directory.path + "/users.txt", atomically: true, encoding: .utf8)
        // pgbouncer refuses to run as root.
        if getuid() == 0 {
            _ = try Run.program("chown", ["-R", "postgres", directory.path])
            _ = try Run.program("chmod", ["755", directory.path])
            process = try RunningProcess("/usr/sbin/runuser", ["-u", "postgres", "--", "/usr/sbin/pgbouncer", directory.path + "/pgbouncer.ini"])
        } else {
            process = try RunningProcess("/usr/sbin/pgbouncer", [directory.path + "/pgbouncer.ini"])
        }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: "\(directory.path)/.s.PGSQL.\(port)") {
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard FileManager.default.fileExists(atPath: "\(directory.path)/.s.PGSQL.\(port)") else {
            let log = (try? String(contentsOfFile: directory.path + "/pgbouncer.log", encoding: .utf8)) ?? ""
            throw TestDatabase.Unavailable(description: "pgbouncer did not start: \(log.suffix(500))")
        }
    }

    /// A connection string through the pooler.
    public func url(database: String, user: String = "etl") -> String {
        "host=\(directory.path) port=\(port) user=\(user) dbname=\(database)"
    }

    deinit {
        // By its pid file: under runuser, the process we started is runuser, not pgbouncer.
        if let text = try? String(contentsOfFile: directory.path + "/pgbouncer.pid", encoding: .utf8),
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGTERM)
        }
        process.signal(SIGTERM)
        _ = process.wait()
    }
}
