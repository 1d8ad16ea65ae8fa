extension CSVTokenizer {
    /// Reads `source` to its end through a read-ahead thread, calling `onRecord` for each record.
    /// Returns the tokenizer, whose `dialect` and `recordCount` describe what was read.
    @discardableResult
    public static func scan(
        _ source: any ByteSource, options: CSVOptions, readAhead: Bool = true,
        _ onRecord: (CSVRecord) throws -> Void
    ) throws -> CSVTokenizer {
        let tokenizer = CSVTokenizer(options: options)
        if readAhead {
            try ReadAhead(source).forEachChunk { try tokenizer.feed($0, onRecord) }
        } else {
            try source.forEachChunk { try tokenizer.feed($0, onRecord) }
        }
        try tokenizer.finish(onRecord)
        return tokenizer
    }

    /// Parses bytes held in memory into arrays of strings (tests and small files).
    public static func parse(_ bytes: [UInt8], options: CSVOptions, chunkSize: Int = 64 * 1024) throws -> [[String]] {
        let tokenizer = CSVTokenizer(options: options)
        var records: [[String]] = []
        try bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let n = min(chunkSize, all.count - offset)
                try tokenizer.feed(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + n)])) { records.append($0.strings) }
                offset += n
            }
        }
        try tokenizer.finish { records.append($0.strings) }
        return records
    }
}
