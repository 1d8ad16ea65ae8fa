import Foundation
import Transform

/// Files fetched from publishers, kept by content: `objects/ab/abcd…` named by SHA-256, plus one
/// small record per URL (`urls/<sha256 of the URL>.json`) holding the validators for conditional
/// GET and the object it last pointed at. Partial downloads live in `tmp/` as `*.part`.
public struct DownloadCache: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// What the cache remembers of a URL.
    public struct Record: Codable, Sendable, Equatable {
        public var url: String
        public var sha256: String
        public var size: Int64
        public var etag: String?
        public var lastModified: String?
        public var contentType: String?
        public var fetchedAt: Date
    }

    public func objectURL(_ sha256: String) -> URL {
        root.appendingPathComponent("objects/\(sha256.prefix(2))/\(sha256)")
    }

    var temporaryDirectory: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    private func recordURL(for url: String) -> URL {
        root.appendingPathComponent("urls/\(SHA256.hex(SHA256.hash(Array(url.utf8)))).json")
    }

    /// The record for `url` if its object is still in the cache.
    public func record(for url: String) -> Record? {
        guard let data = try? Data(contentsOf: recordURL(for: url)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let record = try? decoder.decode(Record.self, from: data),
              FileManager.default.fileExists(atPath: objectURL(record.sha256).path) else { return nil }
        return record
    }

    /// Moves a verified download into place (atomically) and remembers it for its URL.
    func store(_ partial: URL, record: Record) throws {
        let target = objectURL(record.sha256)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: target.path) {
            try? FileManager.default.removeItem(at: partial)
        } else if rename(partial.path, target.path) != 0 {
            throw ExtractError(.io, path: target.path, "cannot move the download into the cache: \(String(cString: strerror(errno)))")
        }
        try remember(record)
    }

    /// Writes the URL's record (validators) without touching objects.
    func remember(_ record: Record) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let file = recordURL(for: record.url)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(record).write(to: file, options: .atomic)
    }

    /// Removes `.part` files older than `age` seconds (left by a killed run).
    /// The directory for temporary files of this cache's loads (regrouping buckets).
    public var scratchDirectory: URL { temporaryDirectory }

    public func removeStalePartials(olderThan age: TimeInterval = 3600) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: temporaryDirectory.path) else { return }
        // Partial downloads, and the regrouping buckets of a load that was killed.
        for name in names where name.hasSuffix(".part") || name.hasPrefix("nhs-pipeline-spill-") {
            let path = temporaryDirectory.appendingPathComponent(name).path
            if let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
               Date().timeIntervalSince(modified) > age {
                try? fm.removeItem(atPath: path)
            }
        }
    }
}
