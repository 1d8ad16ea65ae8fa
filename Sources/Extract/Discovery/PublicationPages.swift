import Foundation
import Transform

/// An edition listed on a series page.
public struct Edition: Sendable, Equatable {
    /// Absolute URL of the edition page.
    public let url: String
    /// Its last path segment (`october-2025`).
    public let slug: String
    public let period: ReportingPeriod
    /// The date the series page shows beside it.
    public let listedDate: CalendarDate?
    public let title: String

    public init(url: String, slug: String, period: ReportingPeriod, listedDate: CalendarDate?, title: String) {
        self.url = url
        self.slug = slug
        self.period = period
        self.listedDate = listedDate
        self.title = title
    }
}

/// What an edition page says.
public struct EditionPage: Sendable, Equatable {
    public let url: String
    public let title: String
    /// The "Publication Date" of the page.
    public let published: CalendarDate?
    /// Every downloadable file linked from the page, in page order.
    public let files: [PageFile]
    /// The text of a revision notice, when the page carries one.
    public let notice: String?
    /// The page's key facts (`63,919,527` / `Patients registered at GP practices in England …`),
    /// which a dataset may reconcile its total to.
    public let keyFacts: [KeyFact]

    public init(url: String, title: String, published: CalendarDate?, files: [PageFile], notice: String?, keyFacts: [KeyFact] = []) {
        self.url = url
        self.title = title
        self.published = published
        self.files = files
        self.notice = notice
        self.keyFacts = keyFacts
    }
}

/// A key fact of an edition page: its figure as written and the caption under it.
public struct KeyFact: Sendable, Equatable {
    public let figure: String
    public let caption: String

    public init(figure: String, caption: String) {
        self.figure = figure
        self.caption = caption
    }
}

/// A file linked from an edition page.
public struct PageFile: Sendable, Equatable {
    /// Absolute URL exactly as linked (percent-encoded as the publisher wrote it).
    public let url: String
    /// The file name, percent-decoded (`QOF 2022-23 Raw data .csv files.zip`).
    public let name: String
    /// For an item of a web API: the index's last-changed marker (`DataChange.LastUploadedAt`).
    public let changeMarker: String?

    public init(url: String, name: String, changeMarker: String? = nil) {
        self.url = url
        self.name = name
        self.changeMarker = changeMarker
    }
}

/// Reads digital.nhs.uk series and edition pages. The markers come from NHS England's page
/// templates (series: `ul[data-uipath=ps.series.publications-list.*]` holding `a.cta__button`
/// and `p.callout-box__content-description-date`; edition: the "Publication Date:" `dd` and the
/// download cards under `ps.publication.resources-attachments`). When markers are missing the
/// readers fall back to links of the right shape, so a cosmetic redesign does not stop loads.
public enum PublicationPages {
    /// Editions on a series page, newest period first. Throws `ExtractError(.discovery)` when
    /// the page lists none (moved, redesigned beyond recognition, or an error page).
    public static func editions(html: String, seriesURL: String, slugs: [String], kind: ReportingPeriod.Kind) throws -> [Edition] {
        guard let base = URL(string: seriesURL) else { throw ExtractError(.discovery, path: seriesURL, "not a URL") }
        let tokens = HTMLScanner.tokens(html)
        var found: [(url: String, title: String, date: CalendarDate?)] = []
        var listDepth = 0
        var inLink = false
        var inDate = false
        var text = ""
        for token in tokens {
            switch token {
            case .start("ul", let attributes) where attributes["data-uipath"]?.hasPrefix("ps.series.publications-list") == true:
                listDepth = 1
            case .start("ul", _) where listDepth > 0:
                listDepth += 1
            case .end("ul") where listDepth > 0:
                listDepth -= 1
            case .start("a", let attributes) where listDepth > 0 && token.hasClass("cta__button"):
                if let href = attributes["href"], let url = URL(string: href, relativeTo: base)?.absoluteURL {
                    found.append((url.absoluteString, "", nil))
                    inLink = true
                    text = ""
                }
            case .end("a") where inLink:
                found[found.count - 1].title = text.trimmingCharacters(in: .whitespacesAndNewlines)
                inLink = false
            case .start("p", _) where listDepth > 0 && token.hasClass("callout-box__content-description-date") && !found.isEmpty:
                inDate = true
                text = ""
            case .end("p") where inDate:
                found[found.count - 1].date = parseDate(text)
                inDate = false
            case .text(let t) where inLink || inDate:
                text += t
            default:
                break
            }
        }
        if found.isEmpty {
            // Fallback: links one level below the series page.
            var seen = Set<String>()
            for case .start("a", let attributes) in tokens {
                guard let href = attributes["href"], let url = URL(string: href, relativeTo: base)?.absoluteURL else { continue }
                let path = url.path
                guard path.hasPrefix(base.path + "/"), !path.dropFirst(base.path.count + 1).contains("/"),
                      seen.insert(url.absoluteString).inserted else { continue }
                found.append((url.absoluteString, "", nil))
            }
        }
        var editions: [Edition] = []
        for item in found {
            guard let url = URL(string: item.url) else { continue }
            let slug = url.lastPathComponent
            guard url.deletingLastPathComponent().path == base.path || url.path.hasPrefix(base.path + "/"),
                  let period = SlugTemplate.period(slugs, slug, kind: kind) else { continue }
            editions.append(Edition(url: item.url, slug: slug, period: period, listedDate: item.date, title: item.title))
        }
        guard !editions.isEmpty else {
            throw ExtractError(.discovery, path: seriesURL, "the series page lists no editions whose names fit the source's edition slugs (page moved or redesigned?)")
        }
        return editions.sorted { ($0.period, $0.listedDate ?? $0.period.start) > ($1.period, $1.listedDate ?? $1.period.start) }
    }

