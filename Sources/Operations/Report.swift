import Foundation
import Load
import Transform

/// RFC 7231 dates (`Sun, 06 Nov 1994 08:49:37 GMT`).
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

/// How a load's outcome is shown and recorded.
enum Report {
    static func print(_ result: PublicationLoader.Result, dryRun: Bool, out: Output) {
        for file in result.files where file.skippedAsKnown {
            out.line("\(PrintableText.escaped(file.file)): unchanged (the same bytes were loaded before); nothing written")
        }
        for scope in result.scopes {
            let counts = "\(scope.rows) rows: +\(scope.added) added, ~\(scope.changed) changed, -\(scope.removed) removed, =\(scope.unchanged) unchanged"
            let prefix = "\(scope.dataset) \(scope.period.label):"
            switch (scope.status, dryRun) {
            case (.current, false):
                out.line("\(prefix) revision \(scope.revision ?? 0) is now current (\(counts))")
            case (.current, true):
                out.line("\(prefix) would become a new current revision (\(counts))")
            case (.recorded, false):
                out.line("\(prefix) revision \(scope.revision ?? 0) recorded, not current: published before the current edition (\(counts))")
            case (.recorded, true):
                out.line("\(prefix) would be recorded, not current: published before the current edition (\(counts))")
            case (.unchanged, _):
                out.line("\(prefix) unchanged (\(scope.rows) rows identical to the current revision); nothing written")
            case (.knownFile, _):
                out.line("\(prefix) unchanged (the same file was loaded before); nothing written")
            }
            // An accepted breach is said; a gate passed (or with nothing to compare) is kept in the
            // revision and the JSON log's load.done, not repeated under every load.
            if let gate = scope.gate, gate.hasPrefix("accepted") { out.line("  quality gate: \(PrintableText.escaped(gate))") }
        }
        if dryRun { out.line("dry run: nothing was written") }
    }

    /// The table a run over several editions ends with on a terminal (as pgloader's): per
    /// dataset and period, rows, added, changed, removed and the seconds its publication took,
    /// then the totals. Nothing when nothing was loaded.
    static func summary(_ results: [PublicationLoader.Result], out: Output) {
        let rows = results.flatMap { result in result.scopes.map { (scope: $0, seconds: result.seconds) } }
        guard !rows.isEmpty else { return }
        let header = ["dataset", "period", "status", "rows", "added", "changed", "removed", "seconds"]
        var table = rows.map { r in
            [r.scope.dataset, r.scope.period.label, r.scope.status.rawValue, String(r.scope.rows), String(r.scope.added), String(r.scope.changed),
             String(r.scope.removed), String(format: "%.1f", r.seconds)]
        }
        table.append(["total", "", "", String(rows.reduce(0) { $0 + $1.scope.rows }), String(rows.reduce(0) { $0 + $1.scope.added }),
                      String(rows.reduce(0) { $0 + $1.scope.changed }), String(rows.reduce(0) { $0 + $1.scope.removed }),
                      String(format: "%.1f", results.reduce(0) { $0 + $1.seconds })])
        let widths = header.indices.map { c in ([header] + table).map { $0[c].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, text in
                c < 3 ? text.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - text.count) + text
            }.joined(separator: "  ")
        }
        out.line("")
        out.line(line(header))
        out.line(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for cells in table.dropLast() { out.line(PrintableText.escaped(line(cells))) }
        out.line(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        out.line(line(table.last!))
    }

    /// One `load.done` line per scope (JSON only: the report on stdout says it for people).
    static func log(_ result: PublicationLoader.Result, log: Log, started: Date) {
        for scope in result.scopes {
            log.info("load.done", "", [
                ("stage", .string("load")), ("dataset", .string(scope.dataset)), ("period", .string(scope.period.label)),
                ("status", .string(scope.status.rawValue)), ("revision", scope.revision.map { .int(Int($0)) } ?? .null),
                ("rows", .int(scope.rows)), ("added", .int(scope.added)), ("changed", .int(scope.changed)),
                ("removed", .int(scope.removed)), ("unchanged", .int(scope.unchanged)), ("gate", .optional(scope.gate)),
            ])
        }
        log.info("load.summary", "", [
            ("stage", .string("load")), ("rows_read", .int(result.rowsRead)), ("bytes", .int(Int(result.bytesRead))),
            ("files_skipped", .int(result.files.filter(\.skippedAsKnown).count)), ("duration_s", .seconds(since: started)),
            ("rows_per_s", .int(Int(Double(result.rowsRead) / max(Date().timeIntervalSince(started), 0.001)))),
        ])
    }

    static func outcome(_ result: PublicationLoader.Result) -> String {
        result.scopes.contains { $0.status == .current || $0.status == .recorded } ? "ok" : "nothing_new"
    }

    static func counts(_ result: PublicationLoader.Result) -> [String: Int] {
        [
            "revisions": result.scopes.filter { $0.status == .current || $0.status == .recorded }.count,
            "rows_read": result.rowsRead,
            "bytes_read": Int(result.bytesRead),
            "added": result.scopes.reduce(0) { $0 + $1.added },
            "changed": result.scopes.reduce(0) { $0 + $1.changed },
            "removed": result.scopes.reduce(0) { $0 + $1.removed },
            "files_skipped": result.files.filter(\.skippedAsKnown).count,
        ]
    }
}
