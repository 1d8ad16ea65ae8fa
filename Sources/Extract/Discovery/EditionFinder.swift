import Foundation
import Transform

/// Finds a source's editions and the files of each, whatever the shape of the publisher's
/// site. One conformance per shape, each in its own file: `DigitalNHSSeries`, `FixedDownloads`,
/// `WebAPIIndex`, `DownloadPage`; `Discovery.finder(for:)` picks it from the declaration.
///
/// Throws `ExtractError(.discovery)` when a page or index is gone or unreadable (moved or
/// redesigned), naming the URL; transfer faults surface as the downloader's errors.
public protocol EditionFinder {
    /// Editions listed, newest period first.
    func editions() throws -> [Edition]
    /// The publication behind one listed edition: its date and its files.
    func publication(for edition: Edition) throws -> FoundPublication
}

/// A publication found on the publisher's site: an edition, its date, and its data files.
public struct FoundPublication: Sendable {
    public let source: String
    public let edition: Edition
    public let page: EditionPage
    /// The edition's publication date: the page's, else the listing's.
    public let published: CalendarDate
    /// Data files, each with the file family its name belongs to.
    public let files: [(file: PageFile, family: FileFamily)]
    /// Other files on the page (reports, workbooks), left alone.
    public let ignored: [PageFile]

    public init(source: String, edition: Edition, page: EditionPage, published: CalendarDate,
                files: [(file: PageFile, family: FileFamily)], ignored: [PageFile]) {
        self.source = source
        self.edition = edition
        self.page = page
        self.published = published
        self.files = files
        self.ignored = ignored
    }
}

/// What discovery found.
public enum DiscoveryOutcome: Sendable {
    case found(FoundPublication)
    /// The asked-for period is not listed yet (normal before publication day; not an alarm).
    case notYetPublished(ReportingPeriod)
}

/// The newest (or one period's) publication of a source, through the finder its listing needs.
public struct Discovery {
    public let source: any SourceDeclaration
    public let finder: any EditionFinder

    /// `now`: today, for sources whose one edition is a snapshot of the current period.
    /// `listing`: the source's keyed listing when its key is configured, else its own.
    public init(source: any SourceDeclaration, downloader: Downloader, now: Date = Date(), listing: EditionListing? = nil) {
        self.source = source
        self.finder = Self.finder(for: source, listing: listing ?? source.listing, downloader: downloader, now: now)
    }

    public static func finder(for source: any SourceDeclaration, listing: EditionListing, downloader: Downloader, now: Date) -> any EditionFinder {
        switch listing {
        case .digitalNHSSeries(let url, let slugs):
            return DigitalNHSSeries(source: source, seriesURL: url, editionSlugs: slugs, downloader: downloader)
        case .fixedDownloads(let downloads):
            return FixedDownloads(source: source, downloads: downloads, now: now)
        case .webAPI(let listing):
            return WebAPIIndex(source: source, listing: listing, downloader: downloader, now: now)
        case .downloadPage(let listing):
            return DownloadPage(source: source, listing: listing, downloader: downloader)
        }
    }

    public func editions() throws -> [Edition] { try finder.editions() }

    public func publication(for edition: Edition) throws -> FoundPublication { try finder.publication(for: edition) }

    public func discover(period: ReportingPeriod? = nil) throws -> DiscoveryOutcome {
        let listed = try finder.editions()
        let edition: Edition
        if let period {
            guard let match = listed.first(where: { $0.period == period }) else { return .notYetPublished(period) }
            edition = match
        } else {
            guard let newest = listed.first else {
                throw ExtractError(.discovery, path: source.listing.entryURL, "no \(source.id) edition is listed")
            }
            edition = newest
        }
        return .found(try finder.publication(for: edition))
    }
}

extension Downloader {
    /// A page or index as text (UTF-8, else Latin-1). A page that is gone is a discovery
    /// error naming it ("has the publication moved?").
    func text(_ url: String, what: String) throws -> String {
        let result: FetchResult
        do {
            result = try fetch(url, expect: .html)
        } catch let error as ExtractError where error.code == .notPublished {
            throw ExtractError(.discovery, path: url, "the \(what) is gone (\(error.reason)); has the publication moved?")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: result.path))
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw ExtractError(.discovery, path: url, "the \(what) is not text")
        }
        return text
    }
}

extension SourceDeclaration {
    /// Sorts a page's files into those a file family claims and those left alone.
    func sortFiles(_ files: [PageFile]) -> (data: [(file: PageFile, family: FileFamily)], ignored: [PageFile]) {
        var data: [(file: PageFile, family: FileFamily)] = []
        var ignored: [PageFile] = []
        for file in files {
            if let family = family(forFile: file.name) { data.append((file, family)) } else { ignored.append(file) }
        }
        // Files the source leaves out of this edition (made redundant by another) are ignored too.
        let chosen = Set(select(editionFiles: data.map(\.file.name)))
        ignored += data.filter { !chosen.contains($0.file.name) }.map(\.file)
        return (data.filter { chosen.contains($0.file.name) }, ignored)
    }
}
