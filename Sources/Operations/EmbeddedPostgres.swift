import Foundation
import Load
import Transform
#if canImport(Glibc)
import Glibc
#endif

/// The project's own PostgreSQL, used when no database is configured: a cluster in
/// `postgres.data_dir` (default `.pipeline/postgres`), listening only on a Unix socket in a
/// directory only its owner can enter, so `trust` authentication admits nobody else. Started on
/// first use and left running for the next command (`pipeline db stop` stops it). PostgreSQL
/// refuses to run as root, so under root it runs as the `postgres` user.
public struct EmbeddedPostgres {
    public static let user = "pipeline"
    public static let database = "warehouse"
    /// The socket file's name only: there is no TCP listener.
    public static let port = 5432

    /// Where the cluster lives: `postgres.data_dir`, unless we are root and the `postgres` user
    /// cannot reach it (a checkout under /root), then a directory under /var/tmp named after it.
    public let dataDir: URL
    /// `postgres.data_dir` as configured (differs from `dataDir` only in the root fallback).
    public let configuredDataDir: URL
    public let binDir: URL
    /// The account the server runs as when we are root.
    public let serverUser: String?

    public init(settings: Settings) throws {
        guard let configured = settings.path(.postgresDataDir) else { throw ConfigError("postgres.data_dir is not set") }
        configuredDataDir = configured
        binDir = try Self.findBinaries(settings)
        if getuid() == 0 {
            guard getpwnam("postgres") != nil else {
                throw ConfigError("running as root, and there is no 'postgres' user to run the embedded PostgreSQL as; create one or set DATABASE_URL")
            }
            serverUser = "postgres"
            let parent = configured.deletingLastPathComponent()
            if Self.reachable(parent, by: "postgres") {
                dataDir = configured
            } else {
                let digest = Transform.SHA256.hex(Transform.SHA256.hash(Array(configured.path.utf8))).prefix(12)
                dataDir = URL(fileURLWithPath: "/var/tmp/nhs-pipeline-\(digest)/postgres")
            }
        } else {
            serverUser = nil
            dataDir = configured
        }
    }

    /// True when `user` can search every directory down to `directory` (or its nearest
    /// existing ancestor), which the server needs to open its data directory.
    public static func reachable(_ directory: URL, by user: String) -> Bool {
        var existing = directory
        while !FileManager.default.fileExists(atPath: existing.path) && existing.path != "/" { existing = existing.deletingLastPathComponent() }
        return (try? ChildProcess.run("/usr/bin/test", ["-x", existing.path], asUser: user)) == 0
    }

    /// The socket directory: the data directory itself, unless its path is too long for a
    /// socket address (108 bytes), then a private directory under /tmp named after it.
    public var socketDir: URL {
        if dataDir.path.utf8.count + 16 < 100 { return dataDir }
        let digest = Transform.SHA256.hex(Transform.SHA256.hash(Array(dataDir.path.utf8))).prefix(12)
        return URL(fileURLWithPath: "/tmp/nhs-pipeline-\(getuid())-\(digest)")
    }

    public var conninfo: String { conninfo(database: Self.database) }

    /// A libpq connection string (the socket directory quoted: a checkout path may hold spaces).
    public func conninfo(database: String) -> String {
        let host = socketDir.path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return "host='\(host)' port=\(Self.port) user=\(Self.user) dbname=\(database)"
    }
    public var logFile: URL { dataDir.appendingPathComponent("server.log") }

    public var isInitialised: Bool { FileManager.default.fileExists(atPath: dataDir.appendingPathComponent("PG_VERSION").path) }

    public func isRunning() throws -> Bool {
        guard isInitialised else { return false }
        // pg_ctl status: 0 running, 3 not running, 4 no data directory.
        return try pgctl(["status", "-D", dataDir.path]) == 0
    }

