/// Caps that keep a hostile or mistaken workbook from using unbounded memory. Every number a
/// workbook declares is checked against these before anything is sized by it.
public struct SheetLimits: Sendable, Equatable {
    /// Entries in the shared-strings table (it must be held while a sheet is read).
    public var maxSharedStrings: Int
    /// UTF-8 bytes of text in the shared-strings table.
    public var maxSharedStringBytes: Int
    /// UTF-8 bytes in one cell (Excel's own limit is 32,767 characters).
    public var maxCellBytes: Int
    /// UTF-8 bytes in one row, all cells together.
    public var maxRowBytes: Int
    /// Bytes of a small workbook part read whole (`workbook.xml`, `styles.xml`, relationships).
    public var maxSmallPartBytes: Int

    public init(maxSharedStrings: Int = 2_000_000, maxSharedStringBytes: Int = 64 << 20,
                maxCellBytes: Int = 128 * 1024, maxRowBytes: Int = 8 << 20, maxSmallPartBytes: Int = 16 << 20) {
        self.maxSharedStrings = maxSharedStrings
        self.maxSharedStringBytes = maxSharedStringBytes
        self.maxCellBytes = maxCellBytes
        self.maxRowBytes = maxRowBytes
        self.maxSmallPartBytes = maxSmallPartBytes
    }

    public static let standard = SheetLimits()
}
