import Foundation
import RapportCore

/// A user as the API shows it (never the password hash).
struct UserDTO: Encodable {
    let id: UUID
    let email: String
    let displayName: String
    let role: Role
    let team: String?
    let createdAt: Date
    let disabledAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, email, role, team
        case displayName = "display_name"
        case createdAt = "created_at"
        case disabledAt = "disabled_at"
    }

    init(_ user: User) {
        id = user.id
        email = user.email
        displayName = user.displayName
        role = user.role
        team = user.team
        createdAt = user.createdAt
        disabledAt = user.disabledAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercased, forKey: .id)
        try container.encode(email, forKey: .email)
        try container.encode(displayName, forKey: .displayName)
        try container.encode(role, forKey: .role)
        try container.encode(team, forKey: .team)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(disabledAt, forKey: .disabledAt)
    }
}

/// An API token as listed; `secret` only in the response that created it.
struct TokenDTO: Encodable {
    let id: UUID
    let name: String
    let userID: UUID
    let createdAt: Date
    let lastUsedAt: Date?
    let revokedAt: Date?
    let secret: String?

    enum CodingKeys: String, CodingKey {
        case id, name, secret
        case userID = "user_id"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }

    init(_ token: APIToken, secret: String? = nil) {
        id = token.id
        name = token.name
        userID = token.userID
        createdAt = token.createdAt
        lastUsedAt = token.lastUsedAt
        revokedAt = token.revokedAt
        self.secret = secret
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercased, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(userID.lowercased, forKey: .userID)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(lastUsedAt, forKey: .lastUsedAt)
        try container.encode(revokedAt, forKey: .revokedAt)
        try container.encodeIfPresent(secret, forKey: .secret)
    }
}
