import FluentKit
import Foundation
import RapportCore

/// Users and their roles. Password hashing happens above this layer; only hashes come here.
public struct UserRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// Creates a user.
    /// - Throws: `StoreError.conflict` when the e-mail address is taken.
    public func create(
        email: String, displayName: String, passwordHash: String, role: Role, team: String?
    ) async throws -> User {
        let now = store.clock.now()
        return try await store.write { database in
            if try await UserModel.query(on: database).filter(\.$email == email).first() != nil {
                throw StoreError.conflict("a user with e-mail \(email) already exists")
            }
            let model = UserModel()
            model.id = UUID()
            model.email = email
            model.displayName = displayName
            model.passwordHash = passwordHash
            model.role = role.rawValue
            model.team = team
            model.createdAt = now
            try await model.create(on: database)
            return try model.toUser()
        }
    }

    /// The user with this e-mail address, with the stored password hash.
    public func find(email: String) async throws -> (user: User, passwordHash: String)? {
        guard let model = try await UserModel.query(on: store.database).filter(\.$email == email).first() else {
            return nil
        }
        return (try model.toUser(), model.passwordHash)
    }

    /// The user with this ID.
    public func find(id: UUID) async throws -> User? {
        try await UserModel.find(id, on: store.database)?.toUser()
    }

    /// The users with these IDs, by ID, in one query; IDs of no user are left out.
    public func find(ids: Set<UUID>) async throws -> [UUID: User] {
        guard !ids.isEmpty else { return [:] }
        let users = try await UserModel.query(on: store.database).filter(\.$id ~~ Array(ids)).all()
            .map { try $0.toUser() }
        return Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0) })
    }

    /// How many users exist; zero on a fresh database.
    public func count() async throws -> Int {
        try await UserModel.query(on: store.database).count()
    }

    /// A page of users by e-mail address, starting after `after`.
    public func list(after email: String?, limit: Int) async throws -> [User] {
        let query = UserModel.query(on: store.database)
        if let email { query.filter(\.$email > email) }
        return try await query.sort(\.$email).limit(limit).all().map { try $0.toUser() }
    }
}

extension UserModel {
    func toUser() throws -> User {
        guard let role = Role(rawValue: role) else { throw StoreError.corrupt("user \(email) has unknown role \(role)") }
        return User(
            id: try requireID(), email: email, displayName: displayName, role: role, team: team,
            createdAt: createdAt, disabledAt: disabledAt)
    }
}

extension UserRepository {
    /// The language the user chose for the web UI; nil when they never chose one.
    public func locale(of id: UUID) async throws -> String? {
        try await UserModel.find(id, on: store.database)?.locale
    }

    /// Changes a user's role and team, and disables or re-enables the account. A disabled user's sessions and API
    /// tokens stop working at once (both are checked against `disabled_at` on every use).
    /// - Throws: `StoreError.notFound` when there is no such user.
    public func update(_ id: UUID, role: Role, team: String?, disabled: Bool) async throws -> User {
        let now = store.clock.now()
        return try await store.write { database in
            guard let model = try await UserModel.find(id, on: database) else { throw StoreError.notFound }
            model.role = role.rawValue
            model.team = team
            if disabled != (model.disabledAt != nil) { model.disabledAt = disabled ? now : nil }
            try await model.save(on: database)
            return try model.toUser()
        }
    }

    /// Records the user's choice of language for the web UI.
    public func setLocale(_ locale: String, of id: UUID) async throws {
        try await store.write { database in
            try await UserModel.query(on: database).filter(\.$id == id).set(\.$locale, to: locale).update()
        }
    }
}
