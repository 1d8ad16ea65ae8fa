/// How often a source's editions appear, for `refresh --due` and `pipeline sources`. Days count
/// from the first day of the period an edition reports on (a month's first day, 1 April for a
/// financial year), because that is the one date every kind of period has.
public struct Cadence: Sendable, Equatable {
    /// `month`, `quarter`, `year`, `week`: documentation; the period kind decides what "next" is.
    public let every: String
    /// Days after the next period starts before its edition can appear (checks before then are skipped).
    public let expectedAfterDays: Int
    /// Days after the next period starts by which its edition is normally out; later than that,
    /// the source is overdue.
    public let publishedWithinDays: Int
    /// Hours after which a source is checked again even when no new period is expected
    /// (catches republications of the newest edition).
    public let recheckHours: Int

    public init(every: String, expectedAfterDays: Int, publishedWithinDays: Int, recheckHours: Int = 24) {
        self.every = every
        self.expectedAfterDays = expectedAfterDays
        self.publishedWithinDays = publishedWithinDays
        self.recheckHours = recheckHours
    }
}
