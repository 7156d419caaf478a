import Foundation
import RapportCore
import RapportStore
import Vapor

/// `/api/v1/tokens`: the caller's API tokens. Creating one shows its secret once; revoking takes effect at once.
struct TokensController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tokens = routes.grouped(APIPath.tokens)
        tokens.get(use: list)
        tokens.post(use: create)
        tokens.delete(APIPath.id, use: revoke)
    }

    @Sendable func list(request: Request) async throws -> Response {
        let tokens = try await TokenRepository(request.store).list(userID: try request.principal.userID)
        return try APIJSON.response(PageDTO(items: tokens.map { TokenDTO($0) }, nextCursor: nil))
    }

    @Sendable func create(request: Request) async throws -> Response {
        let principal = try request.principal
        var body = StrictObject(try await request.jsonBody(), allowed: ["name"])
        let name = body.string("name", required: true)
        if let name, name.count > 100 { body.fail("name", "too_long", "at most 100 characters") }
        try body.check()
        let (token, secret) = try await TokenRepository(request.store).create(userID: principal.userID, name: name!)
        _ = try await AuditLog(request.store).append(.token(token, actor: principal.actor, action: .tokenCreated,
                                                            via: "api"))
        return try APIJSON.response(
            TokenDTO(token, secret: secret), status: .created, headers: ["Location": APIPath.token(token.id)])
    }

    /// Admins may revoke anyone's token; others only their own (someone else's is a 404).
    @Sendable func revoke(request: Request) async throws -> Response {
        let principal = try request.principal
        let repository = TokenRepository(try request.store)
        guard let token = try await repository.find(id: try request.uuidParameter("id")),
            token.userID == principal.userID || AccessPolicy.canAdminister(principal)
        else { throw StoreError.notFound }
        let revoked = token.revokedAt == nil
            ? try await repository.revoke(id: token.id, userID: token.userID)
            : token
        request.rapport.tokenCache.invalidate(tokenID: token.id)
        if token.revokedAt == nil {
            _ = try await AuditLog(request.store).append(.token(token, actor: principal.actor, action: .tokenRevoked,
                                                                   via: "api"))
        }
        return try APIJSON.response(TokenDTO(revoked))
    }
}

extension NewAuditEntry {
    /// An entry about an API token: its ID as the target, its owner in the detail (never its secret).
    static func token(_ token: APIToken, actor: Actor, action: AuditAction, via: String) -> NewAuditEntry {
        NewAuditEntry(actor: actor, action: action, targetKind: "token", targetID: UUIDText.format(token.id),
                      detail: ["user_id": .string(UUIDText.format(token.userID)), "via": .string(via)])
    }
}
