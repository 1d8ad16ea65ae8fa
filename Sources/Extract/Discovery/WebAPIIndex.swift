import Foundation
import Transform

/// A JSON web API listed item by item (Fingertips indicators, CQC locations): the index (all
/// pages of it) names the items and when each last changed; each item's data is one file of
/// a snapshot edition dated today. A file carries its item's change marker, so the refresh
/// leaves alone an item whose marker did not move since it was last loaded: no request for it,
/// only the index's.
struct WebAPIIndex: EditionFinder {
    let source: any SourceDeclaration
    let listing: WebAPIListing
    let downloader: Downloader
    let now: Date

    private var today: CalendarDate { CalendarDate.utc(now) }

    func editions() throws -> [Edition] {
        let period = ReportingPeriod(kind: source.periodKind, start: today)
        return [Edition(url: listing.indexURL.replacingOccurrences(of: "{page}", with: String(listing.paging?.firstPage ?? 1)),
                        slug: "current", period: period, listedDate: today, title: "\(source.title), as of \(today.iso)")]
    }

    func publication(for edition: Edition) throws -> FoundPublication {
        var items: [(id: String, marker: String?)] = []
        var page = listing.paging?.firstPage ?? 1
        var seen = Set<String>()
        while true {
            let url = listing.indexURL.replacingOccurrences(of: "{page}", with: String(page))
            let text = try downloader.text(url, what: "API index")
            let json: Any
            do {
                json = try JSONSerialization.jsonObject(with: Data(text.utf8))
            } catch {
                throw ExtractError(.discovery, path: url, "the API index is not JSON (\(Self.firstWords(text)))")
            }
            // Fingertips' metadata is an object keyed by indicator id rather than a list: its
            // items are the object's values, in key order (numeric keys as numbers).
            let listed = Self.value(at: listing.itemsPath, in: json)
            let keyed = (listed as? [String: Any]).flatMap { object in
                object.values.allSatisfy({ $0 is [String: Any] }) && !object.isEmpty
                    ? object.sorted { (Int($0.key) ?? Int.max, $0.key) < (Int($1.key) ?? Int.max, $1.key) }.map(\.value) : nil
            }
            guard let array = (listed as? [Any]) ?? keyed else {
                throw ExtractError(.discovery, path: url, "the API index has no item list at \(listing.itemsPath.isEmpty ? "its top level" : listing.itemsPath.joined(separator: "."))")
            }
            for (index, item) in array.enumerated() {
                guard let object = item as? [String: Any], let id = Self.text(Self.value(at: [listing.idField], in: object)), !id.isEmpty else {
                    throw ExtractError(.discovery, path: url, "item \(index + 1) of the API index has no \(listing.idField)")
                }
                guard Self.isSafeIdentifier(id) else {
                    throw ExtractError(.discovery, path: url, "item \(index + 1) of the API index has an identifier that cannot go into a URL: \(TransformError.shown(id))")
                }
                if seen.insert(id).inserted {
                    let marker = listing.changeField.flatMap { Self.text(Self.value(at: $0.split(separator: ".").map(String.init), in: object)) }
                    items.append((id, marker))
                }
            }
            guard let paging = listing.paging else { break }
            guard let total = Self.text(Self.value(at: [paging.totalPagesField], in: json)).flatMap({ Int($0) }) else {
                throw ExtractError(.discovery, path: url, "the API index page has no \(paging.totalPagesField)")
            }
            if page >= total + paging.firstPage - 1 || array.isEmpty { break }
            page += 1
        }
        let pageFiles = items.map { item in
            PageFile(url: listing.dataURL.replacingOccurrences(of: "{id}", with: item.id),
                     name: listing.fileName.replacingOccurrences(of: "{id}", with: item.id), changeMarker: item.marker)
        }
        let (files, ignored) = source.sortFiles(pageFiles)
        let index = EditionPage(url: edition.url, title: edition.title, published: today, files: pageFiles, notice: nil)
        return FoundPublication(source: source.id, edition: edition, page: index, published: today, files: files, ignored: ignored)
    }

    /// The value at a path of object keys; a key may itself contain dots (`DataChange.LastUploadedAt`
    /// is one key in Fingertips' JSON), which is tried first.
    static func value(at path: [String], in json: Any) -> Any? {
        guard let first = path.first else { return json }
        guard let object = json as? [String: Any] else { return nil }
        let joined = path.joined(separator: ".")
        if path.count > 1, let whole = object[joined] { return whole }
        return object[first].flatMap { value(at: Array(path.dropFirst()), in: $0) }
    }

    static func text(_ value: Any?) -> String? {
        switch value {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        default: return nil
        }
    }

    /// Letters, digits, `-`, `_` and `.`: an identifier that can be spliced into a URL path or query.
    static func isSafeIdentifier(_ id: String) -> Bool {
        id.utf8.count <= 64 && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    static func firstWords(_ text: String) -> String {
        TransformError.shown(String(text.prefix(40)))
    }
}
