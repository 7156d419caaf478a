import Foundation
import RapportCore
import RapportStore
import Vapor

/// Names of the web UI's cookies.
enum WebCookie {
    /// The session's secret.
    static let session = "rapport_session"
    /// The sign-in form's CSRF token, before there is a session to hold one (double-submit).
    static let signInForm = "rapport_signin"
}

/// Every page request: loads the signed-in session from its cookie (if any) and decides the page's language — the
/// user's choice, else the browser's. Pages that need a user are behind `RequireSignIn`.
struct WebSessionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let secret = request.cookies[WebCookie.session]?.string, !secret.isEmpty,
           let session = try await WebSessionRepository(request.store).find(secret: secret)
        {
            request.storage[WebSessionKey.self] = session
            request.storage[WebLanguageKey.self] = try await UserRepository(request.store)
                .locale(of: session.user.id).flatMap(WebLanguage.init(rawValue:))
        }
        if request.storage[WebLanguageKey.self] == nil {
            request.storage[WebLanguageKey.self] = WebLanguage.preferred(
                by: request.headers.first(name: .acceptLanguage))
        }
        return try await next.respond(to: request)
    }
}

/// Sends a browser without a session to the sign-in page.
struct RequireSignIn: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.webSession != nil else { return request.redirect(to: "/login", redirectType: .normal) }
        return try await next.respond(to: request)
    }
}

private struct WebSessionKey: StorageKey {
    typealias Value = WebSession
}

private struct WebLanguageKey: StorageKey {
    typealias Value = WebLanguage
}

extension Request {
    /// The signed-in session, set by `WebSessionMiddleware`; nil for a visitor.
    var webSession: WebSession? { storage[WebSessionKey.self] }

    /// The page's language, set by `WebSessionMiddleware`.
    var webLanguage: WebLanguage { storage[WebLanguageKey.self] ?? .chinese }

    /// The signed-in user as the API's principal: the same visibility and permission rules apply to pages.
    var webPrincipal: Principal? {
        webSession.map { session in
            Principal(userID: session.user.id, role: session.user.role, team: session.user.team,
                      actor: Actor(kind: .user, id: session.user.id))
        }
    }

    /// Whether the posted form carries this session's CSRF token.
    func hasValidCSRFToken() -> Bool {
        guard let session = webSession, let sent = try? content.get(String.self, at: "csrf") else { return false }
        return WebSecurity.constantTimeEqual(sent, session.csrfToken)
    }

    /// The client's address, for throttling sign-ins.
    var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}
