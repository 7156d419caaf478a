import FluentKit
import Foundation
import RapportCore
import SQLKit

/// A signed-in browser: who it is and the token its forms must carry.
public struct WebSession: Equatable, Sendable {
    public let user: User
    /// The CSRF token of this session's forms.
    public let csrfToken: String
    public let expiresAt: Date
}

/// The web UI's sign-in sessions, kept in the database so that every server of a deployment knows them and a restart
/// signs no one out. The cookie holds a random secret; the table holds its SHA-256, so reading the table gives no
/// one a session.
public struct WebSessionRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// How long a session lasts from sign-in.
    public static let lifetime: TimeInterval = 12 * 3600

    /// Opens a session for `userID`.
    /// - Returns: the secret for the cookie and the session.
    public func open(for user: User) async throws -> (secret: String, session: WebSession) {
        let now = store.clock.now()
        let secret = APITokenSecret.randomBody()
        let session = WebSession(user: user, csrfToken: APITokenSecret.randomBody(), expiresAt: now + Self.lifetime)
        try await store.write { database in
            // Expired sessions go as new ones come: the table never grows past the live ones and a day's sign-ins.
            try await (database as! any SQLDatabase).delete(from: "web_sessions")
                .where("expires_at", .lessThan, SQLBind(now)).run()
            try await (database as! any SQLDatabase).insert(into: "web_sessions")
                .columns("secret_hash", "user_id", "csrf_token", "created_at", "expires_at")
                .values(SQLBind(TokenRepository.hash(secret)), SQLBind(user.id), SQLBind(session.csrfToken), SQLBind(now),
                        SQLBind(session.expiresAt))
                .run()
        }
        return (secret, session)
    }

    /// The live session whose cookie holds `secret`, with its user; nil when it is unknown, expired, or its user is
    /// disabled.
    public func find(secret: String) async throws -> WebSession? {
        let sql = store.database as! any SQLDatabase
        guard let row = try await sql.select().columns("user_id", "csrf_token", "expires_at").from("web_sessions")
            .where("secret_hash", .equal, SQLBind(TokenRepository.hash(secret))).first()
        else { return nil }
        let expiresAt = try row.decode(column: "expires_at", as: Date.self)
        guard expiresAt > store.clock.now(),
              let user = try await UserRepository(store).find(id: try row.decode(column: "user_id", as: UUID.self)),
              user.disabledAt == nil
        else { return nil }
        return WebSession(user: user, csrfToken: try row.decode(column: "csrf_token", as: String.self),
                          expiresAt: expiresAt)
    }

    /// Ends the session whose cookie holds `secret` (signing out).
    public func close(secret: String) async throws {
        try await store.write { database in
            try await (database as! any SQLDatabase).delete(from: "web_sessions")
                .where("secret_hash", .equal, SQLBind(TokenRepository.hash(secret))).run()
        }
    }

}

/// Failed sign-ins, which throttle guessing: after `limit` failures for one account from one address within
/// `window`, further attempts are refused without checking the password.
public struct SignInThrottle: Sendable {
    let store: RapportDatabase

    /// Failures allowed per account and address within `window`.
    public static let limit = 5
    public static let window: TimeInterval = 15 * 60

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// Whether `account` (an e-mail address, as typed, lower-cased) may try to sign in from `address` now.
    public func allows(account: String, address: String) async throws -> Bool {
        let since = store.clock.now() - Self.window
        let row = try await (store.database as! any SQLDatabase).select().column(SQLFunction("count", args: SQLLiteral.all), as: "n")
            .from("sign_in_failures").where("account", .equal, SQLBind(account))
            .where("address", .equal, SQLBind(address)).where("at", .greaterThan, SQLBind(since)).first()
        return try (row?.decode(column: "n", as: Int.self) ?? 0) < Self.limit
    }

    /// Records a failed sign-in.
    public func recordFailure(account: String, address: String) async throws {
        let now = store.clock.now()
        try await store.write { database in
            let sql = database as! any SQLDatabase
            try await sql.delete(from: "sign_in_failures").where("at", .lessThan, SQLBind(now - Self.window)).run()
            try await sql.insert(into: "sign_in_failures").columns("id", "account", "address", "at")
                .values(SQLBind(UUID()), SQLBind(account), SQLBind(address), SQLBind(now)).run()
        }
    }

    /// Forgets the failures of an account from an address after it signed in.
    public func clear(account: String, address: String) async throws {
        try await store.write { database in
            try await (database as! any SQLDatabase).delete(from: "sign_in_failures")
                .where("account", .equal, SQLBind(account)).where("address", .equal, SQLBind(address)).run()
        }
    }
}
