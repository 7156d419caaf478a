import Foundation
import RapportCore
import RapportStore
import Vapor

/// Signing in and out of the web UI, and choosing its language.
struct SignInController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: form)
        routes.post("login", use: signIn)
        routes.post("logout", use: signOut)
        routes.post("language", use: chooseLanguage)
    }

    struct Credentials: Content {
        var email: String?
        var password: String?
        var csrf: String?
    }

    /// The sign-in form, with a fresh CSRF token in a cookie and in the form (a session does not exist yet).
    @Sendable func form(request: Request) async throws -> Response {
        if request.webSession != nil { return request.redirect(to: "/dashboard") }
        return try await page(request, status: .ok, message: nil, email: "")
    }

    @Sendable func signIn(request: Request) async throws -> Response {
        let credentials = (try? request.content.decode(Credentials.self)) ?? Credentials()
        let email = (credentials.email ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard let sent = credentials.csrf, let expected = request.cookies[WebCookie.signInForm]?.string,
              WebSecurity.constantTimeEqual(sent, expected)
        else { return try await page(request, status: .forbidden, message: "login.expired", email: email) }
        let store = try request.store
        let throttle = SignInThrottle(store)
        let address = request.clientAddress
        let audit = AuditLog(store)
        guard try await throttle.allows(account: email, address: address) else {
            _ = try await audit.append(NewAuditEntry(actor: .system, action: .signInThrottled,
                                                     detail: ["via": "web"]))
            return try await page(request, status: .tooManyRequests, message: "login.throttled", email: email)
        }
        let found = try await UserRepository(store).find(email: email)
        guard let (user, hash) = found, user.disabledAt == nil,
              (try? Bcrypt.verify(credentials.password ?? "", created: hash)) == true
        else {
            try await throttle.recordFailure(account: email, address: address)
            _ = try await audit.append(NewAuditEntry(
                actor: .system, action: .signInFailed, targetKind: found == nil ? nil : "user",
                targetID: found.map { UUIDText.format($0.user.id) },
                detail: ["via": "web", "reason": .string(found == nil ? "unknown_account" : "wrong_password_or_disabled")]))
            return try await page(request, status: .unauthorized, message: "login.failed", email: email)
        }
        try await throttle.clear(account: email, address: address)
        let (secret, _) = try await WebSessionRepository(store).open(for: user)
        _ = try await audit.append(NewAuditEntry(actor: Actor(kind: .user, id: user.id), action: .signedIn,
                                                 targetKind: "user", targetID: UUIDText.format(user.id),
                                                 detail: ["via": "web"]))
        let response = request.redirect(to: "/dashboard", redirectType: .normal)
        let secure = request.rapport.settings.behindTLS
        response.cookies[WebCookie.session] = WebSecurity.cookie(
            secret, maxAge: Int(WebSessionRepository.lifetime), secure: secure)
        response.cookies[WebCookie.signInForm] = WebSecurity.cookie("", maxAge: 0, secure: secure)
        return response
    }

    @Sendable func signOut(request: Request) async throws -> Response {
        guard let session = request.webSession else { return request.redirect(to: "/login", redirectType: .normal) }
        try request.requireCSRFToken()
        if let secret = request.cookies[WebCookie.session]?.string {
            try await WebSessionRepository(request.store).close(secret: secret)
        }
        _ = try await AuditLog(request.store).append(NewAuditEntry(
            actor: Actor(kind: .user, id: session.user.id), action: .signedOut, targetKind: "user",
            targetID: UUIDText.format(session.user.id), detail: ["via": "web"]))
        let response = request.redirect(to: "/login", redirectType: .normal)
        response.cookies[WebCookie.session] = WebSecurity.cookie(
            "", maxAge: 0, secure: request.rapport.settings.behindTLS)
        return response
    }

    /// Stores the signed-in user's language and goes back to the page they were on.
    @Sendable func chooseLanguage(request: Request) async throws -> Response {
        guard let session = request.webSession else { return request.redirect(to: "/login", redirectType: .normal) }
        try request.requireCSRFToken()
        guard let choice = try? request.content.get(String.self, at: "locale"),
              let language = WebLanguage(rawValue: choice)
        else { throw Abort(.badRequest, reason: "locale: expected zh-CN or en") }
        try await UserRepository(request.store).setLocale(language.rawValue, of: session.user.id)
        // Only a path of this site: the Referer could name another one.
        let back = request.headers.first(name: .referer).flatMap { URLComponents(string: $0)?.path }
            .flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? "/customers"
        return request.redirect(to: back, redirectType: .normal)
    }

    private func page(_ request: Request, status: HTTPStatus, message: String?, email: String) async throws
        -> Response
    {
        let token = APITokenSecret.randomBody()
        var page = WebPage("login")
        page["csrf"] = .string(token)
        page["email"] = .string(email)
        if let message { page["message"] = .string(message) }
        let response = try await page.response(for: request, status: status)
        response.cookies[WebCookie.signInForm] = WebSecurity.cookie(
            token, maxAge: 3600, secure: request.rapport.settings.behindTLS)
        return response
    }
}