    /// Initialises (first time) and starts the cluster unless it runs, and makes sure the
    /// warehouse database exists. Serialised with a file lock, so two commands starting at once
    /// do not both run initdb.
    public func ensureRunning(note: (String) -> Void) throws {
        let parent = dataDir.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        try Self.checkOwned(parent, by: getuid(), privateMode: false)
        let lockFD = open(parent.appendingPathComponent(".\(dataDir.lastPathComponent).lock").path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard lockFD >= 0 else { throw ConfigError("\(parent.path): cannot create the embedded PostgreSQL's lock file") }
        defer { close(lockFD) }
        flock(lockFD, LOCK_EX)
        defer { flock(lockFD, LOCK_UN) }

        if !isInitialised {
            if dataDir != configuredDataDir {
                note("the postgres user cannot reach \(configuredDataDir.path) (a parent directory is private); the embedded cluster lives in \(dataDir.path) instead")
            }
            note("creating the embedded PostgreSQL cluster in \(dataDir.path)")
            try initialise()
        }
        if try !isRunning() {
            note("starting the embedded PostgreSQL (\(dataDir.path); `pipeline db stop` stops it)")
            try prepareSocketDir()
            let status = try pgctl(["start", "-D", dataDir.path, "-l", logFile.path, "-w", "-t", "60"], newSession: true)
            guard status == 0 else {
                throw ConfigError("the embedded PostgreSQL did not start (pg_ctl exit \(status)); see \(logFile.path)")
            }
        }
        try createDatabaseIfMissing()
    }

    public func stop() throws -> Bool {
        guard try isRunning() else { return false }
        let status = try pgctl(["stop", "-D", dataDir.path, "-m", "fast", "-w", "-t", "60"])
        guard status == 0 else { throw ConfigError("pg_ctl stop failed (exit \(status)); see \(logFile.path)") }
        return true
    }

    /// initdb into a staging directory beside the data directory, settings appended, then
    /// renamed into place: a cluster is never "initialised" without its socket-only settings,
    /// whatever interrupts this.
    private func initialise() throws {
        let staging = dataDir.deletingLastPathComponent().appendingPathComponent(".\(dataDir.lastPathComponent).init")
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try handOver(staging)
        let initLog = dataDir.deletingLastPathComponent().appendingPathComponent("initdb.log")
        let status = try ChildProcess.run(binDir.appendingPathComponent("initdb").path,
                                          ["-D", staging.path, "-U", Self.user, "--auth-local=trust", "--auth-host=reject",
                                           "-E", "UTF8", "--locale=C"],
                                          asUser: serverUser, output: initLog)
        guard status == 0 else {
            throw ConfigError("initdb failed (exit \(status)); see \(initLog.path)")
        }
        try? FileManager.default.removeItem(at: initLog)
        // Socket only, in a directory only the server's owner can enter.
        let settings = """

            # Written by the pipeline: the embedded warehouse listens on a private Unix socket only.
            listen_addresses = ''
            port = \(Self.port)
            unix_socket_directories = '\(socketDir.path.replacingOccurrences(of: "'", with: "''"))'
            unix_socket_permissions = 0700

            """
        let conf = staging.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: conf)
        handle.seekToEndOfFile()
        handle.write(Data(settings.utf8))
        handle.closeFile()
        try? FileManager.default.removeItem(at: dataDir)  // an empty directory left by an older version
        try FileManager.default.moveItem(at: staging, to: dataDir)
    }

    /// The socket directory outside the data directory (long paths): in /tmp, so it must be
    /// ours and private — a planted directory or symlink would let someone else's server answer.
    private func prepareSocketDir() throws {
        guard socketDir != dataDir else { return }
        if !FileManager.default.fileExists(atPath: socketDir.path) {
            try FileManager.default.createDirectory(at: socketDir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try handOver(socketDir)
        }
        let owner = serverUser.flatMap { getpwnam($0)?.pointee.pw_uid } ?? getuid()
        try Self.checkOwned(socketDir, by: owner, privateMode: true)
    }

    /// Refuses a directory that is a symlink, belongs to someone else, or (`privateMode`) can be
    /// entered by others.
    static func checkOwned(_ directory: URL, by owner: uid_t, privateMode: Bool) throws {
        var info = stat()
        guard lstat(directory.path, &info) == 0 else { throw ConfigError("\(directory.path): \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw ConfigError("\(directory.path) is not a directory (a symlink?); refusing to use it") }
        guard info.st_uid == owner else { throw ConfigError("\(directory.path) belongs to uid \(info.st_uid), not \(owner); refusing to use it") }
        if privateMode && info.st_mode & 0o077 != 0 {
            throw ConfigError("\(directory.path) can be entered by other users (mode \(String(info.st_mode & 0o777, radix: 8))); refusing to use it")
        }
    }

    /// Under root, gives a directory to the server's account and checks it can reach it
    /// (every parent must be searchable by that account).
    private func handOver(_ directory: URL) throws {
        guard let serverUser, let entry = getpwnam(serverUser) else { return }
        guard chown(directory.path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw ConfigError("\(directory.path): cannot give it to the \(serverUser) user: \(String(cString: strerror(errno)))")
        }
        if try ChildProcess.run("/usr/bin/test", ["-w", directory.path], asUser: serverUser) != 0 {
            throw ConfigError("the \(serverUser) user cannot reach \(directory.path) (a parent directory is not searchable by it); set postgres.data_dir or PIPELINE_PG_DATA to a directory it can reach")
        }
    }

    private func createDatabaseIfMissing() throws {
        try Warehouse.createDatabaseIfMissing(Self.database, adminConninfo: conninfo(database: "postgres"))
    }

    private func pgctl(_ arguments: [String], newSession: Bool = false) throws -> Int32 {
        try ChildProcess.run(binDir.appendingPathComponent("pg_ctl").path, arguments, asUser: serverUser, newSession: newSession)
    }

    /// `postgres.bin_dir`, else the newest /usr/lib/postgresql/N/bin, else the directory on
    /// PATH holding `initdb`.
    public static func findBinaries(_ settings: Settings) throws -> URL {
        if let dir = settings.path(.postgresBinDir) {
            guard FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("initdb").path) else {
                throw ConfigError("\(dir.path) (postgres.bin_dir, from \(settings[.postgresBinDir].origin)) holds no initdb")
            }
            return dir
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let dir = URL(fileURLWithPath: "\(root)/\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("initdb").path) { return dir }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let url = URL(fileURLWithPath: String(dir))
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("initdb").path) { return url }
        }
        throw ConfigError("no database is configured and no PostgreSQL server binaries were found for the embedded warehouse; install postgresql (Debian: apt-get install postgresql-15), set postgres.bin_dir, or set DATABASE_URL")
    }
}
