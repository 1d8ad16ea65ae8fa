import Transform

/// The parts of an OOXML package (a zip) and the small XML files that connect them:
/// `[Content_Types].xml` (which part is the workbook) and relationship parts (`_rels/*.rels`,
/// which name the sheets, styles and shared strings by relative path).
struct PackageParts {
    let archive: ZipArchive
    let displayName: String
    let limits: SheetLimits

    /// The entry for a part name (`/xl/workbook.xml` or `xl/workbook.xml`). Part names are
    /// case-insensitive in OPC, so an exact match is preferred and a case-blind one accepted.
    func entry(_ part: String) -> ZipEntry? {
        let name = part.hasPrefix("/") ? String(part.dropFirst()) : part
        if let exact = archive.entry(named: name) { return exact }
        let lower = name.lowercased()
        return archive.entries.first { $0.name.lowercased() == lower }
    }

    /// A stream of the part's bytes; refuses a missing part, naming it.
    func reader(_ part: String, sheet: String? = nil) throws -> ZipEntryReader {
        guard let entry = entry(part) else {
            throw TransformError(.missing, file: displayName, sheet: sheet, "the workbook has no \(part) part")
        }
        return try archive.reader(for: entry)
    }

    /// A stream of a small part (relationships, workbook, styles), refused when its declared
    /// size is over `SheetLimits.maxSmallPartBytes` (the zip reader holds it to that size).
    func smallReader(_ part: String) throws -> ZipEntryReader {
        let reader = try reader(part)
        guard reader.entry.uncompressedSize <= UInt64(limits.maxSmallPartBytes) else {
            throw TransformError(.limit, file: displayName, "the workbook part \(part) is \(reader.entry.uncompressedSize) bytes, over the cap of \(limits.maxSmallPartBytes)")
        }
        return reader
    }

    /// `Override` content types by part name (lower-cased, without the leading `/`).
    func contentTypes() throws -> [String: String] {
        let handler = ContentTypesHandler()
        try XMLEventReader.read(try smallReader("[Content_Types].xml"), part: "[Content_Types].xml", file: displayName,
                                sheet: nil, localNames: true, handler: handler)
        return handler.overrides
    }

    /// The relationships of `part` (from `dir/_rels/name.rels`), targets resolved to part names.
    func relationships(of part: String) throws -> [Relationship] {
        let name = part.hasPrefix("/") ? String(part.dropFirst()) : part
        let directory = name.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let file = name.split(separator: "/").last.map(String.init) ?? ""
        let relsPart = (directory.isEmpty ? "" : directory + "/") + "_rels/" + file + ".rels"
        let handler = RelationshipsHandler()
        try XMLEventReader.read(try smallReader(relsPart), part: relsPart, file: displayName, sheet: nil, localNames: true, handler: handler)
        return handler.relationships.map { rel in
            Relationship(id: rel.id, type: rel.type, target: rel.external ? rel.target : Self.resolve(rel.target, from: directory), external: rel.external)
        }
    }

    /// A relationship target relative to `directory` (or absolute, from the package root),
    /// with `.` and `..` resolved.
    static func resolve(_ target: String, from directory: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : directory.split(separator: "/")
        for piece in target.split(separator: "/") {
            switch piece {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(piece)
            }
        }
        return parts.joined(separator: "/")
    }

    struct Relationship {
        let id: String
        let type: String
        let target: String
        let external: Bool

        /// The last path segment of the type URI (`worksheet`, `styles`, `sharedStrings`, `officeDocument`).
        var kind: String { type.split(separator: "/").last.map(String.init) ?? type }
    }
}

/// `<Types><Override PartName="/xl/workbook.xml" ContentType="…"/></Types>`.
final class ContentTypesHandler: XMLEventHandler {
    var overrides: [String: String] = [:]
    func start(_ name: String, _ attributes: [String: String]) throws {
        if name == "Override", let part = attributes["PartName"], let type = attributes["ContentType"] {
            overrides[(part.hasPrefix("/") ? String(part.dropFirst()) : part).lowercased()] = type
        }
    }

    func end(_ name: String) throws {}
    func text(_ text: String) throws {}
}

/// `<Relationships><Relationship Id="rId1" Type="…/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`.
final class RelationshipsHandler: XMLEventHandler {
    var relationships: [(id: String, type: String, target: String, external: Bool)] = []
    func start(_ name: String, _ attributes: [String: String]) throws {
        if name == "Relationship", let id = attributes["Id"], let type = attributes["Type"], let target = attributes["Target"] {
            relationships.append((id, type, target, attributes["TargetMode"] == "External"))
        }
    }

    func end(_ name: String) throws {}
    func text(_ text: String) throws {}
}
