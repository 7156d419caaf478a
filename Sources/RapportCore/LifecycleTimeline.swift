import Foundation

/// A stage a customer entered on a day, by the rhythm rules.
public struct StageTransition: Equatable, Sendable {
    public let day: Int
    public let assessment: StageAssessment
}

extension LifecycleEngine {
    /// Every stage a customer went through from its first purchase up to `today`, by the rhythm rules alone: the
    /// stages change only on purchase days and on the days a threshold is crossed, so those are the days examined.
    /// Before the first entry the customer was a prospect.
    public func timeline(purchaseDays: [Int], through today: Int) -> [StageTransition] {
        let days = Array(Set(purchaseDays)).filter { $0 <= today }.sorted()
        var transitions: [StageTransition] = []
        var current = LifecycleStage.prospect
        for (index, day) in days.enumerated() {
            let known = Array(days[...index])
            let end = index + 1 < days.count ? days[index + 1] : today + 1
            let gap = Self.medianGap(of: known)
            let silentAfter = max(Double(settings.silentMinDays), gap.map { settings.silentGapMultiple * $0 } ?? 0)
            let churnAfter = max(Double(settings.churnMinDays), gap.map { settings.churnGapMultiple * $0 } ?? 0)
            var candidates = [day, day + Int(silentAfter.rounded(.down)) + 1, day + Int(churnAfter.rounded(.down)) + 1]
            if index == 0 { candidates.append(day + settings.newDays) }
            for candidate in Set(candidates).sorted() where candidate < end {
                let assessment = assessByRhythm(BuyingFacts(purchaseDays: known, today: candidate))
                guard assessment.stage != current else { continue }
                transitions.append(StageTransition(day: candidate, assessment: assessment))
                current = assessment.stage
            }
        }
        return transitions
    }

    /// The stage changes that take a customer from its recorded stage to the one the rules give at `now`, each at
    /// the instant it happened: a customer last seen months ago went silent on the day its silence began, not on the
    /// day somebody asked. Changes already recorded (at or before `current.since`) are not repeated, and a manual
    /// override is left alone.
    public func changes(from current: StageState, purchases: PurchaseSummary, at now: Date) -> [StageChange] {
        guard !current.overridden else { return [] }
        let today = BusinessDay.number(of: now)
        let target = assess(BuyingFacts(purchaseDays: purchases.purchaseDays, today: today))
        guard target.stage != current.stage else { return [] }
        var changes: [StageChange] = []
        var stage = current.stage
        for transition in timeline(purchaseDays: purchases.purchaseDays, through: today) {
            let at = min(purchases.instant(ofDay: transition.day), now)
            guard at > current.since, transition.assessment.stage != stage else { continue }
            changes.append(StageChange(from: stage, assessment: transition.assessment, at: at))
            stage = transition.assessment.stage
        }
        if stage != target.stage {
            // A change the timeline cannot place: evidence beyond the rhythm (P(alive)), or history that arrived
            // after the stage was recorded. It happens now.
            changes.append(StageChange(from: stage, assessment: target, at: max(now, current.since)))
        }
        return changes
    }
}
