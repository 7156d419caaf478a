import Foundation

/// Someone who signs in to Rapport.
public struct User: Equatable, Sendable {
    public let id: UUID
    /// Normalised e-mail address; unique.
    public let email: String
    public let displayName: String
    public let role: Role
    public let team: String?
    public let createdAt: Date
    /// Set when the account may no longer sign in or use its tokens.
    public let disabledAt: Date?

    /// Creates a user value.
    public init(
        id: UUID, email: String, displayName: String, role: Role, team: String?, createdAt: Date, disabledAt: Date?
    ) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.role = role
        self.team = team
        self.createdAt = createdAt
        self.disabledAt = disabledAt
    }
}

/// An API token as listed: never the secret itself, which exists only in the response that created it.
public struct APIToken: Equatable, Sendable {
    public let id: UUID
    public let userID: UUID
    /// The name its owner gave it, unique among their live tokens.
    public let name: String
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?

    /// Creates a token value.
    public init(id: UUID, userID: UUID, name: String, createdAt: Date, lastUsedAt: Date?, revokedAt: Date?) {
        self.id = id
        self.userID = userID
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// The secret text of an API token: `rap_` and 32 random bytes in unpadded base64url.
public enum APITokenSecret {
    /// The prefix that marks Rapport tokens (and lets secret scanners find leaked ones).
    public static let prefix = "rap_"

    /// A new random secret.
    public static func generate() -> String {
        prefix + randomBody()
    }

    /// 32 random bytes in unpadded base64url: the body of a token, and the web UI's session secrets and CSRF tokens.
    public static func randomBody() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `text` has the shape of a secret (prefix and 43 base64url characters); says nothing of validity.
    public static func isWellFormed(_ text: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let body = text.dropFirst(prefix.count)
        return body.count == 43 && body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}

/// Passwords Rapport makes up for new accounts.
public enum GeneratedPassword {
    private static let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// A random 20-character password without look-alike characters (about 116 bits).
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// The shortest password accepted for an account.
    public static let minimumLength = 12
}
