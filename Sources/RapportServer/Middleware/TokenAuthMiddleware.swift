import Crypto
import Foundation
import RapportCore
import RapportStore
import Vapor

/// Requires `Authorization: Bearer rap_…` with a live token, and records who the caller is.
struct TokenAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let secret = request.headers.bearerAuthorization?.token else {
            throw Self.unauthenticated("send an API token: 'Authorization: Bearer rap_…'")
        }
        let services = request.rapport
        let now = services.clock.now()
        let key = Hex.encode(SHA256.hash(data: Data(secret.utf8)))
        let entry: TokenCache.Entry
        if let cached = services.tokenCache.entry(for: key, now: now) {
            entry = cached
        } else {
            guard let (token, user) = try await TokenRepository(request.store).authenticate(secret: secret) else {
                throw Self.unauthenticated("the API token is unknown or revoked")
            }
            let principal = Principal(
                userID: user.id, role: user.role, team: user.team, actor: Actor(kind: .token, id: token.id))
            entry = TokenCache.Entry(
                principal: principal, tokenID: token.id,
                expiresAt: now.addingTimeInterval(TimeInterval(services.settings.tokenCacheSeconds)),
                lastUsedRecordedAt: nil)
            services.tokenCache.store(entry, for: key)
        }
        if services.tokenCache.claimLastUsedWrite(for: key, now: now) {
            try await TokenRepository(request.store).markUsed(entry.tokenID, at: now)
        }
        request.setPrincipal(entry.principal)
        return try await next.respond(to: request)
    }

    static func unauthenticated(_ detail: String) -> Problem {
        Problem(.unauthorized, type: ProblemType.unauthenticated, detail: detail,
                headers: ["WWW-Authenticate": "Bearer realm=\"rapport\""])
    }
}
