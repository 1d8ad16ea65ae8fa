/// The rows of one segment by the hash of their key, for the duplicate-key check: an
/// open-addressing table of row numbers, emptied per segment by clearing only the slots used.
///
/// It replaced a `[Int: Int]` fed by Swift's `Hasher` (SipHash, a fresh seed per row), which was
/// ~10 % of the reading thread's time on a 1.2 M-row file; FNV-1a over a handful of short key
/// fields is enough here because a hash collision is only a candidate: the assembler compares
/// the rows' bytes before it calls anything a duplicate.
struct KeyTable {
    private var slots: [Int32]              // row + 1; 0 is empty
    private var hashes: [UInt64]
    private var used: [Int32] = []          // slot indexes to clear
    private var mask: Int

    init(capacity: Int = 256) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        hashes = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// FNV-1a over each field's bytes and length.
    @inline(__always)
    static func hash(_ fields: [UnsafeRawBufferPointer]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for field in fields {
            for byte in field {
                h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            h = (h ^ UInt64(field.count) ^ 0xff00) &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// The row already stored under `hash`, or nil after storing `row` under it.
    @inline(__always)
    mutating func firstRow(withHash hash: UInt64, elseInsert row: Int) -> Int? {
        if used.count * 2 >= slots.count { grow() }
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] != 0 {
            if hashes[i] == hash { return Int(slots[i]) - 1 }
            i = (i + 1) & mask
        }
        slots[i] = Int32(truncatingIfNeeded: row + 1)
        hashes[i] = hash
        used.append(Int32(truncatingIfNeeded: i))
        return nil
    }

    mutating func removeAll() {
        for i in used { slots[Int(i)] = 0 }
        used.removeAll(keepingCapacity: true)
    }

    private mutating func grow() {
        let oldSlots = slots, oldHashes = hashes, oldUsed = used
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        hashes = Array(repeating: 0, count: size)
        mask = size - 1
        used.removeAll(keepingCapacity: true)
        for i in oldUsed {
            var j = Int(truncatingIfNeeded: oldHashes[Int(i)]) & mask
            while slots[j] != 0 { j = (j + 1) & mask }
            slots[j] = oldSlots[Int(i)]
            hashes[j] = oldHashes[Int(i)]
            used.append(Int32(truncatingIfNeeded: j))
        }
    }
}
