import Foundation

/// The stage a customer is recorded in, since when, and why.
public struct StageState: Equatable, Sendable {
    public var stage: LifecycleStage
    public var since: Date
    /// The rule that decided it (`manual_override` when a person set it).
    public var rule: String
    public var reason: String
    /// Set by hand: the rules leave it alone until the override is cleared.
    public var overridden: Bool

    /// Creates a state.
    public init(stage: LifecycleStage, since: Date, rule: String, reason: String, overridden: Bool = false) {
        self.stage = stage
        self.since = since
        self.rule = rule
        self.reason = reason
        self.overridden = overridden
    }

    /// A new customer's state: a prospect until its first purchase.
    public static func initial(since: Date) -> StageState {
        StageState(stage: .prospect, since: since, rule: "no_purchase", reason: EnginePhrase.noPurchaseYet.text())
    }

    /// The state after `change`.
    public func applying(_ change: StageChange) -> StageState {
        StageState(stage: change.assessment.stage, since: change.at, rule: change.assessment.rule,
                   reason: change.reason)
    }
}

/// One move from a stage to another, and the `status` event that records it.
public struct StageChange: Equatable, Sendable {
    public let from: LifecycleStage
    public let assessment: StageAssessment
    /// When the customer entered the new stage.
    public let at: Date

    /// Creates a change.
    public init(from: LifecycleStage, assessment: StageAssessment, at: Date) {
        self.from = from
        self.assessment = assessment
        self.at = at
    }

    /// A silent or churned customer buying again: a win-back 回流.
    public var isWinBack: Bool {
        LifecycleEngine.isWinBack(from: from, to: assessment.stage)
    }

    /// The explanation, marked when the change is a win-back.
    public var reason: String {
        isWinBack ? EngineExplanation.winBackPrefix + assessment.reason : assessment.reason
    }

    /// The `stage_changed` event: old stage, and the new one with its rule, reason and numbers.
    public func event(customerID: UUID, actor: Actor, source: EventSource) -> NewChangeEvent {
        let detail: [String: JSONValue] = [
            "stage": .string(assessment.stage.rawValue),
            "rule": .string(assessment.rule),
            "reason": .string(reason),
            "days_since_last_purchase": assessment.daysSinceLastPurchase.map { .number(Double($0)) } ?? .null,
            "usual_gap_days": assessment.usualGapDays.map(JSONValue.number) ?? .null,
            "win_back": .bool(isWinBack),
        ]
        return NewChangeEvent(
            customerID: customerID, family: .status, kind: .stageChanged, field: "stage",
            oldValue: .string(from.rawValue), newValue: .object(detail), actor: actor, source: source, occurredAt: at)
    }
}

/// A person's stage override 手动设置阶段, and the events that set and clear it.
public enum StageOverride {
    /// The rule name a manual stage carries.
    public static let rule = "manual_override"

    /// The state a person set.
    public static func state(_ stage: LifecycleStage, reason: String, at time: Date) -> StageState {
        StageState(stage: stage, since: time, rule: rule, reason: reason, overridden: true)
    }

    /// The `stage_overridden` event.
    public static func setEvent(
        customerID: UUID, from old: LifecycleStage, to new: StageState, actor: Actor, source: EventSource
    ) -> NewChangeEvent {
        NewChangeEvent(
            customerID: customerID, family: .status, kind: .stageOverridden, field: "stage",
            oldValue: .string(old.rawValue),
            newValue: .object(["stage": .string(new.stage.rawValue), "rule": .string(rule),
                               "reason": .string(new.reason)]),
            actor: actor, source: source, occurredAt: new.since)
    }

    /// The `stage_override_cleared` event.
    public static func clearedEvent(
        customerID: UUID, stage: LifecycleStage, actor: Actor, source: EventSource, at time: Date
    ) -> NewChangeEvent {
        NewChangeEvent(
            customerID: customerID, family: .status, kind: .stageOverrideCleared, field: "stage",
            oldValue: .string(stage.rawValue), newValue: .null, actor: actor, source: source, occurredAt: time)
    }
}

/// Validates the documents of the lifecycle endpoints.
public enum LifecycleRequests {
    /// A stage override: `{stage, reason}`; the reason is required, so the timeline says why.
    public static func parseOverride(_ document: JSONValue) throws(ValidationError) -> (LifecycleStage, String) {
        var reader = DocumentReader()
        let members = try reader.topLevel(document, allowed: ["stage", "reason"])
        let errorsBefore = reader.errors.count
        let stage = reader.enumeration(members["stage"], at: "stage", as: LifecycleStage.self)
        if stage == nil, reader.errors.count == errorsBefore { reader.fail("stage", "required", "stage is required") }
        let reason = reader.requiredText(members["reason"], at: "reason", max: 500, prose: true)
        guard reader.errors.isEmpty, let stage, let reason else { throw ValidationError(reader.errors) }
        return (stage, reason)
    }

    /// A recompute: `{as_of?}`, the instant to apply the rules at (now when absent).
    public static func parseRecompute(_ document: JSONValue) throws(ValidationError) -> Date? {
        var reader = DocumentReader()
        let members = try reader.topLevel(document, allowed: ["as_of"])
        let asOf = members["as_of"].flatMap { $0 == .null ? nil : reader.time($0, at: "as_of") }
        guard reader.errors.isEmpty else { throw ValidationError(reader.errors) }
        return asOf
    }
}
