import Foundation
import Transform

/// A digital.nhs.uk series page listing one page per edition; each edition page links its files
/// (`PublicationPages` reads both). Used by most NHS England statistical publications.
struct DigitalNHSSeries: EditionFinder {
    let source: any SourceDeclaration
    let seriesURL: String
    let editionSlugs: [String]
    let downloader: Downloader

    func editions() throws -> [Edition] {
        let html = try downloader.text(seriesURL, what: "series page")
        return try PublicationPages.editions(html: html, seriesURL: seriesURL, slugs: editionSlugs, kind: source.periodKind)
    }

    func publication(for edition: Edition) throws -> FoundPublication {
        let html = try downloader.text(edition.url, what: "edition page")
        let page = try PublicationPages.editionPage(html: html, pageURL: edition.url)
        let (files, ignored) = source.sortFiles(page.files)
        guard !files.isEmpty else {
            throw ExtractError(.discovery, path: edition.url, "none of the page's files (\(ShortList.text(page.files.map(\.name)))) is a \(source.id) file (no file family matches)")
        }
        guard let published = page.published ?? edition.listedDate else {
            throw ExtractError(.discovery, path: edition.url, "the edition page shows no publication date")
        }
        return FoundPublication(source: source.id, edition: edition, page: page, published: published, files: files, ignored: ignored)
    }
}
