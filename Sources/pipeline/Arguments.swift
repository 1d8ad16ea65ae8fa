import Operations

/// A small argv parser: `--name value`, `--name=value`, boolean `--flag`, and positionals.
/// Unknown options are usage errors (exit 64), so typos never silently change behaviour.
struct Arguments {
    private(set) var positionals: [String] = []
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []

    /// Parses `argv` given the names of options that take a value and of boolean flags.
    init(_ argv: [String], options: Set<String>, flags allowedFlags: Set<String>) throws {
        var index = 0
        var onlyPositionals = false
        while index < argv.count {
            let arg = argv[index]
            index += 1
            if onlyPositionals || !arg.hasPrefix("--") || arg == "-" {
                positionals.append(arg)
                continue
            }
            if arg == "--" {
                onlyPositionals = true
                continue
            }
            var name = String(arg.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if options.contains(name) {
                if let inlineValue {
                    values[name, default: []].append(inlineValue)
                } else {
                    guard index < argv.count else { throw UsageError("--\(name) needs a value") }
                    values[name, default: []].append(argv[index])
                    index += 1
                }
            } else if allowedFlags.contains(name) {
                if inlineValue != nil { throw UsageError("--\(name) takes no value") }
                flags.insert(name)
            } else {
                throw UsageError("unknown option --\(name)" + Suggestion.clause(name, among: Array(options.union(allowedFlags)).sorted(), prefix: "--"))
            }
        }
    }

    func value(_ name: String) -> String? { values[name]?.last }
    /// Every option given, by name (the last value when repeated), for settings flags.
    var optionValues: [String: String] { values.compactMapValues(\.last) }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// An integer option, or a usage error naming it.
    func int(_ name: String) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let n = Int(text), n >= 0 else { throw UsageError("--\(name) must be a non-negative integer, not '\(text)'") }
        return n
    }
}


