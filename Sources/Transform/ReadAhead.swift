import Dispatch

/// Reads a `ByteSource` on a background thread into a small ring of buffers, so that producing
/// bytes (inflating a zip entry, hashing) overlaps with consuming them (tokenizing CSV).
///
/// Memory is `slots × slotSize` whatever the stream's length. Errors from the source are
/// rethrown to the consumer at the point in the stream where they happened.
public final class ReadAhead: @unchecked Sendable {
    // @unchecked: `slots`, `lengths` and `failure` are handed between the two threads only
    // through the semaphores, which order every access.
    private let source: any ByteSource
    private let slotSize: Int
    private var slots: [UnsafeMutableRawBufferPointer]
    private var lengths: [Int]
    private var failure: (any Error)?
    private let filled = DispatchSemaphore(value: 0)
    // Created at 0 and signalled up: libdispatch traps if a semaphore is released while its
    // count is below the value it was created with, which an early exit can leave behind.
    private let free = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let cancelled = ManagedAtomicFlag()

    public init(_ source: any ByteSource, slots: Int = 4, slotSize: Int = 256 * 1024) {
        self.source = source
        self.slotSize = slotSize
        self.slots = (0..<slots).map { _ in .allocate(byteCount: slotSize, alignment: 16) }
        self.lengths = Array(repeating: 0, count: slots)
        for _ in 0..<slots { free.signal() }
    }

    deinit {
        for slot in slots { slot.deallocate() }
    }

    /// Calls `body` with each chunk, in order, until the source ends or fails.
    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let count = slots.count
        DedicatedThread.start("read-ahead") { [self] in
            var index = 0
            while true {
                free.wait()
                if cancelled.isSet { break }
                do {
                    let n = try source.read(into: slots[index])
                    lengths[index] = n
                    filled.signal()
                    if n == 0 { break }
                } catch {
                    failure = error
                    lengths[index] = -1
                    filled.signal()
                    break
                }
                index = (index + 1) % count
            }
            done.signal()
        }
        var index = 0
        defer {
            // Stop the producer (it may be waiting for a free slot) and wait for it to leave.
            cancelled.set()
            free.signal()
            done.wait()
        }
        while true {
            filled.wait()
            let n = lengths[index]
            if n < 0 { throw failure! }
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: slots[index][0..<n]))
            free.signal()
            index = (index + 1) % count
        }
    }
}

/// A one-way flag shared between two threads.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var value = false
    var isSet: Bool {
        lock.wait(); defer { lock.signal() }
        return value
    }
    func set() {
        lock.wait(); value = true; lock.signal()
    }
}
