import Foundation
import Transform

/// A one-line progress display on a terminal (stderr), redrawn at most four times a second:
/// a bar, per cent, bytes of the total, MB/s and the time left when the total is known (a
/// download's Content-Length, the files and archive entries a load reads), and rows and rows/s
/// for a load. Silent when stderr is not a terminal, so cron mail and log files stay clean.
public final class Progress: @unchecked Sendable {
    // @unchecked: a load updates it from the command's thread; a download from the URL
    // session's delegate queue, one at a time. Each update takes `lock`.
    private let output: Output
    private let label: String
    private let started = Date()
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var rowCount = 0
    private var byteCount: Int64 = 0
    private var totalBytes: Int64 = 0
    private var drawn = false

    public init?(label: String, output: Output = .error, force: Bool = false) {
        guard force || output.isTerminal else { return nil }
        self.output = output
        self.label = PrintableText.escaped(label)  // a publisher's file name
    }

    public func rows(_ n: Int) {
        lock.withLock { rowCount = n; draw() }
    }

    /// Bytes done so far (a download), and the whole size when known.
    public func bytes(_ n: Int64, of total: Int64? = nil) {
        lock.withLock {
            byteCount = n
            if let total { totalBytes = total }
            draw()
        }
    }

    /// `n` more bytes will be read (a file or archive entry about to be parsed).
    public func expect(bytes n: Int64) {
        lock.withLock { totalBytes += max(n, 0) }
    }

    /// `n` more bytes were read.
    public func advance(bytes n: Int) {
        lock.withLock { byteCount += Int64(n); draw() }
    }

    private func draw() {
        let now = Date()
        // At most four redraws a second, and always the one that completes the total.
        let complete = totalBytes > 0 && byteCount >= totalBytes
        guard complete || now.timeIntervalSince(lastDraw) >= 0.25 else { return }
        lastDraw = now
        output.write("\r\u{1B}[2K" + line(elapsed: max(now.timeIntervalSince(started), 0.001)))
        output.flush()
        drawn = true
    }

    /// The progress line: `LABEL  [#######.............]  35%  12.0 of 34.3 MB  8.1 MB/s  ETA 0:03
    /// 61,234 rows (41,000 rows/s)`.
    func line(elapsed: TimeInterval) -> String {
        var parts = [label]
        let rate = Double(byteCount) / elapsed
        if totalBytes > 0 {
            let fraction = min(Double(byteCount) / Double(totalBytes), 1)
            let filled = Int((fraction * 20).rounded(.down))
            parts.append("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]")
            parts.append(String(format: "%3d%%", Int((fraction * 100).rounded(.down))))
            parts.append("\(Self.size(byteCount, unitOf: totalBytes, unit: false)) of \(Self.size(totalBytes, unitOf: totalBytes))")
            parts.append("\(Self.megabytes(Int64(rate)))/s")
            if rate > 0 && byteCount < totalBytes {
                parts.append("ETA " + Self.clock(Double(totalBytes - byteCount) / rate))
            }
        } else if byteCount > 0 {
            parts.append("\(Self.megabytes(byteCount)) (\(Self.megabytes(Int64(rate)))/s)")
        }
        if rowCount > 0 { parts.append("\(Self.group(rowCount)) rows (\(Self.group(Int(Double(rowCount) / elapsed))) rows/s)") }
        return parts.joined(separator: "  ")
    }

    /// Clears the line.
    public func finish() {
        lock.withLock {
            if drawn {
                output.write("\r\u{1B}[2K")
                output.flush()
                drawn = false
            }
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

    public static func megabytes(_ n: Int64, unit: Bool = true) -> String {
        String(format: unit ? "%.1f MB" : "%.1f", Double(n) / 1_048_576)
    }

    /// Bytes in kB under a megabyte, else MB (decimal units), in the unit `reference` calls for.
    static func size(_ n: Int64, unitOf reference: Int64, unit: Bool = true) -> String {
        let (divisor, name): (Double, String) = reference < 1_000_000 ? (1_000, "kB") : (1_000_000, "MB")
        return String(format: "%.1f", Double(n) / divisor) + (unit ? " " + name : "")
    }

    /// `m:ss`, or `h:mm:ss` past an hour.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
