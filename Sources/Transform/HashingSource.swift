/// Passes bytes through from another source while computing their SHA-256, so a file's
/// identity comes from the same single read that parses it.
public final class HashingSource: ByteSource {
    private let base: any ByteSource
    // Hot-path state of a single-threaded object: `@exclusivity(unchecked)` drops Swift's dynamic
    // exclusivity checks, which cost ~15% of a load's CPU (docs/performance.md).
    @exclusivity(unchecked) private var hasher = SHA256()
    @exclusivity(unchecked) public private(set) var byteCount: Int64 = 0
    @exclusivity(unchecked) private var digest: [UInt8]?

    public init(_ base: any ByteSource) { self.base = base }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        if n > 0 {
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            byteCount += Int64(n)
        } else if digest == nil {
            digest = hasher.finalize()
        }
        return n
    }

    /// Lower-case hex SHA-256 of everything read; nil until the source has ended.
    public var sha256: String? { digest.map(SHA256.hex) }

    /// Reads `source` to the end and returns the hex SHA-256 and byte count.
    public static func digest(of source: any ByteSource) throws -> (sha256: String, size: Int64) {
        let hashing = HashingSource(source)
        try hashing.forEachChunk(bufferSize: 1 << 20) { _ in }
        return (hashing.sha256!, hashing.byteCount)
    }
}
