/// Which cell styles of an XLSX workbook show numbers as dates or times: `styles.xml` gives
/// each cell format (`cellXfs/xf`, indexed by a cell's `s`) a number format id, either built
/// in (14–22, 45–47 are dates and times) or defined in `numFmts` with a format code.
public struct CellStyles: Sendable, Equatable {
    /// Per style index, what its number format makes of a number.
    public let formats: [NumberFormat]

    public init(formats: [NumberFormat]) { self.formats = formats }

    /// No styles part: every number is a number.
    public static let none = CellStyles(formats: [])

    /// The format of style `index` (a style the part does not define is the default, a number).
    public func format(_ index: Int) -> NumberFormat {
        index >= 0 && index < formats.count ? formats[index] : .number
    }

    /// Reads `styles.xml`.
    public static func read(_ source: any ByteSource, part: String, file: String) throws -> CellStyles {
        let handler = StylesHandler()
        try XMLEventReader.read(source, part: part, file: file, sheet: nil, localNames: true, handler: handler)
        return CellStyles(formats: handler.formatIds.map { id in
            if let code = handler.customCodes[id] { return NumberFormat.classify(code) }
            return NumberFormat.builtIn(id)
        })
    }
}

/// `<numFmts><numFmt numFmtId="164" formatCode="mmm-yy"/></numFmts>` and
/// `<cellXfs><xf numFmtId="164" …/></cellXfs>` (not the `xf`s of `cellStyleXfs`).
final class StylesHandler: XMLEventHandler {
    var customCodes: [Int: String] = [:]
    var formatIds: [Int] = []
    private var inCellFormats = false

    func start(_ name: String, _ attributes: [String: String]) throws {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
                customCodes[id] = code
            }
        case "cellXfs":
            inCellFormats = true
        case "xf" where inCellFormats:
            formatIds.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        default:
            break
        }
    }

    func end(_ name: String) throws {
        if name == "cellXfs" { inCellFormats = false }
    }

    func text(_ text: String) throws {}
}
