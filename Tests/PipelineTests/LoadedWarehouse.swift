import Foundation
import TestSupport
import XCTest

/// A warehouse holding every bundled publication, loaded once per test run by the built
/// `pipeline demo` from `Fixtures/publisher` and then copied for each test that reads it (a
/// `CREATE DATABASE … TEMPLATE`, a second or so, instead of a load).
///
/// `swift test --parallel` runs every test in a process of its own, so "once per run" is kept
/// across processes: the loaded database is named after the run's throwaway cluster directory
/// and built under a file lock in that directory; the first process to need it loads it, the
/// others wait for the lock and find it there.
enum LoadedWarehouse {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var template: String?
    /// Kept alive for the process when there is no run directory: the database and its cache.
    nonisolated(unsafe) private static var keep: [AnyObject] = []

    /// A fresh copy of the loaded warehouse.
    static func copy() throws -> TestDatabase {
        lock.lock()
        defer { lock.unlock() }
        if template == nil { template = try loadedDatabase() }
        return try TestDatabase(template: template!)
    }

    private static func loadedDatabase() throws -> String {
        guard let runDirectory = ProcessInfo.processInfo.environment["ETL_TEST_PG_SOCKET_DIR"], !runDirectory.isEmpty else {
            let (database, cache) = try load()
            keep = [database] + [cache].compactMap { $0 }
            return database.name
        }
        let name = "loaded_" + URL(fileURLWithPath: runDirectory).lastPathComponent.lowercased().filter { $0.isLetter || $0.isNumber }
        let descriptor = open(runDirectory + "/loaded-warehouse.lock", O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else {
            throw TestDatabase.Unavailable(description: "cannot open the loaded-warehouse lock in \(runDirectory): errno \(errno)")
        }
        defer { close(descriptor) }  // closing releases the lock
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw TestDatabase.Unavailable(description: "cannot lock the loaded-warehouse lock in \(runDirectory): errno \(errno)")
        }
        let admin = try TestDatabase.adminURL()
        let found = try Run.program("psql", [admin, "-qXAtc", "SELECT count(*) FROM pg_database WHERE datname = '\(name)'"])
        if found.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1" { return name }
        let (database, _) = try load(cacheIn: runDirectory + "/loaded-cache")
        let renamed = try Run.program("psql", [admin, "-v", "ON_ERROR_STOP=1", "-qXc", "ALTER DATABASE \(database.name) RENAME TO \(name)"])
        guard renamed.status == 0 else {
            throw TestDatabase.Unavailable(description: "could not keep the loaded warehouse: \(renamed.stderr)")
        }
        return name
    }

    /// Runs `pipeline demo` into a new database.
    private static func load(cacheIn cachePath: String? = nil) throws -> (TestDatabase, AnyObject?) {
        let database = try TestDatabase()
        let cache = cachePath == nil ? try TemporaryDirectory("loaded-cache") : nil
        let result = try Run.pipeline(["demo"], environment: [
            "DATABASE_URL": database.url, "PIPELINE_CACHE_DIR": cachePath ?? cache!.path, "PIPELINE_MIRROR": Fixtures.path("publisher"),
        ])
        guard result.status == 0 else {
            throw TestDatabase.Unavailable(description: "loading the bundled publications failed (exit \(result.status)): \(result.stderr)")
        }
        return (database, cache)
    }
}
