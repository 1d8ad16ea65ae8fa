import Foundation

/// Where the warehouse is: `--database-url`, else `DATABASE_URL`, else the config file's
/// `database_url`, else libpq's own defaults when PG* variables name a server, else the project's
/// embedded PostgreSQL. The connection string is handed to libpq and never printed; logs show
/// `PGConnection.target` (user@host:port/db), which has no password.
struct DatabaseTarget {
    enum Kind {
        case conninfo(String)
        /// libpq reads PGHOST, PGDATABASE, PGSERVICE, ~/.pgpass… itself.
        case libpqDefaults
        case embedded(EmbeddedPostgres)
    }

    let kind: Kind
    /// Where it came from, for messages: "--database-url", "DATABASE_URL", "pipeline.json",
    /// "PG* variables", "embedded".
    let origin: String

    /// Variables that mean "a server is configured for libpq".
    static let libpqVariables = ["PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE", "PGPORT"]

    static func resolve(_ settings: Settings, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DatabaseTarget {
        let url = settings[.databaseURL]
        if let text = url.value, !text.isEmpty {
            // Both spellings: a log line could quote either.
            Secrets.register(password(in: text))
            Secrets.register(password(in: text, decoded: false))
            return DatabaseTarget(kind: .conninfo(text), origin: url.origin)
        }
        Secrets.register(environment["PGPASSWORD"])
        if libpqVariables.contains(where: { !(environment[$0] ?? "").isEmpty }) {
            return DatabaseTarget(kind: .libpqDefaults, origin: "PG* variables")
        }
        return DatabaseTarget(kind: .embedded(try EmbeddedPostgres(settings: settings)), origin: "embedded")
    }

    /// The password a connection string carries, if any (to blank it from logs).
    static func password(in conninfo: String, decoded: Bool = true) -> String? {
        if let scheme = conninfo.range(of: "://") {
            let rest = conninfo[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                let raw = String(authority[authority.index(after: colon)..<at])
                return decoded ? raw.removingPercentEncoding ?? raw : raw
            }
            if let range = rest.range(of: #"password=[^&]*"#, options: .regularExpression) {
                let raw = String(rest[range].dropFirst("password=".count))
                return decoded ? raw.removingPercentEncoding ?? raw : raw
            }
            return nil
        }
        guard let range = conninfo.range(of: #"(^|\s)password\s*=\s*('([^'\\]|\\.)*'|\S+)"#, options: .regularExpression) else { return nil }
        var value = conninfo[range].drop { $0 != "=" }.dropFirst().drop { $0 == " " }
        if value.hasPrefix("'") { value = value.dropFirst().dropLast() }
        return String(value).replacingOccurrences(of: "\\'", with: "'").replacingOccurrences(of: "\\\\", with: "\\")
    }

    /// True when a connection string carries a password (`user:secret@` or `password=`).
    static func carriesPassword(_ conninfo: String) -> Bool { password(in: conninfo) != nil }

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
