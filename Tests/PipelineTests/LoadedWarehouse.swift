import Foundation
import TestSupport
import XCTest

/// A warehouse holding every bundled publication, loaded once per test run by the built
/// `pipeline demo` from `Fixtures/publisher` and then copied for each test that reads it (a
/// `CREATE DATABASE … TEMPLATE`, a second or so, instead of a load).
enum LoadedWarehouse {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var template: String?
    /// Kept alive for the run: the template database and the cache the demo used.
    nonisolated(unsafe) private static var keep: [AnyObject] = []

    /// A fresh copy of the loaded warehouse.
    static func copy() throws -> TestDatabase {
        lock.lock()
        defer { lock.unlock() }
        if template == nil {
            let database = try TestDatabase()
            let cache = try TemporaryDirectory("loaded-cache")
            let result = try Run.pipeline(["demo"], environment: [
                "DATABASE_URL": database.url, "PIPELINE_CACHE_DIR": cache.path, "PIPELINE_MIRROR": Fixtures.path("publisher"),
            ])
            guard result.status == 0 else {
                throw TestDatabase.Unavailable(description: "loading the bundled publications failed (exit \(result.status)): \(result.stderr)")
            }
            keep = [database, cache]
            template = database.name
        }
        return try TestDatabase(template: template!)
    }
}
