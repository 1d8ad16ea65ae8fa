import Foundation

/// Starts long-running work (hashing a file, reading ahead, the writing half of a load, sending
/// COPY data) on a thread of its own.
///
/// Why not `DispatchQueue.global().async`: libdispatch runs no more of the global queue's
/// blocks at once than there are cores and adds a thread only after a delay. On a 2-core
/// machine the read-ahead and the digest of a file took both, so the writing half of the load
/// started ~40 ms late on every file, with the server idle (docs/performance.md, "Threads of
/// their own").
public enum DedicatedThread {
    public static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }
}
