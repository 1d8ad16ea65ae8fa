import Foundation
import Transform

/// Sends a COPY's data to the server from a thread of its own, through a queue of chunks, so
/// the thread that encodes rows never waits for the server while there is room in the queue.
///
/// Why: `PQputCopyData` on a blocking connection returns only once its bytes are in the
/// socket, and a Unix socket holds about 200 KB. The encoding thread then alternated with
/// the backend instead of running beside it: loading a 9-month back-series of 58,500 small
/// segments, the two machine cores were 42 % idle and the server waited on the client a third
/// of the time (docs/performance.md, "A queue before the socket"). With up to `depth` chunks
/// queued the server always has the next rows waiting.
///
/// Only the sender's thread uses the connection between `init` and `finish` or `stop`; the
/// caller may use it again once either returns.
final class CopySender: @unchecked Sendable {
    // @unchecked: every field below is read and written only with `condition` locked.
    struct Chunk {
        var base: UnsafeMutablePointer<UInt8>
        var count: Int
        var capacity: Int
    }

    private let connection: PGConnection
    private let condition = NSCondition()
    private var queue: [Chunk] = []
    private var pool: [Chunk] = []
    private var allocated = 0
    private let depth: Int
    private let chunkCapacity: Int
    private var closing = false
    private var discard = false
    private var exited = false
    private var failure: (any Error)?

    /// At most `depth` chunks of `chunkCapacity` bytes are allocated (the writer fills each to
    /// about half, so about 4 MB are queued at most): a bounded memory cost whatever the file.
    init(connection: PGConnection, depth: Int = 16, chunkCapacity: Int) {
        self.connection = connection
        self.depth = depth
        self.chunkCapacity = chunkCapacity
        DedicatedThread.start("copy sender") { [self] in run() }
    }

    deinit {
        for chunk in pool + queue { chunk.base.deallocate() }
    }

    /// A free chunk to fill: from the pool, newly allocated while fewer than `depth` exist, or
    /// else the next one the thread has sent.
    func take() throws -> Chunk {
        condition.lock(); defer { condition.unlock() }
        while pool.isEmpty && allocated >= depth && failure == nil { condition.wait() }
        if let failure { throw failure }
        if let chunk = pool.popLast() { return chunk }
        allocated += 1
        return Chunk(base: .allocate(capacity: chunkCapacity), count: 0, capacity: chunkCapacity)
    }

    /// Queues a filled chunk, which the sender owns from then on; throws the error a send met
    /// (the chunk is then not taken: it stays the caller's).
    func send(_ chunk: Chunk) throws {
        condition.lock(); defer { condition.unlock() }
        if let failure { throw failure }
        queue.append(chunk)
        condition.broadcast()
    }

    /// Waits until every queued chunk is sent and the thread has ended; rethrows a send's error.
    func finish() throws {
        condition.lock(); defer { condition.unlock() }
        closing = true
        condition.broadcast()
        while !exited { condition.wait() }
        if let failure { throw failure }
    }

    /// Drops what is queued, waits for a send in progress and ends the thread.
    func stop() {
        condition.lock(); defer { condition.unlock() }
        closing = true
        discard = true
        condition.broadcast()
        while !exited { condition.wait() }
    }

    private func run() {
        condition.lock()
        while true {
            while queue.isEmpty && !closing { condition.wait() }
            if discard {
                pool += queue
                queue.removeAll()
            }
            if queue.isEmpty { break }
            var chunk = queue.removeFirst()
            let skip = failure != nil
            condition.unlock()
            var error: (any Error)?
            if !skip {
                do { try connection.putCopyData(UnsafeRawBufferPointer(start: chunk.base, count: chunk.count)) } catch let e { error = e }
            }
            condition.lock()
            if let error, failure == nil { failure = error }
            chunk.count = 0
            pool.append(chunk)
            condition.broadcast()
        }
        exited = true
        condition.broadcast()
        condition.unlock()
    }
}
