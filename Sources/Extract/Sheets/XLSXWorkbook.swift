import Transform

/// An Office Open XML workbook (.xlsx, .xlsm). Opening finds the workbook part through
/// `[Content_Types].xml` (falling back to the package relationships), reads its sheet list and
/// date system, the sheets' parts through `xl/_rels/workbook.xml.rels`, and the cell styles
/// (to know which numbers are dates). The shared strings are read when a sheet is first read;
/// sheets themselves are streamed, never held.
public final class XLSXWorkbook: Workbook {
    public let displayName: String
    public let limits: SheetLimits
    /// The workbook part (`xl/workbook.xml`).
    public let workbookPart: String
    public let dateSystem: SerialDate.System
    private let parts: PackageParts
    private let entries: [(name: String, state: String, part: String?, kind: String)]
    private let stylesPart: String?
    private let sharedStringsPart: String?
    private var styles: CellStyles?
    private var strings: SharedStrings?

    static let workbookContentTypes: Set<String> = [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "application/vnd.ms-excel.template.macroEnabled.main+xml",
    ]

    public convenience init(path: String, limits: SheetLimits = .standard) throws {
        try self.init(archive: ZipArchive(path: path), limits: limits)
    }

    public init(archive: ZipArchive, limits: SheetLimits = .standard) throws {
        displayName = archive.path
        self.limits = limits
        parts = PackageParts(archive: archive, displayName: archive.path, limits: limits)
        let types = try parts.contentTypes()
        if let found = types.first(where: { Self.workbookContentTypes.contains($0.value) })?.key {
            workbookPart = parts.entry(found)?.name ?? found
        } else if let office = try? parts.relationships(of: "").first(where: { $0.kind == "officeDocument" }) {
            guard office.target.lowercased().hasSuffix(".xml"), types[office.target.lowercased()].map(Self.workbookContentTypes.contains) ?? true else {
                throw TransformError(.unsupported, file: archive.path, "not a spreadsheet: the package's main part is \(TransformError.shown(types[office.target.lowercased()] ?? office.target))")
            }
            workbookPart = office.target
        } else {
            throw TransformError(.unsupported, file: archive.path, "not a spreadsheet: [Content_Types].xml names no workbook part")
        }
        let book = WorkbookPartHandler()
        try XMLEventReader.read(try parts.smallReader(workbookPart), part: workbookPart, file: displayName, sheet: nil,
                                localNames: true, handler: book)
        dateSystem = book.date1904 ? .from1904 : .from1900
        let relationships = try parts.relationships(of: workbookPart)
        let byId = Dictionary(relationships.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        entries = book.sheets.map { sheet in
            let rel = sheet.relationship.flatMap { byId[$0] }
            return (sheet.name, sheet.state, rel?.target, rel?.kind ?? "")
        }
        stylesPart = relationships.first { $0.kind == "styles" }?.target
        sharedStringsPart = relationships.first { $0.kind == "sharedStrings" }?.target
    }

    public func sheets() throws -> [WorkbookSheet] {
        try entries.map { entry in
            var dimension: String? = nil
            if let part = entry.part, entry.kind == "worksheet" {
                let context = SheetRowsContext(file: displayName, sheet: entry.name, part: part, limits: limits)
                dimension = try XLSXSheetReader.dimension(try parts.reader(part, sheet: entry.name), context: context)
            }
            return WorkbookSheet(name: entry.name, state: entry.state, dimension: dimension)
        }
    }

    public func forEachRow(sheet name: String, minimumWidth: Int, _ body: (CSVRecord) throws -> Void) throws {
        guard let entry = entries.first(where: { $0.name == name }) else {
            let names = entries.map { TransformError.shown($0.name) }.joined(separator: ", ")
            throw TransformError(.missing, file: displayName, sheet: name, "no such sheet (the workbook has \(names.isEmpty ? "none" : names))")
        }
        guard let part = entry.part else {
            throw TransformError(.missing, file: displayName, sheet: name, "the sheet's part is not in xl/_rels/workbook.xml.rels")
        }
        guard entry.kind == "worksheet" else {
            throw TransformError(.unsupported, file: displayName, sheet: name, "a \(entry.kind) has no cells to read")
        }
        let source = try parts.reader(part, sheet: name)
        let reader = XLSXSheetReader(
            context: SheetRowsContext(file: displayName, sheet: name, part: part, limits: limits),
            strings: try sharedStrings(sheet: name), styles: try cellStyles(), dateSystem: dateSystem)
        try reader.forEachRow(source, minimumWidth: minimumWidth, body)
    }

    private func cellStyles() throws -> CellStyles {
        if let styles { return styles }
        let read = try stylesPart.map { try CellStyles.read(try parts.smallReader($0), part: $0, file: displayName) } ?? .none
        styles = read
        return read
    }

    private func sharedStrings(sheet: String) throws -> SharedStrings? {
        if let strings { return strings }
        guard let part = sharedStringsPart, parts.entry(part) != nil else { return nil }
        let read = try SharedStrings.read(try parts.reader(part), part: part, file: displayName, sheet: sheet, limits: limits)
        strings = read
        return read
    }
}

/// `<workbook><workbookPr date1904="1"/><sheets><sheet name="…" state="hidden" r:id="rId1"/></sheets></workbook>`.
final class WorkbookPartHandler: XMLEventHandler {
    var sheets: [(name: String, state: String, relationship: String?)] = []
    var date1904 = false
    func start(_ name: String, _ attributes: [String: String]) throws {
        switch name {
        case "workbookPr":
            date1904 = attributes["date1904"] == "1" || attributes["date1904"] == "true"
        case "sheet":
            guard let sheetName = attributes["name"] else { return }
            // The relationship attribute's prefix is whatever the writer bound the namespace to.
            let relationship = attributes.first { $0.key == "r:id" || $0.key.hasSuffix(":id") }?.value
            sheets.append((sheetName, attributes["state"] ?? "visible", relationship))
        default:
            break
        }
    }

    func end(_ name: String) throws {}
    func text(_ text: String) throws {}
}
