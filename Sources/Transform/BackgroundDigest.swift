import Dispatch

/// SHA-256 of a whole source, computed on a background thread while the caller does other work
/// with its own reading of the same bytes (a plain file is hashed at ~1.5 GB/s and parsed at
/// ~100 MB/s: the digest is ready after the first few percent of the parse, so a file loaded
/// before is recognised without parsing it, and a new one is not delayed by a hashing pass).
public final class BackgroundDigest: @unchecked Sendable {
    // @unchecked: `source` is read only by the hashing thread; `outcome` is written once by the hashing thread before `finished` is set, and
    // read only after `finished` was seen set (the semaphore orders both).
    private let source: any ByteSource
    private var outcome: Result<(sha256: String, size: Int64), any Error>?
    private let finished = ManagedAtomicFlag()
    private let done = DispatchSemaphore(value: 0)

    /// Starts hashing `source` (which nobody else reads) to its end.
    public init(_ source: any ByteSource) {
        self.source = source
        DedicatedThread.start("file digest") { [self] in
            outcome = Result { try HashingSource.digest(of: self.source) }
            finished.set()
            done.signal()
        }
    }

    /// The digest if it is ready, without waiting; nil while hashing (or if hashing failed:
    /// `wait` reports the error).
    public var ready: (sha256: String, size: Int64)? {
        guard finished.isSet else { return nil }
        return try? outcome!.get()
    }

    /// Waits for the digest.
    public func wait() throws -> (sha256: String, size: Int64) {
        if !finished.isSet {
            done.wait()
            done.signal()
        }
        return try outcome!.get()
    }
}
