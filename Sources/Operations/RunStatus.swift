import Extract
import Load
import Transform

/// How a run (or one source's part of it) ended, as a program built on this module reports it.
/// `pipeline` turns each into its exit code (sysexits.h numbers, in `ExitStatus`).
public enum RunStatus: Sendable, CaseIterable {
    case ok
    /// `status` only: a source is failing or overdue.
    case attention
    /// Not published yet, a page moved, or a URL refused by policy.
    case unavailable
    /// Network or database trouble worth trying again later.
    case temporaryFailure
    /// Another run holds the warehouse lock.
    case lockHeld
    /// A file, archive or header the loader will not accept; nothing was loaded.
    case dataRefused
    case usage
    case config
    /// A bug.
    case internalError
    case interrupted
    case terminated

    /// What an error means for the run.
    public static func of(_ error: any Error) -> RunStatus {
        switch error {
        case is UsageError:
            return .usage
        case let error as ExtractError:
            switch error.code {
            case .transient, .noSpace: return .temporaryFailure
            case .notPublished, .refused, .http, .discovery: return .unavailable
            case .io: return .internalError
            default: return .dataRefused
            }
        case is TransformError:
            return .dataRefused
        case is DeclarationError, is ConfigError:
            return .config
        case let error as LoadError:
            switch error.code {
            case .connection: return .temporaryFailure
            case .lockHeld: return .lockHeld
            case .notFound, .refused: return .dataRefused
            case .config, .migration: return .config
            case .cancelled: return .terminated
            case .sql: return error.isTransient ? .temporaryFailure : .internalError
            }
        default:
            return .internalError
        }
    }

    /// The more serious of two statuses (a person must look at data refusals first).
    public static func worse(_ a: RunStatus, _ b: RunStatus) -> RunStatus {
        let order: [RunStatus] = [.ok, .attention, .unavailable, .temporaryFailure, .lockHeld, .dataRefused, .usage, .config,
                                  .internalError, .interrupted, .terminated]
        return (order.firstIndex(of: a) ?? 0) >= (order.firstIndex(of: b) ?? 0) ? a : b
    }
}

/// A mistake in how an operation was asked for (an unknown source, a bad period); `usage`.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}
