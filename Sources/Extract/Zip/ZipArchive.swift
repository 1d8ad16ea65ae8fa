import Foundation
import Transform

/// A zip archive on local disk: its central directory read and checked when it opens,
/// entries streamed on demand through `reader(for:)`.
///
/// Opening refuses, with one line naming the archive (and entry): non-zip bytes (saying so
/// when they look like an HTML page), truncation, unsafe or duplicate names, symbolic links,
/// encryption, methods other than stored and deflate, central/local header disagreements,
/// overlapping entries and directory counts the file cannot hold. Reading an entry checks
/// CRC-32, the declared size, the end of the deflate stream, any data descriptor, and the
/// caps in `ZipLimits`. No allocation is ever sized from a number the archive declares.
public final class ZipArchive {
    public let path: String
    public let entries: [ZipEntry]
    public let limits: ZipLimits
    let file: FileInput

    /// Opens and validates the archive at `path`.
    public convenience init(path: String, limits: ZipLimits = .standard) throws {
        try self.init(file: FileInput(path: path), displayPath: path, limits: limits)
    }

    /// An archive whose errors name it `displayPath` (a downloaded file by its published name,
    /// not its cache path).
    public convenience init(path: String, displayPath: String, limits: ZipLimits = .standard) throws {
        try self.init(file: FileInput(path: path), displayPath: displayPath, limits: limits)
    }

    init(file: FileInput, displayPath: String, limits: ZipLimits) throws {
        self.file = file
        self.path = displayPath
        self.limits = limits
        self.entries = try ZipDirectoryParser(file: file, path: displayPath, limits: limits).parse()
    }

    /// The entry with exactly this name, if any.
    public func entry(named name: String) -> ZipEntry? {
        entries.first { $0.name == name }
    }

    /// A stream of the entry's uncompressed bytes; verifies CRC-32, size and stream end as it goes.
    public func reader(for entry: ZipEntry) throws -> ZipEntryReader {
        try ZipEntryReader(archive: self, entry: entry)
    }

    /// True when the first bytes of `prefix` are a zip local header or an empty archive's end record.
    public static func hasZipSignature(_ prefix: [UInt8]) -> Bool {
        prefix.count >= 4 && prefix[0] == 0x50 && prefix[1] == 0x4B
            && ((prefix[2] == 3 && prefix[3] == 4) || (prefix[2] == 5 && prefix[3] == 6))
    }

    /// Describes bytes that are not a zip, e.g. "it looks like an HTML page".
    public static func describeNonZip(_ prefix: [UInt8]) -> String {
        let text = String(decoding: prefix.prefix(512), as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }.lowercased()
        if trimmed.hasPrefix("<!doctype html") || trimmed.hasPrefix("<html") || trimmed.hasPrefix("<head")
            || (trimmed.hasPrefix("<") && trimmed.contains("<body"))
        {
            return "not a zip archive: it looks like an HTML page (starts with \(quoted(trimmed.prefix(15))))"
        }
        if prefix.isEmpty { return "not a zip archive: the file is empty" }
        let hex = prefix.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")
        return "not a zip archive (first bytes \(hex))"
    }

    private static func quoted(_ s: Substring) -> String { "'" + s + "'" }
}

/// Reads the end record(s) and central directory, then each local header.
struct ZipDirectoryParser {
    let file: FileInput
    let path: String
    let limits: ZipLimits

    private func fail(_ code: ExtractError.Code, entry: String? = nil, _ reason: String) -> ExtractError {
        ExtractError(code, path: path, entry: entry, reason)
    }

