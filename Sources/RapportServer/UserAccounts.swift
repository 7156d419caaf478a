import Foundation
import RapportCore
import RapportStore
import Vapor

/// Creating accounts and their tokens, shared by the API and the command line.
public struct UserAccounts: Sendable {
    let store: RapportDatabase

    /// Works on `store`.
    public init(store: RapportDatabase) {
        self.store = store
    }

    /// Validates and creates a user; generates a password when none is given.
    /// - Returns: the user, and the generated password (nil when one was given).
    /// - Throws: `ValidationError` naming bad fields, `StoreError.conflict` for a taken e-mail.
    public func createUser(
        email rawEmail: String, displayName: String, role: Role, team: String?, password: String?
    ) async throws -> (user: User, generatedPassword: String?) {
        let (email, errors) = Self.check(email: rawEmail, displayName: displayName, password: password)
        if !errors.isEmpty { throw ValidationError(errors) }
        let name = TextNormalization.clean(displayName)
        let generated = password == nil ? GeneratedPassword.make() : nil
        let hash = try Bcrypt.hash(password ?? generated!)
        let team = team.map(TextNormalization.clean).flatMap { $0.isEmpty ? nil : $0 }
        let user = try await UserRepository(store).create(
            email: email, displayName: name, passwordHash: hash, role: role, team: team)
        return (user, generated)
    }

    /// Checks the fields of a new account.
    /// - Returns: the normalised e-mail address, and every problem found.
    static func check(email rawEmail: String, displayName: String, password: String?) -> (String, [FieldError]) {
        var errors: [FieldError] = []
        var email = ""
        do {
            email = try EmailAddress.normalize(rawEmail)
        } catch {
            errors.append(FieldError(field: "email", code: error.code, message: error.message))
        }
        if TextNormalization.clean(displayName).isEmpty {
            errors.append(FieldError(field: "display_name", code: "required", message: "a name is required"))
        }
        if let password, password.count < GeneratedPassword.minimumLength {
            errors.append(FieldError(field: "password", code: "too_short",
                                     message: "at least \(GeneratedPassword.minimumLength) characters"))
        }
        return (email, errors)
    }

    /// Creates an API token for the user with this e-mail address.
    /// - Returns: the token's secret, shown this once.
    public func createToken(email: String, name: String) async throws -> String {
        let user = try await requireUser(email: email)
        let cleaned = TextNormalization.clean(name)
        guard !cleaned.isEmpty, cleaned.count <= 100 else {
            throw ValidationError(field: "name", code: "required", message: "a token name of 1 to 100 characters")
        }
        return try await TokenRepository(store).create(userID: user.id, name: cleaned).secret
    }

    /// Revokes the user's live token of that name.
    public func revokeToken(email: String, name: String) async throws -> APIToken {
        let user = try await requireUser(email: email)
        return try await TokenRepository(store).revoke(userID: user.id, name: TextNormalization.clean(name))
    }

    private func requireUser(email: String) async throws -> User {
        let normalized = (try? EmailAddress.normalize(email)) ?? email
        guard let (user, _) = try await UserRepository(store).find(email: normalized) else {
            throw StoreError.notFound
        }
        return user
    }
}
