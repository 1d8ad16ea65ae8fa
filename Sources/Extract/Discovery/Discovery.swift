import Foundation
import Transform

/// A publication found on the publisher's site: an edition, its date, and its data files.
public struct FoundPublication: Sendable {
    public let source: String
    public let edition: Edition
    public let page: EditionPage
    /// The edition's publication date: the page's, else the series listing's.
    public let published: CalendarDate
    /// Data files, each with the dataset its name belongs to.
    public let files: [(file: PageFile, dataset: String)]
    /// Other files on the page (reports, workbooks), left alone.
    public let ignored: [PageFile]
}

/// What discovery found.
public enum DiscoveryOutcome: Sendable {
    case found(FoundPublication)
    /// The asked-for period is not listed yet (normal before publication day; not an alarm).
    case notYetPublished(ReportingPeriod)
}

/// Finds a source's newest (or a given period's) publication: fetches the series page, picks
/// the edition, fetches its page and matches its files against the catalogue. Throws
/// `ExtractError(.discovery)` when a page is gone or unreadable (page moved or redesigned),
/// with the URL; transfer faults surface as the downloader's errors.
public struct Discovery {
    public let entry: SourceCatalog.Entry
    public let downloader: Downloader
    /// Today, for sources at fixed URLs (their one edition is a snapshot of this period).
    public let now: Date

    public init(entry: SourceCatalog.Entry, downloader: Downloader, now: Date = Date()) {
        self.entry = entry
        self.downloader = downloader
        self.now = now
    }

    /// Editions on the series page, newest first. A source at fixed URLs has one: today's.
    public func editions() throws -> [Edition] {
        guard let series = entry.series else { return [snapshotEdition] }
        let html = try page(series, what: "series page")
        return try PublicationPages.editions(html: html, seriesURL: series, entry: entry)
    }

    private var today: CalendarDate { CalendarDate.utc(now) }

    /// The one edition of a fixed-URL source: the current state, as of today.
    private var snapshotEdition: Edition {
        let period = ReportingPeriod(kind: entry.period, start: today)
        return Edition(url: entry.downloads?.first?.url ?? "", slug: "current", period: period, listedDate: today,
                       title: "\(entry.name), current files fetched \(today.iso)")
    }

    public func discover(period: ReportingPeriod? = nil) throws -> DiscoveryOutcome {
        let listed = try editions()
        let edition: Edition
        if let period {
            guard let match = listed.first(where: { $0.period == period }) else { return .notYetPublished(period) }
            edition = match
        } else {
            edition = listed[0]
        }
        return .found(try publication(for: edition))
    }

    /// The publication behind one listed edition.
    public func publication(for edition: Edition) throws -> FoundPublication {
        if let downloads = entry.downloads {
            let files = downloads.map { (PageFile(url: $0.url, name: $0.name), entry.dataset(forFile: $0.name) ?? entry.id) }
            let page = EditionPage(url: edition.url, title: edition.title, published: today, files: files.map(\.0), notice: nil)
            return FoundPublication(source: entry.id, edition: edition, page: page, published: today, files: files, ignored: [])
        }
        let html = try page(edition.url, what: "edition page")
        let page = try PublicationPages.editionPage(html: html, pageURL: edition.url)
        var files: [(PageFile, String)] = []
        var ignored: [PageFile] = []
        for file in page.files {
            if let dataset = entry.dataset(forFile: file.name) { files.append((file, dataset)) } else { ignored.append(file) }
        }
        guard !files.isEmpty else {
            throw ExtractError(.discovery, path: edition.url, "none of the page's files (\(ShortList.text(page.files.map(\.name)))) matches the \(entry.id) catalogue entry")
        }
        guard let published = page.published ?? edition.listedDate else {
            throw ExtractError(.discovery, path: edition.url, "the edition page shows no publication date")
        }
        return FoundPublication(source: entry.id, edition: edition, page: page, published: published, files: files, ignored: ignored)
    }

    private func page(_ url: String, what: String) throws -> String {
        let result: FetchResult
        do {
            result = try downloader.fetch(url, expect: .html)
        } catch let error as ExtractError where error.code == .notPublished {
            throw ExtractError(.discovery, path: url, "the \(what) is gone (\(error.reason)); has the publication moved?")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: result.path))
        guard let html = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw ExtractError(.discovery, path: url, "the \(what) is not text")
        }
        return html
    }
}
