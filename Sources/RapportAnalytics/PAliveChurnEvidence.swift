import RapportCore
import Synchronization

/// The fitted model the running process scores with: replaced after each fit, read by every lifecycle judgement.
public final class CurrentValueModel: Sendable {
    private let model: Mutex<ValueModel?>

    /// Holds `model` (nil until one is fitted).
    public init(_ model: ValueModel? = nil) {
        self.model = Mutex(model)
    }

    /// The model now.
    public var value: ValueModel? { model.withLock { $0 } }

    /// Replaces the model.
    public func replace(with newModel: ValueModel?) {
        model.withLock { $0 = newModel }
    }
}

/// The analytics engine's churn evidence for the lifecycle rules: a repeat customer whose BG/NBD P(alive) is below
/// the threshold is `churned`, even while its rhythm says merely silent.
public struct PAliveChurnEvidence: ChurnEvidence {
    public let model: CurrentValueModel
    public let threshold: Double

    /// Evidence from the model `model` holds at each judgement.
    public init(model: CurrentValueModel, threshold: Double) {
        self.model = model
        self.threshold = threshold
    }

    public func churnAssessment(_ facts: BuyingFacts, rhythm: StageAssessment) -> StageAssessment? {
        guard let model = model.value else { return nil }
        let days = Array(Set(facts.purchaseDays)).sorted()
        guard days.count >= 2, let first = days.first, let last = days.last, facts.today >= last else { return nil }
        let unit = Double(model.timeUnitDays)
        let pAlive = model.bgnbd.pAlive(
            x: Double(days.count - 1), tx: Double(last - first) / unit, T: Double(facts.today - first) / unit)
        guard pAlive < threshold else { return nil }
        let idle = facts.today - last
        let gap = LifecycleEngine.medianGap(of: days)
        let usual = gap.map { "; usual gap \(ValueEngine.days($0))" } ?? ""
        return StageAssessment(
            stage: .churned, rule: "churned_by_p_alive",
            reason: "no purchase for \(ValueEngine.days(idle))\(usual); P(alive) "
                + String(format: "%.2f", pAlive) + " below " + String(format: "%.2f", threshold),
            daysSinceLastPurchase: idle, usualGapDays: gap)
    }
}
