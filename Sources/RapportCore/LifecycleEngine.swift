import Foundation

/// A customer's lifecycle stage 生命周期阶段, derived from purchases, never typed by hand (a manual override is
/// recorded as such).
public enum LifecycleStage: String, Codable, CaseIterable, Sendable {
    /// 潜在客户: no purchase yet.
    case prospect
    /// 新客户: a recent first purchase and no repeat yet.
    case new
    /// 活跃客户: buying in its usual rhythm.
    case active
    /// 沉默客户: quieter than its own rhythm allows.
    case silent
    /// 流失客户: gone, by its rhythm or by other evidence (P(alive), in the analytics engine).
    case churned
}

/// The thresholds of the lifecycle rules; each is a setting.
public struct LifecycleSettings: Equatable, Sendable {
    /// A first purchase less than this many days ago, without a repeat, is `new`.
    public var newDays: Int
    /// Never `silent` sooner than this many days after the last purchase.
    public var silentMinDays: Int
    /// `silent` after this many times the customer's median gap between purchase days (if longer).
    public var silentGapMultiple: Double
    /// Never `churned` sooner than this many days after the last purchase.
    public var churnMinDays: Int
    /// `churned` after this many times the median gap (if longer).
    public var churnGapMultiple: Double

    /// The defaults of the product design.
    public init(
        newDays: Int = 30, silentMinDays: Int = 60, silentGapMultiple: Double = 2.5, churnMinDays: Int = 180,
        churnGapMultiple: Double = 5
    ) {
        self.newDays = newDays
        self.silentMinDays = silentMinDays
        self.silentGapMultiple = silentGapMultiple
        self.churnMinDays = churnMinDays
        self.churnGapMultiple = churnGapMultiple
    }
}

/// A stage and why: the rule that decided it and the numbers behind it, for the `status` event and for people.
public struct StageAssessment: Equatable, Sendable {
    public let stage: LifecycleStage
    /// Stable name of the deciding rule, e.g. `silent_by_rhythm`.
    public let rule: String
    /// The explanation a person reads: "no purchase for 100 days; usual gap 30 days; silent after 75 days".
    public let reason: String
    /// Whole days since the last purchase day; nil for prospects.
    public let daysSinceLastPurchase: Int?
    /// Median days between purchase days; nil with fewer than two purchase days.
    public let usualGapDays: Double?

    /// Creates an assessment.
    public init(stage: LifecycleStage, rule: String, reason: String, daysSinceLastPurchase: Int?, usualGapDays: Double?) {
        self.stage = stage
        self.rule = rule
        self.reason = reason
        self.daysSinceLastPurchase = daysSinceLastPurchase
        self.usualGapDays = usualGapDays
    }
}

/// What the engine knows about one customer's buying.
public struct BuyingFacts: Equatable, Sendable {
    /// Days (day numbers in the business's calendar) with a net purchase, in any order, repeats allowed: a day
    /// counts once however many orders it had.
    public let purchaseDays: [Int]
    /// Today's day number.
    public let today: Int

    /// Creates the facts.
    public init(purchaseDays: [Int], today: Int) {
        self.purchaseDays = purchaseDays
        self.today = today
    }
}

/// Other evidence that a customer has churned, checked before the rhythm rules. The seam through which the analytics
/// engine adds "churned when P(alive) < threshold".
public protocol ChurnEvidence: Sendable {
    /// An assessment marking the customer churned, or nil when this evidence says nothing.
    func churnAssessment(_ facts: BuyingFacts, rhythm: StageAssessment) -> StageAssessment?

    /// Whether `churnAssessment` could mark the customer churned; false only when it certainly would not. A full
    /// recompute asks this of every customer whose rhythm stage is unchanged, so it must be cheap: no explanation.
    func mayApply(_ facts: BuyingFacts) -> Bool
}

extension ChurnEvidence {
    public func mayApply(_ facts: BuyingFacts) -> Bool { true }
}

/// The lifecycle rules of the product design, as pure functions of a customer's purchase days and today.
public struct LifecycleEngine: Sendable {
    public let settings: LifecycleSettings
    /// Evidence beyond the rhythm rules that can mark a customer churned (none by default).
    public let churnEvidence: [any ChurnEvidence]

    /// Creates an engine.
    public init(settings: LifecycleSettings = LifecycleSettings(), churnEvidence: [any ChurnEvidence] = []) {
        self.settings = settings
        self.churnEvidence = churnEvidence
    }

