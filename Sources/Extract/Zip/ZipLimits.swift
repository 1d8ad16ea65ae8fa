/// Caps that bound what one archive may cost, whatever its headers declare.
public struct ZipLimits: Sendable, Equatable {
    /// Largest number of bytes one entry may inflate to.
    public var maxEntryBytes: UInt64
    /// Largest inflated-to-compressed ratio tolerated once `ratioGraceBytes` have been produced.
    public var maxRatio: UInt64
    /// Output below this size is never judged by ratio (small files compress wildly).
    public var ratioGraceBytes: UInt64
    /// Largest number of entries in one archive.
    public var maxEntries: Int
    /// Largest central directory that will be read into memory.
    public var maxCentralDirectoryBytes: UInt64

    public init(
        maxEntryBytes: UInt64 = 16 << 30, maxRatio: UInt64 = 200, ratioGraceBytes: UInt64 = 1 << 20,
        maxEntries: Int = 250_000, maxCentralDirectoryBytes: UInt64 = 64 << 20
    ) {
        self.maxEntryBytes = maxEntryBytes
        self.maxRatio = maxRatio
        self.ratioGraceBytes = ratioGraceBytes
        self.maxEntries = maxEntries
        self.maxCentralDirectoryBytes = maxCentralDirectoryBytes
    }

    /// The defaults: 16 GiB per entry, 200:1 after 1 MiB, 250,000 entries, 64 MiB of directory.
    public static let standard = ZipLimits()
}
