import Transform

/// An OpenDocument spreadsheet (.ods): a zip whose `mimetype` says so and whose `content.xml`
/// holds every sheet. Listing reads all of `content.xml` (the sheets' extents are counted, not
/// declared); reading a sheet streams it up to the end of that sheet.
public final class ODSWorkbook: Workbook {
    public let displayName: String
    public let limits: SheetLimits
    private let parts: PackageParts

    public convenience init(path: String, limits: SheetLimits = .standard) throws {
        try self.init(archive: ZipArchive(path: path), limits: limits)
    }

    public init(archive: ZipArchive, limits: SheetLimits = .standard) throws {
        displayName = archive.path
        self.limits = limits
        parts = PackageParts(archive: archive, displayName: archive.path, limits: limits)
        guard parts.entry("content.xml") != nil else {
            throw TransformError(.missing, file: displayName, "the workbook has no content.xml part")
        }
    }

    private var reader: ODSContentReader { ODSContentReader(file: displayName, part: "content.xml", limits: limits) }

    public func sheets() throws -> [WorkbookSheet] {
        try reader.tables(try parts.reader("content.xml")).map { table in
            let dimension = table.lastRow == 0 ? nil : "A1:" + CellReference.name(row: table.lastRow, column: table.columns - 1)
            return WorkbookSheet(name: table.name, state: "visible", dimension: dimension)
        }
    }

    public func forEachRow(sheet name: String, minimumWidth: Int, _ body: (CSVRecord) throws -> Void) throws {
        try reader.forEachRow(try parts.reader("content.xml"), sheet: name, minimumWidth: minimumWidth, body)
    }
}
