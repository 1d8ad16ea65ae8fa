import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a helper program (initdb, pg_ctl) with a fixed, minimal environment: nothing of ours
/// (DATABASE_URL, PGPASSWORD, PIPELINE_*) reaches a child, and arguments never carry secrets.
/// Output goes to a file, so a chatty child cannot fill a pipe and stall.
enum ChildProcess {
    /// The only environment a child sees.
    static let environment = [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LC_ALL=C", "LANG=C", "TZ=UTC",
    ]

    /// glibc's POSIX_SPAWN_SETSID (2.26+), not exported to Swift.
    private static let setSessionFlag: Int32 = 0x80

    /// Runs `executable` and waits for it; returns its exit status (128+n for signal n).
    /// `newSession`: the child leads a new session, so a Ctrl-C on our terminal never reaches
    /// it or what it leaves running (the embedded server outlives this command).
    /// `asUser`: run through `runuser -u USER --` (we are root; PostgreSQL refuses root).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], asUser: String? = nil, newSession: Bool = false,
                    output: URL? = nil) throws -> Int32 {
        var argv = [executable] + arguments
        if let asUser { argv = ["/usr/sbin/runuser", "-u", asUser, "--"] + argv }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // We ignore SIGINT/SIGTERM (a dispatch source handles them); the child gets defaults.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)
        if newSession { flags |= setSessionFlag }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let target = output?.path ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 1, target, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else we hold open is inherited: a long-lived child (the server) holding, say,
        // the socket our own parent watches for our exit would make us look alive forever.
        for fd in Self.openDescriptors() where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }

        var pid: pid_t = 0
        let status = withCStrings(argv) { argvPointers in
            withCStrings(environment) { envPointers in
                posix_spawn(&pid, argv[0], &actions, &attributes, argvPointers, envPointers)
            }
        }
        guard status == 0 else {
            throw ConfigError("cannot run \(argv[0]): \(String(cString: strerror(status)))")
        }
        var wstatus: Int32 = 0
        while waitpid(pid, &wstatus, 0) < 0 {
            if errno != EINTR { throw ConfigError("waiting for \(executable): \(String(cString: strerror(errno)))") }
        }
        let low = wstatus & 0x7f
        return low == 0 ? (wstatus >> 8) & 0xff : 128 + low
    }

    /// File descriptors open in this process (from /proc/self/fd).
    static func openDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        // The listing's own descriptor is closed by the time we use the list.
        return names.compactMap { Int32($0) }.filter { fcntl($0, F_GETFD) != -1 }
    }

    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