    /// The stage the rules give.
    public func assess(_ facts: BuyingFacts) -> StageAssessment {
        let rhythm = assessByRhythm(facts)
        guard rhythm.stage != .prospect, rhythm.stage != .churned else { return rhythm }
        for evidence in churnEvidence {
            if let churned = evidence.churnAssessment(facts, rhythm: rhythm) { return churned }
        }
        return rhythm
    }

    /// Whether moving from `previous` to `next` is a win-back 回流: a silent or churned customer buying again.
    public static func isWinBack(from previous: LifecycleStage?, to next: LifecycleStage) -> Bool {
        (previous == .silent || previous == .churned) && next == .active
    }

    /// The median of the gaps between consecutive distinct purchase days; nil with fewer than two days.
    public static func medianGap(of purchaseDays: [Int]) -> Double? {
        let days = Array(Set(purchaseDays)).sorted()
        guard days.count >= 2 else { return nil }
        let gaps = zip(days.dropFirst(), days).map { Double($0 - $1) }.sorted()
        let middle = gaps.count / 2
        return gaps.count % 2 == 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2
    }

    func assessByRhythm(_ facts: BuyingFacts) -> StageAssessment {
        let days = Array(Set(facts.purchaseDays)).sorted()
        return explain(rhythm(sortedDays: days[...], medianGap: Self.medianGap(of: days), today: facts.today))
    }

    /// The rhythm rules' verdict, without its explanation: the timeline weighs many days and explains few.
    struct Rhythm {
        let stage: LifecycleStage
        let idle: Int
        let gap: Double?
        let silentAfter: Double
        let churnAfter: Double
        let sinceFirst: Int
    }

    /// The rhythm rules for distinct purchase days in ascending order (at least one) whose gaps have `medianGap`.
    func rhythm(sortedDays days: ArraySlice<Int>, medianGap gap: Double?, today: Int) -> Rhythm? {
        guard let first = days.first, let last = days.last else { return nil }
        let idle = today - last
        let silentAfter = max(Double(settings.silentMinDays), gap.map { settings.silentGapMultiple * $0 } ?? 0)
        let churnAfter = max(Double(settings.churnMinDays), gap.map { settings.churnGapMultiple * $0 } ?? 0)
        let stage: LifecycleStage
        if Double(idle) > churnAfter {
            stage = .churned
        } else if Double(idle) > silentAfter {
            stage = .silent
        } else if days.count == 1, today - first < settings.newDays {
            stage = .new
        } else {
            stage = .active
        }
        return Rhythm(stage: stage, idle: idle, gap: gap, silentAfter: silentAfter, churnAfter: churnAfter,
                      sinceFirst: today - first)
    }

    /// The assessment of a verdict: the rule and the explanation a person reads, in `EnginePhrase`s.
    func explain(_ rhythm: Rhythm?) -> StageAssessment {
        guard let rhythm else {
            return StageAssessment(stage: .prospect, rule: "no_purchase", reason: EnginePhrase.noPurchaseYet.text(),
                                   daysSinceLastPurchase: nil, usualGapDays: nil)
        }
        let idle = EnginePhrase.Value.days(Double(rhythm.idle))
        let usual = rhythm.gap.map { EnginePhrase.usualGap.text(.days($0)) } ?? EnginePhrase.onePurchaseDay.text()
        func assessment(_ rule: String, _ phrases: String...) -> StageAssessment {
            StageAssessment(stage: rhythm.stage, rule: rule, reason: EngineExplanation.joining(phrases),
                            daysSinceLastPurchase: rhythm.idle, usualGapDays: rhythm.gap)
        }
        switch rhythm.stage {
        case .churned:
            return assessment("churned_by_rhythm", EnginePhrase.noPurchaseFor.text(idle), usual,
                              EnginePhrase.churnedAfter.text(.days(rhythm.churnAfter)))
        case .silent:
            return assessment("silent_by_rhythm", EnginePhrase.noPurchaseFor.text(idle), usual,
                              EnginePhrase.silentAfter.text(.days(rhythm.silentAfter)))
        case .new:
            return assessment("first_purchase_recent",
                              EnginePhrase.firstPurchaseAgo.text(.days(Double(rhythm.sinceFirst))),
                              EnginePhrase.newFor.text(.days(Double(settings.newDays))))
        case .active, .prospect:
            return assessment("buying_in_rhythm", EnginePhrase.lastPurchaseAgo.text(idle), usual,
                              EnginePhrase.silentAfter.text(.days(rhythm.silentAfter)))
        }
    }
}
