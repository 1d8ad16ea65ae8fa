import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM: the first asks the running command to stop (checked between segments;
/// a statement in progress is cancelled on the server), so it rolls back, releases the lock and
/// records the run as cancelled. A second signal exits at once; the server still rolls back.
public enum Signals {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0
    nonisolated(unsafe) private static var received: Int32 = 0
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    nonisolated(unsafe) private static var onCancel: [@Sendable () -> Void] = []
    private static let queue = DispatchQueue(label: "signals")

    /// True once SIGINT or SIGTERM arrived.
    public static var cancelled: Bool { flag != 0 }
    /// The signal that arrived (SIGINT or SIGTERM), or 0.
    public static var signal: Int32 { received }

    public static func install() {
        for sig in [SIGINT, SIGTERM] {
            Glibc.signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                if flag != 0 { _exit(128 + sig) }
                received = sig
                flag = 1
                for hook in onCancel { hook() }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs `hook` (on the signal queue) when a stop is requested, e.g. to cancel a query.
    public static func whenCancelled(_ hook: @escaping @Sendable () -> Void) {
        queue.sync { onCancel.append(hook) }
    }
}
