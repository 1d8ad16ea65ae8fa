import Extract
import Transform

/// The one place errors become exit codes (sysexits.h numbers, which cron wrappers know).
///
/// | code | meaning |
/// |---|---|
/// | 0  | done, or nothing new |
/// | 1  | an internal error (a bug): report it |
/// | 3  | `pipeline status` only: a source is failing or overdue |
/// | 64 | usage error |
/// | 65 | input refused: a file, archive or header the loader will not accept |
/// | 69 | source unavailable: not published yet, page moved, or refused by policy |
/// | 73 | another run holds the warehouse lock |
/// | 75 | temporary failure worth retrying (network, database connection) |
/// | 78 | configuration error |
/// | 130 / 143 | cancelled by SIGINT / SIGTERM (rolled back) |
enum ExitStatus: Int32 {
    case ok = 0
    case internalError = 1
    case attention = 3
    case usage = 64
    case dataRefused = 65
    case unavailable = 69
    case cannotCreate = 73
    case temporaryFailure = 75
    case config = 78
    case interrupted = 130
    case terminated = 143

    /// Maps any error the commands throw onto its exit status.
    static func of(_ error: any Error) -> ExitStatus {
        switch error {
        case is UsageError:
            return .usage
        case let error as ExtractError:
            switch error.code {
            case .transient: return .temporaryFailure
            case .notPublished, .refused, .http, .discovery: return .unavailable
            case .io: return .internalError
            default: return .dataRefused
            }
        case is TransformError:
            return .dataRefused
        case is DeclarationError:
            return .config
        case let error as any ExitCoded:
            return error.exitStatus
        default:
            return .internalError
        }
    }
}

/// Errors from other modules that know their own exit status (mapped in `+ExitCoded` files).
protocol ExitCoded: Error {
    var exitStatus: ExitStatus { get }
}
