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

    public func mayApply(_ facts: BuyingFacts) -> Bool {
        guard let model = model.value else { return false }
        return (pAlive(facts, model: model) ?? 1) < threshold
    }

    /// P(alive) of a repeat customer; nil for customers with one purchase day.
    private func pAlive(_ facts: BuyingFacts, model: ValueModel) -> Double? {
        // Stats keep purchase days sorted and distinct; anything else is made so.
        let given = facts.purchaseDays
        let days = zip(given, given.dropFirst()).allSatisfy { $0 < $1 } ? given : Array(Set(given)).sorted()
        guard days.count >= 2, let first = days.first, let last = days.last, facts.today >= last else { return nil }
        let unit = Double(model.timeUnitDays)
        return model.bgnbd.pAlive(
            x: Double(days.count - 1), tx: Double(last - first) / unit, T: Double(facts.today - first) / unit)
    }

    public func churnAssessment(_ facts: BuyingFacts, rhythm: StageAssessment) -> StageAssessment? {
        guard let model = model.value, let pAlive = pAlive(facts, model: model), pAlive < threshold else { return nil }
        let days = Array(Set(facts.purchaseDays)).sorted()
        guard let last = days.last else { return nil }
        let idle = facts.today - last
        let gap = LifecycleEngine.medianGap(of: days)
        let phrases = [EnginePhrase.noPurchaseFor.text(.days(Double(idle)))]
            + (gap.map { [EnginePhrase.usualGap.text(.days($0))] } ?? [])
            + [EnginePhrase.pAliveBelow.text(.decimal(pAlive), .decimal(threshold))]
        return StageAssessment(
            stage: .churned, rule: "churned_by_p_alive", reason: EngineExplanation.joining(phrases),
            daysSinceLastPurchase: idle, usualGapDays: gap)
    }
}
