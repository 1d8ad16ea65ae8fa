import Foundation

/// Where the warehouse is: `--database-url`, else `DATABASE_URL`, else libpq's own defaults
/// (PG* variables, `~/.pgpass`, service files). The connection string is handed to libpq and
/// never printed; logs show `PGConnection.target` (user@host:port/db), which has no password.
struct DatabaseTarget {
    /// nil means "libpq defaults".
    let conninfo: String?
    /// Where it came from, for messages: "--database-url", "DATABASE_URL", "libpq defaults".
    let origin: String

    static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseTarget {
        if let flag, !flag.isEmpty { return DatabaseTarget(conninfo: flag, origin: "--database-url") }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return DatabaseTarget(conninfo: url, origin: "DATABASE_URL") }
        return DatabaseTarget(conninfo: nil, origin: "libpq defaults")
    }

    /// True when a connection string carries a password (`user:secret@` or `password=`).
    static func carriesPassword(_ conninfo: String) -> Bool {
        if let scheme = conninfo.range(of: "://") {
            let rest = conninfo[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
            if rest.contains("password=") { return true }
            return false
        }
        return conninfo.range(of: #"(^|\s)password\s*="#, options: .regularExpression) != nil
    }

    /// The connection string with any password replaced by `***` (for the few places that
    /// must mention the string itself, such as this warning).
    static func redacted(_ conninfo: String) -> String {
        var text = conninfo
        if let scheme = text.range(of: "://") {
            let afterScheme = text[scheme.upperBound...]
            let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? text.endIndex
            let authority = text[scheme.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        return text.replacingOccurrences(of: #"password\s*=\s*('[^']*'|\S+)"#, with: "password=***", options: .regularExpression)
    }

    /// Overwrites the password inside our own argv, so `ps` and /proc/PID/cmdline stop showing
    /// it (as the mysql client does). The warning still tells the user to stop passing it there.
    static func scrubPasswordFromArguments() {
        let argc = Int(CommandLine.argc)
        for i in 0..<argc {
            guard let arg = CommandLine.unsafeArgv[i] else { continue }
            let text = String(cString: arg)
            let redacted = redacted(text)
            guard redacted != text else { continue }
            // Same length, so nothing else in the argument area moves: pad with '*'.
            var bytes = Array(redacted.utf8.prefix(text.utf8.count))
            while bytes.count < text.utf8.count { bytes.append(UInt8(ascii: "*")) }
            for (offset, byte) in bytes.enumerated() { arg[offset] = CChar(bitPattern: byte) }
        }
    }
}
