import Foundation

/// A database of its own for one test, on the throwaway cluster `Tests/with-postgres.sh` starts.
///
/// There is no skipping: without `ETL_TEST_DATABASE_URL` the test fails and says how to run it.
public final class TestDatabase: @unchecked Sendable {
    public let name: String
    /// A libpq connection string for this database.
    public let url: String
    private let admin: String

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// The cluster's admin connection string.
    public static func adminURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["ETL_TEST_DATABASE_URL"], !url.isEmpty else {
            throw Unavailable(description: "PostgreSQL tests need a server: run them as `Tests/with-postgres.sh swift test --disable-swift-testing` (ETL_TEST_DATABASE_URL is not set)")
        }
        return url
    }

    /// A new empty database, or a copy of `template` (a database no session is connected to).
    public init(template: String = "template0") throws {
        admin = try Self.adminURL()
        name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased()
        url = admin + " dbname=\(name)"
        let result = try Run.program("psql", [admin, "-v", "ON_ERROR_STOP=1", "-qXc", "CREATE DATABASE \(name) TEMPLATE \(template)"])
        if result.status != 0 { throw Unavailable(description: "could not create a test database: \(result.stderr)") }
    }

    /// Runs SQL with psql and returns rows, fields split by tab (NULL as empty).
    @discardableResult
    public func psql(_ sql: String) throws -> [[String]] {
        let result = try Run.program("psql", [url, "-v", "ON_ERROR_STOP=1", "-qXAt", "-F", "\t", "-c", sql])
        if result.status != 0 { throw Unavailable(description: "psql failed: \(result.stderr)") }
        return result.lines.map { $0.components(separatedBy: "\t") }
    }

    /// The single value a query returns.
    public func value(_ sql: String) throws -> String {
        try psql(sql).first?.first ?? ""
    }

    public func drop() {
        _ = try? Run.program("psql", [admin, "-qXc", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }

    deinit { drop() }
}

/// A scratch directory removed at the end of the test.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "t") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    /// Copies `source` to `name` inside the directory and returns its path.
    @discardableResult
    public func copy(_ source: String, as name: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: file)
        try FileManager.default.copyItem(atPath: source, toPath: file.path)
        return file.path
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
