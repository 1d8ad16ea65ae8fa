import Foundation

/// Every setting the pipeline reads, with where its value came from. Precedence: a command-line
/// flag, then an environment variable, then the config file (`Config/pipeline.json`, or the
/// file `--config` / `PIPELINE_CONFIG` names), then the built-in default. `pipeline config`
/// prints the table.
///
/// One table (`Knob.all`) lists every setting once: its config key, variable, flag and default,
/// so a new setting is one line here and cannot be read three different ways.
public struct Knob: Sendable {
    public enum Kind: Sendable {
        case text, path, integer, seconds, choice([String])
        /// A URL, or a directory path (resolved like `.path`).
        case location
    }

    /// Dotted config-file key: `download.idle_timeout_seconds`.
    public let key: String
    public let env: String?
    public let flag: String?
    public let kind: Kind
    /// The built-in default as text; nil when there is none or it is computed.
    public let defaultValue: String?
    public let help: String

    public static let databaseURL = Knob(key: "database_url", env: "DATABASE_URL", flag: "database-url", kind: .text, defaultValue: nil,
                                  help: "libpq connection string or URL; unset: PG* variables if any, else the project's embedded PostgreSQL")
    public static let postgresDataDir = Knob(key: "postgres.data_dir", env: "PIPELINE_PG_DATA", flag: nil, kind: .path, defaultValue: ".pipeline/postgres",
                                      help: "data directory of the embedded PostgreSQL (created on first use)")
    public static let postgresBinDir = Knob(key: "postgres.bin_dir", env: "PIPELINE_PG_BIN", flag: nil, kind: .path, defaultValue: nil,
                                     help: "PostgreSQL server binaries for the embedded cluster; unset: newest /usr/lib/postgresql/*/bin, else PATH")
    public static let cacheDir = Knob(key: "cache_dir", env: "PIPELINE_CACHE_DIR", flag: "cache-dir", kind: .path, defaultValue: nil,
                               help: "download cache; unset: $XDG_CACHE_HOME/nhs-pipeline or ~/.cache/nhs-pipeline")
    public static let mirror = Knob(key: "mirror", env: "PIPELINE_MIRROR", flag: "mirror", kind: .location, defaultValue: nil,
                             help: "fetch https://HOST/PATH from BASE/HOST/PATH instead (an http URL or a directory)")
    public static let logFormat = Knob(key: "log_format", env: "PIPELINE_LOG_FORMAT", flag: "log-format", kind: .choice(["text", "json"]), defaultValue: "text",
                                help: "log lines on stderr: text, or JSON Lines")
    public static let zipMaxEntryBytes = Knob(key: "limits.zip_max_entry_bytes", env: "PIPELINE_ZIP_MAX_ENTRY_BYTES", flag: nil, kind: .integer,
                                       defaultValue: "17179869184", help: "largest size one zip entry may inflate to")
    public static let zipMaxRatio = Knob(key: "limits.zip_max_ratio", env: "PIPELINE_ZIP_MAX_RATIO", flag: nil, kind: .integer, defaultValue: "200",
                                  help: "largest inflated:compressed ratio (after the first MiB)")
    public static let zipMaxEntries = Knob(key: "limits.zip_max_entries", env: "PIPELINE_ZIP_MAX_ENTRIES", flag: nil, kind: .integer, defaultValue: "250000",
                                    help: "largest number of entries in one archive")
    public static let csvMaxFieldBytes = Knob(key: "limits.csv_max_field_bytes", env: "PIPELINE_CSV_MAX_FIELD_BYTES", flag: nil, kind: .integer,
                                       defaultValue: "1048576", help: "longest CSV field")
    public static let csvMaxFields = Knob(key: "limits.csv_max_fields", env: "PIPELINE_CSV_MAX_FIELDS", flag: nil, kind: .integer, defaultValue: "20000",
                                   help: "most fields in one CSV record")
    public static let downloadIdleTimeout = Knob(key: "download.idle_timeout_seconds", env: "PIPELINE_DOWNLOAD_TIMEOUT", flag: "download-timeout",
                                          kind: .seconds, defaultValue: "30", help: "give up on a connection silent this long (then retry)")
    public static let downloadMaxSeconds = Knob(key: "download.max_seconds", env: "PIPELINE_MAX_DOWNLOAD_SECONDS", flag: "max-download-seconds",
                                         kind: .seconds, defaultValue: "900", help: "longest one file may take, retries included")
    public static let downloadMaxAttempts = Knob(key: "download.max_attempts", env: "PIPELINE_DOWNLOAD_ATTEMPTS", flag: nil, kind: .integer,
                                          defaultValue: "6", help: "attempts per file before giving up (exit 75)")
    public static let backoffBase = Knob(key: "download.backoff_base_seconds", env: "PIPELINE_BACKOFF_BASE", flag: nil, kind: .seconds,
                                  defaultValue: "1", help: "first retry delay; doubles per attempt, with jitter")
    public static let downloadMaxBytes = Knob(key: "download.max_bytes", env: "PIPELINE_MAX_DOWNLOAD_BYTES", flag: nil, kind: .integer,
                                       defaultValue: "8589934592", help: "largest file fetched")

