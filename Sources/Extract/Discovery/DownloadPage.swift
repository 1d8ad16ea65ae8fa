import Foundation
import Transform

/// Another site's page of download links for several periods (the GP Patient Survey's
/// `SurveysAndReports`): each link whose file name (or URL path) fits a period template is a
/// file of that period's edition; the page itself has no per-edition pages or dates.
struct DownloadPage: EditionFinder {
    let source: any SourceDeclaration
    let listing: DownloadPageListing
    let downloader: Downloader

    /// Every linked file with the period its name gives.
    private func linked() throws -> (page: EditionPage, periods: [(file: PageFile, period: ReportingPeriod)]) {
        let html = try downloader.text(listing.url, what: "download page")
        let page = try PublicationPages.editionPage(html: html, pageURL: listing.url)
        var periods: [(PageFile, ReportingPeriod)] = []
        for file in page.files {
            let path = URL(string: file.url)?.path ?? file.url
            if let period = SlugTemplate.period(listing.periodTemplates, file.name, kind: source.periodKind)
                ?? SlugTemplate.period(listing.periodTemplates, path, kind: source.periodKind) {
                periods.append((file, period))
            }
        }
        return (page, periods)
    }

    func editions() throws -> [Edition] {
        let (page, periods) = try linked()
        let distinct = Set(periods.map(\.period)).sorted(by: >)
        guard !distinct.isEmpty else {
            throw ExtractError(.discovery, path: listing.url, "the download page links no file whose name gives a period (page moved or redesigned?)")
        }
        return distinct.map { period in
            Edition(url: listing.url, slug: period.label, period: period, listedDate: page.published,
                    title: "\(source.title), \(period.label)")
        }
    }

    func publication(for edition: Edition) throws -> FoundPublication {
        let (page, periods) = try linked()
        let ofPeriod = periods.filter { $0.period == edition.period }.map(\.file)
        let (files, ignored) = source.sortFiles(ofPeriod)
        guard !files.isEmpty else {
            throw ExtractError(.discovery, path: listing.url, "none of the \(edition.period.label) files (\(ShortList.text(ofPeriod.map(\.name)))) is a \(source.id) file (no file family matches)")
        }
        // The page shows no per-edition date: the files' own (Last-Modified) date is used when
        // they are fetched; until then, the page's, else the period's first day.
        let published = page.published ?? edition.period.start
        let editionPage = EditionPage(url: listing.url, title: edition.title, published: page.published, files: ofPeriod, notice: page.notice)
        return FoundPublication(source: source.id, edition: edition, page: editionPage, published: published, files: files, ignored: ignored)
    }
}
