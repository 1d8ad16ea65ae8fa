/// The sources one program knows, checked as a whole when it starts: every name a declaration
/// uses must resolve, and nothing may be claimed twice. A program builds one from its list of
/// declarations (`Publications.all` for `pipeline`; a test may add its own).
public struct SourceRegistry: Sendable {
    public let sources: [any SourceDeclaration]

    /// Checks the declarations; throws `DeclarationError` listing every problem found.
    public init(_ sources: [any SourceDeclaration]) throws {
        self.sources = sources
        let problems = DeclarationCheck(sources).problems
        if !problems.isEmpty { throw DeclarationError(problems: problems) }
        // A declaration builds its datasets and objects each time it is asked (they are
        // computed properties): asked once here, so that generating the schema (every run
        // checks its checksum) does not rebuild them thousands of times.
        datasets = sources.flatMap(\.datasets)
        apiObjects = sources.flatMap(\.apiObjects)
        derivedTables = sources.flatMap(\.derivedTables)
        datasetsByID = Dictionary(datasets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        hierarchySources = Set(datasets.compactMap(\.hierarchy?.from))
    }

    public func source(_ id: String) -> (any SourceDeclaration)? {
        sources.first { $0.id == id }
    }

    public var ids: [String] { sources.map(\.id) }

    /// Every dataset of every source.
    public let datasets: [DatasetSpec]
    private let datasetsByID: [String: DatasetSpec]

    public func dataset(_ id: String) -> DatasetSpec? { datasetsByID[id] }

    /// Datasets others take their hierarchy from (`HierarchyFill.from`: the practice map).
    private let hierarchySources: Set<String>

    /// True when other datasets take their hierarchy from dataset `id`: its file loads first in
    /// an edition, and a writer meeting it forgets the hierarchy it looked up before.
    public func givesHierarchy(_ id: String) -> Bool { hierarchySources.contains(id) }

    public let apiObjects: [APIObject]

    public let derivedTables: [DerivedTable]

    /// The datasets stored in each segment table, tables in declaration order.
    public var segmentTables: [(table: String, datasets: [DatasetSpec])] {
        var order: [String] = []
        var byTable: [String: [DatasetSpec]] = [:]
        for spec in datasets {
            if byTable[spec.table] == nil { order.append(spec.table) }
            byTable[spec.table, default: []].append(spec)
        }
        return order.map { ($0, byTable[$0]!) }
    }
}

/// Declarations that do not fit together (configuration: exit 78). Each problem names the
/// source and the thing it declares.
public struct DeclarationError: Error, CustomStringConvertible, Sendable {
    public let problems: [String]

    public init(problems: [String]) { self.problems = problems }

    public var description: String {
        "source declarations do not fit together: " + problems.joined(separator: "; ")
    }
}
