import Extract
import Foundation
import Load
import Transform

/// A file to load, with what is known about where it came from.
struct LocalFile {
    var path: String
    /// Name for the log and messages (the path as given, or the publisher's file name).
    var displayName: String
    var url: String?
    var page: String?
    var etag: String?
    var lastModified: String?
    var fetchedAt: Date?
    /// The publisher's date for this edition (page or HTTP date); else the file's own.
    var published: CalendarDate?
    /// Known already (the download cache names files by it).
    var sha256: String?
    /// Read even when these bytes were loaded before: another file of the same edition that
    /// feeds the same datasets changed (one half of a north/south split republished), and a
    /// scope's new content is what all of the edition's files hold, not only the changed one's.
    var rereadIfKnown = false
    /// A web API item's change marker, recorded with the file's bytes.
    var changeMarker: String?

    init(path: String, displayName: String? = nil) {
        self.path = path
        self.displayName = displayName ?? path
    }
}

/// What happened to one file of a load.
struct FileOutcome {
    var file: String
    /// Set when the whole file was skipped because the same bytes were loaded before.
    var skippedAsKnown: Bool
}

/// Streams one publication (files, and CSV entries inside zips) through the source's mapper
/// into a `RevisionWriter`: read → tokenize → map → segments → warehouse, one pass per file,
/// memory bounded by one segment.
final class PublicationLoader {
    let warehouse: Warehouse
    let source: any SourceDeclaration
    let fingerprints: FingerprintStore?
    let zipLimits: ZipLimits
    let csvLimits: (maxFieldBytes: Int, maxFields: Int)
    let progress: Progress?
    private var editionPeriod: ReportingPeriod?
    /// Where notes about the load go (regrouping an unsorted file).
    var log: Log?
    /// Where regrouping buckets are written (the cache's scratch directory, swept of leftovers
    /// by the next run); the system's temporary directory when unset.
    var spillDirectory: URL?
    private var isCancelled: @Sendable () -> Bool = { false }
    /// Entries left out of an archive that are named one log line each; the rest are counted.
    static let entriesNamed = 5

    init(warehouse: Warehouse, source: any SourceDeclaration, fingerprints: FingerprintStore?,
         zipLimits: ZipLimits = .standard, csvLimits: (Int, Int) = (1 << 20, 20_000), progress: Progress? = nil) {
        self.warehouse = warehouse
        self.source = source
        self.fingerprints = fingerprints
        self.zipLimits = zipLimits
        self.csvLimits = csvLimits
        self.progress = progress
    }

    struct Result {
        var scopes: [ScopeOutcome]
        var files: [FileOutcome]
        var rowsRead: Int
        var bytesRead: Int64
        /// Wall-clock seconds of the load (set by the caller that timed it), for the run's summary.
        var seconds: Double = 0
    }

