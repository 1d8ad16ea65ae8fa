/// A wide file stored in the long canonical form: (ODS code, period, measure, value).
///
/// For files whose column set changes every edition (NHS Payments has 51–75 columns, renamed and
/// reordered yearly; the workforce file has 805): the identity columns are declared and become
/// the segment's attributes, and every other column becomes one row per record, its `measure`
/// the column name as published (trimmed of surrounding spaces) and its `value` a number. A
/// suppression token (`N/A`, `-`, `*`) gives NULL with the token kept beside it; anything else
/// that is not a number is refused, naming the line and column. A new column is simply a new
/// measure: nothing to change when a year adds one.
public struct LongLayout: Sendable {
    public var org: CSVLayout.Column
    /// One per `spec.attributes`, same order.
    public var attributes: [CSVLayout.Column]
    /// Identity columns that are neither stored nor measures.
    public var ignored: [CSVLayout.Column]
    /// Where a row's period comes from: outside the file (its name, the page), or a date column
    /// (a workbook table's `Month`), parsed with these formats.
    public var period: CSVLayout.PeriodRule
    /// The name a value column is stored under, by its published name (compared as
    /// `CSVLayout.normalize` does), when the publisher's other files call the same measure
    /// otherwise (a workbook's `Submissions` is its CSV's `OC_TOTAL_SUBMISSIONS`). Columns not
    /// listed keep their published name.
    public var measureNames: [String: String]

    public init(org: CSVLayout.Column, attributes: [CSVLayout.Column], ignored: [CSVLayout.Column] = [],
                period: CSVLayout.PeriodRule = .external, measureNames: [String: String] = [:]) {
        self.org = org
        self.attributes = attributes
        self.ignored = ignored
        self.period = period
        self.measureNames = Dictionary(measureNames.map { (CSVLayout.normalize($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
    }
}

public final class LongMapper: RecordMapper {
    public let spec: DatasetSpec
    public let source: String
    private let period: ReportingPeriod?
    private let periodIndex: Int?
    private let periodFormats: [NHSDate.Format]
    private var lastPeriod: (bytes: [UInt8], period: ReportingPeriod)?
    private let header: [String]
    private let orgIndex: Int
    private let attributeIndexes: [Int?]
    /// (column index, measure name bytes) for every value column.
    private let valueColumns: [(index: Int, name: UnsafeMutableRawBufferPointer)]
    private let suppression: [[UInt8]]
    private let scratch = ValueScratch(slots: 1)

    /// `spec` must have one dimension (the measure name) and one numeric measure (the value).
    public init(spec: DatasetSpec, layout: LongLayout, header: [String], source: String, period: ReportingPeriod?) throws {
        precondition(spec.dimensions.count == 1 && spec.measures.count == 1, "a long dataset has one dimension and one measure")
        self.spec = spec
        self.source = source
        self.period = period
        self.header = header
        var columns = try HeaderColumns(header, source: source)
        let org = columns.find(layout.org)
        switch layout.period {
        case .external:
            guard period != nil else {
                throw TransformError(.period, file: source, "the period of \(spec.id) files is not in the file; give --period")
            }
            periodIndex = nil
            periodFormats = []
        case .column(let column, let formats):
            periodIndex = columns.find(column)
            periodFormats = formats
        }
        attributeIndexes = layout.attributes.map { columns.find($0) }
        for column in layout.ignored { _ = columns.find(column) }
        // Every column not claimed as identity is a value column: only missing ones are wrong.
        try columns.check(dataset: spec.id, allowUnclaimed: true)
        orgIndex = org!
        valueColumns = columns.unclaimed.map { index in
            let name = Array((layout.measureNames[CSVLayout.normalize(header[index])] ?? header[index].trimmingSpaces).utf8)
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(name.count, 1), alignment: 1)
            storage.copyBytes(from: name)
            return (index, UnsafeMutableRawBufferPointer(rebasing: storage[0..<name.count]))
        }
        if valueColumns.isEmpty {
            throw TransformError(.header, file: source, line: 1, "header does not match \(spec.id): no value columns besides the identity columns")
        }
        suppression = spec.suppressionTokens.sorted().map { Array($0.utf8) }
    }

    deinit {
        for column in valueColumns { UnsafeMutableRawBufferPointer(start: column.name.baseAddress, count: max(column.name.count, 1)).deallocate() }
    }

    public func map(_ record: CSVRecord, into row: inout MappedRow, emit: (inout MappedRow) throws -> Void) throws {
        row.line = record.line
        row.period = try rowPeriod(record)
        row.org = try ODSCode.validated(record[orgIndex], file: source, line: record.line, column: orgIndex + 1)
        for (a, index) in attributeIndexes.enumerated() {
            guard let index, !record.isEmpty(index) else {
                row.attributes[a] = nil
                continue
            }
            row.attributes[a] = record.string(index)
        }
        let kind = spec.measures[0].kind
        for column in valueColumns {
            row.dimensions[0] = UnsafeRawBufferPointer(column.name)
            var outcome = ValueParser.parse(record[column.index], kind: kind, suppression: suppression, dateFormats: [], scratch: scratch, slot: 0)
            if spec.negativeIsSuppressed && kind != .text && kind != .date {
                outcome = ValueParser.negativeAsSuppressed(outcome, field: record[column.index])
            }
            switch outcome {
            case .value(let bytes):
                row.measures[0] = bytes
                row.raws[0] = nil
            case .suppressed(let token):
                row.measures[0] = nil
                row.raws[0] = token
            case .invalid(let reason):
                throw TransformError(.value, file: source, line: record.line, column: column.index + 1,
                                     "\(reason) \(TransformError.shown(record.string(column.index))) in \(TransformError.shown(header[column.index]))")
            }
            try emit(&row)
        }
    }
}

extension LongMapper {
    /// The given period, or the row's date column's (which must agree with a given one).
    private func rowPeriod(_ record: CSVRecord) throws -> ReportingPeriod {
        guard let index = periodIndex else { return period! }
        let bytes = record[index]
        if let last = lastPeriod, bytes.elementsEqual(last.bytes) { return last.period }
        guard let date = NHSDate.parse(bytes, formats: periodFormats) else {
            throw TransformError(.value, file: source, line: record.line, column: index + 1,
                                 "invalid date \(TransformError.shown(record.string(index))) in \(TransformError.shown(header[index]))")
        }
        let found = ReportingPeriod(kind: spec.periodKind, start: date)
        if let period, !period.holds(found) {
            throw TransformError(.period, file: source, line: record.line, column: index + 1,
                                 "\(header[index]) \(record.string(index)) is in period \(found.label), not \(period.kind == found.kind ? "" : "in ")\(period.label) as --period says")
        }
        lastPeriod = (Array(bytes), found)
        return found
    }
}

extension String {
    /// Without spaces at either end (header names such as `Appraisal Costs `).
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
