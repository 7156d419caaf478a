import Foundation
import RapportCore

/// Behaviour shifts 交易行为改变: a customer's last 90 days against its own previous 365. Purchase frequency is
/// compared by the conditional binomial test of two Poisson rates; basket size by Welch's t-test on log amounts (spend
/// is skewed, its logarithm much less so).
public struct BehaviourShiftTest: Sendable {
    /// Days of the recent window and of the baseline before it.
    public static let recentDays = 90
    public static let baselineDays = 365

    /// Purchase days needed in both windows together before frequency is tested.
    public let minPurchases: Int
    /// Purchase days needed in each window before basket size is tested.
    public let minBaskets: Int
    /// A change is significant below this p-value.
    public let significance: Double

    /// Creates the test.
    public init(minPurchases: Int = 8, minBaskets: Int = 3, significance: Double = 0.01) {
        self.minPurchases = minPurchases
        self.minBaskets = minBaskets
        self.significance = significance
    }

    /// The shifts of one customer whose purchase days (ascending, merged, net positive) are `days` with `amounts`,
    /// as of `endDay`. A customer needs at least 90 days of baseline to be compared with itself.
    public func findings(
        days: ArraySlice<Int32>, amounts: ArraySlice<Double>, endDay: Int
    ) -> (frequency: ShiftFinding?, basket: ShiftFinding?) {
        guard let first = days.first else { return (nil, nil) }
        let recentStart = endDay - Self.recentDays  // exclusive
        let baselineStart = max(endDay - Self.recentDays - Self.baselineDays, Int(first) - 1)  // exclusive
        let exposure = recentStart - baselineStart
        guard exposure >= Self.recentDays else { return (nil, nil) }
        var recent: [Double] = []
        var baseline: [Double] = []
        for (day, amount) in zip(days, amounts) where Int(day) > baselineStart && Int(day) <= endDay {
            if Int(day) > recentStart { recent.append(amount) } else { baseline.append(amount) }
        }
        return (frequency(recent: recent.count, baseline: baseline.count, exposure: exposure),
                basket(recent: recent, baseline: baseline))
    }

    private func frequency(recent: Int, baseline: Int, exposure: Int) -> ShiftFinding? {
        let trials = recent + baseline
        guard trials >= minPurchases else { return nil }
        let share = Double(Self.recentDays) / Double(Self.recentDays + exposure)
        let pValue = SpecialFunctions.binomialTwoSidedP(successes: recent, trials: trials, probability: share)
        guard pValue < significance else { return nil }
        let recentRate = Double(recent) / Double(Self.recentDays) * 30
        let baselineRate = Double(baseline) / Double(exposure) * 30
        return ShiftFinding(
            shift: recentRate < baselineRate ? .frequencyDropped : .frequencyRose,
            detail: [
                "recent_purchase_days": .number(Double(recent)), "recent_days": .number(Double(Self.recentDays)),
                "baseline_purchase_days": .number(Double(baseline)), "baseline_days": .number(Double(exposure)),
                "recent_per_30_days": .number(Self.rounded(recentRate)),
                "baseline_per_30_days": .number(Self.rounded(baselineRate)),
                "p_value": .number(Self.rounded(pValue, digits: 6)),
            ])
    }

    private func basket(recent: [Double], baseline: [Double]) -> ShiftFinding? {
        guard recent.count >= max(minBaskets, 2), baseline.count >= max(minBaskets, 2) else { return nil }
        let (recentMean, recentVariance) = Self.meanAndVariance(recent.map(log))
        let (baselineMean, baselineVariance) = Self.meanAndVariance(baseline.map(log))
        let (n1, n2) = (Double(recent.count), Double(baseline.count))
        let (v1, v2) = (recentVariance / n1, baselineVariance / n2)
        guard v1 + v2 > 0 else { return nil }
        let t = (recentMean - baselineMean) / (v1 + v2).squareRoot()
        // Welch–Satterthwaite degrees of freedom.
        let freedom = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
        let pValue = SpecialFunctions.studentTTwoSidedP(t: t, degreesOfFreedom: freedom)
        guard pValue < significance else { return nil }
        return ShiftFinding(
            shift: t < 0 ? .basketDropped : .basketRose,
            detail: [
                "recent_purchase_days": .number(n1), "baseline_purchase_days": .number(n2),
                // Geometric means: the typical basket on the scale the test compares.
                "recent_typical_amount_minor": .number(exp(recentMean).rounded()),
                "baseline_typical_amount_minor": .number(exp(baselineMean).rounded()),
                "t": .number(Self.rounded(t, digits: 3)),
                "p_value": .number(Self.rounded(pValue, digits: 6)),
            ])
    }

    private static func meanAndVariance(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, squares / Double(values.count - 1))
    }

    static func rounded(_ value: Double, digits: Int = 2) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }
}
