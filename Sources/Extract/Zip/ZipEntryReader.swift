import CZlib
import Transform

/// Streams one entry's uncompressed bytes, stored or deflated, in caller-sized chunks.
///
/// Checks as it goes (so a bomb stops at the cap, not at the end): output never exceeds the
/// declared size, `maxEntryBytes` or `maxRatio`. At the end it checks that the deflate stream
/// really ended, that exactly the declared compressed bytes were used, the CRC-32, and any data
/// descriptor. `read(into:)` returns 0 only after all of that passed.
public final class ZipEntryReader: ByteSource {
    public let entry: ZipEntry
    private let archive: ZipArchive
    private var inflater: Inflater?
    private let input: UnsafeMutableRawBufferPointer
    private var inputConsumed: UInt64 = 0   // compressed bytes handed to zlib (or copied, when stored)
    private var produced: UInt64 = 0
    private var crc = CRC32()
    private var finished = false

    init(archive: ZipArchive, entry: ZipEntry) throws {
        self.archive = archive
        self.entry = entry
        self.input = .allocate(byteCount: 64 * 1024, alignment: 16)
        if entry.method == 8 {
            inflater = try Inflater(path: archive.path, entry: entry.name)
        }
    }

    deinit { input.deallocate() }

    /// Bytes of uncompressed output so far.
    public var bytesProduced: UInt64 { produced }
    /// Compressed bytes consumed so far (for progress on large entries).
    public var bytesConsumed: UInt64 { inputConsumed }

    private func fail(_ code: ExtractError.Code, _ reason: String) -> ExtractError {
        ExtractError(code, path: archive.path, entry: entry.name, reason)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if finished || buffer.count == 0 { return 0 }
        let n = entry.method == 8 ? try readDeflated(into: buffer) : try readStored(into: buffer)
        if n > 0 {
            crc.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            produced += UInt64(n)
            try checkLimits()
        }
        if finished { try verifyEnd() }
        return n
    }

    private func readStored(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let remaining = entry.compressedSize - inputConsumed
        if remaining == 0 {
            finished = true
            return 0
        }
        let want = Int(min(UInt64(buffer.count), remaining))
        try archive.file.readExactly(at: entry.dataOffset + inputConsumed, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
        inputConsumed += UInt64(want)
        if inputConsumed == entry.compressedSize { finished = true }
        return want
    }

    private func readDeflated(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let inflater else { return 0 }
        var written = 0
        while written == 0 {
            if inflater.availableInput == 0 {
                let remaining = entry.compressedSize - inputConsumed
                if remaining > 0 {
                    let want = Int(min(UInt64(input.count), remaining))
                    let chunk = UnsafeMutableRawBufferPointer(rebasing: input[0..<want])
                    try archive.file.readExactly(at: entry.dataOffset + inputConsumed, into: chunk)
                    inputConsumed += UInt64(want)
                    inflater.setInput(UnsafeRawBufferPointer(chunk))
                }
            }
            let step = try inflater.inflate(into: UnsafeMutableRawBufferPointer(rebasing: buffer[written...]))
            written += step.produced
            if step.streamEnded {
                if inflater.availableInput != 0 || inputConsumed != entry.compressedSize {
                    let unused = UInt64(inflater.availableInput) + (entry.compressedSize - inputConsumed)
                    throw fail(.corrupt, "corrupt entry: \(unused) compressed bytes follow the end of the deflate stream")
                }
                finished = true
                return written
            }
            if step.produced == 0 && inflater.availableInput == 0 && inputConsumed == entry.compressedSize {
                throw fail(.truncated, "deflate stream ended before its final block (data truncated at \(produced + UInt64(written)) bytes)")
            }
        }
        return written
    }

    private func checkLimits() throws {
        if produced > entry.uncompressedSize {
            throw fail(.sizeMismatch, "inflates past its declared size of \(entry.uncompressedSize) bytes")
        }
        if produced > archive.limits.maxEntryBytes {
            throw fail(.limitExceeded, "inflates past the cap of \(archive.limits.maxEntryBytes) bytes")
        }
        if produced > archive.limits.ratioGraceBytes && produced > archive.limits.maxRatio * max(inputConsumed, 1) {
            throw fail(.limitExceeded, "inflates more than \(archive.limits.maxRatio):1 (\(produced) bytes from \(inputConsumed)); refusing a likely zip bomb")
        }
    }

    private func verifyEnd() throws {
        if produced != entry.uncompressedSize {
            throw fail(.sizeMismatch, "size mismatch: \(produced) bytes of data, \(entry.uncompressedSize) declared")
        }
        if crc.value != entry.crc32 {
            throw fail(.checksumMismatch, "checksum mismatch (CRC-32 in header \(hex32(entry.crc32)), data \(hex32(crc.value)))")
        }
        if entry.hasDataDescriptor { try verifyDescriptor() }
    }

    /// Accepts the 12/16-byte and 20/24-byte (ZIP64) forms, with or without `PK\x07\x08`.
    private func verifyDescriptor() throws {
        let at = entry.dataOffset + entry.compressedSize
        let available = Int(min(24, archive.file.size - at))
        let d = try archive.file.bytes(at: at, count: available)
        func matches(offset: Int, wide: Bool) -> Bool {
            let need = offset + (wide ? 20 : 12)
            guard d.count >= need else { return false }
            let crc = le32(d, offset)
            let compressed = wide ? le64(d, offset + 4) : UInt64(le32(d, offset + 4))
            let size = wide ? le64(d, offset + 12) : UInt64(le32(d, offset + 8))
            return crc == entry.crc32 && compressed == entry.compressedSize && size == entry.uncompressedSize
        }
        let signed = d.count >= 4 && le32(d, 0) == 0x0807_4B50
        let ok = (signed && (matches(offset: 4, wide: false) || matches(offset: 4, wide: true)))
            || matches(offset: 0, wide: false) || matches(offset: 0, wide: true)
        if !ok {
            throw fail(.headerMismatch, "data descriptor does not match the central directory")
        }
    }
}

/// A raw-deflate zlib stream at a fixed heap address (zlib checks that `state->strm`
/// still points at the stream, so it must never move, as a Swift struct could).
final class Inflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let path: String
    private let entry: String

    init(path: String, entry: String) throws {
        self.path = path
        self.entry = entry
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = CZlib_inflateInit2(stream, -MAX_WBITS)
        guard status == Z_OK else {
            stream.deallocate()
            throw ExtractError(.io, path: path, entry: entry, "zlib inflateInit2 failed (\(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    var availableInput: Int { Int(stream.pointee.avail_in) }

    func setInput(_ bytes: UnsafeRawBufferPointer) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(bytes.count)
    }

    struct Step {
        var produced: Int
        var streamEnded: Bool
    }

    func inflate(into out: UnsafeMutableRawBufferPointer) throws -> Step {
        stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(out.count)
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        let produced = out.count - Int(stream.pointee.avail_out)
        switch status {
        case Z_OK, Z_BUF_ERROR:
            return Step(produced: produced, streamEnded: false)
        case Z_STREAM_END:
            return Step(produced: produced, streamEnded: true)
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
            throw ExtractError(.corrupt, path: path, entry: entry, "corrupt deflate data: \(message)")
        }
    }
}
