import Foundation
import Publications
import TestSupport
import Transform
import XCTest

/// Each stage stays in its module, and source knowledge stays in the source's declaration:
/// Load, Operations and the `pipeline` command name no source id, dataset or table of a source
/// (except the migrations that shipped before sources were declared), only Load speaks SQL to
/// libpq, and only Extract does HTTP.
final class ModuleBoundaryTests: XCTestCase {
    func swiftFiles(under folder: String) throws -> [(path: String, text: String)] {
        let root = Fixtures.root.appendingPathComponent(folder)
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var files: [(String, String)] = []
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            files.append((url.path.replacingOccurrences(of: Fixtures.root.path + "/", with: ""), try String(contentsOf: url, encoding: .utf8)))
        }
        XCTAssertFalse(files.isEmpty, folder)
        return files
    }

    func testNoSourceKnowledgeOutsideTheDeclarations() throws {
        let registry = try SourceRegistry(Publications.all)
        var names = Set(registry.ids)
        for spec in registry.datasets { names.insert(spec.id); names.insert(spec.table) }
        for table in registry.derivedTables { names.insert(table.name) }
        var found: [String] = []
        for folder in ["Sources/Load", "Sources/Operations", "Sources/pipeline"] {
            for file in try swiftFiles(under: folder) where !file.path.contains("/Shipped/") {
                for name in names where Self.containsWord(file.text, name) {
                    found.append("\(file.path): \(name)")
                }
            }
        }
        XCTAssertEqual(found, [], "source names outside Sources/Publications")
    }

    func testOnlyLoadTalksToPostgreSQLAndOnlyExtractToTheNetwork() throws {
        for folder in ["Sources/Transform", "Sources/Extract", "Sources/Publications", "Sources/Operations", "Sources/pipeline"] {
            for file in try swiftFiles(under: folder) {
                XCTAssertFalse(file.text.contains("import CLibPQ"), "\(file.path) imports libpq")
                for statement in ["\"SELECT ", "\"INSERT ", "\"UPDATE ", "\"DELETE ", "\"CREATE ", "execute(\""] where folder != "Sources/Publications" {
                    XCTAssertFalse(file.text.contains(statement), "\(file.path) holds SQL (\(statement))")
                }
            }
        }
        for folder in ["Sources/Transform", "Sources/Load", "Sources/Publications", "Sources/Operations", "Sources/pipeline"] {
            for file in try swiftFiles(under: folder) {
                XCTAssertFalse(file.text.contains("URLSession") || file.text.contains("FoundationNetworking"), "\(file.path) does HTTP")
            }
        }
    }

    /// `name` as a whole token (not part of a longer identifier, id or file name such as `x.ods`).
    static func containsWord(_ text: String, _ name: String) -> Bool {
        var search = text.startIndex..<text.endIndex
        while let range = text.range(of: name, range: search) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            func isPart(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." } ?? false }
            if !isPart(before) && !isPart(after) { return true }
            search = range.upperBound..<text.endIndex
        }
        return false
    }
}
