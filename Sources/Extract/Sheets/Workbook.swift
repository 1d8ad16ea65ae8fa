#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Transform

/// A spreadsheet workbook (XLSX or OpenDocument) read as a stream: its sheets by name, and any
/// sheet's rows as the `CSVRecord`s the CSV mappers consume (`line` is the sheet row; sparse
/// cells are empty fields). Errors in a sheet read `file.xlsx:Sheet!C14: reason`; an error a
/// row callback throws about `displayName` (a mapper's `file:line:column`) is placed in the
/// sheet the same way, so mappers built with `source: workbook.displayName` need no change.
public protocol Workbook: AnyObject {
    /// The workbook as errors name it: its path, or `archive.zip:entry.xlsx`.
    var displayName: String { get }
    /// Each sheet's name, in workbook order, with its extent for listing.
    func sheets() throws -> [WorkbookSheet]
    /// Calls `body` with each row of sheet `name` that holds a value; records are at least
    /// `minimumWidth` fields wide and valid only during the call.
    func forEachRow(sheet name: String, minimumWidth: Int, _ body: (CSVRecord) throws -> Void) throws
}

extension Workbook {
    public func forEachRow(sheet name: String, _ body: (CSVRecord) throws -> Void) throws {
        try forEachRow(sheet: name, minimumWidth: 0, body)
    }

    /// Reads sheet `name` as a table: the header found by content (`search`), then each data
    /// row under it, padded to the header's width. `onHeader` runs once, before any row.
    public func forEachTableRow(sheet name: String, search: SheetTableReader.Search,
                                onHeader: (SheetHeader) throws -> Void, _ onRow: (CSVRecord) throws -> Void) throws {
        let table = SheetTableReader(search: search, file: displayName, sheet: name)
        try forEachRow(sheet: name) { record in
            try table.feed(record, onHeader: onHeader, onRow: onRow)
        }
        try table.finish(onHeader: onHeader)
    }
}

/// One sheet as a workbook lists it.
public struct WorkbookSheet: Sendable, Equatable {
    public let name: String
    /// `visible`, `hidden` or `veryHidden` (XLSX); `visible` for OpenDocument.
    public let state: String
    /// The used range, `A1:L1319`: as the XLSX writer declared it (nil when it did not), or as
    /// counted for OpenDocument.
    public let dimension: String?

    public init(name: String, state: String, dimension: String?) {
        self.name = name
        self.state = state
        self.dimension = dimension
    }
}

/// Recognises and opens workbooks.
public enum Workbooks {
    public enum Format: Sendable, Equatable {
        case xlsx
        case ods
    }

    /// What kind of workbook the zip is, from its parts (never its name): an OpenDocument
    /// spreadsheet's `mimetype`, or an OOXML package whose `[Content_Types].xml` declares a
    /// workbook part; nil for other zips (a .docx, a zip of CSVs).
    public static func format(of archive: ZipArchive) throws -> Format? {
        func text(_ entry: ZipEntry) throws -> String {
            var bytes: [UInt8] = []
            try archive.reader(for: entry).forEachChunk(bufferSize: 64 * 1024) { bytes += $0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        if let mimetype = archive.entry(named: "mimetype"), mimetype.uncompressedSize < 256,
           try text(mimetype).hasPrefix("application/vnd.oasis.opendocument.spreadsheet") {
            return .ods
        }
        if let types = archive.entry(named: "[Content_Types].xml"), types.uncompressedSize < 1 << 20 {
            let declared = try text(types)
            if XLSXWorkbook.workbookContentTypes.contains(where: declared.contains) { return .xlsx }
        }
        return nil
    }

    /// Opens the workbook in `archive`, or returns nil when the zip is not one.
    public static func open(_ archive: ZipArchive, limits: SheetLimits = .standard) throws -> (any Workbook)? {
        switch try format(of: archive) {
        case .xlsx: return try XLSXWorkbook(archive: archive, limits: limits)
        case .ods: return try ODSWorkbook(archive: archive, limits: limits)
        case nil: return nil
        }
    }

    /// Opens the workbook file at `path`, naming it `displayName` in errors (a downloaded file
    /// is known by its published name, not its cache path); nil when the zip is not a workbook.
    public static func open(path: String, displayName: String, zipLimits: ZipLimits = .standard,
                            limits: SheetLimits = .standard) throws -> (any Workbook)? {
        try open(ZipArchive(file: FileInput(path: path), displayPath: displayName, limits: zipLimits), limits: limits)
    }

    /// Opens a workbook held as an entry of another zip (ODS publishes `ePCN.xlsx` inside
    /// `epcn.zip`). A workbook needs random access, so the entry is inflated, CRC-checked, into
    /// a private temporary file that is unlinked as soon as it is open (nothing is left behind,
    /// whatever happens next); errors name `archive.zip:entry.xlsx`.
    public static func open(entry: ZipEntry, of outer: ZipArchive, limits: SheetLimits = .standard) throws -> (any Workbook)? {
        let displayName = "\(outer.path):\(entry.name)"
        var template = Array((NSTemporaryDirectory() + "/pipeline-workbook-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ExtractError(.io, path: displayName, "cannot create a temporary file: " + FileInput.describe(errno: errno)) }
        let tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(tempPath) }
        do {
            defer { close(fd) }
            try outer.reader(for: entry).forEachChunk { chunk in
                var offset = 0
                while offset < chunk.count {
                    let n = write(fd, chunk.baseAddress! + offset, chunk.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw ExtractError(.io, path: displayName, "cannot write a temporary file: " + FileInput.describe(errno: errno))
                    }
                    offset += n
                }
            }
        }
        let inner = try ZipArchive(file: FileInput(path: tempPath), displayPath: displayName, limits: outer.limits)
        return try open(inner, limits: limits)
    }
}
