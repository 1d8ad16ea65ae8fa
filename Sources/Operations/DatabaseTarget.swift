import Foundation

/// Where the warehouse is: `--database-url`, else `DATABASE_URL`, else the config file's
/// `database_url`, else libpq's own defaults when PG* variables name a server, else the project's
/// embedded PostgreSQL. The connection string is handed to libpq and never printed; logs show
/// `PGConnection.target` (user@host:port/db), which has no password.
public struct DatabaseTarget {
    public enum Kind {
        case conninfo(String)
        /// libpq reads PGHOST, PGDATABASE, PGSERVICE, ~/.pgpass… itself.
        case libpqDefaults
        case embedded(EmbeddedPostgres)
    }

    public let kind: Kind
    /// Where it came from, for messages: "--database-url", "DATABASE_URL", "pipeline.json",
    /// "PG* variables", "embedded".
    public let origin: String

    /// Variables that mean "a server is configured for libpq".
    public static let libpqVariables = ["PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE", "PGPORT"]

    public static func resolve(_ settings: Settings, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DatabaseTarget {
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

    /// A connection string to paste into psql or a client: the configured one without its
    /// password (libpq finds it in ~/.pgpass or PGPASSWORD), the embedded cluster's socket, or
    /// the PG* variables that name the server.
    public var connectionString: String {
        switch kind {
        case .conninfo(let text): return Self.withoutPassword(text)
        case .embedded(let embedded): return embedded.conninfo
        case .libpqDefaults:
            let environment = ProcessInfo.processInfo.environment
            let names = ["PGHOST": "host", "PGHOSTADDR": "hostaddr", "PGPORT": "port", "PGDATABASE": "dbname", "PGUSER": "user", "PGSERVICE": "service"]
            return names.keys.sorted().compactMap { key in
                environment[key].flatMap { $0.isEmpty ? nil : "\(names[key]!)=\(Self.quoted($0))" }
            }.joined(separator: " ")
        }
    }

    /// Runs psql on the warehouse (interactive, or with `extra` arguments such as `-c SQL`) and
    /// exits with psql's status when it fails. A password in the configured string reaches psql as PGPASSWORD
    /// in its environment, never in its arguments.
    public func openPsql(settings: Settings, extra: [String]) throws -> RunStatus {
        var psql = "psql"
        if case .embedded = kind, let bin = try? EmbeddedPostgres.findBinaries(settings) {
            psql = bin.appendingPathComponent("psql").path
        }
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = nil
        if case .conninfo(let text) = kind, let password = Self.password(in: text) { environment["PGPASSWORD"] = password }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: psql.contains("/") ? psql : "/usr/bin/env")
        process.arguments = (psql.contains("/") ? [] : [psql]) + [connectionString] + extra
        process.environment = environment
        do { try process.run() } catch { throw ConfigError("cannot run psql (\(psql)): install the PostgreSQL client (Debian: postgresql-client)") }
        process.waitUntilExit()
        // psql's own status (1 fatal, 2 connection, 3 script error) passes through unchanged.
        if process.terminationStatus != 0 { exit(process.terminationStatus) }
        return .ok
    }

    /// `user:secret@` and `password=…` taken out.
    public static func withoutPassword(_ conninfo: String) -> String {
        redacted(conninfo).replacingOccurrences(of: ":***@", with: "@")
            .replacingOccurrences(of: #"[?&]password=\*\*\*"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"\s*password=\*\*\*"#, with: "", options: .regularExpression)
    }

    public static func quoted(_ value: String) -> String {
        value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" }) || value.isEmpty
            ? "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'" : value
    }

    /// The password a connection string carries, if any (to blank it from logs).
    public static func password(in conninfo: String, decoded: Bool = true) -> String? {
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
    public static func carriesPassword(_ conninfo: String) -> Bool { password(in: conninfo) != nil }

    /// The connection string with any password replaced by `***` (for the few places that
    /// must mention the string itself, such as this warning).
    public static func redacted(_ conninfo: String) -> String {
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
    public static func scrubPasswordFromArguments() {
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