    /// An edition page's date, files and notice. Throws `ExtractError(.discovery)` when it links
    /// no files at all.
    public static func editionPage(html: String, pageURL: String) throws -> EditionPage {
        guard let base = URL(string: pageURL) else { throw ExtractError(.discovery, path: pageURL, "not a URL") }
        let tokens = HTMLScanner.tokens(html)
        var title = "", published: CalendarDate?, notice: String?
        var keyFacts: [KeyFact] = [], keyFactsDepth = 0, figure: String?
        var files: [PageFile] = []
        var seen = Set<String>()
        var capture: String?   // which element's text is being collected
        var text = ""
        var afterPublicationLabel = false
        var resourcesDepth = 0
        var noticeDepth = 0
        for token in tokens {
            switch token {
            case .start("h1", _) where title.isEmpty:
                capture = "h1"; text = ""
            case .start("dd", let attributes) where attributes["data-uipath"] == "ps.publication.publication-date" || afterPublicationLabel:
                capture = "date"; text = ""; afterPublicationLabel = false
            case .start("dt", _):
                capture = "dt"; text = ""
            case .start("p", _) where keyFactsDepth > 0:
                if token.hasClass("nhsd-t-heading-xl") { capture = "figure"; text = "" }
                else if figure != nil { capture = "caption"; text = "" }
            case .end("p") where capture == "figure":
                figure = text.trimmingCharacters(in: .whitespacesAndNewlines); capture = nil
            case .end("p") where capture == "caption":
                keyFacts.append(KeyFact(figure: figure!, caption: text.split(whereSeparator: \.isWhitespace).joined(separator: " ")))
                figure = nil; capture = nil
            case .start("div", let attributes):
                if attributes["id"] == "key-facts" { keyFactsDepth = 1 } else if keyFactsDepth > 0 { keyFactsDepth += 1 }
                if attributes["data-uipath"] == "ps.publication.resources-attachments" { resourcesDepth = 1 }
                else if resourcesDepth > 0 { resourcesDepth += 1 }
                if token.hasClass("nhsd-m-emphasis-box") { noticeDepth = 1; text = ""; capture = "notice" }
                else if noticeDepth > 0 { noticeDepth += 1 }
            case .end("div"):
                if keyFactsDepth > 0 { keyFactsDepth -= 1 }
                if resourcesDepth > 0 { resourcesDepth -= 1 }
                if noticeDepth > 0 {
                    noticeDepth -= 1
                    if noticeDepth == 0 {
                        notice = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                        capture = nil
                    }
                }
            case .start("a", let attributes):
                guard let href = attributes["href"], !href.hasPrefix("#"), let url = URL(string: href, relativeTo: base)?.absoluteURL else { break }
                let name = (url.path as NSString).lastPathComponent
                let looksLikeFile = name.contains(".") && !name.hasSuffix(".html")
                if (resourcesDepth > 0 || looksLikeFile) && looksLikeFile && seen.insert(url.absoluteString).inserted {
                    files.append(PageFile(url: url.absoluteString, name: name.removingPercentEncoding ?? name))
                }
            case .end("h1") where capture == "h1":
                title = text.trimmingCharacters(in: .whitespacesAndNewlines); capture = nil
            case .end("dd") where capture == "date":
                published = parseDate(text); capture = nil
            case .end("dt") where capture == "dt":
                afterPublicationLabel = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().hasPrefix("publication date")
                capture = nil
            case .text(let t) where capture != nil:
                text += t + " "
            default:
                break
            }
        }
        guard !files.isEmpty else {
            throw ExtractError(.discovery, path: pageURL, "the edition page links no files (page moved or redesigned?)")
        }
        return EditionPage(url: pageURL, title: title, published: published, files: files, notice: notice, keyFacts: keyFacts)
    }

    /// `9 April 2026`, `Published: 9 April 2026`, `13 Nov 2025`, `8 Sept 2020`.
    public static func parseDate(_ text: String) -> CalendarDate? {
        var words = text.replacingOccurrences(of: ",", with: " ").split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
        if words.first == "published:" || words.first == "published" { words.removeFirst() }
        guard words.count >= 3, let day = Int(words[0]), let year = Int(words[2]), words[2].count == 4 else { return nil }
        let month = words[1].hasPrefix("sept") ? 9 : SlugTemplate.months.firstIndex { $0.hasPrefix(words[1].prefix(3)) && words[1].count >= 3 }.map { $0 + 1 }
        guard let month else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }
}
