import Extract
import Foundation
import Load
import Transform

/// discover → download → load for one source: the newest publication, one period's, or every
/// edition in a range (backfill). Each edition is one transaction; only files whose bytes the
/// warehouse does not have are read. Every look at a source is recorded in etl.source_checks.
final class Refresher {
    let session: WarehouseSession
    let downloader: Downloader
    let settings: Settings
    let context: Context
    var log: Log { context.log }
    var out: Output { context.out }
    /// Load editions that fail their quality gate (`--accept-anomalies`).
    var acceptAnomalies = false
    /// During a backfill: which edition of how many is being processed (shown with progress).
    private var editionOfRun: (Int, Int)?

    init(session: WarehouseSession, downloader: Downloader, settings: Settings, context: Context) {
        self.session = session
        self.downloader = downloader
        self.settings = settings
        self.context = context
    }

    enum Outcome {
        case loaded(PublicationLoader.Result)
        case nothingNew
        case notYetPublished(ReportingPeriod)
        case dryRun
    }

    /// The newest edition (or `period`'s), as `pipeline refresh` does.
    func refresh(source: any SourceDeclaration, period: ReportingPeriod?, dryRun: Bool) throws -> Outcome {
        try checking(source: source.id, dryRun: dryRun) {
            let discovery = Discovery(source: source, downloader: downloader, now: context.now, listing: keyedListing(for: source))
            switch try discovery.discover(period: period) {
            case .notYetPublished(let period):
                out.line("\(source.id) \(period.label): not yet published (the series page does not list it)")
                log.info("discover.not_listed", "", [("period", .string(period.label))])
                return (.notYetPublished(period), period)
            case .found(let publication):
                return (try process(publication, source: source, dryRun: dryRun, force: false), publication.edition.period)
            }
        }
    }

