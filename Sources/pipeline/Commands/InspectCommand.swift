import Operations
import Extract
import Transform

/// `pipeline inspect PATH [--entry NAME] [--sheet NAME] [--rows N|all] [--cat] [--json]`: the
/// outside view of the ZIP, CSV and workbook readers. Lists a zip's entries or a workbook's
/// sheets; prints a CSV's dialect, header and record count, or its first records as JSON
/// arrays; the same for a workbook sheet's rows; `--cat` writes a verified entry to stdout.
struct InspectCommand {
    static let usage = "usage: pipeline inspect PATH [--entry NAME] [--sheet NAME] [--rows N|all] [--cat] [--json] [--encoding utf-8|windows-1252] [--max-field-bytes N]"

    let path: String
    let entryName: String?
    let sheet: String?
    let rows: Int?          // nil: summary; Int.max: all
    let cat: Bool
    let json: Bool
    let encoding: CSVOptions.Encoding
    let maxFieldBytes: Int

    init(_ argv: [String]) throws {
        let args = try Arguments(argv, options: ["entry", "sheet", "rows", "encoding", "max-field-bytes"], flags: ["cat", "json"])
        guard args.positionals.count == 1 else { throw UsageError(Self.usage) }
        path = args.positionals[0]
        entryName = args.value("entry")
        sheet = args.value("sheet")
        cat = args.flag("cat")
        json = args.flag("json")
        switch args.value("rows") {
        case nil: rows = nil
        case "all": rows = Int.max
        case let text?:
            guard let n = Int(text), n >= 0 else { throw UsageError("--rows takes a number or 'all', not '\(text)'") }
            rows = n
        }
        switch args.value("encoding")?.lowercased() {
        case nil, "utf-8", "utf8": encoding = .utf8
        case "windows-1252", "cp1252": encoding = .windows1252
        case let other?: throw UsageError("--encoding must be utf-8 or windows-1252, not '\(other)'")
        }
        maxFieldBytes = try args.int("max-field-bytes") ?? (1 << 20)
        if cat && entryName == nil { throw UsageError("--cat needs --entry NAME") }
        if cat && rows != nil { throw UsageError("--cat and --rows cannot be combined") }
        if cat && sheet != nil { throw UsageError("--cat and --sheet cannot be combined") }
    }

    func run(out: Output) throws {
        let file = try FileInput(path: path)
        let head = try file.bytes(at: 0, count: Int(min(file.size, 512)))
        let isZip = ZipArchive.hasZipSignature(head)
        if !isZip {
            // A name ending in .zip, or asking for an entry, declares an archive: an HTML error
            // page saved under that name must be refused as such, not parsed as CSV.
            if entryName != nil || sheet != nil || Self.namesArchive(path) {
                throw ExtractError(.notZip, path: path, ZipArchive.describeNonZip(head))
            }
            try inspectCSV(file, name: path, out: out)
            return
        }
        let archive = try ZipArchive(path: path)
        guard let entryName else {
            if let workbook = try Workbooks.open(archive) {
                try inspectWorkbook(workbook, out: out)
            } else if sheet != nil {
                throw ExtractError(.notFound, path: path, "not a workbook (no spreadsheet declared in a [Content_Types].xml or an OpenDocument mimetype), so it has no sheets")
            } else {
                list(archive, out: out)
            }
            return
        }
        guard let entry = archive.entry(named: entryName) else {
            throw ExtractError(.notFound, path: path, entry: entryName, "no such entry in the archive")
        }
        if cat {
            // Verify the whole entry before a single byte reaches stdout, as promised.
            try archive.reader(for: entry).forEachChunk { _ in }
            try archive.reader(for: entry).forEachChunk { out.write(bytes: $0) }
            return
        }
        if sheet != nil || Self.namesWorkbook(entryName) {
            guard let workbook = try Workbooks.open(entry: entry, of: archive) else {
                throw ExtractError(.notFound, path: path, entry: entryName, "not a workbook (no spreadsheet declared in a [Content_Types].xml or an OpenDocument mimetype)")
            }
            try inspectWorkbook(workbook, out: out)
            return
        }
        try inspectCSV(archive.reader(for: entry), name: "\(path):\(entryName)", out: out)
    }

    private static func namesArchive(_ name: String) -> Bool {
        name.lowercased().hasSuffix(".zip") || namesWorkbook(name)
    }

