import Foundation

/// One entry of a zip archive's central directory, checked against its local header.
public struct ZipEntry: Sendable, Equatable {
    /// The name decoded by the rules in `ZipNameDecoder` (UTF-8 flag, Info-ZIP Unicode path, CP437).
    public let name: String
    /// The name's bytes exactly as stored.
    public let rawName: [UInt8]
    /// 0 = stored, 8 = deflated; others are refused when the archive opens.
    public let method: UInt16
    public let flags: UInt16
    public let crc32: UInt32
    public let compressedSize: UInt64
    public let uncompressedSize: UInt64
    /// Offset of the local header.
    public let localHeaderOffset: UInt64
    /// Offset of the first byte of entry data (after the local header's name and extra field).
    public let dataOffset: UInt64
    public let versionMadeBy: UInt16
    public let externalAttributes: UInt32
    /// Last-modified time: the extended-timestamp extra field when present, else the DOS fields read as UTC.
    public let modified: Date?
    /// True when the entry used ZIP64 fields (central directory or local header).
    public let isZip64: Bool

    /// A directory entry: its name ends with `/`.
    public var isDirectory: Bool { name.hasSuffix("/") }
    /// Bit 3: sizes and CRC follow the data in a data descriptor.
    public var hasDataDescriptor: Bool { flags & 0x0008 != 0 }

    /// The method's common name, for listings and error messages.
    public var methodName: String { ZipEntry.methodName(method) }

    /// Names of the compression methods in APPNOTE.TXT 4.4.5 that users meet in the wild.
    public static func methodName(_ method: UInt16) -> String {
        switch method {
        case 0: return "stored"
        case 1: return "Shrink"
        case 6: return "Implode"
        case 8: return "deflated"
        case 9: return "Deflate64"
        case 12: return "BZIP2"
        case 14: return "LZMA"
        case 93: return "Zstandard"
        case 95: return "XZ"
        case 98: return "PPMd"
        case 99: return "AES encryption"
        default: return "method \(method)"
        }
    }
}
