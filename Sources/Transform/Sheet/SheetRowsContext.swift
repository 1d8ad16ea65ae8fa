/// Where a sheet's rows come from and how they are shown in errors: the workbook as the user
/// named it (`file.xlsx`, or `archive.zip:file.xlsx`), the sheet's name, the package part that
/// holds it, and the caps. Shared by the XLSX and OpenDocument readers.
public struct SheetRowsContext: Sendable {
    public let file: String
    public let sheet: String
    public let part: String
    public let limits: SheetLimits

    public init(file: String, sheet: String, part: String, limits: SheetLimits = .standard) {
        self.file = file
        self.sheet = sheet
        self.part = part
        self.limits = limits
    }

    func error(_ code: TransformError.Code, row: Int? = nil, column: Int? = nil, _ reason: String) -> TransformError {
        TransformError(code, file: file, sheet: sheet, row: row, column: column.map { $0 + 1 }, reason)
    }

    /// An error from the caller's row callback (a mapper names file, line and column) placed in
    /// this sheet, so it reads `file.xlsx:Sheet!C14: reason`.
    func relocated(_ error: any Error) -> any Error {
        if let error = error as? TransformError, error.sheet == nil, error.file == file { return error.inSheet(sheet) }
        return error
    }
}
