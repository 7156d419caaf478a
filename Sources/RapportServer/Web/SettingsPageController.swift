import Foundation
import Leaf
import RapportCore
import RapportStore
import Vapor

/// Settings, for administrators: users and their roles (create, change role or team, disable), API tokens (a new
/// token's secret is shown once, on the page that created it; revoke), and the lifecycle and analytics thresholds in
/// force with the flag or variable that sets each. Every change is audit-logged; a non-admin's attempt too.
struct SettingsPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("settings", use: show)
        routes.post("settings", "users", use: createUser)
        routes.post("settings", "users", ":id", use: changeUser)
        routes.post("settings", "tokens", use: createToken)
        routes.post("settings", "tokens", ":id", "revoke", use: revokeToken)
    }

    struct UserForm: Content {
        var email: String?
        var name: String?
        var role: String?
        var team: String?
        var password: String?
        var disabled: String?
    }

    struct TokenForm: Content {
        var name: String?
        var user: String?
    }

    @Sendable func show(request: Request) async throws -> Response {
        let principal = try await Self.admin(request, operation: "settings.view")
        return try await Self.page(request, principal: principal).response(for: request)
    }

    @Sendable func createUser(request: Request) async throws -> Response {
        let principal = try await Self.admin(request, operation: "user.create")
        try request.requireCSRFToken()
        let form = try request.content.decode(UserForm.self)
        var page = try await Self.page(request, principal: principal)
        guard let role = form.role.flatMap(Role.init(rawValue:)) else {
            page["userErrors"] = .dictionary(["role": .string(request.text("field_error.invalid_value"))])
            page["newUser"] = Self.values(form)
            return try await page.response(for: request, status: .unprocessableEntity)
        }
        let password = form.password.flatMap { $0.isEmpty ? nil : $0 }
        do {
            let (user, generated) = try await UserAccounts(store: request.store).createUser(
                email: form.email ?? "", displayName: form.name ?? "", role: role, team: form.team,
                password: password)
            _ = try await AuditLog(request.store).append(NewAuditEntry(
                actor: principal.actor, action: .userCreated, targetKind: "user", targetID: UUIDText.format(user.id),
                detail: ["role": .string(role.rawValue), "via": "web"]))
            var done = try await Self.page(request, principal: principal)
            done["created"] = .dictionary(["email": .string(user.email), "password": .string(generated ?? "")])
            return try await done.response(for: request, status: .created)
        } catch let invalid as ValidationError {
            page["userErrors"] = .dictionary(Dictionary(invalid.errors.map {
                (String($0.field.prefix { $0 != "." }), LeafData.string(CustomerEditForm.message($0, request: request)))
            }, uniquingKeysWith: { first, _ in first }))
        } catch StoreError.conflict {
            page["userErrors"] = .dictionary(["email": .string(request.text("settings.users.taken"))])
        }
        page["newUser"] = Self.values(form)
        return try await page.response(for: request, status: .unprocessableEntity)
    }

    @Sendable func changeUser(request: Request) async throws -> Response {
        let principal = try await Self.admin(request, operation: "user.change")
        try request.requireCSRFToken()
        guard let id = request.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let user = try await UserRepository(request.store).find(id: id)
        else { throw Abort(.notFound) }
        let form = try request.content.decode(UserForm.self)
        guard let role = form.role.flatMap(Role.init(rawValue:)) else {
            throw Abort(.unprocessableEntity, reason: request.text("field_error.invalid_value"))
        }
        let disabled = form.disabled == "true"
        // An administrator cannot lock themselves out: the last way back in would be the CLI.
        if id == principal.userID, role != .admin || disabled {
            throw Abort(.unprocessableEntity, reason: request.text("settings.users.not_yourself"))
        }
        let team = form.team.map(TextNormalization.clean).flatMap { $0.isEmpty ? nil : $0 }
        let changed = try await UserRepository(request.store).update(id, role: role, team: team, disabled: disabled)
        if changed != user {
            _ = try await AuditLog(request.store).append(NewAuditEntry(
                actor: principal.actor, action: .userChanged, targetKind: "user", targetID: UUIDText.format(id),
                detail: ["role": .string(role.rawValue), "team": team.map(JSONValue.string) ?? .null,
                         "disabled": .bool(disabled), "via": "web"]))
        }
        return request.redirect(to: "/settings#users", redirectType: .normal)
    }

    /// Creates a token for the chosen user (the admin by default) and shows its secret on this answer only.
    @Sendable func createToken(request: Request) async throws -> Response {
        let principal = try await Self.admin(request, operation: "token.create")
        try request.requireCSRFToken()
        let form = try request.content.decode(TokenForm.self)
        let name = TextNormalization.clean(form.name ?? "")
        let owner = form.user.flatMap(UUID.init(uuidString:)) ?? principal.userID
        var page = try await Self.page(request, principal: principal)
        guard !name.isEmpty, name.count <= 100 else {
            page["tokenError"] = .string(request.text(name.isEmpty ? "field_error.required" : "field_error.too_long"))
            return try await page.response(for: request, status: .unprocessableEntity)
        }
        guard try await UserRepository(request.store).find(id: owner) != nil else { throw Abort(.notFound) }
        do {
            let (token, secret) = try await TokenRepository(request.store).create(userID: owner, name: name)
            _ = try await AuditLog(request.store).append(.token(token, actor: principal.actor, action: .tokenCreated,
                                                                via: "web"))
            var done = try await Self.page(request, principal: principal)
            done["secret"] = .string(secret)
            done["secretName"] = .string(name)
            return try await done.response(for: request, status: .created)
        } catch StoreError.conflict {
            page["tokenError"] = .string(request.text("settings.tokens.taken"))
            return try await page.response(for: request, status: .unprocessableEntity)
        }
    }

    @Sendable func revokeToken(request: Request) async throws -> Response {
        let principal = try await Self.admin(request, operation: "token.revoke")
        try request.requireCSRFToken()
        let repository = TokenRepository(try request.store)
        guard let id = request.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let token = try await repository.find(id: id)
        else { throw Abort(.notFound) }
        if token.revokedAt == nil {
            _ = try await repository.revoke(id: token.id, userID: token.userID)
            request.rapport.tokenCache.invalidate(tokenID: token.id)
            _ = try await AuditLog(request.store).append(.token(token, actor: principal.actor, action: .tokenRevoked,
                                                                via: "web"))
        }
        return request.redirect(to: "/settings#tokens", redirectType: .normal)
    }

    // MARK: - The page

    private static func admin(_ request: Request, operation: String) async throws -> Principal {
        let principal = try request.requirePrincipal()
        try await request.requirePermission(AccessPolicy.canAdminister(principal), operation: operation,
                                            principal: principal)
        return principal
    }

    private static func page(_ request: Request, principal: Principal) async throws -> WebPage {
        let store = try request.store
        let language = request.webLanguage
        let users = try await UserRepository(store).list(after: nil, limit: 500)
        var page = WebPage("settings", section: "settings")
        page["users"] = .array(users.map { user in
            .dictionary([
                "id": .string(UUIDText.format(user.id)), "email": .string(user.email), "name": .string(user.displayName),
                "role": .string(user.role.rawValue), "team": .string(user.team ?? ""),
                "disabled": .bool(user.disabledAt != nil), "me": .bool(user.id == principal.userID),
                "created": .string(WebFormat.day(user.createdAt, in: language)),
            ])
        })
        page["roles"] = .array(Role.allCases.map { role in
            .dictionary(["key": .string(role.rawValue), "label": .string(request.text("role.\(role.rawValue)"))])
        })
        var tokens: [LeafData] = []
        let repository = TokenRepository(store)
        for user in users {
            for token in try await repository.list(userID: user.id) {
                tokens.append(.dictionary([
                    "id": .string(UUIDText.format(token.id)), "name": .string(token.name),
                    "owner": .string(user.displayName),
                    "created": .string(WebFormat.day(token.createdAt, in: language)),
                    "used": .string(token.lastUsedAt.map { WebFormat.time($0, in: language) } ?? ""),
                    "revoked": .string(token.revokedAt.map { WebFormat.day($0, in: language) } ?? ""),
                ]))
            }
        }
        page["tokens"] = .array(tokens)
        page["me"] = .string(UUIDText.format(principal.userID))
        page["newUser"] = .dictionary(["role": "agent"])
        let settings = request.rapport.settings
        let lifecycle = settings.lifecycle, analytics = settings.analytics
        let thresholds: [(Settings.Key, String)] = [
            (.newDays, "\(lifecycle.newDays)"), (.silentMinDays, "\(lifecycle.silentMinDays)"),
            (.silentGapMultiple, "\(lifecycle.silentGapMultiple)"), (.churnMinDays, "\(lifecycle.churnMinDays)"),
            (.churnGapMultiple, "\(lifecycle.churnGapMultiple)"), (.rfmWindowDays, "\(analytics.rfmWindowDays)"),
            (.abcAShare, "\(analytics.abcAShare)"), (.abcBShare, "\(analytics.abcBShare)"),
            (.clvDiscountRate, "\(analytics.monthlyDiscountRate)"),
            (.analyticsTimeUnit, analytics.timeUnitDays == 7 ? "week" : "day"),
            (.churnPAlive, "\(analytics.churnPAlive)"), (.shiftMinPurchases, "\(analytics.shiftMinPurchases)"),
            (.shiftMinBaskets, "\(analytics.shiftMinBaskets)"),
            (.dedupeAutoMerge, settings.dedupeAutoMerge.map { "\($0)" } ?? "off"),
            (.dailyRecompute, settings.dailyRecompute ? "on" : "off"), (.baseCurrency, settings.baseCurrency),
        ]
        page["thresholds"] = .array(thresholds.map { key, value in
            .dictionary([
                "label": .string(request.text("setting.\(key.rawValue)")), "value": .string(value),
                "flag": .string("--\(key.rawValue)"), "env": .string(key.environmentName),
                "default": .bool(value == key.defaultValue
                    || (Double(value) != nil && Double(value) == key.defaultValue.flatMap(Double.init))),
            ])
        })
        return page
    }

    private static func values(_ form: UserForm) -> LeafData {
        .dictionary(["email": .string(form.email ?? ""), "name": .string(form.name ?? ""),
                     "role": .string(form.role ?? ""), "team": .string(form.team ?? "")])
    }
}
