/// The outcome of a run over several sources or editions: counts, and the worst status.
struct RunTally {
    var worst = RunStatus.ok
    var loaded: [PublicationLoader.Result] = []
    var notes: [String: Int] = [:]

    mutating func add(_ outcome: Refresher.Outcome) {
        switch outcome {
        case .loaded(let result): loaded.append(result)
        case .nothingNew: notes["nothing_new", default: 0] += 1
        case .notYetPublished:
            // Only an asked-for period can be "not yet listed"; worth a status a cron wrapper sees.
            notes["not_yet_published", default: 0] += 1
            worst = RunStatus.worse(worst, .unavailable)
        case .dryRun: break
        }
    }

    mutating func fail(_ error: any Error) {
        worst = RunStatus.worse(worst, RunStatus.of(error))
        notes["failed", default: 0] += 1
    }

    var counts: [String: Int] {
        var counts = notes
        for result in loaded {
            for (key, value) in Report.counts(result) { counts[key, default: 0] += value }
        }
        return counts
    }

    var outcome: String {
        if worst == .ok || worst == .unavailable {
            return loaded.contains { Report.outcome($0) == "ok" } ? "ok" : "nothing_new"
        }
        return worst == .dataRefused ? "refused" : "failed"
    }
}
