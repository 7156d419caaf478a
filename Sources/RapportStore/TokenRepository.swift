import Crypto
import FluentKit
import Foundation
import RapportCore

/// API tokens. The secret is returned once, at creation; only its SHA-256 hash is stored.
public struct TokenRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// Creates a token for a user.
    /// - Returns: the token and its secret, which is not stored and cannot be shown again.
    /// - Throws: `StoreError.conflict` when the user already has a live token of that name.
    public func create(userID: UUID, name: String) async throws -> (token: APIToken, secret: String) {
        let secret = APITokenSecret.generate()
        let now = store.clock.now()
        let token = try await store.write { database in
            let taken = try await APITokenModel.query(on: database)
                .filter(\.$user.$id == userID).filter(\.$name == name).filter(\.$revokedAt == nil).first()
            if taken != nil { throw StoreError.conflict("a live token named \(name) already exists") }
            let model = APITokenModel()
            model.id = UUID()
            model.$user.id = userID
            model.name = name
            model.tokenHash = Self.hash(secret)
            model.createdAt = now
            try await model.create(on: database)
            return model.toToken()
        }
        return (token, secret)
    }

    /// The live token with this secret and its user; nil when the secret is unknown, revoked or its user disabled.
    public func authenticate(secret: String) async throws -> (token: APIToken, user: User)? {
        guard APITokenSecret.isWellFormed(secret) else { return nil }
        guard let model = try await APITokenModel.query(on: store.database)
            .filter(\.$tokenHash == Self.hash(secret)).filter(\.$revokedAt == nil).with(\.$user).first(),
            model.user.disabledAt == nil
        else { return nil }
        return (model.toToken(), try model.user.toUser())
    }

    /// Records that a token was used; callers throttle this so a busy token does not write on every request.
    public func markUsed(_ tokenID: UUID, at time: Date) async throws {
        try await store.write { database in
            try await APITokenModel.query(on: database).filter(\.$id == tokenID).set(\.$lastUsedAt, to: time).update()
        }
    }

    /// A user's tokens, newest first, revoked ones included.
    public func list(userID: UUID) async throws -> [APIToken] {
        try await APITokenModel.query(on: store.database).filter(\.$user.$id == userID)
            .sort(\.$createdAt, .descending).all().map { $0.toToken() }
    }

    /// The token with this ID.
    public func find(id: UUID) async throws -> APIToken? {
        try await APITokenModel.find(id, on: store.database)?.toToken()
    }

    /// Revokes a live token, by ID or by its owner and name.
    /// - Throws: `StoreError.notFound` when there is no such live token.
    public func revoke(id: UUID? = nil, userID: UUID, name: String? = nil) async throws -> APIToken {
        let now = store.clock.now()
        return try await store.write { database in
            let query = APITokenModel.query(on: database).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
            if let id { query.filter(\.$id == id) }
            if let name { query.filter(\.$name == name) }
            guard let model = try await query.first() else { throw StoreError.notFound }
            model.revokedAt = now
            try await model.update(on: database)
            return model.toToken()
        }
    }

    /// How a secret is stored and looked up: the hex SHA-256 of its text, so a copy of the table authenticates no
    /// one. API tokens and web sessions alike.
    public static func hash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }
}

extension APITokenModel {
    func toToken() -> APIToken {
        APIToken(
            id: id!, userID: $user.id, name: name, createdAt: createdAt, lastUsedAt: lastUsedAt, revokedAt: revokedAt)
    }
}
