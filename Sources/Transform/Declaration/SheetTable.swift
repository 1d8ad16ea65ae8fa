/// Where a source's table is in a workbook it publishes: the sheet, by name, and how its header
/// row is found (by content, so title rows and notes above it may move between editions). The
/// loader reads the rows under the header through the same `recognise` and mapper as a CSV's
/// rows, the header's cleaned names standing for a CSV's first record; refusals name the
/// workbook, sheet and cell (`file.xlsx:Table 2!C14: reason`).
public struct SheetTable: Sendable {
    public let sheet: String
    public let search: SheetTableReader.Search

    public init(sheet: String, search: SheetTableReader.Search) {
        self.sheet = sheet
        self.search = search
    }

    /// A workbook entry of an archive, by its name: an entry is chosen by name before it is
    /// opened, and the workbook's parts then decide whether it really is one.
    public static func isWorkbookName(_ entryName: String) -> Bool {
        let name = entryName.lowercased()
        return (name.hasSuffix(".xlsx") || name.hasSuffix(".ods")) && !name.hasPrefix("__macosx/") && !name.contains("/._")
    }
}
