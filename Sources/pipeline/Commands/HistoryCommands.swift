import Operations
import Foundation
import Load
import Transform

/// `pipeline migrate`: applies pending schema migrations and says which, then makes sure the
/// `warehouse_reader` and `warehouse_loader` roles exist (or prints the SQL a DBA must run).
struct MigrateCommand {
    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse, flags: [])
        guard args.positionals.isEmpty else { throw UsageError("usage: pipeline migrate [--database-url URL]") }
    }

    func run(context: Context) throws {
        let out = context.out
        let session = try WarehouseSession(context: context, command: "migrate", writes: false, settings: context.settings(flags: args.optionValues))
        let applied = session.migrationsApplied
        if applied.isEmpty {
            out.line("schema is up to date (version \(Migrations.all.last?.version ?? 0))")
        } else {
            for name in applied { out.line("applied migration \(name)") }
        }
        switch try session.warehouse.ensureRoles() {
        case .created:
            out.line("created roles \(Roles.reader) and \(Roles.loader) (NOLOGIN; grant them to logins, see README)")
        case .existed:
            break
        case .needsDBA(let statements):
            out.line("roles \(Roles.reader) and \(Roles.loader) do not exist and this login may not create them; ask a DBA to run:")
            for statement in statements { out.line(statement + ";") }
        }
    }
}

/// `pipeline revisions [SOURCE] [--period YYYY-MM-DD] [--dataset D] [--json]`: the revision log.
struct RevisionsCommand {
    static let usage = "usage: pipeline revisions [SOURCE] [--period YYYY-MM-DD] [--dataset D] [--json]"
    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse.union(["period", "dataset"]), flags: ["json"])
        guard args.positionals.count <= 1 else { throw UsageError(Self.usage) }
    }

    func run(context: Context) throws {
        if let source = args.positionals.first, context.registry.source(source) == nil {
            throw UsageError("unknown source '\(source)'" + Suggestion.clause(source, among: context.registry.ids))
        }
        let out = context.out
        let kind = PeriodArgument.kind(context.registry, source: args.positionals.first, dataset: args.value("dataset"))
        let period = try args.value("period").map { try PeriodArgument.firstDay($0, kind: kind, what: "--period") }
        let session = try WarehouseSession(context: context, command: "revisions", writes: false, settings: context.settings(flags: args.optionValues))
        let records = try RevisionLog.list(session.warehouse, source: args.positionals.first, period: period, dataset: args.value("dataset"))
        if args.flag("json") {
            for record in records { out.line(record.json.text) }
            return
        }
        RevisionTable.print(records, out: out)
    }
}