    private static func namesWorkbook(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm") || lower.hasSuffix(".ods")
    }

    /// Without `--sheet`: one line per sheet (`name state dimension`). With it: the number of
    /// rows holding a value, the widest row and the last row; with `--rows N`, sheet rows 1 to
    /// N as JSON arrays, one line per sheet row (a row with nothing in it is `[]`), so line k of
    /// the output is row k of the sheet, as in a CSV export.
    private func inspectWorkbook(_ workbook: any Workbook, out: Output) throws {
        guard let sheet else {
            if rows != nil { throw UsageError("--rows on a workbook needs --sheet NAME") }
            for entry in try workbook.sheets() {
                if json {
                    out.line(JSONText.Value.object([
                        ("sheet", .string(entry.name)), ("state", .string(entry.state)),
                        ("dimension", entry.dimension.map { .string($0) } ?? .null),
                    ]).text)
                } else {
                    out.line("\(entry.name)\t\(entry.state)\t\(entry.dimension ?? "-")")
                }
            }
            return
        }
        if let limit = rows {
            guard limit > 0 else { return }
            var next = 1
            do {
                try workbook.forEachRow(sheet: sheet) { record in
                    while next < record.line {
                        if next > limit { throw Enough() }
                        out.line("[]")
                        next += 1
                    }
                    if record.line > limit { throw Enough() }
                    out.line(JSONText.array(record))
                    next += 1
                }
            } catch is Enough {
                return
            }
            return
        }
        var count = 0, columns = 0, lastRow = 0
        try workbook.forEachRow(sheet: sheet) { record in
            count += 1
            columns = max(columns, record.count)
            lastRow = record.line
        }
        if json {
            out.line(JSONText.Value.object([
                ("sheet", .string(sheet)), ("rows", .int(count)), ("columns", .int(columns)), ("last_row", .int(lastRow)),
            ]).text)
        } else {
            out.line("sheet: \(sheet)")
            out.line("rows: \(count)")
            out.line("columns: \(columns)")
            out.line("last_row: \(lastRow)")
        }
    }

    private func list(_ archive: ZipArchive, out: Output) {
        for entry in archive.entries {
            let crc = String(entry.crc32, radix: 16).leftPadded(to: 8)
            if json {
                out.line(JSONText.Value.object([
                    ("name", .string(entry.name)), ("method", .string(entry.methodName)),
                    ("compressed_size", .int(Int(entry.compressedSize))), ("size", .int(Int(entry.uncompressedSize))),
                    ("crc32", .string(crc)),
                ]).text)
            } else {
                out.line("\(PrintableText.escaped(entry.name))\t\(entry.methodName)\t\(entry.compressedSize)\t\(entry.uncompressedSize)\t\(crc)")
            }
        }
    }

    private func inspectCSV(_ source: any ByteSource, name: String, out: Output) throws {
        let options = CSVOptions(source: name, encoding: encoding, fieldCount: .sameAsFirst, maxFieldBytes: maxFieldBytes)
        if let limit = rows {
            try printRows(source, options: options, limit: limit, out: out)
            return
        }
        var header: [String]? = nil
        let tokenizer = try CSVTokenizer.scan(source, options: options) { record in
            if header == nil { header = record.strings }
        }
        let headerFields = header ?? []
        let records = max(tokenizer.recordCount - 1, 0)
        let dialect = tokenizer.dialect
        if json {
            out.line(JSONText.Value.object([
                ("bom", .bool(dialect.hasBOM)), ("line_ending", .string(dialect.lineEnding)),
                ("header", .array(headerFields.map { .string($0) })), ("records", .int(records)),
            ]).text)
        } else {
            out.line("bom: \(dialect.hasBOM ? "yes" : "no")")
            out.line("line_ending: \(dialect.lineEnding)")
            out.line("header: \(JSONText.Value.array(headerFields.map { .string($0) }).text)")
            out.line("records: \(records)")
        }
    }

    private struct Enough: Error {}

    private func printRows(_ source: any ByteSource, options: CSVOptions, limit: Int, out: Output) throws {
        guard limit > 0 else { return }
        var printed = 0
        do {
            try CSVTokenizer.scan(source, options: options) { record in
                out.line(JSONText.array(record))
                printed += 1
                if printed >= limit { throw Enough() }
            }
        } catch is Enough {
            return
        }
    }
}
