import Extract
import Foundation
import Load
import Transform

/// `demo`: the main job, offline. Loads every edition of every source that has saved pages in
/// the checkout's `Fixtures/publisher` (a copy of the publishers' sites; or the mirror the
/// settings name), oldest first, then prints the revision log. A second run finds every file
/// already loaded and writes nothing.
public struct DemoJob {
    public var waitLock = false

    public init() {}

    public func run(context: Context, settings: Settings) throws -> RunStatus {
        var settings = settings
        let mirror: URL
        if let configured = settings.text(.mirror) {
            mirror = URL(fileURLWithPath: configured)
        } else {
            guard let project = settings.project else {
                throw UsageError("pipeline demo runs from a checkout (it loads Fixtures/publisher); cd into one or give --mirror DIR")
            }
            mirror = project.appendingPathComponent("Fixtures/publisher")
            settings.override(.mirror, mirror.path, origin: "demo")
        }
        let remote = settings.text(.mirror)?.contains("://") == true
        guard remote || FileManager.default.fileExists(atPath: mirror.path) else { throw UsageError("\(mirror.path): no saved publisher site there") }
        let selected = try context.sources([])
        // Only sources whose pages (or fixed-URL files) were saved.
        let saved = Mirror(settings.text(.mirror) ?? mirror.path)!
        let offline = remote ? selected : selected.filter { source in
            let urls: [String]
            switch source.listing {
            case .fixedDownloads(let downloads): urls = downloads.map(\.url)
            default: urls = [source.listing.entryURL]
            }
            return !urls.isEmpty && urls.allSatisfy { text in
                guard let url = URL(string: text), let local = (try? saved.map(url))?.path else { return false }
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: local, isDirectory: &isDirectory) else { return false }
                return !isDirectory.boolValue || FileManager.default.fileExists(atPath: local + "/index.html")
            }
        }
        let session = try WarehouseSession(context: context, command: "demo", writes: true, waitLock: waitLock, settings: settings)
        return try session.run {
            let downloader = try NetworkSetup.downloader(settings, hosts: Set(offline.flatMap(\.hosts)), log: context.log)
            let refresher = Refresher(session: session, downloader: downloader, settings: settings, context: context)
            var tally = RunTally()
            for source in offline {
                for outcome in try refresher.backfill(source: source, range: nil, dryRun: false, force: false) {
                    tally.add(outcome)
                }
            }
            session.finish(outcome: tally.outcome, counts: tally.counts)
            let revisions = tally.counts["revisions"] ?? 0
            context.out.line("")
            if revisions == 0 {
                context.out.line("demo: nothing new; every bundled edition was loaded before. The revision log:")
            } else {
                context.out.line("demo: \(revisions) new revision\(revisions == 1 ? "" : "s") from \(offline.map(\.id).joined(separator: ", ")). The revision log:")
            }
            RevisionTable.print(try RevisionLog.list(session.warehouse), out: context.out)
            return tally.worst
        }
    }
}
