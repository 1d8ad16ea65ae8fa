import Foundation
import Transform

/// A one-line progress display on a terminal (stderr): rows, bytes and their rates. Silent
/// when stderr is not a terminal, so cron mail and log files stay clean.
public final class Progress: @unchecked Sendable {
    // @unchecked: updated from the command's thread only; the read-ahead thread never calls it.
    private let output: Output
    private let label: String
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var rowCount = 0
    private var byteCount: Int64 = 0
    private var drawn = false

    public init?(label: String, output: Output = .error, force: Bool = false) {
        guard force || output.isTerminal else { return nil }
        self.output = output
        self.label = PrintableText.escaped(label)  // a publisher's file name
    }

    public func rows(_ n: Int) {
        rowCount = n
        draw()
    }

    public func bytes(_ n: Int64) {
        byteCount = n
        draw()
    }

    private func draw(final: Bool = false) {
        let now = Date()
        guard final || now.timeIntervalSince(lastDraw) >= 0.25 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        var parts = [label]
        if rowCount > 0 { parts.append("\(Self.group(rowCount)) rows (\(Self.group(Int(Double(rowCount) / elapsed))) rows/s)") }
        if byteCount > 0 { parts.append("\(Self.megabytes(byteCount)) (\(Self.megabytes(Int64(Double(byteCount) / elapsed)))/s)") }
        output.write("\r\u{1B}[2K" + parts.joined(separator: "  "))
        output.flush()
        drawn = true
    }

    /// Clears the line.
    public func finish() {
        if drawn {
            output.write("\r\u{1B}[2K")
            output.flush()
        }
    }

    public static func group(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    public static func megabytes(_ n: Int64) -> String {
        String(format: "%.1f MB", Double(n) / 1_048_576)
    }
}