    /// Loads `files` as one publication, in one transaction. `period` is what the user asked
    /// for (`--period`: every row must be in it); `editionPeriod` the period of the publication
    /// page the files came from, used for files whose rows and names do not say.
    func load(_ files: [LocalFile], period: ReportingPeriod?, editionPeriod: ReportingPeriod? = nil, options: LoadOptions) throws -> Result {
        self.editionPeriod = editionPeriod
        isCancelled = options.isCancelled
        var fileOutcomes: [FileOutcome] = []
        var toRead: [(LocalFile, FileInput, knownSHA: String?)] = []
        var tables: [URL] = []
        defer { for table in tables { try? FileManager.default.removeItem(at: table) } }
        for var file in files {
            if file.displayName.lowercased().hasSuffix(".json") {
                file = try tabulate(file)
                tables.append(URL(fileURLWithPath: file.path))
            }
            let input = try FileInput(path: file.path)
            let sha = file.sha256 ?? fingerprints?.sha256(for: input.identity)
            if let sha, !options.force, !file.rereadIfKnown, try isKnown(sha) {
                fileOutcomes.append(FileOutcome(file: file.displayName, skippedAsKnown: true))
                continue
            }
            toRead.append((file, input, sha))
        }
        var result = Result(scopes: [], files: fileOutcomes, rowsRead: 0, bytesRead: 0)
        if toRead.isEmpty { return result }

        let writer = try RevisionWriter(warehouse: warehouse, source: source.id, options: options)
        do {
            var described: [Int: InputFile] = [:]
            for (file, input, knownSHA) in toRead {
                let head = try input.bytes(at: 0, count: Int(min(input.size, 512)))
                if ZipArchive.hasZipSignature(head) {
                    let started = Date()
                    let sha = try knownSHA ?? HashingSource.digest(of: input).sha256
                    input.rewind()
                    if knownSHA == nil {
                        fingerprints?.record(sha256: sha, before: input.identity, after: input.currentIdentity(), hashedAt: started)
                    }
                    if !options.force, !file.rereadIfKnown, try isKnown(sha) {
                        result.files.append(FileOutcome(file: file.displayName, skippedAsKnown: true))
                        continue
                    }
                    let archive = try ZipArchive(path: file.path, limits: zipLimits)
                    if try Workbooks.format(of: archive) != nil {
                        let index = try readWorkbook(file, size: Int(input.size), modified: Int64(input.identity.modifiedSeconds), period: period,
                                                     options: options, writer: writer, result: &result)
                        var info = describe(file, sha: sha, size: Int64(input.size))
                        info.published = options.published ?? file.published
                        described[index] = info
                        result.bytesRead += Int64(input.size)
                        continue
                    }
                    let names = Set(source.select(entries: archive.entries.filter { !$0.isDirectory }.map(\.name)))
                    let entries = archive.entries.filter { !$0.isDirectory && names.contains($0.name) }
                    if entries.isEmpty {
                        // One line, however many entries the archive holds.
                        throw ExtractError(.notFound, path: file.displayName, "the archive holds no \(source.id) CSV files (\(ShortList.grouped(archive.entries.count)) entries: \(ShortList.text(archive.entries.map(\.name))))")
                    }
                    let archiveName = (file.displayName as NSString).lastPathComponent
                    let leftOut = archive.entries.filter { !$0.isDirectory && !names.contains($0.name) }
                    for entry in leftOut.prefix(Self.entriesNamed) {
                        log?.info("load.entry_left_out", "\(archiveName):\(entry.name): not a \(source.id) file this loader reads; left out",
                                  [("file", .string(file.displayName)), ("entry", .string(entry.name))])
                    }
                    if leftOut.count > Self.entriesNamed {
                        let more = leftOut.count - Self.entriesNamed
                        log?.info("load.entries_left_out", "\(archiveName): \(ShortList.grouped(more)) more entries are not \(source.id) files this loader reads; left out",
                                  [("file", .string(file.displayName)), ("count", .int(more))])
                    }
                    for entry in entries {
                        let published = options.published ?? file.published ?? entry.modified.map(CalendarDate.utc)
                        if SheetTable.isWorkbookName(entry.name) {
                            let indexes = try readWorkbook(entry: entry, of: file, period: period, published: published,
                                                           writer: writer, result: &result)
                            for index in indexes {
                                var info = describe(file, sha: sha, size: Int64(input.size))
                                info.published = published
                                described[index] = info
                            }
                            result.bytesRead += Int64(entry.uncompressedSize)
                            continue
                        }
                        let index = try read({ .csv(try archive.reader(for: entry)) }, name: "\(file.displayName):\(entry.name)",
                                             logName: "\((file.displayName as NSString).lastPathComponent):\(entry.name)", entryName: entry.name,
                                             sizeHint: Int64(clamping: entry.uncompressedSize), inArchive: true,
                                             period: period, published: published, writer: writer, result: &result)
                        var info = describe(file, sha: sha, size: Int64(input.size))
                        info.published = published
                        described[index] = info
                        result.bytesRead += Int64(entry.uncompressedSize)
                    }
                } else if file.displayName.lowercased().hasSuffix(".zip") {
                    throw ExtractError(.notZip, path: file.displayName, ZipArchive.describeNonZip(head))
                } else {
                    // The file is hashed on another thread while it is parsed (hashing is ~15 times
                    // faster): bytes loaded before are recognised after the first few percent of
                    // the parse, which is then abandoned, and new bytes cost no extra pass.
                    let started = Date()
                    let digest = try knownSHA == nil ? BackgroundDigest(FileInput(path: file.path)) : nil
                    // Asked between segments (once the digest is ready) and, if not yet, at the end of
                    // the file: either way bytes loaded before write nothing and say so. Not asked
                    // between segments while they are being written: known bytes write nothing
                    // (their segments usually match the current ones), and the question would make the
                    // load wait for the server to take in everything queued.
                    var asked = false
                    let stopIfKnown: (_ atEnd: Bool) throws -> Bool = { atEnd in
                        guard !asked, !options.force, !file.rereadIfKnown, let digest else { return false }
                        if !atEnd && writer.isWriting { return false }
                        guard let sha = atEnd ? try digest.wait().sha256 : digest.ready?.sha256 else { return false }
                        asked = true
                        return try writer.knowsFile(sha256: sha)
                    }
                    let published = options.published ?? file.published
                        ?? CalendarDate.utc(Date(timeIntervalSince1970: TimeInterval(input.identity.modifiedSeconds)))
                    var read: Int?
                    do {
                        read = try self.read({ input.rewind(); return .csv(input) },
                                             name: file.displayName, logName: (file.displayName as NSString).lastPathComponent,
                                             entryName: (file.displayName as NSString).lastPathComponent, sizeHint: Int64(input.size),
                                             period: period, published: published, writer: writer, stopIfKnown: stopIfKnown, result: &result)
                    } catch is KnownBytes {
                        read = nil
                    }
                    let sha = try knownSHA ?? digest!.wait().sha256
                    // Two reads of the file (the parse and the hash) must have seen the same bytes.
                    if input.currentIdentity() != input.identity {
                        throw ExtractError(.io, path: file.displayName, "changed while it was being read; nothing was loaded")
                    }
                    if knownSHA == nil {
                        fingerprints?.record(sha256: sha, before: input.identity, after: input.currentIdentity(), hashedAt: started)
                    }
                    guard let index = read else {
                        result.files.append(FileOutcome(file: file.displayName, skippedAsKnown: true))
                        continue
                    }
                    var info = describe(file, sha: sha, size: Int64(input.size))
                    info.published = published
                    described[index] = info
                    result.bytesRead += Int64(input.size)
                }
            }
            result.scopes = try writer.finish(files: described)
            for (file, _, _) in toRead where !result.files.contains(where: { $0.file == file.displayName }) {
                result.files.append(FileOutcome(file: file.displayName, skippedAsKnown: false))
            }
            return result
        } catch {
            writer.abort()
            throw error
        }
    }

