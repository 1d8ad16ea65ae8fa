import Foundation

/// Checks an edition must pass before it becomes current, against the comparable edition
/// already in the warehouse: the same period's current edition (a republication) or, for a
/// new period, the current edition of the period just before it. A publication that fails one
/// is refused with the figures (exit 65) unless the operator accepts it (`--accept-anomalies`).
///
/// Thresholds are a dataset's own: list sizes move by a fraction of a percent a month, so a
/// tenth fewer practices is a truncated file; appointments swing with the seasons.
public struct QualityGate: Sendable, Equatable {
    /// The largest share of organisations an edition may lose (0.05: at most 5 % fewer).
    public let maxOrganisationDrop: Double
    /// The largest relative change of each numeric measure's total, either way (0.2: ±20 %);
    /// nil where totals are not comparable between editions.
    public let maxTotalChange: Double?

    /// A total the publication page states (a key fact) that the edition must add up to exactly.
    public let statedTotal: StatedTotal?

    public init(maxOrganisationDrop: Double, maxTotalChange: Double?, statedTotal: StatedTotal? = nil) {
        self.maxOrganisationDrop = maxOrganisationDrop
        self.maxTotalChange = maxTotalChange
        self.statedTotal = statedTotal
    }

    /// The page's key fact whose caption contains `caption` (case-insensitively) is the total
    /// of `measure` over every row of the edition.
    public struct StatedTotal: Sendable, Equatable {
        public let measure: String
        public let caption: String

        public init(measure: String, caption: String) {
            self.measure = measure
            self.caption = caption
        }
    }
}

/// What an edition holds, for its quality gate: organisations, rows, and each numeric
/// measure's total (measures by name). Kept with each revision (`etl.revisions.totals`).
public struct EditionTotals: Sendable, Equatable {
    public var organisations = 0
    public var rows = 0
    public var sums: [String: Double] = [:]

    public init(organisations: Int = 0, rows: Int = 0, sums: [String: Double] = [:]) {
        self.organisations = organisations
        self.rows = rows
        self.sums = sums
    }

    /// Adds one segment: its organisation, rows and the totals of its numeric measures.
    public mutating func add(_ segment: Segment) {
        organisations += 1
        rows += segment.rowCount
        for m in segment.spec.measures.indices where [.integer, .count, .decimal].contains(segment.spec.measures[m].kind) {
            sums[segment.spec.measures[m].name, default: 0] += segment.measures[m].numericSum()
        }
    }

    /// The figures that break `gate` against `baseline`, one phrase each (empty: it passes).
    public func breaches(of gate: QualityGate, against baseline: EditionTotals) -> [String] {
        var out: [String] = []
        if baseline.organisations > 0 {
            let change = Double(organisations - baseline.organisations) / Double(baseline.organisations)
            if change < -gate.maxOrganisationDrop {
                out.append("\(Self.grouped(organisations)) organisations where it had \(Self.grouped(baseline.organisations)) "
                           + "(\(Self.percent(change)), limit -\(Self.percent(gate.maxOrganisationDrop, signed: false)))")
            }
        }
        guard let maxTotalChange = gate.maxTotalChange else { return out }
        for (name, before) in baseline.sums.sorted(by: { $0.key < $1.key }) where before != 0 {
            let now = sums[name] ?? 0
            let change = (now - before) / abs(before)
            if abs(change) > maxTotalChange {
                out.append("\(name) totals \(Self.number(now)) where it had \(Self.number(before)) "
                           + "(\(Self.percent(change)), limit ±\(Self.percent(maxTotalChange, signed: false)))")
            }
        }
        return out
    }

    /// A breach when the page states a whole-number total for the gated measure (a key fact
    /// whose caption matches) and the edition does not add up to it; nil otherwise.
    public func breach(of stated: QualityGate.StatedTotal, facts: [(figure: String, caption: String)]) -> String? {
        guard let fact = facts.first(where: { $0.caption.lowercased().contains(stated.caption.lowercased()) }) else { return nil }
        let digits = fact.figure.filter { $0 != "," }
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let figure = Double(digits) else { return nil }
        let total = sums[stated.measure] ?? 0
        guard total != figure else { return nil }
        return "\(stated.measure) totals \(Self.number(total)) where the publication page states \(fact.figure) ('\(fact.caption)')"
    }

    static func percent(_ fraction: Double, signed: Bool = true) -> String {
        let value = (fraction * 1000).rounded() / 10
        let text = value == value.rounded() ? String(Int(value)) : String(value)
        return (signed && value > 0 ? "+" : "") + text + "%"
    }

    static func number(_ value: Double) -> String {
        guard abs(value) < 1e15 else { return String(value) }
        if value == value.rounded() { return grouped(Int(value)) }
        let cents = Int((abs(value) * 100).rounded())
        return (value < 0 ? "-" : "") + grouped(cents / 100) + "." + String(format: "%02d", cents % 100)
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