    func parse() throws -> [ZipEntry] {
        let size = file.size
        let head = try file.bytes(at: 0, count: Int(min(size, 512)))
        guard ZipArchive.hasZipSignature(head) else {
            throw fail(.notZip, ZipArchive.describeNonZip(head))
        }
        guard size >= 22 else { throw fail(.truncated, "truncated archive: \(size) bytes, too short for an end record") }

        let end = try findEndRecord(size: size)
        if end.entryCount == 0 {
            throw fail(.empty, "the archive contains no files")
        }
        guard end.entryCount <= UInt64(limits.maxEntries) else {
            throw fail(.limitExceeded, "the archive lists \(end.entryCount) entries, over the cap of \(limits.maxEntries)")
        }
        // Each central header is at least 46 bytes: a count the directory cannot hold is corrupt,
        // and this check happens before anything is sized by the count.
        guard end.directorySize >= end.entryCount * 46 else {
            throw fail(.corrupt, "corrupt central directory: \(end.entryCount) entries cannot fit in \(end.directorySize) bytes")
        }
        guard end.directoryOffset + end.directorySize <= end.recordOffset else {
            throw fail(.truncated, "truncated archive: the central directory should span bytes \(end.directoryOffset)-\(end.directoryOffset + end.directorySize) but the end record is at \(end.recordOffset)")
        }
        guard end.directorySize <= limits.maxCentralDirectoryBytes else {
            throw fail(.limitExceeded, "central directory of \(end.directorySize) bytes is over the cap of \(limits.maxCentralDirectoryBytes)")
        }
        let directory = try file.bytes(at: end.directoryOffset, count: Int(end.directorySize))
        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(end.entryCount))
        var names = Set<String>()
        var cursor = 0
        for index in 0..<Int(end.entryCount) {
            let central = try parseCentralHeader(directory, at: &cursor, index: index)
            if !names.insert(central.name).inserted {
                throw fail(.duplicateName, entry: central.name, "duplicate entry name")
            }
            entries.append(try checkLocalHeader(central, directoryOffset: end.directoryOffset))
        }
        try checkNoOverlap(entries, directoryOffset: end.directoryOffset)
        return entries
    }

    struct EndRecord {
        var recordOffset: UInt64
        var entryCount: UInt64
        var directorySize: UInt64
        var directoryOffset: UInt64
    }

    /// Finds the end-of-central-directory record: the last signature whose comment length
    /// reaches exactly the end of the file; failing that, the last whole record that points at
    /// its central directory (bytes after the record, or a comment length running past the end
    /// of the file: Python's zipfile and Go's archive/zip read those, and so do we). Then follows
    /// a ZIP64 locator when present. No whole record at all is truncation.
    private func findEndRecord(size: UInt64) throws -> EndRecord {
        let window = min(size, 22 + 65_535)
        let tailStart = size - window
        let tail = try file.bytes(at: tailStart, count: Int(window))
        var position = tail.count - 22
        var found: Int? = nil
        var fallback: Int? = nil
        while position >= 0 {
            if tail[position] == 0x50, tail[position + 1] == 0x4B, tail[position + 2] == 5, tail[position + 3] == 6 {
                let commentLength = Int(le16(tail, position + 20))
                if position + 22 + commentLength == tail.count {
                    found = position
                    break
                }
                if fallback == nil, try pointsAtItsDirectory(tail, position, recordOffset: tailStart + UInt64(position)) {
                    fallback = position
                }
            }
            position -= 1
        }
        guard let eocd = found ?? fallback else {
            throw fail(.truncated, "truncated archive: no end-of-central-directory record")
        }
        let recordOffset = tailStart + UInt64(eocd)
        let disk = le16(tail, eocd + 4), directoryDisk = le16(tail, eocd + 6)
        var record = EndRecord(
            recordOffset: recordOffset,
            entryCount: UInt64(le16(tail, eocd + 10)),
            directorySize: UInt64(le32(tail, eocd + 12)),
            directoryOffset: UInt64(le32(tail, eocd + 16)))
        if disk != 0 || directoryDisk != 0 || le16(tail, eocd + 8) != le16(tail, eocd + 10) {
            throw fail(.corrupt, "multi-part (spanned) archives are not supported")
        }
        // ZIP64 locator: 20 bytes right before the classic record.
        if recordOffset >= 20 {
            let locator = try file.bytes(at: recordOffset - 20, count: 20)
            if le32(locator, 0) == 0x0706_4B50 {
                let zip64Offset = le64(locator, 8)
                guard zip64Offset + 56 <= recordOffset - 20 else {
                    throw fail(.corrupt, "corrupt ZIP64 locator: end record offset \(zip64Offset) is out of range")
                }
                let zip64 = try file.bytes(at: zip64Offset, count: 56)
                guard le32(zip64, 0) == 0x0606_4B50 else {
                    throw fail(.corrupt, "corrupt ZIP64 end record: bad signature at byte \(zip64Offset)")
                }
                record.recordOffset = zip64Offset
                record.entryCount = le64(zip64, 32)
                record.directorySize = le64(zip64, 40)
                record.directoryOffset = le64(zip64, 48)
                return record
            }
        }
        // 0xFFFF entries without ZIP64 records is read literally (some writers store exactly
        // 65,535 that way); the count is then checked against the directory's size.
        if record.directorySize == 0xFFFF_FFFF || record.directoryOffset == 0xFFFF_FFFF {
            throw fail(.corrupt, "corrupt archive: ZIP64 values are signalled but the ZIP64 end record is missing")
        }
        return record
    }

    /// Whether an end record that does not end the file really is one, not four stray bytes
    /// in trailing data: a ZIP64 locator sits right before it, or its central directory ends
    /// exactly where it starts and begins with a central header (or is empty).
    private func pointsAtItsDirectory(_ tail: [UInt8], _ position: Int, recordOffset: UInt64) throws -> Bool {
        if recordOffset >= 20, le32(try file.bytes(at: recordOffset - 20, count: 4), 0) == 0x0706_4B50 { return true }
        let directorySize = UInt64(le32(tail, position + 12)), directoryOffset = UInt64(le32(tail, position + 16))
        guard directoryOffset + directorySize == recordOffset else { return false }
        if directorySize == 0 { return true }
        guard directorySize >= 46 else { return false }
        return le32(try file.bytes(at: directoryOffset, count: 4), 0) == 0x0201_4B50
    }

    private struct CentralHeader {
        var name: String
        var rawName: [UInt8]
        var versionMadeBy: UInt16
        var flags: UInt16
        var method: UInt16
        var crc32: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
        var externalAttributes: UInt32
        var modified: Date?
        var isZip64: Bool
    }

    private func parseCentralHeader(_ d: [UInt8], at cursor: inout Int, index: Int) throws -> CentralHeader {
        guard cursor + 46 <= d.count, le32(d, cursor) == 0x0201_4B50 else {
            throw fail(.corrupt, "corrupt central directory: entry \(index + 1) has no valid header at directory byte \(cursor)")
        }
        let nameLength = Int(le16(d, cursor + 28)), extraLength = Int(le16(d, cursor + 30))
        let commentLength = Int(le16(d, cursor + 32))
        let total = 46 + nameLength + extraLength + commentLength
        guard cursor + total <= d.count else {
            throw fail(.corrupt, "corrupt central directory: entry \(index + 1) runs past the directory's end")
        }
        let rawName = Array(d[(cursor + 46)..<(cursor + 46 + nameLength)])
        let extra = Array(d[(cursor + 46 + nameLength)..<(cursor + 46 + nameLength + extraLength)])
        let flags = le16(d, cursor + 8)
        var header = CentralHeader(
            name: "", rawName: rawName, versionMadeBy: le16(d, cursor + 4), flags: flags,
            method: le16(d, cursor + 10), crc32: le32(d, cursor + 16),
            compressedSize: UInt64(le32(d, cursor + 20)), uncompressedSize: UInt64(le32(d, cursor + 24)),
            localHeaderOffset: UInt64(le32(d, cursor + 42)), externalAttributes: le32(d, cursor + 38),
            modified: dosDate(date: le16(d, cursor + 14), time: le16(d, cursor + 12)), isZip64: false)
        let fields = ExtraFields(extra)
        let placeholderName = String(decoding: rawName, as: UTF8.self)
        guard let name = ZipNameDecoder.decode(raw: rawName, flags: flags, unicodePathExtra: fields[0x7075]) else {
            throw fail(.corrupt, entry: placeholderName, "entry name is flagged UTF-8 but is not valid UTF-8")
        }
        header.name = name
        if let zip64 = fields[0x0001] {
            // Present values follow APPNOTE 4.5.3's order, only for fields stored as 0xFFFFFFFF.
            var at = 0
            func next() throws -> UInt64 {
                guard at + 8 <= zip64.count else {
                    throw fail(.corrupt, entry: name, "corrupt ZIP64 extra field")
                }
                defer { at += 8 }
                return le64(zip64, at)
            }
            if header.uncompressedSize == 0xFFFF_FFFF { header.uncompressedSize = try next() }
            if header.compressedSize == 0xFFFF_FFFF { header.compressedSize = try next() }
            if header.localHeaderOffset == 0xFFFF_FFFF { header.localHeaderOffset = try next() }
            header.isZip64 = true
        }
        if let stamp = fields[0x5455], stamp.count >= 5, stamp[0] & 1 != 0 {
            header.modified = Date(timeIntervalSince1970: TimeInterval(Int32(bitPattern: le32(stamp, 1))))
        }
        cursor += total

        if let reason = ZipNameDecoder.unsafeReason(name) {
            throw fail(.unsafeName, entry: name, "unsafe entry name: \(reason)")
        }
        let unixMode = header.externalAttributes >> 16
        if header.versionMadeBy >> 8 == 3, unixMode & 0o170000 == 0o120000 {
            throw fail(.unsafeName, entry: name, "symbolic link entries are not allowed")
        }
        if flags & 0x0001 != 0 || flags & 0x0040 != 0 || header.method == 99 {
            throw fail(.encrypted, entry: name, "encrypted entry (\(header.method == 99 ? "AES, method 99" : "traditional PKWARE encryption")) is not supported")
        }
        if header.method != 0 && header.method != 8 {
            throw fail(.unsupportedMethod, entry: name, "unsupported compression method \(header.method) (\(ZipEntry.methodName(header.method)))")
        }
        if name.hasSuffix("/") && (header.uncompressedSize != 0 || header.compressedSize > 2) {
            throw fail(.corrupt, entry: name, "directory entry carries \(header.uncompressedSize) bytes of data")
        }
        return header
    }

    /// Reads the local header and insists it agrees with the central directory.
    private func checkLocalHeader(_ c: CentralHeader, directoryOffset: UInt64) throws -> ZipEntry {
        guard c.localHeaderOffset + 30 <= directoryOffset else {
            throw fail(.truncated, entry: c.name, "truncated archive: local header at byte \(c.localHeaderOffset) lies beyond the data area")
        }
        let fixed = try file.bytes(at: c.localHeaderOffset, count: 30)
        guard le32(fixed, 0) == 0x0403_4B50 else {
            throw fail(.headerMismatch, entry: c.name, "no local header at byte \(c.localHeaderOffset) where the central directory points")
        }
        let nameLength = Int(le16(fixed, 26)), extraLength = Int(le16(fixed, 28))
        let variable = try file.bytes(at: c.localHeaderOffset + 30, count: nameLength + extraLength)
        let localName = Array(variable[0..<nameLength])
        if localName != c.rawName {
            throw fail(.headerMismatch, entry: c.name, "local header names '\(String(decoding: localName, as: UTF8.self))', central directory names '\(c.name)'")
        }
        let localMethod = le16(fixed, 8), localFlags = le16(fixed, 6)
        if localMethod != c.method {
            throw fail(.headerMismatch, entry: c.name, "local header says method \(localMethod), central directory says \(c.method)")
        }
        if (localFlags ^ c.flags) & 0x0009 != 0 {
            throw fail(.headerMismatch, entry: c.name, "local header flags \(hex16(localFlags)) disagree with central directory flags \(hex16(c.flags))")
        }
        var isZip64 = c.isZip64
        if c.flags & 0x0008 == 0 {
            var localCompressed = UInt64(le32(fixed, 18)), localUncompressed = UInt64(le32(fixed, 22))
            let fields = ExtraFields(Array(variable[nameLength...]))
            if let zip64 = fields[0x0001], zip64.count >= 16 {
                if localUncompressed == 0xFFFF_FFFF { localUncompressed = le64(zip64, 0) }
                if localCompressed == 0xFFFF_FFFF { localCompressed = le64(zip64, 8) }
                isZip64 = true
            }
            if le32(fixed, 14) != c.crc32 || localCompressed != c.compressedSize || localUncompressed != c.uncompressedSize {
                throw fail(.headerMismatch, entry: c.name, "local header sizes/CRC (\(localCompressed)/\(localUncompressed)/\(hex32(le32(fixed, 14)))) disagree with central directory (\(c.compressedSize)/\(c.uncompressedSize)/\(hex32(c.crc32)))")
            }
        } else if ExtraFields(Array(variable[nameLength...]))[0x0001] != nil {
            isZip64 = true
        }
        let dataOffset = c.localHeaderOffset + 30 + UInt64(nameLength + extraLength)
        guard dataOffset + c.compressedSize <= directoryOffset else {
            throw fail(.truncated, entry: c.name, "truncated archive: entry data ends at byte \(dataOffset + c.compressedSize), past the central directory at \(directoryOffset)")
        }
        return ZipEntry(
            name: c.name, rawName: c.rawName, method: c.method, flags: c.flags, crc32: c.crc32,
            compressedSize: c.compressedSize, uncompressedSize: c.uncompressedSize,
            localHeaderOffset: c.localHeaderOffset, dataOffset: dataOffset, versionMadeBy: c.versionMadeBy,
            externalAttributes: c.externalAttributes, modified: c.modified, isZip64: isZip64)
    }

    /// Entries must occupy disjoint byte ranges (refuses Fifield-style overlapping "bombs").
    private func checkNoOverlap(_ entries: [ZipEntry], directoryOffset: UInt64) throws {
        let ordered = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) {
            let earliestEnd = earlier.dataOffset + earlier.compressedSize + (earlier.hasDataDescriptor ? 12 : 0)
            if earliestEnd > later.localHeaderOffset {
                throw fail(.corrupt, entry: later.name, "overlapping entries: '\(later.name)' starts at byte \(later.localHeaderOffset), inside '\(earlier.name)'")
            }
        }
    }
}