    public static let lockTimeout = Knob(key: "database.lock_timeout_seconds", env: "PIPELINE_LOCK_TIMEOUT", flag: nil, kind: .seconds,
                                  defaultValue: "120", help: "longest a statement waits for a lock another session holds (then exit 75 naming it); 0: forever")
    public static let statementTimeout = Knob(key: "database.statement_timeout_seconds", env: "PIPELINE_STATEMENT_TIMEOUT", flag: nil, kind: .seconds,
                                       defaultValue: "3600", help: "longest one statement may run (then exit 75); 0: no limit")

    public static let connectRetry = Knob(key: "database.connect_retry_seconds", env: "PIPELINE_CONNECT_RETRY", flag: nil, kind: .seconds,
                                   defaultValue: "30", help: "keep retrying a server that refuses connections (starting, restarting) this long, with backoff")

    public static let pooler = Knob(key: "database.pooler", env: "PIPELINE_DB_POOLER", flag: nil, kind: .choice(["refuse", "session"]),
                             defaultValue: "refuse",
                             help: "a proxy or pooler between the loader and the server: refuse it, or trust it keeps one server session per client (pgbouncer pool_mode=session, an SSH tunnel)")

    public static let all: [Knob] = [
        databaseURL, postgresDataDir, postgresBinDir, cacheDir, mirror, logFormat, lockTimeout, statementTimeout, connectRetry, pooler,
        zipMaxEntryBytes, zipMaxRatio, zipMaxEntries, csvMaxFieldBytes, csvMaxFields,
        downloadIdleTimeout, downloadMaxSeconds, downloadMaxAttempts, backoffBase, downloadMaxBytes,
    ]
}

/// A configuration mistake (bad config file, bad variable); status `config`.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}

public struct Settings {
    public struct Resolved {
        public var value: String?
        /// `--flag`, `ENV_VAR`, `Config/pipeline.json`, `default`.
        public var origin: String
    }

    /// The checkout or installation: the nearest directory holding `Config/pipeline.json`
    /// (the working directory, else above the binary). Nil when there is none.
    public let project: URL?
    public let configFile: URL?
    private var values: [String: Resolved] = [:]

