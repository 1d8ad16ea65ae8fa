/// Assembles one sheet row's cells, which arrive left to right with gaps (sparse cells), into
/// the storage a `CSVRecord` borrows: one byte buffer and the end offset of each field. Gaps and
/// empty cells become empty fields; the record ends at the last non-empty cell, or at
/// `minimumWidth`, whichever is further. Storage is reused from row to row.
final class SheetRowBuilder {
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCapacity = 4096
    private var used = 0
    private var ends: UnsafeMutablePointer<Int>
    private var endsCapacity = 64
    /// Fields written so far (the last one is non-empty).
    private(set) var width = 0

    init() {
        bytes = .allocate(capacity: byteCapacity)
        ends = .allocate(capacity: endsCapacity)
    }

    deinit {
        bytes.deallocate()
        ends.deallocate()
    }

    func reset() {
        used = 0
        width = 0
    }

    var isEmpty: Bool { width == 0 }

    /// Puts `value` in 0-based `column`, which must be at or after `width`. Empty values write nothing.
    func set(column: Int, _ value: UnsafeRawBufferPointer) {
        guard !value.isEmpty else { return }
        reserveFields(column + 1)
        reserveBytes(value.count)
        for i in width..<column { ends[i] = used }
        (bytes + used).initialize(from: value.bindMemory(to: UInt8.self).baseAddress!, count: value.count)
        used += value.count
        ends[column] = used
        width = column + 1
    }

    func set(column: Int, _ value: [UInt8]) {
        value.withUnsafeBytes { set(column: column, $0) }
    }

    /// The row as a record numbered `row`, at least `minimumWidth` fields wide; valid until the
    /// next change to the builder.
    func record(row: Int, minimumWidth: Int = 0) -> CSVRecord {
        let count = max(width, minimumWidth)
        reserveFields(count)
        for i in width..<max(width, count) { ends[i] = used }
        return CSVRecord(line: row, count: count, storage: UnsafePointer(bytes), ends: UnsafePointer(ends))
    }

    private func reserveFields(_ n: Int) {
        guard n > endsCapacity else { return }
        var capacity = endsCapacity
        while capacity < n { capacity *= 2 }
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        grown.initialize(from: ends, count: endsCapacity)
        ends.deallocate()
        ends = grown
        endsCapacity = capacity
    }

    private func reserveBytes(_ extra: Int) {
        guard used + extra > byteCapacity else { return }
        var capacity = byteCapacity
        while capacity < used + extra { capacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.initialize(from: bytes, count: used)
        bytes.deallocate()
        bytes = grown
        byteCapacity = capacity
    }
}
