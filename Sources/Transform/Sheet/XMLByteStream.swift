import Foundation

/// Presents a `ByteSource` to Foundation's `XMLParser(stream:)`, which on Linux
/// (swift-corelibs-foundation) pulls 128 KiB at a time and pushes each chunk into libxml2's
/// push parser: the document is parsed as it is inflated and never held whole (a 64 MB sheet
/// peaks at the same RSS as a 64 KB one). `XMLParser` cannot see a Swift error, so a failing
/// read (a CRC mismatch, say) is kept here, the read reports -1, and the caller rethrows it.
///
/// It also refuses a document type declaration before the root element: workbook parts never
/// have one, and refusing it closes the door on entity expansion and external entities.
final class XMLByteStream: InputStream {
    private let source: any ByteSource
    private(set) var failure: (any Error)?
    private(set) var sawDoctype = false
    /// Set by the parser's delegate once the root element has started (no DTD can follow it).
    var rootStarted = false
    private var ended = false
    private var carry: [UInt8] = []  // the last bytes of the previous chunk, for a split `<!DOCTYPE`

    init(_ source: any ByteSource) {
        self.source = source
        super.init(data: Data())
    }

    override func open() {}
    override func close() {}
    override var hasBytesAvailable: Bool { !ended }
    override var streamStatus: Stream.Status { ended ? .atEnd : .open }
    override var streamError: (any Error)? { failure }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        if ended { return 0 }
        if failure != nil || sawDoctype { return -1 }
        do {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: length))
            if n == 0 {
                ended = true
                return 0
            }
            if !rootStarted && containsDoctype(UnsafeBufferPointer(start: buffer, count: n)) {
                sawDoctype = true
                return -1
            }
            return n
        } catch {
            failure = error
            return -1
        }
    }

    private static let doctype = Array("<!DOCTYPE".utf8)

    private func containsDoctype(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        let window = carry + chunk
        let pattern = Self.doctype
        if window.count >= pattern.count {
            for start in 0...(window.count - pattern.count) where window[start] == pattern[0] {
                if window[start..<(start + pattern.count)].elementsEqual(pattern) { return true }
            }
        }
        carry = Array(window.suffix(pattern.count - 1))
        return false
    }
}