/// `pipeline diff SOURCE PERIOD [--dataset D] [--from REV] [--to REV] [--all] [--json]`: row-level changes.
///
/// Text: one line per changed value (`dataset key column old new changed`), one line per added
/// or removed row (column `*`, the row's values as `column=value; …`). A first edition has
/// nothing to compare with: it is summarised (`first edition, N rows`) unless `--all` lists its
/// rows. Keys join their parts with `/`; a `/` or `\` inside a part is escaped (`\/`, `\\`).
/// JSON (`--json`): one object per changed value, keys as objects, first editions included.
struct DiffCommand {
    static let usage = "usage: pipeline diff SOURCE PERIOD [--dataset D] [--from REV] [--to REV] [--all] [--json]"
    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse.union(["dataset", "from", "to"]), flags: ["json", "all"])
        guard args.positionals.count == 2 else { throw UsageError(Self.usage) }
    }

    func run(context: Context) throws {
        guard context.registry.source(args.positionals[0]) != nil else { throw UsageError("unknown source '\(args.positionals[0])'" + Suggestion.clause(args.positionals[0], among: context.registry.ids)) }
        let out = context.out
        let period = try PeriodArgument.firstDay(args.positionals[1], kind: PeriodArgument.kind(context.registry, source: args.positionals[0], dataset: args.value("dataset")),
                                                 what: "PERIOD")
        func revision(_ name: String) throws -> Int64? {
            guard let text = args.value(name) else { return nil }
            guard let n = Int64(text) else { throw UsageError("--\(name) must be a revision number") }
            return n
        }
        let from = try revision("from"), to = try revision("to")
        let session = try WarehouseSession(context: context, command: "diff", writes: false, settings: context.settings(flags: args.optionValues))
        let json = args.flag("json"), all = args.flag("all")
        var printed = 0
        var headerShown = false
        func print(_ cells: [String]) {
            if !headerShown { out.line(["dataset", "key", "column", "old", "new", "change"].joined(separator: "\t")); headerShown = true }
            // The key (second cell) comes escaped from keyText.
            out.line(cells.enumerated().map { $0.offset == 1 ? $0.element : Self.cell($0.element) }.joined(separator: "\t"))
            printed += 1
        }
        // The value lines of one added or removed row arrive together: gathered into one line.
        var row: [DiffLine] = []
        func flushRow() {
            guard let first = row.first else { return }
            let values = row.map { "\($0.column)=\(($0.change == .added ? $0.new : $0.old) ?? "∅")" }.joined(separator: "; ")
            print([first.dataset, Self.keyText(first.key), "*", first.change == .removed ? values : "∅",
                   first.change == .added ? values : "∅", first.change.rawValue])
            row.removeAll()
        }
        var firstEditions: [(dataset: String, revision: Int64, rows: Int)] = []
        var lastFirstKey: [String]?
        try RevisionDiff.compute(session.warehouse, source: args.positionals[0], period: period, dataset: args.value("dataset"),
                                 from: from, to: to) { line in
            if json {
                out.line(line.json.text)
                printed += 1
                return
            }
            if line.fromRevision == nil && !all {
                // A first edition: every row is "added"; counted, not listed.
                if firstEditions.last?.dataset != line.dataset { firstEditions.append((line.dataset, line.toRevision, 0)); lastFirstKey = nil }
                let key = line.key.map(\.1)
                if key != lastFirstKey { firstEditions[firstEditions.count - 1].rows += 1; lastFirstKey = key }
                return
            }
            if let first = row.first, first.dataset != line.dataset || first.key.map(\.1) != line.key.map(\.1) || first.change != line.change {
                flushRow()
            }
            if line.change == .changed {
                print([line.dataset, Self.keyText(line.key), line.column, line.old ?? "∅", line.new ?? "∅", line.change.rawValue])
            } else {
                row.append(line)
            }
        }
        flushRow()
        for edition in firstEditions {
            out.line("\(edition.dataset) \(args.positionals[1]): revision \(edition.revision) is the first edition, \(edition.rows) rows (nothing to compare with; --all lists them)")
            printed += 1
        }
        if printed == 0 { context.log.info("diff.none", "no differences") }
    }

    /// `A81001/MALE/45`: each part shown as `cell` shows it (a backslash doubled), then a `/`
    /// inside a part escaped as `\/`, so the parts can be told apart.
    static func keyText(_ key: [(String, String)]) -> String {
        key.map { cell($0.1).replacingOccurrences(of: "/", with: "\\/") }.joined(separator: "/")
    }

    /// Tabs and line breaks shown escaped so one difference stays one line; other control
    /// characters as `\xNN`, so a value cannot drive the terminal.
    static func cell(_ text: String) -> String {
        PrintableText.escaped(text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r"))
    }
}

/// `pipeline rollback REVISION`: the edition stops being current; the one before is current again.
struct RollbackCommand {
    static let usage = "usage: pipeline rollback REVISION [--wait-lock]"
    let args: Arguments
    let revision: Int64

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse, flags: CommonOptions.warehouseFlags)
        guard args.positionals.count == 1, let n = Int64(args.positionals[0]) else { throw UsageError(Self.usage) }
        revision = n
    }

    func run(context: Context) throws {
        let out = context.out
        let session = try WarehouseSession(context: context, command: "rollback", writes: true, waitLock: args.flag("wait-lock"), settings: context.settings(flags: args.optionValues))
        try session.run {
            let outcome = try Rollback.rollback(session.warehouse, revision: revision, actor: Actor.description)
            if outcome.contentChanged {
                let now = outcome.nowCurrent.map { "revision \($0) is current again" } ?? "no revision is current any more"
                out.line("rolled back revision \(revision) (\(outcome.dataset) \(outcome.period)); \(now)")
            } else {
                out.line("marked revision \(revision) (\(outcome.dataset) \(outcome.period)) rolled back; it was not current, so what is served did not change")
            }
            session.finish(outcome: "ok", counts: ["rolled_back": 1])
        }
    }
}

