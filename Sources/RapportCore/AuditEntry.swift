import Foundation

/// What a security-relevant action was, for the audit log: `customer.exported`, `permission.denied`, … An open set,
/// like `EventKind`: later features (sign-ins, token changes) add actions without touching this file's users.
public struct AuditAction: RawRepresentable, Hashable, Codable, Sendable {
    public let rawValue: String

    /// Wraps an action name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Everything held about a customer was exported on a data-subject request.
    public static let customerExported = AuditAction(rawValue: "customer.exported")
    /// A customer's personal data was erased on a data-subject request.
    public static let customerErased = AuditAction(rawValue: "customer.erased")
    /// A caller was refused an action its role does not allow; `detail.operation` names the action.
    public static let permissionDenied = AuditAction(rawValue: "permission.denied")
    /// A user signed in to the web UI; the actor is the user.
    public static let signedIn = AuditAction(rawValue: "sign_in.succeeded")
    /// A sign-in failed (unknown account, wrong password, disabled user); the target is the account when it exists.
    public static let signInFailed = AuditAction(rawValue: "sign_in.failed")
    /// A sign-in was refused unchecked: too many failures for the account from the address.
    public static let signInThrottled = AuditAction(rawValue: "sign_in.throttled")
    /// A user signed out of the web UI.
    public static let signedOut = AuditAction(rawValue: "sign_out")
    /// An administrator created a user; the target is the new user.
    public static let userCreated = AuditAction(rawValue: "user.created")
    /// An administrator changed a user's role or team, or disabled or re-enabled the account.
    public static let userChanged = AuditAction(rawValue: "user.changed")
    /// An API token was created; the target is the token, `detail.user_id` its owner.
    public static let tokenCreated = AuditAction(rawValue: "token.created")
    /// An API token was revoked.
    public static let tokenRevoked = AuditAction(rawValue: "token.revoked")
    /// Customers, transactions, interactions or events were exported in bulk; `detail.kind` says which.
    public static let dataExported = AuditAction(rawValue: "data.exported")
}

/// An entry about to be appended to the audit log; the store assigns its ID and time. Its detail must hold no
/// personal data: IDs and numbers, not names or contact points.
public struct NewAuditEntry: Equatable, Sendable {
    /// Who did it.
    public let actor: Actor
    public let action: AuditAction
    /// What it was done to: `customer`, `user`, `token`…; nil when nothing in particular.
    public let targetKind: String?
    /// The target's ID as text (a UUID in lower case for customers).
    public let targetID: String?
    /// Further facts, as a JSON object.
    public let detail: JSONValue

    /// Creates an entry.
    public init(
        actor: Actor, action: AuditAction, targetKind: String? = nil, targetID: String? = nil,
        detail: JSONValue = .object([:])
    ) {
        self.actor = actor
        self.action = action
        self.targetKind = targetKind
        self.targetID = targetID
        self.detail = detail
    }

    /// An entry about a customer, its target the customer's ID.
    public static func customer(_ id: UUID, actor: Actor, action: AuditAction, detail: JSONValue) -> NewAuditEntry {
        NewAuditEntry(actor: actor, action: action, targetKind: "customer", targetID: UUIDText.format(id),
                      detail: detail)
    }
}

/// An entry of the audit log as stored: append-only.
public struct AuditEntry: Equatable, Sendable {
    /// A time-ordered ID.
    public let id: UUID
    /// When it was appended.
    public let at: Date
    /// What was appended.
    public let entry: NewAuditEntry

    /// Creates a stored entry.
    public init(id: UUID, at: Date, entry: NewAuditEntry) {
        self.id = id
        self.at = at
        self.entry = entry
    }

    /// The entry as the API shows it, every key present.
    public var json: JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            "id": .string(UUIDText.format(id)),
            "at": .string(RFC3339.format(at)),
            "actor": .object(["type": .string(entry.actor.kind.rawValue),
                              "id": optional(entry.actor.id.map { UUIDText.format($0) })]),
            "action": .string(entry.action.rawValue),
            "target_kind": optional(entry.targetKind),
            "target_id": optional(entry.targetID),
            "detail": entry.detail,
        ])
    }
}
