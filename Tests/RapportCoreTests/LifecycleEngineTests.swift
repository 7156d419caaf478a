import Foundation
import Testing
@testable import RapportCore

@Suite("Lifecycle rules")
struct LifecycleEngineTests {
    let engine = LifecycleEngine()

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let purchaseDays: [Int]
        let today: Int
        let stage: LifecycleStage
        let reason: String
        var testDescription: String { name }
    }

    /// Day numbers are relative: "today" is day 1,000.
    static let cases: [Case] = [
        Case(name: "no purchase", purchaseDays: [], today: 1000, stage: .prospect, reason: "no purchase yet"),
        Case(name: "first purchase today", purchaseDays: [1000], today: 1000, stage: .new,
             reason: "first purchase 0 days ago; new for 30 days"),
        Case(name: "first purchase 29 days ago, several orders that day", purchaseDays: [971, 971, 971], today: 1000,
             stage: .new, reason: "first purchase 29 days ago; new for 30 days"),
        Case(name: "first purchase 30 days ago is no longer new", purchaseDays: [970], today: 1000, stage: .active,
             reason: "last purchase 30 days ago; one purchase day; silent after 60 days"),
        Case(name: "a repeat within 30 days is not new", purchaseDays: [980, 990], today: 1000, stage: .active,
             reason: "last purchase 10 days ago; usual gap 10 days; silent after 60 days"),
        Case(name: "one purchase day, 60 days idle: still active", purchaseDays: [940], today: 1000, stage: .active,
             reason: "last purchase 60 days ago; one purchase day; silent after 60 days"),
        Case(name: "one purchase day, 61 days idle: silent", purchaseDays: [939], today: 1000, stage: .silent,
             reason: "no purchase for 61 days; one purchase day; silent after 60 days"),
        Case(name: "one purchase day, 180 days idle: silent", purchaseDays: [820], today: 1000, stage: .silent,
             reason: "no purchase for 180 days; one purchase day; silent after 60 days"),
        Case(name: "one purchase day, 181 days idle: churned", purchaseDays: [819], today: 1000, stage: .churned,
             reason: "no purchase for 181 days; one purchase day; churned after 180 days"),
        Case(name: "monthly buyer, 75 days idle: active (2.5 × 30)", purchaseDays: [865, 895, 925], today: 1000,
             stage: .active, reason: "last purchase 75 days ago; usual gap 30 days; silent after 75 days"),
        Case(name: "monthly buyer, 76 days idle: silent", purchaseDays: [864, 894, 924], today: 1000, stage: .silent,
             reason: "no purchase for 76 days; usual gap 30 days; silent after 75 days"),
        Case(name: "the issue's example: 100 days idle, usual gap 30", purchaseDays: [840, 870, 900], today: 1000,
             stage: .silent, reason: "no purchase for 100 days; usual gap 30 days; silent after 75 days"),
        Case(name: "monthly buyer, 181 days idle: churned (180 beats 5 × 30)", purchaseDays: [759, 789, 819],
             today: 1000, stage: .churned, reason: "no purchase for 181 days; usual gap 30 days; churned after 180 days"),
        Case(name: "quarterly buyer, 200 days idle: still active by its own rhythm", purchaseDays: [620, 710, 800],
             today: 1000, stage: .active, reason: "last purchase 200 days ago; usual gap 90 days; silent after 225 days"),
        Case(name: "quarterly buyer, 226 days idle: silent", purchaseDays: [594, 684, 774], today: 1000,
             stage: .silent, reason: "no purchase for 226 days; usual gap 90 days; silent after 225 days"),
        Case(name: "quarterly buyer, 451 days idle: churned", purchaseDays: [369, 459, 549], today: 1000,
             stage: .churned, reason: "no purchase for 451 days; usual gap 90 days; churned after 450 days"),
        Case(name: "weekly buyer keeps the 60-day floor", purchaseDays: [930, 937, 944, 951], today: 1000,
             stage: .active, reason: "last purchase 49 days ago; usual gap 7 days; silent after 60 days"),
        Case(name: "even number of gaps: the median is the mean of the middle two", purchaseDays: [900, 910, 930, 960, 1000],
             today: 1000, stage: .active, reason: "last purchase 0 days ago; usual gap 25 days; silent after 62.5 days"),
    ]

    @Test("each rule, its thresholds and its explanation", arguments: cases)
    func rules(_ example: Case) {
        let assessment = engine.assess(BuyingFacts(purchaseDays: example.purchaseDays, today: example.today))
        #expect(assessment.stage == example.stage)
        #expect(assessment.reason == example.reason)
    }

    @Test("a quarterly buyer 200 days idle is judged by its own rhythm, not by the 60-day floor")
    func rhythmBeatsFloor() {
        let assessment = engine.assess(BuyingFacts(purchaseDays: [620, 710, 800], today: 1000))
        #expect(assessment.stage == .active)
        #expect(assessment.rule == "buying_in_rhythm")
        #expect(assessment.usualGapDays == 90)
        #expect(assessment.daysSinceLastPurchase == 200)
    }

    @Test("a churned customer who buys again is active, and that is a win-back")
    func winBack() {
        let before = engine.assess(BuyingFacts(purchaseDays: [500, 530], today: 1000))
        let after = engine.assess(BuyingFacts(purchaseDays: [500, 530, 1000], today: 1000))
        #expect(before.stage == .churned)
        #expect(after.stage == .active)
        #expect(LifecycleEngine.isWinBack(from: before.stage, to: after.stage))
        #expect(LifecycleEngine.isWinBack(from: .silent, to: .active))
        #expect(!LifecycleEngine.isWinBack(from: .new, to: .active))
        #expect(!LifecycleEngine.isWinBack(from: nil, to: .active))
    }

    @Test("with the history fixed, time passing only moves a customer forward: active → silent → churned",
          arguments: [[500], [500, 530], [400, 410, 430, 480], [100, 300, 500]])
    func timeOnlyMovesForward(purchaseDays: [Int]) {
        let order: [LifecycleStage] = [.new, .active, .silent, .churned]
        var previous = 0
        for today in (purchaseDays.max()!)...(purchaseDays.max()! + 3000) {
            let stage = engine.assess(BuyingFacts(purchaseDays: purchaseDays, today: today)).stage
            let index = order.firstIndex(of: stage)!
            #expect(index >= previous, "day \(today): \(stage)")
            previous = index
        }
        #expect(order[previous] == .churned)
    }

    @Test("thresholds are settings")
    func settings() {
        let strict = LifecycleEngine(settings: LifecycleSettings(newDays: 7, silentMinDays: 20, churnMinDays: 40))
        #expect(strict.assess(BuyingFacts(purchaseDays: [990], today: 1000)).stage == .active)
        #expect(strict.assess(BuyingFacts(purchaseDays: [979], today: 1000)).stage == .silent)
        #expect(strict.assess(BuyingFacts(purchaseDays: [959], today: 1000)).stage == .churned)
    }

    struct AliveBelow: ChurnEvidence {
        let probabilityAlive: Double
        func churnAssessment(_ facts: BuyingFacts, rhythm: StageAssessment) -> StageAssessment? {
            guard probabilityAlive < 0.2 else { return nil }
            return StageAssessment(stage: .churned, rule: "p_alive_below_threshold",
                                   reason: rhythm.reason + "; P(alive) \(probabilityAlive)",
                                   daysSinceLastPurchase: rhythm.daysSinceLastPurchase, usualGapDays: rhythm.usualGapDays)
        }
    }

    @Test("other churn evidence plugs in before the rhythm rules, and never touches prospects")
    func churnEvidenceSeam() {
        let engine = LifecycleEngine(churnEvidence: [AliveBelow(probabilityAlive: 0.12)])
        let assessment = engine.assess(BuyingFacts(purchaseDays: [900, 930], today: 1000))
        #expect(assessment.stage == .churned)
        #expect(assessment.rule == "p_alive_below_threshold")
        #expect(assessment.reason.hasSuffix("P(alive) 0.12"))
        #expect(engine.assess(BuyingFacts(purchaseDays: [], today: 1000)).stage == .prospect)
        let alive = LifecycleEngine(churnEvidence: [AliveBelow(probabilityAlive: 0.9)])
        #expect(alive.assess(BuyingFacts(purchaseDays: [900, 930], today: 1000)).stage == .active)
    }

    @Test("the median gap ignores repeated days and order")
    func medianGap() {
        #expect(LifecycleEngine.medianGap(of: []) == nil)
        #expect(LifecycleEngine.medianGap(of: [5, 5, 5]) == nil)
        #expect(LifecycleEngine.medianGap(of: [30, 10, 20, 20]) == 10)
        #expect(LifecycleEngine.medianGap(of: [0, 1, 11, 111]) == 10)
        #expect(LifecycleEngine.medianGap(of: [0, 2, 6, 12]) == 4)
    }
}
