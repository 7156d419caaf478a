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
        // The gaps so far, kept sorted, so each purchase day's median is found without sorting again.
        var gaps: [Double] = []
        for (index, day) in days.enumerated() {
            if index > 0 {
                let gap = Double(day - days[index - 1])
                gaps.insert(gap, at: gaps.firstIndex { $0 > gap } ?? gaps.count)
            }
            let median = gaps.isEmpty ? nil
                : gaps.count % 2 == 1 ? gaps[gaps.count / 2] : (gaps[gaps.count / 2 - 1] + gaps[gaps.count / 2]) / 2
            let known = days[...index]
            let end = index + 1 < days.count ? days[index + 1] : today + 1
            guard let atPurchase = rhythm(sortedDays: known, medianGap: median, today: day) else { continue }
            var candidates = [day, day + Int(atPurchase.silentAfter.rounded(.down)) + 1,
                              day + Int(atPurchase.churnAfter.rounded(.down)) + 1]
            if index == 0 { candidates.append(day + settings.newDays) }
            for candidate in Set(candidates).sorted() where candidate < end {
                guard let verdict = rhythm(sortedDays: known, medianGap: median, today: candidate),
                    verdict.stage != current
                else { continue }
                transitions.append(StageTransition(day: candidate, assessment: explain(verdict)))
                current = verdict.stage
            }
        }
        return transitions
    }

    /// The stage changes that take a customer from its recorded stage to the one the rules give at `now`, each at
    /// the instant it happened: a customer last seen months ago went silent on the day its silence began, not on the
    /// day somebody asked. Changes already recorded (at or before `current.since`) are not repeated, a manual
    /// override is left alone, and so is a stage recorded after `now` (a recompute as of an earlier time does not
    /// undo what a later one found).
    public func changes(from current: StageState, purchases: PurchaseSummary, at now: Date) -> [StageChange] {
        guard !current.overridden, now >= current.since else { return [] }
        let today = BusinessDay.number(of: now)
        // Most customers stay where they are: decide that without building an explanation.
        let days = purchases.purchaseDays
        let verdict = rhythm(sortedDays: days[...], medianGap: Self.medianGap(of: days), today: today)
        let rhythmStage = verdict?.stage ?? .prospect
        if rhythmStage == current.stage {
            // Evidence is only weighed for customers the rhythm has not already called prospect or churned.
            let weighed = rhythmStage != .prospect && rhythmStage != .churned
            let facts = BuyingFacts(purchaseDays: days, today: today)
            if !weighed || !churnEvidence.contains(where: { $0.mayApply(facts) }) { return [] }
        }
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
