import Operations

/// Options every command accepts, taken out of argv before the command parses the rest:
/// `--config FILE`, `--log-format text|json`, `--quiet`.
struct GlobalOptions {
    var config: String?
    var logFormat: String?
    var logLevel: String?
    var quiet = false
    var rest: [String] = []
    private var lifted: [String] = []

    init(_ argv: [String]) throws {
        var index = 0
        var positionalOnly = false
        while index < argv.count {
            let arg = argv[index]
            index += 1
            if positionalOnly || arg == "--" {
                positionalOnly = true
                rest.append(arg)
                continue
            }
            func value(_ name: String) throws -> String? {
                if arg == "--" + name {
                    guard index < argv.count else { throw UsageError("--\(name) needs a value") }
                    index += 1
                    return argv[index - 1]
                }
                if arg.hasPrefix("--\(name)=") { return String(arg.dropFirst(name.count + 3)) }
                return nil
            }
            if let v = try value("config") { config = v; continue }
            if let v = try value("log-format") {
                guard Log.Format(rawValue: v) != nil else { throw UsageError("--log-format must be text or json, not '\(v)'") }
                logFormat = v
                continue
            }
            if let v = try value("log-level") {
                guard ["info", "warning", "error"].contains(v) else { throw UsageError("--log-level must be info, warning or error, not '\(v)'") }
                logLevel = v
                continue
            }
            if arg == "--quiet" { quiet = true; continue }
            // `pipeline --database-url URL status`: an option of the command given before the
            // command word is read as if given after it.
            if rest.isEmpty, arg.hasPrefix("--") {
                let name = String(arg.dropFirst(2).prefix { $0 != "=" })
                if Self.liftedOptions.contains(name) {
                    lifted.append(arg)
                    if !arg.contains("="), index < argv.count { lifted.append(argv[index]); index += 1 }
                    continue
                }
                if Self.liftedFlags.contains(name) { lifted.append(arg); continue }
            }
            rest.append(arg)
            if rest.count == 1 && !lifted.isEmpty {
                rest += lifted
                lifted = []
            }
        }
        rest += lifted
    }

    /// Options and flags several commands take, accepted before the command word too.
    static var liftedOptions: Set<String> { CommonOptions.warehouse.union(CommonOptions.network) }
    static let liftedFlags: Set<String> = CommonOptions.warehouseFlags
}
