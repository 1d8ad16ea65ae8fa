/// The start-up check behind `SourceRegistry`: names that must resolve (datasets, columns,
/// filters, hierarchy sources, refresh triggers) and things that must be unique (sources,
/// datasets, tables, `api` objects).
struct DeclarationCheck {
    private(set) var problems: [String] = []

    init(_ sources: [any SourceDeclaration]) {
        var sourceIDs = Set<String>()
        var datasets: [String: DatasetSpec] = [:]
        var tableOwner: [String: DatasetSpec] = [:]
        for source in sources {
            if !sourceIDs.insert(source.id).inserted { problems.append("source \(source.id) is declared twice") }
            for spec in source.datasets {
                if spec.source != source.id {
                    problems.append("\(source.id): dataset \(spec.id) says it belongs to source \(spec.source)")
                }
                if datasets[spec.id] != nil { problems.append("\(source.id): dataset \(spec.id) is declared twice") }
                datasets[spec.id] = spec
                if !Self.isIdentifier(spec.table) { problems.append("\(spec.id): table name '\(spec.table)' is not a lower-case SQL identifier") }
                for field in spec.fields where !Self.isIdentifier(field.name) {
                    problems.append("\(spec.id): column name '\(field.name)' is not a lower-case SQL identifier")
                }
                // Datasets may share a table only when they are one shape of one source.
                if let owner = tableOwner[spec.table] {
                    if owner.source != spec.source || !Self.sameShape(owner, spec) {
                        problems.append("datasets \(owner.id) and \(spec.id) both claim table \(spec.table)")
                    }
                } else {
                    tableOwner[spec.table] = spec
                }
            }
        }
        for source in sources {
            for family in source.files {
                for dataset in family.datasets where datasets[dataset] == nil {
                    problems.append("\(source.id): file family '\(family.name)' names dataset \(dataset), which no source declares")
                }
                if family.datasets.isEmpty { problems.append("\(source.id): file family '\(family.name)' names no dataset") }
            }
            for spec in source.datasets {
                guard let fill = spec.hierarchy else { continue }
                guard let from = datasets[fill.from] else {
                    problems.append("\(spec.id): hierarchy from \(fill.from), which no source declares")
                    continue
                }
                let available = Set(from.fields.map(\.name))
                for column in fill.columns {
                    if !available.contains(column) { problems.append("\(spec.id): hierarchy column \(column) is not a column of \(fill.from)") }
                    if spec.fields.contains(where: { $0.name == column }) {
                        problems.append("\(spec.id): hierarchy column \(column) is also a column its files give")
                    }
                }
            }
        }
        var derived = Set<String>()
        for source in sources {
            for table in source.derivedTables {
                if !derived.insert(table.name).inserted || tableOwner[table.name] != nil {
                    problems.append("\(source.id): table \(table.name) is claimed twice")
                }
                for refresh in table.refreshes {
                    let dataset: String
                    switch refresh.trigger {
                    case .activated(let d), .hierarchyChanged(let d): dataset = d
                    }
                    if datasets[dataset] == nil { problems.append("\(source.id): \(table.name) is refreshed after dataset \(dataset), which no source declares") }
                    if refresh.timing == .oncePerLoad && refresh.statements.contains(where: { $0.contains("$1") }) {
                        problems.append("\(source.id): \(table.name) has a once-per-load refresh that reads a period ($1)")
                    }
                }
            }
        }
        var objects = Set<String>()
        let tables = Set(tableOwner.keys).union(derived)
        // Postings of a row-level column are kept in data.<table>_<column>_values.
        for (table, spec) in tableOwner.sorted(by: { $0.key < $1.key }) where !spec.dimensions.isEmpty {
            for field in spec.dimensions + spec.measures where tables.contains("\(table)_\(field.name)_values") {
                problems.append("table \(table)_\(field.name)_values is reserved for the postings of \(table).\(field.name)")
            }
        }
        for source in sources {
            for object in source.apiObjects {
                let name = "api.\(object.name)"
                if !objects.insert(object.name).inserted { problems.append("\(source.id): \(name) is declared twice") }
                if !Self.isIdentifier(object.name) { problems.append("\(source.id): \(name) is not a lower-case SQL identifier") }
                // Versions before postings kept a filtered object's rows in data.<name>_rows,
                // which an upgrade drops: no source may own a table of that name.
                if tables.contains(object.name + "_rows") { problems.append("\(name): table \(object.name)_rows is reserved for its rows") }
                let columns = Set(object.columns.map(\.name))
                if columns.count != object.columns.count { problems.append("\(name) has two columns of one name") }
                for filter in object.filters where !columns.contains(filter) {
                    problems.append("\(name): filter \(filter) is not one of its columns")
                }
                for key in object.key where !columns.contains(key) {
                    problems.append("\(name): key column \(key) is not one of its columns")
                }
                if object.key.isEmpty { problems.append("\(name) declares no key") }
                if let search = object.search {
                    for column in [search.code, search.name] where !columns.contains(column) {
                        problems.append("\(name): search column \(column) is not one of its columns")
                    }
                }
                switch object.rows {
                case .current(let names), .currentSegments(let names):
                    let specs = names.compactMap { datasets[$0] }
                    for missing in names where datasets[missing] == nil {
                        problems.append("\(name) reads dataset \(missing), which no source declares")
                    }
                    guard let first = specs.first else { problems.append("\(name) reads no dataset"); continue }
                    if specs.contains(where: { $0.table != first.table }) {
                        problems.append("\(name) reads datasets stored in different tables")
                    }
                    let stored = Set(Self.storedColumns(first))
                    for column in object.columns {
                        if case .field(let field) = column.value, !stored.contains(field) {
                            problems.append("\(name): column \(column.name) reads \(field), which dataset \(first.id) does not store")
                        }
                    }
                    for column in object.columns {
                        if case .lookup(let table, _) = column.value, !derived.contains(table) {
                            problems.append("\(name): column \(column.name) looks up table \(table), which no source derives")
                        }
                    }
                    for filter in object.filters {
                        if case .expression = object.column(filter)?.value {
                            problems.append("\(name): filter \(filter) is a computed column, which no index serves")
                        }
                    }
                    for column in object.columns {
                        if case .total(let measure) = column.value,
                           !first.totalledMeasures.contains(where: { first.measures[$0].name == measure }) {
                            problems.append("\(name): column \(column.name) totals \(measure), which is not a whole-number measure of \(first.id) with dimensions")
                        }
                    }
                    if case .currentSegments = object.rows {
                        let rowLevel = Set(first.dimensions.map(\.name) + first.measures.map(\.name) + Self.storedColumns(first).filter { $0.hasSuffix("_raw") })
                        for column in object.columns {
                            switch column.value {
                            case .line: problems.append("\(name): column \(column.name) is a row's line, which a per-segment object does not have")
                            case .field(let field) where rowLevel.contains(field) && !first.dimensions.isEmpty:
                                problems.append("\(name): column \(column.name) reads \(field), a value of each row, which a per-segment object does not have")
                            default: break
                            }
                        }
                    }
                case .derived(let table):
                    if !derived.contains(table) { problems.append("\(name) reads table \(table), which no source derives") }
                case .query:
                    break
                }
                if object.segmentDatasets.isEmpty {
                    for column in object.columns {
                        if case .lookup = column.value {
                            problems.append("\(name): column \(column.name) is a lookup, which only an object of current segments joins")
                        }
                    }
                }
            }
        }
    }

    /// The columns a dataset's table holds besides the bookkeeping ones.
    static func storedColumns(_ spec: DatasetSpec) -> [String] {
        spec.fields.map(\.name) + spec.numericMeasures.map { spec.measures[$0].name + "_raw" }
            + (spec.hierarchy.map { $0.columns + ["hierarchy_period"] } ?? [])
    }

    static func sameShape(_ a: DatasetSpec, _ b: DatasetSpec) -> Bool {
        a.dimensions == b.dimensions && a.measures == b.measures && a.attributes == b.attributes
            && a.periodKind == b.periodKind && a.hierarchy == b.hierarchy
    }

    /// `[a-z_][a-z0-9_]*`, at most 63 bytes: safe to splice as an identifier.
    static func isIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63, first == 95 || (97...122).contains(first) else { return false }
        return bytes.allSatisfy { $0 == 95 || (97...122).contains($0) || (48...57).contains($0) }
    }
}
