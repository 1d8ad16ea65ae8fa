import Dispatch

/// Hands finished segments from the thread that reads a file (tokenize, map, assemble) to a
/// second thread that hashes, compares and writes them (`consume`), so the two halves of a load
/// run at the same time: on a 1.2 M-row file the reading thread was busy for the whole pass and
/// the writing half was a fifth of it (docs/performance.md, "Two client stages").
///
/// Segments go through a ring of three batches of pooled `Segment`s (`submit` makes one hold
/// what the assembler built, sharing its column storage), so memory stays a few batches
/// (~8,000 rows each) whatever the file. `consume` runs on the second thread only, one segment at a time and in file order;
/// whatever it touches (the database connection) must not be used by another thread until
/// `finish` or `stop` returns.
///
/// Errors: the first error `consume` throws is kept and rethrown by the next `submit` (so the
/// reader stops at its next segment) and by `finish`. Segments submitted before it are all
/// consumed; those after it are dropped. A reader that fails itself calls `stop`, which lets
/// the segments already handed over be consumed (an earlier segment's error is the one a
/// sequential load would have reported) and returns that error, if any.
public final class SegmentHandoff: @unchecked Sendable {
    // @unchecked: the batches and `failure` are handed between the two threads only through the
    // semaphores (and `lock` for `failure`), which order every access.
    private let consume: (Segment) throws -> Void
    private var batches: [Batch] = []
    private var next = 0              // the reader's next batch
    private var holding = false       // the reader is filling `batches[next]`
    private var failure: (any Error)?
    private let lock = DispatchSemaphore(value: 1)
    private let filled = DispatchSemaphore(value: 0)
    // Created at 0 and signalled up (libdispatch traps when a semaphore created with a value is
    // destroyed below it, which an early exit can leave behind).
    private let free = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let batchCount: Int
    private var started = false
    private var closed = false

    /// Segments are handed over in batches: waking the other thread costs a futex call and a
    /// cross-core wake-up (~10 µs), which per segment of ~100 rows was a tenth of the reader's
    /// time. A batch is published when it holds this many rows, or `maxSegments` segments.
    static let batchRows = 8192
    static let maxSegments = 64

    private final class Batch {
        var segments: [Segment] = []
        var count = 0
        var rows = 0
        var isEnd = false
    }

    /// `consume` is `@Sendable`-unchecked on purpose: it captures the load's writer, which only
    /// the second thread uses while the handoff is open.
    public init(batches: Int = 3, consume: @escaping (Segment) throws -> Void) {
        self.consume = consume
        self.batchCount = batches
        for _ in 0..<batches { free.signal() }
    }

    /// Queues what `segment` holds; the caller may refill `segment` as soon as this returns.
    /// Throws the error the writing thread met, if any.
    public func submit(_ segment: Segment) throws {
        if !started { start() }
        if !holding {
            if let failure = currentFailure { throw failure }
            free.wait()
            holding = true
        }
        let batch = batches[next]
        if batch.count == batch.segments.count { batch.segments.append(Segment(spec: segment.spec)) }
        if batch.segments[batch.count].spec.id != segment.spec.id { batch.segments[batch.count] = Segment(spec: segment.spec) }
        batch.segments[batch.count].take(from: segment)
        batch.count += 1
        batch.rows += segment.rowCount
        if batch.rows >= Self.batchRows || batch.count >= Self.maxSegments { publish() }
    }

    /// Waits until every submitted segment is consumed; rethrows the first error.
    public func finish() throws {
        close()
        if let failure = currentFailure { throw failure }
    }

    /// Lets the segments already submitted be consumed and ends the writing thread; returns the
    /// error it met, if any. Safe to call more than once, and after `finish`.
    @discardableResult
    public func stop() -> (any Error)? {
        close()
        return currentFailure
    }

    private var currentFailure: (any Error)? {
        lock.wait(); defer { lock.signal() }
        return failure
    }

    private func publish() {
        holding = false
        filled.signal()
        next = (next + 1) % batchCount
    }

    private func close() {
        guard !closed else { return }
        closed = true
        guard started else { return }
        if holding { publish() }
        free.wait()
        batches[next].isEnd = true
        filled.signal()
        done.wait()
    }

    private func start() {
        started = true
        batches = (0..<batchCount).map { _ in Batch() }
        DedicatedThread.start("segment writer") { [self] in
            var index = 0
            while true {
                filled.wait()
                let batch = batches[index]
                if batch.isEnd { break }
                for i in 0..<batch.count where currentFailure == nil {
                    do {
                        try consume(batch.segments[i])
                    } catch {
                        lock.wait(); failure = error; lock.signal()
                    }
                }
                batch.count = 0
                batch.rows = 0
                free.signal()
                index = (index + 1) % batchCount
            }
            done.signal()
        }
    }
}