/// The extra-field blocks of a header, by tag.
struct ExtraFields {
    private var fields: [UInt16: [UInt8]] = [:]

    init(_ bytes: [UInt8]) {
        var at = 0
        while at + 4 <= bytes.count {
            let tag = le16(bytes, at), length = Int(le16(bytes, at + 2))
            guard at + 4 + length <= bytes.count else { break }
            if fields[tag] == nil { fields[tag] = Array(bytes[(at + 4)..<(at + 4 + length)]) }
            at += 4 + length
        }
    }

    subscript(tag: UInt16) -> [UInt8]? { fields[tag] }
}

@inline(__always) func le16(_ b: [UInt8], _ i: Int) -> UInt16 {
    UInt16(b[i]) | UInt16(b[i + 1]) << 8
}

@inline(__always) func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}

@inline(__always) func le64(_ b: [UInt8], _ i: Int) -> UInt64 {
    UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32
}

func hex32(_ v: UInt32) -> String { String(format: "%08x", v) }
func hex16(_ v: UInt16) -> String { String(format: "0x%04x", v) }

/// MS-DOS date and time fields as a UTC date (zip does not record the zone).
func dosDate(date: UInt16, time: UInt16) -> Date? {
    var c = DateComponents()
    c.year = 1980 + Int(date >> 9)
    c.month = Int((date >> 5) & 0xF)
    c.day = Int(date & 0x1F)
    c.hour = Int(time >> 11)
    c.minute = Int((time >> 5) & 0x3F)
    c.second = Int(time & 0x1F) * 2
    guard (1...12).contains(c.month!), (1...31).contains(c.day!) else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(from: c)
}
