import Foundation
import Transform

/// Log lines on stderr (stdout carries data: reports, listings, JSON output).
///
/// Text (the default): the message alone, for a person at a terminal or reading cron mail:
/// `SOURCE: fetched FILE (457 kB in 0.1 s)`; warnings start with
/// `warning: `; errors are the one-line error itself (`file:line:column: reason`).
/// JSON Lines (`--log-format json`): `{"ts", "level", "event", "run", "source", "stage", …,
/// "message"}` with the event's fields (period, counts, bytes, duration_s, outcome); `message`
/// only when the event has one (the text a person would read).
///
/// A recorded run's last line is `run.done` with its outcome; for a run that failed it comes
/// after the failure (`run.failed`, `run.cancelled`), which `holdUntilFailureLogged` arranges.
///
/// Values go in fields and are escaped, so no value can forge a line; every line passes
/// through `Secrets.redact`, so a password that slipped into a message is still never written.
public final class Log: @unchecked Sendable {
    // @unchecked: used from the command's thread and the downloader's delegate queue; each
    // line is formatted and written under `lock`.
    public enum Format: String { case text, json }

    public let format: Format
    /// The least severe level written: `info` (default), `warning` or `error`.
    public var minimumLevel = "info"
    private let output: Output
    private let lock = NSLock()
    private var _runID: Int64?
    private var _context: [(String, JSONText.Value)] = []
    private var _held: (event: String, fields: [(String, JSONText.Value)])?

    public init(format: Format, output: Output = .error) {
        self.format = format
        self.output = output
    }

    /// The run this command records (added to every JSON line once known).
    public var runID: Int64? {
        get { lock.withLock { _runID } }
        set { lock.withLock { _runID = newValue } }
    }

    /// Runs `body` with `fields` (e.g. the source being worked on) added to every line.
    public func with<T>(_ fields: [(String, JSONText.Value)], _ body: () throws -> T) rethrows -> T {
        let saved = lock.withLock { _context }
        lock.withLock { _context = saved + fields }
        defer { lock.withLock { _context = saved } }
        return try body()
    }

    public func info(_ event: String, _ message: String, _ fields: [(String, JSONText.Value)] = []) {
        write("info", event, message, fields)
    }

    public func warning(_ event: String, _ message: String, _ fields: [(String, JSONText.Value)] = []) {
        write("warning", event, message, fields)
    }

    public func error(_ event: String, _ message: String, _ fields: [(String, JSONText.Value)] = []) {
        write("error", event, message, fields)
    }

    /// Keeps a message-less info event (a failed run's `run.done`) until `releaseHeld`, which
    /// the program calls after it has logged the failure.
    public func holdUntilFailureLogged(_ event: String, _ fields: [(String, JSONText.Value)]) {
        lock.withLock { _held = (event, _context + fields) }
    }

    /// Writes the held event, if any.
    public func releaseHeld() {
        guard let held = lock.withLock({ defer { _held = nil }; return _held }) else { return }
        write("info", held.event, "", held.fields)
    }

    private func write(_ level: String, _ event: String, _ message: String, _ fields: [(String, JSONText.Value)]) {
        let order = ["info": 0, "warning": 1, "error": 2]
        guard order[level, default: 2] >= order[minimumLevel, default: 0] else { return }
        lock.lock()
        defer { lock.unlock() }
        let message = Secrets.redact(message)
        switch format {
        case .json:
            var all: [(String, JSONText.Value)] = [("ts", .string(Self.timestamp())), ("level", .string(level)), ("event", .string(event))]
            if let runID = _runID { all.append(("run", .int(Int(runID)))) }
            all += (_context + fields).map { ($0.0, Self.redacted($0.1)) }
            if !message.isEmpty { all.append(("message", .string(message))) }
            output.line(JSONText.Value.object(all).text)
        case .text:
            // Events with no message are for machines (JSON) only.
            guard !message.isEmpty else { return }
            // Page titles and file names come from the publisher: no control character (an
            // escape sequence, a line break) reaches a terminal or forges a line.
            let shown = PrintableText.escaped(message)
            output.line(level == "warning" ? "warning: " + shown : shown)
        }
        output.flush()
    }

    private static func redacted(_ value: JSONText.Value) -> JSONText.Value {
        switch value {
        case .string(let text): return .string(Secrets.redact(text))
        case .array(let items): return .array(items.map(redacted))
        case .object(let pairs): return .object(pairs.map { ($0.0, redacted($0.1)) })
        default: return value
        }
    }

    public static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

/// Secrets this process knows (the database password), blanked from every log line.
public enum Secrets {
    nonisolated(unsafe) private static var known: [String] = []
    private static let lock = NSLock()

    public static func register(_ secret: String?) {
        guard let secret, secret.count >= 3 else { return }  // a 1–2 character "secret" would blank ordinary text
        lock.withLock { if !known.contains(secret) { known.append(secret) } }
    }

    public static func redact(_ text: String) -> String {
        let secrets = lock.withLock { known }
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }
}

extension JSONText.Value {
    /// Seconds with millisecond precision, for `duration_s`.
    public static func seconds(since start: Date) -> JSONText.Value {
        .double((Date().timeIntervalSince(start) * 1000).rounded() / 1000)
    }
}

extension Date {
    /// `2026-11-21T18:40:00Z`.
    public var utcText: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: self)
    }
}
