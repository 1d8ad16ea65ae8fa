import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP fixture server (Tests/http/fixture_server.py) on 127.0.0.1: serves a mirror tree
/// and injects faults on request. One per test; stopped when released.
public final class FixtureServer: @unchecked Sendable {
    public let port: Int
    public let root: URL
    private let process: Process
    private let log: FileHandle
    /// The copy of the publisher site this server serves, when it made one.
    public internal(set) var site: TemporaryDirectory?

    public var base: String { "http://127.0.0.1:\(port)" }

    /// Starts a server over `root` (a directory laid out as HOST/PATH).
    public init(root: URL) throws {
        self.root = root
        let script = Fixtures.root.appendingPathComponent("Tests/http/fixture_server.py").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--root", root.path, "--port", "0", "--quiet", "--exit-with-parent"]
        let out = Pipe()
        process.standardOutput = out
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-server-\(UUID()).log").path
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        log = FileHandle(forWritingAtPath: logPath)!
        process.standardError = log
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6)) else {
            process.terminate()
            throw TestDatabase.Unavailable(description: "the fixture server did not start: \(text)")
        }
        self.port = port
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
        try? log.close()
    }

    /// Queues faults for `path` (e.g. `/files.digital.nhs.uk/AB/CDEF01/x.zip`).
    public func faults(_ path: String, _ faults: [[String: Any]], repeat repeating: Bool = false) throws {
        try control("POST", "/__control/faults", ["path": path, "faults": faults, "repeat": repeating])
    }

    public func clearFaults() throws { try control("DELETE", "/__control/faults", nil) }

    /// Requests seen so far (control calls excluded): method, path, headers (lower-case), status.
    public func requests(path: String? = nil) throws -> [[String: Any]] {
        let query = path.map { "?path=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0) } ?? ""
        let data = try control("GET", "/__control/requests" + query, nil)
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    public func clearRequests() throws { try control("DELETE", "/__control/requests", nil) }

    @discardableResult
    private func control(_ method: String, _ path: String, _ body: [String: Any]?) throws -> Data {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let body { request.httpBody = try JSONSerialization.data(withJSONObject: body) }
        let box = DataBox()
        let done = DispatchSemaphore(value: 0)
        let session = URLSession(configuration: .ephemeral)
        session.dataTask(with: request) { data, _, _ in
            box.data = data ?? Data()
            done.signal()
        }.resume()
        done.wait()
        return box.data
    }
}

extension FixtureServer {
    /// A writable copy of the saved publisher site (Fixtures/publisher), served on 127.0.0.1,
    /// so a test can republish, break or remove files without touching the fixtures. The copy
    /// (`site`) lives as long as the server.
    public static func servingCopyOfPublisherSite() throws -> FixtureServer {
        let site = try TemporaryDirectory("site")
        try FileManager.default.removeItem(at: site.url)
        try FileManager.default.copyItem(at: Fixtures.url("publisher"), to: site.url)
        let server = try FixtureServer(root: site.url)
        server.site = site
        return server
    }
}
