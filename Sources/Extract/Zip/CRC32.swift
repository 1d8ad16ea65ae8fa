import CZlib

/// CRC-32 (ISO-HDLC, the zip and gzip polynomial) computed by zlib, which has a fast
/// table-driven implementation; kept behind this type so zlib stays inside Extract.
public struct CRC32: Sendable {
    public private(set) var value: UInt32 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        value = UInt32(crc32_z(uLong(value), base.assumingMemoryBound(to: Bytef.self), z_size_t(bytes.count)))
    }

    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32()
        let array = Array(bytes)
        array.withUnsafeBytes { crc.update($0) }
        return crc.value
    }
}
