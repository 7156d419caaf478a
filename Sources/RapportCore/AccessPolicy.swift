import Foundation

/// What a user may do, by role.
public enum Role: String, Codable, CaseIterable, Sendable {
    /// Everything, including users, tokens and settings.
    case admin
    /// Reads and changes the customers of their team.
    case manager
    /// Reads and changes only customers that they or their team own.
    case agent
    /// Reads every customer, changes nothing.
    case analyst
}

/// The authenticated caller of a request.
public struct Principal: Equatable, Sendable {
    /// The user behind the request (also for API tokens: the token's owner).
    public let userID: UUID
    public let role: Role
    public let team: String?
    /// Recorded on the events the request writes.
    public let actor: Actor

    /// Creates a principal.
    public init(userID: UUID, role: Role, team: String?, actor: Actor) {
        self.userID = userID
        self.role = role
        self.team = team
        self.actor = actor
    }
}

/// Which customers a principal may see, as a rule the store turns into a query condition.
public enum CustomerVisibility: Equatable, Sendable {
    /// Every customer.
    case all
    /// Customers owned by this user or belonging to this team.
    case ownedBy(userID: UUID, team: String?)

    /// Whether a customer with this owner and team is visible.
    public func allows(ownerID: UUID?, team: String?) -> Bool {
        switch self {
        case .all:
            return true
        case .ownedBy(let userID, let myTeam):
            return ownerID == userID || (myTeam != nil && team == myTeam)
        }
    }
}

/// The authorisation rules for customers, in one place for the API, the UI and the CLI.
public enum AccessPolicy {
    /// The customers `principal` may read. Agents and managers see what they or their team own.
    public static func visibility(for principal: Principal) -> CustomerVisibility {
        switch principal.role {
        case .admin, .analyst: .all
        case .manager, .agent: .ownedBy(userID: principal.userID, team: principal.team)
        }
    }

    /// Whether `principal` may create, change, archive or restore customers at all.
    public static func canWriteCustomers(_ principal: Principal) -> Bool {
        principal.role != .analyst
    }

    /// Whether `principal` may create, change and delete crowds. Crowds are shared by everyone, so agents use them
    /// but do not define them.
    public static func canManageCrowds(_ principal: Principal) -> Bool {
        principal.role != .agent
    }

    /// Whether `principal` may review the duplicate queue, merge, dismiss and undo merges: work on any customer's
    /// record, so for admins and managers.
    public static func canMergeCustomers(_ principal: Principal) -> Bool {
        principal.role == .admin || principal.role == .manager
    }

    /// Whether `principal` may import files of customers: they create and change customers in bulk, whoever owns them.
    public static func canImport(_ principal: Principal) -> Bool {
        principal.role == .admin || principal.role == .manager
    }

    /// Whether `principal` may manage users and every user's API tokens.
    public static func canAdminister(_ principal: Principal) -> Bool {
        principal.role == .admin
    }
}
