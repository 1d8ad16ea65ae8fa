import Load
import Transform

/// The revision log as a tab-separated table, one revision per line.
public enum RevisionTable {
    public static func print(_ records: [RevisionRecord], out: Output) {
        if records.isEmpty {
            out.line("no revisions")
            return
        }
        out.line(["rev", "status", "dataset", "period", "published", "loaded_at", "rows", "+added", "~changed", "-removed", "=unchanged", "file"].joined(separator: "\t"))
        for r in records {
            out.line([String(r.revision), r.status, r.dataset, r.period, r.published, r.loadedAt, String(r.rows), String(r.added),
                      String(r.changed), String(r.removed), String(r.unchanged), PrintableText.escaped(r.file)].joined(separator: "\t"))
        }
    }
}
