import Foundation
import Transform

/// The publisher-facing description of every source, decoded from `Config/sources.json`: where
/// its publications are listed, how an edition page's name gives its period, which file names
/// belong to which dataset, how often it is published, and which hosts it may be fetched from.
/// A change in a publisher's layout is fixed here, not in code.
public struct SourceCatalog: Decodable, Sendable {
    public let sources: [Entry]

    public struct Entry: Decodable, Sendable {
        /// Source id, matching `SourceDefinition.id` in Transform (`list-sizes`).
        public let id: String
        public let name: String
        /// The series page listing every edition. Nil for a source published at fixed URLs
        /// (`downloads`) that always serve the current state (ODS).
        public let series: String?
        /// Edition page names (the last path segment) as templates: `{month}-{yyyy}`,
        /// `{mon}-{yyyy}`, `{yyyy}-{yy}`, `england-{yyyy}-{yy}`, `{dd}-{month}-{yyyy}`. The first
        /// that fits gives the edition's period.
        public let editionSlugs: [String]?
        /// Fixed URLs serving the current state, one per file, for sources without a series
        /// page. Each fetch is a snapshot of the period containing the day it was fetched.
        public let downloads: [Download]?
        public let period: ReportingPeriod.Kind
        public let cadence: Cadence
        /// Hosts pages and files may come from, redirects included. Nothing else is fetched.
        public let hosts: [String]
        public let files: [FilePattern]
    }

    /// How often editions appear, for `refresh --due` and `pipeline sources`. Days count from
    /// the first day of the period an edition reports on (a month's first day, 1 April for a
    /// financial year), because that is the one date every kind of period has.
    public struct Cadence: Decodable, Sendable {
        /// `month`, `quarter`, `year`: documentation; the period kind decides what "next" is.
        public let every: String
        /// Days after the next period starts before its edition can appear (checks before
        /// then are skipped).
        public let expectedAfterDays: Int
        /// Days after the next period starts by which its edition is normally out; later than
        /// that, the source is overdue.
        public let publishedWithinDays: Int
        /// Hours after which a source is checked again even when no new period is expected
        /// (catches republications of the newest edition).
        public let recheckHours: Int

        enum CodingKeys: String, CodingKey { case every, expectedAfterDays, publishedWithinDays, recheckHours }

        public init(every: String, expectedAfterDays: Int, publishedWithinDays: Int, recheckHours: Int = 24) {
            self.every = every
            self.expectedAfterDays = expectedAfterDays
            self.publishedWithinDays = publishedWithinDays
            self.recheckHours = recheckHours
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            every = try c.decode(String.self, forKey: .every)
            expectedAfterDays = try c.decodeIfPresent(Int.self, forKey: .expectedAfterDays) ?? 0
            publishedWithinDays = try c.decode(Int.self, forKey: .publishedWithinDays)
            recheckHours = try c.decodeIfPresent(Int.self, forKey: .recheckHours) ?? 24
        }
    }

    /// One fixed URL and the name its file is known by (the URL's last segment may be an API
    /// endpoint such as `getReport`).
    public struct Download: Decodable, Sendable {
        public let url: String
        public let name: String
    }

    /// The file names (after URL-decoding, compared case-insensitively) that belong to one
    /// dataset, as globs (`*` any run, `?` one character). Names no pattern matches are ignored
    /// (data-quality PDFs, summary workbooks).
    public struct FilePattern: Decodable, Sendable {
        public let dataset: String
        public let match: [String]

        public func matches(_ name: String) -> Bool {
            match.contains { Glob.matches(pattern: $0.lowercased(), name.lowercased()) }
        }
    }

    public static func load(from url: URL) throws -> SourceCatalog {
        let catalog = try decode(from: url)
        for entry in catalog.sources where (entry.series == nil) == (entry.downloads == nil) {
            throw ExtractError(.discovery, path: url.path, "invalid source catalogue: \(entry.id) needs either series (with edition_slugs) or downloads")
        }
        return catalog
    }

    private static func decode(from url: URL) throws -> SourceCatalog {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ExtractError(.io, path: url.path, "cannot read the source catalogue")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(SourceCatalog.self, from: data)
        } catch let error as DecodingError {
            throw ExtractError(.discovery, path: url.path, "invalid source catalogue: \(Self.describe(error))")
        }
    }

    public func entry(_ id: String) -> Entry? { sources.first { $0.id == id } }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing \(key.stringValue) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default:
            return String(describing: error)
        }
    }
}

extension SourceCatalog.Entry {
    /// The dataset a published file name belongs to, if any.
    public func dataset(forFile name: String) -> String? {
        files.first { $0.matches(name) }?.dataset
    }

    /// The period an edition page's last path segment names, if it fits a template.
    public func period(forSlug slug: String) -> ReportingPeriod? {
        for template in editionSlugs ?? [] {
            if let date = SlugTemplate.match(template, slug.lowercased()) {
                return ReportingPeriod(kind: period, start: date)
            }
        }
        return nil
    }
}

/// `*` and `?` globs, linear in practice on file names.
enum Glob {
    static func matches(pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// Edition slugs such as `october-2025`, `oct-2018`, `2023-24`, `england-2021-22`, `30-april-2023`.
enum SlugTemplate {
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    static func match(_ template: String, _ slug: String) -> CalendarDate? {
        var year: Int?, month = 1, day = 1
        var t = Substring(template), s = Substring(slug)
        while !t.isEmpty {
            if t.hasPrefix("{") {
                guard let close = t.firstIndex(of: "}") else { return nil }
                let token = t[t.index(after: t.startIndex)..<close]
                t = t[t.index(after: close)...]
                switch token {
                case "yyyy":
                    guard let v = take(&s, digits: 4) else { return nil }
                    year = v
                case "yy":
                    // The second year of a financial year: must follow the first; the period
                    // starts on 1 April of the first.
                    guard let v = take(&s, digits: 2), let y = year, v == (y + 1) % 100 else { return nil }
                    month = 4
                    day = 1
                case "dd":
                    guard let v = take(&s, digits: 2) ?? take(&s, digits: 1) else { return nil }
                    day = v
                case "month":
                    guard let index = months.firstIndex(where: { s.hasPrefix($0) }) else { return nil }
                    month = index + 1
                    s = s.dropFirst(months[index].count)
                case "mon":
                    guard let index = months.firstIndex(where: { s.hasPrefix($0.prefix(3)) }) else { return nil }
                    month = index + 1
                    s = s.dropFirst(3)
                    if s.hasPrefix("t") && months[index] == "september" { s = s.dropFirst() }  // "sept"
                default:
                    return nil
                }
            } else {
                guard s.first == t.first else { return nil }
                s = s.dropFirst()
                t = t.dropFirst()
            }
        }
        guard s.isEmpty, let year else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    private static func take(_ s: inout Substring, digits: Int) -> Int? {
        let prefix = s.prefix(digits)
        guard prefix.count == digits, prefix.allSatisfy(\.isASCII), let v = Int(prefix) else { return nil }
        s = s.dropFirst(digits)
        return v
    }
}