    /// A JSON file (a web API item) as the table its source makes of it, written as a CSV
    /// beside the spill files; the file keeps the JSON's name and SHA-256 (its identity).
    private func tabulate(_ file: LocalFile) throws -> LocalFile {
        let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
        guard let table = try source.table(fromJSON: [UInt8](data), fileName: (file.displayName as NSString).lastPathComponent) else {
            throw TransformError(.unsupported, file: file.displayName, "a JSON file, and \(source.id) reads no JSON")
        }
        let csv = table.map { $0.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") }.joined(separator: "\n") + "\n"
        let parent = spillDirectory ?? FileManager.default.temporaryDirectory
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let target = parent.appendingPathComponent("nhs-pipeline-spill-\(UUID().uuidString).csv")
        try Data(csv.utf8).write(to: target)
        var tabulated = file
        tabulated.path = target.path
        tabulated.sha256 = file.sha256 ?? SHA256.hex(SHA256.hash([UInt8](data)))
        return tabulated
    }

    private func isKnown(_ sha: String) throws -> Bool {
        try warehouse.hasFile(source: source.id, sha256: sha)
    }

    private func describe(_ file: LocalFile, sha: String, size: Int64) -> InputFile {
        InputFile(name: (file.displayName as NSString).lastPathComponent, sha256: sha, size: size, published: file.published,
                  url: file.url, page: file.page, etag: file.etag, lastModified: file.lastModified, fetchedAt: file.fetchedAt,
                  changeMarker: file.changeMarker)
    }

    /// Reads the table a source declares for a workbook (`SheetTable`) into the writer, through
    /// the same recognition and mapper as a CSV; returns the input index. Errors name the
    /// workbook as the user knows it, the sheet and the cell.
    private func readWorkbook(_ file: LocalFile, size: Int, modified: Int64, period: ReportingPeriod?, options: LoadOptions,
                              writer: RevisionWriter, result: inout Result) throws -> Int {
        let fileName = (file.displayName as NSString).lastPathComponent
        let tables = source.sheetTables(forFile: fileName)
        guard !tables.isEmpty else {
            throw TransformError(.unsupported, file: file.displayName, "a workbook, and \(source.id) reads no sheet of this one")
        }
        guard let workbook = try Workbooks.open(path: file.path, displayName: file.displayName, zipLimits: zipLimits) else {
            throw TransformError(.unsupported, file: file.displayName, "not a workbook")
        }
        let published = options.published ?? file.published ?? CalendarDate.utc(Date(timeIntervalSince1970: TimeInterval(modified)))
        var index = -1
        for table in tables {
            // One input per table; a workbook of one table keeps the file's own name in the log.
            let logName = tables.count == 1 ? fileName : "\(fileName)!\(table.sheet)"
            index = try read({ .sheet(workbook, table) }, name: file.displayName, logName: logName, entryName: fileName,
                             sizeHint: Int64(size), period: period, published: published, writer: writer, result: &result)
        }
        return index
    }

    /// Reads the tables a source declares for a workbook held as an entry of an archive (ODS's
    /// `ePCN.xlsx` in `epcn.zip`); returns the input index of each. Errors name
    /// `archive.zip:entry.xlsx:Sheet!C14`.
    private func readWorkbook(entry: ZipEntry, of file: LocalFile, period: ReportingPeriod?, published: CalendarDate?,
                              writer: RevisionWriter, result: inout Result) throws -> [Int] {
        let archiveName = (file.displayName as NSString).lastPathComponent
        let entryName = (entry.name as NSString).lastPathComponent
        let tables = source.sheetTables(forFile: entryName)
        guard !tables.isEmpty else {
            throw TransformError(.unsupported, file: "\(file.displayName):\(entry.name)", "a workbook, and \(source.id) reads no sheet of this one")
        }
        // Opened under the name the user knows the archive by (not a cache path).
        let archive = try ZipArchive(path: file.path, displayPath: file.displayName, limits: zipLimits)
        guard let workbook = try Workbooks.open(entry: entry, of: archive) else {
            throw TransformError(.unsupported, file: "\(file.displayName):\(entry.name)", "not a workbook")
        }
        var indexes: [Int] = []
        for table in tables {
            indexes.append(try read({ .sheet(workbook, table) }, name: workbook.displayName, logName: "\(archiveName):\(entry.name)!\(table.sheet)",
                                    entryName: entryName, sizeHint: Int64(clamping: entry.uncompressedSize), inArchive: true,
                                    period: period, published: published, writer: writer, result: &result))
        }
        return indexes
    }

    /// Where one input's records come from: a CSV byte stream, or the table under a header found
    /// in a workbook sheet (its rows numbered as the sheet numbers them).
    enum RecordInput {
        case csv(any ByteSource)
        case sheet(any Workbook, SheetTable)
    }

    /// Reads one CSV stream into the writer; returns the input index it was registered under.
    /// `name` is what messages show (the path as given); `logName` what the revision log keeps.
    /// `open` gives a fresh stream of the input (called again if the input must be regrouped).
    ///
    /// Rows stream straight into segments when each organisation's rows are contiguous, as in
    /// every file seen so far. When they are not, what this input wrote is taken back (a
    /// savepoint) and the input is read again through a `RowSpill`, which regroups it on disk
    /// in bounded memory.
    private func read(_ open: () throws -> RecordInput, name: String, logName: String, entryName: String, sizeHint: Int64,
                      inArchive: Bool = false, period: ReportingPeriod?, published: CalendarDate?, writer: RevisionWriter,
                      stopIfKnown: ((_ atEnd: Bool) throws -> Bool)? = nil, result: inout Result) throws -> Int {
        let checkpoint = try writer.checkpoint()
        var inputIndex: Int?
        progress?.expect(bytes: sizeHint)
        do {
            do {
                let index = try pass(open(), name: name, logName: logName, entryName: entryName, inArchive: inArchive, period: period,
                                     published: published, writer: writer, spill: nil, stopIfKnown: stopIfKnown,
                                     inputIndex: &inputIndex, result: &result)
                try writer.release(checkpoint)
                return index
            } catch let ungrouped as SegmentAssembler.Ungrouped {
                try writer.rollback(to: checkpoint)
                log?.info("load.regroup", "\(logName): rows for \(ungrouped.org) are not contiguous (line \(ungrouped.line)); regrouping the file on disk",
                          [("file", .string(logName)), ("line", .int(ungrouped.line))])
                // About 16 MB of rows per bucket (the size is a hint: a zip's declared size is not
                // trusted for more than this), so memory stays flat whatever the file's size.
                let buckets = Int(min(max(sizeHint / (16 << 20), 16), 256))
                progress?.expect(bytes: sizeHint)  // read a second time
                let index = try pass(open(), name: name, logName: logName, entryName: entryName, inArchive: inArchive, period: period,
                                     published: published, writer: writer, spill: buckets, stopIfKnown: stopIfKnown,
                                     inputIndex: &inputIndex, result: &result)
                try writer.release(checkpoint)
                return index
            }
        } catch let known as KnownBytes {
            try writer.rollback(to: checkpoint)
            throw known
        }
    }

    /// Thrown between segments when the input's bytes turn out to have been loaded before.
    private struct KnownBytes: Error {}

    /// One reading of an input: straight into segments, or (`spill`) into that many buckets
    /// first and then into segments bucket by bucket.
    private func pass(_ input: RecordInput, name: String, logName: String, entryName: String, inArchive: Bool, period: ReportingPeriod?,
                      published: CalendarDate?, writer: RevisionWriter, spill buckets: Int?, stopIfKnown: ((_ atEnd: Bool) throws -> Bool)?,
                      inputIndex: inout Int?, result: inout Result) throws -> Int {
        let state = PassState()
        let options = CSVOptions(source: name, fieldCount: .sameAsFirst, maxFieldBytes: csvLimits.maxFieldBytes, maxFields: csvLimits.maxFields)
        let tokenizer = CSVTokenizer(options: options)
        var index = inputIndex ?? -1
        let rowsBefore = result.rowsRead
        // The period rule of a file whose rows carry their period, once it is recognised.
        var rowPeriods: CSVLayout.PeriodsInFile?
        var firstPeriod: (period: ReportingPeriod, line: Int32)?
        // The writing half (hash, compare, encode, send) runs on a second thread, which alone
        // uses the writer and its connection until the handoff is finished or stopped.
        let handoff = SegmentHandoff { segment in
            if let stopIfKnown, try stopIfKnown(false) { throw KnownBytes() }
            if let rule = rowPeriods {
                try self.checkPeriod(of: segment, rule: rule, first: &firstPeriod, file: name)
            }
            segment.seal()
            try writer.accept(segment, input: index)
        }
        let emit: (Segment) throws -> Void = { try handoff.submit($0) }
        let take: (inout MappedRow) throws -> Void = { row in
            if let spill = state.spill {
                try spill.add(&row)
                state.spilled += 1
                // Nothing reaches the writer (which checks) until the buckets are read back.
                if state.spilled & 0xFFFF == 0, self.isCancelled() { throw LoadError(.cancelled, "cancelled") }
            } else {
                try state.assembler!.add(&row, emit: emit)
            }
        }
        // The first record of a CSV, or a sheet table's header names (`record` nil): picks the
        // dataset and mapper.
        func begin(_ first: [String], _ record: CSVRecord?) throws {
            let reading: FileReading
            do {
                reading = try self.source.recognise(fileName: entryName, firstRecord: first)
            } catch let error as TransformError {
                // Recognised by its own name; reported under the name the user knows it by.
                throw TransformError(error.code, file: name, line: error.line, column: error.column, error.reason)
            }
            tokenizer.declare(encoding: reading.layout.encoding)
            let header: [String]
            switch reading.layout.header {
            case .firstRecord:
                header = first
            case .declared(let columns):
                header = columns
                guard let record else {
                    throw TransformError(.header, file: name, "a header-less \(reading.spec.id) file cannot be read from a sheet")
                }
                if record.count != columns.count {
                    throw TransformError(.header, file: name, line: record.line, "expected \(columns.count) columns in a header-less \(reading.spec.id) file, found \(record.count)")
                }
            }
            let made = try reading.mapper(header: header, source: name, period: try self.period(for: reading, given: period, published: published, file: name))
            if !reading.periodIsExternal && reading.layout.periodsInFile != .several { rowPeriods = reading.layout.periodsInFile }
            let newAssembler = SegmentAssembler(spec: made.spec, source: name)
            state.mapper = made
            state.assembler = newAssembler
            if let buckets {
                let parent = self.spillDirectory ?? FileManager.default.temporaryDirectory
                try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
                state.spill = try RowSpill(spec: made.spec, buckets: buckets, in: parent)
            }
            if index < 0 {
                index = writer.addInput(name: logName, header: header, published: published)
            }
            if case .declared = reading.layout.header, let record {
                state.records += 1
                try made.map(record, into: &newAssembler.row, emit: take)
            }
        }
        let onRecord: (CSVRecord) throws -> Void = { record in
            if let mapper = state.mapper, let assembler = state.assembler {
                state.records += 1
                try mapper.map(record, into: &assembler.row, emit: take)
                if state.records & 0xFFFF == 0 { self.progress?.rows(rowsBefore + state.records) }
                return
            }
            try begin(record.strings, record)
        }
        defer { if index >= 0 { inputIndex = index } }
        do {
            switch input {
            case .csv(let stream):
                try ReadAhead(stream).forEachChunk {
                    self.progress?.advance(bytes: $0.count)
                    try tokenizer.feed($0, onRecord)
                }
                try tokenizer.finish(onRecord)
            case .sheet(let workbook, let table):
                try workbook.forEachTableRow(sheet: table.sheet, search: table.search, onHeader: { try begin($0.names, nil) }, onRecord)
            }
            if let assembler = state.assembler {
                if let spill = state.spill {
                    try spill.drain(into: assembler, emit: emit)
                } else {
                    try assembler.finish(emit: emit)
                }
            }
            try handoff.finish()
        } catch {
            // An error of an earlier segment, met by the writing thread, is the one a reader
            // would have seen first.
            throw handoff.stop() ?? error
        }
        let records = state.records
        guard let assembler = state.assembler else {
            throw TransformError(.empty, file: name, "the file is empty")
        }
        if let stopIfKnown, try stopIfKnown(true) { throw KnownBytes() }
        if records == 0 || assembler.rowsAdded == 0 {
            // An archive entry with only a header (QOF's regional file for a region with no
            // practices in it) adds nothing; a file given on its own with nothing in it is an error.
            guard inArchive && source.mayBeEmpty(entryName: entryName) else {
                throw TransformError(.empty, file: name, records == 0 ? "no data rows after the header" : "none of the \(records) rows is a row this dataset keeps")
            }
            log?.info("load.empty_entry", "\(logName): no rows to load; left out", [("file", .string(logName))])
        }
        result.rowsRead += records
        progress?.rows(result.rowsRead)
        return index
    }

    /// A file whose rows carry their period holds one period, and (unless `--period` was
    /// given, which the mapper checks row by row) the one its publication page names, or an
    /// earlier one for a file restating an earlier month. Else the whole publication is refused:
    /// a stray row dated next month must not split a month in two, nor a February extract on
    /// the March page become February's data.
    private func checkPeriod(of segment: Segment, rule: CSVLayout.PeriodsInFile, first: inout (period: ReportingPeriod, line: Int32)?,
                             file: String) throws {
        let line = segment.lines.first ?? 0
        guard let seen = first else {
            first = (segment.period, line)
            if let page = editionPeriod.map({ ReportingPeriod(kind: segment.spec.periodKind, start: $0.start) }) {
                let agrees = rule == .one ? segment.period == page : segment.period.start <= page.start
                if !agrees {
                    throw TransformError(.period, file: file, line: Int(line),
                                         "the rows are for \(segment.period.label), but the file was published on the page for \(page.label)")
                }
            }
            return
        }
        if seen.period != segment.period {
            throw TransformError(.period, file: file, line: Int(line),
                                 "rows for \(seen.period.label) (line \(seen.line)) and \(segment.period.label) (line \(line)) in one file: a \(segment.spec.id) file holds one period")
        }
    }

    /// The period for a file whose rows do not carry one: its name's, which must agree with
    /// `--period` when both are given; else `--period`; else the publication page's. (Never the
    /// file's own date: a copy of an old file would land in the wrong period.) A name's period
    /// must be the page's, or earlier for a reading that `restatesEarlierPeriods` (a back-series
    /// re-issued on a later month's page). Files whose rows carry a period get `--period` to
    /// check every row against.
    private func period(for reading: FileReading, given: ReportingPeriod?, published: CalendarDate?, file: String) throws -> ReportingPeriod? {
        guard reading.periodIsExternal else { return given }
        let kind = reading.spec.periodKind
        let given = given.map { ReportingPeriod(kind: kind, start: $0.start) }
        if let named = reading.period {
            if let given, given != named {
                throw TransformError(.period, file: file, "the file's name says \(named.label), not \(given.label) as --period says")
            }
            if given == nil, let edition = editionPeriod.map({ ReportingPeriod(kind: kind, start: $0.start) }), edition != named,
               !(reading.restatesEarlierPeriods && named < edition) {
                throw TransformError(.period, file: file, "the file's name says \(named.label), but it was published on the page for \(edition.label)")
            }
            return named
        }
        if let given { return given }
        if let editionPeriod { return ReportingPeriod(kind: kind, start: editionPeriod.start) }
        return nil
    }
}

/// The state one pass reads and writes for every record, from the closures the tokenizer calls:
/// a class whose properties skip Swift's dynamic exclusivity checks (a captured `var` is checked
/// on every access: ~4 % of a load's CPU). Used by the pass's own thread only.
private final class PassState {
    @exclusivity(unchecked) var mapper: (any RecordMapper)?
    @exclusivity(unchecked) var assembler: SegmentAssembler?
    @exclusivity(unchecked) var spill: RowSpill?
    @exclusivity(unchecked) var records = 0
    @exclusivity(unchecked) var spilled = 0
}
