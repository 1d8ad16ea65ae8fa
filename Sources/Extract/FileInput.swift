#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Transform

/// A read-only file opened with POSIX calls: positional reads for archives, sequential
/// reads for plain files. One descriptor, no buffering of its own.
public final class FileInput: ByteSource {
    /// The path as the user gave it; used in every error message.
    public let path: String
    public let size: UInt64
    private let fd: Int32
    private var position: UInt64 = 0

    /// Opens `path` for reading; throws `ExtractError(.notFound)` or `.io` naming the path.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let err = errno
            throw ExtractError(err == ENOENT ? .notFound : .io, path: path, Self.describe(errno: err))
        }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let err = errno
            close(fd)
            throw ExtractError(.io, path: path, Self.describe(errno: err))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw ExtractError(.io, path: path, "is a directory, not a file")
        }
        self.fd = fd
        self.size = UInt64(st.st_size)
    }

    deinit { close(fd) }

    /// Reads exactly `count` bytes at `offset` into `buffer`, or throws `.truncated` if the
    /// file ends first.
    public func readExactly(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ExtractError(.io, path: path, Self.describe(errno: errno))
            }
            if n == 0 {
                throw ExtractError(.truncated, path: path, "truncated: file ends at byte \(offset + UInt64(done)), \(buffer.count - done) bytes short")
            }
            done += n
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns the count (0 at end of file).
    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress!, buffer.count, off_t(offset))
            if n < 0 {
                if errno == EINTR { continue }
                throw ExtractError(.io, path: path, Self.describe(errno: errno))
            }
            return n
        }
    }

    /// Reads `count` bytes at `offset` into a new array; for small headers only.
    public func bytes(at offset: UInt64, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try readExactly(at: offset, into: $0) }
        return out
    }

    /// Sequential read from the current position (the `ByteSource` view of a plain file).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try read(at: position, into: buffer)
        position += UInt64(n)
        return n
    }

    /// Moves the sequential position back to the start of the file.
    public func rewind() { position = 0 }

    static func describe(errno err: Int32) -> String {
        String(cString: strerror(err)).lowercased()
    }
}
