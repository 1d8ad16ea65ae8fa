/// The record mapper for files described by a `CSVLayout`: resolves every column by name once
/// (refusing unknown headers with the missing and unexpected columns named), then converts
/// each record's fields by kind.
public final class LayoutMapper: RecordMapper {
    public let spec: DatasetSpec
    public let layout: CSVLayout
    /// The file's name as shown in errors.
    public let source: String
    /// The header as found (or declared), for the revision log.
    public let header: [String]

    private let orgIndex: Int
    private let periodIndex: Int?
    private let periodFormats: [NHSDate.Format]
    private let fixedPeriod: ReportingPeriod?
    private let expectedPeriod: ReportingPeriod?
    private let dimensionIndexes: [Int?]
    private let measureIndexes: [Int?]
    private let attributeIndexes: [Int?]
    private let filters: [(index: Int, keep: [[UInt8]], separator: UInt8?)]
    private let suppression: [[UInt8]]
    private let scratch: ValueScratch
    /// Per measure: published value -> stored value, when the layout declares a code set.
    private let codeMaps: [[[UInt8]: [UInt8]]?]
    /// Per attribute: published value -> stored text, when the layout declares a code set.
    private let attributeCodes: [[[UInt8]: String]?]
    /// Constant dimension values, kept in storage that lives as long as the mapper.
    private let constants: [UnsafeMutableRawBufferPointer?]
    // Hot-path state of a single-threaded object: `@exclusivity(unchecked)` drops Swift's dynamic
    // exclusivity checks, which cost ~15% of a load's CPU (docs/performance.md).
    @exclusivity(unchecked) private var lastPeriodBytes: [UInt8] = []
    @exclusivity(unchecked) private var lastPeriod: ReportingPeriod?
    /// Organisation codes and attributes repeat on every row of a segment: keep the last
    /// bytes and String per column and reuse the String when the bytes are the same.
    @exclusivity(unchecked) private var orgCache = FieldCache()
    @exclusivity(unchecked) private var attributeCaches: [FieldCache]

