import Extract
import Foundation
import Load
import Transform

/// discover → download → load for one source: the newest publication (or one period's), only
/// the files whose bytes the warehouse does not have, one transaction.
final class Refresher {
    let session: WarehouseSession
    let downloader: Downloader
    let fingerprints: FingerprintStore?
    let out: Output
    let err: Output

    init(session: WarehouseSession, downloader: Downloader, fingerprints: FingerprintStore?, out: Output, err: Output) {
        self.session = session
        self.downloader = downloader
        self.fingerprints = fingerprints
        self.out = out
        self.err = err
    }

    enum Outcome {
        case loaded(PublicationLoader.Result)
        case nothingNew(String)
        case notYetPublished(ReportingPeriod)
        case dryRun
    }

    func refresh(source: any SourceDefinition, entry: SourceCatalog.Entry, period: ReportingPeriod?, dryRun: Bool) throws -> Outcome {
        let discovery = Discovery(entry: entry, downloader: downloader)
        let publication: FoundPublication
        switch try discovery.discover(period: period) {
        case .notYetPublished(let period):
            out.line("\(source.id) \(period.label): not yet published (the series page does not list it)")
            return .notYetPublished(period)
        case .found(let found):
            publication = found
        }
        let label = "\(source.id) \(publication.edition.period.label)"
        if dryRun {
            out.line("\(label): \(publication.page.title.isEmpty ? publication.edition.slug : publication.page.title), published \(publication.published)")
            for (file, dataset) in publication.files {
                out.line("  would fetch \(file.url) and load it as \(dataset)")
            }
            for file in publication.ignored { out.line("  would ignore \(file.name) (no dataset matches)") }
            return .dryRun
        }
        var files: [LocalFile] = []
        var unchanged: [String] = []
        for (file, _) in publication.files {
            let progress = Progress(label: "fetch \(file.name)")
            downloader.onProgress = { [progress] bytes in progress?.bytes(bytes) }
            let fetched = try downloader.fetch(file.url, expect: file.name.lowercased().hasSuffix(".zip") ? .zip : .data)
            progress?.finish()
            if try isKnown(fetched.record.sha256, source: source.id) {
                unchanged.append("\(file.name) (\(fetched.notModified ? "not modified" : "same bytes"))")
                continue
            }
            var local = LocalFile(path: fetched.path, displayName: file.name)
            local.url = file.url
            local.page = publication.edition.url
            local.etag = fetched.record.etag
            local.lastModified = fetched.record.lastModified
            local.fetchedAt = fetched.record.fetchedAt
            local.published = publication.published
            local.sha256 = fetched.record.sha256
            files.append(local)
        }
        if files.isEmpty {
            let note = "\(label): nothing new (\(unchanged.joined(separator: ", ")))"
            out.line(note)
            return .nothingNew(note)
        }
        let progress = Progress(label: "load \(source.id)")
        defer { progress?.finish() }
        let loader = PublicationLoader(warehouse: session.warehouse, source: source, fingerprints: nil, progress: progress)
        let options = LoadOptions(published: publication.published, isCancelled: { Signals.cancelled })
        let result = try loader.load(files, period: nil, options: options)
        progress?.finish()
        Report.print(result, dryRun: false, out: out)
        return .loaded(result)
    }

    private func isKnown(_ sha: String, source: String) throws -> Bool {
        try session.warehouse.connection.execute("SELECT 1 FROM etl.files WHERE source = $1 AND sha256 = $2", [source, sha]).rowCount > 0
    }
}

/// Where `Config/sources.json` is: `--config`, `PIPELINE_CATALOG`, `./Config/sources.json`, or
/// the nearest `Config/sources.json` above the binary (a checkout's `.build/…/pipeline`).
enum CatalogLocation {
    static func resolve(_ flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let flag { return URL(fileURLWithPath: flag) }
        if let path = environment["PIPELINE_CATALOG"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let local = URL(fileURLWithPath: "Config/sources.json")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("Config/sources.json")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw UsageError("cannot find Config/sources.json; give --config FILE or set PIPELINE_CATALOG")
    }
}
