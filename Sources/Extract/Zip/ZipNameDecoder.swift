/// Turns an entry name's stored bytes into text, and judges whether the name is safe.
///
/// Order of rules (APPNOTE.TXT 4.4.4 and appendix D, plus one documented exception):
/// 1. general-purpose flag bit 11 set: the bytes are UTF-8 (invalid UTF-8 is refused);
/// 2. an Info-ZIP Unicode Path extra field (0x7075) whose CRC matches the stored bytes: use its UTF-8;
/// 3. pure ASCII: as is;
/// 4. valid UTF-8 without the flag: UTF-8. macOS Archive Utility writes names this way, and a
///    CP437 reading of multi-byte UTF-8 would be mojibake, while real CP437 names are almost
///    never valid UTF-8;
/// 5. otherwise CP437, the spec's default.
enum ZipNameDecoder {
    static func decode(raw: [UInt8], flags: UInt16, unicodePathExtra: [UInt8]?) -> String? {
        if flags & 0x0800 != 0 {
            return String(validating: raw, as: UTF8.self)
        }
        if let extra = unicodePathExtra, extra.count > 5, extra[0] == 1 {
            let crc = UInt32(extra[1]) | UInt32(extra[2]) << 8 | UInt32(extra[3]) << 16 | UInt32(extra[4]) << 24
            if crc == CRC32.checksum(raw), let name = String(validating: extra[5...], as: UTF8.self) {
                return name
            }
        }
        if raw.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: raw, as: UTF8.self)
        }
        if let utf8 = String(validating: raw, as: UTF8.self) {
            return utf8
        }
        return String(String.UnicodeScalarView(raw.map { cp437($0) }))
    }

    /// Why a name is unsafe to use as a path, or nil when it is fine.
    ///
    /// Backslashes count as separators, as Windows tools and Go's archive/zip treat them.
    static func unsafeReason(_ name: String) -> String? {
        if name.isEmpty { return "empty entry name" }
        if name.unicodeScalars.contains(where: { $0.value == 0 }) { return "entry name contains a NUL byte" }
        if name.hasPrefix("/") || name.hasPrefix("\\") { return "absolute path" }
        let scalars = Array(name.unicodeScalars.prefix(2))
        if scalars.count == 2, scalars[1] == ":", scalars[0].properties.isAlphabetic { return "drive-letter path" }
        let parts = name.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
        if parts.contains("..") { return "path traversal ('..')" }
        return nil
    }

    /// IBM code page 437, bytes 0x80...0xFF.
    private static let cp437High: [UInt32] = [
        0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
        0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
        0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
        0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
        0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
        0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
        0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
        0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
    ]

    private static func cp437(_ byte: UInt8) -> Unicode.Scalar {
        byte < 0x80 ? Unicode.Scalar(byte) : Unicode.Scalar(cp437High[Int(byte) - 0x80])!
    }
}
