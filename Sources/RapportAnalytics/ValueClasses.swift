import RapportCore

/// Rank-based classes: RFM quintiles, ABC (Pareto) classes and value tiers. Equal values always get equal classes,
/// so a class boundary never splits customers who cannot be told apart.
public enum ValueClasses {
    /// Quintile scores 1…5 (5 best): a value's score is set by the share of values strictly worse than it.
    public static func quintiles(_ values: [Double], higherIsBetter: Bool) -> [Int] {
        let n = values.count
        guard n > 0 else { return [] }
        let order = values.indices.sorted { higherIsBetter ? values[$0] < values[$1] : values[$0] > values[$1] }
        var scores = [Int](repeating: 1, count: n)
        var worse = 0
        for (position, index) in order.enumerated() {
            if position > 0, values[index] != values[order[position - 1]] { worse = position }
            scores[index] = 1 + min(4, 5 * worse / n)
        }
        return scores
    }

    /// ABC classes by revenue: biggest first, a customer is A while the revenue of those strictly bigger is below
    /// `aShare` of the total, B below `bShare`, else C. No revenue is always C.
    public static func abc(revenue: [Double], aShare: Double, bShare: Double) -> [ABCClass] {
        let total = revenue.reduce(0) { $0 + max($1, 0) }
        let order = revenue.indices.sorted { revenue[$0] > revenue[$1] }
        var classes = [ABCClass](repeating: .c, count: revenue.count)
        var before = 0.0, cumulative = 0.0
        for (position, index) in order.enumerated() {
            let value = revenue[index]
            if position > 0, value != revenue[order[position - 1]] { before = cumulative }
            cumulative += max(value, 0)
            guard value > 0 else { continue }
            classes[index] = before < aShare * total ? .a : before < bShare * total ? .b : .c
        }
        return classes
    }

    /// Value tiers by lifetime value: the top 20% high, the next 30% mid, the rest low, by the share of customers
    /// with a strictly higher value.
    public static func tiers(clv: [Double]) -> [ValueTier] {
        let n = clv.count
        let order = clv.indices.sorted { clv[$0] > clv[$1] }
        var tiers = [ValueTier](repeating: .low, count: n)
        var higher = 0
        for (position, index) in order.enumerated() {
            if position > 0, clv[index] != clv[order[position - 1]] { higher = position }
            let share = Double(higher) / Double(n)
            tiers[index] = share < 0.2 ? .high : share < 0.5 ? .mid : .low
        }
        return tiers
    }
}
