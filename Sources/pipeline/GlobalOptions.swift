import Operations

/// Options every command accepts, taken out of argv before the command parses the rest:
/// `--config FILE`, `--log-format text|json`, `--quiet`.
struct GlobalOptions {
    var config: String?
    var logFormat: String?
    var quiet = false
    var rest: [String] = []

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
            if arg == "--quiet" { quiet = true; continue }
            rest.append(arg)
        }
    }
}
