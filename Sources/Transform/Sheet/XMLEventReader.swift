import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What a streaming reader of one workbook part does with XML events. Methods may throw: the
/// parse stops at once and the error reaches the caller of `XMLEventReader.read`.
public protocol XMLEventHandler: AnyObject {
    func start(_ name: String, _ attributes: [String: String]) throws
    func end(_ name: String) throws
    func text(_ text: String) throws
    /// Where the handler is, for an error in the XML itself: a sheet row and 1-based column.
    var position: (row: Int?, column: Int?) { get }
    /// The sheet the handler is in, when the part holds several (OpenDocument's content.xml).
    var currentSheet: String? { get }
}

extension XMLEventHandler {
    public var position: (row: Int?, column: Int?) { (nil, nil) }
    public var currentSheet: String? { nil }
}

/// Thrown by a handler that has read all it needs (e.g. a sheet's `<dimension>`): the parse
/// ends there without error.
public struct XMLStopReading: Error {
    public init() {}
}

/// Drives Foundation's `XMLParser` over a `ByteSource` and turns its callbacks and failures
/// into `XMLEventHandler` calls and one `TransformError`.
///
/// What swift-corelibs-foundation's `XMLParser` does that this works around (measured on
/// Swift 6.3): `parse()` returns true for a truncated document (libxml2 reports "premature
/// end" through the error callback only), and it parses in recover mode, so events can keep
/// coming after an error. Any error callback therefore stops the parse and is reported,
/// whatever `parse()` returns, and no event after it reaches the handler. An empty document
/// raises no error at all, so a document whose root element never started is refused here.
public final class XMLEventReader: NSObject, XMLParserDelegate {
    private let handler: any XMLEventHandler
    private let localNames: Bool
    private let sheet: String?
    private var failure: (any Error)?
    private var xmlError: (code: Int, line: Int, column: Int, sheet: String?, position: (row: Int?, column: Int?))?
    private var stopped = false
    private weak var stream: XMLByteStream?

    private init(handler: any XMLEventHandler, localNames: Bool, sheet: String?) {
        self.handler = handler
        self.localNames = localNames
        self.sheet = sheet
    }

    /// Reads the whole part. `localNames` drops namespace prefixes from element names
    /// (`x:row` → `row`; OOXML writers differ in prefixes, OpenDocument's are fixed).
    /// Errors name `file`, `sheet` (when given) and the handler's position, and the `part`.
    public static func read(_ source: any ByteSource, part: String, file: String, sheet: String?,
                     localNames: Bool, handler: any XMLEventHandler) throws {
        let stream = XMLByteStream(source)
        let reader = XMLEventReader(handler: handler, localNames: localNames, sheet: sheet)
        reader.stream = stream
        let parser = XMLParser(stream: stream)
        parser.delegate = reader
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        _ = parser.parse()
        if let failure = stream.failure { throw failure }
        if let failure = reader.failure {
            if failure is XMLStopReading { return }
            throw failure
        }
        func fail(_ reason: String, _ at: (row: Int?, column: Int?) = (nil, nil), in inner: String? = nil) -> TransformError {
            TransformError(.syntax, file: file, sheet: inner ?? sheet, row: at.row, column: at.column, reason)
        }
        if stream.sawDoctype {
            throw fail("\(part) has a document type declaration (<!DOCTYPE>), which no workbook part has: refused")
        }
        if let error = reader.xmlError, stream.rootStarted || ![4, 5].contains(error.code) {
            throw fail("malformed XML in \(part) at line \(error.line), column \(error.column): \(describe(error.code))", error.position, in: error.sheet)
        }
        if !stream.rootStarted {
            throw fail("\(part) is empty: no XML element in it")
        }
    }

    /// libxml2's error numbers (xmlerror.h) for the mistakes a damaged part shows.
    static func describe(_ code: Int) -> String {
        switch code {
        case 4: return "the document is empty"
        case 5: return "the document ends early or has content after its end (libxml2 error 5)"
        case 9: return "a character that is not allowed in XML, or bytes that are not UTF-8 (libxml2 error 9)"
        case 26: return "an undeclared entity (libxml2 error 26)"
        case 38, 39, 40, 41: return "a malformed attribute (libxml2 error \(code))"
        case 64: return "no XML declaration where one was expected (libxml2 error 64)"
        case 68: return "a malformed name (libxml2 error 68)"
        case 73: return "a '>' is missing (libxml2 error 73)"
        case 76: return "an end tag does not match its start tag (libxml2 error 76)"
        case 77: return "a tag is not finished (libxml2 error 77)"
        case 89: return "entity expansion over libxml2's limit (libxml2 error 89)"
        default: return "libxml2 error \(code)"
        }
    }

    private func name(_ raw: String) -> String {
        guard localNames, let colon = raw.utf8.lastIndex(of: UInt8(ascii: ":")) else { return raw }
        return String(raw[raw.utf8.index(after: colon)...])
    }

    private func run(_ parser: XMLParser, _ body: () throws -> Void) {
        guard !stopped else { return }
        do {
            try body()
        } catch {
            failure = error
            stopped = true
            parser.abortParsing()
        }
    }

    public func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        stream?.rootStarted = true
        run(parser) { try handler.start(name(elementName), attributeDict) }
    }

    public func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        run(parser) { try handler.end(name(elementName)) }
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        run(parser) { try handler.text(string) }
    }

    public func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        run(parser) { try handler.text(String(decoding: CDATABlock, as: UTF8.self)) }
    }

    public func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        guard !stopped else { return }
        stopped = true
        xmlError = ((parseError as NSError).code, parser.lineNumber, parser.columnNumber, handler.currentSheet, handler.currentSheet == nil && sheet == nil ? (nil, nil) : handler.position)
        parser.abortParsing()
    }
}