    /// Every edition listed for periods in `range` (all listed when nil), oldest first, each in
    /// its own transaction. Editions already loaded cost a conditional request per page and file
    /// and write nothing, so a re-run after a failure resumes at the edition that failed.
    func backfill(source: any SourceDeclaration, range: ClosedRange<ReportingPeriod>?,
                  dryRun: Bool, force: Bool) throws -> [Outcome] {
        let discovery = Discovery(source: source, downloader: downloader, now: context.now, listing: keyedListing(for: source))
        let listed = try discovery.editions()
        let editions = listed.filter { range?.contains($0.period) ?? true }
            .sorted { ($0.period, $0.listedDate ?? $0.period.start) < ($1.period, $1.listedDate ?? $1.period.start) }
        if let range {
            let periods = Set(editions.map(\.period))
            var missing: [String] = []
            var period = range.lowerBound
            while period <= range.upperBound {
                if !periods.contains(period) { missing.append(period.label) }
                period = period.next
            }
            if !missing.isEmpty {
                log.warning("backfill.not_listed", "\(source.id): the series page lists no edition for \(missing.joined(separator: ", "))",
                            [("periods", .array(missing.map { .string($0) }))])
            }
            if editions.isEmpty {
                throw ExtractError(.notPublished, path: source.listing.entryURL, "no \(source.id) edition is listed for \(range.lowerBound.label)…\(range.upperBound.label)")
            }
        }
        log.info("backfill.plan", "\(source.id): \(editions.count) edition\(editions.count == 1 ? "" : "s") to \(dryRun ? "check" : "load"), oldest first",
                 [("editions", .int(editions.count))])
        var outcomes: [Outcome] = []
        for (index, edition) in editions.enumerated() {
            if Signals.cancelled { throw LoadError(.cancelled, "cancelled") }
            let outcome = try checking(source: source.id, dryRun: dryRun) {
                let publication = try discovery.publication(for: edition)
                log.info("backfill.edition", "", [("period", .string(edition.period.label)), ("index", .int(index + 1)), ("of", .int(editions.count))])
                editionOfRun = (index + 1, editions.count)
                defer { editionOfRun = nil }
                return (try process(publication, source: source, dryRun: dryRun, force: force), edition.period)
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Runs one look at a source and records it (not under dry run): its outcome, or the
    /// failure that ended it.
    private func checking(source: String, dryRun: Bool, _ body: () throws -> (Outcome, ReportingPeriod)) throws -> Outcome {
        let started = Date()
        return try log.with([("source", .string(source))]) {
            do {
                let (outcome, period) = try body()
                let (name, counts): (String, [String: Int])
                switch outcome {
                case .loaded(let result): (name, counts) = (Report.outcome(result), Report.counts(result))
                case .nothingNew: (name, counts) = ("nothing_new", [:])
                case .notYetPublished: (name, counts) = ("not_yet_published", [:])
                case .dryRun: return outcome
                }
                SourceStates.record(session.warehouse, source: source, at: context.clock(), period: period.start, outcome: name, error: nil, counts: counts)
                log.info("source.done", "", [("period", .string(period.label)), ("outcome", .string(name)),
                                             ("duration_s", .seconds(since: started))])
                return outcome
            } catch {
                if !dryRun {
                    SourceStates.record(session.warehouse, source: source, at: context.clock(), period: nil, outcome: WarehouseSession.outcome(of: error),
                                        error: PrintableText.escaped(Secrets.redact(String(describing: error))), counts: [:])
                }
                throw error
            }
        }
    }

    /// Fetches an edition's files and loads those the warehouse does not have.
    private func process(_ publication: FoundPublication, source: any SourceDeclaration, dryRun: Bool, force: Bool) throws -> Outcome {
        let label = "\(source.id) \(publication.edition.period.label)"
        let ofRun = editionOfRun.map { " (edition \($0.0) of \($0.1))" } ?? ""
        log.info("discover.found", dryRun ? "" : "\(label): \(publication.page.title.isEmpty ? publication.edition.slug : publication.page.title), published \(publication.published)",
                 [("period", .string(publication.edition.period.label)), ("page", .string(publication.edition.url)),
                  ("published", .string(publication.published.iso))])
        if dryRun {
            let known = try SourceStates.knownURLs(session.warehouse, source: source.id, urls: publication.files.map(\.file.url))
            out.line("\(label): \(PrintableText.escaped(publication.page.title.isEmpty ? publication.edition.slug : publication.page.title)), published \(publication.published)")
            for (file, family) in publication.files {
                let datasets = family.datasets.joined(separator: ", ")
                if known.contains(file.url) && !force {
                    out.line("  loaded already: \(PrintableText.escaped(file.name)) (\(datasets)); would check it for a republication")
                } else {
                    out.line("  would fetch \(file.url) and load it as \(datasets)")
                }
            }
            for file in publication.ignored { out.line("  would ignore \(PrintableText.escaped(file.name)) (no dataset matches)") }
            return .dryRun
        }
        // Files a family claims that the source left out of the edition (an original beside its
        // re-issue): said once, so nobody wonders why a linked file was not loaded.
        let chosen = publication.files.map(\.file.name)
        for file in publication.ignored where source.family(forFile: file.name) != nil {
            if let note = source.leftOutNote(editionFile: file.name, chosen: chosen) {
                log.info("discover.left_out", "\(label): \(PrintableText.escaped(note))", [("file", .string(file.name))])
            }
        }
        var files: [LocalFile] = []
        var unchanged: [String] = []
        // Files whose bytes the warehouse has, kept in case a sibling feeding the same datasets changed.
        var known: [(local: LocalFile, family: FileFamily, note: String)] = []
        var changedDatasets = Set<String>()
        // Files giving other datasets their hierarchy (the practice map) load first, so that the
        // files they serve are written with it (docs/performance.md, "Backfill").
        let registry = session.warehouse.registry
        let givesHierarchy = { (family: FileFamily) in family.datasets.contains(where: registry.givesHierarchy) }
        let ordered = publication.files.filter { givesHierarchy($0.family) } + publication.files.filter { !givesHierarchy($0.family) }
        for (file, family) in ordered {
            let dataset = family.datasets.joined(separator: ",")
            // A web API item whose change marker is the one held with its bytes is not asked
            // for at all: its bytes come from the cache should a sibling's change need them read.
            if !force, let local = try unchangedByMarker(file, source: source, page: publication.edition.url, published: publication.published) {
                log.info("fetch.skipped", "", [("stage", .string("fetch")), ("file", .string(file.name)), ("dataset", .string(dataset)),
                                               ("url", .string(file.url)), ("marker", .string(file.changeMarker ?? "")), ("reason", .string("marker_unchanged"))])
                known.append((local, family, "\(file.name) (marker unchanged)"))
                continue
            }
            let progress = Progress(label: "fetch \(file.name)\(ofRun)")
            downloader.onProgress = { [progress] bytes, total in progress?.bytes(bytes, of: total) }
            let started = Date()
            let fetched = try downloader.fetch(file.url, expect: file.name.lowercased().hasSuffix(".zip") ? .zip : .data, conditional: !force)
            progress?.finish()
            log.info("fetch.done", fetched.notModified ? "" : "\(source.id): fetched \(file.name) (\(Progress.megabytes(fetched.record.size)) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s)",
                     [("stage", .string("fetch")), ("file", .string(file.name)), ("dataset", .string(dataset)), ("url", .string(file.url)),
                      ("bytes", .int(Int(fetched.record.size))), ("not_modified", .bool(fetched.notModified)),
                      ("attempts", .int(fetched.attempts)), ("duration_s", .seconds(since: started))])
            let isKnown = try !force && session.warehouse.hasFile(source: source.id, sha256: fetched.record.sha256)
            var local = LocalFile(path: fetched.path, displayName: file.name)
            local.url = file.url
            local.page = publication.edition.url
            local.etag = fetched.record.etag
            local.lastModified = fetched.record.lastModified
            local.fetchedAt = fetched.record.fetchedAt
            local.published = publication.published
            local.sha256 = fetched.record.sha256
            local.changeMarker = file.changeMarker
            if isKnown {
                // Same bytes under a moved marker: the new marker is the one to compare next time.
                if let marker = file.changeMarker {
                    try session.warehouse.recordChangeMarker(source: source.id, url: file.url, name: file.name, marker: marker,
                                                             sha256: fetched.record.sha256)
                }
                known.append((local, family, "\(file.name) (\(fetched.notModified ? "not modified" : "same bytes"))"))
                continue
            }
            changedDatasets.formUnion(family.datasets)
            files.append(local)
        }
        // A scope's content is what all of an edition's files give it: an unchanged file that
        // feeds a dataset a changed file also feeds is read again (its rows are not removed).
        for (local, family, note) in known {
            if changedDatasets.isDisjoint(with: family.datasets) {
                unchanged.append(note)
            } else {
                var reread = local
                reread.rereadIfKnown = true
                files.append(reread)
            }
        }
        if files.isEmpty {
            out.line("\(label): nothing new (\(PrintableText.escaped(unchanged.joined(separator: ", "))))")
            return .nothingNew
        }
        let started = Date()
        let progress = Progress(label: "load \(label)\(ofRun)")
        defer { progress?.finish() }
        let loader = PublicationLoader(warehouse: session.warehouse, source: source, fingerprints: nil,
                                       zipLimits: settings.zipLimits, csvLimits: settings.csvLimits, progress: progress)
        var options = LoadOptions(force: force, published: publication.published, acceptAnomalies: acceptAnomalies, isCancelled: { Signals.cancelled })
        options.keyFacts = publication.page.keyFacts.map { ($0.figure, $0.caption) }
        loader.log = log
        loader.spillDirectory = downloader.cache.scratchDirectory
        var result = try loader.load(files, period: nil, editionPeriod: publication.edition.period, options: options)
        result.seconds = Date().timeIntervalSince(started)
        progress?.finish()
        Report.print(result, dryRun: false, out: out)
        Report.log(result, log: log, started: started)
        return .loaded(result)
    }
}

extension Refresher {
    /// The source's keyed listing when every key it needs is in the environment (CQC's API
    /// with `CQC_SUBSCRIPTION_KEY`), else nil (its own listing). The keys are registered as
    /// secrets first (redacted from every log line and error text) and handed to the
    /// downloader for the API's host only, as request headers: never argv, a URL or the cache.
    func keyedListing(for source: any SourceDeclaration, environment: [String: String] = ProcessInfo.processInfo.environment) -> EditionListing? {
        guard let keyed = source.keyedListing, !keyed.secretHeaders.isEmpty else { return nil }
        var headers: [(header: String, value: String)] = []
        for secret in keyed.secretHeaders {
            guard let value = environment[secret.environmentVariable], !value.isEmpty else { return nil }
            Secrets.register(value)
            headers.append((secret.header, value))
        }
        guard let host = URL(string: keyed.entryURL)?.host?.lowercased() else { return nil }
        downloader.secretHeaders[host] = headers
        log.info("discover.keyed", "\(source.id): reading \(host) (key from \(keyed.secretHeaders.map(\.environmentVariable).joined(separator: ", ")))",
                 [("host", .string(host))])
        return keyed
    }

    /// The cached bytes of a web API item whose index marker equals the marker held with bytes
    /// the warehouse has (nil: ask the server, conditionally as for any file).
    func unchangedByMarker(_ file: PageFile, source: any SourceDeclaration, page: String, published: CalendarDate) throws -> LocalFile? {
        guard let marker = file.changeMarker, let held = try session.warehouse.changeMarker(source: source.id, url: file.url),
              held.marker == marker, let record = downloader.cache.record(for: file.url), record.sha256 == held.sha256 else { return nil }
        var local = LocalFile(path: downloader.cache.objectURL(record.sha256).path, displayName: file.name)
        local.url = file.url
        local.page = page
        local.etag = record.etag
        local.lastModified = record.lastModified
        local.fetchedAt = record.fetchedAt
        local.published = published
        local.sha256 = record.sha256
        local.changeMarker = marker
        return local
    }
}

extension Settings {
    var zipLimits: ZipLimits {
        var limits = ZipLimits.standard
        limits.maxEntryBytes = UInt64(int(.zipMaxEntryBytes))
        limits.maxRatio = UInt64(int(.zipMaxRatio))
        limits.maxEntries = int(.zipMaxEntries)
        return limits
    }

    var csvLimits: (Int, Int) { (int(.csvMaxFieldBytes), int(.csvMaxFields)) }
}
