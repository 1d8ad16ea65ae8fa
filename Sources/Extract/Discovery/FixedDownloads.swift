import Foundation
import Transform

/// Fixed URLs that always serve the current state (ODS's reports): one edition, a snapshot of
/// the period containing today, whose files are the URLs themselves.
struct FixedDownloads: EditionFinder {
    let source: any SourceDeclaration
    let downloads: [FixedDownload]
    let now: Date

    private var today: CalendarDate { CalendarDate.utc(now) }

    func editions() throws -> [Edition] {
        let period = ReportingPeriod(kind: source.periodKind, start: today)
        return [Edition(url: downloads.first?.url ?? "", slug: "current", period: period, listedDate: today,
                        title: "\(source.title), current files fetched \(today.iso)")]
    }

    func publication(for edition: Edition) throws -> FoundPublication {
        let pageFiles = downloads.map { PageFile(url: $0.url, name: $0.name) }
        let (files, ignored) = source.sortFiles(pageFiles)
        let page = EditionPage(url: edition.url, title: edition.title, published: today, files: pageFiles, notice: nil)
        return FoundPublication(source: source.id, edition: edition, page: page, published: today, files: files, ignored: ignored)
    }
}