    /// Builds the mapper from the file's header. `period` is required when the layout takes
    /// its period from outside the file; when the layout reads it from a column, a given
    /// `period` must agree with every row's (a clear error otherwise).
    public init(spec: DatasetSpec, layout: CSVLayout, header: [String], source: String, period: ReportingPeriod?) throws {
        self.spec = spec
        self.layout = layout
        self.source = source
        self.header = header
        var columns = try HeaderColumns(header, source: source)
        func find(_ column: CSVLayout.Column) -> Int? { columns.find(column) }
        let org = find(layout.org)
        switch layout.period {
        case .column(let column, let formats):
            periodIndex = find(column)
            periodFormats = formats
            fixedPeriod = nil
        case .external:
            periodIndex = nil
            periodFormats = []
            fixedPeriod = period
        }
        dimensionIndexes = layout.dimensions.map { $0.flatMap(find) }
        measureIndexes = layout.measures.map(find)
        attributeIndexes = layout.attributes.map(find)
        filters = layout.filters.compactMap { filter in find(filter.column).map { ($0, filter.keep.map { Array($0.utf8) }, filter.separator) } }
        attributeCaches = layout.attributes.map { _ in FieldCache() }
        suppression = spec.suppressionTokens.sorted().map { Array($0.utf8) }
        scratch = ValueScratch(slots: spec.measures.count + spec.dimensions.count)
        attributeCodes = layout.attributeMaps.map { map in
            map.map { Dictionary(uniqueKeysWithValues: $0.map { (Array($0.key.utf8), $0.value) }) }
        }
        codeMaps = layout.measureMaps.map { map in
            map.map { Dictionary(uniqueKeysWithValues: $0.map { (Array($0.key.utf8), Array($0.value.utf8)) }) }
        }
        constants = layout.constantDimensions.map { value in
            guard let value else { return nil }
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(value.utf8.count, 1), alignment: 1)
            storage.copyBytes(from: value.utf8)
            return storage
        }
        for column in layout.ignored { _ = find(column) }
        try columns.check(dataset: spec.id)
        orgIndex = org!
        if case .external = layout.period, period == nil {
            throw TransformError(.period, file: source, "the period of \(spec.id) files is not in the file; give --period")
        }
        expectedPeriod = period
    }

    deinit { constants.forEach { $0?.deallocate() } }

    public func map(_ record: CSVRecord, into row: inout MappedRow, emit: (inout MappedRow) throws -> Void) throws {
        for filter in filters {
            let value = record[filter.index]
            if let separator = filter.separator {
                let items = value.split(separator: separator, omittingEmptySubsequences: false)
                if !items.contains(where: { item in filter.keep.contains { $0.elementsEqual(item) } }) { return }
            } else if !filter.keep.contains(where: { FieldCache.equal(value, $0) }) {
                return
            }
        }
        row.line = record.line
        row.period = try period(record)
        let orgBytes = record[orgIndex]
        if let cached = orgCache.string(for: orgBytes) {
            row.org = cached
        } else {
            switch layout.key {
            case .ods: row.org = try ODSCode.validated(orgBytes, file: source, line: record.line, column: orgIndex + 1)
            case .code: row.org = try ODSCode.validatedKey(orgBytes, file: source, line: record.line, column: orgIndex + 1)
            }
            orgCache.store(orgBytes, row.org)
        }
        for (d, index) in dimensionIndexes.enumerated() {
            if let index {
                if spec.dimensions[d].kind == .date {
                    // A date in a key is stored as ISO, so keys compare the same across date styles.
                    guard let date = NHSDate.parse(record[index], formats: layout.dateFormats) else {
                        throw TransformError(.value, file: source, line: record.line, column: index + 1,
                                             "invalid date \(TransformError.shown(record.string(index))) in \(header[index])")
                    }
                    row.dimensions[d] = scratch.store(spec.measures.count + d, date.iso.utf8)
                } else {
                    row.dimensions[d] = record[index]
                }
            } else if let constant = constants[d] {
                row.dimensions[d] = UnsafeRawBufferPointer(rebasing: constant[0..<(layout.constantDimensions[d]?.utf8.count ?? 0)])
            } else {
                row.dimensions[d] = UnsafeRawBufferPointer(start: nil, count: 0)
            }
        }
        for (m, index) in measureIndexes.enumerated() {
            guard let index else {
                row.measures[m] = nil
                row.raws[m] = nil
                continue
            }
            if let map = codeMaps[m] {
                row.raws[m] = nil
                row.measures[m] = try translate(record, index, map, measure: m)
                continue
            }
            var outcome = ValueParser.parse(record[index], kind: spec.measures[m].kind, suppression: suppression,
                                            dateFormats: layout.dateFormats, scratch: scratch, slot: m)
            if spec.negativeIsSuppressed && spec.measures[m].kind != .text && spec.measures[m].kind != .date {
                outcome = ValueParser.negativeAsSuppressed(outcome, field: record[index])
            }
            switch outcome {
            case .value(let bytes):
                row.measures[m] = bytes
                row.raws[m] = nil
            case .suppressed(let token):
                row.measures[m] = nil
                row.raws[m] = token
            case .invalid(let reason):
                throw TransformError(.value, file: source, line: record.line, column: index + 1, "\(reason) \(TransformError.shown(record.string(index))) in \(header[index])")
            }
        }
        for (a, index) in attributeIndexes.enumerated() {
            guard let index, !record.isEmpty(index) else {
                row.attributes[a] = index == nil ? layout.attributes[a].absent : nil
                continue
            }
            let bytes = record[index]
            // Consecutive rows usually repeat an attribute: the last one's String is reused
            // (for a coded attribute, without building a key array to look it up again).
            if let cached = attributeCaches[a].string(for: bytes) {
                row.attributes[a] = cached
                continue
            }
            if let codes = attributeCodes[a] {
                guard let stored = codes[Array(bytes)] else {
                    let known = codes.keys.map { String(decoding: $0, as: UTF8.self) }.sorted().joined(separator: ", ")
                    throw TransformError(.value, file: source, line: record.line, column: index + 1,
                                         "unknown code \(TransformError.shown(record.string(index))) in \(header[index]) (known: \(known))")
                }
                attributeCaches[a].store(bytes, stored)
                row.attributes[a] = stored
                continue
            }
            let text = String(decoding: bytes, as: UTF8.self)
            attributeCaches[a].store(bytes, text)
            row.attributes[a] = text
        }
        try emit(&row)
    }

    /// A coded value through its code set (empty stays NULL); an unknown code is refused.
    private func translate(_ record: CSVRecord, _ index: Int, _ map: [[UInt8]: [UInt8]], measure m: Int) throws -> UnsafeRawBufferPointer? {
        let bytes = record[index]
        if bytes.isEmpty { return nil }
        guard let stored = map[Array(bytes)] else {
            let known = map.keys.map { String(decoding: $0, as: UTF8.self) }.sorted().joined(separator: ", ")
            throw TransformError(.value, file: source, line: record.line, column: index + 1,
                                 "unknown code \(TransformError.shown(record.string(index))) in \(header[index]) (known: \(known))")
        }
        return scratch.store(m, stored)
    }

    private func period(_ record: CSVRecord) throws -> ReportingPeriod {
        guard let index = periodIndex else { return fixedPeriod! }
        let bytes = record[index]
        // Every row of a file usually carries the same date: parse it once.
        if let last = lastPeriod, FieldCache.equal(bytes, lastPeriodBytes) { return last }
        guard let date = NHSDate.parse(bytes, formats: periodFormats) else {
            throw TransformError(.value, file: source, line: record.line, column: index + 1, "invalid date \(TransformError.shown(record.string(index))) in \(header[index])")
        }
        let period = ReportingPeriod(kind: spec.periodKind, start: date)
        if let expected = expectedPeriod, !expected.holds(period) {
            throw TransformError(.period, file: source, line: record.line, column: index + 1, "\(header[index]) \(record.string(index)) is in period \(period.label), not \(expected.kind == period.kind ? "" : "in ")\(expected.label) as --period says")
        }
        lastPeriodBytes = Array(bytes)
        lastPeriod = period
        return period
    }
}

/// The last value seen in one column, as bytes and as a String.
struct FieldCache {
    private var bytes: [UInt8] = []
    private var text: String?

    func string(for field: UnsafeRawBufferPointer) -> String? {
        guard let text, field.count == bytes.count else { return nil }
        return Self.equal(field, bytes) ? text : nil
    }

    mutating func store(_ field: UnsafeRawBufferPointer, _ string: String) {
        bytes = Array(field)
        text = string
    }

    @inline(__always) static func equal(_ field: UnsafeRawBufferPointer, _ bytes: [UInt8]) -> Bool {
        guard field.count == bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { b in
            for i in 0..<field.count where field[i] != b[i] { return false }
            return true
        }
    }
}
