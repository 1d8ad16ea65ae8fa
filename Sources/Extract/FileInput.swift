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
    /// What `stat` said when the file was opened.
    public let identity: FileIdentity
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
        self.identity = FileIdentity(st)
    }

    /// The file's current `stat` (to see whether it changed while being read).
    public func currentIdentity() -> FileIdentity? {
        var st = stat()
        return fstat(fd, &st) == 0 ? FileIdentity(st) : nil
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

/// The `stat` fields that change whenever a file's content can have changed.
public struct FileIdentity: Equatable, Sendable {
    public let device: UInt64
    public let inode: UInt64
    public let size: Int64
    public let modifiedNanoseconds: Int64
    public let changedNanoseconds: Int64

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        modifiedNanoseconds = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        changedNanoseconds = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
    }

    public init(device: UInt64, inode: UInt64, size: Int64, modifiedNanoseconds: Int64, changedNanoseconds: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.changedNanoseconds = changedNanoseconds
    }

    /// The modification time as seconds since 1970.
    public var modifiedSeconds: Int64 { modifiedNanoseconds / 1_000_000_000 }
}
