/// A pull-based stream of bytes: a plain file, an archive entry being inflated, a download.
///
/// Readers fill the caller's buffer and return how many bytes they wrote; 0 means the
/// stream ended *and* every integrity check the source knows about (CRC-32, declared
/// size) passed. Memory use is the caller's buffer, whatever the stream's length.
public protocol ByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes; returns 0 only at a verified end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Calls `body` with successive chunks until the stream ends.
    public func forEachChunk(
        bufferSize: Int = 256 * 1024, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try read(into: buffer)
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }
}
