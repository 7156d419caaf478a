import Foundation
import RapportCore
import RapportStore
import Vapor

/// `/api/v1/me` for everyone; `/api/v1/users` for admins: list and create accounts.
struct UsersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIPath.me, use: me)
        let users = routes.grouped(APIPath.users)
        users.get(use: list)
        users.post(use: create)
    }

    @Sendable func me(request: Request) async throws -> Response {
        guard let user = try await UserRepository(request.store).find(id: try request.principal.userID) else {
            throw StoreError.notFound
        }
        return try APIJSON.response(UserDTO(user))
    }

    @Sendable func list(request: Request) async throws -> Response {
        try Self.requireAdmin(try request.principal)
        let limit = try request.pageLimit()
        var after: String?
        if let cursor = request.query[String.self, at: "cursor"] {
            guard let data = Data(base64Encoded: cursor), let email = String(data: data, encoding: .utf8) else {
                throw Problem.badParameter("cursor", "not a cursor this list gave out")
            }
            after = email
        }
        let users = try await UserRepository(request.store).list(after: after, limit: limit)
        let next = users.count == limit ? users.last.map { Data($0.email.utf8).base64EncodedString() } : nil
        return try APIJSON.response(PageDTO(items: users.map(UserDTO.init), nextCursor: next))
    }

    /// The response holds `password` only when the server generated it; it is not shown again.
    @Sendable func create(request: Request) async throws -> Response {
        try Self.requireAdmin(try request.principal)
        var body = StrictObject(try await request.jsonBody(), allowed: ["email", "display_name", "role", "team", "password"])
        let email = body.string("email", required: true)
        let name = body.string("display_name", required: true)
        let roleText = body.string("role", required: true)
        let team = body.string("team", required: false)
        let password = body.string("password", required: false)
        let role = roleText.flatMap(Role.init(rawValue:))
        if roleText != nil, role == nil {
            body.fail("role", "invalid_value", "expected one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let (_, accountErrors) = UserAccounts.check(
            email: email ?? "", displayName: name ?? "", password: password)
        for error in accountErrors where !body.errors.contains(where: { $0.field == error.field }) {
            body.fail(error.field, error.code, error.message)
        }
        try body.check()
        let (user, generated) = try await UserAccounts(store: request.store).createUser(
            email: email!, displayName: name!, role: role!, team: team, password: password)
        _ = try await AuditLog(request.store).append(NewAuditEntry(
            actor: try request.principal.actor, action: .userCreated, targetKind: "user",
            targetID: UUIDText.format(user.id), detail: ["role": .string(user.role.rawValue), "via": "api"]))
        struct Created: Encodable {
            let user: UserDTO
            let password: String?

            /// `password` is always present: null when the admin chose it.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(user, forKey: .user)
                try container.encode(password, forKey: .password)
            }

            enum CodingKeys: String, CodingKey { case user, password }
        }
        return try APIJSON.response(
            Created(user: UserDTO(user), password: generated), status: .created,
            headers: ["Location": APIPath.user(user.id)])
    }

    static func requireAdmin(_ principal: Principal) throws {
        guard AccessPolicy.canAdminister(principal) else {
            throw Problem(.forbidden, type: ProblemType.forbidden, detail: "only admins manage users")
        }
    }
}
