import Operations

/// Options several commands accept.
enum CommonOptions {
    /// Commands that open the warehouse.
    static let warehouse: Set<String> = ["database-url"]
    static let warehouseFlags: Set<String> = ["wait-lock"]
    /// Commands that fetch.
    static var network: Set<String> { NetworkSetup.options }
}
