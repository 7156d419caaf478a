import Foundation
import RapportCore
import RapportStore
import Vapor

/// Requires `Authorization: Bearer rap_…` with a live token, and records who the caller is.
///
/// Future-based, like `ProblemMiddleware`: with the token in `TokenCache` (the common case) it passes the request on
/// without leaving the event loop; only a cache miss or a due `last_used_at` write starts a task.
struct TokenAuthMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let secret = request.headers.bearerAuthorization?.token else {
            return request.eventLoop.makeFailedFuture(
                Self.unauthenticated("send an API token: 'Authorization: Bearer rap_…'"))
        }
        let services = request.rapport
        let now = services.clock.now()
        let key = TokenRepository.hash(secret)
        if let entry = services.tokenCache.entry(for: key, now: now),
            !services.tokenCache.claimLastUsedWrite(for: key, now: now)
        {
            request.setPrincipal(entry.principal)
            return next.respond(to: request)
        }
        let verified = request.eventLoop.makePromise(of: Principal.self)
        verified.completeWithTask {
            try await Self.verify(secret: secret, key: key, request: request, now: now)
        }
        return verified.futureResult.flatMap { principal in
            request.setPrincipal(principal)
            return next.respond(to: request)
        }
    }

    /// Looks the token up unless it is cached, and writes `last_used_at` when it is due.
    private static func verify(secret: String, key: String, request: Request, now: Date) async throws -> Principal {
        let services = request.rapport
        let repository = TokenRepository(try request.store)
        let entry: TokenCache.Entry
        if let cached = services.tokenCache.entry(for: key, now: now) {
            entry = cached
        } else {
            guard let (token, user) = try await repository.authenticate(secret: secret) else {
                throw unauthenticated("the API token is unknown or revoked")
            }
            let principal = Principal(
                userID: user.id, role: user.role, team: user.team, actor: Actor(kind: .token, id: token.id))
            entry = TokenCache.Entry(
                principal: principal, tokenID: token.id,
                expiresAt: now.addingTimeInterval(TimeInterval(services.settings.tokenCacheSeconds)),
                lastUsedRecordedAt: nil)
            services.tokenCache.store(entry, for: key)
            _ = services.tokenCache.claimLastUsedWrite(for: key, now: now)
        }
        try await repository.markUsed(entry.tokenID, at: now)
        return entry.principal
    }

    static func unauthenticated(_ detail: String) -> Problem {
        Problem(.unauthorized, type: ProblemType.unauthenticated, detail: detail,
                headers: ["WWW-Authenticate": "Bearer realm=\"rapport\""])
    }
}
