import Foundation

/// Remembers the SHA-256 of local files by their `stat` identity (device, inode, size,
/// modification and change times), the way git's index and rsync's quick check do, so loading a
/// file that has not changed since it was last hashed does not read it again.
///
/// A fingerprint is recorded only when the file did not change while it was hashed and its
/// modification time is at least `racyWindow` older than the hashing (git's "racily clean"
/// rule: a write in the same clock tick as the hash could otherwise go unnoticed). A miss or a
/// mismatch just means the file is read and hashed as usual. Records live under
/// `<cache>/fingerprints/`, one small file each, written atomically.
public struct FingerprintStore: Sendable {
    public let directory: URL
    public static let racyWindow: Int64 = 2_000_000_000  // nanoseconds

    public init(cacheDirectory: URL) {
        directory = cacheDirectory.appendingPathComponent("fingerprints", isDirectory: true)
    }

    private func url(for identity: FileIdentity) -> URL {
        directory.appendingPathComponent("\(identity.device)-\(identity.inode)")
    }

    /// The recorded SHA-256 when `identity` matches what was recorded, else nil.
    public func sha256(for identity: FileIdentity) -> String? {
        guard let text = try? String(contentsOf: url(for: identity), encoding: .utf8) else { return nil }
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        guard parts.count == 4, let size = Int64(parts[0]), let modified = Int64(parts[1]), let changed = Int64(parts[2]),
            size == identity.size, modified == identity.modifiedNanoseconds, changed == identity.changedNanoseconds,
            parts[3].count == 64
        else { return nil }
        return parts[3]
    }

    /// Records `sha256` for a file whose identity was `before` when hashing started and `after`
    /// when it ended; does nothing if they differ or the file is too fresh to trust.
    public func record(sha256: String, before: FileIdentity, after: FileIdentity?, hashedAt: Date) {
        guard let after, before == after else { return }
        let hashedNanoseconds = Int64(hashedAt.timeIntervalSince1970 * 1_000_000_000)
        guard hashedNanoseconds - before.modifiedNanoseconds >= Self.racyWindow,
            hashedNanoseconds - before.changedNanoseconds >= Self.racyWindow
        else { return }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let record = "\(before.size) \(before.modifiedNanoseconds) \(before.changedNanoseconds) \(sha256)\n"
            try Data(record.utf8).write(to: url(for: before), options: .atomic)
        } catch {
            // A cache that cannot be written only costs a re-read next time.
        }
    }
}
