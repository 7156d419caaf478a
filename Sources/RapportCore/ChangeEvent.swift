import Foundation

/// The four families of customer change 客户变动 (domain/000): each drives a different response.
public enum EventFamily: String, Codable, CaseIterable, Sendable {
    /// Contact details and other field updates, merges.
    case info
    /// Lifecycle stage, tier, crowd entered or left.
    case status
    /// Purchases, refunds, detected shifts in buying behaviour.
    case transaction
    /// Interactions, feedback, surveys, loyalty.
    case relationship
}

/// What happened, within a family. An open set: later features add kinds without touching this file's users.
public struct EventKind: RawRepresentable, Hashable, Codable, Sendable {
    public let rawValue: String

    /// Wraps a kind name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The customer came into existence; `new_value` holds the whole first document.
    public static let created = EventKind(rawValue: "created")
    /// One field changed; `field`, `old_value` and `new_value` say how.
    public static let fieldChanged = EventKind(rawValue: "field_changed")
    /// The customer was archived (soft-deleted).
    public static let archived = EventKind(rawValue: "archived")
    /// An archived customer was restored.
    public static let restored = EventKind(rawValue: "restored")
    /// The customer's personal data was erased on a data-subject request (`CustomerErasure`): the record became a
    /// tombstone and its past events lost their personal values. Carries no values.
    public static let erased = EventKind(rawValue: "erased")
    /// The lifecycle stage changed by the rules; `new_value` holds the stage, the rule, the reason and the numbers.
    public static let stageChanged = EventKind(rawValue: "stage_changed")
    /// A person set the stage by hand; it holds until cleared.
    public static let stageOverridden = EventKind(rawValue: "stage_overridden")
    /// A manual stage was cleared; the rules decide again.
    public static let stageOverrideCleared = EventKind(rawValue: "stage_override_cleared")
    /// A purchase; `new_value` holds the transaction.
    public static let purchase = EventKind(rawValue: "purchase")
    /// A refund; `new_value` holds the transaction.
    public static let refund = EventKind(rawValue: "refund")
    /// An interaction; `new_value` holds it.
    public static let interaction = EventKind(rawValue: "interaction")
    /// The value tier changed (`field` tier, old and new tier).
    public static let tierChanged = EventKind(rawValue: "tier_changed")
    /// The ABC class changed.
    public static let abcChanged = EventKind(rawValue: "abc_changed")
    /// The RFM group changed.
    public static let rfmGroupChanged = EventKind(rawValue: "rfm_group_changed")
    /// The customer entered a crowd (`field` crowds; `new_value` {id, name} of the crowd).
    public static let crowdEntered = EventKind(rawValue: "crowd_entered")
    /// The customer left a crowd (`field` crowds; `old_value` {id, name} of the crowd).
    public static let crowdLeft = EventKind(rawValue: "crowd_left")
}

/// Where a change came from.
public enum EventSource: String, Codable, CaseIterable, Sendable {
    case api, ui, `import`, rule, system
}

/// Who made a change: a signed-in user, an API token, or the system itself.
public struct Actor: Hashable, Codable, Sendable {
    /// The kind of actor.
    public enum Kind: String, Codable, Sendable {
        /// `import`: an import job, whose ID is the actor's.
        case user, token, system, `import`
    }

    public let kind: Kind
    /// The user's or token's ID; nil for the system.
    public let id: UUID?

    /// Creates an actor reference.
    public init(kind: Kind, id: UUID?) {
        self.kind = kind
        self.id = id
    }

    /// Changes made by Rapport itself (jobs, rules).
    public static let system = Actor(kind: .system, id: nil)
}

/// An event about to be appended; the store assigns `seq` and `recorded_at`.
public struct NewChangeEvent: Equatable, Sendable {
    public let customerID: UUID
    public let family: EventFamily
    public let kind: EventKind
    public let field: String?
    public let oldValue: JSONValue?
    public let newValue: JSONValue?
    public let actor: Actor
    public let source: EventSource
    public let occurredAt: Date

    /// Creates an event to append.
    public init(
        customerID: UUID, family: EventFamily, kind: EventKind, field: String? = nil, oldValue: JSONValue? = nil,
        newValue: JSONValue? = nil, actor: Actor, source: EventSource, occurredAt: Date
    ) {
        self.customerID = customerID
        self.family = family
        self.kind = kind
        self.field = field
        self.oldValue = oldValue
        self.newValue = newValue
        self.actor = actor
        self.source = source
        self.occurredAt = occurredAt
    }
}

/// A change event as stored: append-only, never deleted, and updated only by an erasure, which removes personal
/// values from a customer's events (`CustomerErasure.scrubbed`).
public struct ChangeEvent: Equatable, Sendable {
    /// Global position in the change feed; strictly increasing in commit order.
    public let seq: Int64
    /// What was appended.
    public let event: NewChangeEvent
    /// When Rapport wrote it (differs from `occurredAt` for back-dated imports).
    public let recordedAt: Date

    /// Creates a stored event.
    public init(seq: Int64, event: NewChangeEvent, recordedAt: Date) {
        self.seq = seq
        self.event = event
        self.recordedAt = recordedAt
    }
}
