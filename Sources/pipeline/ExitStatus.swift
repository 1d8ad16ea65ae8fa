import Operations

/// The one place outcomes become exit codes (sysexits.h numbers, which cron wrappers know).
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

    init(_ status: RunStatus) {
        switch status {
        case .ok: self = .ok
        case .attention: self = .attention
        case .unavailable: self = .unavailable
        case .temporaryFailure: self = .temporaryFailure
        case .lockHeld: self = .cannotCreate
        case .dataRefused: self = .dataRefused
        case .usage: self = .usage
        case .config: self = .config
        case .internalError: self = .internalError
        case .interrupted: self = .interrupted
        case .terminated: self = .terminated
        }
    }

    /// The exit status for an error a command threw.
    static func of(_ error: any Error) -> ExitStatus { ExitStatus(RunStatus.of(error)) }
}