    /// Reads the config file and the environment; `flags` (option name → value, as given on the
    /// command line) supplies flags for the knobs the
    /// command accepts. Throws `ConfigError` naming the key and where the bad value came from.
    public init(configFlag: String?, flags: [String: String] = [:], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let project = Self.findProject()
        self.project = project
        var configFile: URL?
        if let path = configFlag ?? environment["PIPELINE_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            configFile = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: path) else { throw ConfigError("\(path): no such config file") }
        } else if let project, FileManager.default.fileExists(atPath: project.appendingPathComponent("Config/pipeline.json").path) {
            configFile = project.appendingPathComponent("Config/pipeline.json")
        }
        self.configFile = configFile
        let fileValues = try configFile.map(Self.readConfigFile) ?? [:]
        // Relative paths in a config file are relative to the directory holding its Config/
        // folder (the project), or to the file's own directory when it lives elsewhere.
        let fileBase: URL? = configFile.map { file in
            let dir = file.deletingLastPathComponent()
            return dir.lastPathComponent == "Config" ? dir.deletingLastPathComponent() : dir
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for knob in Knob.all {
            var resolved = Resolved(value: knob.defaultValue, origin: "default")
            var base = project ?? cwd
            if let text = fileValues[knob.key] {
                resolved = Resolved(value: text, origin: configFile!.lastPathComponent)
                base = fileBase!
            }
            if let name = knob.env, let text = environment[name], !text.isEmpty {
                resolved = Resolved(value: text, origin: name)
                base = cwd
            }
            if let flag = knob.flag, let text = flags[flag] {
                resolved = Resolved(value: text, origin: "--" + flag)
                base = cwd
            }
            if var text = resolved.value {
                try Self.validate(text, knob: knob, origin: resolved.origin)
                let isPath: Bool
                switch knob.kind {
                case .path: isPath = true
                case .location: isPath = !text.contains("://")
                default: isPath = false
                }
                if isPath && !text.hasPrefix("/") {
                    text = base.appendingPathComponent(text).standardizedFileURL.path
                }
                resolved.value = text
            }
            values[knob.key] = resolved
        }
        if let url = values[Knob.databaseURL.key], url.origin == configFile?.lastPathComponent, let text = url.value,
           DatabaseTarget.carriesPassword(text) {
            throw ConfigError("\(configFile!.path): database_url carries a password; keep passwords in ~/.pgpass or PGPASSWORD, not in a config file")
        }
    }

    /// Sets a value in code (a command's own default, e.g. the demo's mirror).
    public mutating func override(_ knob: Knob, _ value: String, origin: String) {
        values[knob.key] = Resolved(value: value, origin: origin)
    }

    public subscript(knob: Knob) -> Resolved { values[knob.key] ?? Resolved(value: nil, origin: "default") }

    public func text(_ knob: Knob) -> String? { self[knob].value }
    public func int(_ knob: Knob) -> Int { Int(self[knob].value ?? "0") ?? 0 }
    public func seconds(_ knob: Knob) -> TimeInterval { TimeInterval(self[knob].value ?? "0") ?? 0 }
    public func path(_ knob: Knob) -> URL? { self[knob].value.map { URL(fileURLWithPath: $0) } }

    /// The download cache (`cache_dir`, else the XDG cache directory).
    public var cacheDirectory: URL {
        if let dir = path(.cacheDir) { return dir }
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appendingPathComponent("nhs-pipeline") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/nhs-pipeline")
    }

    private static func validate(_ text: String, knob: Knob, origin: String) throws {
        let ok: Bool
        let expected: String
        switch knob.kind {
        case .text, .path, .location:
            ok = true; expected = ""
        case .integer:
            ok = Int(text).map { $0 > 0 } ?? false; expected = "a positive whole number"
        case .seconds:
            ok = Double(text).map { $0 > 0 && $0.isFinite } ?? false; expected = "a positive number of seconds"
        case .choice(let options):
            ok = options.contains(text); expected = "one of " + options.joined(separator: ", ")
        }
        if !ok { throw ConfigError("\(origin == "default" ? knob.key : origin): \(knob.key) must be \(expected), not '\(text)'") }
    }

    /// The config file's values by dotted key, as text. Unknown keys are refused so a typo
    /// never silently falls back to a default.
    public static func readConfigFile(_ url: URL) throws -> [String: String] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ConfigError("\(url.path): cannot read the config file") }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ConfigError("\(url.path): not valid JSON (\((error as NSError).userInfo["NSDebugDescription"] as? String ?? "parse error"))")
        }
        guard let top = object as? [String: Any] else { throw ConfigError("\(url.path): expected a JSON object") }
        var flat: [String: String] = [:]
        func walk(_ dict: [String: Any], prefix: String) throws {
            for (key, value) in dict {
                let path = prefix.isEmpty ? key : prefix + "." + key
                if key.hasPrefix("//") || key == "comment" { continue }  // notes for people
                if let nested = value as? [String: Any] {
                    try walk(nested, prefix: path)
                    continue
                }
                guard Knob.all.contains(where: { $0.key == path }) else {
                    throw ConfigError("\(url.path): unknown setting '\(path)' (known: \(Knob.all.map(\.key).joined(separator: ", ")))")
                }
                switch value {
                case is NSNull: continue
                case let s as String: flat[path] = s
                case let n as NSNumber: flat[path] = n.stringValue
                default: throw ConfigError("\(url.path): \(path) must be a string or a number")
                }
            }
        }
        try walk(top, prefix: "")
        return flat
    }

    /// The nearest directory holding `Config/pipeline.json`: the working directory, else the
    /// binary's directory or one above it (a checkout's `.build/release/pipeline`).
    public static func findProject() -> URL? {
        let marker = "Config/pipeline.json"
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if FileManager.default.fileExists(atPath: cwd.appendingPathComponent(marker).path) { return cwd }
        let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: binary).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(marker).path) { return directory }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
