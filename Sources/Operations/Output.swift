import Transform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writes to a file descriptor: data goes to stdout, logs and errors to stderr.
public final class Output: @unchecked Sendable {
    // @unchecked: each instance is used from one thread at a time (the command's).
    public static let standard = Output(fd: 1)
    public static let error = Output(fd: 2)
    /// Swallows everything (`--quiet`).
    public static let discard = Output(fd: -1)

    private let fd: Int32
    private var buffer: [UInt8] = []

    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(64 * 1024)
    }

    /// True when the descriptor is a terminal (progress lines go only there).
    public var isTerminal: Bool { isatty(fd) == 1 }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 64 * 1024 { flush() }
    }

    /// One line of text. Backstop for whatever a caller did not escape: no control character
    /// other than tab and line feed (tables, multi-line usage text) is written; the rest show
    /// as `\xNN`. (`write` is for the progress line's own escape sequences.)
    public func line(_ text: String) {
        write(Self.inert(text))
        buffer.append(10)
        if buffer.count >= 64 * 1024 { flush() }
    }

    public static func inert(_ text: String) -> String {
        // 0xC2 leads U+0080–U+00BF in UTF-8 (the C1 controls among them): worth a closer look.
        guard text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A) || $0 == 0x7F || $0 == 0xC2 }) else { return text }
        var out = ""
        var plain = ""
        for scalar in text.unicodeScalars {
            if PrintableText.isControl(scalar) && scalar != "\t" && scalar != "\n" {
                out += plain + PrintableText.escaped(String(scalar))
                plain = ""
            } else {
                plain.unicodeScalars.append(scalar)
            }
        }
        return out + plain
    }

    public func write(bytes: UnsafeRawBufferPointer) {
        if buffer.count + bytes.count > 64 * 1024 { flush() }
        if bytes.count >= 64 * 1024 {
            writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        guard fd >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return  // EPIPE and friends: the reader went away; nothing useful to do
            }
            offset += n
        }
    }
}