/// A period argument as its first day, ISO: `2025-10-01` as is, `2025-10` as the month,
/// `2023-24` or `2023/24` as the financial year starting 1 April 2023.
enum PeriodArgument {
    /// The kind periods are stored in: the dataset's when one is named, else the one all the
    /// source's datasets share, else none (the text's own form decides: GP Contract Services
    /// lists financial years but stores achievement dates).
    static func kind(_ registry: SourceRegistry, source: String?, dataset: String?) -> ReportingPeriod.Kind? {
        if let dataset, let spec = registry.dataset(dataset) { return spec.periodKind }
        guard let source = source.flatMap(registry.source) else { return nil }
        let kinds = Set(source.datasets.map(\.periodKind))
        return kinds.count == 1 ? kinds.first : nil
    }

    /// The first day of the period `text` names (a source's kind when one is named).
    static func firstDay(_ text: String, kind: ReportingPeriod.Kind? = nil, what: String = "a period") throws -> String {
        try PeriodText.parse(text, kind: kind, what: what).start.iso
    }
}

/// `pipeline show SOURCE PERIOD [--as-published D] [--practice X] [--json]`: the rows the
/// source's `api` objects serve for a period (now, or as the publisher had them out on day D),
/// as tab-separated tables with a header, or JSON Lines.
struct ShowCommand {
    static let usage = "usage: pipeline show SOURCE PERIOD [--as-published YYYY-MM-DD] [--practice CODE] [--json]"
    let args: Arguments

    init(_ argv: [String]) throws {
        args = try Arguments(argv, options: CommonOptions.warehouse.union(["as-published", "practice"]), flags: ["json"])
        guard args.positionals.count == 2 else { throw UsageError(Self.usage) }
    }

    func run(context: Context) throws {
        let source = try context.sources([args.positionals[0]])[0]
        let period = try PeriodText.parse(args.positionals[1], kind: source.periodKind, what: "PERIOD")
        let asPublished = try args.value("as-published").map { text -> CalendarDate in
            guard let date = CalendarDate(iso: text) else { throw UsageError("--as-published must be YYYY-MM-DD, not '\(text)'") }
            return date
        }
        let session = try WarehouseSession(context: context, command: "show", writes: false, settings: context.settings(flags: args.optionValues))
        let objects = APIRows.objects(of: source)
        guard !objects.isEmpty else { throw UsageError("\(source.id) has no api object with a period and an organisation to show") }
        for object in objects {
            // Read PERIOD as the object's own datasets count periods: a source listed by
            // financial year may store dated rows (GP Contract Services' ACH_DATE).
            var period = period
            if case .current(let datasets) = object.rows, let kind = source.datasets.first(where: { datasets.contains($0.id) })?.periodKind,
               kind != source.periodKind {
                guard let own = ReportingPeriod.parse(args.positionals[1], kind: kind) else {
                    throw UsageError("PERIOD for \(object.name) must be a date (2025-04-30), not '\(args.positionals[1])'")
                }
                period = own
            }
            let table = try APIRows.read(session.warehouse, object: object, period: period.start, org: args.value("practice")?.uppercased(), asPublished: asPublished)
            if args.flag("json") {
                for row in table.rows {
                    context.out.line(JSONText.Value.object(zip(table.columns, row).map { ($0, $1.map { .string($0) } ?? .null) }).text)
                }
                continue
            }
            context.out.line("\(table.object): \(table.rows.count) row\(table.rows.count == 1 ? "" : "s") for \(period.label)"
                + (asPublished.map { " as published on \($0.iso)" } ?? ""))
            context.out.line(table.columns.joined(separator: "\t"))
            for row in table.rows { context.out.line(row.map { PrintableText.escaped($0 ?? "") }.joined(separator: "\t")) }
        }
    }
}
